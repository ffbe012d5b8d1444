"""What personal data looks like in text: NIP-shaped numbers, names, titles and honorifics.

The lowest layer of the personal-data checks, so that both the loader (labels checked at load,
:mod:`kinerja.data.labels`) and the gate of every output (:mod:`kinerja.protect.gate`) use the
same rules: :func:`normalize_text` first (NFKC, invisible characters removed, whitespace
collapsed), then :func:`nip_candidates` (18 digits with any separators) and :class:`NameIndex`
(the names of every employee, case-insensitive, with or without titles, "Last, First").
:mod:`kinerja.protect.detect` re-exports all of it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal

import pandas as pd

# Characters that render as nothing: soft hyphen U+00AD, zero-width space/joiners U+200B-U+200D,
# direction marks U+200E/U+200F and U+202A-U+202E, word joiner and invisible operators
# U+2060-U+2064, U+2066-U+206F, Mongolian vowel separator U+180E, BOM/ZWNBSP U+FEFF. A name or NIP
# with one of them inside still reads as the name or NIP (issue 12: "Bu\u00addi", "1967\u200b...").
INVISIBLE_RE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# the runs of whitespace that are not already one space: replacing them by one space collapses
# every run (as re.sub(r"\s+", " ", ...) does) with far fewer replacements
_SPACE_RUN_TO_FIX = re.compile(r"[^\S ]\s*| \s+")
# between the digits of a NIP written with separators: spaces of any kind and line breaks, dots,
# hyphens and dashes, underscores, slashes (at most 3 characters between two digits)
_NIP_SEP = "[\\s.\\-_/\u2010-\u2015\u2212\u00b7]"
NIP_RUN_RE = re.compile(rf"[0-9]+(?:{_NIP_SEP}{{1,3}}[0-9]+)*")
# a stretch of digits and separators that begins and ends with a digit and is at least 18
# characters long: every NIP_RUN_RE run of 18 characters or more lies in one
_NIP_STRETCH_RE = re.compile(rf"[0-9][0-9{_NIP_SEP[1:-1]}]{{16,}}[0-9]")
_DIGITS = re.compile(r"[0-9]+")
_SEP = r"[ \u00a0\u202f]?"
# 18 digits not touching another digit (a longer numeric run is not a NIP), with or without the
# official spaces "19670610 198901 1 003".
NIP_RE = re.compile(rf"(?<![0-9])(\d{{8}}){_SEP}(\d{{6}}){_SEP}(\d){_SEP}(\d{{3}})(?![0-9])")
# the same number formatted as a thousands-separated integer (fmt_int on a NIP): 196.711.101.992.031.001
NIP_GROUPED_RE = re.compile(r"(?<![0-9.,])(\d{3}(?:([.,])\d{3})(?:\2\d{3}){4})(?![0-9]|[.,]\d)")
# data: URIs carry images and fonts as base64; a digit run inside them is not text
DATA_URI_RE = re.compile(r"data:[a-z0-9.+/-]+(?:;[a-z0-9.+=-]+)*;base64,[A-Za-z0-9+/=]*", re.I)
# a word: letters and digits (an underscore separates words: "Budi_Santoso" is two words)
WORD_RE = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*")
# one character of a word, and the apostrophes that join two runs of them into one word
_WORD_CHAR_RE = re.compile(r"[^\W_]")
_APOSTROPHES = "'’`"
# NameIndex.find walks only the occurrences of the words that start a name when there are at
# most this many distinct such words, making up at most 1/_NEAR_MAX_SHARE of the words of a text
_NEAR_MAX_WORDS = 32
_NEAR_MAX_SHARE = 4

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
# between the words of a name: spaces, optionally one "," "." "-" "_" or "/" ("Hari, S.E.",
# "Sri  Wahyuni", "Santoso, Budi", "Budi_Santoso")
NAME_GAP = re.compile(r"^\s*[.,\-_/]?\s*$")
NAME_END = ""  # trie key of a complete name (no word is empty)
#: trie key marking a one-token key that is a whole multi-word name written without spaces
#: ("BudiSantoso", or "Budi\u200bSantoso" once the zero-width space is removed): no context needed
NAME_JOINED = "\x01"


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


def normalize_text(s: object) -> str:
    """The text in the form every personal-data check reads it.

    NFKC (full-width digits and letters become ASCII, ligatures are split), invisible characters
    removed (soft hyphen, zero-width space/joiners, word joiner, BOM, direction marks: see
    :data:`INVISIBLE_RE`) and every run of whitespace, line breaks included, collapsed to one
    space.

    Examples
    --------
    >>> normalize_text("Bu\u00addi\u200b  San\ntoso")
    'Budi San toso'
    """
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", str(s)))
    return _SPACE_RUN_TO_FIX.sub(" ", text).strip()


def nip_candidates(text: str) -> list[tuple[str, int, int]]:
    """18-digit numbers in ``text`` written with or without separators.

    A run of digit groups joined by at most three separator characters (spaces, line breaks,
    dots, hyphens and dashes, underscores, slashes) is cut at group boundaries into every window
    of exactly 18 digits: ``1967-0610-1989-01-1-003``, ``19670610.198901.1.003`` and a NIP
    broken over lines all give ``196706101989011003``. A single group of more than 18 digits is
    not a NIP (an account number, a base64 fragment). ``text`` should be NFKC-normalised first
    (:func:`normalize_text`), so full-width digits are ASCII.

    Returns
    -------
    list of (digits, start, end)
        The 18 digits and the span of the window in ``text``.
    """
    out: list[tuple[str, int, int]] = []
    # a run of 18 characters or more lies in a stretch (most texts have none: figures are short)
    for stretch in _NIP_STRETCH_RE.finditer(text):
        for run in NIP_RUN_RE.finditer(text, stretch.start(), stretch.end()):
            span = run.group()
            if len(span) < 18:
                continue
            groups = [
                (m.group(), run.start() + m.start(), run.start() + m.end())
                for m in _DIGITS.finditer(span)
            ]
            if sum(len(g[0]) for g in groups) < 18:
                continue
            for i in range(len(groups)):
                total = 0
                for j in range(i, len(groups)):
                    total += len(groups[j][0])
                    if total >= 18:
                        if total == 18:
                            digits = "".join(g[0] for g in groups[i : j + 1])
                            out.append((digits, groups[i][1], groups[j][2]))
                        break
    return out


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


def _present(v: object) -> bool:
    return (
        v is not None
        and not (isinstance(v, float) and v != v)
        and v is not pd.NA
        and str(v).strip() != ""
    )


@functools.lru_cache(maxsize=256)
def _starting_words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """Occurrences of ``words`` not followed by more of a word; longest first, so that at a
    word's start the whole word is found, not a shorter one that begins it."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?:{alternatives})(?![^\W_]|['’`][^\W_])")


def _inside_word(text: str, i: int) -> bool:
    """Whether ``text[i]`` (a letter or digit, ``i > 0``) continues the word before it."""
    if _WORD_CHAR_RE.match(text, i - 1):
        return True
    return i >= 2 and text[i - 1] in _APOSTROPHES and bool(_WORD_CHAR_RE.match(text, i - 2))


class NameIndex:
    """The names of the people to protect, as a trie over their casefolded words.

    Parameters
    ----------
    names
        Names as written in ``pegawai.nama`` (titles allowed).
    allowed_names
        Names never matched (an internal output's own staff).
    min_name_len
        A one-word name is used only with at least this many letters and when it is not in
        :data:`COMMON_NAME_WORDS` or ``ignore_words``.
    ignore_words
        Extra one-word names not to match.
    single_word_names
        ``"context"``: a one-word name counts only when capitalised after an honorific
        (:data:`HONORIFICS`); ``"anywhere"``: always.

    Notes
    -----
    Every name is matched as written, without its titles, in "Last, First" order and written
    as one word ("BudiSantoso", what remains of "Budi\u200bSantoso" after the zero-width space
    is removed). Text given to :meth:`find` must be :func:`normalize_text`-ed.
    """

    def __init__(
        self,
        names: Iterable[object] = (),
        *,
        allowed_names: Iterable[object] = (),
        min_name_len: int = 4,
        ignore_words: Iterable[str] = (),
        single_word_names: Literal["context", "anywhere"] = "context",
    ) -> None:
        self.single_word_names = single_word_names
        ignore = {fold_text(w) for w in ignore_words} | COMMON_NAME_WORDS
        allowed_keys: set[tuple[str, ...]] = set()
        for n in allowed_names:
            if _present(n):
                allowed_keys.update(self._name_keys(str(n)))
        # a trie over folded name tokens; the node of a name's last token holds its display form
        self._trie: dict[str, Any] = {}
        for n in names:
            if not _present(n):
                continue
            joined = self._joined_keys(str(n))
            for key in self._name_keys(str(n)) | joined:
                if key in allowed_keys:
                    continue
                if (
                    len(key) == 1
                    and key not in joined
                    and (len(key[0]) < min_name_len or key[0] in ignore)
                ):
                    continue
                node = self._trie
                for token in key:
                    node = node.setdefault(token, {})
                node.setdefault(NAME_END, " ".join(core_name(str(n), fold=False)) or str(n))
                if key in joined:
                    node[NAME_JOINED] = True

    def __bool__(self) -> bool:
        return bool(self._trie)

    @staticmethod
    def _name_keys(name: str) -> set[tuple[str, ...]]:
        """Token sequences of a name: as written, without titles, and "Last, First" order."""
        full = tuple(fold_text(t) for t in WORD_RE.findall(normalize_text(name)))
        core = tuple(core_name(name))
        keys = {k for k in (full, core) if k}
        if len(core) >= 2:
            keys.add((core[-1], *core[:-1]))  # "Santoso, Budi" / "SANTOSO Budi"
        return keys

    @staticmethod
    def _joined_keys(name: str) -> set[tuple[str, ...]]:
        """A multi-word name written as one word ("BudiSantoso"), at least 6 letters."""
        core = core_name(name)
        if len(core) < 2 or len("".join(core)) < 6:
            return set()
        return {("".join(core),), ("".join((core[-1], *core[:-1])),)}

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(display name, start, end) of every name in ``text`` (normalised), longest first.

        Most texts hold no word that starts a name (a page of figures), or a few such words
        many times ("hari" of "hari kerja"): the distinct words are looked up first, and when
        only a few of them start a name, only their occurrences are walked
        (:meth:`_find_near`); otherwise every word is (:meth:`_find_tokens`). Both give the
        same result.
        """
        if not self._trie:
            return []
        root = self._trie
        words = WORD_RE.findall(text)
        starting = [w for w in set(words) if fold_word(w) in root]
        if not starting:
            return []
        if len(starting) <= _NEAR_MAX_WORDS:
            wanted = frozenset(starting)
            occurrences = sum(map(wanted.__contains__, words))
            if occurrences * _NEAR_MAX_SHARE <= len(words):
                return self._find_near(text, tuple(sorted(starting)))
        return self._find_tokens(text)

    def _find_tokens(self, text: str) -> list[tuple[str, int, int]]:
        """:meth:`find` by walking from every word of ``text`` that starts a name."""
        norm = text
        root = self._trie
        folded = list(map(fold_word, WORD_RE.findall(norm)))
        # only words that can start a name are walked (most words of a page start none)
        starts = [i for i, word in enumerate(folded) if word in root]
        if not starts:
            return []
        tokens = list(WORD_RE.finditer(norm))
        hits: list[tuple[str, int, int]] = []
        n_tokens = len(folded)
        next_free = 0
        for i in starts:
            if i < next_free:
                continue
            node = root[folded[i]]
            best: tuple[int, str] | None = None
            j = i
            while True:
                display = node.get(NAME_END)
                if display is not None and (
                    j > i
                    or NAME_JOINED in node
                    or self._single_word_in_context(norm, tokens, folded, i)
                ):
                    best = (j, display)  # the longest name wins
                if j + 1 >= n_tokens:
                    break
                nxt = node.get(folded[j + 1])
                if nxt is None or not NAME_GAP.match(norm[tokens[j].end() : tokens[j + 1].start()]):
                    break
                node, j = nxt, j + 1
            if best is not None:
                end, display = best
                hits.append((display, tokens[i].start(), tokens[end].end()))
                next_free = end + 1
        return hits

    def _find_near(self, text: str, starting: tuple[str, ...]) -> list[tuple[str, int, int]]:
        """:meth:`find` by walking only from the occurrences of ``starting`` (words of ``text``
        as written, whose folded form starts a name); the words around them are read on demand.

        A word of ``text`` (a match of :data:`WORD_RE` when the whole text is tokenised) starts
        at a letter or digit whose previous character is neither a letter or digit nor an
        apostrophe that follows one; the word there is ``WORD_RE.match(text, start)``, and the
        next word is ``WORD_RE.search(text, end)``.
        """
        root = self._trie
        hits: list[tuple[str, int, int]] = []
        free = 0  # no name starts inside the previous one
        for m in _starting_words_re(starting).finditer(text):
            start = m.start()
            if start < free or (start and _inside_word(text, start)):
                continue
            word = WORD_RE.match(text, start)
            if word is None or word.end() != m.end():  # a longer word ("Hari's", "Hari2")
                continue
            node = root[fold_word(m.group())]
            best: tuple[int, str] | None = None
            end = m.end()
            while True:
                display = node.get(NAME_END)
                if display is not None and (
                    end != m.end() or NAME_JOINED in node or self._single_word_near(text, start)
                ):
                    best = (end, display)  # the longest name wins
                following = WORD_RE.search(text, end)
                if following is None:
                    break
                nxt = node.get(fold_word(following.group()))
                if nxt is None or not NAME_GAP.match(text[end : following.start()]):
                    break
                node, end = nxt, following.end()
            if best is not None:
                hits.append((best[1], start, best[0]))
                free = best[0]
        return hits

    def _single_word_near(self, text: str, start: int) -> bool:
        """:meth:`_single_word_in_context` for the word of ``text`` that starts at ``start``."""
        if self.single_word_names == "anywhere":
            return True
        if not text[start].isupper():
            return False
        # the previous word ends after the last letter or digit before ``start``
        end = start
        while end and not _WORD_CHAR_RE.match(text, end - 1):
            end -= 1
        if not end:
            return False  # no previous word
        if not NAME_GAP.match(text[end:start]):
            return False
        first = end - 1
        while True:
            while first and _WORD_CHAR_RE.match(text, first - 1):
                first -= 1
            if (
                first >= 2
                and text[first - 1] in _APOSTROPHES
                and _WORD_CHAR_RE.match(text, first - 2)
            ):
                first -= 2  # "D'Arc": the apostrophe joins two runs of letters into one word
                continue
            break
        return fold_word(text[first:end]) in HONORIFICS

    def _single_word_in_context(
        self, norm: str, tokens: list[re.Match[str]], folded: list[str], i: int
    ) -> bool:
        """A one-word name counts only after an honorific ("Sdr. Sutrisno", "Ibu Endah").

        One-word names are often ordinary words too ("Hari" in "hari kerja", "Bagus", "Ilham"),
        so matching them anywhere would fail every report. The name must also be capitalised.
        """
        if self.single_word_names == "anywhere":
            return True
        if not norm[tokens[i].start()].isupper():
            return False
        if i == 0 or folded[i - 1] not in HONORIFICS:
            return False
        return bool(NAME_GAP.match(norm[tokens[i - 1].end() : tokens[i].start()]))
