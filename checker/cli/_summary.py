"""The terminal summary of a determination (rich table; plain when not a terminal).

Ids and states are never cut: on a wide terminal a table whose id and state columns do not
wrap; below :data:`STACKED_BELOW` columns a stacked layout, one block per threshold, whose
lines wrap at spaces only.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.table import Table

from checker.budget import format_budget
from checker.determination import Determination, ThresholdResult

_STATE_STYLE = {"crossed": "bold red", "not_crossed": "green", "indeterminate": "yellow"}
_GATE_STYLE = {"allow": "bold green", "allow_with_safeguards": "bold yellow", "block": "bold red"}

STACKED_BELOW = 120
"""Terminals narrower than this get the stacked layout: the six-column table would have to
cut ids and states to fit."""


def state_label(state: str) -> str:
    """A state (or gate verdict) as people read it: ``not_crossed`` -> ``not crossed``."""
    return state.replace("_", " ")


def _crossing(t: ThresholdResult) -> str:
    cb = t.crossing_budget
    crossing = format_budget(cb.estimate, t.axis) if cb.estimate else "—"
    if cb.estimate and (cb.lower or cb.upper):
        lo = format_budget(cb.lower, t.axis) if cb.lower else "?"
        # No upper end: the lower bound does not meet T as far as evidence or allowed
        # extrapolation reaches, which says nothing about "never".
        hi = format_budget(cb.upper, t.axis) if cb.upper else "not within reach"
        crossing += f" [{lo}, {hi}]"
    return crossing


def _note(t: ThresholdResult) -> str:
    note = ""
    if t.state == "not_crossed" and t.headroom_oom is not None:
        note = f"headroom {'≥' if t.headroom_is_lower_bound else ''}{t.headroom_oom:.1f} OOM"
    elif t.reasons:
        note = ", ".join(dict.fromkeys(r.code for r in t.reasons))
    if t.waived_by:
        note = f"waived ({t.waived_by}); " + note
    return note


def _state(t: ThresholdResult) -> str:
    return f"[{_STATE_STYLE[t.state]}]{state_label(t.state)}[/]"


def _table(det: Determination, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("threshold", "state"):
        table.add_column(col, no_wrap=True)  # never cut an id or a state
    for col in ("basis", "crossing budget", "coverage d/e/u"):
        table.add_column(col, overflow="fold")
    # wide enough for the longest reason code, which has no space to wrap at
    table.add_column("note", overflow="fold", min_width=27)
    for t in det.thresholds:
        cov = t.coverage
        table.add_row(
            t.id,
            _state(t),
            state_label(t.basis) if t.basis != "none" else "—",
            _crossing(t),
            f"{cov.direct:.0%}/{cov.extrapolated:.0%}/{cov.uncovered:.0%}",
            _note(t),
        )
    return table


def _indented(console: Console, text: str, indent: int) -> None:
    # wrapped at spaces only (an id or a state is never cut, nor split at its hyphens), and
    # wrapped lines keep (and add to) the indent, so a long message reads as one item
    pad = " " * indent
    lines = textwrap.wrap(
        text,
        width=max(console.width, 40),
        initial_indent=pad,
        subsequent_indent=pad + "  ",  # a hanging indent: where each item starts shows
        break_long_words=False,
        break_on_hyphens=False,
    )
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False, markup=False)


def _explained(det: Determination, console: Console, indent: int, *, named: bool) -> None:
    for t in det.thresholds:
        prefix = f"{t.id}: " if named else ""
        for r in t.reasons:
            _indented(console, prefix + r.message, indent)
        if t.would_decide:
            _indented(console, f"{prefix}would decide it: {t.would_decide}", indent)


def _stacked(det: Determination, title: str, console: Console) -> None:
    console.print(title, highlight=False)
    for t in det.thresholds:
        cov = t.coverage
        basis = f" ({state_label(t.basis)})" if t.basis != "none" else ""
        console.print(f"[bold]{t.id}[/]: {_state(t)}{basis}", highlight=False)
        lines = [
            ("crossing budget", _crossing(t)),
            (
                "coverage",
                f"{cov.direct:.0%} direct, {cov.extrapolated:.0%} extrapolated, "
                f"{cov.uncovered:.0%} uncovered",
            ),
        ]
        if note := _note(t):
            lines.append(("note", note))
        for label, value in lines:
            _indented(console, f"{label}: {value}", 2)
        for r in t.reasons:
            _indented(console, r.message, 4)
        if t.would_decide:
            _indented(console, f"would decide it: {t.would_decide}", 4)


def print_summary(det: Determination, console: Console | None = None) -> None:
    """Print the per-threshold states, the gate and what is unmet.

    Args:
        det: the determination.
        console: where to print (default: stdout); its width picks the table or the
            stacked layout.
    """
    console = console or Console()
    title = f"{det.policy.title} v{det.policy.version} — model {det.model}"
    if console.width < STACKED_BELOW:
        _stacked(det, title, console)
    else:
        console.print(_table(det, title))
        _explained(det, console, 2, named=True)
    if det.comparisons:
        c0 = det.comparisons[0]
        console.print(f"compared with {c0.a} at matched budgets:", highlight=False)
        for c in det.comparisons:
            _indented(console, f"{c.eval}: {c.summary}", 2)
    g = det.gate
    console.print(f"gate: [{_GATE_STYLE[g.result]}]{state_label(g.result)}[/]")
    if g.result == "block":
        from checker.engine.unblock import unblock

        _indented(console, unblock(det).bottom_line.removeprefix("BLOCK. "), 2)
    for u in g.unmet:
        needs = f" needs {u.safeguard}" if u.safeguard else ""
        _indented(console, f"unmet: {u.threshold}{needs} — {u.reason}", 2)
    for text in g.inconsistencies:
        _indented(console, f"inconsistent: {text}", 2)
    for text in det.warnings:
        _indented(console, f"warning: {text}", 0)
