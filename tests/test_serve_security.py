"""`margin serve` under attack: real HTTP and WebSocket clients against a running server."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest
from test_serve import Served

from reader.serve import MAX_COLUMNS, MAX_ROWS, MarginServer, _clamp

TOKEN = "correct-horse-battery"


def raw_request(port: int, head: bytes) -> tuple[int, bytes]:
    """Send a request byte for byte (headers no client library would send) and read the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        while True:  # the body, to see that no traceback is in it
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), data


async def ws_status(url: str, **headers: str) -> int:
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as err:
            return err.status


@pytest.fixture
def served(tmp_path: Path):
    server = Served(tmp_path, "--max-sessions", "1")
    yield server
    server.stop()


def test_foreign_host_and_origin_are_refused(served: Served) -> None:
    port = served.port
    status, body = raw_request(port, f"GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n".encode())
    assert status == 403 and b"Maduro" not in body
    status, _ = raw_request(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n"
                                  "Connection: close\r\n\r\n".encode())
    assert status == 403
    ws = f"ws://127.0.0.1:{port}/ws/mallory"
    assert asyncio.run(ws_status(ws, Origin="http://evil.example")) == 403
    assert asyncio.run(ws_status(ws, Origin=f"http://127.0.0.1:{port}")) == 101
    status, _ = raw_request(port, f"GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n".encode())
    assert status == 200


def test_session_cap_answers_with_a_clear_page(served: Served) -> None:
    async def scenario() -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.ws_connect(
            f"ws://127.0.0.1:{served.port}/ws/ana", headers={"Origin": f"http://127.0.0.1:{served.port}"}
        ) as ws:
            await ws.send_json(["resize", {"width": 20000, "height": 20000}])
            await asyncio.sleep(0)  # the session is open: a second tab finds the server full
            async with session.get(served.url()) as response:
                return response.status, await response.text()

    status, text = asyncio.run(scenario())
    assert status == 503 and "All 1 reader sessions" in text


def test_token_leaves_the_url_and_never_reaches_the_log(tmp_path: Path) -> None:
    served = Served(tmp_path, "--token", TOKEN)
    try:
        status, head = raw_request(served.port, f"GET /?token={TOKEN}&annotator=ana HTTP/1.1\r\n"
                                                f"Host: 127.0.0.1:{served.port}\r\nConnection: close\r\n\r\n".encode())
        assert status == 303
        assert b"Location: /?annotator=ana" in head and f"margin_token={TOKEN}".encode() in head
        # With the cookie the page opens; without it, 403; a cookie of bad bytes is a 400, not a traceback.
        cookie = f"Cookie: margin_token={TOKEN}\r\n"
        status, body = raw_request(served.port, f"GET /?annotator=ana HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                                                f"{cookie}Connection: close\r\n\r\n".encode())
        assert status == 200 and b"/ws/ana" in body and TOKEN.encode() not in body
        status, _ = raw_request(served.port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                                             "Connection: close\r\n\r\n".encode())
        assert status == 403
        status, body = raw_request(served.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1:" + str(served.port).encode()
                                   + b"\r\nCookie: margin_token=\xff\xfe\r\nConnection: close\r\n\r\n")
        assert status in (400, 403) and b"Traceback" not in body
        status, _ = raw_request(served.port, f"GET /?token=wrong HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                                             "Connection: close\r\n\r\n".encode())
        assert status == 403
    finally:
        log = served.stop()
    assert TOKEN not in log and "[token]" in log


def test_every_size_a_browser_asks_for_is_clamped() -> None:
    assert _clamp(20000, 80, MAX_COLUMNS) == MAX_COLUMNS and _clamp("20000", 24, MAX_ROWS) == MAX_ROWS
    assert _clamp(-5, 80, MAX_COLUMNS) == 10 and _clamp("x", 80, MAX_COLUMNS) == 80 and _clamp(None, 24, MAX_ROWS) == 24

    class Session:
        """Stands where textual-serve's AppService does; records the sizes it is given."""

        def __init__(self) -> None:
            self.sizes: list[tuple[int, int]] = []

        async def set_terminal_size(self, width: int, height: int) -> None:
            self.sizes.append((width, height))

        async def blur(self) -> None:
            self.sizes.append((0, 0))

    class Socket:
        def __init__(self, messages: list[str]) -> None:
            self.messages = messages
            self.closed = False

        def __aiter__(self):
            return self._gen()

        async def _gen(self):
            for text in self.messages:
                yield aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, text, None)

        async def close(self, **_: object) -> None:
            self.closed = True

    session, sock = Session(), Socket(['["resize", {"width": 20000, "height": 20000}]', '["blur"]', "not json"])
    server = MarginServer.__new__(MarginServer)
    asyncio.run(server._process_messages(sock, session))
    assert session.sizes == [(MAX_COLUMNS, MAX_ROWS), (0, 0)] and sock.closed


async def test_a_served_session_exports_by_download_only(db_path: Path, tmp_path: Path) -> None:
    from test_app import make_app, open_second

    app = make_app(db_path, served=True)
    target = tmp_path / "on-the-server.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_second(pilot)
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        labels = " ".join(str(label.render()) for label in dialog.query("Label"))
        assert "Download as" in labels and "nothing is written on the server" in labels
        dialog.query_one("#path").value = str(target)  # a path typed anyway keeps only its file name
        await pilot.click("#export")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("sent on-the-server.json to your browser" in n.message for n in app._notifications)
    assert not target.exists()
    app.store.close()
