"""Finding a passage again in text that changed — new bytes, or a new cleaner.

As Hypothesis does for web pages: trust the position if the quote is still
there; else look for the exact quote anywhere, choosing between occurrences
by how well the 32 characters around them match the stored prefix and suffix
(and by closeness to the old position); else look for an approximate match in
a window around the old position. A passage that cannot be found is an
orphan: kept, listed, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from .model import Annotation, Selector

if TYPE_CHECKING:
    from .store import AnnotationStore

SpanMap = Callable[[int, int], tuple[int, int]]

#: How much of the text around the old position the fuzzy search looks at.
FUZZY_WINDOW = 4000
#: Minimum similarity (0–100) for a fuzzy match to count.
FUZZY_MIN_SCORE = 85.0


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    how: str  # "position", "quote", "fuzzy"


def context_score(text: str, start: int, end: int, ann: Annotation) -> float:
    before = text[max(0, start - len(ann.prefix)) : start]
    after = text[end : end + len(ann.suffix)]
    score = 0.0
    if ann.prefix:
        score += SequenceMatcher(None, before, ann.prefix).ratio()
    if ann.suffix:
        score += SequenceMatcher(None, after, ann.suffix).ratio()
    return score


def anchor(text: str, ann: Annotation) -> Anchor | None:
    """Where ``ann`` is in ``text`` now, or None if it cannot be found."""
    quote = ann.text
    if not quote:
        return None
    if text[ann.start : ann.end] == quote:
        return Anchor(ann.start, ann.end, "position")
    found: list[int] = []
    pos = text.find(quote)
    while pos >= 0 and len(found) < 1000:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    if found:
        scale = max(1, len(text))
        best = max(found, key=lambda p: (context_score(text, p, p + len(quote), ann), -abs(p - ann.start) / scale))
        return Anchor(best, best + len(quote), "quote")
    return _fuzzy(text, ann)


def _fuzzy(text: str, ann: Annotation) -> Anchor | None:
    quote = ann.text
    if len(quote) < 8:
        return None  # too short to recognise when changed
    lo = max(0, ann.start - FUZZY_WINDOW)
    hi = min(len(text), ann.end + FUZZY_WINDOW)
    window = text[lo:hi]
    if not window:
        return None
    from rapidfuzz import fuzz  # imported on the first fuzzy search only

    match = fuzz.partial_ratio_alignment(quote, window, score_cutoff=FUZZY_MIN_SCORE)
    if match is None:
        return None
    start, end = lo + match.dest_start, lo + match.dest_end
    if end <= start:
        return None
    return Anchor(start, end, "fuzzy")


def reanchored(text: str, ann: Annotation, to_raw_span: SpanMap | None = None, document: str | None = None) -> Annotation:
    """``ann`` moved to where its quote is now in ``text`` (and into ``document``), or marked as an orphan."""
    document = document or ann.document
    found = anchor(text, ann)
    if found is None:
        if ann.orphan and ann.document == document:
            return ann
        return ann.changed(orphan=True, document=document)
    if found.how == "position" and not ann.orphan and ann.document == document:
        return ann
    sel = Selector.from_span(text, found.start, found.end)
    raw_start, raw_end = to_raw_span(sel.start, sel.end) if to_raw_span else (sel.start, sel.end)
    return ann.changed(
        document=document, text=sel.exact, start=sel.start, end=sel.end, prefix=sel.prefix, suffix=sel.suffix,
        raw_start=raw_start, raw_end=raw_end, orphan=False,
    )


@dataclass(frozen=True)
class ReanchorReport:
    checked: int = 0
    moved: int = 0
    orphaned: int = 0


def reanchor_document(store: AnnotationStore, doc_id: str, path: str, text: str, to_raw_span: SpanMap | None = None) -> ReanchorReport:
    """Bring the passages of a document up to date with its current text.

    Passages stored under this id whose quote is no longer at its place, and
    passages of an earlier version of the file (same path, other bytes), are
    found again or become orphans; all changes are saved in one step.
    """
    stale_ids = {d.id for d in store.documents() if path and d.path == path and d.id != doc_id}
    candidates = store.annotations(document=doc_id)
    for old in stale_ids:
        candidates += store.annotations(document=old)
    changed = []
    moved = orphaned = 0
    for ann in candidates:
        if ann.document == doc_id and not ann.orphan and text[ann.start : ann.end] == ann.text:
            continue
        new = reanchored(text, ann, to_raw_span, document=doc_id)
        if new is ann:
            continue
        changed.append(new)
        if new.orphan:
            orphaned += 1 if not ann.orphan else 0
        else:
            moved += 1
    if changed:
        store.replace_all(changed)
    return ReanchorReport(len(candidates), moved, orphaned)
