"""Engine speed and memory on a realistic release (issue 3's performance target).

40 thresholds, 200 runs, 1,000,000 attempts, 1,000 bootstrap replicates, all families:
target under 10 s wall and 1.5 GB peak on 2 cores. Also times a straightforward
per-replicate ``scipy.optimize.curve_fit`` loop for the extrapolation step on the same data
(on a sample of replicates, scaled up), for the ratio.

    python benchmarks/engine_speed.py [--replicates 1000] [--out benchmarks/results/engine_speed.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
import warnings
from pathlib import Path

import numpy as np

from checker.engine.evaluate import evaluate
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from checker.policy.model import Policy

EVALS, SCAFFOLDS, BUDGETS, TASKS, ATTEMPTS = 20, 2, 5, 500, 10  # 200 runs x 5,000 = 1M


def build(seed: int = 0) -> tuple[Policy, Evidence]:
    rng = np.random.default_rng(seed)
    runs, cols = [], {"run": [], "task": [], "score": [], "usd": []}
    for e in range(EVALS):
        theta = rng.normal(1.0, 1.0, TASKS)  # log10 budget each task needs
        for s in range(SCAFFOLDS):
            for j, budget in enumerate(np.logspace(-1, 2, BUDGETS)):
                rid = f"e{e}-s{s}-b{j}"
                runs.append(EvalRun(id=rid, model="m", eval=f"eval-{e}", scaffold=f"sc{s}"))
                p = 1 / (1 + np.exp(-(np.log10(budget) - theta + 0.3 * s) / 0.5))
                cols["run"].append(np.full(TASKS * ATTEMPTS, rid))
                cols["task"].append(np.repeat([f"t{i}" for i in range(TASKS)], ATTEMPTS))
                cols["score"].append((rng.random((TASKS, ATTEMPTS)) < p[:, None]).ravel() * 1.0)
                cols["usd"].append(np.full(TASKS * ATTEMPTS, budget))
    table = AttemptTable.from_columns(
        run=np.concatenate(cols["run"]),
        task=np.concatenate(cols["task"]),
        score=np.concatenate(cols["score"]),
        spend={"usd": np.concatenate(cols["usd"])},
    )
    evidence = Evidence(
        manifest=EvidenceManifest(models=[ModelInfo(id="m")], runs=runs), attempts=table
    )
    thresholds = [
        {
            "id": f"t{e}-{level}",
            "title": f"threshold {e} {level}",
            "domain": "cyber",
            "evals": [f"eval-{e}"],
            "verifiable": level == "high",
            "axis": "usd",
            "assessed_range": {"min": 0.1, "max": 1000.0},
            "function": {"points": [[0.1, 0.3 + 0.2 * (level == "critical")], [1000, 0.9]]},
        }
        for e in range(EVALS)
        for level in ("high", "critical")
    ]
    policy = Policy.model_validate(
        {
            "metadata": {
                "id": "bench",
                "title": "Bench",
                "version": "1",
                "effective": "2026-01-01",
            },
            "thresholds": thresholds,
        }
    )
    return policy, evidence


def curve_fit_loop_seconds(replicates: int, sample: int = 20) -> float:
    """Per-replicate scipy curve_fit of F1 on 5 budgets, for 200 curves, scaled from a sample."""
    from scipy.optimize import curve_fit

    x = np.log10(np.logspace(-1, 2, BUDGETS))
    rng = np.random.default_rng(1)
    y = 1 / (1 + np.exp(-(x - 1) / 0.5))
    start = time.perf_counter()
    for _ in range(sample):
        yr = np.clip(y + rng.normal(0, 0.02, x.size), 0.001, 0.999)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            curve_fit(lambda v, c, s: 1 / (1 + np.exp(-(c + s * v))), x, yr, p0=(0, 1), maxfev=2000)
    per_fit = (time.perf_counter() - start) / sample
    # 3 families (F3 with a 15-point profile counts 15 fits) per curve, per replicate.
    return per_fit * replicates * EVALS * SCAFFOLDS * (2 + 15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/engine_speed.md"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    policy, evidence = build()
    t_build = time.perf_counter() - t0
    policy = policy.model_copy(
        update={
            "decision": policy.decision.model_copy(update={"bootstrap_replicates": args.replicates})
        }
    )
    t0, c0 = time.perf_counter(), time.process_time()
    det = evaluate(policy, evidence, as_of=dt.date(2026, 11, 1))
    t_eval, cpu = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loop = curve_fit_loop_seconds(args.replicates)
    states = {
        s: sum(t.state == s for t in det.thresholds)
        for s in ("crossed", "not_crossed", "indeterminate")
    }
    text = f"""# Engine speed

Realistic release: {len(policy.thresholds)} thresholds, {len(evidence.runs)} runs,
{len(evidence.attempts):,} attempts, {args.replicates} bootstrap replicates, families F1-F3 on
every (eval, scaffold) curve; 2-core machine.

| step | figure |
|---|---|
| build synthetic evidence (not part of the target) | {t_build:.1f} s |
| `evaluate()` wall time | **{t_eval:.1f} s** (target < 10 s; load average {load:.1f}) |
| `evaluate()` CPU time (both cores; BLAS may use two) | {cpu:.1f} s |
| peak RSS of the process | **{peak_mb:.0f} MB** (target < 1.5 GB) |
| per-replicate `curve_fit` loop for the same extrapolation fits (estimated) | {loop:.0f} s |
| ratio loop / engine | {loop / t_eval:.0f}x |

States: {states}.
"""
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
