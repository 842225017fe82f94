"""Names from files and databases never act on a terminal: every field, every command, and the reader.

A hand-edited or merged database can hold anything in any field; each such string is placed
in every field of a passage and a document, and every command that prints them runs on a
real pseudo-terminal, the reader in tmux. Nothing may reach the terminal that sets its title,
writes its clipboard, rings it, moves its cursor or reorders text.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import orjson
import pytest
from conftest import SEEDS, run_margin
from test_reliability import _read_pty
from test_terminal import TMUX, Terminal, margin_command

from annotations.model import Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus

HOSTILE = {
    "title": "\x1b]2;pwned\x1b\\",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "csi": "\x1b[2J\x1b[31m",
    "c1": "\x9b31m\x9d0;x\x9c",
    "bell": "\x07\x07",
    "bidi": "\u202egnp.exe",
    "markup": "[bold red]x[/][link=http://evil]y[/link]",
}
EVIL = "".join(HOSTILE.values())
FORBIDDEN = (b"\x1b]", b"\x07", b"\xc2\x9b", b"\xc2\x9d", b"\x1b[2J", b"\xe2\x80\xae")


def hostile_db(tmp_path: Path) -> tuple[Path, Path]:
    """A database whose passages and documents carry the hostile strings in every text field."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text((SEEDS / sorted(os.listdir(SEEDS))[1]).read_text(encoding="utf-8"),
                                      encoding="utf-8")
    (doc,) = load_corpus([corpus_dir]).documents
    db = tmp_path / "evil.json"
    with AnnotationStore(db) as store:
        store.register_document(doc.id, path=f"a{EVIL}.txt", title=f"T{EVIL}", source=str(doc.file))
        for who in (f"ana{EVIL}", "bo"):
            store.create(document=doc.id, tag=f"claim{EVIL}", selector=Selector.from_span(doc.text, 0, 20),
                         note=f"n{EVIL}", annotator=who)
        store.set_status(doc.id, "done", f"ana{EVIL}")
    # Hand-edited fields the store would not have written itself.
    tables = orjson.loads(db.read_bytes())
    for record in tables["annotations"].values():
        record["prefix"] = EVIL
        record["suffix"] = EVIL
    db.write_bytes(orjson.dumps(tables))
    return db, corpus_dir


def test_every_command_keeps_escapes_from_the_terminal(tmp_path: Path) -> None:
    db, corpus = hostile_db(tmp_path)
    other = tmp_path / "other.json"
    env = dict(os.environ, PYTHONIOENCODING="utf-8", MARGIN_CONFIG=str(tmp_path / "none.toml"), COLUMNS="200")
    commands = [
        ["list", str(corpus), "--db", str(db)], ["stats", "--db", str(db)],
        ["export", "--db", str(db)], ["export", "--db", str(db), "--format", "csv"],
        ["export", "--db", str(db), "--format", "jsonl"], ["export", "--db", str(db), "--format", "w3c"],
        ["export", "--db", str(db), "--format", "sentences"], ["export", "--db", str(db), "--format", "doccano"],
        ["agree", "--db", str(db)], ["merge", str(db), "--into", str(other)],
        ["status", "a", "new", "--db", str(db)], ["export", "--db", str(db), "--tag", EVIL],
        ["stats", "--db", str(db), "--annotator", EVIL],
    ]
    for argv in commands:
        out = _read_pty([sys.executable, "-m", "reader", *argv], env)
        assert out, argv
        for bad in FORBIDDEN:
            assert bad not in out, (argv, bad, out[:400])
        assert b"Traceback" not in out, argv


def test_imports_refuse_names_a_terminal_cannot_show(tmp_path: Path) -> None:
    db, _ = hostile_db(tmp_path)
    exported = run_margin("export", "--db", db, "--format", "jsonl")
    assert exported.returncode == 0
    target = tmp_path / "clean.json"
    proc = run_margin("import", "-", "--format", "jsonl", "--db", target, input=exported.stdout.encode())
    assert proc.returncode == 1 and "control characters" in proc.stderr and "\x1b" not in proc.stderr
    assert not target.exists() or len(AnnotationStore(target, read_only=True)) == 0
    proc = run_margin("merge", db, "--into", tmp_path / "team.json")
    assert proc.returncode == 1 and "nothing was merged" in proc.stderr and "\x1b" not in proc.stderr
    long_name = json.loads(exported.stdout.splitlines()[1])
    long_name["annotator"] = "x" * 500
    long_name["tag"] = "claim"
    proc = run_margin("import", "-", "--format", "jsonl", "--db", target, input=json.dumps(long_name).encode())
    assert proc.returncode == 1 and "longer than" in proc.stderr


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_the_reader_shows_hostile_names_literally(tmp_path: Path) -> None:
    db, corpus = hostile_db(tmp_path)
    env = f"MARGIN_CONFIG={shlex.quote(str(tmp_path / 'none.toml'))} TERM=xterm-256color"
    term = Terminal(f"margin-hostile-{os.getpid()}")
    try:
        term.tmux("start-server")
        term.tmux("set-option", "-g", "set-clipboard", "on")
        term.start(f"env {env} {margin_command()} {shlex.quote(str(corpus))} --db {shlex.quote(str(db))}")
        term.wait_for(lambda s: "Why Maduro" in s, "the library with its document")
        term.keys("Enter")
        term.wait_for(lambda s: "ana" in s and "␛" in s, "the document with the hostile passages")
        term.keys("m")  # a notification naming the other annotator: "this passage is ana…'s"
        term.wait_for(lambda s: "passage" in s, "a message")
        title = term.tmux("display-message", "-p", "-t", "0", "#{pane_title}")
        buffers = term.tmux("list-buffers")
        assert "pwned" not in title and "cm0gLXJmIH4" not in buffers and not buffers.strip(), (title, buffers)
        term.keys("q")
    finally:
        term.tmux("kill-server")
