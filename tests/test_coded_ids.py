"""Id columns read as codes (CodedText) give the same attempts and errors as read as strings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import checker.files.tables as tables
from checker.errors import RspcheckError
from checker.evidence.attempts import read_attempts
from checker.files.tables import CodedText, read_table_columns

ROWS = [
    ("r-b", "t10", 0.5),
    ("r-a", "t2", 1.0),
    ("r-b", "t2", 0.0),
    ("r-é", "t10", 0.25),
    ("r-a", "007", 0.75),
]


def _csv(tmp_path, rows=ROWS):
    p = tmp_path / "a.csv"
    p.write_text("run,task,score\n" + "".join(f"{r},{t},{s}\n" for r, t, s in rows))
    return p


def _same(a, b) -> None:
    assert a.run_ids == b.run_ids and a.task_ids == b.task_ids
    for name in ("run", "task", "attempt", "score", "limit_hit", "origin"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_csv_ids_come_coded_and_match_the_string_path(tmp_path, monkeypatch):
    p = _csv(tmp_path)
    raw = read_table_columns(p, text_columns=("run", "task"))
    assert isinstance(raw.columns["run"], CodedText)
    assert list(raw.columns["task"]) == [t for _, t, _ in ROWS]
    coded = read_attempts(p)
    monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    _same(coded, read_attempts(p))
    assert coded.task_ids == ("007", "t10", "t2")  # text, sorted as strings


def test_parquet_ids_coded_match_csv(tmp_path):
    p = tmp_path / "a.parquet"
    cols = list(zip(*ROWS, strict=True))
    pq.write_table(pa.table({"run": cols[0], "task": cols[1], "score": cols[2]}), p)
    a = read_attempts(p)
    b = read_attempts(_csv(tmp_path))
    assert a.run_ids == b.run_ids and a.task_ids == b.task_ids
    np.testing.assert_array_equal(a.run, b.run)
    np.testing.assert_array_equal(a.task, b.task)


def test_missing_id_located_the_same_both_ways(tmp_path, monkeypatch):
    p = tmp_path / "a.csv"
    p.write_text('run,task,score\nr1,t1,0.5\nr1,"",0.5\n,t2,1\n')
    with pytest.raises(RspcheckError) as fast:
        read_attempts(p)
    monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    with pytest.raises(RspcheckError) as slow:
        read_attempts(p)
    got = [(x.code, x.line, x.msg) for x in fast.value.problems]
    assert got == [(x.code, x.line, x.msg) for x in slow.value.problems]
    assert {(c, line) for c, line, _ in got} == {("missing-key", 3), ("missing-key", 4)}


def test_as_lists_decodes(tmp_path):
    raw = read_table_columns(_csv(tmp_path), text_columns=("run",))
    assert raw.as_lists()["run"] == [r for r, _, _ in ROWS]


def test_unused_coded_values_are_not_ids():
    from checker.evidence.model import AttemptTable

    codes = np.array([2, 0, 2], dtype=np.int32)
    t = AttemptTable.from_columns(
        run=CodedText(codes, ("r-z", "unused", "r-a")), task=["t", "t", "u"], score=[1, 0, 1]
    )
    assert t.run_ids == ("r-a", "r-z")
    np.testing.assert_array_equal(t.run, [0, 1, 0])
