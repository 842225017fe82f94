"""AnnotationStore: the one door to the data for the command line and the reader.

It keeps the database in memory, indexed by annotation id and by document, and
turns every change into one journal line of the ``JournaledStorage`` (a put or
delete of whole records), so a change costs the same with a hundred annotations
or a hundred thousand, and is durable when the method returns.

Tables in the TinyDB file: ``annotations`` and ``documents`` (records as in
``model``), ``trash`` (deleted annotations, so a delete can be undone even
after a restart), ``_meta`` (schema version).
"""

from __future__ import annotations

import contextlib
import operator
import os
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from .errors import DatabaseError, NotFound, SaveDeferred
from .model import STATUSES, Annotation, Document, Relation, Selector, name_problem, safe_document_path, utc_now
from .storage import Change, JournaledStorage, collector_paused

ANNOTATIONS = "annotations"
DOCUMENTS = "documents"
TRASH = "trash"
RELATIONS = "relations"
RELATION_TRASH = "relation_trash"
META = "_meta"
SCHEMA_KEY = "annotation_schema"  # the annotation schema (relations, attributes, labels), remembered when used
_TABLES = (ANNOTATIONS, DOCUMENTS, TRASH, RELATIONS, RELATION_TRASH)


@dataclass(frozen=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    documents: int = 0


class _Keyed:
    """A table's records by their own id, with the TinyDB integer keys they live under."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.keys: dict[str, str] = {}
        self.next_key: int | None = None  # found when first needed: reading commands never need it

    def key_for(self, record_id: str) -> str:
        key = self.keys.get(record_id)
        if key is None:
            if self.next_key is None:
                self.next_key = 1 + max((int(k) for k in self.keys.values() if k.isdigit()), default=0)
            key = str(self.next_key)
            self.next_key += 1
            self.keys[record_id] = key
        return key

    def seen(self, record_id: str, key: str) -> None:
        self.keys[record_id] = key

    def put(self, record_id: str, record: Any) -> Change:
        """The change that stores ``record`` (a dict, or a dataclass orjson writes as one)."""
        return ["put", self.table, self.key_for(record_id), record]

    def delete(self, record_id: str) -> Change:
        """The change that removes ``record_id``; call ``forget`` once it is saved."""
        return ["del", self.table, self.keys[record_id]]

    def forget(self, record_id: str) -> None:
        self.keys.pop(record_id, None)


_TEXT_ORDER = operator.attrgetter("document", "start", "end", "created")


def _stored(record: Annotation | Relation) -> Any:
    """What the storage keeps of a record: a passage as it is (orjson writes it as its dict, and
    it is held once; documents too), a relation as its dict (its stored keys differ from its fields)."""
    return record if type(record) is Annotation else record.to_dict()


def _version_key(ann: Annotation, alive: bool = True) -> tuple:
    """Orders the versions of one annotation: later ``modified`` wins; ties are broken by life and
    content, so every order of merging picks the same version."""
    return (ann.modified, alive, sorted(ann.to_dict().items(), key=str))


def _same_but_time(a: Annotation, b: Annotation) -> bool:
    return replace(a, created=b.created, modified=b.modified) == b


def _newer(a: Annotation, b: Annotation) -> bool:
    return _version_key(a) > _version_key(b)


@dataclass
class MergeReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    documents: int = 0
    conflicts: list[str] = field(default_factory=list)  # ids whose versions differed; the newest was kept
    relations: int = 0  # relations added, changed or deleted


class AnnotationStore:
    """Annotations and document state of one database file."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.storage = JournaledStorage(self.path, read_only=read_only,
                                        convert={ANNOTATIONS: partial(self._value, ANNOTATIONS, Annotation.from_record),
                                                 TRASH: partial(self._value, TRASH, Annotation.from_record),
                                                 DOCUMENTS: partial(self._value, DOCUMENTS, Document.from_dict)})
        self._annotations: dict[str, Annotation] = {}
        self._by_document: dict[str, dict[str, Annotation]] = defaultdict(dict)
        self._documents: dict[str, Document] = {}
        self._trash: dict[str, Annotation] = {}
        self._relations: dict[str, Relation] = {}
        self._relation_trash: dict[str, Relation] = {}
        self._keys = {name: _Keyed(name) for name in _TABLES}
        self._version = 0  # counts changes, so cached views know when they are stale
        self._duplicates: list[tuple[str, str]] = []  # (table, key) of records that repeat an id
        self.repairs: list[str] = []  # what opening the database had to mend, for the user to read
        self._all_sorted: tuple[int, list[Annotation]] | None = None
        try:
            with collector_paused():
                self._load()
        except BaseException:
            self.storage.read_only = True  # nothing of a file we could not read is written back
            self.storage.close()
            raise
        backup = self._copy_before_repair() if self._duplicates and not self.read_only else None
        self.storage.settle()
        if self._duplicates:
            self._remove_duplicates(backup)

    def _copy_before_repair(self) -> Path:
        """Keep the file as it was, byte for byte (and its journal, if it holds changes), before
        anything is written: what is held in memory is already read into passages."""
        backup = self.path.with_name(f"{self.path.name}.repair-{utc_now().replace(':', '')}.bak")
        if self.path.exists():
            shutil.copy2(self.path, backup)
        journal = self.storage.journal_path
        if journal.exists() and journal.stat().st_size:
            shutil.copy2(journal, backup.with_name(backup.name + ".journal"))
        return backup

    def _remove_duplicates(self, backup: Path | None) -> None:
        """Drop records that repeat an id (the newest version stays), after keeping a copy of the file."""
        count = len(self._duplicates)
        if self.read_only or backup is None:
            self.repairs.append(f"{count} records repeat an annotation id; the newest of each is used")
            return
        self._save([["del", table, key] for table, key in self._duplicates])
        self._duplicates = []
        self.repairs.append(f"removed {count} records that repeated an annotation id (kept the newest); "
                            f"the file as it was is {backup.name}")

    # -- opening and closing ----------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.storage.read_only

    @property
    def held_by(self) -> str | None:
        return self.storage.held_by

    def close(self) -> None:
        self.storage.close()

    def take_over(self) -> bool:
        """Become the writer if the margin that held the database has gone (see ``try_take_over``);
        everything is read again from disk, with the other's last changes."""
        if not self.storage.try_take_over():
            return False
        self._annotations.clear()
        self._by_document.clear()
        self._documents.clear()
        self._trash.clear()
        self._relations.clear()
        self._relation_trash.clear()
        self._keys = {name: _Keyed(name) for name in _TABLES}
        self._duplicates = []
        self._load()
        self._version += 1
        self._all_sorted = None
        return True

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _value(self, table: str, read: Callable[[dict[str, Any]], Any], key: str, record: Any) -> Any:
        """A stored record (a passage, a document) as the value the storage and this store share:
        never a dict beside it, each record is held once. A value already made is kept."""
        if type(record) is Annotation or type(record) is Document:
            return record
        if not isinstance(record, dict):
            raise DatabaseError(f"{self.path}: record {key} of table '{table}' is not an object")
        try:
            return read(record)
        except (TypeError, ValueError) as err:
            raise DatabaseError(f"{self.path}: record {key} of table '{table}' is damaged: {err}") from err

    def _load(self) -> None:
        tables = self.storage.read()
        for table, target in ((ANNOTATIONS, self._annotations), (TRASH, self._trash)):
            for key, ann in tables.get(table, {}).items():
                twin = target.get(ann.id)
                if twin is not None:  # the same id twice (a hand edit, a bad merge): keep the newest
                    if _version_key(twin) >= _version_key(ann):
                        self._duplicates.append((table, key))
                        continue
                    self._duplicates.append((table, self._keys[table].keys[ann.id]))
                self._keys[table].seen(ann.id, key)
                target[ann.id] = ann
        for ann in self._annotations.values():
            self._by_document[ann.document][ann.id] = ann
        for key, doc in tables.get(DOCUMENTS, {}).items():
            self._keys[DOCUMENTS].seen(doc.id, key)
            self._documents[doc.id] = doc
        for table, rel_target in ((RELATIONS, self._relations), (RELATION_TRASH, self._relation_trash)):
            for key, record in self._records(tables, table):
                try:
                    rel = Relation.from_dict(record)
                except (TypeError, ValueError) as err:
                    raise DatabaseError(f"{self.path}: record {key} of table '{table}' is damaged: {err}") from err
                self._keys[table].seen(rel.id, key)
                rel_target[rel.id] = rel

    def _records(self, tables: dict[str, Any], name: str) -> Iterable[tuple[str, dict[str, Any]]]:
        table = tables.get(name, {})
        for key, record in table.items():
            if not isinstance(record, dict):
                raise DatabaseError(f"{self.path}: record {key} of table '{name}' is not an object")
            yield key, record

    def _save(self, changes: list[Change]) -> None:
        """Write ``changes``. If the disk refuses, they still count (in memory) and ``unsaved`` says so."""
        # A refused write is shown by ``unsaved`` / ``save_error``; ``retry_save`` or the next change writes it.
        with contextlib.suppress(SaveDeferred):
            self.storage.append(changes)
        self._version += 1

    @property
    def version(self) -> int:
        """Counts changes since the store was opened (sessions watch it to see others' work)."""
        return self._version

    @property
    def unsaved(self) -> int:
        """How many changes are in memory but not yet on disk (0 in normal times)."""
        return len(self.storage.pending)

    @property
    def save_error(self) -> str:
        return self.storage.last_error

    def retry_save(self) -> bool:
        """Try to write unsaved changes again; True when everything is on disk."""
        return self.storage.retry()

    # -- documents ----------------------------------------------------------------------

    def documents(self) -> list[Document]:
        return list(self._documents.values())

    def document(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def documents_of(self, ids: Iterable[str]) -> list[Document | None]:
        """What is remembered of each document asked, in the order asked (None if nothing): one
        question for a whole library, where asking per document costs a call each (a round
        trip each to ``margin serve``'s store)."""
        return list(map(self._documents.get, ids))

    def register_document(
        self, doc_id: str, *, path: str, title: str, words: int = 0, source: str = "", cleaner: str = ""
    ) -> Document:
        """Remember a document's path and title; written only when something changed."""
        self.register_documents([(doc_id, path, title, words, source, cleaner)])
        return self._documents[doc_id]

    def register_documents(self, docs: Iterable[tuple]) -> None:
        """``register_document`` for many at once, in one journal line.

        Each is (id, path, title, words, source, cleaner), optionally followed by the file's size
        and modification time (ns), which let later starts skip reading an unchanged file, and the
        encoding it was read in ("": not read this time, the remembered one stays).
        """
        changes: list[Change] = []
        updated: dict[str, Document] = {}
        for doc_id, path, title, words, source, cleaner, *stat in docs:
            old = updated.get(doc_id) or self._documents.get(doc_id)
            size, mtime = stat[:2] if stat else ((old.size, old.mtime) if old else (-1, -1))
            encoding = (stat[2] if len(stat) > 2 else "") or (old.encoding if old else "")
            if (old is not None and (not source or source == old.source)
                    and (old.path, old.title, old.words, old.cleaner, old.size, old.mtime, old.encoding)
                    == (path, title, words, cleaner, size, mtime, encoding)):
                continue  # known as it is: a later start of 50,000 documents changes none
            doc = (
                replace(old, path=path, title=title, words=words, source=source or old.source, cleaner=cleaner,
                        size=size, mtime=mtime, encoding=encoding)
                if old
                else Document.filled({"id": doc_id, "path": path, "title": title, "words": words, "source": source,
                                      "cleaner": cleaner, "size": size, "mtime": mtime, "encoding": encoding})
            )
            if doc != old:
                updated[doc.id] = doc
                changes.append(self._keys[DOCUMENTS].put(doc.id, doc))
        if changes:
            self._save(changes)
            self._documents.update(updated)

    def set_status(self, doc_id: str, status: str, annotator: str = "") -> Document:
        """Set the document's status (and ``annotator``'s own status of it, for team progress)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of: {', '.join(STATUSES)}")
        doc = self._document_or_new(doc_id)
        statuses = {**doc.statuses, annotator: status} if annotator else doc.statuses
        return self._put_document(replace(doc, status=status, statuses=statuses))

    def put_document(self, doc: Document) -> Document:
        """Store a document's record as it is (the file it came from changed, say)."""
        return self._put_document(doc)

    def set_position(self, doc_id: str, position: int) -> Document:
        return self._put_document(replace(self._document_or_new(doc_id), position=max(0, position), last_opened=utc_now()))

    def last_opened(self, among: Iterable[str] | None = None) -> Document | None:
        """The document read most recently (of ``among``, when given)."""
        docs = self._documents.values() if among is None else [d for i in among if (d := self._documents.get(i))]
        opened = [d for d in docs if d.last_opened]
        return max(opened, key=lambda d: d.last_opened, default=None)

    def _document_or_new(self, doc_id: str) -> Document:
        return self._documents.get(doc_id) or Document(doc_id)

    def _put_document(self, doc: Document) -> Document:
        self._save([self._keys[DOCUMENTS].put(doc.id, doc)])
        self._documents[doc.id] = doc
        return doc

    # -- annotations: reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._annotations)

    def get(self, ann_id: str) -> Annotation | None:
        return self._annotations.get(ann_id)

    def annotations(
        self,
        *,
        document: str | None = None,
        tags: Iterable[str] | None = None,
        annotator: str | None = None,
    ) -> list[Annotation]:
        """Annotations matching every filter given, in document then text order."""
        pool = self._by_document.get(document, {}).values() if document is not None else self._annotations.values()
        wanted = set(tags) if tags else None
        if wanted is None and annotator is None:
            if document is None:
                # Everything, in order: kept between changes (exports and stats ask for it often).
                if self._all_sorted is None or self._all_sorted[0] != self._version:
                    self._all_sorted = (self._version, sorted(pool, key=_TEXT_ORDER))
                return list(self._all_sorted[1])
            found = list(pool)
        else:
            found = [
                a for a in pool if (wanted is None or a.tag in wanted) and (annotator is None or a.annotator == annotator)
            ]
        found.sort(key=_TEXT_ORDER)
        return found

    def deleted(self) -> list[Annotation]:
        return sorted(self._trash.values(), key=lambda a: a.modified)

    def counts_by_tag(self, document: str | None = None) -> Counter[str]:
        pool = self._by_document.get(document, {}).values() if document is not None else self._annotations.values()
        return Counter(a.tag for a in pool)

    def counts_by_document(self) -> dict[str, Counter[str]]:
        return {doc: Counter(a.tag for a in anns.values()) for doc, anns in self._by_document.items() if anns}

    def counts_by_annotator(self) -> Counter[str]:
        return Counter(a.annotator for a in self._annotations.values())

    def counts_unsettled(self) -> tuple[int, int]:
        """How many passages wait on the annotator: (orphans, approximate matches to review)."""
        orphans = review = 0
        for ann in self._annotations.values():
            if ann.orphan:
                orphans += 1
            elif ann.review:
                review += 1
        return orphans, review

    # -- annotations: changing ----------------------------------------------------------

    def create(
        self,
        *,
        document: str,
        tag: str,
        selector: Selector,
        raw_start: int | None = None,
        raw_end: int | None = None,
        note: str = "",
        annotator: str = "",
    ) -> Annotation:
        ann = Annotation.create(
            document=document,
            tag=tag,
            selector=selector,
            raw_start=raw_start,
            raw_end=raw_end,
            note=note,
            annotator=annotator,
        )
        self.put(ann)
        return ann

    def put(self, ann: Annotation) -> Annotation:
        """Store ``ann`` as it is (new, changed, or restored by undo)."""
        ann.validate()
        changes = [self._keys[ANNOTATIONS].put(ann.id, ann)]
        if ann.id in self._trash:
            changes.append(self._keys[TRASH].delete(ann.id))
        self._save(changes)
        if self._trash.pop(ann.id, None) is not None:
            self._keys[TRASH].forget(ann.id)
        self._index(ann)
        return ann

    def retag(self, ann_id: str, tag: str) -> Annotation:
        return self.put(self._require(ann_id).changed(tag=tag))

    def set_note(self, ann_id: str, note: str) -> Annotation:
        return self.put(self._require(ann_id).changed(note=note))

    def move(self, ann_id: str, selector: Selector, raw_start: int, raw_end: int) -> Annotation:
        """Give an annotation new boundaries; id, tag and note stay."""
        return self.put(
            self._require(ann_id).changed(
                text=selector.exact,
                start=selector.start,
                end=selector.end,
                prefix=selector.prefix,
                suffix=selector.suffix,
                raw_start=raw_start,
                raw_end=raw_end,
                orphan=False,
                anchor="exact",  # drawn anew by the annotator
                review=False,
            )
        )

    def delete(self, ann_id: str) -> Annotation:
        """Remove an annotation; it is kept in the trash table so the delete can be undone."""
        ann = self._require(ann_id).changed()  # the deletion's time, so merges know it is the newest word
        self._save([self._keys[ANNOTATIONS].delete(ann_id), self._keys[TRASH].put(ann_id, ann)])
        self._keys[ANNOTATIONS].forget(ann_id)
        del self._annotations[ann_id]
        self._by_document[ann.document].pop(ann_id, None)
        self._trash[ann_id] = ann
        return ann

    def merge(self, incoming: Iterable[Annotation], documents: Iterable[Document] = ()) -> ImportResult:
        """Add annotations (and documents) from elsewhere, all in one durable step.

        An id already here with the same content is left alone; with different
        content the newer ``modified`` wins. So merging the same data twice adds
        nothing the second time.
        """
        changes: list[Change] = []
        added = updated = unchanged = new_docs = 0
        staged: dict[str, Annotation] = {}
        for ann in incoming:
            ann.validate()
            old = staged.get(ann.id) or self._annotations.get(ann.id)
            if old is not None and (old == ann or _same_but_time(old, ann)):
                unchanged += 1  # the same passage again (a re-import): its time alone is no change
                continue
            if old is not None and not _newer(ann, old):
                unchanged += 1
                continue
            if old is None:
                added += 1
            else:
                updated += 1
            staged[ann.id] = ann
        for ann in staged.values():
            changes.append(self._keys[ANNOTATIONS].put(ann.id, ann))
            if ann.id in self._trash:
                changes.append(self._keys[TRASH].delete(ann.id))
        staged_docs: dict[str, Document] = {}
        for doc in documents:
            if doc.id not in self._documents and doc.id not in staged_docs:
                staged_docs[doc.id] = doc
                changes.append(self._keys[DOCUMENTS].put(doc.id, doc))
                new_docs += 1
        try:
            self._save(changes)
        except BaseException:
            # Nothing was written: forget the keys handed out for this batch.
            for ann in staged.values():
                if ann.id not in self._annotations:
                    self._keys[ANNOTATIONS].keys.pop(ann.id, None)
            for doc_id in staged_docs:
                self._keys[DOCUMENTS].keys.pop(doc_id, None)
            raise
        for ann in staged.values():
            if self._trash.pop(ann.id, None) is not None:
                self._keys[TRASH].forget(ann.id)
            self._index(ann)
        self._documents.update(staged_docs)
        return ImportResult(added, updated, unchanged, new_docs)

    def merge_from(self, other: AnnotationStore) -> MergeReport:
        """Take in another annotator's database: every annotation id once, the newest version of each.

        A deletion is a version too (the trash keeps its time), so work deleted
        in one database is not brought back by merging an older copy. Merging
        is idempotent and gives the same result in any order.
        """
        report = MergeReport()
        changes: list[Change] = []
        incoming = [(a, True) for a in other._annotations.values()] + [(a, False) for a in other._trash.values()]
        for ann, _ in incoming:
            problem = name_problem("tag", ann.tag) or name_problem("annotator", ann.annotator)
            if problem:
                raise DatabaseError(f"{other.path}: annotation {ann.id}: {problem}; nothing was merged")
        put_live: list[Annotation] = []
        put_dead: list[Annotation] = []
        for ann, alive in incoming:
            mine = self._annotations.get(ann.id)
            mine_alive = mine is not None
            mine = mine or self._trash.get(ann.id)
            if mine is None:
                if alive:
                    put_live.append(ann)
                    report.added += 1
                else:
                    put_dead.append(ann)
                continue
            if mine == ann and mine_alive == alive:
                report.unchanged += 1
                continue
            report.conflicts.append(ann.id)
            if _version_key(ann, alive) > _version_key(mine, mine_alive):
                if alive:
                    put_live.append(ann)
                    report.updated += 1
                else:
                    put_dead.append(ann)
                    report.deleted += 1 if mine_alive else 0
            else:
                report.unchanged += 1
        for ann in put_live:
            changes.append(self._keys[ANNOTATIONS].put(ann.id, ann))
            if ann.id in self._trash:
                changes.append(self._keys[TRASH].delete(ann.id))
        for ann in put_dead:
            changes.append(self._keys[TRASH].put(ann.id, ann))
            if ann.id in self._annotations:
                changes.append(self._keys[ANNOTATIONS].delete(ann.id))
        new_docs = []
        for doc in other._documents.values():
            my_doc = self._documents.get(doc.id)
            # Where a file lies on another machine means nothing here: it is never followed.
            doc = replace(doc, source="", path=safe_document_path(doc.path))
            if my_doc is None:
                merged = doc
                report.documents += 1
            else:
                newest = doc if doc.last_opened > my_doc.last_opened else my_doc
                merged = replace(newest, statuses={**doc.statuses, **my_doc.statuses}, source=my_doc.source,
                                 path=my_doc.path or doc.path, overrides={**doc.overrides, **my_doc.overrides},
                                 labels={**doc.labels, **my_doc.labels})
                if merged == my_doc:
                    continue
            new_docs.append(merged)
            changes.append(self._keys[DOCUMENTS].put(merged.id, merged))
        self._save(changes)
        for ann in put_live:
            if self._trash.pop(ann.id, None) is not None:
                self._keys[TRASH].forget(ann.id)
            self._index(ann)
        for ann in put_dead:
            if ann.id in self._annotations:
                old = self._annotations.pop(ann.id)
                self._by_document[old.document].pop(ann.id, None)
                self._keys[ANNOTATIONS].forget(ann.id)
            self._trash[ann.id] = ann
        for doc in new_docs:
            self._documents[doc.id] = doc
        report.relations = self._merge_relations(other)
        return report

    def _merge_relations(self, other: AnnotationStore) -> int:
        """Relations merge as passages do: every id once, the newest version (a deletion is a version)."""
        live: list[Relation] = []
        dead: list[str] = []
        for rel, alive in [(r, True) for r in other._relations.values()] + [
                (r, False) for r in other._relation_trash.values()]:
            mine = self._relations.get(rel.id) or self._relation_trash.get(rel.id)
            mine_alive = rel.id in self._relations
            if mine is not None and (mine.modified, mine_alive) >= (rel.modified, alive):
                continue
            if alive:
                live.append(rel)
            elif mine_alive:
                dead.append(rel.id)
        self.change_relations(live, dead)
        return len(live) + len(dead)

    def replace_all(self, annotations: list[Annotation]) -> None:
        """Store several changed annotations in one durable step (re-anchoring, bulk edits)."""
        for ann in annotations:
            ann.validate()
        self._save([self._keys[ANNOTATIONS].put(a.id, a) for a in annotations])
        for ann in annotations:
            self._index(ann)

    def overlay(self, annotations: list[Annotation], documents: list[Document]) -> None:
        """Show changed versions in this process only, never written: a read-only command sees the
        passages of changed files where they are now, as a writer would have saved them."""
        if not self.read_only:
            raise ValueError("overlay is for read-only stores; a writer saves the change instead")
        changes: list[Change] = [self._keys[ANNOTATIONS].put(a.id, a) for a in annotations]
        changes += [self._keys[DOCUMENTS].put(d.id, d) for d in documents]
        self.storage.apply_in_memory(changes)
        for ann in annotations:
            self._index(ann)
        for doc in documents:
            self._documents[doc.id] = doc
        self._version += 1

    def apply_batch(self, puts: list[Annotation], deletes: list[str]) -> None:
        """Store ``puts`` and delete ``deletes`` in one durable step (a compound undo, tag-all).

        Deleted annotations go to the trash, as with ``delete``; an id that is not here is skipped.
        """
        for ann in puts:
            ann.validate()

        def drop(dead: Annotation) -> None:
            self._annotations.pop(dead.id, None)
            self._by_document[dead.document].pop(dead.id, None)

        self._change(ANNOTATIONS, TRASH, self._annotations, self._trash, puts, deletes, self._index, drop)

    def _change(self, table: str, trash_table: str, live: dict[str, Any], trash: dict[str, Any], puts: list[Any],
                deletes: list[str], keep: Callable[[Any], object], drop: Callable[[Any], object]) -> None:
        """Put records and move others to their trash (with the deletion's time), in one journal line."""
        changes: list[Change] = []
        gone = []
        for record_id in deletes:
            old = live.get(record_id)
            if old is None:
                continue
            dead = old.changed()
            gone.append(dead)
            changes += [self._keys[table].delete(record_id), self._keys[trash_table].put(record_id, _stored(dead))]
        for record in puts:
            changes.append(self._keys[table].put(record.id, _stored(record)))
            if record.id in trash:
                changes.append(self._keys[trash_table].delete(record.id))
        if not changes:
            return
        self._save(changes)
        for dead in gone:
            self._keys[table].forget(dead.id)
            drop(dead)
            trash[dead.id] = dead
        for record in puts:
            if trash.pop(record.id, None) is not None:
                self._keys[trash_table].forget(record.id)
            keep(record)

    # -- relations ------------------------------------------------------------------------

    def relations(self, *, document: str | None = None) -> list[Relation]:
        """Relations whose ends are passages of ``document`` (every relation when None), oldest first."""
        rels = list(self._relations.values())
        if document is not None:
            here = self._by_document.get(document, {})
            rels = [r for r in rels if r.from_id in here or r.to_id in here]
        return sorted(rels, key=lambda r: (r.created, r.id))

    def relation(self, rel_id: str) -> Relation | None:
        return self._relations.get(rel_id)

    def relations_of(self, ann_id: str) -> list[Relation]:
        return [r for r in self._relations.values() if ann_id in (r.from_id, r.to_id)]

    def change_relations(self, puts: list[Relation], deletes: list[str]) -> None:
        """Store and delete relations in one durable step (deleted ones go to their trash)."""
        self._change(RELATIONS, RELATION_TRASH, self._relations, self._relation_trash, puts, deletes,
                     lambda rel: self._relations.__setitem__(rel.id, rel),
                     lambda dead: self._relations.pop(dead.id, None))

    def remember_schema(self, schema: dict[str, Any]) -> None:
        """Keep the annotation schema in the database (exports and merges know it without the config)."""
        meta = dict(self.storage.read().get(META, {}).get("1", {}))
        if meta.get(SCHEMA_KEY) == schema:
            return
        meta[SCHEMA_KEY] = schema
        self._save([["put", META, "1", meta]])

    def schema(self) -> dict[str, Any] | None:
        found = self.storage.read().get(META, {}).get("1", {}).get(SCHEMA_KEY)
        return found if isinstance(found, dict) else None

    def _require(self, ann_id: str) -> Annotation:
        ann = self._annotations.get(ann_id)
        if ann is None:
            raise NotFound(f"no annotation with id {ann_id}")
        return ann

    def _index(self, ann: Annotation) -> None:
        old = self._annotations.get(ann.id)
        if old is not None and old.document != ann.document:
            self._by_document[old.document].pop(ann.id, None)
        self._annotations[ann.id] = ann
        self._by_document[ann.document][ann.id] = ann


class Store(Protocol):
    """What the reader and the editing rules need of a store: ``AnnotationStore`` here, and the
    ``RemoteStore`` that the sessions of ``margin serve`` use. Checked by mypy in the tests."""

    path: Path

    @property
    def read_only(self) -> bool: ...
    @property
    def held_by(self) -> str | None: ...
    @property
    def version(self) -> int: ...
    @property
    def unsaved(self) -> int: ...
    @property
    def save_error(self) -> str: ...
    @property
    def repairs(self) -> list[str]: ...

    def close(self) -> None: ...
    def retry_save(self) -> bool: ...
    def __len__(self) -> int: ...
    def documents(self) -> list[Document]: ...
    def document(self, doc_id: str) -> Document | None: ...
    def documents_of(self, ids: Iterable[str]) -> list[Document | None]: ...
    def register_documents(self, docs: Iterable[tuple]) -> None: ...
    def set_status(self, doc_id: str, status: str, annotator: str = "") -> Document: ...
    def set_position(self, doc_id: str, position: int) -> Document: ...
    def last_opened(self, among: Iterable[str] | None = None) -> Document | None: ...
    def get(self, ann_id: str) -> Annotation | None: ...
    def annotations(self, *, document: str | None = None, tags: Iterable[str] | None = None,
                    annotator: str | None = None) -> list[Annotation]: ...
    def deleted(self) -> list[Annotation]: ...
    def counts_by_tag(self, document: str | None = None) -> Counter[str]: ...
    def counts_by_document(self) -> dict[str, Counter[str]]: ...
    def counts_by_annotator(self) -> Counter[str]: ...
    def counts_unsettled(self) -> tuple[int, int]: ...
    def put(self, ann: Annotation) -> Annotation: ...
    def retag(self, ann_id: str, tag: str) -> Annotation: ...
    def set_note(self, ann_id: str, note: str) -> Annotation: ...
    def move(self, ann_id: str, selector: Selector, raw_start: int, raw_end: int) -> Annotation: ...
    def delete(self, ann_id: str) -> Annotation: ...
    def replace_all(self, annotations: list[Annotation]) -> None: ...
    def apply_batch(self, puts: list[Annotation], deletes: list[str]) -> None: ...
    def put_document(self, doc: Document) -> Document: ...
    def relations(self, *, document: str | None = None) -> list[Relation]: ...
    def relation(self, rel_id: str) -> Relation | None: ...
    def relations_of(self, ann_id: str) -> list[Relation]: ...
    def change_relations(self, puts: list[Relation], deletes: list[str]) -> None: ...
    def remember_schema(self, schema: dict[str, Any]) -> None: ...
    def schema(self) -> dict[str, Any] | None: ...
