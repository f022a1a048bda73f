"""Plain tables (CSV, JSON Lines, Parquet) from evaluators' own harnesses, with a column mapping.

One row is one attempt. ``mapping`` (the CLI's repeated ``--map FIELD=COLUMN``) says which
column holds which field; a field whose name is itself a column needs no mapping. Fields:

* per attempt: ``task`` and ``score`` (required), ``attempt`` (else numbered in row order),
  ``run``, ``input_tokens``, ``output_tokens``, ``reasoning_tokens``, ``cached_tokens``,
  ``usd``, ``seconds``, ``working_seconds``, ``limit_hit``;
* per run (one value per run, else an error): ``model``, ``eval``, ``eval_version``,
  ``scaffold``, ``date`` and the configured caps ``max_tokens``, ``reasoning_effort``,
  ``reasoning_tokens_limit`` (→ ``limits.reasoning_tokens``), ``token_limit``, ``time_limit``,
  ``working_limit``, ``message_limit``, ``cost_limit``, ``epochs``;
* per task: ``family``, ``human_minutes``.

``model`` and ``eval`` may instead be given as constants (``--model``, ``--eval``). Without a
``run`` column, a run is one combination of model, eval, scaffold and caps, named
``{file stem}:{eval}@{model}`` plus the caps that vary. Scores map to [0, 1] as for Inspect
(C/I/P/N, true/false, numbers); an empty score leaves the row out (counted); a score outside
[0, 1], a negative spend or a non-number is an error naming the line. ``limit_hit`` follows the
one truth-value rule of :func:`checker.files.tables.parse_flag` (true/false, yes/no, 1/0, a
limit's name such as ``token``; empty is false; anything else, ``2`` say, is an error naming the
line and column). Spend columns a table lacks stay NaN: a table with none has no measured budget
and says so. The file is read by the one table reader, :mod:`checker.files.tables`, as attempts
files of a manifest are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.errors import ProblemCollector, RspcheckError, did_you_mean
from checker.evidence.ingest.common import (
    MAX_LISTED,
    Columns,
    IngestedRun,
    Progress,
    SourceResult,
    Unmappable,
    safe_id,
    score_to_unit,
)
from checker.evidence.model import SPEND_COLUMNS, EvalRun, RunLimits, SourceFile, TaskInfo
from checker.files.access import sha256_file
from checker.files.tables import FLAG_HINT, parse_flag, read_table_columns

ATTEMPT_FIELDS = ("run", "task", "attempt", "score", *SPEND_COLUMNS, "limit_hit")
LIMIT_FIELDS = {
    "max_tokens": "max_tokens",
    "reasoning_effort": "reasoning_effort",
    "reasoning_tokens_limit": "reasoning_tokens",
    "token_limit": "token_limit",
    "time_limit": "time_limit",
    "working_limit": "working_limit",
    "message_limit": "message_limit",
    "cost_limit": "cost_limit",
    "epochs": "epochs",
}
RUN_FIELDS = ("model", "eval", "eval_version", "scaffold", "date", *LIMIT_FIELDS)
TASK_FIELDS = ("family", "human_minutes")
TEXT_FIELDS = (
    "run",
    "task",
    "model",
    "eval",
    "eval_version",
    "scaffold",
    "date",
    "reasoning_effort",
    "family",
)
"""Fields that hold ids or words: their columns are read as text (task ``007`` stays ``007``)."""
FIELDS = (*ATTEMPT_FIELDS, *RUN_FIELDS, *TASK_FIELDS)


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``["score=correct", "usd=cost_usd"]`` → ``{"score": "correct", "usd": "cost_usd"}``."""
    out: dict[str, str] = {}
    problems = []
    for item in items or []:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            problems.append(
                RspcheckError.one(
                    "map-invalid",
                    f"--map {item!r} is not FIELD=COLUMN",
                    hint="e.g. --map score=correct --map usd=cost_usd",
                ).problems[0]
            )
        elif field not in FIELDS:
            problems.append(
                RspcheckError.one(
                    "map-invalid",
                    f"--map names an unknown field {field!r}",
                    hint=did_you_mean(field, FIELDS) or f"fields: {', '.join(FIELDS)}",
                ).problems[0]
            )
        else:
            out[field] = column
    if problems:
        raise RspcheckError(problems)
    return out


def _num(v: Any) -> float:
    """A cell as a number: NaN for empty; raises ValueError for text."""
    if v is None or v == "":
        return math.nan
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int | float):
        return float(v)
    return float(str(v).strip())


def read_table(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    model: str | None = None,
    eval: str | None = None,
    scaffold: str | None = None,
    progress: Progress | None = None,
) -> SourceResult:
    """Read one table of attempts (see module doc) into runs and attempt columns."""
    p = Path(path)
    file = str(path)
    if not p.is_file():
        raise RspcheckError.one("file-not-found", "the file does not exist", file=file)
    sha = sha256_file(p)
    mapping = dict(mapping or {})
    text = [mapping.get(f, f) for f in TEXT_FIELDS]
    raw = read_table_columns(p, display=file, text_columns=text)
    if progress is not None:
        progress(p.stat().st_size)
    names = list(raw.columns)
    cols: dict[str, str] = {}
    probs = ProblemCollector(file, max_per_code=MAX_LISTED)
    for f in FIELDS:
        if f in mapping:
            if mapping[f] not in names:
                probs.add(
                    "map-invalid",
                    f"--map {f}={mapping[f]}: the table has no column {mapping[f]!r}",
                    hint=did_you_mean(mapping[f], names) or f"columns: {', '.join(names[:30])}",
                )
            else:
                cols[f] = mapping[f]
        elif f in names:
            cols[f] = f
    for f in ("task", "score"):
        if f not in cols and f not in mapping:
            probs.add(
                "attempt-missing-column",
                f"no {f} column",
                hint=f"map one with --map {f}=COLUMN (columns: {', '.join(names[:30])})",
            )
    if "model" not in cols and model is None:
        probs.add(
            "missing-key",
            "no model column and no --model",
            hint="--map model=COLUMN or --model NAME",
        )
    if "eval" not in cols and eval is None:
        probs.add(
            "missing-key", "no eval column and no --eval", hint="--map eval=COLUMN or --eval NAME"
        )
    probs.raise_if_errors(with_warnings=False)

    stem = safe_id(p.stem)
    runs: dict[str, IngestedRun] = {}
    run_fields: dict[str, dict[str, Any]] = {}
    run_lines: dict[str, int] = {}
    budget_keys = [f for f in LIMIT_FIELDS if f in cols]
    data = raw.as_lists()
    for i in range(raw.rows):
        line = raw.where(i)["line"] or i + 1  # Parquet has no lines: its row number

        def get(column: str, i: int = i) -> Any:
            return data[column][i]

        # run identity
        rmodel = get(cols["model"]) if "model" in cols else model
        reval = get(cols["eval"]) if "eval" in cols else eval
        if rmodel in (None, "") or reval in (None, ""):
            probs.add("missing-key", "row has no model or eval", line=line)
            continue
        fields = {k: get(cols[k]) for k in RUN_FIELDS if k in cols and k not in ("model", "eval")}
        fields["model"], fields["eval"] = str(rmodel), str(reval)
        if "run" in cols and get(cols["run"]) not in (None, ""):
            run_id = safe_id(str(get(cols["run"])))
        else:
            suffix = "".join(
                f":{get(cols[k])}" for k in budget_keys if get(cols[k]) not in (None, "")
            )
            run_id = safe_id(f"{stem}:{reval}@{rmodel}{suffix}")
        prev = run_fields.get(run_id)
        if prev is None:
            run_fields[run_id] = fields
            run_lines[run_id] = line
            runs[run_id] = IngestedRun(run=None, columns=Columns())  # type: ignore[arg-type]
        else:
            for k, v in fields.items():
                if prev.get(k) != v:
                    code = "log-mixed-models" if k == "model" else "invalid-value"
                    probs.add(
                        code,
                        f"run {run_id} has {k} {prev.get(k)!r} (line "
                        f"{run_lines[run_id]}) and {v!r}",
                        line=line,
                        hint="one run has one value; give each its own run id",
                    )
                    break
        rd = runs[run_id]
        # attempt
        task = get(cols["task"])
        if task in (None, ""):
            probs.add("missing-key", "row has no task", line=line)
            continue
        try:
            score = score_to_unit(get(cols["score"]))
        except Unmappable as exc:
            probs.add("score-unmappable", f"score: {exc}", line=line, loc=(cols["score"],))
            continue
        if math.isnan(score):
            rd.skipped["unscored"] += 1
            continue
        if not 0.0 <= score <= 1.0:
            probs.add(
                "score-out-of-range",
                f"score {get(cols['score'])!r} is outside [0, 1]",
                line=line,
                loc=(cols["score"],),
                hint="rescale to [0, 1], or map another column with --map score=COLUMN",
            )
            continue
        spend: dict[str, float] = {}
        bad = False
        for k in SPEND_COLUMNS:
            if k not in cols:
                continue
            try:
                v = _num(get(cols[k]))
            except (ValueError, TypeError):
                probs.add(
                    "wrong-type", f"{k} {get(cols[k])!r} is not a number", line=line, loc=(cols[k],)
                )
                bad = True
                continue
            if v < 0 or math.isinf(v):
                probs.add(
                    "negative-value" if v < 0 else "not-finite",
                    f"{k} is {v:g}",
                    line=line,
                    loc=(cols[k],),
                    hint="spend is a count or amount >= 0; leave the cell empty when unknown",
                )
                bad = True
            spend[k] = v
        attempt = -1
        if "attempt" in cols:
            try:
                a = _num(get(cols["attempt"]))
                if not (a >= 0 and a == int(a)):
                    raise ValueError(a)
                attempt = int(a)
            except (ValueError, TypeError):
                probs.add(
                    "invalid-value",
                    f"attempt {get(cols['attempt'])!r} is not a whole number >= 0",
                    line=line,
                    loc=(cols["attempt"],),
                )
                bad = True
        if bad:
            continue
        hit = parse_flag(get(cols["limit_hit"])) if "limit_hit" in cols else False
        if hit is None:
            probs.add(
                "wrong-type",
                f"column {cols['limit_hit']!r} (limit_hit) holds {get(cols['limit_hit'])!r}, "
                "not true/false",
                line=line,
                loc=(cols["limit_hit"],),
                hint=FLAG_HINT,
            )
            continue
        rd.columns.add(str(task), attempt, score, spend, hit)
        fam = get(cols["family"]) if "family" in cols else None
        hm = get(cols["human_minutes"]) if "human_minutes" in cols else None
        if (fam not in (None, "") or hm not in (None, "")) and str(task) not in rd.tasks:
            try:
                hmf = _num(hm)
            except (ValueError, TypeError):
                hmf = math.nan
            rd.tasks[str(task)] = TaskInfo(
                eval=safe_id(str(reval)),
                task=str(task),
                family=None if fam in (None, "") else str(fam),
                human_minutes=hmf if math.isfinite(hmf) and hmf > 0 else None,
            )
    probs.raise_if_errors(with_warnings=False)

    result = SourceResult(path=file, sha256=sha, format="table")
    for run_id, rd in runs.items():
        given = run_fields[run_id]
        limits: dict[str, Any] = {}
        for k, target in LIMIT_FIELDS.items():
            v = given.get(k)
            if v in (None, ""):
                continue
            if target != "reasoning_effort":
                try:
                    v = _num(v)
                    v = (
                        int(v)
                        if target
                        in (
                            "max_tokens",
                            "reasoning_tokens",
                            "token_limit",
                            "message_limit",
                            "epochs",
                        )
                        and v == int(v)
                        else v
                    )
                except (ValueError, TypeError):
                    pass
            limits[target] = v
        try:
            run = EvalRun(
                id=run_id,
                model=safe_id(given["model"]),
                eval=safe_id(given["eval"]),
                eval_version=None
                if given.get("eval_version") in (None, "")
                else str(given["eval_version"]),
                scaffold=safe_id(str(given.get("scaffold") or scaffold or "default")),
                date=_date(given.get("date")),
                limits=RunLimits(**limits),
                source=SourceFile(path=file, sha256=sha, format="table"),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RspcheckError.one(
                "invalid-value",
                f"run {run_id}: {'.'.join(map(str, first['loc']))}: {first['msg']}",
                file=file,
                line=run_lines[run_id],
            ) from None
        if not rd.columns.task:
            continue
        # number attempts within (run, task) in row order where no column gave them
        if any(a < 0 for a in rd.columns.attempt):
            counter: Counter[str] = Counter()
            for i, (t, a) in enumerate(zip(rd.columns.task, rd.columns.attempt, strict=True)):
                if a < 0:
                    rd.columns.attempt[i] = counter[t]
                counter[t] += 1
        rd.run = run
        result.runs.append(rd)
    if not any(k in cols for k in ("input_tokens", "output_tokens", "usd", "seconds")):
        probs.warn(
            "budget-unmeasured",
            "the table has no spend columns (tokens, usd or "
            "seconds): its runs have no measured budget",
            hint="map spend with --map input_tokens=COL --map output_tokens=COL "
            "--map usd=COL --map seconds=COL",
        )
    result.warnings.extend(probs.warnings)
    return result


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and len(v) >= 10:
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    return None
