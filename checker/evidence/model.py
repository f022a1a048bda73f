"""The evidence format: a manifest of models, runs and attestations, plus attempt-level records.

The manifest (YAML or JSON) is small and human-edited; it is validated by pydantic models below.
Attempt records can number in the millions, so they are never one object per row: they live in
:class:`AttemptTable`, a set of parallel numpy arrays (one row per attempt), read from JSON Lines,
CSV or Parquet files the manifest names.

Spend conventions (what ingesters must produce):

* ``input_tokens`` are input tokens charged at the full rate (cache writes included),
  ``cached_tokens`` are cache reads, ``output_tokens`` include reasoning, and
  ``reasoning_tokens`` is the (informational) part of the output that was reasoning.
  The ``tokens`` axis spend of an attempt is ``input_tokens + cached_tokens + output_tokens``.
* ``usd`` is the attempt's cost when the harness computed it; otherwise rspcheck prices tokens
  through the model's dated :class:`~checker.budget.PriceTable`.
* ``seconds`` is wall-clock time of the attempt; ``working_seconds`` excludes waiting.
* A missing value is NaN in the arrays (``null`` in JSON Lines, an empty cell in CSV): never 0.
* An attempt that hit a token, time or message limit is a *failed* attempt at that budget
  (score as scored, usually 0), not a missing one; ``limit_hit`` records that it happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, model_validator

from checker.budget import NonNegativeFloat, PriceTable, Strict
from checker.files.tables import CodedText

Id = Annotated[
    str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/@+\-]*$")
]
"""Identifier: letters, digits and ``_ . : / @ + -``, starting with a letter or digit."""

MAX_TASKS = 1_000_000
"""Most tasks a summary may state (the largest benchmarks in use have ~10^5): the engine holds
arrays of one entry per task, so a count of 10^9 would be gigabytes."""
MAX_ATTEMPTS_PER_TASK = 1_000_000
"""Most attempts per task (or epochs) a summary or a run's limits may state."""

EvidenceFormat = Literal[
    "rspcheck-attempts", "inspect-eval", "inspect-json", "lm-eval", "table", "manual"
]


class ModelInfo(Strict):
    """A model (or system) whose evidence the manifest carries."""

    id: Id
    """Identifier used by runs, e.g. ``candidate`` or ``openai/gpt-5``."""
    name: str | None = None
    """Human name for the report."""
    prices: list[PriceTable] = Field(default_factory=list)
    """Dated list prices; the pricing convention picks the one in force on the run's date."""


class RunLimits(Strict):
    """The budget a run was *configured* with (caps). Curves use measured spend, not these."""

    max_tokens: int | None = Field(default=None, ge=1)
    """Per-generation output token cap."""
    reasoning_effort: str | None = None
    """Reasoning effort setting (e.g. ``low``, ``high``), as the harness names it."""
    reasoning_tokens: int | None = Field(default=None, ge=1)
    """Reasoning token budget per generation."""
    token_limit: int | None = Field(default=None, ge=1)
    """Total tokens allowed per attempt (agent runs)."""
    time_limit: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Wall-clock seconds allowed per attempt."""
    working_limit: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Working seconds allowed per attempt."""
    message_limit: int | None = Field(default=None, ge=1)
    """Messages allowed per attempt."""
    cost_limit: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """USD allowed per attempt."""
    epochs: int | None = Field(default=None, ge=1, le=MAX_ATTEMPTS_PER_TASK)
    """Attempts per task the run was configured for."""


class SourceFile(Strict):
    """A file the evidence was read from, with its digest, so a verifier can check it."""

    path: str
    """Path as given (relative paths are relative to the manifest)."""
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """Lower-case hex sha256 of the file's bytes."""
    format: EvidenceFormat = "rspcheck-attempts"
    """What wrote the file."""
    member: str | None = None
    """The member inside an archive (``.eval`` zip), when the run comes from one part of it."""


class RunSummary(Strict):
    """A run reported only as a summary: lower-grade evidence (binomial bounds only, no
    per-task bootstrap, no repeated-sampling credit beyond the attempts it states)."""

    score: float = Field(ge=0, le=1, allow_inf_nan=False)
    """Mean score over tasks, in [0, 1]."""
    n_tasks: int = Field(ge=1, le=MAX_TASKS)
    """Number of tasks scored (at most :data:`MAX_TASKS`)."""
    attempts_per_task: int = Field(default=1, ge=1, le=MAX_ATTEMPTS_PER_TASK)
    """Attempts per task the score averages over. Informational: attempts within a task are
    not independent trials, so the interval counts tasks, and a summary credits no repeated
    sampling."""
    mean_tokens: NonNegativeFloat | None = None
    """Mean tokens spent per attempt."""
    mean_usd: NonNegativeFloat | None = None
    """Mean USD spent per attempt."""
    mean_seconds: NonNegativeFloat | None = None
    """Mean wall-clock seconds per attempt."""


class EvalRun(Strict):
    """One evaluation run: one model, one eval, one scaffold, one configured budget."""

    id: Id
    """Unique run identifier (attempt records refer to it)."""
    model: Id
    """The model's ``id`` in ``models``."""
    eval: Id
    """The eval's identifier, as policies name it in a threshold's ``evals``."""
    eval_version: str | None = None
    """Task set version (changing it changes the curve)."""
    scaffold: Id = "default"
    """The agent scaffold or elicitation setup; curves are per (model, eval, scaffold)."""
    date: dt.date | None = None
    """Evaluation date (selects list prices under the ``list-price-at-eval-date`` convention)."""
    limits: RunLimits = Field(default_factory=RunLimits)
    """The configured caps."""
    source: SourceFile | None = None
    """Where the run's data came from."""
    summary: RunSummary | None = None
    """Summary-only evidence, for runs without attempt-level records."""
    status: Literal["success", "partial", "error", "cancelled"] = "success"
    """Whether the run finished; partial runs contribute their completed samples only."""
    notes: str | None = None
    """Anything a reviewer should know (shown in the report)."""


class TaskInfo(Strict):
    """Optional per-task metadata."""

    eval: Id
    """The eval the task belongs to."""
    task: str = Field(min_length=1)
    """Task (sample) identifier, as in the attempt records."""
    family: str | None = None
    """Task family: the bootstrap resamples families, keeping related tasks together."""
    human_minutes: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """How long the task takes a skilled human, in minutes (task-horizon coverage counts only
    tasks a run attempted)."""


class AttemptsFile(Strict):
    """A file of attempt-level records (one row per attempt, a ``run`` column)."""

    path: str
    """JSON Lines (``.jsonl``), CSV (``.csv``) or Parquet (``.parquet``, needs ``pyarrow``)."""
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """Expected digest; checked on load when given."""


class Attestation(Strict):
    """A statement that a safeguard is in place, by someone accountable for it."""

    safeguard: Id
    """The safeguard's id in the policy."""
    attested_by: str = Field(min_length=1)
    """Who attests (a role and a name)."""
    date: dt.date
    """When it was attested."""
    expires: dt.date | None = None
    """When the attestation lapses; absent means it does not lapse by date."""
    statement: str | None = None
    """What exactly is attested, or a link to it."""

    @model_validator(mode="after")
    def _expiry_after_date(self) -> Attestation:
        if self.expires is not None and self.expires < self.date:
            raise ValueError("expires is before the attestation date")
        return self


class EvidenceManifest(Strict):
    """The evidence manifest file (``kind: rspcheck-evidence``)."""

    kind: Literal["rspcheck-evidence"] = "rspcheck-evidence"
    """Marks the file as rspcheck evidence."""
    format_version: Literal[1] = 1
    """Version of this format."""
    title: str | None = None
    """What this evidence is (shown in the report)."""
    models: list[ModelInfo] = Field(default_factory=list)
    """Models with their price tables."""
    runs: list[EvalRun] = Field(default_factory=list)
    """Evaluation runs."""
    attempts: list[AttemptsFile] = Field(default_factory=list)
    """Files of attempt-level records for the runs."""
    tasks: list[TaskInfo] = Field(default_factory=list)
    """Optional per-task metadata (family, human-time length)."""
    attestations: list[Attestation] = Field(default_factory=list)
    """Safeguard attestations."""


#: Numeric attempt columns besides the keys, in file order. All float64; NaN = missing.
SPEND_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "usd",
    "seconds",
    "working_seconds",
)
#: Every column an attempts file may have; ``run``, ``task`` and ``score`` are required.
ATTEMPT_COLUMNS: tuple[str, ...] = ("run", "task", "attempt", "score", *SPEND_COLUMNS, "limit_hit")
REQUIRED_ATTEMPT_COLUMNS: tuple[str, ...] = ("run", "task", "score")


@dataclass(frozen=True, eq=False)
class AttemptTable:
    """Attempt-level records as parallel arrays: row ``i`` is one attempt.

    ``run`` and ``task`` are integer codes into ``run_ids`` and ``task_ids``; task codes are
    global across runs (task ids are compared as strings within an eval).
    """

    run: np.ndarray
    """int32 code into ``run_ids``."""
    task: np.ndarray
    """int32 code into ``task_ids``."""
    attempt: np.ndarray
    """int32 attempt number within (run, task), from 0."""
    score: np.ndarray
    """float64 score in [0, 1]."""
    spend: dict[str, np.ndarray]
    """float64 arrays keyed by :data:`SPEND_COLUMNS`; NaN where not measured."""
    limit_hit: np.ndarray
    """bool: the attempt stopped at a configured limit (a failure at that budget)."""
    run_ids: tuple[str, ...]
    task_ids: tuple[str, ...]
    sources: tuple[str, ...] = field(default=())
    """Files the rows came from (for messages)."""
    origin: np.ndarray | None = field(default=None)
    """int64 per row: the line it was read from in its file (for Parquet, its row number), so
    that a problem found across rows can name where; ``None`` when not read from files."""
    source: np.ndarray | None = field(default=None)
    """int32 per row (with ``origin``): the index in ``sources`` of the file it came from."""

    def __len__(self) -> int:
        return int(self.score.shape[0])

    def locate(self, row: int) -> tuple[str | None, int | None]:
        """The file and line row ``row`` was read from, as far as they are known."""
        if self.origin is None or self.source is None:
            return (", ".join(self.sources) or None), None
        return self.sources[int(self.source[row])], int(self.origin[row])

    @classmethod
    def empty(cls) -> AttemptTable:
        z = np.zeros(0)
        return cls(
            run=np.zeros(0, np.int32),
            task=np.zeros(0, np.int32),
            attempt=np.zeros(0, np.int32),
            score=z,
            spend={c: z.copy() for c in SPEND_COLUMNS},
            limit_hit=np.zeros(0, bool),
            run_ids=(),
            task_ids=(),
        )

    @classmethod
    def from_columns(
        cls,
        run: list[str] | np.ndarray | CodedText,
        task: list[str] | np.ndarray | CodedText,
        score: ArrayLike,
        attempt: ArrayLike | None = None,
        spend: Mapping[str, ArrayLike] | None = None,
        limit_hit: ArrayLike | None = None,
        sources: tuple[str, ...] = (),
        origin: np.ndarray | None = None,
    ) -> AttemptTable:
        """Build from string run/task columns (factorised here) and numeric arrays.

        Coded columns (:class:`~checker.files.tables.CodedText`, no missing cells) are
        factorised by sorting their few distinct values only, with the same codes as sorting
        every row's string would give.

        Missing spend columns become all-NaN; a missing ``attempt`` column numbers attempts
        0, 1, ... within each (run, task) in row order. ``origin`` gives each row's line in the
        one file of ``sources`` it was read from.
        """
        run_ids, run_codes = _factorise(run)
        task_ids, task_codes = _factorise(task)
        n = len(run_codes)
        run_codes = run_codes.astype(np.int32)
        task_codes = task_codes.astype(np.int32)
        if attempt is None:
            attempt = _number_within(run_codes, task_codes)
        spend = dict(spend or {})
        full = {
            c: np.asarray(spend.get(c, np.full(n, np.nan)), dtype=np.float64) for c in SPEND_COLUMNS
        }
        return cls(
            run=run_codes,
            task=task_codes,
            attempt=np.asarray(attempt, dtype=np.int32),
            score=np.asarray(score, dtype=np.float64),
            spend=full,
            limit_hit=np.zeros(n, bool) if limit_hit is None else np.asarray(limit_hit, dtype=bool),
            run_ids=tuple(str(r) for r in run_ids),
            task_ids=tuple(str(t) for t in task_ids),
            sources=sources,
            origin=None if origin is None else np.asarray(origin, dtype=np.int64),
            source=None if origin is None or len(sources) != 1 else np.zeros(n, np.int32),
        )

    @classmethod
    def concat(cls, tables: list[AttemptTable]) -> AttemptTable:
        """Stack tables, re-coding runs and tasks into one shared vocabulary.

        Equal to :meth:`from_columns` over the stacked string columns, without it: each table's
        codes are already factorised, so only the (small) vocabularies are merged and each
        table's codes are mapped through a lookup array. A million rows stack in milliseconds
        rather than the seconds a sort of a million strings takes.
        """
        tables = [t for t in tables if len(t)]
        if not tables:
            return cls.empty()
        if len(tables) == 1:
            return tables[0]
        run_ids, run_maps = _merge_vocab([(t.run_ids, t.run) for t in tables])
        task_ids, task_maps = _merge_vocab([(t.task_ids, t.task) for t in tables])
        return cls(
            run=np.concatenate([m[t.run] for m, t in zip(run_maps, tables, strict=True)]),
            task=np.concatenate([m[t.task] for m, t in zip(task_maps, tables, strict=True)]),
            attempt=np.concatenate([t.attempt for t in tables]).astype(np.int32, copy=False),
            score=np.concatenate([t.score for t in tables]).astype(np.float64, copy=False),
            spend={
                c: np.concatenate([t.spend[c] for t in tables]).astype(np.float64, copy=False)
                for c in SPEND_COLUMNS
            },
            limit_hit=np.concatenate([t.limit_hit for t in tables]).astype(bool, copy=False),
            run_ids=run_ids,
            task_ids=task_ids,
            sources=tuple(s for t in tables for s in t.sources),
            **_stacked_origins(tables),
        )

    def tokens(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Spend on the tokens axis: input + cache reads + output (NaN if input or output is),
        for all rows or the given row indices."""
        pick = (lambda a: a) if rows is None else (lambda a: a[rows])
        cached = np.nan_to_num(pick(self.spend["cached_tokens"]), nan=0.0)
        return pick(self.spend["input_tokens"]) + cached + pick(self.spend["output_tokens"])

    def rows_of_run(self, run_id: str) -> np.ndarray:
        """Row indices of one run (empty if the run has no attempts)."""
        try:
            code = self.run_ids.index(run_id)
        except ValueError:
            return np.zeros(0, np.int64)
        return np.flatnonzero(self.run == code)


def _factorise(ids: list[str] | np.ndarray | CodedText) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids (as str) and each row's index into them (``np.unique`` semantics)."""
    if isinstance(ids, CodedText):
        if ids.codes.size and int(ids.codes.min()) < 0:
            raise ValueError("a coded id column with missing cells")  # callers check first
        values = np.asarray(ids.values, dtype=object).astype(str)
        sorted_ids, remap = np.unique(values, return_inverse=True)
        # an unused value would be an id with no rows: counted per value, not per row
        counts = np.bincount(ids.codes, minlength=len(values))
        used = np.zeros(len(sorted_ids), dtype=bool)
        used[remap[counts > 0]] = True
        if not used.all():
            sorted_ids, remap = sorted_ids[used], (np.cumsum(used) - 1)[remap]
        return sorted_ids, remap.astype(np.int32)[ids.codes]  # int32: half the memory
    return np.unique(np.asarray(ids, dtype=object).astype(str), return_inverse=True)


def _merge_vocab(
    parts: list[tuple[tuple[str, ...], np.ndarray]],
) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """One sorted vocabulary for several (ids, codes) pairs, and per pair a lookup array from
    its codes to the merged ones. Only ids some row uses are kept (as :meth:`from_columns`
    would), sorted as ``np.unique`` sorts strings."""
    used = []
    for ids, codes in parts:
        arr = np.asarray(ids, dtype=str) if ids else np.zeros(0, dtype="<U1")
        used.append(arr[np.unique(codes)] if len(arr) else arr)
    merged = np.unique(np.concatenate(used))
    maps = []
    for ids, _ in parts:
        arr = np.asarray(ids, dtype=str) if ids else np.zeros(0, dtype="<U1")
        # ids a table lists but no row uses map to a code nothing refers to (never read)
        maps.append(np.searchsorted(merged, arr).astype(np.int32))
    return tuple(str(x) for x in merged), maps


def _number_within(run: np.ndarray, task: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each (run, task) group, in row order (vectorised)."""
    n = len(run)
    if n == 0:
        return np.zeros(0, np.int32)
    key = run.astype(np.int64) * (int(task.max()) + 1) + task
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    out = np.empty(n, np.int32)
    out[order] = np.arange(n) - group_start
    return out


def _stacked_origins(tables: list[AttemptTable]) -> dict[str, np.ndarray | None]:
    """``origin`` and ``source`` of stacked tables: known only when known for every table."""
    if any(t.origin is None or t.source is None for t in tables):
        return {"origin": None, "source": None}
    offsets = np.cumsum([0, *(len(t.sources) for t in tables[:-1])])
    return {
        "origin": np.concatenate([t.origin for t in tables]),
        "source": np.concatenate(
            [t.source + off for t, off in zip(tables, offsets, strict=True)]
        ).astype(np.int32, copy=False),
    }


@dataclass(frozen=True, eq=False)
class Evidence:
    """Loaded evidence: the manifest's content, the attempts, and where it all came from."""

    manifest: EvidenceManifest
    attempts: AttemptTable
    files: tuple[tuple[str, str], ...] = ()
    """(path, sha256) of every file read: manifests, attempt files, raw logs."""
    warnings: tuple[str, ...] = ()
    """Things a reviewer should know that did not stop loading (e.g. a log that stopped early)."""

    @property
    def runs(self) -> list[EvalRun]:
        return self.manifest.runs

    def run(self, run_id: str) -> EvalRun | None:
        return next((r for r in self.manifest.runs if r.id == run_id), None)

    def model(self, model_id: str) -> ModelInfo | None:
        return next((m for m in self.manifest.models if m.id == model_id), None)
