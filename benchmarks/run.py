"""Every performance target of margin, each against its baseline in the same run.

    python -m benchmarks            # all of them (a few minutes)
    python -m benchmarks --quick    # smaller sizes, to check the harness

Prints a table (ours, baseline, ratio, target) and writes
``benchmarks/results/latest.json``. Machines here are shared and noisy, so
each figure is the best of several runs and what matters is the ratio between
two things measured side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import orjson

from benchmarks.common import ROOT, Row, article


def best(fn: Callable[[], float], repeat: int) -> float:
    return min(fn() for _ in range(repeat))


# -- the document view against TextArea ------------------------------------------------------------


async def _open_and_drive(make_widget: Callable[[], object], text: str, ours: bool) -> dict[str, float]:
    """Mount a text widget in a headless app; time first paint, then page, cursor and resize work at the end.

    Keys are timed as the widget's own action plus rendering every visible
    line, so Pilot's fixed per-key overhead does not hide the difference.
    """
    from textual.app import App

    class Bench(App):
        pass

    app = Bench()
    timings: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        widget = make_widget()
        t0 = time.perf_counter()
        await app.mount(widget)
        widget.focus()
        await pilot.pause()
        timings["open"] = time.perf_counter() - t0
        height = widget.scrollable_content_region.height

        def paint() -> None:
            for y in range(height):
                widget.render_line(y)

        if ours:
            widget.action_document_edge(1)
            page_up, page_down = (lambda: widget.action_move_page(-1)), (lambda: widget.action_move_page(1))
            left, right = (lambda: widget.action_move_char(-1)), (lambda: widget.action_move_char(1))
        else:
            last = widget.document.line_count - 1
            widget.move_cursor((last, 0))
            page_up, page_down = widget.action_cursor_page_up, widget.action_cursor_page_down
            left, right = widget.action_cursor_left, widget.action_cursor_right
        await pilot.pause()
        paint()

        def timed(actions: list[Callable[[], object]], rounds: int) -> float:
            t0 = time.perf_counter()
            for _ in range(rounds):
                for action in actions:
                    action()
                    paint()
            return (time.perf_counter() - t0) / (rounds * len(actions))

        timings["page"] = timed([page_up, page_down], 10)
        timings["move"] = timed([left, right], 20)
        t0 = time.perf_counter()
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        paint()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        paint()
        timings["resize"] = (time.perf_counter() - t0) / 2
    return timings


def view_timings(text: str, which: str, repeat: int) -> dict[str, float]:
    from textual.widgets import TextArea

    from reader.widgets.document_view import DocumentView

    def ours() -> object:
        return DocumentView(text)

    def stock() -> object:
        return TextArea(text, read_only=True, soft_wrap=True)

    make = ours if which == "ours" else stock
    runs = [asyncio.run(_open_and_drive(make, text, ours=which == "ours")) for _ in range(repeat)]
    return {key: min(r[key] for r in runs) for key in runs[0]}


def screen_open(text: str, which: str, repeat: int) -> float:
    """Seconds from asking for a document to its screen's first paint (headless, 120×40).

    Ours: the real app opening the document screen (title, text, side panel, key line) for a
    document already read and cleaned. The baseline: an app pushing a screen with a stock
    ``TextArea(read_only=True, soft_wrap=True)`` of the same text.
    """
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import TextArea

    from annotations.store import AnnotationStore
    from reader.app import MarginApp
    from reader.corpus import load_corpus

    class TextAreaScreen(Screen):
        def compose(self):
            yield TextArea(text, read_only=True, soft_wrap=True)

    def once() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            store = None
            if which == "ours":
                folder = Path(tmp) / "docs"
                folder.mkdir()
                (folder / "doc.txt").write_text(text, encoding="utf-8")
                corpus = load_corpus([folder])
                store = AnnotationStore(Path(tmp) / "db.json")
                app = MarginApp(corpus=corpus, store=store, annotator="bench", resume=False)
            else:
                app = App()
            elapsed = []

            async def drive() -> None:
                async with app.run_test(size=(120, 40)) as pilot:
                    await pilot.pause()
                    t0 = time.perf_counter()
                    if which == "ours":
                        app.open_document(corpus.documents[0].id)
                    else:
                        app.push_screen(TextAreaScreen())
                    await pilot.pause()
                    elapsed.append(time.perf_counter() - t0)

            asyncio.run(drive())
            if store is not None:
                store.close()
            return elapsed[0]

    return best(once, repeat)


# -- storage -------------------------------------------------------------------------------------------


def _fill(store, n: int, docs: int = 1000) -> None:
    from annotations.model import Annotation, Selector

    text = article(4000, seed=7)
    anns = []
    for i in range(n):
        start = (i * 37) % 3900
        anns.append(
            Annotation.create(document=f"{i % docs:064x}", tag=("claim", "source", "prediction")[i % 3],
                              selector=Selector.from_span(text, start, start + 40), annotator="bench")
        )
    store.merge(anns)


def tagging_in_app(n_existing: int, repeat: int) -> float:
    """Seconds from pressing ``1`` to the passage being shown and durable, with ``n_existing`` stored."""
    from annotations.store import AnnotationStore
    from reader.app import MarginApp
    from reader.corpus import load_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        (folder / "doc.txt").write_text(article(20_000, seed=3), encoding="utf-8")
        store = AnnotationStore(Path(tmp) / "db.json")
        _fill(store, n_existing)
        store.storage.compact()
        corpus = load_corpus([folder])
        app = MarginApp(corpus=corpus, store=store, annotator="bench", resume=False)
        result = []

        async def drive() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("enter")
                await pilot.pause()
                for _ in range(repeat):
                    await pilot.press("full_stop")
                    t0 = time.perf_counter()
                    await pilot.press("1")
                    await pilot.pause()
                    result.append(time.perf_counter() - t0)

        asyncio.run(drive())
        store.close()
    return min(result)


def inserts(n_existing: int, count: int) -> tuple[float, float]:
    """Seconds per insert: our store vs stock TinyDB JSONStorage, both with ``n_existing`` annotations."""
    from tinydb import TinyDB

    from annotations.model import Annotation, Selector
    from annotations.store import AnnotationStore

    text = article(4000, seed=9)
    with tempfile.TemporaryDirectory() as tmp:
        store = AnnotationStore(Path(tmp) / "ours.json")
        _fill(store, n_existing)
        store.storage.compact()
        t0 = time.perf_counter()
        for i in range(count):
            store.create(document="e" * 64, tag="claim", selector=Selector.from_span(text, i, i + 30), annotator="b")
        ours = (time.perf_counter() - t0) / count
        # The storage holds each passage as its Annotation; stock TinyDB is given their records.
        records = [ann.to_dict() for ann in store.storage.read()["annotations"].values()]
        store.close()

        db = TinyDB(Path(tmp) / "stock.json")
        db.table("annotations").insert_multiple(records)
        sample = max(3, min(count, 10))  # stock TinyDB rewrites the whole file per insert: sample, then scale
        t0 = time.perf_counter()
        for i in range(sample):
            ann = Annotation.create(document="e" * 64, tag="claim", selector=Selector.from_span(text, i, i + 30))
            db.table("annotations").insert(ann.to_dict())
        stock = (time.perf_counter() - t0) / sample
        db.close()
    return ours, stock


def export_import(n: int, repeat: int) -> dict[str, float]:
    from annotations.model import Annotation
    from annotations.store import AnnotationStore
    from annotations.transfer import Selection, export, import_bytes

    with tempfile.TemporaryDirectory() as tmp:
        store = AnnotationStore(Path(tmp) / "a.json")
        _fill(store, n)
        dicts = [a.to_dict() for a in store.annotations()]
        ours_export = best(lambda: _time(lambda: export(store, "json", Selection())), repeat)
        base_export = best(lambda: _time(lambda: orjson.dumps(dicts)), repeat)
        content = export(store, "json", Selection())
        store.close()
        raw = orjson.dumps(dicts)
        base_import = best(lambda: _time(lambda: [Annotation.from_dict(d) for d in orjson.loads(raw)]), repeat)

        def ours_import() -> float:
            with tempfile.TemporaryDirectory() as inner:
                target = AnnotationStore(Path(inner) / "b.json")
                t = _time(lambda: import_bytes(target, content, "json"))
                target.close()
                return t

        ours_imp = best(ours_import, repeat)
    return {"export": ours_export, "export_base": base_export, "import": ours_imp, "import_base": base_import}


def doccano_import(labels: int) -> tuple[float, float]:
    """Import one doccano line of ``labels`` labels on a text of twice as many characters, against
    ``orjson.loads`` of the file plus building and validating the same passages (the work any
    importer must do)."""
    from annotations.model import Annotation
    from annotations.store import AnnotationStore
    from annotations.transfer import import_bytes

    text = article(2 * labels)
    rng = random.Random(3)
    spans = []
    for _ in range(labels):
        start = rng.randrange(0, len(text) - 40)
        spans.append([start, start + rng.randint(5, 40), rng.choice(("claim", "source", "prediction"))])
    content = orjson.dumps({"text": text, "label": spans}) + b"\n"
    del spans
    stamp = "2026-11-30T00:00:00.000Z"

    def baseline() -> object:
        data = orjson.loads(content)
        return [Annotation.from_dict({"id": "x", "document": "d", "tag": t, "text": text[a:b], "start": a, "end": b,
                                      "raw_start": a, "raw_end": b, "created": stamp, "modified": stamp})
                for a, b, t in data["label"]]

    base = _time(baseline)
    with tempfile.TemporaryDirectory() as tmp:
        store = AnnotationStore(Path(tmp) / "d.json")
        ours = _time(lambda: import_bytes(store, content, "doccano"))
        store.close()
    return ours, base


def agree_at(n: int) -> tuple[float, float]:
    """``margin agree``'s figures for ``n`` passages of two annotators on 1,000 documents, against
    ``orjson.loads`` of the database that holds them."""
    from annotations.agreement import agreement
    from annotations.model import Annotation, Selector
    from annotations.store import AnnotationStore

    text = article(4000, seed=7)
    rng = random.Random(11)
    anns = []
    for i in range(n):
        start = rng.randrange(0, 3900)
        anns.append(Annotation.create(document=f"{i % 1000:064x}", tag=("claim", "source", "prediction")[i % 3],
                                      selector=Selector.from_span(text, start, start + rng.randint(10, 90)),
                                      annotator=("ana", "bo")[i % 2]))
    texts = {f"{d:064x}": text for d in range(1000)}
    with tempfile.TemporaryDirectory() as tmp:
        store = AnnotationStore(Path(tmp) / "a.json")
        store.merge(anns)
        store.close()
        content = (Path(tmp) / "a.json").read_bytes()
    base = best(lambda: _time(lambda: orjson.loads(content)), 3)
    ours = best(lambda: _time(lambda: agreement(anns, texts, ["ana", "bo"])), 2)
    return ours, base


def import_with_corpus(documents: int) -> float:
    """Seconds per passage to import 4 passages per document whose documents the file does not
    name (each found by its quote in a ``--corpus`` of ``documents`` generated articles)."""
    from annotations.importing import DocumentText, import_bytes
    from annotations.store import AnnotationStore

    def text(k: int) -> str:
        # The generated articles share a hundred words. In real news about every third word is one
        # that few other articles use (names, places, figures, less common words): so it is here.
        words = article(5000, seed=500 + k).split(" ")
        return " ".join(f"{w}{k}x{i}" if i % 3 == 1 else w for i, w in enumerate(words))

    corpus = [DocumentText(f"{k:064x}", f"{k:05d}.txt", "A Generated Article", text(k)) for k in range(documents)]
    stamp = "2026-11-30T00:00:00.000Z"
    passages = []
    for k, doc in enumerate(corpus):
        for j in range(4):
            start = 400 + 900 * j
            passages.append({"id": f"p{k}-{j}", "document": f"elsewhere-{k}", "tag": "claim",
                             "text": doc.text[start:start + 60], "start": start, "end": start + 60,
                             "created": stamp, "modified": stamp})
    content = orjson.dumps({"format": "margin-export", "version": 1, "documents": [], "passages": passages})
    with tempfile.TemporaryDirectory() as tmp:
        store = AnnotationStore(Path(tmp) / "i.json")
        seconds = _time(lambda: import_bytes(store, content, "json", corpus))
        found = sum(1 for a in store.annotations() if not a.document.startswith("elsewhere"))
        store.close()
    assert found == len(passages), f"only {found} of {len(passages)} passages were found in the corpus"
    return seconds / len(passages)


def _time(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# -- start-up and memory (separate processes) -------------------------------------------------------


MARGIN_START = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from annotations.store import AnnotationStore
from reader.app import MarginApp
db = Path(sys.argv[1])
if sys.argv[2:] == ["fresh"]:  # a first start: no database, so every document is cleaned
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
store = AnnotationStore(db)
# As `margin` starts: the documents are read by a worker while the library paints; this waits for them too.
# On a database that has seen them, their titles come from it and the cleaner is not even imported.
app = MarginApp(store=store, annotator="bench", resume=False)
async def stop(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=stop)
store.close()
"""

MINIMAL_START = """
from textual.app import App
from textual.widgets import DataTable
class Minimal(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("title", "words")
        for i in range(5):
            table.add_row(f"document {i}", str(i * 100))
async def stop(pilot):
    await pilot.pause()
    pilot.app.exit()
Minimal().run(headless=True, size=(120, 40), auto_pilot=stop)
"""

MEMORY = """
import asyncio, resource, sys
sys.path.insert(0, sys.argv[2])
from benchmarks.common import article
from textual.app import App
from reader.cleaning import clean
from reader.widgets.document_view import DocumentView
text = article(int(sys.argv[1]))
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()
class Bench(App):
    pass
async def main():
    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = rss()
        cleaned = clean(text)
        view = DocumentView(cleaned.text)
        await app.mount(view)
        await pilot.press("ctrl+end")
        await pilot.pause()
        print(rss() - before)
asyncio.run(main())
"""


def process_time(code: str, *args: str, repeat: int) -> float:
    """The best wall time of ``repeat`` fresh processes running ``code``, after one unmeasured run.

    The unmeasured run writes the bytecode caches, as the first start after an install does:
    a user's later starts load them, so bytecode writing is never switched off here.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, cwd=ROOT, capture_output=True)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def imports_textual(argv: list[str]) -> bool:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "reader", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return any(line.split("|")[-1].strip().startswith("textual") for line in proc.stderr.splitlines())


# -- the run ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> list[Row]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: check the harness, not the targets")
    ap.add_argument("--scale", action="store_true",
                    help="also the library at many documents and a database of many passages "
                         "(benchmarks/library_scale.py, benchmarks/passages_scale.py; minutes, and ~500 MB of files)")
    ap.add_argument("--scale-docs", type=int, default=50_000, metavar="N", help="documents for --scale (default 50,000)")
    ap.add_argument("--scale-passages", type=int, default=500_000, metavar="N",
                    help="passages for --scale (default 500,000)")
    args = ap.parse_args(argv)
    big, small = (500_000, 50_000) if args.quick else (5_000_000, 50_000)
    many = 10_000 if args.quick else 100_000
    repeat = 2 if args.quick else 3
    rows: list[Row] = []

    def add(row: Row) -> None:
        row.faster = "faster" in row.target
        rows.append(row)
        mark = {True: "ok", False: "MISSED", None: ""}[row.ok]
        print(f"{row.name:44} ours {row.ours:10.4f} {row.unit:3} base {row.baseline:10.4f}  ×{row.ratio:7.1f}  "
              f"{row.target:22} {mark} {row.note}", flush=True)
        # ×N is "times faster" for "faster" targets, else ours as a multiple of the baseline

    big_text, small_text = article(big), article(small)
    ours_big = view_timings(big_text, "ours", repeat)
    ours_small = view_timings(small_text, "ours", repeat)
    stock_big = view_timings(big_text, "stock", 1)
    add(Row(f"open {big // 1000} kB: DocumentView vs TextArea", ours_big["open"], stock_big["open"], "s", "≥10× faster",
            stock_big["open"] / ours_big["open"] >= 10))
    add(Row(f"open {big // 1000} kB vs {small // 1000} kB (ours)", ours_big["open"], ours_small["open"], "s",
            "big ≤ 3× small", ours_big["open"] <= 3 * ours_small["open"], "baseline column: the small document"))
    screen_big, screen_small = screen_open(big_text, "ours", repeat), screen_open(small_text, "ours", repeat)
    screen_stock = screen_open(big_text, "stock", 1)
    add(Row(f"open {big // 1000} kB in the document screen vs TextArea", screen_big, screen_stock, "s",
            "≥10× faster", screen_stock / screen_big >= 10, "the whole screen of the app"))
    add(Row(f"document screen {big // 1000} kB vs {small // 1000} kB", screen_big, screen_small, "s",
            "big ≤ 3× small", screen_big <= 3 * screen_small, "baseline column: the small document"))
    add(Row("PageUp/PageDown at the end vs TextArea", ours_big["page"], stock_big["page"], "s", "≥10× faster",
            stock_big["page"] / ours_big["page"] >= 10))
    add(Row("cursor move at the end vs TextArea", ours_big["move"], stock_big["move"], "s", "≥10× faster",
            stock_big["move"] / ours_big["move"] >= 10))
    add(Row(f"PageUp/Down {big // 1000} kB vs {small // 1000} kB (ours)", ours_big["page"], ours_small["page"], "s",
            "big ≤ 2× small", ours_big["page"] <= 2 * ours_small["page"]))
    add(Row(f"cursor move {big // 1000} kB vs {small // 1000} kB (ours)", ours_big["move"], ours_small["move"], "s",
            "big ≤ 2× small", ours_big["move"] <= 2 * ours_small["move"]))
    add(Row(f"resize {big // 1000} kB vs {small // 1000} kB (ours)", ours_big["resize"], ours_small["resize"], "s",
            "big ≤ 2× small", ours_big["resize"] <= 2 * ours_small["resize"]))

    tag_big = tagging_in_app(many, 5)
    tag_small = tagging_in_app(100, 5)
    add(Row(f"tag a passage, {many:,} vs 100 stored", tag_big, tag_small, "s", "≤ 2×", tag_big <= 2 * tag_small,
            "key press → shown and fsync-ed"))
    ours_insert, stock_insert = inserts(many, 1000 if not args.quick else 200)
    add(Row(f"store one annotation at {many:,}: vs TinyDB", ours_insert, stock_insert, "s", "≥20× faster",
            stock_insert / ours_insert >= 20, "stock per-insert time sampled on 10 inserts"))

    ei = export_import(many, repeat)
    add(Row(f"export {many:,} passages vs orjson.dumps", ei["export"], ei["export_base"], "s", "≤ 3×",
            ei["export"] <= 3 * ei["export_base"]))
    add(Row(f"import {many:,} passages vs loads+validate", ei["import"], ei["import_base"], "s", "≤ 3×",
            ei["import"] <= 3 * ei["import_base"], "ours also writes them durably"))

    ours_agree, base_agree = agree_at(many)
    add(Row(f"agree, {many:,} passages, two annotators", ours_agree, base_agree, "s", "≤ 3×",
            ours_agree <= 3 * base_agree, "baseline: orjson.loads of the database"))

    few_docs, many_docs = (100, 400) if args.quick else (250, 1000)
    per_many, per_few = import_with_corpus(many_docs), import_with_corpus(few_docs)
    add(Row(f"import with --corpus of {many_docs:,} vs {few_docs} documents, per passage", per_many, per_few, "s",
            "≤ 2×", per_many <= 2 * per_few, "4 passages a document, found by quote: linear, not quadratic"))

    labels = 100_000 if args.quick else 1_000_000
    ours_doccano, base_doccano = doccano_import(labels)
    add(Row(f"import doccano, {labels:,} labels on one text", ours_doccano, base_doccano, "s", "≤ 3×",
            ours_doccano <= 3 * base_doccano, "baseline: orjson.loads + validated passages"))

    try:
        from benchmarks.cleaning import main as cleaning_main

        cleaning = cleaning_main(["--rounds", "2"])
        if "speed_ratio" in cleaning:
            add(Row("cleaning cleanbench vs jusText (s/80 pages)", cleaning["margin"]["seconds"],
                    cleaning["jusText"]["seconds"], "s", "≥10× faster", cleaning["speed_ratio"] >= 10,
                    f"F1 {cleaning['margin']['F1']:.3f} vs {cleaning['jusText']['F1']:.3f}"))
    except (ImportError, FileNotFoundError, SystemExit) as err:
        print(f"cleaning benchmark skipped: {err}")

    with tempfile.TemporaryDirectory() as tmp:
        start_ours = process_time(MARGIN_START, str(Path(tmp) / "db.json"), repeat=5)
        start_first = process_time(MARGIN_START, str(Path(tmp) / "db.json"), "fresh", repeat=5)
    start_base = process_time(MINIMAL_START, repeat=5)
    add(Row("start-up to the library vs a DataTable app", start_ours, start_base, "s", "≤ 1.5×",
            start_ours <= 1.5 * start_base, "a later start: the database knows the documents"))
    add(Row("first start (new database) vs a DataTable app", start_first, start_base, "s", "≤ 1.5×",
            start_first <= 1.5 * start_base, "every document cleaned"))
    for argv in (["--help"], ["export", "--help"]):
        loaded = imports_textual(argv)
        add(Row(f"margin {' '.join(argv)} imports Textual", float(loaded), 0.0, "", "never", not loaded))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    extra = int(subprocess.run([sys.executable, "-c", MEMORY, str(big), str(ROOT)], capture_output=True, text=True,
                               env=env, cwd=ROOT, check=True).stdout.strip())
    add(Row(f"extra memory with {big // 1000} kB open (MB)", extra / 1e6, big / 1e6, "MB", "≤ 10× the size",
            extra <= 10 * big, "baseline column: the document's size"))

    if args.scale:
        from benchmarks.library_scale import rows as scale_rows
        from benchmarks.passages_scale import rows as passage_rows

        scale_rows(args.scale_docs, add)
        passage_rows(args.scale_passages, add)

    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    payload = {"quick": args.quick, "python": sys.version.split()[0],
               "rows": [{**asdict(r), "ratio": r.ratio} for r in rows]}
    (out / "latest.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(f"wrote {out / 'latest.json'}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return rows


if __name__ == "__main__":
    main()
