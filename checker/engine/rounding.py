"""Rounding of the numbers a determination publishes, so its JSON is the same on any machine."""

from __future__ import annotations

import math


def sig(v: float | None, digits: int = 6) -> float | None:
    """``v`` to ``digits`` significant digits (``None`` for ``None``, NaN and infinities).

    Six digits say more than any bound here supports, and drop the last bits in which BLAS
    summation orders differ between machines.
    """
    if v is None or not math.isfinite(v):
        return None
    return float(f"{v:.{digits}g}")
