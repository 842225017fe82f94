"""CSV (RFC 4180, UTF-8, CRLF, header row): one passage a row, for spreadsheets.

Offsets count code points, as in margin JSON. Columns: every passage field,
then the document's path and title.
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


def export(bundle: ExportBundle) -> bytes:
    docs = {d.id: d for d in bundle.documents}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for p in bundle.passages:
        record = p.to_dict()
        doc = docs.get(p.document)
        row = [str(record[f]).lower() if isinstance(record[f], bool) else record[f] for f in ANNOTATION_FIELDS]
        writer.writerow([*row, doc.path if doc else "", doc.title if doc else ""])
    return out.getvalue().encode("utf-8")
