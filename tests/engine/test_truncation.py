"""Budget-truncated configurations against runs actually capped on the simulated provider.

tests/data/inspect-budget holds real Inspect logs of the simulated provider of
tests/gen_inspect_logs.py on one 40-question dataset: at medium reasoning effort uncapped, with
``max_tokens=1500`` (an answer longer than the cap is cut off, hence wrong: the attempts do not
adapt to the cap) and with ``reasoning_tokens=1500`` (the model reasons less and is as often
right: the attempts adapt). Every prompt is 11 tokens, so an output cap of 1500 is a per-attempt
cap of 1511 tokens on the tokens axis.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from checker.budget import Axis
from checker.engine.budget_curves import config_bounds
from checker.engine.configs import configurations, run_data
from checker.engine.truncation import truncated_configurations, truncated_runs, truncation_caps
from checker.evidence import load_many
from checker.evidence.labels import run_labels
from checker.policy.model import Pricing
from tests.engine.conftest import make_evidence, make_policy

LOGS = sorted((Path(__file__).parents[1] / "data" / "inspect-budget").glob("*.eval"))
ALPHA = 0.05
CAP = 1511.0  # 1500 output tokens + the 11-token prompt


@pytest.fixture(scope="module")
def budget_logs():
    ev = load_many(LOGS)
    by_label = {label: ev.run(rid) for rid, label in run_labels(ev.runs).items()}
    return ev, by_label


def _configs(ev, runs, cap):
    """The runs as evaluated, and the first (uncapped) run truncated at ``cap``, paired."""
    data = [run_data(ev, r, Axis.tokens, Pricing())[0] for r in runs]
    kw = dict(families={}, replicates=1000, seed=1, key="t/arith/tokens", alpha=ALPHA)
    cfgs = configurations(
        data, repeated_sampling=False, axis=Axis.tokens, parallel=False, cache=None, **kw
    )
    cut = truncated_runs(ev, data[0], Axis.tokens, Pricing(), caps=np.array([cap]))
    [(_, cut_data)] = cut
    trunc = configurations(
        [cut_data], repeated_sampling=False, axis=Axis.tokens, parallel=False, cache=None, **kw
    )[0]
    return {c.run.id: c for c in cfgs}, trunc


def test_truncated_run_agrees_with_the_run_capped_when_attempts_do_not_adapt(budget_logs):
    ev, runs = budget_logs
    uncapped, capped = runs["arith @ effort=medium"], runs["arith @ effort=medium, max_tokens=1.5k"]
    cfgs, trunc = _configs(ev, [uncapped, capped], CAP)
    real = cfgs[capped.id]
    # the same rule (an attempt over the cap fails) on independent draws: each estimate lies
    # within the other's interval, at nearly the same spend
    t_lo, t_hi = config_bounds(trunc, ALPHA)
    r_lo, r_hi = config_bounds(real, ALPHA)
    assert t_lo <= real.estimate <= t_hi
    assert r_lo <= trunc.estimate <= r_hi
    assert trunc.budget == pytest.approx(real.budget, rel=0.15)
    # and truncation cost something: the uncapped run scores more, at more spend
    assert trunc.estimate < cfgs[uncapped.id].estimate
    assert trunc.budget < cfgs[uncapped.id].budget


def test_truncated_run_is_a_lower_bound_when_attempts_adapt_to_the_budget(budget_logs):
    ev, runs = budget_logs
    uncapped = runs["arith @ effort=medium"]
    told = runs["arith @ effort=medium, reasoning_tokens=1.5k"]
    cfgs, trunc = _configs(ev, [uncapped, told], CAP)
    real = cfgs[told.id]
    # a model that reasons within its budget keeps its accuracy: the truncated run, which
    # counts every attempt over the cap as failed, is far below it, at about the same spend
    assert config_bounds(trunc, ALPHA)[1] < real.estimate
    assert trunc.budget == pytest.approx(real.budget, rel=0.25)


def _spread(ev, seed=0):
    """Per-attempt spend spread around each run's budget (lognormal), in place."""
    usd = ev.attempts.spend["usd"]
    usd *= np.random.default_rng(seed).lognormal(0.0, 0.6, usd.size)
    return ev


def test_truncation_by_hand():
    """s * [c <= b] at mean spend E[min(c, b)], task by task."""
    ev = _spread(make_evidence([{"id": "r", "budget": 1.0, "p": 0.5, "tasks": 30, "attempts": 4}]))
    rd = run_data(ev, ev.runs[0], Axis.usd, Pricing())[0]
    rows = ev.attempts.rows_of_run("r")
    c, s = ev.attempts.spend["usd"][rows], ev.attempts.score[rows]
    cap = float(np.median(c))
    [(_, cut)] = truncated_runs(ev, rd, Axis.usd, Pricing(), caps=np.array([cap]))
    assert cut.score_sum.sum() == pytest.approx((s * (c <= cap)).sum())
    assert cut.budget == pytest.approx(np.minimum(c, cap).mean())  # equal attempts per task
    assert cut.budget < rd.budget
    assert np.array_equal(cut.tasks, rd.tasks) and np.array_equal(cut.n, rd.n)


def test_caps_span_the_attempts_spend_and_stop_below_the_largest():
    spend = np.geomspace(1, 1000, 200)
    caps = truncation_caps(spend, 8)
    assert caps.size == 8 and caps[0] == pytest.approx(np.quantile(spend, 0.05))
    assert caps[-1] < spend.max()
    assert truncation_caps(np.full(10, 5.0)).size == 0  # all alike: nothing to truncate


def test_truncated_configurations_share_the_runs_bootstrap_weights():
    ev = _spread(make_evidence([{"id": "r", "budget": 1.0, "p": 0.5, "tasks": 40, "attempts": 2}]))
    rd = run_data(ev, ev.runs[0], Axis.usd, Pricing())[0]
    kw = dict(families={}, replicates=300, seed=3, key="m/e/usd", alpha=ALPHA)
    cache: dict = {}
    configurations([rd], repeated_sampling=False, axis=Axis.usd, parallel=False, cache=cache, **kw)
    tc = truncated_configurations(ev, [rd], axis=Axis.usd, pricing=Pricing(), cache=cache, **kw)
    assert tc and all(c.truncated_at is not None and c.k == 1 for c in tc)
    assert [k for k in cache if k[0] == "weights"] == [("weights", "m/e/usd", 300, tuple(rd.tasks))]
    # more budget never lowers the truncated score (same attempts, a higher cap)
    est = [c.estimate for c in sorted(tc, key=lambda c: c.truncated_at)]
    assert all(b >= a for a, b in itertools.pairwise(est))


def test_policy_credits_truncation_only_when_it_says_so():
    from checker.engine.evaluate import evaluate

    ev = _spread(make_evidence([{"id": "r", "budget": 10.0, "p": 0.6, "tasks": 40, "attempts": 2}]))
    off = evaluate(make_policy({}), ev, model="m")
    on = evaluate(make_policy({}, truncation=True), ev, model="m")
    assert not any(p.truncated_at for p in off.thresholds[0].points)
    cut = [p for p in on.thresholds[0].points if p.truncated_at]
    assert cut and all(p.budget < 10.0 * 1.5 for p in cut)
    assert on.settings.truncation and not off.settings.truncation
    assert '"truncation"' not in off.to_json() and '"truncated_at"' not in off.to_json()
    assert '"truncation": true' in on.to_json()
    # truncation reaches below the evaluated budget: the range covered grows downwards
    assert min(p.budget for p in on.thresholds[0].points) < min(
        p.budget for p in off.thresholds[0].points
    )
