"""``evaluate()`` with its thresholds decided in 1 or N forked workers (issue 17's fixed cost).

The release is the engine benchmark's (``benchmarks/engine_speed.py``: 40 thresholds on 20
evals, 200 runs, 1,000,000 attempts); each eval's two thresholds form one group, so up to 20
groups run side by side. Prints the seconds in ``evaluate`` and the SHA-256 of the
determination's JSON (the same for every worker count).

    python benchmarks/evaluate_workers.py --workers 2 [--replicates 1000]

Time it as a whole process, paired against ``--workers 1``; results in
benchmarks/results/evaluate_workers.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_speed import build  # the benchmark folder is not a package

from checker.engine.evaluate import evaluate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--replicates", type=int, default=1000)
    args = ap.parse_args()
    policy, evidence = build()
    t0 = time.perf_counter()
    det = evaluate(
        policy,
        evidence,
        model="m",
        as_of=dt.date(2026, 6, 1),
        replicates=args.replicates,
        workers=args.workers,
    )
    dt_s = time.perf_counter() - t0
    digest = hashlib.sha256(det.to_json().encode()).hexdigest()[:16]
    print(f"workers={args.workers} evaluate {dt_s:.2f} s json sha256 {digest}")


if __name__ == "__main__":
    main()
