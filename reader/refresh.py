"""Bringing the database up to date with the files it remembers, before any command reads it.

A document is known by its bytes' hash; when the file under a remembered path
changes, its passages belong to a new document and may have moved. The reader
re-anchors them when the document is opened; the commands (``list``,
``stats``, ``export``, ``agree``, ``merge``, ``import``) do it here first, so
every one of them sees the same state: a command that may write saves it (one
step per changed file), a read-only one shows it without writing.

A file is read only when its size or modification time differ from what the
database recorded, or when another cleaner made its recorded text; then it is
hashed, and cleaned only if its bytes (or the cleaner) changed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from annotations.anchoring import ReanchorReport, plan_reanchor, reanchor_document
from annotations.model import Document
from annotations.store import AnnotationStore

from .corpus import DEFAULT_MAX_BYTES, SourceDocument, cleaner_version, read_document


@dataclass
class Refreshed:
    checked: int = 0  # remembered files looked at
    read: int = 0  # of which read again (size or time changed)
    changed: int = 0  # of which hold other bytes now: their passages were re-anchored
    moved: int = 0
    orphaned: int = 0


def refresh(store: AnnotationStore, max_bytes: int = DEFAULT_MAX_BYTES) -> Refreshed:
    """Re-anchor the passages of every remembered file that changed (saved, or shown if read-only)."""
    done = Refreshed()
    version = cleaner_version()
    annotated = store.counts_by_document()  # a document without passages has nothing to re-anchor
    for doc in store.documents():
        if not doc.source or doc.id not in annotated:
            continue
        path = Path(doc.source)
        try:
            info = os.stat(path)
        except OSError:
            continue  # moved away or unreadable: the passages stay as they are
        if not stat.S_ISREG(info.st_mode):
            continue
        done.checked += 1
        cleaner_changed = bool(doc.cleaner) and bool(version) and doc.cleaner != version
        if (doc.size, doc.mtime) == (info.st_size, info.st_mtime_ns) and not cleaner_changed:
            continue
        found = read_document(path, doc.path or path.name, max_bytes)
        done.read += 1
        if not isinstance(found, SourceDocument):
            continue
        if found.id == doc.id:
            found.overrides = doc.line_overrides()  # they follow the bytes: the same bytes keep them
        if found.id == doc.id and not cleaner_changed:
            if not store.read_only:  # the same bytes: remember the file as it is now
                store.put_document(replace(doc, size=info.st_size, mtime=info.st_mtime_ns))
            continue
        _follow(store, doc, found, info, version, done)  # other bytes, or the same cleaned anew
    return done


def _follow(store: AnnotationStore, old: Document, found: SourceDocument, info: os.stat_result, version: str,
            done: Refreshed) -> None:
    """The file of ``old`` now holds ``found``: its passages move there (or become orphans)."""
    changed, report = plan_reanchor(store, found.id, old.path, found.text, found.to_raw_span)
    base = store.document(found.id) or replace(old, id=found.id, position=0)
    new = replace(base, path=old.path, title=found.title, words=found.words, source=old.source, cleaner=version,
                  size=info.st_size, mtime=info.st_mtime_ns)
    done.changed += 1
    done.moved += report.moved
    done.orphaned += report.orphaned
    same_bytes = found.id == old.id
    if store.read_only:
        store.overlay(changed, [new] if same_bytes else [new, replace(old, source="")])
        return
    store.register_documents([(new.id, new.path, new.title, new.words, new.source, new.cleaner, new.size,
                               new.mtime, new.encoding)])
    if changed:
        store.replace_all(changed)
    if not same_bytes:
        store.put_document(replace(old, source=""))  # the old version's file is gone: never followed again


def apply_overrides(store: AnnotationStore, doc: SourceDocument) -> ReanchorReport:
    """Clean ``doc`` again with the overrides the database holds for it, and find its passages in the new text."""
    stored = store.document(doc.id)
    doc.reclean(stored.line_overrides() if stored is not None else {})
    return reanchor_document(store, doc.id, doc.path, doc.text, doc.cleaned.to_raw_span)
