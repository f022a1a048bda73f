"""The grid a threshold is decided on: points in log10 budget, with T(b) and the alert level.

The grid spans the assessed range and as far beyond as the evidence and allowed extrapolation
reach (below it too, down to the cheapest evaluated spend). It holds every configuration's exact
budget: the points of the report carry them rounded, and a cheapest budget rounded down would
land below the evidence it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checker.policy.model import Threshold

GRID_POINTS = 121
"""Grid points over the assessed range (and as many over all the evidence can reach)."""


@dataclass(frozen=True)
class Grid:
    """Budgets (as log10) on which curves, T(b) and the decision are evaluated."""

    x: np.ndarray
    """log10 budget per task, increasing, unique."""
    lo: float
    """The assessed range's lower end (budget per task)."""
    hi: float
    """The assessed range's upper end."""
    in_range: np.ndarray
    """Which points lie in the assessed range."""
    threshold: np.ndarray
    """T(b) at each point."""
    alert: np.ndarray | None
    """The alert level at each point (None: the threshold has none)."""

    @property
    def x_lo(self) -> float:
        """log10 of the range's lower end."""
        return math.log10(self.lo)

    @property
    def x_hi(self) -> float:
        """log10 of the range's upper end."""
        return math.log10(self.hi)


def make_grid(
    t: Threshold, lo: float, hi: float, budgets: Sequence[float], *, cap_oom: float
) -> Grid:
    """The grid for threshold ``t`` over the assessed range ``[lo, hi]``.

    Args:
        t: The threshold (its T(b) and alert level are read on the grid).
        lo: The assessed range's lower end.
        hi: The assessed range's upper end.
        budgets: Every evaluated configuration's exact budget.
        cap_oom: How far beyond an evaluated budget extrapolation may reach (OOM).

    Returns:
        The grid, with T(b) and the alert level on it.
    """
    x_lo, x_hi = math.log10(lo), math.log10(hi)
    x_top = max([x_hi] + [math.log10(b) + cap_oom for b in budgets])
    x_bottom = min([x_lo] + [math.log10(b) for b in budgets])
    x = np.unique(
        np.concatenate(
            [
                np.linspace(x_lo, x_hi, GRID_POINTS),
                np.linspace(x_bottom, x_top, GRID_POINTS),
                [x_lo, x_hi],
                np.log10(budgets),
            ]
        )
    )
    return Grid(
        x=x,
        lo=lo,
        hi=hi,
        in_range=(x >= x_lo - 1e-12) & (x <= x_hi + 1e-12),
        threshold=np.asarray(t.function.at(10**x)),
        alert=np.asarray(t.alert.at(10**x)) if t.alert is not None else None,
    )
