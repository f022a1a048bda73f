"""Speed of the batched curve fits versus a per-replicate ``scipy.optimize.curve_fit`` loop.

Workload: ``--runs`` evals (default 200), each with 4-6 budgets and ``--replicates`` bootstrap
replicates (default 1000); F1, F2 and F3 (15-point ceiling profile) are fitted for every replicate,
plus F4 and F5 (grid MLE) for a repeated-sampling eval with n = 10 attempts.  The baseline fits
the same replicate curves one at a time with ``curve_fit`` (least squares on proportions, as is
common practice; F3 with a free ceiling) on a subset of replicates, and its time is extrapolated.

Usage: python benchmarks/curves_speed.py [--runs 200] [--replicates 1000] [--baseline-reps 30]
Writes benchmarks/results/curves_speed.md and prints it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import optimize, special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.curves import fit_beta_binomial, fit_family, replicate_weights


def make_run(rng: np.random.Generator, reps: int):
    m = int(rng.integers(4, 7))
    x = np.linspace(0.0, 2.0, m)
    t, n = 100, 3
    theta = rng.normal(rng.uniform(1.0, 3.5), 0.6, t)
    p = special.expit((x[None, :] - theta[:, None]) / 0.5)
    s_task = rng.binomial(n, p).astype(float)
    w = replicate_weights(t, reps, rng)
    return x, w @ s_task, w @ np.full_like(s_task, n)


def _f1(x, c, s):
    return special.expit(c + s * x)


def _f2(x, c, s):
    return np.exp(-np.exp(-(c + s * x)))


def _f3(x, c, s, u):
    return u * special.expit(c + s * x)


def baseline(x, sb, nb, reps: int) -> float:
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(reps):
            y = sb[r] / nb[r]
            for f, p0, bounds in (
                (_f1, [0.0, 1.0], ([-np.inf, 0.0], [np.inf, np.inf])),
                (_f2, [0.0, 1.0], ([-np.inf, 0.0], [np.inf, np.inf])),
                (_f3, [0.0, 1.0, 0.9], ([-np.inf, 0.0, 0.0], [np.inf, np.inf, 1.0])),
            ):
                with contextlib.suppress(RuntimeError):  # a failed fit still cost its time
                    optimize.curve_fit(f, x, y, p0=p0, bounds=bounds, maxfev=2000)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--baseline-runs", type=int, default=5)
    ap.add_argument("--baseline-reps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "curves_speed.md"))
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    runs = [make_run(rng, a.replicates) for _ in range(a.runs)]

    per_family = {"F1": 0.0, "F2": 0.0, "F3": 0.0}
    conv = {"F1": [], "F2": [], "F3": []}
    for x, sb, nb in runs:
        for fam in per_family:
            t0 = time.perf_counter()
            fit = fit_family(fam, x, sb, nb)
            per_family[fam] += time.perf_counter() - t0
            conv[fam].append(fit.converged.mean())
    total_batched = sum(per_family.values())

    # F4 / F5: one repeated-sampling eval, n = 10, T = 100
    p = rng.beta(0.2, 1.5, 100)
    c = rng.binomial(10, p)
    w = replicate_weights(100, a.replicates, rng)
    fit_beta_binomial(c, 10, w[:2])  # build the cached tables outside the timing
    fit_beta_binomial(c, 10, w[:2], zero_inflated=True)
    t0 = time.perf_counter()
    fit_beta_binomial(c, 10, w)
    t_f4 = time.perf_counter() - t0
    t0 = time.perf_counter()
    fit_beta_binomial(c, 10, w, zero_inflated=True)
    t_f5 = time.perf_counter() - t0

    t_base = 0.0
    for x, sb, nb in runs[: a.baseline_runs]:
        t_base += baseline(x, sb, nb, a.baseline_reps)
    fits_done = a.baseline_runs * a.baseline_reps
    t_base_full = t_base / fits_done * a.runs * a.replicates
    ratio = t_base_full / total_batched

    lines = [
        "# Curve-fitting speed\n",
        f"Workload: {a.runs} runs x 4-6 budgets x R = {a.replicates} bootstrap replicates; "
        "families F1, F2, F3 (15-point ceiling profile).  Single process.\n",
        "| step | time (s) | per run (ms) | converged |",
        "|---|---|---|---|",
    ]
    for fam, t in per_family.items():
        lines.append(
            f"| {fam} batched IRLS | {t:.2f} | {1000 * t / a.runs:.1f} | {np.mean(conv[fam]):.4f} |"
        )
    lines += [
        f"| F1+F2+F3 batched, all runs | {total_batched:.2f} | "
        f"{1000 * total_batched / a.runs:.1f} | |",
        f"| F4 grid MLE (n = 10, R = {a.replicates}) | {t_f4:.2f} | | |",
        f"| F5 grid MLE (n = 10, R = {a.replicates}) | {t_f5:.2f} | | |",
        f"| curve_fit loop, measured on {fits_done} replicate curves | {t_base:.2f} | | |",
        f"| curve_fit loop, extrapolated to the full workload | {t_base_full:.0f} | "
        f"{1000 * t_base_full / a.runs:.0f} | |",
        "",
        f"**Speed-up of the batched fits over the per-replicate curve_fit loop: {ratio:.0f}x** "
        "(and the batched fits are binomial maximum likelihood with stabilisers, not least "
        "squares on proportions).",
    ]
    text = "\n".join(lines) + "\n"
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
