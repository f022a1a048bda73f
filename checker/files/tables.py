"""The one reader of attempt tables (CSV, TSV, JSON Lines, Parquet) and the one truth-value rule.

Both the evidence manifest's attempts files (:mod:`checker.evidence.attempts`) and ``rspcheck
ingest table`` (:mod:`checker.evidence.ingest.tables`) read tables here, so a file means the same
thing whichever way it comes in. The reader only parses: it returns named columns plus the line
each row came from, and what the columns must hold is checked by the caller.

Tables can hold millions of rows, so CSV and JSON Lines are first read column-wise with pyarrow
(millions of rows a second). Whenever pyarrow cannot read a file cleanly (bad JSON, a column whose
type changes, a value of a type the callers do not expect, blank lines that would shift line
numbers), a pure-Python reader runs instead and reports the problem with its line number. Either
way the callers see the same values: numbers as float64 arrays (missing is NaN), text as object
arrays or lists (missing is None), booleans as bool arrays. The id columns a caller names
(``text_columns``) come from pyarrow as :class:`CodedText`, an int32 code per row into the
column's distinct values: ten million rows of run and task ids are then two int32 arrays and a
few thousand strings, not twenty million Python strings to build, compare and sort.

``limit_hit`` and any other truth-valued column follow one rule (:func:`parse_flag`): true/false,
yes/no, 1/0 (any case), a limit's name (``token``, ``time``, ...: that limit was hit) or empty
(not hit). Anything else (``2``, ``maybe``) is not a truth value, and the caller reports it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checker.errors import ProblemCollector, RspcheckError
from checker.files.access import open_regular, read_bytes
from checker.files.document import JsonTooDeep, json_loads

MAX_TABLE_BYTES = 4 * 1024**3
"""Largest table accepted (4 GiB)."""
MAX_LISTED = 5
"""Unreadable lines named in one error before reading stops."""
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
TABLE_SUFFIXES[".parquet"] = "parquet"


@dataclass(frozen=True)
class CodedText:
    """A text column as codes: row ``i`` holds ``values[codes[i]]``, or nothing (missing) where
    ``codes[i]`` is -1. ``values`` are distinct, in no particular order."""

    codes: np.ndarray
    """int32 per row; -1 where the cell is missing."""
    values: tuple[str, ...]
    """The distinct values the codes point into."""

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __getitem__(self, row: int) -> str | None:
        code = int(self.codes[row])
        return None if code < 0 else self.values[code]

    def __iter__(self) -> Iterator[str | None]:
        return iter(self.decoded().tolist())

    def decoded(self) -> np.ndarray:
        """The column as an object array of str (None where missing): the slow form, for
        callers that go row by row."""
        lookup = np.empty(len(self.values) + 1, dtype=object)
        lookup[: len(self.values)] = self.values
        lookup[-1] = None  # code -1 indexes the last slot
        return lookup[self.codes]


Column = np.ndarray | list[object] | CodedText
"""One column: float64 (numbers, NaN missing), bool, object values (text, None missing), or
coded text (an id column read by pyarrow)."""


@dataclass(frozen=True)
class RawTable:
    """A table as read, before its meaning is checked: named columns and each row's origin."""

    file: str
    """The path as the user gave it (for messages)."""
    columns: dict[str, Column]
    """Column name -> values, in the file's column order."""
    lines: np.ndarray | None
    """1-based line of each row in the file (``None`` for Parquet, which has no lines)."""
    rows: int
    """Number of rows."""

    def where(self, row: int) -> dict[str, Any]:
        """``line`` and ``loc`` keyword arguments locating one row in a problem."""
        line = int(self.lines[row]) if self.lines is not None else None
        return {"line": line, "loc": ("row", row)}

    def as_lists(self) -> dict[str, list[object]]:
        """Every column as a Python list of plain values, a missing value as None.

        Row-by-row callers (``ingest table``) want ``float``/``bool``/``str``, not numpy
        scalars, and one spelling of "missing" whichever reader ran.
        """
        out: dict[str, list[object]] = {}
        for name, values in self.columns.items():
            if isinstance(values, CodedText):
                values = values.decoded()
            items = values.tolist() if isinstance(values, np.ndarray) else list(values)
            out[name] = [None if type(v) is float and math.isnan(v) else v for v in items]
        return out


def table_format(path: str | Path) -> str | None:
    """``csv``, ``tsv``, ``jsonl`` or ``parquet`` from a file's suffix; None for anything else."""
    return TABLE_SUFFIXES.get(Path(path).suffix.lower())


def read_table_columns(
    path: str | Path,
    *,
    display: str | None = None,
    text_columns: Sequence[str] = ("run", "task"),
) -> RawTable:
    """Read one table file into columns (see module doc).

    Args:
        path: the file; its suffix names the format (``.csv``, ``.tsv``, ``.jsonl``,
            ``.ndjson``, ``.parquet``).
        display: the name to use in messages (default ``path`` as given).
        text_columns: columns that hold ids and must stay text (``007`` is not ``7``).

    Returns:
        The columns, each row's line, and the row count.

    Raises:
        RspcheckError: ``unknown-format``, ``file-not-found``, ``file-empty``, ``binary-file``,
            ``not-utf8``, ``file-too-large`` or ``attempts-unreadable``, located by line.
    """
    p = Path(path)
    name = display or str(path)
    fmt = table_format(p)
    if fmt is None:
        raise RspcheckError.one(
            "unknown-format",
            f"cannot tell the table format of {p.name!r} from its suffix",
            file=name,
            hint="name tables .csv, .tsv, .jsonl or .parquet",
        )
    # a regular file within the limit (a FIFO or /dev/zero is refused before a byte is read),
    # checked here for every reader: pyarrow would take whatever it is given
    f, _ = open_regular(p, max_bytes=MAX_TABLE_BYTES, display=name)
    with f:
        head = f.read(65536) if fmt != "parquet" else b""
    if fmt == "parquet":
        return _read_parquet(p, name, tuple(text_columns))
    if b"\x00" in head:  # checked before either reader: pyarrow would take it
        raise RspcheckError.one(
            "binary-file", "the table contains NUL bytes", file=name, hint="give text"
        )
    fast = _read_arrow(p, fmt, tuple(text_columns))
    if fast is not None:
        columns, lines = fast
        return RawTable(name, columns, lines, len(lines))
    raw = read_bytes(p, max_bytes=MAX_TABLE_BYTES, display=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RspcheckError.one(
            "not-utf8",
            f"byte {exc.start} is not valid UTF-8",
            file=name,
            line=raw[: exc.start].count(b"\n") + 1,
            hint="save the file as UTF-8",
        ) from None
    del raw
    if fmt == "jsonl":
        columns, lines = _read_jsonl(text, name)
    else:
        columns, lines = _read_csv(text, name, "\t" if fmt == "tsv" else ",")
    return RawTable(name, columns, lines, len(lines))


# -- the pure-Python readers (they locate every problem) ----------------------------------------


def _read_jsonl(text: str, name: str) -> tuple[dict[str, Column], np.ndarray]:
    lines = text.splitlines()
    numbers = [i for i, line in enumerate(lines, start=1) if line.strip()]
    if not numbers:
        raise RspcheckError.one(
            "file-empty",
            "the table is empty",
            file=name,
            hint="write one JSON object per attempt, one per line",
        )
    rows: list[Any] | None
    try:
        # One C-level parse of the whole file is ~3x faster than json.loads per line; only
        # when it fails do we parse line by line to say which line is wrong.
        rows = json_loads("[" + ",".join(lines[i - 1] for i in numbers) + "]")
    except ValueError:
        rows = None
    if rows is None or not all(isinstance(r, dict) for r in rows):
        _locate_jsonl_errors(lines, name)
    assert rows is not None  # _locate_jsonl_errors raised otherwise
    del lines
    keys: dict[str, None] = {}  # ordered: the columns in the order they first appear
    for row in rows:
        if len(row) > len(keys) or not keys.keys() >= row.keys():
            keys.update(dict.fromkeys(row))
    columns: dict[str, Column] = {k: [row.get(k) for row in rows] for k in keys}
    return columns, np.asarray(numbers, dtype=np.int64)


def _locate_jsonl_errors(lines: list[str], name: str) -> None:
    collector = ProblemCollector(name)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json_loads(line)
        except JsonTooDeep as exc:
            collector.add(
                "yaml-too-deep",
                f"the line's JSON is {exc}",
                line=number,
                hint="an attempt row is one flat JSON object: run, task, score, spend",
            )
        except ValueError as exc:
            collector.add(
                "attempts-unreadable",
                f"line is not valid JSON: {exc}",
                line=number,
                hint="each line must be one JSON object",
            )
        else:
            if not isinstance(row, dict):
                collector.add(
                    "attempts-unreadable",
                    f"line holds a {type(row).__name__}, not a JSON object",
                    line=number,
                    hint="each line must be one JSON object",
                )
        if len(collector.problems) >= MAX_LISTED:
            break
    if not collector.problems:  # pragma: no cover - the bulk parse failed for another reason
        collector.add("attempts-unreadable", "the file is not valid JSON Lines")
    collector.raise_if_errors()


def _read_csv(text: str, name: str, delimiter: str) -> tuple[dict[str, Column], np.ndarray]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise RspcheckError.one(
            "file-empty", "the table is empty", file=name, hint="add a header row"
        ) from None
    except csv.Error as exc:
        raise RspcheckError.one(
            "attempts-unreadable", f"bad CSV: {exc}", file=name, line=1
        ) from None
    header = [h.strip() for h in header]
    width = len(header)
    body: list[list[str]] = []
    numbers: list[int] = []
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue  # a blank line
            if len(row) != width:
                raise RspcheckError.one(
                    "attempts-unreadable",
                    f"row has {len(row)} cells, the header has {width}",
                    file=name,
                    line=reader.line_num,
                    hint="every row needs one cell per header column (empty cells for "
                    "missing values)",
                )
            body.append(row)
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise RspcheckError.one(
            "attempts-unreadable", f"bad CSV: {exc}", file=name, line=reader.line_num
        ) from None
    columns: dict[str, Column] = {}
    for j, h in enumerate(header):
        columns[h] = [r[j] if r[j] != "" else None for r in body]
    return columns, np.asarray(numbers, dtype=np.int64)


# -- the pyarrow readers -----------------------------------------------------------------------


def _read_arrow(
    p: Path, fmt: str, text_columns: tuple[str, ...] = ("run", "task")
) -> tuple[dict[str, Column], np.ndarray] | None:
    """Columnar read with pyarrow, or None to use the pure-Python reader.

    Any failure (bad JSON, a column whose type changes, a header that is not UTF-8) returns
    None: the pure-Python reader then runs and reports the problem with its line number.
    """
    try:
        import pyarrow as pa
    except ImportError:  # a broken installation: the pure-Python reader still works
        return None
    try:
        return _read_arrow_columns(p, fmt, text_columns)
    except (pa.ArrowException, OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return None


def _read_arrow_columns(
    p: Path, fmt: str, text_columns: tuple[str, ...]
) -> tuple[dict[str, Column], np.ndarray] | None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.json as pjson

    size = p.stat().st_size
    if size > MAX_TABLE_BYTES or size == 0:
        return None
    if fmt in ("csv", "tsv"):
        # only the header is known before reading: force just the id columns it names
        with open(p, "rb") as f:
            first = f.readline().decode("utf-8-sig")
        delimiter = "\t" if fmt == "tsv" else ","
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
        if len(set(header)) != len(header):
            return None  # repeated column names: the pure-Python reader keeps the last
        convert = pcsv.ConvertOptions(
            column_types={c: pa.string() for c in text_columns if c in header},
            null_values=[""],
            strings_can_be_null=True,
        )
        table = pcsv.read_csv(
            p,
            # blank lines kept as rows of nulls, found below: they would shift line numbers
            parse_options=pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=convert,
        )
        if [c.strip() for c in table.column_names] != table.column_names:
            return None  # " task": the pure-Python reader strips the names
        if table.num_columns and table.num_rows:
            blank = pc.is_null(table.column(0))
            for i in range(1, table.num_columns):
                blank = pc.and_(blank, pc.is_null(table.column(i)))
            if pc.any(blank).as_py():
                return None  # a blank line (or a row of empty cells): the pure-Python reader
        first_line = 2
    else:
        schema = pa.schema([(c, pa.string()) for c in text_columns])
        opts = pjson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
        table = pjson.read_json(p, parse_options=opts)
        first_line = 1
    columns: dict[str, Column] = {}
    for c in table.column_names:
        col = table.column(c)
        if c in text_columns and col.null_count == len(col):
            return None  # absent, or never given: the pure-Python reader tells which
        values: Column | None = _coded(col) if c in text_columns else None
        values = values if values is not None else _arrow_values(col)
        if values is None:
            return None
        columns[c] = values
    if fmt == "jsonl" and _has_blank_line(p):
        return None  # blank lines shift line numbers; the pure-Python reader counts them right
    return columns, np.arange(first_line, first_line + table.num_rows, dtype=np.int64)


def _arrow_values(col: Any) -> Column | None:
    """One pyarrow column as the values callers expect, or None for a type they do not."""
    import pyarrow as pa

    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return col.cast(pa.float64()).to_numpy(zero_copy_only=False)  # null -> NaN
    if pa.types.is_boolean(t):
        if col.null_count:
            return np.asarray(col.to_pylist(), dtype=object)  # True, False and None
        return col.to_numpy(zero_copy_only=False)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col.to_numpy(zero_copy_only=False)  # object array, null -> None
    if pa.types.is_null(t):
        return np.full(len(col), np.nan)
    return None


def _coded(col: Any) -> CodedText | None:
    """A pyarrow text column as :class:`CodedText` (None when it does not hold text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    encoded = col.combine_chunks().dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return CodedText(codes.astype(np.int32, copy=False), tuple(encoded.dictionary.to_pylist()))


def _has_blank_line(p: Path) -> bool:
    """Whether a file holds an empty line (searched in place, without reading it into memory)."""
    import mmap

    with open(p, "rb") as f:
        if f.seek(0, 2) == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"\n\n") >= 0 or m.find(b"\n\r\n") >= 0


def _read_parquet(p: Path, name: str, text_columns: tuple[str, ...]) -> RawTable:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pyarrow is a core dependency; this is a broken installation
        raise RspcheckError.one(
            "dependency-missing",
            "reading Parquet needs pyarrow, which is not importable",
            file=name,
            hint="reinstall rspcheck (pyarrow is one of its dependencies: pip install "
            "--force-reinstall pyarrow), or export the table as CSV or JSON Lines",
        ) from None
    try:
        table = pq.read_table(p)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise RspcheckError.one(
            "attempts-unreadable", f"not a readable Parquet file: {exc}", file=name
        ) from None
    columns: dict[str, Column] = {}
    for c in table.column_names:
        col = table.column(c)
        values: Column | None = _coded(col) if c in text_columns else None
        values = values if values is not None else _arrow_values(col)
        columns[c] = values if values is not None else col.to_pylist()  # dates, lists, ...
    return RawTable(name, columns, None, table.num_rows)


# -- truth values ------------------------------------------------------------------------------

LIMIT_NAMES = frozenset(
    {"token", "time", "working", "message", "context", "cost", "operator", "custom"}
)
"""Limit names (Inspect's sample-limit types): in a truth-valued cell, that limit was hit."""
_TRUE = frozenset({"true", "1", "1.0", "yes", "y", "t"}) | LIMIT_NAMES
_FALSE = frozenset({"false", "0", "0.0", "no", "n", "f", "", "none", "null"})
FLAG_HINT = (
    "write true or false (also yes/no, 1/0, or the name of the limit hit: "
    + ", ".join(sorted(LIMIT_NAMES))
    + "); leave the cell empty when no limit was hit"
)
"""The fix to print for a value :func:`parse_flag` refuses."""


def parse_flag(value: object) -> bool | None:
    """One truth-valued cell as a bool; None when it is not a truth value (see module doc).

    Missing (None, NaN, empty) is False: no limit was recorded as hit.
    """
    if value is None or isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        if value != value:  # NaN: missing
            return False
        return bool(value == 1) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else None
    return None


def parse_flags(values: Column) -> tuple[np.ndarray, np.ndarray]:
    """A truth-valued column as a bool array, and the rows that hold no truth value.

    Returns:
        ``(flags, bad)``: ``flags[i]`` is the row's value (False where ``bad``), ``bad`` the
        indices of rows :func:`parse_flag` refuses (empty when all are fine).
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return values, np.empty(0, dtype=np.int64)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        ok = np.isnan(values) | (values == 0) | (values == 1)
        return values == 1, np.flatnonzero(~ok)
    parsed = [parse_flag(v) for v in values]
    bad = np.asarray([i for i, f in enumerate(parsed) if f is None], dtype=np.int64)
    return np.asarray([bool(f) for f in parsed], dtype=bool), bad


__all__ = [
    "FLAG_HINT",
    "LIMIT_NAMES",
    "MAX_TABLE_BYTES",
    "CodedText",
    "RawTable",
    "parse_flag",
    "parse_flags",
    "read_table_columns",
    "table_format",
]
