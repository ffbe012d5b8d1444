"""What personal data looks like in text: NIP-shaped numbers, names, titles and honorifics.

The building blocks of :class:`kinerja.protect.gate.PersonalDataGate`, and the masks used to
name a hit without repeating it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

_SEP = r"[ \u00a0\u202f]?"
# 18 digits not touching another digit (a longer numeric run is not a NIP), with or without the
# official spaces "19670610 198901 1 003".
NIP_RE = re.compile(rf"(?<![0-9])(\d{{8}}){_SEP}(\d{{6}}){_SEP}(\d){_SEP}(\d{{3}})(?![0-9])")
# the same number formatted as a thousands-separated integer (fmt_int on a NIP): 196.711.101.992.031.001
NIP_GROUPED_RE = re.compile(r"(?<![0-9.,])(\d{3}(?:([.,])\d{3})(?:\2\d{3}){4})(?![0-9]|[.,]\d)")
# data: URIs carry images and fonts as base64; a digit run inside them is not text
DATA_URI_RE = re.compile(r"data:[a-z0-9.+/-]+(?:;[a-z0-9.+=-]+)*;base64,[A-Za-z0-9+/=]*", re.I)
WORD_RE = re.compile(r"\w+(?:['’`]\w+)*")

# title tokens stripped from names in pegawai ("Dr. Hj. Sri Wahyuni, S.E., M.Si.")
_TITLE_PREFIXES = frozenset(
    {"dr", "drs", "dra", "ir", "h", "hj", "prof", "ns", "apt", "drg", "dt", "kh", "rr", "r", "ra"}
)
#: Common Indonesian words that are also one-word names; a one-word name among these is not
#: matched (it would fire on ordinary text such as "pelayanan yang indah"). Extend via
#: ``ignore_words``.
COMMON_NAME_WORDS: frozenset[str] = frozenset(
    {
        "indah",
        "bunga",
        "bayu",
        "sari",
        "dewi",
        "putri",
        "putra",
        "rahayu",
        "wahyu",
        "cahaya",
        "budi",
        "mulia",
        "setia",
        "jaya",
        "lestari",
        "harapan",
        "bintang",
        "intan",
        "mawar",
        "melati",
        "embun",
        "fajar",
        "surya",
        "bulan",
        "ayu",
        "tirta",
        "kasih",
        "sejahtera",
        "utama",
        "agung",
        "baik",
        "sehat",
        "salatiga",
        "kota",
        "dinas",
        "badan",
        "kecamatan",
        "kelurahan",
        "tingkir",
        "sidorejo",
        "sidomukti",
        "argomulyo",
        "slamet",
        "sentosa",
    }
)


#: Words that mark the next word as a person's name; a one-word name is matched only after one.
HONORIFICS: frozenset[str] = frozenset(
    {
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "bapak",
        "bpk",
        "pak",
        "ibu",
        "bu",
        "mas",
        "mbak",
        "tuan",
        "nyonya",
        "ny",
        "nona",
        "nn",
        "dr",
        "drs",
        "dra",
        "ir",
        "hj",
        "h",
        "prof",
        "an",
        "yth",
        "petugas",
        "pegawai",
        "staf",
        "operator",
        "pejabat",
        "kepala",
    }
)
# between the words of a name: spaces, optionally one "," or "." ("Hari, S.E.", "Sri  Wahyuni")
NAME_GAP = re.compile(r"^\s*[.,]?\s*$")
NAME_END = ""  # trie key of a complete name (no word is empty)


def nip_shaped(d: str) -> bool:
    """18 digits laid out like a NIP PNS or NI PPPK (reference §5.1, §5.2), dates plausible.

    Deliberately looser than validation: a NIP with a wrong serial or an impossible TMT is still
    somebody's personal data.
    """
    try:
        y, m, day = int(d[0:4]), int(d[4:6]), int(d[6:8])
        pd.Timestamp(year=y, month=m, day=day)
    except (ValueError, OverflowError):
        return False
    if not 1930 <= y <= 2015:
        return False
    tmt_y, tmt_m = int(d[8:12]), int(d[12:14])
    if not 1950 <= tmt_y <= 2100:
        return False
    pns = 1 <= tmt_m <= 12 and d[14] in "12"
    pppk = d[12] == "2" and d[13] in "123456789" and d[14] in "12"
    return pns or pppk


def mask_nip(nip: str) -> str:
    """``196711101992031001`` → ``1967***********001`` (first 4 and last 3 digits kept)."""
    d = re.sub(r"\D", "", str(nip))
    if len(d) < 8:
        return "*" * len(d)
    return d[:4] + "*" * (len(d) - 7) + d[-3:]


def mask_name(name: str) -> str:
    """``Budi Santoso`` → ``B*** S******``."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in str(name).split())


def fold_text(s: str) -> str:
    """``s`` NFKC-normalised and casefolded, the form in which names are compared."""
    return unicodedata.normalize("NFKC", s).casefold()


@functools.lru_cache(maxsize=200_000)
def fold_word(s: str) -> str:
    """:func:`fold_text` for one word of an already NFKC-normalised text (cached: words repeat)."""
    return s.casefold()


def core_name(name: str, *, fold: bool = True) -> list[str]:
    """Tokens of a name without academic/religious titles (casefolded unless ``fold=False``)."""
    s = unicodedata.normalize("NFKC", str(name))
    s = s.split(",")[0]  # "Sri Wahyuni, S.E., M.Si." → "Sri Wahyuni"
    tokens = WORD_RE.findall(s)
    while tokens and fold_text(tokens[0]) in _TITLE_PREFIXES:
        tokens = tokens[1:]
    return [fold_text(t) for t in tokens] if fold else tokens
