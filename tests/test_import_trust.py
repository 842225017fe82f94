"""Imports are checked against the text they claim, re-imports change nothing, and the real tools'
files (Label Studio's default export, doccano's relation projects) read as those tools write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, run_margin

from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus

CORPUS = load_corpus([SEEDS])
DOC = CORPUS.documents[1]


def tagged_db(path: Path, annotator: str = "ana") -> list:
    """A database that knows the seeds (where their files are) with three passages in one document."""
    with AnnotationStore(path) as store:
        store.register_documents([(d.id, d.path, d.title, d.words, str(d.file.resolve()), "") for d in CORPUS.documents])
        made = []
        for quote, tag in (("Vladimir Putin's Russia", "source"), ("U.S. pressure campaign", "claim"),
                           ("Russia considers Venezuela its closest ally", "claim")):
            start = DOC.text.index(quote)
            made.append(store.create(document=DOC.id, tag=tag, selector=Selector.from_span(DOC.text, start, start + len(quote)),
                                     raw_start=DOC.to_raw_span(start, start + len(quote))[0],
                                     raw_end=DOC.to_raw_span(start, start + len(quote))[1], annotator=annotator))
        return made


def check_true(db: Path) -> list:
    """Every passage's text is exactly its span of the cleaned text, and of the raw file."""
    with AnnotationStore(db, read_only=True) as store:
        anns = store.annotations()
    for a in anns:
        assert DOC.text[a.start : a.end] == a.text, a
        assert DOC.raw[a.raw_start : a.raw_end] == a.text, a
    return anns


def w3c_item(quote: str, **selectors) -> dict:
    chosen = [{"type": "TextQuoteSelector", "exact": quote}]
    if selectors:
        chosen.append({"type": "TextPositionSelector", **selectors})
    return {"type": "Annotation", "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
            "target": {"source": f"urn:sha256:{DOC.id}", "selector": chosen}}


def test_quote_only_and_utf16_w3c_are_placed_by_their_quote(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    tagged_db(db)
    quote = "Russia simply no longer has the capacity"
    if quote not in DOC.text:
        quote = DOC.text.split("\n")[4][:40].strip()
    start = DOC.text.index(quote)
    # Quote only; and positions counted in UTF-16 units by another tool (shifted), both placed by the quote.
    items = [w3c_item(quote), w3c_item(DOC.text[start + 50 : start + 90], start=start + 53, end=start + 93)]
    payload = json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
                          "first": {"type": "AnnotationPage", "items": items}}).encode()
    proc = run_margin("import", "-", "--format", "w3c", "--db", db, input=payload)
    assert proc.returncode == 0, proc.stderr
    assert "2 passages were placed where their quote is" in proc.stdout
    anns = check_true(db)
    assert any(a.start == start for a in anns)


def test_a_shifted_json_passage_is_corrected_and_a_missing_quote_reported(tmp_path: Path) -> None:
    db = tmp_path / "j.json"
    made = tagged_db(db)
    exported = json.loads(run_margin("export", "--db", db).stdout)
    other = tmp_path / "other.json"
    tagged_db(other, annotator="bo")
    for p in exported["passages"]:
        p["id"] = p["id"][:-4] + "beef"
        p["start"] += 2
        p["end"] += 2
        p["raw_start"] = p["raw_end"] = 0
    exported["passages"][0]["text"] = "words that are nowhere in the article"
    exported["passages"][0]["end"] = exported["passages"][0]["start"] + len(exported["passages"][0]["text"])
    content = json.dumps(exported).encode()
    strict = run_margin("import", "-", "--strict", "--db", other, input=content)
    assert strict.returncode == 1 and "--strict" in strict.stderr
    proc = run_margin("import", "-", "--db", other, input=content)
    assert proc.returncode == 0, proc.stderr
    assert "2 passages were placed where their quote is" in proc.stdout
    assert "1 passages have a quote that is not in their document's text" in proc.stdout
    with AnnotationStore(other, read_only=True) as store:
        imported = [a for a in store.annotations() if a.id.endswith("beef")]
    assert sum(a.orphan for a in imported) == 1
    for a in imported:
        if not a.orphan:
            assert DOC.text[a.start : a.end] == a.text and DOC.raw[a.raw_start : a.raw_end] == a.text
    assert len(made) == 3


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "w3c"])
def test_reimport_into_the_same_database_adds_nothing_and_raw_offsets_are_margins(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / f"{fmt}.json"
    tagged_db(db)
    exported = run_margin("export", "--db", db, "--format", fmt)
    assert exported.returncode == 0, exported.stderr
    again = run_margin("import", "-", "--format", fmt, "--db", db, "--annotator", "ana",
                       input=exported.stdout.encode())
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("imported 0 new passages") and "0 updated" in again.stdout, again.stdout
    anns = check_true(db)
    assert len(anns) == 3
    # Into a fresh database: raw offsets come from margin's own map, not from the cleaned offsets.
    fresh = tmp_path / f"fresh-{fmt}.json"
    proc = run_margin("import", "-", "--format", fmt, "--db", fresh, "--corpus", SEEDS, input=exported.stdout.encode())
    assert proc.returncode == 0, proc.stderr
    assert len(check_true(fresh)) == 3
    # --corpus is remembered: an export that carries the text needs no --corpus now.
    later = run_margin("export", "--db", fresh, "--format", "labelstudio")
    assert later.returncode == 0, later.stderr


def test_labelstudio_reimport_never_reverts_a_newer_local_note(tmp_path: Path) -> None:
    db = tmp_path / "ls.json"
    made = tagged_db(db)
    exported = run_margin("export", "--db", db, "--format", "labelstudio").stdout
    with AnnotationStore(db) as store:
        store.set_note(made[0].id, "a newer local note")
    proc = run_margin("import", "-", "--format", "labelstudio", "--db", db, input=exported.encode())
    assert proc.returncode == 0 and "0 updated" in proc.stdout, proc.stdout
    with AnnotationStore(db, read_only=True) as store:
        assert store.get(made[0].id).note == "a newer local note"


def ls_task(annotations_key: str = "annotations", completed_by: object = 7) -> dict:
    start = DOC.text.index("U.S. pressure campaign")
    region = {"id": "Ab12Cd", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": start, "end": start + 22, "text": "U.S. pressure campaign", "labels": ["claim"]}}
    return {"id": 1, "data": {"text": DOC.text}, annotations_key: [
        {"id": 11, "completed_by": completed_by, "result": [region], "created_at": "2026-01-02T10:00:00.123456Z",
         "updated_at": "2026-01-02T10:05:00Z"},
        {"id": 12, "completed_by": 9, "result": [dict(region, id="Zz99")], "created_at": "2026-01-02T11:00:00Z"},
    ]}


def test_labelstudio_default_export_keeps_both_annotators(tmp_path: Path) -> None:
    db = tmp_path / "lsd.json"
    proc = run_margin("import", "-", "--db", db, "--corpus", SEEDS, input=json.dumps([ls_task()]).encode())
    assert proc.returncode == 0, proc.stderr
    anns = check_true(db)
    assert sorted(a.annotator for a in anns) == ["ls-user-7", "ls-user-9"]
    assert {a.modified for a in anns} == {"2026-01-02T10:05:00.000Z", "2026-01-02T11:00:00.000Z"}
    expanded = run_margin("import", "-", "--db", tmp_path / "exp.json", "--corpus", SEEDS,
                          input=json.dumps([ls_task(completed_by={"id": 7, "email": "ana@example.org"})]).encode())
    assert expanded.returncode == 0
    with AnnotationStore(tmp_path / "exp.json", read_only=True) as store:
        assert sorted(a.annotator for a in store.annotations()) == ["ana@example.org", "ls-user-9"]
    old = run_margin("import", "-", "--format", "labelstudio", "--db", tmp_path / "old.json",
                     input=json.dumps([ls_task("completions")]).encode())
    assert old.returncode == 0 and old.stdout.startswith("imported 2 new passages"), old.stdout
    empty = run_margin("import", "-", "--format", "labelstudio", "--db", tmp_path / "none.json",
                       input=json.dumps([{"data": {"text": "x"}, "annotations": []}]).encode())
    assert empty.returncode == 1 and "no passages" in empty.stderr


def test_labelstudio_export_is_what_its_importer_accepts(tmp_path: Path) -> None:
    db = tmp_path / "lse.json"
    tagged_db(db)
    tasks = json.loads(run_margin("export", "--db", db, "--format", "labelstudio").stdout)
    for annotation in tasks[0]["annotations"]:
        # Label Studio refuses completed_by of an unknown email, and {}: left out, it is the importing user.
        assert "completed_by" not in annotation
        assert all(r["meta"]["annotator"] == "ana" for r in annotation["result"])
    with_domain = json.loads(run_margin("export", "--db", db, "--format", "labelstudio", "--ls-email-domain",
                                        "example.org").stdout)
    assert with_domain[0]["annotations"][0]["completed_by"] == {"email": "ana@example.org"}


def test_doccano_entities_and_per_user_files(tmp_path: Path) -> None:
    start = DOC.text.index("U.S. pressure campaign")
    line = {"id": 3, "text": DOC.text, "entities": [
        {"id": 1, "label": "claim", "start_offset": start, "end_offset": start + 22},
        {"id": 2, "label": "source", "start_offset": start, "end_offset": start + 4}], "relations": []}
    db = tmp_path / "dc.json"
    for who in ("ana", "bo"):
        proc = run_margin("import", "-", "--format", "doccano", "--annotator", who, "--db", db, "--corpus", SEEDS,
                          input=json.dumps(line).encode())
        assert proc.returncode == 0 and proc.stdout.startswith("imported 2 new passages"), proc.stdout + proc.stderr
    anns = check_true(db)
    assert sorted((a.annotator, a.tag) for a in anns) == [("ana", "claim"), ("ana", "source"), ("bo", "claim"),
                                                          ("bo", "source")]
