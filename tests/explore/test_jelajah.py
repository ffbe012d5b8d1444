"""kinerja.buka: DataFrames read from the metric registry, forum-protected, shown in id-ID."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kinerja
from kinerja.explore import Jelajah, buka, styled
from kinerja.explore.display import ATTR, _html
from kinerja.metrics.store import ReportData


@pytest.fixture(scope="module")
def lap(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Jelajah:
    mp = pytest.MonkeyPatch()
    mp.setenv("KINERJA_FOLDER_CACHE", str(tmp_path_factory.mktemp("fcache")))
    try:
        yield buka(sample_dir)
    finally:
        mp.undo()


def _busiest_opd(lap: Jelajah) -> str:
    ikm = lap.data.metric("ikm", lap.periode)
    return str(ikm.sort_values("n_responden", ascending=False)["kode_opd"].iloc[0])


def test_buka_is_exposed_lazily_and_takes_the_period_from_the_data(lap):
    assert kinerja.buka is buka
    assert isinstance(lap.data, ReportData)
    assert str(lap.periode) == "2025"  # periode: auto on the 2025 sample
    assert "periode 2025" in repr(lap)


def test_every_method_returns_a_plain_dataframe(lap):
    kode = _busiest_opd(lap)
    service = str(lap.layanan(kode)["jenis_layanan"].iloc[0])
    frames = [
        lap.opd(),
        lap.ikm(),
        lap.ikm(kode),
        lap.unsur(kode),
        lap.layanan(),
        lap.layanan(kode),
        lap.hambatan(kode, service),
        lap.skp(),
        lap.skp(kode),
        lap.pelatihan(),
        lap.pengaduan(),
        lap.kota(),
    ]
    for df in frames:
        assert type(df) is pd.DataFrame
        assert df.attrs[ATTR]["audiens"] == "audiens forum (agregat)"
        assert not {"nip", "nama", "isi", "saran"} & set(df.columns)


def test_ikm_is_the_registry_table_with_small_groups_hidden(lap, monkeypatch):
    metric = lap.data.metric("ikm", lap.periode).set_index("kode_opd")
    got = lap.ikm().set_index("kode_opd")
    assert set(got.index) == set(metric.index)
    big = metric.index[metric["n_responden"] >= lap.data.k_responden]
    assert len(big)
    pd.testing.assert_series_equal(
        got.loc[big, "ikm"].astype("float64"), metric.loc[big, "ikm"], check_names=False
    )
    # a threshold above every OPD's respondents hides every value, never the counts' rows
    monkeypatch.setattr(lap.data, "k_responden", int(metric["n_responden"].max()) + 1)
    hidden = lap.ikm()
    assert len(hidden) == len(metric)
    assert hidden["ikm"].isna().all() and hidden["mutu"].isna().all()
    assert hidden["nrr_waktu"].isna().all()
    assert "sel disembunyikan" in hidden.attrs[ATTR]["catatan"]


def test_layanan_and_hambatan_reuse_the_service_tables(lap):
    kode = _busiest_opd(lap)
    tables = lap.data.metric("service", lap.periode)
    expected = tables["layanan"].loc[tables["layanan"]["kode_opd"] == kode]
    got = lap.layanan(kode)
    assert got["n_permohonan"].tolist() == expected["n_permohonan"].tolist()
    row = expected.sort_values("n_permohonan").iloc[-1]
    stages = lap.hambatan(kode, row["jenis_layanan"])
    assert stages.loc[stages["hambatan"], "tahap"].tolist() == [row["tahap_hambatan"]]
    assert f"hambatan: tahap {row['tahap_hambatan']}" in stages.attrs[ATTR]["catatan"]
    with pytest.raises(ValueError, match="jenis layanan yang ada: "):
        lap.hambatan(kode, "Layanan Yang Tidak Ada")


def test_skp_forum_is_a_protected_distribution_and_internal_is_one_opd(lap):
    kode = _busiest_opd(lap)
    forum = lap.skp()
    dist, _ = lap.data.metric("skp", lap.periode)
    assert len(forum) == len(dist)
    # every OPD below k_pegawai assessed employees shows no count at all
    sizes = dist.groupby("kode_opd", observed=True)["jumlah"].sum()
    tiny = sizes.index[(sizes > 0) & (sizes < lap.data.k_pegawai)]
    assert forum.loc[forum["kode_opd"].isin(tiny), "jumlah"].isna().all()
    internal = Jelajah(lap.data, audience="internal")
    with pytest.raises(ValueError, match="hanya untuk satu OPD"):
        internal.skp()
    people = internal.skp(kode)
    assert {"nip", "nama", "predikat"} <= set(people.columns) and len(people) > 0
    assert kode in people.attrs[ATTR]["audiens"]


def test_pelatihan_hides_what_the_city_table_hides(lap):
    kota = lap.data.metric("kota", lap.periode).set_index("kode_opd")
    got = lap.pelatihan().set_index("kode_opd")
    hidden = kota.index[kota["_sup_persen_memenuhi_20jp"].fillna(True).astype(bool)]
    shown = kota.index.difference(hidden)
    assert got.loc[got.index.intersection(hidden), "persen_memenuhi_20jp"].isna().all()
    both = got.index.intersection(shown)
    pd.testing.assert_series_equal(
        got.loc[both, "persen_memenuhi_20jp"].astype("float64"),
        kota.loc[both, "persen_memenuhi_20jp"].astype("float64"),
        check_names=False,
    )


def test_id_id_display_survives_filtering(lap):
    ikm = lap.ikm()
    value = ikm["ikm"].dropna().iloc[0]
    html = styled(ikm).to_html()
    text = f"{value:.2f}".replace(".", ",")
    assert text in html and "IKM per OPD" in html
    subset = ikm.loc[ikm["ikm"] > 0]  # a filtered frame keeps attrs, so the id-ID display
    assert type(subset) is pd.DataFrame and ATTR in subset.attrs
    assert text in _html(subset)
    plain = pd.DataFrame({"x": [1.5]})
    assert _html(plain) == plain._repr_html_()
