"""Forum-level summary tables of every evaluation stream: ``kinerja rekap``.

The numbers come from the same memoised metric tables the report notebooks show
(:class:`kinerja.metrics.store.ReportData`), so a forum workbook and a forum report can never disagree.
This module only selects the forum columns, applies disclosure control and writes the result.

Tables and their column keys (issue 3, item 10)
-----------------------------------------------
==============  =========================================================================
``ikm``         kode_opd, n_responden, ikm, mutu, kinerja_unit, nrr_<unsur> (nine) ...
``skp``         kode_opd, periode, predikat, jumlah, persen
``layanan``     kode_opd, jenis_layanan, n_permohonan, persen_tepat_waktu, median_hari_kerja,
                p90_hari_kerja, tahap_hambatan
``pengaduan``   kode_opd, kategori, n_pengaduan, persen_ditanggapi_tepat_waktu
``pelatihan``   kode_opd, n_pegawai, persen_memenuhi_20jp
``tindak_lanjut`` kode_opd, n_total, n_selesai, n_terlambat
==============  =========================================================================

Forum level means: no NIP, no name, no free text (checked by :func:`kinerja.protect.forum_safe`
and, on writing, by the personal-data gate); an IKM over fewer than ``k_responden`` respondents
and any employee group smaller than ``k_pegawai`` are suppressed (NA in the file, with the reason
in ``catatan`` and on the ``Keterangan`` sheet).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode
from kinerja.report.formatting import LABELS

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "ikm": ("kode_opd", "n_responden", "ikm", "mutu", "kinerja_unit"),
    "skp": ("kode_opd", "periode", "predikat", "jumlah"),
    "layanan": (
        "kode_opd",
        "jenis_layanan",
        "n_permohonan",
        "persen_tepat_waktu",
        "median_hari_kerja",
        "p90_hari_kerja",
        "tahap_hambatan",
    ),
    "pengaduan": ("kode_opd", "kategori", "n_pengaduan", "persen_ditanggapi_tepat_waktu"),
    "pelatihan": ("kode_opd", "n_pegawai", "persen_memenuhi_20jp"),
    "tindak_lanjut": ("kode_opd", "n_total", "n_selesai", "n_terlambat"),
}
"""The column keys each rekap table must carry (more may follow them)."""

TABLE_TITLES: dict[str, str] = {
    "ikm": "Indeks Kepuasan Masyarakat (PermenPANRB 14/2017)",
    "skp": "Sebaran predikat kinerja pegawai (PermenPANRB 6/2022)",
    "layanan": "Waktu layanan terhadap standar dan tahap hambatan",
    "pengaduan": "Pengaduan masyarakat dan ketepatan tanggapan",
    "pelatihan": "Pengembangan kompetensi: pegawai yang memenuhi 20 JP",
    "tindak_lanjut": "Status tindak lanjut forum evaluasi",
}

SUPPRESSED_NOTE = "disembunyikan: kelompok kurang dari {k} {unit}"


def _suppress_rows(
    df: pd.DataFrame, *, count_col: str, k: int, value_cols: list[str], unit: str
) -> tuple[pd.DataFrame, int]:
    """Independent rows: hide the statistics of rows counting fewer than ``k`` units."""
    from kinerja.protect import suppress_small

    out = suppress_small(df, count_col=count_col, k=k, value_cols=value_cols, mark=None)
    hidden = out[count_col].isna() & df[count_col].notna()
    out = out.assign(
        catatan=_note_column(df).where(~hidden, SUPPRESSED_NOTE.format(k=k, unit=unit))
    )
    return out, int(out.attrs.get("suppressed_cells", 0))


def _note_column(df: pd.DataFrame) -> pd.Series:
    if "catatan" in df.columns:
        return df["catatan"].astype("object")
    return pd.Series(pd.NA, index=df.index, dtype="object")


def _front(df: pd.DataFrame, table: str, extra: list[str]) -> pd.DataFrame:
    cols = [*TABLE_COLUMNS[table], *[c for c in extra if c in df.columns]]
    if "catatan" in df.columns and "catatan" not in cols:
        cols.append("catatan")
    return df.loc[:, cols].reset_index(drop=True)


def rekap_tables(
    data: Any,
    *,
    periode: str | Periode | None = None,
) -> dict[str, pd.DataFrame]:
    """All forum-level rekap tables for one period.

    Parameters
    ----------
    data : kinerja.metrics.store.ReportData
        Loaded data and parameters (``k_pegawai``, ``k_responden``, IKM weight, deadlines).
    periode : str or Periode, optional
        Evaluation period; default the ``periode`` of ``parameters/default.yaml`` (as for the
        batch and the reports). Training compliance is always
        per calendar year (the 20 JP right is yearly, reference §3), i.e. the period's year.

    Returns
    -------
    dict of DataFrame
        Tables named as in :data:`TABLE_COLUMNS`, for the streams present in the data; each has
        ``attrs["suppressed_cells"]``. A stream whose table is absent is left out (and
        :func:`missing_streams` says which).
    """
    from kinerja.protect import forum_safe, suppress_distribution

    per = data.periode(periode)  # None: the periode of parameters/default.yaml, as the batch
    k_peg, k_resp = data.k_pegawai, data.k_responden
    out: dict[str, pd.DataFrame] = {}

    if data.has("skm"):
        ikm = data.metric("ikm", per)
        nrr = [c for c in ikm.columns if c.startswith("nrr_")]
        extra = [*nrr, "ikm_skala4", "bobot", "metode", "n_minimum", "sampel_memadai"]
        ikm, n = _suppress_rows(
            ikm,
            count_col="n_responden",
            k=k_resp,
            value_cols=["ikm", "ikm_skala4", "mutu", "kinerja_unit", *nrr],
            unit="responden",
        )
        out["ikm"] = _front(ikm, "ikm", extra)
        out["ikm"].attrs["suppressed_cells"] = n

    if data.has("penilaian_skp"):
        dist, _used = data.metric("skp", per)
        skp = suppress_distribution(
            dist, group_cols=("kode_opd", "periode"), k=k_peg, value_cols=("persen",), mark=None
        )
        out["skp"] = _front(skp, "skp", ["persen"])
        out["skp"].attrs["suppressed_cells"] = int(skp.attrs.get("suppressed_cells", 0))

    if data.has("layanan"):
        svc = data.metric("service", per)["layanan"]
        # Requests are citizens' transactions, not people: no k-suppression (docs/privasi.md).
        out["layanan"] = _front(svc, "layanan", ["standar_hari", "dasar_hambatan"])
        out["layanan"].attrs["suppressed_cells"] = 0

    if data.has("pengaduan"):
        from kinerja.metrics.complaints import complaint_summary

        summ = complaint_summary(data.metric("complaint_times", per))
        out["pengaduan"] = _front(
            summ, "pengaduan", ["median_hari_tanggapan", "persen_selesai_tepat_waktu"]
        )
        out["pengaduan"].attrs["suppressed_cells"] = 0

    if data.has("pelatihan"):
        comp = data.metric("jp_compliance", Periode(per.year, "tahun"))
        comp, n = _suppress_rows(
            comp,
            count_col="n_pegawai",
            k=k_peg,
            value_cols=["n_memenuhi", "persen_memenuhi_20jp", "median_jp"],
            unit="pegawai",
        )
        out["pelatihan"] = _front(comp, "pelatihan", ["n_memenuhi", "median_jp"])
        out["pelatihan"].attrs["suppressed_cells"] = n

    if data.has("tindak_lanjut"):
        fu = data.metric("followup", per)
        out["tindak_lanjut"] = _front(
            fu, "tindak_lanjut", ["n_direncanakan", "n_berjalan", "n_selesai_terlambat"]
        )
        out["tindak_lanjut"].attrs["suppressed_cells"] = 0

    for name, df in out.items():
        n = df.attrs.get("suppressed_cells", 0)
        out[name] = forum_safe(df)
        out[name].attrs["suppressed_cells"] = n
        out[name].attrs["periode"] = str(per)
    return out


def missing_streams(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Rekap tables that could not be made because their source table is absent."""
    return [name for name in TABLE_COLUMNS if name not in tables]


def _notes_sheet(tables: Mapping[str, pd.DataFrame], periode: str) -> pd.DataFrame:
    rows = []
    for name, df in tables.items():
        rows.append(
            {
                "tabel": name,
                "judul": TABLE_TITLES.get(name, name),
                "periode": periode,
                "baris": len(df),
                "sel_disembunyikan": int(df.attrs.get("suppressed_cells", 0)),
                "kolom": "; ".join(f"{c} = {LABELS.get(c, c)}" for c in df.columns),
            }
        )
    for name in missing_streams(tables):
        rows.append(
            {
                "tabel": name,
                "judul": TABLE_TITLES[name],
                "periode": periode,
                "baris": 0,
                "sel_disembunyikan": 0,
                "kolom": "tabel sumber tidak ada di folder data",
            }
        )
    return pd.DataFrame(rows)


def rekap_bytes(tables: Mapping[str, pd.DataFrame], suffix: str) -> bytes:
    """Serialise the rekap as ``.xlsx`` (one sheet per table + ``Keterangan``) or ``.json``."""
    periode = next((df.attrs.get("periode", "") for df in tables.values()), "")
    if suffix == ".json":
        payload = {
            name: json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
            for name, df in tables.items()
        }
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    if suffix == ".xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            for name, df in tables.items():
                df.to_excel(xl, sheet_name=name, index=False)
                # Indonesian labels as cell comments would be lost by many viewers: put them
                # in the notes sheet instead, and freeze the header row.
                xl.sheets[name].freeze_panes = "A2"
            _notes_sheet(tables, periode).to_excel(xl, sheet_name="Keterangan", index=False)
        return buf.getvalue()
    raise ValueError(f"Format rekap tidak dikenal: {suffix!r} (pakai .xlsx, .json, atau folder)")


def write_rekap(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    pegawai: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the rekap; the suffix picks the format (``.xlsx``, ``.json``, else a CSV folder).

    Every file passes the forum personal-data gate (NIP-shaped numbers and the names in
    ``pegawai``) before it is written, atomically.

    Returns
    -------
    list of Path
        The files written.
    """
    from kinerja.protect import PersonalDataGate, gated_write

    gate = PersonalDataGate.from_pegawai(pegawai) if pegawai is not None else PersonalDataGate()
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".json"):
        return [gated_write(path, rekap_bytes(tables, path.suffix.lower()), gate, audience="forum")]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        data = df.to_csv(index=False).encode("utf-8-sig")
        written.append(gated_write(path / f"{name}.csv", data, gate, audience="forum", root=path))
    return written


def cli_rekap(args: argparse.Namespace) -> int:
    """``kinerja rekap FOLDER --out PATH [--periode P] [--params DIR]``."""
    from kinerja.data.dataset import DataFolderError, load
    from kinerja.domain.settings import ParameterError, load_settings
    from kinerja.metrics.store import ReportData
    from kinerja.protect import PersonalDataLeak

    try:
        per = Periode.parse(args.periode) if args.periode else None
        # every parameter file (per-OPD weekmask, populasi, ...) resolved once, as in the batch
        settings = load_settings(args.params, periode=args.periode or None)
        ds = load(args.folder)
    except (DataFolderError, ParameterError, ValueError) as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return 2
    data = ReportData(ds, settings=settings, source=str(args.folder))
    tables = rekap_tables(data, periode=per)
    try:
        files = write_rekap(tables, args.out, pegawai=ds.get("pegawai"))
    except PersonalDataLeak as exc:
        print(f"Rekap tidak ditulis: {exc}", file=sys.stderr)
        return 1
    periode = next((df.attrs.get("periode") for df in tables.values()), "")
    print(f"Rekap periode {periode}: {len(tables)} tabel ditulis ke {args.out}")
    for name, df in tables.items():
        n = df.attrs.get("suppressed_cells", 0)
        print(f"  {name:<14} {len(df):>6} baris, {n} sel disembunyikan")
    for name in missing_streams(tables):
        print(f"  {name:<14} tidak dibuat: tabel sumbernya tidak ada")
    if not files:
        return 1
    return 0
