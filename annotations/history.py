"""Undo and redo of annotation changes within a session.

A step records, for each annotation it touched, the version before and after
(None for "did not exist"). A step may hold many changes — tag-all makes one
step of every passage it adds — and one undo takes the whole step back, in one
durable write. Undo writes ``before`` back through the store and redo writes
``after``, each with a fresh ``modified`` (the undone state is the newest word
on the annotation; merges rely on it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Annotation, Document, Relation
from .store import Store


@dataclass(frozen=True)
class Change:
    """One annotation before and after a change (None: it did not exist)."""

    before: Annotation | None
    after: Annotation | None


@dataclass(frozen=True)
class RelationChange:
    """A relation before and after a change (None: it did not exist)."""

    before: Relation | None
    after: Relation | None


@dataclass(frozen=True)
class DocumentChange:
    """A document's record before and after a change (the annotator's overrides of the cleaner)."""

    before: Document
    after: Document


@dataclass(frozen=True)
class Step:
    """What one key did: a label for the user and every change it made."""

    label: str
    changes: tuple[Change, ...]
    documents: tuple[DocumentChange, ...] = ()
    relations: tuple[RelationChange, ...] = ()


class History:
    def __init__(self, store: Store, limit: int = 10_000) -> None:
        self.store = store
        self.limit = limit
        self._done: list[Step] = []
        self._undone: list[Step] = []

    def record(self, step: Step) -> None:
        if not step.changes and not step.documents and not step.relations:
            return
        self._done.append(step)
        if len(self._done) > self.limit:
            del self._done[0]
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def _restore(self, pairs: list[tuple[Annotation | None, Annotation | None]]) -> None:
        """Bring each (target, current) to target: in one write, whatever the number."""
        puts: list[Annotation] = []
        deletes: list[str] = []
        for target, current in pairs:
            if target is None:
                if current is not None and self.store.get(current.id) is not None:
                    deletes.append(current.id)
            else:
                puts.append(target.changed())
        self.store.apply_batch(puts, deletes)

    def _restore_relations(self, pairs: list[tuple[Relation | None, Relation | None]]) -> None:
        if not pairs:
            return
        puts = [target.changed() for target, _ in pairs if target is not None]
        deletes = [current.id for target, current in pairs if target is None and current is not None]
        self.store.change_relations(puts, deletes)

    def undo(self) -> Step | None:
        if not self._done:
            return None
        step = self._done[-1]
        self._restore([(c.before, c.after) for c in reversed(step.changes)])
        self._restore_relations([(c.before, c.after) for c in reversed(step.relations)])
        for d in step.documents:
            self.store.put_document(d.before)
        self._done.pop()
        self._undone.append(step)
        return step

    def redo(self) -> Step | None:
        if not self._undone:
            return None
        step = self._undone[-1]
        self._restore([(c.after, c.before) for c in step.changes])
        self._restore_relations([(c.after, c.before) for c in step.relations])
        for d in step.documents:
            self.store.put_document(d.after)
        self._undone.pop()
        self._done.append(step)
        return step
