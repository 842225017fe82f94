"""What goes into an export and what comes out of an import, independent of the format."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..errors import ImportFormatError, MarginError
from ..model import Annotation, Document, Relation

# Passages from formats that carry no id get one derived from what they are,
# so importing the same file twice gives the same ids (and adds nothing twice).
ID_NAMESPACE = uuid.UUID("6f1f7d2e-3c55-4b7e-9a61-0d9c3f8e2b10")
_NAMESPACE_BYTES = ID_NAMESPACE.bytes
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def stable_id(*parts: object) -> str:
    """``uuid5(ID_NAMESPACE, parts joined)`` — the same string, made without a ``UUID`` object
    (an import of a million labels makes a million of them)."""
    h = hashlib.sha1(_NAMESPACE_BYTES + "\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    # Version 5 in the 13th hex digit, the RFC 4122 variant in the 17th.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def json_lines(content: bytes) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSON-lines file; bad JSON names its line."""
    for number, line in enumerate(content.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as err:
            raise ImportFormatError(f"line {number}: not valid JSON: {err}") from err


class ExportError(MarginError):
    """An export cannot be written as asked (e.g. a document's text is not available)."""


@dataclass(frozen=True)
class ExportBundle:
    """Passages to export and the documents they belong to.

    ``texts`` holds each document's cleaned text where the caller could read it
    (formats that carry the whole text need it); ``exported`` is the time stamp.
    """

    documents: list[Document]
    passages: list[Annotation]
    exported: str
    texts: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # ids of passages a text format could not place
    options: dict[str, Any] = field(default_factory=dict)  # format options from the command (csv: excel)
    relations: list[Relation] = field(default_factory=list)  # between the passages exported
    schema: dict[str, Any] | None = None  # the annotation schema the database remembers

    def passage_records(self) -> list[Annotation]:
        """The passages as orjson writes them: each a record of the database, field by field (an
        ``Annotation`` is a dataclass whose fields are the record's keys, in order)."""
        return self.passages

    def text_of(self, doc: Document, format_name: str) -> str:
        text = self.texts.get(doc.id)
        if text is None:
            where = doc.path or doc.id[:12]
            raise ExportError(
                f"{format_name} needs the text of {where}, which is not available here; pass the corpus with --corpus"
            )
        return text

    def placed(self, text: str, passages: list[Annotation]) -> list[Annotation]:
        """The passages that stand where they say in ``text``; the others (orphans, offsets out of
        range or on other words) are left out of formats that carry the text, and counted."""
        kept = []
        for p in passages:
            if not p.orphan and p.end <= len(text) and text[p.start : p.end] == p.text:
                kept.append(p)
            else:
                self.left_out.append(p.id)
        return kept

    def by_document(self) -> list[tuple[Document, list[Annotation]]]:
        groups: dict[str, list[Annotation]] = {}
        for p in self.passages:
            groups.setdefault(p.document, []).append(p)
        docs = {d.id: d for d in self.documents}
        return [(docs.get(doc_id) or Document(doc_id), anns) for doc_id, anns in groups.items()]


@dataclass(frozen=True)
class ImportBundle:
    """Passages read from a file. ``texts`` maps a passage's ``document`` to the full text, where the format has it."""

    documents: list[Document]
    passages: list[Annotation]
    texts: dict[str, str] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    # Document labels the file gives: (document key, annotator, label name, values).
    labels: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    # Ids the importer made up (the format has none): such passages are matched to existing ones by
    # what they are (document, span, tag, annotator) instead.
    derived: frozenset[str] = frozenset()
    # Whether the format's passages carry times of their own (created/modified); without them an
    # imported passage never counts as newer than the same passage already in the database.
    timed: bool = True
