"""``rspcheck explain``'s library side: a policy in words, no evidence needed (DESIGN.md 14).

:func:`explain_policy` turns a policy into a :class:`PolicyExplanation`: for each threshold what
it measures, T(b) and the alert sampled over the assessed range, the actor budgets that bound it,
whether repeated sampling counts, the extrapolation caps it allows and the elicitation it
requires; then the relation graph (implies, requires, the gate order) and the gate rule, each in
a sentence. It decides nothing: the words restate the policy's settings as the engine reads them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from checker.budget import format_budget
from checker.errors import RspcheckError, did_you_mean
from checker.policy.graph import topological_thresholds
from checker.policy.model import Policy, Threshold, ThresholdFunction

if TYPE_CHECKING:
    from checker.report.authoring import FunctionPanel

SAMPLES = 49
"""Budgets T(b) is sampled at over the assessed range (log-spaced, both ends included)."""


@dataclass(frozen=True)
class ActorMark:
    """An actor's budget on a threshold's axis, and where it lies against the range."""

    id: str
    title: str | None
    budget: float | None
    """Budget per task on the threshold's axis (None: the actor states none there)."""
    role: str
    """``min``, ``max``, ``inside``, ``below``, ``above`` or ``off-axis``."""
    assumption: bool


@dataclass(frozen=True)
class ThresholdExplanation:
    """One threshold in words and numbers."""

    id: str
    title: str
    domain: str
    level: str | None
    axis: str
    range: tuple[float, float] | None
    """The assessed range ``(min, max)`` per task, or None when it cannot be resolved."""
    budgets: list[float]
    """Where T(b) is sampled: log-spaced over the range, widened to take in every actor's
    budget on the axis (empty when the range cannot be resolved)."""
    threshold: list[float]
    """T(b) at :attr:`budgets`."""
    alert: list[float] | None
    """The alert level at :attr:`budgets`, if the threshold has one."""
    actors: list[ActorMark]
    sentences: list[str]
    """The threshold in words, one sentence per aspect."""


@dataclass(frozen=True)
class PolicyExplanation:
    """A whole policy in words: its thresholds, relations and gate rule."""

    policy_id: str
    title: str
    version: str
    effective: dt.date
    thresholds: list[ThresholdExplanation]
    gate_order: list[str]
    relations: list[str] = field(default_factory=list)
    """The relation graph, one sentence per relation."""
    gate_rule: list[str] = field(default_factory=list)
    """The gate rule, one sentence per step."""

    def to_dict(self) -> dict[str, object]:
        """JSON form (budgets per task; dates as ISO strings)."""
        out = asdict(self)
        out["effective"] = self.effective.isoformat()
        return out


def explain_policy(
    policy: Policy, thresholds: Sequence[str] = (), *, as_of: dt.date | None = None
) -> PolicyExplanation:
    """Explain a policy, or some of its thresholds, in words.

    Args:
        policy: The policy (linted: load it with :func:`checker.load_policy`).
        thresholds: Threshold ids to explain (empty: all, in file order).
        as_of: The day waivers are judged in force on (default today, UTC).

    Returns:
        The explanation.

    Raises:
        RspcheckError: ``unknown-reference`` for a threshold id the policy lacks.
    """
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    ids = [t.id for t in policy.thresholds]
    unknown = [t for t in thresholds if t not in ids]
    if unknown:
        raise RspcheckError(
            [
                RspcheckError.one(
                    "unknown-reference",
                    f"threshold {name!r} is not in policy {policy.metadata.id!r} "
                    f"(thresholds: {', '.join(ids)})",
                    hint=did_you_mean(name, ids),
                ).problems[0]
                for name in unknown
            ]
        )
    chosen = [t for t in policy.thresholds if not thresholds or t.id in thresholds]
    return PolicyExplanation(
        policy_id=policy.metadata.id,
        title=policy.metadata.title,
        version=policy.metadata.version,
        effective=policy.metadata.effective,
        thresholds=[_threshold(policy, t, as_of) for t in chosen],
        gate_order=topological_thresholds(policy),
        relations=relation_sentences(policy),
        gate_rule=gate_sentences(policy, as_of),
    )


def _threshold(policy: Policy, t: Threshold, as_of: dt.date) -> ThresholdExplanation:
    import numpy as np

    axis = str(t.axis)
    try:
        lo, hi = policy.assessed_range(t)
        span: tuple[float, float] | None = (lo, hi) if hi > lo else None
    except (LookupError, ValueError):
        span = None
    budgets: list[float] = []
    tb: list[float] = []
    ab: list[float] | None = None
    if span is not None:
        # the range, widened to every actor's budget on the axis: where they stand shows too
        on_axis = [b for a in policy.actors if (b := a.budget.on(t.axis)) is not None]
        lo, hi = min([span[0], *on_axis]), max([span[1], *on_axis])
        grid = np.logspace(math.log10(lo), math.log10(hi), SAMPLES)
        budgets = [float(b) for b in grid]
        tb = [float(v) for v in np.asarray(t.function.at(grid))]
        if t.alert is not None:
            ab = [float(v) for v in np.asarray(t.alert.at(grid))]
    marks = _actor_marks(policy, t, span)
    return ThresholdExplanation(
        id=t.id,
        title=t.title,
        domain=t.domain,
        level=t.level,
        axis=axis,
        range=span,
        budgets=budgets,
        threshold=tb,
        alert=ab,
        actors=marks,
        sentences=_sentences(policy, t, span, marks, as_of),
    )


def _actor_marks(policy: Policy, t: Threshold, span: tuple[float, float] | None) -> list[ActorMark]:
    r = t.assessed_range
    named = {"min": r.min, "max": r.max}
    out = []
    for a in policy.actors:
        b = a.budget.on(t.axis)
        if b is None:
            role = "off-axis"
        elif a.id == named["max"]:
            role = "max"
        elif a.id == named["min"] or (span is not None and r.min is None and b == span[0]):
            role = "min"
        elif span is None:
            role = "inside"
        elif b < span[0]:
            role = "below"
        elif b > span[1]:
            role = "above"
        else:
            role = "inside"
        out.append(ActorMark(a.id, a.title, b, role, a.assumption))
    return sorted(out, key=lambda m: (m.budget is None, m.budget or 0.0, m.id))


def describe_function(fn: ThresholdFunction, axis: str) -> str:
    """T(b) in words: a constant, or its points (linear in log budget between them)."""
    if fn.constant is not None:
        return f"{fn.constant:.2f} at every budget"
    pts = fn.points or []
    listed = ", ".join(f"{v:.2f} at {format_budget(b, axis)}" for b, v in pts)
    if len(pts) == 1:
        return f"{pts[0][1]:.2f} at every budget"
    return f"{listed}, linear in log budget between them and flat beyond"


def _sentences(
    policy: Policy,
    t: Threshold,
    span: tuple[float, float] | None,
    marks: list[ActorMark],
    as_of: dt.date,
) -> list[str]:
    axis = str(t.axis)
    d = policy.decision
    out = []
    combine = {
        "any": "crossed when any one of them is (the highest score counts)",
        "all": "crossed only when every one is (the lowest score counts)",
        "mean": "crossed on their average score",
    }[t.combine]
    evals = ", ".join(t.evals)
    if len(t.evals) == 1:
        out.append(f"Measures: the mean score over tasks, in [0, 1], on eval {evals}.")
    else:
        out.append(f"Measures: the mean score over tasks on evals {evals}, {combine}.")
    out.append(
        f"T(b), the score that constitutes the capability: {describe_function(t.function, axis)}."
    )
    if t.alert is not None:
        out.append(f"Alert (early warning): {describe_function(t.alert, axis)}.")
    if span is not None:
        lo, hi = span
        oom = math.log10(hi / lo)
        bound = {m.role: m for m in marks if m.role in ("min", "max")}
        ends = [
            f"{format_budget(v, axis)}"
            + (
                f" ({bound[k].id}{', assumed' if bound[k].assumption else ''})"
                if k in bound
                else ""
            )
            for k, v in (("min", lo), ("max", hi))
        ]
        out.append(
            f"Assessed from {ends[0]} to {ends[1]} per task on the {axis} axis "
            f"({oom:.1f} orders of magnitude)."
        )
        inside = [m for m in marks if m.role == "inside"]
        if inside:
            listed = ", ".join(f"{m.id} {format_budget(m.budget or 0, axis)}" for m in inside)
            out.append(f"Actor budgets inside the range: {listed}.")
    else:
        out.append(f"The assessed range cannot be resolved on the {axis} axis (see rspcheck lint).")
    off = [m.id for m in marks if m.role == "off-axis"]
    if off:
        out.append(f"Actors with no {axis} budget (not on this chart): {', '.join(off)}.")
    if t.horizon_minutes:
        out.append(
            f"Concerns tasks of about {t.horizon_minutes:g} human minutes: evidence on shorter "
            "tasks leaves the horizon uncovered."
        )
    if not t.verifiable:
        out.append(
            "Repeated sampling: not credited (not verifiable: an attacker cannot check which "
            "attempt succeeded), so only single-attempt scores count."
        )
    elif d.repeated_sampling == "none":
        out.append(
            "Repeated sampling: not credited (the policy's decision.repeated_sampling is none)."
        )
    elif d.repeated_sampling == "oracle":
        out.append(
            "Repeated sampling: credited (verifiable): best-of-k with a checker (pass@k) at k "
            "times the spend counts as what an attacker reaches."
        )
    else:
        out.append("Repeated sampling: credited as a majority vote over k attempts.")
    b, a = d.max_extrapolation_oom, d.max_attempts_extrapolation_oom
    caps = (
        f"Extrapolation: a fitted curve may show a crossing up to {b.crossed:g} and rule one "
        f"out up to {b.not_crossed:g} orders of magnitude beyond the largest evaluated budget"
    )
    if t.verifiable and d.repeated_sampling != "none":
        caps += (
            f"; modelled pass@k may show a crossing up to {a.crossed:g} and rule one out up to "
            f"{a.not_crossed:g} orders of magnitude beyond the attempts drawn per task"
        )
    out.append(caps + "; the rest of the range stays uncovered (indeterminate).")
    e = t.elicitation
    if e is None or (not e.scaffolds and e.min_attempts_per_task <= 1):
        out.append(
            "Elicitation: none required; any evaluated configuration can support not crossed."
        )
    else:
        parts = []
        if e.scaffolds:
            parts.append(f"one of the scaffolds {', '.join(e.scaffolds)}")
        if e.min_attempts_per_task > 1:
            parts.append(f"at least {e.min_attempts_per_task} attempts per task")
        out.append(f"Elicitation: not crossed needs {' and '.join(parts)}.")
    from checker.engine.gate import active_waiver

    waiver = active_waiver(policy, "threshold", t.id, as_of)
    if waiver:
        out.append(
            f"Waived by {waiver} on {as_of.isoformat()}: its crossing does not trigger the gate."
        )
    return out


def relation_sentences(policy: Policy) -> list[str]:
    """The relation graph in words: each implication and each requirement."""
    out = []
    for rel in policy.relations.implies:
        out.append(
            f"{rel.source} implies {rel.target}: crossing {rel.source} counts as crossing "
            f"{rel.target} at the gate."
        )
    for req in policy.relations.requires:
        out.append(
            f"{req.threshold} requires {', '.join(req.safeguards)} when crossed (or "
            "indeterminate, if treated as crossed)."
        )
    bare = [
        t.id
        for t in policy.thresholds
        if not any(r.threshold == t.id for r in policy.relations.requires)
    ]
    if bare:
        out.append(f"No safeguard is attached to: {', '.join(bare)}.")
    return out


def gate_sentences(policy: Policy, as_of: dt.date) -> list[str]:
    """The gate rule in words, as :func:`checker.engine.gate.run_gate` applies it."""
    from checker.engine.gate import active_waivers

    g, d = policy.gate, policy.decision
    order = topological_thresholds(policy)
    out = [f"Thresholds are taken stronger before weaker: {' -> '.join(order)}."]
    if d.indeterminate_as == "crossed":
        out.append("An indeterminate threshold counts as crossed (fail closed).")
    else:
        out.append("An indeterminate threshold blocks the release outright.")
    out.append(
        "A crossed threshold allows release only when every safeguard it requires is attested "
        "and unexpired (allow with safeguards); otherwise the gate blocks."
    )
    if g.crossed_without_safeguards == "block":
        out.append("A crossed threshold that requires no safeguard blocks.")
    else:
        out.append("A crossed threshold that requires no safeguard is allowed.")
    if policy.relations.implies:
        what = "blocks" if g.inconsistent_implies == "block" else "is a warning"
        out.append(f"A stronger threshold crossed while one it implies is not crossed {what}.")
    waivers = active_waivers(policy, as_of)
    if waivers:
        listed = ", ".join(
            f"{w} ({kind} {target})" for (kind, target), w in sorted(waivers.items())
        )
        out.append(f"Waivers in force on {as_of.isoformat()}: {listed}.")
    expired = [w.id for w in policy.waivers if w.expires < as_of]
    if expired:
        out.append(f"Expired waivers (count as none): {', '.join(expired)}.")
    out.append("Nothing is decided on missing evidence: what it does not cover is indeterminate.")
    return out


def panel_of(t: ThresholdExplanation) -> FunctionPanel:
    """What the renderer draws for one threshold: T(b), the alert and the actor budgets."""
    from checker.report.authoring import FunctionPanel

    return FunctionPanel(
        title=f"{t.id}: T(b)",
        axis=t.axis,
        range=t.range,
        budgets=t.budgets,
        threshold=t.threshold,
        alert=t.alert,
        marks=[(m.id, m.budget) for m in t.actors if m.budget is not None],
    )
