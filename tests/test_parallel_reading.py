"""A first start on a large corpus reads and cleans in worker processes: the same documents, the
same skipped files with the same reasons, and it works under the app's own capture of stderr."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

import reader.corpus
from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import load_corpus
from reader.screens.library import LibraryScreen

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """The seeds and every kind of file a loader must treat the same way in any process."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "latin.txt").write_bytes("Café société\n\nLe café de la société est ouvert à tous.".encode("latin-1"))
    (folder / "page.html").write_text(
        "<html><head><meta charset='utf-8'><title>A page</title></head><body><h1>A page</h1>"
        "<p>The council met on Monday and agreed to open the new harbour next spring.</p></body></html>",
        encoding="utf-8",
    )
    first = sorted(folder.glob("*.txt"))[1]
    (folder / "zz-copy.txt").write_bytes(first.read_bytes())  # the same bytes twice: listed once
    nested = folder / "more"
    nested.mkdir()
    for n in range(12):
        (nested / f"{n:02d}.md").write_text(f"# Report {n}\n\nThe report number {n} says the work goes on.\n",
                                            encoding="utf-8")
    return folder


class WithoutFile(io.StringIO):
    """What a Textual app stands in place of sys.stderr while it runs: a capture whose fileno() is -1."""

    def fileno(self) -> int:
        return -1


def listing(corpus) -> list[tuple]:
    return [(d.id, d.path, d.title, d.words, d.encoding, d.size, d.mtime) for d in corpus.documents]


def skipped(corpus) -> list[tuple[str, str]]:
    return [(s.path, s.reason) for s in corpus.skipped]


def test_processes_read_what_this_thread_reads(mixed: Path) -> None:
    alone = load_corpus((mixed,), keep_text=False, workers=0)
    shared = load_corpus((mixed,), keep_text=False, workers=2)
    assert shared.in_processes == len(alone.documents) + len(alone.skipped) + 1  # the copy is read too
    assert alone.in_processes == 0
    assert listing(shared) == listing(alone)
    assert skipped(shared) == skipped(alone) and {p for p, _ in skipped(alone)} >= {"empty.txt", "binary.txt"}
    # What the processes sent back is only what the library shows; the text is read again when opened.
    doc = shared.documents[0]
    assert not doc.is_cleaned and doc.text == alone.documents[0].text


def test_overrides_are_applied_to_what_processes_read(mixed: Path) -> None:
    plain = load_corpus((mixed,), keep_text=False, workers=0)
    first = plain.documents[0]
    raw_lines = first.raw.split("\n")
    title_line = next(k for k, line in enumerate(raw_lines) if line.strip() == first.title)
    dropped = {title_line: False}  # the annotator dropped the title line
    alone = load_corpus((mixed,), keep_text=False, workers=0, overrides={first.id: dropped})
    shared = load_corpus((mixed,), keep_text=False, workers=2, overrides={first.id: dropped})
    assert listing(shared) == listing(alone)
    assert shared.documents[0].title != first.title and shared.documents[0].overrides == dropped


def test_a_main_module_that_cannot_be_imported_again_reads_in_this_thread(mixed: Path, monkeypatch) -> None:
    # A started process imports the program's main module again; from "<stdin>" it could not.
    monkeypatch.setattr(sys.modules["__main__"], "__file__", "<stdin>", raising=False)
    corpus = load_corpus((mixed,), keep_text=False, workers=2)
    assert corpus.in_processes == 0
    assert listing(corpus) == listing(load_corpus((mixed,), keep_text=False, workers=0))


async def test_a_first_start_on_a_large_corpus_reads_in_processes(mixed: Path, tmp_path: Path, monkeypatch) -> None:
    # The app stands a capture without a file in place of sys.stderr; starting processes must still work.
    monkeypatch.setattr(reader.corpus, "PARALLEL_FROM", 5)
    monkeypatch.setattr(sys, "stderr", WithoutFile())
    store = AnnotationStore(tmp_path / "db.json")
    app = MarginApp(paths=(mixed,), store=store, annotator="tester", resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert app.corpus.in_processes > 5
        assert listing(app.corpus) == listing(load_corpus((mixed,), keep_text=False, workers=0))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.document.text  # opened: read again and cleaned here
    assert isinstance(sys.stderr, WithoutFile)  # put back after the processes started
    assert {d.id for d in store.documents()} == {d.id for d in app.corpus.documents}
    store.close()
