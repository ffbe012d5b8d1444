"""A report from the batch's cache with precomputed metrics: same content, large tables unread."""

from __future__ import annotations

import pytest

from kinerja.metrics import store
from kinerja.report import registry

PERIODE = "2025"
TODAY = "2026-01-15"
LARGE = {"laporan_kinerja", "layanan", "skm", "pengaduan", "penilaian_skp", "pelatihan"}


@pytest.fixture(scope="module")
def cache(sample_dir, tmp_path_factory):
    from kinerja.data.dataset import load

    ds = load(sample_dir)
    cache = tmp_path_factory.mktemp("cache")
    ds.save_cache(cache)
    warm = store.ReportData.from_cache(cache, today=TODAY)
    registry.warm(warm, PERIODE)
    warm.save_metrics(cache)
    return ds, cache


def _html(items) -> str:
    return "".join(i._repr_html_() for i in items)


def _codes(ds, n=4):
    """OPDs with service, survey and complaint rows first (the sections that read most)."""
    opd = ds.tables["opd"]["kode_opd"].astype(str)
    rich = [
        c
        for c in opd
        if all((ds.tables[t]["kode_opd"].astype(str) == c).any() for t in ("layanan", "skm"))
    ]
    return (rich + [c for c in opd if c not in rich])[:n]


@pytest.mark.slow  # over 5 s: every section of four OPDs, twice
def test_report_with_stored_metrics_reads_no_large_table_and_equals_a_fresh_one(cache):
    ds, folder = cache
    codes = _codes(ds)
    fresh = store.ReportData(ds, today=TODAY)
    stored = store.ReportData.from_cache(folder, today=TODAY)
    assert stored._memo and not fresh._memo
    for kode in codes:
        for audience in ("forum", "internal"):
            a = _html(
                registry.sections_opd(stored, kode_opd=kode, periode=PERIODE, audience=audience)
            )
            b = _html(
                registry.sections_opd(fresh, kode_opd=kode, periode=PERIODE, audience=audience)
            )
            assert a == b, kode
    assert not set(stored.tables.loaded) & LARGE, stored.tables.loaded
    # the warm step stored every metric the sections asked for (none recomputed from tables)
    assert set(fresh._memo) - {k for k in fresh._memo if k[0] == "impact"} <= set(stored._memo)


def test_stored_metrics_are_unpickled_only_when_used(cache):
    _ds, folder = cache
    stored = store.ReportData.from_cache(folder, today=TODAY)
    assert all(
        isinstance(dict.__getitem__(stored._memo, k), (store._Stored, dict)) for k in stored._memo
    )
    svc = stored.metric("service", PERIODE)
    assert "peristiwa" in svc and isinstance(dict.__getitem__(svc, "peristiwa"), store._Stored)
    assert len(svc["permohonan"]) > 0
    assert not isinstance(dict.__getitem__(svc, "permohonan"), store._Stored)
    # pickling the memo (e.g. saving it again) writes the values, not the placeholders
    import pickle

    back = pickle.loads(pickle.dumps(stored._memo))
    assert type(back) is dict and not any(isinstance(v, store._Stored) for v in back.values())
