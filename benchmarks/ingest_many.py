"""Ingest at release scale: 1,000,000 attempts across many Inspect logs, end to end.

Usage::

    python benchmarks/ingest_many.py [--logs 100] [--work /tmp/rspcheck-bench]
        [--repeat 3] [--out benchmarks/results/ingest_many.md]

Needs the 10,000-attempt ``.eval`` that ``benchmarks/ingest_speed.py`` builds with Inspect's own
writer (built here through it when missing, which needs ``inspect-ai``). Writing 100 logs with
Inspect's writer would take most of an hour, so the others are *derived* from it: each is a byte
copy whose ``header.json`` and ``_journal/start.json`` are replaced (zip append mode: the old
members stay as dead bytes, the new central directory points at the new ones) with a distinct
``eval_id``/``run_id``, so each log is its own run (``arith@<eval_id>``) with the same 10,000
attempt summaries and 10,000 sample members (22 MB each, none of it committed).

Each measurement runs in a fresh process and reports wall seconds (imports excluded) and the
process tree's peak RSS (the parent's and, with the pool, the largest worker's):

* ``sequential``: ``merge_evidence([load_evidence(p) for p in paths])`` (what ``check`` did);
* ``load_many``: :func:`checker.evidence.load.load_many` (pool of 2 workers for many logs);
* ``check``: ``rspcheck check`` end to end (policy load, ``load_many``, evaluate, JSON), with
  a one-threshold policy on the logs' eval, timed as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

t0 = time.perf_counter()
kind, listfile = sys.argv[1], sys.argv[2]
paths = open(listfile).read().split()
from checker.evidence.load import load_evidence, merge_evidence
if kind == "load_many":
    from checker.evidence.load import load_many
imp = time.perf_counter() - t0
c0 = os.times()
t1 = time.perf_counter()
if kind in ("sequential", "baseline"):
    ev = merge_evidence([load_evidence(p) for p in paths])
else:
    ev = load_many(paths)
dt = time.perf_counter() - t1
c1 = os.times()
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"s": dt, "import_s": imp, "peak_mib": hwm(), "worker_peak_mib": child,
                  "cpu_s": (c1.user - c0.user) + (c1.system - c0.system)
                  + (c1.children_user - c0.children_user)
                  + (c1.children_system - c0.children_system),
                  "rows": len(ev.attempts), "runs": len(ev.runs)}))
"""

POLICY = """\
kind: rspcheck-policy
format_version: 1
metadata:
  id: ingest-many-bench
  title: ingest_many benchmark policy
  version: "1"
  effective: 2026-01-01
  owner: benchmarks
actors:
  - {id: low, title: Low, budget: {tokens: 100}}
  - {id: high, title: High, budget: {tokens: 1000}}
thresholds:
  - id: arith-high
    title: Arithmetic
    domain: cyber
    level: High
    evals: [arith]
    verifiable: true
    axis: tokens
    assessed_range: {min: low, max: high}
    function: 0.9
"""


def derive_logs(template: Path, work: Path, n: int) -> list[Path]:
    """``n`` copies of ``template``, each with its own eval id and run id (cached in ``work``)."""
    import zipfile_zstd  # noqa: F401 - lets zipfile read the template's zstd members

    out_dir = work / f"many_{n}"
    out_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(template) as zf:
        header = json.loads(zf.read("header.json"))
        start = json.loads(zf.read("_journal/start.json"))
    paths = []
    for i in range(n):
        dst = out_dir / f"log_{i:04d}.eval"
        paths.append(dst)
        if dst.exists():
            continue
        tmp = dst.with_suffix(".tmp")
        shutil.copyfile(template, tmp)
        eval_id, run_id = f"bench{i:05d}evalid000000", f"bench{i:05d}runid0000000"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(tmp, "a") as zf:
                for name, doc in (("header.json", header), ("_journal/start.json", start)):
                    doc = json.loads(json.dumps(doc))
                    doc["eval"]["eval_id"], doc["eval"]["run_id"] = eval_id, run_id
                    old = zf.getinfo(name)
                    zf.filelist.remove(old)
                    del zf.NameToInfo[name]
                    zf.writestr(name, json.dumps(doc), compress_type=zipfile.ZIP_DEFLATED)
        tmp.rename(dst)
    return paths


def child(kind: str, listfile: Path, src: Path = ROOT) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    r = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(listfile)],
        capture_output=True,
        text=True,
        env=env,
        cwd=src,  # `-c` puts the working folder first on sys.path
    )
    if r.returncode:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def check_end_to_end(paths: list[Path], work: Path) -> dict:
    """``rspcheck check`` as a subprocess over every log (wall seconds, peak RSS of the tree)."""
    policy = work / "many_policy.yaml"
    policy.write_text(POLICY)
    cmd = [sys.executable, "-c", "from checker.cli import main; main()", "check"]
    cmd += ["-p", str(policy), "--replicates", "200"]
    for p in paths:
        cmd += ["-e", str(p)]
    cmd += ["--format", "json", "--as-of", "2026-12-01"]
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'s': dt, 'peak_mib': ru.ru_maxrss / 1024, 'rc': r.returncode,"
        " 'cpu_s': ru.ru_utime + ru.ru_stime, 'err': r.stderr[-2000:]}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def loadavg() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--logs", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/rspcheck-bench")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "ingest_many.md"))
    ap.add_argument("--skip-check", action="store_true", help="skip `rspcheck check`")
    ap.add_argument(
        "--baseline",
        metavar="DIR",
        help="also time the sequential path with an older checker/ (e.g. from "
        "`git archive REV checker | tar -x -C DIR`)",
    )
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    template = work / "big_2000x5.eval"
    if not template.exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from ingest_speed import build_log

        build_log(template, 2000, 5)
    t = time.perf_counter()
    paths = derive_logs(template, work, args.logs)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} logs, {size / 1e9:.2f} GB, ready in {time.perf_counter() - t:.1f} s")
    listfile = work / f"many_{args.logs}.txt"
    listfile.write_text("\n".join(map(str, paths)))
    # warm the page cache once (a release's logs were just written or copied)
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass
    res: dict[str, list[dict]] = {"sequential": [], "load_many": []}
    if args.baseline:
        res = {"baseline": [], **res}
    loads = []
    for _ in range(args.repeat):
        for k in res:
            src = Path(args.baseline) if k == "baseline" else ROOT
            res[k].append(child(k, listfile, src))
            loads.append(os.getloadavg()[0])
            print(k, res[k][-1], "load", loadavg())
    med = {k: {f: statistics.median(r[f] for r in v) for f in v[0]} for k, v in res.items()}
    e2e = None
    if not args.skip_check:
        runs = [check_end_to_end(paths, work) for _ in range(max(1, args.repeat - 1))]
        for r in runs:
            print("check", {k: v for k, v in r.items() if k != "err"}, "load", loadavg())
            if r["rc"] not in (0, 3):
                raise SystemExit(r["err"])
        e2e = {f: statistics.median(r[f] for r in runs) for f in ("s", "peak_mib", "cpu_s")}
    rows = int(med["load_many"]["rows"])
    lines = [
        "# Ingest at release scale: many Inspect logs",
        "",
        f"{len(paths)} `.eval` logs x 10,000 attempts = {rows:,} attempts, "
        f"{size / 1e9:.2f} GB on disk (each 22 MB log: 2,000 samples x 5 epochs written by "
        "Inspect's `write_eval_log`, copied with a distinct eval id; "
        "`python benchmarks/ingest_many.py`). Files in the page cache.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python "
        f"{platform.python_version()}; load average during the runs "
        f"{min(loads):.2f}-{max(loads):.2f} (1-minute, sampled after each run, the "
        "benchmark's own processes included). Each measurement in a fresh process, "
        f"median of {args.repeat}; seconds exclude imports; peak RSS is the largest process's "
        "VmHWM (parent) / ru_maxrss (largest worker).",
        "",
        "| path | logs | attempts | wall s | CPU s | peak RSS parent MiB | peak RSS worker MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {
        "baseline": "before (sequential, the reader as of `--baseline`)",
        "sequential": "sequential: `merge_evidence([load_evidence(p) ...])`",
        "load_many": "`load_many(paths)` (pool of 2 workers)",
    }
    for k, m in med.items():
        lines.append(
            f"| {names[k]} | {len(paths)} | {int(m['rows']):,} | {m['s']:.2f} | "
            f"{m['cpu_s']:.1f} | {m['peak_mib']:.0f} | "
            f"{m['worker_peak_mib']:.0f} |".replace("| 0 |", "| - |")
        )
    if e2e is not None:
        lines.append(
            f"| `rspcheck check` end to end (process wall, incl. imports, 1 threshold, "
            f"200 replicates) | {len(paths)} | {rows:,} | {e2e['s']:.2f} | {e2e['cpu_s']:.1f} | "
            f"{e2e['peak_mib']:.0f} (largest process) | |"
        )
    lines += [
        "",
        "`CPU s` counts the parent and its workers. `rspcheck check` includes the interpreter "
        "start and imports (~1 s), the policy, `load_many` and `evaluate()` of the 1,000,000 "
        "attempts; the target below is the loading's.",
    ]
    ours = med["load_many"]["s"]
    target = "met" if ours < 10 else "NOT met"
    lines += [
        "",
        f"Target (1,000,000 attempts across many logs within the engine's budget, 10 s on 2 "
        f"cores): **{target}** ({ours:.2f} s with `load_many`, "
        f"{med['sequential']['s'] / ours:.1f}x faster than sequential).",
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
