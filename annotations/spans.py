"""What a selection becomes when it is saved: no white space at its ends, whole graphemes, whole words.

The reader draws a selection exactly as this module will save it, so what the
annotator sees highlighted is, character for character, the stored ``text``.
``snap = "word"`` (the default) widens an end that falls inside a word to the
whole word, as Label Studio's word granularity does; ``snap = "char"`` keeps
the ends where they are, but still never splits a grapheme cluster (an emoji
with its modifiers, a letter with its combining accents).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

Snap = Literal["word", "char"]
SNAPS: tuple[Snap, ...] = ("word", "char")

# A word as the reader moves by it: letters and digits, joined by an apostrophe or a hyphen
# ("Kremlin’s", "Ocasio-Cortez").
WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
# What an end must not cut: a run of letters and digits. An apostrophe or hyphen is a fair place to
# end ("Kremlin" of "Kremlin’s" stays "Kremlin").
_RUN = re.compile(r"\w+")


@functools.cache
def _grapheme() -> Any:
    """Extended grapheme clusters (``\\X``): the ``regex`` package, imported when first needed."""
    import regex

    return regex.compile(r"\X")
# How far from an end to look for the word or grapheme cluster it falls in.
_REACH = 256


def _cluster_around(text: str, offset: int) -> tuple[int, int] | None:
    """The grapheme cluster that contains the character at ``offset``."""
    if not 0 <= offset < len(text):
        return None
    lo = max(0, offset - 32)
    # Start at a character that surely begins a cluster: back up over marks and joiners.
    for m in _grapheme().finditer(text, lo, min(len(text), offset + 32)):
        if m.start() <= offset < m.end():
            return m.start(), m.end()
    return None


def _word_around(text: str, offset: int) -> tuple[int, int] | None:
    """The word that ``offset`` (a boundary between two characters) falls strictly inside."""
    if not 0 < offset < len(text):
        return None
    lo = max(0, offset - _REACH)
    for m in _RUN.finditer(text, lo, min(len(text), offset + _REACH)):
        if m.start() >= offset:
            return None
        if m.start() < offset < m.end():
            return m.start(), m.end()
    return None


def grapheme_start(text: str, offset: int) -> int:
    """``offset`` moved back to the start of its grapheme cluster."""
    cluster = _cluster_around(text, offset)
    return cluster[0] if cluster else offset


def grapheme_end(text: str, offset: int) -> int:
    """``offset`` (an end, exclusive) moved forward to the end of the cluster it cuts."""
    if offset <= 0 or offset >= len(text):
        return max(0, min(offset, len(text)))
    cluster = _cluster_around(text, offset - 1)
    return cluster[1] if cluster else offset


def normalise_span(text: str, start: int, end: int, snap: Snap = "word") -> tuple[int, int] | None:
    """The span a selection of ``text[start:end]`` saves as, or None if nothing but white space is in it."""
    start, end = sorted((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    start, end = grapheme_start(text, start), grapheme_end(text, end)
    if snap == "word":
        around = _word_around(text, start)
        if around is not None:
            start = around[0]
        around = _word_around(text, end)
        if around is not None:
            end = around[1]
    return start, end


def word_end(text: str, offset: int) -> int:
    """Where ``e`` moves the cursor: just after the word under ``offset``, else after the next word.

    Offsets are half-open ends, so a selection from a word's start to here holds the whole word.
    """
    lo = max(0, offset - _REACH)
    for m in WORD.finditer(text, lo, min(len(text), offset + _REACH)):
        if m.start() <= offset < m.end():
            return m.end()
        if m.start() > offset:
            break
    following = WORD.search(text, offset)
    return following.end() if following else len(text)
