"""Hostile inputs (``tests/hostile/``): each fails closed with a located, coded error.

The stored cases and their expected codes are listed in ``tests/hostile/EXPECTED.yaml``; adding
a case is one file there plus one line in that list. Cases that cannot be stored (FIFOs,
symlinks, bombs, files of millions of values) are built by ``tests/hostile/make_corpus.py``,
expected in ``GENERATED.yaml``, and loaded in a subprocess under a memory limit and a timeout:
no traceback, the expected code located in the case's own files, in bounded time. All at the
library level (``load_evidence``, ``load_policy``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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
    present = {
        p.name
        for p in HOSTILE.iterdir()
        if p.name
        not in ("EXPECTED.yaml", "GENERATED.yaml", "make_corpus.py", "__pycache__", "claims")
    }
    assert present == listed


# -- claims files (``rspcheck audit``): tests/hostile/claims/, listed in its EXPECTED.yaml -----

CLAIMS = HOSTILE / "claims"
CLAIMS_EXPECTED: dict[str, str | list[object]] = yaml.safe_load(
    (CLAIMS / "EXPECTED.yaml").read_text()
)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", sorted(CLAIMS_EXPECTED))
def test_hostile_claims_file_is_a_located_error(name: str) -> None:
    from checker.audit.load import load_claims

    code, line = _expected(CLAIMS_EXPECTED[name])
    with pytest.raises(RspcheckError) as info:
        load_claims(CLAIMS / name)
    problems = [p for p in info.value.problems if p.code == code]
    assert problems, f"expected {code}, got {info.value.codes}:\n{info.value}"
    if line is not None:
        assert problems[0].line == line, problems[0].format()
    # one message per mistake: a bad budget mapping is not also "expected 'not stated'"
    assert len(info.value.problems) <= 2, info.value


def test_every_claims_case_is_listed() -> None:
    present = {p.name for p in CLAIMS.iterdir() if p.name != "EXPECTED.yaml"}
    assert present == set(CLAIMS_EXPECTED)


# -- generated cases (make_corpus.py): in a subprocess, under a memory limit and a timeout -----

GENERATED: dict[str, str | list[object]] = yaml.safe_load((HOSTILE / "GENERATED.yaml").read_text())
MEMORY_LIMIT = 1536 * 1024**2
"""Address space the loading process may use (RLIMIT_AS): a bomb inflated in memory fails."""
TIMEOUT = 120
"""Seconds for loading every generated case (a FIFO opened blocking would wait forever)."""
CASE_SECONDS = 10
"""Most seconds one case may take."""
_LEAN = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
}
"""Few threads and pyarrow on malloc: thread stacks, arenas and jemalloc reserve address space
(1.3 GB once pyarrow has read a file) that RLIMIT_AS counts though nothing uses it."""


def _make_corpus() -> Any:
    """``tests/hostile/make_corpus.py`` as a module (the folder is no package)."""
    if "hostile_make_corpus" in sys.modules:
        return sys.modules["hostile_make_corpus"]
    spec = importlib.util.spec_from_file_location("hostile_make_corpus", HOSTILE / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _load_generated(out: Path) -> None:
    """In the child: load each case, print one JSON line per case as it finishes."""
    import resource
    import traceback

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from checker.policy.load import load_policy

    cases = _make_corpus().CASES
    for name in cases:
        case = json.loads((out / ".cases.json").read_text())[name]
        start = time.perf_counter()
        result: dict[str, object] = {"name": name, "problems": [], "traceback": None}
        try:
            if case["loader"] == "policy":
                load_policy(case["path"])
            else:
                load_evidence(case["path"], allow_outside=case["allow_outside"])
        except RspcheckError as err:
            result["problems"] = [p.to_dict() for p in err.problems]
        except BaseException:
            result["traceback"] = traceback.format_exc()
        result["seconds"] = time.perf_counter() - start
        print(json.dumps(result), flush=True)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Build the generated corpus, load it in a limited subprocess, and return the results."""
    out = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = _make_corpus().build(out)
    (out / ".cases.json").write_text(
        json.dumps(
            {
                n: {"path": str(c.path), "loader": c.loader, "allow_outside": c.allow_outside}
                for n, c in cases.items()
            }
        )
    )
    env = {**os.environ, **_LEAN}
    try:
        run = subprocess.run(
            [sys.executable, __file__, str(out)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            cwd=Path(__file__).parents[1],
        )
        stdout = run.stdout
        assert run.returncode == 0, run.stderr[-3000:]
    except subprocess.TimeoutExpired as exc:  # the results so far name the case that hung
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    results = {r["name"]: r for r in map(json.loads, stdout.splitlines())}
    return out, results


def test_every_generated_case_is_expected() -> None:
    assert set(GENERATED) == set(_make_corpus().CASES)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_input_is_a_located_error(
    name: str, generated: tuple[Path, dict[str, dict[str, Any]]]
) -> None:
    out, results = generated
    assert name in results, f"{name}: no result (it hung past {TIMEOUT} s, or a case before it)"
    result = results[name]
    assert result["traceback"] is None, result["traceback"]
    assert result["seconds"] < CASE_SECONDS, result
    code, line = _expected(GENERATED[name])
    problems = [p for p in result["problems"] if p["code"] == code]
    assert problems, f"expected {code}, got {result['problems']}"
    p = problems[0]
    # located in the case's own files (as named: a symlink to /dev/zero is named, not followed)
    assert p["file"] is not None and Path(p["file"]).absolute().is_relative_to(out.absolute()), p
    if line is not None:
        assert p["line"] == line, p


def test_a_manifest_cannot_read_or_quote_a_file_outside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password,hunter2\n")
    inside = tmp_path / "ev"
    inside.mkdir()
    for named in (str(secret), "../secret.csv"):
        (inside / "evidence.yaml").write_text(
            _make_corpus().MANIFEST.format(path=named), encoding="utf-8"
        )
        with pytest.raises(RspcheckError) as info:
            load_evidence(inside / "evidence.yaml")
        assert info.value.codes == ["path-outside-evidence"]
        assert "hunter2" not in str(info.value) and "password" not in str(info.value)
    # the escape hatch: the folder allowed, the file is read (and is no attempts table)
    with pytest.raises(RspcheckError) as info:
        load_evidence(inside / "evidence.yaml", allow_outside=[tmp_path])
    assert info.value.codes == ["attempt-missing-column"]
    assert "hunter2" not in str(info.value) and "password" not in str(info.value)


def test_allow_outside_reaches_every_way_in(tmp_path: Path) -> None:
    """``allow_outside`` is an argument of each call that loads a manifest, never ambient."""
    from checker.authoring.lint import lint_files
    from checker.evidence.load import load_many

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"run": "r", "task": "t", "score": 1}\n')
    (tmp_path / "ev").mkdir()
    manifest = tmp_path / "ev" / "evidence.yaml"
    manifest.write_text(_make_corpus().MANIFEST.format(path="../data/a.jsonl"))
    with pytest.raises(RspcheckError):
        load_many([manifest])
    assert len(load_many([manifest], allow_outside=[tmp_path / "data"]).attempts) == 1
    assert "path-outside-evidence" in [p.code for p in lint_files([manifest]).findings]
    allowed = lint_files([manifest], allow_outside=[tmp_path / "data"])
    assert "path-outside-evidence" not in [p.code for p in allowed.findings]


if __name__ == "__main__":  # the child process of the `generated` fixture
    _load_generated(Path(sys.argv[1]))
