"""CI-native output: GitHub annotations, JUnit XML, SARIF 2.1.0 (validated against the OASIS
schema shipped in tests/data/schemas) and the Markdown step summary, for a determination and
for lint findings."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.determination import Determination
from checker.errors import Problem
from checker.report.ci import (
    CI_FORMATS,
    determination_ci,
    findings_ci,
    gate_failed,
    threshold_verdicts,
)

DATA = Path(__file__).parents[1] / "data"
GOLDEN = DATA / "golden" / "demo-determination-200.json"
SARIF = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ANNOTATION = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::[^\n\r]*$")

FINDINGS = [
    Problem(
        "invalid-value",
        "T is above 1, 50%",
        file="p.yaml",
        line=12,
        column=5,
        loc=("thresholds", 0, "function"),
        hint="scores are fractions",
    ),
    Problem("invalid-value", "a warning, here", file="p.yaml", line=3, severity="warning"),
    Problem("file-not-found", "no such file", file="other.yaml"),
]


def _det() -> Determination:
    return Determination.model_validate_json(GOLDEN.read_text(encoding="utf-8"))


def _junit_strict(text: str) -> ET.Element:
    """Parse JUnit XML and check what consumers (Jenkins, GitLab, GitHub test reporters) rely
    on: the element tree, the required attributes, counts that agree with the cases."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    total = fails = 0
    for suite in root:
        assert suite.tag == "testsuite" and suite.get("name")
        cases = list(suite)
        assert all(c.tag == "testcase" and c.get("name") and c.get("classname") for c in cases)
        failed = [c for c in cases if c.find("failure") is not None]
        for c in failed:
            f = c.find("failure")
            assert f is not None and f.get("message") and f.get("type")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == len(failed)
        assert suite.get("errors") == "0" and suite.get("skipped") == "0"
        for c in cases:
            assert {ch.tag for ch in c} <= {"failure", "system-out"}
        total, fails = total + len(cases), fails + len(failed)
    assert int(root.get("tests", "-1")) == total and int(root.get("failures", "-1")) == fails
    return root


def test_verdicts_follow_the_gate_and_fail_on_indeterminate() -> None:
    det = _det()
    verdicts = threshold_verdicts(det)
    unmet = {u.threshold for u in det.gate.unmet}
    assert {t for t, (v, _) in verdicts.items() if v == "fail"} == unmet
    strict = threshold_verdicts(det, fail_on_indeterminate=True)
    indeterminate = {t.id for t in det.thresholds if t.state == "indeterminate"}
    assert indeterminate
    assert {t for t, (v, _) in strict.items() if v == "fail"} == unmet | indeterminate


def test_fail_on_indeterminate_fails_an_allowed_gate() -> None:
    det = _det()
    allowed = det.model_copy(update={"gate": det.gate.model_copy(update={"result": "allow"})})
    assert not gate_failed(allowed)
    assert gate_failed(allowed, fail_on_indeterminate=True)


@pytest.mark.parametrize("fail_on_indeterminate", [False, True])
def test_determination_sarif_validates(fail_on_indeterminate: bool) -> None:
    text = determination_ci(
        _det(), "sarif", policy_file="policies/x.yaml", fail_on_indeterminate=fail_on_indeterminate
    )
    log = json.loads(text)
    jsonschema.Draft7Validator(SARIF).validate(log)
    results = log["runs"][0]["results"]
    assert [r["partialFingerprints"]["threshold"] for r in results] == [
        t.id for t in _det().thresholds
    ]


def test_determination_junit_one_case_per_threshold_and_the_gate() -> None:
    det = _det()
    root = _junit_strict(determination_ci(det, "junit"))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == [t.id for t in det.thresholds] + ["gate"]
    gate = next(c for c in root.iter("testcase") if c.get("name") == "gate")
    assert (gate.find("failure") is not None) == (det.gate.result == "block")


def test_determination_github_annotations_are_one_line_each() -> None:
    det = _det()
    lines = determination_ci(det, "github", policy_file="p,1:2.yaml").splitlines()
    assert len(lines) == len(det.thresholds) + 1
    for line in lines:
        assert ANNOTATION.match(line), line
    assert "file=p%2C1%3A2.yaml" in lines[0]


def test_determination_markdown_has_every_threshold_and_the_verdict() -> None:
    det = _det()
    md = determination_ci(det, "markdown")
    assert md.startswith(f"### rspcheck: {'BLOCK' if det.gate.result == 'block' else ''}")
    for t in det.thresholds:
        assert f"`{t.id}`" in md
    assert "not_crossed" not in md


def test_findings_sarif_has_file_line_column() -> None:
    log = json.loads(findings_ci(FINDINGS, "sarif", files=["p.yaml"]))
    jsonschema.Draft7Validator(SARIF).validate(log)
    first = log["runs"][0]["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12,
        "startColumn": 5,
    }
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error", "warning", "error"]


def test_findings_junit_github_markdown() -> None:
    root = _junit_strict(findings_ci(FINDINGS, "junit", files=["p.yaml", "q.yaml"]))
    by_name = {c.get("name"): c for c in root.iter("testcase")}
    assert by_name["p.yaml"].find("failure") is not None
    assert by_name["q.yaml"].find("failure") is None
    assert by_name["other.yaml"].find("failure") is not None
    lines = findings_ci(FINDINGS, "github", files=["p.yaml"]).splitlines()
    assert lines[0].startswith("::error file=p.yaml,line=12,col=5,")
    assert lines[1].startswith("::warning file=p.yaml,line=3,")
    assert all(ANNOTATION.match(line) for line in lines)
    assert "1 file(s) checked" in findings_ci([], "markdown", files=["p.yaml"])


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError):
        determination_ci(_det(), "xml")  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_lint_command_writes_each_format(fmt: str, tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("kind: rspcheck-policy\nid: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["lint", "-f", fmt, str(bad)])
    assert result.exit_code == 1, result.output
    if fmt == "sarif":
        jsonschema.Draft7Validator(SARIF).validate(json.loads(result.stdout))
    elif fmt == "junit":
        _junit_strict(result.stdout)
    elif fmt == "github":
        assert all(ANNOTATION.match(line) for line in result.stdout.splitlines())
    assert str(bad) in result.stdout
