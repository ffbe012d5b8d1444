"""What personal data looks like in text: NIP-shaped numbers, names, titles and honorifics.

The building blocks of :class:`kinerja.protect.gate.PersonalDataGate`, and the masks used to
name a hit without repeating it. They live in :mod:`kinerja.domain.personal` (the lowest layer)
so that the loader checks label columns with exactly the same rules (:mod:`kinerja.data.labels`);
this module is their name inside the protection stage.
"""

from __future__ import annotations

from kinerja.domain.personal import (
    COMMON_NAME_WORDS,
    DATA_URI_RE,
    HONORIFICS,
    INVISIBLE_RE,
    NAME_END,
    NAME_GAP,
    NAME_JOINED,
    NIP_GROUPED_RE,
    NIP_RE,
    NIP_RUN_RE,
    WORD_RE,
    NameIndex,
    core_name,
    fold_text,
    fold_word,
    mask_name,
    mask_nip,
    nip_candidates,
    nip_shaped,
    normalize_text,
)

__all__ = [
    "COMMON_NAME_WORDS",
    "DATA_URI_RE",
    "HONORIFICS",
    "INVISIBLE_RE",
    "NAME_END",
    "NAME_GAP",
    "NAME_JOINED",
    "NIP_GROUPED_RE",
    "NIP_RE",
    "NIP_RUN_RE",
    "WORD_RE",
    "NameIndex",
    "core_name",
    "fold_text",
    "fold_word",
    "mask_name",
    "mask_nip",
    "nip_candidates",
    "nip_shaped",
    "normalize_text",
]
