"""Exchange formats: one module a format, each with ``export`` and, where it can, ``import_``.

Every module says which unit its offsets count (``OFFSET_UNIT``), because the
tools that read them disagree: some count code points, some UTF-16 units.
"""

from __future__ import annotations

from types import ModuleType

from . import margin_json, margin_jsonl
from .bundle import ExportBundle, ImportBundle

FORMATS: dict[str, ModuleType] = {
    margin_json.NAME: margin_json,
    margin_jsonl.NAME: margin_jsonl,
}


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}") from None


def importable() -> list[str]:
    return [name for name, module in FORMATS.items() if hasattr(module, "import_")]


def detect(content: bytes) -> str:
    """Guess the format of an import file from its first bytes."""
    for name, module in FORMATS.items():
        sniff = getattr(module, "sniff", None)
        if sniff is not None and sniff(content):
            return name
    raise KeyError("cannot tell the format of this file; pass --format")


__all__ = ["FORMATS", "ExportBundle", "ImportBundle", "detect", "get", "importable"]
