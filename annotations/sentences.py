"""Sentences of a paragraph, for the keys that tag or move by sentence and for the sentences export.

The boundaries come from sentencex (a maintained, rule-based segmenter with
abbreviation lists for some 300 languages, and CJK sentence punctuation), with
two small corrections it needs on news text: a title before a name ("Ms. Lee")
never ends a sentence, and a sentence closed inside parentheses ("(… was
withdrawn.) Officials …") does. See ``benchmarks/sentences.py`` for how it was
chosen over pysbd, nupunkt and syntok.

Sentences are found one paragraph (one line of the cleaned text) at a time and
only when asked for; a paragraph longer than ``WINDOW`` characters is cut into a
window around the offset, so a 5 MB one-line document costs no more than a page.
"""

from __future__ import annotations

import re
from collections import OrderedDict

LANGUAGE = "en"
WINDOW = 20_000
_CACHE_SIZE = 64

# Titles that stand before a name: a full stop after them does not end the sentence.
_TITLES = frozenset(
    "mr mrs ms mx dr prof gen lt col maj capt cpt sgt adm cmdr sen rep gov pres st rev hon fr sr jr mt ft".split()
)
_TITLE_END = re.compile(r"(?:^|[\s(“\"‘'])([A-Za-z]{1,5})\.\s*$")
# A sentence closed inside brackets, then the next one: "(… withdrawn.) Officials".
_CLOSED_IN_BRACKETS = re.compile(r"[.!?…][\"”’']?[)\]](?=\s+[\"“‘'(]?[A-Z])")

# sentencex never ends a sentence inside double quotes, so a quoted paragraph ("…. …. …") would be one
# sentence: the quotes are hidden from it (same length, so offsets hold) and put back after.
_HIDE_QUOTES = str.maketrans(dict.fromkeys('"“”„«»', "\u2063"))
_CLOSING = frozenset('”»"’\'')

_cache: OrderedDict[tuple[int, int, int], tuple[str, list[tuple[int, int]]]] = OrderedDict()


def paragraph_bounds(text: str, offset: int) -> tuple[int, int]:
    """The paragraph (line) that holds ``offset``: [start, end) without its newline."""
    offset = max(0, min(offset, len(text)))
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _segment(piece: str) -> list[tuple[int, int]]:
    """Sentence spans of ``piece``, trimmed of white space, in order."""
    cuts: list[int] = []
    pos = 0
    import sentencex  # imported when the first sentence is asked for: start-up does not pay for it

    for part in sentencex.segment(LANGUAGE, piece.translate(_HIDE_QUOTES)):
        pos += len(part)
        cuts.append(pos)
    if pos != len(piece) or not cuts:  # the segmenter gives the text back whole; never trust that blindly
        cuts = [len(piece)]
    # A closing quote belongs to the sentence it closes.
    for k, cut in enumerate(cuts[:-1]):
        while cut < len(piece) and piece[cut] in _CLOSING and (
            piece[cut] in "”»" or cut + 1 == len(piece) or not piece[cut + 1].isalnum()
        ):
            cut += 1
        cuts[k] = cut
    raw = [(a, b) for a, b in zip([0, *cuts[:-1]], cuts, strict=True) if b > a]
    # Split where a sentence closes inside brackets and another follows.
    split: list[tuple[int, int]] = []
    for a, b in raw:
        cut = a
        for m in _CLOSED_IN_BRACKETS.finditer(piece, a, b):
            split.append((cut, m.end()))
            cut = m.end()
        split.append((cut, b))
    # Join a sentence that "ends" with a title to the name that follows it.
    joined: list[tuple[int, int]] = []
    for a, b in split:
        if joined:
            prev_a, prev_b = joined[-1]
            title = _TITLE_END.search(piece, prev_a, prev_b)
            if title and title.group(1).lower() in _TITLES and piece[a:b].lstrip()[:1].isupper():
                joined[-1] = (prev_a, b)
                continue
        joined.append((a, b))
    spans = []
    for a, b in joined:
        while a < b and piece[a].isspace():
            a += 1
        while b > a and piece[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def _window(text: str, start: int, end: int, offset: int) -> tuple[int, int]:
    """A stretch of at most ``WINDOW`` characters of [start, end) around ``offset``, cut at white space."""
    if end - start <= WINDOW:
        return start, end
    lo = max(start, offset - WINDOW // 2)
    hi = min(end, lo + WINDOW)
    if lo > start:
        space = text.find(" ", lo, offset)
        lo = space + 1 if space >= 0 else lo
    if hi < end:
        space = text.rfind(" ", offset, hi)
        hi = space if space > offset else hi
    return lo, hi


def sentences_in_paragraph(text: str, offset: int) -> list[tuple[int, int]]:
    """The sentences of the paragraph holding ``offset``, as [start, end) offsets into ``text``."""
    p_start, p_end = paragraph_bounds(text, offset)
    start, end = _window(text, p_start, p_end, offset)
    key = (id(text), start, end)
    hit = _cache.get(key)
    if hit is not None and hit[0] is text:
        _cache.move_to_end(key)
        return hit[1]
    spans = [(start + a, start + b) for a, b in _segment(text[start:end])]
    _cache[key] = (text, spans)
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return spans


def sentence_at(text: str, offset: int) -> tuple[int, int] | None:
    """The sentence under ``offset`` (or, between two, the next one in its paragraph); None on a blank line."""
    spans = sentences_in_paragraph(text, offset)
    for a, b in spans:
        if offset < b:
            return a, b
    return spans[-1] if spans else None


def next_sentence_start(text: str, offset: int) -> int:
    """The start of the sentence after the one at ``offset`` (crossing paragraphs)."""
    pos = offset
    while pos <= len(text):
        for a, _ in sentences_in_paragraph(text, pos):
            if a > offset:
                return a
        _, p_end = paragraph_bounds(text, pos)
        if p_end >= len(text):
            return offset
        pos = p_end + 1
    return offset


def previous_sentence_start(text: str, offset: int) -> int:
    """The start of the sentence before ``offset`` (or of the one ``offset`` is inside)."""
    pos = offset
    while True:
        starts = [a for a, _ in sentences_in_paragraph(text, pos) if a < offset]
        if starts:
            return starts[-1]
        p_start, _ = paragraph_bounds(text, pos)
        if p_start == 0:
            return 0
        pos = p_start - 1


def all_sentences(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text`` (for the sentences export), paragraph by paragraph."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text):
        p_start, p_end = paragraph_bounds(text, pos)
        if p_end > p_start:
            start = p_start
            while start < p_end:
                w_start, w_end = _window(text, start, p_end, start)
                spans += [(w_start + a, w_start + b) for a, b in _segment(text[w_start:w_end])]
                start = w_end
        pos = p_end + 1
    return spans
