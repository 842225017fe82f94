"""Undo and redo of annotation changes within a session.

Each change is recorded as the annotation before and after (None for "did not
exist"); undo writes ``before`` back through the store, redo writes ``after``.
The store keeps every step durable, so an undo is as safe as the change it undoes.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.model import Annotation
from annotations.store import AnnotationStore


@dataclass(frozen=True)
class Change:
    before: Annotation | None
    after: Annotation | None
    label: str


class History:
    def __init__(self, store: AnnotationStore, limit: int = 10_000) -> None:
        self.store = store
        self.limit = limit
        self._done: list[Change] = []
        self._undone: list[Change] = []

    def record(self, before: Annotation | None, after: Annotation | None, label: str) -> None:
        self._done.append(Change(before, after, label))
        if len(self._done) > self.limit:
            del self._done[0]
        self._undone.clear()

    def _apply(self, target: Annotation | None, current: Annotation | None) -> Annotation | None:
        if target is None:
            if current is not None:
                self.store.delete(current.id)
            return current
        # A fresh ``modified``: the undone state is the newest word on this annotation (merges rely on it).
        restored = target.changed()
        self.store.put(restored)
        return restored

    def undo(self) -> Change | None:
        if not self._done:
            return None
        change = self._done.pop()
        self._apply(change.before, change.after)
        self._undone.append(change)
        return change

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        change = self._undone.pop()
        self._apply(change.after, change.before)
        self._done.append(change)
        return change
