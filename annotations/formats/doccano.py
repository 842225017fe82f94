"""doccano sequence labelling JSONL: one document a line, ``text`` and ``label: [[start, end, tag], ...]``.

Offsets count **UTF-16 code units**, as doccano's browser front end does
(doccano issues #2290 and #2484: spans after an emoji such as "👨🏻‍🚒" shift by
its surrogate pairs), so they are converted on the way out and back in. A
``document`` key carries margin's document id; notes and ids do not survive
(doccano has no place for them), so imported passages get stable derived ids.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..errors import ImportFormatError
from ..model import Annotation, Selector, utc_now
from .bundle import ExportBundle, ImportBundle, json_lines, stable_id
from .units import Utf16Offsets, utf16_len

NAME = "doccano"
EXTENSION = ".jsonl"
OFFSET_UNIT = "UTF-16 code units"
DESCRIPTION = "doccano JSONL (text + label triples)"


def export(bundle: ExportBundle) -> bytes:
    lines = []
    for n, (doc, passages) in enumerate(bundle.by_document(), start=1):
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        units = Utf16Offsets(text)
        labels = [[units.to_utf16(p.start), units.to_utf16(p.end), p.tag] for p in passages]
        lines.append(orjson.dumps({"id": n, "text": text, "label": labels, "document": doc.id, "path": doc.path}))
    return b"".join(line + b"\n" for line in lines)


def sniff(content: bytes) -> bool:
    first = content.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"text"' in first and (
        b'"label"' in first or b'"labels"' in first or b'"entities"' in first)


def _spans(record: dict, number: int) -> list[tuple[Any, Any, Any]]:
    """(start, end, tag) in UTF-16 units, from either shape doccano writes."""
    if "entities" in record:
        entities = record["entities"]
        if not isinstance(entities, list):
            raise ImportFormatError(f"line {number}: 'entities' must be a list")
        spans = []
        for k, entity in enumerate(entities, start=1):
            if not isinstance(entity, dict) or not isinstance(entity.get("label"), str):
                raise ImportFormatError(f"line {number}, entity {k}: expected {{label, start_offset, end_offset}}")
            spans.append((entity.get("start_offset"), entity.get("end_offset"), entity["label"]))
        return spans
    labels = record.get("label", record.get("labels", []))
    if not isinstance(labels, list):
        raise ImportFormatError(f"line {number}: 'label' must be a list of [start, end, tag]")
    spans = []
    for k, label in enumerate(labels, start=1):
        if not isinstance(label, list) or len(label) != 3:
            raise ImportFormatError(f"line {number}, label {k}: expected [start, end, tag] inside the text")
        spans.append((label[0], label[1], label[2]))
    return spans


def import_(content: bytes) -> ImportBundle:
    passages: list[Annotation] = []
    texts: dict[str, str] = {}
    stamp = utc_now()
    for number, record in json_lines(content):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ImportFormatError(f"line {number}: needs a 'text' string")
        text = record["text"]
        given = record.get("document")
        doc_key = given if isinstance(given, str) and given else stable_id("text", text)
        texts[doc_key] = text
        units = Utf16Offsets(text)
        limit = utf16_len(text)
        for k, (first, last, tag) in enumerate(_spans(record, number), start=1):
            if (type(first) is not int or type(last) is not int or not isinstance(tag, str)
                    or not 0 <= first < last <= limit):
                raise ImportFormatError(f"line {number}, label {k}: expected [start, end, tag] inside the text")
            start, end = units.from_utf16(first), units.from_utf16(last)
            selector = Selector.from_span(text, start, end)
            passages.append(
                Annotation(
                    id=stable_id(doc_key, start, end, tag), document=doc_key, tag=tag, text=selector.exact,
                    start=start, end=end, raw_start=start, raw_end=end, prefix=selector.prefix,
                    suffix=selector.suffix, created=stamp, modified=stamp,
                )
            )
    # No ids and no times in doccano's file: matched to passages already here by what they are.
    return ImportBundle([], passages, texts, derived=frozenset(p.id for p in passages), timed=False)
