"""Finding and reading documents: folders, encodings, bad files, ids and titles.

A document is known by the SHA-256 of its raw bytes (so the same article under
two names is one document) and remembered by its path relative to the corpus
root. Files that cannot be read as text are skipped with a one-line reason;
the others still load.
"""

from __future__ import annotations

import codecs
import hashlib
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotations.importing import DocumentText
    from annotations.store import AnnotationStore

    from .cleaning import Cleaned

TEXT_SUFFIXES = (".txt", ".md")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
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


def known_titles(store: AnnotationStore) -> dict[str, tuple[str, int]]:
    """Title and word count of each document the database remembers from this same cleaner."""
    version = cleaner_version()
    if not version:
        return {}
    return {d.id: (d.title, d.words) for d in store.documents() if d.cleaner == version and d.title}


def normalise_newlines(text: str) -> str:
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


@dataclass(eq=False)
class SourceDocument:
    """One readable file of the corpus. The cleaned text is computed on first use."""

    id: str
    path: str
    file: Path
    raw: str
    encoding: str = "utf-8"
    size: int = -1  # the file's size and modification time (ns) when it was read
    mtime: int = -1

    @cached_property
    def cleaned(self) -> Cleaned:
        from .cleaning import clean  # imported on first use: a start on known documents needs no cleaner

        return clean(self.raw)

    @property
    def is_cleaned(self) -> bool:
        return "cleaned" in self.__dict__

    def remember(self, title: str, words: int) -> None:
        """Take the title and word count from the database instead of cleaning the text for them."""
        self.__dict__["title"] = title
        self.__dict__["words"] = words

    @property
    def text(self) -> str:
        return self.cleaned.text

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the cleaned text as offsets into the raw text (the editing session needs it)."""
        return self.cleaned.to_raw_span(start, end)

    @cached_property
    def title(self) -> str:
        for line in self.text.split("\n", 20)[:20]:
            if line.strip():
                # A Markdown heading's "#" marks are not part of its title.
                return line.strip().lstrip("#").strip()[:200] or line.strip()[:200]
        return self.file.name

    @cached_property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Corpus:
    documents: list[SourceDocument] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def by_id(self, doc_id: str) -> SourceDocument | None:
        return next((d for d in self.documents if d.id == doc_id), None)


def read_document(file: Path, shown_as: str, max_bytes: int = DEFAULT_MAX_BYTES,
                  encoding: str | None = None) -> SourceDocument | Skipped:
    """Read one file; only a regular file, and never more than ``max_bytes`` (a device or a pipe
    named as a document — ``/dev/zero``, a FIFO — is skipped, not read forever)."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            return Skipped(shown_as, "not a regular file")
        if info.st_size > max_bytes:
            return Skipped(shown_as, f"larger than {max_bytes / 1024 / 1024:g} MB ({info.st_size / 1024 / 1024:.1f} MB)")
        with open(file, "rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            return Skipped(shown_as, f"larger than {max_bytes / 1024 / 1024:g} MB")
    except OSError as err:
        return Skipped(shown_as, f"unreadable: {err.strerror or err}")
    text, how = decode_bytes(data, encoding)
    if text is None:
        return Skipped(shown_as, how)
    return SourceDocument(hashlib.sha256(data).hexdigest(), shown_as, file, text, how, info.st_size, info.st_mtime_ns)


def _files_of(path: Path) -> list[tuple[Path, str]]:
    """(file, path shown to the user) for a folder or a file argument."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES]
        return [(p, p.relative_to(path).as_posix()) for p in sorted(found)]
    return [(path, path.name)]


def load_corpus(
    paths: tuple[Path, ...] | list[Path] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
    known: Mapping[str, tuple[str, int]] | None = None,
    encoding: str | None = None,
) -> Corpus:
    """Read and clean every document under ``paths`` (default: the bundled seeds).

    ``encoding`` (``--encoding``) reads every file in that encoding instead of detecting it.

    ``progress(done, total)`` is called after each file, for a progress bar. Documents in
    ``known`` (id → title, words; see ``known_titles``) are not cleaned until first used.
    """
    known = known or {}
    corpus = Corpus()
    seen: set[str] = set()
    files: list[tuple[Path, str]] = []
    for path in paths or (seeds_path(),):
        if not path.exists():
            corpus.skipped.append(Skipped(str(path), "no such file or folder"))
            continue
        files += _files_of(path)
    for done, (file, shown) in enumerate(files, start=1):
        found = read_document(file, shown, max_bytes, encoding)
        if isinstance(found, Skipped):
            corpus.skipped.append(found)
        elif found.id not in seen:
            seen.add(found.id)
            if found.id in known:
                found.remember(*known[found.id])
            else:
                found.cleaned  # noqa: B018 - clean now, in the loader's thread, not when first shown
            corpus.documents.append(found)
        if progress is not None:
            progress(done, len(files))
    return corpus


def document_texts(corpus: Corpus) -> list[DocumentText]:
    """The corpus as the data core's importer and exporters see it: cleaned text and offset map."""
    from annotations.importing import DocumentText

    return [DocumentText(d.id, d.path, d.title, d.text, d.cleaned.to_raw_span, str(d.file.resolve()))
            for d in corpus.documents]


def known_documents(store: AnnotationStore, paths: tuple[Path, ...] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """The documents named by ``paths``, else the files the database remembers (still unchanged on disk)."""
    if paths:
        return load_corpus(paths, max_bytes)
    corpus = Corpus()
    for doc in store.documents():
        if not doc.source:
            continue
        found = read_document(Path(doc.source), doc.path or Path(doc.source).name, max_bytes)
        if isinstance(found, SourceDocument) and found.id == doc.id:
            corpus.documents.append(found)
    return corpus
