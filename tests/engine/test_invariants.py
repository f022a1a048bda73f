"""DESIGN.md section 10 invariants as property tests (hypothesis).

Evidence is drawn small (tens of tasks, a few budgets, few replicates) so each example runs in
tens of milliseconds; the invariants concern the decision logic, not statistical precision.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.budget import Axis, PriceTable, convert, usd_per_token
from checker.engine.evaluate import evaluate
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from tests.engine.conftest import AS_OF, make_policy

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def evidence_data(draw):
    """(budgets, outcomes[run, task, attempt]) with every run on the same tasks."""
    n_runs = draw(st.integers(1, 3))
    tasks = draw(st.integers(8, 30))
    attempts = draw(st.integers(1, 3))
    budgets = sorted(
        draw(st.lists(st.floats(0.01, 1000.0), min_size=n_runs, max_size=n_runs, unique=True))
    )
    p = draw(st.lists(st.floats(0.0, 1.0), min_size=n_runs, max_size=n_runs))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    outcomes = np.stack([rng.random((tasks, attempts)) < pr for pr in sorted(p)]).astype(float)
    return np.array(budgets), outcomes


def build(budgets, outcomes, order=None) -> Evidence:
    runs, run, task, score, usd = [], [], [], [], []
    n_runs, tasks, attempts = outcomes.shape
    for j in range(n_runs):
        runs.append(EvalRun(id=f"r{j}", model="m", eval="e"))
        for i in range(tasks):
            for a in range(attempts):
                run.append(f"r{j}")
                task.append(f"t{i}")
                score.append(outcomes[j, i, a])
                usd.append(budgets[j])
    idx = np.arange(len(run)) if order is None else order
    table = AttemptTable.from_columns(
        run=np.array(run, dtype=object)[idx],
        task=np.array(task, dtype=object)[idx],
        score=np.array(score)[idx],
        spend={"usd": np.array(usd)[idx]},
    )
    return Evidence(
        manifest=EvidenceManifest(models=[ModelInfo(id="m")], runs=runs), attempts=table
    )


def state(evidence, **threshold_and_decision) -> str:
    decision = {
        k: threshold_and_decision.pop(k)
        for k in list(threshold_and_decision)
        if k in ("max_extrapolation_oom", "repeated_sampling")
    }
    decision.setdefault("bootstrap_replicates", 100)
    policy = make_policy(threshold_and_decision, **decision)
    return evaluate(policy, evidence, seed=3, as_of=AS_OF).thresholds[0].state


RANGE = {"min": 0.05, "max": 500.0}
T = st.floats(0.05, 0.95)


@SETTINGS
@given(evidence_data(), T, st.booleans(), st.data())
def test_more_capability_never_moves_towards_not_crossed(data, tau, verifiable, extra):
    budgets, outcomes = data
    flips = extra.draw(st.lists(st.integers(0, outcomes.size - 1), max_size=10))
    better = outcomes.copy().ravel()
    better[flips] = 1.0
    better = better.reshape(outcomes.shape)
    kw = dict(function=tau, verifiable=verifiable, assessed_range=RANGE, max_extrapolation_oom=0)
    before = state(build(budgets, outcomes), **kw)
    after = state(build(budgets, better), **kw)
    cheaper = state(build(budgets / 3, outcomes), **kw)
    for new in (after, cheaper):
        if before in ("crossed", "indeterminate"):
            assert new != "not_crossed", (before, new)


@SETTINGS
@given(evidence_data(), T, st.floats(0.01, 0.5))
def test_a_higher_threshold_never_turns_not_crossed_into_crossed(data, tau, delta):
    budgets, outcomes = data
    ev = build(budgets, outcomes)
    kw = dict(assessed_range=RANGE, max_extrapolation_oom=0)
    if state(ev, function=tau, **kw) == "not_crossed":
        assert state(ev, function=min(tau + delta, 1.0), **kw) != "crossed"


@SETTINGS
@given(evidence_data(), T, st.floats(1.0, 100.0), st.sampled_from([0.0, 1.0]))
def test_widening_the_range_never_yields_not_crossed(data, tau, factor, cap):
    budgets, outcomes = data
    ev = build(budgets, outcomes)
    narrow = state(ev, function=tau, assessed_range=RANGE, max_extrapolation_oom=cap)
    wide = state(
        ev,
        function=tau,
        assessed_range={"min": 0.05, "max": 500.0 * factor},
        max_extrapolation_oom=cap,
    )
    if narrow in ("crossed", "indeterminate"):
        assert wide != "not_crossed"


@SETTINGS
@given(evidence_data(), T, st.sampled_from([0.0, 1.0]))
def test_removing_evidence_never_turns_indeterminate_into_not_crossed(data, tau, cap):
    budgets, outcomes = data
    if len(budgets) < 2:
        return
    kw = dict(function=tau, assessed_range=RANGE, max_extrapolation_oom=cap)
    full = state(build(budgets, outcomes), **kw)
    for drop in range(len(budgets)):
        keep = [j for j in range(len(budgets)) if j != drop]
        less = state(build(budgets[keep], outcomes[keep]), **kw)
        if full == "indeterminate":
            assert less != "not_crossed"


@SETTINGS
@given(evidence_data(), T, st.floats(0.0, 2.0), st.floats(0.0, 2.0))
def test_a_larger_cap_never_turns_crossed_into_not_crossed(data, tau, cap_a, cap_b):
    budgets, outcomes = data
    ev = build(budgets, outcomes)
    small, large = sorted((cap_a, cap_b))
    if state(ev, function=tau, assessed_range=RANGE, max_extrapolation_oom=small) == "crossed":
        assert (
            state(ev, function=tau, assessed_range=RANGE, max_extrapolation_oom=large)
            != "not_crossed"
        )


@SETTINGS
@given(evidence_data(), T, st.randoms(use_true_random=False))
def test_order_of_rows_and_runs_does_not_change_the_determination(data, tau, rnd):
    budgets, outcomes = data
    ev = build(budgets, outcomes)
    order = list(range(len(ev.attempts)))
    rnd.shuffle(order)
    shuffled = build(budgets, outcomes, order=np.array(order))
    runs = list(shuffled.manifest.runs)
    rnd.shuffle(runs)
    shuffled = Evidence(
        manifest=shuffled.manifest.model_copy(update={"runs": runs}), attempts=shuffled.attempts
    )
    policy = make_policy(
        {"function": tau, "assessed_range": RANGE, "verifiable": True}, bootstrap_replicates=100
    )
    a = evaluate(policy, ev, seed=5, as_of=AS_OF).to_json()
    b = evaluate(policy, shuffled, seed=5, as_of=AS_OF).to_json()
    if a != b:
        import difflib

        diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1)
        raise AssertionError("\n".join(list(diff)[:40]))


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1e-3, 1e12),
    st.one_of(st.just(0.0), st.floats(1e-6, 100.0)),
    st.floats(0.01, 100.0),
    st.floats(0.0, 1.0),
)
def test_converting_between_axes_and_back_is_the_identity(value, price_in, price_out, share):
    import datetime as dt

    price = PriceTable(effective=dt.date(2026, 1, 1), input=price_in, output=price_out)
    rate = usd_per_token(price, share)
    if rate <= 0:
        return
    there = convert(value, Axis.tokens, Axis.usd, usd_per_tok=rate)
    back = convert(there, Axis.usd, Axis.tokens, usd_per_tok=rate)
    assert math.isclose(back, value, rel_tol=1e-12)
