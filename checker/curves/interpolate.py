"""Interpolation of bootstrap replicate curves in log10 budget, with optional monotonicity.

Replicate curves are given at ``m`` evaluated log-budgets ``x`` (shared by all replicates) as an
``(R, m)`` matrix.  Everything here is batched over replicates: the same tasks make up a replicate
at every budget, so shape-preserving operations (isotonic fit, running max) must be applied
*inside* each replicate, before taking quantiles -- never to the quantiles themselves.

Nothing is extrapolated: query points outside ``[x[0], x[-1]]`` give NaN.  Extrapolation is a
modelling decision and lives in :mod:`checker.curves.families`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "interp_log_budget",
    "isotonic_increasing",
    "running_max",
]

# Bound on the (chunk, m, m) work array of the min-max isotonic formula, in floats (~64 MB).
_ISO_WORK_FLOATS = 8_000_000


def _as_curves(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if ya.ndim == 1:
        ya = ya[None, :]
    if xa.ndim != 1 or ya.ndim != 2 or ya.shape[1] != xa.size:
        raise ValueError(f"need x of shape (m,) and y of shape (R, m); got {xa.shape}, {ya.shape}")
    if xa.size and np.any(np.diff(xa) <= 0):
        raise ValueError("x must be strictly increasing")
    return xa, ya


def isotonic_increasing(y: ArrayLike, weights: ArrayLike | None = None) -> NDArray[np.float64]:
    """Weighted least-squares non-decreasing fit, for every row at once.

    Uses the min-max characterisation of isotonic regression (equivalent to pool-adjacent-
    violators): ``fit_i = max_{j<=i} min_{l>=i} mean_w(y[j..l])``, with block means from cumulative
    sums.  Cost ``O(R m^2)`` vectorised, processed in chunks of rows to bound memory; ``m`` is a
    handful of budgets or ``k`` values, so this is faster than a Python PAV loop per replicate.

    Args:
        y: ``(R, m)`` values (or ``(m,)``); must be finite.
        weights: Optional positive weights, ``(m,)`` or ``(R, m)`` (e.g. trials per budget).

    Returns:
        ``(R, m)`` (or ``(m,)`` for 1-D input) non-decreasing along the last axis.  Rows that are
        already non-decreasing are returned unchanged (up to rounding).
    """
    ya = np.asarray(y, dtype=np.float64)
    squeeze = ya.ndim == 1
    if squeeze:
        ya = ya[None, :]
    if not np.all(np.isfinite(ya)):
        raise ValueError("isotonic_increasing needs finite values")
    n_rows, m = ya.shape
    w = (
        np.ones_like(ya)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=np.float64), ya.shape)
    )
    if np.any(w <= 0):
        raise ValueError("weights must be positive")
    out = np.empty_like(ya)
    upper = np.triu(np.ones((m, m), dtype=bool))  # valid blocks j <= l
    chunk = max(1, _ISO_WORK_FLOATS // max(1, m * m))
    for start in range(0, n_rows, chunk):
        yy = ya[start : start + chunk]
        ww = w[start : start + chunk]
        cw = np.concatenate([np.zeros((yy.shape[0], 1)), np.cumsum(ww, axis=1)], axis=1)
        cy = np.concatenate([np.zeros((yy.shape[0], 1)), np.cumsum(ww * yy, axis=1)], axis=1)
        # block[r, j, l] = weighted mean of y[j..l] (entries with l < j are junk, masked below)
        with np.errstate(invalid="ignore", divide="ignore"):
            block = (cy[:, None, 1:] - cy[:, :-1, None]) / (cw[:, None, 1:] - cw[:, :-1, None])
        # For fixed i: min over l >= i of block[j, l], then max over j <= i.
        # suffix-min over l (restricted to l >= j by masking invalid blocks with +inf)
        blk = np.where(upper[None], block, np.inf)
        suf_min = np.minimum.accumulate(blk[:, :, ::-1], axis=2)[:, :, ::-1]  # min_{l>=i}
        # candidate[r, j, i] valid for j <= i; take max over j
        cand = np.where(upper[None], suf_min, -np.inf)
        out[start : start + chunk] = cand.max(axis=1)
    return out[0] if squeeze else out


def running_max(y: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Running maximum along ``axis`` ignoring NaN (the achievable envelope P*).

    The best configuration affordable at budget ``B`` is the best at any budget ``<= B``, so the
    achievable curve is the running max of replicate curves sorted by cost.  Apply it per
    replicate, then take quantiles.  Leading NaNs stay NaN.
    """
    ya = np.asarray(y, dtype=np.float64)
    return np.fmax.accumulate(ya, axis=axis)


def interp_log_budget(
    x: ArrayLike,
    y: ArrayLike,
    x_query: ArrayLike,
    *,
    monotone: bool = False,
    weights: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Linear interpolation in log10 budget of every replicate curve.

    Args:
        x: Evaluated log10 budgets, shape ``(m,)``, strictly increasing.
        y: Replicate values at ``x``, shape ``(R, m)`` (or ``(m,)``).
        x_query: Query log10 budgets, shape ``(q,)``.
        monotone: If true, each replicate is first replaced by its isotonic (non-decreasing)
            fit.  Only claim this for budget-monotone scaffolds.
        weights: Isotonic weights, ``(m,)`` or ``(R, m)``; only used when ``monotone``.

    Returns:
        ``(R, q)``; NaN for queries outside ``[x[0], x[-1]]`` (no extrapolation) and where an
        input value is NaN.
    """
    xa, ya = _as_curves(x, y)
    xq = np.atleast_1d(np.asarray(x_query, dtype=np.float64))
    if monotone:
        ya = isotonic_increasing(ya, weights)
    m = xa.size
    out = np.full((ya.shape[0], xq.size), np.nan)
    inside = (xq >= xa[0]) & (xq <= xa[-1]) if m else np.zeros(xq.shape, bool)
    if m == 1:
        out[:, inside] = ya[:, [0]]
        return out
    idx = np.clip(np.searchsorted(xa, xq[inside], side="right") - 1, 0, m - 2)
    frac = (xq[inside] - xa[idx]) / (xa[idx + 1] - xa[idx])
    out[:, inside] = ya[:, idx] * (1.0 - frac) + ya[:, idx + 1] * frac
    return out
