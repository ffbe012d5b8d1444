"""Property-based fuzzing of the loader (issue 6, item 7: "bad input fuzzing").

Hypothesis writes data folders whose header is right but whose rows are random and malformed —
random strings in date/number/NIP/vocabulary columns, blanks, unicode, very long strings,
formula-like cells, quotes and delimiters inside values, rows split with the wrong delimiter,
ragged rows, BOM, Windows-1252 and mixed encodings, CRLF and CR-only line ends — and checks the contract:

* ``kinerja.load`` never raises anything but :class:`DataFolderError`, and for a folder with a
  correct header it does not raise at all;
* no row is lost: for every table ``read == accepted + quarantined``, ``read`` equals the number
  of non-blank records written, the accepted rows are in ``tables`` and the others in
  ``quarantine``, each once;
* a quarantined row keeps its values unchanged (UTF-8 files, rows of the header's width).

The record count is defined by Python's ``csv`` module reading the bytes that were written
(RFC 4180 quoting), so a test failure means the loader disagrees with the file, not with us.
A record whose every value is blank is not a row (the loader skips it by design).
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.data.dataset import DataFolderError, load

# The contract's columns (data-contract.md) with the kind of value each holds; written here, not
# imported from kinerja.domain.schema, so the test does not follow the implementation.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "opd": [
        ("kode_opd", "kode"),
        ("nama_opd", "text"),
        ("singkatan", "text"),
        ("jenis_opd", "jenis_opd"),
        ("kode_induk", "kode"),
    ],
    "pegawai": [
        ("nip", "nip"),
        ("nama", "text"),
        ("kode_opd", "kode"),
        ("jabatan", "text"),
        ("jenis_jabatan", "jenis_jabatan"),
        ("golongan", "text"),
        ("status_kepegawaian", "status_kepegawaian"),
        ("jenis_kelamin", "text"),
    ],
    "penilaian_skp": [
        ("nip", "nip"),
        ("periode", "periode"),
        ("rating_hasil_kerja", "rating"),
        ("rating_perilaku", "rating"),
        ("predikat", "predikat"),
    ],
    "laporan_kinerja": [
        ("nip", "nip"),
        ("tanggal", "date"),
        ("waktu_lapor", "datetime"),
        ("uraian", "text"),
        ("durasi_menit", "number"),
        ("status_verifikasi", "status_verifikasi"),
        ("waktu_verifikasi", "datetime"),
    ],
    "layanan": [
        ("id_permohonan", "id"),
        ("kode_opd", "kode"),
        ("jenis_layanan", "text"),
        ("tahap", "text"),
        ("mulai", "datetime"),
        ("selesai", "datetime"),
        ("nip_petugas", "nip"),
    ],
    "standar_layanan": [
        ("kode_opd", "kode"),
        ("jenis_layanan", "text"),
        ("jangka_waktu_hari_kerja", "number"),
        ("biaya", "number"),
    ],
    "skm": [
        ("id_responden", "id"),
        ("kode_opd", "kode"),
        ("jenis_layanan", "text"),
        ("tanggal", "date"),
        *(
            (e, "skm")
            for e in (
                "persyaratan",
                "prosedur",
                "waktu",
                "biaya",
                "produk",
                "kompetensi",
                "perilaku",
                "pengaduan",
                "sarana",
            )
        ),
        ("umur", "number"),
        ("jenis_kelamin", "text"),
        ("pendidikan", "text"),
        ("pekerjaan", "text"),
        ("saran", "text"),
    ],
    "pengaduan": [
        ("id_pengaduan", "id"),
        ("kode_opd", "kode"),
        ("tanggal_masuk", "datetime"),
        ("kanal", "text"),
        ("kategori", "text"),
        ("tanggal_tanggapan", "datetime"),
        ("tanggal_selesai", "datetime"),
        ("isi", "text"),
        ("status", "text"),
    ],
    "pelatihan": [
        ("nip", "nip"),
        ("nama_pelatihan", "text"),
        ("jenis", "text"),
        ("bentuk", "bentuk"),
        ("tanggal_mulai", "date"),
        ("tanggal_selesai", "date"),
        ("jp", "number"),
    ],
    "tindak_lanjut": [
        ("id_tindak_lanjut", "id"),
        ("nip", "nip"),
        ("kode_opd", "kode"),
        ("temuan", "text"),
        ("rekomendasi", "text"),
        ("tenggat", "date"),
        ("status", "status_tl"),
        ("tanggal_selesai", "date"),
    ],
}

BASE_NIPS = ["196711101992031001", "197303141997022002", "198001052005012001"]
BASE_OPD = ["1.01", "1.02"]

VALID: dict[str, list[str]] = {
    "kode": BASE_OPD,
    "nip": [*BASE_NIPS, "19670610 198901 1 003", "200012312024211001"],
    "jenis_opd": ["dinas", "Badan", "KECAMATAN"],
    "jenis_jabatan": ["pelaksana", "fungsional", "JPT"],
    "status_kepegawaian": ["PNS", "pppk"],
    "periode": ["2025", "2025-TW3", "2025-07"],
    "rating": ["Di Atas Ekspektasi", "sesuai ekspektasi", "Di Bawah Ekspektasi"],
    "predikat": ["Sangat Baik", "Baik", "Kurang", "Kurang/Misconduct", ""],
    "status_verifikasi": ["disetujui", "ditolak", "menunggu"],
    "bentuk": ["klasikal", "nonklasikal"],
    "status_tl": ["direncanakan", "berjalan", "selesai"],
    "date": [
        "2025-11-28",
        "28/11/2025",
        "28-11-2025",
        "28 November 2025",
        "3 Mei 2025",
        "28 Agt 2025",
    ],
    "datetime": ["2025-11-28 08:30", "28/11/2025 13:05:09", "08:15", "3 Mei 2025 07:00"],
    "number": ["3", "3,5", "1.234", "0", "12.5"],
    "skm": ["1", "2", "3", "4", ""],
    "id": ["A-1", "A-2", "X 7", "0001"],
    "text": ["Antrean lama", "Pelayanan cepat", "Dinas Uji", ""],
}

NASTY = [
    "",
    " ",
    "\t",
    "-",
    "NaN",
    "nan",
    "None",
    "null",
    "N/A",
    "#N/A",
    "#REF!",
    "TRUE",
    "0",
    "-0",
    "1e309",
    "-1",
    "9" * 40,
    "31/02/2025",
    "2025-13-01",
    "00:99",
    "3,5,6",
    "1.2.3",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
    "@SUM(1+1)",
    "+1",
    "=1+1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"',
    '""',
    "'",
    "a;b",
    "a,b",
    'a"b',
    "a\nb",
    "a\r\nb",
    "a\rb",
    "\ufeff",
    "\ufeffnip",
    "\u00a0",
    "\u200b",
    "Ω≈ç√∫",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "١٢٣",
    "１２３",
    "ﾃｽﾄ",
    "Zoë Ayuningtyas",
    "\x00",
    "\x1f",
    "é" * 3,
    "19670610 198901 1 003",
    "196711101992031001x",
    "1967111019920310011",
]


def cell(kind: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(VALID[kind]),
        st.sampled_from(NASTY),
        st.text(max_size=25),
        st.text(alphabet="0123456789 ,.:/-", max_size=25),
        st.sampled_from([1_000, 5_000, 40_000]).map(lambda n: "x" * n),
    )


@st.composite
def record(draw: st.DrawFn, table: str) -> list[str]:
    return [draw(cell(kind)) for _, kind in COLUMNS[table]]


@st.composite
def csv_file(draw: st.DrawFn, table: str) -> tuple[bytes, str, list[list[str]]]:
    """(file bytes, encoding label, records as written: header first)."""
    header = [name for name, _ in COLUMNS[table]]
    # header spelling variants the contract allows
    style = draw(st.sampled_from(["plain", "upper", "spaced", "dash"]))
    shown = {
        "plain": header,
        "upper": [h.upper() for h in header],
        "spaced": [f"  {h} " for h in header],
        "dash": [h.replace("_", "-") for h in header],
    }[style]
    rows = draw(st.lists(record(table), min_size=1, max_size=12))
    delimiter = draw(st.sampled_from([",", ";"]))
    other = ";" if delimiter == "," else ","
    # "\r" alone: "CSV (Macintosh)" as written by Excel for Mac
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "mixed"]))

    lines: list[str] = []
    records: list[list[str]] = [shown]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerow(shown)
    lines.append(buf.getvalue())
    for row in rows:
        mutation = draw(st.sampled_from(["none"] * 6 + ["wrong_delimiter", "short", "long"]))
        if mutation == "wrong_delimiter":
            # a row exported with the other delimiter: values kept simple so the record
            # boundary is unambiguous
            simple = [v.replace('"', "").replace("\r", "").replace("\n", "") for v in row]
            simple = [v.replace(delimiter, "").replace(other, "") for v in simple]
            line = other.join(simple) + newline
            lines.append(line)
            continue
        if mutation == "short":
            row = row[: draw(st.integers(min_value=1, max_value=len(row) - 1))]
        elif mutation == "long":
            row = row + draw(st.lists(st.sampled_from(["x", "", "1"]), min_size=1, max_size=3))
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerow(row)
        lines.append(buf.getvalue())
    text = "".join(lines)
    if encoding in ("utf-8", "utf-8-sig"):
        data = text.encode(encoding, errors="surrogatepass")
    elif encoding == "cp1252":
        data = text.encode("cp1252", errors="replace")
    else:  # some lines UTF-8, others Windows-1252
        flags = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
        data = b"".join(
            ln.encode("cp1252", errors="replace") if f else ln.encode("utf-8")
            for ln, f in zip(lines, flags, strict=True)
        )
    # the records as a CSV reader sees the written file (after the encoding round trip)
    decoded = _decode_as_written(data, encoding)
    records = list(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter))
    return data, encoding, records


def _decode_as_written(data: bytes, encoding: str) -> str:
    if encoding == "utf-8-sig":
        return data.decode("utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _write_base(folder: Path) -> None:
    (folder / "opd.csv").write_text(
        "kode_opd,nama_opd,singkatan,jenis_opd,kode_induk\n"
        "1.01,Dinas Uji Satu,DU1,dinas,\n1.02,Dinas Uji Dua,DU2,badan,\n",
        encoding="utf-8",
    )
    (folder / "pegawai.csv").write_text(
        "nip,nama,kode_opd,jabatan,jenis_jabatan,golongan,status_kepegawaian,jenis_kelamin\n"
        + "".join(
            f"{n},Pegawai {i},{BASE_OPD[i % 2]},Analis,pelaksana,III/a,PNS,{'LP'[int(n[14]) - 1]}\n"
            for i, n in enumerate(BASE_NIPS)
        ),
        encoding="utf-8",
    )


def _non_blank(records: list[list[str]]) -> list[tuple[int, list[str]]]:
    """(record number from 2 = first data row, values) of records with a non-blank value."""
    return [(i + 2, r) for i, r in enumerate(records[1:]) if any(v.strip() for v in r)]


def _check_invariants(ds, table: str, records: list[list[str]] | None) -> None:
    summary = ds.summary.set_index("table")
    for name, row in summary.iterrows():
        assert row["read"] == row["accepted"] + row["quarantined"], (name, row.to_dict())
        assert len(ds.tables[name]) == row["accepted"], name
        q = ds.quarantine.get(name)
        n_q = 0 if q is None else len(q)
        assert n_q == row["quarantined"], name
        if n_q:
            assert q["_baris"].is_unique, f"baris karantina ganda di {name}"
            assert q["_alasan"].str.strip().ne("").all(), name
    if records is None:
        return
    expected = _non_blank(records)
    assert summary.loc[table, "read"] == len(expected), (
        f"{table}: {len(expected)} baris ditulis, {summary.loc[table, 'read']} terbaca"
    )


def _check_quarantine_unchanged(ds, table: str, records: list[list[str]]) -> None:
    q = ds.quarantine.get(table)
    if q is None or not len(q):
        return
    by_row = dict(_non_blank(records))
    width = len(records[0])
    original = [c for c in q.columns if not str(c).startswith("_")]
    assert len(original) == width, (table, original)  # the file's own columns, in file order
    for _, qrow in q.iterrows():
        written = by_row.get(int(qrow["_baris"]))
        assert written is not None, f"baris {qrow['_baris']} tidak pernah ditulis"
        if len(written) != width:
            continue  # ragged rows are padded or merged by design
        for col, value in zip(original, written, strict=True):
            got = qrow[col]
            got = "" if pd.isna(got) else str(got)
            assert got == value, (table, int(qrow["_baris"]), col, value[:50], got[:50])


FUZZ_TABLES = [t for t in COLUMNS if t not in ("opd", "pegawai")]


@pytest.mark.slow  # over 5 s: many generated folders, each loaded in full
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), table=st.sampled_from(FUZZ_TABLES))
def test_loader_never_crashes_and_never_loses_a_row(data, table):
    file_bytes, encoding, records = data.draw(csv_file(table), label="file")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_base(folder)
        (folder / f"{table}.csv").write_bytes(file_bytes)
        ds = load(folder)  # a correct header: no DataFolderError allowed
        _check_invariants(ds, table, records)
        if encoding in ("utf-8", "utf-8-sig"):
            _check_quarantine_unchanged(ds, table, records)


@pytest.mark.slow  # over 5 s: many generated folders, each loaded in full
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), table=st.sampled_from(["opd", "pegawai"]))
def test_required_tables_fuzzed(data, table):
    """Fuzzed ``opd`` or ``pegawai``: every later reference may break, no row may vanish."""
    file_bytes, encoding, records = data.draw(csv_file(table), label="file")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_base(folder)
        (folder / f"{table}.csv").write_bytes(file_bytes)
        ds = load(folder)
        _check_invariants(ds, table, records)
        if encoding in ("utf-8", "utf-8-sig"):
            _check_quarantine_unchanged(ds, table, records)


@pytest.mark.slow  # over 5 s: many generated folders, each loaded in full
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    table=st.sampled_from(["skm", "pengaduan", "pelatihan"]),
    rows=st.data(),
)
def test_xlsx_tables_fuzzed(table, rows):
    """The same through ``.xlsx``: strings beginning with ``=`` become formulas in the sheet."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    values = rows.draw(st.lists(record(table), min_size=1, max_size=8), label="rows")
    # openpyxl refuses control characters and cells over 32,767 characters (Excel limits)
    values = [[ILLEGAL_CHARACTERS_RE.sub("", v)[:32_000] for v in r] for r in values]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_base(folder)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([name for name, _ in COLUMNS[table]])
        for r in values:
            ws.append(r)
        wb.save(folder / f"{table}.xlsx")
        ds = load(folder)
        _check_invariants(ds, table, None)
        expected = sum(any(v.strip() for v in r) for r in values)
        assert ds.summary.set_index("table").loc[table, "read"] == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["opd", "pegawai", "skm"]),
    content=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [
                b"",
                b"\xef\xbb\xbf",
                b"\n\n\n",
                b"nip\n",
                b"a,b,c\n1,2,3\n",
                b"\x00" * 50,
                b"PK\x03\x04garbage",
                b'"unterminated,quote\n1,2\n',
            ]
        ),
        st.text(max_size=200).map(lambda s: s.encode("utf-8")),
    ),
)
def test_unusable_files_raise_only_data_folder_error(table, content):
    """A broken file is either read (rows accounted for) or refused with DataFolderError."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_base(folder)
        (folder / f"{table}.csv").write_bytes(content)
        try:
            ds = load(folder)
        except DataFolderError as exc:
            assert str(exc).strip()
            assert table in str(exc) or "folder" in str(exc)
        else:
            _check_invariants(ds, table, None)


def test_missing_folder_and_required_table_raise_data_folder_error(tmp_path):
    with pytest.raises(DataFolderError):
        load(tmp_path / "tidak-ada")
    _write_base(tmp_path)
    (tmp_path / "pegawai.csv").unlink()
    with pytest.raises(DataFolderError, match="pegawai"):
        load(tmp_path)


# Minimal reproducers of what the properties above found (reported to the lead, 2026-11-28).
# Each is a realistic file: the loader must read it (rows accounted for) or refuse it with
# DataFolderError.


def test_cr_only_line_ends_with_a_ragged_row(tmp_path):
    """'CSV (Macintosh)' line ends plus one row with an extra field (the csv fallback path)."""
    _write_base(tmp_path)
    (tmp_path / "pengaduan.csv").write_bytes(
        b"id_pengaduan,kode_opd,tanggal_masuk,kanal,kategori,isi,status\r"
        b"P1,1.01,2025-06-02,WA,Lain,ab,proses\r"
        b"P2,1.01,2025-06-02,WA,Lain,x,proses,lebih\r"
    )
    ds = load(tmp_path)
    _check_invariants(ds, "pengaduan", None)
    assert ds.summary.set_index("table").loc["pengaduan", "read"] == 2


def test_cr_and_nul_in_a_required_file(tmp_path):
    _write_base(tmp_path)
    (tmp_path / "opd.csv").write_bytes(b"kode_opd\r\x00")
    with pytest.raises(DataFolderError):
        load(tmp_path)


def test_fullwidth_digits_in_a_number_column(tmp_path):
    """'１２３' (fullwidth digits, e.g. typed with an IME) must be parsed or quarantined."""
    _write_base(tmp_path)
    (tmp_path / "standar_layanan.csv").write_text(
        "kode_opd,jenis_layanan,jangka_waktu_hari_kerja,biaya\n1.01,KTP,１２３,0\n1.01,KK,5,0\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    _check_invariants(ds, "standar_layanan", None)
    assert ds.summary.set_index("table").loc["standar_layanan", "read"] == 2


def test_nip_with_a_birth_year_before_1677(tmp_path):
    """A typo such as 1019 for 1979 in the birth year: quarantine the row, do not crash
    (pandas nanosecond timestamps start in 1677)."""
    _write_base(tmp_path)
    with (tmp_path / "pegawai.csv").open("a", encoding="utf-8") as fh:
        fh.write("101901011990011001,Pegawai Salah Ketik,1.01,Analis,pelaksana,III/a,PNS,L\n")
    ds = load(tmp_path)
    _check_invariants(ds, "pegawai", None)
    assert ds.summary.set_index("table").loc["pegawai", "quarantined"] == 1
