"""Audiences of an output and the minimum group sizes (k) of disclosure control.

The values are the domain's: who may read an output (``forum``: aggregates only; ``internal``:
the people of one OPD) and how small a group may be before a number about it is hidden
(issue 6). The rules that apply them live in :mod:`kinerja.protect`.
"""

from __future__ import annotations

from typing import Literal

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


#: Minimum group size for anything about employees (issue 6, item 2).
K_PEGAWAI = 10
#: Minimum group size for citizen-survey counts.
K_RESPONDEN = 5
