"""Tests of kinerja.protect (issue 6, items 1-5) and of the planted-trap builders."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import fixtures_privacy as fx
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja import protect as pv
from kinerja.protect import (
    AUDIENCES,
    SUPPRESSION_FOOTNOTE,
    ForbiddenColumnsError,
    PersonalDataGate,
    PersonalDataLeak,
    escape_text,
    find_live_markup,
    forum_safe,
    gated_replace,
    gated_write,
    internal_banner,
    internal_banner_html,
    min_k_stat,
    safe_html_table,
    safe_styler,
    suppress_crosstab,
    suppress_distribution,
    suppress_small,
    validate_audience,
)

NIP_A = "196711101992031001"  # reference.md E4
NIP_B = "197303141997022002"  # reference.md E4
NIP_SPACED = "19670610 198901 1 003"  # reference.md E4
PREDIKAT = ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]


# ---------------------------------------------------------------------------------------------
# 1. audiences
# ---------------------------------------------------------------------------------------------


def test_audiences_and_validation():
    assert AUDIENCES == ("forum", "internal")
    assert validate_audience("forum") == "forum"
    assert validate_audience("internal") == "internal"
    for bad in ("Forum", "publik", "", None, 1):
        with pytest.raises(ValueError, match="Audiens tidak dikenal"):
            validate_audience(bad)


def test_internal_banner_names_the_opd_and_is_escaped_in_html():
    text = internal_banner("1.01", "Dinas Kependudukan dan Pencatatan Sipil")
    assert text.startswith(
        "RAHASIA — hanya untuk internal OPD Dinas Kependudukan dan Pencatatan Sipil (1.01)."
    )
    assert internal_banner("1.01").startswith("RAHASIA — hanya untuk internal OPD 1.01.")
    with pytest.raises(ValueError):
        internal_banner("  ")
    block = internal_banner_html("1.01", "<script>alert(1)</script>")
    assert "RAHASIA" in block and "<script>" not in block
    assert "&lt;script&gt;" in block


def test_forum_safe_refuses_personal_columns():
    df = pd.DataFrame({"kode_opd": ["1.01"], "nama_opd": ["Dinas"], "NIP ": ["x"], "jumlah": [3]})
    with pytest.raises(ForbiddenColumnsError, match="NIP"):
        forum_safe(df, name="skp")
    out = forum_safe(df, on_forbidden="drop")
    assert list(out.columns) == ["kode_opd", "nama_opd", "jumlah"]
    # free text is forbidden unless scrubbed and explicitly allowed; identifiers never are
    free = pd.DataFrame({"kode_opd": ["1.01"], "isi": ["..."], "temuan": ["..."]})
    with pytest.raises(ForbiddenColumnsError):
        forum_safe(free)
    assert list(forum_safe(free, allow=["isi", "temuan"]).columns) == ["kode_opd", "isi", "temuan"]
    with pytest.raises(ForbiddenColumnsError):
        forum_safe(pd.DataFrame({"nama": ["x"]}), allow=["nama"])
    # person-like prefixes and index levels are caught, names of things are not
    assert pv.forbidden_columns(pd.DataFrame(columns=["nama_atasan", "nama_pelatihan"])) == [
        "nama_atasan"
    ]
    indexed = pd.DataFrame({"jumlah": [1]}, index=pd.Index(["x"], name="nip"))
    assert pv.forbidden_columns(indexed) == ["nip"]
    assert forum_safe(indexed, on_forbidden="drop").index.name is None


# ---------------------------------------------------------------------------------------------
# 2. disclosure control
# ---------------------------------------------------------------------------------------------


def _dist(counts: dict[str, list[int]]) -> pd.DataFrame:
    rows = [
        {"kode_opd": opd, "predikat": p, "jumlah": n}
        for opd, ns in counts.items()
        for p, n in zip(PREDIKAT, ns, strict=True)
    ]
    df = pd.DataFrame(rows)
    df["persen"] = df["jumlah"] / df.groupby("kode_opd")["jumlah"].transform("sum") * 100
    return df


def test_small_cell_is_suppressed_with_its_complementary_cell():
    # OPD 1.01 has 55 ASN: 3 Sangat Baik (< 10) is hidden; alone it could be recovered as
    # 55 - 40 - 12 - 0 - 0 = 3, so the next smallest non-zero cell (12) is hidden too.
    df = _dist({"1.01": [3, 40, 12, 0, 0]})
    out = suppress_distribution(df)
    hidden = out["jumlah"].map(pv.is_suppressed).tolist()
    assert hidden == [True, False, True, False, False]
    assert out["persen"].map(pv.is_suppressed).tolist() == hidden
    assert out.loc[1, "jumlah"] == 40 and out.loc[3, "jumlah"] == 0
    assert out.attrs["suppressed_cells"] == 2
    assert out.attrs["suppression"]["primer"] == 1
    assert out.attrs["suppression"]["komplementer"] == 1
    # the input is untouched (a copy is returned)
    assert df["jumlah"].tolist() == [3, 40, 12, 0, 0]


def test_two_small_cells_need_no_complement():
    out = suppress_distribution(_dist({"1.01": [3, 40, 6, 0, 0]}))
    assert out["jumlah"].map(pv.is_suppressed).tolist() == [True, False, True, False, False]
    assert out.attrs["suppression"]["komplementer"] == 0


def test_group_smaller_than_k_is_hidden_entirely_including_zeros():
    out = suppress_distribution(_dist({"1.01": [3, 40, 12, 0, 0], "9.99": [0, 2, 0, 0, 1]}))
    tiny = out[out["kode_opd"] == "9.99"]
    assert tiny["jumlah"].map(pv.is_suppressed).all()
    assert tiny["persen"].map(pv.is_suppressed).all()
    assert out.attrs["suppressed_cells"] == 2 + 5


def test_shown_total_row_takes_part():
    df = pd.DataFrame(
        {
            "kode_opd": ["A"] * 3 + ["B"] * 3,
            "predikat": ["Baik", "Butuh Perbaikan", "Jumlah"] * 2,
            "jumlah": [20, 4, 24, 5, 2, 7],
        }
    )
    out = suppress_small(
        df,
        count_col="jumlah",
        group_cols=["kode_opd"],
        label_col="predikat",
        total_label="Jumlah",
    )
    # A: 4 is hidden, and 20 too (24 - 20 = 4); the total 24 stays shown
    assert out["jumlah"].tolist()[:3] == ["*", "*", 24]
    # B: total 7 < 10 → the whole group, total included
    assert out["jumlah"].tolist()[3:] == ["*", "*", "*"]


def test_total_columns_are_hidden_for_small_groups():
    df = _dist({"1.01": [3, 40, 12, 0, 0], "9.99": [0, 2, 0, 0, 1]})
    df["n_total"] = df.groupby("kode_opd")["jumlah"].transform("sum")
    out = suppress_small(
        df,
        count_col="jumlah",
        group_cols=["kode_opd"],
        value_cols=["persen"],
        total_cols=["n_total"],
    )
    assert (out.loc[out["kode_opd"] == "1.01", "n_total"] == 55).all()
    assert out.loc[out["kode_opd"] == "9.99", "n_total"].map(pv.is_suppressed).all()


def test_independent_rows_hide_statistics_over_few_respondents():
    ikm = pd.DataFrame(
        {
            "kode_opd": ["1.01", "1.02", "1.03"],
            "n_responden": [120, 4, 0],
            "ikm": [82.5, 91.0, np.nan],
        }
    )
    out = suppress_small(ikm, count_col="n_responden", k=pv.K_RESPONDEN, value_cols=["ikm"])
    assert out["ikm"].tolist()[:2] == [82.5, "*"]
    assert out["n_responden"].tolist() == [120, "*", 0]
    # zero is not disclosive unless asked
    out0 = suppress_small(ikm, count_col="n_responden", k=5, value_cols=["ikm"], suppress_zero=True)
    assert out0["n_responden"].tolist() == [120, "*", "*"]


def test_mark_none_keeps_numeric_dtypes():
    out = suppress_distribution(_dist({"1.01": [3, 40, 12, 0, 0]}), mark=None)
    assert str(out["jumlah"].dtype) == "Int64"
    assert out["jumlah"].isna().tolist() == [True, False, True, False, False]
    assert out["persen"].isna().sum() == 2


def test_suppress_small_checks_arguments():
    df = _dist({"1.01": [3, 40, 12, 0, 0]})
    with pytest.raises(KeyError, match="jumlahx"):
        suppress_small(df, count_col="jumlahx")
    with pytest.raises(ValueError):
        suppress_small(df, count_col="jumlah", k=0)
    with pytest.raises(TypeError, match="bukan angka"):
        suppress_small(df.assign(jumlah=["a", "1", "2", "3", "4"]), count_col="jumlah")


def test_crosstab_with_margins_protects_rows_columns_and_totals():
    ct = pd.DataFrame(
        [[30, 12, 3, 45], [25, 20, 15, 60], [55, 32, 18, 105]],
        index=pd.Index(["1.01", "1.02", "Jumlah"]),
        columns=pd.Index(["Baik", "Sangat Baik", "Butuh Perbaikan", "Jumlah"]),
    )
    out = suppress_crosstab(ct, margins_name="Jumlah")
    mask = out.map(pv.is_suppressed).to_numpy()
    assert mask[0, 2]  # the 3
    for line in [*mask, *mask.T]:
        assert line.sum() != 1, out
    # the 3 cannot be recovered from its row or its column
    assert out.attrs["suppressed_cells"] == int(mask.sum()) >= 4


def test_crosstab_small_row_is_hidden_and_bad_margins_refused():
    ct = pd.crosstab(
        pd.Series(["A"] * 30 + ["B"] * 4, name="opd"),
        pd.Series(["x"] * 20 + ["y"] * 10 + ["x"] * 4, name="p"),
    )
    out = suppress_crosstab(ct)
    assert out.loc["B"].map(pv.is_suppressed).all()
    assert out.loc["A"].map(pv.is_suppressed).sum() in (0, 2)
    with pytest.raises(ValueError, match="Jumlah"):
        suppress_crosstab(ct, margins_name="Jumlah")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=60), min_size=5, max_size=5),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=2, max_value=12),
)
def test_suppression_properties(groups, k):
    df = _dist({f"G{i}": ns for i, ns in enumerate(groups)}).drop(columns="persen")
    out = suppress_distribution(df, k=k, value_cols=())
    for (_, g_in), (_, g_out) in zip(df.groupby("kode_opd"), out.groupby("kode_opd"), strict=True):
        hidden = g_out["jumlah"].map(pv.is_suppressed)
        shown = g_out.loc[~hidden, "jumlah"]
        total = g_in["jumlah"].sum()
        # no visible count below k except zero (and nothing visible in a group below k)
        assert all(v == 0 or v >= k for v in shown)
        if total < k:
            assert hidden.all()
        # never exactly one hidden cell: the total is known, so it would be recovered
        assert hidden.sum() != 1
        # in a group of at least k, the hidden cells hold at least two units between them
        # (the complement is a non-zero cell), so total - visible does not pin one cell
        if hidden.any() and total >= k:
            assert total - shown.sum() >= 2


def test_min_k_stat_and_footnote():
    assert np.isnan(min_k_stat([1, 2, 3], 10))
    assert min_k_stat(range(10), 10) == 4.5
    assert np.isnan(min_k_stat(pd.Series([1.0] * 9 + [np.nan] * 5), 10, "median"))  # NA not counted
    assert min_k_stat(pd.Series([1.0] * 10), 10, "median") == 1.0
    assert min_k_stat(pd.Series(range(20)), 10, lambda s: s.quantile(0.9)) == pytest.approx(17.1)
    assert SUPPRESSION_FOOTNOTE.startswith("* disembunyikan: kelompok kurang dari 10 pegawai")
    assert "5 responden" in pv.suppression_footnote(5, "responden")


# ---------------------------------------------------------------------------------------------
# 3. the last gate
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def pegawai() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nip": [NIP_A, NIP_B, "196706101989011003", "198501012010011001"],
            "nama": [
                "Dr. Budi Santoso, S.Kom., M.Si.",
                "Hj. Sri Wahyuni",
                "Sutrisno",
                "Indah",
            ],
            "kode_opd": ["1.01", "1.01", "1.02", "1.02"],
        }
    )


@pytest.fixture
def gate(pegawai) -> PersonalDataGate:
    return PersonalDataGate.from_pegawai(pegawai)


def _kinds(hits):
    return sorted((h.kind, h.shown) for h in hits)


def test_gate_finds_nips_in_every_printed_form(gate):
    for text in [
        f"NIP {NIP_A}.",
        f"NIP: {NIP_SPACED}",
        "NIP 19670610\u00a0198901\u00a01\u00a0003",
        "196.711.101.992.031.001",  # a NIP passed through a thousands formatter
        f"<td>{NIP_B}</td>",
    ]:
        hits = gate.scan(text)
        assert [h.kind for h in hits] == ["nip"], text


def test_gate_flags_unknown_nip_shaped_numbers_but_not_other_digits(gate):
    assert [h.kind for h in gate.scan("NIP 200012312024211001")] == ["nip"]  # NI PPPK, E4
    # any of the official spaces may be missing: still the same NIP
    assert [h.kind for h in gate.scan("19671110 1992031001")] == ["nip"]
    for text in [
        "1967111019920310012",  # 19 digits: a longer run is not a NIP
        "ID 999999999999999999",  # 18 digits but not NIP-shaped
        "Total 1.234.567 dan 2026-11-28",
    ]:
        assert gate.scan(text) == [], text
    strict = PersonalDataGate([], [], nip_shape=True)
    assert strict.scan("999999999999999999") == []
    known = PersonalDataGate(["999999999999999999"], [])
    assert len(known.scan("kode 999999999999999999")) == 1


def test_gate_finds_names_case_insensitive_with_titles_and_word_boundaries(gate):
    assert _kinds(gate.scan("Petugas BUDI  SANTOSO datang")) == [("nama", "B*** S******")]
    assert len(gate.scan("Dr. Budi Santoso, S.Kom., M.Si. hadir")) == 1
    assert len(gate.scan("ibu sri wahyuni")) == 1
    assert len(gate.scan("Budi, Santoso")) == 1  # one "," or "." may separate the words
    for text in [
        "Budiman Santosoputra",  # word boundary
        "Budi dan Santoso",  # another word between
        "<td>Budi</td><td>Santoso</td>",  # two cells
        "pelayanan yang indah",  # a common word that is also a one-word name
        "Sutrisnowati",
    ]:
        assert gate.scan(text) == [], text


def test_gate_one_word_names_need_an_honorific():
    g = PersonalDataGate([], ["Hari, S.E.", "Sutrisno"])
    # "Hari" is also the word for "day": a report says "hari kerja" everywhere
    assert g.scan("Median 4 hari kerja. Hari libur nasional tidak dihitung.") == []
    assert len(g.scan("Sdr. Sutrisno menolak")) == 1
    assert len(g.scan("dilayani petugas Sutrisno")) == 1
    assert len(g.scan("Ibu Hari")) == 1
    assert len(g.scan("Hari, S.E. belum melapor")) == 1  # the full form with titles
    assert g.scan("Sutrisno menolak") == []  # no honorific
    assert g.scan("bapak sutrisno") == []  # not capitalised
    strict = PersonalDataGate([], ["Sutrisno"], single_word_names="anywhere")
    assert len(strict.scan("Sutrisno menolak")) == 1


def test_gate_unicode_names():
    g = PersonalDataGate([], ["Zoë Ayuningtyas", "Ni Made Ārya"])
    assert len(g.scan("oleh ZOË AYUNINGTYAS")) == 1
    assert len(g.scan("Ni Made Ārya.")) == 1
    assert g.scan("Ni Made Āryani") == []
    # fullwidth letters are folded by NFKC
    assert len(g.scan("Ｚｏë Ayuningtyas")) == 1


def test_gate_scans_html_pages_but_not_base64_images(gate):
    # the NIP's digits inside a base64 payload are not text and must not count
    payload = "iVBORw0KGgoAAAANSUhEUgAA" + NIP_A + "AAAAAAAElFTkSuQmCC"
    assert base64.b64decode(payload, validate=True)  # real base64, the kind nbconvert embeds
    page = (
        "<html><body><h1>Laporan forum</h1>"
        f'<img src="data:image/png;base64,{payload}">'
        "<table><tr><td>1.01</td><td>82,51</td></tr></table></body></html>"
    )
    assert gate.scan_bytes(page.encode(), suffix=".html") == []
    # a NIP with spaces and a name split by &nbsp; and inside an attribute are found
    leaky = page.replace(
        "</table>",
        f"</table><p>NIP {NIP_SPACED}</p><p>Budi&nbsp;Santoso</p>"
        '<span title="Sri Wahyuni">x</span>',
    )
    kinds = _kinds(gate.scan_bytes(leaky.encode(), suffix=".html"))
    assert ("nip", "1967***********003") in kinds
    assert ("nama", "B*** S******") in kinds and ("nama", "S** W******") in kinds


def test_gate_scans_notebooks_json_and_skips_image_payloads(gate):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {"data": {"image/png": "iVBOR" + NIP_B + "AAAA", "text/plain": ["<Figure>"]}}
                ],
                "source": ["x = 1\n"],
            }
        ]
    }
    assert gate.scan_bytes(json.dumps(nb).encode(), suffix=".ipynb") == []
    nb["cells"][0]["outputs"][0]["data"]["text/html"] = ["<td>Hj. Sri\u00a0Wahyuni</td>"]
    assert [h.kind for h in gate.scan_bytes(json.dumps(nb).encode(), suffix=".ipynb")] == ["nama"]
    # a NIP stored as a JSON number
    data = json.dumps({"skp": [{"kode_opd": "1.01", "nip": int(NIP_A)}]}).encode()
    assert [h.kind for h in gate.scan_bytes(data, suffix=".json")] == ["nip"]
    # unicode escapes in JSON are decoded
    assert len(gate.scan_bytes(b'{"a": "Budi \\u0053antoso"}', suffix=".json")) == 1


def test_gate_reads_xlsx_cells_comments_and_properties(tmp_path, gate):
    path = tmp_path / "rekap.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["kode_opd", "jumlah"])
    ws.append(["1.01", 45])
    wb.save(path)
    gate.check_file(path)  # clean
    ws["C3"] = f"NIP {NIP_SPACED}"
    wb.save(path)
    with pytest.raises(PersonalDataLeak):
        gate.check_file(path)
    ws["C3"] = None
    ws["A2"].comment = openpyxl.comments.Comment("dicek oleh Budi Santoso", "x")
    wb.save(path)
    with pytest.raises(PersonalDataLeak):
        gate.check_file(path)
    ws["A2"].comment = None
    ws["B2"] = int(NIP_A)  # a NIP written as a number (stored as a rounded float)
    wb.save(path)
    with pytest.raises(PersonalDataLeak):
        gate.check_file(path)


def test_leak_message_names_file_and_masks_values(gate):
    with pytest.raises(PersonalDataLeak) as info:
        gate.check_bytes(f"<p>Budi Santoso {NIP_A}</p>".encode(), name="out/forum/1.01.html")
    msg = str(info.value)
    assert "out/forum/1.01.html" in msg and "TIDAK ditulis" in msg
    assert "1967***********001" in msg and "B*** S******" in msg
    assert NIP_A not in msg and "Budi Santoso" not in msg
    assert len(info.value.hits) == 2


def test_gated_write_is_atomic_and_refuses_leaks(tmp_path, gate):
    target = tmp_path / "forum" / "1.01.html"
    gated_write(target, "<p>IKM 82,51</p>", gate, audience="forum")
    assert target.read_text() == "<p>IKM 82,51</p>"
    with pytest.raises(PersonalDataLeak):
        gated_write(target, f"<p>{NIP_SPACED}</p>", gate, audience="forum")
    assert target.read_text() == "<p>IKM 82,51</p>"  # earlier output intact
    assert sorted(os.listdir(target.parent)) == ["1.01.html"]  # no temp file left
    with pytest.raises(ValueError, match="audiens"):
        gated_write(target, "x", gate, audience="internal")
    with pytest.raises(ValueError, match="di luar folder"):
        gated_write(tmp_path / ".." / "x.html", "x", gate, audience="forum", root=tmp_path)


def test_gated_replace_moves_only_clean_files(tmp_path, gate):
    tmp = tmp_path / ".nb.tmp"
    tmp.write_text(json.dumps({"cells": [{"source": ["Budi Santoso"]}]}))
    with pytest.raises(PersonalDataLeak):
        gated_replace(tmp, tmp_path / "a.ipynb", gate, audience="forum")
    assert not tmp.exists() and not (tmp_path / "a.ipynb").exists()
    tmp.write_text(json.dumps({"cells": [{"source": ["IKM"]}]}))
    gated_replace(tmp, tmp_path / "a.ipynb", gate, audience="forum")
    assert (tmp_path / "a.ipynb").exists() and not tmp.exists()


def test_internal_gate_allows_own_opd_and_flags_others(pegawai):
    g = PersonalDataGate.for_internal(pegawai, "1.01")
    assert g.audience == "internal"
    assert g.scan(f"Budi Santoso {NIP_A}; Sri Wahyuni {NIP_B}") == []
    hits = g.scan("Bapak Sutrisno, NIP 19670610 198901 1 003")  # both of OPD 1.02
    assert sorted(h.kind for h in hits) == ["nama", "nip"]
    assert [h.kind for h in g.scan("NIP 200012312024211001")] == ["nip"]  # nobody of 1.01
    with pytest.raises(ValueError, match="9.99"):
        PersonalDataGate.for_internal(pegawai, "9.99")
    # an internal gate cannot be used for a forum output
    with pytest.raises(ValueError):
        gated_write(Path("/tmp/never.html"), "x", g, audience="forum")


def test_scrub_replaces_names_and_nips(gate):
    text = f"Petugas Budi Santoso (NIP {NIP_SPACED}) kasar"
    assert gate.scrub(text) == "Petugas [disamarkan] (NIP [disamarkan]) kasar"
    assert gate.scrub("Antrean lama") == "Antrean lama"
    assert gate.scrub(None) is None


# ---------------------------------------------------------------------------------------------
# 4. hostile text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", fx.HOSTILE_PAYLOADS)
def test_escape_text_makes_payloads_inert(payload):
    out = escape_text(payload)
    assert "<" not in out and ">" not in out and '"' not in out
    assert find_live_markup(f"<p>{out}</p>", markers=()) == []
    assert "javascript:" not in out.lower()
    md = escape_text(payload, markdown=True)
    assert "](" not in md and "<" not in md


def test_escape_text_values():
    assert escape_text(None) == "" and escape_text(pd.NA) == "" and escape_text(np.nan) == ""
    assert (
        escape_text('Antrean <2 jam> & "cepat"') == "Antrean &lt;2 jam&gt; &amp; &quot;cepat&quot;"
    )
    assert escape_text(12) == "12"


def test_html_tables_escape_hostile_text():
    df = pd.DataFrame({"kode_opd": ["1.01"] * 3, "isi": list(fx.HOSTILE_PAYLOADS[:3])})
    df.columns = ["kode_opd", "<b onmouseover=alert(1)>isi</b>"]
    unsafe = df.to_html(escape=False)
    assert find_live_markup(unsafe)  # the check can fail
    page = safe_html_table(df)
    assert find_live_markup(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    with pytest.raises(ValueError):
        safe_html_table(df, escape=False)
    # a plain Styler does not escape; safe_styler does (cells and headers)
    assert find_live_markup(df.style.to_html())
    assert find_live_markup(safe_styler(df).to_html()) == []
    escaped = pv.escape_frame(df)
    assert escaped.iloc[0, 1] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_find_live_markup_detects_links_and_handlers():
    assert find_live_markup('<a href="javascript:alert(1)">x</a>')
    assert find_live_markup('<a href=" JaVaScRiPt:alert(2)">x</a>', markers=())
    assert find_live_markup("<script>alert(1)</script>")
    assert find_live_markup("<script>var config = {};</script>") == []  # template scripts
    assert find_live_markup("<p>&lt;img src=x onerror=alert(1)&gt;</p>") == []


# ---------------------------------------------------------------------------------------------
# 6. planted-trap builders
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def trapped(tmp_path):
    folder = fx.write_minimal_folder(tmp_path / "data")
    traps = fx.plant_all(folder)
    return folder, traps


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def test_plant_all_adds_the_traps(trapped):
    folder, traps = trapped
    peg = _csv(folder, "pegawai")
    assert (peg["kode_opd"] == traps.tiny_opd).sum() == 3
    assert traps.rows_added["pengaduan"] == len(fx.HOSTILE_PAYLOADS) + 2
    isi = _csv(folder, "pengaduan")["isi"]
    assert set(fx.HOSTILE_PAYLOADS) <= set(isi)
    assert set(fx.HOSTILE_PAYLOADS) <= set(_csv(folder, "skm")["saran"])
    assert isi.str.contains(fx.spaced_nip(traps.leaked_nip), regex=False).any()
    temuan = _csv(folder, "tindak_lanjut")["temuan"]
    assert temuan.str.contains(traps.leaked_name, regex=False).any()
    # every NIP written is a valid NIP PNS (reference §5.1) and unique
    assert peg["nip"].str.fullmatch(r"\d{8}\d{6}[12]\d{3}").all() and peg["nip"].is_unique
    shape_gate = pv.PersonalDataGate(nip_shape=True)  # no known NIPs: flags by shape only
    assert all([h.kind for h in shape_gate.scan(n)] == ["nip"] for n in peg["nip"])


def test_builders_keep_semicolon_csv_and_bom(tmp_path):
    folder = fx.write_minimal_folder(tmp_path / "d")
    peg = _csv(folder, "pegawai")
    (folder / "pegawai.csv").write_bytes(
        b"\xef\xbb\xbf" + peg.to_csv(sep=";", index=False).encode()
    )
    fx.add_tiny_opd(folder)
    raw = (folder / "pegawai.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    back = pd.read_csv(folder / "pegawai.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert len(back) == len(peg) + 3
    assert back["nip"].tolist()[: len(peg)] == peg["nip"].tolist()


def test_traps_are_caught_by_the_privacy_functions(trapped):
    folder, traps = trapped
    peg = _csv(folder, "pegawai")
    gate = PersonalDataGate.from_pegawai(peg)
    pengaduan = _csv(folder, "pengaduan")
    # personal data in free text: the gate finds it in a rendered table, forum_safe refuses it
    with pytest.raises(PersonalDataLeak):
        gate.check_bytes(safe_html_table(pengaduan).encode(), name="pengaduan.html")
    with pytest.raises(ForbiddenColumnsError):
        forum_safe(pengaduan)
    scrubbed = pengaduan.assign(isi=pengaduan["isi"].map(gate.scrub))
    gate.check_bytes(safe_html_table(scrubbed).encode(), name="pengaduan.html")
    # hostile text: inert once rendered through the safe path
    assert find_live_markup(safe_html_table(pengaduan)) == []
    assert find_live_markup(pengaduan.to_html(escape=False))
    # the tiny OPD's distribution is suppressed entirely
    skp = _csv(folder, "penilaian_skp").merge(peg[["nip", "kode_opd"]], on="nip")
    skp["predikat"] = np.where(
        skp["rating_hasil_kerja"].str.startswith("Di Bawah"), "Sangat Kurang", "Baik"
    )
    dist = skp.groupby(["kode_opd", "predikat"]).size().rename("jumlah").reset_index()
    out = suppress_distribution(dist)
    assert out.loc[out["kode_opd"] == traps.tiny_opd, "jumlah"].map(pv.is_suppressed).all()
    # internal report of the tiny OPD may name its own people, not the leaked ASN of 1.01
    internal = PersonalDataGate.for_internal(peg, traps.tiny_opd)
    assert internal.scan(" ".join(traps.tiny_names)) == []
    assert {h.kind for h in internal.scan(pengaduan["isi"].str.cat(sep=" \n "))} == {
        "nama",
        "nip",
    }


def test_planted_rows_are_accepted_by_the_loader(trapped, tmp_path):
    """The traps must be *valid* rows, or they would never reach an output to be tested."""
    from kinerja.data.dataset import load

    folder, traps = trapped
    ds = load(folder, quarantine_dir=tmp_path / "karantina")
    for table, n in traps.rows_added.items():
        q = ds.quarantine.get(table)
        if q is not None and len(q):
            assert (
                not q.astype(str)
                .apply(lambda r: r.str.contains("JEBAKAN|9.99|" + traps.tiny_nips[0], regex=True))
                .any(axis=None)
            ), q[["_kolom", "_alasan"]].to_string()
        assert ds.tables[table] is not None and n > 0
    assert (ds.tables["pegawai"]["kode_opd"] == traps.tiny_opd).sum() == 3


# ---------------------------------------------------------------------------------------------
# 9. docs: the assumptions register is documented
# ---------------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_assumptions_register_is_documented():
    """Every id of kinerja.domain.assumptions.ASSUMPTIONS has a section in docs/asumsi.md that states
    the same confidence and the same place of use."""
    from kinerja.domain.assumptions import ASSUMPTIONS

    text = (DOCS / "asumsi.md").read_text(encoding="utf-8")
    sections = {}
    for part in text.split("\n#### ")[1:]:
        head, _, body = part.partition("\n")
        sections[head.strip().strip("`")] = body.split("\n### ")[0].split("\n## ")[0]
    missing = [a.id for a in ASSUMPTIONS if a.id not in sections]
    assert not missing, f"id asumsi belum ada di docs/asumsi.md: {missing}"
    for a in ASSUMPTIONS:
        body = sections[a.id]
        assert f"**{a.confidence}**" in body, (a.id, a.confidence)
        assert a.used_in in body, (a.id, a.used_in)
    extra = set(sections) - {a.id for a in ASSUMPTIONS}
    assert not extra, f"docs/asumsi.md memuat id yang tidak ada di register: {sorted(extra)}"


def test_privacy_note_covers_the_required_topics():
    text = (DOCS / "privasi.md").read_text(encoding="utf-8")
    for heading in ("Data pribadi yang diolah", "Alur data", "Audiens", "retensi"):
        assert heading.lower() in text.lower(), heading
    # the rules stated there are the ones the code applies
    assert f"k = **{pv.K_PEGAWAI}**" in text and f"k = **{pv.K_RESPONDEN}**" in text
    for col in ("nip", "nama", "nip_petugas", "uraian", "isi", "saran", "temuan", "rekomendasi"):
        assert col in pv.FORUM_FORBIDDEN_COLUMNS and f"`{col}`" in text
