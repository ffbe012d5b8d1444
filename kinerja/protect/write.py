"""Writing an output only through the gate: atomic, inside the output folder, never on a leak."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kinerja.domain.audience import Audience, validate_audience
from kinerja.protect.gate import PersonalDataGate, PersonalDataLeak


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
