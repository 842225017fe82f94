"""The command palette (ctrl+p) offers every action of the screen in use, found by its description."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


class ScreenActions(Provider):
    """Each binding with a description, of the focused widget, the screen and the app."""

    def _actions(self) -> Iterator[tuple[str, Binding, DOMNode]]:
        screen = self.screen
        seen: set[str] = set()
        for node in (screen.focused, screen, self.app):
            if node is None:
                continue
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if binding.description and binding.action not in seen:
                        seen.add(binding.action)
                        key = binding.key_display or self.app.get_key_display(binding)
                        yield f"{binding.description}  ({key})", binding, node

    def _run(self, binding: Binding, node: DOMNode):
        return partial(self.app.run_action, binding.action, node)

    async def discover(self) -> Hits:
        for text, binding, node in self._actions():
            yield DiscoveryHit(text, self._run(binding, node), help=binding.tooltip or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, binding, node in self._actions():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), self._run(binding, node), help=binding.tooltip or None)
