"""Moving passages out of a store and into one, in any registered format."""

from __future__ import annotations

import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import formats
from .anchoring import SpanMap, anchor, context_score
from .errors import ImportFormatError
from .formats import ExportBundle, ExportError, ImportBundle
from .model import Annotation, Document, Selector, name_problem, safe_document_path, utc_now
from .storage import write_atomic
from .store import AnnotationStore, ImportResult

#: How far ahead of this machine's clock an imported time may be (another machine's clock drifts).
CLOCK_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class Selection:
    """Which passages to export: every filter given must hold."""

    tags: tuple[str, ...] = ()
    document: str | None = None
    annotator: str | None = None
    all_documents: bool = False  # also documents without a passage (for the formats that carry text)
    excel: bool = False  # csv: a byte-order mark, so Excel reads UTF-8


def match_documents(store: AnnotationStore, wanted: str) -> list[Document]:
    """Documents whose path, file name or id (or id prefix, 6+ characters) is ``wanted``."""
    wanted = wanted.strip()
    docs = store.documents()
    exact = [d for d in docs if wanted in (d.id, d.path) or d.path.rsplit("/", 1)[-1] == wanted]
    if exact:
        return exact
    if len(wanted) >= 6:
        return [d for d in docs if d.id.startswith(wanted)]
    return []


def bundle(store: AnnotationStore, selection: Selection, texts: dict[str, str] | None = None,
           corpus: list[Document] | None = None) -> ExportBundle:
    """The passages ``selection`` picks and the documents they belong to.

    With ``selection.all_documents``, also every other document whose text is at hand: those the
    database knows, and those of ``corpus`` (documents read from ``--corpus``).
    """
    doc_ids: set[str] | None = None
    if selection.document is not None:
        doc_ids = {d.id for d in match_documents(store, selection.document)}
    passages = store.annotations(tags=selection.tags or None, annotator=selection.annotator)
    if doc_ids is not None:
        passages = [a for a in passages if a.document in doc_ids]
    used = {a.document for a in passages}
    documents = [store.document(d) or Document(d) for d in sorted(used)]
    if doc_ids is not None:
        documents += [d for i in sorted(doc_ids - used) if (d := store.document(i)) is not None]
    elif selection.all_documents:
        seen = set(used)
        for doc in [*store.documents(), *(corpus or [])]:
            if doc.id not in seen and (texts is None or doc.id in texts):
                seen.add(doc.id)
                documents.append(doc)
    # Exports carry a document's path inside the corpus only, never where it lies on this machine.
    documents = [replace(d, path=safe_document_path(d.path), source="") for d in documents]
    return ExportBundle(documents=documents, passages=passages, exported=utc_now(), texts=texts or {},
                        records=store.records(passages), options={"excel": selection.excel})


def export(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None = None,
           corpus: list[Document] | None = None) -> bytes:
    return render(store, format_name, selection, texts, corpus)[0]


def render(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None = None,
           corpus: list[Document] | None = None) -> tuple[bytes, str]:
    """An export's content, and a note for the user on what it left out ("" if nothing)."""
    picked = bundle(store, selection, texts, corpus)
    content = formats.get(format_name).export(picked)
    return content, left_out_note(picked)


def left_out_note(picked: ExportBundle) -> str:
    count = len(picked.left_out)
    if not count:
        return ""
    return (f"left out {count} passage{'s' if count != 1 else ''} that no longer stand in the text "
            "(orphans; margin's own json/jsonl keep them with \"orphan\": true)")


def export_to(store: AnnotationStore, format_name: str, selection: Selection, destination: Path,
              texts: dict[str, str] | None = None, corpus: list[Document] | None = None) -> str:
    """Write an export to a file (brat: a folder, or a .zip); returns what was written, for the user.

    The one way both ``margin export --out`` and the reader's export dialog write: the file is
    replaced whole or not at all, and a problem is an ``ExportError`` that says where.
    """
    module = formats.get(format_name)
    _refuse_database_files(store, destination)
    if getattr(module, "WRITES_FOLDER", False) and destination.suffix != ".zip":
        picked = bundle(store, selection, texts, corpus)
        count = module.write_folder(picked, destination)
        note = left_out_note(picked)
        return f"wrote {count} files into {destination}" + (f"; {note}" if note else "")
    try:
        mode = destination.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise ExportError(f"cannot write {destination}: {err.strerror or err}") from err
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportError(f"{destination} is a folder; give a file name")
    if mode is not None and not stat.S_ISREG(mode) and not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise ExportError(f"{destination} is not a regular file, a terminal or a pipe; give a file name")
    if mode is None and not destination.parent.is_dir():
        raise ExportError(f"cannot write {destination}: the folder {destination.parent} does not exist")
    content, note = render(store, format_name, selection, texts, corpus)
    try:
        if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written to, never replaced by a file.
            with open(destination, "wb") as fh:
                fh.write(content)
        else:
            write_atomic(destination, content)
    except OSError as err:
        raise ExportError(f"cannot write {destination}: {err.strerror or err}") from err
    return f"wrote {destination}" + (f"; {note}" if note else "")


def _refuse_database_files(store: AnnotationStore, destination: Path) -> None:
    """An export never overwrites the database, its journal, lock, owner note or backups."""
    db = Path(store.path).resolve()
    target = destination.resolve()
    if target.parent == db.parent and (target.name == db.name or target.name.startswith(db.name + ".")
                                       or target.name.startswith(f".{db.name}.")):
        raise ExportError(f"{destination} is the database or one of its files ({db.name}…); "
                          "give another file name (nothing was written)")


@dataclass(frozen=True)
class DocumentText:
    """A document of the corpus as the importer needs it: its cleaned text and offset map."""

    id: str
    path: str
    title: str
    text: str
    to_raw_span: SpanMap | None = None


@dataclass(frozen=True)
class ImportReport:
    format: str
    result: ImportResult
    matched_by_text: int = 0  # passages whose document was found by its text or the passage's
    unmatched: int = 0  # passages whose document is not in the corpus


def _moved(ann: Annotation, doc: DocumentText, start: int, end: int) -> Annotation:
    sel = Selector.from_span(doc.text, start, end)
    raw_start, raw_end = doc.to_raw_span(start, end) if doc.to_raw_span else (start, end)
    return replace(ann, document=doc.id, text=sel.exact, start=start, end=end, prefix=sel.prefix, suffix=sel.suffix,
                   raw_start=raw_start, raw_end=raw_end)


def _resolve(parsed: ImportBundle, store: AnnotationStore, corpus: list[DocumentText]) -> tuple[list[Annotation], list[Document], int, int]:
    """Point every passage at a document of the corpus where one matches; say how many did and did not."""
    by_id = {d.id: d for d in corpus}
    by_text = {d.text: d for d in corpus}
    documents = [replace(d, path=safe_document_path(d.path)) for d in parsed.documents]
    passages: list[Annotation] = []
    matched = unmatched = 0
    new_docs: dict[str, Document] = {}
    titles: dict[str, str] = {}  # per document, once: a text may carry a million passages
    for ann in parsed.passages:
        if ann.document in by_id or store.document(ann.document) is not None:
            passages.append(ann)
            continue
        full = parsed.texts.get(ann.document)
        if full is not None:
            doc = by_text.get(full)
            if doc is not None:
                passages.append(_moved(ann, doc, ann.start, ann.end))
                matched += 1
                continue
            # Not in the corpus: keep it under a document of its own, remembered by its first line.
            if ann.document not in titles:
                titles[ann.document] = _first_line(full)
                new_docs[ann.document] = Document(ann.document, path="", title=titles[ann.document])
            passages.append(ann)
            unmatched += 1
            continue
        # Only the passage is known: look for its quote in the corpus.
        hits = [(d, i) for d in corpus if (i := d.text.find(ann.text)) >= 0] if ann.text else []
        if hits:
            scored = []
            for d, _ in hits:
                found = anchor(d.text, replace(ann, start=min(ann.start, len(d.text)), end=min(ann.end, len(d.text))))
                if found is not None:
                    scored.append((d, found))
            if scored:
                doc, found = scored[0] if len(scored) == 1 else max(
                    scored, key=lambda s: context_score(s[0].text, s[1].start, s[1].end, ann))
                passages.append(_moved(ann, doc, found.start, found.end))
                matched += 1
                continue
        passages.append(ann)
        unmatched += 1
    return passages, documents + list(new_docs.values()), matched, unmatched


def check_imported(passages: list[Annotation]) -> None:
    """What a file says of its passages must be believable, else the file is refused whole:
    tags and annotators a terminal can show, times that are times and not in the future."""
    latest = datetime.now(UTC) + CLOCK_SKEW
    names: dict[tuple[str, str], str | None] = {}
    stamps: dict[str, str | None] = {}  # most passages of a file share a handful of names and times

    def time_problem(name: str, stamp: str) -> str | None:
        if stamp not in stamps:
            try:
                when = datetime.fromisoformat(stamp)
            except ValueError:
                stamps[stamp] = "is not an ISO-8601 time"
            else:
                when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
                stamps[stamp] = "is in the future (it would win every later merge)" if when > latest else None
        found = stamps[stamp]
        return f"{name} {stamp[:40]!r} {found}" if found else None

    for number, ann in enumerate(passages, start=1):
        key = (ann.tag, ann.annotator)
        if key not in names:
            names[key] = name_problem("tag", ann.tag) or name_problem("annotator", ann.annotator)
        problem = names[key]
        if not problem and ann.created:
            problem = time_problem("created", ann.created)
        if not problem and ann.modified:
            problem = time_problem("modified", ann.modified)
        if problem:
            raise ImportFormatError(f"passage {number}: {problem}")


def _first_line(text: str) -> str:
    """The first non-blank line of ``text`` (at most 200 characters), without splitting all of it."""
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line:
            return line[:200]
        pos = end + 1
    return ""


def import_bytes(
    store: AnnotationStore, content: bytes, format_name: str | None = None, corpus: list[DocumentText] | None = None
) -> ImportReport:
    """Read ``content`` whole, check every item, then add it all in one durable step."""
    if not content.strip():
        raise ImportFormatError("the file is empty")
    name = format_name or formats.detect(content)
    module = formats.get(name)
    if not hasattr(module, "import_"):
        raise ImportFormatError(f"format {name!r} can be exported but not imported")
    parsed = module.import_(content)
    check_imported(parsed.passages)
    passages, documents, matched, unmatched = _resolve(parsed, store, corpus or [])
    return ImportReport(name, store.merge(passages, documents), matched, unmatched)

