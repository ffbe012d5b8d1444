"""The attacking audit: for every hidden cell, the interval an attacker can derive (LP, HiGHS).

Model (after τ-ARGUS's audit of a suppressed table): every published quantity of a run is a
variable; what was published constrains it:

- a shown count is fixed (``x = v``); a shown statistic lies within its rounding
  (``v − t ≤ x ≤ v + t``); a band (``< 10``) bounds it; every count is non-negative;
- a total row or "N pegawai dinilai" is an equation ``sum(cells) = total``;
- a published percentage with its denominator is two inequalities
  ``(p − t) · sum(den) ≤ 100 · sum(num) ≤ (p + t) · sum(den)``;
- a published overall mean over published weights is ``Σ wᵢ·xᵢ = (Σ wᵢ) · x``.

For each hidden cell the audit solves ``min x`` and ``max x`` under all of that with
:func:`scipy.optimize.linprog` (method ``"highs"``); integrality enters by rounding the bounds
inwards (``⌈min⌉ .. ⌊max⌋``). The rule (the protection level of docs/privasi.md §5):

- a hidden **employee** count must keep at least ``k_pegawai`` (10) candidate integer values;
- a hidden count of respondents, complaints or requests must not be determined (≥ 2 values);
- a hidden statistic (e.g. an IKM) must keep an interval at least its ``lebar_minimal`` wide.

Everything here is pure computation on a :class:`~kinerja.protect.ledger.Ledger`; reading the
ledgers of a run folder is :mod:`kinerja.run.audit`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kinerja.domain.audience import K_PEGAWAI, K_RESPONDEN
from kinerja.protect.ledger import Ledger

__all__ = ["AUDIT_COLUMNS", "audit_ledger", "audit_summary"]

AUDIT_COLUMNS = (
    "sel",
    "satuan",
    "batas_bawah",
    "batas_atas",
    "kandidat",
    "syarat",
    "lolos",
    "alasan",
    "sumber",
)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _relation_keys(rel: Mapping[str, Any]) -> list[str]:
    kind = rel["jenis"]
    if kind == "jumlah":
        return [*rel["anggota"], rel["total"]]
    if kind == "persen":
        return [*rel["pembilang"], *rel["penyebut"]]
    if kind == "rerata":
        return [*rel["anggota"], rel["total"]]
    raise ValueError(f"Jenis relasi tidak dikenal: {kind!r}")


def _bounds(cell: Mapping[str, Any]) -> tuple[float, float | None]:
    if cell["jenis"] == "nilai":
        low, high = cell.get("skala") or (None, None)
        if cell.get("nilai") is not None:
            t = float(cell.get("toleransi") or 0.0)
            return float(cell["nilai"]) - t, float(cell["nilai"]) + t
        return (float(low) if low is not None else -1e12), (
            float(high) if high is not None else None
        )
    if cell.get("nilai") is not None:
        v = float(cell["nilai"])
        return v, v
    low = cell.get("min")
    high = cell.get("max")
    return (max(0.0, float(low)) if low is not None else 0.0), (
        float(high) if high is not None else None
    )


def _component_lp(
    keys: list[str], cells: Mapping[str, Mapping[str, Any]], relations: list[Mapping[str, Any]]
) -> tuple[list[tuple[float, float | None]], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    pos = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    a_eq: list[np.ndarray] = []
    a_ub: list[np.ndarray] = []
    b_ub_extra: list[float] = []  # right-hand side of each row of a_ub
    for rel in relations:
        kind = rel["jenis"]
        if kind == "jumlah":
            row = np.zeros(n)
            for m in rel["anggota"]:
                row[pos[m]] += 1.0
            row[pos[rel["total"]]] -= 1.0
            a_eq.append(row)
        elif kind == "persen":
            p, t = float(rel["persen"]), float(rel["toleransi"])
            hi = np.zeros(n)
            lo = np.zeros(n)
            for m in rel["pembilang"]:
                hi[pos[m]] += 100.0
                lo[pos[m]] -= 100.0
            for m in rel["penyebut"]:
                hi[pos[m]] -= p + t
                lo[pos[m]] += p - t
            a_ub.extend([hi, lo])
            b_ub_extra.extend([0.0, 0.0])
        elif kind == "rerata":
            row = np.zeros(n)
            for w, m in zip(rel["bobot"], rel["anggota"], strict=True):
                row[pos[m]] += float(w)
            weight = float(sum(rel["bobot"]))
            row[pos[rel["total"]]] -= weight
            tol = float(rel.get("toleransi") or 0.0) * weight
            if tol > 0:  # |Σ wᵢxᵢ − W·x| ≤ W·tol
                a_ub.extend([row, -row])
                b_ub_extra.extend([tol, tol])
            else:
                a_eq.append(row)
    bounds = [_bounds(cells[k]) for k in keys]
    empty = np.zeros((0, n))
    return (
        bounds,
        np.vstack(a_eq) if a_eq else empty,
        np.zeros(len(a_eq)),
        np.vstack(a_ub) if a_ub else empty,
        np.asarray(b_ub_extra, dtype="float64"),
    )


def _solve(
    i: int,
    sense: float,
    bounds: list[tuple[float, float | None]],
    a_eq: np.ndarray,
    b_eq: np.ndarray,
    a_ub: np.ndarray,
    b_ub: np.ndarray,
) -> tuple[str, float]:
    from scipy.optimize import linprog

    c = np.zeros(len(bounds))
    c[i] = sense
    res = linprog(
        c,
        A_ub=a_ub if len(a_ub) else None,
        b_ub=b_ub if len(b_ub) else None,
        A_eq=a_eq if len(a_eq) else None,
        b_eq=b_eq if len(b_eq) else None,
        bounds=bounds,
        method="highs",
    )
    if res.status == 0:
        return "ok", float(res.fun) * sense
    if res.status == 3:  # minimising sense·x without bound: x runs to −sense·∞
        return "unbounded", -math.inf * sense
    return "infeasible", math.nan


def _single_sum(
    keys: list[str], cells: Mapping[str, Mapping[str, Any]], rel: Mapping[str, Any]
) -> dict[str, tuple[float, float]]:
    """Exact intervals when a component is one equation ``Σ members = total`` over boxes.

    With a single equation and bounds ``lᵢ ≤ xᵢ ≤ uᵢ`` on every term, the extremes of one term
    are reached with every other term at a bound: ``x_j ≥ l_T − Σ_{i≠j} u_i`` and
    ``x_j ≤ u_T − Σ_{i≠j} l_i`` (cut to its own box); this is what the LP returns, without it.
    """
    members = list(rel["anggota"])
    bounds = {k: _bounds(cells[k]) for k in keys}
    lo = {k: b[0] for k, b in bounds.items()}
    hi = {k: (math.inf if b[1] is None else b[1]) for k, b in bounds.items()}
    t = rel["total"]
    sum_lo = sum(lo[m] for m in members)
    sum_hi = sum(hi[m] for m in members)
    out = {}
    for j in keys:
        if j == t:
            out[j] = (max(lo[t], sum_lo), min(hi[t], sum_hi))
        else:
            rest_hi = (
                sum_hi - hi[j] if math.isfinite(hi[j]) else sum(hi[m] for m in members if m != j)
            )
            rest_lo = sum_lo - lo[j]
            out[j] = (max(lo[j], lo[t] - rest_hi), min(hi[j], hi[t] - rest_lo))
    return out


def audit_ledger(
    ledger: Ledger | Mapping[str, Any],
    *,
    k_pegawai: int = K_PEGAWAI,
    k_responden: int = K_RESPONDEN,
    method: str = "auto",
) -> pd.DataFrame:
    """Attack every hidden cell of ``ledger`` and say whether its protection holds.

    Parameters
    ----------
    ledger
        The published facts of a run (:class:`~kinerja.protect.ledger.Ledger` or its dict).
    k_pegawai, k_responden
        Thresholds: a hidden employee count must keep ``k_pegawai`` candidate values.
    method : {"auto", "lp"}
        ``"auto"`` solves a component that is a single sum over counts in closed form (the
        same interval the LP gives, :func:`_single_sum`) and every other component by LP;
        ``"lp"`` uses the LP everywhere.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell, columns :data:`AUDIT_COLUMNS`: the derivable interval
        (``batas_bawah``, ``batas_atas``; ``inf`` when unbounded), ``kandidat`` (candidate integer
        values of a count, ``None`` for unbounded or for a statistic), ``syarat`` (the rule in
        words), ``lolos`` and, when it fails, ``alasan``.
    """
    if not isinstance(ledger, Ledger):
        ledger = Ledger.from_dict(ledger)
    cells = ledger.cells
    uf = _UnionFind()
    for key in cells:
        uf.find(key)
    rel_of: dict[str, list[Mapping[str, Any]]] = {}
    unique: dict[str, Mapping[str, Any]] = {}
    for rel in ledger.relations:  # the same equation published twice is one constraint
        unique.setdefault(json.dumps(rel, sort_keys=True, default=str), rel)
    relations = list(unique.values())
    for rel in relations:
        keys = _relation_keys(rel)
        missing = [k for k in keys if k not in cells]
        if missing:
            raise ValueError(f"Relasi menyebut sel yang tidak tercatat: {', '.join(missing)}")
        for k in keys[1:]:
            uf.union(keys[0], k)
    for rel in relations:
        rel_of.setdefault(uf.find(_relation_keys(rel)[0]), []).append(rel)
    groups: dict[str, list[str]] = {}
    for key in cells:
        groups.setdefault(uf.find(key), []).append(key)
    rows: list[dict[str, Any]] = []
    for root, keys in groups.items():
        hidden = [k for k in keys if cells[k].get("tersembunyi")]
        if not hidden:
            continue
        rels = rel_of.get(root, [])
        simple = (
            method == "auto"
            and len(rels) == 1
            and rels[0]["jenis"] == "jumlah"
            and all(cells[k]["jenis"] == "jumlah" for k in keys)
        )
        if simple:
            closed = _single_sum(keys, cells, rels[0])
            for key in hidden:
                lo, hi = closed[key]
                state = "infeasible" if lo > hi + 1e-9 else "ok"
                if state == "infeasible":
                    lo = hi = math.nan
                rows.append(_verdict(key, cells[key], lo, hi, state, state, k_pegawai, k_responden))
            continue
        lp = _component_lp(keys, cells, rels)
        for key in hidden:
            i = keys.index(key)
            s_lo, lo = _solve(i, 1.0, *lp)
            s_hi, hi = _solve(i, -1.0, *lp)
            rows.append(_verdict(key, cells[key], lo, hi, s_lo, s_hi, k_pegawai, k_responden))
    out = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    return out.sort_values(["lolos", "sel"], kind="stable").reset_index(drop=True)


def _verdict(
    key: str,
    cell: Mapping[str, Any],
    lo: float,
    hi: float,
    s_lo: str,
    s_hi: str,
    k_pegawai: int,
    k_responden: int,
) -> dict[str, Any]:
    unit = str(cell.get("satuan"))
    source = "; ".join(cell.get("sumber") or [])
    base = {"sel": key, "satuan": unit, "batas_bawah": lo, "batas_atas": hi, "sumber": source}
    if "infeasible" in (s_lo, s_hi):
        return {
            **base,
            "kandidat": None,
            "syarat": "angka yang diterbitkan harus konsisten",
            "lolos": False,
            "alasan": "angka yang diterbitkan saling bertentangan (periksa pembulatan/catatan)",
        }
    if cell["jenis"] == "nilai":
        need = float(cell.get("lebar_minimal") or 0.0)
        width = hi - lo
        ok = width >= need - 1e-9
        return {
            **base,
            "kandidat": None,
            "syarat": f"selang ≥ {need:g}",
            "lolos": bool(ok),
            "alasan": "" if ok else f"dapat dipersempit menjadi {lo:.2f}–{hi:.2f}",
        }
    first = math.ceil(lo - 1e-6)
    last = math.floor(hi + 1e-6) if math.isfinite(hi) else None
    candidates = None if last is None else max(0, last - first + 1)
    need = k_pegawai if unit == "pegawai" else 2
    ok = candidates is None or candidates >= need
    if ok:
        why = ""
    elif candidates == 1:
        why = f"dapat dihitung tepat: {first}"
    else:
        why = f"hanya {candidates} kemungkinan nilai ({first}–{last})"
    return {
        **base,
        "kandidat": candidates,
        "syarat": f"≥ {need} kemungkinan nilai",
        "lolos": bool(ok),
        "alasan": why,
    }


def audit_summary(findings: pd.DataFrame) -> dict[str, Any]:
    """Short summary for the manifest: cells attacked, failures and the first failing cells."""
    failed = findings.loc[~findings["lolos"].astype(bool)] if len(findings) else findings
    return {
        "status": "lolos" if failed.empty else "gagal",
        "sel_tersembunyi_diuji": len(findings),
        "sel_gagal": len(failed),
        "contoh_gagal": [f"{r.sel}: {r.alasan}" for r in failed.head(20).itertuples(index=False)],
    }
