"""The annotating session: every rule about changing passages, decided once.

The reader maps keys to these calls and shows what comes back; ``margin
serve``'s sessions do the same over a ``RemoteStore``. Here, and only here:

* **what a span saves as** — trimmed, whole graphemes, whole words by default
  (``annotations.spans``); with no selection, the sentence under the cursor;
* **duplicates** — the same document, span, tag and annotator twice is refused;
* **ownership** — another annotator's passage is shown, not changed, unless
  ``edit_others``; a read-only store changes nothing;
* **history** — each call is one undo step (tag-all too: one ``u`` takes the
  whole batch back), undo and redo go through the store like any change;
* **"saved"** — every result says whether the disk took it (``Edit.saved``);
  when it did not, the change is kept in memory and the store retries.

Refusals raise ``EditRefused`` (a ``MarginError``) with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .errors import EditRefused, NotFound
from .history import Change, DocumentChange, History, RelationChange, Step
from .model import GOLD, Annotation, Relation, Selector
from .schema import DEFAULT_SCHEMA, Schema
from .sentences import sentence_at
from .spans import Snap, normalise_span
from .store import Store
from .textsearch import find_all

QUOTE_CHARS = 40


class TextSource(Protocol):
    """A document as the session needs it: its id, cleaned text and the map into the raw file."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    def to_raw_span(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Edit:
    """What one editing call did, for the screen to show."""

    step: Step
    saved: bool  # False: the disk refused; the change is kept in memory and retried

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def after(self) -> list[Annotation]:
        return [c.after for c in self.step.changes if c.after is not None]

    @property
    def before(self) -> list[Annotation]:
        return [c.before for c in self.step.changes if c.before is not None]

    @property
    def saved_word(self) -> str:
        return "saved" if self.saved else "kept in memory, NOT saved yet"


def short(text: str, n: int = QUOTE_CHARS) -> str:
    """A passage's text in one line, cut to ``n`` characters (its own characters: a quote shown is
    the start of the stored text)."""
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


class EditingSession:
    """One annotator's changes to one store, with their undo history."""

    def __init__(self, store: Store, annotator: str, *, edit_others: bool = False, snap: Snap = "word",
                 read_only_reason: str = "", schema: Schema = DEFAULT_SCHEMA) -> None:
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.edit_others = edit_others
        self.snap: Snap = snap
        self.read_only_reason = read_only_reason
        self.history = History(store)

    # -- rules ---------------------------------------------------------------------------------

    def require_writable(self) -> None:
        if self.read_only_reason or self.store.read_only:
            reason = self.read_only_reason or f"{self.store.path} is {self.store.held_by or 'open elsewhere'}"
            raise EditRefused(f"read-only: {reason}; nothing can be changed here")

    def may_edit(self, ann: Annotation) -> bool:
        return ann.annotator in ("", self.annotator) or self.edit_others

    def require_own(self, ann: Annotation) -> None:
        if not self.may_edit(ann):
            raise EditRefused(
                f"this passage is {ann.annotator}'s: it is shown, not changed (set edit_others = true in the "
                "config to allow it, or use R to review)"
            )

    def _require(self, ann_id: str) -> Annotation:
        ann = self.store.get(ann_id)
        if ann is None:
            raise NotFound(f"no passage with id {ann_id} (deleted meanwhile?)")
        return ann

    def span(self, doc: TextSource, start: int, end: int) -> tuple[int, int] | None:
        """What a selection of [start, end) saves as (None: only white space)."""
        return normalise_span(doc.text, start, end, self.snap)

    def sentence(self, doc: TextSource, offset: int) -> tuple[int, int] | None:
        """The sentence under ``offset``, the span ``1``/``2``/``3`` tag with no selection."""
        return sentence_at(doc.text, offset) if doc.text else None

    def duplicate_of(self, document: str, start: int, end: int, tag: str, annotator: str) -> Annotation | None:
        for ann in self.store.annotations(document=document, tags=[tag], annotator=annotator):
            if ann.start == start and ann.end == end and not ann.orphan:
                return ann
        return None

    def _new(self, doc: TextSource, start: int, end: int, tag: str) -> Annotation:
        raw_start, raw_end = doc.to_raw_span(start, end)
        return Annotation.create(document=doc.id, tag=tag, selector=Selector.from_span(doc.text, start, end),
                                 raw_start=raw_start, raw_end=raw_end, annotator=self.annotator)

    def _done(self, label: str, changes: Iterable[Change] = (), *, relations: Iterable[RelationChange] = (),
              documents: Iterable[DocumentChange] = ()) -> Edit:
        """Record one undo step of what a call changed, and say whether the disk took it."""
        step = Step(label, tuple(changes), tuple(documents), tuple(relations))
        self.history.record(step)
        return Edit(step, saved=not self.store.unsaved)

    def _mark_started(self, doc_id: str) -> None:
        """The first passage in a document moves it from "new" to "in progress"."""
        stored = self.store.document(doc_id)
        if stored is None or stored.status == "new":
            self.store.set_status(doc_id, "in progress", self.annotator)

    # -- changes ---------------------------------------------------------------------------------

    def tag(self, doc: TextSource, start: int, end: int, tag: str) -> Edit:
        """Tag [start, end) of ``doc`` (normalised as the selection was drawn)."""
        self.require_writable()
        span = self.span(doc, start, end)
        if span is None:
            raise EditRefused("nothing to tag: the selection holds only white space")
        twin = self.duplicate_of(doc.id, *span, tag, self.annotator)
        if twin is not None:
            raise EditRefused(f"already tagged {tag}: “{short(twin.text)}” (no duplicate made)")
        ann = self.store.put(self._new(doc, *span, tag))
        self._mark_started(doc.id)
        return self._done(f"tag {tag}", [Change(None, ann)])

    def tag_sentence(self, doc: TextSource, offset: int, tag: str) -> Edit:
        span = self.sentence(doc, offset)
        if span is None:
            raise EditRefused("nothing to tag here: no sentence under the cursor")
        return self.tag(doc, *span, tag)

    def retag(self, ann_id: str, tag: str) -> Edit:
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        if ann.tag == tag:
            raise EditRefused(f"the passage is already tagged {tag}")
        twin = self.duplicate_of(ann.document, ann.start, ann.end, tag, ann.annotator)
        if twin is not None:
            raise EditRefused(f"the same span is already tagged {tag} (no duplicate made)")
        return self._done(f"retag {tag}", [Change(ann, self.store.retag(ann.id, tag))])

    def note(self, ann_id: str, note: str) -> Edit:
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        return self._done("note", [Change(ann, self.store.set_note(ann.id, note))])

    def adjust(self, doc: TextSource, ann_id: str, start: int, end: int, tag: str | None = None) -> Edit:
        """Give a passage new ends (same id, tag and note), and a new tag if one is given."""
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        span = self.span(doc, start, end)
        if span is None:
            raise EditRefused("the adjusted span holds only white space; the passage is unchanged")
        new_tag = tag or ann.tag
        twin = self.duplicate_of(doc.id, *span, new_tag, ann.annotator)
        if twin is not None and twin.id != ann.id:
            raise EditRefused(f"the same span is already tagged {new_tag} (no duplicate made)")
        selector = Selector.from_span(doc.text, *span)
        raw_start, raw_end = doc.to_raw_span(*span)
        moved = self.store.move(ann.id, selector, raw_start, raw_end)
        if new_tag != moved.tag:
            moved = self.store.retag(ann.id, new_tag)
        return self._done("adjust", [Change(ann, moved)])

    def confirm(self, ann_id: str) -> Edit:
        """The annotator has checked a passage that was found again only approximately: it stands."""
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        if not ann.review:
            raise EditRefused("this passage needs no review: it was found exactly where it was drawn or quoted")
        return self._done("confirm", [Change(ann, self.store.put(ann.changed(review=False)))])

    def delete(self, ann_id: str) -> Edit:
        """Delete a passage, and its relations with it (one undo brings both back)."""
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        links = self.store.relations_of(ann.id)
        self.store.delete(ann.id)
        if links:
            self.store.change_relations([], [r.id for r in links])
        return self._done(f"delete {ann.tag}", [Change(ann, None)], relations=[RelationChange(r, None) for r in links])

    # -- relations, attributes, document labels ----------------------------------------------

    def _remember_schema(self) -> None:
        self.store.remember_schema(self.schema.to_dict())

    def link(self, from_id: str, to_id: str, type: str | None = None) -> Edit:
        """Link one passage to another (a claim to its source). With no type, the one the schema allows."""
        self.require_writable()
        source, target = self._require(from_id), self._require(to_id)
        if source.id == target.id:
            raise EditRefused("a passage cannot be linked to itself")
        if type is None:
            fitting = self.schema.relations_between(source.tag, target.tag)
            if not fitting:
                raise EditRefused(f"no relation goes from a {source.tag} to a {target.tag} in this schema")
            if len(fitting) > 1:
                raise EditRefused(f"several relations fit ({', '.join(r.name for r in fitting)}): choose one")
            type = fitting[0].name
        known = self.schema.relation(type)
        if known is not None and not known.fits(source.tag, target.tag):
            raise EditRefused(f"{type} goes from {'/'.join(known.from_tags) or 'any'} to "
                              f"{'/'.join(known.to_tags) or 'any'}, not from {source.tag} to {target.tag}")
        for r in self.store.relations_of(source.id):
            if (r.from_id, r.to_id, r.type, r.annotator) == (source.id, target.id, type, self.annotator):
                raise EditRefused(f"already linked: {type} (no duplicate made)")
        rel = Relation.create(source.id, target.id, type, self.annotator)
        self.store.change_relations([rel], [])
        self._remember_schema()
        return self._done(f"link {type}", relations=[RelationChange(None, rel)])

    def unlink(self, rel_id: str) -> Edit:
        self.require_writable()
        rel = self.store.relation(rel_id)
        if rel is None:
            raise NotFound(f"no relation with id {rel_id}")
        if rel.annotator not in ("", self.annotator) and not self.edit_others:
            raise EditRefused(f"this relation is {rel.annotator}'s: it is shown, not changed")
        self.store.change_relations([], [rel.id])
        return self._done(f"unlink {rel.type}", relations=[RelationChange(rel, None)])

    def set_attribute(self, ann_id: str, name: str, value: str) -> Edit:
        """Set (or with "" clear) an attribute of a passage; a closed list's value must be one of it."""
        self.require_writable()
        ann = self._require(ann_id)
        self.require_own(ann)
        kind = self.schema.attribute(name)
        if kind is not None and kind.kind == "choice" and value and value not in kind.values:
            raise EditRefused(f"{name} is one of {', '.join(kind.values)}, not {value!r}")
        attributes = {k: v for k, v in ann.attributes.items() if k != name}
        if value:
            attributes[name] = value
        after = self.store.put(ann.changed(attributes=attributes))
        self._remember_schema()
        return self._done(f"{name} = {value or '(none)'}", [Change(ann, after)])

    def set_document_label(self, doc_id: str, name: str, values: Sequence[str]) -> Edit:
        """This annotator's label of a document (its stance, say): one value, or several where allowed."""
        self.require_writable()
        before = self.store.document(doc_id)
        if before is None:
            raise NotFound(f"no document {doc_id[:12]} in {self.store.path}")
        kind = self.schema.label(name)
        if kind is not None:
            unknown = [v for v in values if v not in kind.values]
            if unknown:
                raise EditRefused(f"{name} is one of {', '.join(kind.values)}, not {', '.join(unknown)}")
            if len(values) > 1 and not kind.multiple:
                raise EditRefused(f"{name} takes one value")
        mine = {k: v for k, v in before.labels.get(self.annotator, {}).items() if k != name}
        if values:
            mine[name] = list(values)
        labels = {**before.labels, self.annotator: mine}
        after = self.store.put_document(replace(before, labels=labels))
        self._remember_schema()
        return self._done(f"{name}: {', '.join(values) or '(none)'}", documents=[DocumentChange(before, after)])

    def occurrences(self, docs: Sequence[TextSource], quote: str, tag: str, *,
                    whole_words: bool = True) -> list[tuple[TextSource, int, int]]:
        """Where ``quote`` stands in ``docs`` and is not yet tagged ``tag`` by this annotator."""
        found = []
        for doc in docs:
            taken = {(a.start, a.end) for a in self.store.annotations(document=doc.id, tags=[tag],
                                                                       annotator=self.annotator) if not a.orphan}
            for start, end in find_all(doc.text, quote, whole_words=whole_words):
                span = normalise_span(doc.text, start, end, "char")
                if span is not None and span not in taken:
                    found.append((doc, *span))
        return found

    def tag_occurrences(self, docs: Sequence[TextSource], quote: str, tag: str, *, whole_words: bool = True) -> Edit:
        """Tag every other occurrence of ``quote`` in ``docs`` — one step, undone by one ``u``."""
        self.require_writable()
        quote = quote.strip()
        if not quote:
            raise EditRefused("nothing to look for: the selection holds only white space")
        new = [self._new(doc, start, end, tag) for doc, start, end in self.occurrences(docs, quote, tag,
                                                                                       whole_words=whole_words)]
        if new:
            self.store.apply_batch(new, [])
            for doc_id in {a.document for a in new}:
                self._mark_started(doc_id)
        return self._done(f"tag {len(new)} × {tag}", [Change(None, a) for a in new])

    def override_lines(self, doc_id: str, lines: Sequence[int], keep: bool) -> Edit:
        """The annotator's word over the cleaner's: keep (or drop) these raw lines of the document,
        whatever the cleaner judged. One undo step; the caller cleans the document anew."""
        self.require_writable()
        before = self.store.document(doc_id)
        if before is None:
            raise NotFound(f"no document {doc_id[:12]} in {self.store.path}")
        overrides = dict(before.overrides)
        for line in lines:
            overrides[str(line)] = "keep" if keep else "drop"
        after = self.store.put_document(replace(before, overrides=overrides))
        return self._done(f"{'keep' if keep else 'drop'} {len(lines)} line{'s' if len(lines) != 1 else ''}",
                          documents=[DocumentChange(before, after)])

    def accept_into_gold(self, ann_id: str) -> Edit:
        """Copy another annotator's version into the reviewed set (annotator ``gold``)."""
        self.require_writable()
        chosen = self._require(ann_id)
        if self.duplicate_of(chosen.document, chosen.start, chosen.end, chosen.tag, GOLD) is not None:
            raise EditRefused("that version is already in the gold set")
        gold = self._gold_copy(chosen)
        self.store.put(gold)
        return self._done("accept into gold", [Change(None, gold)])

    @staticmethod
    def _gold_copy(chosen: Annotation) -> Annotation:
        gold = Annotation.create(document=chosen.document, tag=chosen.tag, selector=chosen.selector,
                                 raw_start=chosen.raw_start, raw_end=chosen.raw_end, note=chosen.note, annotator=GOLD)
        return replace(gold, attributes=dict(chosen.attributes))

    def accept_relation_into_gold(self, rel_id: str) -> Edit:
        """Copy another annotator's relation into the gold set, with gold copies of its ends where missing."""
        self.require_writable()
        rel = self.store.relation(rel_id)
        if rel is None:
            raise NotFound(f"no relation with id {rel_id}")
        ends = []
        new: list[Annotation] = []
        for end_id in (rel.from_id, rel.to_id):
            passage = self._require(end_id)
            gold = self.duplicate_of(passage.document, passage.start, passage.end, passage.tag, GOLD)
            if gold is None:
                gold = self._gold_copy(passage)
                new.append(gold)
            ends.append(gold)
        for r in self.store.relations_of(ends[0].id):
            if (r.from_id, r.to_id, r.type) == (ends[0].id, ends[1].id, rel.type):
                raise EditRefused("that relation is already in the gold set")
        if new:
            self.store.apply_batch(new, [])
        gold_rel = Relation.create(ends[0].id, ends[1].id, rel.type, GOLD)
        self.store.change_relations([gold_rel], [])
        return self._done("accept relation into gold", [Change(None, a) for a in new],
                          relations=[RelationChange(None, gold_rel)])

    def set_status(self, doc_id: str, status: str) -> bool:
        """Set this annotator's status of a document; True when saved."""
        self.require_writable()
        self.store.set_status(doc_id, status, self.annotator)
        return not self.store.unsaved

    # -- history ---------------------------------------------------------------------------------

    def undo(self) -> Edit | None:
        self.require_writable()
        step = self.history.undo()
        return None if step is None else Edit(step, saved=not self.store.unsaved)

    def redo(self) -> Edit | None:
        self.require_writable()
        step = self.history.redo()
        return None if step is None else Edit(step, saved=not self.store.unsaved)
