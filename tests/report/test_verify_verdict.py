"""The library's verification report and ``rspcheck verify`` give one answer.

``verify_pdf`` returns the one report; the command only prints it. For each way a determination
PDF and its inputs can be right or wrong, the report's verdict is the command's exit status,
and the command's ``--format json`` output is the report's JSON form.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.engine.evaluate import evaluate
from checker.evidence.load import load_evidence
from checker.policy.load import load_policy
from checker.report import determination_pdf
from checker.sign import load_signer, sign_pdf, verify_pdf
from checker.sign.keys import load_certificates

DATA = Path(__file__).parents[1] / "data"
INPUTS = ("policy-small.yaml", "evidence-small.yaml", "attempts-small.jsonl")
AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory, pki, html, created) -> Path:
    """The small policy and evidence, and signed PDFs of determinations made from them."""
    d = tmp_path_factory.mktemp("verdict")
    for name in INPUTS:
        shutil.copy(DATA / name, d / name)
    det = evaluate(
        load_policy(d / INPUTS[0]),
        load_evidence(d / INPUTS[1]),
        seed=11,
        as_of=AS_OF,
        replicates=60,
    )
    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)

    def signed(det_json: str) -> bytes:
        pdf = determination_pdf(html, det_json.encode(), created=created)
        return sign_pdf(pdf, signer, reason="verdict test", location="tests")

    good = signed(det.to_json())
    (d / "good.pdf").write_bytes(good)
    tampered = bytearray(good)
    tampered[10] ^= 1
    (d / "tampered.pdf").write_bytes(bytes(tampered))
    # the same inputs, but the JSON claims another seed: digests match, a re-run does not
    (d / "other-seed.pdf").write_bytes(signed(det.model_copy(update={"seed": 12}).to_json()))
    changed = d / "changed"
    changed.mkdir()
    for name in INPUTS:
        shutil.copy(d / name, changed / name)
    with (changed / INPUTS[2]).open("a") as f:
        f.write("\n")
    (d / "stranger.csv").write_text("a,b\n1,2\n")
    (d / "garbage.pdf").write_bytes(b"%PDF-1.7 not really")
    return d


def _cases(d: Path) -> dict[str, tuple[str, list[Path], bool]]:
    """name: (pdf, input files, re-run?)"""
    policy, evidence, attempts = (d / n for n in INPUTS)
    return {
        "good": ("good.pdf", [policy, evidence, attempts], False),
        "good-rerun": ("good.pdf", [policy, evidence], True),
        "tampered": ("tampered.pdf", [policy], False),
        "input-mismatch": ("good.pdf", [policy, d / "changed" / INPUTS[2]], False),
        "input-unrecorded": ("good.pdf", [policy, d / "stranger.csv"], False),
        "rerun-mismatch": ("other-seed.pdf", [policy, evidence], True),
        "garbage-rerun": ("garbage.pdf", [policy, evidence], True),
    }


EXPECTED = {
    "good": (True, []),
    "good-rerun": (True, []),
    "tampered": (False, ["signature-tampered"]),
    "input-mismatch": (False, ["input-mismatch"]),
    "input-unrecorded": (False, ["input-unrecorded"]),
    "rerun-mismatch": (False, ["rerun-mismatch"]),
    "garbage-rerun": (False, ["not-a-determination", "not-a-pdf"]),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_library_verdict_is_the_commands_exit_status(name, case_dir, pki):
    pdf, files, rerun = _cases(case_dir)[name]
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = verify_pdf(
        (case_dir / pdf).read_bytes(),
        load_certificates(pki.root.cert_path),
        inputs=[str(f) for f in files],
        rerun_with=(files[0], files[1:]) if rerun else None,
        validation_time=at,
        name=str(case_dir / pdf),
    )
    ok, codes = EXPECTED[name]
    assert report.ok is ok, report.summary()
    assert sorted(set(report.codes)) == codes

    args = ["verify", str(case_dir / pdf), "-t", str(pki.root.cert_path), "--at", at.isoformat()]
    args += ["-p", str(files[0])] + [a for f in files[1:] for a in ("-e", str(f))]
    args += ["--rerun"] if rerun else []
    text = CliRunner().invoke(app, args)
    as_json = CliRunner().invoke(app, [*args, "--format", "json"])
    assert text.exit_code == as_json.exit_code == (0 if report.ok else 4), text.output
    doc = json.loads(as_json.stdout)
    assert doc.pop("determination_written_to") is None
    assert doc == json.loads(json.dumps(report.to_dict(), default=str))
    for _, line in report.checks():
        assert line in text.output
    if rerun:  # a re-run line passes only where something was re-run and matched
        assert (False, "re-run gives the recorded result") in report.checks() or ok
    # the count is of the ✗ lines printed above it
    failed = sum(1 for passed, _ in report.checks() if passed is False)
    total = sum(1 for passed, _ in report.checks() if passed is not None)
    last = report.summary() if ok else f"FAILED: {failed} of {total} checks failed"
    assert last in text.output.splitlines()
    # CI formats: a JUnit test case per check, failing exactly where a ✗ line is
    junit = CliRunner().invoke(app, [*args, "--format", "junit"])
    assert junit.exit_code == text.exit_code
    import xml.etree.ElementTree as ET

    cases = ET.fromstring(junit.stdout).iter("testcase")
    marks = [(c.get("name"), c.find("failure") is None) for c in cases]
    assert [m for m in marks if m[0] in {line for _, line in report.checks()}] == [
        (line, bool(passed)) for passed, line in report.checks() if passed is not None
    ]
    github = CliRunner().invoke(app, [*args, "--format", "github"])
    annotations = [x for x in github.stdout.splitlines() if x.startswith("::error ")]
    assert len(annotations) == len(report.failures)


def test_rerun_needs_evidence(case_dir, pki):
    from checker.errors import RspcheckError

    with pytest.raises(RspcheckError) as err:
        verify_pdf(b"", [], rerun_with=(case_dir / INPUTS[0], []))
    assert err.value.codes == ["missing-key"]
