"""Moving passages out of a store and into one, in any registered format."""

from __future__ import annotations

from dataclasses import dataclass

from . import formats
from .errors import ImportFormatError
from .formats import ExportBundle
from .model import Document, utc_now
from .store import AnnotationStore, ImportResult


@dataclass(frozen=True)
class Selection:
    """Which passages to export: every filter given must hold."""

    tags: tuple[str, ...] = ()
    document: str | None = None
    annotator: str | None = None


def match_documents(store: AnnotationStore, wanted: str) -> list[Document]:
    """Documents whose path, file name or id (or id prefix, 6+ characters) is ``wanted``."""
    wanted = wanted.strip()
    docs = store.documents()
    exact = [d for d in docs if wanted in (d.id, d.path) or d.path.rsplit("/", 1)[-1] == wanted]
    if exact:
        return exact
    if len(wanted) >= 6:
        return [d for d in docs if d.id.startswith(wanted)]
    return []


def bundle(store: AnnotationStore, selection: Selection, texts: dict[str, str] | None = None) -> ExportBundle:
    """The passages ``selection`` picks and the documents they belong to."""
    doc_ids: set[str] | None = None
    if selection.document is not None:
        doc_ids = {d.id for d in match_documents(store, selection.document)}
    passages = [
        a
        for a in store.annotations(tags=selection.tags or None, annotator=selection.annotator)
        if doc_ids is None or a.document in doc_ids
    ]
    used = {a.document for a in passages}
    documents = [store.document(d) or Document(d) for d in sorted(used)]
    if doc_ids is not None:
        documents += [store.document(d) for d in sorted(doc_ids - used) if store.document(d)]  # type: ignore[misc]
    return ExportBundle(documents=documents, passages=passages, exported=utc_now(), texts=texts or {})


def export(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None = None) -> bytes:
    return formats.get(format_name).export(bundle(store, selection, texts))


def import_bytes(store: AnnotationStore, content: bytes, format_name: str | None = None) -> tuple[str, ImportResult]:
    """Read ``content`` whole, check every item, then add it all in one durable step."""
    if not content.strip():
        raise ImportFormatError("the file is empty")
    name = format_name or formats.detect(content)
    module = formats.get(name)
    if not hasattr(module, "import_"):
        raise ImportFormatError(f"format {name!r} can be exported but not imported")
    parsed = module.import_(content)
    return name, store.merge(parsed.passages, parsed.documents)

