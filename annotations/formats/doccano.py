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
from ..model import Annotation, Relation, Selector, utc_now
from .bundle import ExportBundle, ImportBundle, json_lines, stable_id
from .units import Utf16Offsets, utf16_len

NAME = "doccano"
EXTENSION = ".jsonl"
OFFSET_UNIT = "UTF-16 code units"
DESCRIPTION = "doccano JSONL (text + label triples)"


def export(bundle: ExportBundle) -> bytes:
    """Each line in both shapes doccano reads: ``label`` triples (sequence labelling projects) and
    ``entities`` with ``relations`` (projects with relations); document labels as ``cats``
    (``name=value``, as doccano's intent-and-slot projects carry categories)."""
    lines = []
    for n, (doc, passages) in enumerate(bundle.by_document(), start=1):
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        units = Utf16Offsets(text)
        labels = [[units.to_utf16(p.start), units.to_utf16(p.end), p.tag] for p in passages]
        number = {p.id: k for k, p in enumerate(passages, start=1)}
        entities = [{"id": number[p.id], "label": p.tag, "start_offset": units.to_utf16(p.start),
                     "end_offset": units.to_utf16(p.end)} for p in passages]
        relations = [{"id": k, "from_id": number[r.from_id], "to_id": number[r.to_id], "type": r.type}
                     for k, r in enumerate((r for r in bundle.relations if r.from_id in number and r.to_id in number),
                                           start=1)]
        cats = sorted({f"{name}={value}" for named in doc.labels.values() for name, values in named.items()
                       for value in values})
        record = {"id": n, "text": text, "label": labels, "entities": entities, "relations": relations,
                  "document": doc.id, "path": doc.path}
        if cats:
            record["cats"] = cats
        lines.append(orjson.dumps(record))
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
    relations: list[Relation] = []
    labels_found: list[tuple[str, str, str, list[str]]] = []
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
        entity_passage: dict[object, str] = {}
        entity_ids = [e.get("id") for e in record["entities"]] if isinstance(record.get("entities"), list) and all(
            isinstance(e, dict) for e in record["entities"]) else []
        for k, (first, last, tag) in enumerate(_spans(record, number), start=1):
            if (type(first) is not int or type(last) is not int or not isinstance(tag, str)
                    or not 0 <= first < last <= limit):
                raise ImportFormatError(f"line {number}, label {k}: expected [start, end, tag] inside the text")
            start, end = units.from_utf16(first), units.from_utf16(last)
            selector = Selector.from_span(text, start, end)
            ann_id = stable_id(doc_key, start, end, tag)
            if k <= len(entity_ids):
                entity_passage[entity_ids[k - 1]] = ann_id
            passages.append(
                Annotation(
                    id=ann_id, document=doc_key, tag=tag, text=selector.exact,
                    start=start, end=end, raw_start=start, raw_end=end, prefix=selector.prefix,
                    suffix=selector.suffix, created=stamp, modified=stamp,
                )
            )
        cats = record.get("cats", [])
        grouped: dict[str, list[str]] = {}
        for cat in cats if isinstance(cats, list) else []:
            if isinstance(cat, str) and "=" in cat:
                name, value = cat.split("=", 1)
                grouped.setdefault(name, []).append(value)
        labels_found += [(doc_key, "", name, values) for name, values in grouped.items()]
        listed = record.get("relations", [])
        for relation in listed if isinstance(listed, list) else []:
            if not isinstance(relation, dict):
                continue
            source = entity_passage.get(relation.get("from_id"))
            target = entity_passage.get(relation.get("to_id"))
            kind = relation.get("type")
            if source and target and isinstance(kind, str) and kind:
                relations.append(Relation(stable_id("doccano-relation", source, target, kind), source, target, kind,
                                          "", stamp, stamp))
    # No ids and no times in doccano's file: matched to passages already here by what they are.
    return ImportBundle([], passages, texts, derived=frozenset(p.id for p in passages), timed=False,
                        relations=relations, labels=labels_found)
