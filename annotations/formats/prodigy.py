"""Prodigy JSONL: one document a line, ``text`` and ``spans: [{start, end, label}]``.

Offsets count code points (Prodigy is Python). The document's id and path are
in ``meta``; each span keeps the passage id as ``id`` and the quote as ``text``.
"""

from __future__ import annotations

import bisect
import re

import orjson

from ..model import Annotation
from .bundle import ExportBundle

NAME = "prodigy"
EXTENSION = ".jsonl"
OFFSET_UNIT = "code points"
DESCRIPTION = "Prodigy JSONL (text + spans)"


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _span(p: Annotation, starts: list[int], ends: list[int]) -> dict:
    """A passage as a Prodigy span, with the range of tokens it covers (inclusive)."""
    first = bisect.bisect_right(ends, p.start)
    last = max(first, bisect.bisect_left(starts, p.end) - 1)
    return {"start": p.start, "end": p.end, "label": p.tag, "text": p.text, "id": p.id,
            "token_start": first, "token_end": last}


def export(bundle: ExportBundle) -> bytes:
    """Tokens (words and punctuation), spans with their token range, and relations between spans as
    Prodigy's relations recipe writes them (``head``/``child``: the spans' first tokens)."""
    lines = []
    for doc, passages in bundle.by_document():
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        found = list(_TOKEN.finditer(text))
        tokens = [{"text": m.group(), "start": m.start(), "end": m.end(), "id": k,
                   "ws": m.end() < len(text) and text[m.end()].isspace()} for k, m in enumerate(found)]
        starts = [m.start() for m in found]
        ends = [m.end() for m in found]
        spans = {p.id: _span(p, starts, ends) for p in passages}
        relations = [{"head": spans[r.from_id]["token_start"], "child": spans[r.to_id]["token_start"],
                      "head_span": spans[r.from_id], "child_span": spans[r.to_id], "label": r.type}
                     for r in bundle.relations if r.from_id in spans and r.to_id in spans]
        record = {"text": text, "tokens": tokens, "spans": list(spans.values()), "relations": relations,
                  "meta": {"document": doc.id, "path": doc.path}, "answer": "accept"}
        lines.append(orjson.dumps(record))
    return b"".join(line + b"\n" for line in lines)
