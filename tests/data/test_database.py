"""Reading the data contract from a real PostgreSQL server (issue 15).

The sample (with a few dirty rows added, so that quarantine has work) is COPYed into a fresh
database with typed columns where the contract reads dates and numbers; ``kinerja validate``,
``kinerja rekap`` and a one-OPD batch on the database URL must give what they give on the
folder, and the password must appear in no output. The server is ``tests/pg_server.py``'s:
``KINERJA_TEST_PG_URL`` (CI), else a temporary one; skipped without PostgreSQL unless
``KINERJA_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pg_server
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KINERJA = [sys.executable, "-m", "kinerja"]
READER_PASSWORD = "Baca-" + uuid.uuid4().hex[:12]


def _run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KINERJA, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _psql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(pg_server.conninfo(url), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _no_password(password: str, *paths: Path, texts: tuple[str, ...] = ()) -> None:
    needle = password.encode()
    for text in texts:
        assert password not in text
    for root in paths:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        assert files, root
        for p in files:
            assert needle not in p.read_bytes(), f"kata sandi tertulis di {p}"


# ----------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def pg():
    try:
        with pg_server.server() as srv:
            if srv is None:
                if pg_server.required():
                    pytest.fail("PostgreSQL wajib (KINERJA_REQUIRE_POSTGRES=1) tetapi tidak ada")
                pytest.skip("PostgreSQL (initdb/pg_ctl) tidak terpasang")
            yield srv
    except (OSError, subprocess.SubprocessError) as exc:
        if pg_server.required():
            pytest.fail(f"server PostgreSQL tidak dapat dijalankan: {exc}")
        pytest.skip(f"server PostgreSQL tidak dapat dijalankan: {exc}")


@pytest.fixture(scope="session")
def folder(tmp_path_factory) -> Path:
    """The sample with dirty rows (bad date, bad SKM answer, unknown OPD) in two tables."""
    sample = ROOT / "data" / "sampel"
    if not (sample / "opd.csv").exists():
        subprocess.run(
            [*KINERJA, "sample", "--out", str(sample)], cwd=ROOT, check=True, timeout=600
        )
    out = tmp_path_factory.mktemp("pg") / "sampel"
    shutil.copytree(sample, out)
    with open(out / "pengaduan.csv", "a", encoding="utf-8") as fh:
        fh.write('"ADU-X-1","DLH",31/02/2025,"SP4N-LAPOR!","Lain",,,"isi","baru"\n')
        fh.write('"ADU-X-2","TIDAK_ADA",2025-03-01,"SP4N-LAPOR!","Lain",,,"isi","baru"\n')
    with open(out / "skm.csv", "a", encoding="utf-8") as fh:
        fh.write('"SKM-X-1","DLH","Uji",2025-03-01,5,3,3,3,3,3,3,3,3,40,"L","SMA","Lain",\n')
    return out


@pytest.fixture(scope="session")
def db(pg, folder) -> dict[str, str]:
    """A fresh database with the folder COPYed in, a read-only account, and a schema of views."""
    name = "kinerja_uji_" + uuid.uuid4().hex[:8]
    role = "baca_" + uuid.uuid4().hex[:8]
    _psql(pg.url, f'CREATE DATABASE "{name}"')
    admin = pg.with_db(name)
    types = pg_server.load_folder(admin, folder)
    assert types["layanan"]["mulai"] == "TIMESTAMP" and types["skm"]["persyaratan"] == "INTEGER"
    assert types["pengaduan"]["tanggal_masuk"] == "TEXT"  # the dirty date stays text
    views = [
        f"CREATE VIEW evaluasi.{t} AS SELECT * FROM public.{t}" for t in types
    ]  # ?schema=evaluasi reads views
    _psql(
        admin,
        "CREATE SCHEMA evaluasi",
        *views,
        f"CREATE ROLE {role} LOGIN PASSWORD '{READER_PASSWORD}'",
        f'GRANT CONNECT ON DATABASE "{name}" TO {role}',
        f"GRANT USAGE ON SCHEMA public, evaluasi TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public, evaluasi TO {role}",
    )
    yield {
        "name": name,
        "admin": admin,
        "url": pg.with_db(name, user=role, password=READER_PASSWORD),
        "role": role,
    }
    _psql(pg.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f"DROP ROLE IF EXISTS {role}")


@pytest.fixture(scope="session")
def from_files(folder):
    from kinerja.data.dataset import load

    return load(folder)


@pytest.fixture(scope="session")
def from_db(db):
    from kinerja.data.dataset import load

    return load(db["url"], params_dir=ROOT / "parameters")


def _same_tables(a, b) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_like=False)
    pd.testing.assert_frame_equal(
        a.summary.drop(columns="berkas"), b.summary.drop(columns="berkas")
    )
    for name in a.quarantine:
        qa, qb = a.quarantine[name], b.quarantine[name]
        assert len(qa) == len(qb), name
        assert sorted(qa["_alasan"]) == sorted(qb["_alasan"]), name


# ----------------------------------------------------------------------------------------------
# same result as the folder


def test_database_gives_the_tables_of_the_folder(from_files, from_db, db):
    assert from_files.n_quarantined == 3
    _same_tables(from_files, from_db)
    assert list(from_db.summary["berkas"]) == list(from_db.summary["table"])
    q = from_db.quarantine["pengaduan"]
    assert set(q["_berkas"]) == {"pengaduan"}  # _berkas names the table
    assert "31/02/2025" in set(q["tanggal_masuk"])
    assert from_db.folder == db["url"].replace(f":{READER_PASSWORD}", "")
    assert set(from_db.file_hashes) == set(from_db.files.values())


def test_validate_on_the_url_counts_as_on_the_folder(db, folder, tmp_path):
    files = _run(
        ["validate", str(folder), "--json", "--quarantine", str(tmp_path / "qf")], tmp_path
    )
    data = _run(["validate", db["url"], "--json", "--quarantine", str(tmp_path / "qd")], tmp_path)
    assert files.returncode == data.returncode == 1, data.stderr
    assert json.loads(files.stdout) == json.loads(data.stdout)
    assert sorted(p.name for p in (tmp_path / "qd").iterdir()) == ["pengaduan.csv", "skm.csv"]
    q = pd.read_csv(tmp_path / "qd" / "pengaduan.csv", dtype=str, encoding="utf-8-sig")
    assert set(q["_berkas"]) == {"pengaduan"}
    _no_password(READER_PASSWORD, tmp_path / "qd", texts=(data.stdout, data.stderr))


def test_schema_and_content_hashes(db, from_db):
    from kinerja.data.database import read_database

    read = read_database(db["url"] + "?schema=evaluasi", params_dir=ROOT / "parameters")
    assert read.method == "copy"
    assert read.tables["opd"].berkas == "evaluasi.opd"
    # the same rows through a view give the same content hash as the table
    assert {t: r.sha256 for t, r in read.tables.items()} == {
        t: from_db.file_hashes[t] for t in read.tables
    }
    record = read.record()
    assert record["url"].endswith("?schema=evaluasi") and READER_PASSWORD not in json.dumps(record)
    assert record["tabel"]["layanan"]["baris"] == len(from_db.tables["layanan"])


def test_generic_sqlalchemy_reader_agrees_with_copy(db):
    from kinerja.data.database import read_database
    from kinerja.data.parsing import text_of

    # the six smaller tables: the generic reader takes ~44 s per million rows (bench_postgres)
    names = ("opd", "pegawai", "skm", "pengaduan", "standar_layanan", "pelatihan")
    kw = {"params_dir": ROOT / "parameters", "tables": names}
    a = read_database(db["url"], method="sqlalchemy", **kw)
    b = read_database(db["url"], method="copy", **kw)
    assert sorted(a.tables) == sorted(b.tables) == sorted(names)
    for name in names:
        left, right = a.tables[name].data, b.tables[name].data
        assert list(left.columns) == list(right.columns)
        for col in left.columns:
            # the same values (ints may come as floats from the driver): compare as users see them
            pd.testing.assert_series_equal(text_of(left[col]), text_of(right[col]))


def test_sumber_yaml_maps_views_with_other_names_and_a_select(db, from_files, tmp_path):
    from kinerja.data.dataset import load

    _psql(
        db["admin"],
        "CREATE SCHEMA IF NOT EXISTS aplikasi",
        'CREATE OR REPLACE VIEW aplikasi.unit_kerja AS SELECT kode_opd AS "Kode OPD", '
        'nama_opd AS "Nama OPD", singkatan AS "SINGKATAN", jenis_opd, kode_induk FROM public.opd',
        f"GRANT USAGE ON SCHEMA aplikasi TO {db['role']}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA aplikasi TO {db['role']}",
    )
    sumber = tmp_path / "sumber.yaml"
    sumber.write_text(
        "opd: aplikasi.unit_kerja\n"
        "layanan:\n  sql: |\n    SELECT id_permohonan, kode_opd, jenis_layanan, tahap,\n"
        '           mulai AS "Mulai", selesai, nip_petugas\n    FROM public.layanan;\n',
        encoding="utf-8",
    )
    ds = load(f"{db['url']}?sumber={sumber}")
    _same_tables(from_files, ds)
    assert ds.files["opd"] == "aplikasi.unit_kerja"
    assert ds.files["layanan"] == "sumber.yaml:layanan"
    # beside the parameters: the same file found in the parameters folder
    params = tmp_path / "parameters"
    shutil.copytree(ROOT / "parameters", params)
    shutil.copy(sumber, params / "sumber.yaml")
    again = load(db["url"], params_dir=params)
    assert again.file_hashes == ds.file_hashes


def test_rekap_on_the_url_is_the_rekap_of_the_folder(db, folder, tmp_path):
    a = _run(["rekap", str(folder), "--out", str(tmp_path / "f.json")], tmp_path)
    b = _run(["rekap", db["url"], "--out", str(tmp_path / "d.json")], tmp_path)
    assert a.returncode == b.returncode == 0, b.stderr
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == json.loads(
        (tmp_path / "d.json").read_text(encoding="utf-8")
    )
    _no_password(READER_PASSWORD, tmp_path / "d.json", texts=(b.stdout, b.stderr))


def _notebook_text(path: Path) -> list[str]:
    """The text outputs of an executed notebook (what the report shows)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            out.append(str(data.get("text/html") or data.get("text/plain") or o.get("text", "")))
    return out


def test_one_opd_batch_from_the_database(db, folder, tmp_path):
    from kinerja.run.batch import run_batch

    kw = {"opd": ["DPMPTSP"], "include_city": False, "progress": False, "echo": False, "pdf": False}
    a = run_batch(folder, tmp_path / "f", **kw)
    b = run_batch(db["url"], tmp_path / "d", **kw)
    assert a.exit_code == b.exit_code == 0
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text(encoding="utf-8"))
    source = manifest["sumber_data"]
    assert source["url"] == manifest["parameters"]["data_dir"]
    assert set(source["tabel"]["layanan"]) == {"sumber", "baris", "sha256"}
    assert manifest["inputs"]["data"] == {
        v["sumber"]: v["sha256"] for v in source["tabel"].values()
    }
    files_manifest = json.loads((tmp_path / "f" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_summary"] == [
        {**r, "berkas": r["table"]} for r in files_manifest["data_summary"]
    ]
    # the prepared cache is keyed by the content hashes: a second run reuses it
    c = run_batch(db["url"], tmp_path / "d", **kw)
    assert c.exit_code == 0
    again = json.loads((tmp_path / "d" / "manifest.json").read_text(encoding="utf-8"))
    assert again["cache"]["status"] == "dipakai ulang"
    assert again["cache"]["key"] == manifest["cache"]["key"]
    # the same report
    nb_a = _notebook_text(tmp_path / "f" / "opd" / "DPMPTSP.ipynb")
    nb_b = _notebook_text(tmp_path / "d" / "opd" / "DPMPTSP.ipynb")
    assert nb_a == nb_b
    if (tmp_path / "f" / "rekap.xlsx").exists():
        for sheet, frame in pd.read_excel(tmp_path / "f" / "rekap.xlsx", sheet_name=None).items():
            other = pd.read_excel(tmp_path / "d" / "rekap.xlsx", sheet_name=sheet)
            pd.testing.assert_frame_equal(frame, other)
    _no_password(READER_PASSWORD, tmp_path / "d")


# ----------------------------------------------------------------------------------------------
# faults: one Indonesian message, exit 2, nothing written


def _fault(url: str, tmp_path: Path, expected: str) -> None:
    q = tmp_path / "karantina"
    r = _run(["validate", url, "--quarantine", str(q)], tmp_path, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("Basis data tidak dapat digunakan: "), r.stderr
    assert expected in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not q.exists()
    _no_password(READER_PASSWORD, texts=(r.stdout, r.stderr))
    _no_password("salah-" + READER_PASSWORD, texts=(r.stdout, r.stderr))


def test_wrong_password(db, tmp_path):
    url = db["url"].replace(READER_PASSWORD, "salah-" + READER_PASSWORD)
    _fault(url, tmp_path, "login ke basis data ditolak")


def test_unreachable_server(tmp_path):
    port = pg_server.free_port()
    _fault(
        f"postgresql://baca:{READER_PASSWORD}@127.0.0.1:{port}/kinerja",
        tmp_path,
        "tidak dapat dihubungi",
    )


def test_missing_table(db, tmp_path):
    _psql(
        db["admin"],
        "CREATE SCHEMA IF NOT EXISTS sebagian",
        "CREATE OR REPLACE VIEW sebagian.opd AS SELECT * FROM public.opd",
        f"GRANT USAGE ON SCHEMA sebagian TO {db['role']}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA sebagian TO {db['role']}",
    )
    _fault(db["url"] + "?schema=sebagian", tmp_path, "tabel wajib 'pegawai' tidak ada")


def test_connection_lost_mid_read(db, tmp_path):
    # a view whose backend terminates itself after streaming 50 000 rows of the service log
    _psql(
        db["admin"],
        "CREATE SCHEMA IF NOT EXISTS putus",
        *[
            f"CREATE OR REPLACE VIEW putus.{t} AS SELECT * FROM public.{t}"
            for t in ("opd", "pegawai")
        ],
        "CREATE OR REPLACE VIEW putus.layanan AS SELECT l.* FROM (SELECT *, row_number() "
        "OVER () AS rn FROM public.layanan) AS l WHERE CASE WHEN l.rn = 50000 THEN "
        "pg_terminate_backend(pg_backend_pid()) ELSE true END",
        f"GRANT USAGE ON SCHEMA putus TO {db['role']}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA putus TO {db['role']}",
    )
    _fault(db["url"] + "?schema=putus", tmp_path, "koneksi ke basis data terputus")
    # the batch: exit 2 as well, and no prepared cache or manifest half-written
    out = tmp_path / "laporan"
    r = _run(["batch", "--data", db["url"] + "?schema=putus", "--out", str(out)], tmp_path)
    assert r.returncode == 2, r.stderr
    assert "koneksi ke basis data terputus" in r.stderr
    assert not (out / "manifest.json").exists()
    assert not any((out / "_cache").glob("*")) if (out / "_cache").exists() else True
    _no_password(READER_PASSWORD, texts=(r.stdout, r.stderr))


def test_password_from_pgpassword_not_the_url(db, monkeypatch):
    from sqlalchemy.engine import make_url

    from kinerja.data.database import read_database

    _psql(
        db["admin"],
        "CREATE SCHEMA IF NOT EXISTS kecil",
        "CREATE OR REPLACE VIEW kecil.opd AS SELECT * FROM public.opd",
        "CREATE OR REPLACE VIEW kecil.pegawai AS SELECT * FROM public.pegawai",
        f"GRANT USAGE ON SCHEMA kecil TO {db['role']}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA kecil TO {db['role']}",
    )
    u = make_url(db["url"])
    bare = f"postgresql://{u.username}@{u.host}:{u.port}/{u.database}?schema=kecil"
    monkeypatch.setenv("PGPASSWORD", READER_PASSWORD)
    read = read_database(bare, params_dir=ROOT / "parameters")
    assert sorted(read.tables) == ["opd", "pegawai"]
    assert read.record()["url"] == bare
