"""The installed ``margin`` in a real terminal (tmux), driven with keystrokes as a person would."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEEDS

from reader.corpus import load_corpus

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed, so no real terminal to drive")


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=False).stdout

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-x", "120", "-y", "36", command)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "0", *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "0")

    def wait_for(self, ok: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while time.monotonic() < deadline:
            shown = self.screen()
            if ok(shown):
                return shown
            pause.wait(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{self.screen()}")

    def running(self) -> bool:
        return "0" in self.tmux("list-sessions", "-F", "#{session_name}")


def margin_command() -> str:
    found = Path(sys.executable).with_name("margin")
    return str(found) if found.exists() else f"{shlex.quote(sys.executable)} -m reader"


def test_open_select_tag_quit_export_and_resume(tmp_path: Path) -> None:
    db = tmp_path / "term.json"
    env = {
        "MARGIN_CONFIG": str(tmp_path / "none.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"env -u COLUMNS -u LINES {prefix} {margin_command()} {shlex.quote(str(SEEDS))} --db {shlex.quote(str(db))}"
    second = load_corpus([SEEDS]).documents[1]
    term = Terminal(f"margin-test-{os.getpid()}")
    try:
        term.start(command)
        first_title = load_corpus([SEEDS]).documents[0].title[:30]
        term.wait_for(lambda s: first_title in s and "last opened" in s, "the library and its documents")
        term.keys("Down", "Enter")
        term.wait_for(lambda s: second.path in s, "the second document")
        term.keys("v")
        for _ in range(12):
            term.keys("Right")
        term.keys("2")
        term.wait_for(lambda s: "saved" in s, "the tag to be saved")
        term.keys("q")
        term.wait_for(lambda s: not term.running() or "$" in s, "margin to quit", timeout=15)
    finally:
        term.tmux("kill-server")

    proc = subprocess.run([sys.executable, "-m", "reader", "export", "--out", "-", "--db", str(db)],
                          capture_output=True, text=True, env=dict(os.environ, **env))
    assert proc.returncode == 0, proc.stderr
    passages = json.loads(proc.stdout)["passages"]
    assert [p["tag"] for p in passages] == ["source"]
    # Twelve characters end inside "Probably": the passage widens to the whole word, as it was drawn.
    assert passages[0]["text"] == "Why Maduro Probably" and passages[0]["text"] in second.text

    # Starting again opens straight into the same document.
    term = Terminal(f"margin-test-{os.getpid()}-2")
    try:
        term.start(command)
        term.wait_for(lambda s: second.path in s and "source" in s,
                      "the reader to reopen the last document, with the passage in the side panel")
        term.keys("q")
    finally:
        term.tmux("kill-server")
