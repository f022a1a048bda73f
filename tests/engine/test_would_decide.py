"""What would decide an indeterminate (issue 12, Deliver 5): computed from the evidence."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pytest

from checker.engine.evaluate import evaluate
from tests.engine.conftest import make_evidence, make_policy

TWO_BUDGETS = [
    {"id": "r1", "budget": 1.0, "p": 0.3, "tasks": 100, "attempts": 1},
    {"id": "r2", "budget": 10.0, "p": 0.3, "tasks": 100, "attempts": 1},
]


def decide(policy, evidence):
    return evaluate(policy, evidence, model="m", seed=1, as_of=dt.date(2026, 6, 1)).thresholds[0]


def _at(r, budget: float) -> tuple[float, float, float]:
    c = r.curve
    i = int(np.argmin([abs(math.log10(b / budget)) for b in c.budgets]))
    return c.lower[i], c.estimate[i], c.upper[i]


def test_decided_thresholds_need_nothing():
    r = decide(
        make_policy({"function": 0.9, "assessed_range": {"min": 1.0, "max": 10.0}}),
        make_evidence(TWO_BUDGETS),
    )
    assert r.state == "not_crossed" and r.would_decide is None


def test_an_interval_around_t_asks_for_tasks_at_its_hardest_point():
    # 30% solved at $1 and $10, T = 0.35 over [$1, $10]: the upper bound reaches T from about
    # $2.8 on and is farthest above it at $10, which ruling out must bring below T. With the
    # interval's half-width shrinking as 1/sqrt(tasks), n' = n ((U - E) / (T - E))^2.
    r = decide(
        make_policy({"function": 0.35, "assessed_range": {"min": 1.0, "max": 10.0}}),
        make_evidence(TWO_BUDGETS),
    )
    assert [x.code for x in r.reasons] == ["interval-straddles"]
    _lo, est, up = _at(r, 10.0)
    expected = 100 * ((up - est) / (0.35 - est)) ** 2
    m = re.match(
        r"about ([\d,]+) tasks \(now 100\) at budgets near \$10: "
        r".* upper bound would then be below T = 0\.350",
        r.would_decide,
    )
    assert m, r.would_decide
    assert (
        abs(int(m.group(1).replace(",", "")) - expected) <= 0.02 * expected
    )  # printed values are rounded
    assert 150 < expected < 250  # ~1.645 sqrt(.21/100) = 0.075 over a gap of ~0.07


def test_an_estimate_above_t_asks_for_what_would_lift_the_lower_bound():
    r = decide(
        make_policy({"function": 0.25, "assessed_range": {"min": 1.0, "max": 10.0}}),
        make_evidence(TWO_BUDGETS),
    )
    assert r.state == "indeterminate"
    m = re.match(
        r"about ([\d,]+) tasks \(now 100\) at budgets near \$([\d.]+): "
        r".* lower bound would then clear T = 0\.250",
        r.would_decide,
    )
    assert m, r.would_decide
    lo, est, _up = _at(r, float(m.group(2)))
    assert int(m.group(1).replace(",", "")) == pytest.approx(
        100 * ((est - lo) / (est - 0.25)) ** 2, rel=0.03
    )


def test_an_uncovered_top_asks_for_a_budget_the_cap_carries_to_it():
    # T = 0.9 to $10k, evidence to $10: the fitted curve may rule out 0.5 OOM past an
    # evaluated budget, so the top needs one at 10k / 10**0.5 = $3.16k.
    r = decide(
        make_policy({"function": 0.9, "assessed_range": {"min": 1.0, "max": 1e4}}),
        make_evidence(TWO_BUDGETS),
    )
    assert [x.code for x in r.reasons] == ["extrapolation-cap"]
    assert r.would_decide.startswith(
        "an evaluated budget at or above $3.16k per task (the evidence stops at $10; "
        "the cap for ruling out is 0.5 OOM)"
    )
    narrow = decide(
        make_policy(
            {"function": 0.9, "assessed_range": {"min": 1.0, "max": 1e4}},
            max_extrapolation_oom=0.25,
        ),
        make_evidence(TWO_BUDGETS),
    )
    assert "at or above $5.62k" in narrow.would_decide  # 10k / 10**0.25


def test_sampling_bounded_too_early_asks_for_attempts_on_the_binding_run():
    # Half the tasks never solved, half at 20%: pass@k stays near 0.5, far below T = 0.9, and
    # upper bounds on sampling stop at the spend of best-of-7 (0.25 OOM past the 4 drawn):
    # reaching $10k takes about 4 * 10k / reach attempts per task on that run.
    p = np.r_[np.zeros(50), np.full(50, 0.2)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 100, "attempts": 4}])
    r = decide(
        make_policy(
            {"verifiable": True, "function": 0.9, "assessed_range": {"min": 1.0, "max": 1e4}},
            max_attempts_extrapolation_oom=0.25,
        ),
        ev,
    )
    assert "repeated-sampling-uncovered" in [x.code for x in r.reasons]
    m = re.match(
        r"about ([\d,]+) attempts per task on run r1 \(it drew 4; upper bounds on sampling "
        r"stop at \$([\d.]+),.* its (\d+) never-solved task\(s\) of 100",
        r.would_decide,
    )
    assert m, r.would_decide
    need, reach, never = int(m.group(1).replace(",", "")), float(m.group(2)), int(m.group(3))
    assert need == pytest.approx(4 * 1e4 / reach, rel=0.02)
    assert never >= 50  # the 50 impossible tasks, and any 0/4 among the others


def test_a_modelled_estimate_above_t_asks_for_more_attempts_there():
    # Half the tasks never solved, half at 20%, 4 attempts: T = 0.8 is met by the modelled
    # estimate (the families extrapolate the solvable half's growth onto the 0/4 tasks) but not
    # by any bound, so the likeliest decider is evaluating best-of-k where the estimate meets T.
    p = np.r_[np.zeros(50), np.full(50, 0.2)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 100, "attempts": 4}])
    r = decide(
        make_policy(
            {"verifiable": True, "function": 0.8, "assessed_range": {"min": 1.0, "max": 1e4}}
        ),
        ev,
    )
    assert r.state == "indeterminate"
    m = re.match(
        r"about ([\d,]+) attempts per task on run r1 \(it drew 4\), so that best-of-k is "
        r"evaluated at about \$([\d.]+) per task, where the modelled estimate \(([\d.]+)\) "
        r"exceeds T = 0\.800",
        r.would_decide,
    )
    assert m, r.would_decide
    assert int(m.group(1).replace(",", "")) > 4 and float(m.group(3)) > 0.8
