"""Builders for synthetic policies and evidence (no files), shared by the engine tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from checker.policy.model import Policy

AS_OF = dt.date(2026, 11, 1)


def make_policy(threshold: dict, **decision) -> Policy:
    """A one-threshold policy; ``threshold`` overrides the defaults."""
    t = {
        "id": "t",
        "title": "Test threshold",
        "domain": "cyber",
        "evals": ["e"],
        "axis": "usd",
        "assessed_range": {"min": 1.0, "max": 100.0},
        "function": 0.5,
        **threshold,
    }
    return Policy.model_validate(
        {
            "metadata": {"id": "p", "title": "P", "version": "1", "effective": "2026-01-01"},
            "actors": [{"id": "novice", "budget": {"usd": 1.0}}],
            "thresholds": [t],
            "decision": {"bootstrap_replicates": 200, **decision},
        }
    )


def make_evidence(runs: list[dict], seed: int = 0) -> Evidence:
    """Runs as dicts: id, budget (usd per attempt), p (success prob per attempt, scalar or
    per-task array), tasks, attempts; optional eval, scaffold, summary, seconds=False."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {"run": [], "task": [], "score": [], "usd": [], "seconds": []}
    manifest_runs = []
    for r in runs:
        manifest_runs.append(
            EvalRun(
                id=r["id"],
                model="m",
                eval=r.get("eval", "e"),
                scaffold=r.get("scaffold", "default"),
                date=dt.date(2026, 10, 1),
                summary=r.get("summary"),
            )
        )
        if r.get("summary"):
            continue
        tasks, attempts = r["tasks"], r["attempts"]
        p = np.broadcast_to(np.asarray(r["p"], dtype=float), (tasks,))
        for i in range(tasks):
            outcomes = (
                rng.random(attempts) < p[i]
                if not r.get("exact")
                else (np.arange(attempts) < round(p[i] * attempts))
            )
            for a in range(attempts):
                cols["run"].append(r["id"])
                cols["task"].append(f"task-{i}")
                cols["score"].append(float(outcomes[a]))
                cols["usd"].append(r["budget"])
                cols["seconds"].append(np.nan if not r.get("seconds") else 10.0)
    table = AttemptTable.from_columns(
        run=cols["run"],
        task=cols["task"],
        score=np.array(cols["score"]),
        spend={"usd": np.array(cols["usd"]), "seconds": np.array(cols["seconds"])},
    )
    manifest = EvidenceManifest(models=[ModelInfo(id="m")], runs=manifest_runs)
    return Evidence(manifest=manifest, attempts=table)


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF
