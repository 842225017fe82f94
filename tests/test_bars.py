"""The title line and the key line: what they show, and that a click on a key presses it."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS

from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import load_corpus
from reader.screens.document import DocumentScreen
from reader.screens.library import LibraryScreen
from reader.widgets.bars import KeyBar, TitleBar


def shown(widget) -> str:
    return str(widget.render())


async def test_key_line_follows_the_screen_and_a_click_presses_the_key(db_path: Path) -> None:
    store = AnnotationStore(db_path)
    app = MarginApp(corpus=load_corpus([SEEDS]), store=store, annotator="ana", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        keys = shown(app.screen.query_one(KeyBar))
        assert " / Filter " in keys and " o Sort " in keys and " q Quit " in keys
        assert keys.rstrip().endswith("palette")
        title = shown(app.screen.query_one(TitleBar))
        assert "margin" in title and "ana" in title and "sorted by path" in title

        await pilot.click(KeyBar, offset=(keys.index(" o Sort ") + 1, 0))
        await pilot.pause()
        assert "sorted by title" in shown(app.screen.query_one(TitleBar))

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        keys = shown(app.screen.query_one(KeyBar))
        assert "1 claim 2 source 3 prediction v Select ? Help q Quit t Tag" in keys and " o Sort " not in keys  # compact: these keys do not fit otherwise
    store.close()
