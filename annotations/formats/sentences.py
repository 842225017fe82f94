"""Sentences JSONL: one line per sentence of each document, with the tags of the passages in it.

The sentence-level dataset that claim-detection work trains on, and a way to
check the reader's sentence boundaries outside it. Each line::

    {"document": id, "path": p, "start": s, "end": e, "text": t, "tags": [...], "passages": [ids]}

``start``/``end`` count code points of the cleaned text, half-open; ``tags``
are the tags of the passages that overlap the sentence (in order of first
appearance, each once) and ``passages`` their ids. Documents with a passage are
written; ``margin export --all-documents`` writes every document whose text is
at hand. Orphaned passages are left out (they have no place in the text).
"""

from __future__ import annotations

import bisect

import orjson

from ..sentences import all_sentences
from .bundle import ExportBundle

NAME = "sentences"
EXTENSION = ".jsonl"
OFFSET_UNIT = "code points"
DESCRIPTION = "one sentence a line, with the tags of the passages overlapping it"


def export(bundle: ExportBundle) -> bytes:
    by_document: dict[str, list] = {}
    for p in bundle.passages:
        if not p.orphan:
            by_document.setdefault(p.document, []).append(p)
    lines = []
    for doc in bundle.documents:
        text = bundle.text_of(doc, NAME)
        passages = sorted(by_document.get(doc.id, []), key=lambda p: p.start)
        starts = [p.start for p in passages]
        longest = max((p.end - p.start for p in passages), default=0)
        for start, end in all_sentences(text):
            lo = bisect.bisect_left(starts, start - longest)
            hi = bisect.bisect_left(starts, end)
            inside = [p for p in passages[lo:hi] if p.end > start]
            lines.append(orjson.dumps({
                "document": doc.id, "path": doc.path, "start": start, "end": end, "text": text[start:end],
                "tags": list(dict.fromkeys(p.tag for p in inside)), "passages": [p.id for p in inside],
            }))
    return b"".join(line + b"\n" for line in lines)
