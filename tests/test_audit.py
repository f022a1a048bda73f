"""``rspcheck audit``: a claims file with every finding kind, asserted exactly; the example."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.audit.audit import audit, disclosure
from checker.audit.findings import AUDIT_CODES, Audit
from checker.audit.load import load_claims
from checker.cli import app
from checker.evidence import load_evidence
from checker.policy.load import load_policy

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "audit"
CLAIMS = DATA / "claims.yaml"
EXAMPLE = ROOT / "examples" / "audit"


@pytest.fixture(scope="module")
def full() -> Audit:
    return audit(
        load_claims(CLAIMS),
        evidence=load_evidence(DATA / "evidence.yaml"),
        policy=load_policy(DATA / "policy.yaml").policy,
        replicates=200,
    )


def _line(text: str, needle: str) -> int:
    lines = CLAIMS.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_every_finding_kind_exactly(full: Audit) -> None:
    got = sorted((f.code, f.severity, tuple(f.claims), f.subject, f.line) for f in full.findings)
    text = CLAIMS.read_text()
    at = {
        name: _line(text, f"- id: {name}")
        for name in ("alpha-cheap", "beta-dear", "alpha-top", "no-budget", "effort-only")
    }
    at["far-away"] = _line(text, "- id: far-away")
    at["beta-wins"] = _line(text, "- id: beta-wins")
    at["alpha-wins"] = _line(text, "- id: alpha-wins")
    at["alpha-pro"] = _line(text, "- id: alpha-pro")
    at["document"] = _line(text, "document:")
    assert got == sorted(
        [
            ("attempts-not-stated", "error", ("no-budget",), None, at["no-budget"]),
            ("budget-below-actor", "warning", ("alpha-cheap",), None, at["alpha-cheap"]),
            ("budget-below-actor", "warning", ("beta-dear",), None, at["beta-dear"]),
            ("budget-not-stated", "error", ("no-budget",), None, at["no-budget"]),
            ("claim-not-reproduced", "error", ("alpha-top",), None, at["alpha-top"]),
            ("claim-unchecked", "info", ("far-away",), None, at["far-away"]),
            (
                "comparison-budget-unmatched",
                "error",
                ("beta-dear", "alpha-cheap"),
                "beta-wins",
                at["beta-wins"],
            ),
            (
                "comparison-reversed",
                "error",
                ("beta-dear", "alpha-cheap"),
                "beta-wins",
                at["beta-wins"],
            ),
            (
                "comparison-survives",
                "info",
                ("alpha-top", "beta-top"),
                "alpha-wins",
                at["alpha-wins"],
            ),
            ("curve-still-rising", "warning", ("far-away",), None, at["far-away"]),
            ("curve-still-rising", "warning", ("beta-dear",), None, at["beta-dear"]),
            ("mode-not-evaluated", "error", (), "alpha-pro", at["alpha-pro"]),
            ("spend-not-stated", "warning", ("effort-only",), None, at["effort-only"]),
            ("threshold-unaddressed", "warning", (), "bio-high", at["document"]),
        ]
    )
    # every code the audit knows is exercised by this one file
    assert {f.code for f in full.findings} == set(AUDIT_CODES) - {"comparison-unchecked"}
    assert full.counts == {"error": 6, "warning": 6, "info": 2}
    assert full.exit_code == 1
    assert full.strength == ["claims", "policy", "evidence"]


def test_numbers_of_the_evidence_checks(full: Audit) -> None:
    by = {(f.code, f.subject or f.claims[0]): f for f in full.findings}
    rep = by["claim-not-reproduced", "alpha-top"].reproduction
    assert rep is not None and rep.budget == 100 and rep.estimate == pytest.approx(0.80)
    assert rep.upper < 0.95 < 1
    m = by["comparison-reversed", "beta-wins"].matched
    assert m is not None and m.verdict == "reversed" and m.kind == "matched"
    assert (m.better, m.worse) == ("beta", "alpha")
    # beta − alpha at $1, $10 (steps of P*): −0.20 and −0.30, beta behind at every budget
    assert max(m.upper) < 0 and min(m.difference) == pytest.approx(-0.45, abs=0.01)
    mode = by["mode-not-evaluated", "alpha-pro"]
    assert mode.thresholds == ["cyber-high", "bio-high"]
    # the think mode is evaluated by claim no-budget: no finding for it
    assert ("mode-not-evaluated", "alpha-think") not in by


def test_claims_alone_give_the_disclosure_findings() -> None:
    result = audit(load_claims(CLAIMS))
    assert sorted({f.code for f in result.findings}) == [
        "attempts-not-stated",
        "budget-not-stated",
        "comparison-budget-unmatched",
        "mode-not-evaluated",
        "spend-not-stated",
    ]
    rows = {r.domain: r for r in result.disclosure}
    assert (rows["all"].claims, rows["all"].with_budget, rows["all"].with_spend) == (7, 6, 5)
    assert (rows["(none)"].claims, rows["(none)"].with_scaffold) == (3, 1)
    assert result.disclosure == disclosure(load_claims(CLAIMS).claims.claims)


def test_same_inputs_same_bytes() -> None:
    args = {
        "evidence": load_evidence(DATA / "evidence.yaml"),
        "replicates": 100,
        "seed": 7,
        "as_of": dt.date(2026, 12, 8),
    }
    a = audit(load_claims(CLAIMS), **args).model_dump_json()  # type: ignore[arg-type]
    b = audit(load_claims(CLAIMS), **args).model_dump_json()  # type: ignore[arg-type]
    assert a == b


def test_docs_list_every_code() -> None:
    documented = set(re.findall(r"^## (\S+)\s*$", (ROOT / "docs" / "audit.md").read_text(), re.M))
    assert documented == set(AUDIT_CODES)


def test_the_example_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    result = CliRunner().invoke(
        app,
        [
            "audit",
            str(EXAMPLE / "simulated-card.yaml"),
            "-e",
            str(ROOT / "examples" / "evidence.yaml"),
            "-p",
            str(ROOT / "policies" / "rspcheck-reference.yaml"),
            "--replicates",
            "100",
            "--json",
            str(out),
        ],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 1, result.output
    body = [line for line in result.output.splitlines() if " written to " not in line]
    assert max(len(line) for line in body) <= 80
    data = json.loads(out.read_text())
    codes = {f["code"] for f in data["findings"]}
    assert {"comparison-reversed", "comparison-budget-unmatched", "mode-not-evaluated"} <= codes
    assert {"claim-not-reproduced", "budget-below-actor", "budget-not-stated"} <= codes
    reversed_ = next(f for f in data["findings"] if f["code"] == "comparison-reversed")
    assert reversed_["matched"]["better"] == "previous"


def test_the_published_claims_audit_from_the_claims_alone() -> None:
    result = audit(load_claims(EXAMPLE / "published-claims.yaml"))
    codes = [f.code for f in result.findings]
    assert "budget-not-stated" in codes and "comparison-budget-unmatched" in codes
    assert not any(
        c.illustrative for c in load_claims(EXAMPLE / "published-claims.yaml").claims.claims
    )


def test_lint_reads_a_claims_file() -> None:
    result = CliRunner().invoke(app, ["lint", str(CLAIMS)])
    assert result.exit_code == 0, result.output


def test_signed_pdf_verifies_and_html_has_the_findings(tmp_path: Path) -> None:
    from checker.audit.render import audit_html, audit_pdf
    from checker.sign import load_signer, make_dev_ca
    from checker.sign.keys import load_certificates
    from checker.sign.verify import extract_determination, verify_pdf

    result = audit(load_claims(CLAIMS), as_of=dt.date(2026, 12, 8))
    page = audit_html(result)
    assert all(f.code in page for f in result.findings) and "<script" not in page
    keys = make_dev_ca(tmp_path / "keys")
    signer = load_signer(keys.signer_key, keys.signer_cert, passphrase=None)
    pdf = audit_pdf(result, signer=signer)
    report = verify_pdf(
        pdf,
        load_certificates(keys.root_cert),
        allow_dev_key=True,
        inputs=[CLAIMS],
    )
    assert report.ok, report.summary()
    assert json.loads(extract_determination(pdf))["kind"] == "rspcheck-audit"
    # unsigned: the same bytes twice
    assert audit_pdf(result) == audit_pdf(result)


def test_demo_audit_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--audit", "--out", str(out), "--replicates", "100"])
    assert result.exit_code == 0, result.output
    assert "verified: OK" in result.output
    data = json.loads((out / "audit.json").read_text())
    assert data["kind"] == "rspcheck-audit" and data["as_of"] == "2026-10-20"
    assert {"comparison-reversed", "mode-not-evaluated"} <= {f["code"] for f in data["findings"]}
    assert (out / "audit.pdf").read_bytes().startswith(b"%PDF")


def test_a_comparison_the_evidence_cannot_check_is_said_so(tmp_path: Path) -> None:
    """Budgets stated in seconds, evidence with no time spend: the comparison is reported as
    unchecked (with why), not passed over."""
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "kind: rspcheck-claims\n"
        'document: {title: "t", publisher: "tests", date: 2026-01-01}\n'
        "claims:\n"
        "  - {id: a-sec, model: alpha, benchmark: ctf, score: 0.3, budget: {seconds: 60},\n"
        '     source: {table: "1"}, evidence: {model: alpha, eval: ctf}}\n'
        "  - {id: b-sec, model: beta, benchmark: ctf, score: 0.35, budget: {seconds: 60},\n"
        '     source: {table: "1"}, evidence: {model: beta, eval: ctf}}\n'
        "comparisons:\n"
        "  - {id: b-wins, better: b-sec, worse: a-sec}\n"
    )
    a = audit(load_claims(claims), evidence=load_evidence(DATA / "evidence.yaml"), replicates=100)
    unchecked = [f for f in a.findings if f.code == "comparison-unchecked"]
    assert [(f.subject, f.severity, tuple(f.claims), f.line) for f in unchecked] == [
        ("b-wins", "warning", ("b-sec", "a-sec"), 9)
    ]
    assert "seconds" in unchecked[0].explanation


def test_ci_formats_locate_findings_at_the_claim(tmp_path: Path) -> None:
    """`audit -f github` annotates each error and warning finding at its claim's line; the
    exit code is the audit's."""
    res = CliRunner().invoke(
        app,
        ["audit", str(CLAIMS), "-f", "github", "--replicates", "100"],
    )
    assert res.exit_code == 1, res.output
    lines = [x for x in res.output.splitlines() if x.startswith("::")]
    text = CLAIMS.read_text()
    no_budget = _line(text, "- id: no-budget")
    assert any(
        x.startswith("::error ") and f"line={no_budget}" in x and "budget-not-stated" in x
        for x in lines
    ), lines
    assert all(x.startswith(("::error ", "::warning ")) for x in lines)
    assert all("title=rspcheck audit " in x for x in lines)
    # SARIF names each audit code as a rule, described as docs/audit.md does
    sarif = CliRunner().invoke(app, ["audit", str(CLAIMS), "-f", "sarif", "--replicates", "100"])
    rules = json.loads(sarif.output)["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["shortDescription"]["text"] for r in rules}["budget-not-stated"] == (
        AUDIT_CODES["budget-not-stated"][1]
    )
