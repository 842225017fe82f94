"""``margin serve``: the reader in a browser, one session per tab, one store for all.

textual-serve starts a reader process for each browser tab and relays its
terminal over a websocket. This process owns the database (it holds the lock)
and answers the sessions through ``annotations.remote``; so the storage rules
hold as in the terminal, and every session sees the others' work.

Security (README, "In a browser"):

* by default only this machine can connect (127.0.0.1);
* every request's ``Host`` must name this server (the bound address, or the
  ``--public-url`` host), and a page or WebSocket whose ``Origin`` is another
  site is refused — no cross-site WebSocket, no DNS rebinding;
* with ``--token`` (or ``MARGIN_TOKEN``) the token is taken from the URL once:
  that request is answered with a cookie and a redirect to the same address
  without it; afterwards only the cookie counts (compared in constant time);
  anything else gets 403 and no content. The token never reaches the log: the
  access log and error messages show it as ``[token]``, and tracebacks do not
  print local variables;
* at most ``--max-sessions`` sessions at once (each is a reader process); the
  next tab gets a page that says so. Every terminal size a browser asks for is
  clamped;
* a served session writes no file on the server: its export is a download.

There are no user accounts: anyone with the token can annotate under any name.
Put it behind a TLS reverse proxy to use it across a network (README).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import WSMsgType, web
from rich.logging import RichHandler
from textual_serve.app_service import AppService
from textual_serve.server import Server

from annotations.remote import StoreServer
from annotations.store import AnnotationStore

TOKEN_COOKIE = "margin_token"
NAME_LIMIT = 64
#: Sessions at once by default: each is a reader process of some 40 MB; 32 fit a 2-core, few-GB machine.
DEFAULT_MAX_SESSIONS = 32
#: The largest terminal a browser may ask for (columns, rows): a 4K screen at a small font.
MAX_COLUMNS, MAX_ROWS = 500, 200
REDACTED = "[token]"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_annotator(name: str) -> str:
    """An annotator name from a URL: printable, without shell or terminal meaning, not too long."""
    kept = "".join(ch for ch in name if ch.isalnum() or ch in " ._-@")
    return kept.strip()[:NAME_LIMIT]


class _Redact(logging.Filter):
    """Replaces the token wherever a log line would show it (the access log prints request lines)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message or quote(self.secret) in message:
            record.msg = message.replace(self.secret, REDACTED).replace(quote(self.secret), REDACTED)
            record.args = None
        return True


def _host_port(value: str) -> tuple[str, int | None]:
    """("example.org", 443) from "example.org:443"; IPv6 in brackets as well."""
    parts = urlsplit(f"//{value}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    return (parts.hostname or "").lower(), port


class MarginServer(Server):
    """textual-serve with Host/Origin checks, a token, a session cap and an annotator per session."""

    def __init__(self, *, session_command: list[str], store: AnnotationStore, socket_path: Path,
                 token: str | None, host: str, port: int, public_url: str | None = None,
                 max_sessions: int = DEFAULT_MAX_SESSIONS) -> None:
        super().__init__(command=shlex.join(session_command), host=host, port=port, title="margin",
                         public_url=public_url)
        self.session_command = session_command
        self.store_server = StoreServer(store, socket_path)
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0
        self.allowed_hosts, self.allowed_origins = self._allowed(host, port, public_url)

    @staticmethod
    def _allowed(host: str, port: int, public_url: str | None) -> tuple[set[tuple[str, int | None]], set[str]]:
        """The Host headers and Origins this server answers to."""
        names = {host.lower().strip("[]")}
        if is_loopback(host) or host in ("0.0.0.0", "::"):
            names |= {"localhost", "127.0.0.1", "::1"}
        hosts: set[tuple[str, int | None]] = {(name, port) for name in names}
        origins = {f"http://{name}:{port}" if ":" not in name else f"http://[{name}]:{port}" for name in names}
        if public_url:
            parts = urlsplit(public_url)
            default = 443 if parts.scheme == "https" else 80
            hosts |= {((parts.hostname or "").lower(), parts.port or default), ((parts.hostname or "").lower(), None)}
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
        if port == 80:
            hosts |= {(name, None) for name in names}
        return hosts, origins

    def initialize_logging(self) -> None:
        """textual-serve's logging, without local variables in tracebacks and with the token redacted."""
        handler = RichHandler(show_path=False, show_time=False, rich_tracebacks=True, tracebacks_show_locals=False,
                              console=self.console)
        if self.token:
            handler.addFilter(_Redact(self.token))
        logging.basicConfig(level="INFO", format="%(message)s", handlers=[handler], force=True)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        # The page's script adds "?width=…" to the websocket address, so the annotator travels in the path.
        app.router.add_get("/ws/{annotator}", self.handle_websocket)
        return app

    def _origin_ok(self, request: web.Request) -> bool:
        host, port = _host_port(request.headers.get("Host", ""))
        if (host, port) not in self.allowed_hosts:
            return False
        origin = request.headers.get("Origin")
        # Browsers send an Origin with every WebSocket and cross-site request; a missing one is not a browser.
        return origin is None or origin.lower().rstrip("/") in self.allowed_origins

    def _token_in(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            if not self._origin_ok(request):
                return web.Response(status=403, text="403: this server answers only to its own address\n")
            if self.token is not None:
                in_url = request.query.get("token")
                if in_url is not None:
                    if not self._token_in(in_url):
                        return web.Response(status=403, text="403: a valid token is required\n")
                    # The token leaves the address bar at once: a cookie carries it from now on.
                    rest = [(k, v) for k, v in request.query.items() if k != "token"]
                    response = web.HTTPSeeOther(request.rel_url.with_query(rest))
                    response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
                    return response
                if not self._token_in(request.cookies.get(TOKEN_COOKIE, "")):
                    return web.Response(status=403, text="403: a valid token is required\n")
        except (UnicodeError, ValueError, KeyError):
            return web.Response(status=400, text="400: the request could not be read\n")
        return await handler(request)

    async def on_startup(self, app: web.Application) -> None:
        await self.store_server.start()
        where = f"{self.public_url}/" + (f"?token={REDACTED}" if self.token else "")
        self.console.print(f"margin: serving the reader on {where}  (add &annotator=NAME; Ctrl+C stops)",
                           highlight=False, markup=False)

    async def on_shutdown(self, app: web.Application) -> None:
        await self.store_server.stop()

    def _full_page(self) -> web.Response:
        return web.Response(status=503, content_type="text/html", text=(
            "<!doctype html><title>margin: no free session</title><h1>margin is busy</h1>"
            f"<p>All {self.max_sessions} reader sessions of this server are in use. Close another tab "
            "of margin, or try again in a moment.</p>\n"))

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page; its websocket address carries the annotator name."""
        if self.sessions >= self.max_sessions:
            return self._full_page()
        response = await super().handle_index(request)
        annotator = clean_annotator(request.query.get("annotator", ""))
        if not annotator:
            return response
        body = response.text.replace('/ws"', f'/ws/{quote(annotator)}"')
        return web.Response(text=body, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One reader process per tab, named after the annotator the page asked for."""
        if self.sessions >= self.max_sessions:
            return self._full_page()
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        annotator = clean_annotator(request.match_info.get("annotator", ""))
        command = [*self.session_command, *(["--annotator", annotator] if annotator else ["--ask-annotator"])]
        width = _clamp(request.query.get("width"), 80, MAX_COLUMNS)
        height = _clamp(request.query.get("height"), 24, MAX_ROWS)
        service: AppService | None = None
        self.sessions += 1
        try:
            await websocket.prepare(request)
            service = AppService(shlex.join(command), write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            self.sessions -= 1
            if service is not None:
                await service.stop()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """The browser's messages, checked: a malformed one closes the session, every size is clamped."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                if not isinstance(envelope, list) or not envelope:
                    raise ValueError("not a message")
                kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    await app_service.set_terminal_size(_clamp(data.get("width"), 80, MAX_COLUMNS),
                                                        _clamp(data.get("height"), 24, MAX_ROWS))
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()
            except (ValueError, TypeError, IndexError, KeyError, UnicodeError):
                await websocket.close(code=1003, message=b"malformed message")
                return


def _clamp(value: object, default: int, largest: int) -> int:
    """A terminal dimension from a browser: a number from 10 to ``largest`` (else ``default``)."""
    try:
        number = int(value if isinstance(value, int | str) else default)
    except ValueError:
        number = default
    return max(10, min(largest, number))


def serve(*, paths: tuple[Path, ...], db: Path, host: str, port: int, token: str | None, extra: list[str],
          public_url: str | None = None, max_sessions: int = DEFAULT_MAX_SESSIONS) -> None:
    store = AnnotationStore(db)
    if store.read_only:
        store.close()
        raise SystemExit(f"margin: {db} is {store.held_by}; margin serve must own the database")
    folder = Path(tempfile.mkdtemp(prefix="margin-serve-"))
    socket_path = folder / "store.sock"
    session = [sys.executable, "-m", "reader", "open", *map(str, paths), "--db", str(db),
               "--store-socket", str(socket_path), *extra]
    server = MarginServer(session_command=session, store=store, socket_path=socket_path, token=token, host=host,
                          port=port, public_url=public_url, max_sessions=max_sessions)
    try:
        server.serve()
    finally:
        store.close()
        socket_path.unlink(missing_ok=True)
        folder.rmdir()
