"""Ingest speed and memory: rspcheck's Inspect reader against Inspect's own readers.

Usage (needs ``inspect-ai``, the ``dev`` extra)::

    python benchmarks/ingest_speed.py [--samples 2000] [--epochs 5] [--repeat 3]
        [--work /tmp/rspcheck-bench] [--out benchmarks/results/ingest_speed.md]

Builds a big ``.eval`` log (default 2,000 samples x 5 epochs = 10,000 attempts, about 25 MB; not
committed) *with Inspect's own writer*: the samples of a small real log from
``tests/data/inspect/`` are cloned under new ids and epochs, and ``write_eval_log`` writes the
archive (zstd members, ``summaries.json``, header). Then each reader runs in a fresh process and
reports the seconds of the read (imports excluded, reported apart) and the process's peak RSS:

* ``rspcheck``: ``checker.evidence.ingest.load_log_evidence`` (the whole path to Evidence);
* ``inspect summaries``: ``inspect_ai.log.read_eval_log_sample_summaries``;
* ``inspect full``: ``inspect_ai.log.read_eval_log``.

Results (with the ratios) go to a Markdown file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "tests" / "data" / "inspect" / "low_epochs3.eval"

CHILD = r"""
import json, sys, time

def hwm():
    # VmHWM: this process's peak RSS (ru_maxrss would carry the parent's over execve)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

t0 = time.perf_counter()
kind, path = sys.argv[1], sys.argv[2]
if kind == "rspcheck":
    from checker.evidence.ingest import load_log_evidence
    imp = time.perf_counter() - t0
    rss0 = hwm()
    t1 = time.perf_counter()
    ev = load_log_evidence(path, scorer="exact")
    n = len(ev.attempts)
elif kind == "inspect-summaries":
    from inspect_ai.log import read_eval_log_sample_summaries
    imp = time.perf_counter() - t0
    rss0 = hwm()
    t1 = time.perf_counter()
    n = len(read_eval_log_sample_summaries(path))
else:
    from inspect_ai.log import read_eval_log
    imp = time.perf_counter() - t0
    rss0 = hwm()
    t1 = time.perf_counter()
    n = len(read_eval_log(path).samples)
dt = time.perf_counter() - t1
rss = hwm()
print(json.dumps({"read_s": dt, "import_s": imp, "peak_mib": rss / 1024,
                  "after_import_mib": rss0 / 1024, "n": n}))
"""


def build_log(dst: Path, samples: int, epochs: int) -> None:
    """Clone the template's samples into a big log and write it with Inspect's writer."""
    from inspect_ai.log import read_eval_log, write_eval_log

    log = read_eval_log(str(TEMPLATE))
    protos = [s for s in log.samples if s.epoch == 1]
    out = []
    for i in range(samples):
        proto = protos[i % len(protos)]
        for e in range(1, epochs + 1):
            src = next(s for s in log.samples if s.id == proto.id and s.epoch == (e - 1) % 3 + 1)
            out.append(
                src.model_copy(update={"id": f"arith-{i:05d}", "epoch": e, "uuid": f"u{i:05d}e{e}"})
            )
    log.samples = out
    log.eval.config.epochs = epochs
    log.eval.dataset.samples = samples
    log.eval.dataset.sample_ids = [f"arith-{i:05d}" for i in range(samples)]
    if log.results is not None:
        log.results.total_samples = log.results.completed_samples = len(out)
    write_eval_log(log, str(dst))


def run(kind: str, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/rspcheck-bench")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "ingest_speed.md"))
    ap.add_argument("--skip-full", action="store_true", help="skip the slow full read_eval_log")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    big = work / f"big_{args.samples}x{args.epochs}.eval"
    if not big.exists():
        t = time.perf_counter()
        build_log(big, args.samples, args.epochs)
        print(f"built {big} ({big.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.0f} s")
    kinds = ["rspcheck", "inspect-summaries"] + ([] if args.skip_full else ["inspect-full"])
    res: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.repeat):
        for k in kinds:
            if k == "inspect-full" and res[k]:
                continue  # once is enough for the slow one
            res[k].append(run(k, big))
            print(k, res[k][-1])
    med = {k: {f: statistics.median(r[f] for r in v) for f in v[0]} for k, v in res.items()}
    ours = med["rspcheck"]
    lines = [
        "# Ingest speed: rspcheck's Inspect reader vs Inspect's own readers",
        "",
        f"Log: {args.samples:,} samples x {args.epochs} epochs = {int(ours['n']):,} attempts, "
        f"{big.stat().st_size / 1e6:.1f} MB `.eval` (zstd), written by inspect_ai's "
        "`write_eval_log` from cloned real samples (`python benchmarks/ingest_speed.py`).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python "
        f"{platform.python_version()}. Each reader in a fresh process; median of "
        f"{args.repeat} runs (the full read once). `read s` excludes imports; peak RSS is the "
        "whole process's (interpreter and imports included).",
        "",
        "| reader | read s | import s | peak RSS MiB | RSS after import MiB | rows |",
        "|---|---|---|---|---|---|",
    ]
    names = {
        "rspcheck": "rspcheck `load_log_evidence` (to Evidence)",
        "inspect-summaries": "inspect `read_eval_log_sample_summaries`",
        "inspect-full": "inspect `read_eval_log` (full)",
    }
    for k, m in med.items():
        lines.append(
            f"| {names[k]} | {m['read_s']:.3f} | {m['import_s']:.2f} | "
            f"{m['peak_mib']:.0f} | {m['after_import_mib']:.0f} | {int(m['n']):,} |"
        )
    lines += ["", "Ratios (Inspect / rspcheck):", ""]
    for k, m in med.items():
        if k == "rspcheck":
            continue
        lines.append(
            f"- {names[k]}: {m['read_s'] / ours['read_s']:.1f}x the read time, "
            f"{m['peak_mib'] / ours['peak_mib']:.1f}x the peak RSS, "
            f"{(m['read_s'] + m['import_s']) / (ours['read_s'] + ours['import_s']):.1f}x "
            "including imports"
        )
    target = "met" if ours["read_s"] < 0.5 and ours["peak_mib"] < 100 else "NOT met"
    lines += [
        "",
        f"Target (< 0.5 s and < 100 MB peak for 10,000 attempts): **{target}** "
        f"({ours['read_s']:.3f} s, {ours['peak_mib']:.0f} MiB peak RSS).",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
