"""lm-evaluation-harness output: ``results_<date>.json`` plus ``samples_<task>_<date>.jsonl``.

A source is a results file (its samples files are found beside it by the shared ``<date>``), a
folder (every ``results_*.json`` under it), or one samples file (then the model must be given).
Each task's samples file is one run.

Rows: one per document (``doc_id``) and repeat. The score is the chosen ``metric`` (default: the
first in the line's ``metrics``) of the chosen ``filter`` (default: the first filter in the file;
a warning names the others; lines of other filters are counted, not used). A metric value that is
a list (one value per repeat) gives one attempt per element. Values map to [0, 1] by the same
rules as Inspect's (booleans → 1/0, numbers as they are); a value outside [0, 1] (perplexity,
say) is an error: choose another ``--metric``.

Budget: **lm-evaluation-harness records no token usage, cost or per-sample time.** Spend stays
NaN and every run gets a ``budget-unmeasured`` warning: it has no measured budget, and the
engine treats its coverage as unknown, never as covered. The configured caps are kept as limits:
``generation_kwargs.max_gen_toks`` → ``max_tokens``, ``repeats`` → ``epochs``. The run's total
wall time (``total_evaluation_time_seconds``, whole run only) goes to its notes.

Run: ``id`` = ``lm-eval:{task}@{model}:{date}``; ``model`` = ``model_name`` (or ``pretrained=`` in
``config.model_args``, or ``config.model``); ``eval`` = the task; ``eval_version`` =
``versions[task]``; ``date`` = the results' ``date`` (a UNIX time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.errors import ProblemCollector, RspcheckError
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
from checker.evidence.model import EvalRun, RunLimits, SourceFile
from checker.files.access import read_bytes, sha256_file
from checker.files.document import JsonTooDeep, json_loads

MAX_RESULTS_BYTES = 256 * 1024**2
"""Largest ``results_*.json`` read (it is parsed whole; samples files are read line by line)."""

_RESULTS = re.compile(r"^results_(.+)\.json$")
_SAMPLES = re.compile(r"^samples_(.+)_(\d{4}-\d{2}-\d{2}T[^_]+)\.jsonl$")


def read_lmeval(
    source: str | Path,
    *,
    metric: str | None = None,
    filter: str | None = None,
    model: str | None = None,
    scaffold: str | None = None,
    progress: Progress | None = None,
) -> list[SourceResult]:
    """Read one results file, folder, or samples file (see module doc); one result per task."""
    p = Path(source)
    file = str(source)
    if p.is_dir():
        found = sorted(p.rglob("results_*.json"))
        if not found:
            raise RspcheckError.one(
                "file-not-found",
                "no results_*.json in this folder",
                file=file,
                hint="give the harness's --output_path folder",
            )
        out: list[SourceResult] = []
        for f in found:
            out.extend(
                read_lmeval(
                    f,
                    metric=metric,
                    filter=filter,
                    model=model,
                    scaffold=scaffold,
                    progress=progress,
                )
            )
        return out
    if not p.is_file():
        raise RspcheckError.one("file-not-found", "the file does not exist", file=file)
    m = _RESULTS.match(p.name)
    if p.suffix == ".jsonl":
        sm = _SAMPLES.match(p.name)
        task = sm[1] if sm else p.stem.removeprefix("samples_")
        date = sm[2] if sm else p.stem
        # the results file of the same run, when it lies beside, names the model and the caps
        beside = p.parent / f"results_{date}.json"
        results: dict[str, Any] = {}
        results_file = None
        if sm and beside.is_file():
            results, results_sha = _read_results(beside)
            results_file = (str(beside), results_sha)
        elif model is None:
            raise RspcheckError.one(
                "missing-key",
                "a samples file alone does not name the model",
                file=file,
                hint=f"keep its {beside.name} beside it, give the results file instead, or "
                "the model with --model",
            )
        return [
            _read_samples(
                p,
                task,
                date,
                results,
                results_file,
                metric=metric,
                filt=filter,
                model=model,
                scaffold=scaffold,
                progress=progress,
            )
        ]
    results, results_sha = _read_results(p)
    date = m[1] if m else None
    samples = {}
    for f in p.parent.glob("samples_*.jsonl"):
        sm = _SAMPLES.match(f.name)
        if sm and (date is None or sm[2] == date):
            samples[sm[1]] = f
    out = []
    problems = []
    used: list[str] = []
    for task in results["results"]:
        samples_file = samples.get(task)
        if samples_file is None:
            if task in (results.get("groups") or {}) or (results.get("group_subtasks") or {}).get(
                task
            ):
                continue  # a group's aggregate, not a task with samples
            problems.append(
                RspcheckError.one(
                    "log-member-missing",
                    f"task {task!r} has no samples_{task}_{date}.jsonl beside the results",
                    file=file,
                    hint="run the harness with --log_samples: per-document scores are needed",
                ).problems[0]
            )
            continue
        try:
            out.append(
                _read_samples(
                    samples_file,
                    task,
                    date or "",
                    results,
                    (file, results_sha),
                    metric=metric,
                    filt=filter,
                    model=model,
                    scaffold=scaffold,
                    progress=progress,
                    strict_metric=len(samples) == 1,
                    used_metric=used,
                )
            )
        except RspcheckError as err:
            problems.extend(err.problems)
    if metric is not None and out and metric not in used:
        problems.append(
            RspcheckError.one(
                "scorer-unknown",
                f"no task in these results has the metric {metric!r}",
                file=file,
                hint="see each samples file's 'metrics' for the names",
            ).problems[0]
        )
    if problems:
        raise RspcheckError(problems)
    return out


def _read_results(p: Path) -> tuple[dict[str, Any], str]:
    """A results file's JSON object and its sha256.

    Raises:
        RspcheckError: ``log-invalid-json`` or ``log-unreadable`` (no ``results`` object).
    """
    file = str(p)
    raw = read_bytes(p, max_bytes=MAX_RESULTS_BYTES, display=file)
    results_sha = hashlib.sha256(raw).hexdigest()
    try:
        results = json_loads(raw)
    except JsonTooDeep as exc:
        raise RspcheckError.one("yaml-too-deep", f"the JSON is {exc}", file=file) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RspcheckError.one("log-invalid-json", f"not valid JSON: {exc}", file=file) from None
    if not isinstance(results, dict) or not isinstance(results.get("results"), dict):
        raise RspcheckError.one(
            "log-unreadable",
            "not an lm-evaluation-harness results file (no 'results' object)",
            file=file,
        )
    return results, results_sha


def _model_name(results: dict[str, Any]) -> str | None:
    if isinstance(results.get("model_name"), str) and results["model_name"]:
        return results["model_name"]
    cfg = results.get("config") or {}
    args = cfg.get("model_args")
    if isinstance(args, str):
        m = re.search(r"(?:^|,)\s*pretrained=([^,]+)", args)
        if m:
            return m[1]
    if isinstance(args, dict) and isinstance(args.get("pretrained"), str):
        return args["pretrained"]
    return cfg.get("model") if isinstance(cfg.get("model"), str) else None


def _read_samples(
    path: Path,
    task: str,
    date: str,
    results: dict[str, Any],
    results_file: tuple[str, str] | None,
    *,
    metric: str | None,
    filt: str | None,
    model: str | None,
    scaffold: str | None,
    progress: Progress | None,
    strict_metric: bool = True,
    used_metric: list[str] | None = None,
) -> SourceResult:
    file = str(path)
    used_metric = [] if used_metric is None else used_metric
    probs = ProblemCollector(file, max_per_code=MAX_LISTED)
    model_name = model or _model_name(results)
    if not model_name:
        raise RspcheckError.one(
            "missing-key", "the results name no model", file=file, hint="give it with --model"
        )
    sha = sha256_file(path, display=file)  # a regular file: open() below cannot block
    cols = Columns()
    rd = IngestedRun(run=None, columns=cols)  # type: ignore[arg-type]
    filters: list[str] = []
    by_filter: dict[str, list[tuple[int, str, list[str], dict[str, Any]]]] = {}
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise RspcheckError.one(
            "file-not-found", f"cannot open: {exc.strerror}", file=file
        ) from None
    with fh:  # one pass: keep each line's metric values, grouped by filter
        for n, line in enumerate(fh, start=1):
            if progress is not None:
                progress(len(line))
            if not line.strip():
                continue
            try:
                row = json_loads(line)
            except JsonTooDeep as exc:
                probs.add("yaml-too-deep", f"the line's JSON is {exc}", line=n)
                continue
            except ValueError as exc:
                probs.add("log-invalid-json", f"line is not valid JSON: {exc}", line=n)
                continue
            if not isinstance(row, dict) or "doc_id" not in row:
                probs.add("log-member-corrupt", "line is not a sample object with a doc_id", line=n)
                continue
            f = str(row.get("filter", "none"))
            if f not in by_filter:
                filters.append(f)
                by_filter[f] = []
            ms = [m for m in (row.get("metrics") or []) if isinstance(m, str)]
            vals = {m: row[m] for m in (*ms, metric) if m is not None and m in row}
            by_filter[f].append((n, str(row["doc_id"]), ms, vals))
    probs.raise_if_errors(with_warnings=False)
    if not filters:
        raise RspcheckError.one("file-empty", "the samples file has no samples", file=file)
    if filt is not None and filt not in filters:
        if strict_metric:
            raise RspcheckError.one(
                "scorer-unknown",
                f"no filter {filt!r}; the samples have {', '.join(filters)}",
                file=file,
                hint="choose one with --filter",
            )
        probs.warn(
            "scorer-unknown",
            f"task {task} has no filter {filt!r}; using {filters[0]!r}",
            hint="--filter applies to the tasks that have it",
        )
    elif len(filters) > 1 and filt is None:
        probs.warn(
            "scorer-unknown",
            f"task {task} has filters {', '.join(filters)}; using {filters[0]!r}",
            hint="choose one with --filter",
        )
    use_filter = filt if filt in by_filter else filters[0]
    other = sum(len(v) for k, v in by_filter.items() if k != use_filter)
    if other:
        rd.skipped["other-filter"] += other
    chosen_metric = metric
    seen_docs: dict[str, int] = {}
    for n, doc, ms, vals in by_filter[use_filter]:
        if chosen_metric is None:
            chosen_metric = ms[0] if ms else None
            if chosen_metric is None:
                raise RspcheckError.one(
                    "scorer-unknown",
                    "samples list no metrics",
                    file=file,
                    line=n,
                    hint="name one with --metric",
                )
        if chosen_metric not in vals:
            if not strict_metric and chosen_metric == metric and ms and ms[0] in vals:
                probs.warn(
                    "scorer-unknown",
                    f"task {task} has no metric {metric!r}; using {ms[0]!r}",
                    line=n,
                    hint="--metric applies to the tasks that have it",
                )
                chosen_metric = ms[0]
            else:
                raise RspcheckError.one(
                    "scorer-unknown",
                    f"no metric {chosen_metric!r} in the samples; they have: "
                    f"{', '.join(ms) or 'none'}",
                    file=file,
                    line=n,
                    hint="choose one with --metric",
                )
        value = vals[chosen_metric]
        if chosen_metric == metric and metric not in used_metric:
            used_metric.append(metric)
        values = value if isinstance(value, list) else [value]
        start = seen_docs.get(doc, 0)  # a doc on several lines: further attempts
        for j, v in enumerate(values):
            try:
                s = score_to_unit(v)
            except Unmappable as exc:
                probs.add(
                    "score-unmappable",
                    f"doc {doc}: {chosen_metric} {exc}",
                    line=n,
                    loc=(chosen_metric,),
                )
                continue
            if math.isnan(s):
                rd.skipped["unscored"] += 1
                continue
            if not 0.0 <= s <= 1.0:
                probs.add(
                    "score-out-of-range",
                    f"doc {doc}: {chosen_metric} = {v!r} is outside [0, 1]",
                    line=n,
                    loc=(chosen_metric,),
                    hint="choose a metric scored in [0, 1] with --metric",
                )
                continue
            cols.add(doc, start + j, s, {}, False)
        seen_docs[doc] = start + len(values)
    probs.raise_if_errors(with_warnings=False)
    cfg = (results.get("configs") or {}).get(task) or {}
    gen = cfg.get("generation_kwargs") or {}
    limits: dict[str, Any] = {}
    if isinstance(gen.get("max_gen_toks"), int) and gen["max_gen_toks"] >= 1:
        limits["max_tokens"] = gen["max_gen_toks"]
    if isinstance(cfg.get("repeats"), int) and cfg["repeats"] >= 1:
        limits["epochs"] = cfg["repeats"]
    when = None
    if isinstance(results.get("date"), int | float):
        try:
            when = dt.datetime.fromtimestamp(results["date"], dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            when = None
    version = (results.get("versions") or {}).get(task)
    notes = ["lm-evaluation-harness records no token usage, cost or per-sample time"]
    total = results.get("total_evaluation_time_seconds")
    if total is not None:
        notes.append(f"whole-run wall time {total} s (all tasks)")
    if results.get("lm_eval_version"):
        notes.append(f"written by lm_eval {results['lm_eval_version']}")
    try:
        run = EvalRun(
            id=safe_id(f"lm-eval:{task}@{model_name}:{date}"),
            model=safe_id(model_name),
            eval=safe_id(task),
            eval_version=None if version is None else str(version),
            scaffold=safe_id(scaffold or "default"),
            date=when,
            limits=RunLimits(**limits),
            source=SourceFile(path=file, sha256=sha, format="lm-eval"),
            notes="; ".join(notes),
        )
    except ValidationError as exc:
        raise RspcheckError.one(
            "invalid-value", f"cannot describe the run: {exc}", file=file
        ) from None
    rd.run = run
    probs.warn(
        "budget-unmeasured",
        f"run {run.id} has no measured budget: the harness records no tokens, cost or time per "
        "sample (spend left empty; coverage is unknown)",
        hint="re-run under a harness that logs usage (e.g. Inspect AI), or add spend columns "
        "and ingest as a table",
    )
    res = SourceResult(path=file, sha256=sha, format="lm-eval", runs=[rd], warnings=probs.warnings)
    if results_file is not None:
        res.extra_files.append(results_file)
    return res
