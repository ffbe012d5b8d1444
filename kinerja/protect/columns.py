"""Which columns a ``forum`` table may carry: no identifiers, no unscrubbed free text."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Literal

import pandas as pd

#: Columns that identify an ASN. Never in a forum table.
IDENTIFIER_COLUMNS: frozenset[str] = frozenset(
    {
        "nip",
        "nama",
        "nama_pegawai",
        "nip_petugas",
        "nama_petugas",
        "nip_atasan",
        "nama_atasan",
        "nip_penilai",
        "nama_penilai",
        "id_responden",
    }
)
#: Free-text columns. Citizens and evaluators type names into them ("petugas Budi kasar",
#: "Sdr. X belum menyerahkan ..."), so they are treated as personal data in forum tables unless a
#: caller has scrubbed them (see :meth:`PersonalDataGate.scrub`) and passes them in ``allow``.
FREE_TEXT_COLUMNS: frozenset[str] = frozenset(
    {"uraian", "isi", "saran", "temuan", "rekomendasi", "catatan_atasan", "keterangan"}
)
FORUM_FORBIDDEN_COLUMNS: frozenset[str] = IDENTIFIER_COLUMNS | FREE_TEXT_COLUMNS

# nip_xxx / nama_xxx variants, except names of things that are not people.
_PERSON_PREFIX = re.compile(r"^(nip|nama)(_|$)")
_NOT_A_PERSON = frozenset(
    {
        "nama_opd",
        "nama_pelatihan",
        "nama_layanan",
        "nama_unit",
        "nama_kecamatan",
        "nama_kelurahan",
        "nama_jabatan",
    }
)


class ForbiddenColumnsError(ValueError):
    """A forum table has a column that carries personal data."""


def normalize_column_name(name: Hashable) -> str:
    """``name`` as compared with the column lists: trimmed, casefolded, spaces and ``-`` as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def forbidden_columns(df: pd.DataFrame, *, allow: Iterable[str] = ()) -> list[str]:
    """Names of the columns (and index levels) of ``df`` that a forum table must not carry."""
    allowed = {normalize_column_name(a) for a in allow}
    names: list[Hashable] = list(df.columns)
    names += [n for n in df.index.names if n is not None]
    found = []
    for name in names:
        key = normalize_column_name(name)
        if key in allowed:
            continue
        if key in FORUM_FORBIDDEN_COLUMNS or (
            _PERSON_PREFIX.match(key) and key not in _NOT_A_PERSON
        ):
            found.append(str(name))
    return found


def forum_safe(
    df: pd.DataFrame,
    *,
    on_forbidden: Literal["raise", "drop"] = "raise",
    allow: Iterable[str] = (),
    name: str = "tabel",
) -> pd.DataFrame:
    """Return ``df`` checked (or cleaned) for a forum audience.

    Parameters
    ----------
    df
        The table about to be shown or written at forum level.
    on_forbidden
        ``"raise"`` (default) raises :class:`ForbiddenColumnsError` naming the columns;
        ``"drop"`` returns a copy without them (forbidden index levels are reset and dropped).
    allow
        Free-text columns the caller has already scrubbed (:meth:`PersonalDataGate.scrub`).
        Identifier columns (``nip``, ``nama`` ...) cannot be allowed.
    name
        Table name used in the message.
    """
    allow = [a for a in allow if normalize_column_name(a) not in IDENTIFIER_COLUMNS]
    bad = forbidden_columns(df, allow=allow)
    if not bad:
        return df
    if on_forbidden == "raise":
        raise ForbiddenColumnsError(
            f"Tabel '{name}' tidak boleh tampil di forum karena memuat kolom data pribadi atau "
            f"teks bebas: {', '.join(bad)}. Hapus kolom tersebut atau gunakan audiens 'internal'."
        )
    out = df
    index_bad = [n for n in df.index.names if n is not None and str(n) in bad]
    if index_bad:
        out = out.reset_index(level=index_bad, drop=True)
    return out.drop(columns=[c for c in out.columns if str(c) in bad])
