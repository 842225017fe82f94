"""An experiment, not a benchmark row: would a learned line model beat the cleaner's rules, and
would it hold on pages from another collection?

Each line of a cleanbench page gets features from the cleaner's own judgement (kind, reason,
kept or not) and from the line and its neighbours (words, share of function words, length,
sentence end, bullets, capitals, digits, place on the page, kept neighbours, the kept block it
sits in). A line is article if more than half of its 4-token shingles are in the truth (the
oracle's rule of cleanbench's README). Models are scored with cleanbench's own scorer on the
kept lines, on pages they were not trained on:

- ``dragnet CV``: five folds of dragnet/, each a run of neighbouring page numbers (a site's
  pages are numbered together, so a site's pages mostly stay in one fold: held out together);
- ``dragnet -> dev`` and ``dev -> dragnet``: trained on one collection, scored on the other
  (other sites, another era: the question that matters for pages margin has never seen);
- ``both CV``: five folds over dev/ and dragnet/ together.

Needs numpy and scikit-learn, which margin does not depend on::

    pip install numpy scikit-learn
    python -m benchmarks.line_model            # about three minutes on two cores
"""

from __future__ import annotations

import math
import re
import statistics
import sys
from pathlib import Path

from benchmarks.common import ROOT
from reader import cleaning

CLEANBENCH = ROOT.parent / "shared" / "cleanbench"
KINDS = (cleaning.GOOD, cleaning.NEAR, cleaning.SHORT, cleaning.BAD, cleaning.HEADING, cleaning.TITLE)
REASONS = ("", "short line", "not part of the article", "page furniture", "outside the article", "link list",
           "comment", "repeated title", "link", "byline", "photo caption", "appeal to the reader",
           "punctuation only", "date line", "keyword list", "about the author", "legal notice", "repeated paragraph", "navigation", "post footer")
_BULLET = re.compile(r"^\s*(?:[*+•·‣◦▪▸►\-–—o]\s+|\d{1,2}[.)]\s+)")


def _scorer():
    sys.path.insert(0, str(CLEANBENCH))
    import score

    return score


def line_labels(strips: list[str], truth: str) -> list[int]:
    """1 for a line whose 4-token shingles are mostly in the truth (short lines: found whole)."""
    score = _scorer()
    truth_shingles = score.shingles(truth)
    truth_tokens = " " + " ".join(score.tokens(truth)) + " "
    labels = []
    for line in strips:
        tokens = score.tokens(line)
        if len(tokens) < 4:
            labels.append(int(bool(tokens) and (" " + " ".join(tokens) + " ") in truth_tokens))
            continue
        shingles = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
        labels.append(int(2 * sum(s in truth_shingles for s in shingles) > len(shingles)))
    return labels


def line_features(raw: str) -> tuple[list[str], list[bool], list[dict[str, float]]]:
    """The page's lines, whether the cleaner keeps each, and each line's features."""
    page = cleaning.clean(raw)._page
    n = len(page.kinds)
    kept = [kind in cleaning._KEPT for kind in page.kinds]
    block_of, blocks = [-1] * n, []
    for k in range(n):
        if kept[k]:
            if k and kept[k - 1]:
                block_of[k] = block_of[k - 1]
                blocks[-1] += page.words[k]
            else:
                blocks.append(page.words[k])
                block_of[k] = len(blocks) - 1
    biggest = max(blocks, default=1)
    kept_words = sum(w for w, keep in zip(page.words, kept, strict=True) if keep) or 1
    first = kept.index(True) if any(kept) else n
    last = n - 1 - kept[::-1].index(True) if any(kept) else -1
    rows = []
    for k in range(n):
        line, words = page.strips[k], page.words[k]
        tokens = line.split()
        reason = page.reasons[k] if page.reasons[k] in REASONS else "other"
        row = {"kept": float(kept[k])}
        row.update({f"kind {kind}": float(page.kinds[k] == kind) for kind in KINDS})
        row.update({f"reason {name}": float(reason == name) for name in (*REASONS, "other")})
        row.update(
            words=math.log1p(words), ratio=page.ratios[k], length=math.log1p(len(line)),
            sentence_end=float(line[-1] in cleaning._END_CHARS), bullet=float(bool(_BULLET.match(line))),
            capitals=sum(t[:1].isupper() for t in tokens) / len(tokens),
            digits=sum(ch.isdigit() for ch in line) / len(line), place=k / n,
            before_kept=float(k < first), after_kept=float(k > last), among_kept=float(first <= k <= last),
            quote=float(line[:1] in "\"“'‘«"), colon_end=float(line.endswith(":")), pipe=float("|" in line),
            page_words=math.log1p(kept_words), page_lines=math.log1p(n),
            block=blocks[block_of[k]] / biggest if block_of[k] >= 0 else 0.0,
            block_share=blocks[block_of[k]] / kept_words if block_of[k] >= 0 else 0.0,
        )
        for step in (-2, -1, 1, 2):
            j = k + step
            inside = 0 <= j < n
            row[f"kept {step}"] = float(kept[j]) if inside else -1.0
            row[f"words {step}"] = math.log1p(page.words[j]) if inside else 0.0
            row[f"good {step}"] = float(inside and page.kinds[j] is cleaning.GOOD)
        around = [kept[j] for j in range(max(0, k - 4), min(n, k + 5)) if j != k]
        row["kept around"] = sum(around) / len(around) if around else 0.0
        rows.append(row)
    return page.strips, kept, rows


def collection(name: str) -> list[dict]:
    score = _scorer()
    pages = []
    for pid, raw, truth in score.load_pages(str(CLEANBENCH / name)):
        strips, kept, rows = line_features(raw)
        pages.append({"id": pid, "strips": strips, "kept": kept, "rows": rows, "truth": truth,
                      "labels": line_labels(strips, truth)})
    return pages


def _page_number(pid: str) -> tuple[str, int, str]:
    """``dragnetR771`` → ("R", 771, …): pages in the order the collection numbered them."""
    found = re.match(r"\D*?([A-Z]?)(\d+)$", pid)
    return (found.group(1), int(found.group(2)), pid) if found else ("~", 0, pid)


def scored(pages: list[dict], keeps: list[list[float]], threshold: float = 0.5) -> str:
    """cleanbench's summary of the lines kept (probability above ``threshold``)."""
    score = _scorer()
    results = [score.prf("\n\n".join(s for s, p in zip(page["strips"], keep, strict=True) if p > threshold),
                         page["truth"]) for page, keep in zip(pages, keeps, strict=True)]
    f1 = sorted(r[2] for r in results)
    return (f"F1 {statistics.mean(f1):.3f} P {statistics.mean(r[0] for r in results):.3f} "
            f"R {statistics.mean(r[1] for r in results):.3f} median {statistics.median(f1):.3f} "
            f"p10 {f1[len(f1) // 10]:.3f}")


def main() -> None:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    dev, dragnet = collection("dev"), collection("dragnet")
    names = list(dev[0]["rows"][0])

    def matrix(pages: list[dict]):
        return (np.array([[row[n] for n in names] for page in pages for row in page["rows"]]),
                np.array([label for page in pages for label in page["labels"]]))

    def keeps(model, pages: list[dict]) -> list[list[float]]:
        return [list(model.predict_proba(np.array([[row[n] for n in names] for row in page["rows"]]))[:, 1])
                if page["rows"] else [] for page in pages]

    def folds(pages: list[dict], make, k: int = 5) -> list[list[float]]:
        order = sorted(range(len(pages)), key=lambda j: _page_number(pages[j]["id"]))
        found: dict[int, list[float]] = {}
        for i in range(k):
            held = order[i * len(order) // k : (i + 1) * len(order) // k]
            held_out = set(held)
            model = make().fit(*matrix([pages[j] for j in order if j not in held_out]))
            found.update(zip(held, keeps(model, [pages[j] for j in held]), strict=True))
        return [found[j] for j in range(len(pages))]

    print("rules             dev    ", scored(dev, [[float(k) for k in p["kept"]] for p in dev]))
    print("rules             dragnet", scored(dragnet, [[float(k) for k in p["kept"]] for p in dragnet]))
    makers = {
        "boosted trees": lambda: HistGradientBoostingClassifier(max_iter=200, max_leaf_nodes=31),
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
    }
    for label, make in makers.items():
        print(f"{label:17} dragnet CV      ", scored(dragnet, folds(dragnet, make)))
        print(f"{label:17} dragnet -> dev  ", scored(dev, keeps(make().fit(*matrix(dragnet)), dev)))
        print(f"{label:17} dev -> dragnet  ", scored(dragnet, keeps(make().fit(*matrix(dev)), dragnet)))
    both = dev + dragnet
    kept = folds(both, makers["boosted trees"])
    print("boosted trees     both CV, dev    ", scored(dev, kept[: len(dev)]))
    print("boosted trees     both CV, dragnet", scored(dragnet, kept[len(dev) :]))


if __name__ == "__main__":
    if not (CLEANBENCH / "dev").is_dir() or not Path(CLEANBENCH / "dragnet").is_dir():
        sys.exit(f"cleanbench not found at {CLEANBENCH}")
    main()
