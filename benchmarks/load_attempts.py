"""How long loading 1,000,000 attempt rows takes (issue 2: "seconds, not minutes").

Generates N attempt rows (default 1,000,000: 1,000 runs x 250 tasks x 4 attempts, every column
filled, some values missing) as JSON Lines and as CSV in a temporary folder, then times
``checker.evidence.attempts.read_attempts`` on each: the pyarrow fast path, and the pure-Python
path that locates bad rows (forced by disabling the fast path). Peak memory is measured with
``tracemalloc`` in a separate pass (it slows Python code down, so it is not timed).

Usage: python benchmarks/load_attempts.py [--rows N] [--repeat R]
Writes benchmarks/results/load_attempts.md and prints the same markdown.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import checker.files.tables as tables
from checker.evidence.attempts import read_attempts
from checker.evidence.model import ATTEMPT_COLUMNS

RESULTS = Path(__file__).resolve().parent / "results" / "load_attempts.md"


def generate(n: int, seed: int = 0) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    attempts_per_task, tasks = 4, 250
    i = np.arange(n)
    run = i // (tasks * attempts_per_task)
    task = (i // attempts_per_task) % tasks
    inp = rng.integers(1_000, 200_000, n).astype(float)
    inp[rng.random(n) < 0.01] = np.nan  # missing values are explicit
    out = rng.integers(100, 20_000, n).astype(float)
    cols = {
        "run": [f"run-{r:04d}" for r in run],
        "task": [f"task-{t:03d}" for t in task],
        "attempt": (i % attempts_per_task).tolist(),
        "score": rng.random(n).round(3).tolist(),
        "input_tokens": inp.tolist(),
        "output_tokens": out.tolist(),
        "reasoning_tokens": (out * 0.3).round().tolist(),
        "cached_tokens": np.where(rng.random(n) < 0.5, np.nan, 1000.0).tolist(),
        "usd": (inp * 3e-6 + out * 15e-6).round(6).tolist(),
        "seconds": rng.gamma(2.0, 20.0, n).round(2).tolist(),
        "working_seconds": [None] * n,
        "limit_hit": (rng.random(n) < 0.05).tolist(),
    }
    assert list(cols) == list(ATTEMPT_COLUMNS)
    return cols


def _clean(v):
    return None if isinstance(v, float) and v != v else v


def write_jsonl(cols: dict[str, list], path: Path) -> None:
    names = list(cols)
    with open(path, "w", encoding="utf-8") as f:
        for row in zip(*cols.values(), strict=True):
            f.write(json.dumps(dict(zip(names, map(_clean, row), strict=True))) + "\n")


def write_csv(cols: dict[str, list], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for row in zip(*cols.values(), strict=True):
            w.writerow(["" if _clean(v) is None else v for v in row])


def timed(path: Path, repeat: int) -> tuple[float, int]:
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        table = read_attempts(path)
        best = min(best, time.perf_counter() - start)
        rows = len(table)
    return best, rows


def peak_mib(path: Path) -> float:
    tracemalloc.start()
    try:
        read_attempts(path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    cols = generate(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {"JSON Lines": Path(tmp) / "attempts.jsonl", "CSV": Path(tmp) / "attempts.csv"}
        write_jsonl(cols, files["JSON Lines"])
        write_csv(cols, files["CSV"])
        del cols
        gen_s = time.perf_counter() - t0
        fast = tables._read_arrow
        for fmt, path in files.items():
            size = path.stat().st_size / 2**20
            for mode in ("pyarrow fast path", "pure-Python path"):
                tables._read_arrow = fast if mode.startswith("pyarrow") else (lambda *a: None)
                try:
                    seconds, rows = timed(path, args.repeat)
                    peak = peak_mib(path)
                finally:
                    tables._read_arrow = fast
                assert rows == args.rows, (rows, args.rows)
                results.append((fmt, mode, size, seconds, rows / seconds, peak))

    lines = [
        "# Loading attempt rows (`checker.evidence.attempts.read_attempts`)",
        "",
        f"Rows: {args.rows:,} (1,000 runs x 250 tasks x 4 attempts at 1M; all 12 columns, "
        "~1% missing input tokens, 50% missing cached tokens). Best of "
        f"{args.repeat} runs; peak memory from `tracemalloc` (Python and numpy allocations) in "
        "a separate pass.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, numpy {np.__version__}, pyarrow "
        f"{__import__('pyarrow').__version__}. Generating the files took {gen_s:.0f} s. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows "
        "every figure).",
        "",
        "| format | path | file MiB | seconds | rows/s | peak MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for fmt, mode, size, seconds, rate, peak in results:
        lines.append(f"| {fmt} | {mode} | {size:.0f} | {seconds:.2f} | {rate:,.0f} | {peak:.0f} |")
    lines += [
        "",
        "The fast path is what a clean file takes; the pure-Python path runs only when pyarrow "
        "cannot read a file (bad JSON, a column whose type changes) so that the problem can be "
        "reported with its line number.",
        "",
        "Reproduce: `python benchmarks/load_attempts.py` (add `--rows 100000` for a quick run).",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
