"""The reader, driven with Pilot as an annotator would, checking the screen and the database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SEEDS

from annotations.store import AnnotationStore
from annotations.transfer import Selection, export
from reader.app import MarginApp
from reader.corpus import load_corpus
from reader.screens.document import DocumentScreen
from reader.screens.library import LibraryScreen
from reader.widgets.document_view import DocumentView

SIZES = [(80, 24), (200, 60)]


def make_app(db: Path, paths=(SEEDS,), **kw) -> MarginApp:
    store = AnnotationStore(db)
    return MarginApp(corpus=load_corpus(list(paths)), store=store, annotator="tester", **kw)


def exported(store: AnnotationStore) -> list[dict]:
    return json.loads(export(store, "json", Selection()))["passages"]


async def open_second(pilot) -> DocumentView:
    assert isinstance(pilot.app.screen, LibraryScreen)
    await pilot.press("down", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DocumentScreen)
    return pilot.app.screen.query_one(DocumentView)


def panel_text(app: MarginApp) -> str:
    panel = app.screen.query_one("#panel")
    return "\n".join(str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count))


@pytest.mark.parametrize("size", SIZES)
async def test_keyboard_select_tag_note_retag_delete_undo_redo(db_path: Path, size: tuple[int, int]) -> None:
    app = make_app(db_path)
    store = app.store
    async with app.run_test(size=size) as pilot:
        view = await open_second(pilot)
        doc = app.screen.document
        # Select two words with v + word motions, fix the selection with v: the range is half-open and
        # trimmed, so the space before the third word is not part of it.
        await pilot.press("v", "w", "w", "v")
        start, end = view.selection
        selected = doc.text[start:end]
        assert selected == "Why Maduro"
        await pilot.press("1")
        await pilot.pause()
        (passage,) = exported(store)
        assert passage["tag"] == "claim" and passage["text"] == selected
        assert "claim" in panel_text(app)
        assert view.selection is None

        # Each other key: 2 tags the sentence under the cursor, 3 a shift-selection.
        await pilot.press("full_stop", "2")
        await pilot.pause()
        assert [p["tag"] for p in exported(store)].count("source") == 1
        await pilot.press("full_stop", "full_stop", "shift+right", "shift+right", "shift+right", "3")
        await pilot.pause()
        tags = sorted(p["tag"] for p in exported(store))
        assert tags == ["claim", "prediction", "source"]
        for p in exported(store):
            assert doc.text[p["start"] : p["end"]] == p["text"]
            assert doc.raw[p["raw_start"] : p["raw_end"]] == p["text"]

        # Note, retag with the picker, delete, undo, redo on the first passage.
        await pilot.press("ctrl+home")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"check this", "enter")
        await pilot.pause()
        first = store.annotations(document=doc.id)[0]
        assert first.note == "check this" and "check this" in panel_text(app)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("3")  # in the picker, a tag's key picks it
        await pilot.pause()
        assert store.get(first.id).tag == "prediction"
        await pilot.press("d")
        await pilot.pause()
        assert store.get(first.id) is None and len(store) == 2
        await pilot.press("u")
        await pilot.pause()
        assert store.get(first.id).tag == "prediction" and len(store) == 3
        await pilot.press("u")
        await pilot.pause()
        assert store.get(first.id).tag == "claim"
        await pilot.press("ctrl+r", "ctrl+r")
        await pilot.pause()
        assert store.get(first.id) is None
    store.close()


@pytest.mark.parametrize("size", SIZES)
async def test_mouse_drag_selects_and_picker_tags(db_path: Path, size: tuple[int, int]) -> None:
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        view = await open_second(pilot)
        doc = app.screen.document
        # Drag across the first line of the first paragraph (padding: one cell on the left).
        y = view.wrapped.line_of(doc.text.index("Vladimir"))
        await pilot.mouse_down(view, offset=(2, y))
        await pilot.hover(view, offset=(12, y))
        await pilot.mouse_up(view, offset=(12, y))
        await pilot.pause()
        assert view.selection is not None
        start, end = view.selection
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second tag in the list: source
        await pilot.pause()
        (passage,) = exported(app.store)
        assert passage["tag"] == "source"
        assert passage["text"] == doc.text[start:end] and len(passage["text"]) >= 8
    app.store.close()


async def test_adjust_span_keeps_id_and_is_undoable(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_second(pilot)
        await pilot.press("v", "right", "right", "1")
        await pilot.pause()
        (ann,) = app.store.annotations()
        assert ann.text == "Why"  # "Wh" widened to the whole word
        await pilot.press("x", "right", "right", "right", "v")
        await pilot.pause()
        moved = app.store.get(ann.id)
        # Three characters on ends inside "Maduro": the end widens to the whole word.
        assert moved.text == "Why Maduro" and moved.start == ann.start
        assert moved.tag == ann.tag
        await pilot.press("u")
        await pilot.pause()
        assert app.store.get(ann.id).end == ann.end
    app.store.close()


async def test_tag_all_occurrences(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        text = app.screen.document.text
        word = "Kremlin"
        first = text.index(word)
        view.select(first, first + len(word))
        await pilot.press("1")
        await pilot.pause()
        view.move_to(first)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("enter")  # "in this document, whole words"
        await pilot.pause()
        whole = len(re.findall(rf"\b{word}\b", text))
        assert len(app.store.annotations(tags=["claim"])) == whole
        await pilot.press("u")  # one undo takes the whole batch back
        await pilot.pause()
        assert len(app.store.annotations(tags=["claim"])) == 1
    app.store.close()


async def test_reopening_returns_to_document_and_position(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_second(pilot)
        await pilot.press("pagedown", "down", "right")
        position = view.cursor
        doc_id = app.screen.document.id
        await pilot.press("q")
    app.store.close()
    again = make_app(db_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, DocumentScreen)
        assert again.screen.document.id == doc_id
        assert again.screen.query_one(DocumentView).cursor == position
        await pilot.press("escape")
        assert isinstance(again.screen, LibraryScreen)
    again.store.close()


async def test_read_only_database_explains_why_keys_do_nothing(db_path: Path) -> None:
    holder = AnnotationStore(db_path)
    app = make_app(db_path)
    assert app.store.read_only
    async with app.run_test(size=(100, 30)) as pilot:
        banner = app.screen.query_one("#banner")
        assert banner.display and str(banner.render()).startswith("Read-only: ")
        assert "read-only —" not in str(banner.render())
        await open_second(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert any("Read-only" in n.message for n in app._notifications)
    assert len(holder) == 0
    app.store.close()
    holder.close()


async def test_document_text_is_shown_literally(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "Markup [bold red]stays[/] literal and \x1b[2J escapes \x07 are shown, never sent to the terminal."
    (folder / "a.txt").write_text(f"A hostile page\n\n{body}\n", encoding="utf-8")
    app = make_app(db_path, paths=(folder,))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        shown = "".join(view.render_line(y).text for y in range(6))
        assert "[bold red]stays[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "␛[2J" in shown
    app.store.close()


async def test_search_status_raw_and_help(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        text = app.screen.document.text
        await pilot.press("slash", *"lavrov", "enter")
        await pilot.pause()
        assert view.cursor == text.lower().index("lavrov")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # new → in progress → done
        await pilot.pause()
        assert app.store.document(app.screen.document.id).status == "done"
        await pilot.press("r")
        await pilot.pause()
        assert view.text == app.screen.document.raw
        await pilot.press("1")
        await pilot.pause()
        assert len(app.store) == 0  # no tagging on the raw page
        await pilot.press("r", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
    app.store.close()


async def test_custom_tags_from_tags_option(db_path: Path) -> None:
    from annotations.model import DEFAULT_TAGSET

    tagset = DEFAULT_TAGSET.with_names(["claim", "source", "prediction", "quote"])
    app = make_app(db_path, tagset=tagset)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_second(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert [a.tag for a in app.store.annotations()] == ["quote"]
    app.store.close()


async def test_export_dialog_writes_the_file_and_says_where(db_path: Path, tmp_path: Path) -> None:
    app = make_app(db_path)
    target = tmp_path / "out.jsonl"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_second(pilot)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#format").value = "doccano"
        await pilot.pause()
        dialog.query_one("#path").value = str(target)
        await pilot.click("#export")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(str(target) in n.message for n in app._notifications)
    (line,) = target.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    start, end, tag = record["label"][0]
    assert tag == "source" and record["text"].encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")
    app.store.close()


async def test_others_passages_shown_not_editable_and_mine_only_toggle(db_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    doc = corpus.documents[1]
    with AnnotationStore(db_path) as store:
        from annotations.model import Selector

        store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, 0, 3), annotator="someone")
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        assert "someone" in panel_text(app)
        view.move_to(1)
        await pilot.press("d")
        await pilot.pause()
        assert len(app.store) == 1
        assert any("someone's" in n.message for n in app._notifications)
        await pilot.press("a")
        await pilot.pause()
        assert "someone" not in panel_text(app) and "No passages yet" in panel_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert "someone" in panel_text(app)
    app.store.close()


async def test_review_accepts_a_version_into_gold(db_path: Path) -> None:
    from annotations.model import GOLD, Selector

    corpus = load_corpus([SEEDS])
    doc = corpus.documents[1]
    with AnnotationStore(db_path) as store:
        start = doc.text.index("Vladimir")
        store.create(document=doc.id, tag="claim", selector=Selector.from_span(doc.text, start, start + 30), annotator="ana")
        store.create(document=doc.id, tag="source", selector=Selector.from_span(doc.text, start, start + 22), annotator="bo")
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_second(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReviewScreen"
        await pilot.press("down", "down", "enter")  # the disagreement's second version: bo's source
        await pilot.pause()
        (gold,) = app.store.annotations(annotator=GOLD)
        assert (gold.tag, gold.text) == ("source", doc.text[doc.text.index("Vladimir"):][:22])
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
    app.store.close()


async def test_first_run_prompt_asks_for_the_annotator(db_path: Path) -> None:
    app = make_app(db_path, ask_annotator=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "TextPrompt"
        await pilot.press("enter")  # an empty name is not accepted: asked again
        await pilot.pause()
        assert type(app.screen).__name__ == "TextPrompt"
        await pilot.press(*"zoe", "enter")
        await pilot.pause()
        assert app.annotator == "zoe"
        await open_second(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert [a.annotator for a in app.store.annotations()] == ["zoe"]
    app.store.close()


async def test_command_palette_offers_the_screen_actions(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_second(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"source")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the best match: "source (2)", tag the sentence under the cursor
        await pilot.pause()
        assert [a.tag for a in app.store.annotations()] == ["source"]
    app.store.close()


async def test_a_key_reaching_a_document_screen_before_its_text_does_nothing(db_path: Path) -> None:
    """A later start reopens the last document while the annotator may already be pressing Enter in
    the library: the key can reach the new screen before its text is there (it crashed the app)."""
    app = make_app(db_path, resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = DocumentScreen(app.corpus.documents[0])
        assert screen.check_action("save_adjust", ()) is False  # not put together yet: the key does nothing
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.check_action("save_adjust", ()) is True
        await pilot.press("enter")  # with nothing selected, Enter still does nothing harmful
        assert app.screen is screen
    app.store.close()
