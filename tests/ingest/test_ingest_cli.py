"""``rspcheck ingest``: writes manifest + attempts, prints a summary, exits 2 on bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from checker.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


def test_ingest_inspect_writes_evidence(tmp_path: Path) -> None:
    out = tmp_path / "ev" / "evidence.yaml"
    out.parent.mkdir()  # ingest makes no folder (issue 11): a typo must not make one appear
    logs = sorted(str(p) for p in (DATA / "inspect").iterdir())
    r = runner.invoke(app, ["ingest", "inspect", *logs, "--out", str(out), "--scorer", "exact"])
    assert r.exit_code == 0, r.output
    assert "5 run(s)" in r.output and "82 attempt(s)" in r.output
    assert "budget fields missing: none" in r.output and "skipped: 4 error" in r.output
    text = out.read_text()
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (out.parent / first.split("=", 1)[1]).resolve()
    assert schema == (Path(__file__).resolve().parents[2] / "schemas" / "evidence.schema.json")
    man = yaml.safe_load(text)
    assert man["kind"] == "rspcheck-evidence" and len(man["runs"]) == 5
    (att,) = man["attempts"]
    jsonl = out.parent / att["path"]
    assert att["sha256"] == hashlib.sha256(jsonl.read_bytes()).hexdigest()
    rows = [json.loads(x) for x in jsonl.read_text().splitlines()]
    assert len(rows) == 82
    assert {"run", "task", "attempt", "score", "usd", "limit_hit"} <= set(rows[0])
    for run in man["runs"]:
        src = (out.parent / run["source"]["path"]).resolve()
        assert hashlib.sha256(src.read_bytes()).hexdigest() == run["source"]["sha256"]
    # existing output is not overwritten without --force
    r = runner.invoke(app, ["ingest", "inspect", logs[0], "--out", str(out)])
    assert r.exit_code == 2
    r = runner.invoke(app, ["ingest", "inspect", logs[0], "--out", str(out), "--force"])
    assert r.exit_code == 0


def test_written_evidence_loads_back(tmp_path: Path) -> None:
    load = pytest.importorskip("checker.evidence.load")
    out = tmp_path / "evidence.yaml"
    log = DATA / "inspect" / "high_limits.eval"
    r = runner.invoke(app, ["ingest", "inspect", str(log), "--out", str(out)])
    assert r.exit_code == 0, r.output
    ev = load.load_evidence(out)
    from checker.evidence.ingest import load_log_evidence

    direct = load_log_evidence(log)
    assert len(ev.attempts) == len(direct.attempts) == 20
    assert ev.runs[0].limits == direct.runs[0].limits


def test_ingest_table_and_lmeval(tmp_path: Path) -> None:
    maps = [
        "model=model_name",
        "eval=benchmark",
        "task=challenge",
        "score=solved",
        "usd=cost_usd",
        "reasoning_effort=effort",
    ]
    args = [x for m in maps for x in ("--map", m)]
    r = runner.invoke(
        app,
        [
            "ingest",
            "table",
            str(DATA / "tables" / "ctf_attempts.csv"),
            *args,
            "--out",
            str(tmp_path / "t.yaml"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "budget fields present: usd" in r.output
    r = runner.invoke(
        app, ["ingest", "lm-eval", str(DATA / "lmeval"), "--out", str(tmp_path / "l.yaml")]
    )
    assert r.exit_code == 0, r.output
    assert "budget-unmeasured" in r.output and "budget fields present: none" in r.output


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.eval"
    bad.write_bytes(b"PK\x03\x04garbage")
    r = runner.invoke(app, ["ingest", "inspect", str(bad), "--out", str(tmp_path / "o.yaml")])
    assert r.exit_code == 2
    assert "log-truncated" in r.output and str(bad) in r.output
    assert not (tmp_path / "o.yaml").exists()
    r = runner.invoke(app, ["ingest", "nope", str(bad), "--out", str(tmp_path / "o.yaml")])
    assert r.exit_code == 2
    r = runner.invoke(
        app, ["ingest", "inspect", str(bad), "--map", "a=b", "--out", str(tmp_path / "o.yaml")]
    )
    assert r.exit_code == 2
