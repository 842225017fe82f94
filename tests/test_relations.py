"""Beyond flat tags: relations between passages, attributes of passages, labels of documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_editing import TEXT, Doc

from annotations.editing import EditingSession
from annotations.errors import EditRefused
from annotations.schema import schema_from
from annotations.store import AnnotationStore

SCHEMA = schema_from({
    "attributes": [{"name": "checkworthy", "tags": ["claim"], "values": ["yes", "no"]},
                   {"name": "horizon", "tags": ["prediction"], "type": "text"}],
    "document_labels": [{"name": "stance", "values": ["for", "against", "neutral"]}],
})


@pytest.fixture
def session(db_path: Path):
    with AnnotationStore(db_path) as store:
        store.register_document("d1", path="d1.txt", title="D")
        yield EditingSession(store, "ana", schema=SCHEMA)


def passages(session: EditingSession):
    doc = Doc("d1", TEXT)
    claim = session.tag(doc, TEXT.index("Mr. Smith"), TEXT.index(" that the U.S."), "claim").after[0]
    source = session.tag(doc, TEXT.index("Mr. Smith"), TEXT.index("Mr. Smith") + 9, "source").after[0]
    return claim, source


def test_the_default_schema_links_a_claim_to_its_source(session: EditingSession) -> None:
    claim, source = passages(session)
    store = session.store
    rel = session.link(claim.id, source.id).step.relations[0].after
    assert (rel.type, rel.from_id, rel.to_id, rel.annotator) == ("attributed_to", claim.id, source.id, "ana")
    assert store.relations(document="d1") == [rel] and store.relations_of(source.id) == [rel]
    with pytest.raises(EditRefused, match="already linked"):
        session.link(claim.id, source.id)
    with pytest.raises(EditRefused, match="no relation goes from a source to a claim"):
        session.link(source.id, claim.id)
    session.undo()
    assert store.relations() == []
    session.redo()
    assert [r.id for r in store.relations()] == [rel.id]
    assert store.schema()["relations"][0]["name"] == "attributed_to"  # remembered in the database


def test_deleting_a_passage_removes_its_relations_and_undo_restores_both(session: EditingSession) -> None:
    claim, source = passages(session)
    store = session.store
    session.link(claim.id, source.id)
    session.delete(source.id)
    assert store.get(source.id) is None and store.relations() == []
    session.undo()
    assert store.get(source.id) is not None and len(store.relations()) == 1


def test_attributes_and_document_labels_with_undo(session: EditingSession, db_path: Path) -> None:
    claim, _ = passages(session)
    store = session.store
    session.set_attribute(claim.id, "checkworthy", "yes")
    assert store.get(claim.id).attributes == {"checkworthy": "yes"}
    with pytest.raises(EditRefused, match="one of yes, no"):
        session.set_attribute(claim.id, "checkworthy", "maybe")
    session.set_document_label("d1", "stance", ["against"])
    assert store.document("d1").labels == {"ana": {"stance": ["against"]}}
    with pytest.raises(EditRefused, match="one value"):
        session.set_document_label("d1", "stance", ["for", "against"])
    session.undo()
    assert store.document("d1").labels == {}
    session.undo()
    assert store.get(claim.id).attributes == {}
    session.redo()
    session.redo()
    store.close()
    with AnnotationStore(db_path, read_only=True) as again:  # kept on disk, as every change is
        assert again.get(claim.id).attributes == {"checkworthy": "yes"}
        assert again.document("d1").labels["ana"] == {"stance": ["against"]}


def test_schema_from_the_config_with_warnings() -> None:
    schema = schema_from({"relations": [{"name": "quotes", "from": "source", "to": ["claim"]}, {"from": "x"}],
                          "attributes": [{"name": "kind"}]})
    assert [r.name for r in schema.relations] == ["quotes"]  # the config's relations replace the default
    assert schema.relations[0].fits("source", "claim") and not schema.relations[0].fits("claim", "claim")
    assert len(schema.warnings) == 2
