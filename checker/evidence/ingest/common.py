"""Pieces shared by the ingesters: score mapping, ids, per-run columns, problems, assembly.

Every reader turns one source file into a :class:`SourceResult` (runs, their attempt columns, task
metadata, warnings and counts of what was skipped); :func:`build_evidence` checks the results
against each other (two sources claiming one run) and assembles one
:class:`~checker.evidence.model.Evidence`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from checker.errors import Problem, RspcheckError
from checker.evidence.model import (
    SPEND_COLUMNS,
    AttemptTable,
    EvalRun,
    Evidence,
    EvidenceManifest,
    ModelInfo,
    TaskInfo,
)

Progress = Callable[[int], None]
"""Called with a number of bytes of the source just processed (drives the CLI's bar)."""

MAX_LISTED = 5
"""Bad records named one by one before the rest are only counted."""

#: Inspect's built-in score strings (``value_to_float``): exact, case-sensitive.
LETTER_SCORES: dict[str, float] = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
#: Boolean-like words, compared case-insensitively (as Inspect does).
WORD_SCORES: dict[str, float] = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}

#: Why attempts are left out, as counted in :attr:`IngestedRun.skipped` (and shown by the CLI).
SKIP_REASONS: dict[str, str] = {
    "error": "ended in an error (not a budget outcome)",
    "unscored": "have no value for the chosen scorer (NaN or absent)",
    "incomplete": "were still running when the log was written",
    "duplicate": "repeat an earlier record of the same task and attempt (the last one is kept)",
    "other-filter": "belong to another filter than the one chosen",
}

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_ID_BAD = re.compile(r"[^A-Za-z0-9_.:/@+\-]+")


class Unmappable(ValueError):
    """A score value that has no meaning on [0, 1] (an unknown word, a list, a dict)."""


def score_to_unit(value: object, key: str | None = None) -> float:
    """Map one recorded score value to a float (range is checked by the caller).

    * ``"C"`` → 1, ``"I"`` → 0, ``"P"`` → 0.5, ``"N"`` (no answer) → 0 — Inspect's letters;
    * ``True``/``False`` and the words ``yes``/``true``/``no``/``false`` (any case) → 1/0;
    * numbers, and strings that hold only a number, → that number;
    * ``None`` and NaN → NaN (unscored);
    * a dict → its ``key`` entry (``--scorer NAME:KEY``), mapped by the same rules;
    * anything else raises :class:`Unmappable`.
    """
    if isinstance(value, dict):
        if key is None:
            raise Unmappable(
                f"the value is a dict with keys {sorted(value)[:8]}; choose one as SCORER:KEY"
            )
        if key not in value:
            raise Unmappable(f"the value has no key {key!r} (keys: {sorted(value)[:8]})")
        return score_to_unit(value[key])
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if value in LETTER_SCORES:
            return LETTER_SCORES[value]
        low = value.strip().lower()
        if low in WORD_SCORES:
            return WORD_SCORES[low]
        if low in ("nan", ""):
            return math.nan
        if _NUMBER.match(value):
            return float(value)
        raise Unmappable(
            f"the string {value[:40]!r} is not C/I/P/N, yes/no, true/false or a number"
        )
    raise Unmappable(f"a {type(value).__name__} value cannot be mapped to one score")


def safe_id(text: str, fallback: str = "x") -> str:
    """An :data:`~checker.evidence.model.Id`-valid form of ``text`` (bad characters → ``_``)."""
    out = _ID_BAD.sub("_", str(text)).lstrip("_.:/@+-")
    return (out or fallback)[:200]


def as_float(value: object) -> float:
    """A number as float; anything else (None, strings, bools) as NaN."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


@dataclass
class Columns:
    """Attempt rows of one run, as growing Python lists (turned into arrays once, at the end)."""

    task: list[str] = field(default_factory=list)
    attempt: list[int] = field(default_factory=list)
    score: list[float] = field(default_factory=list)
    spend: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in SPEND_COLUMNS})
    limit_hit: list[bool] = field(default_factory=list)

    def add(
        self, task: str, attempt: int, score: float, spend: dict[str, float], limit_hit: bool
    ) -> None:
        self.task.append(task)
        self.attempt.append(attempt)
        self.score.append(score)
        for c in SPEND_COLUMNS:
            self.spend[c].append(spend.get(c, math.nan))
        self.limit_hit.append(limit_hit)

    def __len__(self) -> int:
        return len(self.task)

    def freeze(self) -> None:
        """Turn the lists into numpy arrays (8 bytes a value instead of ~32): call once a run
        is read, so that a million attempts across many logs stay small."""
        if isinstance(self.score, np.ndarray):
            return
        self.task = np.asarray(self.task, dtype=object)  # type: ignore[assignment]
        self.attempt = np.asarray(self.attempt, dtype=np.int32)  # type: ignore[assignment]
        self.score = np.asarray(self.score, dtype=np.float64)  # type: ignore[assignment]
        self.spend = {k: np.asarray(v, dtype=np.float64) for k, v in self.spend.items()}  # type: ignore[misc]
        self.limit_hit = np.asarray(self.limit_hit, dtype=bool)  # type: ignore[assignment]


@dataclass
class IngestedRun:
    """One run as an ingest reader found it in a source: its manifest entry, its attempt rows
    (still growing) and what was left out; not the engine's per-configuration data."""

    run: EvalRun
    columns: Columns
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    limit_types: Counter[str] = field(default_factory=Counter)


@dataclass
class SourceResult:
    """Everything one source file yielded."""

    path: str
    sha256: str
    format: str
    runs: list[IngestedRun] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    extra_files: list[tuple[str, str]] = field(default_factory=list)
    """Other files read for this source, as (path, sha256): e.g. lm-eval's results JSON."""


def skipped_warning(rd: IngestedRun, file: str) -> Problem | None:
    """One warning that counts every attempt left out of a run, by reason (none if nothing)."""
    if not rd.skipped:
        return None
    parts = [f"{n:,} {SKIP_REASONS.get(r, r)}" for r, n in sorted(rd.skipped.items())]
    return Problem(
        "attempts-skipped",
        f"run {rd.run.id}: {sum(rd.skipped.values()):,} attempt record(s) left out: "
        + "; ".join(parts),
        file=file,
        severity="warning",
    )


def build_evidence(
    results: Iterable[SourceResult], *, title: str | None = None
) -> tuple[Evidence, list[SourceResult]]:
    """Assemble sources into one Evidence; two different files claiming one run is an error.

    The same file given twice (equal sha256) is read once, with a warning. Returns the evidence
    and the sources actually used (for the CLI's summary).
    """
    used: list[SourceResult] = []
    by_sha: dict[str, SourceResult] = {}
    owner: dict[str, SourceResult] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for res in results:
        twin = by_sha.get(res.sha256)
        if twin is not None and [r.run.id for r in twin.runs] == [r.run.id for r in res.runs]:
            warnings.append(
                Problem(
                    "run-duplicate",
                    f"the same file was given twice (also as {twin.path}); it is read once",
                    file=res.path,
                    severity="warning",
                )
            )
            continue
        by_sha[res.sha256] = res
        for rd in res.runs:
            prev = owner.get(rd.run.id)
            if prev is not None:
                problems.append(
                    Problem(
                        "run-duplicate",
                        f"run {rd.run.id} is also claimed by {prev.path}",
                        file=res.path,
                        hint="two logs of one eval run (a copy, or a retry that kept the eval "
                        "id): give only one of them",
                    )
                )
            owner[rd.run.id] = res
        used.append(res)
    if problems:
        raise RspcheckError(problems)

    runs: list[EvalRun] = []
    models: dict[str, ModelInfo] = {}
    tasks: dict[tuple[str, str], TaskInfo] = {}
    parts: list[AttemptTable] = []
    for res in used:
        warnings.extend(res.warnings)
        for rd in res.runs:
            runs.append(rd.run)
            models.setdefault(rd.run.model, ModelInfo(id=rd.run.model))
            for key, info in rd.tasks.items():
                tasks.setdefault((rd.run.eval, key), info)
            rd.columns.freeze()
            c = rd.columns
            if len(c):  # factorised per run, then stacked (no sort of a million strings)
                parts.append(
                    AttemptTable.from_columns(
                        run=np.full(len(c), rd.run.id, dtype=object),
                        task=c.task,
                        score=c.score,
                        attempt=c.attempt,
                        spend=c.spend,
                        limit_hit=c.limit_hit,
                    )
                )
            w = skipped_warning(rd, res.path)
            if w is not None:
                warnings.append(w)
    manifest = EvidenceManifest(
        title=title,
        models=list(models.values()),
        runs=runs,
        tasks=[tasks[k] for k in sorted(tasks)],
    )
    if parts:
        table = dataclasses.replace(AttemptTable.concat(parts), sources=tuple(r.path for r in used))
    else:
        table = AttemptTable.empty()
    evidence = Evidence(
        manifest=manifest,
        attempts=table,
        files=tuple(dict.fromkeys(f for r in used for f in [(r.path, r.sha256), *r.extra_files])),
        warnings=tuple(p.format() for p in warnings),
    )
    return evidence, used
