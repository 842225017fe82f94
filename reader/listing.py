"""What the command line prints: document lists, statistics and cleaned text.

Text from documents is printed through ``safe_text`` so that escape sequences
in a scraped page can never reach the user's terminal, and Rich markup in a
page is shown literally.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.agreement import AgreementReport
from annotations.model import Tagset
from annotations.store import AnnotationStore

from .cleaning import Cleaned
from .corpus import Corpus
from .terminal import sanitise as safe_text


def _style(colour: str) -> str:
    """A tag's colour as a Rich style, or none if the config's colour is not one."""
    from rich.color import Color, ColorParseError

    try:
        Color.parse(colour)
    except ColorParseError:
        return ""
    return colour


def _console() -> Console:
    """In a terminal, tables fit its width; piped to a file or a program, lines are never wrapped."""
    if sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=False)
    return Console(highlight=False, soft_wrap=True, width=100_000)


def _terminal() -> bool:
    return sys.stdout.isatty()


def _write_json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def print_documents(corpus: Corpus, store: AnnotationStore | None, tagset: Tagset, *, as_json: bool) -> None:
    names = set(tagset.names)
    by_document = store.counts_by_document() if store else {}  # one pass, not one per document
    stored_of = store.document if store else (lambda _doc_id: None)
    # Each document with its counts per tag (None: no passages, most of a big corpus) and status.
    entries = [(doc, by_document.get(doc.id), stored.status if (stored := stored_of(doc.id)) else "new")
               for doc in corpus.documents]
    if as_json:
        none = dict.fromkeys(sorted(names), 0)
        _write_json([
            {
                "id": doc.id,
                "path": doc.path,
                "title": doc.title,
                "words": doc.words,
                "annotations": ({tag: counts.get(tag, 0) for tag in sorted(names | set(counts))} if counts
                                else dict(none)),
                "status": status,
                "encoding": doc.encoding,
            }
            for doc, counts, status in entries
        ])
        return
    tags = sorted(names.union(*(counts for _, counts, _ in entries if counts)),
                  key=lambda t: (t not in tagset, tagset.names.index(t) if t in tagset else 0, t))
    if not _terminal():
        _print_plain(entries, tags)
        return
    table = Table(title=f"{len(entries)} documents", title_justify="left")
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("path", overflow="fold", style="dim", ratio=1)
    table.add_column("words", justify="right")
    for tag in tags:
        table.add_column(Text(safe_text(tag)), justify="right", style=_style(tagset.colour(tag)))
    table.add_column("status")
    for doc, counts, status in entries:
        table.add_row(
            Text(safe_text(doc.title)),
            Text(safe_text(doc.path)),
            f"{doc.words:,}",
            *[str(counts.get(t, 0) or "") if counts else "" for t in tags],
            Text(safe_text(status)),
        )
    _console().print(table)


def _print_plain(entries: list[tuple[Any, Any, str]], tags: list[str]) -> None:
    """Piped to a file or a program: one plain line per document, columns aligned with spaces."""
    zeros = ["0"] * len(tags)
    lines = [[safe_text(doc.title), safe_text(doc.path), f"{doc.words:,}",
              *([str(counts.get(t, 0)) for t in tags] if counts else zeros), safe_text(status)]
             for doc, counts, status in entries]
    sys.stdout.write(_aligned(["title", "path", "words", *tags, "status"], lines, {2, *range(3, 3 + len(tags))}))
    sys.stdout.flush()


def _aligned(header: list[str], lines: list[list[str]], numeric: set[int]) -> str:
    """Lines of columns aligned with spaces: text padded on the right, numbers (``numeric``
    columns) on the left; one format for every line, made once."""
    widths = [max(map(len, column)) for column in zip(header, *lines, strict=True)]
    line_format = "  ".join(f"{{:{'>' if k in numeric else '<'}{w}}}" for k, w in enumerate(widths))
    return "\n".join(line_format.format(*line).rstrip() for line in [header, *lines]) + "\n"


def print_stats(store: AnnotationStore, *, as_json: bool) -> None:
    by_tag = store.counts_by_tag()
    by_doc = store.counts_by_document()
    by_annotator = store.counts_by_annotator()
    orphans, to_review = store.counts_unsettled()
    docs = {d.id: d for d in store.documents()}
    if as_json:
        _write_json(
            {
                "passages": len(store),
                "orphans": orphans,
                "to_review": to_review,
                "by_tag": dict(by_tag.most_common()),
                "by_annotator": dict(by_annotator.most_common()),
                "by_document": [
                    {
                        "id": doc_id,
                        "path": docs[doc_id].path if doc_id in docs else "",
                        "title": docs[doc_id].title if doc_id in docs else "",
                        "status": docs[doc_id].status if doc_id in docs else "new",
                        "status_by_annotator": docs[doc_id].statuses if doc_id in docs else {},
                        "by_tag": dict(counts.most_common()),
                    }
                    for doc_id, counts in sorted(by_doc.items())
                ],
            }
        )
        return
    summary = safe_text(f"{len(store)} passages in {len(by_doc)} documents ({orphans} orphans, {to_review} to review) — {store.path}")
    tags = [t for t, _ in by_tag.most_common()]
    rows = []  # each document: name, status, count per tag
    for doc_id, counts in sorted(by_doc.items(), key=lambda kv: docs[kv[0]].path if kv[0] in docs else kv[0]):
        doc = docs.get(doc_id)
        name = (doc.title or doc.path) if doc else doc_id[:12]
        status = doc.status if doc else "new"
        if doc and doc.statuses:
            status = ", ".join(f"{who}: {st}" for who, st in sorted(doc.statuses.items()))
        rows.append((safe_text(name), safe_text(status), [counts.get(t, 0) for t in tags]))
    if not _terminal():  # piped: plain aligned lines (a table of 1,000 documents takes Rich a second)
        sys.stdout.write("\n\n".join(section.rstrip("\n") for section in [
            summary,
            "by tag\n" + _aligned(["tag", "passages"], [[safe_text(t), str(n)] for t, n in by_tag.most_common()], {1}),
            "by document\n" + _aligned(["document", "status", *map(safe_text, tags)],
                                       [[name, status, *map(str, counts)] for name, status, counts in rows],
                                       set(range(2, 2 + len(tags)))),
            "by annotator\n" + _aligned(["annotator", "passages"],
                                        [[safe_text(who or "(none)"), str(n)] for who, n in by_annotator.most_common()],
                                        {1}),
        ]) + "\n")
        sys.stdout.flush()
        return
    console = _console()
    console.print(Text(summary))
    table = Table(title="by tag", title_justify="left")
    table.add_column("tag")
    table.add_column("passages", justify="right")
    for tag, n in by_tag.most_common():
        table.add_row(Text(safe_text(tag)), str(n))
    console.print(table)
    table = Table(title="by document", title_justify="left")
    table.add_column("document", overflow="fold")
    table.add_column("status")
    for tag in tags:
        table.add_column(Text(safe_text(tag)), justify="right")
    for name, status, counts in rows:
        table.add_row(Text(name), Text(status), *[str(n or "") for n in counts])
    console.print(table)
    table = Table(title="by annotator", title_justify="left")
    table.add_column("annotator")
    table.add_column("passages", justify="right")
    for who, n in by_annotator.most_common():
        table.add_row(Text(safe_text(who or "(none)")), str(n))
    console.print(table)


def _number(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"  # NaN: nothing to compare


def print_agreement(report: AgreementReport, *, as_json: bool) -> None:
    if as_json:
        _write_json(
            {
                "annotators": report.annotators,
                "tags": report.tags,
                "pairs": [
                    {k: (None if isinstance(v, float) and v != v else v) for k, v in vars(p).items()} for p in report.pairs
                ],
                "all": [
                    {k: (None if isinstance(v, float) and v != v else v) for k, v in vars(g).items()} for g in report.groups
                ],
                "documents_without_text": report.missing_texts,
                "relations": [{k: (None if isinstance(v, float) and v != v else v) for k, v in vars(r).items()}
                              for r in report.relations],
                "attributes": [{k: (None if isinstance(v, float) and v != v else v) for k, v in vars(r).items()}
                               for r in report.attributes],
                "document_labels": [{k: (None if isinstance(v, float) and v != v else v) for k, v in vars(r).items()}
                                    for r in report.labels],
                "document_label_alpha": {k: (None if v != v else v) for k, v in report.label_alpha.items()},
            }
        )
        return
    console = _console()
    table = Table(title="pairwise agreement", title_justify="left")
    for name in ("annotators", "tag", "exact F1", "overlap F1", "Cohen's κ", "documents", "tokens"):
        table.add_column(name, justify="left" if name in ("annotators", "tag") else "right")
    for p in report.pairs:
        table.add_row(Text(safe_text(f"{p.a} · {p.b}")), Text(safe_text(p.tag)), _number(p.exact_f1),
                      _number(p.overlap_f1), _number(p.kappa), str(p.documents), f"{p.tokens:,}")
    console.print(table)
    table = Table(title=f"all {len(report.annotators)} annotators", title_justify="left")
    for name in ("tag", "Krippendorff's α", "documents", "tokens"):
        table.add_column(name, justify="left" if name == "tag" else "right")
    for g in report.groups:
        table.add_row(Text(safe_text(g.tag)), _number(g.alpha), str(g.documents), f"{g.tokens:,}")
    console.print(table)
    if report.relations:
        table = Table(title="relations", title_justify="left")
        for name in ("annotators", "type", "exact F1", "overlap F1", "relations"):
            table.add_column(name, justify="left" if name in ("annotators", "type") else "right")
        for r in report.relations:
            table.add_row(Text(safe_text(f"{r.a} · {r.b}")), Text(safe_text(r.type)), _number(r.exact_f1),
                          _number(r.overlap_f1), str(r.relations))
        console.print(table)
    if report.attributes or report.labels:
        table = Table(title="attributes and document labels", title_justify="left")
        for name in ("annotators", "of", "name", "Cohen's κ", "items"):
            table.add_column(name, justify="right" if name in ("Cohen's κ", "items") else "left")
        for kind, rows in (("passages", report.attributes), ("documents", report.labels)):
            for r in rows:
                table.add_row(Text(safe_text(f"{r.a} · {r.b}")), kind, Text(safe_text(r.name)), _number(r.kappa),
                              str(r.items))
        console.print(table)
        for name, alpha in report.label_alpha.items():
            console.print(Text(safe_text(f"document label {name}: Krippendorff's α {_number(alpha)}")))
    if report.missing_texts:
        console.print(f"[dim]{len(report.missing_texts)} documents left out: their text is not available (--corpus)[/]")


def print_cleaned(cleaned: Cleaned, *, show_dropped: bool) -> None:
    """The cleaned text; with ``show_dropped`` the whole page, dropped lines dimmed with their reason."""
    if not show_dropped:
        out = safe_text(cleaned.text)
        sys.stdout.write(out + ("\n" if out and not out.endswith("\n") else ""))
        return
    console = _console()
    reasons = {}
    for d in cleaned.dropped:
        for n in range(d.first, d.last + 1):
            reasons[n] = d.reason
    kept = set(cleaned.kept_by_annotator)
    for number, line in enumerate(cleaned.raw.split("\n")):
        if number in kept:
            text = Text(safe_text(line))
            text.append("   ← kept by the annotator", style="italic")
            console.print(text)
        elif number in reasons:
            text = Text(safe_text(line), style="dim")
            text.append(f"   ← {reasons[number]}", style="dim italic")
            console.print(text)
        else:
            console.print(Text(safe_text(line)))
