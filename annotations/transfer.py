"""Moving passages out of a store and into one, in any registered format."""

from __future__ import annotations

import stat
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path

from . import formats
from .formats import ExportBundle, ExportError
from .model import Document, safe_document_path, utc_now
from .storage import write_atomic
from .store import AnnotationStore


@dataclass(frozen=True)
class Selection:
    """Which passages to export: every filter given must hold."""

    tags: tuple[str, ...] = ()
    document: str | None = None
    annotator: str | None = None
    all_documents: bool = False  # also documents without a passage (for the formats that carry text)
    excel: bool = False  # csv: a byte-order mark, so Excel reads UTF-8
    ls_email_domain: str = ""  # labelstudio: write completed_by as annotator@domain


def match_documents(store: AnnotationStore, wanted: str) -> list[Document]:
    """Documents whose path, file name or id (or id prefix, 6+ characters) is ``wanted``."""
    wanted = wanted.strip()
    docs = store.documents()
    exact = [d for d in docs if wanted in (d.id, d.path) or d.path.rsplit("/", 1)[-1] == wanted]
    live = [d for d in exact if d.source]
    if len(exact) > 1 and len(live) == 1:
        return live  # earlier versions of a changed file keep its path, but not its file
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
    used = set(map(attrgetter("document"), passages))  # in C: an export may hold a million passages
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
    relations = store.relations()
    if relations:  # those between two passages exported
        exported = set(map(attrgetter("id"), passages))
        relations = [r for r in relations if r.from_id in exported and r.to_id in exported]
    return ExportBundle(documents=documents, passages=passages, exported=utc_now(), texts=texts or {},
                        options={"excel": selection.excel, "ls_email_domain": selection.ls_email_domain},
                        relations=relations, schema=store.schema())


def export(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None = None,
           corpus: list[Document] | None = None) -> bytes:
    return render(store, format_name, selection, texts, corpus)[0]


def render(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None = None,
           corpus: list[Document] | None = None) -> tuple[bytes, str]:
    """An export's content, and a note for the user on what it left out ("" if nothing)."""
    picked, content = _rendered(store, format_name, selection, texts, corpus)
    return content, left_out_note(picked)


def _rendered(store: AnnotationStore, format_name: str, selection: Selection, texts: dict[str, str] | None,
              corpus: list[Document] | None) -> tuple[ExportBundle, bytes]:
    picked = bundle(store, selection, texts, corpus)
    return picked, formats.get(format_name).export(picked)


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
    folder_wanted = getattr(module, "FOLDER_OPTIONAL", False) and (destination.is_dir() or not destination.suffix)
    if getattr(module, "FOLDER_OPTIONAL", False) and destination.suffix == ".zip":
        picked = bundle(store, selection, texts, corpus)
        try:
            write_atomic(destination, module.export_zip(picked))
        except OSError as err:
            raise ExportError(f"cannot write {destination}: {err.strerror or err}") from err
        return f"wrote {destination}"
    if (getattr(module, "WRITES_FOLDER", False) and destination.suffix != ".zip") or folder_wanted:
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
    picked, content = _rendered(store, format_name, selection, texts, corpus)
    note = left_out_note(picked)
    extra = ""
    if hasattr(module, "labeling_config") and (mode is None or stat.S_ISREG(mode)):
        # Label Studio: the project's labelling config beside the tasks, to create the project from.
        config = destination.with_name(destination.stem + ".labelconfig.xml")
        try:
            write_atomic(config, module.labeling_config(picked).encode("utf-8"))
        except OSError as err:
            raise ExportError(f"cannot write {config}: {err.strerror or err}") from err
        extra = f" and its labelling config {config.name}"
    try:
        if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written to, never replaced by a file.
            with open(destination, "wb") as fh:
                fh.write(content)
        else:
            write_atomic(destination, content)
    except OSError as err:
        raise ExportError(f"cannot write {destination}: {err.strerror or err}") from err
    return f"wrote {destination}{extra}" + (f"; {note}" if note else "")


def _refuse_database_files(store: AnnotationStore, destination: Path) -> None:
    """An export never overwrites the database, its journal, lock, owner note or backups."""
    db = Path(store.path).resolve()
    target = destination.resolve()
    if target.parent == db.parent and (target.name == db.name or target.name.startswith(db.name + ".")
                                       or target.name.startswith(f".{db.name}.")):
        raise ExportError(f"{destination} is the database or one of its files ({db.name}…); "
                          "give another file name (nothing was written)")


# Importing lives in ``importing``; its names are kept here for callers of this module.
from .importing import DocumentText, ImportReport, import_bytes  # noqa: E402

__all__ = ["DocumentText", "ImportReport", "Selection", "bundle", "export", "export_to", "import_bytes",
           "match_documents", "render"]
