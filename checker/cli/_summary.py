"""The terminal summary of a determination (rich table; plain when not a terminal)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checker.budget import format_budget
from checker.determination import Determination

_STATE_STYLE = {"crossed": "bold red", "not_crossed": "green", "indeterminate": "yellow"}
_GATE_STYLE = {"allow": "bold green", "allow_with_safeguards": "bold yellow", "block": "bold red"}


def print_summary(det: Determination, console: Console | None = None) -> None:
    """Print the per-threshold table, the gate and what is unmet."""
    console = console or Console()
    table = Table(
        title=f"{det.policy.title} v{det.policy.version} — model {det.model}",
        title_justify="left",
    )
    for col in ("threshold", "state", "basis", "crossing budget", "coverage d/e/u", "note"):
        table.add_column(col)
    for t in det.thresholds:
        cb = t.crossing_budget
        crossing = format_budget(cb.estimate, t.axis) if cb.estimate else "—"
        if cb.estimate and (cb.lower or cb.upper):
            lo = format_budget(cb.lower, t.axis) if cb.lower else "?"
            # No upper end: the lower bound does not meet T as far as evidence or allowed
            # extrapolation reaches, which says nothing about "never".
            hi = format_budget(cb.upper, t.axis) if cb.upper else "not within reach"
            crossing += f" [{lo}, {hi}]"
        cov = t.coverage
        note = ""
        if t.state == "not_crossed" and t.headroom_oom is not None:
            note = f"headroom {'≥' if t.headroom_is_lower_bound else ''}{t.headroom_oom:.1f} OOM"
        elif t.reasons:
            note = ", ".join(dict.fromkeys(r.code for r in t.reasons))
        if t.waived_by:
            note = f"waived ({t.waived_by}); " + note
        table.add_row(
            t.id,
            f"[{_STATE_STYLE[t.state]}]{t.state}[/]",
            t.basis.replace("_", " "),
            crossing,
            f"{cov.direct:.0%}/{cov.extrapolated:.0%}/{cov.uncovered:.0%}",
            note,
        )
    console.print(table)
    for t in det.thresholds:
        for r in t.reasons:
            console.print(f"  {t.id}: {r.message}", highlight=False)
        if t.would_decide:
            console.print(f"  {t.id}: would decide it: {t.would_decide}", highlight=False)
    g = det.gate
    console.print(f"gate: [{_GATE_STYLE[g.result]}]{g.result}[/]")
    for u in g.unmet:
        console.print(
            f"  unmet: {u.threshold}"
            + (f" needs {u.safeguard}" if u.safeguard else "")
            + f" — {u.reason}"
        )
    for text in g.inconsistencies:
        console.print(f"  inconsistent: {text}")
    for text in det.warnings:
        console.print(f"warning: {text}", highlight=False)
