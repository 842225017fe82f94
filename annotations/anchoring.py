"""Finding a passage again in text that changed — new bytes, or a new cleaner.

As Hypothesis does for web pages, in three steps, and each passage records which
one found it (``anchor``):

* **exact** — the quote is still at its position;
* **moved** — the exact quote is elsewhere; among its occurrences, the one whose
  32 characters of context best match the stored prefix and suffix (then the
  nearest to the old position);
* **fuzzy** — the quote was edited. Its two ends are found separately: the
  start where the quote's first words stand (or where its prefix context ends),
  the end where its last words stand (or where its suffix context begins), near
  the old position; of the pairs, the one whose text is most like the old quote
  wins. The span is snapped to whole words and graphemes, so the passage covers
  the edited quote whole — never a window of the old length. A fuzzy passage is
  marked for ``review`` until the annotator confirms it.

A passage that cannot be found is an orphan: kept, listed, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from .model import Annotation, Selector
from .spans import WORD, normalise_span

if TYPE_CHECKING:
    from .store import AnnotationStore

SpanMap = Callable[[int, int], tuple[int, int]]

#: How much of the text around the old position the fuzzy search looks at (and at least twice the quote).
FUZZY_WINDOW = 4000
#: Minimum similarity (0–100) between the old quote and the text found for a fuzzy match to count.
FUZZY_MIN_SCORE = 60.0
#: Ends are looked for by this many of the quote's first (last) words, fewer if the quote is short.
EDGE_WORDS = 3
_MAX_CANDIDATES = 40


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    how: str  # "exact", "moved", "fuzzy"


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
        return Anchor(ann.start, ann.end, "exact")
    found: list[int] = []
    pos = text.find(quote)
    while pos >= 0 and len(found) < 1000:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    if found:
        scale = max(1, len(text))
        best = max(found, key=lambda p: (context_score(text, p, p + len(quote), ann), -abs(p - ann.start) / scale))
        return Anchor(best, best + len(quote), "moved")
    return _fuzzy(text, ann)


def _edges(quote: str) -> tuple[list[str], list[str]]:
    """The quote's first words and last words, longest first (each at least a few characters)."""
    words = list(WORD.finditer(quote))
    heads, tails = [], []
    for k in range(min(EDGE_WORDS, len(words)), 0, -1):
        head = quote[: words[k - 1].end()]
        tail = quote[words[-k].start() :]
        if len(head.strip()) >= 4:
            heads.append(head)
        if len(tail.strip()) >= 4:
            tails.append(tail)
    return heads, tails


def _occurrences(text: str, needle: str, lo: int, hi: int) -> list[int]:
    found: list[int] = []
    pos = text.find(needle, lo, hi)
    while pos >= 0 and len(found) < _MAX_CANDIDATES:
        found.append(pos)
        pos = text.find(needle, pos + 1, hi)
    return found


def _fuzzy(text: str, ann: Annotation) -> Anchor | None:
    quote = ann.text
    if len(quote) < 8:
        return None  # too short to recognise when changed
    reach = max(FUZZY_WINDOW, 2 * len(quote))
    lo = max(0, ann.start - reach)
    hi = min(len(text), ann.end + reach)
    if hi <= lo:
        return None
    from rapidfuzz import fuzz  # imported on the first fuzzy search only

    heads, tails = _edges(quote)
    starts: set[int] = set()
    ends: set[int] = set()
    for head in heads:
        starts.update(_occurrences(text, head, lo, hi))
        if starts:
            break
    for tail in tails:
        ends.update(p + len(tail) for p in _occurrences(text, tail, lo, hi))
        if ends:
            break
    # The stored context marks the ends too, when the quote's own first or last words were edited.
    if len(ann.prefix) >= 8:
        starts.update(p + len(ann.prefix) for p in _occurrences(text, ann.prefix, lo, hi))
    if len(ann.suffix) >= 8:
        ends.update(_occurrences(text, ann.suffix, lo, hi))
    if not starts or not ends:
        # Neither edge survived: locate the passage as a whole, then take its ends as they are.
        match = fuzz.partial_ratio_alignment(quote, text[lo:hi], score_cutoff=FUZZY_MIN_SCORE + 15)
        if match is None:
            return None
        starts = starts or {lo + match.dest_start}
        ends = ends or {lo + match.dest_end}
    best: tuple[float, float, int, int] | None = None
    for start in starts:
        for end in ends:
            if not 0.5 * len(quote) <= end - start <= 2 * len(quote) + 40:
                continue
            score = fuzz.ratio(quote, text[start:end])
            key = (score, -abs(start - ann.start), start, end)
            if best is None or key > best:
                best = key
    if best is None or best[0] < FUZZY_MIN_SCORE:
        return None
    span = normalise_span(text, best[2], best[3], "word")
    if span is None:
        return None
    return Anchor(span[0], span[1], "fuzzy")


def reanchored(text: str, ann: Annotation, to_raw_span: SpanMap | None = None, document: str | None = None) -> Annotation:
    """``ann`` moved to where its quote is now in ``text`` (and into ``document``), or marked as an orphan."""
    document = document or ann.document
    found = anchor(text, ann)
    if found is None:
        if ann.orphan and ann.document == document:
            return ann
        return ann.changed(orphan=True, document=document)
    if found.how == "exact" and not ann.orphan and ann.document == document:
        return ann
    sel = Selector.from_span(text, found.start, found.end)
    raw_start, raw_end = to_raw_span(sel.start, sel.end) if to_raw_span else (sel.start, sel.end)
    return ann.changed(
        document=document, text=sel.exact, start=sel.start, end=sel.end, prefix=sel.prefix, suffix=sel.suffix,
        raw_start=raw_start, raw_end=raw_end, orphan=False, anchor=found.how,
        review=ann.review or found.how == "fuzzy",
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
    changed, report = plan_reanchor(store, doc_id, path, text, to_raw_span)
    if changed:
        store.replace_all(changed)
    return report


def plan_reanchor(store: AnnotationStore, doc_id: str, path: str, text: str,
                  to_raw_span: SpanMap | None = None) -> tuple[list[Annotation], ReanchorReport]:
    """What ``reanchor_document`` would change, without changing it (read-only commands show it)."""
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
    return changed, ReanchorReport(len(candidates), moved, orphaned)
