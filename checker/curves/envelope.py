"""The decision envelope over curve families that survive screening (STATISTICS 7.4).

Structural (model-form) uncertainty dominates beyond about half an order of magnitude, so no
single family's interval is trusted: each family contributes its bootstrap percentile bounds and
the envelope takes the **minimum of the lower bounds** and the **maximum of the upper bounds** at
every query point.  Ruling a threshold out then needs evidence against every family.

Levels are one-sided: ``alpha = 0.05`` gives the 5% and 95% replicate quantiles, i.e. each bound
is a one-sided 95% bound and together a two-sided 90% interval.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CrossingSummary",
    "Envelope",
    "crossing_envelope",
    "envelope",
    "percentile_bounds",
]


def percentile_bounds(
    replicates: ArrayLike, alpha: float = 0.05
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One-sided percentile bounds of replicate values, ignoring NaN replicates.

    Args:
        replicates: ``(R, q)`` (or ``(R,)``) bootstrap values.
        alpha: One-sided level; bounds are the ``alpha`` and ``1 - alpha`` quantiles.

    Returns:
        ``(lower, upper)``, each ``(q,)`` (or scalar arrays); NaN where every replicate is NaN.
    """
    if not 0.0 < alpha < 0.5:
        raise ValueError("alpha must be in (0, 0.5)")
    y = np.asarray(replicates, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns -> NaN, on purpose
        lo, hi = np.nanquantile(y, [alpha, 1.0 - alpha], axis=0)
    return lo, hi


def _kept(names: Iterable[str], keep: Mapping[str, bool] | Iterable[str] | None) -> list[str]:
    names = list(names)
    if keep is None:
        return names
    if isinstance(keep, Mapping):
        return [n for n in names if keep.get(n, False)]
    allowed = set(keep)
    return [n for n in names if n in allowed]


@dataclass(frozen=True)
class Envelope:
    """Envelope bounds at ``q`` query points.

    Attributes:
        families: Families that entered the envelope (survivors), in input order.
        lower: ``(q,)`` min over families of the ``alpha`` quantile (NaN if no family).
        upper: ``(q,)`` max over families of the ``1 - alpha`` quantile.
        lower_family: ``(q,)`` family id attaining ``lower`` at each point ("" if none).
        upper_family: ``(q,)`` family id attaining ``upper``.
        family_lower: ``(F, q)`` each surviving family's lower bound (rows follow ``families``).
        family_upper: ``(F, q)`` each surviving family's upper bound.
        alpha: One-sided level used.
    """

    families: tuple[str, ...]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    lower_family: NDArray[np.str_]
    upper_family: NDArray[np.str_]
    family_lower: NDArray[np.float64]
    family_upper: NDArray[np.float64]
    alpha: float


def envelope(
    predictions: Mapping[str, ArrayLike],
    *,
    alpha: float = 0.05,
    keep: Mapping[str, bool] | Iterable[str] | None = None,
) -> Envelope:
    """Combine per-family replicate predictions into envelope bounds.

    Args:
        predictions: ``{family: (R, q)}`` replicate predictions at the same ``q`` query points
            (families may have different ``R``).  E.g. ``{"F1": fit1.predict(xq), ...}``.
        alpha: One-sided level (default 0.05: 5% / 95% quantiles).
        keep: Which families survive screening: a mapping ``{family: passed}`` or an iterable of
            names; ``None`` keeps all.

    Returns:
        An :class:`Envelope`.  With no surviving family, bounds are NaN and ``families`` is empty
        (the engine should report "no family fits").
    """
    names = _kept(predictions.keys(), keep)
    q = None
    lows, highs = [], []
    for name in names:
        y = np.asarray(predictions[name], dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None]
        if q is not None and y.shape[1] != q:
            raise ValueError("all families must be predicted at the same query points")
        q = y.shape[1]
        lo, hi = percentile_bounds(y, alpha)
        lows.append(lo)
        highs.append(hi)
    if not names:
        any_pred = next(iter(predictions.values()), np.zeros((1, 0)))
        q = np.atleast_2d(np.asarray(any_pred)).shape[-1]
        nan = np.full(q, np.nan)
        empty = np.full(q, "", dtype="<U8")
        return Envelope(
            (), nan, nan.copy(), empty, empty.copy(), np.zeros((0, q)), np.zeros((0, q)), alpha
        )
    fl = np.vstack(lows)
    fu = np.vstack(highs)
    # A family with an all-NaN column (no converged replicate) cannot vouch for a bound there:
    # treat its lower as -inf / upper as +inf so the envelope becomes uninformative, not tighter.
    fl_safe = np.where(np.isnan(fl), -np.inf, fl)
    fu_safe = np.where(np.isnan(fu), np.inf, fu)
    i_lo = np.argmin(fl_safe, axis=0)
    i_hi = np.argmax(fu_safe, axis=0)
    cols = np.arange(fl.shape[1])
    lower = np.clip(fl_safe[i_lo, cols], 0.0, 1.0)
    upper = np.clip(fu_safe[i_hi, cols], 0.0, 1.0)
    arr = np.array(names)
    return Envelope(tuple(names), lower, upper, arr[i_lo], arr[i_hi], fl, fu, alpha)


@dataclass(frozen=True)
class CrossingSummary:
    """Envelope of crossing budgets (log10) over surviving families.

    Attributes:
        families: Families used.
        lower: Min over families of the ``alpha`` quantile of the crossing log-budget (the
            earliest plausible crossing); may be ``-inf``/``+inf``.
        upper: Max over families of the ``1 - alpha`` quantile (``+inf``: possibly never).
        lower_family, upper_family: Families attaining them.
        family_median: ``{family: median crossing}``.
        frac_infinite: ``{family: fraction of replicates whose crossing is +inf}``.
        frac_infinite_max: Largest of those (the conservative headline number).
        alpha: One-sided level used.
    """

    families: tuple[str, ...]
    lower: float
    upper: float
    lower_family: str
    upper_family: str
    family_median: dict[str, float]
    frac_infinite: dict[str, float]
    frac_infinite_max: float
    alpha: float


def crossing_envelope(
    crossings: Mapping[str, ArrayLike],
    *,
    alpha: float = 0.05,
    keep: Mapping[str, bool] | Iterable[str] | None = None,
) -> CrossingSummary:
    """Summarise per-family replicate crossing budgets (from ``FamilyFit.crossing``).

    Quantiles use the inverted-CDF rule (no interpolation), so infinite crossings give infinite
    bounds instead of NaN.  NaN replicates (failed fits) are ignored.

    Args:
        crossings: ``{family: (R,)}`` crossing log10 budgets.
        alpha: One-sided level.
        keep: Surviving families, as in :func:`envelope`.
    """
    names = _kept(crossings.keys(), keep)
    lo_best, hi_best = np.inf, -np.inf
    lo_fam = hi_fam = ""
    med: dict[str, float] = {}
    frac: dict[str, float] = {}
    for name in names:
        v = np.asarray(crossings[name], dtype=np.float64).ravel()
        v = v[~np.isnan(v)]
        if v.size == 0:
            frac[name] = float("nan")
            med[name] = float("nan")
            lo, hi = -np.inf, np.inf
        else:
            frac[name] = float(np.mean(np.isposinf(v)))
            lo, m, hi = np.quantile(v, [alpha, 0.5, 1.0 - alpha], method="inverted_cdf")
            med[name] = float(m)
        if lo < lo_best or not lo_fam:
            lo_best, lo_fam = float(lo), name
        if hi > hi_best or not hi_fam:
            hi_best, hi_fam = float(hi), name
    finite_fracs = [f for f in frac.values() if not np.isnan(f)]
    return CrossingSummary(
        families=tuple(names),
        lower=float(lo_best) if names else float("nan"),
        upper=float(hi_best) if names else float("nan"),
        lower_family=lo_fam,
        upper_family=hi_fam,
        family_median=med,
        frac_infinite=frac,
        frac_infinite_max=max(finite_fracs) if finite_fracs else float("nan"),
        alpha=alpha,
    )
