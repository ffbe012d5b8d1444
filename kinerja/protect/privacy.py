"""Audiences, small-group suppression, the personal-data gate and escaping of hostile text.

Why this module exists (issue 6): individual evaluation results are exempt public information
(UU 14/2008 Pasal 17 huruf h angka 4) and scoring employees while combining datasets is high-risk
processing (UU 27/2022 Pasal 34). Forum outputs travel by e-mail and WhatsApp, so the safe thing
must be the default:

* ``forum`` (the default audience) shows aggregates only: no NIP, no name, no free text that may
  name a person, no count below *k*, no statistic over fewer than *k* units;
* ``internal`` may list the people of **one** OPD, and says so visibly (:func:`internal_banner`);
* every output passes :class:`PersonalDataGate` before it is written (:func:`gated_write`);
* citizen text (``skm.saran``, ``pengaduan.isi``) is escaped wherever it is rendered
  (:func:`escape_text`, :func:`safe_html_table`, :func:`safe_styler`).

The rules chosen here that are not set by a regulation are stated in ``docs/privasi.md``.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = [
    "AUDIENCES",
    "COMMON_NAME_WORDS",
    "FORUM_FORBIDDEN_COLUMNS",
    "FREE_TEXT_COLUMNS",
    "HONORIFICS",
    "IDENTIFIER_COLUMNS",
    "K_PEGAWAI",
    "K_RESPONDEN",
    "SUPPRESSION_FOOTNOTE",
    "SUPPRESSION_MARK",
    "Audience",
    "ForbiddenColumnsError",
    "Hit",
    "PersonalDataGate",
    "PersonalDataLeak",
    "escape_frame",
    "escape_text",
    "find_live_markup",
    "forbidden_columns",
    "forum_safe",
    "gated_replace",
    "gated_write",
    "internal_banner",
    "internal_banner_html",
    "is_suppressed",
    "mask_name",
    "mask_nip",
    "min_k_stat",
    "safe_html_table",
    "safe_styler",
    "suppress_crosstab",
    "suppress_distribution",
    "suppress_small",
    "suppression_footnote",
    "validate_audience",
]

# --------------------------------------------------------------------------------------------
# 1. Audiences
# --------------------------------------------------------------------------------------------

Audience = Literal["forum", "internal"]
AUDIENCES: tuple[str, ...] = ("forum", "internal")


def validate_audience(audience: object) -> Audience:
    """Return ``audience`` if it is one of :data:`AUDIENCES`, else raise ``ValueError``.

    ``None`` is *not* silently turned into ``"forum"`` here: callers that want the default write
    ``audience or "forum"`` themselves, so a typo never downgrades to a different audience.
    """
    if isinstance(audience, str) and audience in AUDIENCES:
        return audience  # type: ignore[return-value]
    raise ValueError(
        f"Audiens tidak dikenal: {audience!r}. Pilihan yang sah: {', '.join(AUDIENCES)} "
        "('forum' = agregat saja, 'internal' = rincian pegawai satu OPD)."
    )


def internal_banner(kode_opd: str, nama_opd: str | None = None) -> str:
    """Plain-text banner that every internal output must show at the top.

    Parameters
    ----------
    kode_opd
        Code of the one OPD whose people the output lists.
    nama_opd
        Its name; the code is used when absent.

    Returns
    -------
    str
        Two sentences: ``"RAHASIA — hanya untuk internal OPD <nama> (<kode>)."`` and a short note on
        handling. Escape it (or use :func:`internal_banner_html`) when rendering as HTML.
    """
    kode = str(kode_opd).strip()
    if not kode:
        raise ValueError("Kode OPD untuk laporan internal tidak boleh kosong.")
    nama = (nama_opd or "").strip() or kode
    label = nama if nama == kode else f"{nama} ({kode})"
    return (
        f"RAHASIA — hanya untuk internal OPD {label}. "
        "Memuat data pribadi pegawai OPD ini (UU 27/2022; hasil penilaian ASN adalah informasi "
        "yang dikecualikan menurut UU 14/2008 Pasal 17 huruf h). Jangan diteruskan ke forum, "
        "grup pesan, atau pihak di luar OPD; hapus salinan setelah tindak lanjut selesai."
    )


def internal_banner_html(kode_opd: str, nama_opd: str | None = None) -> str:
    """:func:`internal_banner` as an escaped, visibly styled HTML block."""
    text = internal_banner(kode_opd, nama_opd)
    head, _, rest = text.partition(". ")
    return (
        '<div class="kinerja-rahasia" role="alert" style="border:3px solid #b00020;'
        "background:#fdecea;color:#7f0015;padding:0.6em 1em;margin:0 0 1em 0;"
        'font-weight:600">'
        f'<div style="font-size:1.2em">{html.escape(head)}.</div>'
        f'<div style="font-weight:400">{html.escape(rest)}</div></div>'
    )


#: Columns that identify an ASN. Never in a forum table.
IDENTIFIER_COLUMNS: frozenset[str] = frozenset(
    {
        "nip",
        "nama",
        "nama_pegawai",
        "nip_petugas",
        "nama_petugas",
        "nip_atasan",
        "nama_atasan",
        "nip_penilai",
        "nama_penilai",
        "id_responden",
    }
)
#: Free-text columns. Citizens and evaluators type names into them ("petugas Budi kasar",
#: "Sdr. X belum menyerahkan ..."), so they are treated as personal data in forum tables unless a
#: caller has scrubbed them (see :meth:`PersonalDataGate.scrub`) and passes them in ``allow``.
FREE_TEXT_COLUMNS: frozenset[str] = frozenset(
    {"uraian", "isi", "saran", "temuan", "rekomendasi", "catatan_atasan", "keterangan"}
)
FORUM_FORBIDDEN_COLUMNS: frozenset[str] = IDENTIFIER_COLUMNS | FREE_TEXT_COLUMNS

# nip_xxx / nama_xxx variants, except names of things that are not people.
_PERSON_PREFIX = re.compile(r"^(nip|nama)(_|$)")
_NOT_A_PERSON = frozenset(
    {
        "nama_opd",
        "nama_pelatihan",
        "nama_layanan",
        "nama_unit",
        "nama_kecamatan",
        "nama_kelurahan",
        "nama_jabatan",
    }
)


class ForbiddenColumnsError(ValueError):
    """A forum table has a column that carries personal data."""


def _norm_col(name: Hashable) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def forbidden_columns(df: pd.DataFrame, *, allow: Iterable[str] = ()) -> list[str]:
    """Names of the columns (and index levels) of ``df`` that a forum table must not carry."""
    allowed = {_norm_col(a) for a in allow}
    names: list[Hashable] = list(df.columns)
    names += [n for n in df.index.names if n is not None]
    found = []
    for name in names:
        key = _norm_col(name)
        if key in allowed:
            continue
        if key in FORUM_FORBIDDEN_COLUMNS or (
            _PERSON_PREFIX.match(key) and key not in _NOT_A_PERSON
        ):
            found.append(str(name))
    return found


def forum_safe(
    df: pd.DataFrame,
    *,
    on_forbidden: Literal["raise", "drop"] = "raise",
    allow: Iterable[str] = (),
    name: str = "tabel",
) -> pd.DataFrame:
    """Return ``df`` checked (or cleaned) for a forum audience.

    Parameters
    ----------
    df
        The table about to be shown or written at forum level.
    on_forbidden
        ``"raise"`` (default) raises :class:`ForbiddenColumnsError` naming the columns;
        ``"drop"`` returns a copy without them (forbidden index levels are reset and dropped).
    allow
        Free-text columns the caller has already scrubbed (:meth:`PersonalDataGate.scrub`).
        Identifier columns (``nip``, ``nama`` ...) cannot be allowed.
    name
        Table name used in the message.
    """
    allow = [a for a in allow if _norm_col(a) not in IDENTIFIER_COLUMNS]
    bad = forbidden_columns(df, allow=allow)
    if not bad:
        return df
    if on_forbidden == "raise":
        raise ForbiddenColumnsError(
            f"Tabel '{name}' tidak boleh tampil di forum karena memuat kolom data pribadi atau "
            f"teks bebas: {', '.join(bad)}. Hapus kolom tersebut atau gunakan audiens 'internal'."
        )
    out = df
    index_bad = [n for n in df.index.names if n is not None and str(n) in bad]
    if index_bad:
        out = out.reset_index(level=index_bad, drop=True)
    return out.drop(columns=[c for c in out.columns if str(c) in bad])


# --------------------------------------------------------------------------------------------
# 2. Disclosure control
# --------------------------------------------------------------------------------------------

#: Minimum group size for anything about employees (issue 6, item 2).
K_PEGAWAI = 10
#: Minimum group size for citizen-survey counts.
K_RESPONDEN = 5
#: What a suppressed cell shows.
SUPPRESSION_MARK = "*"


def suppression_footnote(
    k: int = K_PEGAWAI, unit: str = "pegawai", mark: str = SUPPRESSION_MARK
) -> str:
    """Footnote text under a table with suppressed cells, e.g. for k=10 and ``pegawai``."""
    return (
        f"{mark} disembunyikan: kelompok kurang dari {k} {unit}, atau disembunyikan tambahan "
        "agar angka tersebut tidak dapat dihitung dari jumlah."
    )


SUPPRESSION_FOOTNOTE = suppression_footnote()


def is_suppressed(value: object, mark: str = SUPPRESSION_MARK) -> bool:
    """True when ``value`` is the suppression mark."""
    return isinstance(value, str) and value == mark


def min_k_stat(
    values: Iterable[float] | pd.Series,
    k: int,
    func: Callable[[pd.Series], float] | str = "mean",
) -> float:
    """``func`` of ``values`` (NA ignored), or NaN when fewer than ``k`` non-missing values.

    Examples: ``min_k_stat(s, 10, "median")``, ``min_k_stat(s, 10, lambda x: x.quantile(0.9))``.
    """
    s = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values
    s = s.dropna()
    if len(s) < k:
        return float("nan")
    result = getattr(s, func)() if isinstance(func, str) else func(s)
    return float(result)


@dataclass
class _Plan:
    """Cells (by position), their counts, and the additive equations they take part in."""

    counts: np.ndarray
    # each equation: (member positions, position of the shown total or None when external)
    equations: list[tuple[list[int], int | None]] = field(default_factory=list)
    primary: np.ndarray | None = None
    suppressed: np.ndarray | None = None

    def solve(self, k: int, *, suppress_zero: bool, small_groups: Sequence[int]) -> None:
        c = self.counts
        valid = ~np.isnan(c)
        low = valid & (c < k) & ((c > 0) | suppress_zero)
        primary = low.copy()
        # a group smaller than k: every cell of it, zeros included (a zero in a group of 3 tells
        # something about all 3), and its shown total
        for e in small_groups:
            members, total = self.equations[e]
            primary[members] = True
            if total is not None:
                primary[total] = True
        supp = primary.copy()
        changed = True
        while changed:
            changed = False
            for members, total in self.equations:
                unknown = int(supp[members].sum()) + (int(supp[total]) if total is not None else 0)
                if unknown != 1:
                    continue
                cand = [m for m in members if not supp[m] and valid[m]]
                # prefer the smallest non-zero cell: the hidden pair then sums to at least 2
                nonzero = [m for m in cand if c[m] > 0]
                pool = nonzero or cand
                if pool:
                    pick = min(pool, key=lambda m: (c[m], m))
                elif total is not None and not supp[total]:
                    pick = total
                else:  # nothing left to hide: the equation has a single cell
                    continue
                supp[pick] = True
                changed = True
        self.primary = primary
        self.suppressed = supp


def _to_float(values: pd.Series, name: str) -> np.ndarray:
    num = pd.to_numeric(values, errors="coerce")
    bad = num.isna() & values.notna()
    if bad.any():
        raise TypeError(
            f"Kolom jumlah '{name}' harus berisi angka; nilai {values[bad].iloc[0]!r} bukan angka."
        )
    return num.to_numpy(dtype="float64", na_value=np.nan)


def _apply_mask(table: pd.DataFrame, mask: pd.DataFrame, mark: str | None) -> pd.DataFrame:
    """Replace the True cells of ``mask`` with ``mark`` (or NA), column by column (CoW-safe)."""
    out = table.copy()
    for col in mask.columns:
        m = mask[col].to_numpy(dtype=bool)
        if not m.any():
            continue
        if mark is None:
            s = out[col]
            if pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.Int64Dtype):
                s = s.astype("Int64")
            elif pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.Float64Dtype):
                s = s.astype("Float64")
            out[col] = s.mask(m)
        else:
            s = out[col].astype(object)
            out[col] = s.mask(m, mark)
    return out


def _attach(out: pd.DataFrame, plan: _Plan, k: int, mark: str | None, n_value_cells: int) -> None:
    assert plan.primary is not None and plan.suppressed is not None
    n_primary = int(plan.primary.sum())
    n_total = int(plan.suppressed.sum())
    out.attrs["suppressed_cells"] = n_total
    out.attrs["suppression"] = {
        "k": int(k),
        "primer": n_primary,
        "komplementer": n_total - n_primary,
        "sel_nilai": int(n_value_cells),
        "tanda": mark,
    }


def suppress_small(
    table: pd.DataFrame,
    *,
    count_col: str,
    k: int = K_PEGAWAI,
    group_cols: Sequence[str] | None = None,
    value_cols: Sequence[str] = (),
    label_col: str | None = None,
    total_label: object = None,
    total_cols: Sequence[str] = (),
    suppress_zero: bool = False,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Hide small counts, the statistics computed over them, and complementary cells.

    One row of ``table`` is one cell: ``count_col`` holds how many units (ASN, respondents) it
    covers; ``value_cols`` hold statistics computed over those units (mean, median, P90,
    percentage) and are hidden whenever the cell's count is.

    Parameters
    ----------
    table
        Long-format table, one row per cell.
    count_col
        Number of units behind the row.
    k
        Minimum number of units: :data:`K_PEGAWAI` (10) for employees, :data:`K_RESPONDEN` (5) for
        citizen-survey counts.
    group_cols
        Rows sharing these values add up to a group total that is published or can be derived
        (e.g. ``("kode_opd",)`` for a predikat distribution: the OPD's headcount is known). Within
        a group, complementary suppression is applied and a group of fewer than ``k`` units is
        hidden entirely. ``None``: rows are independent (e.g. one IKM row per OPD).
    value_cols
        Statistics hidden together with the count.
    label_col, total_label
        When a row of a group has ``label_col == total_label`` (e.g. ``predikat == "Jumlah"``),
        that row is the group's shown total and takes part in the equation.
    total_cols
        Columns repeating the group total on every row (e.g. ``n_total``); hidden when the group
        total is below ``k``.
    suppress_zero
        Whether a count of 0 is primary-suppressed. Default ``False``: a zero in a group of at
        least ``k`` tells only that nobody in that group has that attribute (see ``docs/privasi.md``).
        Zeros in a group smaller than ``k`` are always hidden.
    mark
        Text put in suppressed cells (the columns become ``object``); ``None`` puts NA instead.

    Returns
    -------
    pandas.DataFrame
        A copy; ``attrs["suppressed_cells"]`` is the number of count cells hidden (primary plus
        complementary, what the batch manifest reports) and ``attrs["suppression"]`` the detail.

    Notes
    -----
    Primary suppression: ``0 < n < k`` (``n < k`` with ``suppress_zero``). Complementary
    suppression: every group is an equation ``sum(cells) = total``; while an equation has exactly
    one hidden term, the smallest non-zero visible cell of it is hidden too (the total itself only
    when no cell is left), repeated until no equation has a single hidden term. This blocks
    recovery by subtraction; it does not solve the full interval (linear programming) attack
    across several overlapping tables, which is why the same distribution should not be
    published at two nested levels.
    """
    if count_col not in table.columns:
        raise KeyError(f"Kolom jumlah '{count_col}' tidak ada di tabel.")
    for col in [*value_cols, *total_cols, *(group_cols or ())]:
        if col not in table.columns:
            raise KeyError(f"Kolom '{col}' tidak ada di tabel.")
    if k < 1:
        raise ValueError(f"k harus minimal 1, bukan {k}.")
    counts = _to_float(table[count_col], count_col)
    plan = _Plan(counts=counts)
    small: list[int] = []
    group_of_row = np.full(len(table), -1)
    if group_cols:
        codes = table.groupby(list(group_cols), sort=False, dropna=False).ngroup().to_numpy()
        is_total = (
            (table[label_col] == total_label).fillna(False).to_numpy(dtype=bool)
            if label_col is not None and total_label is not None
            else np.zeros(len(table), dtype=bool)
        )
        for g in np.unique(codes):
            rows = np.flatnonzero(codes == g)
            totals = [int(r) for r in rows if is_total[r]]
            members = [int(r) for r in rows if not is_total[r]]
            total = totals[0] if totals else None
            plan.equations.append((members, total))
            group_of_row[rows] = len(plan.equations) - 1
            group_n = counts[total] if total is not None else np.nansum(counts[members])
            if group_n < k:
                small.append(len(plan.equations) - 1)
    plan.solve(k, suppress_zero=suppress_zero, small_groups=small)
    assert plan.suppressed is not None
    rows_hidden = plan.suppressed
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    mask[count_col] = rows_hidden
    for col in value_cols:
        mask[col] = rows_hidden
    if total_cols and small:
        small_rows = np.isin(group_of_row, small)
        for col in total_cols:
            mask[col] = mask[col].to_numpy() | small_rows
    n_value = int(mask.drop(columns=[count_col]).to_numpy().sum())
    out = _apply_mask(table, mask, mark)
    _attach(out, plan, k, mark, n_value)
    return out


def suppress_distribution(
    table: pd.DataFrame,
    *,
    group_cols: Sequence[str] = ("kode_opd",),
    category_col: str = "predikat",
    count_col: str = "jumlah",
    k: int = K_PEGAWAI,
    value_cols: Sequence[str] = ("persen",),
    total_label: object = None,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Long distribution (e.g. ``kode_opd × predikat → jumlah, persen``) with per-group totals.

    A thin wrapper over :func:`suppress_small` that states the usual shape: the categories of one
    group add up to the group total (shown as a row ``category_col == total_label`` when given,
    otherwise assumed known, e.g. the OPD headcount). Value columns missing from the table are
    ignored, so ``persen`` need not exist.
    """
    if category_col not in table.columns:
        raise KeyError(f"Kolom kategori '{category_col}' tidak ada di tabel.")
    return suppress_small(
        table,
        count_col=count_col,
        k=k,
        group_cols=group_cols,
        value_cols=[c for c in value_cols if c in table.columns],
        label_col=category_col if total_label is not None else None,
        total_label=total_label,
        mark=mark,
    )


def suppress_crosstab(
    ct: pd.DataFrame,
    *,
    k: int = K_PEGAWAI,
    margins_name: str | None = None,
    small_groups: Literal["index", "columns", "both", "none"] = "index",
    suppress_zero: bool = False,
    mark: str | None = SUPPRESSION_MARK,
) -> pd.DataFrame:
    """Suppress a wide crosstab of counts (e.g. OPD rows × predikat columns), margins included.

    Parameters
    ----------
    ct
        Counts only; with ``margins_name`` its last row and column (as made by
        ``pd.crosstab(..., margins=True, margins_name=...)``) are the totals.
    k
        Minimum number of units.
    margins_name
        Label of the total row and column when they are shown. Without margins, row and column
        totals are assumed known from elsewhere, which is the safe assumption.
    small_groups
        Along which axis a line whose total is below ``k`` is a *group* hidden entirely (zeros
        included). Default ``"index"``: a row is one OPD.

    Returns
    -------
    pandas.DataFrame
        Same shape; ``attrs`` as in :func:`suppress_small`.

    Notes
    -----
    Every row and every column is an equation ``sum(cells) = margin``; the margin row and column
    take part as cells of the other direction, so a hidden total is protected too. Complementary
    suppression runs until no row or column has exactly one hidden term.
    """
    n_rows, n_cols = ct.shape
    values = ct.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    flat = values.ravel()
    plan = _Plan(counts=flat)

    def pos(i: int, j: int) -> int:
        return i * n_cols + j

    has_margins = margins_name is not None
    if has_margins and (ct.index[-1] != margins_name or ct.columns[-1] != margins_name):
        raise ValueError(
            f"Baris dan kolom terakhir tabel silang harus bernama '{margins_name}' (jumlah)."
        )
    body_r = n_rows - 1 if has_margins else n_rows
    body_c = n_cols - 1 if has_margins else n_cols
    row_eqs, col_eqs = [], []
    # rows (including the margin row, whose members are column totals)
    for i in range(n_rows):
        members = [pos(i, j) for j in range(body_c)]
        total = pos(i, n_cols - 1) if has_margins else None
        plan.equations.append((members, total))
        row_eqs.append(len(plan.equations) - 1)
    for j in range(n_cols):
        members = [pos(i, j) for i in range(body_r)]
        total = pos(n_rows - 1, j) if has_margins else None
        plan.equations.append((members, total))
        col_eqs.append(len(plan.equations) - 1)
    small: list[int] = []
    candidates = {
        "index": row_eqs[:body_r],
        "columns": col_eqs[:body_c],
        "both": row_eqs[:body_r] + col_eqs[:body_c],
        "none": [],
    }[small_groups]
    for e in candidates:
        members, total = plan.equations[e]
        n = flat[total] if total is not None else np.nansum(flat[members])
        if n < k:
            small.append(e)
    plan.solve(k, suppress_zero=suppress_zero, small_groups=small)
    assert plan.suppressed is not None
    mask = pd.DataFrame(plan.suppressed.reshape(n_rows, n_cols), index=ct.index, columns=ct.columns)
    out = _apply_mask(ct, mask, mark)
    _attach(out, plan, k, mark, 0)
    return out


# --------------------------------------------------------------------------------------------
# 3. The last gate
# --------------------------------------------------------------------------------------------

_SEP = r"[ \u00a0\u202f]?"
# 18 digits not touching another digit (a longer numeric run is not a NIP), with or without the
# official spaces "19670610 198901 1 003".
_NIP_RE = re.compile(rf"(?<![0-9])(\d{{8}}){_SEP}(\d{{6}}){_SEP}(\d){_SEP}(\d{{3}})(?![0-9])")
# the same number formatted as a thousands-separated integer (fmt_int on a NIP): 196.711.101.992.031.001
_NIP_GROUPED_RE = re.compile(r"(?<![0-9.,])(\d{3}(?:([.,])\d{3})(?:\2\d{3}){4})(?![0-9]|[.,]\d)")
# data: URIs carry images and fonts as base64; a digit run inside them is not text
_DATA_URI_RE = re.compile(r"data:[a-z0-9.+/-]+(?:;[a-z0-9.+=-]+)*;base64,[A-Za-z0-9+/=]*", re.I)
_TAG_RE = re.compile(r"<[^<>]*>")
_WORD_RE = re.compile(r"\w+(?:['’`]\w+)*")
_BINARY_MIME = re.compile(r"^(image/(?!svg)|audio/|video/|application/(pdf|octet-stream))")

# title tokens stripped from names in pegawai ("Dr. Hj. Sri Wahyuni, S.E., M.Si.")
_TITLE_PREFIXES = frozenset(
    {"dr", "drs", "dra", "ir", "h", "hj", "prof", "ns", "apt", "drg", "dt", "kh", "rr", "r", "ra"}
)
#: Common Indonesian words that are also one-word names; a one-word name among these is not
#: matched (it would fire on ordinary text such as "pelayanan yang indah"). Extend via
#: ``ignore_words``.
COMMON_NAME_WORDS: frozenset[str] = frozenset(
    {
        "indah",
        "bunga",
        "bayu",
        "sari",
        "dewi",
        "putri",
        "putra",
        "rahayu",
        "wahyu",
        "cahaya",
        "budi",
        "mulia",
        "setia",
        "jaya",
        "lestari",
        "harapan",
        "bintang",
        "intan",
        "mawar",
        "melati",
        "embun",
        "fajar",
        "surya",
        "bulan",
        "ayu",
        "tirta",
        "kasih",
        "sejahtera",
        "utama",
        "agung",
        "baik",
        "sehat",
        "salatiga",
        "kota",
        "dinas",
        "badan",
        "kecamatan",
        "kelurahan",
        "tingkir",
        "sidorejo",
        "sidomukti",
        "argomulyo",
        "slamet",
        "sentosa",
    }
)


#: Words that mark the next word as a person's name; a one-word name is matched only after one.
HONORIFICS: frozenset[str] = frozenset(
    {
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "bapak",
        "bpk",
        "pak",
        "ibu",
        "bu",
        "mas",
        "mbak",
        "tuan",
        "nyonya",
        "ny",
        "nona",
        "nn",
        "dr",
        "drs",
        "dra",
        "ir",
        "hj",
        "h",
        "prof",
        "an",
        "yth",
        "petugas",
        "pegawai",
        "staf",
        "operator",
        "pejabat",
        "kepala",
    }
)
# between the words of a name: spaces, optionally one "," or "." ("Hari, S.E.", "Sri  Wahyuni")
_NAME_GAP = re.compile(r"^\s*[.,]?\s*$")
_END = ""  # trie key of a complete name (no word is empty)


def _nip_shaped(d: str) -> bool:
    """18 digits laid out like a NIP PNS or NI PPPK (reference §5.1, §5.2), dates plausible.

    Deliberately looser than validation: a NIP with a wrong serial or an impossible TMT is still
    somebody's personal data.
    """
    try:
        y, m, day = int(d[0:4]), int(d[4:6]), int(d[6:8])
        pd.Timestamp(year=y, month=m, day=day)
    except (ValueError, OverflowError):
        return False
    if not 1930 <= y <= 2015:
        return False
    tmt_y, tmt_m = int(d[8:12]), int(d[12:14])
    if not 1950 <= tmt_y <= 2100:
        return False
    pns = 1 <= tmt_m <= 12 and d[14] in "12"
    pppk = d[12] == "2" and d[13] in "123456789" and d[14] in "12"
    return pns or pppk


def mask_nip(nip: str) -> str:
    """``196711101992031001`` → ``1967***********001`` (first 4 and last 3 digits kept)."""
    d = re.sub(r"\D", "", str(nip))
    if len(d) < 8:
        return "*" * len(d)
    return d[:4] + "*" * (len(d) - 7) + d[-3:]


def mask_name(name: str) -> str:
    """``Budi Santoso`` → ``B*** S******``."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in str(name).split())


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


@functools.lru_cache(maxsize=200_000)
def _fold_word(s: str) -> str:
    """:func:`_fold` for one word of an already NFKC-normalised text (cached: words repeat)."""
    return s.casefold()


def _core_name(name: str, *, fold: bool = True) -> list[str]:
    """Tokens of a name without academic/religious titles (casefolded unless ``fold=False``)."""
    s = unicodedata.normalize("NFKC", str(name))
    s = s.split(",")[0]  # "Sri Wahyuni, S.E., M.Si." → "Sri Wahyuni"
    tokens = _WORD_RE.findall(s)
    while tokens and _fold(tokens[0]) in _TITLE_PREFIXES:
        tokens = tokens[1:]
    return [_fold(t) for t in tokens] if fold else tokens


@dataclass(frozen=True)
class Hit:
    """One occurrence of personal data found by :class:`PersonalDataGate`.

    ``shown`` is masked; the full value is never kept in a message.
    """

    kind: Literal["nip", "nama"]
    shown: str
    start: int
    end: int

    def __str__(self) -> str:
        label = "NIP" if self.kind == "nip" else "nama pegawai"
        return f"{label} {self.shown}"


class PersonalDataLeak(Exception):
    """An output would contain personal data; it was not written."""

    def __init__(self, where: str, hits: Sequence[Hit]):
        self.where = where
        self.hits = list(hits)
        counts: dict[str, int] = {}
        for h in self.hits:
            counts[str(h)] = counts.get(str(h), 0) + 1
        listed = "; ".join(f"{k} ({v} kali)" for k, v in list(counts.items())[:10])
        more = f"; dan {len(counts) - 10} lainnya" if len(counts) > 10 else ""
        super().__init__(
            f"Berkas '{where}' TIDAK ditulis karena memuat data pribadi: {listed}{more}. "
            "Keluaran tingkat forum tidak boleh memuat NIP atau nama pegawai; periksa kolom dan "
            "teks bebas (isi pengaduan, saran, temuan) pada tabel sumbernya."
        )


class _TextCollector(HTMLParser):
    """Visible text and attribute values of an HTML page, tags removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        for _, value in attrs:
            if value:
                self.parts.append(" " + value + " ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


class PersonalDataGate:
    """Scanner for NIP-shaped numbers and ASN names, used before any output is written.

    Parameters
    ----------
    nips
        NIPs of the people to protect (spaces allowed). They are found even when they are not
        NIP-shaped (e.g. a synthetic or corrupted number).
    names
        Their names as written in ``pegawai.nama``.
    min_name_len
        A one-word name is considered only when it has at least this many letters and is not in
        :data:`COMMON_NAME_WORDS` or ``ignore_words``.
    single_word_names
        ``"context"`` (default): a one-word name ("Sutrisno", "Hari") is matched only when it is
        capitalised and follows an honorific (:data:`HONORIFICS`: "Sdr.", "Ibu", "petugas" ...),
        because one-word names are often ordinary words ("hari kerja"). ``"anywhere"``: always.
    nip_shape
        Also flag any 18-digit NIP-shaped number not in ``nips`` (someone not in the table is still
        a person). ``allowed_nips`` are never flagged.
    allowed_nips, allowed_names
        The people an *internal* output may name (its own OPD's staff).
    ignore_words
        Extra one-word names not to match (e.g. place names of the report).
    audience
        ``"forum"`` or ``"internal"``: what this gate is for; :func:`gated_write` refuses a gate
        made for another audience.

    Notes
    -----
    Matching rules (see ``docs/privasi.md``): text is Unicode-normalised (NFKC) and compared
    case-insensitively word by word, so "BUDI SANTOSO" and "budi  santoso" match "Budi Santoso"
    but "Budiman Santosoputra" does not. A name is matched as written and without its titles
    ("Dr. Hj. Sri Wahyuni, S.E." → "sri wahyuni"); the words of a name must follow each other
    separated by whitespace and at most one "," or "." ("Hari, S.E." matches the full form of a
    one-word name). Before scanning, ``data:`` URIs (base64 images and fonts) are
    removed and HTML entities decoded; HTML is scanned as source and as visible text. A digit run
    longer than 18 is not a NIP.
    """

    def __init__(
        self,
        nips: Iterable[object] = (),
        names: Iterable[object] = (),
        *,
        min_name_len: int = 4,
        nip_shape: bool = True,
        allowed_nips: Iterable[object] = (),
        allowed_names: Iterable[object] = (),
        ignore_words: Iterable[str] = (),
        single_word_names: Literal["context", "anywhere"] = "context",
        audience: Audience = "forum",
    ):
        self.audience = validate_audience(audience)
        self.single_word_names = single_word_names
        self.nip_shape = nip_shape
        self.min_name_len = min_name_len
        self.nips = {re.sub(r"\s", "", str(n)) for n in nips if _present(n)}
        self.allowed_nips = {re.sub(r"\s", "", str(n)) for n in allowed_nips if _present(n)}
        self.nips -= self.allowed_nips
        ignore = {_fold(w) for w in ignore_words} | COMMON_NAME_WORDS
        allowed_keys = set()
        for n in allowed_names:
            if _present(n):
                allowed_keys.update(self._name_keys(str(n)))
        # a trie over folded name tokens; the node of a name's last token holds its display form
        self._trie: dict[str, Any] = {}
        for n in names:
            if not _present(n):
                continue
            for key in self._name_keys(str(n)):
                if key in allowed_keys:
                    continue
                if len(key) == 1 and (len(key[0]) < min_name_len or key[0] in ignore):
                    continue
                node = self._trie
                for token in key:
                    node = node.setdefault(token, {})
                node.setdefault(_END, " ".join(_core_name(str(n), fold=False)) or str(n))

    @staticmethod
    def _name_keys(name: str) -> set[tuple[str, ...]]:
        full = tuple(_fold(t) for t in _WORD_RE.findall(unicodedata.normalize("NFKC", name)))
        core = tuple(_core_name(name))
        return {k for k in (full, core) if k}

    # -- construction from pegawai -----------------------------------------------------------
    @classmethod
    def from_pegawai(cls, pegawai: pd.DataFrame, **kwargs: Any) -> PersonalDataGate:
        """Forum gate: every NIP and name in ``pegawai``."""
        return cls(pegawai["nip"].tolist(), pegawai["nama"].tolist(), **kwargs)

    @classmethod
    def for_internal(cls, pegawai: pd.DataFrame, kode_opd: str, **kwargs: Any) -> PersonalDataGate:
        """Internal gate for one OPD: flags people of *other* OPDs only.

        Its own staff's NIPs and names are allowed. A NIP-shaped number that belongs to nobody in
        this OPD is flagged. A name shared by someone in this OPD and someone elsewhere cannot be
        told apart in text and is allowed (the NIP can be told apart and is flagged).
        """
        kode = str(kode_opd)
        if kode not in set(pegawai["kode_opd"].astype(str)):
            raise ValueError(f"Kode OPD '{kode}' tidak ada pada tabel pegawai.")
        own = pegawai["kode_opd"].astype(str) == kode
        return cls(
            pegawai.loc[~own, "nip"].tolist(),
            pegawai.loc[~own, "nama"].tolist(),
            allowed_nips=pegawai.loc[own, "nip"].tolist(),
            allowed_names=pegawai.loc[own, "nama"].tolist(),
            audience="internal",
            **kwargs,
        )

    # -- scanning ----------------------------------------------------------------------------
    def scan(self, text: str) -> list[Hit]:
        """All hits in ``text`` (already decoded), in order of position.

        ``data:`` URIs are removed first and HTML entities decoded, so neither base64 image data
        nor ``&#x27;`` hide or invent a hit.
        """
        text = _DATA_URI_RE.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
        hits = self._scan_nips(text) + self._scan_names(text)
        hits.sort(key=lambda h: (h.start, h.kind))
        return hits

    def _flag_nip(self, digits: str) -> bool:
        if digits in self.allowed_nips:
            return False
        return digits in self.nips or (self.nip_shape and _nip_shaped(digits))

    def _scan_nips(self, text: str) -> list[Hit]:
        hits = []
        for m in _NIP_RE.finditer(text):
            digits = "".join(m.groups())
            if self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
        for m in _NIP_GROUPED_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group(1))
            if self._flag_nip(digits):
                hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
        return hits

    def _scan_names(self, text: str) -> list[Hit]:
        if not self._trie:
            return []
        norm = unicodedata.normalize("NFKC", text)
        tokens = list(_WORD_RE.finditer(norm))
        folded = [_fold_word(m.group()) for m in tokens]
        root = self._trie
        hits = []
        n_tokens = len(folded)
        next_free = 0
        for i, word in enumerate(folded):
            if i < next_free:
                continue
            node = root.get(word)
            if node is None:
                continue
            best: tuple[int, str] | None = None
            j = i
            while True:
                display = node.get(_END)
                if display is not None and (
                    j > i or self._single_word_in_context(norm, tokens, folded, i)
                ):
                    best = (j, display)  # the longest name wins
                if j + 1 >= n_tokens:
                    break
                nxt = node.get(folded[j + 1])
                if nxt is None or not _NAME_GAP.match(
                    norm[tokens[j].end() : tokens[j + 1].start()]
                ):
                    break
                node, j = nxt, j + 1
            if best is not None:
                end, display = best
                hits.append(Hit("nama", mask_name(display), tokens[i].start(), tokens[end].end()))
                next_free = end + 1
        return hits

    def _single_word_in_context(
        self, norm: str, tokens: list[re.Match[str]], folded: list[str], i: int
    ) -> bool:
        """A one-word name counts only after an honorific ("Sdr. Sutrisno", "Ibu Endah").

        One-word names are often ordinary words too ("Hari" in "hari kerja", "Bagus", "Ilham"),
        so matching them anywhere would fail every report. The name must also be capitalised.
        """
        if self.single_word_names == "anywhere":
            return True
        if not norm[tokens[i].start()].isupper():
            return False
        if i == 0 or folded[i - 1] not in HONORIFICS:
            return False
        return bool(_NAME_GAP.match(norm[tokens[i - 1].end() : tokens[i].start()]))

    def scrub(self, text: object, replacement: str = "[disamarkan]") -> object:
        """``text`` with every hit replaced (for free text that must appear in a forum table)."""
        if not isinstance(text, str):
            return text
        out = unicodedata.normalize("NFKC", _DATA_URI_RE.sub(" ", text))
        hits = self._scan_nips(out) + self._scan_names(out)
        if not hits:
            return text
        for h in sorted(hits, key=lambda h: h.start, reverse=True):
            out = out[: h.start] + replacement + out[h.end :]
        return out

    def scan_bytes(self, data: bytes, *, suffix: str = "") -> list[Hit]:
        """Hits in a file's bytes; the format is chosen by ``suffix`` (``.xlsx``, ``.json``, ...)."""
        suffix = suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            return self.scan("\n".join(_xlsx_texts(data)))
        if suffix == ".parquet":
            frame = pd.read_parquet(io.BytesIO(data))
            return self.scan(_frame_text(frame))
        text = _decode(data)
        if suffix in {".json", ".ipynb"}:
            try:
                obj = json.loads(text)
            except ValueError:
                pass
            else:
                return self.scan(" \n ".join(_json_strings(obj)))
        hits = self.scan(text)
        if suffix in {".html", ".htm", ".svg", ".xml"} or "<" in text:
            seen = {(h.kind, h.shown) for h in hits}
            collector = _TextCollector()
            with contextlib.suppress(Exception):
                collector.feed(_DATA_URI_RE.sub(" ", text))
                collector.close()
            for h in self.scan("".join(collector.parts)):
                if (h.kind, h.shown) not in seen:
                    hits.append(h)
                    seen.add((h.kind, h.shown))
        return hits

    def check_bytes(
        self, data: bytes | str, *, name: str = "keluaran", suffix: str | None = None
    ) -> None:
        """Raise :class:`PersonalDataLeak` naming ``name`` when ``data`` contains a hit."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sfx = suffix if suffix is not None else Path(name).suffix
        hits = self.scan_bytes(raw, suffix=sfx)
        if hits:
            raise PersonalDataLeak(name, hits)

    def check_text(self, text: str, *, name: str = "keluaran") -> None:
        """Raise :class:`PersonalDataLeak` when ``text`` contains a hit."""
        hits = self.scan(text)
        if hits:
            raise PersonalDataLeak(name, hits)

    def check_file(self, path: str | os.PathLike[str]) -> None:
        """Raise :class:`PersonalDataLeak` when the file at ``path`` contains a hit."""
        p = Path(path)
        self.check_bytes(p.read_bytes(), name=str(p), suffix=p.suffix)

    def check_frame(self, df: pd.DataFrame, *, name: str = "tabel") -> None:
        """Raise :class:`PersonalDataLeak` when any cell, header or index label is a hit."""
        self.check_text(_frame_text(df), name=name)


def _present(v: object) -> bool:
    return (
        v is not None
        and not (isinstance(v, float) and np.isnan(v))
        and v is not pd.NA
        and str(v).strip() != ""
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _frame_text(df: pd.DataFrame) -> str:
    parts = [" | ".join(map(str, df.columns)), " | ".join(map(str, df.index))]
    for col in df.columns:
        parts.append("\n".join(map(str, df[col].tolist())))
    return "\n".join(parts)


def _json_strings(obj: Any, key: str = "") -> Iterable[str]:
    """Every string, key and integer of a JSON document, skipping binary payloads (``image/png``)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            if isinstance(k, str) and _BINARY_MIME.match(k):
                continue
            yield from _json_strings(v, str(k))
    elif isinstance(obj, list):
        for x in obj:
            yield from _json_strings(x, key)
    elif isinstance(obj, bool) or obj is None:
        return
    elif isinstance(obj, int):
        yield str(obj)
    elif isinstance(obj, float):
        yield repr(obj)
    else:
        yield str(obj)


def _xlsx_texts(data: bytes) -> Iterable[str]:
    """Cell values, comments, sheet titles and document properties of an xlsx workbook."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        # an unreadable workbook cannot be shown to be clean: refuse rather than pass it
        raise ValueError(
            f"Berkas Excel tidak dapat dibaca untuk pemeriksaan data pribadi: {exc}"
        ) from exc
    try:
        props = wb.properties
        for attr in ("creator", "title", "subject", "description", "keywords", "lastModifiedBy"):
            value = getattr(props, attr, None)
            if value:
                yield str(value)
        for ws in wb.worksheets:
            yield ws.title
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if (
                        isinstance(value, float)
                        and 1e17 <= abs(value) < 1e18
                        and value.is_integer()
                    ):
                        # a NIP written as a number: Excel keeps 15 significant digits, the rest
                        # is rounded, but the birth date and TMT are still there
                        yield str(int(value))
                    elif value is not None:
                        yield str(value)
                    if cell.comment is not None:
                        yield cell.comment.text
            yield ""
    finally:
        wb.close()


def _check_inside(path: Path, root: str | os.PathLike[str] | None) -> None:
    if root is None:
        return
    r = Path(root).resolve()
    p = path.resolve()
    if p != r and r not in p.parents:
        raise ValueError(f"Menolak menulis '{path}': berada di luar folder keluaran '{r}'.")


def gated_write(
    path: str | os.PathLike[str],
    data: bytes | str,
    gate: PersonalDataGate,
    *,
    audience: Audience,
    root: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``data`` to ``path`` atomically, only if ``gate`` finds no personal data.

    Parameters
    ----------
    path
        Destination; its suffix tells the gate how to read the bytes.
    data
        File content (``str`` is written as UTF-8).
    gate
        :meth:`PersonalDataGate.from_pegawai` for ``forum``;
        :meth:`PersonalDataGate.for_internal` for ``internal``.
    audience
        Must equal ``gate.audience``: a forum output can never pass through an internal gate.
    root
        When given, ``path`` must lie inside it.

    Raises
    ------
    PersonalDataLeak
        Nothing is written; an earlier file at ``path`` is left untouched.
    """
    aud = validate_audience(audience)
    if gate.audience != aud:
        raise ValueError(
            f"Gerbang data pribadi dibuat untuk audiens '{gate.audience}', "
            f"tetapi keluaran ini untuk audiens '{aud}'."
        )
    target = Path(path)
    _check_inside(target, root)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    gate.check_bytes(raw, name=str(target), suffix=target.suffix)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def gated_replace(
    tmp_path: str | os.PathLike[str],
    path: str | os.PathLike[str],
    gate: PersonalDataGate,
    *,
    audience: Audience,
    root: str | os.PathLike[str] | None = None,
) -> Path:
    """Move an already written temporary file into place only if the gate passes.

    For outputs produced by other tools (papermill's executed notebook, nbconvert HTML). The
    temporary file must be in the same folder as ``path`` so the move is atomic. On a leak the
    temporary file is deleted and :class:`PersonalDataLeak` names the final path.
    """
    aud = validate_audience(audience)
    if gate.audience != aud:
        raise ValueError(
            f"Gerbang data pribadi dibuat untuk audiens '{gate.audience}', "
            f"tetapi keluaran ini untuk audiens '{aud}'."
        )
    src, target = Path(tmp_path), Path(path)
    _check_inside(target, root)
    try:
        gate.check_bytes(src.read_bytes(), name=str(target), suffix=target.suffix)
    except PersonalDataLeak:
        with contextlib.suppress(FileNotFoundError):
            src.unlink()
        raise
    os.replace(src, target)
    return target


# --------------------------------------------------------------------------------------------
# 4. Hostile text
# --------------------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"(?i)\b(javascript|vbscript|livescript)(\s*):")
# ">" and "<" are left to html.escape: a backslash before "&gt;" would show the entity literally
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_text(s: object, *, markdown: bool = False) -> str:
    """Make citizen text inert wherever it is rendered.

    Parameters
    ----------
    s
        Any value; ``None``/NA give ``""``.
    markdown
        Also backslash-escape Markdown syntax (for text placed in a Markdown cell or slide), so
        ``[klik](javascript:...)`` never becomes a link.

    Returns
    -------
    str
        ``html.escape(s, quote=True)``; dangerous URL schemes (``javascript:``, ``vbscript:``)
        get their colon written as ``&#58;`` so no auto-linker can turn them into a
        link (the text still reads the same).
    """
    if s is None or s is pd.NA or (isinstance(s, float) and np.isnan(s)):
        return ""
    text = str(s)
    if markdown:
        text = _MD_SPECIAL.sub(r"\\\1", text)
    text = html.escape(text, quote=True)
    return _SCHEME_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", text)


def escape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Copy of ``df`` with text columns (or ``columns``) passed through :func:`escape_text`.

    For renderers that do not escape (ipywidgets ``HTML``, hand-built HTML). Do not pass the
    result to an escaping renderer too, or text is escaped twice.
    """
    cols = (
        list(columns)
        if columns is not None
        else [
            c
            for c in df.columns
            if pd.api.types.is_object_dtype(df[c].dtype)
            or pd.api.types.is_string_dtype(df[c].dtype)
        ]
    )
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(escape_text).astype(object)
    return out


def safe_html_table(df: pd.DataFrame, **kwargs: Any) -> str:
    """``df.to_html`` with escaping forced on (cells, headers and index are escaped)."""
    if kwargs.get("escape") is False:
        raise ValueError("safe_html_table tidak boleh dipanggil dengan escape=False.")
    kwargs["escape"] = True
    kwargs.setdefault("border", 0)
    kwargs.setdefault("na_rep", "")
    out = df.to_html(**kwargs)
    return _SCHEME_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", out)


def safe_styler(df: pd.DataFrame) -> Styler:
    """``df.style`` with HTML escaping of cells and headers (a plain Styler does not escape)."""
    styler = df.style.format(escape="html", na_rep="")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler


class _LiveMarkup(HTMLParser):
    def __init__(self, markers: Sequence[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = [m.casefold() for m in markers]
        self.findings: list[str] = []
        self._in_script = False

    def _marked(self, text: str) -> bool:
        t = text.casefold()
        return not self.markers or any(m in t for m in self.markers)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            v = value or ""
            if name.startswith("on") and self._marked(v):
                self.findings.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and re.match(
                r"\s*(javascript|vbscript)\s*:", v, re.I
            ):
                self.findings.append(f"<{tag} {name}={v[:30]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.markers and self._marked(data):
            self.findings.append(f"<script>{data.strip()[:40]}</script>")


def find_live_markup(html_text: str, markers: Sequence[str] = ("alert(",)) -> list[str]:
    """Live markup in an HTML page that carries one of ``markers`` (planted payload strings).

    Finds event-handler attributes (``onerror``, ``onload`` ...) and ``<script>`` bodies containing
    a marker, and any ``javascript:``/``vbscript:`` URL in ``href``/``src``/``action``. An escaped
    payload (``&lt;script&gt;``) is text and is not reported. With ``markers=()`` every
    event-handler attribute is reported (inline scripts of a template are then ignored).
    """
    parser = _LiveMarkup(markers)
    parser.feed(html_text)
    parser.close()
    return parser.findings
