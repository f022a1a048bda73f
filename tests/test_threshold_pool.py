"""Thresholds decided in forked workers give the same determination, byte for byte."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from checker.engine.evaluate import evaluate
from checker.engine.threshold_pool import eval_groups
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from checker.files.workers import can_fork
from checker.policy.model import Policy

EVALS, SCAFFOLDS, BUDGETS, TASKS, ATTEMPTS = 2, 1, 4, 30, 3


def _release() -> tuple[Policy, Evidence]:
    """A small release built in code: two thresholds per eval (so two groups), attempts."""
    rng = np.random.default_rng(0)
    runs, cols = [], {"run": [], "task": [], "score": [], "usd": []}
    for e in range(EVALS):
        need = rng.normal(1.0, 1.0, TASKS)  # log10 budget each task needs
        for s in range(SCAFFOLDS):
            for j, budget in enumerate(np.logspace(-1, 2, BUDGETS)):
                rid = f"e{e}-s{s}-b{j}"
                runs.append(EvalRun(id=rid, model="m", eval=f"eval-{e}", scaffold=f"sc{s}"))
                p = 1 / (1 + np.exp(-(np.log10(budget) - need + 0.3 * s) / 0.5))
                cols["run"] += [rid] * (TASKS * ATTEMPTS)
                cols["task"] += [f"t{i}" for i in range(TASKS) for _ in range(ATTEMPTS)]
                cols["score"].append((rng.random((TASKS, ATTEMPTS)) < p[:, None]).ravel() * 1.0)
                cols["usd"].append(np.full(TASKS * ATTEMPTS, budget))
    table = AttemptTable.from_columns(
        run=cols["run"],
        task=cols["task"],
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
    meta = {"id": "pool", "title": "Pool", "version": "1", "effective": "2026-01-01"}
    return Policy.model_validate({"metadata": meta, "thresholds": thresholds}), evidence


@pytest.mark.skipif(not can_fork(), reason="forked workers need Linux and one thread")
def test_one_and_two_workers_give_byte_identical_json() -> None:
    policy, evidence = _release()
    assert len(eval_groups(policy)) == EVALS  # else no pool, and the test would prove nothing
    seen: list[tuple[int, int]] = []

    def run(workers: int) -> str:
        return evaluate(
            policy,
            evidence,
            as_of=dt.date(2026, 6, 1),
            replicates=50,
            workers=workers,
            progress=lambda done, total, label: seen.append((done, total)),
        ).to_json()

    one = run(1)
    assert seen[-1] == (2 * EVALS, 2 * EVALS)  # every threshold reported, then the gate
    assert one == run(2)
    assert '"t1-critical"' in one


def test_groups_keep_thresholds_sharing_an_eval_together() -> None:
    from types import SimpleNamespace

    pol = SimpleNamespace(
        thresholds=[
            SimpleNamespace(evals=["a"]),
            SimpleNamespace(evals=["b"]),
            SimpleNamespace(evals=["c", "a"]),
            SimpleNamespace(evals=["d"]),
            SimpleNamespace(evals=["d", "b"]),
        ]
    )
    assert eval_groups(pol) == [[0, 2], [1, 3, 4]]  # type: ignore[arg-type]  # duck-typed stand-in
