"""``rspcheck keygen`` and ``rspcheck verify`` end to end, with exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.report import determination_pdf
from checker.sign import load_signer, sign_pdf

ROOT = Path(__file__).parents[2]
PASS = "s3cret-Passphrase-for-CLI-4711"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def dev(tmp_path_factory, runner, html, determination_bytes, created):
    """keygen via the CLI, then a determination signed with the dev key."""
    out = tmp_path_factory.mktemp("cli") / "keys"
    res = runner.invoke(app, ["keygen", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "DEVELOPMENT" in res.output and "dev-root.pem" in res.output
    pdf = determination_pdf(html, determination_bytes, created=created)
    signer = load_signer(out / "dev-signer-key.pem", out / "dev-signer-cert.pem", passphrase=None)
    signed = out.parent / "determination.pdf"
    signed.write_bytes(sign_pdf(pdf, signer, reason="cli test", location="tests"))
    return out, signed


def test_keygen_refuses_overwrite_then_forces(runner, dev):
    out, _ = dev
    res = runner.invoke(app, ["keygen", "--out", str(out)])
    assert res.exit_code == 2 and "output-exists" in res.output


def test_verify_ok(runner, dev, inputs_dir, tmp_path):
    out, pdf = dev
    json_out = tmp_path / "det.json"
    res = runner.invoke(
        app,
        [
            "verify",
            str(pdf),
            "--trust",
            str(out / "dev-root.pem"),
            "--allow-dev-key",
            "--policy",
            str(inputs_dir / "policy.yaml"),
            "--evidence",
            str(inputs_dir / "evals.jsonl"),
            "--json-out",
            str(json_out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "✓ signature intact" in res.output
    assert "✓ policy input" in res.output and "✓ evidence input" in res.output
    assert "✗" not in res.output and res.output.rstrip().splitlines()[-1].startswith("OK:")
    assert json.loads(json_out.read_bytes())["kind"] == "rspcheck-determination"


def test_verify_dev_key_needs_opt_in(runner, dev):
    out, pdf = dev
    res = runner.invoke(app, ["verify", str(pdf), "--trust", str(out / "dev-root.pem")])
    assert res.exit_code == 4
    assert "signed-with-dev-key" in res.output


def test_verify_wrong_root_and_json_format(runner, dev, pki):
    _, pdf = dev
    res = runner.invoke(
        app, ["verify", str(pdf), "--trust", str(pki.root.cert_path), "--format", "json"]
    )
    assert res.exit_code == 4
    doc = json.loads(res.stdout)
    assert doc["ok"] is False
    assert "signer-untrusted" in [f["code"] for f in doc["failures"]]
    assert doc["signature"]["intact"] is True and doc["signature"]["dev_key"] is True


def test_verify_changed_evidence(runner, dev, inputs_dir, tmp_path):
    out, pdf = dev
    changed = tmp_path / "evals.jsonl"
    changed.write_text('{"run": "r1", "score": 0.99}\n')
    json_out = tmp_path / "det.json"
    res = runner.invoke(
        app,
        [
            "verify",
            str(pdf),
            "-t",
            str(out / "dev-root.pem"),
            "--allow-dev-key",
            "-e",
            str(changed),
            "--json-out",
            str(json_out),
        ],
    )
    assert res.exit_code == 4
    assert "✗ evidence input" in res.output and "input-mismatch" in res.output
    assert json_out.exists()  # the signature held; only the input differs


def test_verify_tampered_file_writes_no_json(runner, dev, tmp_path):
    out, pdf = dev
    bad = tmp_path / "bad.pdf"
    data = bytearray(pdf.read_bytes())
    data[10] ^= 1
    bad.write_bytes(bytes(data))
    json_out = tmp_path / "det.json"
    res = runner.invoke(
        app,
        [
            "verify",
            str(bad),
            "-t",
            str(out / "dev-root.pem"),
            "--allow-dev-key",
            "--json-out",
            str(json_out),
        ],
    )
    assert res.exit_code == 4 and "signature-tampered" in res.output
    assert not json_out.exists()


def test_verify_rerun_needs_the_inputs_and_fails_closed(runner, dev, inputs_dir):
    out, pdf = dev
    args = ["verify", str(pdf), "-t", str(out / "dev-root.pem"), "--allow-dev-key", "--rerun"]
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "missing-key" in res.output  # --rerun needs the inputs
    res = runner.invoke(
        app,
        [*args, "-p", str(inputs_dir / "policy.yaml"), "-e", str(inputs_dir / "evals.jsonl")],
    )
    # the fixture's inputs are no real policy and evidence: the re-run cannot reproduce it
    assert res.exit_code == 4 and "✗ re-run gives the recorded result" in res.output


def test_verify_bad_usage(runner, dev, tmp_path):
    out, pdf = dev
    junk = tmp_path / "junk.pem"
    junk.write_text("nope")
    cases = [
        ["verify", str(tmp_path / "missing.pdf"), "-t", str(out / "dev-root.pem")],
        ["verify", str(pdf), "-t", str(junk)],
        ["verify", str(pdf), "-t", str(out / "dev-root.pem"), "--at", "yesterday"],
    ]
    for args in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
    res = runner.invoke(app, ["verify", str(pdf)])  # --trust is required
    assert res.exit_code == 2


def test_verify_garbage_file(runner, dev, tmp_path):
    out, _ = dev
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf")
    res = runner.invoke(app, ["verify", str(junk), "-t", str(out / "dev-root.pem")])
    assert res.exit_code == 4 and "not-a-pdf" in res.output


def test_keygen_passphrase_never_echoed(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("RSPCHECK_KEY_PASS", PASS)
    out = tmp_path / "enc"
    res = runner.invoke(app, ["keygen", "--out", str(out), "--passphrase-env", "RSPCHECK_KEY_PASS"])
    assert res.exit_code == 0, res.output
    assert PASS not in res.output and "encrypted" in res.output
    from checker.errors import RspcheckError

    with pytest.raises(RspcheckError) as ei:
        load_signer(
            out / "dev-signer-key.pem", out / "dev-signer-cert.pem", passphrase="not-" + PASS
        )
    assert PASS not in str(ei.value) and ei.value.codes == ["key-passphrase-wrong"]
    assert load_signer(out / "dev-signer-key.pem", out / "dev-signer-cert.pem", passphrase=PASS)
    res = runner.invoke(
        app, ["keygen", "--out", str(tmp_path / "x"), "--passphrase-env", "UNSET_VAR_X"]
    )
    assert res.exit_code == 2 and "passphrase-unavailable" in res.output


def test_cli_startup_imports_nothing_heavy():
    script = textwrap.dedent(
        """
        import sys, time, types
        from pathlib import Path
        import checker
        if not (Path(checker.__file__).parent / "cli" / "lint.py").exists():
            sys.modules["checker.cli.lint"] = types.ModuleType("checker.cli.lint")
        t = time.perf_counter()
        import checker.cli
        took = time.perf_counter() - t
        heavy = [m for m in ("weasyprint", "pyhanko", "pyhanko_certvalidator", "cryptography")
                 if m in sys.modules]
        print(heavy, round(took, 3))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    heavy, _took = out.stdout.rsplit(" ", 1)
    assert heavy == "[]", out.stdout
