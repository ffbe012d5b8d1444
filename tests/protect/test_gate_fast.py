"""The faster personal-data gate finds exactly what the previous one found (issue 16).

The gate of every page was made faster: :meth:`NameIndex.find` walks only the occurrences of
the few words that start a name, :func:`nip_candidates` and the grouped-NIP scan look only where
an 18-digit number can be, :func:`normalize_text` replaces only the whitespace that needs it, and
:func:`visible_text` reads the pages kinerja writes with one regular expression instead of
html.parser. It is a security control, so nothing may be lost: each part is compared here with
the implementation it replaced, copied into this file as the oracle (``_old_*``), on generated
texts and pages built from real-looking names, honorifics, titles, punctuation, line breaks,
casing, "Last, First", joined names, NIPs with separators, tags, entities and hostile HTML.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.domain import personal
from kinerja.domain.personal import (
    DATA_URI_RE,
    HONORIFICS,
    INVISIBLE_RE,
    NAME_END,
    NAME_GAP,
    NAME_JOINED,
    NIP_GROUPED_RE,
    NIP_RUN_RE,
    WORD_RE,
    NameIndex,
    fold_word,
    mask_name,
    mask_nip,
    nip_candidates,
    normalize_text,
)
from kinerja.protect import extract
from kinerja.protect.extract import CELL_BREAK, decode_bytes, visible_text
from kinerja.protect.gate import Hit, PersonalDataGate

# ---------------------------------------------------------------------------------------------
# the oracle: the implementation before issue 16, copied
# ---------------------------------------------------------------------------------------------


def _old_find(index: NameIndex, text: str) -> list[tuple[str, int, int]]:
    """``NameIndex.find`` before issue 16 (every word of the text tokenised)."""
    if not index._trie:
        return []
    norm = text
    root = index._trie
    folded = list(map(fold_word, WORD_RE.findall(norm)))
    starts = [i for i, word in enumerate(folded) if word in root]
    if not starts:
        return []
    tokens = list(WORD_RE.finditer(norm))

    def in_context(i: int) -> bool:
        if index.single_word_names == "anywhere":
            return True
        if not norm[tokens[i].start()].isupper():
            return False
        if i == 0 or folded[i - 1] not in HONORIFICS:
            return False
        return bool(NAME_GAP.match(norm[tokens[i - 1].end() : tokens[i].start()]))

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
            if display is not None and (j > i or NAME_JOINED in node or in_context(i)):
                best = (j, display)
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


def _old_normalize_text(s: object) -> str:
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", str(s)))
    return re.sub(r"\s+", " ", text).strip()


def _old_nip_candidates(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for run in NIP_RUN_RE.finditer(text):
        span = run.group()
        if len(span) < 18:
            continue
        groups = [
            (m.group(), run.start() + m.start(), run.start() + m.end())
            for m in re.finditer(r"[0-9]+", span)
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


_OLD_BLOCK_TAGS = frozenset(
    [
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "li",
        "ul",
        "ol",
        "p",
        "div",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "pre",
        "blockquote",
        "dt",
        "dd",
        "dl",
        "figure",
        "figcaption",
        "title",
        "option",
        "script",
        "style",
        "text",
        "tspan",
        "g",
        "svg",
    ]
)


class _OldTextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _boundary(self, tag: str) -> str:
        return CELL_BREAK if tag in _OLD_BLOCK_TAGS else " "

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self._boundary(tag))
        for _, value in attrs:
            if value:
                self.parts.append(CELL_BREAK + value + CELL_BREAK)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(self._boundary(tag))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _old_visible_text(page: str) -> str:
    collector = _OldTextCollector()
    with contextlib.suppress(Exception):
        collector.feed(page)
        collector.close()
    return "".join(collector.parts)


def _old_scan(gate: PersonalDataGate, text: str) -> list[Hit]:
    text = DATA_URI_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = _old_normalize_text(text)
    hits = []
    seen: set[tuple[int, int]] = set()
    for digits, start, end in _old_nip_candidates(text):
        if gate._flag_nip(digits):
            hits.append(Hit("nip", mask_nip(digits), start, end))
            seen.add((start, end))
    for m in NIP_GROUPED_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if (m.start(), m.end()) not in seen and gate._flag_nip(digits):
            hits.append(Hit("nip", mask_nip(digits), m.start(), m.end()))
    hits += [Hit("nama", mask_name(d), s, e) for d, s, e in _old_find(gate._names, text)]
    hits.sort(key=lambda h: (h.start, h.kind))
    return hits


def _old_scan_page(gate: PersonalDataGate, data: bytes) -> list[Hit]:
    """``scan_bytes(data, suffix=".html")`` before issue 16."""
    text = decode_bytes(data)
    hits = _old_scan(gate, text)
    seen = {(h.kind, h.shown) for h in hits}
    for h in _old_scan(gate, _old_visible_text(DATA_URI_RE.sub(" ", text))):
        if (h.kind, h.shown) not in seen:
            hits.append(h)
            seen.add((h.kind, h.shown))
    return hits


# ---------------------------------------------------------------------------------------------
# generated texts
# ---------------------------------------------------------------------------------------------

NAMES = [
    "Tri Purnomo, S.IP., M.AP.",
    "Nurul Rahayu, S.H., M.H.",
    "Dr. Hj. Sri Wahyuni, S.E., M.Si.",
    "dr. Dwi Handayani",
    "Budi Santoso",
    "Hendra Kusumawardana",
    "Nur Wahyuni Purwaningsih, S.K.M.",
    "Diah Dewi Handayani, A.Md.Kep.",
    "H. Ahmad Yani",
    "Ir. Joko Santoso",
    "Hari, S.E.",  # one-word names: matched in context only
    "Sutrisno, A.Md.",
    "Endah",
    "Maya",
    "Nur, S.IP.",
    "Yulianto, S.E., M.H.",
    "D'Arcy Wibowo",  # apostrophes join two runs of letters into one word
    "O’Brien Santoso",
    "Straße Müller",  # casefold changes the length
    "İbrahim Ölmez",
    "Ｒｉｎａ Ｗｕｌａｎｄａｒｉ",  # full-width: NFKC
    "R2D2 Astro",
    "Hari Hari",
]
NIPS = ["196711101992031001", "197303141997022002", "196706101989011003"]

_HONORIFICS = [
    "Bapak",
    "Ibu",
    "Sdr.",
    "sdr",
    "Pak",
    "BU",
    "petugas",
    "Kepala",
    "Dr.",
    "yth.",
    "an.",
]
_WORDS = [
    "hari",
    "kerja",
    "HARI",
    "sehari",
    "harian",
    "Hari's",
    "hari2",
    "dan",
    "oleh",
    "S.E.",
    "M.Si.",
    "santoso",
    "Santosoputra",
    "Budiman",
    "1967",
    "é",
    "ß",
    "SS",
    "ﬁ",
    "Ｈａｒｉ",
    "_",
    "'",
    "’",
    "`",
    "''",
    "a'",
    "'b",
    "d'Bapak",  # not an honorific: the apostrophe joins it to "d"
    "x’Ibu",
    "|",
]
_SEPS = [" ", "  ", ", ", ". ", ".", ",", "-", " - ", "/", "_", "\n", "\t", " \n ", "", "'", "’"]
_SEPS += ["`", " . ", ",,", "\u00a0", " | ", ":", "(", ")", "\u200b", "\u00ad", "\r\n"]


def _name_forms(name: str) -> list[str]:
    core = personal.core_name(name, fold=False)
    forms = [name, " ".join(core), name.upper(), name.lower(), "".join(core)]
    if len(core) >= 2:
        forms += [f"{core[-1]}, {' '.join(core[:-1])}", f"{core[-1].upper()} {core[0]}"]
    return forms


_FORMS = [f for n in NAMES for f in _name_forms(n)]
_SINGLE = [n for n in NAMES if len(personal.core_name(n)) == 1]
_in_context = st.builds(
    lambda h, s, n: h + s + n,
    st.sampled_from(_HONORIFICS + ["d'Bapak", "x’Ibu", "1'Pak"]),
    st.sampled_from(_SEPS),
    st.sampled_from(_SINGLE),
)
_nip_form = st.builds(
    lambda nip, cuts, sep: sep.join(
        nip[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 18], strict=True)
    ),
    st.sampled_from(NIPS),
    st.lists(st.integers(1, 17), max_size=5, unique=True),
    st.sampled_from([" ", "-", ".", "/", "_", "  ", ". ", "\n", "\u2013", ","]),
)
_piece = st.one_of(
    st.sampled_from(_FORMS),
    _in_context,
    st.sampled_from(_HONORIFICS),
    st.sampled_from(_WORDS),
    _nip_form,
    st.text(alphabet="aAhHrRiIsS'’`_.,- é0123456789", max_size=8),
)
texts = st.lists(st.tuples(_piece, st.sampled_from(_SEPS)), max_size=30).map(
    lambda xs: "".join(a + b for a, b in xs)
)

_INDEXES = {
    (mode, allowed): NameIndex(
        NAMES, single_word_names=mode, allowed_names=["Budi Santoso"] if allowed else ()
    )
    for mode in ("context", "anywhere")
    for allowed in (False, True)
}
_GATES = [
    PersonalDataGate(NIPS, NAMES),
    PersonalDataGate(NIPS[:1], NAMES, allowed_nips=NIPS[1:2], single_word_names="anywhere"),
    PersonalDataGate(nip_shape=False),
]
_SLOW = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@_SLOW
@given(text=texts, normalise=st.booleans())
def test_find_gives_the_names_the_previous_find_gave(text, normalise):
    if normalise:
        text = normalize_text(text)
    for index in _INDEXES.values():
        expected = _old_find(index, text)
        assert index.find(text) == expected, repr(text)
        # both ways of walking, whichever find chooses for this text
        assert index._find_tokens(text) == expected, repr(text)
        starting = {w for w in WORD_RE.findall(text) if fold_word(w) in index._trie}
        if starting:
            assert index._find_near(text, tuple(sorted(starting))) == expected, repr(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_find_agrees_on_any_characters(text):
    text = f"{text} Bapak Hari {text}Budi Santoso{text}"
    for index in _INDEXES.values():
        expected = _old_find(index, text)
        assert index._find_tokens(text) == expected
        starting = {w for w in WORD_RE.findall(text) if fold_word(w) in index._trie}
        assert index._find_near(text, tuple(sorted(starting))) == expected, repr(text)


def test_find_examples_of_each_rule():
    index = _INDEXES[("context", False)]
    text = "Bapak Hari; hari kerja; Sdr.Sutrisno; x'Ibu Maya; SANTOSO, Budi; BudiSantoso."
    assert index.find(text) == _old_find(index, text)
    # "x'Ibu" is one word, not an honorific; "SANTOSO, Budi" and "BudiSantoso" are Budi Santoso
    assert [d for d, _, _ in index.find(text)] == [
        "Hari",
        "Sutrisno",
        "Budi Santoso",
        "Budi Santoso",
    ]
    # many occurrences of a start word: every word is walked, with the same result
    many = "Budi Santoso " * 50
    assert index.find(many) == _old_find(index, many) and len(index.find(many)) == 50


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(
        st.one_of(
            _nip_form,
            st.sampled_from(["1", "12", "123.4", " ", ".", "-", "/", "_", "\n", "a", "|", ","]),
            st.text(alphabet="0123456789 .-_/\u2013\u00b7\n,a", max_size=30),
        ),
        max_size=20,
    ).map("".join)
)
def test_nip_candidates_are_the_previous_ones(text):
    assert nip_candidates(text) == _old_nip_candidates(text)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\u00a0\u2003\u3000\u200bab1.")),
        max_size=30,
    )
    | st.text(max_size=30)
)
def test_normalize_text_is_the_previous_one(text):
    assert normalize_text(text) == _old_normalize_text(text)


# ---------------------------------------------------------------------------------------------
# generated pages
# ---------------------------------------------------------------------------------------------

_TEXT = st.one_of(
    st.sampled_from(_FORMS),
    _in_context,
    _nip_form,
    st.sampled_from(_WORDS),
    st.sampled_from(["&amp;", "&lt;", "&shy;", "&#97;", "&#x41;", "&notin", "&#0;", "&", ";"]),
    st.text(alphabet="ab <>&;#'\"=/\n", max_size=6),
)
_TAG = st.sampled_from(["b", "span", "td", "TR", "div", "p", "br", "svg", "text", "a", "g", "Li"])
_VALUE = st.one_of(_TEXT, st.sampled_from(["", "x", "a b", "&quot;", "1 > 2", "a'b", 'a"b']))
_ATTR = st.builds(
    lambda name, value, quote: (
        name
        + (
            ""
            if quote is None
            else "=" + quote + value.replace(quote, "") + quote
            if quote
            else "=" + value.replace(" ", "").replace(">", "")
        )
    ),
    st.sampled_from(["class", "x", "data-nama", "title", "id", "aria-label", "x:y"]),
    _VALUE,
    st.sampled_from(['"', '"', "'", None, ""]),
)
_WS = st.sampled_from([" ", " ", "\n", "\t", "  ", "\r\n", "\x0b", "\u00a0"])


@st.composite
def _start_tag(draw):
    tag = draw(_TAG)
    attrs = draw(st.lists(st.tuples(_WS, _ATTR), max_size=3))
    tail = draw(st.sampled_from([">", ">", "/>", " />", " >", "\n>", " / >"]))
    return "<" + tag + "".join(w + a for w, a in attrs) + tail


_MARKUP = st.one_of(
    _start_tag(),
    _TAG.map(lambda t: f"</{t}>"),
    _TAG.map(lambda t: f"</{t} >"),
    st.sampled_from(
        [
            "<!DOCTYPE html>",
            "<!doctype html >",
            "<!-- komentar -->",
            "<!---->",
            "<![CDATA[x]]>",
            "<?xml version='1.0'?>",
            "<style>p > b { content: '&amp;</b>' }</style>",
            "<STYLE>a</STYLE >",
            "<script>if (a < b) { x = '</div>' }</script>",
            "<script>",
            "<title>A <b>B</b></title>",
            "a < b",
            "<",
            "</",
            "</>",
            "<3",
            "<a href='x",
            '<a b="1"c="2">',
            "<a b = 'c'>",
            "<a b=c>",
        ]
    ),
)
pages = st.lists(st.one_of(_TEXT, _MARKUP, _TEXT, _MARKUP), max_size=25).map("".join)


@_SLOW
@given(page=pages)
def test_visible_text_is_what_html_parser_collects(page):
    assert visible_text(page) == _old_visible_text(page), repr(page)


@_SLOW
@given(page=pages)
def test_html_pages_give_the_previous_hits(page):
    data = page.encode("utf-8")
    for gate in _GATES:
        new = [(h.kind, h.shown, h.start, h.end) for h in gate.scan_bytes(data, suffix=".html")]
        old = [(h.kind, h.shown, h.start, h.end) for h in _old_scan_page(gate, data)]
        assert new == old, repr(page)


def _kinerja_like_page(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        "<title>Pemantauan</title>\n<style>\nbody { color: #222; } td > b { x: '&amp;' }\n"
        "</style>\n</head>\n<body>\n<h1>DPMPTSP &mdash; Desember 2025</h1>\n"
        f"<table><tr><td class='angka'>95,3</td><td>{body}</td></tr></table>\n"
        '<svg viewBox="0 0 380 200" role="img"><title>Ketepatan waktu</title>'
        '<rect x="341.7" y="36" width="26.3" height="134" fill="#fff4d6"/>'
        '<text x="4" y="14" font-size="11.5">Ketepatan waktu (%)</text></svg>\n'
        "</body>\n</html>\n"
    )


@_SLOW
@given(body=st.lists(st.one_of(_TEXT, _MARKUP), max_size=12).map("".join))
def test_pages_like_kinerja_writes_give_the_previous_hits(body):
    page = _kinerja_like_page(body)
    assert visible_text(page) == _old_visible_text(page)
    data = page.encode("utf-8")
    for gate in _GATES:
        new = [(h.kind, h.shown, h.start, h.end) for h in gate.scan_bytes(data, suffix=".html")]
        old = [(h.kind, h.shown, h.start, h.end) for h in _old_scan_page(gate, data)]
        assert new == old, repr(page)


# ---------------------------------------------------------------------------------------------
# the fast reading is really used on kinerja's pages, and only there
# ---------------------------------------------------------------------------------------------


def test_the_fast_reading_is_on_for_this_python():
    assert extract._fast_reading_agrees()
    assert extract._fast_visible_text(extract._CANARY) == _old_visible_text(extract._CANARY)


def test_kinerja_pages_are_read_fast_and_odd_pages_by_html_parser():
    page = _kinerja_like_page("Bapak <b>Hari</b> dan Budi<span> Santoso</span>")
    assert extract._fast_visible_text(page) == _old_visible_text(page)
    hits = PersonalDataGate(NIPS, NAMES).scan_bytes(page.encode(), suffix=".html")
    # inline tags are spaces in the visible text: "Bapak Hari" and "Budi Santoso" are read there
    assert [h.shown for h in hits] == ["H***", "B*** S******"]
    for odd in ("<!-- x -->", "a < b", "<a b=c>", "<a b = 'c'>", "</b >", "<script>x"):
        assert extract._fast_visible_text(_kinerja_like_page(odd)) is None
        assert visible_text(_kinerja_like_page(odd)) == _old_visible_text(_kinerja_like_page(odd))


@pytest.mark.parametrize(
    "planted",
    [
        "Bu\u00addi San\u200btoso",
        "SANTOSO,  Budi",
        "Verifikasi 1967-1110-1992-03-1-001",
        "KK 19671110.199203.1.001",
        "Kusumawardana, Hendra",
        "Dr. Budi\u200bSantoso, S.E.",
        "196,711,101,992,031,001",
        "Bu<b>di</b> Santoso",
        "Bu<!-- -->di Santoso",
        "Budi&nbsp;Santoso",
        "<td>19671110</td><td>199203</td><td>1 001</td>",
        "1967111019920<br>31001",
    ],
)
def test_hostile_plantings_give_the_previous_hits(planted):
    gate = PersonalDataGate(NIPS, NAMES)
    for page in (_kinerja_like_page(planted), f'<p title="{planted}">x</p>', planted):
        data = page.encode("utf-8")
        new = [(h.kind, h.shown, h.start, h.end) for h in gate.scan_bytes(data, suffix=".html")]
        assert new == [(h.kind, h.shown, h.start, h.end) for h in _old_scan_page(gate, data)]
