"""A first start on a large corpus reads and cleans in worker processes: the same documents, the
same skipped files with the same reasons, and it works under the app's own capture of stderr."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reader.corpus
import reader.measuring
from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import load_corpus
from reader.screens.library import LibraryScreen

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


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


def test_reading_processes_that_cannot_start_or_stop_answering_leave_the_rest_to_this_thread(
        mixed: Path, tmp_path: Path, monkeypatch) -> None:
    alone = load_corpus((mixed,), keep_text=False, workers=0)
    python = sys.executable
    monkeypatch.setattr(reader.measuring, "RUN", 4)  # the two processes take turns, four files at a time
    # No such program: nothing starts, everything is read here.
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    corpus = load_corpus((mixed,), keep_text=False, workers=2)
    assert corpus.in_processes == 0 and listing(corpus) == listing(alone)
    # Processes that are given only their first seven files and then end: they answer those, the
    # loader reads the rest itself.
    stops = tmp_path / "stops-early"
    stops.write_text(f'#!/bin/sh\nhead -n 7 | "{python}" "$@"\n')
    stops.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(stops))
    corpus = load_corpus((mixed,), keep_text=False, workers=2)
    assert 7 <= corpus.in_processes < len(alone.documents)
    assert listing(corpus) == listing(alone) and skipped(corpus) == skipped(alone)


def test_a_program_without_a_main_guard_is_not_run_again(mixed: Path, tmp_path: Path) -> None:
    # multiprocessing's started processes import the program's main module again: a script that
    # starts the reader without `if __name__ == "__main__"` would run once per process.
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "print('the program ran', flush=True)\n"
        "from reader.corpus import load_corpus\n"
        "corpus = load_corpus([Path(sys.argv[1])], keep_text=False, workers=2)\n"
        "print(len(corpus.documents), corpus.in_processes)\n"
    )
    done = subprocess.run([sys.executable, str(script), str(mixed)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines.count("the program ran") == 1
    documents, in_processes = map(int, lines[-1].split())
    assert documents == len(load_corpus((mixed,), keep_text=False, workers=0).documents) and in_processes > 0


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


@given(st.lists(st.lists(st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)), min_size=1),
                         min_size=1, max_size=4), min_size=2, max_size=8))
def test_files_are_in_path_order_part_by_part(paths: list[list[str]]) -> None:
    # The folder walk sorts shown paths with "/" as the lowest character: the order of their parts.
    shown = ["/".join(parts) for parts in paths]
    assert sorted(shown, key=lambda p: p.replace("/", "\0")) == sorted(shown, key=lambda p: p.split("/"))


def test_the_folder_walk_lists_files_in_path_order_part_by_part(tmp_path: Path) -> None:
    # Names where a plain string order and the order of path parts differ ("-", " " and "." sort
    # below "/" as characters).
    for name in ("a/b.txt", "a-b.txt", "a b.txt", "a.b/c.txt", "a.txt", "a/a/z.txt", "ab.txt", "a-b/a.txt"):
        file = tmp_path / "corpus" / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("x", encoding="utf-8")
    shown = [shown for _, shown, _ in reader.corpus._files_of(tmp_path / "corpus")]
    assert shown == sorted(shown, key=lambda p: Path(p).parts)
    assert shown.index("a/b.txt") < shown.index("a-b.txt")  # plain strings would put these the other way
