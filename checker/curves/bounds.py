"""Binomial confidence bounds: Clopper-Pearson (exact), Jeffreys, Wilson.

Used where the bootstrap is unreliable (few or no successes: percentile bootstraps collapse onto
0) and for summary-only evidence, where the only data are a score and a task count (successes =
score x n_tasks, possibly fractional).  All functions are vectorised over broadcastable
``successes`` and ``trials`` and return ``(lower, upper)`` arrays of the broadcast shape.

``level`` is the confidence of the returned interval.  ``side="two"`` splits ``1 - level``
equally between the tails; ``side="lower"`` returns a one-sided lower bound (upper = 1) and
``side="upper"`` a one-sided upper bound (lower = 0).  A one-sided 95% bound is therefore
``level=0.95, side="lower"``, the same number as one end of the two-sided 90% interval.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

__all__ = [
    "binomial_bounds",
    "clopper_pearson",
    "design_effect_n",
    "jeffreys",
    "wilson",
]

Side = Literal["two", "lower", "upper"]
BoundMethod = Literal["clopper_pearson", "jeffreys", "wilson"]

Pair = tuple[NDArray[np.float64], NDArray[np.float64]]


def _prep(
    successes: ArrayLike, trials: ArrayLike, level: float, side: Side
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    if not 0.0 < level < 1.0:
        raise ValueError("level must be in (0, 1)")
    if side not in ("two", "lower", "upper"):
        raise ValueError(f"side must be 'two', 'lower' or 'upper', not {side!r}")
    s, n = np.broadcast_arrays(
        np.asarray(successes, dtype=np.float64), np.asarray(trials, dtype=np.float64)
    )
    if np.any(n <= 0) or np.any(s < 0) or np.any(s > n):
        raise ValueError("need trials > 0 and 0 <= successes <= trials")
    tail = (1.0 - level) / 2.0 if side == "two" else 1.0 - level
    return s, n, tail


def _finish(lo: NDArray, hi: NDArray, side: Side) -> Pair:
    if side == "lower":
        hi = np.ones_like(hi)
    elif side == "upper":
        lo = np.zeros_like(lo)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def clopper_pearson(
    successes: ArrayLike, trials: ArrayLike, level: float = 0.95, side: Side = "two"
) -> Pair:
    """Exact (Clopper-Pearson) bounds from Beta quantiles.

    Lower = Beta(tail; s, n - s + 1) (0 when s = 0); upper = Beta(1 - tail; s + 1, n - s)
    (1 when s = n).  For s = 0 the one-sided 95% upper bound is ``1 - 0.05**(1/n)``.
    Conservative: coverage >= level for integer counts.
    """
    s, n, tail = _prep(successes, trials, level, side)
    with np.errstate(invalid="ignore"):
        lo = np.where(s > 0, stats.beta.ppf(tail, np.maximum(s, 1e-300), n - s + 1), 0.0)
        hi = np.where(s < n, stats.beta.ppf(1 - tail, s + 1, np.maximum(n - s, 1e-300)), 1.0)
    return _finish(lo, hi, side)


def jeffreys(
    successes: ArrayLike, trials: ArrayLike, level: float = 0.95, side: Side = "two"
) -> Pair:
    """Jeffreys bounds: quantiles of the Beta(s + 1/2, n - s + 1/2) posterior.

    With the usual boundary fix (lower = 0 at s = 0, upper = 1 at s = n).  Close to nominal
    coverage on average, less conservative than Clopper-Pearson.
    """
    s, n, tail = _prep(successes, trials, level, side)
    lo = np.where(s > 0, stats.beta.ppf(tail, s + 0.5, n - s + 0.5), 0.0)
    hi = np.where(s < n, stats.beta.ppf(1 - tail, s + 0.5, n - s + 0.5), 1.0)
    return _finish(lo, hi, side)


def wilson(
    successes: ArrayLike, trials: ArrayLike, level: float = 0.95, side: Side = "two"
) -> Pair:
    """Wilson score bounds, ``centre +- half`` with ``z = Phi^-1(1 - tail)``."""
    s, n, tail = _prep(successes, trials, level, side)
    z = special.ndtri(1.0 - tail)
    p = s / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return _finish(np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1), side)


_METHODS = {"clopper_pearson": clopper_pearson, "jeffreys": jeffreys, "wilson": wilson}


def binomial_bounds(
    score: ArrayLike,
    n_trials: ArrayLike,
    level: float = 0.95,
    side: Side = "two",
    method: BoundMethod = "clopper_pearson",
) -> Pair:
    """Bounds for a mean score from a summary (score in [0, 1], number of tasks or n_eff).

    Successes are ``score * n_trials`` (fractional allowed; Beta quantiles accept it).

    Args:
        score: Mean score(s) in [0, 1].
        n_trials: Number of tasks, or an effective n (see :func:`design_effect_n`).
        level: Confidence level of the returned interval.
        side: ``"two"``, ``"lower"`` or ``"upper"`` (see module docstring).
        method: ``"clopper_pearson"`` (default, conservative), ``"jeffreys"`` or ``"wilson"``.

    Returns:
        ``(lower, upper)`` arrays of the broadcast shape.
    """
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}")
    p = np.asarray(score, dtype=np.float64)
    n = np.asarray(n_trials, dtype=np.float64)
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("score must be in [0, 1]")
    return _METHODS[method](p * n, n, level, side)


def design_effect_n(
    n_tasks: ArrayLike, attempts_per_task: ArrayLike, icc: ArrayLike
) -> NDArray[np.float64]:
    """Effective number of independent trials ``T * K / (1 + (K - 1) * ICC)``.

    Args:
        n_tasks: Tasks ``T``.
        attempts_per_task: Attempts ``K`` per task.
        icc: Intra-task correlation of attempt outcomes in [0, 1].

    Returns:
        ``n_eff`` (float array of the broadcast shape), between ``T`` and ``T * K``.
    """
    t = np.asarray(n_tasks, dtype=np.float64)
    k = np.asarray(attempts_per_task, dtype=np.float64)
    rho = np.clip(np.asarray(icc, dtype=np.float64), 0.0, 1.0)
    return t * k / (1.0 + (k - 1.0) * rho)
