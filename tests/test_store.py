"""AnnotationStore: the operations the reader and the command line rely on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.model import Selector
from annotations.store import AnnotationStore

TEXT = "The minister said the plan would fail. Critics say the plan will succeed next year."
DOC = "a" * 64
OTHER = "b" * 64


@pytest.fixture
def store(db_path: Path):
    with AnnotationStore(db_path) as s:
        yield s


def span(start: int, end: int) -> Selector:
    return Selector.from_span(TEXT, start, end)


def test_create_fills_every_field(store: AnnotationStore) -> None:
    ann = store.create(document=DOC, tag="claim", selector=span(4, 12), raw_start=10, raw_end=18, annotator="ana", note="n")
    assert ann.text == "minister" == TEXT[4:12]
    assert ann.prefix == "The " and ann.suffix == TEXT[12:44]
    assert (ann.raw_start, ann.raw_end) == (10, 18)
    assert ann.created == ann.modified and ann.created.endswith("Z")
    assert len(ann.id) == 36


def test_selector_context_is_32_characters() -> None:
    sel = Selector.from_span(TEXT, 40, 47)
    assert sel.prefix == TEXT[8:40] and len(sel.prefix) == 32
    assert sel.suffix == TEXT[47:79]
    with pytest.raises(ValueError):
        Selector.from_span(TEXT, 5, 5)
    with pytest.raises(ValueError):
        Selector.from_span(TEXT, 0, len(TEXT) + 1)


def test_retag_note_delete_and_restore(store: AnnotationStore, db_path: Path) -> None:
    ann = store.create(document=DOC, tag="claim", selector=span(0, 38))
    retagged = store.retag(ann.id, "prediction")
    assert retagged.tag == "prediction" and retagged.id == ann.id and retagged.modified >= ann.modified
    noted = store.set_note(ann.id, "check the budget")
    assert store.get(ann.id).note == "check the budget"
    deleted = store.delete(ann.id)
    assert store.get(ann.id) is None
    assert [a.id for a in store.deleted()] == [ann.id]
    assert deleted.modified >= noted.modified  # the trash remembers when it was deleted
    store.put(deleted)  # undo
    assert replace(store.get(ann.id), modified=noted.modified) == noted
    assert store.deleted() == []
    store.close()
    with AnnotationStore(db_path) as again:
        assert again.get(ann.id) == deleted


def test_delete_keeps_undo_record_across_restart(store: AnnotationStore, db_path: Path) -> None:
    ann = store.create(document=DOC, tag="claim", selector=span(0, 38))
    store.delete(ann.id)
    store.close()
    with AnnotationStore(db_path) as again:
        assert [a.id for a in again.deleted()] == [ann.id]


def test_list_by_document_tag_annotator_in_text_order(store: AnnotationStore) -> None:
    c = store.create(document=DOC, tag="claim", selector=span(39, 82), annotator="bo")
    a = store.create(document=DOC, tag="source", selector=span(0, 16), annotator="ana")
    b = store.create(document=OTHER, tag="claim", selector=span(4, 12), annotator="ana")
    assert store.annotations(document=DOC) == [a, c]
    assert store.annotations(tags=["claim"]) == [c, b]
    assert store.annotations(annotator="ana") == [a, b]
    assert store.annotations(document=DOC, tags=["claim"], annotator="ana") == []
    assert store.counts_by_tag() == {"claim": 2, "source": 1}
    assert store.counts_by_tag(DOC) == {"claim": 1, "source": 1}
    assert store.counts_by_document() == {DOC: {"claim": 1, "source": 1}, OTHER: {"claim": 1}}
    assert store.counts_by_annotator() == {"ana": 2, "bo": 1}


def test_overlapping_and_nested_spans_are_kept(store: AnnotationStore) -> None:
    outer = store.create(document=DOC, tag="claim", selector=span(0, 38))
    inner = store.create(document=DOC, tag="source", selector=span(4, 12))
    overlap = store.create(document=DOC, tag="prediction", selector=span(30, 60))
    assert store.annotations(document=DOC) == [outer, inner, overlap]


def test_status_and_position_per_document(store: AnnotationStore, db_path: Path) -> None:
    store.register_document(DOC, path="a.txt", title="A")
    store.set_status(DOC, "in progress")
    store.set_position(DOC, 120)
    with pytest.raises(ValueError):
        store.set_status(DOC, "finished")
    store.close()
    with AnnotationStore(db_path) as again:
        doc = again.document(DOC)
        assert (doc.path, doc.title, doc.status, doc.position) == ("a.txt", "A", "in progress", 120)
        assert again.last_opened().id == DOC


def test_merge_is_idempotent_and_newest_wins(store: AnnotationStore) -> None:
    ann = store.create(document=DOC, tag="claim", selector=span(0, 38))
    newer = ann.changed(tag="source")
    result = store.merge([newer])
    assert (result.added, result.updated) == (0, 1)
    assert store.merge([ann]).unchanged == 1  # older: ignored
    assert store.get(ann.id).tag == "source"
    assert store.merge([newer]).unchanged == 1


def test_counts_unsettled_counts_orphans_and_passages_to_review(db_path: Path) -> None:
    with AnnotationStore(db_path) as store:
        kept = [store.create(document="d" * 64, tag="claim", selector=Selector.from_span(TEXT, k, k + 4))
                for k in range(0, 12, 4)]
        store.put(kept[0].changed(orphan=True, review=True))  # an orphan is not also "to review"
        store.put(kept[1].changed(review=True, anchor="fuzzy"))
        assert store.counts_unsettled() == (1, 1)
