"""What Voila tells a form kernel: the environment it runs in and the URL query string.

The ``ENV_*`` names are the variables through which ``kinerja app`` tells every kernel where
the data is. Query-string values are only *compared* with the option lists, never evaluated.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs

from kinerja.domain.period import Periode

# the variables through which ``kinerja app`` tells every kernel where the data (cache, data
# folder, parameters) and the rendered-section cache are: defined and read in
# kinerja.domain.settings (read_env), re-exported here
from kinerja.domain.settings import ENV_CACHE_DIR, ENV_DATA_DIR, ENV_FORM_CACHE, ENV_PARAMS_DIR

log = logging.getLogger(__name__)


#: Query-string keys a form understands; anything else is ignored.
QUERY_KEYS = ("kode_opd", "periode", "jenis_layanan")

#: Longest query value echoed back in a note (the rest is cut).
MAX_ECHO = 40

#: Indonesian names of the controls (in notes about ignored values).
CONTROL_LABELS = {
    "kode_opd": "OPD",
    "periode": "Periode",
    "jenis_layanan": "Layanan",
}


def is_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True when running in a kernel started by Voila.

    Voila 0.5 sets ``VOILA_KERNEL_ID`` in every kernel it renders a notebook with, and
    ``VOILA_PREHEAT`` (``"True"``/``"False"``) in the kernel environment; for a request-bound
    kernel it also passes the CGI-style ``SERVER_SOFTWARE=voila/<version>`` (see
    ``voila/handler.py`` and ``voila/voila_kernel_manager.py``). A pre-heated kernel gets
    ``SERVER_SOFTWARE`` only once a request arrives, so all three are checked.
    """
    env = os.environ if environ is None else environ
    return (
        env.get("SERVER_SOFTWARE", "").startswith("voila")
        or bool(env.get("VOILA_KERNEL_ID"))
        or env.get("VOILA_PREHEAT") in ("True", "False")
    )


def is_preheating(environ: Mapping[str, str] | None = None) -> bool:
    """True in a pre-heated Voila kernel (executed before any request arrived)."""
    env = os.environ if environ is None else environ
    return env.get("VOILA_PREHEAT") == "True"


def parse_query(
    query: str | None,
    options: Mapping[str, Sequence[str]],
) -> tuple[dict[str, str], list[str]]:
    """Validate a URL query string against the option lists.

    Parameters
    ----------
    query : str or None
        The raw query string (``kode_opd=1.01&periode=2025-TW3``), as Voila passes it in the
        ``QUERY_STRING`` environment variable.
    options : mapping
        For each control key the allowed values (e.g. ``{"kode_opd": ["1.01", ...]}``). Keys not
        in the mapping are ignored silently (Voila's own ``template``/``theme`` arguments).

    Returns
    -------
    selection : dict
        Key → accepted value (first occurrence).
    notes : list of str
        Indonesian notes about values that were not accepted, safe to show as plain text.

    Notes
    -----
    Values are only compared with ``options``; they are never evaluated or used as paths.
    """
    selection: dict[str, str] = {}
    notes: list[str] = []
    if not query:
        return selection, notes
    try:
        parsed = parse_qs(query, keep_blank_values=False, max_num_fields=50)
    except ValueError:
        return selection, ["Parameter alamat (URL) terlalu banyak; semua diabaikan."]
    for key, values in parsed.items():
        if key not in options or not values:
            continue
        value = values[0].strip()
        allowed = options[key]
        if value in allowed:
            selection[key] = value
            continue
        # periods are accepted in any spelling Periode understands (2025-tw3 == 2025-TW3)
        if key == "periode":
            try:
                canonical = str(Periode.parse(value))
            except ValueError:
                canonical = None
            if canonical in allowed:
                selection[key] = canonical
                continue
        shown = value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"
        notes.append(
            f"Nilai {CONTROL_LABELS.get(key, key)} “{shown}” dari alamat (URL) tidak dikenal dan "
            "diabaikan; pilihan bawaan dipakai."
        )
    return selection, notes


def wait_for_request_info(environ: dict[str, str] | None = None) -> dict[str, str] | None:
    """Block until Voila hands this pre-heated kernel to a request; return the request info.

    Same protocol as ``voila.utils.wait_for_request`` (a websocket to
    ``/voila/query/<kernel id>`` on which the server sends the request's CGI-style variables,
    ``QUERY_STRING`` among them), re-implemented with tornado's websocket client because importing
    ``voila.utils`` pulls in jupyter_server and jupyterlab_server (measured 4 s of CPU, 13 s on a
    busy 2-core machine) -- long enough for the first request to be served before the query
    string could be read. The variables are copied into ``environ`` (default ``os.environ``).
    """
    import asyncio
    import json

    from tornado.websocket import websocket_connect

    env = os.environ if environ is None else environ
    if env.get("VOILA_PREHEAT") != "True" or not env.get("VOILA_KERNEL_ID"):
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = f"{protocol}://{ip}:{port}{base}voila/query/{env['VOILA_KERNEL_ID']}"

    async def receive() -> str | None:
        conn = await websocket_connect(url, connect_timeout=30)
        try:
            msg = await conn.read_message()
        finally:
            conn.close()
        return msg if isinstance(msg, str) else None

    loop = asyncio.new_event_loop()
    try:
        msg = loop.run_until_complete(receive())
    finally:
        loop.close()
    if msg is None:
        return None
    info = {str(k): str(v) for k, v in json.loads(msg).items() if isinstance(v, str)}
    env.update(info)
    return info


__all__ = [
    "CONTROL_LABELS",
    "ENV_CACHE_DIR",
    "ENV_DATA_DIR",
    "ENV_FORM_CACHE",
    "ENV_PARAMS_DIR",
    "MAX_ECHO",
    "QUERY_KEYS",
    "is_preheating",
    "is_voila",
    "parse_query",
    "wait_for_request_info",
]
