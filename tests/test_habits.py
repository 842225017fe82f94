"""At home in every terminal and every habit: small screens, the library as a work queue, messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS, run_margin
from test_app import make_app, open_second

from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus
from reader.screens.document import DocumentScreen
from reader.screens.library import LibraryScreen, parse_filter
from reader.widgets.bars import KeyBar
from reader.widgets.document_table import DocumentTable


@pytest.mark.parametrize(("size", "panel_shown"), [((120, 40), True), ((80, 24), True), ((60, 20), False)])
async def test_the_text_keeps_fifty_columns_and_the_panel_gives_way(db_path: Path, size, panel_shown) -> None:
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await open_second(pilot)
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        panel, text, line = screen.query_one("#panel"), screen.query_one("#text"), screen.query_one("#current-passage")
        assert panel.display is panel_shown and line.display is not panel_shown
        assert text.size.width >= min(50, size[0] - 4)
        if not panel_shown:
            assert "claim" in str(line.render())  # the passage under the cursor, in one line
        await pilot.press("p")
        await pilot.pause()
        assert panel.display is not panel_shown
        # The most useful keys come first in the key line, so they fit a narrow terminal.
        shown = str(screen.query_one(KeyBar).render())
        assert shown.index("claim") < shown.index("Help") < shown.index("Undo")
    app.store.close()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_dialogs_fit_a_small_terminal_with_every_label(db_path: Path, size) -> None:
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await open_second(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        for button in dialog.query("Button"):
            region = button.region
            assert region.height >= 1 and region.width >= len(str(button.label)) and region.bottom <= size[1]
            assert str(button.label) in ("Export", "Cancel")
        await pilot.press("escape", "t")
        await pilot.pause()
        assert app.screen.query_one("OptionList").region.bottom <= size[1]
    app.store.close()


async def test_a_failed_export_says_why_and_keeps_the_dialog(db_path: Path, tmp_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_second(pilot)
        await pilot.press("2", "e")
        await pilot.pause()
        missing = tmp_path / "no" / "such" / "folder" / "out.json"
        app.screen.query_one("#path").value = str(missing)
        app.screen.query_one("#tags").value = "source"
        await pilot.click("#export")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("does not exist" in m for m in messages)
        assert not any(".tmp" in m or "Errno" in m for m in messages)
        assert type(app.screen).__name__ == "ExportDialog"  # back, with what was typed
        assert app.screen.query_one("#path").value == str(missing)
        assert app.screen.query_one("#tags").value == "source"
    app.store.close()


def test_library_filter_terms() -> None:
    wanted = parse_filter("status:progress tag:Claim russia")
    assert wanted.words == ["russia"] and wanted.terms == {"status": ["progress"], "tag": ["claim"]}
    assert parse_filter("done").words == ["done"] and parse_filter("nokey:x").words == ["nokey:x"]


async def test_the_library_is_a_work_queue(db_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    with AnnotationStore(db_path) as store:
        first, second = corpus.documents[0], corpus.documents[1]
        store.set_status(first.id, "done", "tester")
        store.create(document=second.id, tag="claim", selector=Selector.from_span(second.text, 0, 3), annotator="bo")
        store.create(document=second.id, tag="claim", selector=Selector.from_span(second.text, 4, 9), annotator="bo")
    app = make_app(db_path, resume=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert "1/5 done" in library.sub_title and "2 passages" in library.sub_title
        table = library.query_one("#documents", DocumentTable)
        await pilot.press("slash", *"status:done", "enter")
        await pilot.pause(0.3)
        assert table.row_count == 1
        await pilot.press("slash", "ctrl+u", *"tag:claim annotator:bo", "enter")
        await pilot.pause(0.3)
        assert list(table.keys) == [second.id]
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert table.row_count == 5
        # Sort by the claim column: the document with claims first.
        library._sort = library.sorts.index("tag:claim")
        library.refresh_table()
        assert table.keys[0] == second.id
        await pilot.press("G")
        assert table.cursor_row == 4
        await pilot.press("g")
        assert table.cursor_row == 0
        # N opens the next document that is not done (after the highlighted one).
        library._sort = library.sorts.index("path")
        library.refresh_table()
        table.move_cursor(4)
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen) and app.screen.document.id == corpus.documents[1].id
    app.store.close()


def test_usage_mistakes_and_piped_output(tmp_path: Path) -> None:
    db = tmp_path / "u.json"
    with AnnotationStore(db) as store:
        doc = load_corpus([SEEDS]).documents[0]
        store.register_document(doc.id, path=doc.path, title=doc.title, source=str(doc.file))
        store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, 0, 6))
    bogus = run_margin("export", "--tag", "bogus", "--db", db)
    assert bogus.returncode == 1 and bogus.stderr == "margin: unknown tag bogus; known tags: claim, prediction, source\n"
    xml = run_margin("export", "--format", "xml", "--db", db)
    assert xml.returncode == 1 and xml.stderr.startswith("margin: ") and "Error:" not in xml.stderr
    # Piped, nothing is wrapped at 80 columns: one line per document or dropped line.
    listed = run_margin("list", SEEDS, "--db", db, env={"COLUMNS": "80"})
    assert listed.returncode == 0
    for title in (d.title for d in load_corpus([SEEDS]).documents):
        assert any(title in line for line in listed.stdout.splitlines()), title
    dropped = run_margin("clean", sorted(SEEDS.glob("*.txt"))[0], "--show-dropped")
    assert max(map(len, dropped.stdout.splitlines())) > 80


def test_western_text_is_read_as_western_and_encoding_can_be_forced(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    body = ("The dessert was a crème brûlée, served after the pâté at the café on the corner. "
            "It was the best of the week and the chef was proud of it.\n")
    (folder / "dessert.txt").write_bytes(("A Dinner In Paris\n\n" + body * 3).encode("latin-1"))
    czech = "Příliš žluťoučký kůň úpěl ďábelské ódy a je to tak, že se na to v zimě díval.\n"
    (folder / "kun.txt").write_bytes(("Kůň\n\n" + czech * 3).encode("cp1250"))
    listed = run_margin("list", folder, "--json")
    rows = {r["path"]: r for r in __import__("json").loads(listed.stdout)}
    assert rows["dessert.txt"]["encoding"] in ("cp1252", "latin_1", "iso8859_15")
    assert rows["kun.txt"]["encoding"] in ("cp1250", "iso8859_2")
    cleaned = run_margin("clean", folder / "dessert.txt")
    assert "crème brûlée" in cleaned.stdout and "crčme" not in cleaned.stdout
    forced = run_margin("clean", folder / "dessert.txt", "--encoding", "cp1250")
    assert "crčme" in forced.stdout
    bad = run_margin("clean", folder / "dessert.txt", "--encoding", "klingon")
    assert bad.returncode == 1 and "unknown encoding" in bad.stderr


async def test_markdown_titles_lose_their_marks_and_headings_are_bold(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    paragraph = ("Officials in the capital said on Tuesday that the talks would resume next week, according to a "
                 "statement released by the ministry after the meeting ended late in the evening.")
    (folder / "a.md").write_text(f"# The Real Title\n\n{paragraph}\n\n{paragraph}\n\n## A Section\n\n{paragraph}\n\n"
                                 f"{paragraph}\n", encoding="utf-8")
    (doc,) = load_corpus([folder]).documents
    assert doc.title == "The Real Title"
    app = make_app(db_path, paths=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one("#text")
        lines = [view.render_line(y) for y in range(20)]
        heading = next(strip for strip in lines if "A Section" in strip.text)
        body = next(strip for strip in lines if "Officials" in strip.text)
        assert any(seg.style and seg.style.bold for seg in heading if "Section" in seg.text)
        assert not any(seg.style and seg.style.bold for seg in body if "capital" in seg.text)
    app.store.close()


async def test_back_in_the_library_only_the_changed_cells_change(db_path: Path) -> None:
    app = make_app(db_path, resume=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause()
        library = app.screen
        table = library.query_one("#documents", DocumentTable)
        rebuilt = []
        real = library.refresh_table
        library.refresh_table = lambda: (rebuilt.append(1), real())[1]
        await pilot.press("down", "enter", "1", "escape")
        await pilot.pause()
        assert app.screen is library and rebuilt == []  # updated in place, not rebuilt
        doc_id = table.keys[1]
        assert str(table.cell(doc_id, "tag:claim")) == "1"
        assert str(table.cell(doc_id, "status")) == "in progress" and table.cursor_row == 1
    app.store.close()
