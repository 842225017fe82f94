"""What goes into an export and what comes out of an import, independent of the format."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Annotation, Document


@dataclass(frozen=True)
class ExportBundle:
    """Passages to export and the documents they belong to.

    ``texts`` holds a document's cleaned text where the caller has it (formats
    that carry the whole text need it); ``exported`` is the time stamp.
    """

    documents: list[Document]
    passages: list[Annotation]
    exported: str
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportBundle:
    documents: list[Document]
    passages: list[Annotation]
