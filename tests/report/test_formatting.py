"""id-ID formatting, Indonesian labels, and the assumptions register."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.domain.assumptions import (
    ASSUMPTIONS,
    assumption_note,
    assumptions_table,
    get_assumption,
)
from kinerja.report.formatting import (
    LABELS,
    MISSING,
    fmt_date,
    fmt_int,
    fmt_month,
    fmt_number,
    fmt_percent,
    label_columns,
)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (1234.56, 2, "1.234,56"),
        (1234.565, 2, "1.234,57"),  # half-up (babel alone rounds half-even: 1.234,56)
        (88.305, 2, "88,31"),  # as written, not the float 88.30499...
        (0.125, 2, "0,13"),
        (1234567.891, 1, "1.234.567,9"),
        (-1234.5, 1, "-1.234,5"),
        (-0.001, 2, "0,00"),  # no "-0,00"
        (3, 2, "3,00"),
        (np.float64(2.675), 2, "2,68"),
        (81.02, 0, "81"),
    ],
)
def test_fmt_number(x, decimals, expected):
    assert fmt_number(x, decimals) == expected


def test_fmt_int_and_percent():
    assert fmt_int(4512) == "4.512"
    assert fmt_int(np.int64(1_000_000)) == "1.000.000"
    assert fmt_int(2.5) == "3"  # half-up
    # percent units: 87.5 means 87,5 %
    assert fmt_percent(87.5) == "87,5%"
    assert fmt_percent(100) == "100,0%"
    assert fmt_percent(33.333333, 2) == "33,33%"
    assert fmt_percent(4.545, 1) == "4,5%"
    assert fmt_percent(4.55, 1) == "4,6%"  # E6 style: 1/22 = 4.55 % printed half-up


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT, float("nan")])
def test_missing_values_show_a_dash(missing):
    assert MISSING == "–"
    assert fmt_number(missing) == "–"
    assert fmt_int(missing) == "–"
    assert fmt_percent(missing) == "–"
    assert fmt_date(missing) == "–"
    assert fmt_month(missing) == "–"


def test_dates_in_indonesian():
    assert fmt_date(dt.date(2026, 11, 28)) == "28 November 2026"
    assert fmt_date(pd.Timestamp("2026-08-03 14:30")) == "3 Agustus 2026"
    assert fmt_date("2026-05-01") == "1 Mei 2026"
    assert fmt_month(dt.datetime(2026, 2, 14)) == "Februari 2026"
    assert fmt_month(pd.Timestamp("2026-11-28")) == "November 2026"


def test_bad_values_raise():
    with pytest.raises(TypeError):
        fmt_number("banyak")
    with pytest.raises(ValueError):
        fmt_number(1.0, -1)


def test_labels_and_label_columns():
    assert LABELS["n_responden"] == "Jumlah responden"
    assert LABELS["ikm"] == "IKM"
    assert LABELS["persen_tepat_waktu"] == "% tepat waktu"
    df = pd.DataFrame({"kode_opd": ["A"], "ikm": [81.02], "kolom_baru": [1]})
    out = label_columns(df)
    assert list(out.columns) == ["Kode OPD", "IKM", "kolom_baru"]
    assert list(df.columns) == ["kode_opd", "ikm", "kolom_baru"]  # not mutated
    assert list(label_columns(df, {"kolom_baru": "Baru"}).columns)[-1] == "Baru"


def test_every_output_column_of_the_metric_modules_has_a_label():
    keys = [
        "n_responden", "ikm", "ikm_skala4", "mutu", "kinerja_unit", "bobot", "catatan", "metode",
        "unsur", "label", "n_jawaban", "nrr", "nrr_tertimbang", "peringkat", "populasi",
        "n_minimum", "sampel_memadai", "predikat", "jumlah", "persen", "predikat_organisasi",
        "aturan", "pesan", "n_pegawai", "n_memenuhi", "persen_memenuhi_20jp", "median_jp",
        "kekurangan_jp", "memenuhi_target", "n_total", "n_terlambat", "n_selesai_terlambat",
        "hari_terlambat", "program_usulan",
    ]  # fmt: skip
    keys += [f"nrr_{e}" for e in ("persyaratan", "prosedur", "waktu", "biaya", "produk")]
    keys += [f"nrr_{e}" for e in ("kompetensi", "perilaku", "pengaduan", "sarana")]
    assert [k for k in keys if k not in LABELS] == []


# ---------------------------------------------------------------------------- assumptions
REQUIRED_IDS = {
    "ikm-bobot",
    "ikm-pembulatan",
    "ikm-krejcie-morgan",
    "ikm-sampel-minimum-lain",
    "skp-pola-distribusi",
    "pp30-pita-kurang",
    "jp-menit",
    "jp-klasikal",
    "jp-tahun-mulai",
    "nip-pppk",
    "opd-daftar",
    "pengaduan-lapor",
    "pengaduan-uu25",
    "kalender-libur",
    "kalender-weekmask",
    "dampak-did",
    "tindaklanjut-terlambat",
}


def test_register_has_the_required_entries():
    ids = [a.id for a in ASSUMPTIONS]
    assert len(ids) == len(set(ids))
    assert set(ids) >= REQUIRED_IDS
    assert get_assumption("pengaduan-lapor").confidence == "terkonfirmasi"
    assert get_assumption("pengaduan-uu25").confidence == "belum terkonfirmasi"
    assert get_assumption("jp-menit").confidence == "dugaan"
    for a in ASSUMPTIONS:
        assert a.text and a.reference and a.used_in and a.default and a.how_to_change
        assert a.confidence in {
            "terkonfirmasi",
            "dugaan",
            "belum terkonfirmasi",
            "pilihan perancangan",
        }
    with pytest.raises(FrozenInstanceError):
        ASSUMPTIONS[0].text = "x"  # type: ignore[misc]
    with pytest.raises(KeyError, match="tidak terdaftar"):
        get_assumption("tidak-ada")


def test_assumptions_table_and_note():
    t = assumptions_table()
    assert list(t.columns) == [
        "id",
        "text",
        "reference",
        "confidence",
        "used_in",
        "default",
        "how_to_change",
    ]
    assert len(t) == len(ASSUMPTIONS)
    assert assumption_note(["ikm-bobot", "jp-menit"]) == (
        "Asumsi: ikm-bobot (belum terkonfirmasi); jp-menit (dugaan)"
    )
    assert assumption_note([]) == ""


@given(
    x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_fmt_number_is_babels_id_id_text(x: float, decimals: int) -> None:
    """The fast formatting gives exactly babel's id-ID text for the same quantized value."""
    from babel.numbers import format_decimal

    from kinerja.domain.numbers import _quantize

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(
        _quantize(x, decimals), format=pattern, locale="id_ID", decimal_quantization=True
    )
    assert fmt_number(x, decimals) == expected
