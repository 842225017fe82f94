"""brat standoff: a ``.txt`` (the cleaned text) and an ``.ann`` per document, in a folder or a zip.

``T1<TAB>claim 10 42<TAB>the passage`` — offsets count code points (brat is
Python). A passage that crosses a line end is written as fragments
(``10 20;21 42``), as brat requires; a note becomes ``#1<TAB>AnnotatorNotes T1<TAB>…``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..model import Annotation, Relation
from .bundle import ExportBundle, ExportError

NAME = "brat"
EXTENSION = ".zip"
OFFSET_UNIT = "code points"
DESCRIPTION = "brat standoff .txt/.ann pairs (folder, or .zip)"
WRITES_FOLDER = True


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, pos = [], start
    for m in re.finditer("\n", text[start:end]):
        cut = start + m.start()
        if cut > pos:
            pieces.append((pos, cut))
        pos = cut + 1
    if end > pos:
        pieces.append((pos, end))
    return pieces or [(start, end)]


def _clean_type(tag: str) -> str:
    """brat entity types cannot hold spaces or tabs."""
    return re.sub(r"[\s]+", "_", tag)


def ann_lines(text: str, passages: list[Annotation], relations: list[Relation] | None = None) -> str:
    """T lines for passages (with # notes and A attributes), R lines for relations between them."""
    lines = []
    number: dict[str, int] = {}
    attribute_count = 0
    for n, p in enumerate(passages, start=1):
        number[p.id] = n
        frags = _fragments(text, p.start, p.end)
        spans = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(text[a:b] for a, b in frags)
        lines.append(f"T{n}\t{_clean_type(p.tag)} {spans}\t{shown}")
        if p.note:
            lines.append(f"#{n}\tAnnotatorNotes T{n}\t{' '.join(p.note.split())}")
        for name, value in p.attributes.items():
            attribute_count += 1
            lines.append(f"A{attribute_count}\t{_clean_type(name)} T{n} {_clean_type(value)}")
    for k, rel in enumerate([r for r in relations or [] if r.from_id in number and r.to_id in number], start=1):
        lines.append(f"R{k}\t{_clean_type(rel.type)} Arg1:T{number[rel.from_id]} Arg2:T{number[rel.to_id]}")
    return "".join(line + "\n" for line in lines)


def annotation_conf(tags: list[str], schema: dict | None = None, relations: list[Relation] | None = None,
                    attributes: dict[str, set[str]] | None = None) -> str:
    """brat's ``annotation.conf``: the tags as entity types, the relations and attributes in use (with
    what the schema allows), so the folder opens in brat with its types configured."""
    relation_lines = []
    known = {r["name"]: r for r in (schema or {}).get("relations", [])}
    for name in sorted({r.type for r in relations or []}):
        spec = known.get(name, {})
        arg1 = "|".join(map(_clean_type, spec.get("from") or [])) or "<ENTITY>"
        arg2 = "|".join(map(_clean_type, spec.get("to") or [])) or "<ENTITY>"
        relation_lines.append(f"{_clean_type(name)}\tArg1:{arg1}, Arg2:{arg2}")
    attribute_lines = [f"{_clean_type(name)}\tArg:<ENTITY>, Value:{'|'.join(sorted(map(_clean_type, values)))}"
                       for name, values in sorted((attributes or {}).items())]
    lines = ["# margin's tags, as brat entity types", "[entities]", *sorted(dict.fromkeys(map(_clean_type, tags))),
             "", "[relations]", *relation_lines, "# margin's passages may overlap and nest",
             "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]",
             *attribute_lines, ""]
    return "\n".join(lines) + "\n"


def _files(bundle: ExportBundle) -> list[tuple[str, str]]:
    values: dict[str, set[str]] = {}
    for p in bundle.passages:
        for name, value in p.attributes.items():
            values.setdefault(name, set()).add(value)
    conf = annotation_conf([p.tag for p in bundle.passages], bundle.schema, bundle.relations, values)
    files, used = [("annotation.conf", conf)], {"annotation"}
    for doc, passages in bundle.by_document():
        text = bundle.text_of(doc, NAME)
        passages = bundle.placed(text, passages)
        stem = re.sub(r"[^\w.-]+", "_", Path(doc.path).stem if doc.path else doc.id[:16]) or doc.id[:16]
        while stem in used:
            stem += "_" + doc.id[:6]
        used.add(stem)
        files.append((f"{stem}.txt", text))
        files.append((f"{stem}.ann", ann_lines(text, passages, bundle.relations)))
    return files


def export(bundle: ExportBundle) -> bytes:
    """A zip of the .txt/.ann pairs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _files(bundle):
            archive.writestr(name, content.encode("utf-8"))
    return out.getvalue()


def write_folder(bundle: ExportBundle, folder: Path) -> int:
    """Write the pairs into ``folder`` (created if needed); returns how many files were written."""
    files = _files(bundle)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files:
            (folder / name).write_text(content, encoding="utf-8", newline="\n")
    except OSError as err:
        raise ExportError(f"cannot write into {folder}: {err.strerror or err}") from err
    return len(files)
