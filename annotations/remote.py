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
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .errors import DatabaseError, EditRefused, MarginError, NotFound, ReadOnlyError
from .model import Annotation, Document, Relation, Selector
from .store import AnnotationStore

#: What a session may ask of the store.
METHODS = frozenset(
    {
        "annotations", "get", "documents", "document", "documents_of", "register_document", "register_documents", "set_status",
        "set_position", "last_opened", "counts_by_tag", "counts_by_document", "counts_by_annotator",
        "counts_unsettled", "create", "put",
        "retag", "set_note", "move", "delete", "replace_all", "apply_batch", "put_document", "relations", "relation", "relations_of",
        "change_relations", "remember_schema", "schema", "deleted", "retry_save",
        "merge", "__len__",
    }
)
ATTRIBUTES = frozenset({"read_only", "held_by", "path", "unsaved", "save_error", "repairs", "version"})
ERRORS: dict[str, type[Exception]] = {
    "ReadOnlyError": ReadOnlyError, "DatabaseError": DatabaseError, "MarginError": MarginError,
    "NotFound": NotFound, "EditRefused": EditRefused, "ValueError": ValueError,
}


def encode(value: Any) -> Any:
    if isinstance(value, Annotation):
        return {"$a": value.to_dict()}
    if isinstance(value, Document):
        return {"$d": value.to_dict()}
    if isinstance(value, Selector):
        return {"$s": asdict(value)}
    if isinstance(value, Relation):
        return {"$r": value.to_dict()}
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
        if "$r" in value:
            return Relation.from_dict(value["$r"])
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
            return {"error": {"type": kind, "message": str(err)}}

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

    # -- the ``Store`` protocol, method by method ------------------------------------------------

    @property
    def read_only(self) -> bool:
        return bool(self._attr("read_only"))

    @property
    def held_by(self) -> str | None:
        return self._attr("held_by")

    @property
    def version(self) -> int:
        return int(self._attr("version"))

    @property
    def unsaved(self) -> int:
        return int(self._attr("unsaved"))

    @property
    def save_error(self) -> str:
        return str(self._attr("save_error"))

    @property
    def repairs(self) -> list[str]:
        return list(self._attr("repairs"))

    def retry_save(self) -> bool:
        return bool(self._call("retry_save"))

    def __len__(self) -> int:
        return int(self._call("__len__"))

    def documents(self) -> list[Document]:
        return list(self._call("documents"))

    def document(self, doc_id: str) -> Document | None:
        return self._call("document", doc_id)

    def documents_of(self, ids: Iterable[str]) -> list[Document | None]:
        return list(self._call("documents_of", list(ids)))

    def register_documents(self, docs: Iterable[tuple]) -> None:
        self._call("register_documents", list(docs))

    def set_status(self, doc_id: str, status: str, annotator: str = "") -> Document:
        return self._call("set_status", doc_id, status, annotator)

    def set_position(self, doc_id: str, position: int) -> Document:
        return self._call("set_position", doc_id, position)

    def last_opened(self, among: Iterable[str] | None = None) -> Document | None:
        return self._call("last_opened", None if among is None else list(among))

    def get(self, ann_id: str) -> Annotation | None:
        return self._call("get", ann_id)

    def annotations(self, *, document: str | None = None, tags: Iterable[str] | None = None,
                    annotator: str | None = None) -> list[Annotation]:
        return list(self._call("annotations", document=document, tags=None if tags is None else list(tags),
                               annotator=annotator))

    def deleted(self) -> list[Annotation]:
        return list(self._call("deleted"))

    def counts_by_tag(self, document: str | None = None) -> Counter[str]:
        return Counter(self._call("counts_by_tag", document))

    def counts_by_document(self) -> dict[str, Counter[str]]:
        return {doc: Counter(counts) for doc, counts in self._call("counts_by_document").items()}

    def counts_by_annotator(self) -> Counter[str]:
        return Counter(self._call("counts_by_annotator"))

    def counts_unsettled(self) -> tuple[int, int]:
        orphans, review = self._call("counts_unsettled")
        return orphans, review

    def put(self, ann: Annotation) -> Annotation:
        return self._call("put", ann)

    def create(self, *, document: str, tag: str, selector: Selector, raw_start: int | None = None,
               raw_end: int | None = None, note: str = "", annotator: str = "") -> Annotation:
        return self._call("create", document=document, tag=tag, selector=selector, raw_start=raw_start,
                          raw_end=raw_end, note=note, annotator=annotator)

    def retag(self, ann_id: str, tag: str) -> Annotation:
        return self._call("retag", ann_id, tag)

    def set_note(self, ann_id: str, note: str) -> Annotation:
        return self._call("set_note", ann_id, note)

    def move(self, ann_id: str, selector: Selector, raw_start: int, raw_end: int) -> Annotation:
        return self._call("move", ann_id, selector, raw_start, raw_end)

    def delete(self, ann_id: str) -> Annotation:
        return self._call("delete", ann_id)

    def replace_all(self, annotations: list[Annotation]) -> None:
        self._call("replace_all", annotations)

    def apply_batch(self, puts: list[Annotation], deletes: list[str]) -> None:
        self._call("apply_batch", puts, deletes)

    def put_document(self, doc: Document) -> Document:
        return self._call("put_document", doc)

    def relations(self, *, document: str | None = None) -> list[Relation]:
        return list(self._call("relations", document=document))

    def relation(self, rel_id: str) -> Relation | None:
        return self._call("relation", rel_id)

    def relations_of(self, ann_id: str) -> list[Relation]:
        return list(self._call("relations_of", ann_id))

    def change_relations(self, puts: list[Relation], deletes: list[str]) -> None:
        self._call("change_relations", puts, deletes)

    def remember_schema(self, schema: dict[str, Any]) -> None:
        self._call("remember_schema", schema)

    def schema(self) -> dict[str, Any] | None:
        return self._call("schema")

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


if TYPE_CHECKING:  # both stores satisfy the protocol the reader and the editing rules use (mypy checks it)
    from .store import Store

    _local: type[Store] = AnnotationStore
    _remote: type[Store] = RemoteStore
