"""A team's database: many passages, each figure beside its baseline from the same run.

    python -m benchmarks.passages_scale [N]     (default 500,000 passages)
    python -m benchmarks --scale                (the same rows, after the everyday ones)

The database is built once (``AnnotationStore.merge``, as ``margin import`` does) under the
system's temporary folder and kept for later runs. Three documents are real files of a small
corpus (one holds 1,000 passages, one 10, one 100); the other passages belong to 1,000
documents the corpus does not have, as a team's database does. Rows:

- memory of ``margin stats`` beyond the JSON text: its peak against a process that imports the
  same code and holds the file's bytes, per passage (≤ 1 KB);
- ``margin stats`` and ``margin list`` (whole commands, fresh processes) against
  ``orjson.loads`` of the database file (≤ 3×);
- opening the document with 1,000 passages against the one with 10, in the reader (≤ 2×);
- the reader's start to the library against its start on a database of 100 passages plus
  ``orjson.loads`` of the big file (≤ 2×).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import LATER_START, ROOT, Row, article, peak_kb_code, print_row

TAGS = ("claim", "source", "prediction")
OTHER_DOCUMENTS = 1000
IN_CORPUS = {"many": 1000, "few": 10, "some": 100}  # file name → passages in it


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def corpus() -> Path:
    folder = Path(tempfile.gettempdir()) / "margin-passages-corpus"
    folder.mkdir(exist_ok=True)
    for number, name in enumerate(IN_CORPUS):
        path = folder / f"{name}.txt"
        if not path.exists():
            path.write_text(article(60_000, seed=100 + number), encoding="utf-8")
    return folder


def database(n: int, *, only_corpus: bool = False) -> Path:
    """A database of ``n`` passages (kept between runs); with ``only_corpus``, just the corpus's."""
    from annotations.model import Annotation, Selector
    from annotations.storage import SCHEMA_VERSION
    from annotations.store import AnnotationStore
    from reader.corpus import load_corpus

    label = "corpus" if only_corpus else str(n)
    path = Path(tempfile.gettempdir()) / f"margin-passages-{label}" / "db.json"
    done = path.parent / ".complete"
    if done.exists():
        if done.read_text() != str(SCHEMA_VERSION):  # built by an older margin: migrate it once, as a user would
            AnnotationStore(path).close()
            done.write_text(str(SCHEMA_VERSION))
        return path
    path.parent.mkdir(exist_ok=True)
    for stale in path.parent.iterdir():
        stale.unlink()
    loaded = load_corpus([corpus()])
    passages = []
    for doc in loaded.documents:
        text = doc.text
        count = IN_CORPUS[Path(doc.path).stem]
        step = max(1, (len(text) - 100) // count)
        for k in range(count):
            start = k * step
            passages.append(Annotation.create(document=doc.id, tag=TAGS[k % 3], annotator=("ana", "bo")[k % 2],
                                              selector=Selector.from_span(text, start, start + 40)))
    if not only_corpus:
        text = article(4000, seed=7)
        for k in range(n - len(passages)):
            start = (k * 37) % 3900
            passages.append(Annotation.create(document=f"{k % OTHER_DOCUMENTS:064x}", tag=TAGS[k % 3],
                                              annotator=("ana", "bo")[k % 2],
                                              selector=Selector.from_span(text, start, start + 40)))
    with AnnotationStore(path) as store:
        store.merge(passages)
    done.write_text(str(SCHEMA_VERSION))
    return path


PEAK = peak_kb_code("sys.stderr")

HOLDS_THE_TEXT = """
import sys
from annotations.store import AnnotationStore
import reader.cli, reader.listing
content = open(sys.argv[1], "rb").read()
"""

STATS = """
import sys
from reader.cli import main
sys.argv = ["margin", "--db", sys.argv[1], *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
"""


def _peak_and_time(code: str, *args: str) -> tuple[float, int]:
    """Wall seconds and peak resident kilobytes of ``code`` in a fresh Python."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code + "\n" + PEAK, *args], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, check=True)
    elapsed = time.perf_counter() - t0
    return elapsed, int(proc.stderr.strip().splitlines()[-1])


LOADS = """
import gc, sys, time
import orjson
content = open(sys.argv[1], "rb").read()
best = float("inf")
for _ in range(2):
    gc.collect()
    t0 = time.perf_counter()
    data = orjson.loads(content)
    best = min(best, time.perf_counter() - t0)
    del data
print(best)
"""


def loads_seconds(path: Path) -> float:
    """``orjson.loads`` of the file, in a process of its own (so this one stays small)."""
    proc = subprocess.run([sys.executable, "-c", LOADS, str(path)], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip())


def command(path: Path, *argv: str, repeat: int = 2) -> tuple[float, int]:
    runs = [_peak_and_time(STATS, str(path), *argv) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def reader_start(path: Path, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", LATER_START, str(path), str(corpus())], capture_output=True,
                              text=True, env=_env(), cwd=ROOT, check=True)
        times.append(float(proc.stdout.split()[-2]))
    return min(times)


def open_times(path: Path, repeat: int = 3) -> dict[str, float]:
    """Seconds from Enter on a library row to the document shown with its passages, per file."""
    import asyncio

    from annotations.store import AnnotationStore
    from reader.app import MarginApp
    from reader.screens.document import DocumentScreen

    best: dict[str, float] = {}
    store = AnnotationStore(path)
    app = MarginApp(paths=(corpus(),), store=store, annotator="bench", resume=False)

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            table = pilot.app.screen.query_one("#documents")
            for _ in range(repeat):
                for row, key in enumerate(table.keys):
                    name = Path(app.corpus.by_id(key).path).stem
                    table.move_cursor(row=row)
                    await pilot.pause()
                    t0 = time.perf_counter()
                    await pilot.press("enter")
                    while not (isinstance(pilot.app.screen, DocumentScreen) and pilot.app.screen.view.highlights):
                        await pilot.pause()
                    await pilot.pause()
                    elapsed = time.perf_counter() - t0
                    best[name] = min(best.get(name, float("inf")), elapsed)
                    await pilot.press("escape")
                    await pilot.pause()
            pilot.app.exit()

    asyncio.run(drive())
    store.close()
    return best


def rows(n: int, add) -> None:
    big = database(n)
    small = database(0, only_corpus=True)
    size = big.stat().st_size
    base = loads_seconds(big)
    _, holding = _peak_and_time(HOLDS_THE_TEXT, str(big))
    stats_s, stats_kb = command(big, "stats")
    extra = max(0, stats_kb - holding) * 1024 / n
    add(Row(f"memory per passage beyond the JSON, {n:,}", extra, 1024, "B", "≤ 1 KB", extra <= 1024,
            f"margin stats peak {stats_kb / 1024:.0f} MB; file {size / 1e6:.0f} MB, held by the baseline"))
    add(Row(f"margin stats, {n:,} passages vs orjson.loads", stats_s, base, "s", "≤ 3×", stats_s <= 3 * base,
            "whole command, fresh process"))
    list_s, _ = command(big, "list")
    add(Row(f"margin list, {n:,} passages vs orjson.loads", list_s, base, "s", "≤ 3×", list_s <= 3 * base,
            "whole command, fresh process"))
    opened = open_times(big)
    add(Row(f"open a document of 1,000 passages vs of 10 ({n:,} stored)", opened["many"], opened["few"], "s",
            "≤ 2×", opened["many"] <= 2 * opened["few"], "Enter → text and passages shown"))
    start_big, start_small = reader_start(big), reader_start(small)
    add(Row(f"reader start, {n:,} passages vs 100 + orjson.loads", start_big, start_small + base, "s", "≤ 2×",
            start_big <= 2 * (start_small + base), f"start with 100: {start_small:.2f} s, loads {base:.2f} s"))


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 500_000

    def add(row: Row) -> None:
        row.faster = False
        print_row(row)

    rows(n, add)


if __name__ == "__main__":
    main()
