"""Repeated sampling beyond the attempts drawn: pass@k for k > n (STATISTICS.md 7.3).

With an oracle verifier, an actor with budget B can keep sampling one configuration until a
task is solved. Evidence with n attempts per task shows pass@k for k <= n only; what k > n
reaches is a model's statement. Per run, the model is the one benchmarks/calibration.py
calibrated: the Beta-binomial (F4) and zero-inflated Beta-binomial (F5) fitted to the per-task
success counts, and Brown's exponentiated power law (F2) fitted to the unbiased pass@k curve,
all inside every bootstrap replicate (same weights as everything else); pass@k is predicted at
every k up to ``n * 10**cap`` attempts, with the envelope of the three as bounds. The cost of
stop-at-first-success is bounded by the same envelope: dearest for lower bounds, cheapest for
upper bounds.

Beyond that many attempts nothing bounds P* from above: the cheapest plausible spend of a
run's largest modelled k is where upper bounds stop (``reach``).

F4 and F5 are first screened (STATISTICS.md 7.4): a family whose fit the per-task success
counts contradict (parametric-bootstrap lack-of-fit p < :data:`SCREEN_P`) says nothing about
more attempts and is dropped. With both dropped the run is bounded by its data alone (F2 alone
was never calibrated)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from checker.curves import envelope, fit_beta_binomial, fit_family, lack_of_fit_pvalue, pass_at_k
from checker.determination import FamilyUse
from checker.policy.model import ExtrapolationCap

SCREEN_P = 0.01
"""Lack-of-fit p-value below which F4 or F5 is dropped for a run (STATISTICS.md 7.4)."""
MAX_REPLICATES = 250
"""Bootstrap replicates the pass@k families are fitted on (the first 250 of the eval's): the
refined zero-inflated fit costs ~0.9 s per run on 1000 replicates and ~0.3 s on 250
(benchmarks/engine_speed.py), and the 5%/95% quantiles of 250 draws move by about 0.01."""


@dataclass
class AttemptsExtrapolation:
    """pass@k beyond the attempts drawn, for one run, at every k from ``n + 1`` to the cap."""

    run: str
    n: int
    """Attempts drawn per task (the smallest count)."""
    ks: np.ndarray
    """Attempts per task, all beyond the data: ``n + 1 .. k_max``."""
    cost_low: np.ndarray
    """The cheapest plausible spend per task of best-of-k with stop-at-first-success:
    ``cbar * sum_{i<k} (1 - upper pass@i)``. Upper bounds read k as affordable from here."""
    cost_high: np.ndarray
    """The dearest plausible spend: ``cbar * sum_{i<k} (1 - lower pass@i)``. Lower bounds read
    k as affordable only from here."""
    cost_point: np.ndarray
    """The spend under the estimate (for the estimate only)."""
    estimate: np.ndarray
    """Mean over families of the median pass@k."""
    lower: np.ndarray
    """Envelope lower bound of pass@k."""
    upper: np.ndarray
    """Envelope upper bound of pass@k."""
    d_k: np.ndarray
    """log10(k / n): distance beyond the attempts drawn."""
    reach: float
    """Budget up to which this run's repeated sampling is bounded above (data or model):
    the cheapest plausible spend of the largest k the model may bound from above."""
    n_crossed: int = 0
    """How many of ``ks`` (the first ones) the model may carry a lower bound to."""
    n_not_crossed: int = 0
    """How many of ``ks`` (the first ones) the model may carry an upper bound to."""
    replicates: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    """(R', K) each fitted replicate's pass@k at ``ks``, the mean over families."""
    families: list[FamilyUse] = field(default_factory=list)


def extrapolate_attempts(
    run_id: str,
    successes: np.ndarray,
    attempts: np.ndarray,
    cost: np.ndarray,
    weights: np.ndarray,
    *,
    cap: ExtrapolationCap,
    alpha: float,
    label: str,
) -> AttemptsExtrapolation:
    """Model pass@k for ``n < k <= n * 10**cap.reach`` from one run's per-task counts.

    The model is the one the calibration study calibrated (benchmarks/calibration.py,
    generator 2): the envelope over F4, F5 (grid MLE with local refinement, in each of
    :data:`MAX_REPLICATES` bootstrap replicates) and F2 (Brown's exponentiated power law fitted
    to the unbiased pass@k curve, k = 1..n). The cost of best-of-k with stop-at-first-success
    is bounded by the same envelope: the dearest plausible cost (every pass@i at its lower
    bound) decides where a lower bound applies, the cheapest (every pass@i at its upper bound)
    where an upper one must, so neither bound rests on a point fit's cost.

    Args:
        run_id: The run.
        successes: Per-task successes, ``(T,)``.
        attempts: Per-task attempts, ``(T,)``.
        cost: Per-task mean cost of one attempt, ``(T,)``.
        weights: Bootstrap weights for these tasks, ``(R, T)``.
        cap: How far beyond the attempts drawn (log10 k/n) the model may carry a lower bound
            (``crossed``) and an upper bound (``not_crossed``).
        alpha: One-sided level.
        label: For the family notes.

    Returns:
        The extrapolation (empty beyond the data when no family applies).
    """
    n = int(attempts.min())
    cbar = float(cost.mean())
    # The data alone bound sampling up to n attempts: their expected cost is the reach.
    data_reach = cbar * float(_expected_attempts(successes, attempts, n))
    none = np.zeros(0)
    empty = AttemptsExtrapolation(
        run=run_id,
        n=n,
        ks=none,
        cost_low=none,
        cost_high=none,
        cost_point=none,
        estimate=none,
        lower=none,
        upper=none,
        d_k=none,
        reach=data_reach,
    )
    if n < 2 or cap.reach <= 0:
        note = "needs 2 or more attempts per task" if n < 2 else "attempts cap is 0 OOM"
        empty.families = [
            FamilyUse(curve=f"{label}/{run_id}", family=f, kept=False, note=note)
            for f in ("F4", "F5", "F2")
        ]
        return empty
    k_max = int(np.floor(n * 10**cap.reach + 1e-9))
    if k_max <= n:
        return empty
    every = k_grid(k_max)  # pass@i at i = 0, 1, ... (pass@0 = 0), then sparser: see k_grid
    c = np.round(successes).astype(np.int64)
    a = attempts.astype(np.int64)
    preds, pvalue = {}, {}
    weights = weights[:MAX_REPLICATES]
    for fam, zero in (("F4", False), ("F5", True)):
        pvalue[fam] = lack_of_fit_pvalue(c, a, zero_inflated=zero, seed=_screen_seed(c, a, fam))
        if pvalue[fam] < SCREEN_P:
            continue
        preds[fam] = fit_beta_binomial(c, a, weights, zero_inflated=zero).predict(every)
    dropped = [
        FamilyUse(
            curve=f"{label}/{run_id}",
            family=f,
            kept=False,
            note=f"dropped: the per-task success counts contradict it (lack of fit p = "
            f"{pvalue[f]:.2g} < {SCREEN_P:g})",
        )
        for f in ("F4", "F5")
        if f not in preds
    ]
    if not preds:  # the Beta model is contradicted: F2 alone was never calibrated
        empty.families = [
            *dropped,
            FamilyUse(
                curve=f"{label}/{run_id}",
                family="F2",
                kept=False,
                note="not used alone: F4 and F5 are both contradicted by the counts",
            ),
        ]
        return empty
    preds["F2"] = _brown_on_pass_at_k(c, a, weights, n, every)
    env = envelope(preds, alpha=alpha)
    est = np.mean([np.nanmedian(p, axis=0) for p in preds.values()], axis=0)
    # expected attempts of best-of-k, sum_{i<k} (1 - pass@i), at every k of the grid
    low, high, point = (
        cbar * c for c in expected_attempts_bounds(every, env.upper, env.lower, est)
    )
    beyond = every > n
    ks = every[beyond].astype(np.int64)
    d_k = np.log10(ks / n)
    n_crossed = int(np.count_nonzero(d_k <= cap.crossed + 1e-9))
    n_not_crossed = int(np.count_nonzero(d_k <= cap.not_crossed + 1e-9))
    # Upper bounds stop at the cheapest plausible spend of the largest k they may rest on
    # (without one, at what the run's own attempts cost).
    reach = float(low[beyond][n_not_crossed - 1]) if n_not_crossed else data_reach
    notes = {
        "F2": f"pass@k to k = {k_max} ({np.log10(k_max / n):.2g} OOM beyond {n} attempts;"
        " exponentiated power law on the unbiased pass@k curve)"
    }
    for f in pvalue:
        notes[f] = (
            f"pass@k to k = {k_max} ({np.log10(k_max / n):.2g} OOM beyond {n} attempts;"
            f" lack of fit p = {pvalue[f]:.2g})"
        )
    return AttemptsExtrapolation(
        run=run_id,
        n=n,
        ks=ks.astype(float),
        cost_low=low[beyond],
        cost_high=high[beyond],
        cost_point=point[beyond],
        estimate=est[beyond],
        lower=env.lower[beyond],
        upper=env.upper[beyond],
        d_k=d_k,
        reach=reach,
        n_crossed=n_crossed,
        n_not_crossed=n_not_crossed,
        replicates=np.mean([p[:, beyond] for p in preds.values()], axis=0),
        families=[
            FamilyUse(curve=f"{label}/{run_id}", family=f, kept=True, note=notes[f]) for f in preds
        ]
        + dropped,
    )


DENSE_K = 1000
"""Attempts up to which pass@k is modelled at every k; beyond, on :data:`K_PER_DECADE` points
per decade. Every k up to ``n * 10**6`` (the largest cap a policy may set) would hold
``replicates x k`` floats per family: 10 GB for 5 attempts and 250 replicates."""
K_PER_DECADE = 200
"""Grid points per decade of k beyond :data:`DENSE_K` (k differs by about 1.2% between points)."""


def k_grid(k_max: int) -> np.ndarray:
    """The attempts at which pass@k is modelled: 0..min(k_max, DENSE_K), then log-spaced
    integers up to ``k_max`` (included)."""
    dense = np.arange(min(k_max, DENSE_K) + 1)
    if k_max <= DENSE_K:
        return dense.astype(float)
    decades = np.log10(k_max / DENSE_K)
    sparse = np.round(
        np.logspace(np.log10(DENSE_K), np.log10(k_max), int(np.ceil(decades * K_PER_DECADE)) + 1)
    )
    return np.unique(np.concatenate([dense, sparse, [k_max]])).astype(float)


def expected_attempts_bounds(
    ks: np.ndarray, upper: np.ndarray, lower: np.ndarray, estimate: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected attempts of best-of-k, ``sum_{i<k} (1 - pass@i)``, at each k of a grid.

    Where the grid steps by one the sums are exact. Across a wider step the summand, falling in
    i, is bounded by its values at the step's ends: the cheapest plausible count takes the
    right end under the upper pass@k (never above the truth's cheapest), the dearest the left
    end under the lower pass@k (never below), and the point the mean of both ends.

    Args:
        ks: The grid, from 0, increasing.
        upper: Upper pass@k at ``ks``.
        lower: Lower pass@k at ``ks``.
        estimate: Point pass@k at ``ks``.

    Returns:
        (cheapest, dearest, point) expected attempts at each k of the grid (0 at k = 0).
    """
    width = np.diff(ks)
    step = width == 1
    f_low, f_high, f_pt = 1.0 - upper, 1.0 - lower, 1.0 - estimate
    low = np.where(step, f_low[:-1], width * f_low[1:])
    high = width * f_high[:-1]
    point = np.where(step, f_pt[:-1], width * (f_pt[:-1] + f_pt[1:]) / 2.0)
    zero = np.zeros(1)
    return (
        np.concatenate([zero, np.cumsum(low)]),
        np.concatenate([zero, np.cumsum(high)]),
        np.concatenate([zero, np.cumsum(point)]),
    )


def _brown_on_pass_at_k(
    successes: np.ndarray, attempts: np.ndarray, weights: np.ndarray, n: int, every: np.ndarray
) -> np.ndarray:
    """F2 (Brown's exponentiated power law) fitted to the unbiased pass@k curve, k = 1..n, in
    every replicate (a quasi-binomial GLM with the tasks' weight as trials, as calibrated),
    predicted at ``every`` (pass@0 = 0)."""
    k_obs = np.arange(1, n + 1)
    pk = pass_at_k(attempts, successes, k_obs)  # (T, n)
    sb = weights @ pk
    nb = np.repeat(weights.sum(axis=1, keepdims=True), k_obs.size, axis=1)
    fit = fit_family("F2", np.log10(k_obs), sb, nb)
    out = np.zeros((weights.shape[0], every.size))
    out[:, 1:] = fit.predict(np.log10(every[1:]))
    return out


class LazyAttempts:
    """One run's repeated-sampling extrapolation, fitted only when first asked for (F5 costs
    about a second per run; only the cheapest runs bound P* from above) and then kept.

    Args:
        run_id: The run.
        successes: Per task, the attempts that succeeded.
        attempts: Per task, the attempts drawn.
        cost: Per task, the mean spend of one attempt.
        weights: The eval's bootstrap weights over the run's tasks, (R, tasks).
        cap: How far beyond the attempts drawn (log10 k/n) the model may carry each bound.
        alpha: One-sided level of the bounds.
        label: The eval, for notes.
    """

    def __init__(
        self,
        run_id: str,
        successes: np.ndarray,
        attempts: np.ndarray,
        cost: np.ndarray,
        weights: np.ndarray,
        *,
        cap: ExtrapolationCap,
        alpha: float,
        label: str,
    ):
        self.run_id = run_id
        self.successes = successes
        self.attempts = attempts
        self.cost = cost
        self.weights = weights
        self.cap = cap
        self.alpha = alpha
        self.label = label
        self.data_reach = float(cost.mean()) * _expected_attempts(
            successes, attempts, int(attempts.min())
        )
        """Expected spend of best-of-n with the attempts drawn."""
        self._fit: AttemptsExtrapolation | None = None

    def fit(self) -> AttemptsExtrapolation:
        """The extrapolation (fitted on the first call)."""
        if self._fit is None:
            self._fit = extrapolate_attempts(
                self.run_id,
                self.successes,
                self.attempts,
                self.cost,
                self.weights,
                cap=self.cap,
                alpha=self.alpha,
                label=self.label,
            )
        return self._fit


def _screen_seed(successes: np.ndarray, attempts: np.ndarray, family: str) -> int:
    """The screen's random stream, from the data and the family: the same run screens the same
    way for every threshold and axis that uses it, and on every machine."""
    import hashlib

    digest = hashlib.sha256(
        family.encode() + successes.astype("<i8").tobytes() + attempts.astype("<i8").tobytes()
    ).digest()
    return int.from_bytes(digest[:8], "little")


def _expected_attempts(successes: np.ndarray, attempts: np.ndarray, k: int) -> float:
    """Mean over tasks of the expected attempts of stop-at-first-success within k, from the
    data (hypergeometric: P(first j fail) = C(n-c, j) / C(n, j))."""
    from checker.curves import prob_first_fail

    s = prob_first_fail(attempts, successes, k)  # (T, k+1), S_0..S_k
    return float(np.nanmean(s[:, :k].sum(axis=1)))
