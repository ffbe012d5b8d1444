"""One defect of each kind (data-contract.md "What happens to a bad row", issue 2 item 4):
each is quarantined with the right ``_kolom`` and a reason, rows are written unchanged, and
read = accepted + quarantined for every table."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures.builders import NIP_B, NIP_PPPK, valid_tables, write_csv, write_folder

from kinerja.data.dataset import DataFolderError, load

NIP_QPEG = "198001012005011001"  # valid NIP, but its pegawai row is quarantined (jenis_jabatan)
UNKNOWN_NIP = "199001012015011001"

# (table, id, base row index, changes, expected _kolom, fragment of _alasan)
DEFECTS: list[tuple[str, str, int, dict[str, str], str, str]] = [
    ("opd", "jenis_opd", 0, {"kode_opd": "X1", "jenis_opd": "kementerian"}, "jenis_opd", "nilai tidak dikenal: 'kementerian'"),
    ("opd", "duplicate", 0, {"nama_opd": "Dinas Dukcapil (lama)"}, "kode_opd", "kunci ganda"),
    ("opd", "required blank", 0, {"kode_opd": "X2", "nama_opd": "  "}, "nama_opd", "wajib diisi"),
    ("pegawai", "17 digits", 0, {"nip": "19671110199203100"}, "nip", "NIP tidak sah: '19671110199203100' (NIP harus 18 digit, bukan 17)"),
    ("pegawai", "sex digit 3", 0, {"nip": "196711101992033001"}, "nip", "jenis kelamin"),
    ("pegawai", "TMT month 13", 0, {"nip": "196711101992131001"}, "nip", "TMT"),
    ("pegawai", "PPPK layout", 0, {"nip": "197001012000121001", "status_kepegawaian": "PPPK"}, "nip", "NI PPPK"),
    ("pegawai", "unknown kode_opd", 0, {"nip": "198502022010012001", "kode_opd": "DINAS-ENTAH"}, "kode_opd", "kode_opd tidak dikenal (tidak ada di tabel opd): 'DINAS-ENTAH'"),
    ("pegawai", "kode_opd of quarantined opd", 0, {"nip": "198502022010012002", "kode_opd": "X1"}, "kode_opd", "hanya ada pada baris opd yang dikarantina"),
    ("pegawai", "duplicate nip", 1, {"nama": "Siti R."}, "nip", "kunci ganda (nip) = '197303141997022002': sudah ada pada baris 3"),
    ("pegawai", "jenis_jabatan", 0, {"nip": NIP_QPEG, "jenis_jabatan": "staf"}, "jenis_jabatan", "nilai tidak dikenal: 'staf'"),
    ("pegawai", "status", 0, {"nip": "198502022010012003", "status_kepegawaian": "honorer"}, "status_kepegawaian", "'honorer'"),
    ("penilaian_skp", "unknown nip", 0, {"nip": UNKNOWN_NIP}, "nip", "nip tidak dikenal"),
    ("penilaian_skp", "nip of quarantined pegawai", 0, {"nip": NIP_QPEG}, "nip", "hanya ada pada baris pegawai yang dikarantina"),
    ("penilaian_skp", "periode", 0, {"nip": NIP_B, "periode": "2026-TW5"}, "periode", "periode tidak dikenal: '2026-TW5'"),
    ("penilaian_skp", "rating", 0, {"nip": NIP_PPPK, "rating_hasil_kerja": "Luar Biasa"}, "rating_hasil_kerja", "'Luar Biasa'"),
    ("penilaian_skp", "duplicate", 0, {}, "nip, periode", "kunci ganda"),
    ("laporan_kinerja", "date", 0, {"tanggal": "31/02/2026"}, "tanggal", "tanggal tidak dapat dibaca: '31/02/2026'"),
    ("laporan_kinerja", "time", 0, {"waktu_lapor": "25:61"}, "waktu_lapor", "waktu tidak dapat dibaca: '25:61'"),
    ("laporan_kinerja", "status", 0, {"status_verifikasi": "oke"}, "status_verifikasi", "'oke'"),
    ("laporan_kinerja", "negative duration", 0, {"durasi_menit": "-5"}, "durasi_menit", "kurang dari 0"),
    ("laporan_kinerja", "not a number", 0, {"durasi_menit": "satu jam"}, "durasi_menit", "bukan angka: 'satu jam'"),
    ("laporan_kinerja", "uraian blank", 0, {"uraian": ""}, "uraian", "wajib diisi"),
    ("laporan_kinerja", "unknown nip", 0, {"nip": UNKNOWN_NIP}, "nip", "nip tidak dikenal"),
    ("layanan", "selesai before mulai", 0, {"id_permohonan": "P-9", "selesai": "01/11/2026 08:00"}, "selesai", "selesai sebelum mulai"),
    ("layanan", "unknown kode_opd", 0, {"id_permohonan": "P-8", "kode_opd": "ZZZ"}, "kode_opd", "'ZZZ'"),
    ("layanan", "duplicate", 0, {"selesai": "02/11/2026 10:00"}, "id_permohonan, tahap, mulai", "kunci ganda"),
    ("layanan", "unknown petugas", 0, {"id_permohonan": "P-7", "nip_petugas": UNKNOWN_NIP}, "nip_petugas", "nip tidak dikenal"),
    ("standar_layanan", "negative days", 0, {"jenis_layanan": "Akta", "jangka_waktu_hari_kerja": "-1"}, "jangka_waktu_hari_kerja", "kurang dari 0"),
    ("standar_layanan", "fractional days", 0, {"jenis_layanan": "KIA", "jangka_waktu_hari_kerja": "2,5"}, "jangka_waktu_hari_kerja", "bilangan bulat: '2,5'"),
    ("standar_layanan", "duplicate", 0, {"jangka_waktu_hari_kerja": "5"}, "kode_opd, jenis_layanan", "kunci ganda"),
    ("skm", "answer 5", 0, {"id_responden": "R3", "sarana": "5"}, "sarana", "jawaban SKM harus bilangan bulat 1..4 atau kosong: '5'"),
    ("skm", "answer 2,5", 0, {"id_responden": "R4", "waktu": "2,5"}, "waktu", "'2,5'"),
    ("skm", "answer text", 0, {"id_responden": "R5", "pengaduan": "baik"}, "pengaduan", "'baik'"),
    ("skm", "answer 0", 0, {"id_responden": "R6", "prosedur": "0"}, "prosedur", "'0'"),
    ("skm", "duplicate", 0, {}, "id_responden", "kunci ganda"),
    ("skm", "date", 0, {"id_responden": "R7", "tanggal": "32 Mei 2026"}, "tanggal", "'32 Mei 2026'"),
    ("pengaduan", "tanggapan before masuk", 0, {"id_pengaduan": "A3", "tanggal_tanggapan": "31/10/2026"}, "tanggal_tanggapan", "tanggal_tanggapan sebelum tanggal_masuk"),
    ("pengaduan", "selesai before masuk", 0, {"id_pengaduan": "A4", "tanggal_selesai": "31/10/2026"}, "tanggal_selesai", "tanggal_selesai sebelum tanggal_masuk"),
    ("pengaduan", "duplicate", 0, {}, "id_pengaduan", "kunci ganda"),
    ("pengaduan", "status blank", 0, {"id_pengaduan": "A5", "status": ""}, "status", "wajib diisi"),
    ("pelatihan", "selesai before mulai", 0, {"tanggal_selesai": "31-08-2026"}, "tanggal_selesai", "tanggal_selesai sebelum tanggal_mulai"),
    ("pelatihan", "negative jp", 0, {"jp": "-2"}, "jp", "kurang dari 0"),
    ("pelatihan", "bentuk", 0, {"bentuk": "webinar"}, "bentuk", "'webinar'"),
    ("pelatihan", "unknown nip", 0, {"nip": UNKNOWN_NIP}, "nip", "nip tidak dikenal"),
    ("tindak_lanjut", "status", 0, {"id_tindak_lanjut": "TL3", "status": "batal"}, "status", "'batal'"),
    ("tindak_lanjut", "tenggat", 0, {"id_tindak_lanjut": "TL4", "tenggat": "akhir tahun"}, "tenggat", "'akhir tahun'"),
    ("tindak_lanjut", "duplicate", 0, {}, "id_tindak_lanjut", "kunci ganda"),
    ("tindak_lanjut", "unknown nip", 0, {"id_tindak_lanjut": "TL5", "nip": UNKNOWN_NIP}, "nip", "nip tidak dikenal"),
]  # fmt: skip

# a record with more fields than the header, appended by hand to standar_layanan.csv
STRUCTURAL = "KEC-SIDOREJO,Legalisir,1,0,lebih\r\n"


@pytest.fixture(scope="module")
def defect_folder(tmp_path_factory):
    tables = valid_tables()
    expected: dict[str, list[tuple[int, str, str, dict[str, str]]]] = {t: [] for t in tables}
    for table, _id, base, changes, kolom, fragment in DEFECTS:
        row = dict(tables[table][base], **changes)
        tables[table].append(row)
        expected[table].append((len(tables[table]) + 1, kolom, fragment, row))
    folder = write_folder(tmp_path_factory.mktemp("cacat") / "data", tables)
    with open(folder / "standar_layanan.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write(STRUCTURAL)
    expected["standar_layanan"].append(
        (len(tables["standar_layanan"]) + 2, "(seluruh baris)", "5 kolom", {})
    )
    return folder, tables, expected


@pytest.fixture(scope="module")
def ds(defect_folder):
    return load(defect_folder[0])


@pytest.mark.parametrize(("table", "case"), [(d[0], d[1]) for d in DEFECTS])
def test_each_defect_is_quarantined_with_column_and_reason(ds, defect_folder, table, case):
    _, tables, expected = defect_folder
    i = [d[1] for d in DEFECTS if d[0] == table].index(case)
    baris, kolom, fragment, row = expected[table][i]
    q = ds.quarantine[table]
    hit = q[q["_baris"] == baris]
    assert len(hit) == 1, f"baris {baris} tidak dikarantina:\n{q.to_string()}"
    got = hit.iloc[0]
    assert got["_kolom"] == kolom
    assert fragment in got["_alasan"], got["_alasan"]
    assert got["_berkas"] == f"{table}.csv"
    # the row is written unchanged (text as in the file)
    for col, value in row.items():
        assert got[col] == value


def test_structural_defect(ds, defect_folder):
    baris, kolom, fragment, _ = defect_folder[2]["standar_layanan"][-1]
    q = ds.quarantine["standar_layanan"]
    got = q[q["_baris"] == baris].iloc[0]
    assert got["_kolom"] == kolom and fragment in got["_alasan"]


def test_only_defective_rows_are_quarantined_and_counts_add_up(ds, defect_folder):
    _, tables, expected = defect_folder
    for table in tables:
        row = ds.summary.set_index("table").loc[table]
        assert row["read"] == row["accepted"] + row["quarantined"]
        assert row["quarantined"] == len(expected[table]), ds.quarantine[table].to_string()
        assert row["read"] == len(tables[table]) + (table == "standar_layanan")
        assert len(ds.tables[table]) == row["accepted"]
        assert sorted(ds.quarantine[table]["_baris"]) == sorted(e[0] for e in expected[table])


def test_duplicate_keeps_first_occurrence(ds):
    opd = ds.tables["opd"]
    assert opd.loc[opd["kode_opd"] == "DISDUKCAPIL", "nama_opd"].tolist() == [
        "Dinas Kependudukan dan Pencatatan Sipil"
    ]


def test_predikat_disagreement_is_a_warning_not_a_rejection(tmp_path):
    tables = valid_tables()
    tables["penilaian_skp"][0]["predikat"] = "Baik"  # matrix says Sangat Baik
    ds = load(write_folder(tmp_path / "data", tables))
    assert ds.n_quarantined == 0
    w = ds.warnings
    assert len(w) == 1
    assert w.iloc[0]["table"] == "penilaian_skp" and w.iloc[0]["kolom"] == "predikat"
    assert w.iloc[0]["baris"] == 2 and "Sangat Baik" in w.iloc[0]["pesan"]
    skp = ds.tables["penilaian_skp"]
    assert skp["predikat"].iloc[0] == "Baik"  # reported, never overwritten
    # "Kurang" is read as "Kurang/Misconduct" and agrees with the matrix (row 2)
    assert skp["predikat"].iloc[1] == "Kurang/Misconduct"


def test_several_defects_in_one_row_are_all_listed(tmp_path):
    tables = valid_tables()
    tables["laporan_kinerja"][0].update(tanggal="kemarin", status_verifikasi="oke")
    ds = load(write_folder(tmp_path / "data", tables))
    got = ds.quarantine["laporan_kinerja"].iloc[0]
    assert got["_kolom"] == "tanggal; status_verifikasi"
    assert "tanggal tidak dapat dibaca: 'kemarin'" in got["_alasan"] and "'oke'" in got["_alasan"]


def test_pppk_layout_can_be_a_warning(tmp_path):
    tables = valid_tables()
    tables["pegawai"].append(
        dict(tables["pegawai"][3], nip="197001012000121001", status_kepegawaian="PPPK")
    )
    ds = load(write_folder(tmp_path / "data", tables), pppk_nip="warn")
    assert ds.n_quarantined == 0
    assert ds.warnings["pesan"].str.contains("NI PPPK tidak mengikuti pola").any()
    assert any("NI PPPK diperiksa" in n for n in ds.notes)


def test_missing_required_table(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "pegawai.csv").unlink()
    with pytest.raises(DataFolderError, match="tabel wajib 'pegawai' tidak ada"):
        load(folder)


def test_missing_required_column_names_file_and_column(tmp_path):
    tables = valid_tables()
    for row in tables["skm"]:
        del row["sarana"]
    folder = write_folder(tmp_path / "data", tables)
    with pytest.raises(DataFolderError, match=r"skm\.csv: kolom wajib 'sarana' tidak ada"):
        load(folder)


def test_two_columns_for_one_element_are_refused(tmp_path):
    tables = valid_tables()
    rows = [dict(r, **{"Sarana dan Prasarana": "2"}) for r in tables["skm"]]
    folder = write_folder(tmp_path / "data", tables)
    write_csv(folder / "skm.csv", rows)
    with pytest.raises(DataFolderError, match="Sarana dan Prasarana"):
        load(folder)


def test_optional_tables_absent_are_listed(tmp_path):
    tables = {k: v for k, v in valid_tables().items() if k in ("opd", "pegawai", "skm")}
    ds = load(write_folder(tmp_path / "data", tables))
    assert ds.missing == [
        "penilaian_skp",
        "laporan_kinerja",
        "layanan",
        "standar_layanan",
        "pengaduan",
        "pelatihan",
        "tindak_lanjut",
    ]
    assert ds.get("layanan") is None
    assert list(ds.tables) == ["opd", "pegawai", "skm"]


def test_typed_tables_match_architecture(tmp_path):
    ds = load(write_folder(tmp_path / "data"))
    lk = ds.tables["laporan_kinerja"]
    assert lk["waktu_lapor"].tolist() == [
        pd.Timestamp("2026-11-28 08:30"),
        pd.Timestamp("2026-11-27 16:05"),
    ]
    assert lk["durasi_menit"].tolist() == [90.0, 45.5]
    assert lk["status_verifikasi"].cat.categories.tolist() == ["disetujui", "ditolak", "menunggu"]
    peg = ds.tables["pegawai"]
    assert peg["jenis_jabatan"].tolist()[0] == "jpt"
    assert peg["status_kepegawaian"].tolist()[1] == "PNS"
    assert set(peg["nip"].str.len()) == {18}
    assert str(ds.tables["standar_layanan"]["jangka_waktu_hari_kerja"].dtype) == "Int64"
    assert ds.tables["standar_layanan"]["biaya"].tolist() == [0.0, 1250.0]
    assert ds.tables["pelatihan"]["bentuk"].tolist() == ["klasikal", "nonklasikal"]
    assert ds.tables["pelatihan"]["jp"].tolist() == [24.0, 2.5]
    skm = ds.tables["skm"]
    assert pd.isna(skm["waktu"].iloc[1])  # blank answer stays missing, not 0
    assert skm["kompetensi"].iloc[1] == 3
    assert skm["tanggal"].tolist() == [pd.Timestamp("2026-05-03"), pd.Timestamp("2026-08-28")]
    assert pd.isna(ds.tables["layanan"]["selesai"].iloc[1])  # stage in progress
    assert ds.tables["penilaian_skp"]["periode"].tolist() == ["2026", "2026-TW1", "2026-03"]


def test_skm_metode_column(tmp_path):
    tables = valid_tables()
    tables["skm"][0]["metode"] = "KepmenPAN 25/2004"
    tables["skm"][1]["metode"] = ""
    ds = load(write_folder(tmp_path / "data", tables))
    assert ds.tables["skm"]["metode"].tolist() == ["2004", "2017"]


def test_examples_of_the_user_contract_load_cleanly(tmp_path):
    """The example rows of docs/kontrak-data.md form a valid folder (the doc cannot drift)."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "kontrak-data.md").read_text("utf-8")
    sections = re.findall(r"^### (\w+) — .*?```\n(.*?)```", doc, flags=re.S | re.M)
    assert [name for name, _ in sections] == list(valid_tables())
    folder = tmp_path / "contoh"
    folder.mkdir()
    for name, block in sections:
        (folder / f"{name}.csv").write_text(block, encoding="utf-8")
    ds = load(folder)
    assert ds.n_quarantined == 0, {t: q["_alasan"].tolist() for t, q in ds.quarantine.items()}
    assert ds.summary["accepted"].min() >= 1


def test_header_only_tables_load_with_zero_rows(tmp_path):
    folder = write_folder(tmp_path / "data")
    for name in ("skm", "layanan"):
        path = folder / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    ds = load(folder)
    assert len(ds.tables["skm"]) == 0 and str(ds.tables["skm"]["sarana"].dtype) == "Int8"
    assert ds.summary.set_index("table").loc["layanan", "read"] == 0


def test_unclosed_quote_over_128_kib_is_quarantined_not_fatal(tmp_path):
    """An unclosed quote followed by a field longer than the csv module's default limit
    (128 KiB): the record and the row after it are quarantined apart (issue 14: never
    swallowed into one record), the folder still loads."""
    write_folder(tmp_path)
    opd = tmp_path / "opd.csv"
    text = opd.read_text(encoding="utf-8")
    opd.write_text(text + 'X1,"Tanpa tutup ' + "a" * 200_000 + "\nX2,Nama,,dinas,\n", "utf-8")
    ds = load(tmp_path)
    row = ds.summary.set_index("table").loc["opd"]
    assert row["quarantined"] == 2
    assert ds.quarantine["opd"]["_alasan"].str.contains("tanda kutip").all()
    assert row["read"] == row["accepted"] + row["quarantined"]
