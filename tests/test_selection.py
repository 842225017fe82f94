"""Selections save what they show: the keys of issue #14, driven with Pilot on the bundled articles."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS
from test_app import make_app, open_second

from annotations.model import DEFAULT_TAGSET
from reader.config import Config
from reader.widgets.document_view import DocumentView


def shown_selection(view: DocumentView) -> str:
    start, end = view.selection
    return view.text[start:end]


async def tag_and_get(pilot, key: str = "1"):
    app = pilot.app
    before = {a.id for a in app.store.annotations()}
    await pilot.press(key)
    await pilot.pause()
    new = [a for a in app.store.annotations() if a.id not in before]
    return new


async def test_word_motions_sentence_motions_and_end_save_what_is_shown(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        text = view.text
        # v w w v: two words, not a character of the third.
        view.move_to(text.index("Putin's Russia"))
        await pilot.press("v", "w", "w", "v")
        assert shown_selection(view) == "Putin's Russia"
        (ann,) = await tag_and_get(pilot)
        assert ann.text == "Putin's Russia"
        # v . . v: two sentences, never the paragraph break or the next letter.
        view.move_to(text.index("Vladimir"))
        await pilot.press("v", "full_stop", "full_stop", "v")
        drawn = shown_selection(view)
        (ann,) = await tag_and_get(pilot, "2")
        assert ann.text == drawn and not ann.text.endswith(("\n", " ")) and "\n\n" not in ann.text[-3:]
        assert ann.text.endswith((".", "”", '"'))
        # v Down End v: to the end of a line, no trailing newline.
        view.move_to(text.index("Vladimir"))
        await pilot.press("v", "down", "end", "v")
        (ann,) = await tag_and_get(pilot, "3")
        assert ann.text == text[ann.start : ann.end] and not ann.text[-1].isspace()
        # ctrl+shift+right selects word by word, the same way.
        view.move_to(text.index("Moscow"))
        await pilot.press("ctrl+shift+right", "ctrl+shift+right")
        drawn = shown_selection(view)
        (ann,) = await tag_and_get(pilot, "1")
        assert ann.text == drawn and not ann.text.endswith(" ")
        # e: to the end of a word while selecting.
        view.move_to(text.index("resources"))
        await pilot.press("v", "e", "v")
        assert shown_selection(view) == "resources"
    app.store.close()


async def test_v_v_cancels_and_escape_clears(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_second(pilot)
        await pilot.press("v", "v")
        assert view.anchor is None and view.selection is None
        await pilot.press("v", "w", "escape")
        assert view.anchor is None
        assert len(app.store) == 0
    app.store.close()


async def test_char_snap_from_the_config(db_path: Path) -> None:
    app = make_app(db_path, config=Config(snap="char"))
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_second(pilot)
        await pilot.press("v", "right", "right", "v")
        (ann,) = await tag_and_get(pilot)
        assert ann.text == "Wh" and view.selection is None
    app.store.close()


async def test_sentence_fallback_and_duplicates_refused(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        view.move_to(view.text.index("Vladimir") + 3)
        (ann,) = await tag_and_get(pilot)
        # The quoted paragraph is cut into its sentences, and "U.S." does not end one.
        assert ann.text.startswith('"Vladimir') and ann.text.endswith("threatens his 12-year reign.")
        assert await tag_and_get(pilot) == []
        assert any("already tagged claim" in n.message.lower() for n in app._notifications)
    app.store.close()


async def test_adjust_moves_either_end_with_o(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_second(pilot)
        text = view.text
        start = text.index("Putin's Russia")
        view.select(start, start + len("Putin's Russia"))
        (ann,) = await tag_and_get(pilot)
        view.move_to(start + 2)
        await pilot.press("x")
        # During adjusting the highlight is what will be saved.
        assert shown_selection(view) == "Putin's Russia"
        await pilot.press("o", "b", "b")  # the start moves back two words
        drawn = shown_selection(view)
        await pilot.press("v")
        await pilot.pause()
        moved = app.store.get(ann.id)
        assert moved.text == drawn and moved.text.endswith("Putin's Russia") and moved.start < start
    app.store.close()


async def test_selection_style_differs_from_every_tag(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_second(pilot)
        base = view.rich_style
        selected = view._style(base, ("", False, False, False, True, False))
        for tag in DEFAULT_TAGSET:
            for overlapped in (False, True):
                tagged = view._style(base, (tag.colour, overlapped, False, False, False, False))
                assert tagged != selected
        # The selection keeps its look over a passage, too.
        assert view._style(base, ("#3584e4", False, False, False, True, False)) != view._style(
            base, ("#3584e4", False, False, False, False, False))
    app.store.close()


async def test_search_finds_what_the_reader_sees(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "A headline here\n\nOverall,\u00a0the loss of Venezuela hurts. Moscow’s foreign ministry was silent.\n",
        encoding="utf-8")
    app = make_app(db_path, paths=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(DocumentView)
        await pilot.press("slash", *"Overall, the loss of Venezuela", "enter")
        await pilot.pause()
        assert view.cursor == view.text.index("Overall")
        await pilot.press("slash", "ctrl+u", *"moscow's foreign", "enter")
        await pilot.pause()
        assert view.cursor == view.text.index("Moscow")
        await pilot.press("slash", "ctrl+u", *"Kremlin", "enter")
        await pilot.pause()
        assert view.cursor == view.text.index("Moscow")  # a failed search leaves the cursor
        assert any("is not in this document" in n.message for n in app._notifications)
    app.store.close()


async def test_remapped_keys_are_the_keys_shown_and_used(db_path: Path) -> None:
    config = Config(keys={"tag_picker": "T", "undo": "z", "tag_claim": "c"})
    app = make_app(db_path, config=config, paths=(SEEDS,))
    async with app.run_test(size=(200, 50)) as pilot:
        await open_second(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert [a.tag for a in app.store.annotations()] == ["claim"]
        await pilot.press("z")
        await pilot.pause()
        assert len(app.store) == 0
        keys = str(app.screen.query_one("KeyBar").render())
        assert "T Tag…" in keys and "z Undo" in keys and "c claim" in keys and "t Tag" not in keys
        await pilot.press("question_mark")
        await pilot.pause()
        rows = dict((desc, keys) for keys, desc in app.screen.bindings_table)
        assert rows["Tag…"] == "T" and rows["Undo"] == "z" and rows["claim"] == "c"
    app.store.close()
