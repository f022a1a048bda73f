"""Curves and comparisons as text: the terminal table, and CSV with the numbers of every line.

Plain strings, no terminal knowledge: the command line prints them. Tables fit a given width
(80 columns by default) by shortening labels, never the numbers.
"""

from __future__ import annotations

import csv
import io
import textwrap
from typing import TYPE_CHECKING

from checker.budget import format_budget
from checker.evidence.labels import without_eval

if TYPE_CHECKING:
    from checker.engine.budget_curves import ConfigCurve, CurveSet
    from checker.engine.compare import ModelComparison

CSV_COLUMNS = (
    "axis",
    "model",
    "eval",
    "scaffold",
    "series",
    "kind",
    "run",
    "label",
    "k",
    "truncated_at",
    "budget",
    "estimate",
    "lower",
    "upper",
    "n_tasks",
)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def curve_table(c: ConfigCurve, width: int = 80) -> list[str]:
    """One curve's lines: every evaluated and best-of-k configuration with its interval and P*
    there, one line per truncated run, and the largest evaluated budget's score."""
    axis = c.axis
    num = 12 + 2 + 5 + 2 + 12 + 2 + 5  # budget, score, interval, P*
    lab = max(20, width - num - 4)
    unit = {"usd": "USD", "tokens": "tokens", "seconds": "seconds"}.get(axis, axis)
    out = [f"{c.label}  (mean {unit} per task)"]
    out.append(f"  {'configuration':<{lab}} {'budget':>12}  score  {'interval':<12}  {'P*':>5}")
    best = dict(zip(c.best.budgets, c.best.estimate, strict=True))  # P* steps
    shown = [p for p in c.points if p.kind != "truncated"]
    for p in shown:
        star = max((v for b, v in best.items() if b <= p.budget * (1 + 1e-9)), default=0.0)
        out.append(
            f"  {_short(without_eval(p.label, c.eval), lab):<{lab}} "
            f"{format_budget(p.budget, axis):>12}  {p.estimate:5.2f}  "
            f"[{p.lower:.2f}, {p.upper:.2f}]  {star:5.2f}"
        )
    truncated = list(dict.fromkeys(p.run for p in c.points if p.kind == "truncated"))
    if truncated:
        out.append("  truncated at lower caps (lowest cap … highest):")
    for run in truncated:
        cut = [p for p in c.points if p.run == run and p.kind == "truncated"]
        first, last = cut[0], cut[-1]
        name = without_eval(first.label.rsplit(", cut at", 1)[0].rsplit(" @ cut at", 1)[0], c.eval)
        tail = (
            f"{first.estimate:.2f} at {format_budget(first.budget, axis)} … "
            f"{last.estimate:.2f} at {format_budget(last.budget, axis)}"
        )
        if len(name) + len(tail) + 6 <= width:
            out.append(f"    {name}: {tail}")
        else:
            out += [f"    {_short(name, width - 5)}:", f"      {tail}"]
    if c.own_max is not None:
        o = c.own_max
        out.append(
            f"  at its largest evaluated budget, {format_budget(o.budget, axis)} "
            f"({without_eval(o.label, c.eval)}):"
        )
        line = f"    score {o.score:.2f} [{o.lower:.2f}, {o.upper:.2f}]"
        if f"{o.best:.2f}" != f"{o.score:.2f}":
            line += f"; the best at or below it (P*) is {o.best:.2f}"
        out.append(line)
    return out


def curves_text(cs: CurveSet, axis: str, width: int = 80) -> str:
    """Every curve on ``axis`` as a table, then the notes."""
    blocks = ["\n".join(curve_table(c, width)) for c in cs.curves if c.axis == axis]
    if not blocks:
        blocks = [f"no curve on the {axis} axis"]
    text = "\n\n".join(blocks)
    notes = [n for n in cs.notes if n.startswith(f"{axis}:")]
    if notes:
        text += "\n\nleft out:\n" + "\n".join(f"  {n.split(': ', 1)[1]}" for n in notes)
    if cs.truncation:
        text += "\n\n" + textwrap.fill(
            "Truncated: each run read as if every attempt had been capped at a lower spend (an "
            "attempt over the cap fails): a lower bound on a capped run. P* counts them.",
            width,
        )
    return text + "\n"


def curves_csv(cs: CurveSet) -> str:
    """One row per configuration (``series=point``) and per step of P* (``series=best``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in cs.curves:
        key = (c.axis, c.model, c.eval, c.scaffold)
        for p in c.points:
            w.writerow(
                (
                    *key,
                    "point",
                    p.kind,
                    p.run,
                    p.label,
                    p.k,
                    "" if p.truncated_at is None else p.truncated_at,
                    p.budget,
                    p.estimate,
                    p.lower,
                    p.upper,
                    p.n_tasks,
                )
            )
        for b, e, lo, hi in zip(
            c.best.budgets, c.best.estimate, c.best.lower, c.best.upper, strict=True
        ):
            w.writerow((*key, "best", "p_star", "", "P*", "", "", b, e, lo, hi, ""))
    return buf.getvalue()


def comparison_text(cmp: ModelComparison, width: int = 80) -> str:
    """Per eval: each model at its largest evaluated budget, then every pair's finding."""
    out: list[str] = []
    for e in cmp.evals:
        out.append(f"{e.eval}  ({e.axis})")
        for line in e.own_max:
            out += textwrap.wrap(
                line,
                width,
                initial_indent="  ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
        for p in e.pairs:
            head = {"matched": "matched", "dominates": "dominates", "not_comparable": "n/c"}
            out += textwrap.wrap(
                f"[{head[p.kind]}] {p.b} vs {p.a}: {p.text}",
                width,
                initial_indent="  ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
            if p.matched is not None:
                m = p.matched
                step = max(1, len(m.budgets) // 6)
                for i in range(0, len(m.budgets), step):
                    out.append(
                        f"    {format_budget(m.budgets[i], e.axis):>10}  {m.difference[i]:+.2f}  "
                        f"[{m.lower[i]:+.2f}, {m.upper[i]:+.2f}]"
                    )
        out.append("")
    for n in cmp.notes:
        out += textwrap.wrap(f"note: {n}", width, subsequent_indent="  ")
    return "\n".join(out).rstrip() + "\n"
