"""``rspcheck diff``'s library side: what changed between two versions of a policy.

:func:`diff_policies` compares two policies structurally: thresholds added, removed or renamed
(same title under a new id), and for each threshold kept T(b) and the alert moved at each actor
budget on its axis, its assessed range, axis, evals, repeated-sampling and elicitation settings;
the decision and gate settings; actors, safeguards and relations; waivers added, removed,
changed or expired. Each change is a sentence with its old and new values, so the same result
prints for people and serialises for tools. What changes mean for decisions needs evidence:
that is :func:`checker.authoring.backtest.backtest` with ``against``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from checker.budget import format_budget
from checker.policy.model import Policy, Threshold, ThresholdFunction


@dataclass(frozen=True)
class Change:
    """One difference between two policy versions."""

    section: str
    """``metadata``, ``actors``, ``thresholds``, ``safeguards``, ``relations``, ``gate``,
    ``decision`` or ``waivers``."""
    subject: str
    """What changed: a threshold, actor, safeguard or waiver id, or a setting's name."""
    kind: str
    """``added``, ``removed``, ``renamed``, ``changed`` or ``expired``."""
    what: str
    """The change in a sentence."""
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class PolicyDiff:
    """Every change from ``old`` to ``new``, section by section in policy order."""

    old: tuple[str, str]
    """``(id, version)`` of the old policy."""
    new: tuple[str, str]
    """``(id, version)`` of the new policy."""
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything changed (``rspcheck diff`` exits 1 then, like ``diff``)."""
        return bool(self.changes)

    def about(self, threshold: str) -> list[Change]:
        """The changes to one threshold (by its id in the new policy)."""
        return [c for c in self.changes if c.section == "thresholds" and c.subject == threshold]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "old": {"id": self.old[0], "version": self.old[1]},
            "new": {"id": self.new[0], "version": self.new[1]},
            "changed": self.changed,
            "changes": [asdict(c) for c in self.changes],
        }


def diff_policies(old: Policy, new: Policy, *, as_of: dt.date | None = None) -> PolicyDiff:
    """Compare two versions of a policy.

    Args:
        old: The version in force (or the earlier one).
        new: The draft (or the later one).
        as_of: The day waiver expiry is judged on (default today, UTC).

    Returns:
        The changes, in policy order.
    """
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    out: list[Change] = []
    for key in ("id", "title", "version", "effective"):
        a, b = getattr(old.metadata, key), getattr(new.metadata, key)
        if a != b:
            out.append(Change("metadata", key, "changed", f"{key}: {a} -> {b}", _j(a), _j(b)))
    out += _actors(old, new)
    out += _thresholds(old, new)
    out += _safeguards(old, new)
    out += _relations(old, new)
    out += _settings("gate", old.gate.model_dump(), new.gate.model_dump())
    out += _settings(
        "decision", old.decision.model_dump(mode="json"), new.decision.model_dump(mode="json")
    )
    out += _waivers(old, new, as_of)
    return PolicyDiff(
        old=(old.metadata.id, old.metadata.version),
        new=(new.metadata.id, new.metadata.version),
        changes=out,
    )


def _j(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _actors(old: Policy, new: Policy) -> list[Change]:
    out = []
    a_ids, b_ids = [a.id for a in old.actors], [a.id for a in new.actors]
    for a in old.actors:
        if a.id not in b_ids:
            out.append(Change("actors", a.id, "removed", f"actor {a.id} removed"))
    for b in new.actors:
        if b.id not in a_ids:
            budget = _budget_text(b.budget.model_dump())
            out.append(Change("actors", b.id, "added", f"actor {b.id} added ({budget})"))
            continue
        was = old.actor(b.id)
        assert was is not None
        if was.budget != b.budget:
            out.append(
                Change(
                    "actors",
                    b.id,
                    "changed",
                    f"actor {b.id} budget: {_budget_text(was.budget.model_dump())} -> "
                    f"{_budget_text(b.budget.model_dump())}",
                    was.budget.model_dump(exclude_none=True),
                    b.budget.model_dump(exclude_none=True),
                )
            )
    return out


def _budget_text(budget: dict[str, float | None]) -> str:
    return ", ".join(format_budget(v, axis) for axis, v in budget.items() if v is not None)


def _thresholds(old: Policy, new: Policy) -> list[Change]:
    out = []
    a_ids = {t.id for t in old.thresholds}
    b_ids = {t.id for t in new.thresholds}
    gone = [t for t in old.thresholds if t.id not in b_ids]
    came = [t for t in new.thresholds if t.id not in a_ids]
    pairs: list[tuple[Threshold, Threshold]] = []
    for t in list(came):  # a new id with an old title: renamed, compared as one threshold
        match = next((g for g in gone if g.title == t.title), None)
        if match is not None:
            gone.remove(match)
            came.remove(t)
            out.append(
                Change(
                    "thresholds",
                    t.id,
                    "renamed",
                    f"threshold {match.id} renamed to {t.id}",
                    match.id,
                    t.id,
                )
            )
            pairs.append((match, t))
    for t in gone:
        out.append(Change("thresholds", t.id, "removed", f"threshold {t.id} removed ({t.title})"))
    for t in came:
        out.append(Change("thresholds", t.id, "added", f"threshold {t.id} added ({t.title})"))
    pairs += [(old_t, new_t) for new_t in new.thresholds if (old_t := old.threshold(new_t.id))]
    order = {t.id: i for i, t in enumerate(new.thresholds)}
    for a, b in sorted(pairs, key=lambda p: order[p[1].id]):
        out += _threshold(old, new, a, b)
    return out


def _threshold(old: Policy, new: Policy, a: Threshold, b: Threshold) -> list[Change]:
    out = []

    def add(what: str, was: Any = None, now: Any = None) -> None:
        out.append(Change("thresholds", b.id, "changed", f"{b.id}: {what}", _j(was), _j(now)))

    for key in ("title", "domain", "level", "axis", "combine", "verifiable", "horizon_minutes"):
        x, y = getattr(a, key), getattr(b, key)
        if x != y:
            add(f"{key} {x} -> {y}", str(x) if key == "axis" else x, str(y) if key == "axis" else y)
    if a.evals != b.evals:
        add(f"evals {', '.join(a.evals)} -> {', '.join(b.evals)}", a.evals, b.evals)
    ra, rb = _range(old, a), _range(new, b)
    if ra != rb or a.assessed_range != b.assessed_range:
        add(
            f"assessed range {_range_text(a, ra)} -> {_range_text(b, rb)}",
            list(ra) if ra else None,
            list(rb) if rb else None,
        )
    for key, fa, fb in (("T(b)", a.function, b.function), ("alert", a.alert, b.alert)):
        if fa == fb:
            continue
        if fa is None or fb is None:
            add(f"{key} {'added' if fa is None else 'removed'}")
            continue
        moved = _moved(new, b, fa, fb)
        if moved:
            listed = ", ".join(
                f"{m['at']} {m['old']:.2f} -> {m['new']:.2f} ({m['new'] - m['old']:+.2f})"
                for m in moved
            )
            add(f"{key} moved: {listed}", None, moved)
        else:
            add(f"{key} rewritten, the same at every actor budget")
    if a.elicitation != b.elicitation:
        add(
            f"elicitation {_elicitation(a)} -> {_elicitation(b)}",
            a.elicitation.model_dump() if a.elicitation else None,
            b.elicitation.model_dump() if b.elicitation else None,
        )
    return out


def _range(policy: Policy, t: Threshold) -> tuple[float, float] | None:
    try:
        return policy.assessed_range(t)
    except (LookupError, ValueError):
        return None


def _range_text(t: Threshold, r: tuple[float, float] | None) -> str:
    if r is None:
        return "(unresolved)"
    ends = []
    for end, value in zip((t.assessed_range.min, t.assessed_range.max), r, strict=True):
        name = f" ({end})" if isinstance(end, str) else ""
        ends.append(f"{format_budget(value, t.axis)}{name}")
    return " to ".join(ends)


def _moved(
    policy: Policy, t: Threshold, fa: ThresholdFunction, fb: ThresholdFunction
) -> list[dict[str, Any]]:
    """T at each actor budget on the axis (and the range's ends) where it moved."""
    import numpy as np

    at: dict[float, str] = {}
    for actor in policy.actors:
        b = actor.budget.on(t.axis)
        if b is not None:
            at.setdefault(b, f"{actor.id} {format_budget(b, t.axis)}")
    r = _range(policy, t)
    for b in r or ():
        at.setdefault(b, format_budget(b, t.axis))
    budgets = sorted(at)
    va = np.asarray(fa.at(budgets), dtype=float)
    vb = np.asarray(fb.at(budgets), dtype=float)
    return [
        {"at": at[b], "budget": b, "old": float(x), "new": float(y)}
        for b, x, y in zip(budgets, va, vb, strict=True)
        if abs(float(x) - float(y)) > 1e-12
    ]


def _elicitation(t: Threshold) -> str:
    e = t.elicitation
    if e is None:
        return "none"
    scaffolds = f"scaffolds {', '.join(e.scaffolds)}; " if e.scaffolds else ""
    return f"{scaffolds}{e.min_attempts_per_task} attempt(s) per task"


def _safeguards(old: Policy, new: Policy) -> list[Change]:
    out = []
    a = {s.id: s for s in old.safeguards}
    b = {s.id: s for s in new.safeguards}
    for sid in a:
        if sid not in b:
            out.append(Change("safeguards", sid, "removed", f"safeguard {sid} removed"))
    for sid, s in b.items():
        if sid not in a:
            out.append(Change("safeguards", sid, "added", f"safeguard {sid} added ({s.title})"))
        elif a[sid] != s:
            keys = [k for k in type(s).model_fields if getattr(a[sid], k) != getattr(s, k)]
            out.append(
                Change(
                    "safeguards",
                    sid,
                    "changed",
                    f"safeguard {sid}: {', '.join(keys)} changed",
                    {k: getattr(a[sid], k) for k in keys},
                    {k: getattr(s, k) for k in keys},
                )
            )
    return out


def _relations(old: Policy, new: Policy) -> list[Change]:
    out = []

    def implies(p: Policy) -> list[tuple[str, str]]:
        return [(r.source, r.target) for r in p.relations.implies]

    def requires(p: Policy) -> list[tuple[str, str]]:
        return [(r.threshold, s) for r in p.relations.requires for s in r.safeguards]

    for get, verb in ((implies, "implies"), (requires, "requires")):
        a, b = get(old), get(new)
        for x, y in a:
            if (x, y) not in b:
                out.append(
                    Change("relations", x, "removed", f"{x} no longer {verb} {y}", [x, y], None)
                )
        for x, y in b:
            if (x, y) not in a:
                out.append(Change("relations", x, "added", f"{x} now {verb} {y}", None, [x, y]))
    return out


def _settings(section: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """Changed settings, nested ones (an extrapolation cap's crossed / not_crossed, pricing)
    part by part, as ``max_extrapolation_oom.crossed``."""
    a, b = _flat(a), _flat(b)
    out = []
    for key in b:
        if a.get(key) != b[key]:
            out.append(
                Change(
                    section,
                    key,
                    "changed",
                    f"{section}.{key}: {a.get(key)} -> {b[key]}",
                    a.get(key),
                    b[key],
                )
            )
    return out


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _waivers(old: Policy, new: Policy, as_of: dt.date) -> list[Change]:
    out = []
    a = {w.id: w for w in old.waivers}
    b = {w.id: w for w in new.waivers}
    for wid, w in a.items():
        if wid not in b:
            out.append(Change("waivers", wid, "removed", f"waiver {wid} on {w.target} removed"))
    for wid, w in b.items():
        if wid not in a:
            out.append(
                Change(
                    "waivers",
                    wid,
                    "added",
                    f"waiver {wid} on {w.target} added, expires {w.expires.isoformat()}",
                    None,
                    w.expires.isoformat(),
                )
            )
        elif a[wid] != w:
            out.append(
                Change(
                    "waivers",
                    wid,
                    "changed",
                    f"waiver {wid} changed (expires {a[wid].expires.isoformat()} -> "
                    f"{w.expires.isoformat()})",
                    a[wid].expires.isoformat(),
                    w.expires.isoformat(),
                )
            )
        if w.expires < as_of and (wid not in a or a[wid].expires >= as_of):
            # expired by this change (a waiver expired in both versions is no change)
            out.append(
                Change(
                    "waivers",
                    wid,
                    "expired",
                    f"waiver {wid} on {w.target} expired on {w.expires.isoformat()} (as of "
                    f"{as_of.isoformat()}): it counts as none",
                )
            )
    return out
