"""The event core: one pass over the ``layanan`` log (requests, order, working days, paths)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja.domain.calendar import WorkCalendar
from kinerja.domain.period import Periode
from kinerja.metrics.service.arrays import _NAT, _NS_PER_HOUR, _codes, _dense, _ns

SERVICE_KEYS = ("kode_opd", "jenis_layanan")

ARROW = " → "

_REQUIRED = ("id_permohonan", "kode_opd", "jenis_layanan", "tahap", "mulai", "selesai")

Calendars = WorkCalendar | Mapping[str, WorkCalendar]


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
