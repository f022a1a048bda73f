"""The release gate (DESIGN.md 7): walk the relation graph, check safeguards, decide."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from checker.determination import GateResult, GateVerdict, ThresholdResult, Unmet
from checker.evidence.model import Attestation
from checker.policy.graph import topological_thresholds
from checker.policy.model import Policy

WaiverKind = Literal["threshold", "safeguard"]
"""What a waiver can waive."""


def active_waivers(policy: Policy, as_of: dt.date) -> dict[tuple[WaiverKind, str], str]:
    """The waivers in force on ``as_of``, by what they waive: ``(kind, id) -> waiver id``.

    A waiver is matched by kind as well as id: its target resolves to the one threshold or
    safeguard carrying that id. A target carried by more than one item (ids must be unique
    across actors, thresholds and safeguards; lint refuses such a policy, a policy built in
    code may not have been linted) or by an actor waives nothing: a waiver on a safeguard
    must never waive a threshold that happens to share its id. Expired waivers, and those
    granted after ``as_of``, count as none; the first waiver in force on an item is named.
    """
    kinds = policy.id_kinds()
    out: dict[tuple[WaiverKind, str], str] = {}
    for w in policy.waivers:
        if not (w.expires >= as_of and (w.granted is None or w.granted <= as_of)):
            continue
        match kinds.get(w.target, []):
            case ["threshold"]:
                out.setdefault(("threshold", w.target), w.id)
            case ["safeguard"]:
                out.setdefault(("safeguard", w.target), w.id)
    return out


def active_waiver(policy: Policy, kind: WaiverKind, target: str, as_of: dt.date) -> str | None:
    """The id of the waiver in force on one threshold or safeguard (see :func:`active_waivers`).

    Args:
        policy: The policy.
        kind: What ``target`` is: a ``threshold`` or a ``safeguard``.
        target: Its id.
        as_of: The day the waiver must be in force.

    Returns:
        The waiver's id, or None.
    """
    return active_waivers(policy, as_of).get((kind, target))


def _attestation_problem(
    policy: Policy, safeguard: str, attestations: list[Attestation], as_of: dt.date
) -> str | None:
    """None when the safeguard has a valid attestation on ``as_of``, else what is wrong."""
    sg = next((s for s in policy.safeguards if s.id == safeguard), None)
    found = [a for a in attestations if a.safeguard == safeguard]
    if not found:
        return "no attestation"
    problems = []
    for a in sorted(found, key=lambda a: a.date, reverse=True):
        if a.date > as_of:
            problems.append(f"attested on {a.date}, after {as_of}")
        elif a.expires is not None and a.expires < as_of:
            problems.append(f"attestation by {a.attested_by} expired on {a.expires}")
        elif (
            sg
            and sg.max_attestation_age_days
            and (as_of - a.date).days > sg.max_attestation_age_days
        ):
            problems.append(
                f"attestation of {a.date} is older than {sg.max_attestation_age_days} days"
            )
        else:
            return None
    return "; ".join(problems)


def run_gate(
    policy: Policy,
    results: list[ThresholdResult],
    attestations: list[Attestation],
    as_of: dt.date,
) -> GateResult:
    """Combine threshold results into allow / allow_with_safeguards / block."""
    by_id = {r.id: r for r in results}
    waivers = active_waivers(policy, as_of)
    order = topological_thresholds(policy)
    indeterminate_as = policy.decision.indeterminate_as
    triggered: dict[str, str] = {}  # threshold -> why it triggers
    unmet: list[Unmet] = []
    for tid in order:  # each threshold's own state first...
        r = by_id[tid]
        if r.waived_by:
            continue
        if r.state == "crossed":
            triggered[tid] = "crossed"
        elif r.state == "indeterminate":
            if indeterminate_as == "block":
                unmet.append(
                    Unmet(
                        threshold=tid,
                        safeguard=None,
                        reason="indeterminate, and the policy blocks on indeterminate",
                    )
                )
                continue
            triggered[tid] = "indeterminate (treated as crossed)"
    for tid in order:  # ...then what crossing a stronger threshold implies for the weaker
        if tid in triggered:
            for rel in policy.relations.implies:
                if rel.source == tid and not by_id[rel.target].waived_by:
                    triggered.setdefault(rel.target, f"implied by {tid}")
    inconsistencies = []
    for rel in policy.relations.implies:
        if by_id[rel.source].state == "crossed" and by_id[rel.target].state == "not_crossed":
            inconsistencies.append(
                f"{rel.source} is crossed but {rel.target}, which it implies, is not crossed: "
                "check the evals and thresholds of both"
            )
    if inconsistencies and policy.gate.inconsistent_implies == "block":
        for text in inconsistencies:
            unmet.append(Unmet(threshold=text.split(" ", 1)[0], safeguard=None, reason=text))
    satisfied: list[str] = []
    for tid in order:
        if tid not in triggered:
            continue
        required = [
            s for req in policy.relations.requires if req.threshold == tid for s in req.safeguards
        ]
        if not required:
            if policy.gate.crossed_without_safeguards == "block":
                unmet.append(
                    Unmet(
                        threshold=tid,
                        safeguard=None,
                        reason=f"{triggered[tid]}, and no safeguard is defined for it",
                    )
                )
            continue
        for s in required:
            waiver = waivers.get(("safeguard", s))
            problem = None if waiver else _attestation_problem(policy, s, attestations, as_of)
            if problem is None:
                if s not in satisfied:
                    satisfied.append(s)
            else:
                unmet.append(
                    Unmet(threshold=tid, safeguard=s, reason=f"{triggered[tid]}; {s}: {problem}")
                )
    result: GateVerdict = "block" if unmet else ("allow_with_safeguards" if triggered else "allow")
    return GateResult(
        result=result,
        unmet=unmet,
        satisfied=satisfied,
        inconsistencies=inconsistencies,
        order=order,
    )
