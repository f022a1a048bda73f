"""Semantic checks of a policy, beyond its schema: references, cycles, thresholds that make sense.

:func:`check_policy` returns every finding (errors and warnings) located in the file. Loading a
policy for a determination refuses it when any finding is an error; ``rspcheck lint`` prints them
all.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence

import numpy as np

from checker.errors import Problem, did_you_mean
from checker.files.document import Document, Loc
from checker.policy.graph import policy_cycle
from checker.policy.model import Actor, Policy, Safeguard, Threshold, ThresholdFunction


def check_policy(policy: Policy, doc: Document, today: dt.date | None = None) -> list[Problem]:
    """Every semantic finding in a schema-valid policy, errors and warnings, in file order."""
    today = today or dt.datetime.now(dt.UTC).date()
    found: list[Problem] = []
    found += _duplicates(policy, doc)
    found += _references(policy, doc)
    found += _cycles(policy, doc)
    for i, t in enumerate(policy.thresholds):
        found += _threshold(policy, doc, i, t)
    found += _waivers(policy, doc, today)
    found += _unused(policy, doc)
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


_AN = {"actors": "an actor", "thresholds": "a threshold", "safeguards": "a safeguard"}


def _duplicates(policy: Policy, doc: Document) -> list[Problem]:
    """Ids used twice: within a section, and across actors, thresholds and safeguards.

    Relations, ranges and waivers name an item by its id alone, so an id shared by a
    safeguard and a threshold makes every reference to it ambiguous (a waiver on the
    safeguard would waive the threshold too). Each repeat is reported where it occurs, naming
    the first.
    """
    out = []
    first: dict[str, tuple[str, int]] = {}  # id -> (section, index) of its first use
    named: tuple[tuple[str, Sequence[Actor | Threshold | Safeguard]], ...] = (
        ("actors", policy.actors),
        ("thresholds", policy.thresholds),
        ("safeguards", policy.safeguards),
    )
    entries = [(section, i, item.id) for section, items in named for i, item in enumerate(items)]
    entries.sort(key=lambda e: doc.position((e[0], e[1], "id"))[0] or 0)  # file order
    for section, i, ident in entries:
        if ident not in first:
            first[ident] = (section, i)
            continue
        other, j = first[ident]
        where = doc.position((other, j, "id"))[0]
        at = f" (line {where})" if where else ""
        if other == section:
            msg = f"{section[:-1]} id {ident!r} is used more than once{at}"
        else:
            msg = (
                f"{section[:-1]} id {ident!r} is also the id of {_AN[other]}{at}: ids must "
                "be unique across actors, thresholds and safeguards, or a relation or waiver "
                "naming it is ambiguous"
            )
        out.append(
            doc.problem("duplicate-id", msg, (section, i, "id"), hint="give each a unique id")
        )
    counts = Counter(w.id for w in policy.waivers)
    for i, w in enumerate(policy.waivers):
        if counts[w.id] > 1 and [x.id for x in policy.waivers].index(w.id) != i:
            out.append(
                doc.problem(
                    "duplicate-id",
                    f"waiver id {w.id!r} is used more than once",
                    ("waivers", i, "id"),
                    hint="give each a unique id",
                )
            )
    return out


def _unknown(doc: Document, loc: Loc, what: str, name: str, options: list[str]) -> Problem:
    return doc.problem(
        "unknown-reference",
        f"{what} {name!r} is not defined in this policy",
        loc,
        hint=did_you_mean(name, options) or f"define it under '{what}s:' or fix the id",
    )


def _references(policy: Policy, doc: Document) -> list[Problem]:
    out = []
    thresholds = [t.id for t in policy.thresholds]
    safeguards = [s.id for s in policy.safeguards]
    for i, rel in enumerate(policy.relations.implies):
        for key in ("source", "target"):
            name = getattr(rel, key)
            if name not in thresholds:
                loc: Loc = ("relations", "implies", i, key)
                out.append(_unknown(doc, loc, "threshold", name, thresholds))
    for i, req in enumerate(policy.relations.requires):
        if req.threshold not in thresholds:
            loc = ("relations", "requires", i, "threshold")
            out.append(_unknown(doc, loc, "threshold", req.threshold, thresholds))
        for j, s in enumerate(req.safeguards):
            if s not in safeguards:
                loc = ("relations", "requires", i, "safeguards", j)
                out.append(_unknown(doc, loc, "safeguard", s, safeguards))
    actors = [a.id for a in policy.actors]
    for i, t in enumerate(policy.thresholds):
        for key in ("min", "max"):
            value = getattr(t.assessed_range, key)
            if isinstance(value, str) and value not in actors:
                loc = ("thresholds", i, "assessed_range", key)
                out.append(_unknown(doc, loc, "actor", value, actors))
    return out


def _cycles(policy: Policy, doc: Document) -> list[Problem]:
    cycle = policy_cycle(policy)
    if cycle is None:
        return []
    names = " -> ".join(n.split(":", 1)[1] for n in cycle)
    # point at the 'implies' entry that closes the cycle (the edge back to its first node)
    closing = (cycle[-2].split(":", 1)[1], cycle[-1].split(":", 1)[1])
    loc: Loc = ("relations",)
    for i, rel in enumerate(policy.relations.implies):
        if (rel.source, rel.target) == closing:
            loc = ("relations", "implies", i)
    return [
        doc.problem(
            "relation-cycle",
            f"the relations form a cycle: {names}",
            loc,
            hint="'implies' must run from the stronger threshold to the weaker one; remove one",
        )
    ]


def _threshold(policy: Policy, doc: Document, i: int, t: Threshold) -> list[Problem]:
    out: list[Problem] = []
    base: Loc = ("thresholds", i)
    for key, fn in (("function", t.function), ("alert", t.alert)):
        if fn is not None:
            out += _function_shape(doc, (*base, key), fn)
    unbudgeted = _actors_off_axis(policy, doc, i, t)
    if unbudgeted:
        return out + unbudgeted + _constant_never_crossable(doc, i, t)
    try:
        lo, hi = policy.assessed_range(t)
    except LookupError:
        return out + _constant_never_crossable(doc, i, t)  # the actor: see _references
    except ValueError as exc:
        out.append(
            doc.problem(
                "invalid-value",
                str(exc),
                (*base, "assessed_range"),
                hint=f"give an actor a {t.axis} budget, or write the range's ends as numbers "
                f"of {t.axis} per task",
            )
        )
        return out + _constant_never_crossable(doc, i, t)
    if not hi > lo:
        out.append(
            doc.problem(
                "empty-range",
                f"the assessed range [{lo:g}, {hi:g}] {t.axis} is empty",
                (*base, "assessed_range"),
                hint="the upper end must exceed the lower end",
            )
        )
        return out
    grid = np.logspace(np.log10(lo), np.log10(hi), 129)
    tb = np.asarray(t.function.at(grid))
    if t.function.constant is not None:
        out += _constant_never_crossable(doc, i, t)
    elif np.all(tb > 1):
        out.append(
            doc.problem(
                "threshold-never-crossable",
                f"T(b) > 1 over the whole assessed range (min {tb.min():.3g}): no score can "
                "cross it",
                (*base, "function"),
                hint="scores lie in [0, 1]; lower the threshold function",
            )
        )
    if np.any(tb <= 0):
        out.append(
            doc.problem(
                "threshold-always-crossed",
                f"T(b) <= 0 at {grid[np.argmax(tb <= 0)]:.3g} {t.axis}: every model crosses it",
                (*base, "function"),
                hint="raise the threshold function above 0",
            )
        )
    if t.alert is not None:
        ab = np.asarray(t.alert.at(grid))
        if np.any(ab > tb):
            at = grid[np.argmax(ab > tb)]
            out.append(
                doc.problem(
                    "alert-above-threshold",
                    f"the alert level is above T(b) at {at:.3g} {t.axis}",
                    (*base, "alert"),
                    hint="an alert is an early warning: keep it at or below the threshold",
                )
            )
    pricing = policy.decision.pricing
    if t.axis == "usd" and pricing.convention == "fixed" and not pricing.prices:
        out.append(
            doc.problem(
                "axis-unreachable",
                "the threshold is on the usd axis but the 'fixed' pricing convention "
                "gives no prices",
                (*base, "axis"),
                hint="add decision.pricing.prices, or use list-price-at-eval-date",
            )
        )
    return out


def _actors_off_axis(policy: Policy, doc: Document, i: int, t: Threshold) -> list[Problem]:
    """An end of the assessed range that names an actor with no budget on the axis."""
    out = []
    for key in ("min", "max"):
        name = getattr(t.assessed_range, key)
        actor = policy.actor(name) if isinstance(name, str) else None
        if actor is None or actor.budget.on(t.axis) is not None:
            continue
        has = [ax for ax in ("tokens", "usd", "seconds") if actor.budget.on(ax) is not None]
        out.append(
            doc.problem(
                "invalid-value",
                f"actor {name!r} states no budget on the {t.axis} axis, so the range's {key} "
                "cannot be resolved",
                ("thresholds", i, "assessed_range", key),
                hint=f"give {name!r} a {t.axis} budget (budget: {{{t.axis}: ...}}), or set the "
                f"threshold's axis to one it has ({', '.join(has)})",
            )
        )
    return out


def _constant_never_crossable(doc: Document, i: int, t: Threshold) -> list[Problem]:
    """A constant T above 1 can never be crossed, whatever the range resolves to."""
    if t.function.constant is None or t.function.constant <= 1:
        return []
    return [
        doc.problem(
            "threshold-never-crossable",
            f"T(b) = {t.function.constant:g} at every budget: no score in [0, 1] can cross it",
            ("thresholds", i, "function"),
            hint="scores lie in [0, 1]; lower the threshold function",
        )
    ]


def _function_shape(doc: Document, loc: Loc, fn: ThresholdFunction) -> list[Problem]:
    out = []
    points = fn.points or []
    budgets = [b for b, _ in points]
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(budgets)):
        out.append(
            doc.problem(
                "threshold-points-unsorted",
                "points must be in strictly increasing budget",
                (*loc, "points"),
                hint="sort the [budget, value] pairs by budget and drop repeated budgets",
            )
        )
    values = [v for _, v in points] if points else [fn.constant]
    for j, v in enumerate(values):
        if v is not None and not 0 <= v <= 1:
            where = (*loc, "points", j) if points else (*loc, "constant")
            out.append(
                doc.problem(
                    "score-out-of-range",
                    f"level {v:g} is outside [0, 1]; scores can never be there",
                    where,
                    hint="threshold levels are mean scores in [0, 1]",
                    severity="warning",
                )
            )
    return out


def _waivers(policy: Policy, doc: Document, today: dt.date) -> list[Problem]:
    out = []
    targets = {t.id for t in policy.thresholds} | {s.id for s in policy.safeguards}
    for i, w in enumerate(policy.waivers):
        if w.target not in targets:
            out.append(
                doc.problem(
                    "waiver-unknown-target",
                    f"waiver {w.id!r} targets {w.target!r}, which is neither a threshold nor "
                    "a safeguard",
                    ("waivers", i, "target"),
                    hint=did_you_mean(w.target, sorted(targets)),
                )
            )
        if w.expires < today:
            out.append(
                doc.problem(
                    "waiver-expired",
                    f"waiver {w.id!r} expired on {w.expires.isoformat()}; it counts as no waiver",
                    ("waivers", i, "expires"),
                    hint="renew it with a new approval, or remove it",
                    severity="warning",
                )
            )
    return out


def _unused(policy: Policy, doc: Document) -> list[Problem]:
    out = []
    used_actors = {
        v
        for t in policy.thresholds
        for v in (t.assessed_range.min, t.assessed_range.max)
        if isinstance(v, str)
    }
    defaulted_axes = {t.axis for t in policy.thresholds if t.assessed_range.min is None}
    for axis in defaulted_axes:  # an omitted min defaults to the cheapest actor on the axis
        on_axis = [a for a in policy.actors if a.budget.on(axis) is not None]
        if on_axis:
            used_actors.add(min(on_axis, key=lambda a: a.budget.on(axis) or 0.0).id)
    for i, a in enumerate(policy.actors):
        if a.id not in used_actors:
            out.append(
                doc.problem(
                    "unused-actor",
                    f"actor {a.id!r} is not used by any threshold's assessed range",
                    ("actors", i, "id"),
                    severity="warning",
                    hint="reference it in an assessed_range, or remove it",
                )
            )
    required = {s for r in policy.relations.requires for s in r.safeguards}
    for i, s in enumerate(policy.safeguards):
        if s.id not in required:
            out.append(
                doc.problem(
                    "unused-safeguard",
                    f"safeguard {s.id!r} is not required by any relation",
                    ("safeguards", i, "id"),
                    severity="warning",
                    hint="add a 'requires' relation, or remove it",
                )
            )
    return out
