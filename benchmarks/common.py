"""What the benchmarks share: the project's root, a generated article, and a row of results."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "the of and to in a is that for on with as was by at from said it be are have this has will its an not they "
    "government minister report officials president market analysts country economy policy security military "
    "election court police company bank energy oil talks agreement forces border region crisis prices growth "
    "sanctions trade week year month people city capital support pressure plan deal investment according"
).split()


def article(size: int, seed: int = 1) -> str:
    """A generated article of about ``size`` characters: a title and paragraphs of sentences."""
    rng = random.Random(seed)
    parts = ["A Generated Article For Measuring Margin"]
    total = len(parts[0])
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 7)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 28))]
            words[0] = words[0].capitalize()
            if rng.random() < 0.2:
                words.insert(rng.randint(1, len(words) - 1), f"“{rng.choice(WORDS)}”")
            sentences.append(" ".join(words) + rng.choice(".........?!"))
        paragraph = " ".join(sentences)
        parts.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(parts)[:size]


@dataclass
class Row:
    name: str
    ours: float
    baseline: float
    unit: str
    target: str
    ok: bool | None
    note: str = ""
    faster: bool = True  # True: ratio = baseline/ours (how many times faster); False: ours/baseline

    @property
    def ratio(self) -> float:
        if self.faster:
            return self.baseline / self.ours if self.ours else float("inf")
        return self.ours / self.baseline if self.baseline else float("inf")
