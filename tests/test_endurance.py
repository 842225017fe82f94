"""Long trials: kill -9 in a real terminal and mid-import, two apps at once, huge files, long sessions.

Marked ``slow``; the default test command (and CI) runs them. ``pytest -m "not slow"`` skips them.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import SEEDS, run_margin
from test_terminal import TMUX, Terminal, margin_command
from tinydb import TinyDB

from annotations.store import AnnotationStore
from reader.app import MarginApp
from reader.corpus import load_corpus, read_document
from reader.widgets.document_view import DocumentView

pytestmark = pytest.mark.slow
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed, so no real terminal to drive")

APP_TRIALS = int(os.environ.get("MARGIN_APP_TRIALS", "150"))
IMPORT_TRIALS = 50  # 200 kill -9 trials in all


def _env(tmp: Path) -> dict[str, str]:
    return {"MARGIN_CONFIG": str(tmp / "none.toml"), "XDG_DATA_HOME": str(tmp / "data"), "TERM": "xterm-256color"}


def _command(db: Path, tmp: Path, corpus: Path = SEEDS) -> str:
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in _env(tmp).items())
    return f"exec env -u COLUMNS -u LINES {prefix} {margin_command()} {shlex.quote(str(corpus))} --db {shlex.quote(str(db))}"


def _pane_pid(term: Terminal) -> int:
    return int(term.tmux("list-panes", "-t", "0", "-F", "#{pane_pid}").split()[0])


def _check_database(db: Path, acknowledged: set[str]) -> int:
    """The database opens, is valid JSON, plain TinyDB reads it, and every acknowledged quote is in it."""
    json.loads(db.read_bytes())
    with AnnotationStore(db) as store:
        texts = [a.text for a in store.annotations()]
    plain = TinyDB(db)
    plain.close()
    for quote in acknowledged:
        assert any(t.startswith(quote) for t in texts), f"acknowledged passage lost: {quote!r}"
    return len(texts)


@needs_tmux
def test_kill_9_while_tagging_in_the_real_app(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    rng = random.Random(2026)
    acknowledged: set[str] = set()
    saved = re.compile(r"claim: “(.+?)…?” saved")
    doc_path = load_corpus([SEEDS]).documents[0].path
    title = load_corpus([SEEDS]).documents[0].title[:30]
    for trial in range(APP_TRIALS):
        term = Terminal(f"margin-kill-{os.getpid()}-{trial}")
        try:
            term.start(_command(db, tmp_path))
            term.wait_for(lambda s: ("last opened" in s and title in s) or doc_path in s, "the reader")
            if doc_path not in term.screen():  # first trial: open a document; later ones resume in it
                term.keys("Enter")
                term.wait_for(lambda s: doc_path in s, "the document")
            for _ in range(rng.randint(1, 4)):
                before = {m.group(1) for m in saved.finditer(term.screen())}
                term.keys(*["."] * rng.randint(1, 6), "1")
                if rng.random() < 0.3:
                    break  # kill right after the key, before it is acknowledged
                try:
                    shown = term.wait_for(lambda s, before=before: bool({m.group(1) for m in saved.finditer(s)} - before)
                                          or "lready tagged" in s, "a new saved passage", timeout=5)
                except AssertionError:
                    break
                new = {m.group(1) for m in saved.finditer(shown)} - before
                if not new:
                    break  # the same sentence again: refused as a duplicate, nothing new to count
                acknowledged.update(new)
            os.kill(_pane_pid(term), signal.SIGKILL)
        finally:
            term.tmux("kill-server")
        _check_database(db, acknowledged)
    total = _check_database(db, acknowledged)
    print(f"\n{APP_TRIALS} kill -9 trials in the app: {len(acknowledged)} acknowledged, {total} stored, 0 lost")


def test_kill_9_while_importing_ten_thousand_passages(tmp_path: Path) -> None:
    doc_text = "The ministry said the talks would resume next week in Geneva. " * 50
    passages = []
    for i in range(10_000):
        start = (i * 7) % (len(doc_text) - 40)
        passages.append({"id": f"00000000-0000-4000-8000-{i:012d}", "document": "c" * 64, "tag": "claim",
                         "text": doc_text[start : start + 30], "start": start, "end": start + 30})
    file = tmp_path / "many.jsonl"
    file.write_text("\n".join(json.dumps(p) for p in passages) + "\n")
    rng = random.Random(7)
    corrupt = lost = 0
    for trial in range(IMPORT_TRIALS):
        db = tmp_path / f"imp-{trial % 5}.json"
        had = 0
        if db.exists():
            with AnnotationStore(db) as store:
                had = len(store)
        proc = subprocess.Popen([sys.executable, "-m", "reader", "import", str(file), "--db", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **_env(tmp_path)})
        delay = rng.uniform(0.05, 1.5)
        try:
            out, _ = proc.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        acknowledged = b"imported" in out
        try:
            json.loads(db.read_bytes()) if db.exists() else None
            count = 0
            if db.exists():
                with AnnotationStore(db) as store:
                    count = len(store)
        except Exception:
            corrupt += 1
            continue
        assert count in (had, 10_000), f"trial {trial}: a partial import ({count} passages)"
        if acknowledged and count != 10_000:
            lost += 1
    assert corrupt == 0 and lost == 0
    print(f"\n{IMPORT_TRIALS} kill -9 trials during imports of 10,000 passages: 0 corrupt, 0 lost, never partial")


@needs_tmux
def test_two_apps_and_an_import_on_one_database(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    first, second = Terminal(f"margin-a-{os.getpid()}"), Terminal(f"margin-b-{os.getpid()}")
    exported = tmp_path / "one.jsonl"
    exported.write_text(json.dumps({"id": "11111111-1111-4111-8111-111111111111", "document": "c" * 64,
                                    "tag": "source", "text": "Geneva", "start": 0, "end": 6}) + "\n")
    try:
        doc_path = load_corpus([SEEDS]).documents[0].path
        first.start(_command(db, tmp_path))
        first.wait_for(lambda s: "last opened" in s and "Russia Is Unlikely" in s, "the first reader")
        second.start(_command(db, tmp_path))
        shown = second.wait_for(lambda s: "Read-only" in s, "the second reader's read-only banner")
        assert "in use by" in shown
        busy = run_margin("import", exported, "--db", db, env=_env(tmp_path))
        assert busy.returncode == 1 and "in use by" in busy.stderr
        first.keys("Enter")
        first.wait_for(lambda s: doc_path in s, "a document in the first reader")
        first.keys(".", "1")
        first.wait_for(lambda s: "saved" in s, "the first reader to save")
        second.keys("Enter")
        second.wait_for(lambda s: doc_path in s, "a document in the second reader")
        second.keys(".", "2")
        second.wait_for(lambda s: "Read-only" in s, "the second reader to explain why it cannot tag")
        os.kill(_pane_pid(first), signal.SIGKILL)  # the writer dies: its lock goes with it
        # The second reader notices, reads the first one's work and becomes the writer.
        second.wait_for(lambda s: "Read-only" not in s and "claim" in s, "the second reader to take over", timeout=15)
        second.keys("2")
        second.wait_for(lambda s: "source:" in s and "saved" in s, "the second reader to save")
        busy = run_margin("import", exported, "--db", db, env=_env(tmp_path))
        assert busy.returncode == 1 and "in use by" in busy.stderr
        second.keys("q")
        second.wait_for(lambda s: not second.running() or "$" in s, "the second reader to quit", timeout=15)
        done = run_margin("import", exported, "--db", db, env=_env(tmp_path))
        assert done.returncode == 0, done.stderr
    finally:
        first.tmux("kill-server")
        second.tmux("kill-server")
    with AnnotationStore(db) as store:
        tags = sorted(a.tag for a in store.annotations())
    assert tags == ["claim", "source", "source"]  # no lost, no duplicated passage


def test_a_ten_megabyte_single_line_and_a_million_short_lines(tmp_path: Path) -> None:
    one_line = tmp_path / "one-line.txt"
    one_line.write_text("Title of a long page\n" + "words and more words in one endless line, " * 240_000)
    many = tmp_path / "many-lines.txt"
    many.write_text("Title\n" + "short line\n" * 1_000_000)
    for file in (one_line, many):
        doc = read_document(file, file.name)
        assert doc.text and doc.title
        view = DocumentView(doc.text)
        assert view.wrapped.line(view.wrapped.line_count - 1).end == len(doc.text)


async def test_document_screen_on_a_ten_megabyte_line(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "huge.txt").write_text("Title of a long page\n\n" + "words and more words in one endless line, " * 240_000)
    store = AnnotationStore(tmp_path / "db.json")
    app = MarginApp(corpus=load_corpus([folder]), store=store, annotator="t", resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("G", "pageup", "v", "e", "1", "g")  # e: to the end of the next word
        await pilot.pause()
        assert len(store) == 1
    store.close()


async def test_ten_thousand_operations_in_one_session(tmp_path: Path) -> None:
    """Tag, untag (delete) and undo, ten thousand times: memory grows with the data only, speed holds."""
    store = AnnotationStore(tmp_path / "db.json")
    app = MarginApp(corpus=load_corpus([SEEDS]), store=store, annotator="t", resume=False)
    figures = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        view = screen.query_one(DocumentView)
        text_len = len(view.text)
        gc.collect()
        tracemalloc.start()
        start_mem = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        for op in range(10_000):
            kind = op % 4
            if kind == 0:
                view.move_to((op * 97) % (text_len - 1))
                screen.action_tag(("claim", "source", "prediction")[op % 3])
            elif kind == 1:
                screen.action_delete()
            elif kind == 2:
                screen.action_undo()
            else:
                screen.action_redo()  # delete again: net effect of 4 operations is nothing
            if op % 250 == 249:
                await pilot.pause()
            if op % 1000 == 999:
                figures.append((op + 1, time.perf_counter() - t0, tracemalloc.get_traced_memory()[0] - start_mem,
                                len(store), len(store.deleted()), len(app.editing.history._done)))
                t0 = time.perf_counter()
        tracemalloc.stop()
    store.close()
    print("\n  ops  s/1000 ops (traced)  Python memory +MB  passages  trash  undo steps")
    for ops, seconds, mem, live, trash, steps in figures:
        print(f"{ops:5} {seconds:20.2f} {mem / 1e6:18.2f} {live:9} {trash:6} {steps:11}")
    # Memory grows with the data kept (passages, the trash, the undo history), nothing else:
    # well under 2 kB per operation.
    assert figures[-1][2] < 10_000 * 2_000
