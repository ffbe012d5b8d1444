"""Service time, SLA, stages, bottlenecks, variants, rework, backlog and throughput.

Implements issue 3 items 4 and 9 on the ``layanan`` event log of the data contract (one row = one
stage of one request: ``id_permohonan, kode_opd, jenis_layanan, tahap, mulai, selesai``) against the
published ``standar_layanan`` (``jangka_waktu_hari_kerja``, the *jangka waktu penyelesaian* of UU
25/2009 Pasal 21 / PermenPANRB 15/2014, reference.md §4.1).

Definitions (the data contract, ``layanan`` and "Working days"):

- Stages of one request are ordered by ``mulai`` (ties by ``selesai``, then by row order).
- **Lead time** ``hari_kerja`` = ``numpy.busday_count(first mulai date, last selesai date)`` with the
  OPD's :class:`~kinerja.domain.calendar.WorkCalendar` (same day 0, next working day 1). "Last selesai" is
  the latest ``selesai`` of the request's stages.
- A request is **on time** (``tepat_waktu``) when ``hari_kerja <= jangka_waktu_hari_kerja``; NA
  when the service has no standard.
- **Open requests**: a stage with ``mulai`` but no ``selesai`` is still in progress. Its request
  is ``dalam_proses``: ``selesai``, ``hari_kerja`` and ``tepat_waktu`` are NA (not yet known),
  it counts in ``n_permohonan`` and in the backlog, not in medians, P90 or the on-time share. The
  open stage's processing time (and the wait after it) is NA; finished stages count as usual.
  A missing ``mulai`` is an error.
- **Waiting** before a stage (``tunggu_jam``) = its ``mulai`` minus the previous stage's ``selesai``,
  in hours; 0 for the first stage. When stages overlap (a stage starts before the previous one
  ended) the gap is negative and is counted as 0: overlap is not waiting. **Processing**
  (``proses_jam``) = ``selesai - mulai`` in hours.
- **Percentiles** (median, P90) are everywhere the linear-interpolation quantile of numpy's default
  ``method="linear"`` (Hyndman–Fan type 7, also pandas' default): for sorted values
  ``x[0..n-1]``, ``Q(p) = x[j] + (h - j)(x[j+1] - x[j])`` with ``h = (n - 1) p``, ``j = floor(h)``.
- **Period** (``periode=``): a request belongs to the period in which it was submitted, i.e. in
  which its **first** ``mulai`` falls, and all its stages go with it. A request is therefore never
  split across periods and its lead time is complete; a request submitted late in one period and
  finished in the next is counted in the first. :func:`throughput` (completions) and
  :func:`backlog` (a running balance) use their own date, see there.

Engine: numpy on integer codes, chosen by measurement on this 2-core machine (shared with other
jobs, so wall times were noisy; CPU times are steadier):

- A DuckDB query for the request table (window ``lag`` over requests, then ``GROUP BY`` with
  ``string_agg`` for the path and ``count(DISTINCT tahap)`` for rework) took 2.5 s at 1 M events
  and 27 s at 10 M; the numpy path builds all tables in about 0.5 s CPU at 1 M and 4–5 s CPU at
  10 M (``bench/bench_service.py``; figures in ``bench/_work/bench_service.json``). DuckDB is
  therefore not used here.
- Costly steps: finding the request of each row and, when the log is not already grouped by
  request and ordered by ``mulai``, one sort. Request ids are compared with their neighbour
  (Arrow); in a grouped log only one id per request is hashed. A shuffled log needs a full hash
  of 10 M strings and an ``argsort`` and is 2–3 times slower (about 13 s CPU at 10 M).
- Paths are packed exactly into one integer per request (stage codes in fixed-width bit
  fields), rework is a bit mask per request, group medians/P90 use one radix sort of the group
  codes and a partial sort per group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode

__all__ = [
    "ARROW",
    "SERVICE_KEYS",
    "backlog",
    "bottleneck_stages",
    "grouped_quantile",
    "request_table",
    "rework",
    "service_summary",
    "service_tables",
    "stage_summary",
    "stage_table",
    "throughput",
    "variants",
]

SERVICE_KEYS = ("kode_opd", "jenis_layanan")
ARROW = " → "
_NS_PER_HOUR = 3_600_000_000_000
_REQUIRED = ("id_permohonan", "kode_opd", "jenis_layanan", "tahap", "mulai", "selesai")

Calendars = WorkCalendar | Mapping[str, WorkCalendar]


# ---------------------------------------------------------------------------------------------
# small array helpers


def _codes(values: pd.Series | pd.Index | np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (order of first appearance; any int dtype) and uniques.

    Categorical codes are reused; Arrow-backed strings use Arrow's dictionary encoding.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if (codes < 0).any():
            raise ValueError(f"kolom {values.name}: ada nilai kosong")
        cats = values.cat.categories
        used = np.zeros(len(cats), dtype=bool)
        used[codes] = True
        if used.all():
            return codes, pd.Index(cats)
        remap = np.cumsum(used) - 1
        return remap[codes], pd.Index(cats[used])
    arr = getattr(values, "array", None)
    pa_arr = getattr(arr, "_pa_array", None)
    if pa_arr is not None:  # pandas' Arrow-backed str: Arrow's dictionary encoding is faster
        enc = pa_arr.combine_chunks().dictionary_encode()
        if enc.null_count:
            raise ValueError(f"kolom {getattr(values, 'name', '')}: ada nilai kosong")
        return (
            enc.indices.to_numpy(zero_copy_only=False),
            pd.Index(pd.array(enc.dictionary, dtype=values.dtype)),
        )
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():
        raise ValueError(f"kolom {getattr(values, 'name', '')}: ada nilai kosong")
    return codes, pd.Index(uniques)


_NAT = np.iinfo(np.int64).min


def _ns(values: pd.Series, name: str, *, allow_missing: bool = False) -> np.ndarray:
    """datetime64 column → int64 nanoseconds (NaT = int64 min); missing is an error unless allowed."""
    arr = values.to_numpy()
    if arr.dtype.kind != "M":
        arr = pd.to_datetime(values).to_numpy()
    if arr.dtype != np.dtype("datetime64[ns]"):
        arr = arr.astype("datetime64[ns]")
    out = arr.view(np.int64)
    if allow_missing:
        return out
    nat = out == _NAT
    if nat.any():
        first = values.index[np.flatnonzero(nat)[0]]
        raise ValueError(
            f"layanan: kolom {name} kosong pada {int(nat.sum())} baris (pertama: indeks {first}); "
            "setiap tahap harus punya waktu mulai dan selesai"
        )
    return out


def _dense(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..k-1 for non-negative int keys (sorted by key) and the present keys."""
    if len(keys) == 0:
        return keys.astype(np.int64), keys.astype(np.int64)
    top = int(keys.max()) + 1
    if top <= 50_000_000:
        present = np.bincount(keys, minlength=top) > 0
        remap = np.cumsum(present) - 1
        return remap[keys], np.flatnonzero(present)
    uniq, inv = np.unique(keys, return_inverse=True)
    return inv.astype(np.int64), uniq


def _group_order(codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order that groups ``codes`` and the group boundaries (len n_groups + 1)."""
    if n_groups <= np.iinfo(np.int16).max:
        order = np.argsort(codes.astype(np.int16), kind="stable")  # radix sort, O(n)
    else:
        order = np.argsort(codes, kind="stable")
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    bounds[1:] = np.cumsum(np.bincount(codes, minlength=n_groups))
    return order, bounds


def _quantile_linear(x: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """``numpy.quantile(x, qs)`` (method "linear") via one partial sort; ``x`` non-empty."""
    n = len(x)
    h = (n - 1) * np.asarray(qs, dtype=np.float64)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    a, b = part[lo], part[hi]
    return a + (h - lo) * (b - a)


def grouped_quantile(
    codes: np.ndarray, n_groups: int, values: np.ndarray, qs: Sequence[float]
) -> np.ndarray:
    """Quantiles ``qs`` of ``values`` per group (``codes`` in ``0..n_groups-1``).

    NaN values are ignored. Returns an array of shape ``(n_groups, len(qs))`` (NaN for an empty
    group). The quantile is numpy's default linear interpolation (see module notes), so results
    equal ``numpy.quantile`` and pandas' ``GroupBy.quantile``.
    """
    return _grouped_quantiles(codes, n_groups, [values], qs)[0]


def _grouped_quantiles(
    codes: np.ndarray, n_groups: int, arrays: Sequence[np.ndarray], qs: Sequence[float]
) -> list[np.ndarray]:
    """:func:`grouped_quantile` for several value arrays sharing one grouping (one sort)."""
    outs = [np.full((n_groups, len(qs)), np.nan) for _ in arrays]
    if len(codes) == 0:
        return outs
    order, bounds = _group_order(codes, n_groups)
    for values, out in zip(arrays, outs, strict=True):
        v = np.asarray(values, dtype=np.float64)[order]
        for g in range(n_groups):
            a, b = bounds[g], bounds[g + 1]
            if b > a:
                seg = v[a:b]
                nan = np.isnan(seg)
                if nan.any():
                    seg = seg[~nan]
                if len(seg):
                    out[g] = _quantile_linear(seg, qs)
    return outs


def _check_columns(df: pd.DataFrame, cols: Sequence[str], table: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{table}: kolom wajib tidak ada: {', '.join(missing)}")


def _calendar_for(calendars: Calendars, kode_opd: pd.Index) -> list[WorkCalendar]:
    if isinstance(calendars, WorkCalendar):
        return [calendars] * len(kode_opd)
    missing = [k for k in kode_opd if k not in calendars]
    if missing:
        raise ValueError(
            "kalender kerja tidak ada untuk kode_opd: " + ", ".join(map(str, missing[:10]))
        )
    return [calendars[k] for k in kode_opd]


def _busday_by_opd(
    start_ns: np.ndarray, end_ns: np.ndarray, opd_code: np.ndarray, cals: list[WorkCalendar]
) -> np.ndarray:
    """busday_count(start date, end date) with the calendar of each row's OPD."""
    s = start_ns.astype("datetime64[ns]").astype("datetime64[D]")
    e = end_ns.astype("datetime64[ns]").astype("datetime64[D]")
    uniq: dict[WorkCalendar, list[int]] = {}
    for i, c in enumerate(cals):
        uniq.setdefault(c, []).append(i)
    if len(uniq) == 1:
        cal = next(iter(uniq))
        return np.busday_count(s, e, busdaycal=cal.busdaycalendar).astype(np.int64)
    out = np.empty(len(s), dtype=np.int64)
    for cal, opds in uniq.items():
        mask = np.isin(opd_code, np.asarray(opds))
        out[mask] = np.busday_count(s[mask], e[mask], busdaycal=cal.busdaycalendar)
    return out


# ---------------------------------------------------------------------------------------------
# the event core: one pass over the log, shared by all tables


@dataclass
class _Core:
    order: np.ndarray | None  # permutation original row -> sorted position (None = already sorted)
    starts: np.ndarray  # first event of each request (sorted positions)
    counts: np.ndarray
    pos: np.ndarray  # position of each sorted event within its request (0 = first)
    req_of_event: np.ndarray  # request index per sorted event
    tc: np.ndarray  # tahap code per sorted event
    tahap: pd.Index
    mulai: np.ndarray  # ns, sorted
    selesai: np.ndarray
    tunggu_h: np.ndarray  # hours, NaN after an open stage
    proses_h: np.ndarray  # hours, NaN for an open stage
    open_req: np.ndarray  # request has a stage without selesai
    ids: pd.Index  # id_permohonan per request
    opd: np.ndarray  # OPD code per request
    opd_names: pd.Index
    svc: np.ndarray  # service code per request
    svc_opd: np.ndarray  # per service: OPD code
    svc_jenis: pd.Index  # per service: jenis_layanan
    first_mulai: np.ndarray
    last_selesai: np.ndarray  # NaT (int64 min) for an open request
    hari_kerja: np.ndarray  # float, NaN for an open request
    standar: np.ndarray  # float, NaN = no standard
    variant: np.ndarray
    variant_names: list[str]
    repeated: np.ndarray
    cals: list[WorkCalendar]


def _request_codes(ids_col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``id_permohonan`` (0..R-1 in order of first appearance) and the ids.

    Consecutive equal ids form a block; only the first id of each block is hashed. A log grouped
    by request (the usual export) hashes one id per request instead of one per row; a shuffled
    log costs about the same as a plain factorisation.
    """
    pa_arr = getattr(getattr(ids_col, "array", None), "_pa_array", None)
    n = len(ids_col)
    if pa_arr is None or n < 2:
        return _codes(ids_col)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa_arr.combine_chunks()
    if arr.null_count:
        raise ValueError("layanan: kolom id_permohonan kosong pada sebagian baris")
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = pc.not_equal(arr.slice(1), arr.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    block = np.cumsum(new, dtype=np.int64)
    block -= 1
    n_blocks = int(block[-1]) + 1
    if n_blocks > n // 2:  # not grouped by request (e.g. shuffled): encode every row directly
        enc = arr.dictionary_encode()
        return (
            enc.indices.to_numpy(zero_copy_only=False).astype(np.int64),
            pd.Index(pd.array(enc.dictionary, dtype=ids_col.dtype)),
        )
    heads = arr.take(pa.array(np.flatnonzero(new)))
    enc = heads.dictionary_encode()
    head_codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    ids = pd.Index(pd.array(enc.dictionary, dtype=ids_col.dtype))
    if len(ids) == len(head_codes):  # every request in one block: codes are the block numbers
        return block, ids
    return head_codes[block], ids


def _sort_events(rid: np.ndarray, m: np.ndarray, s: np.ndarray) -> np.ndarray | None:
    """Permutation ordering events by (request, mulai, selesai, row); None when already so."""
    n = len(rid)

    def ordered(r: np.ndarray, mm: np.ndarray, ss: np.ndarray, rows: np.ndarray | None) -> bool:
        if n < 2:
            return True
        if not np.all(r[1:] >= r[:-1]):
            return False
        same = r[1:] == r[:-1]
        dm = mm[1:] - mm[:-1]
        ok = ~same | (dm > 0)
        if ok.all():
            return True
        tie = same & (dm == 0)
        if np.any(tie & (ss[1:] < ss[:-1])):
            return False
        if rows is not None:
            full_tie = tie & (ss[1:] == ss[:-1])
            return not np.any(full_tie & (rows[1:] < rows[:-1]))
        return bool(np.all(ok | tie))

    if ordered(rid, m, s, None):
        return None
    # one argsort on a combined key (request, second of mulai); exact order checked afterwards
    span = (m.max() - m.min()) // 1_000_000_000 if n else 0
    if n and rid.max() < 2**31 and span < 2**32:
        key = (rid.astype(np.int64) << 32) | ((m - m.min()) // 1_000_000_000)
        order = np.argsort(key)
        if ordered(rid[order], m[order], s[order], order):
            return order
    return np.lexsort((np.arange(n), s, m, rid))


def _core(layanan: pd.DataFrame, standar: pd.DataFrame | None, calendars: Calendars) -> _Core:
    _check_columns(layanan, _REQUIRED, "layanan")
    n = len(layanan)
    rid, ids = _request_codes(layanan["id_permohonan"])
    m = _ns(layanan["mulai"], "mulai")
    s = _ns(layanan["selesai"], "selesai", allow_missing=True)
    order = _sort_events(rid, m, s)
    if order is not None:
        rid, m, s = rid[order], m[order], s[order]
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        new[1:] = rid[1:] != rid[:-1]
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, n))
    req_of_event = rid  # codes are 0..R-1 in order of first appearance, and now sorted
    pos = np.arange(n, dtype=np.int64)
    pos -= np.repeat(starts, counts)
    # rid is sorted and codes are 0..R-1 in order of first appearance, so request r is ids[r]
    first_rows = starts if order is None else order[starts]
    # per-request OPD and service come from the first stage
    opd_col = layanan["kode_opd"]
    jenis_col = layanan["jenis_layanan"]
    opd_first = opd_col.take(first_rows) if len(first_rows) else opd_col.iloc[:0]
    jenis_first = jenis_col.take(first_rows) if len(first_rows) else jenis_col.iloc[:0]
    opd, opd_names = _codes(opd_first)
    jenis, jenis_names = _codes(jenis_first)
    svc, svc_keys = _dense(opd * max(len(jenis_names), 1) + jenis)
    svc_opd = svc_keys // max(len(jenis_names), 1)
    svc_jenis = jenis_names.take(svc_keys % max(len(jenis_names), 1))
    # tahap per event: encode in the log's order (sequential), then permute the integer codes
    tc, tahap_names = _codes(layanan["tahap"])
    if order is not None:
        tc = tc[order]
    # times
    first_mulai = m[starts]
    open_ev = s == _NAT  # a stage still in progress (no selesai yet)
    any_open = bool(open_ev.any())
    last_selesai = np.maximum.reduceat(s, starts) if n else s[:0]
    if any_open:
        open_req = np.logical_or.reduceat(open_ev, starts)
        last_selesai[open_req] = _NAT
    else:
        open_req = np.zeros(len(starts), dtype=bool)
    tunggu = np.zeros(n, dtype=np.float64)
    if n > 1:
        np.subtract(m[1:], s[:-1], out=tunggu[1:], casting="unsafe")
        if any_open:
            tunggu[1:][open_ev[:-1]] = np.nan
    tunggu[starts] = 0.0
    np.maximum(tunggu, 0.0, out=tunggu)  # NaN stays NaN
    tunggu /= _NS_PER_HOUR
    proses = (s - m) / _NS_PER_HOUR
    if any_open:
        proses[open_ev] = np.nan
    cals = _calendar_for(calendars, opd_names)
    if any_open:
        hari_kerja = np.full(len(starts), np.nan)
        done = ~open_req
        hari_kerja[done] = _busday_by_opd(first_mulai[done], last_selesai[done], opd[done], cals)
    else:
        hari_kerja = _busday_by_opd(first_mulai, last_selesai, opd, cals).astype(np.float64)
    # standard per service
    std = np.full(len(svc_keys), np.nan)
    if standar is not None and len(standar):
        _check_columns(standar, (*SERVICE_KEYS, "jangka_waktu_hari_kerja"), "standar_layanan")
        lookup = (
            standar.drop_duplicates(list(SERVICE_KEYS), keep="first")
            .set_index(list(SERVICE_KEYS))["jangka_waktu_hari_kerja"]
            .astype("Float64")
        )
        keys = pd.MultiIndex.from_arrays(
            [opd_names.take(svc_opd).astype(str), svc_jenis.astype(str)]
        )
        lookup.index = pd.MultiIndex.from_arrays(
            [
                lookup.index.get_level_values(0).astype(str),
                lookup.index.get_level_values(1).astype(str),
            ]
        )
        std = lookup.reindex(keys).to_numpy(dtype=np.float64, na_value=np.nan)
    variant, variant_names = _variants(tc, pos, starts, counts, tahap_names)
    repeated = _repeated(tc, starts, counts, req_of_event, len(tahap_names))
    return _Core(
        order=order,
        starts=starts,
        counts=counts,
        pos=pos,
        req_of_event=req_of_event,
        tc=tc,
        tahap=tahap_names,
        mulai=m,
        selesai=s,
        tunggu_h=tunggu,
        proses_h=proses,
        open_req=open_req,
        ids=ids,
        opd=opd,
        opd_names=opd_names,
        svc=svc,
        svc_opd=svc_opd,
        svc_jenis=svc_jenis,
        first_mulai=first_mulai,
        last_selesai=last_selesai,
        hari_kerja=hari_kerja,
        standar=std[svc] if len(svc) else std[:0],
        variant=variant,
        variant_names=variant_names,
        repeated=repeated,
        cals=cals,
    )


def _variants(
    tc: np.ndarray, pos: np.ndarray, starts: np.ndarray, counts: np.ndarray, names: pd.Index
) -> tuple[np.ndarray, list[str]]:
    """Variant code per request (identical stage sequences share a code) and variant names.

    The sequence is packed exactly into one integer, ``Σ (tahap code + 1) << (bits × position)``,
    when it fits in 63 bits (e.g. up to 21 stages with at most 7 stage names); otherwise the key
    is the exact tuple of stage codes (slower).
    """
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64), []
    maxlen = int(counts.max())
    bits = max(int(len(names)).bit_length(), 1)
    if bits * maxlen <= 63:
        term = (tc + 1).astype(np.int64)
        term <<= bits * pos
        key = np.add.reduceat(term, starts)
        codes, _ = pd.factorize(key)
    else:
        keys = [tuple(tc[a : a + c]) for a, c in zip(starts, counts, strict=True)]
        codes, _ = pd.factorize(pd.Series(keys, dtype=object))
    n_var = int(codes.max()) + 1
    first = np.full(n_var, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    labels = np.asarray(names, dtype=object)
    variant_names = [ARROW.join(labels[tc[starts[r] : starts[r] + counts[r]]]) for r in first]
    return codes.astype(np.int64), variant_names


def _repeated(
    tc: np.ndarray, starts: np.ndarray, counts: np.ndarray, req: np.ndarray, n_tahap: int
) -> np.ndarray:
    """Per request: does any tahap occur more than once?"""
    if len(starts) == 0:
        return np.zeros(0, dtype=bool)
    if n_tahap <= 63:
        bits = np.left_shift(np.uint64(1), tc.astype(np.uint64))
        mask = np.bitwise_or.reduceat(bits, starts)
        return np.bitwise_count(mask).astype(np.int64) < counts
    dup = pd.DataFrame({"r": req, "t": tc}).duplicated().to_numpy()
    return np.bincount(req[dup], minlength=len(starts)) > 0


def _in_period(core: _Core, periode: str | Periode | None) -> np.ndarray | None:
    if periode is None:
        return None
    p = Periode.parse(periode)
    day = core.first_mulai.astype("datetime64[ns]").astype("datetime64[D]")
    return (day >= np.datetime64(p.start.date())) & (day <= np.datetime64(p.end.date()))


# ---------------------------------------------------------------------------------------------
# building tables from the core


def _requests_frame(core: _Core, keep: np.ndarray | None) -> pd.DataFrame:
    sel = slice(None) if keep is None else keep
    std = core.standar[sel]
    hk = core.hari_kerja[sel]
    tepat = pd.array(hk <= std, dtype="boolean")
    tepat[np.isnan(std) | np.isnan(hk)] = pd.NA
    last = core.last_selesai[sel].astype("datetime64[ns]")
    opd_cat = pd.Categorical.from_codes(core.opd[sel], categories=core.opd_names.astype(str))
    jenis_names = core.svc_jenis.astype(str)
    jenis_cats = pd.Index(pd.unique(np.asarray(jenis_names)))
    jenis_codes = jenis_cats.get_indexer(jenis_names)[core.svc[sel]]
    return pd.DataFrame(
        {
            "id_permohonan": core.ids[sel] if keep is not None else core.ids,
            "kode_opd": opd_cat,
            "jenis_layanan": pd.Categorical.from_codes(jenis_codes, categories=jenis_cats),
            "mulai": core.first_mulai[sel].astype("datetime64[ns]"),
            "selesai": last,
            "hari_kerja": pd.array(hk, dtype="Float64").astype("Int64"),
            "standar_hari": pd.array(std, dtype="Float64").astype("Int64"),
            "tepat_waktu": tepat,
            "n_tahap": core.counts[sel],
            "jalur": pd.Categorical.from_codes(
                core.variant[sel], categories=pd.Index(core.variant_names, dtype="str")
            ),
            "ada_pengulangan": core.repeated[sel],
            "dalam_proses": core.open_req[sel],
        }
    )


def request_table(
    layanan: pd.DataFrame,
    standar: pd.DataFrame | None,
    calendars: Calendars,
    *,
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """One row per request: lead time in working days and whether it met its standard.

    Parameters
    ----------
    layanan : DataFrame
        The event log (data contract ``layanan``); any row order.
    standar : DataFrame or None
        ``standar_layanan`` (``kode_opd, jenis_layanan, jangka_waktu_hari_kerja``).
    calendars : WorkCalendar or mapping kode_opd → WorkCalendar
        One calendar for all OPDs, or one per OPD (:func:`kinerja.domain.calendar.calendars_for_opd`).
    periode : str or Periode, optional
        Keep requests whose first ``mulai`` falls in the period.

    Returns
    -------
    DataFrame
        ``id_permohonan, kode_opd, jenis_layanan, mulai, selesai, hari_kerja (Int64),
        standar_hari (Int64), tepat_waktu (boolean), n_tahap, jalur, ada_pengulangan,
        dalam_proses`` in order of first appearance in the log. ``kode_opd``, ``jenis_layanan``
        and ``jalur`` are categorical.

    Notes
    -----
    UU 25/2009 Pasal 21 huruf c / PermenPANRB 15/2014 (reference.md §4.1): the standard's
    *jangka waktu penyelesaian* is the SLA. ``hari_kerja = busday_count(date(min mulai),
    date(max selesai))`` with the OPD calendar; ``tepat_waktu = hari_kerja <= standar_hari``.
    ``kode_opd`` and ``jenis_layanan`` are those of the request's first stage. ``jalur`` joins
    the stage names in ``mulai`` order with ``" → "``; ``ada_pengulangan`` is true when a stage
    name occurs more than once.
    """
    core = _core(layanan, standar, calendars)
    return _requests_frame(core, _in_period(core, periode))


def _stage_frame(
    layanan: pd.DataFrame,
    core: _Core,
    keep_req: np.ndarray | None,
    working_days: bool,
    hours: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    n = len(layanan)
    pos = core.pos
    tunggu, proses = (core.tunggu_h, core.proses_h) if hours is None else hours
    cols = {"urutan": pos + 1, "tunggu_jam": tunggu, "proses_jam": proses}
    if working_days:
        prev_selesai = np.empty(n, dtype=np.int64)
        prev_selesai[1:] = core.selesai[:-1]
        first = np.zeros(n, dtype=bool)
        first[core.starts] = True
        prev_selesai[first] = core.mulai[first]
        opd_ev = core.opd[core.req_of_event]
        ok_prev = prev_selesai != _NAT
        ok_self = core.selesai != _NAT
        prev_for_wait = np.where(ok_prev, np.minimum(prev_selesai, core.mulai), core.mulai)
        wait_d = np.full(n, np.nan)
        proc_d = np.full(n, np.nan)
        wait_d[ok_prev] = _busday_by_opd(
            prev_for_wait[ok_prev], core.mulai[ok_prev], opd_ev[ok_prev], core.cals
        )
        proc_d[ok_self] = _busday_by_opd(
            core.mulai[ok_self], core.selesai[ok_self], opd_ev[ok_self], core.cals
        )
        cols["tunggu_hari_kerja"] = pd.array(wait_d, dtype="Float64").astype("Int64")
        cols["proses_hari_kerja"] = pd.array(proc_d, dtype="Float64").astype("Int64")
    if core.order is None:
        out = layanan.copy(deep=False)
        for k, v in cols.items():
            out[k] = v
    else:
        inv = np.empty(n, dtype=np.int64)
        inv[core.order] = np.arange(n)
        out = layanan.copy(deep=False)
        for k, v in cols.items():
            out[k] = v[inv]
    if keep_req is not None:
        keep_ev = keep_req[core.req_of_event]
        if core.order is not None:
            keep_ev = keep_ev[inv]
        out = out.loc[keep_ev]
    return out


def stage_table(
    layanan: pd.DataFrame,
    calendars: Calendars | None = None,
    *,
    periode: str | Periode | None = None,
    working_days: bool = False,
) -> pd.DataFrame:
    """The event log with waiting and processing time per stage.

    Returns
    -------
    DataFrame
        The rows of ``layanan`` (same order and index) plus ``urutan`` (1 = first stage of the
        request), ``tunggu_jam`` and ``proses_jam`` (hours), and with ``working_days=True``
        ``tunggu_hari_kerja`` and ``proses_hari_kerja`` (``busday_count`` of the dates, OPD
        calendar; needs ``calendars``).

    Notes
    -----
    Data contract ``layanan``: waiting before a stage = its ``mulai`` − the previous stage's
    ``selesai`` (first stage 0, an overlap counts as 0); processing = ``selesai − mulai``.
    """
    if working_days and calendars is None:
        raise ValueError("working_days=True memerlukan kalender kerja (calendars)")
    core = _core(layanan, None, calendars if calendars is not None else WorkCalendar())
    return _stage_frame(layanan, core, _in_period(core, periode), working_days)


def _stage_summary_arrays(
    svc_ev: np.ndarray,
    n_svc: int,
    tc: np.ndarray,
    n_tahap: int,
    tunggu: np.ndarray,
    proses: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Per (service, tahap) group: n, median/P90 of tunggu and proses, porsi_waktu."""
    k = n_svc * n_tahap
    g = svc_ev * n_tahap + tc  # group key; empty groups are dropped at the end
    cnt = np.bincount(g, minlength=k)
    total = np.nan_to_num(tunggu) + np.nan_to_num(proses)  # an open stage adds its known part
    sum_g = np.bincount(g, weights=total, minlength=k)
    svc_of_g = np.arange(k) // n_tahap
    sum_svc = np.bincount(svc_of_g, weights=sum_g, minlength=n_svc)
    qt, qp = _grouped_quantiles(g, k, [tunggu, proses], (0.5, 0.9))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sum_svc[svc_of_g] > 0, sum_g / sum_svc[svc_of_g], np.nan)
    present = cnt > 0
    frame = pd.DataFrame(
        {
            "n": cnt[present].astype(np.int64),
            "median_tunggu_jam": qt[present, 0],
            "p90_tunggu_jam": qt[present, 1],
            "median_proses_jam": qp[present, 0],
            "p90_proses_jam": qp[present, 1],
            "total_jam": sum_g[present],
            "porsi_waktu": share[present],
        }
    )
    keys = np.flatnonzero(present)
    return frame, keys // n_tahap, keys % n_tahap


def _bottleneck_arrays(
    svc_ev: np.ndarray,
    n_svc: int,
    tc: np.ndarray,
    n_tahap: int,
    total: np.ndarray,
    missed_ev: np.ndarray,
    missed_req_per_svc: np.ndarray,
    req_per_svc: np.ndarray,
    tahap_names: np.ndarray,
) -> pd.DataFrame:
    has_missed = missed_req_per_svc > 0
    use = np.where(has_missed[svc_ev], missed_ev, True)
    key = svc_ev * n_tahap + tc
    sums = np.bincount(key[use], weights=total[use], minlength=n_svc * n_tahap).reshape(
        n_svc, n_tahap
    )
    present = np.bincount(key[use], minlength=n_svc * n_tahap).reshape(n_svc, n_tahap) > 0
    masked = np.where(present, sums, -np.inf)
    # ties go to the alphabetically first stage name, whatever the row order of the log
    perm = np.argsort(np.asarray(tahap_names, dtype=object)[:n_tahap], kind="stable")
    best = perm[masked[:, perm].argmax(axis=1)] if n_svc else np.zeros(0, dtype=np.int64)
    best_sum = sums[np.arange(n_svc), best]
    basis_total = sums.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(basis_total > 0, best_sum / basis_total, np.nan)
    return pd.DataFrame(
        {
            "tahap_code": best,
            "dasar": np.where(has_missed, "permohonan terlambat", "semua permohonan"),
            "n_permohonan_dasar": np.where(has_missed, missed_req_per_svc, req_per_svc),
            "jam_tahap_hambatan": best_sum,
            "porsi_tahap_hambatan": share,
        }
    )


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """Per ``kode_opd, jenis_layanan, tahap``: waiting and processing time and share of lead time.

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`stage_table`.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, tahap, n, median_tunggu_jam, p90_tunggu_jam,
        median_proses_jam, p90_proses_jam, total_jam, porsi_waktu``.

    Notes
    -----
    ``porsi_waktu`` = Σ(tunggu + proses) of the stage / Σ(tunggu + proses) of all stages of the
    service, so the shares of one service sum to 1. Median and P90: linear interpolation (module
    notes).
    """
    _check_columns(stages, (*SERVICE_KEYS, "tahap", "tunggu_jam", "proses_jam"), "tahap")
    opd, opd_names = _codes(stages["kode_opd"])
    jenis, jenis_names = _codes(stages["jenis_layanan"])
    svc, svc_keys = _dense(opd * max(len(jenis_names), 1) + jenis)
    tc, tahap_names = _codes(stages["tahap"])
    frame, svc_of_g, tc_of_g = _stage_summary_arrays(
        svc,
        len(svc_keys),
        tc,
        max(len(tahap_names), 1),
        stages["tunggu_jam"].to_numpy(dtype=np.float64),
        stages["proses_jam"].to_numpy(dtype=np.float64),
    )
    nj = max(len(jenis_names), 1)
    head = pd.DataFrame(
        {
            "kode_opd": np.asarray(opd_names.astype(str))[svc_keys[svc_of_g] // nj],
            "jenis_layanan": np.asarray(jenis_names.astype(str))[svc_keys[svc_of_g] % nj],
            "tahap": np.asarray(tahap_names.astype(str))[tc_of_g],
        }
    )
    out = pd.concat([head, frame], axis=1)
    return out.sort_values([*SERVICE_KEYS, "tahap"], kind="stable").reset_index(drop=True)


def bottleneck_stages(stages: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """The bottleneck stage of each service.

    Parameters
    ----------
    stages : DataFrame
        Output of :func:`stage_table` (needs ``id_permohonan, kode_opd, jenis_layanan, tahap,
        tunggu_jam, proses_jam``).
    requests : DataFrame
        Output of :func:`request_table` (needs ``id_permohonan, tepat_waktu``).

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, tahap_hambatan, dasar, n_permohonan_dasar,
        jam_tahap_hambatan, porsi_tahap_hambatan``.

    Notes
    -----
    Issue 3 item 4: the stage contributing most time Σ(tunggu_jam + proses_jam) to the requests
    that **missed** their standard (``tepat_waktu`` false); when no request of the service missed
    (or the service has no standard), to all its requests. ``dasar`` says which basis
    ("permohonan terlambat" / "semua permohonan"); ``porsi_tahap_hambatan`` is the stage's share
    of the basis time. Ties go to the alphabetically first stage name.
    """
    _check_columns(
        stages, ("id_permohonan", *SERVICE_KEYS, "tahap", "tunggu_jam", "proses_jam"), "tahap"
    )
    _check_columns(requests, ("id_permohonan", *SERVICE_KEYS, "tepat_waktu"), "permohonan")
    ids_req = pd.Index(requests["id_permohonan"].astype(str))
    ridx = ids_req.get_indexer(stages["id_permohonan"].astype(str))
    if (ridx < 0).any():
        stages = stages.loc[ridx >= 0]
        ridx = ridx[ridx >= 0]
    missed_req = (requests["tepat_waktu"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    opd, opd_names = _codes(stages["kode_opd"])
    jenis, jenis_names = _codes(stages["jenis_layanan"])
    nj = max(len(jenis_names), 1)
    svc, svc_keys = _dense(opd * nj + jenis)
    tc, tahap_names = _codes(stages["tahap"])
    n_svc = len(svc_keys)
    # requests per service (each request counted once, via its first event in `stages`)
    first_ev = ~pd.Series(ridx).duplicated().to_numpy()
    req_per_svc = np.bincount(svc[first_ev], minlength=n_svc)
    missed_per_svc = np.bincount(svc[first_ev], weights=missed_req[ridx[first_ev]], minlength=n_svc)
    total = np.nan_to_num(stages["tunggu_jam"].to_numpy(dtype=np.float64)) + np.nan_to_num(
        stages["proses_jam"].to_numpy(dtype=np.float64)
    )
    res = _bottleneck_arrays(
        svc,
        n_svc,
        tc,
        max(len(tahap_names), 1),
        total,
        missed_req[ridx],
        missed_per_svc.astype(np.int64),
        req_per_svc,
        np.asarray(tahap_names.astype(str)),
    )
    return _bottleneck_frame(
        res,
        np.asarray(opd_names.astype(str))[svc_keys // nj],
        np.asarray(jenis_names.astype(str))[svc_keys % nj],
        np.asarray(tahap_names.astype(str)),
    )


def _bottleneck_frame(
    res: pd.DataFrame, opd: np.ndarray, jenis: np.ndarray, tahap: np.ndarray
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "kode_opd": opd,
            "jenis_layanan": jenis,
            "tahap_hambatan": tahap[res["tahap_code"].to_numpy()],
            "dasar": res["dasar"].to_numpy(),
            "n_permohonan_dasar": res["n_permohonan_dasar"].to_numpy().astype(np.int64),
            "jam_tahap_hambatan": res["jam_tahap_hambatan"].to_numpy(),
            "porsi_tahap_hambatan": res["porsi_tahap_hambatan"].to_numpy(),
        }
    )
    for c in ("kode_opd", "jenis_layanan", "tahap_hambatan", "dasar"):
        out[c] = out[c].astype("str")
    return out.sort_values(list(SERVICE_KEYS), kind="stable").reset_index(drop=True)


def service_summary(
    requests: pd.DataFrame, bottlenecks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per service: volume, share on time, median and P90 lead time, bottleneck stage.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, n_permohonan, persen_tepat_waktu, median_hari_kerja,
        p90_hari_kerja, tahap_hambatan`` (the column keys ``kinerja rekap`` writes to its
        ``layanan`` table) plus ``standar_hari``, ``dasar_hambatan`` and ``n_dalam_proses``
        (requests still in progress, included in ``n_permohonan``).

    Notes
    -----
    ``persen_tepat_waktu`` = 100 × (requests with ``hari_kerja <= standar``) / (requests of the
    service with a standard); NA when the service has no standard. Median and P90 of
    ``hari_kerja``: linear interpolation (module notes), e.g. P90 of 1, 2, 3, 10 is
    2 + 0.7 × 7 ... computed as numpy.quantile([1, 2, 3, 10], 0.9) = 7.9.
    """
    _check_columns(requests, (*SERVICE_KEYS, "hari_kerja", "tepat_waktu"), "permohonan")
    opd, opd_names = _codes(requests["kode_opd"])
    jenis, jenis_names = _codes(requests["jenis_layanan"])
    nj = max(len(jenis_names), 1)
    svc, svc_keys = _dense(opd * nj + jenis)
    std = requests["standar_hari"] if "standar_hari" in requests.columns else None
    out = _summary_arrays(
        svc,
        len(svc_keys),
        requests["hari_kerja"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
        requests["tepat_waktu"],
        None if std is None else std.astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
        requests["dalam_proses"].to_numpy(dtype=bool)
        if "dalam_proses" in requests.columns
        else None,
    )
    out.insert(0, "jenis_layanan", np.asarray(jenis_names.astype(str))[svc_keys % nj])
    out.insert(0, "kode_opd", np.asarray(opd_names.astype(str))[svc_keys // nj])
    return _attach_bottleneck(out, bottlenecks)


def _summary_arrays(
    svc: np.ndarray,
    n_svc: int,
    hari: np.ndarray,
    tepat: pd.Series | pd.api.extensions.ExtensionArray,
    std: np.ndarray | None,
    open_req: np.ndarray | None = None,
) -> pd.DataFrame:
    tepat_arr = pd.array(tepat, dtype="boolean")
    known = ~np.asarray(tepat_arr.isna())
    ok = np.asarray(tepat_arr.fillna(False), dtype=bool)
    n = np.bincount(svc, minlength=n_svc)
    n_known = np.bincount(svc, weights=known, minlength=n_svc)
    n_ok = np.bincount(svc, weights=ok, minlength=n_svc)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n_known > 0, 100.0 * n_ok / n_known, np.nan)
    q = grouped_quantile(svc, n_svc, hari, (0.5, 0.9))
    std_svc = np.full(n_svc, np.nan)
    if std is not None:
        valid = ~np.isnan(std)
        std_svc[svc[valid]] = std[valid]
    n_open = (
        np.bincount(svc, weights=open_req, minlength=n_svc)
        if open_req is not None
        else np.zeros(n_svc)
    )
    return pd.DataFrame(
        {
            "n_permohonan": n.astype(np.int64),
            "n_dalam_proses": n_open.astype(np.int64),
            "persen_tepat_waktu": pd.array(pct, dtype="Float64"),
            "median_hari_kerja": q[:, 0],
            "p90_hari_kerja": q[:, 1],
            "standar_hari": pd.array(std_svc, dtype="Float64").astype("Int64"),
        }
    )


def _attach_bottleneck(out: pd.DataFrame, bottlenecks: pd.DataFrame | None) -> pd.DataFrame:
    if bottlenecks is not None and len(bottlenecks):
        b = bottlenecks[[*SERVICE_KEYS, "tahap_hambatan", "dasar"]].rename(
            columns={"dasar": "dasar_hambatan"}
        )
        b = b.astype({"kode_opd": "str", "jenis_layanan": "str"})
        out = out.astype({"kode_opd": "str", "jenis_layanan": "str"}).merge(
            b, on=list(SERVICE_KEYS), how="left"
        )
    else:
        out["tahap_hambatan"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["dasar_hambatan"] = pd.Series(pd.NA, index=out.index, dtype="str")
    cols = [
        "kode_opd",
        "jenis_layanan",
        "n_permohonan",
        "persen_tepat_waktu",
        "median_hari_kerja",
        "p90_hari_kerja",
        "tahap_hambatan",
        "standar_hari",
        "dasar_hambatan",
        "n_dalam_proses",
    ]
    out = out[cols].astype({"kode_opd": "str", "jenis_layanan": "str"})
    return out.sort_values(list(SERVICE_KEYS), kind="stable").reset_index(drop=True)


def service_tables(
    layanan: pd.DataFrame,
    standar: pd.DataFrame | None,
    calendars: Calendars,
    *,
    periode: str | Periode | None = None,
    include_events: bool = False,
) -> dict[str, pd.DataFrame]:
    """All service tables in one pass over the log (the benchmark's entry point).

    Parameters
    ----------
    layanan, standar, calendars, periode
        As for :func:`request_table`.
    include_events : bool
        Also return the event-level table (``"peristiwa"``, as :func:`stage_table`); off by
        default because at 10 M events it is a 10 M-row frame nobody reads whole.

    Returns
    -------
    dict
        ``"permohonan"`` (:func:`request_table`), ``"tahap"`` (:func:`stage_summary`),
        ``"hambatan"`` (:func:`bottleneck_stages`), ``"layanan"`` (:func:`service_summary`) and,
        when asked, ``"peristiwa"``. Each equals what the separate function returns (up to float
        summation order); this path factorises the log once.
    """
    core = _core(layanan, standar, calendars)
    keep = _in_period(core, periode)
    requests = _requests_frame(core, keep)
    # event-level arrays in sorted order, restricted to the kept requests
    svc_ev = core.svc[core.req_of_event]
    tc = core.tc
    tunggu, proses = core.tunggu_h, core.proses_h
    events = (
        _stage_frame(layanan, core, keep, working_days=False, hours=(tunggu, proses))
        if include_events
        else None
    )
    req_ev = core.req_of_event
    if keep is not None:
        ev_keep = keep[core.req_of_event]
        svc_ev, tc, tunggu, proses, req_ev = (
            svc_ev[ev_keep],
            tc[ev_keep],
            tunggu[ev_keep],
            proses[ev_keep],
            req_ev[ev_keep],
        )
    n_svc_all = len(core.svc_opd)
    n_t = max(len(core.tahap), 1)
    opd_str = np.asarray(core.opd_names.astype(str))
    jenis_str = np.asarray(core.svc_jenis.astype(str))
    tahap_str = np.asarray(core.tahap.astype(str))
    # stage summary
    frame, svc_of_g, tc_of_g = _stage_summary_arrays(svc_ev, n_svc_all, tc, n_t, tunggu, proses)
    head = pd.DataFrame(
        {
            "kode_opd": opd_str[core.svc_opd[svc_of_g]],
            "jenis_layanan": jenis_str[svc_of_g],
            "tahap": tahap_str[tc_of_g],
        }
    )
    stage_sum = pd.concat([head, frame], axis=1)
    stage_sum = stage_sum.sort_values([*SERVICE_KEYS, "tahap"], kind="stable").reset_index(
        drop=True
    )
    # bottlenecks (services present in the kept requests only)
    svc_req = core.svc if keep is None else core.svc[keep]
    std_req = core.standar if keep is None else core.standar[keep]
    hk_req = core.hari_kerja if keep is None else core.hari_kerja[keep]
    missed_req_all = np.zeros(len(core.svc), dtype=bool)
    with np.errstate(invalid="ignore"):
        missed_req_all[...] = (~np.isnan(core.standar)) & (core.hari_kerja > core.standar)
    req_per_svc = np.bincount(svc_req, minlength=n_svc_all)
    with np.errstate(invalid="ignore"):
        late_req = (~np.isnan(std_req)) & (hk_req > std_req)
    missed_per_svc = np.bincount(svc_req, weights=late_req, minlength=n_svc_all).astype(np.int64)
    res = _bottleneck_arrays(
        svc_ev,
        n_svc_all,
        tc,
        n_t,
        np.nan_to_num(tunggu) + np.nan_to_num(proses),
        missed_req_all[req_ev],
        missed_per_svc,
        req_per_svc,
        tahap_str,
    )
    present = req_per_svc > 0
    bottle = _bottleneck_frame(
        res.loc[present].reset_index(drop=True),
        opd_str[core.svc_opd][present],
        jenis_str[present],
        tahap_str,
    )
    # service summary
    dense_svc, svc_keys = _dense(svc_req)
    summ = _summary_arrays(
        dense_svc,
        len(svc_keys),
        hk_req.astype(np.float64),
        requests["tepat_waktu"],
        std_req,
        core.open_req if keep is None else core.open_req[keep],
    )
    summ.insert(0, "jenis_layanan", jenis_str[svc_keys])
    summ.insert(0, "kode_opd", opd_str[core.svc_opd[svc_keys]])
    summary = _attach_bottleneck(summ, bottle)
    out = {"permohonan": requests, "tahap": stage_sum, "hambatan": bottle, "layanan": summary}
    if events is not None:
        out["peristiwa"] = events
    return out


# ---------------------------------------------------------------------------------------------
# paths, rework, backlog, throughput


def variants(requests: pd.DataFrame, *, by: Sequence[str] = SERVICE_KEYS) -> pd.DataFrame:
    """Process variants (paths) per service.

    Returns
    -------
    DataFrame
        ``*by, jalur, n, porsi, median_hari_kerja``: ``porsi`` = share of the service's requests
        following that path; sorted by service, then ``n`` descending.
    """
    _check_columns(requests, (*by, "jalur", "hari_kerja"), "permohonan")
    df = requests[[*by, "jalur", "hari_kerja"]].copy()
    for c in (*by, "jalur"):
        df[c] = df[c].astype("str")
    g = df.groupby([*by, "jalur"], sort=False)["hari_kerja"]
    out = g.agg(n="size", median_hari_kerja="median").reset_index()
    totals = out.groupby(list(by))["n"].transform("sum") if by else out["n"].sum()
    out["porsi"] = out["n"] / totals
    out = out[[*by, "jalur", "n", "porsi", "median_hari_kerja"]]
    return out.sort_values(
        [*by, "n", "jalur"], ascending=[True] * len(by) + [False, True]
    ).reset_index(drop=True)


def rework(stages: pd.DataFrame) -> pd.DataFrame:
    """Rework: stages done more than once in one request.

    Parameters
    ----------
    stages : DataFrame
        The event log or :func:`stage_table` (``id_permohonan, kode_opd, jenis_layanan, tahap``).

    Returns
    -------
    DataFrame
        Per ``kode_opd, jenis_layanan, tahap``: ``n_permohonan`` (requests passing the stage),
        ``n_diulang`` (requests in which it occurs more than once), ``persen_diulang`` and
        ``n_pengulangan`` (extra occurrences = occurrences − 1, summed).
    """
    _check_columns(stages, ("id_permohonan", *SERVICE_KEYS, "tahap"), "layanan")
    df = stages[["id_permohonan", *SERVICE_KEYS, "tahap"]].astype("str")
    per = df.groupby(["id_permohonan", *SERVICE_KEYS, "tahap"], sort=False).size().rename("k")
    per = per.reset_index()
    per["diulang"] = per["k"] > 1
    per["extra"] = per["k"] - 1
    out = (
        per.groupby([*SERVICE_KEYS, "tahap"])
        .agg(
            n_permohonan=("k", "size"), n_diulang=("diulang", "sum"), n_pengulangan=("extra", "sum")
        )
        .reset_index()
    )
    out["persen_diulang"] = 100.0 * out["n_diulang"] / out["n_permohonan"]
    return out[
        [*SERVICE_KEYS, "tahap", "n_permohonan", "n_diulang", "persen_diulang", "n_pengulangan"]
    ]


def _month_floor(values: pd.Series, freq: str) -> pd.Series:
    return pd.to_datetime(values).dt.to_period(freq.removesuffix("S") or "M").dt.start_time


def backlog(
    requests: pd.DataFrame,
    *,
    freq: Literal["MS", "QS", "YS"] = "MS",
    by: Sequence[str] = (),
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Arrivals vs completions per month (or quarter, year) and the remaining backlog.

    Returns
    -------
    DataFrame
        ``*by, bulan, masuk, selesai, sisa``: ``masuk`` = requests whose first ``mulai`` falls in
        the month, ``selesai`` = requests whose last ``selesai`` falls in it, ``sisa`` = Σ masuk −
        Σ selesai up to and including the month (requests started and not yet finished at the
        month's end).

    Notes
    -----
    The balance needs every request since the start of the log, so ``periode`` does not filter
    requests: it only selects the months shown (months of the period).
    """
    _check_columns(requests, (*by, "mulai", "selesai"), "permohonan")
    keys = list(by)
    a = requests[keys].astype("str").assign(bulan=_month_floor(requests["mulai"], freq), masuk=1)
    b = (
        requests[keys]
        .astype("str")
        .assign(bulan=_month_floor(requests["selesai"], freq), selesai=1)
    )
    ma = a.groupby([*keys, "bulan"])["masuk"].sum()
    mb = b.groupby([*keys, "bulan"])["selesai"].sum()
    out = pd.concat([ma, mb], axis=1).fillna(0).astype(np.int64).sort_index().reset_index()
    if keys:
        cum = out.groupby(keys)[["masuk", "selesai"]].cumsum()
    else:
        cum = out[["masuk", "selesai"]].cumsum()
    out["sisa"] = cum["masuk"] - cum["selesai"]
    if periode is not None:
        out = out.loc[Periode.parse(periode).contains(out["bulan"])]
    return out.reset_index(drop=True)


def throughput(
    requests: pd.DataFrame,
    *,
    freq: Literal["MS", "QS", "YS"] = "MS",
    periode: str | Periode | None = None,
) -> pd.DataFrame:
    """Public-service impact: requests completed per service and month, and their lead time.

    Returns
    -------
    DataFrame
        ``kode_opd, jenis_layanan, bulan, n_selesai, median_hari_kerja, persen_tepat_waktu``.

    Notes
    -----
    Issue 3 item 9 (e.g. permits issued per month at DPMPTSP). A request counts in the month of
    its **last** ``selesai`` (when the product was delivered); ``periode`` keeps the months whose
    completions fall in the period (unlike :func:`request_table`, which uses the first ``mulai``).
    """
    _check_columns(requests, (*SERVICE_KEYS, "selesai", "hari_kerja", "tepat_waktu"), "permohonan")
    df = requests[list(SERVICE_KEYS)].astype("str")
    df = df.assign(
        bulan=_month_floor(requests["selesai"], freq),
        hari_kerja=requests["hari_kerja"]
        .astype("Float64")
        .to_numpy(dtype=np.float64, na_value=np.nan),
        tepat=pd.array(requests["tepat_waktu"], dtype="boolean").astype("Float64"),
    )
    if periode is not None:
        df = df.loc[Periode.parse(periode).contains(requests["selesai"]).to_numpy()]
    out = (
        df.groupby([*SERVICE_KEYS, "bulan"])
        .agg(
            n_selesai=("hari_kerja", "size"),
            median_hari_kerja=("hari_kerja", "median"),
            p=("tepat", "mean"),
        )
        .reset_index()
    )
    out["persen_tepat_waktu"] = out.pop("p") * 100.0
    return out
