"""margin JSONL: one passage object a line, the same fields as in ``margin-export``.

Offsets count Unicode code points, as in the JSON export. Handy for ``jq``,
``grep`` and streaming readers. Schema: ``schemas/passage.schema.json``.
"""

from __future__ import annotations

import orjson

from .bundle import ExportBundle, ImportBundle, json_lines
from .margin_json import passage_from

NAME = "jsonl"
EXTENSION = ".jsonl"
OFFSET_UNIT = "code points"
DESCRIPTION = "one margin passage object a line"


def export(bundle: ExportBundle) -> bytes:
    return b"".join(orjson.dumps(p) + b"\n" for p in bundle.passage_records())


def sniff(content: bytes) -> bool:
    first = content.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"document"' in first and b'"tag"' in first


def import_(content: bytes) -> ImportBundle:
    return ImportBundle([], [passage_from(record, f"line {number}") for number, record in json_lines(content)])
