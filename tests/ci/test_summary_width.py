"""The terminal summary at 80 columns: no id or state cut, one spelling for people."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from checker.cli._summary import print_summary
from checker.determination import Determination

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "demo-determination-200.json"


def _det() -> Determination:
    return Determination.model_validate_json(GOLDEN.read_text(encoding="utf-8"))


def _summary(width: int) -> str:
    buf = io.StringIO()
    print_summary(_det(), Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def test_80_columns_never_cuts_an_id_or_a_state() -> None:
    text = _summary(80)
    det = _det()
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    for t in det.thresholds:
        state = t.state.replace("_", " ")
        assert any(line.startswith(f"{t.id}: {state}") for line in text.splitlines()), t.id
    assert "not_crossed" not in text and "allow_with_safeguards" not in text


def test_wide_terminal_keeps_the_table_whole() -> None:
    text = _summary(140)
    assert "…" not in text
    for t in _det().thresholds:
        assert t.id in text
    assert "not_crossed" not in text


def test_the_comparison_is_printed() -> None:
    det = _det()
    assert det.comparisons
    text = " ".join(_summary(80).split())
    assert f"compared with {det.comparisons[0].a} at matched budgets:" in text
    for c in det.comparisons:
        assert " ".join(f"{c.eval}: {c.summary}".split()) in text
