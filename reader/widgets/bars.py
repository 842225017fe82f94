"""The title line at the top of each screen and the key line at the bottom.

Textual's Header and Footer build a widget per part (icon, title, clock; one per
key) and the Footer rebuilds them all whenever the focus moves. Here each line
is one widget that repaints itself, which keeps start-up and focus changes cheap.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget


class TitleBar(Widget):
    """The app's title and the screen's subtitle (annotator, database, what is shown)."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self.refresh, init=False)
            self.watch(owner, "sub_title", self.refresh, init=False)

    def render(self) -> RenderResult:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)


class _KeySpan(NamedTuple):
    start: int
    end: int
    key: str
    enabled: bool


class KeyBar(Widget):
    """The keys the focused part of the screen answers to, with what they do; a click presses one."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 100%;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--hover {
        background: $block-hover-background;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[_KeySpan] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    #: Actions shown first, so that the most useful keys fit a narrow terminal: tagging, selecting,
    #: help and quit, then the rest in the order the screen declares them.
    FIRST = ("tag(", "toggle_selection", "app.help", "help", "app.quit", "quit")

    @classmethod
    def _rank(cls, action: str) -> int:
        for rank, start in enumerate(cls.FIRST):
            if action.startswith(start):
                return rank
        return len(cls.FIRST)

    def _keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, shown as, description, enabled) for each binding to show, one per action, most useful first."""
        app = self.app
        keys = []
        seen: set[str] = set()
        palette = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((self._rank(binding.action), len(keys), binding.key, app.get_key_display(binding),
                         binding.description, enabled))
        keys.sort()
        keys = [k[2:] for k in keys]
        if palette is not None:
            keys.append(palette)
        return keys

    def render(self) -> RenderResult:
        keys = self._keys()
        # Where the keys do not fit, they lose the space around them before anything is cut off.
        compact = sum(len(shown) + len(description) + 3 for _, shown, description, _ in keys) > self.size.width
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        spans = []
        for index, (key, shown, description, enabled) in enumerate(keys):
            start = len(line)
            line.append(f"{shown}" if compact else f" {shown} ", key_style)
            if description:
                line.append(f" {description} " if compact else f"{description} ", description_style)
            if not enabled:
                line.stylize("dim", start)
            if index == self._hover:
                line.stylize(hover_style, start)
            spans.append(_KeySpan(start, len(line), key, enabled))
        self._spans = spans
        return line

    def _span_at(self, x: int) -> int | None:
        for index, span in enumerate(self._spans):
            if span.start <= x < span.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._span_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = self._span_at(event.x)
        if index is None:
            return
        span = self._spans[index]
        if span.enabled:
            self.app.simulate_key(span.key)
        else:
            self.app.bell()
