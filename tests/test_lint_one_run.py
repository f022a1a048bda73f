"""Lint reports everything in one run: a schema error hides none of the semantic findings beside
it, an impossible date is a located value, cross-checks are located and suggest the near miss."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.authoring.lint import lint_files
from checker.cli import app
from checker.errors import RspcheckError
from checker.policy.load import load_policy

DATA = Path(__file__).parent / "data"
POLICY = (DATA / "policy-small.yaml").read_text()
EVIDENCE = DATA / "evidence-small.yaml"
AS_OF = __import__("datetime").date(2026, 6, 1)

CYBER_HIGH_RANGE = (
    "    axis: usd\n    assessed_range: {min: novice, max: state}\n"
    "    function:\n      points: [[10, 0.3], [1.0e+7, 0.8]]"
)


def write(tmp_path: Path, *edits: tuple[str, str], name: str = "policy.yaml") -> Path:
    text = POLICY
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    p = tmp_path / name
    p.write_text(text)
    return p


def found(path: Path, *more: Path) -> list[tuple[str, str, int | None, int | None, str]]:
    report = lint_files([path, *more], today=AS_OF)
    return [(p.code, p.severity, p.line, p.column, p.path) for p in report.findings]


def test_unknown_axis_hides_neither_the_unknown_actor_nor_the_impossible_function(tmp_path):
    p = write(
        tmp_path,
        (
            CYBER_HIGH_RANGE,
            "    axis: dollars\n    assessed_range: {min: novice, max: stat}\n    function: 1.2",
        ),
    )
    assert found(p) == [
        ("invalid-value", "error", 26, 11, "thresholds[0].axis"),
        ("unknown-reference", "error", 27, 40, "thresholds[0].assessed_range.max"),
        ("score-out-of-range", "warning", 28, 15, "thresholds[0].function.constant"),
        ("threshold-never-crossable", "error", 28, 15, "thresholds[0].function"),
    ]
    report = lint_files([p], today=AS_OF)
    assert report.findings[1].hint == "did you mean 'state'?"


def test_bad_confidence_hides_no_reversed_range(tmp_path):
    p = write(
        tmp_path,
        ("confidence: 0.95", "confidence: 1.5"),
        ("{min: novice, max: state}", "{min: state, max: novice}"),
    )
    assert found(p) == [
        ("empty-range", "error", 27, 21, "thresholds[0].assessed_range"),
        ("score-out-of-range", "error", 49, 15, "decision.confidence"),
    ]


def test_a_broken_threshold_is_set_aside_without_made_up_findings(tmp_path):
    # cyber-high lacks its title: it cannot be repaired, so it is set aside; the relation
    # naming it, the actor and safeguard only it used, stay quiet; the other threshold is
    # still checked
    p = write(
        tmp_path,
        ("    title: Autonomously exploits known web vulnerabilities\n", ""),
        ("function: 0.6", "function: -0.1"),
    )
    assert found(p) == [
        ("missing-key", "error", 20, 5, "thresholds[0].title"),
        ("score-out-of-range", "warning", 37, 15, "thresholds[1].function.constant"),
        ("threshold-always-crossed", "error", 37, 15, "thresholds[1].function"),
    ]


def test_a_broken_actor_makes_up_no_range_finding(tmp_path):
    p = write(tmp_path, ("budget: {usd: 10}", "budget: {usd: 0}"))
    assert [c for c, *_ in found(p)] == ["nonpositive-budget"]


def test_check_also_reports_the_semantic_errors_beside_a_schema_error(tmp_path):
    p = write(
        tmp_path,
        ("confidence: 0.95", "confidence: 1.5"),
        ("target: cyber-high}", "target: cyber-hgh}"),
    )
    with pytest.raises(RspcheckError) as info:
        load_policy(p, today=AS_OF)
    assert info.value.codes == ["score-out-of-range", "unknown-reference"]


def test_impossible_date_is_a_located_value_and_the_rest_is_checked(tmp_path):
    p = write(
        tmp_path,
        ("effective: 2026-01-01", "effective: 2026-02-30"),
        ("target: cyber-high}", "target: cyber-hgh}"),
    )
    report = lint_files([p], today=AS_OF)
    assert report.unreadable == []
    assert [(f.code, f.line, f.column, f.path) for f in report.findings] == [
        ("invalid-value", 9, 14, "metadata.effective"),
        ("unknown-reference", 45, 40, "relations.implies[0].target"),
    ]
    first = report.findings[0]
    assert first.msg == (
        "effective is 2026-02-30, which is not a calendar date (day value is outside expected "
        "range)"
    )
    assert first.hint == "2026-02 has 28 days; write a real date as YYYY-MM-DD"
    assert report.exit_code == 1


def test_summary_only_run_warning_fires(tmp_path):
    report = lint_files([EVIDENCE], today=AS_OF)
    assert [(p.code, p.severity, p.line, p.path) for p in report.findings] == [
        ("summary-only-run", "warning", 27, "runs[2].summary")
    ]
    assert report.exit_code == 0


def test_eval_with_no_match_in_the_evidence_suggests_the_near_miss(tmp_path):
    p = write(tmp_path, ("evals: [cyber-ctf]", "evals: [cyber-cft]"))
    report = lint_files([p, EVIDENCE], today=AS_OF)
    [cross] = [f for f in report.findings if f.code == "unknown-reference"]
    # located in the policy, line and column, and the near miss named
    assert (cross.file, cross.line, cross.column, cross.path) == (
        str(p),
        24,
        13,
        "thresholds[0].evals[0]",
    )
    assert cross.hint == "did you mean 'cyber-ctf'? (without it the threshold is indeterminate)"


def test_attestation_cross_check_is_located_in_the_manifest(tmp_path):
    ev = tmp_path / "evidence.yaml"
    ev.write_text(EVIDENCE.read_text().replace("safeguard: security-l3", "safeguard: security-l4"))
    (tmp_path / "attempts-small.jsonl").write_bytes((DATA / "attempts-small.jsonl").read_bytes())
    p = write(tmp_path)
    report = lint_files([p, ev], today=AS_OF)
    [cross] = [f for f in report.findings if f.code == "unknown-reference"]
    assert (cross.file, cross.line, cross.column) == (str(ev), 35, 16)
    assert cross.hint == "did you mean 'security-l3'?"


def test_function_above_one_everywhere_is_an_error_partly_a_strict_warning(tmp_path):
    whole = write(tmp_path, ("function: 0.6", "function: 1.2"), name="whole.yaml")
    assert lint_files([whole], today=AS_OF).exit_code == 1
    part = write(tmp_path, ("[1.0e+7, 0.8]]", "[1.0e+7, 1.2]]"), name="part.yaml")
    assert lint_files([part], today=AS_OF).exit_code == 0
    assert lint_files([part], today=AS_OF, strict=True).exit_code == 1
    runner = CliRunner()
    r = runner.invoke(app, ["lint", str(part), "--as-of", "2026-06-01", "--strict"])
    assert r.exit_code == 1
    assert "warning[score-out-of-range]" in r.stdout


def test_actor_with_no_budget_on_the_axis_gets_a_hint(tmp_path):
    p = write(tmp_path, ("budget: {usd: 10}", "budget: {tokens: 1.0e+5}"))
    report = lint_files([p], today=AS_OF)
    # the other threshold's range now starts at the cheapest usd actor, the state: empty
    assert [f.code for f in report.findings] == ["invalid-value", "empty-range"]
    f = report.findings[0]
    assert (f.code, f.line, f.column, f.path) == (
        "invalid-value",
        27,
        27,
        "thresholds[0].assessed_range.min",
    )
    assert f.hint == (
        "give 'novice' a usd budget (budget: {usd: ...}), or set the threshold's axis to one "
        "it has (tokens)"
    )


def test_as_of_is_lints_option_too_and_today_its_alias(tmp_path):
    p = write(tmp_path, ("expires: 2099-01-01", "expires: 2026-03-01"))
    runner = CliRunner()
    for option in ("--as-of", "--today"):
        before = runner.invoke(app, ["lint", str(p), option, "2026-02-01"])
        after = runner.invoke(app, ["lint", str(p), option, "2026-06-01"])
        assert (before.exit_code, after.exit_code) == (0, 0)
        assert "waiver-expired" not in before.stdout
        assert "warning[waiver-expired]" in after.stdout
