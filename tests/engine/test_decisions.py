"""Hand-computed cases for every state and basis of a threshold determination."""

from __future__ import annotations

import numpy as np
import pytest

from checker.engine.evaluate import evaluate
from checker.evidence.model import RunSummary
from tests.engine.conftest import AS_OF, make_evidence, make_policy


def decide(policy, evidence, seed=1):
    return evaluate(policy, evidence, seed=seed, as_of=AS_OF).thresholds[0]


def test_crossed_directly_at_an_evaluated_budget():
    # 200 tasks at $1, 80% success: the 5% lower bound (~0.75) is far above T = 0.5.
    p = np.r_[np.ones(160), np.zeros(40)]
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": p, "tasks": 200, "attempts": 1}])
    r = decide(make_policy({"assessed_range": {"min": 0.5, "max": 10.0}}), ev)
    assert r.state == "crossed"
    assert r.basis == "direct"
    assert 0.74 < r.points[0].lower < r.points[0].estimate < r.points[0].upper < 0.86
    assert r.crossing_budget.estimate is not None and r.crossing_budget.estimate <= 1.0 + 1e-9


def test_crossed_only_through_repeated_sampling_on_a_verifiable_threshold():
    # Every task succeeds 2 times in 10: pass@1 = 0.2, pass@10 = 1; T = 0.6 at up to $100.
    runs = [{"id": "r1", "budget": 1.0, "p": 0.2, "tasks": 100, "attempts": 10, "exact": True}]
    ev = make_evidence(runs)
    verifiable = decide(make_policy({"verifiable": True, "function": 0.6}), ev)
    assert verifiable.state == "crossed"
    assert verifiable.basis == "repeated_sampling"
    ks = {p.k: p for p in verifiable.points}
    # Unbiased pass@k with n=10, c=2: pass@2 = 1 - C(8,2)/C(10,2) = 1 - 28/45.
    assert np.isclose(ks[2].estimate, 1 - 28 / 45, atol=1e-6)
    # Sequential cost with early stopping: E = sum_{j<2} C(8,j)/C(10,j) = 1 + 0.8 = 1.8.
    assert np.isclose(ks[2].budget, 1.8, rtol=1e-6)
    plain = decide(make_policy({"verifiable": False, "function": 0.6}), ev)
    assert plain.state != "crossed"
    none = decide(make_policy({"verifiable": True, "function": 0.6}, repeated_sampling="none"), ev)
    assert none.state != "crossed"


def test_indeterminate_when_evidence_stops_far_below_the_actor_budget():
    # Evidence at $0.01, $0.1, $1; range up to $1000 (3 OOM beyond) with a 1 OOM cap.
    runs = [
        {"id": f"r{i}", "budget": b, "p": p, "tasks": 200, "attempts": 1}
        for i, (b, p) in enumerate([(0.01, 0.05), (0.1, 0.1), (1.0, 0.15)])
    ]
    ev = make_evidence(runs)
    policy = make_policy(
        {"assessed_range": {"min": 0.01, "max": 1000.0}, "function": 0.9},
        max_extrapolation_oom=1.0,
    )
    r = decide(policy, ev)
    assert r.state == "indeterminate"
    assert "extrapolation-cap" in [x.code for x in r.reasons]
    # 5 OOM range: 2 OOM direct, at most 1 OOM extrapolated, the rest (>= 2 OOM) uncovered.
    assert abs(r.coverage.direct - 0.4) < 0.02
    assert r.coverage.extrapolated <= 0.2 + 0.02
    assert r.coverage.uncovered >= 0.4 - 0.02


def test_not_crossed_with_full_coverage_and_headroom():
    runs = [
        {"id": f"r{i}", "budget": b, "p": p, "tasks": 300, "attempts": 1}
        for i, (b, p) in enumerate([(0.1, 0.05), (1.0, 0.08), (10.0, 0.12)])
    ]
    ev = make_evidence(runs)
    r = decide(make_policy({"assessed_range": {"min": 0.1, "max": 10.0}, "function": 0.6}), ev)
    assert r.state == "not_crossed"
    assert r.coverage.uncovered == 0.0
    assert r.coverage.direct == 1.0
    assert r.headroom_oom is not None and r.headroom_oom > 0


def test_axis_unreachable_is_indeterminate_with_its_reason():
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.9, "tasks": 50, "attempts": 1}])
    r = decide(make_policy({"axis": "seconds", "assessed_range": {"min": 1, "max": 100}}), ev)
    assert r.state == "indeterminate"
    assert [x.code for x in r.reasons][:1] == ["axis-unreachable"]


def test_summary_only_run_decides_with_binomial_bounds_and_says_so():
    summary = RunSummary(score=0.9, n_tasks=100, mean_usd=5.0)
    ev = make_evidence([{"id": "s", "summary": summary}])
    r = decide(make_policy({}), ev)
    assert r.state == "crossed"
    assert r.points[0].grade == "summary"
    assert "lower-grade-evidence" in [x.code for x in r.reasons]


def test_no_evidence_for_the_eval_is_indeterminate_never_not_crossed():
    run = {"id": "r1", "eval": "other", "budget": 1.0, "p": 0.0, "tasks": 50, "attempts": 1}
    ev = make_evidence([run])
    r = decide(make_policy({}), ev)
    assert r.state == "indeterminate"
    assert r.reasons[0].code == "no-evidence"


def test_same_seed_same_json_and_row_order_does_not_matter():
    runs = [
        {"id": f"r{i}", "budget": b, "p": p, "tasks": 100, "attempts": 3}
        for i, (b, p) in enumerate([(0.1, 0.1), (1.0, 0.3), (10.0, 0.5)])
    ]
    ev = make_evidence(runs)
    policy = make_policy({"verifiable": True})
    a = evaluate(policy, ev, seed=7, as_of=AS_OF).to_json()
    assert a == evaluate(policy, ev, seed=7, as_of=AS_OF).to_json()
    perm = np.random.default_rng(3).permutation(len(ev.attempts))
    t = ev.attempts
    shuffled = type(t).from_columns(
        run=np.asarray(t.run_ids, dtype=object)[t.run][perm],
        task=np.asarray(t.task_ids, dtype=object)[t.task][perm],
        score=t.score[perm],
        attempt=t.attempt[perm],
        spend={k: v[perm] for k, v in t.spend.items()},
    )
    ev2 = type(ev)(manifest=ev.manifest, attempts=shuffled)
    assert evaluate(policy, ev2, seed=7, as_of=AS_OF).to_json() == a


def test_not_crossed_by_extrapolation_within_the_cap():
    # Evidence to $10, range to $100: the last OOM rests on the family envelope (cap 1 OOM).
    runs = [
        {"id": f"r{i}", "budget": b, "p": p, "tasks": 300, "attempts": 1}
        for i, (b, p) in enumerate([(0.1, 0.05), (1.0, 0.08), (10.0, 0.12)])
    ]
    ev = make_evidence(runs)
    policy = make_policy(
        {"assessed_range": {"min": 0.1, "max": 100.0}, "function": 0.6}, max_extrapolation_oom=1.0
    )
    r = decide(policy, ev)
    assert r.state == "not_crossed"
    assert r.basis == "extrapolated"
    assert r.coverage.uncovered == 0.0
    assert abs(r.coverage.direct - 2 / 3) < 0.02 and abs(r.coverage.extrapolated - 1 / 3) < 0.02
    assert max(r.curve.extrapolation_oom) == pytest.approx(1.0, abs=0.05)
    # A cap of 0.25 OOM leaves most of that OOM uncovered.
    short = decide(
        make_policy(
            {"assessed_range": {"min": 0.1, "max": 100.0}, "function": 0.6},
            max_extrapolation_oom=0.25,
        ),
        ev,
    )
    assert short.state == "indeterminate"
    assert "extrapolation-cap" in [x.code for x in short.reasons]


def test_crossed_only_by_modelled_sampling_beyond_the_attempts_drawn():
    # Every task solves 30% of attempts; 4 attempts drawn: pass@4 ~ 0.76 < T = 0.8, but pass@7
    # (0.25 OOM beyond 4) is 1 - 0.7**7 = 0.92, and the envelope of F4/F5/F2 bounds it below
    # by ~0.81 (F2, a power law in k, is the cautious one), from the dearest plausible cost of
    # 7 attempts on (~$3.5 per task).
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.3, "tasks": 300, "attempts": 4}])
    policy = make_policy({"verifiable": True, "function": 0.8}, max_attempts_extrapolation_oom=0.25)
    r = decide(policy, ev)
    assert r.state == "crossed"
    assert r.basis == "extrapolated"
    assert max(r.curve.extrapolation_oom) == pytest.approx(np.log10(7 / 4), abs=0.01)
    assert {f.family for f in r.families} >= {"F4", "F5", "F2"}
    # Without modelled attempts nothing evaluated crosses, and nothing bounds sampling above $1
    # per task once 4 attempts are spent: indeterminate, with that reason.
    none = decide(
        make_policy({"verifiable": True, "function": 0.8}, max_attempts_extrapolation_oom=0), ev
    )
    assert none.state == "indeterminate"
    assert "repeated-sampling-uncovered" in [x.code for x in none.reasons]


def test_several_evals_combine_as_the_policy_says():
    # A strong eval (0.8 at $1) and a weak one (0.1 at $1 and $10), T = 0.5 over $1-$10.
    strong = np.r_[np.ones(160), np.zeros(40)]
    runs = [
        {"id": "s1", "eval": "strong", "budget": 1.0, "p": strong, "tasks": 200, "attempts": 1},
        {"id": "s2", "eval": "strong", "budget": 10.0, "p": strong, "tasks": 200, "attempts": 1},
        {"id": "w1", "eval": "weak", "budget": 1.0, "p": 0.1, "tasks": 200, "attempts": 1},
        {"id": "w2", "eval": "weak", "budget": 10.0, "p": 0.1, "tasks": 200, "attempts": 1},
    ]
    ev = make_evidence(runs)
    base = {"evals": ["strong", "weak"], "assessed_range": {"min": 1.0, "max": 10.0}}
    assert decide(make_policy({**base, "combine": "any"}), ev).state == "crossed"
    assert decide(make_policy({**base, "combine": "all"}), ev).state == "not_crossed"
    mean = decide(make_policy({**base, "combine": "mean", "function": 0.3}), ev)
    assert mean.state == "crossed"  # (0.8 + 0.1) / 2 = 0.45 >= 0.3


def test_the_cheapest_evaluated_budget_is_evidence_however_it_rounds():
    # $0.10217912 is written out as 0.102179 (6 digits): the grid once used the rounded value,
    # which fell below the run's budget, so the cheapest evaluated point was "below_evidence"
    # and the evidence was said to start at the next grid point
    budgets = [0.10217912, 3.00000049]
    runs = [
        {"id": f"r{i}", "budget": b, "p": 0.3, "tasks": 50, "attempts": 1}
        for i, b in enumerate(budgets)
    ]
    r = decide(make_policy({"assessed_range": {"min": 0.05, "max": 10.0}}), make_evidence(runs))
    assert r.coverage.evidence_min == 0.102179
    assert r.coverage.evidence_max == 3.0
    first = r.curve.budgets.index(0.102179)
    assert r.curve.basis[first] == "direct"
    assert set(r.curve.basis[:first]) == {"below_evidence"}


def test_a_beta_binomial_the_success_counts_contradict_is_dropped():
    # Half the tasks are solved in 1 of 10 attempts, half in 9 of 10: no Beta (or zero-inflated
    # Beta) spread of success rates gives that histogram, so neither family may say what more
    # attempts reach: nothing is modelled beyond the 10 drawn, and the data decide alone.
    p = np.r_[np.full(100, 0.1), np.full(100, 0.9)]
    ev = make_evidence(
        [{"id": "r1", "budget": 1.0, "p": p, "tasks": 200, "attempts": 10, "exact": True}]
    )
    r = decide(make_policy({"verifiable": True, "function": 0.6}), ev)
    fams = {f.family: f for f in r.families if f.family in ("F4", "F5")}
    assert set(fams) == {"F4", "F5"}
    assert not fams["F4"].kept and not fams["F5"].kept
    assert "lack of fit p = 0.0033 < 0.01" in fams["F4"].note  # 1 / 300: beyond every draw
    assert max(r.curve.extrapolation_oom) == 0.0  # nothing modelled beyond 10 attempts
    # every task has a success within its 10 attempts: pass@10 = 1, crossed on the data alone
    assert r.state == "crossed" and r.basis == "repeated_sampling"


def test_a_beta_binomial_that_fits_is_kept_with_its_p_value():
    ev = make_evidence([{"id": "r1", "budget": 1.0, "p": 0.3, "tasks": 300, "attempts": 4}])
    r = decide(make_policy({"verifiable": True, "function": 0.85}), ev)
    kept = [f for f in r.families if f.family in ("F4", "F5")]
    assert kept and all(f.kept and "lack of fit p = " in f.note for f in kept)
