"""Loading evidence: a manifest plus its attempt files, checked row by row but stored as arrays.

Attempt files can hold millions of rows, so they are parsed column-wise and validated with
vectorised checks; only when a check fails are the offending rows located for the message.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import numpy as np

from checker.errors import Problem, ProblemCollector, RspcheckError, did_you_mean
from checker.evidence.model import (
    ATTEMPT_COLUMNS,
    REQUIRED_ATTEMPT_COLUMNS,
    SPEND_COLUMNS,
    AttemptTable,
    Evidence,
    EvidenceManifest,
)
from checker.files.document import Document, load_document, read_bytes, sha256_file
from checker.files.validation import validate

MAX_ATTEMPTS_BYTES = 4 * 1024**3
"""Largest attempts file accepted (4 GiB)."""
MAX_LISTED = 5
"""Rows named in one message before the rest are counted."""


def load_evidence(path: str | Path) -> Evidence:
    """Load evidence from a manifest (YAML/JSON) or from an eval log rspcheck can ingest.

    Raises:
        RspcheckError: every problem found, located by file, line and key path or row.
    """
    p = Path(path)
    if p.suffix.lower() in (".eval",) or _looks_like_log(p):
        from checker.evidence.ingest import load_log_evidence  # lazy: only for logs

        return load_log_evidence(p)
    doc = load_document(p)
    if doc.data.get("kind") not in (None, "rspcheck-evidence"):
        raise RspcheckError(
            [
                doc.problem(
                    "unknown-format",
                    f"kind is {doc.data.get('kind')!r}; an evidence manifest has "
                    "'kind: rspcheck-evidence'",
                    ("kind",),
                    hint="is this a policy? pass it with --policy",
                )
            ]
        )
    manifest = validate(EvidenceManifest, doc)
    collector = ProblemCollector(doc.file)
    collector.extend(check_manifest(manifest, doc))
    tables: list[AttemptTable] = []
    files = [(doc.file, doc.sha256)]
    for i, af in enumerate(manifest.attempts):
        target = (p.parent / af.path) if not Path(af.path).is_absolute() else Path(af.path)
        try:
            digest = sha256_file(target)
        except OSError as exc:
            collector.extend(
                [
                    doc.problem(
                        "file-not-found",
                        f"attempts file {af.path!r} cannot be opened: {exc.strerror or exc}",
                        ("attempts", i, "path"),
                        hint="paths are relative to the manifest's folder",
                    )
                ]
            )
            continue
        if af.sha256 and af.sha256 != digest:
            collector.extend(
                [
                    doc.problem(
                        "digest-mismatch",
                        f"attempts file {af.path!r} has sha256 {digest}, the manifest "
                        f"records {af.sha256}",
                        ("attempts", i, "sha256"),
                        hint="the file changed since the manifest was written; re-ingest it",
                    )
                ]
            )
            continue
        try:
            tables.append(read_attempts(target, display=str(target)))
        except RspcheckError as err:
            collector.extend(err.problems)
            continue
        files.append((str(target), digest))
    collector.raise_if_errors()
    attempts = AttemptTable.concat(tables)
    problems, warnings = check_attempts_against_runs(manifest, attempts, doc)
    collector.extend(problems)
    collector.raise_if_errors()
    warnings += [p.format() for p in collector.problems if p.severity == "warning"]
    return Evidence(
        manifest=manifest, attempts=attempts, files=tuple(files), warnings=tuple(warnings)
    )


def _looks_like_log(p: Path) -> bool:
    """A ``.json`` file that is an Inspect log rather than a manifest (peek, don't parse)."""
    if p.suffix.lower() != ".json":
        return False
    try:
        with open(p, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b'"eval"' in head and b'"version"' in head and b"rspcheck-evidence" not in head


def check_manifest(manifest: EvidenceManifest, doc: Document) -> list[Problem]:
    """Unique ids and references between models and runs."""
    out = []
    for section, items in (("models", manifest.models), ("runs", manifest.runs)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(
                    doc.problem(
                        "duplicate-id",
                        f"{section[:-1]} id {item.id!r} is used more than once",
                        (section, i, "id"),
                        hint="give each a unique id",
                    )
                )
            seen.add(item.id)
    models = [m.id for m in manifest.models]
    for i, run in enumerate(manifest.runs):
        if run.model not in models:
            out.append(
                doc.problem(
                    "unknown-reference",
                    f"run {run.id!r} names model {run.model!r}, which is not under 'models'",
                    ("runs", i, "model"),
                    hint=did_you_mean(run.model, models) or "add the model under 'models:'",
                )
            )
    return out


def check_attempts_against_runs(
    manifest: EvidenceManifest, attempts: AttemptTable, doc: Document
) -> tuple[list[Problem], list[str]]:
    """Attempts must name known runs and be unique; runs need attempts or a summary."""
    problems: list[Problem] = []
    warnings: list[str] = []
    run_ids = {r.id for r in manifest.runs}
    unknown = [r for r in attempts.run_ids if r not in run_ids]
    if unknown:
        counts = Counter(np.asarray(attempts.run_ids, dtype=object)[attempts.run])
        listed = ", ".join(f"{r!r} ({counts[r]:,} rows)" for r in unknown[:MAX_LISTED])
        more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
        first = int(np.flatnonzero(attempts.run == attempts.run_ids.index(unknown[0]))[0])
        file, line = attempts.locate(first)
        problems.append(
            Problem(
                "attempt-unknown-run",
                f"attempt records name runs the manifest does not define: {listed}{more}",
                file=file or doc.file,
                line=line,  # the first row naming the first of them
                hint=did_you_mean(unknown[0], sorted(run_ids))
                or "add these runs under 'runs:' in the manifest",
            )
        )
    if len(attempts):
        key = np.stack([attempts.run, attempts.task, attempts.attempt], axis=1)
        _, first, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
        dup = np.flatnonzero(counts > 1)
        if dup.size:
            row = int(first[dup[0]])
            again = int(np.flatnonzero((key == key[row]).all(axis=1))[1])
            file, line = attempts.locate(again)
            where = ""
            if line is not None:
                first_file, first_line = attempts.locate(row)
                where = f" (first at line {first_line}" + (
                    f" of {first_file})" if first_file != file else ")"
                )
            problems.append(
                Problem(
                    "attempt-duplicate",
                    f"{int((counts[dup] - 1).sum()):,} attempt records repeat a (run, task, "
                    f"attempt) key, e.g. run {attempts.run_ids[attempts.run[row]]!r}, task "
                    f"{attempts.task_ids[attempts.task[row]]!r}, attempt "
                    f"{int(attempts.attempt[row])}{where}",
                    file=file or doc.file,
                    line=line,  # the first repeat
                    hint="number attempts within each task, or drop the duplicated rows",
                )
            )
    with_rows = set(attempts.run_ids)
    for i, run in enumerate(manifest.runs):
        if run.id not in with_rows and run.summary is None:
            warnings.append(
                f"run {run.id!r} has neither attempt records nor a summary: it is not evidence"
            )
        elif run.id in with_rows and run.summary is not None:
            warnings.append(
                f"run {run.id!r} has attempt records and a summary; the summary is ignored"
            )
        elif run.id not in with_rows:
            problems.append(
                doc.problem(
                    "summary-only-run",
                    f"run {run.id!r} gives only a summary: lower-grade evidence (binomial "
                    "bounds, no task-level resampling)",
                    ("runs", i, "summary"),
                    severity="warning",
                )
            )
    return problems, warnings


# -- attempt files ------------------------------------------------------------------------------


def read_attempts(path: str | Path, *, display: str | None = None) -> AttemptTable:
    """Read one attempts file (``.jsonl``, ``.csv`` or ``.parquet``) into an AttemptTable."""
    p = Path(path)
    name = display or str(path)
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        columns, lines = _read_parquet(p, name), None
    elif suffix in (".jsonl", ".ndjson", ".csv") and (fast := _read_arrow(p, suffix)) is not None:
        columns, lines = fast
    else:
        raw = read_bytes(p, max_bytes=MAX_ATTEMPTS_BYTES)
        if b"\x00" in raw[:65536]:
            raise RspcheckError.one(
                "binary-file", "attempts file contains NUL bytes", file=name, hint="give text"
            )
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
        if suffix in (".jsonl", ".ndjson"):
            columns, lines = _read_jsonl(text, name)
        elif suffix == ".csv":
            columns, lines = _read_csv(text, name)
        else:
            raise RspcheckError.one(
                "unknown-format",
                f"cannot tell the format of {p.name!r} from its suffix",
                file=name,
                hint="name attempts files .jsonl, .csv or .parquet",
            )
    return _to_table(columns, lines, name)


def _read_jsonl(text: str, name: str) -> tuple[dict[str, list[object]], np.ndarray]:
    lines = text.splitlines()
    numbers = [i for i, line in enumerate(lines, start=1) if line.strip()]
    if not numbers:
        raise RspcheckError.one(
            "file-empty",
            "the attempts file is empty",
            file=name,
            hint="write one JSON object per attempt, one per line",
        )
    try:
        # One C-level parse of the whole file is ~3x faster than json.loads per line; only
        # when it fails do we parse line by line to say which line is wrong.
        rows = json.loads("[" + ",".join(lines[i - 1] for i in numbers) + "]")
    except ValueError:
        rows = None
    if rows is None or not all(isinstance(r, dict) for r in rows):
        _locate_jsonl_errors(lines, name)
    del lines
    keys: set[str] = set()
    for row in rows[:1000]:
        keys.update(row)
    if len(rows) > 1000:
        for row in rows:
            if len(row) > len(keys) or not keys.issuperset(row):
                keys.update(row)
    columns = {k: [row.get(k) for row in rows] for k in keys}
    return columns, np.asarray(numbers, dtype=np.int64)


def _locate_jsonl_errors(lines: list[str], name: str) -> None:
    collector = ProblemCollector(name)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
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


def _read_csv(text: str, name: str) -> tuple[dict[str, list[object]], np.ndarray]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RspcheckError.one(
            "file-empty", "the attempts file is empty", file=name, hint="add a header row"
        ) from None
    except csv.Error as exc:
        raise RspcheckError.one(
            "attempts-unreadable", f"bad CSV: {exc}", file=name, line=1
        ) from None
    header = [h.strip() for h in header]
    try:
        body = list(reader)
    except csv.Error as exc:
        raise RspcheckError.one(
            "attempts-unreadable", f"bad CSV: {exc}", file=name, line=reader.line_num
        ) from None
    width = len(header)
    bad = [i for i, r in enumerate(body) if len(r) != width and r]
    if bad:
        raise RspcheckError.one(
            "attempts-unreadable",
            f"row has {len(body[bad[0]])} cells, the header has {width}",
            file=name,
            line=bad[0] + 2,
            hint="every row needs one cell per header column (empty cells for missing values)",
        )
    body = [r for r in body if r]
    columns: dict[str, list[object]] = {}
    for j, h in enumerate(header):
        columns[h] = [r[j] if r[j] != "" else None for r in body]
    return columns, np.arange(2, len(body) + 2, dtype=np.int64)


def _read_arrow(p: Path, suffix: str) -> tuple[dict[str, object], np.ndarray] | None:
    """Columnar read with pyarrow (millions of rows a second), or None to use the slow path.

    Any failure (bad JSON, a column whose type changes, a header that is not UTF-8) returns
    None: the pure-Python reader then runs and reports the problem with its line number.
    """
    import pyarrow as pa

    try:
        return _read_arrow_columns(p, suffix)
    except (pa.ArrowException, OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return None


def _read_arrow_columns(p: Path, suffix: str) -> tuple[dict[str, object], np.ndarray] | None:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.json as pjson

    if p.stat().st_size > MAX_ATTEMPTS_BYTES:
        return None
    keys = {"run": pa.string(), "task": pa.string()}
    try:
        if suffix == ".csv":
            convert = pcsv.ConvertOptions(column_types=keys, null_values=[""])
            table = pcsv.read_csv(p, convert_options=convert)
            first_line = 2
        else:
            schema = pa.schema(list(keys.items()))
            opts = pjson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
            table = pjson.read_json(p, parse_options=opts)
            first_line = 1
    except (pa.ArrowException, OSError, ValueError):
        return None
    columns: dict[str, object] = {}
    for c in table.column_names:
        col = table.column(c)
        if c in keys and col.null_count == len(col):
            return None  # absent, or never given: the slow path tells which
        if c in keys:
            columns[c] = col.to_numpy(zero_copy_only=False)
        elif pa.types.is_boolean(col.type) and c != "limit_hit":
            return None  # a boolean where a number belongs: let the slow path name it
        elif pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            columns[c] = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
        elif pa.types.is_null(col.type):
            columns[c] = np.full(len(col), np.nan)
        elif c == "limit_hit" and pa.types.is_boolean(col.type):
            columns[c] = col.fill_null(False).to_numpy(zero_copy_only=False)
        else:
            return None
    if suffix != ".csv" and _has_blank_line(p):
        return None  # blank lines shift line numbers; the slow path counts them right
    return columns, np.arange(first_line, first_line + table.num_rows, dtype=np.int64)


def _has_blank_line(p: Path) -> bool:
    """Whether a file holds an empty line (searched in place, without reading it into memory)."""
    import mmap

    with open(p, "rb") as f:
        if f.seek(0, 2) == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"\n\n") >= 0 or m.find(b"\n\r\n") >= 0


def _read_parquet(p: Path, name: str) -> dict[str, list[object]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(p)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise RspcheckError.one(
            "attempts-unreadable", f"not a readable Parquet file: {exc}", file=name
        ) from None
    return {c: table.column(c).to_pylist() for c in table.column_names}


def _to_table(
    columns: dict[str, list[object]], lines: np.ndarray | None, name: str
) -> AttemptTable:
    """Validate columns (vectorised) and build the table; locate bad rows for messages."""
    collector = ProblemCollector(name)
    unknown = [c for c in columns if c not in ATTEMPT_COLUMNS]
    for c in unknown:
        collector.add(
            "unknown-key",
            f"unknown attempt column {c!r}",
            hint=did_you_mean(c, ATTEMPT_COLUMNS)
            or f"columns: {', '.join(ATTEMPT_COLUMNS)} (map other tables with `rspcheck "
            "ingest table`)",
        )
    missing = [c for c in REQUIRED_ATTEMPT_COLUMNS if c not in columns]
    if missing:
        collector.add(
            "attempt-missing-column",
            f"missing required column(s): {', '.join(missing)}",
            hint="every attempt needs run, task and score",
        )
    collector.raise_if_errors()
    n = len(columns["score"])

    def where(rows: np.ndarray) -> dict[str, object]:
        row = int(rows[0])
        return {"line": int(lines[row]) if lines is not None else None, "loc": ("row", row)}

    mistyped: dict[str, np.ndarray] = {}

    def numeric(col: str) -> np.ndarray:
        values = columns.get(col)
        if values is None:
            return np.full(n, np.nan)
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            return values
        try:
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
                f"column {col!r} holds {values[int(bad[0])]!r}, not a number "
                f"({bad.size:,} such rows)",
                hint="numbers only; leave a cell empty (or null) when a value was not measured",
                **where(bad),
            )
            return np.asarray(
                [float(v) if v is not None and _is_number(v) else np.nan for v in values]
            )  # type: ignore[arg-type]

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
        bad = np.flatnonzero(
            [v is None or v == "" for v in vals]
            if not isinstance(vals, np.ndarray)
            else (vals == None) | (vals == "")  # noqa: E711 - elementwise on object arrays
        )
        if bad.size:
            collector.add("missing-key", f"{key} is empty in {bad.size:,} rows", **where(bad))
        if not isinstance(vals, np.ndarray):
            bad = np.flatnonzero([isinstance(v, dict | list | bool) for v in vals])
            if bad.size:
                collector.add(
                    "wrong-type",
                    f"{key} holds {vals[int(bad[0])]!r}, not an id ({bad.size:,} such rows)",
                    hint="ids are strings (or whole numbers)",
                    **where(bad),
                )
    limit_hit = None
    if "limit_hit" in columns:
        flags = columns["limit_hit"]
        limit_hit = _flags(flags)
        if limit_hit is None:
            bad = np.flatnonzero([_flag(v) is None for v in flags])
            collector.add(
                "wrong-type",
                f"column 'limit_hit' holds {flags[int(bad[0])]!r}, not true/false "
                f"({bad.size:,} such rows)",
                hint="write true or false (or 1 / 0); leave the cell empty when unknown",
                **where(bad),
            )
    collector.raise_if_errors()
    return AttemptTable.from_columns(
        run=columns["run"],
        task=columns["task"],
        score=score,
        attempt=attempt,
        spend=spend,
        limit_hit=limit_hit,
        sources=(name,),
        origin=lines,
    )


_TRUE = frozenset({"1", "true", "True", "TRUE"})
_FALSE = frozenset({"0", "false", "False", "FALSE", ""})


def _flag(v: object) -> bool | None:
    """One limit_hit value as a bool; None when it is not a truth value. Missing is False."""
    if v is None or isinstance(v, bool):
        return bool(v)
    if isinstance(v, int | float):
        return None if v not in (0, 1) and v == v else bool(v == 1)  # NaN (missing) -> False
    if isinstance(v, str):
        return True if v.strip() in _TRUE else False if v.strip() in _FALSE else None
    return None


def _flags(values: object) -> np.ndarray | None:
    """limit_hit as a bool array, or None when some value is not a truth value."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return values
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        ok = np.isnan(values) | (values == 0) | (values == 1)
        return (values == 1) if ok.all() else None
    flags = [_flag(v) for v in values]  # type: ignore[attr-defined]
    return None if any(f is None for f in flags) else np.asarray(flags, dtype=bool)


def _is_number(v: object) -> bool:
    if v is None:
        return True
    try:
        float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not isinstance(v, bool)


def merge_evidence(parts: list[Evidence]) -> Evidence:
    """Combine evidence from several files; runs must not be claimed twice.

    Models defined identically in several files are kept once; a model defined differently
    (e.g. other prices) is an error, since the pricing would depend on file order.
    """
    if len(parts) == 1:
        return parts[0]
    problems: list[Problem] = []
    models: dict[str, object] = {}
    run_source: dict[str, str] = {}
    for part in parts:
        origin = part.files[0][0] if part.files else "<evidence>"
        for m in part.manifest.models:
            if m.id in models and models[m.id] != m:
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"model {m.id!r} is defined differently in two evidence files",
                        file=origin,
                        hint="define each model (and its prices) the same way everywhere",
                    )
                )
            models.setdefault(m.id, m)
        for r in part.manifest.runs:
            if r.id in run_source:
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"run {r.id!r} is claimed by {run_source[r.id]} and {origin}",
                        file=origin,
                        hint="each run may come from one source only; drop one of the files",
                    )
                )
            run_source.setdefault(r.id, origin)
    if problems:
        raise RspcheckError(problems)
    manifest = EvidenceManifest(
        title="; ".join(p.manifest.title for p in parts if p.manifest.title) or None,
        models=list(models.values()),  # type: ignore[arg-type]
        runs=[r for p in parts for r in p.manifest.runs],
        attempts=[],
        tasks=[t for p in parts for t in p.manifest.tasks],
        attestations=[a for p in parts for a in p.manifest.attestations],
    )
    return Evidence(
        manifest=manifest,
        attempts=AttemptTable.concat([p.attempts for p in parts]),
        files=tuple(f for p in parts for f in p.files),
        warnings=tuple(w for p in parts for w in p.warnings),
    )


def load_many(
    paths: list[str | Path] | tuple[str | Path, ...], *, workers: int | None = None
) -> Evidence:
    """Load several evidence files (manifests or eval logs) and merge them: the same result as
    ``merge_evidence([load_evidence(p) for p in paths])``, sooner.

    Many large inputs (a release's eval logs) are read in a pool of worker processes, one file
    per task, results taken in input order: the merged evidence (run order, warnings, and so
    any determination's JSON) is identical to sequential loading, and the first failing file
    in input order raises its :class:`~checker.errors.RspcheckError`, as sequentially. One
    file, or a few small ones, are read in this process (see :mod:`checker.files.workers`).
    ``workers``: processes to use (default: the CPUs available, at most 8); 1 is sequential.
    """
    from checker.files.workers import gc_paused, map_ordered, pool_size

    paths = [Path(p) for p in paths]
    n = pool_size(paths, workers)
    with gc_paused():
        if n <= 1:
            return merge_evidence([load_evidence(p) for p in paths])
        return merge_evidence(map_ordered(load_evidence, paths, n))
