"""``check -e``: several sources after one -e (a shell glob) and a folder of Inspect logs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from checker.cli import app
from checker.evidence.load import expand_sources

DATA = Path(__file__).parents[1] / "data"
LOGS = DATA / "inspect-budget"
POLICY = Path(__file__).parents[2] / "policies" / "rspcheck-reference.yaml"


def _check(*args: str) -> str:
    result = CliRunner().invoke(
        app, ["check", "-p", str(POLICY), "--replicates", "50", "-f", "json", *args]
    )
    assert result.exit_code in (0, 3), result.output
    return result.stdout


def test_a_folder_stands_for_its_logs_sorted_by_name() -> None:
    logs = sorted(LOGS.glob("*.eval"))
    assert expand_sources([LOGS]) == logs
    # a file named twice is read once; an lm-eval folder stays one source
    assert expand_sources([logs[0], LOGS]) == logs
    lmeval = next(p for p in (DATA / "lmeval").iterdir() if p.is_dir())
    assert expand_sources([lmeval]) == [lmeval]


def test_glob_after_one_e_and_a_folder_decide_as_separate_e() -> None:
    logs = [str(p) for p in sorted(LOGS.glob("*.eval"))]
    separate = _check(*[arg for log in logs for arg in ("-e", log)])
    assert _check("-e", *logs) == separate
    assert _check("-e", str(LOGS)) == separate
