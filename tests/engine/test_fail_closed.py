"""Wrong determinations that failed open (issue 11, items 1-5 and 10), one test per cause.

Each test names the depth it pins: a missing eval is a curve about which nothing is known, the
task (not the attempt) is the unit of evidence, horizon coverage comes from tasks run, ids are
unique across kinds and waivers match by kind, limit hits are failures at the spend reached,
and evaluate validates its own overrides.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from checker.engine.evaluate import evaluate
from checker.evidence.load import load_evidence
from checker.evidence.model import Evidence
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
