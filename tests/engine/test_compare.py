"""Matched-budget comparison: own-maximum closeness must not hide a matched-budget gap."""

from __future__ import annotations

import numpy as np
import pytest

from checker.engine.compare import compare
from checker.engine.evaluate import evaluate
from checker.errors import RspcheckError
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from tests.engine.conftest import AS_OF, make_policy


def two_models(seed: int = 0, plan: dict | None = None) -> Evidence:
    """previous: 0.2/0.4/0.6/0.8 at $1/$10/$100/$1000; candidate: 0.55/0.7/0.75/0.8 at
    $0.1/$1/$10/$100. At own maxima both score 0.8; at matched $1-$100 the candidate leads."""
    rng = np.random.default_rng(seed)
    plan = plan or {
        "previous": [(1.0, 0.2), (10.0, 0.4), (100.0, 0.6), (1000.0, 0.8)],
        "candidate": [(0.1, 0.55), (1.0, 0.7), (10.0, 0.75), (100.0, 0.8)],
    }
    run, task, score, usd, runs = [], [], [], [], []
    for model, points in plan.items():
        for j, (budget, p) in enumerate(points):
            rid = f"{model}-{j}"
            runs.append(EvalRun(id=rid, model=model, eval="e"))
            wins = rng.permutation(np.r_[np.ones(int(p * 200)), np.zeros(200 - int(p * 200))])
            for i in range(200):
                run.append(rid)
                task.append(f"task-{i}")
                score.append(float(wins[i]))
                usd.append(budget)
    table = AttemptTable.from_columns(
        run=run, task=task, score=np.array(score), spend={"usd": np.array(usd)}
    )
    manifest = EvidenceManifest(
        models=[ModelInfo(id="previous"), ModelInfo(id="candidate")], runs=runs
    )
    return Evidence(manifest=manifest, attempts=table)


def test_own_maxima_look_close_but_matched_budgets_show_the_gap():
    result = compare(two_models(), "e", "previous", "candidate", replicates=300, seed=1)
    assert result.own_max_a == (1000.0, 0.8)
    assert result.own_max_b == (100.0, 0.8)
    # Both cover $1-$100; at $1 the candidate is 0.7 - 0.2 = +0.5 ahead.
    assert result.budgets[0] == pytest.approx(1.0)
    assert result.budgets[-1] == pytest.approx(100.0)
    assert result.difference[0] == pytest.approx(0.5, abs=1e-6)
    assert result.lower[0] > 0.35
    assert all(
        lo <= d <= hi
        for lo, d, hi in zip(result.lower, result.difference, result.upper, strict=True)
    )
    assert "not matched" in result.summary


def test_disjoint_budgets_cannot_be_compared():
    ev = two_models()
    keep = [r for r in ev.runs if r.id in ("previous-3", "candidate-0")]
    ev2 = Evidence(manifest=ev.manifest.model_copy(update={"runs": keep}), attempts=ev.attempts)
    with pytest.raises(RspcheckError) as exc:
        compare(ev2, "e", "previous", "candidate", replicates=100)
    assert "do not overlap" in str(exc.value)


def test_evaluate_attaches_comparisons_when_asked():
    det = evaluate(
        make_policy({}), two_models(), model="candidate", compare_with="previous", as_of=AS_OF
    )
    assert [(c.eval, c.a, c.b) for c in det.comparisons] == [("e", "previous", "candidate")]


def test_own_maximum_is_the_score_at_the_largest_budget_with_the_best_beside_it():
    # candidate's dearest run ($100) was cut off by a token cap and scores 0.6 (120 of 200
    # tasks), below its $10 run's 0.75: the own-maximum line reports 0.6 at $100, with the best
    # within $100 (P*, 0.75) beside it; previous' top run is also its best (0.8 at $1000).
    ev = two_models(
        plan={
            "previous": [(1.0, 0.2), (10.0, 0.4), (100.0, 0.6), (1000.0, 0.8)],
            "candidate": [(0.1, 0.55), (1.0, 0.7), (10.0, 0.75), (100.0, 0.6)],
        }
    )
    r = compare(ev, "e", "previous", "candidate", axis="usd", replicates=200, seed=1)
    assert r.own_max_b == (100.0, 0.6) and r.best_at_own_max_b == 0.75
    assert r.own_max_a == (1000.0, 0.8) and r.best_at_own_max_a == 0.8
    assert "candidate scores 0.60 at $100 (best within it 0.75)" in r.summary
    assert "previous scores 0.80 at $1k and" in r.summary  # no "best within" where equal
