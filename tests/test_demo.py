"""``rspcheck demo`` end to end (fast path: a smaller bootstrap, the same code).

The demo writes determination.json and a signed determination.pdf, makes a development CA in
``OUT/keys`` (trust root ``OUT/keys/dev-root.pem``), verifies the PDF, prints the verify
command to rerun, and exits 0 although the gate blocks.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.demo import _dev_signer, story
from checker.sign.keys import load_certificates
from checker.sign.verify import verify_pdf

REPLICATES = "200"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    pytest.importorskip("checker.report.render", reason="the PDF renderer is not installed")
    out = tmp_path_factory.mktemp("demo") / "rspcheck-demo"
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--replicates", REPLICATES])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_demo_writes_the_files(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    for name in ("determination.json", "determination.pdf", "keys/dev-root.pem"):
        assert (out / name).is_file(), name
    det = json.loads((out / "determination.json").read_text())
    assert det["kind"] == "rspcheck-determination"
    assert det["model"] == "candidate"
    assert det["settings"]["bootstrap_replicates"] == int(REPLICATES)
    assert det["gate"]["result"] == "block"
    assert det["comparisons"], "the demo compares with the previous model"


def test_pdf_verifies_and_carries_the_json(demo_run: tuple[Path, str]) -> None:
    out, _ = demo_run
    pdf = (out / "determination.pdf").read_bytes()
    roots = load_certificates(out / "keys" / "dev-root.pem")
    report = verify_pdf(pdf, roots, allow_dev_key=True)
    assert report.ok, report.summary()
    assert report.signature.dev_key is True
    assert report.determination == (out / "determination.json").read_bytes()
    # a development key is refused unless allowed: hence the flag in the printed command
    assert not verify_pdf(pdf, roots).ok


def test_output_names_paths_story_and_verify_command(demo_run: tuple[Path, str]) -> None:
    out, text = demo_run
    flat = " ".join(text.split())
    cmd = (
        f"rspcheck verify {shlex.quote(str(out / 'determination.pdf'))} --trust "
        f"{shlex.quote(str(out / 'keys' / 'dev-root.pem'))} --allow-dev-key"
    )
    assert cmd in flat
    assert "set to 200" in flat  # the output says the bootstrap was reduced
    for word in ("cyber-high", "repeated sampling", "deployment-misuse-l3", "BLOCK", "headroom"):
        assert word in flat, word
    assert "byte for byte" in flat
    assert "not a failure" in flat


def test_printed_verify_command_passes(demo_run: tuple[Path, str]) -> None:
    _, text = demo_run
    flat = " ".join(text.split())
    start = flat.index("rspcheck verify ")
    end = flat.index(" (--allow-dev-key:", start)
    args = shlex.split(flat[start:end])[1:]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "matches the recorded sha256" in res.output


def test_story_is_read_from_the_determination(demo_run: tuple[Path, str]) -> None:
    from checker.determination import Determination

    out, _ = demo_run
    det = Determination.model_validate_json((out / "determination.json").read_text())
    lines = story(det)
    joined = "\n".join(lines)
    assert lines[0].startswith("cyber-ctf:") and "matched" in lines[0]
    assert "cyber-high: crossed only because repeated sampling" in joined
    assert "cyber-critical: indeterminate" in joined and "Not ruled out" in joined
    assert "bio-high: indeterminate" in joined
    assert "autonomy-high: not crossed" in joined and "headroom" in joined
    assert lines[-1].startswith("gate: BLOCK") and "deployment-misuse-l3" in lines[-1]
    assert "extrapolation reach $103, so 8" in joined  # bio-high: $32.8 x 10**0.5
    assert "cyber-critical: what would decide it: about " in joined

    # where the extrapolated stretch (modelled sampling) ends below the largest evaluated
    # spend, the reach is the evidence's, not the smaller number
    bio = next(t for t in det.thresholds if t.id == "bio-high")
    short = bio.model_copy(
        update={"coverage": bio.coverage.model_copy(update={"extrapolation_max": 1.0})}
    )
    again = "\n".join(story(det.model_copy(update={"thresholds": [short]})))
    assert f"reach ${bio.coverage.evidence_max:.3g}" in again


def test_dev_keys_are_made_once_then_reused(tmp_path: Path) -> None:
    _, root, created = _dev_signer(tmp_path / "keys")
    assert created and root == tmp_path / "keys" / "dev-root.pem"
    before = root.read_bytes()
    _, root2, created2 = _dev_signer(tmp_path / "keys")
    assert not created2 and root2.read_bytes() == before


def test_key_without_cert_and_trust_is_bad_usage(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    key.write_text("x")
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "o"), "--key", str(key)])
    assert res.exit_code == 2
    assert "--key, --cert and --trust together" in " ".join(res.output.split())


def test_missing_renderer_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "checker.report.render", None)  # import fails
    out = tmp_path / "o"
    res = CliRunner().invoke(app, ["demo", "--out", str(out), "--replicates", "50"])
    assert res.exit_code == 2, res.output
    assert "dependency-missing" in res.output
    assert (out / "determination.json").is_file()  # the JSON is written before the PDF


def test_demo_json_is_what_check_computes(demo_run: tuple[Path, str], tmp_path: Path) -> None:
    """Same inputs, seed and replicates: `rspcheck check` writes the same JSON byte for byte."""
    from checker.demo import AS_OF, EVIDENCE, POLICY

    out, _ = demo_run
    target = tmp_path / "check.json"
    res = CliRunner().invoke(
        app,
        [
            "check",
            "-p",
            str(POLICY),
            "-e",
            str(EVIDENCE),
            "--model",
            "candidate",
            "--compare-with",
            "previous",
            "--as-of",
            AS_OF.isoformat(),
            "--replicates",
            REPLICATES,
            "--json",
            str(target),
        ],
    )
    assert res.exit_code == 3, res.output  # the gate blocks
    assert target.read_bytes() == (out / "determination.json").read_bytes()
