"""Inspect AI logs (``.eval`` and ``.json``) read directly, without importing ``inspect_ai``.

What is read
    ``.eval`` (a zip): ``header.json`` (or ``_journal/start.json`` when the log never finished),
    then the per-attempt summaries: ``summaries.json`` when present, else the journal's
    ``_journal/summaries/{n}.json`` in numeric order (the last record of an (id, epoch) wins),
    plus any ``samples/...`` member that no summary covers. Members are streamed and
    decompressed (zstd or deflate) one at a time; nothing else is opened. ``.json``: one JSON
    document, parsed as a stream: every key but ``samples`` is parsed whole, samples one at a
    time, each reduced to the fields below before the next is read.

One attempt per (sample id, epoch): ``task`` = the sample id, ``attempt`` = epoch - 1.

Score (``scorer``, the CLI's ``--scorer NAME`` or ``NAME:KEY`` for dict-valued scores; default:
the first scorer the log lists, with a warning when there are several). Values map to [0, 1]:
``C`` → 1, ``I`` → 0, ``P`` → 0.5, ``N`` → 0, booleans and yes/no/true/false → 1/0, numbers
(and numeric strings) as they are. A number outside [0, 1] after mapping is an error
(``score-out-of-range``); unknown words, lists and dicts without a key are ``score-unmappable``.
A NaN (Inspect's "unscored") or absent value leaves the attempt out (counted), except when the
attempt hit a limit: then it scores 0.

Spend, from ``model_usage[eval.model]`` only (grader and other models' usage, keyed by their own
names, is left out and summed into the run's ``notes``):
``input_tokens`` = ``input_tokens + input_tokens_cache_write`` (full-rate input),
``cached_tokens`` = ``input_tokens_cache_read``, ``output_tokens`` (reasoning included),
``reasoning_tokens``, ``usd`` = ``total_cost`` (NaN when Inspect had no price: the engine then
prices tokens), ``seconds`` = ``total_time``, ``working_seconds`` = ``working_time``. Absent
values are NaN, never 0. Usage past a token limit (the call that crossed it) is kept as recorded.
An attempt whose usage lists only other models (the evaluated model was never called) spent 0
tokens; one whose usage lists a model that is neither the log's model nor one seen beside it
(a grader) is an error (``log-mixed-models``).

Limits and errors: an attempt that hit a limit (``limit``: token, time, working, message, turn,
cost, context, ...) is kept as a failed attempt with ``limit_hit`` true. An attempt that ended in
an error (and hit no limit) is not a budget outcome and is left out, counted; so are attempts
still running in a crashed log.

Run: ``id`` = ``{task}@{eval_id}`` (stable for one log), ``model`` = ``eval.model``, ``eval`` =
``eval.task``, ``eval_version`` = ``eval.task_version``, ``date`` = ``eval.created``, ``scaffold`` =
``eval.metadata.scaffold`` if set (else ``default``, or the caller's choice). ``limits`` from the
generate config (``max_tokens``, ``reasoning_effort``, ``reasoning_tokens``; ``eval`` values over
``plan.config``) and the eval config (``token_limit``, ``time_limit``, ``working_limit``,
``message_limit``, ``cost_limit``, ``epochs``; a limit set on the task rather than the eval is
taken from the per-sample ceilings when all samples agree). ``status``: success → success,
error → error, cancelled → cancelled, started (crashed or still running) → partial; a log that
did not succeed loads with a ``log-incomplete`` warning and its completed attempts only.

Task metadata: a sample's ``metadata.family`` (or ``task_family``) and ``metadata.human_minutes``
become the task's family and human-time length.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from checker.errors import ProblemCollector, RspcheckError, did_you_mean
from checker.evidence.ingest._stream import (
    JsonStream,
    JsonStreamError,
    MemberError,
    ZipArchive,
    reraise_json,
    text_chunks,
)
from checker.evidence.ingest.common import (
    LETTER_SCORES,
    MAX_LISTED,
    Columns,
    IngestedRun,
    Progress,
    SourceResult,
    Unmappable,
    safe_id,
    score_to_unit,
)
from checker.evidence.model import EvalRun, RunLimits, SourceFile, TaskInfo
from checker.files.access import open_regular, sha256_file
from checker.files.document import json_loads

HEADER = "header.json"
START = "_journal/start.json"
SUMMARIES = "summaries.json"
_JOURNAL = re.compile(r"^_journal/summaries/(\d+)\.json$")
_SAMPLE = re.compile(r"^samples/(.+)_epoch_(\d+)(?:\.json|/sample\.json)$")
_STATUS = {"success": "success", "error": "error", "cancelled": "cancelled", "started": "partial"}
_GENERATE_LIMITS = ("max_tokens", "reasoning_effort", "reasoning_tokens")
_EVAL_LIMITS = (
    "token_limit",
    "time_limit",
    "working_limit",
    "message_limit",
    "cost_limit",
    "epochs",
)
_SAMPLE_CEILINGS = ("token_limit", "time_limit", "working_limit", "message_limit")


@dataclass(slots=True)
class Rec:
    """One attempt record, reduced to what ingest needs (summary or full sample alike)."""

    id: str
    epoch: int
    scores: dict[str, Any] | None
    usage: Any
    """``(mu, others)`` from :func:`_compact`, None when no usage is recorded, or (while the
    model is not yet known) the raw ``model_usage`` dict."""
    total_time: float
    working_time: float
    limit: str | None
    error: str | None
    completed: bool
    family: Any
    human_minutes: Any
    ceilings: tuple
    where: tuple


_USAGE_KEYS = (
    "input_tokens",
    "input_tokens_cache_write",
    "input_tokens_cache_read",
    "output_tokens",
    "reasoning_tokens",
    "total_cost",
    "total_tokens",
)


def _compact(usage: dict[str, Any] | None, model: str) -> Any:
    """``model_usage`` as ``(mu, others)``: the evaluated model's values as a tuple in
    :data:`_USAGE_KEYS` order (None if it is absent), and ``(key, total_tokens, total_cost)``
    of every other model; None when nothing is recorded. Small: 10,000 attempts stay cheap."""
    if not usage:
        return None
    mu = usage.get(model)
    mu = tuple(map(mu.get, _USAGE_KEYS)) if mu.__class__ is dict else None
    others: tuple[tuple[str, Any, Any], ...] = ()
    if len(usage) > (mu is not None):
        others = tuple(
            (k, u.get("total_tokens"), u.get("total_cost"))
            if u.__class__ is dict
            else (k, None, None)
            for k, u in usage.items()
            if k != model
        )
    return (mu, others)


def _reduce(s: Any, where: tuple, model: str | None = None) -> Rec:
    """Keep only the fields used from a summary or sample dict (raises on a bad shape)."""
    if s.__class__ is not dict:
        raise TypeError(f"an attempt record is a {type(s).__name__}, not an object")
    g = s.get
    scores = g("scores")
    if scores.__class__ is dict:
        scores = {k: (v.get("value") if v.__class__ is dict else v) for k, v in scores.items()}
    elif scores is not None:
        raise TypeError("'scores' is not an object")
    usage = g("model_usage")
    if usage is not None and usage.__class__ is not dict:
        raise TypeError("'model_usage' is not an object")
    if model is not None:
        usage = _compact(usage, model)
    limit = g("limit")
    if limit is not None:
        limit = (limit.get("type") or "limit") if limit.__class__ is dict else str(limit)
    error = g("error")
    if error is not None:
        error = str(error.get("message") or "error") if error.__class__ is dict else str(error)
    meta = g("metadata")
    family = human = None
    if meta.__class__ is dict and meta:
        family = meta.get("family", meta.get("task_family"))
        human = meta.get("human_minutes")
    sid = g("id")
    epoch = g("epoch", 1)
    if sid is None or sid.__class__ in (dict, list) or epoch.__class__ is not int:
        raise TypeError("an attempt record lacks a scalar 'id' or an integer 'epoch'")
    return Rec(
        sid if sid.__class__ is str else str(sid),
        epoch,
        scores,
        usage,
        _num(g("total_time")),
        _num(g("working_time")),
        limit or None,
        error or None,
        g("completed", True) is not False,
        family,
        human,
        (
            g("token_limit"),
            g("time_limit"),
            g("working_limit"),
            g("message_limit"),
            g("token_limit_type"),
        ),
        where,
    )


@dataclass
class _Raw:
    """What a log yielded before mapping: header dict, records, counts, and its status."""

    header: dict[str, Any]
    records: list[Rec] = field(default_factory=list)
    duplicates: int = 0
    from_journal: bool = False


def read_inspect_log(
    path: str | Path,
    *,
    scorer: str | None = None,
    scaffold: str | None = None,
    progress: Progress | None = None,
) -> SourceResult:
    """Read one Inspect log (``.eval`` zip or ``.json``) into runs and attempt columns.

    Raises:
        RspcheckError: the file cannot be read, or its data cannot be used (see module doc).
    """
    file = str(path)
    p = Path(path)
    sha = sha256_file(p, display=file)  # a regular file: a FIFO or device is refused here
    fh, size = open_regular(p, display=file)
    try:
        with fh:
            magic = fh.read(64)
            fh.seek(0)
            if magic[:2] == b"PK":
                raw = _read_eval(fh, size, file, progress)
                fmt = "inspect-eval"
            elif magic.lstrip()[:1] == b"{":
                raw = _read_json(fh, file, progress)
                fmt = "inspect-json"
            else:
                raise RspcheckError.one(
                    "log-unreadable",
                    "not an Inspect log: neither a zip archive (.eval) nor a JSON object (.json)"
                    if size
                    else "the file is empty",
                    file=file,
                    hint="give an Inspect AI log as written by `inspect eval`",
                )
    except OSError as exc:
        raise RspcheckError.one(
            "file-not-found", f"cannot read the log: {exc.strerror or exc}", file=file
        ) from None
    return _map(raw, file, sha, fmt, scorer=scorer, scaffold=scaffold)


# -- .eval ------------------------------------------------------------------------------------

_DIRECTORY_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    EOFError,
    struct.error,
    OverflowError,
    IndexError,
    KeyError,
    UnicodeDecodeError,
    NotImplementedError,
)


def _read_eval(fh: Any, size: int, file: str, progress: Progress | None) -> _Raw:
    def directory_error(exc: Exception) -> RspcheckError:
        return RspcheckError.one(
            "log-truncated",
            f"not a readable zip archive (truncated or damaged): {exc}",
            file=file,
            hint="the copy may be incomplete; copy the log again, or rebuild a crashed one "
            "with `inspect log recover`",
        )

    try:
        # the 10,000s of samples/ members are only counted unless a summary is missing
        zf = ZipArchive(fh, size, skip=b"samples/")
    except _DIRECTORY_ERRORS as exc:
        raise directory_error(exc) from None
    names = zf.members

    def member_json(name: str) -> Any:
        try:
            data = zf.read(name)
        except MemberError as exc:
            raise RspcheckError.one(
                exc.code, f"member {name}: {exc.msg}", file=file, loc=(name,)
            ) from None
        try:
            return _loads(data)
        except ValueError as exc:
            raise reraise_json(exc, file, (name,)) from None

    if HEADER in names:
        header = member_json(HEADER)
        journal = False
    elif START in names:
        header = member_json(START)
        if isinstance(header, dict):
            header = {**header, "status": "started"}
        journal = True
    else:
        raise RspcheckError.one(
            "log-member-missing",
            f"the archive has neither {HEADER} nor {START}: it is not an Inspect log, or it is "
            "damaged",
            file=file,
            hint="give an Inspect .eval log",
        )
    if not isinstance(header, dict) or not isinstance(header.get("eval"), dict):
        name = START if journal else HEADER
        raise RspcheckError.one(
            "log-member-corrupt", f"member {name} has no 'eval' object", file=file, loc=(name,)
        )
    raw = _Raw(header=header, from_journal=journal)
    seen: dict[tuple[str, int], int] = {}
    model = header["eval"].get("model")
    model = model if isinstance(model, str) else None

    def take(s: Any, where: tuple, *, fallback: bool = False) -> None:
        try:
            rec = _reduce(s, where, model)
        except TypeError as exc:
            raise RspcheckError.one("log-member-corrupt", str(exc), file=file, loc=where) from None
        key = (rec.id, rec.epoch)
        if key in seen:
            if fallback:  # a sample member of an attempt a summary already gave
                return
            raw.records[seen[key]] = rec
            raw.duplicates += 1
        else:
            seen[key] = len(raw.records)
            raw.records.append(rec)

    def stream_array(name: str) -> None:
        try:
            js = JsonStream(text_chunks(zf.chunks(name, progress)))
            i = 0
            for batch in js.array_batches("id"):  # Inspect writes each summary's id first
                for s in batch:
                    take(s, (name, i))
                    i += 1
            js.end()
        except MemberError as exc:
            raise RspcheckError.one(
                exc.code, f"member {name}: {exc.msg}", file=file, loc=(name,)
            ) from None
        except (JsonStreamError, UnicodeDecodeError) as exc:
            raise reraise_json(exc, file, (name,)) from None

    if SUMMARIES in names:
        stream_array(SUMMARIES)  # a repeat inside summaries.json is counted as a duplicate
    else:
        journals = sorted((int(m[1]), n) for n in names if (m := _JOURNAL.match(n)))
        for _, name in journals:
            stream_array(name)
        raw.from_journal = True
        raw.duplicates = 0  # the journal rewrites retried samples: keeping the last is the rule
    # samples no summary covers (e.g. summaries lost, or flushed after the last journal entry);
    # a finished log whose flat sample members match its summaries one to one needs no look
    flat = nested = 0
    for n in zf.skipped:  # the samples/ members' raw names
        if n.count(b"/") == 1:
            flat += 1
        else:
            nested += 1
    if not journal and SUMMARIES in names and not nested and flat == len(raw.records):
        return raw
    try:
        zf.read_all()
    except _DIRECTORY_ERRORS as exc:
        raise directory_error(exc) from None
    names = zf.members
    covered = {f"samples/{r.id}_epoch_{r.epoch}" for r in raw.records}
    for name in names:
        m = _SAMPLE.match(name)
        if m and name.rsplit(".json", 1)[0].removesuffix("/sample") not in covered:
            take(member_json(name), (name,), fallback=True)
    return raw


_NUM = (float, int)


def _num(v: Any) -> float:
    """An int or float as float; anything else (None, text, bools) as NaN."""
    c = v.__class__
    if c is float:
        return v
    if c is int:
        return float(v)
    return math.nan


def _loads(data: bytes) -> Any:
    return json_loads(data)  # too deep a nesting: JsonTooDeep, a ValueError


# -- .json ------------------------------------------------------------------------------------


def _read_json(fh: Any, file: str, progress: Progress | None) -> _Raw:
    def chunks() -> Any:
        while block := fh.read(1 << 20):
            if progress is not None:
                progress(len(block))
            yield block

    header: dict[str, Any] = {}
    samples: list[Rec] = []
    seen: dict[tuple[str, int], int] = {}
    dups = 0
    try:
        js = JsonStream(text_chunks(chunks()))
        for key, s in js.object_items():
            if key == "samples":
                if s._skip_ws() == "n":  # null
                    s.value()
                    continue
                for i, item in enumerate(s.array_items()):
                    try:
                        rec = _reduce(item, ("samples", i), _get(header, "eval", "model"))
                    except TypeError as exc:
                        raise RspcheckError.one(
                            "log-member-corrupt", str(exc), file=file, loc=("samples", i)
                        ) from None
                    k = (rec.id, rec.epoch)
                    if k in seen:
                        samples[seen[k]] = rec
                        dups += 1
                    else:
                        seen[k] = len(samples)
                        samples.append(rec)
            else:
                header[key] = s.value()
        js.end()
    except (JsonStreamError, UnicodeDecodeError) as exc:
        raise reraise_json(exc, file, ()) from None
    if not isinstance(header.get("eval"), dict):
        raise RspcheckError.one(
            "log-member-missing",
            "the JSON document has no 'eval' object: it is not an Inspect log",
            file=file,
            hint="give an Inspect log written with --log-format json",
        )
    header.setdefault("status", "started")
    return _Raw(header=header, records=samples, duplicates=dups)


# -- mapping ----------------------------------------------------------------------------------


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _scorer_names(header: dict[str, Any], records: list[Rec]) -> list[str]:
    names: list[str] = []
    for s in _get(header, "eval", "scorers") or []:
        if isinstance(s, dict) and isinstance(s.get("name"), str):
            names.append(s["name"])
    for s in _get(header, "results", "scores") or []:
        if isinstance(s, dict) and isinstance(s.get("name"), str) and s["name"] not in names:
            names.append(s["name"])
    if not names:
        for r in records[:100]:
            for k in r.scores or {}:
                if k not in names:
                    names.append(k)
    return names


def _limits(header: dict[str, Any], records: list[Rec], probs: ProblemCollector) -> RunLimits:
    ev = header["eval"]
    gen = {**(_get(header, "plan", "config") or {}), **(ev.get("model_generate_config") or {})}
    cfg = ev.get("config") or {}
    values: dict[str, Any] = {k: gen.get(k) for k in _GENERATE_LIMITS}
    values.update({k: cfg.get(k) for k in _EVAL_LIMITS})
    # limits set on the task (not the eval) show up only as per-sample ceilings
    for i, k in enumerate(_SAMPLE_CEILINGS):
        if values.get(k) is None and records:
            seen = {r.ceilings[i] for r in records}
            if len(seen) == 1 and None not in seen:
                values[k] = seen.pop()
    if cfg.get("token_limit_type") not in (None, "all") or any(
        r.ceilings[4] not in (None, "all") for r in records[:1]
    ):
        probs.warn(
            "invalid-value",
            "token_limit counts only part of the tokens (token_limit_type "
            f"{cfg.get('token_limit_type') or records[0].ceilings[4]!r}), not input + output",
            loc=("eval", "config", "token_limit_type"),
        )
    kept: dict[str, Any] = {}
    for k, v in values.items():
        if v is None:
            continue
        try:
            RunLimits(**{k: v})
            kept[k] = v
        except ValidationError:
            probs.warn(
                "invalid-value",
                f"configured {k} = {v!r} is not a usable limit; ignored",
                loc=("eval", "config", k),
            )
    return RunLimits(**kept)


def _date(created: Any) -> dt.date | None:
    if not isinstance(created, str):
        return None
    try:
        return dt.date.fromisoformat(created[:10])
    except ValueError:
        return None


def _map(
    raw: _Raw, file: str, sha: str, fmt: str, *, scorer: str | None, scaffold: str | None
) -> SourceResult:
    header = raw.header
    ev = header["eval"]
    probs = ProblemCollector(file, max_per_code=MAX_LISTED)
    model = ev.get("model")
    task_name = ev.get("task") or ev.get("task_registry_name")
    if not isinstance(model, str) or not model or not isinstance(task_name, str) or not task_name:
        raise RspcheckError.one(
            "missing-key", "the log's eval has no 'model' or 'task'", file=file, loc=("eval",)
        )
    eval_id = ev.get("eval_id") or ev.get("run_id") or ev.get("task_id") or sha[:16]
    run_id = safe_id(f"{task_name}@{eval_id}")
    status = header.get("status")
    run_status = _STATUS.get(str(status), "partial")

    # -- scorer
    names = _scorer_names(header, raw.records)
    key: str | None = None
    chosen = scorer
    if chosen is not None and chosen not in names and ":" in chosen:
        base, _, k = chosen.rpartition(":")
        if base in names:
            chosen, key = base, k
    if chosen is None:
        if not names:
            raise RspcheckError.one(
                "scorer-unknown",
                "the log records no scorer",
                file=file,
                hint="was the eval run with --no-score?",
            )
        chosen = names[0]
        if len(names) > 1:
            probs.warn(
                "scorer-unknown",
                f"the log has {len(names)} scorers ({', '.join(names)}); using {chosen!r}",
                hint="choose one with --scorer NAME",
            )
    elif chosen not in names and not any(chosen in (r.scores or {}) for r in raw.records):
        raise RspcheckError.one(
            "scorer-unknown",
            f"the log has no scorer {chosen!r}; it has: {', '.join(names) or 'none'}",
            file=file,
            hint=did_you_mean(chosen, names) or "choose one of the scorers listed",
        )

    # -- models: the evaluated one, and those seen beside it (graders)
    roles = ev.get("model_roles") or {}
    role_models = {v.get("model") for v in roles.values() if isinstance(v, dict)}
    beside: set[str] = set()
    for r in raw.records:
        if r.usage.__class__ is dict:  # reduced before the model was known (a .json log)
            r.usage = _compact(r.usage, model)
        if r.usage is not None and r.usage[0] is not None:
            beside.update(k for k, _, _ in r.usage[1])
    other_usage: defaultdict[str, float] = defaultdict(float)
    other_cost: defaultdict[str, float] = defaultdict(float)

    cols = Columns()
    rd = IngestedRun(run=None, columns=cols)  # type: ignore[arg-type]
    if raw.duplicates:
        rd.skipped["duplicate"] += raw.duplicates
    tasks: dict[str, TaskInfo] = {}
    eval_key = safe_id(task_name)
    total_usage = 0.0
    usage_missing = 0
    limit_unscored = 0
    nan = math.nan
    c_task, c_att, c_score, c_hit = cols.task, cols.attempt, cols.score, cols.limit_hit
    sp = cols.spend
    c_in, c_cached, c_out = sp["input_tokens"], sp["cached_tokens"], sp["output_tokens"]
    c_reas, c_usd, c_sec, c_work = (
        sp["reasoning_tokens"],
        sp["usd"],
        sp["seconds"],
        sp["working_seconds"],
    )
    letters = LETTER_SCORES
    zero = (0.0, 0.0, 0.0, 0.0, 0.0)
    for r in raw.records:  # the hot loop: plain appends, no per-row objects
        if not r.completed:
            rd.skipped["incomplete"] += 1
            continue
        if r.error and not r.limit:
            rd.skipped["error"] += 1
            continue
        # score
        value = r.scores.get(chosen) if r.scores else None
        vt = value.__class__
        if vt is str and value in letters:
            score = letters[value]
        elif vt is float or vt is int:
            score = float(cast(float, value))  # the class test above, faster than isinstance
        else:
            try:
                score = score_to_unit(value, key)
            except Unmappable as exc:
                probs.add(
                    "score-unmappable",
                    f"{chosen!r} score of {r.id} epoch {r.epoch}: {exc}",
                    loc=(*r.where, "scores", chosen),
                    hint="choose a scorer with --scorer (NAME:KEY for dict values)",
                )
                continue
        if score != score:  # NaN: unscored
            if not r.limit:
                rd.skipped["unscored"] += 1
                continue
            score = 0.0
            limit_unscored += 1
        elif not 0.0 <= score <= 1.0:
            probs.add(
                "score-out-of-range",
                f"{chosen!r} score of {r.id} epoch {r.epoch} is {value!r}, outside [0, 1]",
                loc=(*r.where, "scores", chosen),
                hint="choose a scorer whose values are in [0, 1] (--scorer), or rescale "
                "the scores before ingesting",
            )
            continue
        # usage of the evaluated model; others are summed for the notes
        usage = r.usage
        if usage is None:
            usage_missing += 1
            vals = (nan, nan, nan, nan, nan)
        else:
            mu, others = usage
            for k, t, c in others:
                other_usage[k] += t if isinstance(t, int | float) else 0
                other_cost[k] += c if isinstance(c, int | float) else 0
            if mu is not None:
                inp, write, read, out, reas, usd, tt = mu
                # _num inlined (five calls a row add up over a million rows)
                inp = inp if inp.__class__ is float else float(inp) if inp.__class__ is int else nan
                if write is not None:
                    inp += write if write.__class__ in _NUM else nan
                vals = (
                    inp,
                    read
                    if read.__class__ is float
                    else float(read)
                    if read.__class__ is int
                    else nan,
                    out if out.__class__ is float else float(out) if out.__class__ is int else nan,
                    reas
                    if reas.__class__ is float
                    else float(reas)
                    if reas.__class__ is int
                    else nan,
                    usd if usd.__class__ is float else float(usd) if usd.__class__ is int else nan,
                )
                if tt.__class__ is int:
                    total_usage += tt
            else:
                strangers = [k for k, _, _ in others if k not in beside and k not in role_models]
                if strangers:
                    probs.add(
                        "log-mixed-models",
                        f"{r.id} epoch {r.epoch} used {', '.join(sorted(strangers))}, not the "
                        f"log's model {model}",
                        loc=(*r.where, "model_usage"),
                        hint="one log, one evaluated model: split the attempts by model",
                    )
                    continue
                vals = zero  # only graders were called: the evaluated model spent nothing
        tsec, wsec = r.total_time, r.working_time
        if min(vals) < 0 or tsec < 0 or wsec < 0:
            fields = (
                "input_tokens",
                "cached_tokens",
                "output_tokens",
                "reasoning_tokens",
                "usd",
                "seconds",
                "working_seconds",
            )
            bad = [n for n, v in zip(fields, (*vals, tsec, wsec), strict=True) if v < 0]
            probs.add(
                "negative-value",
                f"{r.id} epoch {r.epoch}: negative {', '.join(bad)}",
                loc=(*r.where, "model_usage"),
                hint="the log is damaged or was edited by hand",
            )
            continue
        c_task.append(r.id)
        c_att.append(r.epoch - 1)
        c_score.append(score)
        c_in.append(vals[0])
        c_cached.append(vals[1])
        c_out.append(vals[2])
        c_reas.append(vals[3])
        c_usd.append(vals[4])
        c_sec.append(tsec)
        c_work.append(wsec)
        c_hit.append(r.limit is not None)
        if r.limit:
            rd.limit_types[r.limit] += 1
        if (r.family is not None or r.human_minutes is not None) and r.id not in tasks:
            tasks[r.id] = _task_info(eval_key, r, probs)
    probs.raise_if_errors(with_warnings=False)

    # -- warnings that do not stop loading
    planned = _get(header, "results", "total_samples")
    if run_status != "success":
        err = _get(header, "error", "message")
        why = {
            "partial": "never finished (crashed or still running: no header.json)",
            "error": f"stopped with an error{f' ({err})' if err else ''}",
            "cancelled": "was cancelled",
        }.get(run_status, f"has status {status!r}")
        probs.warn(
            "log-incomplete",
            f"the log {why}; its {len(cols):,} completed attempt(s) are used"
            + (f" of {planned:,} planned" if isinstance(planned, int) else ""),
            hint="re-run or `inspect eval-retry` the log for full evidence",
        )
    if header.get("invalidated"):
        probs.warn(
            "log-incomplete", "the log is marked invalidated", hint="check why before relying on it"
        )
    if usage_missing:
        probs.warn(
            "budget-unmeasured",
            f"{usage_missing:,} attempt(s) record no model usage: their spend is unknown",
        )
    if limit_unscored:
        probs.warn(
            "attempts-skipped",
            f"{limit_unscored:,} attempt(s) hit a limit without a {chosen!r} score; "
            "scored 0 (a failure at that budget)",
        )
    stats_usage = _get(header, "stats", "model_usage", model, "total_tokens")
    if (
        status == "success"
        and isinstance(stats_usage, int | float)
        and not raw.from_journal
        and not rd.skipped
        and abs(total_usage - stats_usage) > 1e-3 * max(stats_usage, 1)
    ):
        probs.warn(
            "usage-inconsistent",
            f"per-attempt usage of {model} sums to {total_usage:,.0f} tokens, the log's "
            f"total is {stats_usage:,.0f}",
            loc=("stats", "model_usage"),
        )

    notes = []
    if other_usage:
        notes.append(
            "usage of other models left out (graders, tools): "
            + ", ".join(
                f"{k} {other_usage[k]:,.0f} tokens"
                + (f" ${other_cost[k]:.4g}" if other_cost[k] else "")
                for k in sorted(other_usage)
            )
        )
    if rd.limit_types:
        notes.append(
            "limits hit: " + ", ".join(f"{k} {n}" for k, n in sorted(rd.limit_types.items()))
        )
    pkg = _get(header, "eval", "packages", "inspect_ai")
    if pkg:
        notes.append(f"written by inspect_ai {pkg}")
    meta_scaffold = _get(header, "eval", "metadata", "scaffold")
    try:
        run = EvalRun(
            id=run_id,
            model=safe_id(model),
            eval=eval_key,
            eval_version=None if ev.get("task_version") is None else str(ev["task_version"]),
            scaffold=safe_id(
                scaffold or (meta_scaffold if isinstance(meta_scaffold, str) else None) or "default"
            ),
            date=_date(ev.get("created")),
            limits=_limits(header, raw.records, probs),
            source=SourceFile(
                path=file,
                sha256=sha,
                format=fmt,  # type: ignore[arg-type]
                member=SUMMARIES if fmt == "inspect-eval" and not raw.from_journal else None,
            ),
            status=run_status,  # type: ignore[arg-type]
            notes="; ".join(notes) or None,
        )
    except ValidationError as exc:  # ids are sanitised, so this is unexpected data
        raise RspcheckError.one(
            "invalid-value", f"cannot describe the run: {exc}", file=file, loc=("eval",)
        ) from None
    rd.run = run
    rd.tasks = tasks
    return SourceResult(path=file, sha256=sha, format=fmt, runs=[rd], warnings=probs.warnings)


def _task_info(eval_key: str, r: Rec, probs: ProblemCollector) -> TaskInfo:
    fam = r.family if isinstance(r.family, str) and r.family else None
    hm = r.human_minutes
    if hm is not None and not (
        isinstance(hm, int | float) and not isinstance(hm, bool) and math.isfinite(hm) and hm > 0
    ):
        probs.warn(
            "invalid-value",
            f"sample {r.id}: human_minutes {hm!r} is not a positive number; ignored",
            loc=(*r.where, "metadata", "human_minutes"),
        )
        hm = None
    return TaskInfo(eval=eval_key, task=r.id, family=fam, human_minutes=hm)


__all__ = ["read_inspect_log"]
