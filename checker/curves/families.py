"""Extrapolation families F1-F3: binomial GLMs in log10 budget, fitted for all replicates at once.

Let ``x = log10(budget)`` and ``eta = c + s * x`` with slope ``s >= 0``:

* **F1** logistic, ceiling 1: ``P = sigmoid(eta)`` (METR's form).
* **F2** exponentiated power law (Brown et al.), "loglog" link: ``P = exp(-exp(-eta))``, i.e.
  ``-ln P = a * B**(-b)`` with ``a = exp(-c)``, ``b = s / ln 10``.
* **F3** free ceiling (cure model): ``P = U * sigmoid(eta)`` with ``U`` profiled over a grid of
  ``n_ceilings`` values in ``[max observed proportion, 1]``.

Each is a binomial likelihood on aggregated (bootstrap-weighted, possibly fractional) counts
``S_j`` out of ``N_j`` at ``m`` budgets.  The fit is penalised maximum likelihood by Fisher scoring
(IRLS), vectorised over replicates (rows): every iteration is a handful of array operations on
``(rows, m)`` arrays and a closed-form 2x2 solve, so 1000 replicates cost about as much as one.
Stabilisers: ``pseudo_count`` successes and failures added at every budget (no infinite
intercepts when a budget has 0 or N successes) and a ridge ``ridge/2 * s**2`` on the slope (no
infinite slope under separation).  ``s >= 0`` is enforced by projecting steps onto ``s = 0``.
Internally ``x`` is centred at the mean evaluated budget for conditioning; reported intercepts
are for uncentred ``x``.

Screening (:func:`screen_family`) implements STATISTICS 7.4: a deviance lack-of-fit test with a
dispersion estimated from the cluster bootstrap, and a leave-top-budget-out check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

__all__ = [
    "CURVE_FAMILIES",
    "FamilyFit",
    "Screening",
    "first_crossing",
    "fit_family",
    "fit_free_ceiling",
    "fit_logistic",
    "fit_loglog",
    "screen_family",
]

CurveFamily = Literal["F1", "F2", "F3"]

#: Budget-curve family ids and one-line descriptions (for reports).
CURVE_FAMILIES: dict[str, str] = {
    "F1": "logistic in log budget (ceiling 1)",
    "F2": "exponentiated power law (loglog link)",
    "F3": "free-ceiling logistic (ceiling profiled)",
}

_EPS = 1e-12
_MAX_STEP = 5.0  # cap on a Newton step per parameter; scoring can overshoot off the canonical link


# --------------------------------------------------------------------------------------------
# links: mean and d mean / d eta, given eta (rows, m) and ceiling u (rows, 1)
# --------------------------------------------------------------------------------------------
def _mu_logit(eta: NDArray, u: NDArray) -> tuple[NDArray, NDArray]:
    sig = special.expit(eta)
    return u * sig, u * sig * (1.0 - sig)


def _mu_loglog(eta: NDArray, u: NDArray) -> tuple[NDArray, NDArray]:
    e = np.exp(-np.clip(eta, -30.0, 700.0))
    mu = np.exp(-e)
    return mu, mu * e


def _eta_for(family: str, p: NDArray, u: NDArray) -> NDArray:
    """Inverse link: the eta at which the curve equals ``p`` (+inf if unreachable)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if family == "F2":
            eta = -np.log(-np.log(p))
        else:
            q = p / u
            eta = np.where(q < 1.0, special.logit(np.minimum(q, 1.0)), np.inf)
    eta = np.where(p <= 0.0, -np.inf, eta)
    return np.where(p >= 1.0, np.inf, eta)


def _loglik(s_cnt: NDArray, n_cnt: NDArray, mu: NDArray) -> NDArray:
    mu = np.clip(mu, _EPS, 1.0 - _EPS)
    return np.sum(s_cnt * np.log(mu) + (n_cnt - s_cnt) * np.log1p(-mu), axis=1)


def _deviance(s_cnt: NDArray, n_cnt: NDArray, mu: NDArray) -> NDArray:
    """Binomial deviance against the saturated model, 0*log(0) = 0; rows summed."""
    mu = np.clip(mu, _EPS, 1.0 - _EPS)
    f = n_cnt - s_cnt
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(s_cnt > 0, s_cnt * np.log(s_cnt / (n_cnt * mu)), 0.0)
        b = np.where(f > 0, f * np.log(f / (n_cnt * (1.0 - mu))), 0.0)
    return 2.0 * np.sum(np.where(n_cnt > 0, a + b, 0.0), axis=1)


def _irls(
    family: str,
    xc: NDArray,
    s_cnt: NDArray,
    n_cnt: NDArray,
    u: NDArray,
    ridge: float,
    max_iter: int,
    tol: float,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Penalised Fisher scoring for eta = c + s*xc, batched over rows.

    Args:
        family: "F2" uses the loglog link; anything else the (scaled) logit.
        xc: Centred log budgets, (m,).
        s_cnt: Stabilised success counts, (rows, m).
        n_cnt: Stabilised trial counts, (rows, m).
        u: Ceiling per row, (rows, 1) (ones for F1/F2).
        ridge: Penalty ``ridge/2 * s**2`` on the slope.
        max_iter: Most Fisher-scoring steps.
        tol: Stop when no row's parameters move more than this.

    Returns:
        c, s (rows,), penalised log-likelihood (rows,), converged (rows,) bool.
    """
    link = _mu_loglog if family == "F2" else _mu_logit
    rows = s_cnt.shape[0]
    # Start from weighted least squares on the link-transformed proportions (one-step IRLS
    # from the data), which is close to the optimum for well-behaved data.
    p_hat = np.clip(s_cnt / np.maximum(n_cnt, _EPS), 1e-4, 1.0 - 1e-4)
    p_hat = np.minimum(p_hat, 0.999 * u)
    z = _eta_for(family, p_hat, u)
    wz = n_cnt * p_hat * (1.0 - p_hat) + _EPS
    sw = wz.sum(1)
    zbar = (wz * z).sum(1) / sw
    xbar = (wz * xc).sum(1) / sw
    sxx = (wz * (xc - xbar[:, None]) ** 2).sum(1)
    s = np.where(
        sxx > 0, (wz * (xc - xbar[:, None]) * (z - zbar[:, None])).sum(1) / (sxx + ridge), 0.0
    )
    s = np.clip(s, 0.0, 50.0)
    c = zbar - s * xbar

    def objective(c_: NDArray, s_: NDArray, sc: NDArray, nc: NDArray, uu: NDArray) -> NDArray:
        mu_, _ = link(c_[:, None] + s_[:, None] * xc, uu)
        return _loglik(sc, nc, mu_) - 0.5 * ridge * s_**2

    ll = objective(c, s, s_cnt, n_cnt, u)
    converged = np.zeros(rows, dtype=bool)
    # Only rows still moving are iterated (compacted index set): most replicates converge in a
    # few steps, a few near-separated ones (e.g. F3 with U at the observed maximum) need many.
    active = np.arange(rows)
    for _ in range(max_iter):
        sc, nc, uu = s_cnt[active], n_cnt[active], u[active]
        ca, sa, lla = c[active], s[active], ll[active]
        eta = ca[:, None] + sa[:, None] * xc
        mu, dmu = link(eta, uu)
        mu = np.clip(mu, _EPS, 1.0 - _EPS)
        var = mu * (1.0 - mu)
        w = nc * dmu * dmu / var
        score = (sc - nc * mu) * dmu / var
        g_c = score.sum(1)
        g_s = (score * xc).sum(1) - ridge * sa
        i_cc = w.sum(1) + 1e-10
        i_cs = (w * xc).sum(1)
        i_ss = (w * xc * xc).sum(1) + ridge + 1e-10
        det = i_cc * i_ss - i_cs * i_cs
        d_c = (i_ss * g_c - i_cs * g_s) / det
        d_s = (i_cc * g_s - i_cs * g_c) / det
        # Active set for s >= 0: if the step would cross 0 (or s sits at 0 with the gradient
        # pushing down), move s to 0 and take the intercept-only step.
        clamp = (sa + d_s < 0.0) | ((sa <= 0.0) & (g_s <= 0.0))
        d_c = np.where(clamp, g_c / i_cc, d_c)
        d_s = np.where(clamp, -sa, d_s)
        d_c = np.clip(d_c, -_MAX_STEP, _MAX_STEP)
        d_s = np.clip(d_s, -_MAX_STEP, _MAX_STEP)
        # Backtracking line search (vectorised): halve where the objective would drop.
        step = np.ones(active.size)
        ll_new = objective(ca + d_c, np.maximum(sa + d_s, 0.0), sc, nc, uu)
        for _h in range(12):
            bad = ll_new < lla - 1e-10 * (1.0 + np.abs(lla))
            if not bad.any():
                break
            step = np.where(bad, step * 0.5, step)
            ll_try = objective(ca + step * d_c, np.maximum(sa + step * d_s, 0.0), sc, nc, uu)
            ll_new = np.where(bad, ll_try, ll_new)
        c_new = ca + step * d_c
        s_new = np.maximum(sa + step * d_s, 0.0)
        moved = np.maximum(np.abs(c_new - ca), np.abs(s_new - sa))
        accept = ll_new >= lla - 1e-10 * (1.0 + np.abs(lla))
        c[active] = np.where(accept, c_new, ca)
        s[active] = np.where(accept, s_new, sa)
        ll[active] = np.where(accept, ll_new, lla)
        done = (moved < tol) | ~accept
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return c, s, ll, converged & np.isfinite(ll)


def _readonly(a: NDArray) -> NDArray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class FamilyFit:
    """Fitted curve family for ``R`` replicates.

    Attributes:
        family: ``"F1"``, ``"F2"`` or ``"F3"``.
        x: Evaluated log10 budgets the fit used, ``(m,)``.
        params: ``(R, p)``: columns ``("c", "s")`` for F1/F2, ``("c", "s", "U")`` for F3;
            ``eta = c + s * log10(budget)``.
        param_names: Column names of ``params``.
        deviance: ``(R,)`` binomial deviance of the fitted curve on the *raw* counts.
        loglik: ``(R,)`` penalised log-likelihood on the stabilised counts (what was maximised).
        converged: ``(R,)`` bool; non-converged rows still hold the last iterate.
        df_resid: ``m - p``, degrees of freedom left for lack of fit.
    """

    family: str
    x: NDArray[np.float64]
    params: NDArray[np.float64]
    param_names: tuple[str, ...]
    deviance: NDArray[np.float64]
    loglik: NDArray[np.float64]
    converged: NDArray[np.bool_]
    df_resid: int = field(default=0)

    @property
    def n_replicates(self) -> int:
        return int(self.params.shape[0])

    @property
    def x_max(self) -> float:
        return float(self.x[-1])

    def _ceiling(self) -> NDArray:
        if self.family == "F3":
            return self.params[:, 2:3]
        return np.ones((self.n_replicates, 1))

    def predict(self, x_new: ArrayLike) -> NDArray[np.float64]:
        """Curve values at log10 budgets ``x_new`` (shape ``(q,)``) -> ``(R, q)`` in [0, 1].

        No range restriction: callers decide how far to extrapolate (``x_new - x_max`` OOM).
        """
        xq = np.atleast_1d(np.asarray(x_new, dtype=np.float64))
        eta = self.params[:, 0:1] + self.params[:, 1:2] * xq[None, :]
        link = _mu_loglog if self.family == "F2" else _mu_logit
        mu, _ = link(eta, self._ceiling())
        return mu

    def crossing(
        self, threshold: ArrayLike, x_grid: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """Log10 budget where each replicate curve first reaches the threshold.

        Args:
            threshold: Without ``x_grid``: a constant ``tau`` in (0, 1) (scalar); solved
                analytically.  With ``x_grid``: ``T(x)`` at the grid points, shape ``(q,)``
                (or a scalar, broadcast), e.g. a policy threshold function sampled in log budget.
            x_grid: Optional increasing log10 budgets ``(q,)``; the search is restricted to it
                and the crossing is linearly interpolated between grid points.

        Returns:
            ``(R,)`` log10 budgets.  ``+inf`` where the curve never reaches the threshold (e.g.
            ``U < tau``, slope 0 below ``tau``, or -- with a grid -- not within the grid).
            Analytic case: ``-inf`` where a flat curve (``s = 0``) is already at or above
            ``tau``.  Grid case: ``x_grid[0]`` where the curve starts at or above ``T``.
        """
        if x_grid is None:
            tau = np.asarray(threshold, dtype=np.float64)
            if tau.ndim != 0:
                raise ValueError("a threshold array needs x_grid")
            c, s = self.params[:, 0], self.params[:, 1]
            eta_tau = _eta_for(self.family, np.full(c.shape, float(tau)), self._ceiling()[:, 0])
            with np.errstate(divide="ignore", invalid="ignore"):
                x_star = (eta_tau - c) / s
            flat = s <= 0.0
            x_star = np.where(flat, np.where(c >= eta_tau, -np.inf, np.inf), x_star)
            return np.where(np.isposinf(eta_tau), np.inf, x_star)
        xg = np.atleast_1d(np.asarray(x_grid, dtype=np.float64))
        tg = np.broadcast_to(np.asarray(threshold, dtype=np.float64), xg.shape)
        diff = self.predict(xg) - tg[None, :]
        return first_crossing(xg, diff)


def first_crossing(x_grid: NDArray, diff: NDArray) -> NDArray[np.float64]:
    """First ``x`` where ``diff`` (R, q) becomes >= 0, linear between grid points; +inf if never."""
    above = diff >= 0.0
    any_above = above.any(axis=1)
    j = np.argmax(above, axis=1)
    rows = np.arange(diff.shape[0])
    jp = np.maximum(j - 1, 0)
    d0, d1 = diff[rows, jp], diff[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(d1 > d0, -d0 / (d1 - d0), 0.0)
    x_star = np.where(j == 0, x_grid[0], x_grid[jp] + frac * (x_grid[j] - x_grid[jp]))
    return np.where(any_above, x_star, np.inf)


def _prepare(
    x: ArrayLike, successes: ArrayLike, trials: ArrayLike
) -> tuple[NDArray, NDArray, NDArray]:
    xa = np.asarray(x, dtype=np.float64)
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if s.ndim == 1:
        s = s[None, :]
    if n.ndim == 1:
        n = n[None, :]
    s, n = np.broadcast_arrays(s, n)
    if xa.ndim != 1 or s.ndim != 2 or s.shape[1] != xa.size:
        raise ValueError(f"need x (m,) and counts (R, m); got {xa.shape} and {s.shape}")
    if xa.size < 2:
        raise ValueError("a curve fit needs at least 2 budgets")
    if np.any(np.diff(xa) <= 0):
        raise ValueError("x must be strictly increasing")
    if np.any(n < 0) or np.any(s < 0) or np.any(s > n * (1 + 1e-12)):
        raise ValueError("need 0 <= successes <= trials")
    return xa, np.minimum(s, n), n.copy()


def fit_family(
    family: CurveFamily,
    x: ArrayLike,
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    pseudo_count: float = 0.1,
    ridge: float = 0.1,
    n_ceilings: int = 15,
    max_iter: int = 60,
    tol: float = 1e-7,
) -> FamilyFit:
    """Fit one family to aggregated counts for every replicate.

    Args:
        family: ``"F1"``, ``"F2"`` or ``"F3"``.
        x: Evaluated log10 budgets, ``(m,)``, strictly increasing, ``m >= 2``.
        successes: ``(R, m)`` (or ``(m,)``) successes per budget; fractional allowed, e.g.
            ``W @ S_task`` for bootstrap weights ``W`` and per-task success counts ``S_task``.
        trials: Same shape: attempts per budget, e.g. ``W @ N_task``.
        pseudo_count: Successes *and* failures added at each budget before fitting.  Kept
            small (0.1): it only has to keep intercepts finite; larger values pull sparse or
            saturated curves towards 0.5 and flatten late take-offs (seen in calibration).
        ridge: Penalty ``ridge/2 * s**2`` on the slope (per log10 budget).
        n_ceilings: F3 only: grid size of the ceiling profile.
        max_iter: Fisher-scoring iterations at most.
        tol: Convergence tolerance on the parameter change.

    Returns:
        A :class:`FamilyFit` with ``R`` rows.
    """
    xa, s_raw, n_raw = _prepare(x, successes, trials)
    rows = s_raw.shape[0]
    xbar = float(xa.mean())
    xc = xa - xbar
    s_cnt = s_raw + pseudo_count
    n_cnt = n_raw + 2.0 * pseudo_count
    if family in ("F1", "F2"):
        u = np.ones((rows, 1))
        c, s, ll, conv = _irls(family, xc, s_cnt, n_cnt, u, ridge, max_iter, tol)
        params = np.column_stack([c - s * xbar, s])
        names: tuple[str, ...] = ("c", "s")
    elif family == "F3":
        if n_ceilings < 1:
            raise ValueError("n_ceilings must be >= 1")
        with np.errstate(invalid="ignore", divide="ignore"):
            p_stab = np.where(n_cnt > 0, s_cnt / n_cnt, 0.0)
        lo = np.clip(p_stab.max(axis=1), 1e-3, 1.0)
        # Ceiling grid concentrated near the observed maximum, where plateaus are decided.
        t = np.linspace(0.0, 1.0, n_ceilings) ** 1.5
        u_grid = lo[:, None] + (1.0 - lo[:, None]) * t[None, :]  # (R, K)
        k = n_ceilings
        u_flat = u_grid.reshape(-1, 1)
        c, s, ll, conv = _irls(
            "F3",
            xc,
            np.repeat(s_cnt, k, axis=0),
            np.repeat(n_cnt, k, axis=0),
            u_flat,
            ridge,
            max_iter,
            tol,
        )
        ll_g = np.where(np.isfinite(ll), ll, -np.inf).reshape(rows, k)
        best = np.argmax(ll_g, axis=1)
        pick = np.arange(rows) * k + best
        c, s, ll, conv = c[pick], s[pick], ll[pick], conv[pick]
        params = np.column_stack([c - s * xbar, s, u_flat[pick, 0]])
        names = ("c", "s", "U")
    else:
        raise ValueError(f"unknown curve family {family!r}")
    fit = FamilyFit(
        family=family,
        x=_readonly(xa),
        params=_readonly(params),
        param_names=names,
        deviance=_readonly(np.zeros(rows)),
        loglik=_readonly(ll),
        converged=_readonly(conv),
        df_resid=int(xa.size - len(names)),
    )
    dev = _deviance(s_raw, n_raw, fit.predict(xa))
    return FamilyFit(
        family=fit.family,
        x=fit.x,
        params=fit.params,
        param_names=names,
        deviance=_readonly(dev),
        loglik=fit.loglik,
        converged=fit.converged,
        df_resid=fit.df_resid,
    )


def fit_logistic(x: ArrayLike, successes: ArrayLike, trials: ArrayLike, **kw: Any) -> FamilyFit:
    """F1: ``P = sigmoid(c + s x)``.  Keywords as :func:`fit_family`."""
    return fit_family("F1", x, successes, trials, **kw)


def fit_loglog(x: ArrayLike, successes: ArrayLike, trials: ArrayLike, **kw: Any) -> FamilyFit:
    """F2: ``P = exp(-exp(-(c + s x)))``.  Keywords as :func:`fit_family`."""
    return fit_family("F2", x, successes, trials, **kw)


def fit_free_ceiling(x: ArrayLike, successes: ArrayLike, trials: ArrayLike, **kw: Any) -> FamilyFit:
    """F3: ``P = U sigmoid(c + s x)``, ``U`` profiled.  Keywords as :func:`fit_family`."""
    return fit_family("F3", x, successes, trials, **kw)


# --------------------------------------------------------------------------------------------
# screening
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Screening:
    """Lack-of-fit screening of one family on the observed budgets (STATISTICS 7.4).

    Attributes:
        family: Family id.
        deviance: Deviance of the point fit on the raw point-estimate counts.
        df: Residual degrees of freedom ``m - p`` (0: the deviance test is not possible).
        dispersion: Overdispersion factor (>= 1) estimated from the bootstrap variance of the
            per-budget proportions relative to the binomial variance (task clustering, several
            attempts per task).
        p_value: ``P(chi2_df >= deviance / dispersion)``; NaN when ``df == 0``.
        loo_error: Point error (prediction - observed) at the top budget of the fit that leaves
            the top budget out; NaN when too few budgets remain.
        loo_interval: Bootstrap percentile interval ``(lo, hi)`` of that error, paired per
            replicate (same tasks), at the screening level; widened to at least +-z times the
            binomial standard error at the top budget (guards degenerate bootstraps).
        loo_ok: Whether 0 lies in ``loo_interval`` (None when not testable).
        passed: ``p_value >= 1 - level`` (or untestable) and ``loo_ok`` is not False.
        reason: Empty when passed, otherwise why the family was dropped.
    """

    family: str
    deviance: float
    df: int
    dispersion: float
    p_value: float
    loo_error: float
    loo_interval: tuple[float, float]
    loo_ok: bool | None
    passed: bool
    reason: str


def screen_family(
    family: CurveFamily,
    x: ArrayLike,
    successes: ArrayLike,
    trials: ArrayLike,
    boot_successes: ArrayLike,
    boot_trials: ArrayLike,
    *,
    level: float = 0.99,
    point_fit: FamilyFit | None = None,
    **fit_kwargs: Any,
) -> Screening:
    """Decide whether ``family`` fits the observed budgets acceptably.

    Two checks, both calibrated by the cluster bootstrap rather than by the binomial model (the
    same tasks are measured at every budget and attempts within a task are correlated):

    1. Deviance test: ``deviance / dispersion ~ chi2(m - p)``; fails if the p-value is below
       ``1 - level`` (default 0.01).
    2. Leave-top-budget-out: refit on budgets ``0..m-2`` in every replicate, predict the top
       budget; fails if the paired bootstrap interval of (prediction - observed) excludes 0.

    Args:
        family: ``"F1"``, ``"F2"`` or ``"F3"``.
        x: ``(m,)`` log10 budgets.
        successes: Point-estimate success counts, ``(m,)``.
        trials: Point-estimate trial counts, ``(m,)``.
        boot_successes: Replicate success counts, ``(R, m)``.
        boot_trials: Replicate trial counts, ``(R, m)``.
        level: Screening confidence (0.99 drops a family at p < 0.01).
        point_fit: An existing fit of ``family`` on the point counts (saves a refit).
        **fit_kwargs: Passed to :func:`fit_family`.

    Returns:
        A :class:`Screening`.
    """
    xa, s0, n0 = _prepare(x, successes, trials)
    _, sb, nb = _prepare(xa, boot_successes, boot_trials)
    fit0 = point_fit or fit_family(family, xa, s0, n0, **fit_kwargs)
    dev = float(fit0.deviance[0])
    df = fit0.df_resid
    with np.errstate(invalid="ignore", divide="ignore"):
        p_boot = sb / nb
        p0 = s0[0] / n0[0]
        binom_var = p0 * (1 - p0) / n0[0]
        ratio = np.nanvar(p_boot, axis=0) / binom_var
    ratio = ratio[np.isfinite(ratio) & (binom_var > 0)]
    dispersion = float(max(1.0, np.mean(ratio))) if ratio.size else 1.0
    p_value = float(stats.chi2.sf(dev / dispersion, df)) if df > 0 else float("nan")
    alpha = 1.0 - level

    n_par = len(fit0.param_names)
    loo_error, loo_lo, loo_hi, loo_ok = float("nan"), float("nan"), float("nan"), None
    if xa.size - 1 >= max(n_par, 2):
        keep = slice(0, xa.size - 1)
        x_top = xa[-1:]
        pred0 = fit_family(family, xa[keep], s0[:, keep], n0[:, keep], **fit_kwargs).predict(x_top)
        predb = fit_family(family, xa[keep], sb[:, keep], nb[:, keep], **fit_kwargs).predict(x_top)
        with np.errstate(invalid="ignore", divide="ignore"):
            err_b = predb[:, 0] - sb[:, -1] / nb[:, -1]
        loo_error = float(pred0[0, 0] - s0[0, -1] / n0[0, -1])
        loo_lo, loo_hi = (float(v) for v in np.nanquantile(err_b, [alpha / 2, 1 - alpha / 2]))
        # A degenerate bootstrap (e.g. every replicate 0/N or N/N at the top) has a zero-width
        # interval; never demand more precision than binomial noise at the top budget allows.
        p_top = (s0[0, -1] + 0.5) / (n0[0, -1] + 1.0)
        tol = float(stats.norm.ppf(1 - alpha / 2) * np.sqrt(p_top * (1 - p_top) / n0[0, -1]))
        loo_lo, loo_hi = min(loo_lo, -tol), max(loo_hi, tol)
        loo_ok = bool(loo_lo <= 0.0 <= loo_hi)
    reasons = []
    if df > 0 and p_value < alpha:
        reasons.append(f"deviance lack of fit (p = {p_value:.3g} < {alpha:g})")
    if loo_ok is False:
        reasons.append("leave-top-budget-out error outside its bootstrap interval")
    return Screening(
        family=family,
        deviance=dev,
        df=df,
        dispersion=dispersion,
        p_value=p_value,
        loo_error=loo_error,
        loo_interval=(loo_lo, loo_hi),
        loo_ok=loo_ok,
        passed=not reasons,
        reason="; ".join(reasons),
    )
