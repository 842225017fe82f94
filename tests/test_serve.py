"""`margin serve`: one store for every browser session, a token before anything, real Chromium end to end."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from annotations.errors import NotFound, ReadOnlyError
from annotations.model import Selector
from annotations.remote import RemoteStore, StoreServer
from annotations.store import AnnotationStore

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def store_server(tmp_path: Path):
    """A StoreServer on its own event loop thread, as `margin serve` runs it."""
    store = AnnotationStore(tmp_path / "db.json")
    server = StoreServer(store, tmp_path / "store.sock")
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield store, server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    store.close()


def test_remote_store_does_what_the_store_does(store_server) -> None:
    store, server = store_server
    text = "Moscow said on Tuesday that it would not intervene."
    with RemoteStore(server.socket_path) as alice, RemoteStore(server.socket_path) as bob:
        before = bob.version
        ann = alice.create(document="d" * 64, tag="claim", selector=Selector.from_span(text, 0, 6), annotator="alice")
        assert store.get(ann.id) == ann  # written through the one store
        assert bob.version > before and bob.get(ann.id) == ann  # and seen by the other session
        assert bob.annotations(document="d" * 64) == [ann]
        assert alice.retag(ann.id, "source").tag == "source"
        assert alice.counts_by_tag() == {"source": 1}
        alice.set_status("d" * 64, "done", "alice")
        assert bob.document("d" * 64).statuses == {"alice": "done"}
        assert bob.documents_of(["e" * 64, "d" * 64]) == [None, store.document("d" * 64)]  # many at once, in order
        with pytest.raises(NotFound, match="no annotation"):
            bob.retag("nope", "claim")
        assert alice.delete(ann.id).id == ann.id and len(bob) == 0
        assert not bob.read_only and bob.path == store.path


def test_remote_store_reports_a_read_only_store(tmp_path: Path) -> None:
    holder = AnnotationStore(tmp_path / "db.json")
    second = AnnotationStore(tmp_path / "db.json")
    server = StoreServer(second, tmp_path / "s.sock")
    response = server.answer({"method": "create", "args": [], "kwargs": {
        "document": "d" * 64, "tag": "claim", "selector": {"$s": {"exact": "M", "prefix": "", "suffix": "", "start": 0, "end": 1}}}})
    assert response["error"]["type"] == "ReadOnlyError"
    assert server.answer({"method": "storage"})["error"]["type"] == "ValueError"  # only the store's own API
    second.close()
    holder.close()
    assert ReadOnlyError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, tmp: Path, *args: str) -> None:
        self.port = _free_port()
        self.db = tmp / "served.json"
        env = dict(os.environ, MARGIN_CONFIG=str(tmp / "none.toml"), XDG_DATA_HOME=str(tmp / "data"))
        env.pop("MARGIN_TOKEN", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "reader", "serve", str(SEEDS), "--db", str(self.db),
                                      "--port", str(self.port), *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(self.proc.stderr.read().decode()) from None
                threading.Event().wait(0.05)
        raise AssertionError("margin serve did not start")

    def url(self, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{query}"

    def stop(self) -> str:
        """Stop the server; what it printed (the log and the messages)."""
        self.proc.terminate()
        try:
            out, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return err.decode() + out.decode()


def _status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_token_is_required_and_reveals_nothing(tmp_path: Path) -> None:
    served = Served(tmp_path, "--token", "correct-horse-battery")
    try:
        for query in ("", "?token=wrong", "?token=correct-horse-batter", "static/js/textual.js", "ws"):
            code, body = _status(served.url(query))
            assert code == 403, query
            assert "Maduro" not in body and "textual" not in body.lower()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(served.url("?token=correct-horse-battery&annotator=ana"), timeout=10) as response:
            assert response.status == 200 and "/ws/ana" in response.read().decode()
            assert "token" not in response.url  # the token left the address: the cookie carries it
    finally:
        served.stop()


def test_other_hosts_need_to_be_asked_for_and_are_warned_about(tmp_path: Path) -> None:
    served = Served(tmp_path, "--host", "0.0.0.0", "--token", "correct-horse-battery")
    err = served.stop()
    assert "warning" in err and "no authentication" in err


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)")
def test_browser_sessions_tag_and_see_each_other(tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    served = Served(tmp_path, "--token", "correct-horse-battery")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            alice = browser.new_page(viewport={"width": 1200, "height": 800})
            alice.goto(served.url("?token=correct-horse-battery&annotator=alice"))
            _wait_for_store(served, lambda s: len(s.documents()) == 5, "alice's session to start")
            alice.click("body")
            alice.keyboard.press("Enter")  # open the first document
            _wait_for_store(served, lambda s: any(d.last_opened for d in s.documents()), "a document to open")
            alice.keyboard.press(".")
            alice.keyboard.press("1")
            (passage,) = _wait_for_store(served, lambda s: s.annotations(annotator="alice"), "alice's passage")
            alice.screenshot(path=str(ARTIFACTS / "serve-alice.png"))
            assert passage.tag == "claim"

            bob = browser.new_page(viewport={"width": 1200, "height": 800})
            bob.goto(served.url("?token=correct-horse-battery&annotator=bob"))
            _wait_for_store(served, lambda s: s.document(passage.document).last_opened, "bob's session to start")
            bob.wait_for_timeout(1500)  # bob's reader opens on the last document read
            bob.click("body")
            # Bob goes to the top and then to the next passage: only if his session sees alice's does the
            # cursor land on it, and his tag covers the same sentence.
            bob.keyboard.press("g")
            bob.keyboard.press("n")
            bob.keyboard.press("2")
            (theirs,) = _wait_for_store(served, lambda s: s.annotations(annotator="bob"), "bob's passage")
            bob.screenshot(path=str(ARTIFACTS / "serve-bob.png"))
            assert (theirs.start, theirs.end, theirs.tag) == (passage.start, passage.end, "source")

            denied = browser.new_page()
            response = denied.goto(served.url("?token=nope"))
            assert response is not None and response.status == 403
            browser.close()
    finally:
        served.stop()


def _wait_for_store(served: Served, check, what: str, timeout: float = 30):
    """Poll the database (read-only, replaying the serve process's journal) until ``check`` holds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if served.db.exists():
            with AnnotationStore(served.db, read_only=True) as store:
                result = check(store)
                if result:
                    return result
        pause.wait(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_served_session_exports_through_the_remote_store(store_server) -> None:
    """What the export dialog of a served session reads, the remote store answers (relations, schema, records)."""
    from annotations.transfer import Selection, export

    store, server = store_server
    text = "Moscow said on Tuesday that it would not intervene."
    with RemoteStore(server.socket_path) as remote:
        remote.create(document="d" * 64, tag="claim", selector=Selector.from_span(text, 0, 6), annotator="ana")
        content = export(remote, "json", Selection())
    assert b'"relations":[]' in content and b'"claim"' in content and len(store) == 1
