"""Property tests: whatever the bytes, loading either succeeds or raises RspcheckError.

Never another exception (a KeyError, a RecursionError, a pydantic ValidationError): every way
an input can be wrong must reach the user as located problems, never as a traceback.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import RspcheckError
from checker.evidence import load_evidence
from checker.evidence.attempts import read_attempts
from checker.policy.load import load_policy

DATA = Path(__file__).parent / "data"
POLICY_TEXT = (DATA / "policy-small.yaml").read_text()
EVIDENCE_TEXT = (DATA / "evidence-small.yaml").read_text()
POLICY_DATA = yaml.safe_load(POLICY_TEXT)
EVIDENCE_DATA = yaml.safe_load(EVIDENCE_TEXT)

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    shutil.copy(DATA / "attempts-small.jsonl", d)
    return d


def loads_or_rspcheck_error(loader, path: Path) -> None:
    try:
        loader(path)
    except RspcheckError as err:
        assert err.problems, "an RspcheckError must carry at least one problem"
        for p in err.problems:
            assert p.file is not None
            p.format()  # formatting never fails


def both(path_policy: Path, path_evidence: Path) -> None:
    loads_or_rspcheck_error(lambda p: load_policy(p, today=dt.date(2026, 6, 1)), path_policy)
    loads_or_rspcheck_error(load_evidence, path_evidence)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1))
)
keys = st.sampled_from(
    [
        "kind",
        "metadata",
        "thresholds",
        "actors",
        "runs",
        "id",
        "budget",
        "usd",
        "points",
        "function",
        "score",
        "models",
        "attempts",
        "path",
        "relations",
        "implies",
        "x",
    ]
) | st.text(max_size=8)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(workdir, raw):
    for name in ("p.yaml", "e.yaml"):
        (workdir / name).write_bytes(raw)
    both(workdir / "p.yaml", workdir / "e.yaml")


@SETTINGS
@given(documents, st.sampled_from([None, "rspcheck-policy", "rspcheck-evidence"]))
def test_arbitrary_yaml_documents(workdir, data, kind):
    if kind is not None and isinstance(data, dict):
        data = {"kind": kind, **data}
    text = yaml.safe_dump(data, allow_unicode=True)
    for name in ("p.yaml", "e.yaml"):
        (workdir / name).write_text(text, encoding="utf-8")
    both(workdir / "p.yaml", workdir / "e.yaml")


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


POLICY_PATHS = [p for p in _paths(POLICY_DATA) if p]
EVIDENCE_PATHS = [p for p in _paths(EVIDENCE_DATA) if p]


def _mutate(data, path, action, value):
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif action == "wrap":
        parent[last] = [parent[last]]
    elif action == "rename" and isinstance(last, str):
        parent[last + "x"] = parent.pop(last)
    return data


mutations = st.tuples(
    st.sampled_from(["delete", "replace", "wrap", "rename"]),
    documents,
)


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(POLICY_PATHS), mutations), min_size=1, max_size=3),
    st.lists(st.tuples(st.sampled_from(EVIDENCE_PATHS), mutations), min_size=1, max_size=3),
)
def test_mutated_examples(workdir, policy_edits, evidence_edits):
    pol, ev = POLICY_DATA, EVIDENCE_DATA
    # an earlier edit may have removed the path or replaced a parent with a scalar
    gone = (KeyError, IndexError, TypeError, AttributeError)
    for path, (action, value) in policy_edits:
        with contextlib.suppress(*gone):
            pol = _mutate(pol, path, action, value)
    for path, (action, value) in evidence_edits:
        with contextlib.suppress(*gone):
            ev = _mutate(ev, path, action, value)
    (workdir / "p.yaml").write_text(yaml.safe_dump(pol, allow_unicode=True), encoding="utf-8")
    (workdir / "e.yaml").write_text(yaml.safe_dump(ev, allow_unicode=True), encoding="utf-8")
    both(workdir / "p.yaml", workdir / "e.yaml")


@SETTINGS
@given(st.data())
def test_text_edits_of_the_examples(workdir, data):
    out = []
    for text in (POLICY_TEXT, EVIDENCE_TEXT):
        for _ in range(data.draw(st.integers(1, 3))):
            i = data.draw(st.integers(0, len(text)))
            j = data.draw(st.integers(i, min(len(text), i + 10)))
            text = text[:i] + data.draw(st.text(max_size=6)) + text[j:]
        out.append(text)
    (workdir / "p.yaml").write_text(out[0], encoding="utf-8")
    (workdir / "e.yaml").write_text(out[1], encoding="utf-8")
    both(workdir / "p.yaml", workdir / "e.yaml")


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)
columns = st.sampled_from(["run", "task", "attempt", "score", "usd", "limit_hit", "seconds", "x"])


@SETTINGS
@given(st.lists(st.dictionaries(columns, cells, max_size=6), max_size=6), st.binary(max_size=60))
def test_arbitrary_attempt_files(workdir, rows, junk):
    import json

    jl = workdir / "fuzz.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in rows) + junk.decode("latin-1"))
    loads_or_rspcheck_error(read_attempts, jl)
    header = sorted({k for r in rows for k in r})
    lines = [",".join(header)] + [
        ",".join("" if r.get(k) is None else str(r.get(k)) for k in header) for r in rows
    ]
    csv = workdir / "fuzz.csv"
    csv.write_bytes(("\n".join(lines) + "\n").encode() + junk)
    loads_or_rspcheck_error(read_attempts, csv)
