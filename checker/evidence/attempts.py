"""Attempt records as an :class:`~checker.evidence.model.AttemptTable`, checked column-wise.

The file is read by the one table reader (:func:`checker.files.tables.read_table_columns`);
here its columns are checked against the attempt format (:data:`ATTEMPT_COLUMNS`) with
vectorised tests. Only when a test fails are the offending rows located for the message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from checker.errors import ProblemCollector, did_you_mean
from checker.evidence.model import (
    ATTEMPT_COLUMNS,
    REQUIRED_ATTEMPT_COLUMNS,
    SPEND_COLUMNS,
    AttemptTable,
)
from checker.files.access import shown
from checker.files.tables import (
    FLAG_HINT,
    CodedText,
    Column,
    RawTable,
    parse_flags,
    read_table_columns,
)


def read_attempts(path: str | Path, *, display: str | None = None) -> AttemptTable:
    """Read one attempts file (``.jsonl``, ``.csv``, ``.tsv`` or ``.parquet``).

    Args:
        path: the file.
        display: the name to use in messages (default ``path`` as given).

    Returns:
        The attempts, each row remembering its line for later messages.

    Raises:
        RspcheckError: the file cannot be read as a table, or a column or row breaks the
            attempt format; every problem found, located by line and row.
    """
    raw = read_table_columns(path, display=display, text_columns=("run", "task"))
    return to_attempt_table(raw)


def to_attempt_table(raw: RawTable) -> AttemptTable:
    """Check a table's columns against the attempt format (vectorised) and build the table.

    Raises:
        RspcheckError: every problem found; the first offending row of each is located.
    """
    columns, lines, name = raw.columns, raw.lines, raw.file
    collector = ProblemCollector(name)
    unknown = [c for c in columns if c not in ATTEMPT_COLUMNS]
    missing = [c for c in REQUIRED_ATTEMPT_COLUMNS if c not in columns]
    if missing:
        # Not an attempts table: its header cells are not named (the file could be anything
        # a manifest pointed at; a message locates the problem, it does not copy the file).
        others = f"; it has {len(unknown):,} other column(s)" if unknown else ""
        collector.add(
            "attempt-missing-column",
            f"missing required column(s): {', '.join(missing)}{others}",
            hint="every attempt needs run, task and score; columns: "
            f"{', '.join(ATTEMPT_COLUMNS)} (map other tables with `rspcheck ingest table`)",
        )
    else:
        for c in unknown:
            collector.add(
                "unknown-key",
                f"unknown attempt column {shown(c)}",
                hint=did_you_mean(c, ATTEMPT_COLUMNS)
                or f"columns: {', '.join(ATTEMPT_COLUMNS)} (map other tables with `rspcheck "
                "ingest table`)",
            )
    collector.raise_if_errors()
    n = raw.rows

    def where(rows: np.ndarray) -> dict[str, object]:
        row = int(rows[0])
        return {"line": int(lines[row]) if lines is not None else None, "loc": ("row", row)}

    mistyped: dict[str, np.ndarray] = {}

    def numeric(col: str) -> np.ndarray:
        values = columns.get(col)
        if values is None:
            # one read-only NaN broadcast for every absent column: at 10M rows each absent
            # spend column would otherwise be 80 MB of NaN (and a write would fail loudly)
            return np.broadcast_to(np.float64(np.nan), (n,))
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            return values
        try:
            if isinstance(values, np.ndarray) and values.dtype.kind == "b":
                raise TypeError("a boolean column where a number belongs")
            if any(type(v) is bool for v in values):  # float(True) would pass as 1.0
                raise TypeError("a boolean where a number belongs")
            array = np.asarray(values, dtype=np.float64)  # None -> NaN
            if array.ndim != 1:  # cells holding lists ([-1]) make numpy build a 2-D array
                raise TypeError("a list where a number belongs")
            return array
        except (TypeError, ValueError):
            bad = np.flatnonzero([not _is_number(v) for v in values])
            mistyped[col] = bad
            collector.add(
                "wrong-type",
                f"column {col!r} holds {shown(values[int(bad[0])])}, not a number "
                f"({bad.size:,} such rows)",
                hint="numbers only; leave a cell empty (or null) when a value was not measured",
                **where(bad),
            )
            return np.asarray(
                [float(v) if v is not None and _is_number(v) else np.nan for v in values]  # type: ignore[arg-type]  # _is_number(v): float(v) works
            )

    score = numeric("score")
    bad = np.flatnonzero(~np.isfinite(score))
    bad = np.setdiff1d(bad, mistyped.get("score", []))  # already reported as wrong-type
    if bad.size:
        collector.add(
            "not-finite",
            f"score is missing or not finite in {bad.size:,} rows",
            hint="every attempt needs a score; an attempt that hit a limit scores 0",
            **where(bad),
        )
    bad = np.flatnonzero((score < 0) | (score > 1))
    if bad.size:
        collector.add(
            "score-out-of-range",
            f"score {score[bad[0]]:g} is outside [0, 1] ({bad.size:,} rows)",
            hint="map the harness's scores to [0, 1]",
            **where(bad),
        )
    spend = {}
    for col in SPEND_COLUMNS:
        values = numeric(col)
        bad = np.flatnonzero(np.isinf(values))
        if bad.size:
            collector.add(
                "not-finite",
                f"{col} is infinite in {bad.size:,} rows",
                hint="leave the value empty when unknown",
                **where(bad),
            )
        bad = np.flatnonzero(values < 0)
        if bad.size:
            collector.add(
                "negative-value",
                f"{col} is {values[bad[0]]:g} (negative) in {bad.size:,} rows",
                hint="spend cannot be negative; leave the value empty when unknown",
                **where(bad),
            )
        spend[col] = values
    attempt = None
    if "attempt" in columns:
        att = numeric("attempt")
        too_big = att > np.iinfo(np.int32).max  # would wrap around in the int32 array
        bad = np.flatnonzero(~np.isfinite(att) | (att < 0) | (att != np.round(att)) | too_big)
        if bad.size:
            collector.add(
                "invalid-value",
                f"attempt is missing or not a whole number >= 0 ({bad.size:,} rows)",
                hint="number attempts 0, 1, 2, ... within each task, or leave the column "
                "out everywhere to have them numbered in file order",
                **where(bad),
            )
        # bad rows (reported above) hold 0: a cast of NaN or of a value outside int32 warns
        attempt = np.where(np.isfinite(att) & (att >= 0) & ~too_big, att, 0).astype(np.int32)
    for key in ("run", "task"):
        vals = columns[key]
        if isinstance(vals, CodedText):  # missing is code -1; empty is one distinct value
            empty = [i for i, v in enumerate(vals.values) if v == ""]
            bad = np.flatnonzero((vals.codes < 0) | np.isin(vals.codes, empty))
        else:
            bad = np.flatnonzero(
                [v is None or v == "" for v in vals]
                if not isinstance(vals, np.ndarray)
                else (vals == None) | (vals == "")  # noqa: E711 - elementwise on object arrays
            )
        if bad.size:
            collector.add("missing-key", f"{key} is empty in {bad.size:,} rows", **where(bad))
        if isinstance(vals, list):
            bad = np.flatnonzero([isinstance(v, dict | list | bool) for v in vals])
            if bad.size:
                collector.add(
                    "wrong-type",
                    f"{key} holds {shown(vals[int(bad[0])])}, not an id ({bad.size:,} such rows)",
                    hint="ids are strings (or whole numbers)",
                    **where(bad),
                )
    limit_hit = None
    if "limit_hit" in columns:
        flags: Column = columns["limit_hit"]
        limit_hit, bad = parse_flags(flags)
        if bad.size:
            collector.add(
                "wrong-type",
                f"column 'limit_hit' holds {shown(flags[int(bad[0])])}, not true/false "
                f"({bad.size:,} such rows)",
                hint=FLAG_HINT,
                **where(bad),
            )
    collector.raise_if_errors()
    return AttemptTable.from_columns(
        run=_ids(columns["run"]),
        task=_ids(columns["task"]),
        score=score,
        attempt=attempt,
        spend=spend,
        limit_hit=limit_hit,
        sources=(name,),
        origin=lines,
    )


def _ids(values: Column) -> np.ndarray | CodedText:
    """An id column as :meth:`AttemptTable.from_columns` takes it (coded text stays coded)."""
    return values if isinstance(values, CodedText) else np.asarray(values, dtype=object)


def _is_number(v: object) -> bool:
    if v is None:
        return True
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not isinstance(v, bool | np.bool_)
