"""The document as lines on a screen: wrapping, and moving by word and sentence.

Pure text logic under the document widget, no Textual: ``WrappedText`` turns
the cleaned text into visual lines for a width, each line a half-open span of
text offsets, so that every offset (the cursor, a passage boundary) has exactly
one place on screen. Paragraphs are wrapped when first needed and cached, so a
large document costs little until it is scrolled through.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’»)\]]*(?=\s|$)")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_text(text: str) -> str:
    """``text`` with one printable character for each character, so offsets and columns agree.

    Control characters (escape sequences, bells), bidi overrides and
    zero-width characters become visible placeholders; they are never sent
    to the terminal. Tabs become spaces.
    """

    def visible(m: re.Match[str]) -> str:
        ch = m.group()
        if ch == "\x1b":
            return "␛"
        if ch == "\t":
            return " "
        if "\u200b" <= ch <= "\u200f" or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
            return "·"
        return "\N{REPLACEMENT CHARACTER}"

    return _CONTROL.sub(visible, text.replace("\t", " "))


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
    """The text wrapped to ``width`` cells, paragraph by paragraph, on demand."""

    def __init__(self, text: str, width: int) -> None:
        self.text = text
        self.width = max(8, width)
        # Paragraph spans [start, end) without their newline.
        self._para_starts: list[int] = []
        self._para_ends: list[int] = []
        pos = 0
        for piece in text.split("\n"):
            self._para_starts.append(pos)
            self._para_ends.append(pos + len(piece))
            pos += len(piece) + 1
        self._wrapped: dict[int, list[VisualLine]] = {}
        self._line_counts: list[int] | None = None
        self._first_line: list[int] = []

    # -- wrapping -------------------------------------------------------------------

    def _wrap_paragraph(self, p: int) -> list[VisualLine]:
        cached = self._wrapped.get(p)
        if cached is not None:
            return cached
        start, end = self._para_starts[p], self._para_ends[p]
        lines: list[VisualLine] = []
        text = self.text
        width = self.width
        ascii_only = text[start:end].isascii()
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

    def _counts(self) -> list[int]:
        if self._line_counts is None:
            counts = []
            first = []
            total = 0
            for p in range(len(self._para_starts)):
                first.append(total)
                n = len(self._wrap_paragraph(p))
                counts.append(n)
                total += n
            self._line_counts = counts
            self._first_line = first
        return self._line_counts

    @property
    def line_count(self) -> int:
        counts = self._counts()
        return self._first_line[-1] + counts[-1] if counts else 0

    def line(self, y: int) -> VisualLine:
        self._counts()
        p = bisect.bisect_right(self._first_line, y) - 1
        return self._wrap_paragraph(p)[y - self._first_line[p]]

    def line_of(self, offset: int) -> int:
        """The visual line that shows text offset ``offset``."""
        self._counts()
        offset = max(0, min(offset, len(self.text)))
        p = bisect.bisect_right(self._para_starts, offset) - 1
        lines = self._wrap_paragraph(p)
        k = bisect.bisect_right([vl.start for vl in lines], offset) - 1
        return self._first_line[p] + max(0, k)

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
    m = _WORD.search(text, offset)
    return m.end() if m else len(text)


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """The sentence around ``offset``: from after the previous sentence end to its own end."""
    offset = max(0, min(offset, len(text) - 1)) if text else 0
    para_start = text.rfind("\n", 0, offset) + 1
    para_end = text.find("\n", offset)
    para_end = len(text) if para_end < 0 else para_end
    start = para_start
    for m in _SENTENCE_END.finditer(text, para_start, para_end):
        if m.end() <= offset:
            start = m.end()
        else:
            end = m.end()
            break
    else:
        end = para_end
    while start < end and text[start].isspace():
        start += 1
    return start, max(start, end)


def next_sentence(text: str, offset: int) -> int:
    _, end = sentence_span(text, offset)
    pos = end
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return min(pos, len(text))


def previous_sentence(text: str, offset: int) -> int:
    start, _ = sentence_span(text, offset)
    if start < offset:
        return start
    pos = start - 1
    while pos > 0 and text[pos].isspace():
        pos -= 1
    return sentence_span(text, max(0, pos))[0] if pos > 0 else 0
