"""Budget coverage (DESIGN.md 6): which budgets of the assessed range the evidence speaks for.

A budget is *covered* when both bounds of P* are known there (so a ``not_crossed`` can be
decided), or when the lower bound already meets T (a crossing is decided, whatever lies above).
Below the cheapest evaluated spend, P* can only be lower than there: that stretch counts as
covered when the upper bound there stays below T. Covered budgets are *direct* when evaluated
configurations support them, *extrapolated* when they rest on a fitted curve or on modelled
repeated sampling. Shares are of the range's length in log10 budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from checker.engine.achievable import EvalCurve

DATA_KINDS = ("direct", "repeated_sampling", "below_evidence")

SegmentKind = Literal["direct", "extrapolated", "uncovered"]
Segment = tuple[float, float, SegmentKind]
"""``(lo, hi, kind)`` in log10 budget."""


@dataclass(frozen=True)
class CoverageMasks:
    """Per grid point masks and the range's shares."""

    two_sided: np.ndarray
    """Both bounds known: not_crossed can be decided here."""
    covered: np.ndarray
    """Two-sided, or a crossing already decided."""
    by_data: np.ndarray
    """Supported by evaluated configurations (not by a model)."""
    direct: float
    extrapolated: float
    uncovered: float
    segments: tuple[Segment, ...] = ()
    """The range cut into runs of one kind, ``(lo, hi, kind)`` in log10 budget, kind
    ``direct`` | ``extrapolated`` | ``uncovered``: the very grid segments the shares sum, so
    a chart drawn from them cannot disagree with the numbers."""


def _runs(xs: np.ndarray, kinds: list[SegmentKind]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for i, kind in enumerate(kinds):
        lo, hi = float(xs[i]), float(xs[i + 1])
        if out and out[-1][2] == kind:
            out[-1] = (out[-1][0], hi, kind)
        else:
            out.append((lo, hi, kind))
    return tuple(out)


def measure(curve: EvalCurve, tb: np.ndarray, in_range: np.ndarray) -> CoverageMasks:
    """Coverage of the grid ``curve.x`` restricted to ``in_range`` (the assessed range)."""
    x = curve.x
    below = curve.basis == "below_evidence"
    stretch = below & in_range
    below_ok = bool(np.all(curve.upper[stretch] < tb[stretch])) if stretch.any() else True
    two_sided = np.isfinite(curve.upper) & (curve.basis != "uncovered")
    if not below_ok:
        two_sided &= ~below
    decided = np.isfinite(curve.lower) & (curve.lower_basis != "uncovered") & (curve.lower >= tb)
    covered = two_sided | decided
    data_kinds = list(DATA_KINDS)
    decided_by_data = (
        np.isfinite(curve.lower_data)
        & np.isin(curve.lower_basis_data, data_kinds)
        & (curve.lower_data >= tb)
    )
    by_data = (two_sided & np.isin(curve.basis, data_kinds)) | decided_by_data
    # Each grid segment counts when both its ends are covered, on the basis of its upper end
    # (so a switch from direct to extrapolated loses no length to either).
    xs = x[in_range]
    seg = np.diff(xs)
    span = xs[-1] - xs[0] if xs.size > 1 else 0.0
    cov = covered[in_range]
    data = by_data[in_range]
    segments: tuple[Segment, ...] = ()
    if span > 0:
        both = cov[:-1] & cov[1:]
        direct = float(seg[both & data[1:]].sum() / span)
        extrapolated = float(seg[both & ~data[1:]].sum() / span)
        kinds: list[SegmentKind] = [
            ("direct" if d else "extrapolated") if b else "uncovered"
            for b, d in zip(both, data[1:], strict=True)
        ]
        segments = _runs(xs, kinds)
    else:  # a single-budget range: covered or not
        direct = float(bool(cov.all() and data.all()))
        extrapolated = float(bool(cov.all())) - direct
    uncovered = max(0.0, 1.0 - direct - extrapolated)
    return CoverageMasks(
        two_sided=two_sided,
        covered=covered,
        by_data=by_data,
        # 4 decimals, not significant digits: 1 - 0.6667 - 0.3333 is 0, not 5e-17.
        direct=round(direct, 4),
        extrapolated=round(extrapolated, 4),
        uncovered=round(uncovered, 4),
        segments=segments,
    )


def share(x: np.ndarray, in_range: np.ndarray, mask: np.ndarray) -> float:
    """Share of the range's log length made of segments whose two ends satisfy ``mask``."""
    xs, m = x[in_range], mask[in_range]
    if xs.size < 2 or xs[-1] <= xs[0]:
        return float(m.all())
    both = m[:-1] & m[1:]
    return float(np.diff(xs)[both].sum() / (xs[-1] - xs[0]))
