"""Exchange formats: one module a format, each with ``export`` and, where it can, ``import_``.

Every module says which unit its offsets count (``OFFSET_UNIT``), because the
tools that read them disagree: some count code points, some UTF-16 units.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import ImportFormatError, NotFound
from . import brat, csv_format, doccano, labelstudio, margin_json, margin_jsonl, prodigy, sentences, w3c
from .bundle import ExportBundle, ExportError, ImportBundle

FORMATS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (margin_json, margin_jsonl, csv_format, w3c, doccano, labelstudio, prodigy, brat, sentences)
}


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise NotFound(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}") from None


def importable() -> list[str]:
    return [name for name, module in FORMATS.items() if hasattr(module, "import_")]


def detect(content: bytes) -> str:
    """Guess the format of an import file from its first bytes."""
    for name, module in FORMATS.items():
        sniff = getattr(module, "sniff", None)
        if sniff is not None and sniff(content):
            return name
    raise ImportFormatError("cannot tell the format of this file; pass --format")


def needs_text(name: str) -> bool:
    """Whether the format carries each document's whole text."""
    return name in ("doccano", "labelstudio", "prodigy", "brat", "sentences")


__all__ = ["FORMATS", "ExportBundle", "ExportError", "ImportBundle", "detect", "get", "importable", "needs_text"]
