"""Finding and reading documents: folders, encodings, bad files, ids and titles.

A document is known by the SHA-256 of its raw bytes (so the same article under
two names is one document) and remembered by its path relative to the corpus
root. Files that cannot be read as text are skipped with a one-line reason;
the others still load.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .html import HTML_SUFFIXES, declared_charset, html_to_text

if TYPE_CHECKING:
    from annotations.importing import DocumentText
    from annotations.store import AnnotationStore

    from .cleaning import Cleaned

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A reading of at least this many unremembered files (a first start on a large corpus) is shared
# among processes, one per core: starting them costs a fraction of a second, cleaning is most of
# the work, and one interpreter cleans one file at a time.
PARALLEL_FROM = 1000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def seeds_path() -> Path:
    """The bundled corpus: ``seeds/`` beside the package in a checkout, or installed with it."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "seeds", here / "seeds"):
        if candidate.is_dir():
            return candidate
    return here.parent / "seeds"


@cache
def cleaner_version() -> str:
    """Changes whenever the cleaner does: the hash of its source.

    The database remembers it with each document's title and word count; with the same
    version they are taken from there, and a document is cleaned only when it is opened.
    Empty when the source cannot be read: then nothing is taken on trust.
    """
    try:
        source = Path(__file__).with_name("cleaning.py").read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(source).hexdigest()[:16]


class KnownTitles(Mapping[str, tuple[str, int]]):
    """Title and word count of each document the database remembers from this same cleaner, by id:
    asked of the database as each document is read (a copy of them all would be one more entry
    per document of a library of 50,000)."""

    def __init__(self, store: AnnotationStore) -> None:
        self._store = store
        self._version = cleaner_version()

    def get(self, doc_id: str, default: tuple[str, int] | None = None) -> tuple[str, int] | None:  # type: ignore[override]
        """One question to the database per document (not one to ask, another to take)."""
        doc = self._store.document(doc_id) if self._version else None
        if doc is None or doc.cleaner != self._version or not doc.title:
            return default
        return doc.title, doc.words

    def __getitem__(self, doc_id: str) -> tuple[str, int]:
        found = self.get(doc_id)
        if found is None:
            raise KeyError(doc_id)
        return found

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.get(doc_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (d.id for d in self._store.documents() if d.id in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def known_titles(store: AnnotationStore) -> Mapping[str, tuple[str, int]]:
    """Title and word count of each document the database remembers from this same cleaner: asked
    as needed of a database in this process, copied at once from another's (``margin serve``'s
    store, where each question is a round trip)."""
    from annotations.store import AnnotationStore

    if isinstance(store, AnnotationStore):
        return KnownTitles(store)
    version = cleaner_version()
    if not version:
        return {}
    return {d.id: (d.title, d.words) for d in store.documents() if d.cleaner == version and d.title}


def line_overrides(store: AnnotationStore) -> dict[str, dict[int, bool]]:
    """Each document's overrides of the cleaner (document id → raw line → keep), where it has any."""
    return {d.id: d.line_overrides() for d in store.documents() if d.overrides}


# What the database remembers of a file, by its resolved path: (id, size, mtime, encoding).
KnownFile = tuple[str, int, int, str]


def known_files(store: AnnotationStore) -> dict[str, KnownFile]:
    """Resolved path → (id, size, mtime, encoding) of each file the database remembers from this
    same cleaner: unchanged (same size and time), it is listed without being read, hashed or
    cleaned. A file whose encoding is not remembered (a database from before schema 5) is read
    once more, and remembered with it from then on."""
    version = cleaner_version()
    if not version:
        return {}
    return {d.source: (d.id, d.size, d.mtime, d.encoding) for d in store.documents()
            if d.source and d.cleaner == version and d.title and d.size >= 0 and d.encoding}


def normalise_newlines(text: str) -> str:
    if "\r" not in text:  # most files: one look, no copy
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Single-byte code pages that charset detection confuses: the same bytes decode to plausible letters
# in both families ("crème" as cp1250 is "crčme"). The words around them tell the language.
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
_CENTRAL = ("cp1250", "iso8859_2", "mac_latin2", "cp1257", "iso8859_10", "iso8859_13", "cp775")
_WESTERN_WORDS = frozenset(
    "the and of to in is that for with was on are by this from le la les des et est une dans pour que qui "
    "der die das und ist nicht mit von den el los las del por con una para como il di che è per della "
    "het een van en niet zijn op o os do da em não".split()
)
_CENTRAL_WORDS = frozenset(
    "a je se na že to v ve s z do pro jak ale by jsou které nie się jest że w z na do to jak ale są "
    "és az egy hogy nem is meg de van ez le je i u na da se za od su što ili".split()
)


def _west_or_central(data: bytes, guess: str) -> str:
    """Between a Western and a Central European code page, the one the text's own words speak for."""
    family = _WESTERN if guess in _WESTERN else _CENTRAL if guess in _CENTRAL else None
    if family is None:
        return guess
    words = [w.lower() for w in data[:200_000].decode("ascii", "ignore").split()]
    western = sum(w in _WESTERN_WORDS for w in words)
    central = sum(w in _CENTRAL_WORDS and w not in _WESTERN_WORDS for w in words)
    other = "cp1252" if family is _CENTRAL and western > 2 * central else (
        "cp1250" if family is _WESTERN and central > 2 * western else None)
    if other is None:
        return guess
    try:
        data.decode(other)
    except UnicodeDecodeError:
        return guess
    return other


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str | None, str]:
    """Decode a file's bytes to text, or say in a few words why it is not text.

    ``encoding`` (``--encoding``) forces one; else a byte-order mark, else UTF-8, else detection.
    """
    if not data.strip():
        return None, "empty file"
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            return None, f"not {encoding}: undecodable byte at {err.start}"
        except LookupError:
            return None, f"unknown encoding {encoding!r}"
        return _checked(normalise_newlines(text), encoding)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                return None, f"bad {encoding.upper()} at byte {err.start}"
            return _checked(normalise_newlines(text), encoding)
    try:
        return _checked(normalise_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:65536]:
        return None, "binary file (contains NUL bytes)"
    from charset_normalizer import from_bytes  # only for files that are not UTF-8: it takes a while to import

    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    if best is None or best.encoding is None:
        return None, "binary file or unknown encoding"
    chosen = _west_or_central(data, best.encoding)
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError):
        return None, f"cannot decode as {chosen}"
    return _checked(normalise_newlines(text), chosen)


def decode_page(data: bytes, encoding: str | None = None, *, html: bool = False) -> tuple[str | None, str]:
    """A file's text: decoded, and for an HTML page converted to text (``html``, or when it looks like one
    and is not plain text); or why it cannot be read."""
    if not html:
        return decode_bytes(data, encoding)
    declared = None if encoding else declared_charset(data)
    text, how = decode_bytes(data, encoding or declared)
    if text is None and declared:
        text, how = decode_bytes(data)  # the page's own charset is wrong: detection decides
    if text is None:
        return None, how
    try:
        converted = html_to_text(text)
    except Exception as err:  # a page inscriptis cannot parse is skipped like any unreadable file
        return None, f"not readable as HTML ({type(err).__name__})"
    if not converted.strip():
        return None, "an HTML page without text"
    return converted, f"html, {how}"


def _checked(text: str, encoding: str) -> tuple[str | None, str]:
    if not text.strip():
        return None, "empty file (only whitespace)"
    if "\x00" in text:
        return None, "binary file (contains NUL characters)"
    return text, encoding


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


_LOCK_MAKING = threading.Lock()


class SourceDocument:
    """One readable file of the corpus.

    Its raw text is read, and its cleaned text computed, when first needed: a document the
    database remembers (same file, same size and modification time, same cleaner) is listed
    from the database alone. Cleaning happens once, even when two threads ask at the same time
    (the reader's opening and its background preparation): the lock makes it explicit, since
    ``functools.cached_property`` no longer locks from Python 3.12 on.

    Slots, not a dict per document: a library of 50,000 keeps one of these for each file.
    """

    # How many times any document was cleaned again with other overrides (its title and words may
    # have changed): a library looks at its titles again only when this moved.
    recleaned = 0

    __slots__ = (
        "_cleaned",
        "_file",
        "_lock_made",
        "_max_bytes",
        "_raw",
        "_source",
        "_title",
        "_words",
        "encoding",
        "id",
        "mtime",
        "overrides",
        "path",
        "size",
    )

    def __init__(self, id: str, path: str, file: Path | str, raw: str | None, encoding: str = "utf-8",
                 size: int = -1, mtime: int = -1, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.id = id
        self.path = path
        self._file = file  # a Path when asked for: a library of 50,000 remembered files needs none
        self.encoding = encoding
        self.size = size  # the file's size and modification time (ns) when it was read or checked
        self.mtime = mtime
        self._raw = raw
        self._cleaned: Cleaned | None = None
        self._lock_made: threading.RLock | None = None
        self._max_bytes = max_bytes
        self.overrides: dict[int, bool] = {}  # the annotator's word over the cleaner's, by raw line
        self._source: str | None = None
        self._title: str | None = None  # from the database, or the cleaned text once it is made
        self._words: int | None = None

    def __repr__(self) -> str:
        return f"SourceDocument(id={self.id[:12]}…, path={self.path!r})"

    @property
    def file(self) -> Path:
        file = self._file
        if not isinstance(file, Path):
            file = self._file = Path(file)
        return file

    @property
    def _lock(self) -> threading.RLock:
        """This document's lock, made when first needed (most listed documents are never opened)."""
        lock = self._lock_made
        if lock is None:
            with _LOCK_MAKING:
                if self._lock_made is None:
                    self._lock_made = threading.RLock()
                lock = self._lock_made
        return lock

    @property
    def source(self) -> str:
        """The file's resolved path, as the database remembers it (known from the folder walk when it can be)."""
        if self._source is None:
            self._source = str(self.file.resolve())
        return self._source

    @property
    def raw(self) -> str:
        if self._raw is None:
            with self._lock:
                if self._raw is None:
                    self._raw = self._read_again()
        return self._raw

    def _read_again(self) -> str:
        """A remembered file, read only now that its text is needed."""
        found = read_document(self.file, self.path, self._max_bytes)
        if isinstance(found, Skipped):
            raise OSError(f"{self.path}: {found.reason}")
        self.encoding = found.encoding
        return found.raw

    @property
    def cleaned(self) -> Cleaned:
        cleaned = self._cleaned
        if cleaned is None:
            with self._lock:
                if self._cleaned is None:
                    from .cleaning import clean  # imported on first use: a start on known documents needs no cleaner

                    self._cleaned = clean(self.raw, self.overrides or None)
                cleaned = self._cleaned
        return cleaned

    @property
    def is_cleaned(self) -> bool:
        return self._cleaned is not None

    def remember(self, title: str, words: int) -> None:
        """Take the title and word count from the database instead of cleaning the text for them."""
        self._title = title
        self._words = words

    @property
    def is_listed(self) -> bool:
        """Its title and word count are known (from the database, or a process that cleaned it)."""
        return self._title is not None and self._words is not None

    def reclean(self, overrides: dict[int, bool]) -> None:
        """Clean again with the annotator's overrides (the raw text is kept)."""
        SourceDocument.recleaned += 1
        with self._lock:
            self.overrides = dict(overrides)
            self._cleaned = None
            self._title = self._words = None

    def forget_text(self) -> None:
        """Keep only what the library shows (title, words): the text is read again when opened."""
        self._title, self._words = self.title, self.words
        with self._lock:
            self._raw = None
            self._cleaned = None

    @property
    def text(self) -> str:
        return self.cleaned.text

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the cleaned text as offsets into the raw text (the editing session needs it)."""
        return self.cleaned.to_raw_span(start, end)

    @property
    def title(self) -> str:
        title = self._title
        if title is None:
            title = self._title = self._title_of_text()
        return title

    def _title_of_text(self) -> str:
        for line in self.text.split("\n", 20)[:20]:
            if line.strip():
                # A Markdown heading's "#" marks are not part of its title.
                return line.strip().lstrip("#").strip()[:200] or line.strip()[:200]
        return self.file.name

    @property
    def words(self) -> int:
        words = self._words
        if words is None:
            words = self._words = self.cleaned.words
        return words


@dataclass
class Corpus:
    documents: list[SourceDocument] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    in_processes: int = 0  # files read and cleaned by worker processes (the others in the loader's thread)

    def by_id(self, doc_id: str) -> SourceDocument | None:
        # Documents are only ever appended (a loader may still be adding them): index the new ones.
        index = self.__dict__.setdefault("_index", {})
        documents = self.documents
        if len(index) < len(documents):
            for doc in documents[len(index):]:
                index[doc.id] = doc
        elif len(index) > len(documents):  # the list was replaced: index it again
            index.clear()
            index.update((d.id, d) for d in documents)
        return index.get(doc_id)


def read_document(file: Path | str, shown_as: str, max_bytes: int = DEFAULT_MAX_BYTES,
                  encoding: str | None = None) -> SourceDocument | Skipped:
    """Read one file; only a regular file, and never more than ``max_bytes`` (a device or a pipe
    named as a document — ``/dev/zero``, a FIFO — is skipped, not read forever).

    ``file`` may stay a string: a first start reads 50,000 of them, and a ``Path`` each costs more
    than hashing the file."""
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            return Skipped(shown_as, "not a regular file")
        if info.st_size > max_bytes:
            return Skipped(shown_as, f"larger than {max_bytes / 1024 / 1024:g} MB ({info.st_size / 1024 / 1024:.1f} MB)")
        with open(file, "rb") as fh:
            # As much as the file holds, and a byte more to see if it grew: asking for the most
            # allowed would make the buffer of that size for every small file.
            data = fh.read(min(info.st_size, max_bytes) + 1)
            if len(data) > info.st_size:
                data += fh.read(max_bytes + 1 - len(data))
        if len(data) > max_bytes:
            return Skipped(shown_as, f"larger than {max_bytes / 1024 / 1024:g} MB")
    except OSError as err:
        return Skipped(shown_as, f"unreadable: {err.strerror or err}")
    text, how = decode_page(data, encoding, html=os.path.splitext(file)[1].lower() in HTML_SUFFIXES)
    if text is None:
        return Skipped(shown_as, how)
    return SourceDocument(hashlib.sha256(data).hexdigest(), shown_as, file, text, how, info.st_size, info.st_mtime_ns,
                          max_bytes=max_bytes)


def _files_of(path: Path) -> list[tuple[Path | str, str, str | None]]:
    """(file, path shown to the user, resolved path if known without asking the disk) for a folder
    or a file argument, in path order.

    A folder is walked with ``os.scandir``, whose entries say what they are without a ``stat``
    each: at 50,000 files this is most of what listing a remembered corpus costs. Folders linked
    to are not entered (as ``Path.rglob`` does not); a file that is a link is resolved on use.
    """
    if not path.is_dir():
        return [(path, path.name, None)]
    base = str(path.resolve())
    found: list[tuple[Path | str, str, str | None]] = []
    folders = [("", str(path))]
    while folders:
        relative, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            shown = relative + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((shown + "/", entry.path))
                elif entry.is_file() and os.path.splitext(entry.name)[1].lower() in TEXT_SUFFIXES:
                    resolved = None if entry.is_symlink() else os.path.join(base, shown)
                    found.append((entry.path, shown, resolved))
            except OSError:
                continue
    # As Path objects sort, part by part: the separator below every character a name can hold.
    found.sort(key=lambda item: item[1].replace("/", "\0"))
    return found


def load_corpus(
    paths: tuple[Path, ...] | list[Path] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
    known: Mapping[str, tuple[str, int]] | None = None,
    encoding: str | None = None,
    files: Mapping[str, KnownFile] | None = None,
    keep_text: bool = True,
    overrides: Mapping[str, dict[int, bool]] | None = None,
    into: Corpus | None = None,
    workers: int | None = None,
) -> Corpus:
    """Read and clean every document under ``paths`` (default: the bundled seeds).

    ``encoding`` (``--encoding``) reads every file in that encoding instead of detecting it.
    ``files`` (see ``known_files``): a remembered file with the same size and modification time is
    not even read. ``keep_text=False`` forgets each text once its title and words are known (the
    reader keeps only what the library shows; a document is read again when opened).

    ``progress(done, total)`` is called after each file, for a progress bar. Documents in
    ``known`` (id → title, words; see ``known_titles``) are not cleaned until first used.
    ``into``: the corpus to fill, which another thread may show as it grows (documents are
    only appended to it). ``workers``: processes that read and clean at once (default: one per
    core when at least ``PARALLEL_FROM`` files are read and their text is not kept; 0 or 1: this
    thread only).
    """
    known = known or {}
    corpus = into if into is not None else Corpus()
    seen: set[str] = set()
    found_files: list[tuple[Path | str, str, str | None]] = []
    for path in paths or (seeds_path(),):
        if not path.exists():
            corpus.skipped.append(Skipped(str(path), "no such file or folder"))
            continue
        found_files += _files_of(path)
    remembered = files or {}
    ahead = [(_remembered(file, shown, remembered, known, max_bytes, resolved) if remembered and not encoding else None)
             for file, shown, resolved in found_files]
    unread = [(str(file), shown, max_bytes, encoding) for (file, shown, _), doc in zip(found_files, ahead, strict=True)
              if doc is None]
    if workers is None:
        workers = _cores() if not keep_text and len(unread) >= PARALLEL_FROM else 0
    answers = None
    counted = [0]  # answers that came from other processes
    if workers > 1:
        from .measuring import answered

        answers = answered("reader.corpus", unread, workers, _measure_file, counted)
    try:
        for done, ((file, shown, resolved), found) in enumerate(zip(found_files, ahead, strict=True), start=1):
            from_database = found is not None  # its title and words are the database's already
            if found is None and answers is not None:
                found = _from_measure(next(answers), file, shown, max_bytes)
                if not isinstance(found, Skipped) and overrides and found.id in overrides:
                    found = None  # cleaned again below, with the annotator's overrides
            if found is None:
                found = read_document(Path(file), shown, max_bytes, encoding)
            if isinstance(found, Skipped):
                corpus.skipped.append(found)
            elif found.id not in seen:
                seen.add(found.id)
                if resolved is not None:
                    found._source = resolved
                if overrides and found.id in overrides:
                    found.overrides = dict(overrides[found.id])
                listed = None if from_database else known.get(found.id)
                if listed is not None:
                    found.remember(*listed)
                elif not found.is_listed:
                    found.cleaned  # noqa: B018 - clean now, in the loader's thread, not when first shown
                    if not keep_text:
                        found.forget_text()
                corpus.documents.append(found)
            if progress is not None:
                progress(done, len(found_files))
    finally:
        if answers is not None:
            answers.close()  # no reading process is left running, however the loop ended
            corpus.in_processes += counted[0]
    return corpus


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _measure_file(item: list | tuple) -> list | dict:
    """Read and clean one file (``[file, path shown, max bytes, encoding asked]``) and keep only what
    the library shows: ``[id, encoding, size, mtime, title, words]``, or ``{"skipped": [path, reason]}``.
    What a reading process answers (``python -m reader.corpus``), and the loader when it cannot."""
    file, shown, max_bytes, encoding = item
    found = read_document(file, shown, max_bytes, encoding)
    if isinstance(found, Skipped):
        return {"skipped": [found.path, found.reason]}
    return [found.id, found.encoding, found.size, found.mtime, found.title, found.words]


def _from_measure(answer: list | dict, file: Path | str, shown: str, max_bytes: int) -> SourceDocument | Skipped:
    if isinstance(answer, dict):
        return Skipped(*answer["skipped"])
    doc_id, encoding, size, mtime, title, words = answer
    doc = SourceDocument(doc_id, shown, file, None, encoding, size, mtime, max_bytes=max_bytes)  # a Path when asked
    doc.remember(title, words)
    return doc


def _remembered(file: Path | str, shown: str, files: Mapping[str, KnownFile],
                known: Mapping[str, tuple[str, int]], max_bytes: int, resolved: str | None = None) -> SourceDocument | None:
    """A document the database remembers, unchanged on disk: made from the database, not the file."""
    try:
        entry = files.get(resolved or str(Path(file).resolve()))
        if entry is None:
            return None
        doc_id, size, mtime, encoding = entry
        info = os.stat(resolved or file)
    except OSError:
        return None
    listed = known.get(doc_id) if (info.st_size, info.st_mtime_ns) == (size, mtime) else None
    if listed is None:
        return None
    doc = SourceDocument(doc_id, shown, file, None, encoding, size, mtime, max_bytes=max_bytes)
    doc.remember(*listed)
    return doc


def document_texts(corpus: Corpus) -> list[DocumentText]:
    """The corpus as the data core's importer and exporters see it: cleaned text and offset map."""
    from annotations.importing import DocumentText

    return [DocumentText(d.id, d.path, d.title, d.text, d.cleaned.to_raw_span, d.source)
            for d in corpus.documents]


def known_documents(store: AnnotationStore, paths: tuple[Path, ...] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """The documents named by ``paths``, else the files the database remembers (still unchanged on disk)."""
    if paths:
        return load_corpus(paths, max_bytes, overrides=line_overrides(store))
    corpus = Corpus()
    for doc in store.documents():
        if not doc.source:
            continue
        found = read_document(Path(doc.source), doc.path or Path(doc.source).name, max_bytes)
        if isinstance(found, SourceDocument) and found.id == doc.id:
            found.overrides = doc.line_overrides()
            corpus.documents.append(found)
    return corpus


if __name__ == "__main__":  # a reading process of a first start (see reader/measuring.py)
    from reader.measuring import serve

    serve(_measure_file)
