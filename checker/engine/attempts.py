"""Repeated sampling beyond the attempts drawn: F4/F5 Beta-binomial pass@k (STATISTICS.md 7.3).

With an oracle verifier, an actor with budget B can keep sampling one configuration until a
task is solved. Evidence with n attempts per task shows pass@k for k <= n only; what k > n
reaches is a model's statement. Per run, the Beta-binomial (F4) and zero-inflated
Beta-binomial (F5) are fitted to the per-task success counts inside every bootstrap replicate
(same weights as everything else), and pass@k is predicted up to ``n * 10**cap`` attempts, with
the envelope of the two families as bounds and the expected cost of stop-at-first-success under
the more capable family (the cheaper cost: conservative for ruling a crossing out).

Beyond that many attempts nothing bounds P* from above: the budget at which a run's largest
modelled k costs is where upper bounds stop (``reach``).

Each family is first screened (STATISTICS.md 7.4): a family whose fit the per-task success
counts contradict (parametric-bootstrap lack-of-fit p < :data:`SCREEN_P`) says nothing about
more attempts and is dropped. With both dropped the run is bounded by its data alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from checker.curves import envelope, fit_beta_binomial, lack_of_fit_pvalue
from checker.determination import FamilyUse

K_POINTS = 12
SCREEN_P = 0.01
"""Lack-of-fit p-value below which F4 or F5 is dropped for a run (STATISTICS.md 7.4)."""
MAX_REPLICATES = 250
"""Replicates used for the F4/F5 fits (the zero-inflated grid is large: 250 replicates keep
a run's fit well under a second while the 5%/95% quantiles stay stable)."""


@dataclass
class AttemptsExtrapolation:
    """pass@k beyond the attempts drawn, for one run."""

    run: str
    ks: np.ndarray
    """Attempts per task, all beyond the data."""
    budgets: np.ndarray
    """Expected spend per task of best-of-k with stop-at-first-success."""
    estimate: np.ndarray
    """Mean over families of the median pass@k."""
    lower: np.ndarray
    """Envelope lower bound of pass@k."""
    upper: np.ndarray
    """Envelope upper bound of pass@k."""
    d_k: np.ndarray
    """log10(k / n): distance beyond the attempts drawn."""
    reach: float
    """Budget up to which this run's repeated sampling is bounded (data or model)."""
    families: list[FamilyUse] = field(default_factory=list)


def extrapolate_attempts(
    run_id: str,
    successes: np.ndarray,
    attempts: np.ndarray,
    cost: np.ndarray,
    weights: np.ndarray,
    *,
    cap_oom: float,
    alpha: float,
    label: str,
) -> AttemptsExtrapolation:
    """Model pass@k for ``n < k <= n * 10**cap_oom`` from one run's per-task counts.

    Args:
        run_id: The run.
        successes: Per-task successes, ``(T,)``.
        attempts: Per-task attempts, ``(T,)``.
        cost: Per-task mean cost of one attempt, ``(T,)``.
        weights: Bootstrap weights for these tasks, ``(R, T)``.
        cap_oom: How far beyond the attempts drawn k may go (log10).
        alpha: One-sided level.
        label: For the family notes.
    """
    n = int(attempts.min())
    cbar = float(cost.mean())
    # The data alone bound sampling up to n attempts: their expected cost is the reach.
    data_reach = cbar * float(_expected_attempts(successes, attempts, n))
    empty = AttemptsExtrapolation(
        run=run_id,
        ks=np.zeros(0),
        budgets=np.zeros(0),
        estimate=np.zeros(0),
        lower=np.zeros(0),
        upper=np.zeros(0),
        d_k=np.zeros(0),
        reach=data_reach,
    )
    if n < 2 or cap_oom <= 0:
        note = "needs 2 or more attempts per task" if n < 2 else "attempts cap is 0 OOM"
        empty.families = [
            FamilyUse(curve=f"{label}/{run_id}", family=f, kept=False, note=note)
            for f in ("F4", "F5")
        ]
        return empty
    k_max = int(np.floor(n * 10**cap_oom))
    ks = np.unique(np.round(np.logspace(np.log10(n + 1), np.log10(k_max), K_POINTS)).astype(int))
    ks = ks[ks > n]
    c = np.round(successes).astype(np.int64)
    a = attempts.astype(np.int64)
    preds, point, pvalue = {}, {}, {}
    w = weights[:MAX_REPLICATES]
    for fam, zero in (("F4", False), ("F5", True)):
        pvalue[fam] = lack_of_fit_pvalue(c, a, zero_inflated=zero, seed=_screen_seed(c, a, fam))
        if pvalue[fam] < SCREEN_P:
            continue
        # The grid optimum (spacing ~0.05 in log10 alpha and beta) is fine for bounds; the
        # local refinement would cost more than the rest of a determination.
        preds[fam] = fit_beta_binomial(c, a, w, zero_inflated=zero, refine=False).predict(ks)
        point[fam] = fit_beta_binomial(c, a, None, zero_inflated=zero, refine=False)
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
    if not preds:
        empty.families = dropped
        return empty
    env = envelope(preds, alpha=alpha)
    # Expected attempts of stop-at-first-success under the more capable point fit: more
    # capability means earlier stops, a lower cost, and so a more generous upper bound.
    i = np.arange(k_max)
    solved = np.max([point[f].predict(i)[0] for f in point], axis=0)  # pass@i, i = 0..k_max-1
    expected = np.cumsum(1.0 - solved)  # expected[k - 1] = sum_{i<k} (1 - pass@i)
    budgets = cbar * expected[ks - 1]
    return AttemptsExtrapolation(
        run=run_id,
        ks=ks.astype(float),
        budgets=budgets,
        estimate=np.mean([np.median(p, axis=0) for p in preds.values()], axis=0),
        lower=env.lower,
        upper=env.upper,
        d_k=np.log10(ks / n),
        reach=float(budgets[-1]),
        families=[
            FamilyUse(
                curve=f"{label}/{run_id}",
                family=f,
                kept=True,
                note=f"pass@k to k = {k_max} ({np.log10(k_max / n):.2g} OOM beyond {n} attempts;"
                f" lack of fit p = {pvalue[f]:.2g})",
            )
            for f in preds
        ]
        + dropped,
    )


class LazyAttempts:
    """One run's repeated-sampling extrapolation, fitted only when first asked for (F5 costs
    about a second per run; only the cheapest runs bound P* from above) and then kept.

    Args:
        run_id: The run.
        successes: Per task, the attempts that succeeded.
        attempts: Per task, the attempts drawn.
        cost: Per task, the mean spend of one attempt.
        weights: The eval's bootstrap weights over the run's tasks, (R, tasks).
        cap_oom: How far beyond the attempts drawn (log10 k/n) pass@k may be modelled.
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
        cap_oom: float,
        alpha: float,
        label: str,
    ):
        self.run_id = run_id
        self.successes = successes
        self.attempts = attempts
        self.cost = cost
        self.weights = weights
        self.cap_oom = cap_oom
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
                cap_oom=self.cap_oom,
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
