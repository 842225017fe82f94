"""The database file's layout: TinyDB's JSON, one record per line.

A plain ``TinyDB(path)`` reads it like any TinyDB file (the line breaks are JSON whitespace).
margin lays it out this way so that opening a large database can read it record by record:
each record becomes its compact value (an ``Annotation``) as soon as it is read, instead of
every record being built as a dict first — at 500,000 passages that is the difference between
about 1 KB and 3 KB of memory per passage while the file is opened.

A file in any other layout (written by an older margin, by TinyDB, or by hand) is read whole
by the caller, as before; ``parse`` says ``None`` to it rather than guessing.

The layout::

    {
    "_meta":{
    "1":{"schema":4,"app":"margin"}
    },
    "annotations":{
    "1":{...},
    "2":{...}
    }
    }
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import orjson

Tables = dict[str, dict[str, Any]]
Convert = Callable[[str, Any], Any]  # (key, record) → the value kept in memory

# A table's name as margin writes it: a JSON string without escapes.
_TABLE_OPENS = re.compile(rb'"([^"\\\x00-\x1f]*)":\{')
CHUNK = 1 << 20  # bytes of records read at once


def dump(tables: Mapping[str, Mapping[str, Any]]) -> bytearray:
    """The file's content for ``tables`` (records may be dataclasses: orjson writes their fields)."""
    out = bytearray(b"{\n")
    dumps = orjson.dumps
    for number, (name, table) in enumerate(tables.items()):
        if number:
            out += b",\n"
        out += dumps(name)
        out += b":{"
        separator = b"\n"
        for key, record in table.items():
            out += separator
            out += dumps(key)
            out += b":"
            out += dumps(record)
            separator = b",\n"
        out += b"\n}"
    out += b"\n}\n" if tables else b"}\n"
    return out


def parse(content: bytes, convert: Mapping[str, Convert], ready: Callable[[Tables], bool]) -> Tables | None:
    """Read ``content`` laid out as ``dump`` writes it, converting the records of the tables named
    in ``convert`` as they are read; ``None`` if the content is laid out otherwise.

    Records are converted only once ``ready(tables)`` says so for the tables read so far (the
    ``_meta`` table, written first, says which schema the records follow: an older one is read
    whole and migrated by the caller instead).
    """
    size = len(content)
    pos = _line_after(content, 0, b"{")
    if pos < 0:
        return None
    tables: Tables = {}
    if content[pos:] == b"}\n":
        return tables
    can_convert = False
    while True:
        end = content.find(b"\n", pos)
        opened = _TABLE_OPENS.fullmatch(content, pos, end) if end >= 0 else None
        if opened is None:
            return None
        name = _text(opened.group(1))
        if name is None:
            return None
        if name in convert and not can_convert:
            return None
        to_value = convert.get(name) if can_convert else None
        table: dict[str, Any] = {}
        # The table's records are the lines up to its closing "}" (a line of margin's layout never
        # starts with one otherwise), read a chunk of whole lines at a time: each chunk is a run
        # of the object's members, so wrapped in braces it is JSON that means what it means in
        # the whole file. A chunk cut inside a record (a record over several lines) is not.
        close = content.find(b"\n}", end)
        if close < 0:
            return None
        pos = end + 1
        while pos < close:
            cut = close if close - pos <= CHUNK else content.find(b"\n", pos + CHUNK, close)
            if cut < 0:
                cut = close
            members = content[pos : cut - 1] if cut < close else content[pos:close]
            if cut < close and content[cut - 1] != 0x2C:  # a run of members ends with a comma
                return None
            try:
                records = orjson.loads(b"{" + members + b"}")
            except orjson.JSONDecodeError:
                return None
            if to_value is None:
                table.update(records)
            else:
                for key, record in records.items():
                    table[key] = to_value(key, record)
            pos = cut + 1
        end = content.find(b"\n", close + 1)
        if end < 0:
            return None
        closing = content[close + 1 : end]
        if closing not in (b"}", b"},"):
            return None
        last = closing == b"}"
        tables[name] = table
        if not can_convert:
            can_convert = ready(tables)
        pos = end + 1
        if last:
            break
    if content[pos:size] != b"}\n" and content[pos:size].strip() != b"}":
        return None
    return tables


def _line_after(content: bytes, pos: int, expected: bytes) -> int:
    """Where the line after ``expected`` (a whole line at ``pos``) begins; -1 if it is not there."""
    end = content.find(b"\n", pos)
    if end < 0 or content[pos:end] != expected:
        return -1
    return end + 1


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
