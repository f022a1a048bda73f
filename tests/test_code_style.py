"""House rules that ruff cannot state: one docstring style, and imports that run one way only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "checker").rglob("*.py"))

#: The pipeline, bottom to top: a module may import from its own layer or any layer below.
LAYERS: list[tuple[str, ...]] = [
    ("checker.version", "checker.errors", "checker.budget", "checker.files"),
    ("checker.policy", "checker.evidence", "checker.curves"),
    ("checker.determination",),
    ("checker.engine",),
    ("checker.report",),
    ("checker.sign",),
    ("checker.authoring", "checker.audit", "checker.demo", "checker.schemas"),
    ("checker.cli",),
]


def _layer(module: str) -> int | None:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docstrings_are_google_style(path: Path) -> None:
    """Sphinx fields (``:param x:``, ``:raises E:``, ``:returns:``) are not the house style."""
    hits = re.findall(r"^\s*:(param|raises|returns?|rtype|type)\b.*$", path.read_text(), re.M)
    assert not hits, f"{path.name}: use Args:/Returns:/Raises: sections, not :{hits[0]}:"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_runs_back_up_the_pipeline(path: Path) -> None:
    here = _module_name(path)
    mine = _layer(here)
    if mine is None:
        return  # the package face (checker/__init__.py) names everything, lazily
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            target = node.module
        elif isinstance(node, ast.Import):
            target = node.names[0].name
        else:
            continue
        theirs = _layer(target) if target.startswith("checker") else None
        assert theirs is None or theirs <= mine, (
            f"{here} (layer {mine}) imports {target} (layer {theirs}) at line {node.lineno}"
        )
