"""Removing evidence never rules a threshold out (DESIGN.md 10; issue 11, Deliver).

A property test on the shipped example: no removal from ``examples/evidence.yaml`` (runs, whole
evals, tasks, attempts, task metadata or some of its fields, in any combination) turns a
threshold of ``policies/rspcheck-reference.yaml`` that is indeterminate or crossed on the full
evidence into ``not_crossed``. Removals are drawn from what the example holds, so every example
is a valid mutation, and only thresholds that are not ``not_crossed`` on the full evidence are
checked (the precondition holds by construction). Few replicates and few examples keep it
fast; the thresholds are decided directly, without the gate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.engine.threshold import determine
from checker.evidence.load import load_evidence
from checker.evidence.model import AttemptTable, Evidence
from checker.policy.load import load_policy
from checker.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]
MODEL = "candidate"
SEED = 7
REPLICATES = 50  # the schema's floor: decisions here rest on coverage, not on precision

EXAMPLE = load_evidence(ROOT / "examples" / "evidence.yaml")
RUNS = sorted(r.id for r in EXAMPLE.runs)
EVALS = sorted({r.eval for r in EXAMPLE.runs})
TASKS = sorted(set(EXAMPLE.attempts.task_ids))
METADATA = len(EXAMPLE.manifest.tasks)


@cache
def _policy() -> Policy:
    """The reference policy, plus one threshold that any of two evals can cross (autonomy-high's
    T(b) on autonomy-swe OR cyber-ctf): removing one of its evals must leave it open, never
    decide it on the other alone (the fail-open of issue 11, item 1)."""
    p = load_policy(ROOT / "policies" / "rspcheck-reference.yaml", today=dt.date(2026, 11, 28))
    decision = p.policy.decision.model_copy(update={"bootstrap_replicates": REPLICATES})
    autonomy = p.policy.threshold("autonomy-high")
    assert autonomy is not None
    either = autonomy.model_copy(
        update={"id": "autonomy-or-cyber", "evals": ["autonomy-swe", "cyber-ctf"], "combine": "any"}
    )
    return p.policy.model_copy(
        update={"decision": decision, "thresholds": [*p.policy.thresholds, either]}
    )


def _states(evidence: Evidence, ids: list[str]) -> dict[str, str]:
    policy = _policy()
    shared: dict = {}  # bootstrap weights and fits shared by the thresholds, as in evaluate
    out = {}
    for tid in ids:
        t = policy.threshold(tid)
        assert t is not None
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: as evaluate
            result, _ = determine(
                policy, t, evidence, MODEL, seed=SEED, waived_by=None, cache=shared
            )
        out[tid] = result.state
    return out


@cache
def _guarded() -> list[str]:
    """The thresholds indeterminate or crossed on the full evidence."""
    ids = [t.id for t in _policy().thresholds]
    states = _states(EXAMPLE, ids)
    return [tid for tid in ids if states[tid] != "not_crossed"]


@dataclasses.dataclass(frozen=True)
class Removal:
    runs: frozenset[str]
    evals: frozenset[str]
    tasks: frozenset[str]
    attempts: float
    """Share of the remaining attempts removed at random."""
    attempts_seed: int
    metadata: frozenset[int]
    """Indices of ``tasks:`` entries removed."""
    field: str | None
    """A field removed from every remaining ``tasks:`` entry."""

    def apply(self, ev: Evidence) -> Evidence:
        runs = [r for r in ev.manifest.runs if r.id not in self.runs and r.eval not in self.evals]
        table = ev.attempts
        keep_runs = np.isin(np.asarray(table.run_ids, dtype=object), [r.id for r in runs])
        keep_tasks = ~np.isin(np.asarray(table.task_ids, dtype=object), list(self.tasks))
        rows = keep_runs[table.run] & keep_tasks[table.task]
        rng = np.random.default_rng(self.attempts_seed)
        rows &= rng.random(len(table)) >= self.attempts
        tasks = [
            ti.model_copy(update={self.field: None}) if self.field else ti
            for i, ti in enumerate(ev.manifest.tasks)
            if i not in self.metadata
        ]
        manifest = ev.manifest.model_copy(update={"runs": runs, "tasks": tasks})
        return dataclasses.replace(ev, manifest=manifest, attempts=_subset(table, rows))


def _subset(table: AttemptTable, rows: np.ndarray) -> AttemptTable:
    idx = np.flatnonzero(rows)
    return AttemptTable.from_columns(
        run=np.asarray(table.run_ids, dtype=object)[table.run[idx]],
        task=np.asarray(table.task_ids, dtype=object)[table.task[idx]],
        score=table.score[idx],
        attempt=table.attempt[idx],
        spend={c: v[idx] for c, v in table.spend.items()},
        limit_hit=table.limit_hit[idx],
    )


def _some(values: list, max_size: int) -> st.SearchStrategy[frozenset]:
    return st.frozensets(st.sampled_from(values), max_size=max_size)


REMOVALS = st.builds(
    Removal,
    runs=_some(RUNS, 8),
    evals=_some(EVALS, 2),
    tasks=_some(TASKS, 40),
    attempts=st.sampled_from([0.0, 0.3, 0.7]),
    attempts_seed=st.integers(0, 2**16),
    metadata=_some(list(range(METADATA)), 60),
    field=st.sampled_from([None, "human_minutes", "family"]),
)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(REMOVALS)
@example(Removal(frozenset(), frozenset({"cyber-ctf"}), frozenset(), 0.0, 0, frozenset(), None))
def test_removing_evidence_never_rules_a_threshold_out(removal: Removal) -> None:
    guarded = _guarded()
    assert guarded, "the example must have thresholds that are not ruled out"
    states = _states(removal.apply(EXAMPLE), guarded)
    assert all(s != "not_crossed" for s in states.values()), (removal, states)


def test_the_guarded_thresholds_are_the_example_s_open_ones() -> None:
    # The precondition is not empty: cyber-high is crossed, cyber-critical and bio-high are
    # indeterminate on the full evidence (tests/test_example.py tells why), and so is the
    # two-eval threshold, by cyber-ctf.
    assert _guarded() == ["cyber-high", "cyber-critical", "bio-high", "autonomy-or-cyber"]
