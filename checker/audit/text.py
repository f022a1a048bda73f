"""The audit for a terminal: the bottom line, counts, each finding wrapped to the width, and
the disclosure table."""

from __future__ import annotations

import textwrap

from checker.audit.findings import Audit
from checker.budget import format_budget


def audit_text(result: Audit, width: int = 80) -> str:
    """The audit as plain text, every line at most ``width`` columns.

    Args:
        result: The audit.
        width: Columns (at least 60).

    Returns:
        The text, ending in a newline.
    """
    width = max(60, width)
    doc = result.document
    lines = [
        f"Audit of {doc.get('title')}" + (f" ({doc['publisher']})" if doc.get("publisher") else "")
    ]
    lines += textwrap.wrap(result.bottom_line, width)
    c = result.counts
    lines.append(
        f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s); "
        f"with {', '.join(result.strength)}"
    )
    for f in result.findings:
        lines.append("")
        head = f"{f.where}: {f.severity}[{f.code}]"
        lines += textwrap.wrap(
            f"{head} {f.title}", width, subsequent_indent="    ", break_on_hyphens=False
        )
        lines += textwrap.wrap(
            f.explanation, width, initial_indent="    ", subsequent_indent="    "
        )
        if f.matched is not None and f.matched.budgets:
            m = f.matched
            lines.append(f"    matched, {m.better} − {m.worse} ({m.axis}):")
            step = max(1, len(m.budgets) // 6)
            for k in range(0, len(m.budgets), step):
                lines.append(
                    f"      {format_budget(m.budgets[k], m.axis):>10}  {m.difference[k]:+.2f}  "
                    f"[{m.lower[k]:+.2f}, {m.upper[k]:+.2f}]"
                )
        if f.thresholds and f.code != "threshold-unaddressed":
            lines += textwrap.wrap(
                "thresholds: " + ", ".join(f.thresholds),
                width,
                initial_indent="    ",
                subsequent_indent="      ",
            )
    lines += ["", "Disclosure (claims stating each, of all):"]
    lines.append(
        f"  {'domain':<14}{'claims':>7}{'budget':>8}{'spend':>7}{'attempts':>10}{'mode':>6}"
    )
    for r in result.disclosure:
        lines.append(
            f"  {r.domain[:14]:<14}{r.claims:>7}{r.with_budget:>8}{r.with_spend:>7}"
            f"{r.with_attempts:>10}{r.with_scaffold:>6}"
        )
    return "\n".join(lines) + "\n"
