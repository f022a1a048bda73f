"""``rspcheck lint`` through the CLI: exit codes, text and JSON output, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

DATA = Path(__file__).parent / "data"
POLICY = DATA / "policy-small.yaml"
EVIDENCE = DATA / "evidence-small.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def lint(runner: CliRunner, *args: str):
    result = runner.invoke(app, ["lint", *args])
    # bad input never escapes as an exception (a traceback), only as an exit code
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def _bomb() -> bytes:
    text, prev = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n", "a"
    for name in "bcdef":
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    return text.encode()


BOMB = _bomb()


def broken_policy(tmp_path: Path) -> Path:
    text = POLICY.read_text().replace("target: cyber-high}", "target: cyber-hgh}")
    text = text.replace("expires: 2099-01-01", "expires: 2026-01-01")
    p = tmp_path / "broken.yaml"
    p.write_text(text)
    return p


def test_clean_files_exit_0(runner):
    r = lint(runner, str(POLICY), str(EVIDENCE), "--today", "2026-06-01")
    assert r.exit_code == 0
    # the small evidence's summary-only run is lower-grade evidence: lint says so, and passes
    assert r.stdout.splitlines() == [
        f"{EVIDENCE}:27:14: warning[summary-only-run] at runs[2].summary: run 'range-summary' "
        "gives only a summary: lower-grade evidence (binomial bounds, no task-level resampling)"
    ]
    assert r.stderr.strip() == "2 file(s) checked: 0 error(s), 1 warning(s)"
    assert lint(runner, str(POLICY), "--as-of", "2026-06-01").stdout.strip() == (
        "1 file(s) checked: clean"
    )


def test_errors_exit_1_with_located_messages(runner, tmp_path):
    p = broken_policy(tmp_path)
    r = lint(runner, str(p), "--today", "2026-06-01")
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        f"{p}:45:40: error[unknown-reference] at relations.implies[0].target: threshold "
        "'cyber-hgh' is not defined in this policy",
        "    hint: did you mean 'cyber-high'?",
        f"{p}:57:14: warning[waiver-expired] at waivers[0].expires: waiver 'w1' expired on "
        "2026-01-01; it counts as no waiver",
        "    hint: renew it with a new approval, or remove it",
    ]
    assert r.stderr.strip() == "1 file(s) checked: 1 error(s), 1 warning(s)"


def test_warnings_only_exit_0(runner, tmp_path):
    p = tmp_path / "w.yaml"
    p.write_text(POLICY.read_text().replace("expires: 2099-01-01", "expires: 2026-01-01"))
    r = lint(runner, str(p), "--today", "2026-06-01")
    assert r.exit_code == 0
    assert "warning[waiver-expired]" in r.stdout
    assert "0 error(s), 1 warning(s)" in r.stderr


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x00\x01\x02binary", "binary-file"),
        (b"a: [1, 2\n", "yaml-syntax"),
        (b"", "file-empty"),
        (b"- 1\n- 2\n", "top-level-not-mapping"),
        ("owner: caf\xe9\n".encode("latin-1"), "not-utf8"),
        (BOMB, "yaml-alias-limit"),
        (b"title: something else\n", "unknown-format"),
    ],
)
def test_unreadable_exit_2(runner, tmp_path, content, code):
    p = tmp_path / "bad.yaml"
    p.write_bytes(content)
    r = lint(runner, str(p))
    assert r.exit_code == 2
    assert f"error[{code}]" in r.stdout
    assert f"unreadable: {p}" in r.stderr


def test_missing_file_exit_2(runner, tmp_path):
    r = lint(runner, str(tmp_path / "nope.yaml"))
    assert r.exit_code == 2
    assert r.stdout.startswith(f"{tmp_path / 'nope.yaml'}: error[file-not-found]")


def test_unreadable_beats_errors(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\x00")
    r = lint(runner, str(broken_policy(tmp_path)), str(bad))
    assert r.exit_code == 2


def test_json_format(runner, tmp_path):
    p = broken_policy(tmp_path)
    r = lint(runner, str(p), "--format", "json", "--today", "2026-06-01")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert set(out) == {"files", "errors", "warnings", "unreadable", "findings"}
    assert out["files"] == {str(p): "policy"}
    assert (out["errors"], out["warnings"], out["unreadable"]) == (1, 1, [])
    assert out["findings"][0] == {
        "code": "unknown-reference",
        "severity": "error",
        "file": str(p),
        "line": 45,
        "column": 40,
        "loc": ["relations", "implies", 0, "target"],
        "msg": "threshold 'cyber-hgh' is not defined in this policy",
        "hint": "did you mean 'cyber-high'?",
    }
    assert out["findings"][1]["code"] == "waiver-expired"
    assert out["findings"][1]["severity"] == "warning"


def test_json_format_unreadable(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\x00")
    r = lint(runner, str(bad), "-f", "json")
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert out["files"] == {str(bad): "unreadable"}
    assert out["unreadable"] == [str(bad)]
    assert [f["code"] for f in out["findings"]] == ["binary-file"]


def test_schema_error_in_evidence(runner, tmp_path):
    shutil.copy(DATA / "attempts-small.jsonl", tmp_path)
    m = tmp_path / "evidence.yaml"
    m.write_text(EVIDENCE.read_text().replace("epochs: 2}", "epochs: 0}", 1))
    r = lint(runner, str(m))
    assert r.exit_code == 1
    assert f"{m}:16:42: error[invalid-value] at runs[0].limits.epochs" in r.stdout


def test_bad_attempts_reported_by_lint(runner, tmp_path):
    rows = (DATA / "attempts-small.jsonl").read_text().splitlines()
    rows[2] = rows[2].replace('"score": 0.0', '"score": 1.5')
    (tmp_path / "attempts-small.jsonl").write_text("\n".join(rows) + "\n")
    shutil.copy(EVIDENCE, tmp_path)
    r = lint(runner, str(tmp_path / "evidence-small.yaml"))
    assert r.exit_code == 1
    assert f"{tmp_path / 'attempts-small.jsonl'}:3: error[score-out-of-range] at row[2]" in r.stdout


def test_cross_check_policy_and_evidence(runner, tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text(POLICY.read_text().replace("evals: [cyber-range]", "evals: [cyber-rnge]"))
    r = lint(runner, str(p), str(EVIDENCE), "--today", "2026-06-01")
    assert r.exit_code == 0  # a warning: the threshold would be indeterminate
    assert "warning[unknown-reference] at thresholds[1].evals[0]" in r.stdout
    assert "'cyber-rnge', which no evidence run has" in r.stdout


def test_bad_options_are_usage_errors(runner):
    assert lint(runner, str(POLICY), "--format", "xml").exit_code == 2
    assert lint(runner, str(POLICY), "--today", "June 1st").exit_code == 2
    assert lint(runner).exit_code == 2  # no files


def test_help_mentions_exit_codes(runner):
    r = runner.invoke(app, ["lint", "--help"])
    assert r.exit_code == 0
    assert "Exit codes" in r.stdout
