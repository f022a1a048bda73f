"""Budget-truncated configurations: one uncapped run read as the runs it would have been if capped.

With each attempt's spend ``c`` and score ``s`` known, a run capped at ``b`` per attempt is
modelled as succeeding with ``s * [c <= b]`` and spending ``min(c, b)``: an attempt that would
have spent more is cut off at the cap and fails. Its configuration's budget is the mean over
tasks of ``E[min(c, b)]``, its score the mean of ``s * [c <= b]``; the bootstrap over tasks
uses the same weights as the eval's other configurations, so its interval (and coverage) is
like that of any evaluated run.

What it is, and is not: it is what a run capped at ``b`` reaches **if the attempts do not adapt
to the cap**. A model told its budget (a reasoning-token budget, an agent that sees its
remaining tokens) may plan within it and do better, so the truncated score is a *lower bound*
on a capped run. A policy credits it only when it says so (``decision.truncation``), and the
family fits that extrapolate beyond the evidence never use it: its points are not independent
runs but one run read at many caps.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from checker.budget import Axis
from checker.engine.configs import (
    SUCCESS_CUTOFF,
    Config,
    RunData,
    make_config,
    run_spend,
    task_weights,
)
from checker.evidence.model import Evidence
from checker.policy.model import Pricing

TRUNCATION_POINTS = 12
"""Caps per run at which the engine truncates it (log-spaced, see :func:`truncation_caps`)."""
LOWEST_SHARE = 0.05
"""The lowest cap leaves this share of the run's attempts within it: below, the curve is the
few cheapest attempts' luck."""


def truncation_caps(spend: np.ndarray, points: int = TRUNCATION_POINTS) -> np.ndarray:
    """Per-attempt caps at which to truncate a run: log-spaced from the spend that
    :data:`LOWEST_SHARE` of its attempts stay within, up to (not including) its largest spend,
    where truncation changes nothing.

    Args:
        spend: Per-attempt spend on the axis (finite, non-negative).
        points: How many caps.

    Returns:
        The caps, increasing; empty when the attempts all spent about the same.
    """
    positive = spend[spend > 0]
    if positive.size < 2 or points < 1:
        return np.zeros(0)
    lo = float(np.quantile(positive, LOWEST_SHARE))
    hi = float(positive.max())
    if not hi > lo * 1.01:
        return np.zeros(0)
    return np.logspace(np.log10(lo), np.log10(hi), points + 1)[:-1]


def truncated_runs(
    evidence: Evidence,
    rd: RunData,
    axis: Axis,
    pricing: Pricing,
    *,
    points: int = TRUNCATION_POINTS,
    caps: np.ndarray | None = None,
) -> list[tuple[float, RunData]]:
    """One run's data as if each attempt had been capped at each of ``caps`` on ``axis``.

    Args:
        evidence: The evidence holding the run's attempts.
        rd: The run's (uncapped) data on the axis; summary runs give nothing.
        axis: The budget axis the caps are on.
        pricing: How tokens become usd on the usd axis.
        points: How many caps, when ``caps`` is not given.
        caps: Per-attempt caps; by default :func:`truncation_caps` of the run's spend.

    Returns:
        ``(cap, data)`` per cap, ``data`` task by task in the order of ``rd.tasks``.
    """
    if rd.grade != "attempts":
        return []
    rows = evidence.attempts.rows_of_run(rd.run.id)
    spend, _, _ = run_spend(evidence, rd.run, rows, axis, pricing)
    if spend is None:
        return []
    if caps is None:
        caps = truncation_caps(spend, points)
    table = evidence.attempts
    _, inverse = np.unique(table.task[rows], return_inverse=True)  # as run_data orders tasks
    score = table.score[rows]
    out = []
    for cap in caps:
        within = spend <= cap
        kept = np.where(within, score, 0.0)
        cost = np.bincount(inverse, weights=np.minimum(spend, cap)) / rd.n
        data = dataclasses.replace(
            rd,
            score_sum=np.bincount(inverse, weights=kept),
            successes=np.bincount(inverse, weights=(kept >= SUCCESS_CUTOFF).astype(float)),
            cost=cost,
            budget=float(cost.mean()),
        )
        if data.budget > 0:
            out.append((float(cap), data))
    return out


def truncated_configurations(
    evidence: Evidence,
    runs: list[RunData],
    *,
    axis: Axis,
    pricing: Pricing,
    families: dict[str, str],
    replicates: int,
    seed: int,
    key: str,
    alpha: float,
    cache: dict | None = None,
    points: int = TRUNCATION_POINTS,
) -> list[Config]:
    """The budget-truncated configurations of one eval's runs (single attempts, k = 1).

    The arguments are those :func:`~checker.engine.configs.configurations` took for the same
    runs: with the same ``key`` the bootstrap draws the same task weights, so a truncated
    configuration and the run it comes from are resampled together (paired). The replicates
    of every cap of every run that covers the eval's whole task set come from one matrix
    product (the weight matrix is read once, not once per cap).

    Returns:
        One configuration per run and cap, with ``truncated_at`` set to the cap.
    """
    cache = {} if cache is None else cache
    universe, weights = task_weights(
        runs, families=families, replicates=replicates, seed=seed, key=key, cache=cache
    )
    if weights is None:
        return []
    index = {t: i for i, t in enumerate(universe)}
    cut = [
        (rd, cap, data)
        for rd in runs
        for cap, data in truncated_runs(evidence, rd, axis, pricing, points=points)
    ]
    if not cut:
        return []
    of_run: dict[str, np.ndarray | None] = {}  # a run's weight columns (None: all, in order)
    for rd in {rd.run.id: rd for rd, _, _ in cut}.values():
        cols = np.fromiter((index[t] for t in rd.tasks), dtype=np.int64, count=len(rd.tasks))
        full = cols.size == len(universe) and bool(np.all(cols == np.arange(cols.size)))
        of_run[rd.run.id] = None if full else cols
    columns = [of_run[rd.run.id] for rd, _, _ in cut]
    reps = np.empty((weights.shape[0], len(cut)))
    whole = [i for i, c in enumerate(columns) if c is None]
    if whole:  # one product for every cap of every run on the whole task set
        per_task = np.column_stack([cut[i][2].score_sum / cut[i][2].n for i in whole])
        reps[:, whole] = (weights @ per_task) / weights.sum(axis=1)[:, None]
    for i, sel in enumerate(columns):
        if sel is not None:
            w = weights[:, sel]
            wsum = w.sum(axis=1)
            wsum[wsum == 0] = np.nan  # a replicate that drew none of this run's tasks
            data = cut[i][2]
            reps[:, i] = (w @ (data.score_sum / data.n)) / wsum
    return [
        dataclasses.replace(
            make_config(data, 1, data.budget, data.score_sum / data.n, reps[:, i], seed, alpha),
            truncated_at=cap,
        )
        for i, (_, cap, data) in enumerate(cut)
    ]
