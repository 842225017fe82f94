"""One store, many sessions: the store process and the sessions' view of it.

``margin serve`` gives every browser tab its own reader process. They must not
each open the database (the lock lets only one write), so the serve process
owns the ``AnnotationStore`` and answers the sessions over a Unix socket:
``StoreServer`` runs there, ``RemoteStore`` in each session and offers the
same methods as the store. Every change still goes through the one store, its
journal and its lock. ``version`` counts changes, so a session can notice
others' work and refresh.

The protocol is one JSON object a line: ``{"method", "args", "kwargs"}`` →
``{"result"}`` or ``{"error": {"type", "message"}}``. Annotations, documents
and selectors travel as ``{"$a": …}``, ``{"$d": …}``, ``{"$s": …}``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from .errors import DatabaseError, MarginError, ReadOnlyError
from .model import Annotation, Document, Selector
from .store import AnnotationStore

#: What a session may ask of the store.
METHODS = frozenset(
    {
        "annotations", "get", "documents", "document", "register_document", "register_documents", "set_status",
        "set_position", "last_opened", "counts_by_tag", "counts_by_document", "counts_by_annotator", "create", "put",
        "retag", "set_note", "move", "delete", "replace_all", "deleted", "records", "retry_save", "merge", "__len__",
    }
)
ATTRIBUTES = frozenset({"read_only", "held_by", "path", "unsaved", "save_error", "repairs", "version"})
ERRORS: dict[str, type[Exception]] = {
    "ReadOnlyError": ReadOnlyError, "DatabaseError": DatabaseError, "MarginError": MarginError,
    "KeyError": KeyError, "ValueError": ValueError,
}


def encode(value: Any) -> Any:
    if isinstance(value, Annotation):
        return {"$a": value.to_dict()}
    if isinstance(value, Document):
        return {"$d": value.to_dict()}
    if isinstance(value, Selector):
        return {"$s": asdict(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):  # Counter too
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return encode(asdict(value))
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$a" in value:
            return Annotation.from_dict(value["$a"])
        if "$d" in value:
            return Document.from_dict(value["$d"])
        if "$s" in value:
            return Selector(**value["$s"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class StoreServer:
    """Answers sessions' requests against one ``AnnotationStore``, one request at a time."""

    def __init__(self, store: AnnotationStore, socket_path: Path) -> None:
        self.store = store
        self.socket_path = socket_path
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self.socket_path.unlink(missing_ok=True)
        self._server = await asyncio.start_unix_server(self._serve, path=str(self.socket_path))
        self.socket_path.chmod(0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.socket_path.unlink(missing_ok=True)

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request.get("method")
        try:
            if method == "attr":
                name = request["args"][0]
                if name not in ATTRIBUTES:
                    raise ValueError(f"no attribute {name!r}")
                return {"result": encode(getattr(self.store, name))}
            if method not in METHODS:
                raise ValueError(f"no method {method!r}")
            args = decode(request.get("args", []))
            kwargs = decode(request.get("kwargs", {}))
            return {"result": encode(getattr(self.store, method)(*args, **kwargs))}
        except Exception as err:
            kind = next((name for name, cls in ERRORS.items() if type(err) is cls), "MarginError")
            return {"error": {"type": kind, "message": str(err.args[0]) if isinstance(err, KeyError) else str(err)}}

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    request = orjson.loads(line)
                except orjson.JSONDecodeError:
                    response = {"error": {"type": "ValueError", "message": "not JSON"}}
                else:
                    response = self.answer(request)
                writer.write(orjson.dumps(response) + b"\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


class RemoteStore:
    """The ``AnnotationStore`` of another process, over its Unix socket (same methods, same errors)."""

    def __init__(self, socket_path: str | Path) -> None:
        self.socket_path = Path(socket_path)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._socket.connect(str(self.socket_path))
        except OSError as err:
            raise DatabaseError(f"cannot reach the store at {self.socket_path}: {err.strerror or err}") from err
        self._file = self._socket.makefile("rwb")
        self._lock = threading.Lock()
        self.path = Path(self._attr("path"))

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        line = orjson.dumps({"method": method, "args": encode(list(args)), "kwargs": encode(kwargs)}) + b"\n"
        with self._lock:
            try:
                self._file.write(line)
                self._file.flush()
                answer = self._file.readline()
            except OSError as err:
                raise DatabaseError(f"lost the store at {self.socket_path}: {err.strerror or err}") from err
        if not answer:
            raise DatabaseError(f"the store at {self.socket_path} has closed")
        response = orjson.loads(answer)
        if "error" in response:
            error = response["error"]
            raise ERRORS.get(error["type"], MarginError)(error["message"])
        return decode(response["result"])

    def _attr(self, name: str) -> Any:
        return self._call("attr", name)

    def __getattr__(self, name: str) -> Any:
        if name in ATTRIBUTES:
            return self._attr(name)
        if name in METHODS:
            return lambda *args, **kwargs: self._call(name, *args, **kwargs)
        raise AttributeError(name)

    def __len__(self) -> int:
        return self._call("__len__")

    def counts_by_tag(self, document: str | None = None) -> Counter[str]:
        return Counter(self._call("counts_by_tag", document))

    def counts_by_annotator(self) -> Counter[str]:
        return Counter(self._call("counts_by_annotator"))

    def close(self) -> None:
        try:
            self._file.close()
            self._socket.close()
        except OSError:
            pass

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
