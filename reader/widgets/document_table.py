"""The library's table of documents: it draws only the rows on screen.

Textual's DataTable keeps an object per row, so filtering or sorting a library of 50,000
documents rebuilds 50,000 rows (about a second each time). This table holds only the order of
the document ids; a row's cells are asked for when the row comes into view, and kept until the
screen says they changed. Filtering, sorting and coming back from a document then cost what is
shown, not what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

# Spaces on each side of a cell, as DataTable draws them.
PADDING = 1
# Rows kept drawn (their cells rendered) before the table forgets them all and starts again.
KEPT_ROWS = 4096


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its key (what sorting and the screen call it), heading, width and alignment."""

    key: str
    label: Text | str
    width: int
    justify: str = "left"


class DocumentTable(ScrollView, can_focus=True):
    """A header line and one line per document id, with a row cursor."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
        Binding("ctrl+home", "first", "First", show=False),
        Binding("ctrl+end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES = {
        "document-table--header",
        "document-table--cursor",
        "document-table--even-row",
    }

    DEFAULT_CSS = """
    DocumentTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .document-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .document-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .document-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .document-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .document-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowSelected(Message):
        """Enter, or a click on the highlighted row: open this document."""

        def __init__(self, table: DocumentTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> DocumentTable:
            return self.table

    class HeaderSelected(Message):
        """A click on a column's heading."""

        def __init__(self, table: DocumentTable, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

        @property
        def control(self) -> DocumentTable:
            return self.table

    def __init__(self, cells: Callable[[str], Sequence[Text | str]], *, id: str | None = None) -> None:
        """``cells(key)`` gives a row's cells, in the order of the columns."""
        super().__init__(id=id)
        self._cells_of = cells
        self._columns: list[Column] = []
        self._keys: Sequence[str] = []
        self._rendered: dict[str, list[Segment]] = {}

    # -- what the screen sets ------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def keys(self) -> Sequence[str]:
        """The document ids shown, in their order."""
        return self._keys

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_key(self) -> str | None:
        """The id of the highlighted document, if any is shown."""
        return self._keys[self.cursor_row] if self._keys else None

    def cell(self, key: str, column_key: str) -> Text | str:
        """A row's cell in one column, as it is drawn."""
        index = [column.key for column in self._columns].index(column_key)
        return self._cells_of(key)[index]

    def set_columns(self, columns: Sequence[Column]) -> None:
        columns = list(columns)
        if columns != self._columns:
            self._columns = columns
            self._rendered.clear()
            self._resize()

    def set_rows(self, keys: Sequence[str], keep: str | None = None) -> None:
        """Show these documents in this order; the cursor stays on ``keep`` if it is among them.

        A row's cells do not depend on its place: those drawn already are kept.
        """
        self._keys = keys
        self._resize()
        row = 0
        if keep is not None:
            try:
                row = keys.index(keep)
            except ValueError:
                row = min(self.cursor_row, max(0, len(keys) - 1))
        self.move_cursor(row)

    def refresh_rows(self, keys: Sequence[str] | None = None) -> None:
        """The cells of these documents (of every one, if None) changed: draw them again when shown."""
        if keys is None:
            self._rendered.clear()
        else:
            for key in keys:
                self._rendered.pop(key, None)
        self.refresh()

    def move_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self._keys) - 1))

    # -- drawing -------------------------------------------------------------------------------

    def _line_width(self) -> int:
        return sum(column.width + 2 * PADDING for column in self._columns)

    def _resize(self) -> None:
        self.virtual_size = Size(self._line_width(), len(self._keys) + 1)
        self.refresh()

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Keep the highlighted row in view (the header takes the first line).
        visible = max(1, self.scrollable_content_region.height - 1)
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= self.scroll_y + visible:
            self.scroll_to(y=new - visible + 1, animate=False, immediate=True)
        self.refresh()

    def _cells_line(self, cells: Sequence[Text | str]) -> list[Segment]:
        line = Text(no_wrap=True, overflow="ellipsis")
        pad = " " * PADDING
        for column, cell in zip(self._columns, cells, strict=False):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.truncate(column.width, overflow="ellipsis")
            gap = column.width - text.cell_len
            if column.justify == "right":
                line.append(pad + " " * gap)
                line.append_text(text)
                line.append(pad)
            else:
                line.append(pad)
                line.append_text(text)
                line.append(" " * gap + pad)
        return list(line.render(self.app.console))

    def _row_segments(self, key: str) -> list[Segment]:
        segments = self._rendered.get(key)
        if segments is None:
            if len(self._rendered) >= KEPT_ROWS:
                self._rendered.clear()
            segments = self._rendered[key] = self._cells_line(self._cells_of(key))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("document-table--header")
            segments = self._cells_line([column.label for column in self._columns])
        else:
            row = scroll_y + y - 1
            if row >= len(self._keys):
                return Strip.blank(width, base)
            segments = self._row_segments(self._keys[row])
            style = base
            if row % 2 == 0:
                style += self.get_component_rich_style("document-table--even-row")
            if row == self.cursor_row:
                style += self.get_component_rich_style("document-table--cursor")
        strip = Strip(segments).crop_extend(scroll_x, scroll_x + width, None)
        return _under(strip, style)

    # -- keys and mouse --------------------------------------------------------------------------

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_select(self) -> None:
        if self._keys:
            self.post_message(self.RowSelected(self, self._keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        if y == 0:
            edge = 0
            for column in self._columns:
                edge += column.width + 2 * PADDING
                if x + self.scroll_x < edge:
                    self.post_message(self.HeaderSelected(self, column.key))
                    return
            return
        row = int(self.scroll_y) + y - 1
        if not 0 <= row < len(self._keys):
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row)


def _under(strip: Strip, style: Style) -> Strip:
    """The strip with ``style`` beneath it: a cell's own style (a tag's colour) wins where it says something."""
    if not style:
        return strip
    return Strip([Segment(text, style + seg_style if seg_style else style, control)
                  for text, seg_style, control in strip])
