"""margin JSONL: one passage object a line, the same fields as in ``margin-export``.

Offsets count Unicode code points, as in the JSON export. Handy for ``jq``,
``grep`` and streaming readers. Schema: ``schemas/passage.schema.json``.
"""

from __future__ import annotations

import orjson

from ..errors import ImportFormatError
from ..model import Relation
from .bundle import ExportBundle, ImportBundle, json_lines
from .margin_json import passage_from

NAME = "jsonl"
EXTENSION = ".jsonl"
OFFSET_UNIT = "code points"
DESCRIPTION = "one margin passage object a line"


def export(bundle: ExportBundle) -> bytes:
    """One passage a line; a passage's outgoing relations ride on its line (``relations``)."""
    outgoing: dict[str, list[dict]] = {}
    for r in bundle.relations:
        record = r.to_dict()
        del record["from"]
        outgoing.setdefault(r.from_id, []).append(record)
    if not outgoing:
        return b"".join(orjson.dumps(p) + b"\n" for p in bundle.passage_records())
    return b"".join(orjson.dumps({**p.to_dict(), "relations": outgoing[p.id]} if p.id in outgoing else p) + b"\n"
                    for p in bundle.passage_records())


def sniff(content: bytes) -> bool:
    first = content.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"document"' in first and b'"tag"' in first


def import_(content: bytes) -> ImportBundle:
    passages, relations = [], []
    for number, record in json_lines(content):
        passage = passage_from(record, f"line {number}")
        passages.append(passage)
        listed = record.get("relations", []) if isinstance(record, dict) else []
        for k, rel in enumerate(listed if isinstance(listed, list) else [], start=1):
            try:
                relations.append(Relation.from_dict({**(rel if isinstance(rel, dict) else {}), "from": passage.id}))
            except (TypeError, ValueError) as err:
                raise ImportFormatError(f"line {number}, relation {k}: {err}") from err
    return ImportBundle([], passages, relations=relations)
