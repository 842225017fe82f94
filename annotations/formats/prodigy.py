"""Prodigy JSONL: one document a line, ``text`` and ``spans: [{start, end, label}]``.

Offsets count code points (Prodigy is Python). The document's id and path are
in ``meta``; each span keeps the passage id as ``id`` and the quote as ``text``.
"""

from __future__ import annotations

import orjson

from .bundle import ExportBundle

NAME = "prodigy"
EXTENSION = ".jsonl"
OFFSET_UNIT = "code points"
DESCRIPTION = "Prodigy JSONL (text + spans)"


def export(bundle: ExportBundle) -> bytes:
    lines = []
    for doc, passages in bundle.by_document():
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        spans = [{"start": p.start, "end": p.end, "label": p.tag, "text": p.text, "id": p.id} for p in passages]
        lines.append(orjson.dumps({"text": text, "spans": spans, "meta": {"document": doc.id, "path": doc.path},
                                   "answer": "accept"}))
    return b"".join(line + b"\n" for line in lines)
