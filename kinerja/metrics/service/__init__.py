"""Service time, SLA, stages, bottlenecks, variants, rework, backlog and throughput.

Implements issue 3 items 4 and 9 on the ``layanan`` event log of the data contract (one row = one
stage of one request: ``id_permohonan, kode_opd, jenis_layanan, tahap, mulai, selesai``) against the
published ``standar_layanan`` (``jangka_waktu_hari_kerja``, the *jangka waktu penyelesaian* of UU
25/2009 Pasal 21 / PermenPANRB 15/2014).

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

Modules
-------
:mod:`~kinerja.metrics.service.events` (the event core shared by every table),
:mod:`~kinerja.metrics.service.leadtime` (lead time, SLA, per-service summary),
:mod:`~kinerja.metrics.service.stages` (stages and bottleneck),
:mod:`~kinerja.metrics.service.flow` (variants, rework, backlog, throughput),
:mod:`~kinerja.metrics.service.process` (stage time shares of late requests, transitions),
:mod:`~kinerja.metrics.service.tables` (all tables in one pass) and
:mod:`~kinerja.metrics.service.arrays` (integer codes and grouped percentiles).
"""

from __future__ import annotations

from kinerja.metrics.service.arrays import grouped_quantile
from kinerja.metrics.service.events import ARROW, SERVICE_KEYS
from kinerja.metrics.service.flow import backlog, rework, throughput, variants
from kinerja.metrics.service.leadtime import request_table, service_summary
from kinerja.metrics.service.process import stage_time_shares, stage_transitions
from kinerja.metrics.service.stages import bottleneck_stages, stage_summary, stage_table
from kinerja.metrics.service.tables import service_tables

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
    "stage_time_shares",
    "stage_transitions",
    "throughput",
    "variants",
]
