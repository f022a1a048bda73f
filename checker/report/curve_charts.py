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

from checker.evidence.labels import without_eval
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
ANNOTATE_AT_MOST = 8
"""A panel with at most this many evaluated runs names each beside its point."""
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
        height = PANEL_H * rows * (0.8 if differences else 1) + 0.4 + 0.2 * legend_rows
        fig = Figure(figsize=(width, height), dpi=110)
        fig.subplots_adjust(
            left=0.75 / width,
            right=1 - 0.2 / width,
            top=1 - 0.35 / height,
            bottom=(0.6 + 0.2 * legend_rows) / height,
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
        kinds = {str(p.kind) for _, cs in panels for c in cs for p in c.points}
        _legend(fig, names, ncol, kinds)
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
    # the scale reaches 1 unless every interval stays low (then low scores stay readable)
    top = max((p.upper for c in cs for p in c.points), default=1.0)
    top = max((u for c in cs for u in c.best.upper), default=top) if cs else top
    ymax = 1.0 if top > 0.6 else 0.6 if top > 0.3 else 0.3 if top > 0.12 else 0.12
    steps = 4 if ymax == 1.0 else 3  # 0 .25 .5 .75 1, or 0 .1 .2 .3
    ticks = [round(ymax * i / steps, 4) for i in range(steps + 1)]
    ax.set_ylim(-0.02 * ymax, ymax * 1.02)
    ax.set_yticks(ticks, [f"{t:.3g}".lstrip("0") or "0" for t in ticks])
    ax.set_title(_tex(eval_id), loc="left", fontsize=9, color=INK)
    ax.set_xlabel(f"mean spend per task ({axis_label(axis)}, log scale)", color=MUTED)
    ax.set_ylabel("score")
    evaluated = [(c, p) for c in cs for p in c.points if p.kind == "evaluated"]
    if len(names) == 1 and len(evaluated) <= ANNOTATE_AT_MOST and hi > 0:  # name each run
        _annotate(ax, evaluated, names, (lo / 1.6, hi * 1.6))


def _annotate(
    ax: Any, evaluated: list[tuple[Any, Any]], names: list[str], xlim: tuple[float, float]
) -> None:
    """Name each evaluated run beside its point, above or below, right or left: the first
    place whose (estimated) box overlaps no label placed before."""
    from matplotlib.patheffects import withStroke

    fig_w, fig_h = ax.figure.get_size_inches()
    box = ax.get_position()
    decades_per_inch = math.log10(xlim[1] / xlim[0]) / (box.width * fig_w)
    score_per_inch = (ax.get_ylim()[1] - ax.get_ylim()[0]) / (box.height * fig_h)
    placed: list[tuple[float, float, float, float]] = []
    for c, p in sorted(evaluated, key=lambda cp: cp[1].budget):
        text = without_eval(p.label, c.eval)
        w = len(text) * 0.052 * decades_per_inch  # 6.5 pt DejaVu Sans, about 0.052 in a char
        h = 0.12 * score_per_inch
        dx, dy = 0.07 * decades_per_inch, 0.07 * score_per_inch
        x, y = math.log10(p.budget), p.estimate
        right_room = x + dx + w <= math.log10(xlim[1])
        options = [(1, 1), (1, -1), (-1, 1), (-1, -1)] if right_room else [(-1, 1), (-1, -1)]
        for sx, sy in options:
            x0 = x + dx if sx > 0 else x - dx - w
            y0 = y + dy if sy > 0 else y - dy - h
            cand = (x0, y0, x0 + w, y0 + h)
            if not any(
                cand[0] < q[2] and q[0] < cand[2] and cand[1] < q[3] and q[1] < cand[3]
                for q in placed
            ):
                break
        placed.append(cand)
        ax.annotate(
            _tex(text),
            (p.budget, p.estimate),
            xytext=(5 * sx, 5 * sy),
            textcoords="offset points",
            ha="left" if sx > 0 else "right",
            va="bottom" if sy > 0 else "top",
            fontsize=6.5,
            color=style(names.index(_series(c)))["color"],
            path_effects=[withStroke(linewidth=2.2, foreground="white")],  # legible over lines
        )


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


def _legend(fig: Any, names: list[str], ncol: int, kinds: set[str]) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [], [], color=style(i)["color"], ls=style(i)["ls"], marker=style(i)["marker"], ms=4.5
        )
        for i in range(len(names))
    ]
    labels = [_tex(n) for n in names]
    marks = [
        ("always", Line2D([], [], color=MUTED, lw=1.4), "P*: best at or below the budget (band)"),
        (
            "evaluated",
            Line2D([], [], color=MUTED, ls="none", marker="o", ms=4.5),
            "run as evaluated (interval)",
        ),
        (
            "best-of-k",
            Line2D([], [], color=MUTED, ls="none", marker="o", mfc="white", ms=3.5),
            "best-of-k",
        ),
        ("truncated", Line2D([], [], color=MUTED, ls=":", lw=0.8), "run truncated at lower caps"),
    ]
    for kind, handle, text in marks:
        if kind == "always" or kind in kinds:
            handles.append(handle)
            labels.append(text)
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
