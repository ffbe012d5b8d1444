"""Labels are data too: personal data in label columns is masked when a folder is loaded.

A label column (a service stage, a complaint category or channel, a service or training type,
an OPD name or abbreviation) is drawn in charts, written into index pages, manifests, forms and
workbooks. A NIP or an employee's name typed into one (issue 12: "Verifikasi oleh Budi
Santoso", a NIP with dashes in ``kategori``) would reach all of them, so every label is checked
once, here, with the rules of :mod:`kinerja.domain.personal` (text normalised first; NIPs with
any separators; the names of **every** employee in the ``pegawai`` file, quarantined rows
included, as written, without titles and in "Last, First" order).

A label with a hit is replaced in the loaded table by ``"[label disamarkan N]"`` (one number
per distinct original value of that column, so groups stay apart and counts are unchanged)
and a warning names the file, row, column and the masked value. The raw file is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kinerja.data.parsing import text_of
from kinerja.domain.nip import normalize_nip_series
from kinerja.domain.personal import (
    NameIndex,
    mask_name,
    mask_nip,
    nip_candidates,
    nip_shaped,
    normalize_text,
)

if TYPE_CHECKING:
    from kinerja.data.io import RawTable
    from kinerja.data.validation import ColumnMapping, TableResult

#: Label columns per table (data-contract.md): what charts, indexes, manifests and forms show.
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "opd": ("nama_opd", "singkatan"),
    "layanan": ("jenis_layanan", "tahap"),
    "standar_layanan": ("jenis_layanan",),
    "skm": ("jenis_layanan",),
    "pengaduan": ("kanal", "kategori"),
    "pelatihan": ("nama_pelatihan", "jenis"),
}
MASK_TEXT = "[label disamarkan {n}]"


class LabelChecker:
    """Finds NIPs and employee names in label text.

    Parameters
    ----------
    nips
        Every NIP of the ``pegawai`` file (accepted and quarantined rows).
    names
        Every name of the ``pegawai`` file (accepted and quarantined rows).
    """

    def __init__(self, nips: Iterable[object] = (), names: Iterable[object] = ()) -> None:
        self.nips = {n for n in nips if isinstance(n, str) and n}
        self.names = NameIndex(names)

    def findings(self, text: object) -> list[str]:
        """Masked descriptions of what ``text`` contains (``[]`` when it is clean)."""
        if not isinstance(text, str) or not text.strip():
            return []
        norm = normalize_text(text)
        found = [
            f"NIP {mask_nip(d)}"
            for d, _, _ in nip_candidates(norm)
            if d in self.nips or nip_shaped(d)
        ]
        found += [f"nama pegawai {mask_name(d)}" for d, _, _ in self.names.find(norm)]
        return found


def _mask_value(text: str) -> str:
    """A label shown in a message without repeating it: first letter of each word kept."""
    words = normalize_text(text).split()
    return " ".join(w[0] + "*" * (len(w) - 1) for w in words)[:80]


def people_of(raw: RawTable, mapping: ColumnMapping) -> tuple[list[str], list[str]]:
    """NIPs and names of every row of the ``pegawai`` file, quarantined rows included."""
    nips: list[str] = []
    names: list[str] = []
    if "nip" in mapping.columns:
        nips = [n for n in normalize_nip_series(raw.data[mapping.columns["nip"]]).dropna() if n]
    if "nama" in mapping.columns:
        names = [n for n in text_of(raw.data[mapping.columns["nama"]]).tolist() if n.strip()]
    return nips, names


def screen_labels(
    results: Mapping[str, TableResult],
    raws: Mapping[str, RawTable],
    mappings: Mapping[str, ColumnMapping],
) -> pd.DataFrame:
    """Mask personal data in the label columns of every loaded table (in place).

    Parameters
    ----------
    results
        Validated tables by name (``TableResult.data`` is changed in place).
    raws, mappings
        The raw files and their column mappings (the ``pegawai`` file gives the people).

    Returns
    -------
    DataFrame
        Warnings ``table, berkas, baris, kolom, pesan``, one per masked cell.
    """
    from kinerja.data.validation import WARNING_COLUMNS

    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in WARNING_COLUMNS})
    empty["baris"] = empty["baris"].astype("int64")
    if "pegawai" not in raws:
        return empty
    checker = LabelChecker(*people_of(raws["pegawai"], mappings["pegawai"]))
    frames = []
    for table, columns in LABEL_COLUMNS.items():
        result = results.get(table)
        if result is None or not len(result.data):
            continue
        raw, mapping = raws[table], mappings[table]
        accepted_rows = _accepted_rows(raw, result)
        for col in columns:
            if col not in result.data.columns:
                continue
            values = result.data[col]
            uniques = pd.unique(values.dropna().astype("str"))
            masked: dict[str, str] = {}
            reasons: dict[str, list[str]] = {}
            for value in uniques:
                found = checker.findings(value)
                if found:
                    masked[value] = MASK_TEXT.format(n=len(masked) + 1)
                    reasons[value] = found
            if not masked:
                continue
            hit = values.astype("str").isin(list(masked)).to_numpy(dtype=bool)
            text = values.astype("str")
            header = mapping.columns.get(col, col)
            frames.append(
                pd.DataFrame(
                    {
                        "table": table,
                        "berkas": raw.berkas,
                        "baris": accepted_rows[hit],
                        "kolom": header,
                        "pesan": [
                            f"label memuat data pribadi ({'; '.join(dict.fromkeys(reasons[v]))}):"
                            f" '{_mask_value(v)}' diganti '{masked[v]}' pada semua keluaran"
                            for v in text[hit]
                        ],
                    }
                )
            )
            replaced = text.map(lambda v, m=masked: m.get(v, v)).where(values.notna())
            if isinstance(values.dtype, pd.CategoricalDtype):
                replaced = replaced.astype("category")
            else:
                replaced = replaced.astype(values.dtype)
            result.data[col] = replaced
    if not frames:
        return empty
    out = pd.concat(frames, ignore_index=True)
    out["baris"] = out["baris"].astype("int64")
    return out


def _accepted_rows(raw: RawTable, result: TableResult) -> np.ndarray:
    """File row numbers of the accepted rows of ``result`` (in order)."""
    rejected = (
        set(result.quarantine["_baris"].astype("int64").tolist())
        if len(result.quarantine)
        else set()
    )
    rows = np.asarray(raw.rows, dtype=np.int64)
    if not rejected:
        return rows
    return rows[~np.isin(rows, list(rejected))]


__all__ = ["LABEL_COLUMNS", "MASK_TEXT", "LabelChecker", "people_of", "screen_labels"]
