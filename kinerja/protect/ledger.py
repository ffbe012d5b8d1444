"""The published-facts ledger: what one report published, in a form an attacker would use.

A report records, beside its tables and sentences, every number it published about a protected
quantity and every cell it hid (never the hidden value): the ledger. The audit
(:mod:`kinerja.protect.audit`) reads the ledgers of a whole run and attacks them by linear
programming. The ledger is forum-safe by construction: it holds only what the report shows
(exact numbers, bands, percentages with their denominators and rounding) plus the names of hidden
cells.

Cells are named by a global key, ``<stream>/<kode_opd>/<periode>/<category>`` (e.g.
``skp/DPMPTSP/2025/Baik``), so the same quantity published by an OPD report, the city overview
and the rekap is one variable of the attack.

JSON shape (``Ledger.to_dict``)::

    {"versi": 1,
     "sel": {key: {"satuan": "pegawai", "jenis": "jumlah" | "nilai",
                   "nilai": 32 | null, "min": 0 | null, "max": 9 | null,
                   "tersembunyi": false, "toleransi": 0.0, "lebar_minimal": 1.0,
                   "sumber": ["opd/DPMPTSP: Predikat Kinerja Pegawai"]}},
     "relasi": [{"jenis": "jumlah", "anggota": [keys], "total": key},
                {"jenis": "persen", "pembilang": [keys], "penyebut": [keys],
                 "persen": 85.0, "toleransi": 0.05, "sumber": "..."},
                {"jenis": "rerata", "bobot": [numbers], "anggota": [keys], "total": key}],
     "tabel": [{"judul": caption, "kepala": [headers], "baris": [[cell texts]],
                "kunci": [[key | null per cell]], "sumber": "...",
                "bukan_hitungan": reason (only for a table that holds no count of people),
                "kunci_judul": [keys of the numbers the caption quotes] (optional)}]}

``tabel`` is the grid of each published table exactly as rendered (caption, header, the text of
every cell) with, for every cell that shows a protected count, the key of its ledger cell. The
audit compares it with the HTML and slides actually written (:mod:`kinerja.run.audit`): a page
that differs from its grid, a cell whose text disagrees with its ledger cell, or an integer cell
without a key (a count the ledger does not know) fails the audit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["LEDGER_MIME", "Ledger", "LedgerConflict", "cell_key", "rounding_tolerance"]

#: Display mimetype of a ledger inside a notebook's summary output (read by the audit).
LEDGER_MIME = "application/vnd.kinerja.ledger+json"

Unit = Literal[
    "pegawai", "responden", "pengaduan", "permohonan", "laporan", "keikutsertaan", "butir"
]


class LedgerConflict(ValueError):
    """Two outputs of one run publish different numbers for the same quantity."""


def cell_key(stream: str, kode_opd: str, periode: object, category: object) -> str:
    """The global name of one published quantity, e.g. ``skp/DPMPTSP/2025/Baik``."""
    return f"{stream}/{kode_opd}/{periode}/{category}"


def rounding_tolerance(decimals: int) -> float:
    """Half a unit of the last shown decimal: 1 decimal → 0.05."""
    return 0.5 * 10.0 ** (-int(decimals))


@dataclass
class Ledger:
    """Published facts of one or several outputs (see the module docstring for the shape)."""

    cells: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)

    # ------------------------------------------------------------------ recording
    def _put(self, key: str, entry: dict[str, Any], source: str) -> None:
        old = self.cells.get(key)
        if old is None:
            entry["sumber"] = [source] if source else []
            self.cells[key] = entry
            return
        for field_ in ("nilai", "min", "max"):
            a, b = old.get(field_), entry.get(field_)
            if a is None:
                old[field_] = b
            elif b is not None and not math.isclose(float(a), float(b), abs_tol=1e-9):
                raise LedgerConflict(
                    f"Angka '{key}' diterbitkan berbeda: {a} dan {b} ({', '.join(old['sumber'])}; "
                    f"{source})."
                )
        # hidden anywhere stays hidden: a value published elsewhere then pins it (a leak)
        old["tersembunyi"] = bool(old.get("tersembunyi")) or bool(entry.get("tersembunyi"))
        if source and source not in old["sumber"]:
            old["sumber"].append(source)

    def count(
        self,
        key: str,
        value: float | None,
        *,
        unit: Unit = "pegawai",
        hidden: bool = False,
        source: str = "",
    ) -> str:
        """A published count (``hidden``: shown as ``*``, value not recorded)."""
        entry: dict[str, Any] = {"satuan": unit, "jenis": "jumlah", "tersembunyi": bool(hidden)}
        entry["nilai"] = None if hidden or value is None else float(value)
        self._put(key, entry, source)
        return key

    def band(
        self,
        key: str,
        low: float | None,
        high: float | None,
        *,
        unit: Unit = "pegawai",
        source: str = "",
    ) -> str:
        """A count published only as a band, e.g. ``< 10`` → ``low=0, high=9``."""
        entry = {"satuan": unit, "jenis": "jumlah", "tersembunyi": False, "nilai": None}
        entry.update(
            min=None if low is None else float(low), max=None if high is None else float(high)
        )
        self._put(key, entry, source)
        return key

    def value(
        self,
        key: str,
        value: float | None,
        *,
        decimals: int,
        low: float,
        high: float,
        min_width: float,
        hidden: bool = False,
        source: str = "",
    ) -> str:
        """A published statistic on a known scale (e.g. an IKM, 25–100, two decimals).

        ``min_width``: a hidden value fails the audit when it can be narrowed to an interval
        narrower than this.
        """
        entry = {
            "satuan": "nilai",
            "jenis": "nilai",
            "tersembunyi": bool(hidden),
            "nilai": None if hidden or value is None else float(value),
            "toleransi": rounding_tolerance(decimals),
            "skala": [float(low), float(high)],
            "lebar_minimal": float(min_width),
        }
        self._put(key, entry, source)
        return key

    def total(self, members: Sequence[str], total: str) -> None:
        """``sum(members) == total`` (all keys must be recorded cells)."""
        self.relations.append({"jenis": "jumlah", "anggota": list(members), "total": total})

    def share(
        self,
        numerator: Sequence[str],
        denominator: Sequence[str],
        percent: float,
        *,
        decimals: int,
        source: str = "",
    ) -> None:
        """A published percentage ``100 · sum(numerator) / sum(denominator)``, rounded."""
        self.relations.append(
            {
                "jenis": "persen",
                "pembilang": list(numerator),
                "penyebut": list(denominator),
                "persen": float(percent),
                "toleransi": rounding_tolerance(decimals),
                "sumber": source,
            }
        )

    def mean(
        self,
        weights: Sequence[float],
        members: Sequence[str],
        total: str,
        *,
        tolerance: float = 0.0,
    ) -> None:
        """``total`` is the mean of ``members`` weighted by the published ``weights`` (within
        ``tolerance``, for a total computed with its own rounding)."""
        self.relations.append(
            {
                "jenis": "rerata",
                "bobot": [float(w) for w in weights],
                "anggota": list(members),
                "total": total,
                "toleransi": float(tolerance),
            }
        )

    def table(
        self,
        html_text: str,
        keys: Mapping[tuple[str, str], str] | Sequence[Mapping[str, str]],
        *,
        source: str = "",
        label_column: int | None = 0,
        stat_columns: Sequence[str] = (),
        not_counts: str | None = None,
        caption_keys: Sequence[str] = (),
    ) -> None:
        """Record the grid of the (first) table in ``html_text`` as published.

        ``keys`` says which ledger cell each count cell shows: either ``{(row label, column
        header): key}``, the row label being the text of column ``label_column``, or one
        ``{column header: key}`` per body row, in order. ``label_column=None``: the table has
        no label column (every integer cell then needs a key). ``stat_columns``: headers of
        columns whose integers are not counts (a rank, a minimum sample size). Every key must
        already be a recorded cell. ``not_counts``: the table publishes no count of people
        (medians, rates, estimates); the reason, listed by the audit. Such a table is still
        compared with the page, and an integer outside ``stat_columns`` still fails the audit.
        ``caption_keys``: the cells whose numbers the caption quotes, in order (e.g. the total
        of "Status 6 butir tindak lanjut"); the audit checks the caption against them.
        """
        from kinerja.protect.extract import html_tables

        found = html_tables(html_text)
        if not found:
            raise ValueError("Tidak ada tabel untuk dicatat.")
        grid = found[0]
        head = grid["kepala"]
        if isinstance(keys, Mapping):
            per_row = [
                {
                    h: keys[(row[label_column] if label_column is not None else "", h)]
                    for h in head
                    if (row[label_column] if label_column is not None else "", h) in keys
                }
                for row in grid["baris"]
            ]
        else:
            per_row = [dict(m) for m in keys]
            if not per_row:  # an empty table prints one row saying so
                per_row = [{} for _ in grid["baris"]]
            if len(per_row) != len(grid["baris"]):
                raise ValueError(
                    f"Tabel '{grid['judul']}': {len(grid['baris'])} baris, {len(per_row)} kunci."
                )
        missing = [k for m in per_row for k in m.values() if k not in self.cells]
        missing += [k for k in caption_keys if k not in self.cells]
        if missing:
            raise ValueError(f"Kunci tabel tidak tercatat: {', '.join(missing[:5])}")
        grid["kunci"] = [
            [m.get(h) for h in head[: len(row)]]
            for m, row in zip(per_row, grid["baris"], strict=True)
        ]
        grid["sumber"] = source
        grid["kolom_label"] = label_column
        grid["kolom_statistik"] = list(stat_columns)
        if not_counts:
            grid["bukan_hitungan"] = str(not_counts)
        if caption_keys:
            grid["kunci_judul"] = list(caption_keys)
        self.tables.append(grid)

    # ------------------------------------------------------------------ combining
    def merge(self, other: Ledger | Mapping[str, Any]) -> Ledger:
        """Add ``other``'s cells and relations (a conflict raises :class:`LedgerConflict`)."""
        if not isinstance(other, Ledger):
            other = Ledger.from_dict(other)
        for key, entry in other.cells.items():
            sources = list(entry.get("sumber") or [""])
            e = {k: v for k, v in entry.items() if k != "sumber"}
            self._put(key, dict(e), sources[0])
            for s in sources[1:]:
                if s not in self.cells[key]["sumber"]:
                    self.cells[key]["sumber"].append(s)
        self.relations.extend(json.loads(json.dumps(other.relations)))
        self.tables.extend(json.loads(json.dumps(other.tables)))
        return self

    @classmethod
    def combine(cls, ledgers: Iterable[Ledger | Mapping[str, Any]]) -> Ledger:
        """One ledger holding all of ``ledgers``."""
        out = cls()
        for ledger in ledgers:
            out.merge(ledger)
        return out

    def __bool__(self) -> bool:
        return bool(self.cells)

    # ------------------------------------------------------------------ (de)serialising
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (module docstring)."""
        return {"versi": 1, "sel": self.cells, "relasi": self.relations, "tabel": self.tables}

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any]) -> Ledger:
        """Inverse of :meth:`to_dict` (a copy)."""
        payload = json.loads(json.dumps(payload))
        return cls(
            cells=dict(payload.get("sel") or {}),
            relations=list(payload.get("relasi") or []),
            tables=list(payload.get("tabel") or []),
        )
