"""``load_many``: many evidence files in a process pool, identical to loading them one by one."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import ALL_LOGS, EVAL_LOGS

from checker.errors import Problem, RspcheckError
from checker.evidence.ingest import ingest
from checker.evidence.load import load_evidence, load_many, merge_evidence
from checker.evidence.model import SPEND_COLUMNS, AttemptTable
from checker.files import workers as _pool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "evidence.yaml"

POLICY = """\
kind: rspcheck-policy
format_version: 1
metadata: {id: arith-policy, title: Arith, version: "1", effective: 2026-01-01, owner: tests}
actors:
  - {id: low, title: Low, budget: {tokens: 100}}
  - {id: high, title: High, budget: {tokens: 1000}}
thresholds:
  - id: arith-high
    title: Arithmetic
    domain: cyber
    level: High
    evals: [arith]
    verifiable: true
    axis: tokens
    assessed_range: {min: low, max: high}
    function: 0.9
"""

needs_fork = pytest.mark.skipif(not _pool.can_fork(), reason="no fork start method here")


def table_fields(t: AttemptTable) -> dict:
    out = {
        "run": [t.run_ids[i] for i in t.run],
        "task": [t.task_ids[i] for i in t.task],
        "run_ids": t.run_ids,
        "task_ids": t.task_ids,
        "sources": t.sources,
    }
    for name in ("run", "task", "attempt", "score", "limit_hit"):
        out[f"{name}_codes"] = getattr(t, name).tolist()
        out[f"{name}_dtype"] = getattr(t, name).dtype.str
    for c in SPEND_COLUMNS:
        out[c] = np.nan_to_num(t.spend[c], nan=-1.0).tolist()
    return out


def same_evidence(a, b) -> None:
    assert a.manifest == b.manifest
    assert a.files == b.files
    assert a.warnings == b.warnings
    assert table_fields(a.attempts) == table_fields(b.attempts)


def test_rspcheck_error_survives_pickling() -> None:
    err = RspcheckError(
        [
            Problem("log-truncated", "cut off", file="a.eval", loc=("header.json",), hint="copy"),
            Problem("attempts-skipped", "2 left out", file="b.eval", severity="warning"),
        ]
    )
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, RspcheckError)
    assert back.problems == err.problems
    assert str(back) == str(err) and back.codes == ["log-truncated", "attempts-skipped"]


def _random_table(rng: np.random.Generator, n: int, runs: list[str], tasks: list[str]):
    return AttemptTable.from_columns(
        run=rng.choice(runs, n),
        task=rng.choice(tasks, n),
        score=rng.random(n),
        attempt=rng.integers(0, 5, n),
        spend={"usd": rng.random(n), "input_tokens": np.where(rng.random(n) < 0.3, np.nan, 1.0)},
        limit_hit=rng.random(n) < 0.2,
        sources=(f"f{n}",),
    )


def test_concat_equals_factorising_the_stacked_strings() -> None:
    rng = np.random.default_rng(3)
    tables = [
        _random_table(rng, 50, ["r1", "r2"], ["t-b", "t-a", "é", "T10", "t2"]),
        _random_table(rng, 0, ["r9"], ["z"]),
        _random_table(rng, 30, ["r2", "r3"], ["t-a", "Z", "t10"]),
        _random_table(rng, 40, ["r0"], ["t2", "a", "t-b"]),
    ]
    # a table whose vocabulary lists an id no row uses: dropped, as from_columns would
    t = tables[3]
    tables[3] = AttemptTable(
        run=t.run,
        task=t.task,
        attempt=t.attempt,
        score=t.score,
        spend=t.spend,
        limit_hit=t.limit_hit,
        run_ids=t.run_ids,
        task_ids=(*t.task_ids, "unused"),
        sources=t.sources,
    )
    got = AttemptTable.concat(tables)
    live = [t for t in tables if len(t)]
    want = AttemptTable.from_columns(
        run=np.concatenate([np.asarray(t.run_ids, dtype=object)[t.run] for t in live]),
        task=np.concatenate([np.asarray(t.task_ids, dtype=object)[t.task] for t in live]),
        score=np.concatenate([t.score for t in live]),
        attempt=np.concatenate([t.attempt for t in live]),
        spend={c: np.concatenate([t.spend[c] for t in live]) for c in SPEND_COLUMNS},
        limit_hit=np.concatenate([t.limit_hit for t in live]),
        sources=tuple(s for t in live for s in t.sources),
    )
    assert table_fields(got) == table_fields(want)
    assert "unused" not in got.task_ids


@needs_fork
def test_pool_gives_the_same_evidence_and_determination(tmp_path: Path) -> None:
    from checker.engine.evaluate import evaluate
    from checker.policy.load import load_policy

    paths = [*ALL_LOGS, EXAMPLE]
    seq = merge_evidence([load_evidence(p) for p in paths])
    pooled = load_many(paths, workers=2)
    same_evidence(seq, pooled)
    assert [r.id for r in pooled.runs] == [r.id for r in seq.runs]
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    loaded = load_policy(policy, today=dt.date(2026, 12, 1))
    kw = {"model": "budgetsim/sim-reasoner-1", "seed": 7, "as_of": dt.date(2026, 12, 1)}
    a = evaluate(loaded, seq, replicates=50, **kw).to_json()
    b = evaluate(loaded, pooled, replicates=50, **kw).to_json()
    assert a == b


@needs_fork
def test_pool_raises_the_first_failing_file_in_input_order(tmp_path: Path) -> None:
    bad1 = tmp_path / "cut.eval"
    bad1.write_bytes(EVAL_LOGS[0].read_bytes()[:3000])
    bad2 = tmp_path / "empty.eval"
    bad2.write_bytes(b"")
    paths = [EVAL_LOGS[1], bad2, EVAL_LOGS[2], bad1]
    with pytest.raises(RspcheckError) as seq:
        merge_evidence([load_evidence(p) for p in paths])
    with pytest.raises(RspcheckError) as pooled:
        load_many(paths, workers=2)
    assert pooled.value.problems == seq.value.problems
    assert pooled.value.problems[0].file == str(bad2)


@needs_fork
def test_two_logs_of_one_run_are_an_error_with_the_pool_too(tmp_path: Path) -> None:
    copy = tmp_path / "copy.eval"
    copy.write_bytes(EVAL_LOGS[0].read_bytes())
    with pytest.raises(RspcheckError) as err:
        load_many([EVAL_LOGS[0], copy], workers=2)
    assert "duplicate-id" in err.value.codes


def test_small_inputs_are_read_without_a_pool(monkeypatch) -> None:
    def no_pool(*a, **k):
        raise AssertionError("a pool was started for small inputs")

    monkeypatch.setattr(_pool, "map_ordered", no_pool)
    ev = load_many([*ALL_LOGS, EXAMPLE])  # a few small files: under POOL_MIN_BYTES
    assert len(ev.runs) == len(
        merge_evidence([load_evidence(p) for p in [*ALL_LOGS, EXAMPLE]]).runs
    )
    assert len(load_many([EVAL_LOGS[0]]).runs) == 1
    assert _pool.pool_size([EVAL_LOGS[0]], workers=4) == 1  # one file: never a pool


def test_pool_is_used_for_many_large_inputs(monkeypatch) -> None:
    monkeypatch.setattr(_pool, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(_pool, "available_cpus", lambda: 2)
    monkeypatch.setattr(_pool, "can_fork", lambda: True)
    assert _pool.pool_size(EVAL_LOGS, None) == 2
    assert _pool.pool_size(EVAL_LOGS, 1) == 1


@needs_fork
def test_ingest_in_a_pool_matches_sequential_and_reports_every_bad_source(tmp_path) -> None:
    seq, _ = ingest("inspect", ALL_LOGS, workers=1)
    seen: list[int] = []
    pooled, used = ingest("inspect", ALL_LOGS, workers=2, progress=seen.append)
    same_evidence(seq, pooled)
    assert sum(seen) == sum(p.stat().st_size for p in ALL_LOGS)  # each source once, whole
    assert [u.path for u in used] == [str(p) for p in ALL_LOGS]
    bad = tmp_path / "empty.eval"
    bad.write_bytes(b"")
    bad2 = tmp_path / "cut.eval"
    bad2.write_bytes(EVAL_LOGS[0].read_bytes()[:3000])
    for workers in (1, 2):
        with pytest.raises(RspcheckError) as err:
            ingest("inspect", [bad, *EVAL_LOGS, bad2], workers=workers)
        assert [p.file for p in err.value.problems] == [str(bad), str(bad2)]
