"""Database sources without a server: URL parsing and redaction, ``sumber.yaml`` checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinerja.data.database import is_database_url, parse_source, redact
from kinerja.data.dataset import default_quarantine_dir
from kinerja.data.errors import DatabaseError, DataFolderError
from kinerja.data.sources import check_select, parse_sources, read_sources

pytest.importorskip("sqlalchemy")


def test_a_url_is_told_from_a_folder():
    assert is_database_url("postgresql://u:p@h:5432/db")
    assert is_database_url("mysql+pymysql://u@h/db")
    assert not is_database_url("data/sampel")
    assert not is_database_url(Path("data/sampel"))
    assert not is_database_url("C:\\data\\sampel")


def test_the_password_is_removed_not_masked():
    assert redact("postgresql://baca:s3cr%40t@db:5432/kinerja?schema=evaluasi") == (
        "postgresql://baca@db:5432/kinerja?schema=evaluasi"
    )
    assert redact("data/sampel") == "data/sampel"
    src = parse_source("postgresql://baca:s3cr%40t@db:5432/kinerja?schema=evaluasi", params_dir="/")
    assert src.schema == "evaluasi"
    assert "s3cr" not in src.display and "***" not in src.display
    assert src.url.drivername == "postgresql+psycopg"  # psycopg 3, not psycopg2
    assert "schema" not in src.url.query  # kinerja's keys never reach the driver
    assert src.scrub("gagal: s3cr@t / s3cr%40t") == "gagal: *** / ***"


def test_sumber_from_the_url_or_beside_the_parameters(tmp_path):
    (tmp_path / "sumber.yaml").write_text("layanan: v_layanan\n", encoding="utf-8")
    src = parse_source("postgresql://u@h/db", params_dir=tmp_path)
    assert src.sources_file == (tmp_path / "sumber.yaml").resolve()
    other = tmp_path / "lain.yaml"
    other.write_text("opd: v_opd\n", encoding="utf-8")
    assert parse_source(f"postgresql://u@h/db?sumber={other}").sources_file == other.resolve()
    assert parse_source("postgresql://u@h/db", params_dir=tmp_path / "x").sources_file is None
    with pytest.raises(DatabaseError, match="berkas sumber tidak ditemukan"):
        parse_source(f"postgresql://u@h/db?sumber={tmp_path / 'tidak_ada.yaml'}")


def test_default_quarantine_folder_of_a_database_names_it_without_password():
    q = default_quarantine_dir("postgresql://u:rahasia@h/kinerja?schema=evaluasi")
    assert q.name == "kinerja-evaluasi"
    assert "rahasia" not in str(q)


def test_sumber_yaml_maps_tables_views_and_selects():
    got = parse_sources(
        {
            "layanan": "evaluasi.v_layanan",
            "Pegawai": {"tabel": "pegawai_aktif"},
            "skm": {"sql": "SELECT a AS id_responden FROM survei -- komentar; DELETE\n;"},
            "opd": "select * from unit_kerja where nama <> 'drop table x; '",
        }
    )
    assert got["layanan"].kind == "relation" and got["layanan"].label == "evaluasi.v_layanan"
    assert got["pegawai"].text == "pegawai_aktif"
    assert got["skm"].kind == "select" and got["skm"].label == "sumber.yaml:skm"
    assert not got["skm"].text.endswith(";")
    assert got["opd"].kind == "select"


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("DELETE FROM layanan", "hanya pernyataan SELECT"),
        ("UPDATE opd SET nama_opd = 'x'", "hanya pernyataan SELECT"),
        ("SELECT 1; DROP TABLE opd", "hanya satu pernyataan"),
        ("SELECT * INTO salinan FROM opd", "INTO"),
        ("WITH d AS (DELETE FROM opd RETURNING *) SELECT * FROM d", "DELETE"),
        ("SELECT * FROM opd FOR UPDATE", "UPDATE"),
        ("  ", "hanya pernyataan SELECT"),
    ],
)
def test_only_a_single_read_only_select_is_accepted(sql, reason):
    with pytest.raises(DatabaseError, match=reason):
        check_select(sql, table="opd")


def test_sumber_yaml_errors_are_collected(tmp_path):
    path = tmp_path / "sumber.yaml"
    path.write_text(
        "tabel_lain: x\nopd: 'nama dengan spasi'\npegawai: 3\nlayanan: {tabel: a, sql: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFolderError) as err:
        read_sources(path)
    text = str(err.value)
    for part in ("'tabel_lain' bukan tabel kontrak", "tabel opd", "tabel pegawai", "tabel layanan"):
        assert part in text
    path.write_text("opd: [", encoding="utf-8")
    with pytest.raises(DatabaseError, match="YAML tidak dapat dibaca"):
        read_sources(path)


def test_sumber_yaml_refuses_aliases(tmp_path: Path) -> None:
    """sumber.yaml goes through the hardened parameter reader: no anchors or aliases."""
    path = tmp_path / "sumber.yaml"
    path.write_text("a: &x [1, 2]\nb: *x\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="alias|anchor|jangkar"):
        read_sources(path)
