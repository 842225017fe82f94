"""Reading passages in from a file: believe the quote, not the offsets; never lose newer local work.

Every importer hands over passages as its format states them. Then, here:

* **the document** is found: by id (known to the database or the corpus), by
  the whole text the format carries, or by the passage's quote in the corpus;
* **the quote decides**: when the document's text is known, a passage is
  placed where its quote stands — at its offsets if the quote is there, else
  at the exact occurrence whose context (and nearness to the stated offsets)
  fits best. A quote found nowhere is reported (``--strict`` refuses the
  file) and kept as an orphan. ``raw_start``/``raw_end`` always come from
  margin's own offset map, never from the file;
* **re-importing changes nothing**: a passage with no id of its own in the
  format is matched to an existing one by (document, span, tag, annotator), and
  a passage without a time of its own never counts as newer than local work;
* the corpus documents that received passages are remembered with where they
  were found, so later exports of formats that carry the text need no ``--corpus``.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from . import formats
from .anchoring import SpanMap, context_score
from .errors import ImportFormatError
from .formats import ImportBundle
from .formats.bundle import stable_id
from .model import Annotation, Document, Selector, name_problem, safe_document_path, utc_now
from .store import AnnotationStore, ImportResult

_WORDS = re.compile(r"\w+")

#: How far ahead of this machine's clock an imported time may be (another machine's clock drifts).
CLOCK_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class DocumentText:
    """A document of the corpus as the importer needs it: its cleaned text and offset map."""

    id: str
    path: str
    title: str
    text: str
    to_raw_span: SpanMap | None = None
    source: str = ""  # where the file was read on this machine (remembered for later exports)


@dataclass(frozen=True)
class ImportReport:
    format: str
    result: ImportResult
    matched_by_text: int = 0  # passages whose document was found by its text or the passage's
    unmatched: int = 0  # passages whose document is not in the corpus
    relations: int = 0  # relations added or updated
    moved: int = 0  # passages whose quote stood elsewhere than their offsets said: placed by the quote
    unplaced: int = 0  # passages whose quote is not in their document's text: kept as orphans
    matched_existing: int = 0  # passages without ids of their own, matched to ones already here


def _exact_place(text: str, ann: Annotation) -> tuple[int, int] | None:
    """Where ``ann.text`` stands in ``text``: at the stated offsets if it is there, else the exact
    occurrence whose surroundings fit best (ties: the nearest to the stated offsets)."""
    quote = ann.text
    if not quote:
        return None
    if ann.start >= 0 and ann.start + len(quote) <= len(text) and text[ann.start : ann.start + len(quote)] == quote:
        return ann.start, ann.start + len(quote)
    best: tuple[float, float, int] | None = None
    pos = text.find(quote)
    seen = 0
    while pos >= 0 and seen < 1000:
        seen += 1
        score = (context_score(text, pos, pos + len(quote), ann), -abs(pos - ann.start), pos)
        if best is None or score > best:
            best = score
        pos = text.find(quote, pos + 1)
    return None if best is None else (best[2], best[2] + len(quote))


def _at(ann: Annotation, doc: DocumentText, start: int, end: int, carried: str | None = None) -> Annotation:
    """``ann`` in ``doc`` at [start, end): quote, context and raw offsets from the text itself."""
    if doc.text is carried and doc.to_raw_span is None and (start, end) == (ann.start, ann.end) \
            and doc.id == ann.document and not ann.orphan:
        return ann  # the format built it from this very text: nothing to correct
    sel = Selector.from_span(doc.text, start, end)
    raw_start, raw_end = doc.to_raw_span(start, end) if doc.to_raw_span else (start, end)
    return replace(ann, document=doc.id, text=sel.exact, start=start, end=end, prefix=sel.prefix, suffix=sel.suffix,
                   raw_start=raw_start, raw_end=raw_end, orphan=False)


@dataclass
class _Tally:
    matched: int = 0
    unmatched: int = 0
    moved: int = 0
    unplaced: int = 0


class _Corpus:
    """The documents whose text is known, indexed once (by id, by text, and by their words for quotes)."""

    def __init__(self, docs: list[DocumentText]) -> None:
        self.by_id = {d.id: d for d in docs}
        self.by_text = {d.text: d for d in docs}
        self.docs = docs
        self._words: dict[str, list[int]] | None = None  # word → documents holding it, built when first needed

    def _candidates(self, quote: str) -> list[DocumentText]:
        """Documents that hold the quote's rarest word (every document if it has no word)."""
        index = self._words
        if index is None:
            index = {}
            for k, doc in enumerate(self.docs):
                for word in set(_WORDS.findall(doc.text)):
                    index.setdefault(word, []).append(k)
            self._words = index
        words = _WORDS.findall(quote)
        if not words:
            return self.docs
        # A word cut at either end of the quote may be a part of a longer one: use the inner words first.
        inner = words[1:-1] or words
        by_rarity = sorted(set(inner), key=lambda w: len(index.get(w, ())))
        held = index.get(by_rarity[0], [])
        if len(held) > 32:  # even its rarest word is common: keep the documents that hold its next ones too
            kept = set(held)
            for word in by_rarity[1:4]:
                kept.intersection_update(index.get(word, ()))
            held = sorted(kept)
        return [self.docs[k] for k in held]

    def find_quote(self, ann: Annotation) -> tuple[DocumentText, tuple[int, int]] | None:
        """The document (and place) where a passage's quote stands, when only the quote is known.

        The corpus is indexed by word once, so each quote is looked for only in the documents that hold
        its rarest word: thousands of passages against thousands of documents stay quick."""
        if not ann.text:
            return None
        found = []
        for doc in self._candidates(ann.text):
            if ann.text in doc.text:
                place = _exact_place(doc.text, replace(ann, start=min(ann.start, len(doc.text))))
                if place is not None:
                    found.append((doc, place))
        if not found:
            return None
        return max(found, key=lambda f: context_score(f[0].text, f[1][0], f[1][1], ann))


def _resolve(parsed: ImportBundle, store: AnnotationStore, corpus: _Corpus,
             tally: _Tally, doc_ids: dict[str, str] | None = None) -> tuple[list[Annotation], list[Document]]:
    documents = [replace(d, path=safe_document_path(d.path), source="") for d in parsed.documents]
    passages: list[Annotation] = []
    new_docs: dict[str, Document] = {}
    own_texts: dict[str, DocumentText] = {}  # texts the file carries that are not in the corpus
    for ann in parsed.passages:
        doc = corpus.by_id.get(ann.document)
        carried = parsed.texts.get(ann.document)
        if doc is None and carried is not None:
            doc = corpus.by_text.get(carried)
            if doc is not None:
                tally.matched += 1
            else:
                # Not in the corpus: a document of its own, remembered by its first line, and the
                # passage is still checked against the text the file carries.
                doc = own_texts.get(ann.document)
                if doc is None:
                    doc = own_texts[ann.document] = DocumentText(ann.document, "", _first_line(carried), carried)
                    if store.document(ann.document) is None:
                        new_docs[ann.document] = Document(ann.document, path="", title=doc.title)
                tally.unmatched += 1
        if doc is None and store.document(ann.document) is None:
            hit = corpus.find_quote(ann)
            if hit is not None:
                tally.matched += 1
                passages.append(_at(ann, hit[0], *hit[1]))
                continue
        if doc is None:
            tally.unmatched += 1  # no text at hand to check against: kept as the file says
            passages.append(ann)
            continue
        place = _exact_place(doc.text, ann)
        if place is None:
            tally.unplaced += 1
            passages.append(replace(ann, document=doc.id, orphan=True))
            continue
        if place != (ann.start, ann.end):
            tally.moved += 1
        if doc_ids is not None:
            doc_ids.setdefault(ann.document, doc.id)
        passages.append(_at(ann, doc, *place, carried))
    return passages, documents + list(new_docs.values())


def _match_existing(store: AnnotationStore, passages: list[Annotation], derived: set[str],
                    timed: bool, renamed: dict[str, str] | None = None) -> tuple[list[Annotation], int]:
    """Passages whose format gave them no id take the id of the same passage already here."""
    index: dict[str, dict[tuple[int, int, str, str], Annotation]] = {}  # per document, built once
    matched = 0
    out = []
    for ann in passages:
        if ann.id in derived and not ann.orphan:
            known = index.get(ann.document)
            if known is None:
                known = index[ann.document] = {(a.start, a.end, a.tag, a.annotator): a
                                               for a in store.annotations(document=ann.document) if not a.orphan}
            old = known.get((ann.start, ann.end, ann.tag, ann.annotator))
            if old is not None:
                # The same passage as one here. Unless the file gives a time of its own, it does not
                # count as newer than the local version (a re-import never undoes local work).
                if renamed is not None:
                    renamed[ann.id] = old.id
                ann = replace(ann, id=old.id, created=old.created, modified=ann.modified if timed else "")
                matched += 1
        out.append(ann)
    return out, matched


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
    store: AnnotationStore, content: bytes, format_name: str | None = None, corpus: list[DocumentText] | None = None,
    *, annotator: str | None = None, strict: bool = False,
) -> ImportReport:
    """Read ``content`` whole, check every item, then add it all in one durable step.

    ``annotator`` names the passages the format leaves anonymous; ``strict`` refuses a file any of
    whose quotes is not in its document's text.
    """
    # A large file makes a million small objects and no reference cycles: the cyclic collector,
    # woken again and again by the allocations, would walk the whole growing heap each time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(store, content, format_name, corpus, annotator, strict)
    finally:
        if collecting:
            gc.enable()


def _import(store: AnnotationStore, content: bytes, format_name: str | None, corpus: list[DocumentText] | None,
            annotator: str | None, strict: bool) -> ImportReport:
    if not content.strip():
        raise ImportFormatError("the file is empty")
    name = format_name or formats.detect(content)
    module = formats.get(name)
    if not hasattr(module, "import_"):
        raise ImportFormatError(f"format {name!r} can be exported but not imported")
    parsed: ImportBundle = module.import_(content)
    if not parsed.passages and not parsed.documents:
        raise ImportFormatError(f"no passages found in this {name} file (nothing to import)")
    derived = set(parsed.derived)
    if annotator:
        named = []
        renamed_ids: dict[str, str] = {}
        for ann in parsed.passages:
            if not ann.annotator:
                new_id = stable_id(ann.id, annotator) if ann.id in derived else ann.id
                if ann.id in derived:
                    derived.add(new_id)
                    renamed_ids[ann.id] = new_id
                ann = replace(ann, annotator=annotator, id=new_id)
            named.append(ann)
        rels = [replace(r, annotator=r.annotator or annotator, from_id=renamed_ids.get(r.from_id, r.from_id),
                        to_id=renamed_ids.get(r.to_id, r.to_id),
                        id=stable_id(r.id, annotator) if not r.annotator else r.id) for r in parsed.relations]
        labels = [(key, who or annotator, name, values) for key, who, name, values in parsed.labels]
        parsed = replace(parsed, passages=named, relations=rels, labels=labels)
    check_imported(parsed.passages)
    indexed = _Corpus(corpus or [])
    tally = _Tally()
    doc_ids: dict[str, str] = {}
    passages, documents = _resolve(parsed, store, indexed, tally, doc_ids)
    if strict and tally.unplaced:
        raise ImportFormatError(f"{tally.unplaced} passages have a quote that is not in their document's text "
                                "(--strict refuses the file)")
    renamed: dict[str, str] = {}
    passages, matched_existing = _match_existing(store, passages, derived, parsed.timed, renamed)
    stamp = utc_now()
    passages = [a if a.created else replace(a, created=stamp, modified=a.modified or stamp) for a in passages]
    # Corpus documents that received passages are remembered, with where their file is.
    used = {a.document for a in passages}
    remembered = []
    for d in indexed.docs:
        known = store.document(d.id)
        if d.id in used and d.source and (known is None or not known.source):
            remembered.append((d.id, d.path, d.title, 0, d.source, ""))
    result = store.merge(passages, documents)
    if remembered:
        store.register_documents(_keep_known(store, remembered))
    fresh = []
    for rel in parsed.relations:  # kept where both ends are here; a newer local version wins
        rel = replace(rel, from_id=renamed.get(rel.from_id, rel.from_id), to_id=renamed.get(rel.to_id, rel.to_id))
        old = store.relation(rel.id)
        if store.get(rel.from_id) is not None and store.get(rel.to_id) is not None and (
                old is None or (rel != old and rel.modified > old.modified)):
            fresh.append(rel)
    if fresh:
        store.change_relations(fresh, [])
    _apply_labels(store, parsed.labels, doc_ids)
    return ImportReport(name, result, tally.matched, tally.unmatched, len(fresh), tally.moved, tally.unplaced,
                        matched_existing)


def _apply_labels(store: AnnotationStore, labels: list[tuple[str, str, str, list[str]]],
                  doc_ids: dict[str, str]) -> None:
    """Document labels from the file, on the documents its passages were placed in (local ones kept)."""
    for key, who, name, values in labels:
        doc = store.document(doc_ids.get(key, key))
        if doc is None or name in doc.labels.get(who, {}):
            continue
        store.put_document(replace(doc, labels={**doc.labels, who: {**doc.labels.get(who, {}), name: values}}))


def _keep_known(store: AnnotationStore, docs: list[tuple[str, str, str, int, str, str]]):
    """Register corpus documents without losing what the database already knows of them."""
    out = []
    for doc_id, path, title, words, source, cleaner in docs:
        known = store.document(doc_id)
        if known is not None:
            out.append((doc_id, known.path or path, known.title or title, known.words, source, known.cleaner))
        else:
            out.append((doc_id, path, title, words, source, cleaner))
    return out
