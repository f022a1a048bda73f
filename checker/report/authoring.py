"""Rendering for policy authors (DESIGN.md 14): T(b) against budget as text for a terminal, as
an SVG or PNG chart, and the HTML pages of ``explain`` and ``backtest``.

The functions take plain data (budgets, levels, actor marks, view dicts), not the authoring
layer's types, which sit above this one. Output is deterministic: the same data give the same
bytes (SVG as in :mod:`checker.report.charts`; PNG without a timestamp or software tag).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.budget import format_budget
from checker.report.charts import ALERT, GRID, INK, MUTED, THRESHOLD, _figure, _rc, _save, _tex


@dataclass(frozen=True)
class FunctionPanel:
    """One threshold's T(b) to draw: sampled levels and the actor budgets to mark."""

    title: str
    axis: str
    range: tuple[float, float] | None
    """The assessed range (drawn as ``[ ]`` on the text axis, unshaded on the chart)."""
    budgets: Sequence[float]
    threshold: Sequence[float]
    alert: Sequence[float] | None
    marks: Sequence[tuple[str, float]]
    """``(label, budget)`` of each actor on the axis (drawn when inside the chart)."""


def text_chart(panel: FunctionPanel, *, width: int = 72, height: int = 9) -> list[str]:
    """T(b) (``*``) and the alert (``.``) over the assessed range, as lines of ASCII text, with
    the actor budgets marked under the budget axis (``^``).

    Args:
        panel: What to draw; ``budgets`` increasing, at least two.
        width: Characters per line (the terminal's width).
        height: Rows of the plotting area.

    Returns:
        The lines, without newlines.
    """
    import numpy as np

    budgets = [float(b) for b in panel.budgets]
    if len(budgets) < 2:
        return ["(no assessed range to draw)"]
    left = 6  # "0.50 |"
    cols = max(20, width - left - 1)
    lo, hi = math.log10(budgets[0]), math.log10(budgets[-1])
    xs = np.log10(budgets)
    at = np.linspace(lo, hi, cols)
    levels = [np.interp(at, xs, panel.threshold)]
    if panel.alert is not None:
        levels.append(np.interp(at, xs, panel.alert))
    # the rows span the levels drawn, a tenth either side, so that a T(b) between 0.35
    # and 0.65 uses the whole height
    top = math.ceil(max(float(np.max(v)) for v in levels) * 10 - 1e-9) / 10 + 0.1
    bottom = max(0.0, math.floor(min(float(np.min(v)) for v in levels) * 10 + 1e-9) / 10 - 0.1)
    top = min(top, max(1.0, float(max(np.max(v) for v in levels))))
    rows = [[" "] * cols for _ in range(height)]

    def row_of(v: float) -> int:
        return round((top - v) / (top - bottom) * (height - 1))

    for series, char in reversed(list(zip(levels, "*.", strict=False))):
        for c, v in enumerate(series):
            rows[row_of(float(v))][c] = char
    labelled = {0: top, height - 1: bottom, row_of((top + bottom) / 2): (top + bottom) / 2}
    out = []
    for r in range(height):
        label = f"{labelled[r]:4.2f}" if r in labelled else "    "
        out.append(f"{label} |{''.join(rows[r])}".rstrip())

    def col_of(b: float) -> int:
        return round((math.log10(b) - lo) / (hi - lo) * (cols - 1)) if hi > lo else 0

    axis_line = ["-"] * cols
    marks = [(col_of(b), name, format_budget(b, panel.axis)) for name, b in panel.marks]
    for c, _, _ in marks:
        axis_line[c] = "^"
    if panel.range is not None:
        axis_line[col_of(panel.range[0])] = "["
        axis_line[col_of(panel.range[1])] = "]"
    out.append(" " * (left - 1) + "+" + "".join(axis_line))
    # each label on the first line with room for it: to the right of its column, or ending at
    # it when it would run past the chart's right edge
    lines: list[list[tuple[int, str]]] = []
    for c, name, budget in sorted(marks):
        text = f"{name} {budget}"
        start = c if c + len(text) <= cols else c - len(text) + 1
        start = max(0, start)
        for line in lines:
            if line[-1][0] + len(line[-1][1]) < start:
                line.append((start, text))
                break
        else:
            lines.append([(start, text)])
    for line in lines:
        row = [" "] * cols
        for start, text in line:
            row[start : start + len(text)] = list(text)
        out.append((" " * left + "".join(row)).rstrip())
    legend = "* T(b)" + ("   . alert" if panel.alert is not None else "")
    legend += "   ^ actor budget" if marks else ""
    legend += "   [ ] assessed range" if panel.range is not None else ""
    out.append(" " * left + legend)
    return out


def function_chart(panels: Sequence[FunctionPanel], *, fmt: str = "svg") -> bytes:
    """T(b) against budget, one panel per threshold, actor budgets as labelled vertical lines.

    Args:
        panels: The thresholds to draw (at least one).
        fmt: ``svg`` or ``png``.

    Returns:
        The chart file's bytes (the same data give the same bytes).
    """
    cols = 1 if len(panels) == 1 else 2
    nrows = math.ceil(len(panels) / cols)
    with _rc():
        fig = _figure(6.7 if cols == 2 else 5.5, 2.6 * nrows + 0.2)
        for i, p in enumerate(panels):
            ax = fig.add_subplot(nrows, cols, i + 1)
            _draw_panel(ax, p)
        fig.tight_layout(pad=0.8)
        if fmt == "svg":
            return _save(fig).encode("utf-8")
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(fig)
        buf = io.BytesIO()
        fig.set_dpi(150)  # the SVG is sized at 72 dpi; a PNG is read on screens
        canvas.print_png(buf, metadata={"Software": None})
        return buf.getvalue()


def _draw_panel(ax: Any, p: FunctionPanel) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(_tex(p.title), loc="left", color=INK)
    ax.set_xlabel(f"budget per task ({p.axis})", color=INK)
    ax.set_ylabel("score", color=INK)
    if len(p.budgets) < 2:
        ax.text(0.5, 0.5, "no assessed range", transform=ax.transAxes, ha="center", color=MUTED)
        return
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    ax.set_xscale("log")
    lo, hi = float(p.budgets[0]), float(p.budgets[-1])
    pad = 10 ** (0.06 * max(math.log10(hi / lo), 1.0))
    ax.set_xlim(lo / pad, hi * pad)
    top = max(1.0, max(p.threshold) * 1.05)
    ax.set_ylim(0, top)
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tex(format_budget(v, p.axis))))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(True, color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    if p.range is not None:  # outside the assessed range is greyed
        ax.axvspan(lo / pad, p.range[0], color="#f3f3f3", lw=0, zorder=0)
        ax.axvspan(p.range[1], hi * pad, color="#f3f3f3", lw=0, zorder=0)
    ax.plot(p.budgets, p.threshold, color=THRESHOLD, lw=1.6, label="T(b)")
    if p.alert is not None:
        ax.plot(p.budgets, p.alert, color=ALERT, lw=1.1, ls="--", label="alert")
    middle = math.sqrt(lo * hi)
    for k, (name, b) in enumerate(sorted(p.marks, key=lambda m: m[1])):
        ax.axvline(b, color=MUTED, lw=0.7, ls=":")
        ax.text(
            b,
            top * (0.97 - 0.08 * (k % 3)),
            f" {name} {_tex(format_budget(b, p.axis))} ",
            color=MUTED,
            fontsize=6.5,
            va="top",
            ha="left" if b <= middle else "right",
        )
    ax.legend(loc="lower right")


def render_explain_html(view: Mapping[str, Any], chart_svg: Sequence[str]) -> str:
    """The ``explain`` page: each threshold in words beside its chart, relations, gate rule.

    Args:
        view: :meth:`checker.authoring.explain.PolicyExplanation.to_dict`.
        chart_svg: One SVG per threshold, in the view's order.

    Returns:
        A standalone HTML document.
    """
    from checker.report.charts import data_uri

    return _template("explain.html.j2").render(view=view, charts=[data_uri(s) for s in chart_svg])


def render_backtest_html(view: Mapping[str, Any]) -> str:
    """The ``backtest`` page: models x thresholds, the changes against the current policy.

    Args:
        view: :meth:`checker.authoring.backtest.Backtest.to_dict`.

    Returns:
        A standalone HTML document.
    """
    return _template("backtest.html.j2").render(view=view)


def _template(name: str) -> Any:
    import jinja2

    from checker.report.render import template_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["budget"] = lambda v, axis: "—" if v is None else format_budget(v, axis)
    env.filters["human"] = lambda s: str(s).replace("_", " ")
    return env.get_template(name)
