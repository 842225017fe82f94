"""``margin serve``: the reader in a browser, one session per tab, one store for all.

textual-serve starts a reader process for each browser tab and relays its
terminal over a websocket. This process owns the database (it holds the lock)
and answers the sessions through ``annotations.remote``; so the storage rules
hold as in the terminal, and every session sees the others' work.

Security: by default only this machine can connect (127.0.0.1). With
``--token`` (or ``MARGIN_TOKEN``) every request must carry the token, in the
URL (``?token=…``) or in the cookie set by the first page; anything else gets
403 and no content. There are no user accounts: anyone with the token can
annotate under any name. Put it behind a TLS reverse proxy to use it across a
network (README).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from annotations.remote import StoreServer
from annotations.store import AnnotationStore

TOKEN_COOKIE = "margin_token"
NAME_LIMIT = 64


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


class MarginServer(Server):
    """textual-serve with a token check and an annotator per session."""

    def __init__(self, *, session_command: list[str], store: AnnotationStore, socket_path: Path,
                 token: str | None, host: str, port: int, public_url: str | None = None) -> None:
        super().__init__(command=shlex.join(session_command), host=host, port=port, title="margin",
                         public_url=public_url)
        self.session_command = session_command
        self.store_server = StoreServer(store, socket_path)
        self.token = token

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_token)
        # The page's script adds "?width=…" to the websocket address, so the annotator travels in the path.
        app.router.add_get("/ws/{annotator}", self.handle_websocket)
        return app

    def _token_ok(self, request: web.Request) -> bool:
        if self.token is None:
            return True
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    @web.middleware
    async def _check_token(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self._token_ok(request):
            return web.Response(status=403, text="403: a valid token is required\n")
        response = await handler(request)
        if self.token is not None and request.query.get("token"):
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def on_startup(self, app: web.Application) -> None:
        await self.store_server.start()
        where = f"{self.public_url}/" + ("?token=…" if self.token else "")
        self.console.print(f"margin: serving the reader on {where}  (add &annotator=NAME; Ctrl+C stops)",
                           highlight=False, markup=False)

    async def on_shutdown(self, app: web.Application) -> None:
        await self.store_server.stop()

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page; its websocket address carries the annotator name (and the token, if any)."""
        response = await super().handle_index(request)
        annotator = clean_annotator(request.query.get("annotator", ""))
        if not annotator:
            return response
        body = response.text.replace('/ws"', f'/ws/{quote(annotator)}"')
        return web.Response(text=body, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One reader process per tab, named after the annotator the page asked for."""
        websocket = web.WebSocketResponse(heartbeat=15)
        annotator = clean_annotator(request.match_info.get("annotator", ""))
        command = [*self.session_command, *(["--annotator", annotator] if annotator else ["--ask-annotator"])]
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = AppService(shlex.join(command), write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                 close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            if service is not None:
                await service.stop()
        return websocket


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(1000, int(value or default)))
    except ValueError:
        return default


def serve(*, paths: tuple[Path, ...], db: Path, host: str, port: int, token: str | None, extra: list[str],
          public_url: str | None = None) -> None:
    store = AnnotationStore(db)
    if store.read_only:
        store.close()
        raise SystemExit(f"margin: {db} is {store.held_by}; margin serve must own the database")
    folder = Path(tempfile.mkdtemp(prefix="margin-serve-"))
    socket_path = folder / "store.sock"
    session = [sys.executable, "-m", "reader", "open", *map(str, paths), "--db", str(db),
               "--store-socket", str(socket_path), *extra]
    server = MarginServer(session_command=session, store=store, socket_path=socket_path, token=token, host=host,
                          port=port, public_url=public_url)
    try:
        server.serve()
    finally:
        store.close()
        socket_path.unlink(missing_ok=True)
        folder.rmdir()
