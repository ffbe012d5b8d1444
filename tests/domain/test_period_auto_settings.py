"""``periode: auto`` in the settings: the shipped default, resolution, unchanged cache keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinerja.domain import params as P
from kinerja.domain.settings import AUTO, ParameterError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _params(folder: Path, default: str, **opd: str) -> Path:
    (folder / "opd").mkdir(parents=True)
    (folder / "default.yaml").write_text(default, encoding="utf-8")
    for code, text in opd.items():
        (folder / "opd" / f"{code}.yaml").write_text(f"kode_opd: {code}\n{text}", encoding="utf-8")
    return folder


def test_the_shipped_default_is_auto():
    assert load_settings(ROOT / "parameters").periode == AUTO
    assert P.BUILTIN_DEFAULTS["periode"] == AUTO
    assert P.validate_periode(" Auto ") == AUTO
    with pytest.raises(ParameterError, match="contoh: auto, 2026"):
        P.validate_periode(True)


def test_resolve_auto_replaces_auto_everywhere_and_keeps_the_keys(tmp_path):
    s = load_settings(
        _params(tmp_path / "p", "audience: forum\n", A="periode: auto\n", B="periode: 2024-TW2\n")
    )
    assert s.periode == AUTO and s.is_auto
    r = s.resolve_auto("2026")
    assert (r.periode, r.auto_periode, r.is_auto) == ("2026", "2026", False)
    assert r.for_opd("A").periode == "2026"  # the OPD file's own 'auto'
    assert r.for_opd("B").periode == "2024-TW2"  # an explicit OPD period stays
    assert r.for_opd("C").periode == "2026"  # no file: the global value
    # a kernel that resolves the same folder itself gets the same keys (caches are shared)
    assert r.key() == s.key() and r.metrics_key() == s.metrics_key()
    with pytest.raises(ParameterError):
        s.resolve_auto("auto")


def test_an_explicit_period_is_not_replaced(tmp_path):
    s = load_settings(_params(tmp_path / "p", "periode: '2025'\n", A="periode: auto\n"))
    r = s.resolve_auto("2026")
    assert r.periode == "2025" and r.for_opd("A").periode == "2026"
    assert r.key() == s.key()
    # the command line's period wins over auto
    c = load_settings(tmp_path / "p", periode="2024").resolve_auto("2026")
    assert c.for_opd("A").periode == "2024"
    # '--periode auto' on the command line is resolved too
    a = load_settings(tmp_path / "p", periode="auto").resolve_auto("2026")
    assert a.periode == "2026" and a.for_opd("A").periode == "2026"


def test_with_overrides_after_resolution(tmp_path):
    s = load_settings(_params(tmp_path / "p", "")).resolve_auto("2026")
    t = s.with_overrides(periode="2025-TW1")
    assert t.periode == "2025-TW1" and t.periode_configured is None
    assert t.key() != s.key()
    u = s.with_overrides(periode="auto")
    assert u.periode == "2026" and u.key() == load_settings(tmp_path / "p", periode="auto").key()
