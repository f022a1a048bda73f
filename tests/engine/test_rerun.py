"""``verify --rerun``'s engine side: a recorded determination re-computes to the same JSON."""

from __future__ import annotations

import json
from pathlib import Path

from checker.engine.evaluate import evaluate
from checker.evidence.load import load_evidence
from checker.policy.load import load_policy
from checker.sign.rerun import rerun, rerun_differences
from tests.engine.conftest import AS_OF

DATA = Path(__file__).parents[1] / "data"
POLICY, EVIDENCE = DATA / "policy-small.yaml", DATA / "evidence-small.yaml"


def recorded() -> dict:
    det = evaluate(
        load_policy(POLICY), load_evidence(EVIDENCE), seed=11, as_of=AS_OF, replicates=120
    )
    return json.loads(det.to_json())


def test_rerun_reproduces_the_recorded_json_byte_for_byte():
    det = recorded()
    assert rerun(det, POLICY, [EVIDENCE]) == json.dumps(det, indent=2, sort_keys=True) + "\n"
    assert rerun_differences(det, POLICY, [EVIDENCE]) == []


def test_a_changed_number_is_reported_where_it_is():
    det = recorded()
    det["thresholds"][0]["crossing_budget"]["estimate"] = 123.0
    problems = rerun_differences(det, POLICY, [EVIDENCE])
    assert [p.code for p in problems] == ["rerun-mismatch"]
    assert "thresholds.0.crossing_budget.estimate" in problems[0].msg


def test_another_seed_is_a_different_determination():
    det = recorded()
    det["seed"] = 12
    assert rerun_differences(det, POLICY, [EVIDENCE]) != []


def test_an_incomplete_determination_cannot_be_rerun():
    det = recorded()
    del det["seed"]
    problems = rerun_differences(det, POLICY, [EVIDENCE])
    assert [(p.code, p.loc) for p in problems] == [("rerun-mismatch", ("seed",))]
