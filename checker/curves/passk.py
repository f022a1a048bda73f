"""Unbiased pass@k (Chen et al. 2021) and the cost of best-of-k, vectorised over tasks and k.

For a task with ``n`` stored attempts of which ``c`` succeeded, the probability that the first
``j`` attempts of a random ordering all fail is the hypergeometric ratio

    S_j = C(n - c, j) / C(n, j) = prod_{t=0}^{j-1} (1 - c / (n - t)),

and pass@k = 1 - S_k.  The right-hand product is accumulated as a cumulative sum of ``log1p``
terms, which gives every ``S_j`` for ``j = 0..max(k)`` in one pass, avoids the huge binomial
coefficients of the textbook form, and does not underflow for large ``n``.  Memory is
``T x (max(k) + 1)`` floats.

All functions accept fractional ``c`` (e.g. averaged scores); the formulas are then the natural
continuous extension and are no longer exact probabilities.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "expected_sequential_cost",
    "parallel_cost",
    "pass_all_k",
    "pass_at_k",
    "prob_first_fail",
]


def _task_arrays(n: ArrayLike, c: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    n_arr = np.atleast_1d(np.asarray(n, dtype=np.float64))
    c_arr = np.atleast_1d(np.asarray(c, dtype=np.float64))
    n_arr, c_arr = np.broadcast_arrays(n_arr, c_arr)
    if n_arr.ndim != 1:
        raise ValueError("n and c must be scalars or 1-D arrays over tasks")
    if np.any(c_arr < 0) or np.any(c_arr > n_arr) or np.any(n_arr < 0):
        raise ValueError("need 0 <= c <= n for every task")
    return n_arr, c_arr


def _k_array(k: ArrayLike) -> NDArray[np.int64]:
    k_arr = np.atleast_1d(np.asarray(k))
    if k_arr.ndim != 1:
        raise ValueError("k must be a scalar or a 1-D array")
    if not np.all(np.equal(np.mod(k_arr, 1), 0)) or np.any(k_arr < 0):
        raise ValueError("k must hold non-negative integers")
    return k_arr.astype(np.int64)


def prob_first_fail(n: ArrayLike, c: ArrayLike, j_max: int) -> NDArray[np.float64]:
    """Probability that the first ``j`` attempts all fail, for ``j = 0..j_max``.

    Args:
        n: Attempts drawn per task, shape ``(T,)`` (or scalar).
        c: Successful attempts per task, shape ``(T,)``; ``0 <= c <= n``.
        j_max: Largest ``j`` wanted (a non-negative integer).

    Returns:
        ``S`` of shape ``(T, j_max + 1)`` with ``S[i, j] = C(n_i - c_i, j) / C(n_i, j)``;
        ``S[:, 0] == 1``.  Entries with ``j > n_i`` are NaN (undefined without a model).
    """
    n_arr, c_arr = _task_arrays(n, c)
    if j_max < 0:
        raise ValueError("j_max must be >= 0")
    t = np.arange(j_max, dtype=np.float64)  # factor index t = 0..j_max-1
    denom = n_arr[:, None] - t[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = c_arr[:, None] / denom
        # Once n - c - t <= 0 a factor is <= 0: S is exactly 0 from there on. Clip keeps
        # log1p finite-or--inf (never NaN) inside the defined region j <= n.
        log_terms = np.log1p(-np.clip(ratio, 0.0, 1.0))
    log_s = np.concatenate([np.zeros((n_arr.size, 1)), np.cumsum(log_terms, axis=1)], axis=1)
    s = np.exp(log_s)
    j = np.arange(j_max + 1)
    s[j[None, :] > n_arr[:, None]] = np.nan
    return s


def pass_at_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    """Unbiased per-task pass@k, ``1 - C(n-c, k) / C(n, k)``.

    Args:
        n: Attempts per task, shape ``(T,)``.
        c: Successes per task, shape ``(T,)``.
        k: Attempt counts, shape ``(K,)`` (non-negative integers).

    Returns:
        Matrix of shape ``(T, K)``; NaN where ``k > n_i`` (use a model, see ``betabinom``).
        pass@0 is 0.  The dataset pass@k is the (weighted) mean over tasks, e.g.
        ``W @ pass_at_k(...) / W.sum(1, keepdims=True)`` for bootstrap weights ``W``.
    """
    k_arr = _k_array(k)
    s = prob_first_fail(n, c, int(k_arr.max(initial=0)))
    return 1.0 - s[:, k_arr]


def pass_all_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    """Unbiased pass^k (all ``k`` attempts succeed), ``C(c, k) / C(n, k)``.

    Shapes and NaN convention as :func:`pass_at_k`.  Computed as the first-``k``-fail
    probability of the complementary counts ``(n, n - c)``.
    """
    n_arr, c_arr = _task_arrays(n, c)
    k_arr = _k_array(k)
    s = prob_first_fail(n_arr, n_arr - c_arr, int(k_arr.max(initial=0)))
    return s[:, k_arr]


def expected_sequential_cost(
    n: ArrayLike, c: ArrayLike, k: ArrayLike, cost_per_attempt: ArrayLike
) -> NDArray[np.float64]:
    """Expected cost of best-of-k with an oracle verifier and stop-at-first-success.

    ``E[cost_i] = cbar_i * sum_{j=0}^{k-1} C(n-c, j) / C(n, j)``: attempt ``j+1`` is paid for
    exactly when the first ``j`` attempts failed.

    Args:
        n: Attempts per task, shape ``(T,)``.
        c: Successes per task, shape ``(T,)``.
        k: Maximum attempts, shape ``(K,)``.
        cost_per_attempt: Mean cost of one attempt per task (any budget unit), shape ``(T,)``
            or scalar.

    Returns:
        Shape ``(T, K)`` in the unit of ``cost_per_attempt``; NaN where ``k > n_i``.
    """
    n_arr, c_arr = _task_arrays(n, c)
    k_arr = _k_array(k)
    s = prob_first_fail(n_arr, c_arr, int(k_arr.max(initial=0)))
    # cum[:, k] = sum_{j<k} S_j; k > n would need S_n.. of a model, so it is NaN.
    cum = np.concatenate([np.zeros((n_arr.size, 1)), np.cumsum(s, axis=1)], axis=1)
    cbar = np.broadcast_to(np.asarray(cost_per_attempt, dtype=np.float64), n_arr.shape)
    out = cbar[:, None] * cum[:, k_arr]
    return np.where(k_arr[None, :] > n_arr[:, None], np.nan, out)


def parallel_cost(k: ArrayLike, cost_per_attempt: ArrayLike) -> NDArray[np.float64]:
    """Cost of ``k`` parallel attempts without early stopping, ``k * cbar``.

    Args:
        k: Attempt counts, shape ``(K,)``.
        cost_per_attempt: Mean cost per attempt, shape ``(T,)`` or scalar.

    Returns:
        Shape ``(T, K)`` (``T = 1`` for a scalar cost).
    """
    k_arr = _k_array(k).astype(np.float64)
    cbar = np.atleast_1d(np.asarray(cost_per_attempt, dtype=np.float64))
    return cbar[:, None] * k_arr[None, :]
