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
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kinerja.domain.period import Periode

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
    from kinerja.protect import forum_safe

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
        from kinerja.protect import protected_skp  # the reports' protected table

        skp = protected_skp(dist, k=k_peg, mark=None)
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
        # the same statistics hidden as in the reports (fewer than k complaints, complementary)
        from kinerja.protect import COMPLAINT_STATS, protect_complaints

        hide, _totals = protect_complaints(summ.reset_index(drop=True), k=k_resp)
        summ = summ.reset_index(drop=True)
        for col in [c for c in COMPLAINT_STATS if c in summ.columns]:
            summ[col] = pd.to_numeric(summ[col], errors="coerce").astype("Float64").mask(hide)
        summ["catatan"] = _note_column(summ).where(
            ~hide, SUPPRESSED_NOTE.format(k=k_resp, unit="pengaduan")
        )
        out["pengaduan"] = _front(
            summ, "pengaduan", ["median_hari_tanggapan", "persen_selesai_tepat_waktu"]
        )
        out["pengaduan"].attrs["suppressed_cells"] = int(hide.sum())

    if data.has("pelatihan"):
        comp = data.metric("jp_compliance", Periode(per.year, "tahun"))
        # "pegawai ≥ 20 JP" hidden where the report's protected JP bands hide it
        from kinerja.protect import jp_target_hidden_by_opd

        hidden_jp = jp_target_hidden_by_opd(
            data.metric("jp", Periode(per.year, "tahun")),
            target=float(data.params.get("target_jp", 20)),
            k=k_peg,
        )
        hide = comp["kode_opd"].astype("str").map(hidden_jp).fillna(False).to_numpy(dtype=bool) & (
            pd.to_numeric(comp["n_pegawai"]).to_numpy() >= k_peg
        )
        comp = comp.assign(
            n_memenuhi=pd.to_numeric(comp["n_memenuhi"]).astype("Float64").mask(hide),
            persen_memenuhi_20jp=pd.to_numeric(comp["persen_memenuhi_20jp"])
            .astype("Float64")
            .mask(hide),
        )
        comp, n = _suppress_rows(
            comp,
            count_col="n_pegawai",
            k=k_peg,
            value_cols=["n_memenuhi", "persen_memenuhi_20jp", "median_jp"],
            unit="pegawai",
        )
        out["pelatihan"] = _front(comp, "pelatihan", ["n_memenuhi", "median_jp"])
        out["pelatihan"].attrs["suppressed_cells"] = n + int(hide.sum())

    if data.has("tindak_lanjut"):
        fu = data.metric("followup", per)
        out["tindak_lanjut"] = _front(
            fu, "tindak_lanjut", ["n_direncanakan", "n_berjalan", "n_selesai_terlambat"]
        )
        out["tindak_lanjut"].attrs["suppressed_cells"] = 0

    opd = data.opd
    names = dict(zip(opd["kode_opd"].astype("str"), opd["nama_opd"].astype("str"), strict=True))
    for name, df in out.items():
        n = df.attrs.get("suppressed_cells", 0)
        out[name] = forum_safe(df)
        out[name].attrs["suppressed_cells"] = n
        out[name].attrs["periode"] = str(per)
        out[name].attrs["nama_opd"] = names  # the workbook writes the name beside the code
    return out


def missing_streams(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Rekap tables that could not be made because their source table is absent."""
    return [name for name in TABLE_COLUMNS if name not in tables]


def rekap_bytes(tables: Mapping[str, pd.DataFrame], suffix: str) -> bytes:
    """Serialise the rekap as ``.xlsx`` (one sheet per table + ``Keterangan``) or ``.json``.

    The JSON keeps the column keys (for programs); the workbook is laid out for people by
    :func:`kinerja.report.rekap_xlsx.rekap_xlsx_bytes` (read back with
    :func:`kinerja.report.rekap_xlsx.read_rekap_xlsx`).
    """
    periode = next((df.attrs.get("periode", "") for df in tables.values()), "")
    if suffix == ".json":
        payload = {
            name: json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
            for name, df in tables.items()
        }
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    if suffix == ".xlsx":
        # for people: Indonesian headers and sheet names, number formats, a Keterangan sheet,
        # never a formula (kinerja.report.rekap_xlsx)
        from kinerja.report.rekap_xlsx import rekap_xlsx_bytes

        return rekap_xlsx_bytes(tables, periode, titles=TABLE_TITLES)
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
    from kinerja.protect import PersonalDataGate, gated_write, neutralise_frame

    gate = PersonalDataGate.from_pegawai(pegawai) if pegawai is not None else PersonalDataGate()
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".json"):
        return [gated_write(path, rekap_bytes(tables, path.suffix.lower()), gate, audience="forum")]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        # OWASP CSV rule; CRLF rows so that a CR inside a cell is quoted, never a new row
        data = neutralise_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
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
        ds = load(args.folder, params_dir=settings.params_dir)  # a folder or a database URL
    except (DataFolderError, ParameterError, ValueError) as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return 2
    from kinerja.data.periods import EmptyPeriodError, resolve_periode

    try:  # periode: auto -> chosen from the data; a period without any row stops here
        choice = resolve_periode(ds.tables, per or settings.periode)
    except EmptyPeriodError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(choice.line)
    for notice in choice.notices:
        print(f"  Catatan: {notice}")
    data = ReportData(ds, settings=settings.resolve_auto(choice.periode), source=ds.folder or "")
    tables = rekap_tables(data, periode=choice.periode)
    try:
        from kinerja.protect import people_frame  # quarantined employees are gated too

        files = write_rekap(tables, args.out, pegawai=people_frame(ds))
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
