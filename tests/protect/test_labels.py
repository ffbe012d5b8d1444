"""Labels are data too (issue 12 item 3): disguised NIPs and names are found and never published.

Regression tests for the attacks of issue 12: a NIP with dashes, dots, double spaces or line
breaks; a name with a soft hyphen or a zero-width space; "Last, First"; the name of an employee
whose ``pegawai`` row was quarantined; a name in ``nama_opd`` reaching index.html and
manifest.json; a label only drawn in a chart.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fixtures.builders import NIP_A, NIP_B
from fixtures.hostile import PLANTED, QUARANTINED_NAME, write_hostile_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja
from kinerja.data.labels import LabelChecker
from kinerja.protect import (
    PersonalDataGate,
    PersonalDataLeak,
    check_figure,
    gate_tree,
    people_frame,
    use_gate_for_charts,
)
from kinerja.protect.detect import nip_candidates, normalize_text

NAMES = ["Budi Santoso", "Dr. Hj. Sri Wahyuni, S.E., M.Si.", "Sutrisno", QUARANTINED_NAME]


@pytest.fixture(scope="module")
def gate() -> PersonalDataGate:
    return PersonalDataGate([NIP_A, NIP_B], NAMES)


# -- the normaliser ------------------------------------------------------------------------------


def test_normalize_text_drops_invisible_characters_and_collapses_whitespace():
    text = "Bu\u00addi\u200b\u200c\u200d\u2060\ufeff  San\r\n\ttoso\u00a0\u00a0x"
    assert normalize_text(text) == "Budi San toso x"
    assert normalize_text("１９６７ＡＢＣ") == "1967ABC"  # NFKC: full-width to ASCII


@pytest.mark.parametrize(
    "written",
    [
        "1967-1110-1992-03-1-001",
        "19671110.199203.1.001",
        "19671110  199203  1  001",
        "19671110\n199203\n1\n001",
        "1967 1110 1992 0310 01",
        "196711101992031001",
        "１９６７１１１０１９９２０３１００１",
        "1967\u200b1110\u00ad1992031001",
        "1967–1110–1992–03–1–001",
        "196.711.101.992.031.001",
    ],
)
def test_a_nip_written_with_any_separator_is_found(gate, written):
    hits = gate.scan(f"Tahap verifikasi {written} selesai")
    assert [h.kind for h in hits] == ["nip"]
    assert hits[0].shown == "1967***********001"


def test_digit_runs_that_are_not_a_nip_are_not_flagged(gate):
    # 19 digits in one group, two 9-digit numbers in neighbouring cells, ordinary numbers
    assert gate.scan("1196711101992031001") == []
    assert nip_candidates("2025 2026 1.234,5 12 3 40") == []
    assert (
        gate.check_frame(pd.DataFrame({"a": ["196711101", "123"], "b": ["992031001", "9"]})) is None
    )


@pytest.mark.parametrize(
    "written",
    [
        "BUDI SANTOSO",
        "budi   santoso",
        "Bu\u00addi San\u200btoso",
        "Budi\u200bSantoso",
        "BudiSantoso",
        "Santoso, Budi",
        "SANTOSO,  Budi",
        "Bapak Budi\nSantoso",
        "Dr. Budi Santoso, S.E.",
        "Budi_Santoso",
        "Wahyuni, Sri",
        "Hj. Sri Wahyuni",
        "Sdr. Sutrisno",
    ],
)
def test_a_disguised_name_is_found(gate, written):
    hits = gate.scan(f"Kategori: {written} (lambat)")
    assert [h.kind for h in hits] == ["nama"], written


def test_ordinary_words_and_partial_names_are_not_names(gate):
    assert gate.scan("Budiman Santosoputra melayani; pak budi; sutrisno kerja; hari kerja") == []


def test_scrub_replaces_a_disguised_nip_and_name(gate):
    out = gate.scrub("Oleh Santoso, Budi (1967-1110-1992-03-1-001)")
    assert "Budi" not in out and "1967" not in out and out.count("[disamarkan]") == 2


# -- hypothesis: generated disguises are caught ---------------------------------------------------

_SEPARATORS = st.sampled_from([" ", "  ", "-", ".", "\n", " - ", "\u2013", "/", "_", "\r\n"])
_INVISIBLE = st.sampled_from(["", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=17), max_size=6, unique=True),
    seps=st.lists(_SEPARATORS, min_size=6, max_size=6),
    invisible=_INVISIBLE,
    prefix=st.sampled_from(["", "Tahap ", "Kategori: ", "x "]),
)
def test_generated_nip_disguises_are_caught(cuts, seps, invisible, prefix):
    digits = NIP_B
    parts, last = [], 0
    for cut in sorted(cuts):
        parts.append(digits[last:cut])
        last = cut
    parts.append(digits[last:])
    text = prefix
    for i, part in enumerate(parts):
        text += part + (seps[i] + invisible if i < len(parts) - 1 else "")
    checker = LabelChecker([NIP_B], [])
    assert checker.findings(text) == ["NIP 1973***********002"], repr(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["Budi Santoso", "Hendra Kusumawardana", "Sri Wahyuni"]),
    case=st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
    order=st.sampled_from(["first", "last"]),
    gap=st.sampled_from([" ", "  ", "\n", " \u200b", "\u00a0"]),
    invisible=_INVISIBLE,
    title=st.sampled_from(["", "Dr. ", "Bapak ", "Ibu ", "Hj. "]),
    suffix=st.sampled_from(["", ", S.E.", ", M.Si.", " (petugas)"]),
)
def test_generated_name_disguises_are_caught(name, case, order, gap, invisible, title, suffix):
    first, last = name.split()
    first = first[:2] + invisible + first[2:]
    words = f"{first}{gap}{last}" if order == "first" else f"{last},{gap}{first}"
    text = f"Label {title}{case(words)}{suffix} selesai"
    checker = LabelChecker([], NAMES)
    assert any(f.startswith("nama pegawai") for f in checker.findings(text)), repr(text)


# -- at load: label columns are masked; the gate learns quarantined names -------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = write_hostile_folder(tmp_path_factory.mktemp("hostile"))
    return folder, kinerja.load(folder)


def test_labels_with_personal_data_are_masked_at_load_with_a_reason(hostile):
    _, ds = hostile
    gate = PersonalDataGate.from_dataset(ds)
    for column, value in PLANTED.items():
        table, col = column.split(".")
        shown = ds.tables[table][col].fillna("").astype("str").tolist()
        assert value not in shown
        assert gate.scan("\n|\n".join(shown)) == [], column
    w = ds.warnings
    masked = w[w["pesan"].str.startswith("label memuat data pribadi")]
    assert {"nama_opd", "singkatan", "tahap", "jenis_layanan", "kategori", "jenis"} <= set(
        masked["kolom"]
    )
    row = masked[masked["kolom"] == "kategori"].iloc[0]
    assert row["berkas"] == "pengaduan.csv" and row["baris"] == 2
    assert "H***** K************" in row["pesan"] and "Kusumawardana" not in row["pesan"]
    # counts and groups are unchanged: two stages stay two stages
    assert ds.tables["layanan"]["tahap"].nunique() == 2


def test_the_gate_knows_employees_whose_pegawai_row_was_quarantined(hostile):
    _, ds = hostile
    assert len(ds.quarantine["pegawai"]) == 1
    assert QUARANTINED_NAME in people_frame(ds)["nama"].tolist()
    gate = PersonalDataGate.from_dataset(ds)
    assert [h.kind for h in gate.scan("keluhan tentang Kusumawardana, Hendra")] == ["nama"]
    assert PersonalDataGate.from_pegawai(ds.tables["pegawai"]).scan(QUARANTINED_NAME) == []


def test_gate_tree_reads_index_manifest_forms_and_their_cache(hostile, tmp_path):
    _, ds = hostile
    gate = PersonalDataGate.from_dataset(ds)
    out = tmp_path / "out"
    (out / "opd").mkdir(parents=True)
    (out / "_formulir" / "abc" / "laporan_opd").mkdir(parents=True)
    (out / "_cache").mkdir()
    (out / "index.html").write_text("<td>Kelurahan <b>Bu\u00addi</b> Santoso</td>", "utf-8")
    (out / "manifest.json").write_text(json.dumps({"opd": {"X": "Santoso, Budi"}}), "utf-8")
    (out / "opd" / "X.html").write_text("<p>bersih</p>", "utf-8")
    section = {"html": "<p>Tahap 1967-1110-1992-03-1-001</p>"}
    (out / "_formulir" / "abc" / "laporan_opd" / "s.json").write_text(json.dumps(section), "utf-8")
    (out / "_cache" / "pegawai.csv").write_text("Budi Santoso", "utf-8")  # internal: not read
    found = dict(gate_tree(out, gate))
    assert set(found) == {"index.html", "manifest.json", "_formulir/abc/laporan_opd/s.json"}
    assert all(isinstance(e, PersonalDataLeak) for e in found.values())
    assert "Budi" not in str(found["index.html"])


def test_a_chart_label_with_personal_data_is_refused_before_the_image_is_made():
    from kinerja.report.charts import bar_chart

    df = pd.DataFrame({"k": ["Santoso, Budi", "lain"], "v": [1, 2]})
    use_gate_for_charts(PersonalDataGate([], NAMES))
    try:
        with pytest.raises(PersonalDataLeak, match="grafik"):
            bar_chart(df, category="k", value="v", value_label="n", title="Uji", source="uji")
        # without the people, a NIP in a tick label is still refused
        use_gate_for_charts(None)
        nip = pd.DataFrame({"k": ["1967-1110-1992-03-1-001"], "v": [1]})
        with pytest.raises(PersonalDataLeak):
            bar_chart(nip, category="k", value="v", value_label="n", title="Uji", source="uji")
        ok = bar_chart(
            df.assign(k=["a", "b"]),
            category="k",
            value="v",
            value_label="n",
            title="Uji",
            source="uji",
        )
        assert ok.png.startswith(b"\x89PNG")
    finally:
        use_gate_for_charts(None)


def test_check_figure_reads_legends_too():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(["a", "b"], [1, 2], label="SANTOSO Budi")
    ax.legend()
    fig.canvas.draw()
    use_gate_for_charts(PersonalDataGate([], NAMES))
    try:
        with pytest.raises(PersonalDataLeak):
            check_figure(fig)
    finally:
        use_gate_for_charts(None)
    check_figure(fig)  # the default gate knows no names: a name alone passes it
