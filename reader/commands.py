"""The keys in force, as help and the command palette show them.

Both read ``Screen.active_bindings`` (Textual's public view of the bindings of
the focused widget, the screen and the app, with the user's ``[keys]`` already
applied), so a remapped key is shown as the user chose it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class ActiveKey:
    keys: str  # every key of the action, as shown ("w / ctrl+→")
    description: str
    binding: Binding
    node: DOMNode


def _active(app: App, screen: Screen) -> Iterator[ActiveKey]:
    grouped: dict[tuple[int, str], list] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        grouped.setdefault((id(active.node), binding.action), []).append(active)
    for actives in grouped.values():
        first = actives[0]
        shown = " / ".join(dict.fromkeys(a.binding.key_display or app.get_key_display(a.binding) for a in actives))
        yield ActiveKey(shown, first.binding.description, first.binding, first.node)


def active_keys(app: App, screen: Screen | None = None) -> list[tuple[str, str]]:
    """(keys, description) of every described action in force on ``screen`` (default: the current one)."""
    return [(k.keys, k.description) for k in _active(app, screen or app.screen)]


class ScreenActions(Provider):
    """Each binding with a description, of the focused widget, the screen and the app."""

    def _actions(self) -> Iterator[tuple[str, ActiveKey]]:
        for key in _active(self.app, self.screen):
            yield f"{key.description}  ({key.keys})", key

    def _run(self, key: ActiveKey):
        return partial(self.app.run_action, key.binding.action, key.node)

    async def discover(self) -> Hits:
        for text, key in self._actions():
            yield DiscoveryHit(text, self._run(key), help=key.binding.tooltip or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, key in self._actions():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), self._run(key), help=key.binding.tooltip or None)
