"""The library with many documents: first and later start, and one filter key, in one process.

    python -m benchmarks.library_scale [N]     (default 10,000 generated articles of ~5 kB)

The articles are written once to a folder under the system's temporary folder and kept for later
runs. Timings are wall-clock in this process (Textual's test driver, no terminal), so read them
as an order of magnitude on a shared machine; the issue's targets (50,000 documents, against a
bare DataTable app) are not measured here yet.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import article


def corpus(n: int) -> Path:
    root = Path(tempfile.gettempdir()) / f"margin-corpus-{n}"
    if not root.exists():
        root.mkdir()
        for k in range(n):
            (root / f"{k:06d}.txt").write_text(article(5000, seed=k), encoding="utf-8")
    return root


async def start(root: Path, db: Path, label: str) -> None:
    from annotations.store import AnnotationStore
    from reader.app import MarginApp

    store = AnnotationStore(db)
    app = MarginApp(paths=(root,), store=store, annotator="bench", resume=False)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        listed = time.perf_counter() - t0
        rows = app.screen.query_one("#documents").row_count
        library = app.screen
        library._filter = "x"
        t1 = time.perf_counter()
        library.refresh_table()  # what one filter key costs once the typing pauses
        await pilot.pause()
        filtered = time.perf_counter() - t1
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:12} {rows:7,} rows listed in {listed:6.2f} s; one filter key {filtered * 1000:7.0f} ms; "
          f"peak RSS {peak:5.0f} MB")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.json"
        asyncio.run(start(root, db, "first start"))
        asyncio.run(start(root, db, "later start"))


if __name__ == "__main__":
    main()
