"""Loading attempts with the id columns coded (issue 17): one whole process, for paired timing.

``python benchmarks/columnar_load.py make FILE ROWS`` writes a CSV or Parquet attempts table
(1,000 runs x 250 tasks x N/250,000 attempts, score and spend columns) with pyarrow;
``python benchmarks/columnar_load.py load FILE`` loads it with ``read_attempts`` and prints the
rows, the distinct ids and the seconds. Time the ``load`` step as a whole process (e.g.
``/usr/bin/time -v``) with this checkout's environment and another's python (its editable
install picks the code), on the same file, pair by pair.
Results: benchmarks/results/columnar_load.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# no sys.path change: each checkout's own environment (an editable install) names which
# rspcheck is loaded, so one script times both sides of a pair


def make(path: Path, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    i = np.arange(rows)
    per_run = 250 * max(1, rows // 250_000)
    run = pa.array(np.char.add("run-", (i // per_run).astype(str)))
    task = pa.array(np.char.add("task-", (i % 250).astype(str)))
    table = pa.table(
        {
            "run": run,
            "task": task,
            "score": rng.random(rows).round(3),
            "input_tokens": rng.integers(1_000, 200_000, rows).astype(float),
            "output_tokens": rng.integers(100, 20_000, rows).astype(float),
            "limit_hit": rng.random(rows) < 0.05,
        }
    )
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pcsv.write_csv(table, path)


def load(path: Path) -> None:
    from checker.evidence.attempts import read_attempts

    t0 = time.perf_counter()
    table = read_attempts(path)
    dt = time.perf_counter() - t0
    print(f"{len(table)} rows, {len(table.run_ids)} runs, {len(table.task_ids)} tasks, {dt:.2f} s")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        load(Path(sys.argv[2]))
