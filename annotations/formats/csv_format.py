"""CSV (RFC 4180, UTF-8, CRLF, header row): one passage a row, for spreadsheets.

Offsets count code points, as in margin JSON. Columns: every passage field,
then the document's path and title.

Safe to open in a spreadsheet: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be taken for a formula (CSV
injection), so it is written with a leading ``'`` as OWASP recommends; numbers
stay numbers. ``margin export --format csv --excel`` adds a UTF-8 byte-order
mark so that Excel reads emoji and Cyrillic as they are.
"""

from __future__ import annotations

import csv
import io

from ..model import ANNOTATION_FIELDS
from .bundle import ExportBundle

NAME = "csv"
EXTENSION = ".csv"
OFFSET_UNIT = "code points"
DESCRIPTION = "one passage a row, header row, RFC 4180"
COLUMNS = (*ANNOTATION_FIELDS, "document_path", "document_title")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a spreadsheet may safely show it: text that looks like a formula is quoted with '."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export(bundle: ExportBundle) -> bytes:
    excel = bool(bundle.options.get("excel"))
    docs = {d.id: d for d in bundle.documents}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for p in bundle.passages:
        record = p.to_dict()
        doc = docs.get(p.document)
        row = [cell(record[f]) for f in ANNOTATION_FIELDS]
        writer.writerow([*row, cell(doc.path if doc else ""), cell(doc.title if doc else "")])
    return ("\ufeff" if excel else "").encode("utf-8") + out.getvalue().encode("utf-8")
