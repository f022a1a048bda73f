"""The library's face: ``import checker`` names the whole API, each name from its one home, and
the README's "Use it from Python" example runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import checker

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = {
    "Determination",
    "RspcheckError",
    "__version__",
    "budget_curves",
    "compare",
    "compare_models",
    "evaluate",
    "load_determination",
    "load_evidence",
    "load_policy",
    "render_pdf",
    "sign_pdf",
    "verify_pdf",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(checker.__all__) == PUBLIC
    assert len(checker.__all__) == len(PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC - {"__version__"}))
def test_each_name_resolves_to_its_home(name: str) -> None:
    value = getattr(checker, name)
    assert value.__module__.startswith("checker."), value.__module__
    assert callable(value)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        checker.evaluat  # noqa: B018


def test_importing_checker_loads_no_numerics() -> None:
    """``import checker`` (and so ``rspcheck --help``) must not pay for numpy/scipy/WeasyPrint."""
    heavy = "('numpy', 'scipy', 'weasyprint', 'pyhanko')"
    code = f"import sys, checker; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the section holds one example"
    return blocks[0]


def test_readme_example_runs_as_written() -> None:
    pytest.importorskip("weasyprint", reason="the PDF renderer (WeasyPrint) is not installed")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    res = subprocess.run(
        [sys.executable, "-c", _readme_example()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert "gate: block" in lines
    assert "verified: True" in lines
    assert any(line.startswith("cyber-high") and "crossed" in line for line in lines)
