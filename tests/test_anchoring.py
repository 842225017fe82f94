"""Passages are found again when a document changes; those that cannot be found become orphans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, run_margin

from annotations.anchoring import reanchor_document
from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus


def seed_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    source = sorted(SEEDS.glob("000_*.txt"))[0]
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


def seed_with(phrase: str, tmp_path: Path) -> Path:
    """A copy, in a corpus folder of its own, of the seed that holds ``phrase``."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    source = next(p for p in sorted(SEEDS.glob("*.txt")) if phrase in p.read_text(encoding="utf-8"))
    file = folder / source.name
    file.write_bytes(source.read_bytes())
    return file


def annotate(store: AnnotationStore, file: Path, quotes: dict[str, str]) -> dict[str, str]:
    """Tag each quote (tag → quote); return tag → annotation id."""
    (doc,) = load_corpus([file.parent]).documents
    store.register_document(doc.id, path=doc.path, title=doc.title)
    ids = {}
    for tag, quote in quotes.items():
        start = doc.text.index(quote)
        raw_start, raw_end = doc.cleaned.to_raw_span(start, start + len(quote))
        ann = store.create(document=doc.id, tag=tag, selector=Selector.from_span(doc.text, start, start + len(quote)),
                           raw_start=raw_start, raw_end=raw_end)
        ids[tag] = ann.id
    return ids


QUOTES = {
    "claim": "Russia simply no longer has the capacity or commitment to comprehensively uphold its relationships",
    "source": "the Russian Foreign Ministry’s public",
    "prediction": "Maduro is likely to find himself waiting for Russian help that will never arrive",
}


def reanchor(store: AnnotationStore, file: Path):
    (doc,) = load_corpus([file.parent]).documents
    return doc, reanchor_document(store, doc.id, doc.path, doc.text, doc.cleaned.to_raw_span)


@pytest.fixture
def edited(tmp_path: Path):
    file = seed_copy(tmp_path)
    store = AnnotationStore(tmp_path / "db.json")
    ids = annotate(store, file, QUOTES)
    yield file, store, ids
    store.close()


def test_paragraphs_inserted_before_move_every_passage(edited) -> None:
    file, store, ids = edited
    raw = file.read_text(encoding="utf-8")
    insert = "\n\nA new opening paragraph was added by the editors after publication, and it is long enough.\n\n"
    first_break = raw.index("\n\n", raw.index("In his hour"))
    file.write_text(raw[:first_break] + insert + raw[first_break:], encoding="utf-8")
    doc, report = reanchor(store, file)
    assert report.moved == 3 and report.orphaned == 0
    for tag, quote in QUOTES.items():
        ann = store.get(ids[tag])
        assert ann.document == doc.id and not ann.orphan
        assert doc.text[ann.start : ann.end] == quote
        assert doc.raw[ann.raw_start : ann.raw_end] == quote


def test_typo_fixed_inside_a_passage_is_found_by_fuzzy_match(edited) -> None:
    file, store, ids = edited
    raw = file.read_text(encoding="utf-8")
    file.write_text(raw.replace("comprehensively uphold", "comprehensivly uphold"), encoding="utf-8")
    doc, report = reanchor(store, file)
    ann = store.get(ids["claim"])
    assert not ann.orphan and ann.document == doc.id
    assert "comprehensivly uphold its relationships" in ann.text
    assert report.moved >= 1


def test_deleted_paragraph_makes_an_orphan_that_is_kept_and_listed(edited, tmp_path: Path) -> None:
    file, store, ids = edited
    raw = file.read_text(encoding="utf-8")
    start = raw.index("However, if American intervention")
    end = raw.index("\n", start)
    file.write_text(raw[:start] + raw[end + 1 :], encoding="utf-8")
    doc, report = reanchor(store, file)
    assert report.orphaned == 1
    orphan = store.get(ids["prediction"])
    assert orphan is not None and orphan.orphan and orphan.text == QUOTES["prediction"]
    assert orphan.document == doc.id
    assert not store.get(ids["claim"]).orphan
    db = store.path
    store.close()
    stats = json.loads(run_margin("stats", "--json", "--db", db).stdout)
    assert stats["orphans"] == 1
    exported = json.loads(run_margin("export", "--db", db).stdout)
    assert [p["orphan"] for p in exported["passages"] if p["id"] == ids["prediction"]] == [True]


def test_cleaner_change_with_same_bytes_is_reanchored(edited) -> None:
    file, store, ids = edited
    (doc,) = load_corpus([file.parent]).documents
    # Simulate an older cleaner that had kept two more lines at the top: offsets shifted by 20.
    ann = store.get(ids["source"])
    store.put(ann.changed(start=ann.start + 20, end=ann.end + 20))
    report = reanchor_document(store, doc.id, doc.path, doc.text, doc.cleaned.to_raw_span)
    assert report.moved == 1
    assert doc.text[store.get(ids["source"]).start : store.get(ids["source"]).end] == QUOTES["source"]


def _tag_in(store: AnnotationStore, file: Path, quote: str, tag: str = "claim") -> str:
    (doc,) = load_corpus([file.parent]).documents
    store.register_document(doc.id, path=doc.path, title=doc.title)
    start = doc.text.index(quote)
    raw_start, raw_end = doc.cleaned.to_raw_span(start, start + len(quote))
    return store.create(document=doc.id, tag=tag, selector=Selector.from_span(doc.text, start, start + len(quote)),
                        raw_start=raw_start, raw_end=raw_end).id


@pytest.mark.parametrize(("old", "new", "quote", "expected"), [
    # A word inside the passage changes length: the passage covers the edited quote whole.
    ("from falling to", "from collapsing entirely to",
     "protect the Assad regime from falling to the Syrian opposition",
     "protect the Assad regime from collapsing entirely to the Syrian opposition"),
    ("said nary a word", "said barely a word",
     "Putin has said nary a word about Maduro or Venezuela lately",
     "Putin has said barely a word about Maduro or Venezuela lately"),
])
def test_an_edit_inside_a_passage_never_cuts_it(tmp_path: Path, old: str, new: str, quote: str, expected: str) -> None:
    file = seed_with(old, tmp_path)
    with AnnotationStore(tmp_path / "db.json") as store:
        ann_id = _tag_in(store, file, quote)
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        doc, _ = reanchor(store, file)
        ann = store.get(ann_id)
        assert ann.text == expected and doc.text[ann.start : ann.end] == expected
        assert doc.raw[ann.raw_start : ann.raw_end] == expected
        assert (ann.anchor, ann.review, ann.orphan) == ("fuzzy", True, False)


def test_a_passage_across_a_deleted_paragraph_starts_on_a_whole_word(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    file = folder / "a.txt"
    first = "The first paragraph ends with a keycap 1\u20e3 sign and more words here."
    middle = "The middle paragraph says a little more about it."
    last = "The last paragraph begins here and goes on for a while."
    file.write_text(f"Title line\n\n{first}\n\n{middle}\n\n{last}\n", encoding="utf-8")
    with AnnotationStore(tmp_path / "db.json") as store:
        quote = f"sign and more words here.\n\n{middle}\n\nThe last paragraph begins here"
        ann_id = _tag_in(store, file, quote)
        file.write_text(f"Title line\n\n{first}\n\n{last}\n", encoding="utf-8")
        doc, _ = reanchor(store, file)
        store.register_document(doc.id, path=doc.path, title=doc.title)  # as the reader does when it reads it
        ann = store.get(ann_id)
        # Both ends survive, the middle is gone: the passage spans from its first words to its last,
        # starts on a whole word, and waits for the annotator's review.
        assert not ann.orphan and ann.review and ann.anchor == "fuzzy"
        assert ann.text == "sign and more words here.\n\nThe last paragraph begins here"
        # Most of a passage deleted: an orphan, never a few stray characters reported as found.
        file.write_text("Title line\n\nThe first paragraph ends with a keycap 1\u20e3 sign.\n\nAll else is new.\n",
                        encoding="utf-8")
        reanchor(store, file)
        assert store.get(ann_id).orphan


async def test_a_fuzzy_passage_is_listed_for_review_and_confirmed_with_one_key(tmp_path: Path) -> None:
    from reader.app import MarginApp
    from reader.widgets.document_view import DocumentView

    file = seed_with("nary a word", tmp_path)
    folder = file.parent
    db = tmp_path / "db.json"
    quote = "Putin has said nary a word about Maduro or Venezuela lately"
    with AnnotationStore(db) as store:
        ann_id = _tag_in(store, file, quote)
        store.set_position(store.get(ann_id).document, store.get(ann_id).start)
    file.write_text(file.read_text(encoding="utf-8").replace("nary", "barely"), encoding="utf-8")
    store = AnnotationStore(db)
    app = MarginApp(corpus=load_corpus([folder]), store=store, annotator="")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        ann = store.get(ann_id)
        assert ann.review and ann.anchor == "fuzzy" and "barely" in ann.text
        panel = app.screen.query_one("#panel")
        assert "review" in str(panel.get_option_at_index(0).prompt)
        app.screen.query_one(DocumentView).move_to(ann.start + 3)
        await pilot.press("c")
        await pilot.pause()
        assert not store.get(ann_id).review and store.get(ann_id).anchor == "fuzzy"
        await pilot.press("u")
        await pilot.pause()
        assert store.get(ann_id).review
    store.close()
    stats = json.loads(run_margin("stats", "--json", "--db", db).stdout)
    assert stats["to_review"] == 1
    (passage,) = json.loads(run_margin("export", "--db", db).stdout)["passages"]
    assert (passage["anchor"], passage["review"]) == ("fuzzy", True)


def test_commands_see_edited_files_without_opening_the_reader(tmp_path: Path) -> None:
    """Edit a file the database remembers, then list, stats and export: all see the passages moved."""
    file = seed_with("nary a word", tmp_path)
    folder = file.parent
    db = tmp_path / "db.json"
    with AnnotationStore(db) as store:
        (doc,) = load_corpus([folder]).documents
        store.register_documents([(doc.id, doc.path, doc.title, doc.words, str(file), "")])
        ids = {}
        for quote in ("Putin has said nary a word about Maduro or Venezuela lately", "Venezuela"):
            start = doc.text.index(quote)
            raw = doc.cleaned.to_raw_span(start, start + len(quote))
            ids[quote] = store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, start, start + len(quote)),
                                      raw_start=raw[0], raw_end=raw[1]).id
    raw = file.read_text(encoding="utf-8")
    file.write_text("An editor's note added at the top of the page.\n\n" + raw.replace("nary", "barely"), encoding="utf-8")
    (new,) = load_corpus([folder]).documents
    listed = json.loads(run_margin("list", folder, "--json", "--db", db).stdout)
    assert listed[0]["id"] == new.id and sum(listed[0]["annotations"].values()) == 2
    stats = json.loads(run_margin("stats", "--json", "--db", db).stdout)
    assert stats["to_review"] == 1 and stats["by_document"][0]["id"] == new.id
    exported = run_margin("export", "--db", db)
    assert "1 remembered file changed" in exported.stderr
    passages = json.loads(exported.stdout)["passages"]
    for p in passages:
        assert p["document"] == new.id and new.text[p["start"] : p["end"]] == p["text"]
        assert new.raw[p["raw_start"] : p["raw_end"]] == p["text"]
    assert sorted(p["anchor"] for p in passages)[1] == "fuzzy"  # the edited one; the other stood where it was
    doccano = run_margin("export", "--db", db, "--format", "doccano")
    assert doccano.returncode == 0 and json.loads(doccano.stdout)["document"] == new.id
    # A command that writes saves the re-anchored state once; later commands read nothing again.
    assert run_margin("status", new.path, "in progress", "--db", db).returncode == 0
    with AnnotationStore(db, read_only=True) as store:
        assert {a.document for a in store.annotations()} == {new.id}
        assert store.document(new.id).size == file.stat().st_size
    again = run_margin("export", "--db", db)
    assert "changed" not in again.stderr
