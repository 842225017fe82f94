"""The annotator's word over the cleaner's: lines kept or dropped per document, everywhere it is cleaned."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SEEDS, run_margin
from test_app import make_app

from annotations.store import AnnotationStore
from reader.corpus import load_corpus
from reader.widgets.document_view import DocumentView


async def test_drop_a_kept_line_keep_a_dropped_one_undo_reopen_export(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    source = sorted(SEEDS.glob("*.txt"))[1]
    file = folder / source.name
    file.write_bytes(source.read_bytes())
    (doc,) = load_corpus([folder]).documents
    dropped_line = "Read at The Atlantic"
    assert dropped_line in doc.raw and dropped_line not in doc.text
    kept_line = next(line for line in doc.text.split("\n") if len(line) > 200 and "Vladimir" not in line)
    app = make_app(db_path, paths=(folder,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        view = screen.query_one(DocumentView)
        # Tag something, so that the passage must follow the text as lines come and go.
        view.move_to(view.text.index("Vladimir"))
        await pilot.press("1")
        await pilot.pause()
        (passage,) = app.store.annotations()
        await pilot.press("r")  # the raw page
        await pilot.pause()
        view.move_to(doc.raw.index(dropped_line) + 2)
        await pilot.press("plus")  # keep the dropped trailer
        await pilot.pause()
        assert dropped_line in screen.document.text
        view.move_to(doc.raw.index(kept_line) + 2)
        await pilot.press("minus")  # drop a body paragraph
        await pilot.pause()
        assert kept_line not in screen.document.text
        moved = app.store.get(passage.id)
        assert not moved.orphan and screen.document.text[moved.start : moved.end] == moved.text  # it follows
        await pilot.press("u")  # one undo takes the last override back
        await pilot.pause()
        assert kept_line in screen.document.text and dropped_line in screen.document.text
        await pilot.press("r")
        await pilot.pause()
        assert dropped_line in view.text
        await pilot.press("q")
    app.store.close()
    # Reopened: the overrides are the document's, and every command cleans with them.
    again = make_app(db_path, paths=(folder,))
    async with again.run_test(size=(120, 40)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert dropped_line in again.screen.document.text
    again.store.close()
    with AnnotationStore(db_path, read_only=True) as store:
        assert list(store.document(doc.id).overrides.values()) == ["keep"]
    shown = run_margin("clean", file, "--show-dropped", "--db", db_path)
    assert f"{dropped_line}   ← kept by the annotator" in shown.stdout
    assert dropped_line in run_margin("clean", file, "--db", db_path).stdout
    assert dropped_line not in run_margin("clean", file, "--db", tmp_path / "none.json").stdout
    exported = json.loads(run_margin("export", "--db", db_path).stdout)
    assert exported["documents"][0]["overrides"] == {str(doc.raw.split("\n").index(dropped_line)): "keep"}
    sentences = run_margin("export", "--db", db_path, "--format", "sentences", "--all-documents")
    assert dropped_line in sentences.stdout


async def test_the_library_sorts_and_filters_by_the_title_the_annotator_made(db_path: Path) -> None:
    app = make_app(db_path, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        library = app.screen
        table = library.query_one("#documents")
        doc = app.corpus.documents[0]
        old_title = doc.title
        assert old_title == "Russia Is Unlikely To Help Maduro"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        view = screen.query_one(DocumentView)
        await pilot.press("r")  # the raw page
        await pilot.pause()
        view.move_to(doc.raw.index(old_title) + 2)
        await pilot.press("minus")  # the title line is not the article's: the next line leads now
        await pilot.pause()
        assert screen.document.title.startswith("In his hour of desperation")
        await pilot.press("r", "escape")
        await pilot.pause()
        assert app.screen is library
        await pilot.press("slash", *"desperation", "enter")
        await pilot.pause(0.3)
        assert list(table.keys) == [doc.id]
        await pilot.press("slash", "ctrl+u", *"unlikely", "enter")
        await pilot.pause(0.3)
        assert list(table.keys) == []
        await pilot.press("escape")
        await pilot.pause(0.3)
        library._sort = library.sorts.index("title")
        library.refresh_table()
        titles = [app.corpus.by_id(k).title.lower() for k in table.keys]
        assert titles == sorted(titles)
    app.store.close()
