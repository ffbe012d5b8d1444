"""The personal-data gate of the forms: nothing with a NIP or an employee's name is shown or stored.

A form is a forum output like a batch report (:mod:`kinerja.protect`): its sections come from the
report builders at audience ``forum`` (protected tables only), and on top of that every rendered
section, every option label of the drop-downs and every form-cache file passes
:class:`~kinerja.protect.PersonalDataGate` before it reaches a browser or the disk:

* :func:`form_gate` -- the gate of a form's data: the NIPs and names of every employee in
  ``pegawai``, accepted *and* quarantined rows (a name whose row was rejected is still a name);
* :func:`gate_section` -- a rendered section with a hit is replaced by an Indonesian note (and is
  never stored); the text checked is every text output and the text drawn in its charts;
* :func:`safe_options` -- option labels with a hit are masked; services whose name holds a hit
  are left out of the drop-down (their value would travel in the URL);
* :func:`check_payload` -- the last check of a cache file's JSON before it is written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kinerja.protect import PersonalDataGate, PersonalDataLeak
from kinerja.serve.options import FormOptions

log = logging.getLogger(__name__)

#: Text shown in place of a section whose output would contain personal data.
BLOCKED_NOTE = (
    "Bagian ini tidak ditampilkan: hasilnya memuat data pribadi (NIP atau nama pegawai), "
    "yang tidak boleh tampil di formulir forum. Periksa label pada data sumbernya."
)

#: Text keys of an output bundle that a reader can see (images are checked through the text
#: drawn in the chart, :func:`figure_texts`).
TEXT_MIMES = ("text/html", "text/plain", "text/markdown", "text/latex", "image/svg+xml")

_GATES: dict[int, PersonalDataGate] = {}
_LOCK = threading.Lock()


def _people(data: Any) -> tuple[list[Any], list[Any]]:
    """NIPs and names of every employee of ``data`` (accepted and quarantined ``pegawai`` rows).

    ``data`` is a ``ReportData`` (its ``.dataset``), a ``Dataset`` or anything with ``tables``
    (and ``quarantine``) mappings.
    """
    nips: list[Any] = []
    names: list[Any] = []
    for obj in (data, getattr(data, "dataset", None)):
        for attr in ("tables", "quarantine"):
            frames = getattr(obj, attr, None)
            if not isinstance(frames, Mapping):
                continue
            frame = frames.get("pegawai")
            if frame is None:
                continue
            if "nip" in frame.columns:
                nips.extend(frame["nip"].tolist())
            if "nama" in frame.columns:
                names.extend(frame["nama"].tolist())
    return nips, names


def form_gate(data: Any) -> PersonalDataGate:
    """The forum gate of a form's data (memoised per data object)."""
    key = id(data)
    with _LOCK:
        gate = _GATES.get(key)
        if gate is None:
            nips, names = _people(data)
            gate = PersonalDataGate(nips, names, audience="forum")
            _GATES.clear()  # one data object per kernel / worker
            _GATES[key] = gate
        return gate


def figure_texts(fig: Any) -> list[str]:
    """Every text a matplotlib figure draws: titles, labels, tick labels, legends, annotations."""
    from matplotlib.text import Text

    out = []
    for t in fig.findobj(Text):
        try:
            s = t.get_text()
        except Exception:
            continue
        if s and t.get_visible():
            out.append(str(s))
    return out


def output_text(outputs: Iterable[Mapping[str, Any]]) -> str:
    """The readable text of output bundles (text, HTML, SVG; plus ``kinerja/chart-text``)."""
    parts: list[str] = []
    for o in outputs:
        data = o.get("data") or {}
        for mime in TEXT_MIMES:
            v = data.get(mime)
            if isinstance(v, list):
                v = "".join(map(str, v))
            if isinstance(v, str) and v:
                parts.append(v)
        meta = o.get("metadata") or {}
        drawn = meta.get("kinerja/teks-grafik")
        if isinstance(drawn, list):
            parts.extend(str(x) for x in drawn)
    return "\n".join(parts)


def blocked_outputs() -> list[dict[str, Any]]:
    """The output that replaces a blocked section."""
    import html

    return [
        {
            "output_type": "display_data",
            "data": {
                "text/html": f"<div class='kinerja-galat'>{html.escape(BLOCKED_NOTE)}</div>",
                "text/plain": BLOCKED_NOTE,
            },
            "metadata": {},
        }
    ]


def gate_section(
    gate: PersonalDataGate | None, key: str, outputs: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """``(outputs, True)`` when the gate finds nothing, else ``(note, False)`` (logged, masked)."""
    if gate is None:
        return [dict(o) for o in outputs], True
    hits = gate.scan(output_text(outputs))
    if not hits:
        return [dict(o) for o in outputs], True
    log.error("bagian formulir %s diblokir: %s", key, "; ".join(sorted({str(h) for h in hits})))
    return blocked_outputs(), False


def safe_options(gate: PersonalDataGate | None, options: FormOptions) -> FormOptions:
    """``options`` whose labels carry no personal data (masked; such services left out)."""
    if gate is None:
        return options

    def clean(label: str) -> str:
        if not gate.scan(label):
            return label
        return str(gate.scrub(label))

    opd = [(clean(lab), v) for lab, v in options.opd if not gate.scan(str(v))]
    periode = [(clean(lab), v) for lab, v in options.periode]
    layanan = {k: [j for j in v if not gate.scan(str(j))] for k, v in options.layanan.items()}
    return FormOptions(opd=opd, periode=periode, layanan=layanan)


def payload_text(payload: Any) -> str:
    """The readable text of a cache file's JSON: every string except image data (PNG/JPEG
    base64), which carries no text; the text drawn in charts is kept beside each image."""
    parts: list[str] = []

    def walk(obj: Any, key: str = "") -> None:
        if isinstance(obj, str):
            if not (key.startswith("image/") and key != "image/svg+xml"):
                parts.append(obj)
        elif isinstance(obj, Mapping):
            for k, v in obj.items():
                parts.append(str(k))
                walk(v, str(k))
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v, key)

    walk(payload)
    return "\n".join(parts)


def check_payload(gate: PersonalDataGate | None, payload: Any, name: str) -> None:
    """Raise :class:`~kinerja.protect.PersonalDataLeak` when a cache file's JSON has a hit."""
    if gate is None:
        return
    hits = gate.scan(payload_text(payload))
    if hits:
        raise PersonalDataLeak(name, hits)


__all__ = [
    "BLOCKED_NOTE",
    "PersonalDataLeak",
    "blocked_outputs",
    "check_payload",
    "figure_texts",
    "form_gate",
    "gate_section",
    "output_text",
    "payload_text",
    "safe_options",
]
