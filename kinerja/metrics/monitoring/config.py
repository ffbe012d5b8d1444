"""The monitoring options (``pantau:`` of ``parameters/default.yaml``) as one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kinerja.metrics.monitoring.rules import RuleConfig

__all__ = ["PantauConfig"]


@dataclass(frozen=True)
class PantauConfig:
    """Options of ``kinerja pantau`` (meaning of each in ``parameters/default.yaml``).

    Attributes
    ----------
    baseline_mulai, baseline_selesai : str or None
        The baseline window (``YYYY-MM``); ``None``: the first / latest complete month of the data.
    baseline_bulan_min : int
        Baseline months (with enough data, after excluding adverse months) a series needs.
    sigma : float
        Width of the limits in standard deviations (tail ``Φ(−sigma)`` per side).
    min_permohonan, min_pegawai, min_responden : int
        Minimum finished requests per service and month, ASN per OPD, SKM respondents per quarter.
    min_kejadian_dasar : int
        Events (complaints, overdue items) the baseline months of a c/u chart must hold together.
    selisih_minimum_hari, selisih_minimum_persen : float
        Smallest half-width of an individuals chart: lead time and verification delay (working
        days), e-kinerja reporting share (percentage points).
    aturan : RuleConfig
    """

    baseline_mulai: str | None = None
    baseline_selesai: str | None = None
    baseline_bulan_min: int = 6
    sigma: float = 3.0
    min_permohonan: int = 20
    min_pegawai: int = 5
    min_responden: int = 30
    min_kejadian_dasar: int = 5
    selisih_minimum_hari: float = 1.0
    selisih_minimum_persen: float = 5.0
    aturan: RuleConfig = field(default_factory=RuleConfig)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> PantauConfig:
        """From the validated ``pantau`` mapping of the settings (missing keys: defaults)."""
        v = dict(values or {})
        rules = RuleConfig.from_mapping(v.pop("aturan", None))
        known = {k: v[k] for k in cls.__dataclass_fields__ if k in v and k != "aturan"}
        return cls(**known, aturan=rules)
