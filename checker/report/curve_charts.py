"""Charts of performance against budget (``rspcheck curves`` and ``compare``): PNG or SVG.

One panel per eval (small multiples sharing nothing but the style), each model a series drawn
so that it stays distinguishable in grey print: its own colour *and* line style *and* marker.
In a panel: P*(b) as a step line with its band, each evaluated run as a marker with its
interval, best-of-k as hollow markers, and each run's budget-truncated curve as a thin dotted
line ending at the run itself. The budget axis is logarithmic with ticks at decades, written
as budgets (``$1``, ``10k tokens``). A comparison adds a row of matched-budget differences.

Determinism: the SVG uses the report charts' fixed hash salt and no date; the PNG carries no
software or date metadata. matplotlib is imported inside the functions.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.report.charts import (
    GRID,
    INK,
    MUTED,
    _decades,
    _fb,
    _rc,
    _style_axes,
    _tex,
    axis_label,
)

if TYPE_CHECKING:
    from checker.engine.budget_curves import ConfigCurve, CurveSet
    from checker.engine.compare import ModelComparison

#: Series styles, in order: dark-to-light colours that differ in grey too, each with its own
#: dash pattern and marker, so that print and colour-blind readers tell the models apart.
COLOURS = ("#1f4e79", "#b3261e", "#1b7f3b", "#7a5ea8", "#c77700", "#4d4d4d", "#0f8b8d")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
PANEL_W, PANEL_H = 4.3, 3.1
FORMATS = ("png", "svg")


def style(i: int) -> dict[str, Any]:
    """The ``i``-th series' colour, dash pattern and marker (cycling after seven)."""
    return {
        "color": COLOURS[i % len(COLOURS)],
        "ls": DASHES[i % len(DASHES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def curves_chart(curves: CurveSet, axis: str, fmt: str = "png") -> bytes:
    """Every (model, eval, scaffold) curve on ``axis``: one panel per eval.

    Args:
        curves: The curves (:func:`checker.engine.budget_curves.budget_curves`).
        axis: Which of its axes to draw.
        fmt: ``png`` or ``svg``.

    Returns:
        The image's bytes.
    """
    on_axis = [c for c in curves.curves if c.axis == axis]
    evals = list(dict.fromkeys(c.eval for c in on_axis))
    panels = [(e, [c for c in on_axis if c.eval == e]) for e in evals]
    return _draw(panels, axis, fmt, differences=None)


def comparison_chart(cmp: ModelComparison, fmt: str = "png") -> bytes:
    """Each model's own curve per eval, and below it the matched-budget differences of every
    pair (with their intervals) where budgets overlap."""
    panels = [(e.eval, e.curves) for e in cmp.evals]
    diffs = [
        [(f"{p.b} − {p.a}", p.matched) for p in e.pairs if p.matched is not None] for e in cmp.evals
    ]
    axis = cmp.evals[0].axis if cmp.evals else "usd"
    return _draw(panels, axis, fmt, differences=diffs)


def _draw(
    panels: Sequence[tuple[str, Sequence[ConfigCurve]]],
    axis: str,
    fmt: str,
    differences: Sequence[Sequence[tuple[str, Any]]] | None,
) -> bytes:
    from matplotlib.figure import Figure

    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use png or svg")
    names = list(dict.fromkeys(_series(c) for _, cs in panels for c in cs))
    if not panels:
        panels = [("no curves", [])]
    n = len(panels)
    cols = min(3, n)
    rows = math.ceil(n / cols) * (2 if differences else 1)
    entries = len(names) + 4  # the series, then what the marks mean
    ncol = 3 if cols > 1 or entries > 6 else 2
    legend_rows = math.ceil(entries / ncol)
    with _rc():
        width = max(7.5, PANEL_W * cols)
        height = PANEL_H * rows * (0.8 if differences else 1) + 0.55 + 0.2 * legend_rows
        fig = Figure(figsize=(width, height), dpi=110)
        fig.subplots_adjust(
            left=0.75 / width,
            right=1 - 0.2 / width,
            top=1 - 0.35 / height,
            bottom=(0.75 + 0.2 * legend_rows) / height,
            hspace=0.55,
            wspace=0.25,
        )
        grid = fig.add_gridspec(rows, cols)
        for i, (eval_id, cs) in enumerate(panels):
            r, c = divmod(i, cols)
            r *= 2 if differences else 1
            ax = fig.add_subplot(grid[r, c])
            _panel(ax, eval_id, cs, names, axis)
            if differences:
                dax = fig.add_subplot(grid[r + 1, c], sharex=ax)
                _difference_panel(dax, differences[i], axis)
        _legend(fig, names, ncol)
        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", metadata={"Software": None})
        else:
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return buf.getvalue()


def _series(c: ConfigCurve) -> str:
    """The series a curve belongs to: its model (and scaffold), the same in every panel."""
    return c.label.replace(f" · {c.eval}", "")


def _panel(ax: Any, eval_id: str, cs: Sequence[ConfigCurve], names: list[str], axis: str) -> None:
    _style_axes(ax)
    ax.set_xscale("log")
    lo, hi = math.inf, 0.0
    for c in cs:
        st = style(names.index(_series(c)))
        b = c.best
        ax.fill_between(
            b.budgets, b.lower, b.upper, step="post", color=st["color"], alpha=0.12, lw=0
        )
        ax.plot(
            b.budgets, b.estimate, drawstyle="steps-post", color=st["color"], ls=st["ls"], lw=1.4
        )
        for run in dict.fromkeys(p.run for p in c.points if p.kind == "truncated"):
            cut = [p for p in c.points if p.run == run and p.kind in ("truncated", "evaluated")]
            cut.sort(key=lambda p: p.budget)
            ax.plot(
                [p.budget for p in cut],
                [p.estimate for p in cut],
                color=st["color"],
                ls=":",
                lw=0.7,
                alpha=0.8,
            )
        for kind, face in (("evaluated", st["color"]), ("best-of-k", "white")):
            pts = [p for p in c.points if p.kind == kind]
            if not pts:
                continue
            ax.errorbar(
                [p.budget for p in pts],
                [p.estimate for p in pts],
                yerr=[
                    [p.estimate - p.lower for p in pts],
                    [p.upper - p.estimate for p in pts],
                ],
                fmt=st["marker"],
                ms=4.5 if kind == "evaluated" else 3.5,
                mfc=face,
                mec=st["color"],
                ecolor=st["color"],
                elinewidth=0.7,
                capsize=0,
                ls="none",
            )
        for p in c.points:
            lo, hi = min(lo, p.budget), max(hi, p.budget)
    if hi > 0:
        ax.set_xlim(lo / 1.6, hi * 1.6)
        ticks = _decades(lo / 1.6, hi * 1.6, most=6)
        if len(ticks) < 2:  # less than a decade: ticks at 1-2-5
            ticks = [
                v * 10**k
                for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
                for v in (1, 2, 5)
                if lo / 1.6 <= v * 10**k <= hi * 1.6
            ]
        ax.set_xticks(ticks, [_fb(v, axis) for v in ticks])
        ax.xaxis.set_minor_locator(_null())
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0", ".25", ".5", ".75", "1"])
    ax.set_title(_tex(eval_id), loc="left", fontsize=9, color=INK)
    ax.set_xlabel(f"mean spend per task ({axis_label(axis)}, log scale)", color=MUTED)
    ax.set_ylabel("score")


def _difference_panel(ax: Any, diffs: Sequence[tuple[str, Any]], axis: str) -> None:
    _style_axes(ax)
    ax.axhline(0, color=INK, lw=0.7)
    if not diffs:
        ax.text(
            0.5,
            0.5,
            "no common budget: see the findings",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=MUTED,
        )
    for j, (name, m) in enumerate(diffs):
        ls = DASHES[j % len(DASHES)]
        ax.fill_between(m.budgets, m.lower, m.upper, color=GRID, alpha=0.7, lw=0)
        ax.plot(m.budgets, m.difference, color=INK, ls=ls, lw=1.2, label=_tex(name))
    if diffs:
        ax.legend(loc="upper left", fontsize=7)
    ax.set_ylabel("difference")
    ax.set_title("matched-budget difference (paired interval)", loc="left", fontsize=8, color=MUTED)
    ax.set_xlabel(f"budget per task ({axis_label(axis)})", color=MUTED)


def _legend(fig: Any, names: list[str], ncol: int) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [], [], color=style(i)["color"], ls=style(i)["ls"], marker=style(i)["marker"], ms=4.5
        )
        for i in range(len(names))
    ]
    labels = [_tex(n) for n in names]
    handles += [
        Line2D([], [], color=MUTED, lw=1.4, drawstyle="steps-post"),
        Line2D([], [], color=MUTED, ls="none", marker="o", ms=4.5),
        Line2D([], [], color=MUTED, ls="none", marker="o", mfc="white", ms=3.5),
        Line2D([], [], color=MUTED, ls=":", lw=0.8),
    ]
    labels += [
        "P*: best at or below the budget (band)",
        "run as evaluated (interval)",
        "best-of-k",
        "run truncated at lower caps",
    ]
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=ncol,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )


def _null() -> Any:
    from matplotlib.ticker import NullLocator

    return NullLocator()
