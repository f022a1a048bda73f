"""A clean policy lints without networkx; a cycle is still found and named the same way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from checker.policy.graph import find_cycle, policy_cycle, relation_graph
from checker.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]


def _policy(implies: list[tuple[str, str]]) -> Policy:
    thresholds = [
        {
            "id": i,
            "title": i,
            "domain": "cyber",
            "evals": ["e"],
            "axis": "usd",
            "assessed_range": {"min": 1.0, "max": 10.0},
            "function": {"points": [[1, 0.5], [10, 0.6]]},
        }
        for i in ("a", "b", "c")
    ]
    meta = {"id": "p", "title": "P", "version": "1", "effective": "2026-01-01"}
    rel = {"implies": [{"source": s, "target": t} for s, t in implies]}
    return Policy.model_validate({"metadata": meta, "thresholds": thresholds, "relations": rel})


def test_policy_cycle_matches_the_graph_search() -> None:
    for implies in ([], [("a", "b"), ("b", "c")], [("a", "b"), ("b", "a")], [("c", "c")]):
        pol = _policy(implies)
        assert policy_cycle(pol) == find_cycle(relation_graph(pol)), implies
    assert policy_cycle(_policy([("a", "b"), ("b", "c"), ("c", "a")])) is not None


def test_clean_policy_lint_does_not_import_networkx() -> None:
    code = (
        "import sys; from checker.authoring.lint import lint_files; "
        "r = lint_files(['policies/rspcheck-reference.yaml']); "
        "print('networkx' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
