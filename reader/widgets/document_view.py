"""DocumentView: the cleaned text with a cursor, a selection and coloured passages.

A ``ScrollView`` on Textual's Line API: only the lines in view are rendered,
from a ``WrappedText`` that wraps paragraphs on demand, so a long document
opens and scrolls like a short one. The widget knows offsets, not the store:
it posts messages (cursor moved, tag asked for) and the screen acts on them.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.layout import (
    WrappedText,
    display_text,
    is_heading,
    next_sentence,
    next_word,
    previous_sentence,
    previous_word,
    word_end,
)

SpanRule = Callable[[int, int], "tuple[int, int] | None"]


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span to colour: a passage (with its tag colour) or a search match."""

    start: int
    end: int
    colour: str
    key: str = ""  # annotation id, if any


def _contrast(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour`` (#rrggbb)."""
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "black"
    return "black" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "white"


class DocumentView(ScrollView, can_focus=True):
    """Read and select text. Keys move the cursor; ``v`` and shift+motion select."""

    COMPONENT_CLASSES = {"document-view--selection", "document-view--match", "document-view--cursor",
                         "document-view--heading"}
    # The selection is underlined and bold on the theme's accent: no tag colour alone looks like it,
    # so tagging visibly changes what is on screen.
    DEFAULT_CSS = """
    DocumentView > .document-view--selection {
        background: $accent;
        color: $text;
        text-style: bold underline;
    }
    DocumentView > .document-view--match {
        background: $warning 60%;
        text-style: underline;
    }
    DocumentView > .document-view--cursor {
        text-style: reverse bold;
    }
    DocumentView > .document-view--heading {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("up", "move_line(-1)", "Up", show=False),
        Binding("down", "move_line(1)", "Down", show=False),
        Binding("left", "move_char(-1)", "Left", show=False),
        Binding("right", "move_char(1)", "Right", show=False),
        Binding("shift+up", "move_line(-1, True)", "Select up", show=False),
        Binding("shift+down", "move_line(1, True)", "Select down", show=False),
        Binding("shift+left", "move_char(-1, True)", "Select left", show=False),
        Binding("shift+right", "move_char(1, True)", "Select right", show=False),
        Binding("w,ctrl+right", "move_word(1)", "Next word", show=False),
        # e extends a selection to the end of a word; with no selection, e is the screen's export.
        Binding("e", "word_end", "End of word (selecting)", show=False, id="word_end"),
        Binding("b,ctrl+left", "move_word(-1)", "Previous word", show=False),
        Binding("ctrl+shift+right", "move_word(1, True)", "Select word", show=False),
        Binding("ctrl+shift+left", "move_word(-1, True)", "Select word back", show=False),
        Binding("full_stop,right_parenthesis", "move_sentence(1)", "Next sentence", show=False),
        Binding("comma,left_parenthesis", "move_sentence(-1)", "Previous sentence", show=False),
        Binding("pageup", "move_page(-1)", "Page up", show=False),
        Binding("pagedown,space", "move_page(1)", "Page down", show=False),
        Binding("home", "line_edge(0)", "Line start", show=False),
        Binding("end", "line_edge(1)", "Line end", show=False),
        Binding("ctrl+home,g", "document_edge(0)", "Top", show=False),
        Binding("ctrl+end,G", "document_edge(1)", "Bottom", show=False),
        Binding("v", "toggle_selection", "Select", id="select"),
        Binding("o", "other_end", "Other end", show=False, id="other_end"),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class CursorMoved(Message):
        def __init__(self, view: DocumentView, offset: int) -> None:
            super().__init__()
            self.view = view
            self.offset = offset

    class SelectionFixed(Message):
        """``v`` pressed a second time: the screen may save an adjusted passage."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, text: str = "", *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = text
        self._wrapped: WrappedText | None = None
        self.anchor: int | None = None  # selection anchor while selecting
        self.selecting = False  # True while movement extends the selection
        self._highlights: list[Highlight] = []
        self._highlight_starts: list[int] = []
        self._max_len = 0
        self._matches: list[tuple[int, int]] = []
        self._dimmed: list[tuple[int, int]] = []
        self._mouse_down = False
        self._goal_column: int | None = None
        self._style_cache: dict[tuple, Style] = {}
        self._headings: dict[int, bool] = {}  # paragraph start → shown as a heading
        self.show_headings = True  # off for the raw page
        # What a selection saves as (trimmed, snapped to words): the screen passes the editing rule
        # down, so the selection is drawn exactly as it will be stored.
        self.span_rule: SpanRule | None = None

    # -- content ------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str, cursor: int = 0, dimmed: list[tuple[int, int]] | None = None) -> None:
        self._text = text
        self._wrapped = None
        self._headings = {}
        self._dimmed = dimmed or []
        self.clear_selection()
        self._matches = []
        self._relayout()
        self.move_to(cursor, center=True)

    @property
    def highlights(self) -> list[Highlight]:
        """The passages drawn, in text order."""
        return self._highlights

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = sorted(highlights, key=lambda h: (h.start, -h.end))
        self._highlight_starts = [h.start for h in self._highlights]
        self._max_len = max((h.end - h.start for h in self._highlights), default=0)
        self.refresh()

    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        self._matches = matches
        self.refresh()

    @property
    def wrapped(self) -> WrappedText:
        if self._wrapped is None:
            self._wrapped = WrappedText(self._text, self._text_width())
        return self._wrapped

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - 1)

    def _relayout(self) -> None:
        self._wrapped = WrappedText(self._text, self._text_width())
        self.virtual_size = Size(self._text_width(), self._wrapped.line_count)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._wrapped is None or self._wrapped.width != self._text_width():
            self._relayout()
            self.scroll_to_cursor()

    # -- selection ----------------------------------------------------------------------

    @property
    def raw_selection(self) -> tuple[int, int] | None:
        """The half-open range between the anchor and the cursor, as the keys made it."""
        if self.anchor is None:
            return None
        start, end = sorted((self.anchor, self.cursor))
        return (start, end) if end > start else None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The span the selection saves as (and is drawn as), or None."""
        raw = self.raw_selection
        if raw is None or self.span_rule is None:
            return raw
        return self.span_rule(*raw)

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` and leave it fixed (not extending)."""
        self.anchor = start
        self.selecting = False
        self.move_to(end)

    def clear_selection(self) -> None:
        self.anchor = None
        self.selecting = False
        self.refresh()

    def action_toggle_selection(self) -> None:
        if self.anchor is None:
            self.anchor = self.cursor
            self.selecting = True
        elif self.selecting and self.anchor == self.cursor:
            self.clear_selection()  # v v without moving: nothing selected, as in vim
            return
        elif self.selecting:
            self.selecting = False
            self.post_message(self.SelectionFixed(self))
        else:
            self.post_message(self.SelectionFixed(self))
        self.refresh()

    def action_other_end(self) -> None:
        """Swap the ends: the cursor goes to the anchor and moves that end (vim's ``o``)."""
        if self.anchor is None:
            return
        anchor, cursor = self.anchor, self.cursor
        self.anchor = cursor
        self.move_to(anchor, extend=True)

    # -- movement -----------------------------------------------------------------------

    def _max_offset(self) -> int:
        # The cursor may stand after the last character: a selection's end is half-open.
        return len(self._text)

    def move_to(self, offset: int, *, extend: bool = False, center: bool = False, keep_goal: bool = False) -> None:
        if extend and self.anchor is None:
            self.anchor = self.cursor
            self.selecting = True
        elif not extend and self.anchor is not None and not self.selecting:
            pass  # a fixed selection stays until tagged, cleared or clicked away
        if not keep_goal:
            self._goal_column = None
        self.cursor = max(0, min(offset, self._max_offset()))
        self.scroll_to_cursor(center=center)
        self.refresh()

    def watch_cursor(self, offset: int) -> None:
        self.post_message(self.CursorMoved(self, offset))

    def scroll_to_cursor(self, center: bool = False) -> None:
        if not self._text:
            return
        y = self.wrapped.line_of(self.cursor)
        height = self.scrollable_content_region.height or 1
        if center:
            self.scroll_to(y=max(0, y - height // 3), animate=False)
        elif y < self.scroll_offset.y:
            self.scroll_to(y=y, animate=False)
        elif y >= self.scroll_offset.y + height:
            self.scroll_to(y=y - height + 1, animate=False)

    def _extend(self, extend: bool) -> bool:
        return extend or self.selecting

    def action_move_char(self, delta: int, extend: bool = False) -> None:
        self.move_to(self.cursor + delta, extend=self._extend(extend))

    def action_move_line(self, delta: int, extend: bool = False) -> None:
        wrapped = self.wrapped
        if self._goal_column is None:
            self._goal_column = wrapped.column_of(self.cursor)
        y = wrapped.line_of(self.cursor) + delta
        if y < 0 or y >= wrapped.line_count:
            return
        self.move_to(wrapped.offset_at(y, self._goal_column), extend=self._extend(extend), keep_goal=True)

    def action_move_word(self, delta: int, extend: bool = False) -> None:
        target = next_word(self._text, self.cursor) if delta > 0 else previous_word(self._text, self.cursor)
        self.move_to(target, extend=self._extend(extend))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "word_end":
            return self.anchor is not None
        return True

    def action_word_end(self) -> None:
        self.move_to(word_end(self._text, self.cursor), extend=self.selecting)

    def action_move_sentence(self, delta: int) -> None:
        target = next_sentence(self._text, self.cursor) if delta > 0 else previous_sentence(self._text, self.cursor)
        self.move_to(target, extend=self.selecting)

    def action_move_page(self, delta: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        wrapped = self.wrapped
        y = wrapped.line_of(self.cursor)
        target = max(0, min(wrapped.line_count - 1, y + delta * height))
        column = wrapped.column_of(self.cursor)
        self.scroll_to(y=max(0, self.scroll_offset.y + delta * height), animate=False)
        self.move_to(wrapped.offset_at(target, column), extend=self.selecting)

    def action_line_edge(self, end: int) -> None:
        vl = self.wrapped.line(self.wrapped.line_of(self.cursor))
        # End stands after the line's last character: on its newline or wrapping space, or after the text.
        ends_in_break = vl.end > vl.start and vl.end - 1 < len(self._text) and self._text[vl.end - 1] in "\n "
        target = vl.start if not end else (vl.end - 1 if ends_in_break else vl.end)
        self.move_to(target, extend=self.selecting)

    def action_document_edge(self, end: int) -> None:
        self.move_to(self._max_offset() if end else 0, extend=self.selecting)

    # -- mouse ----------------------------------------------------------------------------

    def _offset_at_event(self, event: events.MouseEvent) -> int:
        content = event.get_content_offset_capture(self)
        y = content.y + self.scroll_offset.y
        return self.wrapped.offset_at(y, max(0, content.x + self.scroll_offset.x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        self._mouse_down = True
        self.capture_mouse()
        self.clear_selection()
        self.move_to(self._offset_at_event(event))
        self.anchor = self.cursor
        self.selecting = True

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._mouse_down:
            self.move_to(self._offset_at_event(event), extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._mouse_down:
            return
        self._mouse_down = False
        self.release_mouse()
        self.selecting = False
        if self.anchor == self.cursor:
            self.clear_selection()  # a click, not a drag
        self.refresh()

    # -- rendering --------------------------------------------------------------------------

    @staticmethod
    def _spans_in(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
        """The sorted, non-overlapping ``spans`` that touch ``[start, end)``."""
        if not spans:
            return []
        k = bisect.bisect_right(spans, (start, start)) - 1
        found = []
        for a, b in spans[max(0, k) :]:
            if a >= end:
                break
            if b > start:
                found.append((a, b))
        return found

    def _covering(self, start: int, end: int) -> list[Highlight]:
        """Highlights that overlap ``[start, end)``."""
        lo = bisect.bisect_left(self._highlight_starts, start - self._max_len)
        hi = bisect.bisect_left(self._highlight_starts, end)
        return [h for h in self._highlights[lo:hi] if h.end > start]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line_no = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._text or line_no >= self.wrapped.line_count:
            return Strip.blank(width, base)
        vl = self.wrapped.line(line_no)
        start = vl.start
        shown_end = vl.end
        if shown_end > start and shown_end - 1 < len(self._text) and self._text[shown_end - 1] == "\n":
            shown_end -= 1
        shown_end = max(shown_end, start)
        display = display_text(self._text[start:shown_end])
        if self.show_headings and self._heading_at(start):
            base = base + self.get_component_rich_style("document-view--heading", partial=True)

        # Everything that can change the style inside this line, as spans; the line is cut at their ends
        # and each piece styled once.
        covering = self._covering(start, vl.end)
        dimmed = self._spans_in(self._dimmed, start, vl.end)
        matches = self._spans_in(self._matches, start, vl.end)
        selection = self.selection
        cursor = self.cursor if self.has_focus else -1
        cuts = {start, shown_end}
        for h in covering:
            cuts.update((h.start, h.end))
        for a, b in (*dimmed, *matches):
            cuts.update((a, b))
        if selection:
            cuts.update(selection)
        if start <= cursor < shown_end:
            cuts.update((cursor, cursor + 1))
        points = sorted(c for c in cuts if start <= c <= shown_end)

        segments: list[Segment] = []
        for a, b in itertools.pairwise(points):
            hits = tuple(h for h in covering if h.start <= a < h.end)
            key = (
                hits and min(hits, key=lambda h: h.end - h.start).colour,
                len(hits) > 1,
                any(x <= a < z for x, z in dimmed),
                any(x <= a < z for x, z in matches),
                bool(selection and selection[0] <= a < selection[1]),
                a == cursor,
            )
            segments.append(Segment(display[a - start : b - start], self._style(base, key)))
        # The cursor on a paragraph's end (its newline), or after the last character, shows as a block.
        if cursor == shown_end and (vl.end > shown_end or shown_end == len(self._text)):
            segments.append(Segment(" ", self._style(base, ("", False, False, False, False, True))))
        if self._wrapped is not None and self._wrapped.changed:
            self._wrapped.changed = False
            self.call_after_refresh(self._sync_height)
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _heading_at(self, offset: int) -> bool:
        """Whether the paragraph holding ``offset`` is a heading (decided once per paragraph)."""
        start = self._text.rfind("\n", 0, offset) + 1
        known = self._headings.get(start)
        if known is None:
            end = self._text.find("\n", start)
            paragraph = self._text[start : end if end >= 0 else len(self._text)]
            known = self._headings[start] = len(paragraph) < 200 and is_heading(paragraph)
        return known

    def _style(self, base: Style, key: tuple) -> Style:
        """The style of a piece of text, from (passage colour, overlapped, dimmed, match, selected, cursor)."""
        cache_key = (base, key)
        style = self._style_cache.get(cache_key)
        if style is None:
            selection_style = self.get_component_rich_style("document-view--selection", partial=True)
            match_style = self.get_component_rich_style("document-view--match", partial=True)
            cursor_style = self.get_component_rich_style("document-view--cursor", partial=True)
            colour, overlapped, dimmed, match, selected, cursor = key
            style = base
            if dimmed:
                style += Style(dim=True, italic=True)
            if colour:
                style += Style(bgcolor=colour, color=_contrast(colour))
                if overlapped:
                    style += Style(underline=True, bold=True)
            if match:
                style += match_style
            if selected:
                style += selection_style
            if cursor:
                style += cursor_style
            if len(self._style_cache) > 512:
                self._style_cache.clear()
            self._style_cache[cache_key] = style
        return style

    def _sync_height(self) -> None:
        """Exact wrapping corrected the estimated height of some paragraphs: resize the scroll area."""
        if self._wrapped is not None:
            height = self._wrapped.line_count
            if height != self.virtual_size.height:
                self.virtual_size = Size(self._text_width(), height)

    def notify_style_update(self) -> None:
        """The theme or the styles changed: the cached piece styles are stale."""
        self._style_cache.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
