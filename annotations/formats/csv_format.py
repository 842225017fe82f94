"""CSV (RFC 4180, UTF-8, CRLF, header row): one passage a row, for spreadsheets.

Offsets count code points, as in margin JSON. Columns: every passage field,
then the document's path and title, then ``attribute:<name>`` for each attribute.
``--out DIR`` (or ``FILE.zip``) writes ``passages.csv`` and ``relations.csv``.

Safe to open in a spreadsheet: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be taken for a formula (CSV
injection), so it is written with a leading ``'`` as OWASP recommends; numbers
stay numbers. ``margin export --format csv --excel`` adds a UTF-8 byte-order
mark so that Excel reads emoji and Cyrillic as they are.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from ..model import ANNOTATION_FIELDS
from .bundle import ExportBundle, ExportError

NAME = "csv"
EXTENSION = ".csv"
OFFSET_UNIT = "code points"
DESCRIPTION = "one passage a row, header row, RFC 4180"
FIELDS = tuple(f for f in ANNOTATION_FIELDS if f != "attributes")
COLUMNS = (*FIELDS, "document_path", "document_title")  # then one "attribute:<name>" column per attribute
RELATION_COLUMNS = ("id", "from", "to", "type", "annotator", "created", "modified")
FOLDER_OPTIONAL = True  # --out DIR or FILE.zip: passages.csv and relations.csv


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a spreadsheet may safely show it: text that looks like a formula is quoted with '."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _table(header: list[str], rows: list[list[object]], excel: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if excel else "").encode("utf-8") + out.getvalue().encode("utf-8")


def export(bundle: ExportBundle) -> bytes:
    """The passages, one a row (with a column per attribute)."""
    docs = {d.id: d for d in bundle.documents}
    names = sorted({name for p in bundle.passages for name in p.attributes})
    rows = []
    for p in bundle.passages:
        record = p.to_dict()
        doc = docs.get(p.document)
        rows.append([*(cell(record[f]) for f in FIELDS), cell(doc.path if doc else ""),
                     cell(doc.title if doc else ""), *(cell(p.attributes.get(n, "")) for n in names)])
    return _table([*COLUMNS, *(f"attribute:{n}" for n in names)], rows, bool(bundle.options.get("excel")))


def relations_table(bundle: ExportBundle) -> bytes:
    rows = [[cell(v) for v in r.to_dict().values()] for r in bundle.relations]
    return _table(list(RELATION_COLUMNS), rows, bool(bundle.options.get("excel")))


def export_zip(bundle: ExportBundle) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("passages.csv", export(bundle))
        archive.writestr("relations.csv", relations_table(bundle))
    return out.getvalue()


def write_folder(bundle: ExportBundle, folder: Path) -> int:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "passages.csv").write_bytes(export(bundle))
        (folder / "relations.csv").write_bytes(relations_table(bundle))
    except OSError as err:
        raise ExportError(f"cannot write into {folder}: {err.strerror or err}") from err
    return 2
