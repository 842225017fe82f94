"""The document as lines on a screen: wrapping, and moving by word and sentence.

Pure text logic under the document widget, no Textual: ``WrappedText`` turns
the cleaned text into visual lines for a width, each line a half-open span of
text offsets, so that every offset (the cursor, a passage boundary) has exactly
one place on screen. Paragraphs are wrapped when first needed and cached, so a
large document costs little until it is scrolled through.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from annotations import sentences, spans

from .terminal import sanitise

_WORD = re.compile(r"\w+(?:[’'-]\w+)*", re.UNICODE)
def display_text(text: str) -> str:
    """``text`` with one printable character for each character, so offsets and columns agree.

    Control characters (escape sequences, bells), bidi overrides and zero-width characters
    become visible placeholders (``reader.terminal.sanitise``); they are never sent to the
    terminal. Tabs become spaces.
    """
    return sanitise(text.replace("\t", " "))


# Characters that do not take exactly one cell: combining marks, zero-width and bidi controls,
# East Asian wide characters and emoji. A paragraph without any wraps by character count.
@functools.cache
def _wide_or_zero() -> re.Pattern[str]:
    """Compiled on first use: the character ranges take a few milliseconds to compile."""
    return re.compile(
        "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0e31-\u0e3a\u1100-\u115f"
        "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u20d0-\u20ff\u231a-\u231b\u23e9-\u23fa\u25fd-\u25fe"
        "\u2600-\u27bf\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
        "\uf900-\ufaff\ufe00-\ufe0f\ufe20-\ufe2f\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
        "\U0001f000-\U0001faff\U00020000-\U0003fffd\U000e0000-\U000e01ef]"
    )


def char_cells(ch: str) -> int:
    """Terminal cells one character takes: 2 for wide East Asian and most emoji, 0 for combining marks."""
    if ch.isascii():
        return 1
    if unicodedata.combining(ch) or ch in "\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


@dataclass(frozen=True, slots=True)
class VisualLine:
    start: int  # first text offset on this line
    end: int  # one past the last (the paragraph's newline belongs to its last line)


class WrappedText:
    """The text wrapped to ``width`` cells, paragraph by paragraph, on demand.

    Paragraphs not yet wrapped count with an estimate of their height; a
    paragraph is wrapped exactly when one of its lines is asked for, and the
    totals are corrected. Heights are summed in blocks of paragraphs, so
    finding the paragraph of a screen line costs a scan of the block sums and a
    bisect inside one block — cheap at any size.
    """

    BLOCK = 256
    #: Texts up to this size are wrapped whole at once (exact scroll bar); longer ones on demand.
    EXACT_UP_TO = 200_000

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.width = max(8, width)
        lengths = [len(piece) for piece in text.split("\n")]
        # Paragraph spans [start, end) without their newline.
        self._para_starts = [0, *itertools.accumulate(n + 1 for n in lengths[:-1])]
        self._para_ends = [s + n for s, n in zip(self._para_starts, lengths, strict=True)]
        per_line = max(1, int(self.width * 0.92))  # word wrap leaves a little room at each line end
        self._heights = [(n + per_line - 1) // per_line or 1 for n in lengths]
        self._exact = bytearray(len(lengths))
        self._wrapped: dict[int, list[VisualLine]] = {}
        self._block_sums = [sum(self._heights[i : i + self.BLOCK]) for i in range(0, len(lengths), self.BLOCK)]
        self._block_starts: list[int] | None = None
        if len(text) <= self.EXACT_UP_TO:
            for p in range(len(lengths)):
                self._settle(p)
        self.changed = False  # set when an exact wrap corrected the total height

    def _block_first_lines(self) -> list[int]:
        if self._block_starts is None:
            self._block_starts = [0, *itertools.accumulate(self._block_sums[:-1])]
        return self._block_starts

    def _first_line_of(self, p: int) -> int:
        b = p // self.BLOCK
        return self._block_first_lines()[b] + sum(self._heights[b * self.BLOCK : p])

    def _settle(self, p: int) -> list[VisualLine]:
        """Wrap paragraph ``p`` exactly and correct the sums."""
        lines = self._wrap_paragraph(p)
        if not self._exact[p]:
            self._exact[p] = 1
            delta = len(lines) - self._heights[p]
            if delta:
                self._heights[p] = len(lines)
                self._block_sums[p // self.BLOCK] += delta
                self._block_starts = None
                self.changed = True
        return lines

    @property
    def line_count(self) -> int:
        return sum(self._block_sums)

    def line(self, y: int) -> VisualLine:
        while True:
            starts = self._block_first_lines()
            b = max(0, bisect.bisect_right(starts, y) - 1)
            first = starts[b]
            lo = b * self.BLOCK
            heights = self._heights[lo : lo + self.BLOCK]
            firsts = list(itertools.accumulate(heights[:-1], initial=first))
            k = max(0, bisect.bisect_right(firsts, y) - 1)
            p = min(lo + k, len(self._heights) - 1)
            if self._exact[p]:
                lines = self._wrapped[p]
                return lines[min(len(lines) - 1, y - firsts[k])]
            self._settle(p)

    def line_of(self, offset: int) -> int:
        """The visual line that shows text offset ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        p = bisect.bisect_right(self._para_starts, offset) - 1
        lines = self._settle(p)
        k = bisect.bisect_right([vl.start for vl in lines], offset) - 1
        return self._first_line_of(p) + max(0, k)

    def column_of(self, offset: int) -> int:
        vl = self.line(self.line_of(offset))
        return sum(char_cells(ch) for ch in self.text[vl.start : offset])

    def offset_at(self, y: int, column: int) -> int:
        """The text offset shown at screen line ``y``, cell ``column`` (clamped to the line)."""
        y = max(0, min(y, self.line_count - 1))
        vl = self.line(y)
        last = vl.end - 1 if vl.end > vl.start and (vl.end - 1 >= len(self.text) or self.text[vl.end - 1] in "\n ") else vl.end
        last = max(vl.start, min(last, len(self.text)))
        cells = 0
        for i in range(vl.start, last):
            w = char_cells(self.text[i])
            if cells + w > column:
                return i
            cells += w
        return last

    # -- wrapping -------------------------------------------------------------------

    def _wrap_paragraph(self, p: int) -> list[VisualLine]:
        cached = self._wrapped.get(p)
        if cached is not None:
            return cached
        start, end = self._para_starts[p], self._para_ends[p]
        lines: list[VisualLine] = []
        text = self.text
        width = self.width
        piece = text[start:end]
        ascii_only = piece.isascii() or not _wide_or_zero().search(piece)
        line_start = start
        while True:
            if ascii_only:
                limit = line_start + width
            else:
                cells, limit = 0, line_start
                while limit < end:
                    w = char_cells(text[limit])
                    if cells + w > width:
                        break
                    cells += w
                    limit += 1
                limit = max(limit, line_start + 1)
            if limit >= end:
                lines.append(VisualLine(line_start, end + 1 if end < len(text) else end))
                break
            # Break after the last space before the limit, else hard-break.
            cut = text.rfind(" ", line_start, limit + 1)
            cut = limit if cut <= line_start else cut + 1
            lines.append(VisualLine(line_start, cut))
            line_start = cut
        self._wrapped[p] = lines
        return lines


_MD_HEADING = re.compile(r"#{1,6}\s")
_HEADING_ENDS = tuple(".!?:;,\"”’)…")


def is_heading(paragraph: str) -> bool:
    """A paragraph shown as a heading: a Markdown heading, or a short line that is no sentence."""
    line = paragraph.strip()
    if not line:
        return False
    if _MD_HEADING.match(line):
        return True
    return len(line) <= 90 and len(line.split()) <= 14 and not line.endswith(_HEADING_ENDS) and any(
        ch.isalpha() for ch in line)


# -- motions ---------------------------------------------------------------------------------


def next_word(text: str, offset: int) -> int:
    """The start of the word after the one at ``offset``."""
    current = _WORD.match(text, offset)
    m = _WORD.search(text, current.end() if current else offset + 1)
    return m.start() if m else max(0, len(text) - 1)


def previous_word(text: str, offset: int) -> int:
    """The start of the word before ``offset`` (or of the word ``offset`` is inside)."""
    window = max(0, offset - 400)
    starts = [m.start() for m in _WORD.finditer(text, window, offset) if m.start() < offset]
    return starts[-1] if starts else window


def word_end(text: str, offset: int) -> int:
    """Just after the word under ``offset``, else after the next word (``e``)."""
    return spans.word_end(text, offset)


def next_sentence(text: str, offset: int) -> int:
    """The start of the next sentence (the boundaries of ``annotations.sentences``)."""
    return sentences.next_sentence_start(text, offset)


def previous_sentence(text: str, offset: int) -> int:
    return sentences.previous_sentence_start(text, offset)
