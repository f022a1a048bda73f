"""Error codes: docs/errors.md, checker.errors.CODES and the codes the source emits agree."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from checker.errors import CODES, Problem, ProblemCollector, RspcheckError, did_you_mean

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "errors.md"
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
#: Calls whose first argument is an error code: Problem(...), doc.problem(...),
#: collector.add(...), RspcheckError.one(...), builder._fail(...), probs.warn(...) and
#: exception classes (``...Error("code", msg)``) that carry a code into a Problem.
CODE_CALLS = {"Problem", "problem", "add", "one", "_fail", "warn", "error"}


def doc_headings() -> list[str]:
    return re.findall(r"^## (\S+)\s*$", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)


def codes_used_in_source() -> dict[str, list[str]]:
    """Every kebab-case string given as the first argument of a code-taking call."""
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "checker").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
            if (name in CODE_CALLS or name.endswith("Error")) and KEBAB.match(first.value):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                used.setdefault(first.value, []).append(where)
    return used


def test_codes_are_kebab_case_with_a_meaning():
    for code, meaning in CODES.items():
        assert KEBAB.match(code), code
        assert meaning.strip().endswith("."), code


def test_docs_headings_equal_codes():
    headings = doc_headings()
    dupes = [h for h, n in Counter(headings).items() if n > 1]
    assert not dupes, f"docs/errors.md has repeated headings: {dupes}"
    missing = sorted(set(CODES) - set(headings))
    extra = sorted(set(headings) - set(CODES))
    assert not missing, f"codes without a '## code' section in docs/errors.md: {missing}"
    assert not extra, f"docs/errors.md documents codes not in checker.errors.CODES: {extra}"


def test_every_code_used_in_the_source_is_declared():
    used = codes_used_in_source()
    assert len(used) > 30  # the scan works: the loaders alone use dozens
    undeclared = {c: w for c, w in used.items() if c not in CODES}
    assert not undeclared, f"codes used but not in CODES: {undeclared}"


def test_the_foundation_codes_are_all_used():
    # every reading/schema/lint/evidence code is emitted somewhere (none is dead)
    used = codes_used_in_source()
    foundation = list(CODES)[: list(CODES).index("price-missing")]
    # wrong-type etc. come from checker.files.validation by variable; count those as used
    validation = (ROOT / "checker" / "files" / "validation.py").read_text()
    unused = [c for c in foundation if c not in used and f'"{c}"' not in validation]
    assert unused == []


def test_each_doc_section_says_what_it_means():
    text = DOC.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    for section in sections:
        code, _, body = section.partition("\n")
        assert body.strip(), f"docs/errors.md: section {code} is empty"


FOUNDATION_WITH_FIX = [
    c for c in CODES if list(CODES).index(c) <= list(CODES).index("price-missing")
]


@pytest.mark.parametrize("code", FOUNDATION_WITH_FIX)
def test_foundation_sections_say_how_to_fix(code):
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n## {code}\n", 1)[1].split("\n## ", 1)[0]
    assert "How to fix" in section, f"docs/errors.md: '{code}' has no 'How to fix'"


def test_undeclared_code_is_a_bug_not_bad_input():
    with pytest.raises(ValueError, match="undeclared error code"):
        Problem("no-such-code", "x")


def test_problem_formatting():
    p = Problem(
        "unknown-key",
        "unknown key 'ownr'",
        file="p.yaml",
        line=10,
        column=3,
        loc=("thresholds", 2, "function", "points"),
        hint="did you mean 'owner'?",
    )
    assert p.where == "p.yaml:10:3"
    assert p.path == "thresholds[2].function.points"
    assert p.format() == (
        "p.yaml:10:3: error[unknown-key] at thresholds[2].function.points: unknown key 'ownr'\n"
        "    hint: did you mean 'owner'?"
    )
    assert p.to_dict() == {
        "code": "unknown-key",
        "severity": "error",
        "file": "p.yaml",
        "line": 10,
        "column": 3,
        "loc": ["thresholds", 2, "function", "points"],
        "msg": "unknown key 'ownr'",
        "hint": "did you mean 'owner'?",
    }
    assert Problem("file-empty", "empty").where == "<input>"
    assert Problem("file-empty", "empty", file="a", line=2).where == "a:2"


def test_collector_raises_errors_with_warnings_and_not_warnings_alone():
    c = ProblemCollector("f.yaml")
    c.add("unused-actor", "unused", severity="warning")
    c.raise_if_errors()  # warnings alone do not raise
    c.add("missing-key", "missing")
    with pytest.raises(RspcheckError) as info:
        c.raise_if_errors()
    assert info.value.codes == ["unused-actor", "missing-key"]
    assert all(p.file == "f.yaml" for p in info.value.problems)
    assert str(info.value).splitlines()[0] == "f.yaml: warning[unused-actor]: unused"


def test_did_you_mean():
    assert did_you_mean("ownr", ["owner", "title"]) == "did you mean 'owner'?"
    assert did_you_mean("zzz", ["owner", "title"]) is None
