"""What an annotation is: a tagged span of a document's cleaned text.

The span is held twice, as the W3C Web Annotation model does: by position
(``start``/``end``, code points into the cleaned text, half-open) and by quote
(``text`` with 32 characters of ``prefix``/``suffix``), so that it can be found
again when the document or the cleaner changes. ``raw_start``/``raw_end`` point
into the original file, through the cleaner's offset map.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

CONTEXT_CHARS = 32

STATUSES: tuple[str, ...] = ("new", "in progress", "done", "skipped")
ANCHORS: tuple[str, ...] = ("exact", "moved", "fuzzy")
GOLD = "gold"  # the annotator name of the reviewed set


#: Longest tag and annotator names accepted from outside (imports, merges, the command line).
NAME_LIMIT = 100


def name_problem(kind: str, value: str) -> str | None:
    """Why ``value`` cannot be a tag or annotator name (None if it can): names are shown in
    terminals and tables, so they are printable, one line, and not too long."""
    if kind == "tag" and not value.strip():
        return "a tag name must not be empty"
    if not value.isprintable():
        return f"{kind} name {value.encode('unicode_escape').decode('ascii')[:60]!r} holds control characters"
    if len(value) > NAME_LIMIT:
        return f"{kind} name longer than {NAME_LIMIT} characters"
    return None


def safe_document_path(path: str) -> str:
    """A document path as exports may carry it: relative, inside the corpus (else just the file name)."""
    candidate = PurePosixPath(path.replace("\\", "/"))
    if candidate.is_absolute() or ".." in candidate.parts or (len(path) > 1 and path[1] == ":"):
        return candidate.name if candidate.name not in ("..", ".") else ""
    return path



def utc_now() -> str:
    """The current time as UTC ISO-8601 with a ``Z``, to the millisecond."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Selector:
    """Where a passage is: TextQuote (exact + context) and TextPosition."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    @classmethod
    def from_span(cls, text: str, start: int, end: int) -> Selector:
        """Build the selector for ``text[start:end]``, checking the bounds."""
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span [{start}, {end}) is not inside a text of {len(text)} characters")
        return cls(
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT_CHARS) : start],
            suffix=text[end : end + CONTEXT_CHARS],
            start=start,
            end=end,
        )


@dataclass(frozen=True, slots=True)
class Annotation:
    """One tagged passage. Immutable: changes make a new value with ``replace``."""

    id: str
    document: str
    tag: str
    text: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    annotator: str = ""
    created: str = ""
    modified: str = ""
    orphan: bool = False
    # How the passage was last found in its text: "exact" (where it was drawn), "moved" (its quote,
    # elsewhere) or "fuzzy" (an approximate match — ``review`` until the annotator confirms it).
    anchor: str = "exact"
    review: bool = False
    # Properties of the passage from the schema's [[attributes]]: name → value.
    attributes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        document: str,
        tag: str,
        selector: Selector,
        raw_start: int | None = None,
        raw_end: int | None = None,
        note: str = "",
        annotator: str = "",
        id: str | None = None,
    ) -> Annotation:
        stamp = utc_now()
        return cls(
            id=id or new_id(),
            document=document,
            tag=tag,
            text=selector.exact,
            start=selector.start,
            end=selector.end,
            raw_start=selector.start if raw_start is None else raw_start,
            raw_end=selector.end if raw_end is None else raw_end,
            prefix=selector.prefix,
            suffix=selector.suffix,
            note=note,
            annotator=annotator,
            created=stamp,
            modified=stamp,
        )

    @property
    def selector(self) -> Selector:
        return Selector(self.text, self.prefix, self.suffix, self.start, self.end)

    def changed(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``modified`` set to now."""
        return replace(self, modified=utc_now(), **changes)

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: this runs once per passage in every import and export.
        return {
            "id": self.id, "document": self.document, "tag": self.tag, "text": self.text, "start": self.start,
            "end": self.end, "raw_start": self.raw_start, "raw_end": self.raw_end, "prefix": self.prefix,
            "suffix": self.suffix, "note": self.note, "annotator": self.annotator, "created": self.created,
            "modified": self.modified, "orphan": self.orphan, "anchor": self.anchor, "review": self.review,
            "attributes": self.attributes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        """Read a stored or imported record; unknown keys are ignored, types checked."""
        ann = cls(**{name: data[name] for name in ANNOTATION_FIELDS if name in data})
        ann.validate()
        return ann

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Annotation:
        """Read a record of the database: as ``from_dict``, but held compactly, since a team's
        database holds hundreds of thousands. The names a record shares with many others (its
        document, tag, annotator, how it was found) are interned, and an unchanged passage's
        ``modified`` is its ``created``; a record that is not complete falls back to ``from_dict``."""
        intern = sys.intern  # a value that is not text raises TypeError: from_dict names it
        try:
            created, modified, attributes = data["created"], data["modified"], data["attributes"]
            start, raw_start = data["start"], data["raw_start"]
            end, raw_end = data["end"], data["raw_end"]
            values = (
                data["id"], intern(data["document"]), intern(data["tag"]), data["text"], start, end,
                start if raw_start == start and type(raw_start) is int else raw_start,
                end if raw_end == end and type(raw_end) is int else raw_end,
                data["prefix"], data["suffix"], data["note"], intern(data["annotator"]), created,
                created if modified == created else modified, data["orphan"], intern(data["anchor"]),
                data["review"], _NO_ATTRIBUTES if type(attributes) is dict and not attributes else attributes,
            )
        except (KeyError, TypeError):
            return cls.from_dict(data)
        # Filled slot by slot: a frozen dataclass's __init__ sets each field through
        # object.__setattr__, twice the cost of the whole rest of reading a record.
        ann = _new(cls)
        for put, value in zip(_SLOT_SETTERS, values, strict=True):
            put(ann, value)
        ann.validate()
        return ann

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first field that is not what it should be."""
        # The common case in one expression (a million passages are validated on import); the
        # field-by-field checks below find what is wrong.
        if (
            str is type(self.id) is type(self.document) is type(self.tag) is type(self.text) is type(self.prefix)
            is type(self.suffix) is type(self.note) is type(self.annotator) is type(self.created)
            is type(self.modified)
            and int is type(self.start) is type(self.end) is type(self.raw_start) is type(self.raw_end)
            and type(self.orphan) is bool is type(self.review) and self.anchor in ANCHORS
            and type(self.attributes) is dict and _all_str(self.attributes)
            and 0 <= self.start <= self.end and self.raw_start >= 0 and self.raw_end >= 0
            and self.id and self.document and self.tag
        ):
            return
        for name in ("id", "document", "tag", "text", "prefix", "suffix", "note", "annotator", "created", "modified"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"field {name!r} must be a string")
        for name in ("start", "end", "raw_start", "raw_end"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"field {name!r} must be a non-negative integer")
        if not isinstance(self.orphan, bool):
            raise ValueError("field 'orphan' must be true or false")
        if not isinstance(self.review, bool):
            raise ValueError("field 'review' must be true or false")
        if self.anchor not in ANCHORS:
            raise ValueError(f"field 'anchor' must be one of {', '.join(ANCHORS)}")
        if not isinstance(self.attributes, dict) or not _all_str(self.attributes):
            raise ValueError("field 'attributes' must map names to text values")
        if not self.id or not self.document or not self.tag:
            raise ValueError("fields 'id', 'document' and 'tag' must not be empty")
        if self.end < self.start:
            raise ValueError("field 'end' is before 'start'")


ANNOTATION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Annotation))
_SLOT_SETTERS = tuple(Annotation.__dict__[name].__set__ for name in ANNOTATION_FIELDS)
_new = object.__new__

# The attributes of a passage that has none, shared by every such record read from the database
# (an empty dict per passage is 64 bytes). Annotations are values: nothing changes it in place.
_NO_ATTRIBUTES: dict[str, str] = {}


def _all_str(mapping: dict) -> bool:
    return not mapping or all(type(k) is str and type(v) is str for k, v in mapping.items())


@dataclass(frozen=True, slots=True)
class Relation:
    """A link between two passages (``attributed_to``: a claim to its source), a record of its own.

    ``from_id``/``to_id`` are passage ids (exported as ``from``/``to``). Deleting a passage removes
    its relations with it; re-anchoring keeps them; an orphaned end keeps its relation.
    """

    id: str
    from_id: str
    to_id: str
    type: str
    annotator: str = ""
    created: str = ""
    modified: str = ""

    @classmethod
    def create(cls, from_id: str, to_id: str, type: str, annotator: str = "") -> Relation:
        stamp = utc_now()
        return cls(new_id(), from_id, to_id, type, annotator, stamp, stamp)

    def changed(self, **changes: Any) -> Relation:
        return replace(self, modified=utc_now(), **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "from": self.from_id, "to": self.to_id, "type": self.type,
                "annotator": self.annotator, "created": self.created, "modified": self.modified}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        rel = cls(data.get("id"), data.get("from"), data.get("to"), data.get("type"),  # type: ignore[arg-type]
                  data.get("annotator", ""), data.get("created", ""), data.get("modified", ""))
        for name in ("id", "from_id", "to_id", "type", "annotator", "created", "modified"):
            if not isinstance(getattr(rel, name), str):
                raise ValueError(f"relation field {name.replace('_id', '')!r} must be a string")
        if not rel.id or not rel.from_id or not rel.to_id or not rel.type:
            raise ValueError("relation fields 'id', 'from', 'to' and 'type' must not be empty")
        return rel


@dataclass(frozen=True, slots=True)
class Document:
    """What the database remembers of a document: identity and reading state."""

    id: str
    path: str = ""
    title: str = ""
    words: int = 0
    status: str = "new"
    position: int = 0
    last_opened: str = ""
    source: str = ""  # where the file was last read on this machine; kept in the database, never exported
    statuses: dict[str, str] = field(default_factory=dict)  # annotator → status, for team progress
    # Which cleaner made ``title`` and ``words`` (a version string the reader chooses): with the same
    # cleaner they need not be computed again when the document is next read.
    cleaner: str = ""
    # The file's size and modification time (ns) when it was last read: unchanged, it need not be
    # read, hashed or cleaned again.
    size: int = -1
    mtime: int = -1
    # The annotator's word over the cleaner's: raw line number (as a string) → "keep" or "drop".
    # They follow the document's bytes (its id), and apply wherever the document is cleaned.
    overrides: dict[str, str] = field(default_factory=dict)
    # Document labels from the schema's [[document_labels]], per annotator: annotator → name → values.
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # The encoding the file was read in ("" until it is known): ``margin list --json`` reports it
    # without reading an unchanged file again.
    encoding: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line_overrides(self) -> dict[int, bool]:
        """``overrides`` as the cleaner takes them: line number → keep."""
        return {int(line): how == "keep" for line, how in self.overrides.items()}

    @classmethod
    def filled(cls, data: dict[str, Any]) -> Document:
        """The document these fields make, unchecked (``from_dict`` checks what a file says).

        Filled slot by slot: a frozen dataclass's ``__init__`` sets each field through
        ``object.__setattr__``, and a first start registers 50,000 documents at once. The names
        many documents share (status, cleaner, encoding) are held once.
        """
        doc = _new(cls)
        for name, put, default in _DOCUMENT_SLOTS:
            if name in data:
                value = data[name]
                put(doc, sys.intern(value) if name in _SHARED_NAMES and type(value) is str else value)
            else:
                put(doc, {} if default is _FRESH_DICT else default)
        return doc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        if "id" not in data:
            raise ValueError("document field 'id' must be a non-empty string")
        doc = cls.filled(data)
        if not isinstance(doc.id, str) or not doc.id:
            raise ValueError("document field 'id' must be a non-empty string")
        if doc.status not in STATUSES:
            raise ValueError(f"document status {doc.status!r} is not one of {', '.join(STATUSES)}")
        if not isinstance(doc.position, int) or doc.position < 0:
            raise ValueError("document field 'position' must be a non-negative integer")
        if not isinstance(doc.statuses, dict) or (doc.statuses and not all(
            isinstance(k, str) and v in STATUSES for k, v in doc.statuses.items()
        )):
            raise ValueError("document field 'statuses' must map annotators to statuses")
        if not isinstance(doc.cleaner, str) or not isinstance(doc.encoding, str):
            raise ValueError("document fields 'cleaner' and 'encoding' must be strings")
        if not isinstance(doc.size, int) or not isinstance(doc.mtime, int):
            raise ValueError("document fields 'size' and 'mtime' must be integers")
        if not isinstance(doc.overrides, dict) or (doc.overrides and not all(
            isinstance(k, str) and k.isdigit() and v in ("keep", "drop") for k, v in doc.overrides.items()
        )):
            raise ValueError("document field 'overrides' must map line numbers to \"keep\" or \"drop\"")
        if not isinstance(doc.labels, dict) or (doc.labels and not all(
            isinstance(who, str) and isinstance(named, dict) and all(
                isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
                for k, v in named.items())
            for who, named in doc.labels.items()
        )):
            raise ValueError("document field 'labels' must map annotators to label names to lists of values")
        return doc


_FRESH_DICT = object()  # a field whose default is a new dict for each document
# Each field of a document: its name, how to fill its slot, its default (looked up once: a
# database holds thousands of documents).
_DOCUMENT_SLOTS = tuple(
    (f.name, Document.__dict__[f.name].__set__,
     f.default if f.default is not MISSING else _FRESH_DICT if f.default_factory is not MISSING else None)
    for f in fields(Document)
)
_SHARED_NAMES = frozenset({"status", "cleaner", "encoding"})


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag and its guideline: the definition is shown wherever the tag is chosen."""

    name: str
    key: str = ""
    colour: str = "#888888"
    definition: str = ""


DEFAULT_TAGS: tuple[Tag, ...] = (
    Tag("claim", "1", "#e5a50a", "An assertion presented as fact or judgement that could be checked."),
    Tag("source", "2", "#3584e4", "An attribution: who or what the information comes from."),
    Tag("prediction", "3", "#c061cb", "A statement about what will or may happen."),
)

# Colours for tags that come without one, chosen to read on dark and light backgrounds.
SPARE_COLOURS: tuple[str, ...] = ("#2ec27e", "#e66100", "#1c71d8", "#a51d2d", "#865e3c", "#26a269", "#9141ac")


@dataclass(frozen=True)
class Tagset:
    """The tags an annotator may use, in the order they are offered."""

    tags: tuple[Tag, ...] = field(default=DEFAULT_TAGS)

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self.tags)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tags]

    def get(self, name: str) -> Tag | None:
        return next((t for t in self.tags if t.name == name), None)

    def by_key(self, key: str) -> Tag | None:
        return next((t for t in self.tags if t.key and t.key == key), None)

    def colour(self, name: str) -> str:
        tag = self.get(name)
        if tag is not None:
            return tag.colour
        return SPARE_COLOURS[sum(map(ord, name)) % len(SPARE_COLOURS)]

    def with_names(self, names: Iterable[str]) -> Tagset:
        """A tagset of exactly ``names``: known tags keep their settings, new ones get a key and colour."""
        chosen: list[Tag] = []
        used_keys: set[str] = set()
        for name in names:
            name = name.strip()
            if not name or any(t.name == name for t in chosen):
                continue
            tag = self.get(name) or Tag(name)
            chosen.append(tag)
            if tag.key:
                used_keys.add(tag.key)
        result: list[Tag] = []
        spare = iter(SPARE_COLOURS * 4)
        free_keys = iter(k for k in "123456789" if k not in used_keys)
        for tag in chosen:
            if tag.key and tag.colour:
                result.append(tag)
                continue
            result.append(
                Tag(tag.name, tag.key or next(free_keys, ""), tag.colour if tag.colour != "#888888" else next(spare), tag.definition)
            )
        return Tagset(tuple(result))


DEFAULT_TAGSET = Tagset()
