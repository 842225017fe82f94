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


async def test_in_the_reader_link_set_an_attribute_and_a_label_undo_redo_reopen_export(db_path: Path,
                                                                                       tmp_path: Path) -> None:
    import json
    import zipfile

    from conftest import run_margin
    from test_app import make_app, open_second

    from reader.config import Config

    config = Config(schema=SCHEMA)
    app = make_app(db_path, config=config)
    async with app.run_test(size=(160, 45)) as pilot:
        view = await open_second(pilot)
        text = view.text
        claim_start = text.index("Russia considers Venezuela")
        view.select(claim_start, claim_start + len("Russia considers Venezuela its closest ally"))
        await pilot.press("1")
        view.select(text.index("Vladimir Putin's Russia"), text.index("Vladimir Putin's Russia") + 23)
        await pilot.press("2")
        await pilot.pause()
        claim = app.store.annotations(tags=["claim"])[0]
        source = app.store.annotations(tags=["source"])[0]
        # l on the claim, move to the source, Enter: linked.
        view.move_to(claim.start + 2)
        await pilot.press("l")
        view.move_to(source.start + 2)
        await pilot.press("enter")
        await pilot.pause()
        (rel,) = app.store.relations()
        assert (rel.from_id, rel.to_id, rel.type) == (claim.id, source.id, "attributed_to")
        panel = "\n".join(str(app.screen.query_one("#panel").get_option_at_index(i).prompt)
                          for i in range(app.screen.query_one("#panel").option_count))
        assert "→ attributed_to source" in panel and "← attributed_to claim" in panel
        # J jumps from one end to the other.
        view.move_to(claim.start + 2)
        await pilot.press("J")
        assert view.cursor == source.start
        # i: the claim's attribute (one attribute for claims: straight to its values).
        view.move_to(claim.start + 2)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("1")  # values by key: 1 is the first, yes
        await pilot.pause()
        assert app.store.get(claim.id).attributes == {"checkworthy": "yes"}
        # L: the document's stance.
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("down", "enter")  # against
        await pilot.pause()
        doc_id = app.screen.document.id
        assert app.store.document(doc_id).labels == {"tester": {"stance": ["against"]}}
        # Undo all three, then redo them.
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert app.store.relations() == [] and app.store.get(claim.id).attributes == {}
        assert app.store.document(doc_id).labels == {}
        await pilot.press("ctrl+r", "ctrl+r", "ctrl+r")
        await pilot.pause()
        assert len(app.store.relations()) == 1 and app.store.get(claim.id).attributes == {"checkworthy": "yes"}
        assert app.store.document(doc_id).labels == {"tester": {"stance": ["against"]}}
    app.store.close()
    again = make_app(db_path, config=config)
    async with again.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert len(again.store.relations()) == 1
    again.store.close()
    exported = json.loads(run_margin("export", "--db", db_path).stdout)
    assert exported["version"] == 2 and exported["relations"][0]["type"] == "attributed_to"
    assert exported["schema"]["attributes"][0]["name"] == "checkworthy"
    assert any(p["attributes"] == {"checkworthy": "yes"} for p in exported["passages"])
    assert next(d for d in exported["documents"] if d["id"] == doc_id)["labels"] == {"tester": {"stance": ["against"]}}
    # Round trip: into a fresh database, relations, attributes and labels come back.
    fresh = tmp_path / "fresh.json"
    proc = run_margin("import", "-", "--db", fresh, input=json.dumps(exported).encode())
    assert proc.returncode == 0, proc.stderr
    with AnnotationStore(fresh, read_only=True) as store:
        assert len(store.relations()) == 1
        assert store.document(doc_id).labels == {"tester": {"stance": ["against"]}}
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    # Every format exports; those that can carry the relation do.
    carries = {"json": '"attributed_to"', "jsonl": '"attributed_to"', "labelstudio": '"relation"',
               "doccano": '"relations":[{', "w3c": '"linking"', "prodigy": '"attributed_to"', "csv": "checkworthy",
               "sentences": '"claim"'}
    for fmt, mark in carries.items():
        proc = run_margin("export", "--db", db_path, "--format", fmt, "--corpus", seeds)
        assert proc.returncode == 0 and mark in proc.stdout, (fmt, proc.stderr)
    brat = run_margin("export", "--db", db_path, "--format", "brat", "--out", tmp_path / "b.zip", "--corpus",
                      seeds)
    assert brat.returncode == 0, brat.stderr
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        ann = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".ann"))
        conf = archive.read("annotation.conf").decode()
    assert any(line.startswith("R1\tattributed_to Arg1:T") for line in ann.splitlines())
    assert any(line.startswith("A1\tcheckworthy T") and line.endswith(" yes") for line in ann.splitlines())
    assert "attributed_to\tArg1:claim|prediction, Arg2:source" in conf
    assert "checkworthy\tArg:<ENTITY>, Value:yes" in conf


def test_merge_takes_relations_and_labels_newest_wins(tmp_path: Path) -> None:
    from conftest import run_margin

    ana_db, bo_db, team = tmp_path / "ana.json", tmp_path / "bo.json", tmp_path / "team.json"
    with AnnotationStore(ana_db) as store:
        store.register_document("d1", path="d1.txt", title="D")
        ana = EditingSession(store, "ana", schema=SCHEMA)
        claim, source = passages(ana)
        rel = ana.link(claim.id, source.id).step.relations[0].after
        ana.set_document_label("d1", "stance", ["for"])
    with AnnotationStore(bo_db) as store:
        store.register_document("d1", path="d1.txt", title="D")
        EditingSession(store, "bo", schema=SCHEMA).set_document_label("d1", "stance", ["neutral"])
    for source_db in (ana_db, bo_db, ana_db):  # twice from ana: nothing changes the second time
        assert run_margin("merge", source_db, "--into", team).returncode == 0
    with AnnotationStore(team, read_only=True) as store:
        assert [r.id for r in store.relations()] == [rel.id]
        assert store.document("d1").labels == {"ana": {"stance": ["for"]}, "bo": {"stance": ["neutral"]}}
    # ana deletes the source (and so the relation): merging again removes the relation too.
    with AnnotationStore(ana_db) as store:
        EditingSession(store, "ana", schema=SCHEMA).delete(source.id)
    assert run_margin("merge", ana_db, "--into", team).returncode == 0
    with AnnotationStore(team, read_only=True) as store:
        assert store.relations() == [] and store.get(source.id) is None


def test_agreement_on_relations_attributes_and_labels() -> None:
    from annotations.agreement import agreement
    from annotations.model import Annotation, Document, Relation

    def passage(pid: str, who: str, tag: str, start: int, end: int, **attributes: str) -> Annotation:
        return Annotation(id=pid, document="d", tag=tag, text="x" * (end - start), start=start, end=end,
                          raw_start=start, raw_end=end, annotator=who, attributes=attributes)

    ps = [passage("a1", "ana", "claim", 0, 10, checkworthy="yes"), passage("a2", "ana", "source", 20, 25),
          passage("b1", "bo", "claim", 0, 10, checkworthy="no"), passage("b2", "bo", "source", 21, 25),
          passage("a3", "ana", "claim", 40, 50, checkworthy="yes"), passage("b3", "bo", "claim", 40, 50,
                                                                             checkworthy="yes")]
    rels = [Relation("r1", "a1", "a2", "attributed_to", "ana"), Relation("r2", "b1", "b2", "attributed_to", "bo")]
    docs = [Document("d", labels={"ana": {"stance": ["for"]}, "bo": {"stance": ["for"]}}),
            Document("e", labels={"ana": {"stance": ["against"]}, "bo": {"stance": ["for"]}})]
    report = agreement(ps, {"d": "x" * 60}, ["ana", "bo"], relations=rels, documents=docs)
    (rel, everything) = report.relations
    assert everything.type == "all" and everything.overlap_f1 == 1.0
    assert rel.exact_f1 == 0.0 and rel.overlap_f1 == 1.0  # the sources differ by a character: overlap only
    (attr,) = report.attributes
    assert attr.name == "checkworthy" and attr.items == 2 and attr.kappa == 0.0
    (label,) = report.labels
    assert label.items == 2 and label.kappa == 0.0 and "stance" in report.label_alpha


def _linked_db(db: Path) -> str:
    """A database that knows the seeds, with a claim linked to its source, an attribute and a document label."""
    from reader.corpus import load_corpus

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    doc = load_corpus([seeds]).documents[1]
    with AnnotationStore(db) as store:
        store.register_documents([(doc.id, doc.path, doc.title, doc.words, str(doc.file.resolve()), "")])
        session = EditingSession(store, "ana", schema=SCHEMA)
        start = doc.text.index("Russia considers Venezuela its closest ally")
        claim = session.tag(doc, start, start + 43, "claim").after[0]
        start = doc.text.index("Vladimir Putin's Russia")
        source = session.tag(doc, start, start + 23, "source").after[0]
        session.link(claim.id, source.id)
        session.set_attribute(claim.id, "checkworthy", "yes")
        session.set_document_label(doc.id, "stance", ["against"])
    return doc.id


def test_label_studio_carries_relations_attributes_and_labels_both_ways(tmp_path: Path) -> None:
    import json

    from conftest import run_margin

    db = tmp_path / "ls.json"
    doc_id = _linked_db(db)
    out = tmp_path / "tasks.json"
    proc = run_margin("export", "--db", db, "--format", "labelstudio", "--out", out)
    assert proc.returncode == 0 and "labelconfig" in proc.stderr, proc.stderr
    (task,) = json.loads(out.read_text())
    results = task["annotations"][0]["result"]
    kinds = [r["type"] for r in results]
    assert kinds.count("labels") == 2 and "relation" in kinds
    relation = next(r for r in results if r["type"] == "relation")
    regions = {r["id"] for r in results if r["type"] == "labels"}
    assert relation["from_id"] in regions and relation["to_id"] in regions and relation["labels"] == ["attributed_to"]
    per_region = next(r for r in results if r["type"] == "choices" and r["id"] in regions)
    assert per_region["from_name"] == "checkworthy" and per_region["value"]["choices"] == ["yes"]
    task_level = next(r for r in results if r["type"] == "choices" and r["id"] not in regions)
    assert task_level["from_name"] == "stance" and task_level["value"] == {"choices": ["against"]}
    config = (tmp_path / "tasks.labelconfig.xml").read_text()
    for fragment in ('<Relation value="attributed_to"/>', '<Choices name="checkworthy" toName="text" perRegion="true">',
                     '<Choices name="stance" toName="text" choice="single">'):
        assert fragment in config
    fresh = tmp_path / "fresh.json"
    back = run_margin("import", out, "--db", fresh, "--corpus", Path(__file__).resolve().parent.parent / "seeds")
    assert back.returncode == 0, back.stderr
    with AnnotationStore(fresh, read_only=True) as store:
        (rel,) = store.relations()
        assert store.get(rel.from_id).tag == "claim" and store.get(rel.to_id).tag == "source"
        assert store.get(rel.from_id).attributes == {"checkworthy": "yes"}
        assert store.document(doc_id).labels == {"ana": {"stance": ["against"]}}


def test_doccano_relation_projects_both_ways(tmp_path: Path) -> None:
    import json

    from conftest import run_margin

    db = tmp_path / "dc.json"
    doc_id = _linked_db(db)
    exported = run_margin("export", "--db", db, "--format", "doccano")
    assert exported.returncode == 0, exported.stderr
    line = json.loads(exported.stdout)
    assert len(line["label"]) == 2 and len(line["entities"]) == 2 and line["cats"] == ["stance=against"]
    (relation,) = line["relations"]
    ids = {e["id"]: e["label"] for e in line["entities"]}
    assert (ids[relation["from_id"]], ids[relation["to_id"]], relation["type"]) == ("claim", "source", "attributed_to")
    fresh = tmp_path / "fresh.json"
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    back = run_margin("import", "-", "--format", "doccano", "--annotator", "bo", "--db", fresh, "--corpus", seeds,
                      input=exported.stdout.encode())
    assert back.returncode == 0, back.stderr
    with AnnotationStore(fresh, read_only=True) as store:
        (rel,) = store.relations()
        assert rel.annotator == "bo" and store.get(rel.from_id).tag == "claim"
        assert store.document(doc_id).labels == {"bo": {"stance": ["against"]}}


def test_jsonl_carries_relations_on_passage_lines(tmp_path: Path) -> None:
    import json

    from conftest import run_margin

    db = tmp_path / "j.json"
    _linked_db(db)
    out = run_margin("export", "--db", db, "--format", "jsonl").stdout
    lines = [json.loads(line) for line in out.splitlines()]
    claim = next(line for line in lines if line["tag"] == "claim")
    (rel,) = claim["relations"]
    assert rel["type"] == "attributed_to" and "from" not in rel
    fresh = tmp_path / "fresh.json"
    assert run_margin("import", "-", "--format", "jsonl", "--db", fresh, input=out.encode()).returncode == 0
    with AnnotationStore(fresh, read_only=True) as store:
        (back,) = store.relations()
        assert back.from_id == claim["id"]


async def test_review_shows_relation_and_attribute_disagreements_and_accepts_them(db_path: Path) -> None:
    from test_app import make_app, open_second

    from annotations.model import GOLD
    from reader.config import Config
    from reader.corpus import load_corpus

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    doc = load_corpus([seeds]).documents[1]
    claim_at = doc.text.index("Russia considers Venezuela its closest ally")
    source_at = doc.text.index("Vladimir Putin's Russia")
    with AnnotationStore(db_path) as store:
        for who, value in (("ana", "yes"), ("bo", "no")):
            session = EditingSession(store, who, schema=SCHEMA)
            claim = session.tag(doc, claim_at, claim_at + 43, "claim").after[0]
            source = session.tag(doc, source_at, source_at + 23, "source").after[0]
            session.set_attribute(claim.id, "checkworthy", value)
            if who == "ana":
                session.link(claim.id, source.id)
    app = make_app(db_path, config=Config(schema=SCHEMA))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_second(pilot)
        await pilot.press("R")
        await pilot.pause()
        versions = app.screen.query_one("#versions")
        prompts = [str(versions.get_option_at_index(i).prompt) for i in range(versions.option_count)]
        assert any("checkworthy=yes" in p for p in prompts) and any("checkworthy=no" in p for p in prompts)
        assert any("→ attributed_to →" in p for p in prompts)
        index = next(i for i in range(versions.option_count) if versions.get_option_at_index(i).id
                     and versions.get_option_at_index(i).id.startswith("relation:"))
        versions.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        (gold_rel,) = [r for r in app.store.relations() if r.annotator == GOLD]
        assert app.store.get(gold_rel.from_id).annotator == GOLD and app.store.get(gold_rel.to_id).tag == "source"
    app.store.close()
