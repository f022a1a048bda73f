"""Hostile inputs (``tests/hostile/``): each fails closed with a located, coded error.

The cases and their expected codes are listed in ``tests/hostile/EXPECTED.yaml``; adding a case
is one file there plus one line in that list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.errors import RspcheckError
from checker.evidence import load_evidence

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, str | list[object]] = yaml.safe_load((HOSTILE / "EXPECTED.yaml").read_text())


def _expected(value: str | list[object]) -> tuple[str, int | None]:
    if isinstance(value, str):
        return value, None
    code, line = value
    return str(code), int(line)  # type: ignore[call-overload]


@pytest.mark.filterwarnings("error")  # a hostile file is a problem report, never a warning
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_is_a_located_error(name: str) -> None:
    code, line = _expected(EXPECTED[name])
    with pytest.raises(RspcheckError) as info:
        load_evidence(HOSTILE / name)
    problems = [p for p in info.value.problems if p.code == code]
    assert problems, f"expected {code}, got {info.value.codes}:\n{info.value}"
    p = problems[0]
    assert p.file is not None and Path(p.file).resolve().is_relative_to(HOSTILE.resolve()), p
    if line is not None:
        assert p.line == line, p.format()


def test_every_case_is_listed() -> None:
    listed = {Path(k).parts[0] for k in EXPECTED}
    present = {p.name for p in HOSTILE.iterdir() if p.name != "EXPECTED.yaml"}
    assert present == listed
