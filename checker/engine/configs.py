"""From evidence to evaluated configurations: per-run task data on one axis, and their replicates.

A *configuration* is something an actor can buy: one run's setup (model, eval, scaffold, caps)
tried ``k`` times per task. Its budget is the mean spend per task on the threshold's axis, its
performance the mean score over tasks (pass@k for k > 1). Every configuration of an eval is
resampled with the same cluster-bootstrap weights over that eval's tasks, so the curves of one
replicate are coherent across budgets.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np

from checker.budget import Axis, select_price
from checker.curves import (
    expected_sequential_cost,
    pass_at_k,
    replicate_weights,
)
from checker.determination import PriceUse
from checker.engine.attempts import LazyAttempts
from checker.evidence.model import EvalRun, Evidence
from checker.policy.model import ExtrapolationCap, Pricing

SUCCESS_CUTOFF = 0.5
"""A fractional score counts as a success for pass@k when it is at least this."""
MAX_K_POINTS = 24
"""Most values of k per run turned into configurations (log-spaced beyond)."""

Grade = Literal["attempts", "summary"]
"""``attempts``: task-level data; ``summary``: a score and a number of tasks only."""


@dataclass(frozen=True)
class RunData:
    """One run's data on one axis, task by task."""

    run: EvalRun
    grade: Grade
    tasks: np.ndarray
    """Task ids (str) of the run, in the eval's task order."""
    n: np.ndarray
    """Attempts per task."""
    score_sum: np.ndarray
    """Sum of scores per task."""
    successes: np.ndarray
    """Attempts per task scoring at least :data:`SUCCESS_CUTOFF`."""
    cost: np.ndarray
    """Mean spend per attempt, per task, on the axis."""
    budget: float
    """Mean spend per task per attempt: the configuration's budget at k = 1."""
    price: PriceUse | None
    """How usd was obtained (usd axis only)."""


@dataclass(frozen=True)
class Config:
    """An evaluated configuration with its bootstrap replicates."""

    run: EvalRun
    k: int
    budget: float
    estimate: float
    replicates: np.ndarray
    """(R,) replicate values."""
    n_tasks: int
    grade: Grade
    successes: float
    trials: float
    exact_lower: float = 0.0
    """The exact (Jeffreys) one-sided lower bound on task counts: no bound reported for this
    configuration, or for P* where it is the best, is narrower than it (the percentile bound of
    ``replicates`` can be, by Monte Carlo noise in the widening draws)."""
    exact_upper: float = 1.0
    """The exact (Jeffreys) one-sided upper bound, likewise."""
    raw: np.ndarray | None = None
    """(R,) the cluster-bootstrap replicates before the Jeffreys widening (None for a summary,
    which has no others, and for best-of-k, which no curve family is fitted to). Curve
    families are fitted to these, paired across budgets: widening each budget with independent
    draws adds noise the fits turn into width at every extrapolated budget, where the exact
    floor belongs only at the evaluated ones."""
    truncated_at: float | None = None
    """Set on a budget-truncated configuration (:mod:`checker.engine.truncation`): the
    per-attempt cap on the axis at which the run's attempts were cut off (None: as run)."""


def run_spend(
    evidence: Evidence, run: EvalRun, rows: np.ndarray, axis: Axis, pricing: Pricing
) -> tuple[np.ndarray | None, PriceUse | None, str | None]:
    """Per-attempt spend of a run's rows on an axis, how it was obtained, or why it can't be."""
    spend = evidence.attempts.spend
    if axis is Axis.seconds:
        s = spend["seconds"][rows]
        if np.isnan(s).any():
            return (
                None,
                None,
                f"run {run.id!r} lacks measured seconds for {np.isnan(s).sum()} attempts",
            )
        return s, None, None
    if axis is Axis.tokens:
        tokens = evidence.attempts.tokens(rows)
        if np.isnan(tokens).any():
            return (
                None,
                None,
                f"run {run.id!r} lacks token counts for {np.isnan(tokens).sum()} attempts",
            )
        return tokens, None, None
    usd = spend["usd"][rows].copy()
    missing = np.isnan(usd)
    if not missing.any():
        return usd, PriceUse(run=run.id, method="measured"), None
    method: Literal["fixed-price", "list-price"]
    if pricing.convention == "fixed":
        table = pricing.prices.get(run.model)
        method = "fixed-price"
    else:
        model = evidence.model(run.model)
        table = select_price(model.prices, run.date) if model and run.date else None
        method = "list-price"
    if table is None:
        why = (
            f"no fixed price for model {run.model!r} in the policy"
            if pricing.convention == "fixed"
            else f"no list price for model {run.model!r} in force on "
            f"{run.date or 'an unknown date'}"
        )
        return None, PriceUse(run=run.id, method="unavailable"), why
    inp = spend["input_tokens"][rows][missing]
    out = spend["output_tokens"][rows][missing]
    if np.isnan(inp).any() or np.isnan(out).any():
        return (
            None,
            PriceUse(run=run.id, method="unavailable"),
            (f"run {run.id!r} has attempts with neither usd nor token counts"),
        )
    cached = np.nan_to_num(spend["cached_tokens"][rows][missing])
    reasoning = np.nan_to_num(spend["reasoning_tokens"][rows][missing])
    usd[missing] = table.usd(inp, out, reasoning, cached)
    use = PriceUse(
        run=run.id,
        method=method if missing.all() else "mixed",
        price_effective=table.effective,
        usd_per_mtok=(table.input, table.output),
        attempts_priced=int(missing.sum()),
    )
    return usd, use, None


def run_data(
    evidence: Evidence, run: EvalRun, axis: Axis, pricing: Pricing
) -> tuple[RunData | None, PriceUse | None, str | None]:
    """Task-level data of one run on one axis (or the reason it has none)."""
    rows = evidence.attempts.rows_of_run(run.id)
    if rows.size == 0:
        return _summary_data(run, axis)
    cost, price, why = run_spend(evidence, run, rows, axis, pricing)
    if cost is None:
        return None, price, why
    table = evidence.attempts
    task_codes = table.task[rows]
    uniq, inverse = np.unique(task_codes, return_inverse=True)
    n = np.bincount(inverse).astype(float)
    score = table.score[rows]
    score_sum = np.bincount(inverse, weights=score)
    succ = np.bincount(inverse, weights=(score >= SUCCESS_CUTOFF).astype(float))
    cost_task = np.bincount(inverse, weights=cost) / n
    data = RunData(
        run=run,
        grade="attempts",
        tasks=np.asarray(table.task_ids, dtype=object)[uniq],
        n=n,
        score_sum=score_sum,
        successes=succ,
        cost=cost_task,
        budget=float(cost_task.mean()),
        price=price,
    )
    if not data.budget > 0:
        return None, price, f"run {run.id!r} spent nothing on the {axis} axis"
    return data, price, None


def _summary_data(run: EvalRun, axis: Axis) -> tuple[RunData | None, PriceUse | None, str | None]:
    s = run.summary
    if s is None:
        return None, None, f"run {run.id!r} has no attempts and no summary"
    mean = {Axis.usd: s.mean_usd, Axis.tokens: s.mean_tokens, Axis.seconds: s.mean_seconds}[axis]
    price = PriceUse(run=run.id, method="measured") if axis is Axis.usd and mean else None
    if mean is None and axis is Axis.usd and s.mean_tokens is not None:
        # Summaries give total tokens only: without the input/output split, no price.
        return (
            None,
            PriceUse(run=run.id, method="unavailable"),
            (f"summary run {run.id!r} gives tokens but not usd; it cannot be priced"),
        )
    if not mean:
        return None, None, f"summary run {run.id!r} states no mean {axis} spend"
    t = s.n_tasks
    n = np.full(t, float(s.attempts_per_task))
    total = s.score * t * s.attempts_per_task
    data = RunData(
        run=run,
        grade="summary",
        tasks=np.array([f"{run.id}#{i}" for i in range(t)], dtype=object),
        n=n,
        score_sum=np.full(t, total / t),
        successes=np.full(t, total / t),
        cost=np.full(t, float(mean)),
        budget=float(mean),
        price=price,
    )
    return data, price, None


def stream(seed: int, *parts: str | int) -> np.random.Generator:
    """A generator for one named stream of randomness, e.g. ``(seed, "weights", eval_id)``.

    Streams are keyed by names, not by the order work happens in, so the same eval gets the
    same bootstrap world in every threshold that uses it (a Critical and the High it implies
    are judged on the same replicates), and adding a threshold changes nothing else.
    """
    key = [seed] + [p if isinstance(p, int) else zlib.crc32(p.encode()) for p in parts]
    return np.random.default_rng(key)


def configurations(
    runs: list[RunData],
    *,
    families: dict[str, str],
    replicates: int,
    seed: int,
    key: str,
    alpha: float,
    repeated_sampling: bool,
    axis: Axis,
    parallel: bool,
    cache: dict | None = None,
    attempts_cap: ExtrapolationCap | None = None,
    extrapolations: list[LazyAttempts] | None = None,
) -> list[Config]:
    """Every configuration of one eval's runs, with replicates from one shared weight matrix.

    Args:
        runs: The runs of one (model, eval), any scaffolds.
        families: Task id -> family id, for clustered resampling.
        replicates: Bootstrap replicates R.
        seed: The determination's seed.
        key: Names the weight stream (the eval id), see :func:`stream`.
        alpha: One-sided level (only used for degenerate configurations).
        repeated_sampling: Credit best-of-k (oracle pass@k) configurations.
        axis: The budget axis (k parallel attempts cost the time of one on ``seconds``).
        parallel: Whether repeated attempts run in parallel on the seconds axis.
        cache: Shared across thresholds: the weights of a stream are drawn once.
        attempts_cap: With repeated sampling, how far beyond the attempts drawn (log10 k/n)
            pass@k may be modelled for each bound (None: not at all).
        extrapolations: When a list is given and repeated sampling is credited, one
            :class:`~checker.engine.attempts.LazyAttempts` per attempt-level run is appended
            to it.
    """
    if cache is None:
        cache = {}
    universe, weights = task_weights(
        runs, families=families, replicates=replicates, seed=seed, key=key, cache=cache
    )
    index = {t: i for i, t in enumerate(universe)}
    out: list[Config] = []
    for r in runs:
        if r.grade == "summary":
            rng = stream(seed, "summary", r.run.id)
            out.append(_summary_config(r, replicates, rng, alpha))
            continue
        assert weights is not None
        cols = np.fromiter((index[t] for t in r.tasks), dtype=np.int64, count=len(r.tasks))
        # Most runs cover the whole task set in order: then no copy of the weights is needed.
        full = cols.size == len(universe) and bool(np.all(cols == np.arange(cols.size)))
        w = weights if full else weights[:, cols]
        wsum = w.sum(axis=1)
        wsum[wsum == 0] = np.nan  # a replicate that drew none of this run's tasks
        columns = [(1, r.budget, r.score_sum / r.n)]
        n_min = int(r.n.min())
        if repeated_sampling and n_min >= 2:
            ks = _k_values(n_min)
            pk = pass_at_k(r.n, r.successes, ks)  # (T, K)
            if axis is Axis.seconds and parallel:
                costs = np.full(len(ks), r.budget)
            else:
                costs = np.nanmean(expected_sequential_cost(r.n, r.successes, ks, r.cost), axis=0)
            columns += [(int(k), float(costs[j]), pk[:, j]) for j, k in enumerate(ks) if k > 1]
        if repeated_sampling and extrapolations is not None:
            cap = attempts_cap or ExtrapolationCap(crossed=0, not_crossed=0)
            fit_key = ("attempts", key, r.run.id, replicates, cap, alpha)
            if cache is not None and fit_key in cache:
                extrapolations.append(cache[fit_key])
            else:
                lazy = LazyAttempts(
                    r.run.id,
                    r.successes,
                    r.n,
                    r.cost,
                    w,
                    cap=cap,
                    alpha=alpha,
                    label=key.split("/")[1],
                )
                if cache is not None:
                    cache[fit_key] = lazy
                extrapolations.append(lazy)
        per_task = np.column_stack([c[2] for c in columns])  # (T, K)
        reps = (w @ per_task) / wsum[:, None]  # one matrix product for every k
        for j, (k, budget, values) in enumerate(columns):
            out.append(make_config(r, k, budget, values, reps[:, j], seed, alpha))
    return out


def task_weights(
    runs: list[RunData],
    *,
    families: dict[str, str],
    replicates: int,
    seed: int,
    key: str,
    cache: dict,
) -> tuple[list[str], np.ndarray | None]:
    """The bootstrap weights of one eval's attempt-level runs: their tasks (sorted, the
    columns) and the (R, T) weight matrix drawn once per stream ``key`` and task set (``None``
    when no run has attempts). Shared by :func:`configurations` and the truncated
    configurations of the same runs, so that both are resampled together."""
    universe = sorted({t for r in runs if r.grade == "attempts" for t in r.tasks})
    if not universe:
        return universe, None
    cache_key = ("weights", key, replicates, tuple(universe))
    if cache_key not in cache:
        clusters = np.array([families.get(t, t) for t in universe], dtype=object)
        cache[cache_key] = replicate_weights(
            len(universe), replicates, stream(seed, "weights", key), clusters=clusters
        )
    return universe, cache[cache_key]


def _k_values(n_min: int) -> np.ndarray:
    if n_min <= MAX_K_POINTS:
        return np.arange(1, n_min + 1)
    return np.unique(np.round(np.logspace(0, np.log10(n_min), MAX_K_POINTS)).astype(int))


def make_config(
    r: RunData,
    k: int,
    budget: float,
    per_task: np.ndarray,
    reps: np.ndarray,
    seed: int,
    alpha: float,
) -> Config:
    """One attempt-level configuration from its per-task values and bootstrap replicates,
    widened to at least the exact Jeffreys interval (:func:`widen_with_jeffreys`)."""
    estimate = float(per_task.mean())
    n_tasks = len(per_task)
    successes = float(per_task.sum())
    raw = np.where(np.isnan(reps), estimate, reps)
    reps = widen_with_jeffreys(
        raw, successes, n_tasks, stream(seed, "jeffreys", r.run.id, k), alpha
    )
    lo, hi = jeffreys_bounds(successes, float(n_tasks), alpha)
    return Config(
        run=r.run,
        k=k,
        budget=budget,
        estimate=estimate,
        replicates=reps,
        n_tasks=n_tasks,
        grade="attempts",
        successes=successes,
        trials=float(n_tasks),
        exact_lower=lo,
        exact_upper=hi,
        raw=raw if k == 1 else None,  # curve families are fitted to k = 1 alone
    )


def widen_with_jeffreys(
    reps: np.ndarray, successes: float, trials: float, rng: np.random.Generator, alpha: float
) -> np.ndarray:
    """Make replicate bounds at least as wide as the exact Jeffreys interval on task counts.

    Percentile bootstraps collapse near 0 and 1 (every replicate 0/T: STATISTICS.md 4), so each
    replicate below the bootstrap median becomes the smaller of itself and a Jeffreys
    posterior draw, each one above it the larger, and ties at the median take the draw. The
    draws use fixed uniforms per configuration, so more successes never lower them: there is
    no cut-off at which the method switches (a switch would let more capability narrow an
    interval into ``not_crossed``).
    """
    jeff = jeffreys_replicates(successes, trials, reps.shape[0], rng, alpha)
    med = np.median(reps)
    return np.where(
        reps < med, np.minimum(reps, jeff), np.where(reps > med, np.maximum(reps, jeff), jeff)
    )


def jeffreys_bounds(successes: float, trials: float, alpha: float) -> tuple[float, float]:
    """The exact one-sided Jeffreys bounds at level ``alpha`` (0 with no successes, 1 with no
    failures), the quantiles :func:`jeffreys_replicates` draws from."""
    from scipy.special import betaincinv

    a, b = successes + 0.5, trials - successes + 0.5
    lo = 0.0 if successes <= 0 else float(betaincinv(a, b, alpha))
    hi = 1.0 if successes >= trials else float(betaincinv(a, b, 1 - alpha))
    return lo, hi


def jeffreys_replicates(
    successes: float, trials: float, size: int, rng: np.random.Generator, alpha: float
) -> np.ndarray:
    """Draws from the Jeffreys posterior, with the interval's usual edge convention: with no
    failures the upper tail is exactly 1, with no successes the lower tail exactly 0, so the
    bounds always contain the estimate."""
    from scipy.special import betaincinv  # the Beta quantile, without scipy.stats' overhead

    u = rng.random(size)
    reps = betaincinv(successes + 0.5, trials - successes + 0.5, u)
    if successes >= trials:
        reps[u >= 1 - alpha] = 1.0
    if successes <= 0:
        reps[u <= alpha] = 0.0
    return reps


def _summary_config(r: RunData, replicates: int, rng: np.random.Generator, alpha: float) -> Config:
    """A summary run as one configuration with a binomial (Jeffreys) interval over its tasks.

    The unit of evidence is the task: attempts within a task share the task's difficulty and
    are not independent trials, so ``attempts_per_task`` never enters the sample size (counting
    it let one task tried a million times rule a threshold out).
    """
    s = r.run.summary
    assert s is not None
    trials = float(s.n_tasks)
    successes = s.score * trials
    lo, hi = jeffreys_bounds(successes, trials, alpha)
    return Config(
        run=r.run,
        k=1,
        budget=r.budget,
        estimate=float(s.score),
        replicates=jeffreys_replicates(successes, trials, replicates, rng, alpha),
        n_tasks=s.n_tasks,
        grade="summary",
        successes=successes,
        trials=trials,
        exact_lower=lo,
        exact_upper=hi,
    )
