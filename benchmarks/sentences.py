"""Which sentence segmenter margin uses, and why: candidates side by side on news-style cases.

    python -m benchmarks.sentences      (needs pip install -e '.[bench]' for the candidates)

Each candidate segments the paragraphs of ``tests/data/sentence_cases.py`` (abbreviations,
titles, initials, decimals, quotes, CJK) and the bundled articles; it prints the cases it gets
right and its time per pass, beside margin's own (sentencex with margin's two corrections).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "data"))

from sentence_cases import CASES  # noqa: E402

Segmenter = Callable[[str], list[str]]


def candidates() -> dict[str, Segmenter]:
    from annotations.sentences import sentences_in_paragraph

    found: dict[str, Segmenter] = {
        "margin (sentencex + corrections)": lambda t: [t[a:b] for a, b in sentences_in_paragraph(t, 0)],
    }
    try:
        import sentencex

        found["sentencex alone"] = lambda t: [s.strip() for s in sentencex.segment("en", t) if s.strip()]
    except ImportError:
        pass
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        found["pysbd"] = lambda t: [s.strip() for s in seg.segment(t) if s.strip()]
    except ImportError:
        pass
    try:
        import nupunkt

        found["nupunkt"] = lambda t: [s.strip() for s in nupunkt.sent_tokenize(t) if s.strip()]
    except ImportError:
        pass
    try:
        from syntok import segmenter as syntok_segmenter

        def syntok(t: str) -> list[str]:
            out = []
            for paragraph in syntok_segmenter.analyze(t):
                for sentence in paragraph:
                    tokens = list(sentence)
                    out.append(t[tokens[0].offset : tokens[-1].offset + len(tokens[-1].value)])
            return out

        found["syntok"] = syntok
    except ImportError:
        pass
    return found


def main() -> None:
    from reader.corpus import load_corpus

    articles = [p for d in load_corpus([ROOT / "seeds"]).documents for p in d.text.split("\n") if p.strip()]
    print(f"{len(CASES)} news-style cases; timing: the cases plus {len(articles)} paragraphs of the seeds")
    print(f"{'segmenter':36} {'cases right':>12} {'ms per pass':>12}")
    for name, segment in candidates().items():
        right = sum(segment(p) == want for p, want in CASES)
        runs = 5
        start = time.perf_counter()
        for _ in range(runs):
            for p, _want in CASES:
                segment(p)
            for p in articles:
                segment(p)
        ms = (time.perf_counter() - start) / runs * 1000
        print(f"{name:36} {right:>8}/{len(CASES)} {ms:>12.1f}")


if __name__ == "__main__":
    main()
