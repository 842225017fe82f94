"""Cleaner quality and speed next to jusText's, on the same cleanbench pages in one run.

    python -m benchmarks.cleaning [--data DIR ...] [--rounds 3]

By default both sets: ``dev/`` (80 pages the cleaner was tuned on) and
``dragnet/`` (1,024 pages of other sites and another era, never tuned on).
Needs the ``bench`` extra (jusText) for the baseline: ``pip install -e '.[bench]'``.
Prints, per set, F1/P/R (cleanbench's metric, averaged over pages), the
per-page F1 distribution (median and 10th percentile: the pages a reader
meets at their worst), and pages per second for both, and the speed ratio.
Both run in this process, alternately, so machine noise hits both.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEANBENCH = ROOT.parent / "shared" / "cleanbench"
DEFAULT_DATA = CLEANBENCH / "dev"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, action="append",
                    help="a cleanbench folder (repeatable; default: dev and dragnet)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    sets = args.data or [p for p in (CLEANBENCH / "dev", CLEANBENCH / "dragnet") if p.is_dir()]
    every = {}
    for data in sets:
        every[data.name] = one_set(data, args.rounds)
    dev = every.get("dev") or next(iter(every.values()))
    return {**dev, "sets": every}


def one_set(data: Path, rounds: int) -> dict:
    bench = data.parent
    score = _load(bench / "score.py", "cleanbench_score")
    sys.path.insert(0, str(bench / "baselines"))
    try:
        justext_lang = _load(bench / "baselines" / "justext_lang.py", "justext_lang")
    except ImportError:
        justext_lang = None
    from reader.cleaning import clean_text

    pages = score.load_pages(str(data))
    cleaners = {"margin": clean_text}
    if justext_lang is not None:
        cleaners["jusText"] = justext_lang.clean
    results = {}
    timings = {name: float("inf") for name in cleaners}
    outputs = {}
    for _ in range(rounds):
        for name, fn in cleaners.items():
            t0 = time.perf_counter()
            outputs[name] = [fn(raw) for _, raw, _ in pages]
            timings[name] = min(timings[name], time.perf_counter() - t0)
    for name in cleaners:
        prf = [score.prf(out, truth) for out, (_, _, truth) in zip(outputs[name], pages, strict=True)]
        n = len(prf)
        f1s = [f for _, _, f in prf]
        results[name] = {
            "F1": sum(f1s) / n,
            "P": sum(p for p, _, _ in prf) / n,
            "R": sum(r for _, r, _ in prf) / n,
            "F1_median": _quantile(f1s, 0.5),
            "F1_p10": _quantile(f1s, 0.1),
            "seconds": timings[name],
            "pages_per_second": n / timings[name],
        }
    print(f"cleanbench {data.name} ({len(pages)} pages, best of {rounds})")
    print(f"{'cleaner':10} {'F1':>6} {'P':>6} {'R':>6} {'median':>7} {'p10':>6} {'pages/s':>9}")
    for name, r in results.items():
        print(f"{name:10} {r['F1']:6.3f} {r['P']:6.3f} {r['R']:6.3f} {r['F1_median']:7.3f} {r['F1_p10']:6.3f} "
              f"{r['pages_per_second']:9.1f}")
    if "jusText" in results:
        ratio = results["margin"]["pages_per_second"] / results["jusText"]["pages_per_second"]
        results["speed_ratio"] = ratio
        print(f"margin is {ratio:.1f}x jusText's throughput (target: at least 10x)")
    else:
        print("jusText is not installed (pip install -e '.[bench]'): no baseline this run")
    return results


if __name__ == "__main__":
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "cleaning.json").write_text(json.dumps(main(), indent=2))
