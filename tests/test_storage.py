"""The database file on disk: atomic, journaled, locked, versioned, readable by plain TinyDB."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from annotations.errors import DatabaseError, ReadOnlyError
from annotations.model import Selector
from annotations.storage import SCHEMA_VERSION, JournaledStorage
from annotations.store import AnnotationStore

TEXT = "Moscow said on Tuesday that it would not intervene. Analysts expect talks to resume."


def add(store: AnnotationStore, start: int = 0, end: int = 6, tag: str = "source"):
    return store.create(document="d" * 64, tag=tag, selector=Selector.from_span(TEXT, start, end), annotator="ana")


def test_new_database_is_plain_tinydb_json_with_schema(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        ann = add(store)
    data = json.loads(db_path.read_text(encoding="utf-8"))
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    plain = TinyDB(db_path)
    rows = plain.table("annotations").all()
    assert [r["id"] for r in rows] == [ann.id]
    assert rows[0]["text"] == "Moscow"
    plain.close()


def test_acknowledged_write_is_on_disk_before_close(db_path: Path) -> None:
    store = AnnotationStore(db_path)
    ann = add(store)
    # Without closing: a second reader (read-only, it replays the journal) sees it.
    with AnnotationStore(db_path, read_only=True) as other:
        assert other.get(ann.id) == ann
    store.close()


def test_tinydb_can_use_our_storage_directly(db_path: Path) -> None:
    db = TinyDB(db_path, storage=JournaledStorage)
    db.table("notes").insert({"x": 1})
    db.close()
    assert TinyDB(db_path).table("notes").all() == [{"x": 1}]


def test_second_writer_gets_read_only_store_naming_the_holder(db_path: Path) -> None:
    first = AnnotationStore(db_path)
    second = AnnotationStore(db_path)
    try:
        assert not first.read_only
        assert second.read_only
        assert second.held_by and "in use by" in second.held_by and str(os.getpid()) in second.held_by
        with pytest.raises(ReadOnlyError, match="read-only"):
            add(second)
    finally:
        second.close()
        first.close()
    # Once the first is closed the lock is free again.
    with AnnotationStore(db_path) as third:
        assert not third.read_only


def _snapshot(path: Path) -> tuple[bytes, float]:
    return path.read_bytes(), path.stat().st_mtime


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b'{"_meta": {"1": {"schema": 1}}, "annotations": {"1": {"id": "x"', "not valid JSON"),
        (b"this is not json at all\n", "not valid JSON"),
        (b"[1, 2, 3]", "not a TinyDB database"),
        (b'{"_meta": {"1": {"schema": 99}}}', "newer margin"),
        (b'{"_meta": {"1": {"schema": 1}}, "annotations": {"1": {"id": "a", "start": "zero"}}}', "damaged"),
    ],
    ids=["empty", "truncated", "not-json", "not-tables", "future-schema", "wrong-types"],
)
def test_broken_database_gives_clear_error_and_is_left_unchanged(db_path: Path, content: bytes, message: str) -> None:
    db_path.write_bytes(content)
    before = _snapshot(db_path)
    with pytest.raises(DatabaseError, match=message):
        AnnotationStore(db_path)
    assert _snapshot(db_path) == before
    assert not db_path.with_name(db_path.name + ".lock").exists() or AnnotationStore  # lock released below
    # The lock was released: a read-only open of a good file next to it is not blocked.


def test_folder_as_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder"):
        AnnotationStore(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_gives_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DatabaseError, match="cannot write"):
            AnnotationStore(folder / "db.json")
    finally:
        folder.chmod(0o755)


def test_old_tinydb_file_is_migrated_with_a_backup(db_path: Path) -> None:
    db = TinyDB(db_path)
    db.table("annotations").insert(
        {"id": "a1", "document": "d" * 64, "tag": "claim", "text": "Moscow", "start": 0, "end": 6, "raw_start": 0, "raw_end": 6}
    )
    db.close()
    old = db_path.read_bytes()
    with AnnotationStore(db_path) as store:
        assert store.get("a1") is not None and store.get("a1").text == "Moscow"
    assert db_path.with_name(db_path.name + ".schema0.bak").read_bytes() == old
    assert json.loads(db_path.read_text())["_meta"]["1"]["schema"] == SCHEMA_VERSION


def test_torn_journal_line_is_ignored(db_path: Path) -> None:
    store = AnnotationStore(db_path)
    kept = add(store)
    store.storage._journal_fd and os.close(store.storage._journal_fd)
    store.storage._journal_fd = None
    store.storage._release_lock()
    journal = db_path.with_name(db_path.name + ".journal")
    with open(journal, "ab") as fh:
        fh.write(b'[["put", "annotations", "9", {"id": "half')
    with AnnotationStore(db_path) as reopened:
        assert reopened.get(kept.id) == kept
        assert len(reopened) == 1
    assert not journal.exists() or journal.read_bytes() == b""


def test_journal_is_folded_into_snapshot(db_path: Path) -> None:
    store = AnnotationStore(db_path)
    store.storage.COMPACT_AFTER = 2000
    anns = [add(store, i % 40, i % 40 + 5) for i in range(60)]
    store.close()
    data = json.loads(db_path.read_text())
    assert {r["id"] for r in data["annotations"].values()} == {a.id for a in anns}


def test_schema_1_file_opens_and_gains_document_source(db_path: Path) -> None:
    """A database written by margin 0.1 (schema 1: documents without 'source')."""
    v1 = {
        "_meta": {"1": {"schema": 1, "app": "margin"}},
        "documents": {"1": {"id": "d" * 64, "path": "a.txt", "title": "A", "words": 3, "status": "done",
                            "position": 7, "last_opened": "2026-11-01T10:00:00.000Z"}},
        "annotations": {"1": {"id": "a1", "document": "d" * 64, "tag": "claim", "text": "Moscow", "start": 0, "end": 6,
                              "raw_start": 0, "raw_end": 6, "prefix": "", "suffix": " said", "note": "", "annotator": "ana",
                              "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
                              "orphan": False}},
    }
    db_path.write_text(json.dumps(v1))
    with AnnotationStore(db_path) as store:
        doc = store.document("d" * 64)
        assert (doc.status, doc.position, doc.source) == ("done", 7, "")
        assert store.get("a1").text == "Moscow"
    assert json.loads(db_path.with_name(db_path.name + ".schema1.bak").read_text()) == v1
    data = json.loads(db_path.read_text())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION == 5
    assert data["documents"]["1"]["source"] == ""


def test_schema_2_file_opens_and_gains_document_cleaner(db_path: Path) -> None:
    """A database written before documents remembered their cleaner (schema 2)."""
    v2 = {
        "_meta": {"1": {"schema": 2, "app": "margin"}},
        "documents": {"1": {"id": "d" * 64, "path": "a.txt", "title": "A", "words": 3, "status": "in progress",
                            "position": 2, "last_opened": "", "source": "/data/a.txt", "statuses": {"ana": "done"}}},
    }
    db_path.write_text(json.dumps(v2))
    with AnnotationStore(db_path) as store:
        doc = store.document("d" * 64)
        assert (doc.title, doc.words, doc.source, doc.statuses, doc.cleaner) == ("A", 3, "/data/a.txt",
                                                                               {"ana": "done"}, "")
    assert json.loads(db_path.with_name(db_path.name + ".schema2.bak").read_text()) == v2
    data = json.loads(db_path.read_text())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["documents"]["1"]["cleaner"] == ""


def test_schema_3_file_opens_and_gains_anchor_review_size_and_mtime(db_path: Path) -> None:
    """A database written before passages recorded how they were found (schema 3)."""
    v3 = {
        "_meta": {"1": {"schema": 3, "app": "margin"}},
        "documents": {"1": {"id": "d" * 64, "path": "a.txt", "title": "A", "words": 3, "status": "new",
                            "position": 0, "last_opened": "", "source": "", "statuses": {}, "cleaner": "abc"}},
        "annotations": {"1": {"id": "a1", "document": "d" * 64, "tag": "claim", "text": "Moscow", "start": 0, "end": 6,
                              "raw_start": 0, "raw_end": 6, "prefix": "", "suffix": " said", "note": "",
                              "annotator": "ana", "created": "2026-11-01T10:00:00.000Z",
                              "modified": "2026-11-01T10:00:00.000Z", "orphan": False}},
        "trash": {"1": {"id": "a2", "document": "d" * 64, "tag": "claim", "text": "said", "start": 7, "end": 11,
                        "raw_start": 7, "raw_end": 11, "created": "2026-11-01T10:00:00.000Z",
                        "modified": "2026-11-01T10:00:00.000Z"}},
    }
    db_path.write_text(json.dumps(v3))
    with AnnotationStore(db_path) as store:
        ann = store.get("a1")
        assert (ann.anchor, ann.review) == ("exact", False)
        assert (store.document("d" * 64).size, store.document("d" * 64).mtime) == (-1, -1)
        assert store.deleted()[0].anchor == "exact"
    assert json.loads(db_path.with_name(db_path.name + ".schema3.bak").read_text()) == v3
    data = json.loads(db_path.read_text())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["annotations"]["1"]["anchor"] == "exact" and data["annotations"]["1"]["review"] is False
    assert data["documents"]["1"]["size"] == -1


def test_schema_4_file_opens_and_gains_document_encoding(db_path: Path) -> None:
    """A database written before documents remembered their file's encoding (schema 4)."""
    v4 = {
        "_meta": {"1": {"schema": 4, "app": "margin"}},
        "documents": {"1": {"id": "d" * 64, "path": "a.txt", "title": "A", "words": 3, "status": "done",
                            "position": 5, "last_opened": "", "source": "/corpus/a.txt", "statuses": {},
                            "cleaner": "abc", "size": 120, "mtime": 7, "overrides": {"3": "keep"}, "labels": {}}},
        "annotations": {"1": {"id": "a1", "document": "d" * 64, "tag": "claim", "text": "Moscow", "start": 0,
                              "end": 6, "raw_start": 0, "raw_end": 6, "prefix": "", "suffix": " said", "note": "",
                              "annotator": "ana", "created": "2026-11-01T10:00:00.000Z",
                              "modified": "2026-11-01T10:00:00.000Z", "orphan": False, "anchor": "exact",
                              "review": False, "attributes": {}}},
    }
    db_path.write_text(json.dumps(v4))
    with AnnotationStore(db_path) as store:
        doc = store.document("d" * 64)
        assert (doc.encoding, doc.status, doc.size, doc.overrides) == ("", "done", 120, {"3": "keep"})
        assert store.get("a1").text == "Moscow"
    assert json.loads(db_path.with_name(db_path.name + ".schema4.bak").read_text()) == v4
    data = json.loads(db_path.read_text())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION == 5
    assert data["documents"]["1"]["encoding"] == ""
