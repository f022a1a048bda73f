"""Policy-free curves, N-model comparisons and their findings, readable labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from checker.engine.budget_curves import budget_curves
from checker.engine.compare import compare_models
from checker.errors import RspcheckError
from checker.evidence import load_many
from checker.evidence.labels import config_label, run_labels, short_number, without_eval
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo

LOGS = sorted((Path(__file__).parents[1] / "data" / "inspect-budget").glob("*.eval"))


def evidence(runs: list[dict], tasks: int = 40, seed: int = 0) -> Evidence:
    """Runs as dicts: id, model, budget (usd per attempt, lognormal around it), p, attempts."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {"run": [], "task": [], "score": [], "usd": []}
    for r in runs:
        for i in range(tasks):
            for _ in range(r.get("attempts", 2)):
                cols["run"].append(r["id"])
                cols["task"].append(f"t{i}")
                cols["score"].append(float(rng.random() < r["p"]))
                cols["usd"].append(r["budget"] * rng.lognormal(0, 0.3))
    table = AttemptTable.from_columns(
        run=cols["run"],
        task=cols["task"],
        score=np.array(cols["score"]),
        spend={"usd": np.array(cols["usd"])},
    )
    manifest = EvidenceManifest(
        models=[ModelInfo(id=m) for m in sorted({r["model"] for r in runs})],
        runs=[
            EvalRun(
                id=r["id"],
                model=r["model"],
                eval=r.get("eval", "e"),
                date=dt.date(2026, 1, 1),
                limits=r.get("limits", {}),
            )
            for r in runs
        ],
    )
    return Evidence(manifest=manifest, attempts=table)


def test_curves_of_the_inspect_logs_name_runs_by_their_settings():
    cs = budget_curves(load_many(LOGS), axes=["tokens"], k_max=2, replicates=200)
    [c] = cs.curves
    assert c.label == "budgetsim/sim-reasoner-1 · arith"
    labels = {p.label for p in c.points if p.kind == "evaluated"}
    assert labels == {
        "arith @ effort=minimal",
        "arith @ effort=low",
        "arith @ effort=medium",
        "arith @ effort=high",
        "arith @ effort=medium, max_tokens=1.5k",
        "arith @ effort=medium, reasoning_tokens=1.5k",
    }
    assert {p.kind for p in c.points} == {"evaluated", "best-of-k", "truncated"}
    assert all(p.run.startswith("arith@") for p in c.points)  # the JSON keeps ids
    assert any(p.label.endswith("k=2") for p in c.points if p.kind == "best-of-k")
    # P* never falls, and is at least every configuration at or below each budget
    best = c.best
    assert all(b >= a for a, b in zip(best.estimate, best.estimate[1:], strict=False))
    for p in c.points:
        j = max(i for i, b in enumerate(best.budgets) if b <= p.budget)
        assert best.estimate[j] >= p.estimate
    assert c.own_max is not None and c.own_max.label == "arith @ effort=high"


def test_own_max_is_the_score_at_the_largest_budget_with_p_star_beside_it():
    ev = evidence(
        [
            {"id": "cheap", "model": "m", "budget": 1.0, "p": 0.8},
            {"id": "dear", "model": "m", "budget": 10.0, "p": 0.3},  # a cap cutting it off
        ]
    )
    [c] = budget_curves(ev, axes=["usd"], replicates=200, truncation=False).curves
    assert c.own_max is not None
    assert c.own_max.run == "dear" and c.own_max.score < 0.5 < c.own_max.best
    cmp = compare_models(
        evidence(
            [
                {"id": "cheap", "model": "m", "budget": 1.0, "p": 0.8},
                {"id": "dear", "model": "m", "budget": 10.0, "p": 0.3},
                {"id": "o", "model": "o", "budget": 3.0, "p": 0.5},
            ]
        ),
        ["m", "o"],
        replicates=200,
        truncation=False,
    )
    line = cmp.evals[0].own_max[0]
    assert "at its largest evaluated budget, $" in line and "(P*) is" in line


def test_compare_finds_dominance_when_budgets_do_not_overlap():
    ev = evidence(
        [
            {"id": "a1", "model": "a", "budget": 1.0, "p": 0.5},
            {"id": "a2", "model": "a", "budget": 3.0, "p": 0.7},
            {"id": "b1", "model": "b", "budget": 30.0, "p": 0.4},
            {"id": "b2", "model": "b", "budget": 60.0, "p": 0.45},
        ]
    )
    [e] = compare_models(ev, ["a", "b"], replicates=200).evals
    [pair] = e.pairs
    assert pair.kind == "dominates" and pair.dominant == "a" and pair.matched is None
    assert "a is at least as good at" in pair.text and "dominates" in pair.text
    assert [c.label for c in e.curves] == ["a", "b"]  # each model's own curve


def test_compare_says_not_comparable_and_what_to_evaluate():
    ev = evidence(
        [
            {"id": "a1", "model": "a", "budget": 1.0, "p": 0.2},
            {"id": "a2", "model": "a", "budget": 3.0, "p": 0.3},
            {"id": "b1", "model": "b", "budget": 30.0, "p": 0.6},
        ]
    )
    [pair] = compare_models(ev, ["a", "b"], replicates=200).evals[0].pairs
    assert pair.kind == "not_comparable"
    assert "no common budget" in pair.text and "Evaluate a at $" in pair.text


def test_truncation_makes_budgets_overlap_and_pairs_are_matched():
    ev = evidence(
        [
            {"id": "a1", "model": "a", "budget": 1.0, "p": 0.3},
            {"id": "b1", "model": "b", "budget": 1.6, "p": 0.6},
        ]
    )
    off = compare_models(ev, ["a", "b"], replicates=200, truncation=False).evals[0].pairs[0]
    on = compare_models(ev, ["a", "b"], replicates=200).evals[0].pairs[0]
    assert off.kind == "not_comparable"
    assert on.kind == "matched" and on.matched is not None and on.matched.truncated
    # paired bootstrap: the interval holds the estimate at every budget
    m = on.matched
    assert all(lo <= d <= hi for lo, d, hi in zip(m.lower, m.difference, m.upper, strict=True))


def test_compare_takes_n_models_and_several_evals():
    runs = [
        {"id": f"{m}-{e}-{b}", "model": m, "eval": e, "budget": b, "p": p}
        for m, p in (("x", 0.3), ("y", 0.5), ("z", 0.7))
        for e in ("e1", "e2")
        for b in (1.0, 4.0)
    ]
    cmp = compare_models(evidence(runs), ["x", "y", "z"], replicates=200)
    assert [e.eval for e in cmp.evals] == ["e1", "e2"]
    assert [(p.a, p.b) for p in cmp.evals[0].pairs] == [("x", "y"), ("x", "z"), ("y", "z")]
    assert all(p.kind == "matched" for e in cmp.evals for p in e.pairs)
    z_minus_x = cmp.evals[0].pairs[1].matched
    assert z_minus_x is not None and z_minus_x.lower[-1] > 0  # z ahead where both ran


def test_compare_refuses_one_model_and_unknown_names():
    ev = evidence([{"id": "a1", "model": "a", "budget": 1.0, "p": 0.3}])
    with pytest.raises(RspcheckError) as err:
        compare_models(ev, ["a", "a"])
    assert err.value.problems[0].code == "invalid-value"
    with pytest.raises(RspcheckError) as err:
        compare_models(ev, ["a", "nobody"])
    assert err.value.problems[0].code == "unknown-reference"


def test_curves_are_reproducible_and_the_json_round_trips():
    from checker.engine.budget_curves import CurveSet

    ev = load_many(LOGS)
    one = budget_curves(ev, axes=["tokens", "usd"], replicates=100, seed=5)
    two = budget_curves(ev, axes=["tokens", "usd"], replicates=100, seed=5)
    assert one.model_dump_json() == two.model_dump_json()
    assert CurveSet.model_validate_json(one.model_dump_json()) == one


def test_labels():
    assert short_number(12000) == "12k" and short_number(2_390_000) == "2.39M"
    assert short_number(3.3e9) == "3.3B" and short_number(0.5) == "0.5"
    assert config_label("arith @ effort=low", k=8) == "arith @ effort=low, k=8"
    assert config_label("arith", truncated_at=12000) == "arith @ cut at 12k tokens"
    assert without_eval("arith @ effort=low", "arith") == "effort=low"
    runs = [
        EvalRun(id="r1", model="m", eval="e", limits={"reasoning_effort": "low"}),
        EvalRun(id="r2", model="m", eval="e", limits={"reasoning_effort": "low"}),
        EvalRun(id="r3", model="m", eval="f"),
    ]
    labels = run_labels(runs)
    # settings do not tell r1 and r2 apart: their ids do
    assert labels == {"r1": "r1", "r2": "r2", "r3": "f"}
