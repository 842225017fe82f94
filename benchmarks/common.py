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


def headline(seed: int) -> str:
    """A headline of content words, capitalised: one per seed, so a generated corpus has titles as
    distinct as a real one (sorting 50,000 equal titles is one pass, not a sort)."""
    rng = random.Random(f"headline {seed}")
    words = rng.sample([w for w in WORDS if len(w) > 3], rng.randint(4, 8))
    words.insert(rng.randint(1, len(words) - 1), rng.choice(("on", "in", "for", "with", "as", "after")))
    return " ".join(w.capitalize() for w in words)


def article(size: int, seed: int = 1) -> str:
    """A generated article of about ``size`` characters: a title and paragraphs of sentences."""
    rng = random.Random(seed)
    parts = [headline(seed)]
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


def peak_kb_code(stream: str = "sys.stdout") -> str:
    """Code that prints this process's own peak memory (kB) as the last thing on ``stream``: /proc's
    VmHWM starts afresh with the program, where getrusage's ru_maxrss keeps the parent's
    high-water mark across fork and exec (Linux), so a child of a large benchmark would report it."""
    return f"""
import sys
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")), file={stream})
"""


# A later start of the reader in a fresh process: the library listed (rows visible), then exit.
# Prints the seconds it took, then its peak memory (kB).
LATER_START = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from annotations.store import AnnotationStore
from reader.app import MarginApp
store = AnnotationStore(Path(sys.argv[1]))
app = MarginApp(paths=(Path(sys.argv[2]),), store=store, annotator="bench", resume=False)
async def stop(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert pilot.app.screen.query_one("#documents").row_count > 0
    pilot.app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=stop)
store.close()
print(time.perf_counter() - t0)
""" + peak_kb_code()


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


def print_row(row: Row) -> None:
    """One result as a line: the figure, its baseline, the ratio, the target and whether it is met."""
    mark = {True: "ok", False: "MISSED", None: ""}[row.ok]
    print(f"{row.name:58} ours {row.ours:10.3f} {row.unit:3} base {row.baseline:10.3f}  ×{row.ratio:6.2f}  "
          f"{row.target:18} {mark} {row.note}", flush=True)
