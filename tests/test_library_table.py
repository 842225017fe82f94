"""The library's table with many documents: it draws only what is on screen, and keys and mouse work."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_app import make_app

from reader.screens.document import DocumentScreen
from reader.screens.library import InOrder, LibraryScreen, positions_in_order
from reader.widgets.document_table import DocumentTable

COUNT = 300


@pytest.fixture
def many(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(COUNT):
        kind = "harbour" if n % 3 == 0 else "railway"
        body = " ".join(f"The {kind} report number {n} says the council met and the work will go on." for _ in range(n % 7 + 1))
        (folder / f"{n:04d}.txt").write_text(f"The {kind} report {n:04d}\n\n{body}\n", encoding="utf-8")
    return folder


def drawn(table: DocumentTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


async def test_only_the_rows_on_screen_are_drawn_and_end_reaches_the_last(tmp_path: Path, many: Path) -> None:
    app = make_app(tmp_path / "db.json", paths=(many,), resume=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#documents", DocumentTable)
        assert table.row_count == COUNT
        lines = drawn(table)
        assert lines[0].split()[0] == "title" and "The harbour report 0000" in lines[1]
        asked = []
        real = table._cells_of
        table._cells_of = lambda key: (asked.append(key), real(key))[1]
        table.refresh_rows()
        drawn(table)
        assert 0 < len(asked) <= table.scrollable_content_region.height  # not one per document
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == COUNT - 1
        assert any("report 0299" in line for line in drawn(table))
        await pilot.press("g", "pagedown")
        assert 0 < table.cursor_row < COUNT - 1
    app.store.close()


async def test_filter_sort_and_mouse(tmp_path: Path, many: Path) -> None:
    app = make_app(tmp_path / "db.json", paths=(many,), resume=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        table = library.query_one("#documents", DocumentTable)
        await pilot.press("slash", *"harbour", "enter")
        await pilot.pause(0.3)
        assert table.row_count == COUNT // 3 and "showing 100" in library.sub_title
        # A click on the "words" heading sorts by it: the longest first.
        words_x = sum(c.width + 2 for c in table.columns[:1]) + 2
        await pilot.click(DocumentTable, offset=(words_x, 0))
        await pilot.pause()
        assert library.sorts[library._sort] == "words"
        words = [app.corpus.by_id(key).words for key in table.keys]
        assert words == sorted(words, reverse=True)
        # A click on a row highlights it; a second click opens it.
        await pilot.press("g")
        await pilot.click(DocumentTable, offset=(3, 3))
        assert table.cursor_row == 2
        await pilot.click(DocumentTable, offset=(3, 3))
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen) and app.screen.document.id == table.keys[2]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is library and table.cursor_row == 2 and table.row_count == COUNT // 3
    app.store.close()


async def test_every_column_sorts_as_it_says(tmp_path: Path, many: Path) -> None:
    app = make_app(tmp_path / "db.json", paths=(many,), resume=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        library = app.screen
        table = library.query_one("#documents", DocumentTable)
        docs = app.corpus.documents
        app.store.set_status(docs[5].id, "done")
        app.store.set_status(docs[7].id, "in progress")
        app.store.set_position(docs[9].id, 10)
        app.store.set_position(docs[4].id, 10)  # opened after docs[9]
        by_path = [d.id for d in sorted(docs, key=lambda d: d.path)]
        expected = {
            "path": by_path,
            "title": [d.id for d in sorted(docs, key=lambda d: d.title.lower())],
            "words": [d.id for d in sorted(docs, key=lambda d: d.words, reverse=True)],
            "status": [docs[5].id, docs[7].id, *(i for i in by_path if i not in (docs[5].id, docs[7].id))],
            "last opened": [docs[4].id, docs[9].id, *(i for i in by_path if i not in (docs[4].id, docs[9].id))],
        }
        seen = set()
        for _ in library.sorts:
            library.action_sort()
            column = library.sorts[library._sort]
            seen.add(column)
            if column in expected:
                assert list(table.keys) == expected[column], column
        assert seen >= set(expected)
        # A filter after a sort picks from that order.
        library._sort = library.sorts.index("words")
        library._filter = "harbour"
        library.refresh_table(recount=False)
        assert list(table.keys) == [i for i in expected["words"] if "harbour" in app.corpus.by_id(i).title]
    app.store.close()


@given(st.one_of(st.lists(st.integers(0, 5)), st.lists(st.integers()), st.lists(st.sampled_from(["new", "done", ""])),
                 st.lists(st.integers(0, 40), min_size=300)),  # repeating, with more values than FEW_KEYS
       st.booleans())
def test_positions_in_order_are_a_stable_sort(keys: list, backwards: bool) -> None:
    # Grouped (keys that repeat) or sorted, the order is the stable sort's: ties keep corpus order.
    assert positions_in_order(keys, backwards) == sorted(range(len(keys)), key=keys.__getitem__, reverse=backwards)


def test_a_sort_by_what_the_database_remembers_takes_a_default_for_documents_it_does_not_know(tmp_path: Path) -> None:
    # A read-only database that never heard of a document (its records were not written): "new", never opened.
    from annotations.store import AnnotationStore
    from reader.screens.library import _stored_field

    with AnnotationStore(tmp_path / "db.json") as store:
        store.register_document("a" * 64, path="a.txt", title="A")
        store.set_status("a" * 64, "done")
        stored = store.documents_of(["b" * 64, "a" * 64])
        assert stored[0] is None and stored[1].status == "done"
        assert _stored_field(stored, "status", "new") == ["new", "done"]
        assert _stored_field(stored[1:], "status", "new") == ["done"]  # all known: read in C
        assert _stored_field(stored, "last_opened", "") == ["", ""]


def test_ids_in_order_are_looked_up_as_asked() -> None:
    ids = ["a", "b", "c", "d"]
    rows = InOrder(ids, [2, 0, 3, 1])
    assert list(rows) == ["c", "a", "d", "b"] and len(rows) == 4
    assert rows[0] == "c" and rows[-1] == "b" and rows[1:3] == ["a", "d"]
    assert rows.index("d") == 2 and "b" in rows and "z" not in rows
    with pytest.raises(ValueError):
        rows.index("z")
    with pytest.raises(ValueError):
        rows.index("c", 1)
    # Picked by flags in the rows' order, or by flags in the corpus's order (a filter's).
    assert list(rows.picked([True, False, True, False])) == ["c", "d"]
    assert list(rows.picked_in_corpus([True, False, False, True])) == ["a", "d"]


async def test_what_the_library_holds_is_set_aside_from_the_collector_while_it_runs(tmp_path: Path, many: Path) -> None:
    # Full passes of the cyclic collector over 50,000 documents froze the library at random keys.
    app = make_app(tmp_path / "db.json", paths=(many,), resume=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # and collected again once the app is gone
    app.store.close()
