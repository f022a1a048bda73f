"""What would unblock a release: the bottom line of a determination, the smallest set of
attestations that turns BLOCK into ALLOW, and one line per threshold.

Read from the determination alone (the gate's unmet requirements and each threshold's
``would_decide``), so the PDF's cover, the terminal and the CI summary say the same thing.

A threshold's required safeguards are all required (the gate checks each), so the smallest
set of attestations that meets every unmet safeguard requirement is exactly the distinct
safeguards named by unmet requirements: none can be left out. Requirements no attestation can
meet (the policy blocks on indeterminate, a crossed threshold with no safeguard defined, an
inconsistent ``implies``) need evidence or a change of policy instead; for an indeterminate
threshold, evidence that decides it *not crossed* is an alternative to attesting its
safeguards, and its ``would_decide`` says what that evidence is.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.budget import format_budget
from checker.determination import Determination, ThresholdResult


@dataclass(frozen=True)
class Unblock:
    """What stands between a determination and ALLOW."""

    bottom_line: str
    """One or two sentences: the verdict and what would change it."""
    attestations: tuple[str, ...]
    """The smallest set of safeguards whose (valid, unexpired) attestation turns BLOCK into
    ALLOW (with safeguards) when no other requirement is unmet; in the gate's order."""
    evidence: tuple[tuple[str, str], ...]
    """(threshold, what would decide it) for requirements no attestation can meet; empty
    when attestations alone suffice."""
    other: tuple[tuple[str, str], ...]
    """(threshold, reason) for unmet requirements neither attestation nor evidence on that
    threshold meets (an inconsistent ``implies``, a crossed threshold with no safeguard)."""
    lines: tuple[tuple[str, str], ...]
    """(threshold, one line: its state and what the gate needs of it), in policy order."""
    blocking: tuple[str, ...] = ()
    """The thresholds with an unmet requirement, in policy order."""

    @property
    def attestations_suffice(self) -> bool:
        """Whether attesting :attr:`attestations` alone would allow the release."""
        return not self.evidence and not self.other


def _state(t: ThresholdResult) -> str:
    state = t.state.replace("_", " ")
    cb = t.crossing_budget.estimate
    if t.state == "crossed" and cb:
        state += f" from {format_budget(cb, t.axis)}"
    elif t.state == "not_crossed" and t.headroom_oom is not None:
        state += f" (headroom {'≥' if t.headroom_is_lower_bound else ''}{t.headroom_oom:.1f} OOM)"
    return state


MAX_NAMED = 6
"""Thresholds named in the bottom line before the rest are counted."""


def _names(ids: list[str]) -> str:
    if len(ids) <= MAX_NAMED:
        return ", ".join(ids)
    return f"{', '.join(ids[:MAX_NAMED])} and {len(ids) - MAX_NAMED} more"


def unblock(det: Determination) -> Unblock:
    """The bottom line of a determination and what would turn BLOCK into ALLOW.

    Args:
        det: the determination.

    Returns:
        The :class:`Unblock`.
    """
    by_id = {t.id: t for t in det.thresholds}
    attest: dict[str, None] = {}
    needs: dict[str, list[str]] = {}
    evidence: dict[str, str] = {}
    other: dict[str, str] = {}
    for u in det.gate.unmet:
        t = by_id.get(u.threshold)
        if u.safeguard:
            attest.setdefault(u.safeguard)
            needs.setdefault(u.threshold, []).append(u.safeguard)
        elif t is not None and t.state == "indeterminate":
            evidence[t.id] = t.would_decide or "evidence covering its whole assessed range"
        else:
            other.setdefault(u.threshold, u.reason)
    lines: list[tuple[str, str]] = []
    for t in det.thresholds:
        line = _state(t)
        if t.waived_by:
            line += f": waived ({t.waived_by})"
        elif t.id in needs:
            missing = ", ".join(dict.fromkeys(needs[t.id]))
            if t.state == "indeterminate":
                line += ", treated as crossed"
            line += f": needs {missing} attested"
            if t.state == "indeterminate" and t.would_decide:
                line += f"; what would decide it: {t.would_decide}"
        elif t.id in other:
            line += f": {other[t.id]}"
        elif t.id in evidence:
            line += f": the policy blocks on indeterminate; what would decide it: {evidence[t.id]}"
        elif t.state != "not_crossed":
            line += ": what the gate requires for it is met"
        lines.append((t.id, line))
    result = det.gate.result
    if result == "allow":
        bottom = "ALLOW: no threshold is crossed or indeterminate."
    elif result == "allow_with_safeguards":
        bottom = "ALLOW WITH SAFEGUARDS: " + (
            f"{', '.join(det.gate.satisfied)} attested for what is crossed or indeterminate."
            if det.gate.satisfied
            else "every crossed or indeterminate threshold is waived or needs no safeguard."
        )
    else:
        parts = []
        if attest:
            parts.append(f"attest {', '.join(attest)}")
        if evidence:
            parts.append(f"decide {_names(list(evidence))} with evidence")
        if other:
            parts.append(
                f"meet what no attestation can for {_names(list(other))} (a safeguard "
                "defined, or the policy's relations made consistent)"
            )
        bottom = f"BLOCK. To allow: {'; and '.join(parts)}."
        if attest and not evidence and not other:
            bottom += " Nothing else is missing."
    unmet = {u.threshold for u in det.gate.unmet}
    return Unblock(
        bottom_line=bottom,
        attestations=tuple(attest),
        evidence=tuple(evidence.items()),
        other=tuple(other.items()),
        lines=tuple(lines),
        blocking=tuple(t.id for t in det.thresholds if t.id in unmet),
    )


__all__ = ["Unblock", "unblock"]
