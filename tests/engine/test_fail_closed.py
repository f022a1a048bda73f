"""Wrong determinations that failed open (issue 11, items 1-5 and 10), one test per cause.

Each test names the depth it pins: a missing eval is a curve about which nothing is known, the
task (not the attempt) is the unit of evidence, horizon coverage comes from tasks run, ids are
unique across kinds and waivers match by kind, limit hits are failures at the spend reached,
and evaluate validates its own overrides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from checker.engine.evaluate import evaluate
from checker.errors import RspcheckError
from checker.evidence.load import load_evidence
from checker.evidence.model import Evidence, RunSummary, TaskInfo
from checker.policy.load import load_policy
from checker.policy.model import Policy, Threshold
from tests.engine.conftest import AS_OF, make_evidence, make_policy

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "policies" / "rspcheck-reference.yaml"
SMALL = ROOT / "tests" / "data" / "policy-small.yaml"
EXAMPLE = ROOT / "examples" / "evidence.yaml"
DEMO_DAY = dt.date(2026, 11, 28)


@cache
def _example() -> Evidence:
    return load_evidence(EXAMPLE)


def _reference() -> Policy:
    return load_policy(REFERENCE, today=DEMO_DAY).policy


def _with_threshold(policy: Policy, tid: str, **update: object) -> Policy:
    """The policy with one threshold changed (validated again, so bounds hold)."""
    t = policy.threshold(tid)
    assert t is not None
    changed = Threshold.model_validate({**t.model_dump(), **update})
    return policy.model_copy(
        update={"thresholds": [changed if x.id == tid else x for x in policy.thresholds]}
    )


def _state(det, tid: str) -> str:
    return next(t for t in det.thresholds if t.id == tid).state


# 1. A missing eval under combine: any or mean ---------------------------------------------


@pytest.mark.parametrize("how", ["any", "mean"])
def test_an_eval_without_evidence_keeps_any_and_mean_from_ruling_out(how: str) -> None:
    # The reproducer: autonomy-high is not_crossed on autonomy-swe alone; naming a
    # second eval nobody ran must not leave the decision to the first one.
    base = evaluate(_reference(), _example(), model="candidate", as_of=DEMO_DAY, replicates=50)
    assert _state(base, "autonomy-high") == "not_crossed"
    policy = _with_threshold(
        _reference(), "autonomy-high", evals=["autonomy-swe", "ghost-eval"], combine=how
    )
    det = evaluate(policy, _example(), model="candidate", as_of=DEMO_DAY, replicates=50)
    r = next(t for t in det.thresholds if t.id == "autonomy-high")
    assert r.state == "indeterminate"
    assert r.coverage.uncovered == 1.0
    assert [x.code for x in r.reasons].count("no-evidence") == 2  # gathered, then decided on
    assert "ghost-eval" in r.reasons[-1].message


def test_an_eval_without_evidence_still_lets_any_show_a_crossing() -> None:
    # Crossing one eval crosses `any`: an unknown second eval cannot undo that.
    p = np.r_[np.ones(160), np.zeros(40)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 200, "attempts": 1}])
    policy = make_policy(
        {"evals": ["e", "ghost"], "combine": "any", "assessed_range": {"min": 0.5, "max": 10.0}}
    )
    assert evaluate(policy, ev, seed=1, as_of=AS_OF).thresholds[0].state == "crossed"


@pytest.mark.parametrize("how", ["all", "mean"])
def test_an_eval_without_evidence_keeps_all_and_mean_from_crossing(how: str) -> None:
    p = np.r_[np.ones(160), np.zeros(40)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 200, "attempts": 1}])
    policy = make_policy(
        {"evals": ["e", "ghost"], "combine": how, "assessed_range": {"min": 0.5, "max": 10.0}}
    )
    assert evaluate(policy, ev, seed=1, as_of=AS_OF).thresholds[0].state == "indeterminate"


# 2. A summary's attempts per task are not independent trials ------------------------------


def _summary_evidence(attempts_per_task: int) -> Evidence:
    summary = RunSummary(score=0.0, n_tasks=1, attempts_per_task=attempts_per_task, mean_usd=1e7)
    ev = make_evidence([{"id": "s", "eval": "cyber-range", "summary": summary}])
    return ev


def test_a_summary_s_attempts_do_not_inflate_its_sample_size() -> None:
    # The reproducer: one task tried a million times ruled cyber-critical out and the
    # gate allowed; with one attempt it was indeterminate. The task is the unit of evidence.
    policy = load_policy(SMALL, today=AS_OF)
    dets = {
        n: evaluate(policy, _summary_evidence(n), model="m", as_of=AS_OF, replicates=50)
        for n in (1, 1_000_000)
    }
    for det in dets.values():
        assert _state(det, "cyber-critical") == "indeterminate"
    (one,) = next(t for t in dets[1].thresholds if t.id == "cyber-critical").points
    (many,) = next(t for t in dets[1_000_000].thresholds if t.id == "cyber-critical").points
    assert (many.lower, many.upper, many.n_tasks) == (one.lower, one.upper, one.n_tasks)
    assert many.upper > 0.6  # one task at 0/1 cannot put the upper bound below T = 0.6


def test_a_summary_s_attempts_do_not_meet_an_elicitation_minimum() -> None:
    # A summary is a mean over its attempts, not their outcomes: no best-of-k shows in it.
    runs = [
        {"id": f"r{i}", "budget": b, "p": 0.02, "tasks": 300, "attempts": 1}
        for i, b in enumerate([0.1, 1.0, 10.0])
    ]
    summary = RunSummary(score=0.0, n_tasks=300, attempts_per_task=50, mean_usd=10.0)
    ev = make_evidence([*runs, {"id": "s", "summary": summary}])
    policy = make_policy(
        {
            "assessed_range": {"min": 0.1, "max": 10.0},
            "function": 0.6,
            "elicitation": {"min_attempts_per_task": 5},
        }
    )
    r = evaluate(policy, ev, seed=1, as_of=AS_OF).thresholds[0]
    assert r.state == "indeterminate"
    assert "elicitation-missing" in [x.code for x in r.reasons]


# 3. Horizon coverage from tasks actually run ---------------------------------------------


def _with_tasks(ev: Evidence, tasks: list[TaskInfo]) -> Evidence:
    manifest = ev.manifest.model_copy(update={"tasks": tasks})
    return dataclasses.replace(ev, manifest=manifest)


def test_the_horizon_comes_from_tasks_a_run_attempted_not_from_metadata() -> None:
    # The reproducer: with only short autonomy-swe tasks described, autonomy-high is
    # horizon-uncovered; a `tasks:` entry of 600 human minutes for a task no run attempted
    # turned it into not_crossed.
    ev = _example()
    short = [t for t in ev.manifest.tasks if not (t.human_minutes or 0) >= 480]
    ghost = TaskInfo(eval="autonomy-swe", task="never-run", human_minutes=600)
    other = TaskInfo(eval="cyber-ctf", task=short[0].task, human_minutes=600)  # another eval's
    policy = _reference()
    for tasks in (short, [*short, ghost], [*short, other]):
        det = evaluate(
            policy, _with_tasks(ev, tasks), model="candidate", as_of=DEMO_DAY, replicates=50
        )
        r = next(t for t in det.thresholds if t.id == "autonomy-high")
        assert r.state == "indeterminate"
        assert "horizon-uncovered" in [x.code for x in r.reasons]
        assert (r.coverage.horizon_evaluated_minutes or 0) < 480


# 4. Waivers match by kind; ids are unique across kinds ------------------------------------


def _policy_with_ids(safeguard: str, waiver_target: str) -> Policy:
    return Policy.model_validate(
        {
            "metadata": {"id": "p", "title": "P", "version": "1", "effective": "2026-01-01"},
            "actors": [{"id": "novice", "budget": {"usd": 1.0}}],
            "thresholds": [
                {
                    "id": "t",
                    "title": "T",
                    "domain": "cyber",
                    "evals": ["e"],
                    "assessed_range": {"min": 1.0, "max": 100.0},
                    "function": 0.5,
                }
            ],
            "safeguards": [{"id": safeguard, "title": "S"}],
            "relations": {"requires": [{"threshold": "t", "safeguards": [safeguard]}]},
            "waivers": [
                {
                    "id": "w",
                    "target": waiver_target,
                    "justification": "interim",
                    "approver": "board",
                    "expires": "2099-01-01",
                }
            ],
        }
    )


def test_a_waiver_on_a_safeguard_never_waives_a_threshold_of_the_same_id() -> None:
    from checker.engine.gate import active_waivers

    # The reproducer, built in code (lint refuses the file: tests/test_policy_lint.py):
    # the threshold was marked waived_by and the gate allowed.
    shared = _policy_with_ids("t", "t")
    assert active_waivers(shared, AS_OF) == {}  # ambiguous: waives nothing
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.9, "tasks": 50, "attempts": 1}])
    with pytest.raises(RspcheckError) as info:
        evaluate(shared, ev, as_of=AS_OF)
    assert info.value.codes == ["duplicate-id"]
    # Distinct ids: each waiver waives exactly what it names, of its kind.
    assert active_waivers(_policy_with_ids("sg", "sg"), AS_OF) == {("safeguard", "sg"): "w"}
    assert active_waivers(_policy_with_ids("sg", "t"), AS_OF) == {("threshold", "t"): "w"}
    det = evaluate(_policy_with_ids("sg", "sg"), ev, as_of=AS_OF)
    assert det.thresholds[0].waived_by is None
    assert det.gate.satisfied == ["sg"]


def test_a_waiver_on_an_actor_waives_nothing() -> None:
    from checker.engine.gate import active_waivers

    assert active_waivers(_policy_with_ids("sg", "novice"), AS_OF) == {}


# 10. Bounds of the seed and the replicate count -------------------------------------------


@pytest.mark.parametrize(
    "option",
    [
        {"replicates": 0},
        {"replicates": -5},
        {"replicates": 10**7},
        {"replicates": 49},
        {"replicates": True},
        {"seed": -1},
        {"seed": 2**64},
        {"seed": 1.5},
    ],
)
def test_out_of_bounds_options_are_refused_before_anything_is_computed(option) -> None:
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.9, "tasks": 50, "attempts": 1}])
    with pytest.raises(RspcheckError) as info:
        evaluate(make_policy({}), ev, as_of=AS_OF, **option)
    assert info.value.codes == ["invalid-value"]
    assert info.value.problems[0].loc == tuple(option)


def test_fewer_replicates_than_calibrated_mark_the_determination_a_preview() -> None:
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.9, "tasks": 50, "attempts": 1}])
    preview = evaluate(make_policy({}), ev, as_of=AS_OF, replicates=50)
    assert preview.warnings[0].startswith("PREVIEW: 50 bootstrap replicates")
    full = evaluate(make_policy({}), ev, as_of=AS_OF, replicates=300)
    assert not any(w.startswith("PREVIEW") for w in full.warnings)


@pytest.mark.parametrize(
    "args",
    [["--replicates", "0"], ["--replicates", "-5"], ["--replicates", "10000000"], ["--seed", "-1"]],
)
def test_the_command_line_prints_the_problem_and_exits_2(args: list[str]) -> None:
    from typer.testing import CliRunner

    from checker.cli import app

    data = ROOT / "tests" / "data"
    cmd = ["check", "-p", str(data / "policy-small.yaml"), "-e", str(data / "evidence-small.yaml")]
    result = CliRunner().invoke(app, [*cmd, *args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "invalid-value" in result.output
    assert "Traceback" not in result.output


# 5. limit_hit: a failure at the spend reached, and a warning when most attempts hit it ------


def _with_limit_hits(ev: Evidence, share: float) -> Evidence:
    """The evidence with the first ``share`` of every run's attempts marked as limit hits."""
    table = ev.attempts
    hit = np.zeros(len(table), bool)
    for code in range(len(table.run_ids)):
        rows = np.flatnonzero(table.run == code)
        hit[rows[: round(share * rows.size)]] = True
    return dataclasses.replace(ev, attempts=dataclasses.replace(table, limit_hit=hit))


def test_limit_hits_count_as_recorded_and_warn_when_most_attempts_hit_the_cap() -> None:
    runs = [
        {"id": f"r{i}", "budget": b, "p": p, "tasks": 100, "attempts": 2}
        for i, (b, p) in enumerate([(0.1, 0.05), (1.0, 0.1), (10.0, 0.2)])
    ]
    ev = make_evidence(runs)
    policy = make_policy({"assessed_range": {"min": 0.1, "max": 10.0}, "function": 0.6})
    plain = evaluate(policy, ev, as_of=AS_OF, replicates=300)
    some = evaluate(policy, _with_limit_hits(ev, 0.4), as_of=AS_OF, replicates=300)
    most = evaluate(policy, _with_limit_hits(ev, 0.6), as_of=AS_OF, replicates=300)
    # Neither dropped nor imputed: the same scores at the same spend, the same decision.
    assert most.thresholds == plain.thresholds == some.thresholds
    assert plain.warnings == some.warnings == []
    assert [w.split(":")[0] for w in most.warnings] == ["run 'r0'", "run 'r1'", "run 'r2'"]
    assert "60% of its attempts hit a configured limit" in most.warnings[0]
