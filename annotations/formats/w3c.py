"""W3C Web Annotation Data Model (JSON-LD): an AnnotationCollection of annotations.

Each passage becomes an ``Annotation`` whose ``target`` names the document
(``urn:sha256:<id>``) and selects the passage twice: a ``TextQuoteSelector``
(exact, prefix, suffix) and a ``TextPositionSelector`` (start, end). Offsets
count code points, as the model requires. The tag is a ``TextualBody`` with
``purpose: "tagging"``; a note is a second body with ``purpose: "commenting"``.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..errors import ImportFormatError
from ..model import Annotation, Document, Relation
from .bundle import ExportBundle, ImportBundle, stable_id

NAME = "w3c"
EXTENSION = ".jsonld"
OFFSET_UNIT = "code points"
DESCRIPTION = "W3C Web Annotation JSON-LD (TextQuote + TextPosition selectors)"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOURCE_PREFIX = "urn:sha256:"
ID_PREFIX = "urn:uuid:"


def annotation_record(p: Annotation, doc: Document | None) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": p.tag}]
    # Attributes as further tagging bodies, "name=value" (the first tagging body is the tag).
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": f"{name}={value}"}
               for name, value in p.attributes.items()]
    if p.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": p.note, "format": "text/plain"})
    target: dict[str, Any] = {
        "source": SOURCE_PREFIX + p.document,
        "selector": [
            {"type": "TextQuoteSelector", "exact": p.text, "prefix": p.prefix, "suffix": p.suffix},
            {"type": "TextPositionSelector", "start": p.start, "end": p.end},
        ],
    }
    if doc is not None and doc.title:
        target["title"] = doc.title
    record: dict[str, Any] = {
        "id": ID_PREFIX + p.id,
        "type": "Annotation",
        "motivation": "tagging",
        "created": p.created,
        "modified": p.modified,
        "body": bodies,
        "target": target,
    }
    if p.annotator:
        record["creator"] = {"type": "Person", "name": p.annotator}
    return record


def relation_record(rel: Relation) -> dict[str, Any]:
    """A relation: a linking annotation whose target is one passage's annotation and whose body is the
    other's, with a tagging body for its type."""
    record: dict[str, Any] = {
        "id": ID_PREFIX + rel.id, "type": "Annotation", "motivation": "linking", "created": rel.created,
        "modified": rel.modified, "target": ID_PREFIX + rel.from_id,
        "body": [ID_PREFIX + rel.to_id, {"type": "TextualBody", "purpose": "tagging", "value": rel.type}],
    }
    if rel.annotator:
        record["creator"] = {"type": "Person", "name": rel.annotator}
    return record


def label_records(doc: Document) -> list[dict[str, Any]]:
    """Document labels: a classifying annotation on the whole source, per annotator and label."""
    records = []
    for who, named in doc.labels.items():
        for name, values in named.items():
            records.append({
                "id": ID_PREFIX + stable_id("w3c-label", doc.id, who, name), "type": "Annotation",
                "motivation": "classifying", "target": SOURCE_PREFIX + doc.id,
                "body": [{"type": "TextualBody", "purpose": "classifying", "value": f"{name}={v}"} for v in values],
                **({"creator": {"type": "Person", "name": who}} if who else {}),
            })
    return records


def export(bundle: ExportBundle) -> bytes:
    docs = {d.id: d for d in bundle.documents}
    items = [annotation_record(p, docs.get(p.document)) for p in bundle.passages]
    items += [relation_record(r) for r in bundle.relations]
    items += [record for d in bundle.documents for record in label_records(d)]
    # The collection and its page MUST have IRIs (Web Annotation Data Model §5.1, §5.2): urn:uuid ids
    # derived from the content, so the same passages exported twice get the same ids.
    content_id = stable_id("w3c-collection", *sorted(f"{p.id}:{p.modified}" for p in bundle.passages))
    collection = {
        "@context": CONTEXT,
        "id": ID_PREFIX + content_id,
        "type": "AnnotationCollection",
        "label": "margin export",
        "total": len(items),
        "first": {"id": ID_PREFIX + stable_id("w3c-page", content_id, 0), "type": "AnnotationPage",
                  "startIndex": 0, "items": items},
    }
    return orjson.dumps(collection, option=orjson.OPT_INDENT_2) + b"\n"


def sniff(content: bytes) -> bool:
    return b"anno.jsonld" in content[:2000] or b'"AnnotationCollection"' in content[:2000]


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ImportFormatError("expected a JSON object (AnnotationCollection, AnnotationPage or Annotation) or a list")
    if data.get("type") == "Annotation":
        return [data]
    page = data.get("first", data)
    items = page.get("items") if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise ImportFormatError("no annotations found: expected 'first.items' or 'items'")
    return items


def passage_from(item: Any, where: str) -> Annotation:
    if not isinstance(item, dict):
        raise ImportFormatError(f"{where}: an annotation must be a JSON object")
    bodies = item.get("body", [])
    bodies = bodies if isinstance(bodies, list) else [bodies]
    tagging = [b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"]
    tag = tagging[0] if tagging else None
    attributes = dict(v.split("=", 1) for v in tagging[1:] if isinstance(v, str) and "=" in v)
    note = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "commenting"), "")
    target = item.get("target")
    if not isinstance(target, dict) or not isinstance(tag, str) or not tag:
        raise ImportFormatError(f"{where}: needs a target object and a tagging body")
    source = target.get("source", "")
    if not isinstance(source, str) or not source:
        raise ImportFormatError(f"{where}: target.source is missing")
    selectors = target.get("selector", [])
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    position = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    if quote is None or not isinstance(quote.get("exact"), str):
        raise ImportFormatError(f"{where}: needs a TextQuoteSelector with 'exact'")
    start = position.get("start") if position else None
    end = position.get("end") if position else None
    if not isinstance(start, int) or not isinstance(end, int) or start < 0:
        start = 0  # no position: the quote alone says where the passage is
    end = start + len(quote["exact"])  # the quote decides the span (positions may count UTF-16 units)
    ann_id = str(item.get("id", ""))
    ann_id = ann_id[len(ID_PREFIX) :] if ann_id.startswith(ID_PREFIX) else ann_id
    creator = item.get("creator")
    record = {
        "id": ann_id or None,
        "document": source[len(SOURCE_PREFIX) :] if source.startswith(SOURCE_PREFIX) else source,
        "tag": tag,
        "text": quote["exact"],
        "start": start,
        "end": end,
        "raw_start": start,
        "raw_end": end,
        "prefix": quote.get("prefix", "") or "",
        "suffix": quote.get("suffix", "") or "",
        "note": note if isinstance(note, str) else "",
        "annotator": creator.get("name", "") if isinstance(creator, dict) else "",
        "created": item.get("created", "") or "",
        "modified": item.get("modified", item.get("created", "")) or "",
        "attributes": attributes,
    }
    if record["id"] is None:
        record["id"] = stable_id(record["document"], start, end, tag, record["annotator"])
    try:
        return Annotation.from_dict(record)
    except (TypeError, ValueError) as err:
        raise ImportFormatError(f"{where}: {err}") from err


def import_(content: bytes) -> ImportBundle:
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as err:
        raise ImportFormatError(f"not valid JSON: {err}") from err
    items = _items(data)
    relations: list[Relation] = []
    labels: list[tuple[str, str, str, list[str]]] = []
    kept = []
    for item in items:
        motivation = item.get("motivation") if isinstance(item, dict) else None
        if motivation == "linking":
            relation = _relation_from(item)
            if relation is not None:
                relations.append(relation)
        elif motivation == "classifying" and isinstance(item.get("target"), str):
            labels += _labels_from(item)
        else:
            kept.append(item)
    passages = [passage_from(item, f"annotation {n}") for n, item in enumerate(kept, start=1)]
    derived = frozenset(p.id for item, p in zip(kept, passages, strict=True)
                        if not (isinstance(item, dict) and item.get("id")))
    return ImportBundle([], passages, derived=derived, relations=relations, labels=labels)


def _strip(iri: Any, prefix: str) -> str:
    return iri[len(prefix):] if isinstance(iri, str) and iri.startswith(prefix) else ""


def _relation_from(item: dict[str, Any]) -> Relation | None:
    bodies = item.get("body", [])
    bodies = bodies if isinstance(bodies, list) else [bodies]
    target = next((_strip(b, ID_PREFIX) for b in bodies if _strip(b, ID_PREFIX)), "")
    kind = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"), None)
    source = _strip(item.get("target"), ID_PREFIX)
    if not source or not target or not isinstance(kind, str):
        return None
    creator = item.get("creator")
    who = creator.get("name", "") if isinstance(creator, dict) else ""
    rel_id = _strip(item.get("id"), ID_PREFIX) or stable_id("w3c-relation", source, target, kind, who)
    return Relation(rel_id, source, target, kind, str(who), str(item.get("created", "") or ""),
                    str(item.get("modified", item.get("created", "")) or ""))


def _labels_from(item: dict[str, Any]) -> list[tuple[str, str, str, list[str]]]:
    doc = _strip(item.get("target"), SOURCE_PREFIX)
    creator = item.get("creator")
    who = str(creator.get("name", "")) if isinstance(creator, dict) else ""
    bodies = item.get("body", [])
    grouped: dict[str, list[str]] = {}
    for body in bodies if isinstance(bodies, list) else [bodies]:
        value = body.get("value") if isinstance(body, dict) else None
        if isinstance(value, str) and "=" in value:
            name, picked = value.split("=", 1)
            grouped.setdefault(name, []).append(picked)
    return [(doc, who, name, values) for name, values in grouped.items()] if doc else []
