"""Every table of a source validated in contract order, the largest one in a second thread.

A city's e-kinerja export (``laporan_kinerja``: one row per report, about a million rows a
year) takes most of the validation: parsing three date-time columns and checking them. The
other tables depend only on ``opd`` and ``pegawai`` (the keys they are checked against), not on
each other. So once those two are validated, :func:`validate_tables` validates the largest
remaining table in a thread while this thread validates the others. Its NumPy and Arrow work
runs without Python's lock, so the two share the machine's two cores. The results are the
same objects a loop gives, in the same order; an error is the one the loop would have raised
first. ``KINERJA_PARALLEL=0`` validates every table in this thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from kinerja.domain.schema import TABLE_NAMES, TABLES
from kinerja.domain.settings import read_env

if TYPE_CHECKING:
    from kinerja.data.io import RawTable
    from kinerja.data.validation import ColumnMapping, PppkCheck, TableResult

__all__ = ["BACKGROUND_MIN_ROWS", "validate_tables"]

#: the largest table is validated in a second thread from this many rows (below it, starting a
#: thread costs more than it saves)
BACKGROUND_MIN_ROWS = 200_000

#: the tables whose keys the others are checked against, in contract order, and their key
_REFERENCES = {"opd": "kode_opd", "pegawai": "nip"}


def validate_tables(
    raws: Mapping[str, RawTable],
    mappings: Mapping[str, ColumnMapping],
    *,
    pppk_nip: PppkCheck = "reject",
) -> dict[str, TableResult]:
    """Validate every table read from a source (:func:`kinerja.data.validation.validate_table`).

    Parameters
    ----------
    raws, mappings
        What :func:`kinerja.data.dataset.open_source` read, by contract table name.
    pppk_nip : {"reject", "warn"}
        As in :func:`kinerja.data.dataset.load`.

    Returns
    -------
    dict of str -> TableResult
        In contract order (``TABLE_NAMES``), as a loop over the tables gives them.
    """
    from kinerja.data.validation import References, reference_keys, validate_table

    refs = References()
    present = [t for t in TABLE_NAMES if t in raws]

    def one(table: str) -> TableResult:
        return validate_table(TABLES[table], raws[table], mappings[table], refs, pppk_nip=pppk_nip)

    results: dict[str, TableResult] = {}
    for table, key in _REFERENCES.items():  # first in the contract's order
        if table in raws:
            results[table] = one(table)
            refs.known[table], refs.quarantined[table] = reference_keys(
                results[table], raws[table], key
            )
    rest = [t for t in present if t not in _REFERENCES]
    big = max(rest, key=lambda t: len(raws[t].data), default=None)
    if big is None or len(raws[big].data) < BACKGROUND_MIN_ROWS or not read_env().parallel:
        for table in rest:
            results[table] = one(table)
        return {t: results[t] for t in present}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kinerja-validasi") as pool:
        future: Future[TableResult] = pool.submit(one, big)
        failed: tuple[str, BaseException] | None = None
        for table in rest:
            if table == big:
                continue
            try:
                results[table] = one(table)
            except Exception as exc:  # raised below, unless the loop would have met big's first
                failed = (table, exc)
                break
        try:
            results[big] = future.result()
        except Exception:
            if failed is None or rest.index(big) < rest.index(failed[0]):
                raise
        if failed is not None:
            raise failed[1]
    return {t: results[t] for t in present}
