"""Curves at release scale: ``rspcheck curves`` on 100 runs ("logs") x 10,000 attempts.

Usage::

    python benchmarks/curves_cli.py [--runs 100] [--tasks 2000] [--epochs 5]
        [--work /tmp/rspcheck-curves-bench] [--repeat 3] [--out benchmarks/results/curves_cli.md]

The evidence is what ``rspcheck ingest`` makes of 100 Inspect logs (one model on one eval at 100
budgets, 2,000 samples x 5 epochs each, as ``benchmarks/ingest_many.py`` derives them): a
manifest naming 100 runs (reasoning effort and token limit differ, so each has a readable
label) and one Parquet attempts table of 1,000,000 rows with per-attempt token counts. Reading
100 raw Inspect logs is ``ingest_many.py``'s measurement (about 8 s on two cores); this one is
the curves.

Measured, each in a fresh process, median of ``--repeat``:

* ``budget_curves``: :func:`checker.budget_curves` on the loaded evidence, one axis (tokens),
  R = 1000, truncation on (16 caps per run): 100 evaluated and 1,600 truncated configurations;
* ``budget_curves, no truncation``: the same without truncated curves;
* ``rspcheck curves`` end to end (interpreter, imports, loading the Parquet table, the curves,
  the PNG and the JSON), timed as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from checker.engine.budget_curves import budget_curves
from checker.evidence import load_many
ev = load_many([sys.argv[1]])
t1 = time.perf_counter()
cs = budget_curves(ev, axes=["tokens"], replicates=1000, truncation=sys.argv[2] == "on")
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "curves": t2 - t1,
                  "points": sum(len(c.points) for c in cs.curves)}))
"""


def build(work: Path, runs: int, tasks: int, epochs: int) -> Path:
    """The manifest and its Parquet table (written once; reused when present)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest = work / f"evidence-{runs}x{tasks}x{epochs}.yaml"
    if manifest.exists():
        return manifest
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261208)
    difficulty = rng.normal(0, 1.5, tasks)
    efforts = ["minimal", "low", "medium", "high"]
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("run", "task", "attempt", "score")}
    spend: dict[str, list[np.ndarray]] = {"input_tokens": [], "output_tokens": []}
    lines = ["kind: rspcheck-evidence", "models: [{id: sim}]", "runs:"]
    task_ids = np.array([f"arith-{i:04d}" for i in range(tasks)], dtype=object)
    for i in range(runs):
        run = f"arith@bench{i:03d}"
        nominal = 100 * 10 ** (3 * i / max(1, runs - 1))  # 100 to 100k tokens per attempt
        limit = int(round(nominal * 3, -2))
        effort = efforts[min(3, i * 4 // runs)]
        lines.append(
            f"  - {{id: '{run}', model: sim, eval: arith, "
            f"limits: {{reasoning_effort: {effort}, token_limit: {limit}, epochs: {epochs}}}}}"
        )
        skill = -2 + 1.2 * math.log10(nominal)
        p = 1 / (1 + np.exp(-(skill - difficulty)))
        n = tasks * epochs
        out = nominal * rng.lognormal(0, 0.6, n)
        cols["run"].append(np.full(n, run, dtype=object))
        cols["task"].append(np.repeat(task_ids, epochs))
        cols["attempt"].append(np.tile(np.arange(epochs), tasks))
        cols["score"].append((rng.random(n) < np.repeat(p, epochs)).astype(float))
        spend["input_tokens"].append(np.full(n, 120.0))
        spend["output_tokens"].append(np.round(out))
    table = pa.table(
        {
            **{k: np.concatenate(v) for k, v in cols.items()},
            **{k: np.concatenate(v) for k, v in spend.items()},
        }
    )
    pq.write_table(table, work / "attempts.parquet")
    lines += ["attempts:", "  - path: attempts.parquet"]
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def child(manifest: Path, truncation: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(manifest), truncation],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli(manifest: Path, work: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from checker.cli import main; main()",
            "curves",
            str(manifest),
            "--axis",
            "tokens",
            "--png",
            str(work / "curves.png"),
            "--json",
            str(work / "curves.json"),
        ],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--tasks", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--work", default="/tmp/rspcheck-curves-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "curves_cli.md"))
    args = ap.parse_args()
    work = Path(args.work)
    manifest = build(work, args.runs, args.tasks, args.epochs)
    rows = []
    for label, trunc in (("truncation on", "on"), ("no truncation", "off")):
        got = [child(manifest, trunc) for _ in range(args.repeat)]
        rows.append(
            (
                label,
                statistics.median(g["load"] for g in got),
                statistics.median(g["curves"] for g in got),
                got[0]["points"],
            )
        )
        print(rows[-1], flush=True)
    wall = statistics.median(cli(manifest, work) for _ in range(args.repeat))
    print("cli", wall, flush=True)
    attempts = args.runs * args.tasks * args.epochs
    names = ("`budget_curves`, truncation on (16 caps per run)", "`budget_curves`, no truncation")
    table = "\n".join(
        f"| {name} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:,} |"
        for name, r in zip(names, rows, strict=True)
    )
    load = os.getloadavg()[0]
    text = f"""# Curves at release scale: `rspcheck curves`

{args.runs} runs (one model, one eval, {args.runs} budgets, as {args.runs} ingested Inspect \
logs) x {args.tasks:,} tasks x {args.epochs} epochs = {attempts:,} attempts, with per-attempt \
token counts, in one Parquet table named by a manifest (`python benchmarks/curves_cli.py`). \
One axis (tokens), R = 1000 bootstrap replicates over tasks. Machine: {platform.machine()}, \
{os.cpu_count()} CPU(s), Python {platform.python_version()}; 1-minute load average after the \
runs {load:.2f} (the machine is shared). Each measurement in a fresh process, median of \
{args.repeat}.

| what | load s | curves s | points drawn |
|---|---|---|---|
{table}

`rspcheck curves EVIDENCE --axis tokens --png F --json F`, the whole process (interpreter,
imports, loading, curves, chart, JSON): **{wall:.1f} s** wall.

Loading the raw Inspect logs instead of their ingested table adds what
`benchmarks/results/ingest_many.md` measures for 1,000,000 attempts in 100 logs (about 8 s
with `load_many` on two cores).
"""
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
