"""How much annotators agree, before anyone trusts the labels.

Three views, each per tag and over all tags:

* **Exact-span F1** (pairwise): a passage of one annotator matches one of the
  other's if document, start, end and tag are all equal. F1 = 2·matches /
  (passages of A + passages of B); symmetric, 1.0 only for identical work.
* **Overlap F1** (pairwise): a passage counts as found if the other annotator
  has a passage with the same tag sharing at least one character. P = share of
  B's passages found by A, R = share of A's found by B, F1 = 2PR/(P+R).
* **Cohen's kappa** (pairwise) on a token-level labelling: the documents both
  annotated are cut into word tokens (``\\w+``); each token gets the tag of the
  passage covering it (innermost if several), else "none". Per tag the labels
  are "tag" / "not tag". κ = (p_o − p_e)/(1 − p_e).
* **Krippendorff's alpha** (nominal) across all annotators on the same tokens,
  an annotator who did not annotate a document counting as missing there.
  α = 1 − D_o/D_e from the coincidence matrix.

Documents enter a pair's figures only if both annotated them (each has at
least one passage there); the counts of documents and tokens are reported.

Beyond passages: **relation F1** (pairwise; a relation of one matches one of
the other with the same type whose two ends match — exactly, or by overlap),
**attribute κ** (Cohen's, per attribute, over the passages both drew
identically, a missing value counting as "none"), and **document-label κ/α**
(per label: κ per pair over the documents both labelled, α over everyone).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .model import Annotation, Document, Relation

NONE = "none"
_TOKEN = re.compile(r"\w+", re.UNICODE)


# -- the statistics --------------------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two equally long label sequences (1.0 when both are constant and equal)."""
    if len(a) != len(b):
        raise ValueError("label sequences differ in length")
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca.keys() | cb.keys()) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(units: Iterable[Sequence[str | None]]) -> float:
    """Krippendorff's alpha for nominal data; each unit lists one value per annotator (None = missing)."""
    coincidence: dict[tuple[str, str], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    coincidence[(c, k)] += pairs / (m - 1)
    totals: dict[str, float] = defaultdict(float)
    for (c, _), v in coincidence.items():
        totals[c] += v
    n = sum(totals.values())
    if n <= 1:
        return float("nan")
    observed = sum(v for (c, k), v in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return 1.0
    return 1.0 - observed / expected


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def exact_f1(a: list[Annotation], b: list[Annotation]) -> float:
    if not a and not b:
        return float("nan")
    key = lambda x: (x.document, x.start, x.end, x.tag)  # noqa: E731
    matches = sum((Counter(map(key, a)) & Counter(map(key, b))).values())
    return 2 * matches / (len(a) + len(b))


class _Spans:
    """One annotator's passages by (document, tag), sorted by start, with the running maximum of their
    ends: whether any overlaps [start, end) is one bisect, so overlap F1 is linear, not |A|·|B|."""

    def __init__(self, passages: list[Annotation]) -> None:
        groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for p in passages:
            groups[(p.document, p.tag)].append((p.start, p.end))
        self.starts: dict[tuple[str, str], list[int]] = {}
        self.max_ends: dict[tuple[str, str], list[int]] = {}
        for key, spans in groups.items():
            spans.sort()
            self.starts[key] = [s for s, _ in spans]
            running, ends = 0, []
            for _, e in spans:
                running = max(running, e)
                ends.append(running)
            self.max_ends[key] = ends

    def overlaps(self, x: Annotation) -> bool:
        key = (x.document, x.tag)
        starts = self.starts.get(key)
        if not starts:
            return False
        k = bisect.bisect_left(starts, x.end)  # passages starting before x ends
        return k > 0 and self.max_ends[key][k - 1] > x.start


def overlap_f1(a: list[Annotation], b: list[Annotation]) -> float:
    if not a and not b:
        return float("nan")
    in_a, in_b = _Spans(a), _Spans(b)
    recall = sum(map(in_b.overlaps, a)) / len(a) if a else 0.0
    precision = sum(map(in_a.overlaps, b)) / len(b) if b else 0.0
    return _f1(precision, recall)


# -- token labelling ---------------------------------------------------------------------------------


def token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def token_labels(tokens: list[tuple[int, int]], passages: list[Annotation], tag: str | None = None) -> list[str]:
    """One label per token: the tag of the innermost passage covering it (or, per tag, tag / none)."""
    labels = [NONE] * len(tokens)
    width = [0] * len(tokens)  # length of the passage that gave each token its label
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]
    for p in passages:
        if tag is not None and p.tag != tag:
            continue
        # Tokens overlapping [p.start, p.end): their end is after p.start and their start before p.end.
        first = bisect.bisect_right(ends, p.start)
        last = bisect.bisect_left(starts, p.end)
        size = p.end - p.start
        for i in range(first, last):
            if labels[i] == NONE or size < width[i]:
                labels[i] = p.tag
                width[i] = size
    return labels


# -- the report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairAgreement:
    a: str
    b: str
    tag: str  # a tag, or "all"
    exact_f1: float
    overlap_f1: float
    kappa: float
    documents: int
    tokens: int


@dataclass(frozen=True)
class GroupAgreement:
    tag: str
    alpha: float
    annotators: int
    documents: int
    tokens: int


@dataclass(frozen=True)
class RelationAgreement:
    """Relations of a pair: a relation matches when both its ends match (exactly, or by overlap) and its type."""

    a: str
    b: str
    type: str
    exact_f1: float
    overlap_f1: float
    relations: int  # of both annotators


@dataclass(frozen=True)
class ValueAgreement:
    """An attribute over the passages both drew identically, or a document label over the documents both labelled."""

    a: str
    b: str
    name: str
    kappa: float
    items: int


@dataclass
class AgreementReport:
    annotators: list[str]
    tags: list[str]
    pairs: list[PairAgreement] = field(default_factory=list)
    groups: list[GroupAgreement] = field(default_factory=list)
    missing_texts: list[str] = field(default_factory=list)
    relations: list[RelationAgreement] = field(default_factory=list)
    attributes: list[ValueAgreement] = field(default_factory=list)
    labels: list[ValueAgreement] = field(default_factory=list)
    label_alpha: dict[str, float] = field(default_factory=dict)


def _span(p: Annotation) -> tuple[str, int, int, str]:
    return (p.document, p.start, p.end, p.tag)


def relation_agreement(passages: list[Annotation], relations: list[Relation], a: str, b: str) -> list[RelationAgreement]:
    """Relation F1 of a pair, per type and over all types (see the module docstring)."""
    by_id = {p.id: p for p in passages}

    def ends(who: str) -> list[tuple[str, Annotation, Annotation]]:
        out = []
        for r in relations:
            source, target = by_id.get(r.from_id), by_id.get(r.to_id)
            if r.annotator == who and source is not None and target is not None:
                out.append((r.type, source, target))
        return out

    ra, rb = ends(a), ends(b)
    found = []
    for kind in [*sorted({t for t, _, _ in ra + rb}), "all"]:
        xa = [x for x in ra if kind in ("all", x[0])]
        xb = [x for x in rb if kind in ("all", x[0])]
        if not xa and not xb:
            continue
        exact_a = Counter((t, _span(s), _span(o)) for t, s, o in xa)
        exact_b = Counter((t, _span(s), _span(o)) for t, s, o in xb)
        exact = 2 * sum((exact_a & exact_b).values()) / (len(xa) + len(xb))

        def overlaps(p: Annotation, q: Annotation) -> bool:
            return p.document == q.document and p.tag == q.tag and p.start < q.end and q.start < p.end

        def share(xs: list, ys: list) -> float:
            if not xs:
                return 0.0
            hits = sum(any(t == u and overlaps(s, v) and overlaps(o, w) for u, v, w in ys) for t, s, o in xs)
            return hits / len(xs)

        found.append(RelationAgreement(a, b, kind, exact, _f1(share(xb, xa), share(xa, xb)), len(xa) + len(xb)))
    return found


def attribute_agreement(passages: list[Annotation], a: str, b: str) -> list[ValueAgreement]:
    """Cohen's κ of each attribute over the passages both annotators drew identically (missing: "none")."""
    mine = {_span(p): p for p in passages if p.annotator == a}
    theirs = {_span(p): p for p in passages if p.annotator == b}
    both = [(mine[k], theirs[k]) for k in mine.keys() & theirs.keys()]
    names = sorted({n for x, y in both for n in (*x.attributes, *y.attributes)})
    return [ValueAgreement(a, b, name, cohen_kappa([x.attributes.get(name, NONE) for x, _ in both],
                                                   [y.attributes.get(name, NONE) for _, y in both]), len(both))
            for name in names]


def label_agreement(documents: list[Document], annotators: list[str]) -> tuple[list[ValueAgreement], dict[str, float]]:
    """Document labels: Cohen's κ per pair over the documents both labelled, Krippendorff's α over all."""
    names = sorted({n for d in documents for who in annotators for n in d.labels.get(who, {})})
    pairs = []
    alphas = {}
    for name in names:
        def value(d: Document, who: str, name: str = name) -> str | None:
            got = d.labels.get(who, {}).get(name)
            return "|".join(sorted(got)) if got else None

        for a, b in combinations(annotators, 2):
            both = [(x, y) for d in documents if (x := value(d, a)) is not None and (y := value(d, b)) is not None]
            if both:
                pairs.append(ValueAgreement(a, b, name, cohen_kappa([x for x, _ in both], [y for _, y in both]),
                                            len(both)))
        alphas[name] = krippendorff_alpha_nominal([value(d, who) for who in annotators] for d in documents)
    return pairs, alphas


def agreement(
    passages: list[Annotation],
    texts: dict[str, str],
    annotators: list[str] | None = None,
    tags: list[str] | None = None,
    relations: list[Relation] | None = None,
    documents: list[Document] | None = None,
) -> AgreementReport:
    """Every figure of the module docstring for ``passages``; ``texts`` holds each document's cleaned text.

    With ``relations`` and ``documents``, also relation F1, attribute κ and document-label κ/α.
    """
    passages = [p for p in passages if not p.orphan]
    who = annotators or sorted({p.annotator for p in passages})
    report = _spans_agreement(passages, texts, who, tags)
    for a, b in combinations(who, 2):
        report.relations += relation_agreement(passages, relations or [], a, b)
        report.attributes += attribute_agreement(passages, a, b)
    report.labels, report.label_alpha = label_agreement(documents or [], who)
    return report


def _spans_agreement(passages: list[Annotation], texts: dict[str, str], who: list[str],
                     tags: list[str] | None) -> AgreementReport:
    passages = [p for p in passages if p.annotator in who]
    all_tags = tags or sorted({p.tag for p in passages})
    passages = [p for p in passages if p.tag in all_tags]
    by: dict[str, dict[str, list[Annotation]]] = defaultdict(lambda: defaultdict(list))
    for p in passages:
        by[p.annotator][p.document].append(p)
    report = AgreementReport(who, all_tags)
    report.missing_texts = sorted({p.document for p in passages if p.document not in texts})
    tokens_of = {doc: token_spans(text) for doc, text in texts.items()}

    for a, b in combinations(who, 2):
        docs = sorted(d for d in by[a].keys() & by[b].keys() if d in tokens_of)
        for tag in [*all_tags, "all"]:
            pick = (lambda ps: ps) if tag == "all" else (lambda ps, t=tag: [p for p in ps if p.tag == t])
            pa = [p for d in docs for p in pick(by[a][d])]
            pb = [p for d in docs for p in pick(by[b][d])]
            la, lb = [], []
            for d in docs:
                la += token_labels(tokens_of[d], by[a][d], None if tag == "all" else tag)
                lb += token_labels(tokens_of[d], by[b][d], None if tag == "all" else tag)
            report.pairs.append(
                PairAgreement(a, b, tag, exact_f1(pa, pb), overlap_f1(pa, pb), cohen_kappa(la, lb) if la else float("nan"),
                              len(docs), len(la))
            )

    docs = sorted(d for d in tokens_of if sum(d in by[x] for x in who) >= 2)
    for tag in [*all_tags, "all"]:
        units: list[list[str | None]] = []
        for d in docs:
            columns = [
                token_labels(tokens_of[d], by[x][d], None if tag == "all" else tag) if d in by[x] else None for x in who
            ]
            for i in range(len(tokens_of[d])):
                units.append([col[i] if col is not None else None for col in columns])
        report.groups.append(GroupAgreement(tag, krippendorff_alpha_nominal(units), len(who), len(docs), len(units)))
    return report


# -- where annotators differ (for review) ------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """A stretch of text where annotators' passages overlap but do not all agree."""

    start: int
    end: int
    versions: dict[str, list[Annotation]]  # annotator → their passages here (empty: none)
    gold: list[Annotation]  # what the reviewed set already holds here

    @property
    def resolved(self) -> bool:
        return bool(self.gold)


def disagreements(passages: list[Annotation], gold_name: str = "gold") -> list[Disagreement]:
    """Overlapping passages grouped into stretches; those where annotators differ, in text order."""
    passages = [p for p in passages if not p.orphan]
    gold = [p for p in passages if p.annotator == gold_name]
    work = sorted((p for p in passages if p.annotator != gold_name), key=lambda p: (p.start, p.end))
    annotators = sorted({p.annotator for p in work})
    groups: list[list[Annotation]] = []
    end = -1
    for p in work:
        if groups and p.start < end:
            groups[-1].append(p)
            end = max(end, p.end)
        else:
            groups.append([p])
            end = p.end
    found = []
    for group in groups:
        versions = {who: [p for p in group if p.annotator == who] for who in annotators}
        # Attributes are part of a version: the same span and tag with other attributes is a disagreement.
        shapes = {who: sorted((p.start, p.end, p.tag, tuple(sorted(p.attributes.items()))) for p in ps)
                  for who, ps in versions.items()}
        if len({tuple(s) for s in shapes.values()}) <= 1:
            continue
        start, stop = min(p.start for p in group), max(p.end for p in group)
        here = [g for g in gold if g.start < stop and start < g.end]
        found.append(Disagreement(start, stop, versions, here))
    return found


@dataclass(frozen=True)
class RelationDisagreement:
    """Two passages' stretch where annotators' relations differ: each one's relations between them."""

    versions: dict[str, list[Relation]]  # annotator → their relations here
    gold: list[Relation]


def relation_disagreements(passages: list[Annotation], relations: list[Relation],
                           gold_name: str = "gold") -> list[RelationDisagreement]:
    """Relations grouped by what they link (the spans of both ends); the groups where annotators differ."""
    by_id = {p.id: p for p in passages}
    annotators = sorted({p.annotator for p in passages if p.annotator != gold_name})
    groups: dict[tuple, list[Relation]] = defaultdict(list)
    for r in relations:
        source, target = by_id.get(r.from_id), by_id.get(r.to_id)
        if source is not None and target is not None:
            groups[((source.start, source.end), (target.start, target.end))].append(r)
    found = []
    for _, rels in sorted(groups.items()):
        versions = {who: [r for r in rels if r.annotator == who] for who in annotators}
        shapes = {who: sorted(r.type for r in rs) for who, rs in versions.items()}
        if len({tuple(s) for s in shapes.values()}) > 1:
            found.append(RelationDisagreement(versions, [r for r in rels if r.annotator == gold_name]))
    return found
