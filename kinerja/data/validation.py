"""Row checks of one table: raw file -> accepted typed rows + quarantined rows.

The checks, in order (data-contract.md, issue 2):

1. **Parsing** (ours, vectorised, ``kinerja.data.parsing``): dates day-first, numbers with a decimal
   comma, NIP whitespace removed, vocabularies case-insensitive, SKM elements by name.
   Unparseable values are defects. For ``pegawai`` the NIP layout is checked here
   (reference.md §5.1 PNS; §5.2 NI PPPK for rows whose ``status_kepegawaian`` is PPPK).
2. **Values** (pandera ``DataFrameSchema``, ``lazy=True``, on the parsed columns): required value
   blank, vocabulary, ranges (JP, durations, costs, standard days >= 0; SKM answers 1..4), whole
   numbers, ``periode`` format. pandera's ``failure_cases`` are mapped back to row positions.
3. **Date order**: an end before its start (``selesai`` < ``mulai`` ...). When both values carry
   a time of day the timestamps are compared, otherwise their dates.
4. **Duplicate keys** among the rows that passed 1-3: the first occurrence is kept, later ones
   are quarantined naming the row of the first.
5. **References** among the rows that passed 1-4: ``kode_opd`` must exist in ``opd``, ``nip``
   (and ``nip_petugas``) in ``pegawai``. A key that only exists on a quarantined row of the
   referenced table is reported as such.

A quarantined row lists every defect found by steps 1-3 (``_kolom`` and ``_alasan`` joined with
``"; "`` in check order); steps 4 and 5 apply to rows without such defects, so a row is reported
by them only when it is otherwise sound.

Measured cost of pandera (step 2): about 1 s on 1.2 M rows of ``laporan_kinerja`` against
about 0.1 s for the same masks in plain pandas, plus about 1 s to import it. The schema stays
the declarative statement of the value rules and names the failing rows; a table is first
checked with plain pandas (:func:`_passes_plainly`, the same rules) and goes to pandera only
when some value breaks a rule, so a clean export never imports pandera.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from kinerja.data.io import RawTable

if TYPE_CHECKING:
    import pandera.pandas as pa
from kinerja.data.parsing import (
    DATETIME_DTYPE,
    parse_datetime,
    parse_number,
    parse_time_or_datetime,
    text_of,
)
from kinerja.domain.nip import nip_problems, nip_warnings, normalize_nip_series
from kinerja.domain.schema import (
    ColumnSpec,
    TableSpec,
    canonical_vocabulary,
    predikat_matrix_lookup,
    skm_element_of,
)

QUARANTINE_COLUMNS = ("_berkas", "_baris", "_kolom", "_alasan")
WARNING_COLUMNS = ("table", "berkas", "baris", "kolom", "pesan")
PERIODE_PATTERN = r"^[0-9]{4}(?:-TW[1-4]|-(?:0[1-9]|1[0-2]))?$"
_ROW = "(seluruh baris)"

PppkCheck = Literal["reject", "warn"]


# ----------------------------------------------------------------------------------------------
# Column mapping
# ----------------------------------------------------------------------------------------------


@dataclass
class ColumnMapping:
    """Which column of a raw file holds which contract column."""

    columns: dict[str, str]  # contract name -> raw column name
    extras: dict[str, str]  # normalised extra name -> raw column name
    missing: list[str]  # required contract columns not found
    conflicts: list[str]  # messages: two raw columns for one contract column


def map_columns(spec: TableSpec, raw: RawTable) -> ColumnMapping:
    """Map raw headers (already normalised) to contract columns.

    Exact normalised names first; for ``skm`` the nine elements are also recognised by their
    names (``schema.skm_element_of``), never by position. Other columns are extras (kept).
    """
    names = set(spec.column_names)
    columns: dict[str, str] = {}
    extras: dict[str, str] = {}
    conflicts: list[str] = []
    for raw_name, norm in zip(raw.data.columns, raw.headers, strict=True):
        target = norm if norm in names else None
        if target is None and spec.name == "skm":
            target = skm_element_of(norm)
        if target is None:
            if norm:  # a column without a header name is not kept as an extra
                key = norm
                while key in extras or key in names:
                    key += "_"
                extras[key] = raw_name
            continue
        if target in columns:
            conflicts.append(
                f"berkas {raw.berkas}: kolom {columns[target]!r} dan {raw_name!r} sama-sama "
                f"dibaca sebagai kolom {target!r}; hapus atau ganti nama salah satunya"
            )
            continue
        columns[target] = raw_name
    missing = [c for c in spec.required_columns if c not in columns]
    return ColumnMapping(columns, extras, missing, conflicts)


# ----------------------------------------------------------------------------------------------
# Result
# ----------------------------------------------------------------------------------------------


@dataclass
class References:
    """Keys of already-validated tables, for referential checks."""

    known: dict[str, pd.Index] = field(default_factory=dict)  # "opd"/"pegawai" -> keys
    quarantined: dict[str, pd.Index] = field(default_factory=dict)


@dataclass
class TableResult:
    """Outcome of validating one file."""

    name: str
    berkas: str
    data: pd.DataFrame
    quarantine: pd.DataFrame
    warnings: pd.DataFrame
    read: int

    @property
    def accepted(self) -> int:
        return len(self.data)

    @property
    def quarantined(self) -> int:
        return len(self.quarantine)


class _Defects:
    """Collects (position, column, reason) defects in check order."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._pos: list[np.ndarray] = []
        self._col: list[np.ndarray] = []
        self._msg: list[np.ndarray] = []
        self.any = np.zeros(n, dtype=bool)
        self.cell: dict[str, np.ndarray] = {}
        self.structural: np.ndarray | None = None

    def add(self, positions: np.ndarray, column: str, messages) -> None:
        positions = np.asarray(positions, dtype=np.int64)
        if not len(positions):
            return
        if isinstance(messages, str):
            messages = np.full(len(positions), messages, dtype=object)
        if self.structural is not None and column != _ROW:
            # a record that did not fit the header is reported for that alone
            keep = ~self.structural[positions]
            positions, messages = positions[keep], np.asarray(messages, dtype=object)[keep]
            if not len(positions):
                return
        self._pos.append(positions)
        self._col.append(np.full(len(positions), column, dtype=object))
        self._msg.append(np.asarray(messages, dtype=object))
        self.any[positions] = True
        mark = self.cell.setdefault(column, np.zeros(self.n, dtype=bool))
        mark[positions] = True

    def frame(self) -> pd.DataFrame:
        if not self._pos:
            return pd.DataFrame({"pos": [], "kolom": [], "alasan": []})
        f = pd.DataFrame(
            {
                "pos": np.concatenate(self._pos),
                "order": np.arange(sum(len(p) for p in self._pos)),
                "kolom": np.concatenate(self._col),
                "alasan": np.concatenate(self._msg),
            }
        ).sort_values(["pos", "order"], kind="stable")
        g = f.groupby("pos", sort=True)
        return pd.DataFrame(
            {
                "kolom": g["kolom"].agg(lambda s: "; ".join(dict.fromkeys(s))),
                "alasan": g["alasan"].agg("; ".join),
            }
        ).reset_index()


def _quote(values: pd.Series) -> list[str]:
    return [f"'{v}'" for v in values.tolist()]


# ----------------------------------------------------------------------------------------------
# The table check
# ----------------------------------------------------------------------------------------------


def _as_stripped_text(values: pd.Series) -> pd.Series:
    """Text of a raw column, stripped; blank -> NA (pandas ``str``)."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        text = values.str.strip()
    else:
        text = text_of(values).str.strip()
    return text.where(text.ne("").fillna(False) & text.notna())


def _empty(kind: str, n: int, vocabulary: tuple[str, ...] = ()) -> pd.Series:
    if kind in ("date", "datetime", "time_or_datetime"):
        return pd.Series(pd.NaT, index=range(n), dtype=DATETIME_DTYPE)
    if kind == "float":
        return pd.Series(np.nan, index=range(n), dtype="float64")
    if kind in ("int", "skm"):
        return pd.Series(pd.NA, index=range(n), dtype="Int64")
    if kind == "category":
        return pd.Series(np.nan, index=range(n), dtype="str")
    return pd.Series(np.nan, index=range(n), dtype="str")


def _column_checks(c: ColumnSpec) -> list[tuple[str, pa.Check]]:
    """(rule name, pandera check) of one column; the rule name selects the message."""
    import pandera.pandas as pa

    checks: list[tuple[str, pa.Check]] = []
    if c.kind == "category":
        checks.append(("kosakata", pa.Check.isin(list(c.vocabulary))))
    if c.kind == "skm":
        checks.append(("skm", pa.Check.in_range(1, 4)))
        checks.append(("skm", pa.Check(lambda s: s == np.floor(s))))
    if c.kind == "int":
        checks.append(("bulat", pa.Check(lambda s: s == np.floor(s))))
    if c.min_value is not None:
        checks.append(("minimal", pa.Check.ge(c.min_value)))
    if c.kind == "periode":
        checks.append(("periode", pa.Check.str_matches(PERIODE_PATTERN)))
    return checks


def _check_names(spec: TableSpec, column: str) -> list[str]:
    return [name for name, _ in _column_checks(spec.column(column))]


def _pandera_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """Value rules of step 2 as a pandera schema over the parsed columns."""
    import pandera.pandas as pa

    cols = {
        c.name: pa.Column(
            nullable=c.allows_blank,
            checks=[chk for _, chk in _column_checks(c)],
            required=True,
        )
        for c in spec.columns
    }
    return pa.DataFrameSchema(cols, name=spec.name)


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _schema_for(spec: TableSpec) -> pa.DataFrameSchema:
    if spec.name not in _SCHEMAS:
        _SCHEMAS[spec.name] = _pandera_schema(spec)
    return _SCHEMAS[spec.name]


def _passes_plainly(spec: TableSpec, frame: pd.DataFrame) -> bool:
    """True when every value rule of step 2 holds, checked with plain pandas and numpy.

    The same rules as :func:`_column_checks` (a required value present; vocabulary; SKM answer
    1..4 and whole; whole numbers; minimum; ``periode`` form), each on the present values as
    pandera applies them. ``False`` sends the table to pandera, which names the failing rows;
    anything unexpected (a column missing, text where a number is due) answers ``False`` too,
    so a table passes here only when pandera would pass it.
    """
    try:
        for c in spec.columns:
            values = frame[c.name]
            present = values.notna().to_numpy(dtype=bool)
            if not c.allows_blank and not present.all():
                return False
            v = values[present]
            if not len(v):
                continue
            if c.kind == "category" and not bool(v.isin(list(c.vocabulary)).all()):
                return False
            if c.kind in ("skm", "int") or c.min_value is not None:
                x = v.to_numpy(dtype=float)
                if c.kind == "skm" and not bool(((x >= 1) & (x <= 4)).all()):
                    return False
                if c.kind in ("skm", "int") and not bool((x == np.floor(x)).all()):
                    return False
                if c.min_value is not None and not bool((x >= c.min_value).all()):
                    return False
            if c.kind == "periode":
                matched = v.str.match(PERIODE_PATTERN)
                if not bool(matched.fillna(False).astype(bool).all()):
                    return False
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def _value_message(check: str, c: ColumnSpec, raw: str) -> str:
    if check == "not_nullable":
        return "nilai wajib diisi, tetapi kosong"
    if check == "kosakata":
        return f"nilai tidak dikenal: '{raw}' (yang sah: {', '.join(c.vocabulary)})"
    if check == "skm":
        return f"jawaban SKM harus bilangan bulat 1..4 atau kosong: '{raw}'"
    if check == "bulat":
        return f"harus bilangan bulat: '{raw}'"
    if check == "minimal":
        return f"nilai tidak boleh kurang dari {c.min_value:g}: '{raw}'"
    if check == "periode":
        return f"periode tidak dikenal: '{raw}' (contoh yang sah: 2026, 2026-TW1, 2026-07)"
    return f"nilai tidak sah ({check}): '{raw}'"


def _schema_errors(spec: TableSpec, frame: pd.DataFrame) -> list[pa.errors.SchemaErrors]:
    """pandera's lazy validation of ``frame``: its ``SchemaErrors`` (none when it passes)."""
    import pandera.pandas as pa

    try:
        _schema_for(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        return [err]
    return []


def validate_table(
    spec: TableSpec,
    raw: RawTable,
    mapping: ColumnMapping,
    refs: References,
    *,
    pppk_nip: PppkCheck = "reject",
) -> TableResult:
    """Check one raw table against its spec; split accepted (typed) and quarantined rows.

    Parameters
    ----------
    spec : TableSpec
    raw : RawTable
    mapping : ColumnMapping
        From :func:`map_columns` (no missing required columns).
    refs : References
        Keys of ``opd`` and ``pegawai`` validated before this table.
    pppk_nip : {"reject", "warn"}
        What an NI PPPK that does not follow reference.md §5.2 (a **likely** layout, one
        source) does to its ``pegawai`` row: quarantine it (default) or only warn.
    """
    n = len(raw.data)
    defects = _Defects(n)
    warnings: list[pd.DataFrame] = []

    def raw_cells(col: str, mask: np.ndarray) -> pd.Series:
        src = mapping.columns[col]
        return text_of(raw.data[src].iloc[np.flatnonzero(mask)])

    def header(col: str) -> str:
        return mapping.columns.get(col, col)

    def warn(mask: np.ndarray, col: str, messages) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        warnings.append(
            pd.DataFrame(
                {
                    "table": spec.name,
                    "berkas": raw.berkas,
                    "baris": raw.rows[pos],
                    "kolom": header(col),
                    "pesan": messages if isinstance(messages, str) else list(messages),
                }
            )
        )

    for pos, reason in sorted(raw.structural.items()):
        defects.add(np.array([pos]), _ROW, reason)
    if raw.structural:
        defects.structural = defects.any.copy()

    parsed: dict[str, pd.Series] = {}
    check_frame: dict[str, pd.Series] = {}
    # NIP columns last: the layout of pegawai.nip depends on status_kepegawaian
    order = sorted(spec.columns, key=lambda c: (c.kind == "nip", c.kind == "time_or_datetime"))
    for c in order:
        if c.name not in mapping.columns:
            empty = _empty(c.kind, n, c.vocabulary)
            parsed[c.name] = empty
            check_frame[c.name] = empty
            continue
        values = raw.data[mapping.columns[c.name]]
        col = header(c.name)
        if c.kind in ("str", "category", "periode"):
            text = _as_stripped_text(values)
            if c.kind == "category":
                canon = canonical_vocabulary(text, c.vocabulary, column=c.name)
                parsed[c.name] = canon
                check_frame[c.name] = canon.fillna(text)
            elif c.kind == "periode":
                upper = text.str.upper()
                parsed[c.name] = upper
                check_frame[c.name] = upper
            else:
                parsed[c.name] = text
                check_frame[c.name] = text
        elif c.kind in ("date", "datetime"):
            out, bad = parse_datetime(
                values, date_only=c.kind == "date", date_system=raw.date_system
            )
            bad = bad.to_numpy(dtype=bool)
            defects.add(
                np.flatnonzero(bad),
                col,
                [f"tanggal tidak dapat dibaca: {v}" for v in _quote(raw_cells(c.name, bad))],
            )
            parsed[c.name] = check_frame[c.name] = out
        elif c.kind == "time_or_datetime":
            out, bad = parse_time_or_datetime(
                values, parsed["tanggal"], date_system=raw.date_system
            )
            bad = bad.to_numpy(dtype=bool)
            defects.add(
                np.flatnonzero(bad),
                col,
                [f"waktu tidak dapat dibaca: {v}" for v in _quote(raw_cells(c.name, bad))],
            )
            parsed[c.name] = check_frame[c.name] = out
        elif c.kind in ("float", "int", "skm"):
            out, bad = parse_number(values)
            bad = bad.to_numpy(dtype=bool)
            if c.kind == "skm":
                msgs = [
                    f"jawaban SKM harus bilangan bulat 1..4 atau kosong: {v}"
                    for v in _quote(raw_cells(c.name, bad))
                ]
            else:
                msgs = [f"bukan angka: {v}" for v in _quote(raw_cells(c.name, bad))]
            defects.add(np.flatnonzero(bad), col, msgs)
            parsed[c.name] = check_frame[c.name] = out
        elif c.kind == "nip":
            nips = normalize_nip_series(values)
            parsed[c.name] = check_frame[c.name] = nips
            if spec.name == "pegawai" and c.name == "nip":
                pppk = parsed["status_kepegawaian"].eq("PPPK").fillna(False)
                problems = nip_problems(nips, pppk)
                bad = problems.notna().to_numpy(dtype=bool)
                if pppk_nip == "warn":
                    soft = bad & pppk.to_numpy(dtype=bool) & nips.str.len().eq(18).to_numpy()
                    warn(
                        soft,
                        c.name,
                        [
                            f"NI PPPK tidak mengikuti pola yang lazim (belum terkonfirmasi): {v} ({p})"
                            for v, p in zip(
                                _quote(raw_cells(c.name, soft)), problems[soft], strict=True
                            )
                        ],
                    )
                    bad = bad & ~soft
                defects.add(
                    np.flatnonzero(bad),
                    col,
                    [
                        f"NIP tidak sah: {v} ({p})"
                        for v, p in zip(_quote(raw_cells(c.name, bad)), problems[bad], strict=True)
                    ],
                )
                hints = nip_warnings(nips, pppk)
                hint_mask = hints.notna().to_numpy(dtype=bool) & ~bad
                warn(hint_mask, c.name, hints[hint_mask].tolist())
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(c.kind)

    # step 2: value rules; pandera only when plain pandas finds a value that breaks one
    frame = pd.DataFrame(check_frame, index=pd.RangeIndex(n))
    for err in () if _passes_plainly(spec, frame) else _schema_errors(spec, frame):
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        fc = fc.assign(
            rule=[
                _check_names(spec, col)[int(num)] if pd.notna(num) else str(chk)
                for col, num, chk in zip(fc["column"], fc["check_number"], fc["check"], strict=True)
            ]
        )
        for (name, check), grp in fc.groupby(["column", "rule"], sort=False):
            c = spec.column(name)
            pos = np.unique(grp["index"].astype(np.int64).to_numpy())
            already = defects.cell.get(header(name))
            if already is not None:
                pos = pos[~already[pos]]
            if check == "not_nullable" and name in mapping.columns:
                # a value that is present but became NA (e.g. a time whose date is bad) is not
                # a blank required value; its own defect is reported elsewhere
                blank = _as_stripped_text(raw.data[mapping.columns[name]].iloc[pos]).isna()
                pos = pos[blank.to_numpy(dtype=bool)]
            if not len(pos):
                continue
            mask = np.zeros(n, dtype=bool)
            mask[pos] = True
            raw_values = raw_cells(name, mask).tolist() if name in mapping.columns else [""]
            if len(raw_values) != len(pos):
                raw_values = [""] * len(pos)
            defects.add(pos, header(name), [_value_message(check, c, v) for v in raw_values])

    # skm.metode: "2017" unless the row says 2004 (KepmenPAN 25/2004, reference.md §1.6)
    if spec.name == "skm":
        metode = parsed["metode"]
        says_2004 = metode.str.contains("2004", regex=False).fillna(False)
        says_2017 = metode.str.contains("2017", regex=False).fillna(False)
        unknown = (metode.notna() & ~says_2004 & ~says_2017).to_numpy(dtype=bool)
        if "metode" in mapping.columns:
            defects.add(
                np.flatnonzero(unknown),
                header("metode"),
                [
                    f"metode tidak dikenal: {v} (yang sah: 2017 atau 2004)"
                    for v in _quote(raw_cells("metode", unknown))
                ],
            )
        parsed["metode"] = pd.Series(
            np.where(says_2004.to_numpy(dtype=bool), "2004", "2017"), dtype="str"
        )

    # step 3: date order
    for start, end in spec.date_order:
        a, b = parsed[start], parsed[end]
        if end not in mapping.columns or start not in mapping.columns:
            continue
        both_time = (a != a.dt.normalize()) & (b != b.dt.normalize())
        before = (b < a).where(both_time, b.dt.normalize() < a.dt.normalize())
        mask = before.fillna(False).to_numpy(dtype=bool)
        if mask.any():
            ends = raw_cells(end, mask).tolist()
            starts = raw_cells(start, mask).tolist()
            defects.add(
                np.flatnonzero(mask),
                header(end),
                [
                    f"{end} sebelum {start}: '{e}' < '{s}'"
                    for e, s in zip(ends, starts, strict=True)
                ],
            )

    # step 4: duplicate keys among sound rows
    if spec.key:
        sound = np.flatnonzero(~defects.any)
        keys = pd.DataFrame({k: parsed[k].iloc[sound] for k in spec.key})
        dup = keys.duplicated(keep="first").to_numpy()
        if dup.any():
            first_row = (
                pd.Series(raw.rows[sound], index=keys.index)
                .groupby([keys[k] for k in spec.key], dropna=False, sort=False)
                .transform("first")
            )
            dpos = sound[dup]
            label = ", ".join(spec.key)
            key_cols = ", ".join(header(k) for k in spec.key)
            key_text = pd.DataFrame(
                {k: text_of(raw.data[mapping.columns[k]].iloc[dpos]) for k in spec.key}
            )
            msgs = [
                f"kunci ganda ({label}) = "
                + ", ".join(f"'{v}'" for v in vals)
                + f": sudah ada pada baris {int(fr)}"
                for vals, fr in zip(
                    key_text.itertuples(index=False), first_row.to_numpy()[dup], strict=True
                )
            ]
            defects.add(dpos, key_cols, msgs)

    # step 5: references among sound rows
    for col, table in spec.references.items():
        if col not in mapping.columns or table not in refs.known:
            continue
        sound = ~defects.any
        values = parsed[col]
        present = values.notna().to_numpy(dtype=bool)
        known = values.isin(refs.known[table]).to_numpy(dtype=bool)
        mask = sound & present & ~known
        if not mask.any():
            continue
        in_q = values.isin(refs.quarantined.get(table, pd.Index([]))).to_numpy(dtype=bool)
        key = "kode_opd" if table == "opd" else "nip"
        vals = values[mask].tolist()
        msgs = [
            (
                f"{key} '{v}' hanya ada pada baris {table} yang dikarantina"
                if q
                else f"{key} tidak dikenal (tidak ada di tabel {table}): '{v}'"
            )
            for v, q in zip(vals, in_q[mask], strict=True)
        ]
        defects.add(np.flatnonzero(mask), header(col), msgs)

    accepted_mask = ~defects.any
    data = _typed(spec, parsed, mapping, raw, accepted_mask)

    # warnings on accepted rows
    acc_pos = np.flatnonzero(accepted_mask)
    if spec.name == "penilaian_skp" and "predikat" in mapping.columns:
        expected = predikat_matrix_lookup(data["rating_hasil_kerja"], data["rating_perilaku"])
        given = data["predikat"].astype("str")
        differ = (given.notna() & expected.notna() & given.ne(expected)).to_numpy(dtype=bool)
        if differ.any():
            mask = np.zeros(n, dtype=bool)
            mask[acc_pos[differ]] = True
            sub = data.loc[differ]
            warn(
                mask,
                "predikat",
                [
                    f"predikat '{p}' tidak sesuai matriks rating hasil kerja × rating perilaku: "
                    f"({h}, {r}) -> '{e}'"
                    for p, h, r, e in zip(
                        sub["predikat"].astype("str"),
                        sub["rating_hasil_kerja"].astype("str"),
                        sub["rating_perilaku"].astype("str"),
                        expected[differ],
                        strict=True,
                    )
                ],
            )
    if spec.name == "opd" and "kode_induk" in mapping.columns:
        induk = data["kode_induk"]
        unknown = (induk.notna() & ~induk.isin(data["kode_opd"])).to_numpy(dtype=bool)
        if unknown.any():
            mask = np.zeros(n, dtype=bool)
            mask[acc_pos[unknown]] = True
            warn(
                mask,
                "kode_induk",
                [f"kode_induk tidak ada di tabel opd: '{v}'" for v in induk[unknown]],
            )

    quarantine = _quarantine_frame(raw, defects)
    warn_frame = (
        pd.concat(warnings, ignore_index=True)
        if warnings
        else pd.DataFrame({c: pd.Series(dtype="str") for c in WARNING_COLUMNS})
    )
    if len(warn_frame):
        warn_frame["baris"] = warn_frame["baris"].astype("int64")
    return TableResult(spec.name, raw.berkas, data, quarantine, warn_frame, n)


def _typed(
    spec: TableSpec,
    parsed: dict[str, pd.Series],
    mapping: ColumnMapping,
    raw: RawTable,
    accepted: np.ndarray,
) -> pd.DataFrame:
    """Accepted rows with the dtypes of docs/architecture.md ("Typed tables after load()")."""
    pos = np.flatnonzero(accepted)
    out: dict[str, pd.Series] = {}
    for c in spec.columns:
        s = parsed[c.name].iloc[pos].reset_index(drop=True)
        if c.kind == "category":
            s = s.astype(pd.CategoricalDtype(list(c.vocabulary)))
        elif c.kind in ("date", "datetime", "time_or_datetime"):
            s = s.astype(DATETIME_DTYPE)
        elif c.kind == "float":
            s = s.astype("float64")
        elif c.kind == "int":
            s = s.astype("Int64")
        elif c.kind == "skm":
            s = s.astype("Int8")
        else:
            s = s.astype("str")
        out[c.name] = s
    for name, src in mapping.extras.items():
        out[name] = _as_stripped_text(raw.data[src].iloc[pos]).reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(pos)))


def _quarantine_frame(raw: RawTable, defects: _Defects) -> pd.DataFrame:
    """Rejected rows unchanged (as text) + ``_berkas, _baris, _kolom, _alasan``."""
    found = defects.frame()
    pos = found["pos"].to_numpy(dtype=np.int64)
    body = raw.raw_text(pos).reset_index(drop=True)
    body = body.astype("str") if len(body.columns) else body
    body["_berkas"] = raw.berkas
    body["_baris"] = pd.Series(raw.rows[pos], dtype="int64")
    body["_kolom"] = pd.Series(found["kolom"].to_numpy(), dtype="str")
    body["_alasan"] = pd.Series(found["alasan"].to_numpy(), dtype="str")
    return body


def reference_keys(result: TableResult, raw: RawTable, column: str) -> tuple[pd.Index, pd.Index]:
    """Known keys (accepted rows) and keys only present on quarantined rows."""
    known = pd.Index(result.data[column].dropna().unique())
    q = result.quarantine
    src = None
    for raw_name, norm in zip(raw.data.columns, raw.headers, strict=True):
        if norm == column:
            src = raw_name
            break
    if src is None or not len(q):
        return known, pd.Index([])
    values = q[src].astype("str")
    values = values.str.replace(r"\s+", "", regex=True) if column == "nip" else values.str.strip()
    values = values.str.replace(r"^'", "", regex=True) if column == "nip" else values
    qkeys = pd.Index(values[values.ne("")].unique()).difference(known)
    return known, qkeys


__all__ = [
    "QUARANTINE_COLUMNS",
    "WARNING_COLUMNS",
    "ColumnMapping",
    "References",
    "TableResult",
    "map_columns",
    "reference_keys",
    "validate_table",
]
