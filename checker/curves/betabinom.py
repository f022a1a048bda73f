"""F4 Beta-binomial and F5 zero-inflated Beta-binomial: pass@k beyond the attempts drawn.

Per-task success probabilities are modelled as ``p ~ Beta(alpha, beta)`` (F4), or as a mixture
with a mass ``pi0`` of impossible tasks, ``p = 0`` (F5).  Then, for ``k`` attempts,

    pass@k = (1 - pi0) * (1 - B(alpha, beta + k) / B(alpha, beta)),

defined for real ``k >= 0``; ``1 - pass@k ~ k**(-alpha)`` for large ``k`` (Schaeffer et al. 2025),
so ``alpha`` is the power-law exponent.

Fitting is a **grid maximum likelihood** that is batched over bootstrap replicates: the per-task
success counts only enter through a histogram, so a replicate is a weighted histogram
``H`` of shape ``(R, n + 1)`` (one matmul with the bootstrap weights), and the log-likelihood of
every replicate at every grid point is ``H @ L`` with the precomputed log-pmf table
``L[c, g]``.  The argmax is then refined locally (a shrinking 5-point pattern search per
parameter, step halved four times, vectorised over replicates), so the result is not limited
to grid resolution.

Grid (defaults): ``log10 alpha`` in [-2, 2] and ``log10 beta`` in [-2, 3], 90 points each
(60 for F5); ``pi0`` in {0, 0.05, ..., 0.8}.  A replicate whose optimum sits on the edge of the
grid is flagged (``at_edge``), e.g. all tasks solved every time (alpha/beta -> inf).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "BetaBinomialFit",
    "beta_pass_at_k",
    "fit_beta_binomial",
    "lack_of_fit_pvalue",
]

_LOG10_ALPHA = (-2.0, 2.0)
_LOG10_BETA = (-2.0, 3.0)
_N_GRID = 90
_N_GRID_ZI = 60  # F5's third axis multiplies the table; refinement restores resolution
_PI0 = np.linspace(0.0, 0.8, 17)
_WORK_FLOATS = 4_000_000  # bound on an (R-chunk, G) log-likelihood block (~32 MB)


def beta_pass_at_k(
    alpha: ArrayLike, beta: ArrayLike, k: ArrayLike, pi0: ArrayLike = 0.0
) -> NDArray[np.float64]:
    """Model pass@k, ``(1 - pi0) * (1 - B(alpha, beta + k) / B(alpha, beta))``.

    Args:
        alpha: Per-replicate parameter, shape ``(R,)`` (or a scalar).
        beta: As ``alpha``.
        pi0: Zero-inflation per replicate, as ``alpha`` (0: none).
        k: Attempts, shape ``(K,)``; real values ``>= 0`` allowed.

    Returns:
        ``(R, K)``.
    """
    a = np.atleast_1d(np.asarray(alpha, dtype=np.float64))[:, None]
    b = np.atleast_1d(np.asarray(beta, dtype=np.float64))[:, None]
    z = np.atleast_1d(np.asarray(pi0, dtype=np.float64))[:, None]
    kk = np.atleast_1d(np.asarray(k, dtype=np.float64))[None, :]
    # -expm1 keeps precision when pass@k is tiny (small k or tiny alpha).
    return (1.0 - z) * -np.expm1(special.betaln(a, b + kk) - special.betaln(a, b))


def _logpmf(c: NDArray, n: float, la: NDArray, lb: NDArray, pi0: NDArray | None) -> NDArray:
    """Log-pmf of (zero-inflated) Beta-binomial; broadcasting over all array arguments.

    ``la``, ``lb`` are natural logs of alpha and beta.
    """
    a, b = np.exp(la), np.exp(lb)
    lp = (
        special.gammaln(n + 1)
        - special.gammaln(c + 1)
        - special.gammaln(n - c + 1)
        + special.betaln(c + a, n - c + b)
        - special.betaln(a, b)
    )
    if pi0 is None:
        return lp
    with np.errstate(divide="ignore"):
        log1m = np.log1p(-pi0)
        zero_part = np.where(c == 0, np.log(pi0), -np.inf)
    return np.logaddexp(log1m + lp, zero_part)


@lru_cache(maxsize=32)
def _grid(zero_inflated: bool) -> tuple[NDArray, ...]:
    size = _N_GRID_ZI if zero_inflated else _N_GRID
    la = np.log(10.0) * np.linspace(*_LOG10_ALPHA, size)
    lb = np.log(10.0) * np.linspace(*_LOG10_BETA, size)
    if zero_inflated:
        ga, gb, gz = np.meshgrid(la, lb, _PI0, indexing="ij")
        return ga.ravel(), gb.ravel(), gz.ravel()
    ga, gb = np.meshgrid(la, lb, indexing="ij")
    return ga.ravel(), gb.ravel()


@lru_cache(maxsize=32)
def _table(n: int, zero_inflated: bool) -> NDArray:
    """``L[c, g]``, shape ``(n + 1, G)``, for the default grid (cached per n)."""
    g = _grid(zero_inflated)
    c = np.arange(n + 1, dtype=np.float64)[:, None]
    pi0 = g[2][None, :] if zero_inflated else None
    return np.ascontiguousarray(_logpmf(c, float(n), g[0][None, :], g[1][None, :], pi0))


@dataclass(frozen=True)
class BetaBinomialFit:
    """Grid-MLE fit of F4 / F5 for ``R`` replicates.

    Attributes:
        family: ``"F4"`` (Beta-binomial) or ``"F5"`` (zero-inflated).
        n_max: Largest number of attempts per task in the data (``d_k = log10(k / n_max)``).
        params: ``(R, p)``: columns ``alpha, beta`` (F4) or ``alpha, beta, pi0`` (F5).
        param_names: Column names.
        loglik: ``(R,)`` maximised (weighted) log-likelihood.
        at_edge: ``(R,)`` bool: the optimum lies on the edge of the parameter grid (parameters
            not identified within it; predictions are still the grid optimum's).
    """

    family: str
    n_max: int
    params: NDArray[np.float64]
    param_names: tuple[str, ...]
    loglik: NDArray[np.float64]
    at_edge: NDArray[np.bool_]

    def predict(self, k: ArrayLike) -> NDArray[np.float64]:
        """Model pass@k at attempts ``k`` (shape ``(K,)``, real >= 0) -> ``(R, K)``."""
        pi0 = self.params[:, 2] if self.family == "F5" else 0.0
        return beta_pass_at_k(self.params[:, 0], self.params[:, 1], k, pi0)

    def predict_log10(self, x_k: ArrayLike) -> NDArray[np.float64]:
        """As :meth:`predict` with ``x_k = log10(k)`` (for envelopes on a log axis)."""
        return self.predict(10.0 ** np.asarray(x_k, dtype=np.float64))


def _histograms(successes: NDArray, attempts: NDArray, weights: NDArray) -> dict[int, NDArray]:
    """Weighted success-count histograms per distinct n: ``{n: (R, n + 1)}``."""
    out: dict[int, NDArray] = {}
    for n in np.unique(attempts):
        sel = attempts == n
        onehot = np.zeros((int(sel.sum()), int(n) + 1))
        onehot[np.arange(onehot.shape[0]), successes[sel]] = 1.0
        out[int(n)] = weights[:, sel] @ onehot
    return out


def _loglik_at(hists: dict[int, NDArray], theta: NDArray, zero_inflated: bool) -> NDArray:
    """Log-likelihood for per-row parameter candidates ``theta`` (R, M, d) -> (R, M)."""
    total: NDArray = np.zeros(theta.shape[:2])
    for n, h in hists.items():
        c = np.arange(n + 1, dtype=np.float64)
        pi0 = theta[..., 2, None] if zero_inflated else None
        lp = _logpmf(c, float(n), theta[..., 0, None], theta[..., 1, None], pi0)  # (R, M, n+1)
        total = total + np.einsum("rmc,rc->rm", np.where(h[:, None, :] > 0, lp, 0.0), h)
    return total


def fit_beta_binomial(
    successes: ArrayLike,
    attempts: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    zero_inflated: bool = False,
    refine: bool = True,
) -> BetaBinomialFit:
    """Fit F4 (or F5 with ``zero_inflated=True``) for every bootstrap replicate.

    Args:
        successes: Per-task success counts ``c_i``, shape ``(T,)`` (integers).
        attempts: Per-task attempts ``n_i``, shape ``(T,)`` or scalar (integers >= 1); tasks
            may differ in ``n`` (one table per distinct value).
        weights: Bootstrap weights ``(R, T)`` (see :func:`replicate_weights`); ``None`` fits
            the data once (``R = 1``).
        zero_inflated: Fit F5 (adds ``pi0``) instead of F4.
        refine: Refine the grid optimum by a local pattern search (recommended).

    Returns:
        A :class:`BetaBinomialFit` with ``R`` rows.
    """
    c = np.asarray(successes)
    if not np.all(np.equal(np.mod(c, 1), 0)):
        raise ValueError("successes must be integer counts")
    c = c.astype(np.int64)
    n = np.broadcast_to(np.asarray(attempts), c.shape).astype(np.int64)
    if c.ndim != 1 or np.any(n < 1) or np.any(c < 0) or np.any(c > n):
        raise ValueError("need 1-D counts with 0 <= successes <= attempts, attempts >= 1")
    w = np.ones((1, c.size)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != c.size:
        raise ValueError(f"weights must have shape (R, {c.size})")
    hists = _histograms(c, n, w)
    rows = w.shape[0]
    grid = _grid(zero_inflated)
    g_size = grid[0].size
    best = np.empty(rows, dtype=np.int64)
    best_ll = np.empty(rows)
    chunk = max(1, _WORK_FLOATS // g_size)
    for start in range(0, rows, chunk):
        ll: NDArray = np.zeros((min(chunk, rows - start), g_size))
        for nn, h in hists.items():
            ll = ll + h[start : start + chunk] @ _table(nn, zero_inflated)
        best[start : start + chunk] = np.argmax(ll, axis=1)
        best_ll[start : start + chunk] = np.max(ll, axis=1)
    theta = np.stack([g[best] for g in grid], axis=1)  # (R, d) in (ln a, ln b[, pi0])
    lo = np.array([g.min() for g in grid])
    hi = np.array([g.max() for g in grid])
    at_edge = np.any(np.isclose(theta[:, :2], lo[:2]) | np.isclose(theta[:, :2], hi[:2]), axis=1)
    if refine:
        size = _N_GRID_ZI if zero_inflated else _N_GRID
        step = np.array(
            [np.log(10.0) * 4.0 / (size - 1), np.log(10.0) * 5.0 / (size - 1), 0.05][
                : theta.shape[1]
            ]
        )
        offsets = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
        mesh = np.stack(np.meshgrid(*([offsets] * theta.shape[1]), indexing="ij"), -1)
        mesh = mesh.reshape(-1, theta.shape[1])  # (M, d)
        for _ in range(4):  # 5**d pattern, step halved each round: ends at 1/16 grid spacing
            cand = theta[:, None, :] + mesh[None, :, :] * step[None, None, :]
            cand = np.clip(cand, lo, hi)
            cand_ll = _loglik_at(hists, cand, zero_inflated)
            cand_ll = np.where(np.isfinite(cand_ll), cand_ll, -np.inf)
            j = np.argmax(cand_ll, axis=1)
            theta = cand[np.arange(rows), j]
            best_ll = cand_ll[np.arange(rows), j]
            step = step / 2.0
    params = theta.copy()
    params[:, 0] = np.exp(theta[:, 0])
    params[:, 1] = np.exp(theta[:, 1])
    names = ("alpha", "beta", "pi0") if zero_inflated else ("alpha", "beta")
    for a in (params, best_ll, at_edge):
        a.setflags(write=False)
    return BetaBinomialFit(
        family="F5" if zero_inflated else "F4",
        n_max=int(n.max()),
        params=params,
        param_names=names,
        loglik=best_ll,
        at_edge=at_edge,
    )


def lack_of_fit_pvalue(
    successes: ArrayLike,
    attempts: ArrayLike,
    *,
    zero_inflated: bool = False,
    draws: int = 299,
    seed: int = 0,
) -> float:
    """How surprising the data are under the family's own fit (STATISTICS.md 7.4 screening).

    The statistic is the deviance of the grid-MLE fit on the histogram of per-task success
    counts (one histogram per distinct number of attempts). Its null distribution comes from a
    parametric bootstrap: ``draws`` histograms drawn from the fitted model, each refitted on
    the same grid, so the estimator is the same on both sides. Returns
    ``(1 + #{simulated deviance >= observed}) / (draws + 1)``; a small value says the family
    does not describe how success is spread over tasks, and so should not be trusted to say
    what more attempts would reach.
    """
    c = np.asarray(successes).astype(np.int64)
    n = np.broadcast_to(np.asarray(attempts), c.shape).astype(np.int64)
    observed = {
        int(nn): np.bincount(c[n == nn], minlength=int(nn) + 1).astype(np.float64)
        for nn in np.unique(n)
    }
    tables = {nn: _table(nn, zero_inflated) for nn in observed}
    g_obs = int(np.argmax(sum(h @ tables[nn] for nn, h in observed.items())))
    d_obs = _deviance({nn: h[None, :] for nn, h in observed.items()}, tables, np.array([g_obs]))
    rng = np.random.default_rng(seed)
    sims = {
        nn: rng.multinomial(int(h.sum()), _pmf(tables[nn][:, g_obs]), size=draws).astype(np.float64)
        for nn, h in observed.items()
    }
    g_size = tables[next(iter(tables))].shape[1]
    chunk = max(1, _WORK_FLOATS // g_size)
    d_sim = np.empty(draws)
    for start in range(0, draws, chunk):
        part = {nn: h[start : start + chunk] for nn, h in sims.items()}
        ll = sum(h @ tables[nn] for nn, h in part.items())
        d_sim[start : start + chunk] = _deviance(part, tables, np.argmax(ll, axis=1))
    return float((1 + np.sum(d_sim >= d_obs[0] - 1e-9)) / (draws + 1))


def _pmf(log_pmf: NDArray) -> NDArray:
    p = np.exp(log_pmf)
    return p / p.sum()  # exact normalisation for the multinomial draw


def _deviance(hists: dict[int, NDArray], tables: dict[int, NDArray], g: NDArray) -> NDArray:
    """``2 * sum O * log(O / E)`` per row of ``hists`` (each ``(B, n + 1)``) at grid ``g``."""
    total = np.zeros(g.size)
    for nn, h in hists.items():
        expected = h.sum(axis=1, keepdims=True) * np.exp(tables[nn][:, g].T)  # (B, n + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(h > 0, h * (np.log(h) - np.log(expected)), 0.0)
        total += 2.0 * terms.sum(axis=1)
    return total
