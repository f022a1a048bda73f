"""End-to-end calibration of the decision procedure (issue 12, Deliver 1; STATISTICS 7.6).

``benchmarks/calibration.py`` checks components (the F1-F3 envelope on raw bootstrap replicates,
F4/F5/F2 on pass@k at fixed k).  This study checks what a user gets: it simulates evidence the
way real evals produce it, writes it as an attempts table plus an evidence manifest, loads it
with :func:`checker.load_evidence`, runs :func:`checker.evaluate` on policies whose thresholds
are placed around the truth, and counts wrong decisions against a ground truth computed exactly
from the simulated tasks.  It measures whatever engine is installed, so it can be rerun after
engine changes.

Simulation (one dataset):

* Task i needs log10-budget theta_i ~ N(mu, sd_theta^2) (clipped at ``theta_max`` when given),
  is solvable with probability 1 - pi0 (zero-inflated p), and succeeds per attempt at reasoning
  budget b with p_i(b) = 1[solvable] * sigmoid((x_eff(b) - theta_i) / w), x = log10 b.  At any
  fixed b the solvable tasks' p is logit-normal.  ``drift`` changes the slope beyond the top
  evaluated budget (protocol drift); ``attempt_noise`` adds a logit shift shared by the attempts
  of one (task, budget) (correlated attempts).
* ``levels``: the evaluated reasoning budgets (mean tokens per attempt); each task gets
  ``attempts`` attempts at each.  Spend per attempt is lognormal around the level:
  level * m_i * exp(N(-s^2/2, s)), with a per-task cost factor m_i (mean 1).

Ground truth (per dataset, exact in the simulated tasks: the eval's own tasks are the
population the determination speaks about):

* direct:   P(B) = max over budgets b with cost(b) = b * mean_i m_i <= B of mean_i p_i(b);
* repeated sampling (verifiable thresholds, oracle best-of-k, sequential stop at the first
  success, the engine's cost convention): P*(B) = max over (b, k) with
  cost(b, k) = b * mean_i m_i E[attempts_i] <= B of mean_i 1 - (1 - p_i(b))^k,
  where E[attempts_i] = (1 - (1 - p_i)^k) / p_i (k when p_i = 0); with correlated attempts both
  are integrated over the shared shift.  b runs over a 0.02-OOM grid (or the evaluated budgets
  only, for a model with discrete reasoning settings), k over 1..20 and a log-spaced grid to
  10^5.
* A threshold (constant T over [lo, hi]) is truly crossed iff P*(hi) >= T (P* is monotone);
  the true crossing budget is the cheapest (b, k) cost reaching T.

Thresholds are placed at T = P_pop(hi) + delta (the scenario's population truth, so one policy
serves every dataset of a scenario) for several ranges: below the cheapest evaluated budget,
inside the evidence, and reaching 0.5, 1 and 2 OOM beyond the top evaluated budget; each with
and without repeated sampling credited (``verifiable``).

Metrics per scenario x cap setting x confidence: wrong decided states (crossed when the truth is
not, not_crossed when it is) over all thresholds and per direction, with Clopper-Pearson Monte
Carlo intervals; the share decided correctly; decisiveness (share decided correctly among
thresholds whose truth is >= 0.1 from T: |P*(hi) - T| >= 0.1); one-sided coverage of the printed
crossing-budget ends; one-sided pointwise coverage of the printed curve bounds inside the
assessed range.  A cell is flagged when a wrong rate exceeds 1 - confidence beyond Monte Carlo
error (the lower end of its 95% Clopper-Pearson interval is above 1 - confidence).

Usage::

    python benchmarks/calibration_e2e.py --quick          # smoke size, < 3 min on 2 cores
    python benchmarks/calibration_e2e.py --reps 40 --workers 2
    python benchmarks/calibration_e2e.py --scenarios issue12-repro --reps 20

Writes benchmarks/results/calibration_e2e.md (and .json with the raw counts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread per worker process

import numpy as np  # noqa: E402
from scipy import special, stats  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import checker  # noqa: E402
from checker.policy.model import (  # noqa: E402
    Decision,
    ExtrapolationCap,
    Policy,
)

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_SEED = 20260612
AS_OF = dt.date(2026, 6, 12)
MODEL = "sim"
EVAL = "sim-eval"
DECISIVE_GAP = 0.1
#: Tolerance (OOM) when comparing a printed crossing budget with the true one: the truth is on
#: a 0.02-OOM budget grid, the engine's on its own grid.
CROSS_TOL_OOM = 0.03
#: A printed curve bound covers the truth if it misses it by less than this (as calibration.py).
BOUND_TOL = 0.005
#: Monte Carlo interval level for the per-group flags (several tens of groups per cell).
GROUP_LEVEL = 0.99
GH_X, GH_W = np.polynomial.hermite_e.hermegauss(8)
GH_W = GH_W / GH_W.sum()


# --------------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """One way evidence can look, with the population it is drawn from."""

    name: str
    mu: float
    sd_theta: float
    w: float
    pi0: float = 0.0
    theta_max: float | None = None
    drift: float = 1.0
    attempt_noise: float = 0.0
    levels: tuple[float, ...] = (1000.0, 3162.0, 10000.0, 31623.0)
    tasks: int = 80
    attempts: int = 5
    spend_sd: float = 0.35
    task_cost_sd: float = 0.25
    note: str = ""
    #: Extra thresholds (lo, hi, T, verifiable) besides the generated grid.
    extra: tuple[tuple[float, float, float, bool], ...] = ()
    #: The model runs only at the evaluated budgets (reasoning effort low/medium/high): the
    #: truth is best-of-k over those, no budget in between or beyond.
    discrete: bool = False
    #: Offsets of T from the population truth at the range's upper end.
    deltas: tuple[float, ...] = (-0.2, -0.1, -0.03, 0.03, 0.1, 0.2)
    ranges: tuple[str, ...] = ("below", "inside", "+0.5", "+1", "+2")

    @property
    def x_top(self) -> float:
        return math.log10(self.levels[-1])

    def x_eff(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > self.x_top, self.x_top + self.drift * (x - self.x_top), x)

    def draw_tasks(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        theta = rng.normal(self.mu, self.sd_theta, n)
        if self.theta_max is not None:
            theta = np.minimum(theta, self.theta_max)
        solvable = rng.random(n) >= self.pi0
        m = np.exp(rng.normal(-(self.task_cost_sd**2) / 2, self.task_cost_sd, n))
        return {"theta": theta, "solvable": solvable, "m": m}

    def p(self, tasks: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
        """(T, L) success probabilities at log10 budgets x (before any attempt noise)."""
        z = (self.x_eff(np.asarray(x, float))[None, :] - tasks["theta"][:, None]) / self.w
        return tasks["solvable"][:, None] * special.expit(z)


SCENARIOS: list[Scenario] = [
    Scenario("well-specified", mu=4.7, sd_theta=0.5, w=0.35, note="logistic in log budget"),
    Scenario(
        "late take-off",
        mu=5.6,
        sd_theta=0.25,
        w=0.2,
        note="nearly flat at 0 inside the evidence, rises after",
    ),
    Scenario("ceiling 0.6", mu=4.0, sd_theta=0.35, w=0.3, pi0=0.4, note="40% never solvable"),
    Scenario(
        "protocol drift",
        mu=4.7,
        sd_theta=0.5,
        w=0.35,
        drift=0.4,
        note="slope x0.4 beyond the top evaluated budget",
    ),
    Scenario("saturation", mu=3.2, sd_theta=0.4, w=0.3, note="near 1 from the second budget"),
    Scenario("flat near 0", mu=3.6, sd_theta=0.8, w=0.4, pi0=0.95, note="5% solvable"),
    Scenario(
        "correlated attempts",
        mu=4.7,
        sd_theta=0.5,
        w=0.35,
        attempt_noise=1.5,
        note="attempts of a (task, budget) share a logit shift, sd 1.5",
    ),
    Scenario(
        "logit-normal p",
        mu=5.2,
        sd_theta=1.0,
        w=0.35,
        note="wide logit-normal: many tasks at 0/n that are not impossible",
    ),
    Scenario(
        "zero-inflated p",
        mu=4.4,
        sd_theta=0.6,
        w=0.4,
        pi0=0.3,
        note="30% impossible, the rest logit-normal",
    ),
    Scenario(
        "impossible half",
        mu=4.94,
        sd_theta=0.05,
        w=0.4,
        pi0=0.5,
        note="half the tasks impossible, the rest alike (p ~ 0.25 at the top budget): a few "
        "attempts cannot tell an impossible task from a hard one",
    ),
    Scenario(
        "issue12-repro",
        mu=math.log10(1500.0),
        sd_theta=0.6,
        w=0.3,
        theta_max=math.log10(1500.0) + 0.3 * math.log(1 / 0.016 - 1),
        levels=(375.0, 750.0, 1500.0),
        tasks=56,
        attempts=5,
        discrete=True,
        note="issue 12: 3 reasoning budgets (the only settings), 56 tasks x 5 attempts, every "
        "task p >= 0.016 at the top budget, best-of-k at 0.956 by 7.2k tokens and 0.993 by 9k; "
        "T = 0.95 over [300, 7200] and T = 0.99 over [300, 9000] tokens, verifiable",
        # Discrete settings make the truth a step function between budgets, where the engine
        # interpolates: only the issue's own (verifiable) thresholds and neighbours are posed.
        ranges=(),
        extra=(
            (300.0, 7200.0, 0.95, True),
            (300.0, 9000.0, 0.99, True),
            (300.0, 7200.0, 0.9, True),
            (300.0, 9000.0, 0.95, True),
            (300.0, 4000.0, 0.8, True),
            (300.0, 15000.0, 0.99, True),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# truth
# --------------------------------------------------------------------------------------------
K_TRUTH = np.unique(np.r_[np.arange(1, 21), np.round(np.logspace(np.log10(21), 5, 70))]).astype(
    float
)
POP_TASKS = 1000


@dataclass
class Truth:
    """Achievable (cost, performance) pairs of one population, sorted by cost, running max."""

    cost: np.ndarray
    perf: np.ndarray

    def at(self, budget: float) -> float:
        i = int(np.searchsorted(self.cost, budget, side="right")) - 1
        return 0.0 if i < 0 else float(self.perf[i])

    def crossing(self, level: float) -> float:
        """Cheapest budget with performance >= level (inf: never)."""
        hit = np.flatnonzero(self.perf >= level)
        return float(self.cost[hit[0]]) if hit.size else math.inf


def truth_tables(sc: Scenario, tasks: dict[str, np.ndarray]) -> tuple[Truth, Truth]:
    """(direct, repeated-sampling) truth of one task population."""
    if sc.discrete:
        x = np.log10(np.asarray(sc.levels))
    else:
        x = np.arange(math.log10(sc.levels[0]) - 2.0, sc.x_top + 3.0, 0.02)
    z = (sc.x_eff(x)[None, :] - tasks["theta"][:, None]) / sc.w  # (T, L)
    solv = tasks["solvable"][:, None].astype(float)
    m = tasks["m"]
    if sc.attempt_noise:
        nodes, wts = GH_X * sc.attempt_noise, GH_W
    else:
        nodes, wts = np.zeros(1), np.ones(1)
    perf = np.zeros((K_TRUTH.size, x.size))
    att = np.zeros((K_TRUTH.size, x.size))
    for e, we in zip(nodes, wts, strict=True):
        p = solv * special.expit(z + e)  # (T, L)
        logq = np.log1p(-np.minimum(p, 1 - 1e-15))
        for j, k in enumerate(K_TRUTH):
            succ = -np.expm1(k * logq)
            tries = np.where(p > 0, succ / np.maximum(p, 1e-300), k)
            perf[j] += we * succ.mean(0)
            att[j] += we * (m[:, None] * tries).mean(0)
    cost = (10.0**x)[None, :] * att

    def table(c: np.ndarray, v: np.ndarray) -> Truth:
        c, v = c.ravel(), v.ravel()
        o = np.argsort(c, kind="stable")
        return Truth(cost=c[o], perf=np.maximum.accumulate(v[o]))

    return table(cost[:1], perf[:1]), table(cost, perf)


_POP: dict[str, tuple[Truth, Truth]] = {}


def population_truth(sc: Scenario) -> tuple[Truth, Truth]:
    """The scenario's population truth (POP_TASKS tasks, fixed seed): where thresholds are
    placed."""
    if sc.name not in _POP:
        rng = np.random.default_rng([DEFAULT_SEED, 99, len(sc.name)])
        _POP[sc.name] = truth_tables(sc, sc.draw_tasks(rng, POP_TASKS))
    return _POP[sc.name]


# --------------------------------------------------------------------------------------------
# thresholds and policies
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """One threshold of a scenario's policy."""

    id: str
    group: str
    lo: float
    hi: float
    T: float
    verifiable: bool


def range_ends(sc: Scenario, name: str) -> tuple[float, float]:
    lo, top = sc.levels[0], sc.levels[-1]
    if name == "below":
        return lo / 30.0, lo / 1.5
    if name == "inside":
        return lo, top * 0.9
    return lo, top * 10.0 ** float(name[1:])


def threshold_specs(sc: Scenario) -> list[Spec]:
    direct, rs = population_truth(sc)
    out: list[Spec] = []
    for rname in sc.ranges:
        lo, hi = range_ends(sc, rname)
        for verifiable in (False, True):
            p_hi = (rs if verifiable else direct).at(hi)
            seen: set[float] = set()
            for d in sc.deltas:
                t = round(float(np.clip(p_hi + d, 0.01, 0.995)), 4)
                if t in seen:
                    continue
                seen.add(t)
                tag = "v" if verifiable else "d"
                out.append(Spec(f"t{len(out)}", f"{rname}/{tag}/{d:+.2f}", lo, hi, t, verifiable))
    for lo, hi, t, verifiable in sc.extra:
        tag = "v" if verifiable else "d"
        out.append(Spec(f"t{len(out)}", f"[{lo:g},{hi:g}]/{tag}/T={t:g}", lo, hi, t, verifiable))
    return out


Cap = float | tuple[float, float]
"""One extrapolation cap as a policy writes it: one number for both bounds, or (crossed,
not_crossed)."""
Setting = tuple[Cap, Cap]
"""(max_extrapolation_oom, max_attempts_extrapolation_oom)."""


PREVIOUS_DEFAULTS: Setting = (0.25, 0.25)
"""The caps the policy format defaulted to before this study (both bounds, both caps)."""


def both(c: Cap | list) -> tuple[float, float]:
    """(crossed, not_crossed) of a cap."""
    return (float(c), float(c)) if isinstance(c, int | float) else (float(c[0]), float(c[1]))


def cap_label(c: Cap) -> str:
    """``1`` for one number, ``2:1`` for (crossed, not_crossed)."""
    cr, nc = both(c)
    return f"{cr:g}" if cr == nc else f"{cr:g}:{nc:g}"


def setting_label(s: Setting) -> str:
    return f"{cap_label(s[0])} / {cap_label(s[1])}" + (" (refused)" if refused(s) else "")


def parse_settings(text: str) -> list[Setting]:
    """``"1:0.5/0.5:1,0.25/0.25"`` -> settings (budget / attempts, each ``c`` or ``c:n``)."""

    def cap(part: str) -> Cap:
        if ":" in part:
            cr, nc = part.split(":")
            return (float(cr), float(nc))
        return float(part)

    out: list[Setting] = []
    for item in text.split(","):
        b, a = item.strip().split("/")
        out.append((cap(b), cap(a)))
    return out


def cap_bounds() -> dict[str, tuple[float, float, tuple[float, float]]]:
    """(lower bound, upper bound, default (crossed, not_crossed)) of each extrapolation cap,
    from the policy model (the attempts cap's not_crossed part is bounded lower still:
    :data:`CALIBRATED_ATTEMPTS_NOT_CROSSED`)."""
    fields = ExtrapolationCap.model_fields["crossed"].metadata
    ge = next(m.ge for m in fields if getattr(m, "ge", None) is not None)
    le = next(m.le for m in fields if getattr(m, "le", None) is not None)
    d = Decision()
    return {
        name: (float(ge), float(le), both(tuple(getattr(d, name).model_dump().values())))
        for name in ("max_extrapolation_oom", "max_attempts_extrapolation_oom")
    }


def cap_settings(grid: tuple[float, ...], *, with_bound: bool = True) -> list[Setting]:
    """The cap settings to sweep, the defaults first: the budget cap over ``grid`` (one number
    for both bounds, clipped to the bounds the policy format accepts, plus its upper bound
    when ``with_bound``) with the attempts cap at its default; then the attempts cap over the
    grid (one number; values the format refuses are measured all the same, to show why), with
    the budget cap at its default."""
    b = cap_bounds()
    (b_lo, b_hi, b_def), (a_lo, a_hi, a_def) = (
        b["max_extrapolation_oom"],
        b["max_attempts_extrapolation_oom"],
    )
    out: list[Setting] = [(b_def, a_def)]
    if with_bound:
        out.append(PREVIOUS_DEFAULTS)  # for decisiveness before / after at equal caps
    for c in sorted({min(max(v, b_lo), b_hi) for v in grid} | ({b_hi} if with_bound else set())):
        if (c, a_def) not in out:
            out.append((c, a_def))
    for c in sorted({min(max(v, a_lo), a_hi) for v in grid} | ({a_hi} if with_bound else set())):
        s: Setting = (b_def, c)
        if both(s[1]) != both(a_def) and s not in out:
            out.append(s)  # beyond the calibrated limits too: the rows say "(refused)"
    return out


def _cap_value(c: Cap) -> float | dict[str, float]:
    cr, nc = both(c)
    return cr if cr == nc else {"crossed": cr, "not_crossed": nc}


def make_policy(specs: list[Spec], cap: Setting, confidence: float, reps: int) -> Policy:
    """A policy posing ``specs`` at caps ``cap``. Caps the format refuses are set after
    validation, so that the study can show why it refuses them."""
    policy = _validated_policy(specs, (PREVIOUS_DEFAULTS[0], 0.0), confidence, reps)
    d = policy.decision.model_copy(
        update={
            "max_extrapolation_oom": ExtrapolationCap.model_validate(_cap_value(cap[0])),
            "max_attempts_extrapolation_oom": ExtrapolationCap.model_validate(_cap_value(cap[1])),
        }
    )
    return policy.model_copy(update={"decision": d})


def refused(cap: Setting) -> bool:
    """Whether the policy format refuses these caps."""
    try:
        Decision.model_validate(
            {
                "max_extrapolation_oom": _cap_value(cap[0]),
                "max_attempts_extrapolation_oom": _cap_value(cap[1]),
            }
        )
    except ValueError:
        return True
    return False


def _validated_policy(specs: list[Spec], cap: Setting, confidence: float, reps: int) -> Policy:
    return Policy.model_validate(
        {
            "metadata": {
                "id": "calibration-e2e",
                "title": "calibration study",
                "version": "1",
                "effective": "2026-01-01",
            },
            "thresholds": [
                {
                    "id": s.id,
                    "title": s.group,
                    "domain": "cyber",
                    "evals": [EVAL],
                    "verifiable": s.verifiable,
                    "axis": "tokens",
                    "assessed_range": {"min": s.lo, "max": s.hi},
                    "function": s.T,
                }
                for s in specs
            ],
            "gate": {"crossed_without_safeguards": "allow"},
            "decision": {
                "confidence": confidence,
                "max_extrapolation_oom": _cap_value(cap[0]),
                "max_attempts_extrapolation_oom": _cap_value(cap[1]),
                "bootstrap_replicates": reps,
            },
        }
    )


# --------------------------------------------------------------------------------------------
# evidence
# --------------------------------------------------------------------------------------------
def simulate(sc: Scenario, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], list[dict]]:
    """The dataset's tasks and its attempt rows (one dict per attempt)."""
    tasks = sc.draw_tasks(rng, sc.tasks)
    x = np.log10(np.asarray(sc.levels))
    p = sc.p(tasks, x)  # (T, L)
    rows: list[dict] = []
    n = sc.attempts
    for j, level in enumerate(sc.levels):
        pj = p[:, j]
        if sc.attempt_noise:
            shift = rng.normal(0.0, sc.attempt_noise, sc.tasks)
            z = special.logit(np.clip(pj, 1e-12, 1 - 1e-12)) + shift
            pj = tasks["solvable"] * special.expit(z)
        y = rng.random((sc.tasks, n)) < pj[:, None]
        spend = (
            level
            * tasks["m"][:, None]
            * np.exp(rng.normal(-(sc.spend_sd**2) / 2, sc.spend_sd, (sc.tasks, n)))
        )
        for i in range(sc.tasks):
            for a in range(n):
                rows.append(
                    {
                        "run": f"r{j}",
                        "task": f"task-{i:03d}",
                        "attempt": a,
                        "score": float(y[i, a]),
                        "input_tokens": 0,
                        "output_tokens": max(1, round(float(spend[i, a]))),
                    }
                )
    return tasks, rows


def write_evidence(sc: Scenario, rows: list[dict], folder: Path) -> Path:
    """An attempts table (JSON Lines) and the manifest naming it; returns the manifest."""
    (folder / "attempts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    runs = [
        {
            "id": f"r{j}",
            "model": MODEL,
            "eval": EVAL,
            "scaffold": "default",
            "date": "2026-06-01",
            "limits": {"reasoning_tokens": int(level), "epochs": sc.attempts},
        }
        for j, level in enumerate(sc.levels)
    ]
    manifest = {
        "kind": "rspcheck-evidence",
        "format_version": 1,
        "title": f"calibration e2e: {sc.name}",
        "models": [{"id": MODEL}],
        "runs": runs,
        "attempts": [{"path": "attempts.jsonl"}],
    }
    path = folder / "evidence.json"
    path.write_text(json.dumps(manifest))
    return path


# --------------------------------------------------------------------------------------------
# one dataset
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    scenario: int
    rep: int
    seed: int
    caps: tuple[Setting, ...]
    confidences: tuple[float, ...]
    replicates: int


_POLICIES: dict[tuple, Policy] = {}
_SPECS: dict[int, list[Spec]] = {}


def specs_of(idx: int) -> list[Spec]:
    if idx not in _SPECS:
        _SPECS[idx] = threshold_specs(SCENARIOS[idx])
    return _SPECS[idx]


def run_job(job: Job) -> dict[str, Any]:
    """Simulate one dataset, evaluate every policy on it, return one record per threshold."""
    sc = SCENARIOS[job.scenario]
    specs = specs_of(job.scenario)
    rng = np.random.default_rng(job.seed)
    tasks, rows = simulate(sc, rng)
    direct, rs = truth_tables(sc, tasks)
    truth = []
    for s in specs:
        tr = rs if s.verifiable else direct
        p_hi = tr.at(s.hi)
        truth.append((p_hi, tr.crossing(s.T), p_hi >= s.T))
    b_def, a_def = (
        cap_bounds()[k][2] for k in ("max_extrapolation_oom", "max_attempts_extrapolation_oom")
    )
    records = []
    with tempfile.TemporaryDirectory(prefix="cal-e2e-") as tmp:
        evidence = checker.load_evidence(write_evidence(sc, rows, Path(tmp)))
    for ci, cap in enumerate(job.caps):
        # The attempts cap acts on verifiable thresholds only: its sweep poses just those.
        only_v = both(cap[0]) == b_def and both(cap[1]) != a_def
        use = [i for i, s in enumerate(specs) if s.verifiable or not only_v]
        if not use:
            continue
        for conf in job.confidences:
            key = (job.scenario, cap, conf, job.replicates)
            if key not in _POLICIES:
                _POLICIES[key] = make_policy([specs[i] for i in use], cap, conf, job.replicates)
            det = checker.evaluate(
                _POLICIES[key], evidence, model=MODEL, seed=job.seed % 2**63, as_of=AS_OF
            )
            by_id = {r.id: r for r in det.thresholds}
            for si in use:
                s = specs[si]
                r = by_id[s.id]
                p_hi, b_true, crossed = truth[si]
                cb = r.crossing_budget
                cov = _bound_coverage(r, tr=rs if s.verifiable else direct)
                records.append(
                    {
                        "cap": ci,
                        "conf": conf,
                        "spec": si,
                        "state": r.state,
                        "truth": bool(crossed),
                        "margin": float(p_hi - s.T),
                        "cb_lo": None if cb.lower is None else _covers_lo(cb.lower, b_true),
                        "cb_hi": None if cb.upper is None else _covers_hi(cb.upper, b_true),
                        "bound": cov,
                        "reasons": [x.code for x in r.reasons],
                    }
                )
    return {"scenario": job.scenario, "rep": job.rep, "records": records}


def _covers_lo(printed: float, b_true: float) -> bool:
    """'No crossing below ``printed``' holds for the true crossing budget."""
    return math.isinf(b_true) or math.log10(b_true) >= math.log10(printed) - CROSS_TOL_OOM


def _covers_hi(printed: float, b_true: float) -> bool:
    """'A crossing by ``printed``' holds for the true crossing budget."""
    return not math.isinf(b_true) and math.log10(b_true) <= math.log10(printed) + CROSS_TOL_OOM


def _bound_coverage(r: Any, tr: Truth) -> tuple[int, int, int, int]:
    """(lower given, lower covers, upper given, upper covers) over the curve's grid points in the
    assessed range."""
    c = r.curve
    lo_n = lo_ok = hi_n = hi_ok = 0
    rmin, rmax = r.coverage.range_min, r.coverage.range_max
    for b, lo, up in zip(c.budgets, c.lower, c.upper, strict=True):
        if not rmin * (1 - 1e-9) <= b <= rmax * (1 + 1e-9):
            continue
        p = tr.at(b)
        if lo is not None:
            lo_n += 1
            lo_ok += p >= lo - BOUND_TOL
        if up is not None:
            hi_n += 1
            hi_ok += p <= up + BOUND_TOL
    return lo_n, lo_ok, hi_n, hi_ok


# --------------------------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------------------------
def cp_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Two-sided Clopper-Pearson interval for k of n."""
    if n == 0:
        return (0.0, 1.0)
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


@dataclass
class Cell:
    """Counts of one scenario x cap x confidence."""

    n: int = 0
    truth_crossed: int = 0
    wrong_crossed: int = 0
    wrong_not: int = 0
    right: int = 0
    decisive_n: int = 0
    decisive_right: int = 0
    cb_lo: list[int] = field(default_factory=lambda: [0, 0])
    cb_hi: list[int] = field(default_factory=lambda: [0, 0])
    bound: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    states: dict[str, int] = field(default_factory=dict)
    groups: dict[str, list[int]] = field(default_factory=dict)
    """group -> [n, wrong]."""


def aggregate(results: list[dict], caps: list[Setting]) -> dict[tuple, Cell]:
    cells: dict[tuple, Cell] = {}
    for res in results:
        specs = specs_of(res["scenario"])
        for rec in res["records"]:
            key = (res["scenario"], rec["cap"], rec["conf"])
            c = cells.setdefault(key, Cell())
            s = specs[rec["spec"]]
            c.n += 1
            c.truth_crossed += rec["truth"]
            st = rec["state"]
            c.states[st] = c.states.get(st, 0) + 1
            wrong = (st == "crossed" and not rec["truth"]) or (st == "not_crossed" and rec["truth"])
            right = (st == "crossed" and rec["truth"]) or (st == "not_crossed" and not rec["truth"])
            c.wrong_crossed += st == "crossed" and not rec["truth"]
            c.wrong_not += st == "not_crossed" and rec["truth"]
            c.right += right
            if abs(rec["margin"]) >= DECISIVE_GAP:
                c.decisive_n += 1
                c.decisive_right += right
            if rec["cb_lo"] is not None:
                c.cb_lo[0] += 1
                c.cb_lo[1] += rec["cb_lo"]
            if rec["cb_hi"] is not None:
                c.cb_hi[0] += 1
                c.cb_hi[1] += rec["cb_hi"]
            for i, v in enumerate(rec["bound"]):
                c.bound[i] += v
            g = c.groups.setdefault(s.group, [0, 0])
            g[0] += 1
            g[1] += wrong
    return cells


def _rate(k: int, n: int) -> str:
    if n == 0:
        return "-"
    lo, hi = cp_interval(k, n)
    return f"{k / n:.3f} [{lo:.3f}, {hi:.3f}]"


def _share(k: int, n: int) -> str:
    return "-" if n == 0 else f"{k / n:.2f} ({n})"


def flagged(c: Cell, conf: float) -> list[str]:
    """Which wrong rates exceed 1 - confidence beyond Monte Carlo error."""
    alpha = 1 - conf
    out = []
    wrong = c.wrong_crossed + c.wrong_not
    if cp_interval(wrong, c.n)[0] > alpha:
        out.append("all")
    if cp_interval(c.wrong_crossed, c.n - c.truth_crossed)[0] > alpha:
        out.append("crossed|not")
    if cp_interval(c.wrong_not, c.truth_crossed)[0] > alpha:
        out.append("not|crossed")
    for g, (n, k) in sorted(c.groups.items()):
        # many groups per cell: a 99% interval keeps chance flags rare
        if cp_interval(k, n, GROUP_LEVEL)[0] > alpha:
            out.append(g)
    return out


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "checker"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + (" (checker/ modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(
    cells: dict[tuple, Cell],
    scenarios: list[int],
    caps: list[Setting],
    confidences: tuple[float, ...],
    meta: dict[str, Any],
) -> str:
    lines: list[str] = []
    out = lines.append
    out("# End-to-end calibration of the decision procedure (issue 12)\n")
    out(f"Command: `{meta['command']}`  ")
    out(
        f"Date: {meta['date']}; machine: {meta['machine']}; git commit: {meta['commit']}; "
        f"engine version {meta['version']}  "
    )
    out(
        f"{meta['reps']} datasets per scenario, R = {meta['replicates']} bootstrap replicates, "
        f"seed {meta['seed']}, {meta['elapsed']:.0f} s on {meta['workers']} worker(s).\n"
    )
    out(
        "Each dataset is simulated as attempts (heterogeneous tasks, several reasoning budgets, "
        "attempts per task, lognormal spend), written as an attempts table + manifest, loaded "
        "with `checker.load_evidence` and decided by `checker.evaluate` (see the module "
        "docstring of benchmarks/calibration_e2e.py for the generator and the exact truth).  "
        "Caps are `max_extrapolation_oom / max_attempts_extrapolation_oom`, each one number "
        "(both bounds) or `crossed:not_crossed`; each is swept with the other at its default "
        "(the first row of a scenario is the defaults).  Thresholds: constant T placed at the "
        "population truth at the range's upper end + delta, delta in "
        f"{list(SCENARIOS[0].deltas)}, ranges below / inside / +0.5 / +1 / +2 OOM beyond the "
        "top evaluated budget, each direct (`verifiable: false`) and with repeated sampling "
        "credited (`verifiable: true`, oracle best-of-k).\n"
    )
    out(
        "Columns: **wrong** = wrong decided states / all thresholds, with a 95% "
        "Clopper-Pearson Monte Carlo interval; **X|not** = crossed among truly not crossed; "
        "**N|X** = not_crossed among truly crossed; **right** = decided correctly / all; "
        f"**decisive** = decided correctly among thresholds with |P*(hi) - T| >= {DECISIVE_GAP} "
        "(count); **b* lo / b* hi** = share of printed crossing-budget ends that hold for the "
        f"true crossing budget (tolerance {CROSS_TOL_OOM} OOM; count given); **L / U** = "
        "pointwise coverage of the printed curve bounds inside the range; **flag** = a wrong "
        "rate above 1 - confidence beyond Monte Carlo error (lower CP end > 1 - confidence): "
        "`all`, `X|not`, `N|X`, or a threshold group (range/d or v/delta, 99% interval).\n"
    )
    fails: list[str] = []
    for conf in confidences:
        out(f"## Confidence {conf}\n")
        out(
            "| scenario | caps | n | wrong | X\\|not | N\\|X | right | decisive | b* lo | "
            "b* hi | L | U | flag |"
        )
        out("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for si in scenarios:
            sc = SCENARIOS[si]
            for ci, cap in enumerate(caps):
                c = cells.get((si, ci, conf))
                if c is None:
                    continue
                fl = flagged(c, conf)
                fl_s = ", ".join(
                    "X|not" if f == "crossed|not" else "N|X" if f == "not|crossed" else f
                    for f in fl
                )
                if fl:
                    fails.append(
                        f"- {sc.name}, caps {setting_label(cap)}, confidence {conf}: "
                        + fl_s
                        + _worst(c)
                    )
                out(
                    f"| {sc.name} | {setting_label(cap)} | {c.n} | "
                    f"{_rate(c.wrong_crossed + c.wrong_not, c.n)} | "
                    f"{_rate(c.wrong_crossed, c.n - c.truth_crossed)} | "
                    f"{_rate(c.wrong_not, c.truth_crossed)} | {c.right / c.n:.2f} | "
                    f"{_share(c.decisive_right, c.decisive_n)} | "
                    f"{_share(c.cb_lo[1], c.cb_lo[0])} | {_share(c.cb_hi[1], c.cb_hi[0])} | "
                    f"{_share(c.bound[1], c.bound[0])} | {_share(c.bound[3], c.bound[2])} | "
                    f"{'**' + fl_s + '**' if fl else ''} |"
                )
        out("")
    out("## Cells that fail\n")
    out("\n".join(fails) if fails else "None beyond Monte Carlo error.")
    out("")
    out("## Scenarios\n")
    out("| scenario | tasks x attempts | budgets (tokens/attempt) | P(top) | P*(top x 10) | note |")
    out("|---|---|---|---|---|---|")
    for si in scenarios:
        sc = SCENARIOS[si]
        d, r = population_truth(sc)
        top = sc.levels[-1]
        out(
            f"| {sc.name} | {sc.tasks} x {sc.attempts} | "
            f"{', '.join(f'{v:g}' for v in sc.levels)} | {d.at(top):.3f} | "
            f"{r.at(top * 10):.3f} | {sc.note} |"
        )
    out("")
    return "\n".join(lines) + "\n"


def decisiveness_table(
    before: dict, cells: dict[tuple, Cell], scenarios: list[int], caps: list[Setting]
) -> str:
    """Decided correctly among thresholds >= DECISIVE_GAP from T: an earlier run at its
    defaults against this run at the same caps and at this run's defaults."""

    def norm(setting: Any) -> tuple:
        return tuple(both(c) for c in setting)

    old = {
        (c["scenario"], norm(c["caps"]), c["confidence"]): (c["decisive_right"], c["decisive_n"])
        for c in before["cells"]
    }
    prev = norm(PREVIOUS_DEFAULTS)
    lines = [
        "## Decisiveness before / after\n",
        f"Decided correctly among thresholds at least {DECISIVE_GAP} from T, all thresholds of "
        f"a scenario (the defaults' rows). Before: `{before['meta']['command']}` at commit "
        f"{before['meta']['commit']}, caps {setting_label(PREVIOUS_DEFAULTS)}. After: this "
        f"run at the same caps, and at its defaults ({setting_label(caps[0])}).\n",
        "| scenario | confidence | before | after, same caps | after, new defaults |",
        "|---|---|---|---|---|",
    ]
    idx_prev = next(i for i, c in enumerate(caps) if norm(c) == prev)
    confs = sorted({k[2] for k in cells})
    for si in scenarios:
        name = SCENARIOS[si].name
        for conf in confs:
            b = old.get((name, prev, conf))
            same, new = cells.get((si, idx_prev, conf)), cells.get((si, 0, conf))
            lines.append(
                f"| {name} | {conf} | {_share(*b) if b else '-'} | "
                f"{_share(same.decisive_right, same.decisive_n) if same else '-'} | "
                f"{_share(new.decisive_right, new.decisive_n) if new else '-'} |"
            )
    return "\n".join(lines) + "\n"


def _worst(c: Cell) -> str:
    worst = sorted(c.groups.items(), key=lambda kv: -kv[1][1] / max(kv[1][0], 1))[:3]
    return " (worst groups: " + "; ".join(f"{g} {k}/{n}" for g, (n, k) in worst) + ")"


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
QUICK_CAPS = (2.0,)
FULL_CAPS = (0.0, 0.25, 0.5, 1.0, 2.0)


def build_jobs(
    scenarios: list[int],
    reps: int,
    seed: int,
    caps: list[Setting],
    confidences: tuple[float, ...],
    replicates: int,
) -> list[Job]:
    ss = np.random.SeedSequence(seed)
    seeds = ss.generate_state(len(SCENARIOS) * reps, dtype=np.uint64).reshape(len(SCENARIOS), reps)
    return [
        Job(si, r, int(seeds[si, r]), tuple(caps), confidences, replicates)
        for r in range(reps)
        for si in scenarios
    ]


def run(
    *,
    scenarios: list[int],
    reps: int,
    seed: int,
    caps: list[Setting],
    confidences: tuple[float, ...],
    replicates: int,
    workers: int,
    progress: bool = True,
) -> tuple[dict[tuple, Cell], list[dict], float]:
    """Run the study; returns (cells, raw results, seconds)."""
    t0 = time.perf_counter()
    jobs = build_jobs(scenarios, reps, seed, caps, confidences, replicates)
    for si in scenarios:
        specs_of(si)  # population truths once, before forking
    results: list[dict] = []

    def tick(i: int) -> None:
        if progress:
            el = time.perf_counter() - t0
            print(
                f"\r[calibration_e2e] {i}/{len(jobs)} datasets, {el:.0f} s",
                end="",
                file=sys.stderr,
                flush=True,
            )

    if workers <= 1:
        for i, j in enumerate(jobs):
            results.append(run_job(j))
            tick(i + 1)
    else:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            for i, res in enumerate(pool.imap_unordered(run_job, jobs)):
                results.append(res)
                tick(i + 1)
    if progress:
        print(file=sys.stderr)
    results.sort(key=lambda r: (r["scenario"], r["rep"]))
    return aggregate(results, caps), results, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke size (< 3 min on 2 cores)")
    ap.add_argument("--reps", type=int, default=None, help="datasets per scenario")
    ap.add_argument("--replicates", type=int, default=300, help="bootstrap replicates R")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--scenarios", default="", help="comma-separated names (default: all)")
    ap.add_argument("--confidence", default="0.9,0.95")
    ap.add_argument("--caps", default="", help="cap grid, e.g. 0,0.25,1,2 (bound always added)")
    ap.add_argument(
        "--settings",
        default="",
        help="explicit cap settings instead of the grid, budget/attempts, each c or "
        "crossed:not_crossed, comma-separated (put the defaults first), e.g. "
        "'1:0.5/0.5:1,0.25/0.25,6/0.5:1,1:0.5/1'",
    )
    ap.add_argument("--out", default=str(RESULTS / "calibration_e2e.md"))
    ap.add_argument(
        "--before",
        default="",
        help="an earlier run's .json: adds a table of decisiveness before / after",
    )
    a = ap.parse_args(argv)
    names = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    known = [s.name for s in SCENARIOS]
    for n in names:
        if n not in known:
            ap.error(f"unknown scenario {n!r} (known: {', '.join(known)})")
    scen = [known.index(n) for n in names] if names else list(range(len(SCENARIOS)))
    grid = (
        tuple(float(v) for v in a.caps.split(","))
        if a.caps
        else (QUICK_CAPS if a.quick else FULL_CAPS)
    )
    reps = a.reps if a.reps is not None else (2 if a.quick else 40)
    confidences = tuple(float(v) for v in a.confidence.split(","))
    caps = parse_settings(a.settings) if a.settings else cap_settings(grid, with_bound=not a.quick)
    cells, _, elapsed = run(
        scenarios=scen,
        reps=reps,
        seed=a.seed,
        caps=caps,
        confidences=confidences,
        replicates=a.replicates,
        workers=a.workers,
    )
    meta = {
        "command": "python benchmarks/calibration_e2e.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}",
        "commit": git_commit(),
        "version": checker.__version__,
        "reps": reps,
        "replicates": a.replicates,
        "seed": a.seed,
        "elapsed": elapsed,
        "workers": a.workers,
    }
    text = render(cells, scen, caps, confidences, meta)
    if a.before:
        text += decisiveness_table(json.loads(Path(a.before).read_text()), cells, scen, caps)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    raw = {
        "meta": meta,
        "caps": caps,
        "scenarios": {SCENARIOS[i].name: asdict(SCENARIOS[i]) for i in scen},
        "thresholds": {SCENARIOS[i].name: [asdict(s) for s in specs_of(i)] for i in scen},
        "cells": [
            {
                "scenario": SCENARIOS[k[0]].name,
                "caps": caps[k[1]],
                "confidence": k[2],
                **asdict(c),
                "flags": flagged(c, k[2]),
            }
            for k, c in sorted(cells.items())
        ],
    }
    out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
