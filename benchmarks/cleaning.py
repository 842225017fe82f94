"""Cleaner quality and speed next to jusText's, on the same cleanbench pages in one run.

    python -m benchmarks.cleaning [--data ../shared/cleanbench/dev] [--rounds 3]

Needs the ``bench`` extra (jusText) for the baseline: ``pip install -e '.[bench]'``.
Prints F1/P/R (cleanbench's metric) and pages per second for both, and the
speed ratio. Both run in this process, alternately, so machine noise hits both.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "cleanbench" / "dev"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    bench = args.data.parent
    score = _load(bench / "score.py", "cleanbench_score")
    sys.path.insert(0, str(bench / "baselines"))
    try:
        justext_lang = _load(bench / "baselines" / "justext_lang.py", "justext_lang")
    except ImportError:
        justext_lang = None
    from reader.cleaning import clean_text

    pages = score.load_pages(str(args.data))
    cleaners = {"margin": clean_text}
    if justext_lang is not None:
        cleaners["jusText"] = justext_lang.clean
    results = {}
    timings = {name: float("inf") for name in cleaners}
    outputs = {}
    for _ in range(args.rounds):
        for name, fn in cleaners.items():
            t0 = time.perf_counter()
            outputs[name] = [fn(raw) for _, raw, _ in pages]
            timings[name] = min(timings[name], time.perf_counter() - t0)
    for name in cleaners:
        prf = [score.prf(out, truth) for out, (_, _, truth) in zip(outputs[name], pages, strict=True)]
        n = len(prf)
        results[name] = {
            "F1": sum(f for _, _, f in prf) / n,
            "P": sum(p for p, _, _ in prf) / n,
            "R": sum(r for _, r, _ in prf) / n,
            "seconds": timings[name],
            "pages_per_second": n / timings[name],
        }
    print(f"cleanbench {args.data} ({len(pages)} pages, best of {args.rounds})")
    print(f"{'cleaner':10} {'F1':>6} {'P':>6} {'R':>6} {'pages/s':>9}")
    for name, r in results.items():
        print(f"{name:10} {r['F1']:6.3f} {r['P']:6.3f} {r['R']:6.3f} {r['pages_per_second']:9.1f}")
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
