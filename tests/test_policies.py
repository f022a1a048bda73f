"""Every shipped policy in policies/ loads, lints clean, and says what it assumed.

Framework encodings must cite their source (with version and date) and mark every budget as an
rspcheck assumption. The reference policy must exercise every feature of the format.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from jsonschema import Draft202012Validator

from checker.authoring.lint import lint_files
from checker.policy import load_policy
from checker.policy.model import Decision, Policy

POLICIES = Path(__file__).resolve().parents[1] / "policies"
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/policy.schema.json"
REFERENCE = POLICIES / "rspcheck-reference.yaml"
FRAMEWORKS = {
    "anthropic-rsp-v2.2.yaml": ("Anthropic", "2.2"),
    "anthropic-rsp-v3.yaml": ("Anthropic", "3.4"),
    "openai-preparedness-v2.yaml": ("OpenAI", "2"),
    "gdm-fsf-v3.yaml": ("Google DeepMind", "3.1"),
}
ALL_FILES = sorted(POLICIES.glob("*.yaml"))


def _load(path: Path) -> Policy:
    return load_policy(path).policy


def test_expected_files_are_shipped() -> None:
    names = {p.name for p in ALL_FILES}
    assert {REFERENCE.name, *FRAMEWORKS} <= names


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_policy_loads_and_lints_clean(path: Path) -> None:
    loaded = load_policy(path)
    assert loaded.findings == ()
    report = lint_files([path])
    assert report.findings == [], [p.message for p in report.findings]
    assert report.exit_code == 0
    assert report.kinds[str(path)] == "policy"


def test_all_policies_lint_clean_together() -> None:
    report = lint_files(ALL_FILES)
    assert report.findings == [] and report.exit_code == 0


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_starts_with_schema_modeline(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_framework_encoding_cites_source(name: str) -> None:
    policy = _load(POLICIES / name)
    publisher, version = FRAMEWORKS[name]
    src = policy.metadata.source
    assert src is not None
    assert src.publisher == publisher and src.version == version
    assert src.title and src.date and src.section and src.url
    for t in policy.thresholds:
        assert t.source is not None, t.id
        assert t.source.version == version and t.source.date == src.date, t.id
        assert t.source.section, t.id


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_framework_encoding_marks_assumptions(name: str) -> None:
    policy = _load(POLICIES / name)
    assert policy.actors
    for a in policy.actors:
        assert a.assumption is True, a.id
    for t in policy.thresholds:
        assert t.assumptions, t.id
        assert any("rspcheck" in s for s in t.assumptions), t.id
    header = (POLICIES / name).read_text(encoding="utf-8").split("kind:", 1)[0]
    assert "WHAT IS ASSUMED" in header and "NO inference budget" in header


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_framework_safeguards_have_sign_off(name: str) -> None:
    policy = _load(POLICIES / name)
    assert policy.safeguards
    for s in policy.safeguards:
        assert s.sign_off, s.id


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_extrapolation_caps_follow_the_calibration(path: Path) -> None:
    """Every shipped policy uses the calibrated caps (benchmarks/results/calibration_e2e.md),
    per bound: a curve 1 OOM past the largest evaluated budget to show a crossing, 0.5 to
    rule one out; pass@k 0.5 OOM past the attempts drawn to show a crossing, 1 to rule one out.
    Stated in the file (not left to the default) with the study cited beside it."""
    d = _load(path).decision
    assert (d.max_extrapolation_oom.crossed, d.max_extrapolation_oom.not_crossed) == (1, 0.5)
    a = d.max_attempts_extrapolation_oom
    assert (a.crossed, a.not_crossed) == (0.5, 1)
    assert d.max_extrapolation_oom == Decision().max_extrapolation_oom  # the defaults, too
    assert a == Decision().max_attempts_extrapolation_oom
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["decision"]
    assert raw["max_extrapolation_oom"] == {"crossed": 1, "not_crossed": 0.5}
    assert raw["max_attempts_extrapolation_oom"] == {"crossed": 0.5, "not_crossed": 1}
    assert "benchmarks/results/calibration_e2e.md" in path.read_text(encoding="utf-8")


def _json_ready(value: object) -> object:
    """YAML dates as ISO strings, as an editor's schema validator sees them."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_valid_against_published_json_schema(path: Path) -> None:
    schema_path = POLICIES.parent / "schemas" / "policy.schema.json"
    validator = Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    data = _json_ready(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def _implies_consistent(policy: Policy) -> None:
    """Where A implies B, T_A >= T_B over their common assessed range (else 'implies' lies)."""
    for rel in policy.relations.implies:
        a, b = policy.threshold(rel.source), policy.threshold(rel.target)
        assert a is not None and b is not None and a.axis == b.axis
        lo = max(policy.assessed_range(a)[0], policy.assessed_range(b)[0])
        hi = min(policy.assessed_range(a)[1], policy.assessed_range(b)[1])
        grid = np.logspace(np.log10(lo), np.log10(hi), 64)
        assert np.all(np.asarray(a.function.at(grid)) >= np.asarray(b.function.at(grid))), rel


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_implied_thresholds_are_easier(path: Path) -> None:
    _implies_consistent(_load(path))


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The reference policy, loaded once."""
    return _load(REFERENCE)


class TestReferencePolicy:
    """The reference policy uses every feature the format has."""

    def test_actor_ladder(self, policy: Policy) -> None:
        usd = {a.id: a.budget.usd for a in policy.actors}
        assert usd == {
            "novice": 10,
            "skilled-individual": 1000,
            "organised-group": 1e5,
            "state-programme": 1e7,
        }
        assert any(a.budget.seconds and a.budget.usd for a in policy.actors)
        assert any(a.budget.tokens for a in policy.actors)

    def test_thresholds_and_evals(self, policy: Policy) -> None:
        evals = {t.id: t.evals for t in policy.thresholds}
        assert evals == {
            "cyber-high": ["cyber-ctf"],
            "cyber-critical": ["cyber-ctf"],
            "bio-high": ["bio-protocols"],
            "autonomy-high": ["autonomy-swe"],
        }
        ranges = {t.id: policy.assessed_range(t) for t in policy.thresholds}
        assert ranges["cyber-high"] == (10, 1e5)
        assert ranges["cyber-critical"] == (10, 1e7)
        assert ranges["bio-high"] == (10, 1e7)

    def test_threshold_rises_with_budget(self, policy: Policy) -> None:
        for t in policy.thresholds:
            assert t.function.points is not None, t.id
            lo, hi = policy.assessed_range(t)
            values = np.asarray(t.function.at(np.logspace(np.log10(lo), np.log10(hi), 50)))
            assert np.all(np.diff(values) >= 0) and values[-1] > values[0], t.id

    def test_alert_below_threshold(self, policy: Policy) -> None:
        alerted = [t for t in policy.thresholds if t.alert is not None]
        assert alerted
        for t in alerted:
            grid = np.logspace(*np.log10(policy.assessed_range(t)), 50)
            assert np.all(np.asarray(t.alert.at(grid)) < np.asarray(t.function.at(grid)))

    def test_verifiable_and_not(self, policy: Policy) -> None:
        verifiable = {t.id: t.verifiable for t in policy.thresholds}
        assert verifiable["cyber-high"] and verifiable["autonomy-high"]
        assert not verifiable["bio-high"]

    def test_horizon_and_elicitation(self, policy: Policy) -> None:
        autonomy = policy.threshold("autonomy-high")
        assert autonomy is not None and autonomy.horizon_minutes == 480
        assert any(
            t.elicitation and t.elicitation.min_attempts_per_task > 1 for t in policy.thresholds
        )

    def test_relations(self, policy: Policy) -> None:
        implies = {(r.source, r.target) for r in policy.relations.implies}
        assert ("cyber-critical", "cyber-high") in implies
        required = {r.threshold for r in policy.relations.requires}
        assert required == {t.id for t in policy.thresholds}
        assert all(s.sign_off for s in policy.safeguards)

    def test_decision(self, policy: Policy) -> None:
        d = policy.decision
        assert d.repeated_sampling == "oracle"
        assert d.max_extrapolation_oom.not_crossed == 0.5
        assert d.max_attempts_extrapolation_oom.not_crossed == 1
        assert d.price_fall_per_year == 10
        assert d.indeterminate_as == "crossed"
        assert policy.gate.crossed_without_safeguards == "block"

    def test_waiver(self, policy: Policy) -> None:
        assert len(policy.waivers) == 1
        w = policy.waivers[0]
        assert w.justification and w.approver
        assert w.target in {s.id for s in policy.safeguards}
        assert w.expires.year >= 2099


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_docs_list_every_policy_and_threshold(path: Path) -> None:
    docs = (POLICIES.parent / "docs" / "policies.md").read_text(encoding="utf-8")
    assert f"policies/{path.name}" in docs
    for t in _load(path).thresholds:
        assert f"`{t.id}`" in docs, t.id
