"""The report's charts: matplotlib figures as deterministic SVG, embedded as ``<img>`` data URIs.

Each function takes part of a :class:`~checker.determination.Determination` and returns
SVG text. Determinism: ``svg.hashsalt`` is fixed and the ``Date`` metadata dropped, so the same
determination gives the same bytes; text stays text (``svg.fonttype = none``, DejaVu Sans),
which keeps the SVG small and the PDF searchable. No pyplot: figures are built directly on the
SVG canvas, so nothing touches the global backend or a display.

matplotlib is imported inside the functions (``import checker.report.charts`` is free).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from checker.budget import format_budget

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from checker.determination import (
        ActorRef,
        ComparisonResult,
        Coverage,
        Determination,
        ThresholdResult,
    )

# Restrained palette, shared with the CSS (reports/determination.css).
INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#e4e4e4"
CURVE = "#1f4e79"
EXTRAP = "#7a5ea8"
BELOW = "#8a9bb0"
THRESHOLD = "#b3261e"
ALERT = "#c77700"
UNCOVERED = "#f0f0f0"
STATE_COLOURS = {"crossed": "#b3261e", "not_crossed": "#1b7f3b", "indeterminate": "#b26a00"}
SAFEGUARD_OK = "#1b7f3b"
SAFEGUARD_UNMET = "#b3261e"

_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "rspcheck",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": "#9a9a9a",
    "axes.linewidth": 0.6,
    "axes.labelcolor": INK,
    "axes.titlesize": 9,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "legend.frameon": False,
    "legend.fontsize": 7,
    "path.simplify": True,
    "lines.solid_capstyle": "butt",
}


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,...`` for an ``<img src>`` (stack-notes: 5x faster layout
    than inline SVG, and no CSS warnings)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72)


def _save(fig: Any) -> str:
    """The figure as SVG text, shaped for WeasyPrint's SVG renderer, whose cost is per node
    (each parsed, cascaded and drawn on its own) and per centred or right-aligned text (each
    becomes a PDF form XObject). So: text is written start-anchored at the position matplotlib
    laid it out at (same font, same place), and ``<g>`` wrappers that carry nothing but an
    ``id`` are dropped (their children move up). What is drawn does not change."""
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

    class _StartAnchored(RendererSVG):
        def draw_text(
            self,
            gc: Any,
            x: float,
            y: float,
            s: str,
            prop: Any,
            angle: float,
            ismath: Any = False,
            mtext: Any = None,
        ) -> None:
            # without `mtext` matplotlib places the text by its own layout (translate x y)
            super().draw_text(gc, x, y, s, prop, angle, ismath, None)

    FigureCanvasSVG(fig)
    buf = io.StringIO()
    width, height = fig.get_size_inches()
    renderer = MixedModeRenderer(
        fig,
        width,
        height,
        72,
        _StartAnchored(
            width * 72, height * 72, buf, image_dpi=72, metadata={"Date": None, "Creator": None}
        ),
    )
    fig.draw(renderer)
    renderer.finalize()
    svg = buf.getvalue()
    return _flatten_groups(svg[svg.index("<svg") :])


def _flatten_groups(svg: str) -> str:
    """Drop ``<g id="...">`` wrappers with no other attribute, keeping their children, and
    empty ``<g .../>`` elements (matplotlib writes one per artist and per tick)."""
    import re

    out: list[str] = []
    stack: list[bool] = []  # per open <g>: was it kept?
    for m in re.finditer(r"<g(?:\s[^>]*)?>|</g>|[^<]+|<[^>]*>", svg):
        tok = m.group(0)
        if tok.startswith("<g") and tok.endswith("/>") and tok[2] in " /":
            continue  # an empty group draws nothing
        if tok.startswith("<g") and (tok.endswith(">") and (tok[2] in " >")):
            bare = re.fullmatch(r'<g(?: id="[^"]*")?>', tok) is not None
            stack.append(not bare)
            if not bare:
                out.append(tok)
        elif tok == "</g>":
            if stack.pop():
                out.append(tok)
        else:
            out.append(tok)
    return "".join(out)


def _rc() -> Any:
    import matplotlib

    return matplotlib.rc_context(_RC)


def _nan(values: Sequence[float | None]) -> Any:
    import numpy as np

    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _runs(labels: Sequence[str]) -> Iterator[tuple[str, int, int]]:
    """Contiguous runs ``(label, start, stop)`` (stop exclusive) of equal labels."""
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            yield labels[start], start, i
            start = i


def _budget_axis(ax: Any, axis: str) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    # major decades only: minor ticks cost most of a chart's drawing time (matplotlib and
    # WeasyPrint alike) and add little on a budget axis
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _fb(v, axis)))
    ax.xaxis.set_minor_locator(NullLocator())


def _decades(lo: float, hi: float, most: int = 12) -> list[float]:
    """Powers of ten within [lo, hi], every second (third...) one when there are many."""
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    step = max(1, math.ceil((last - first + 1) / most))
    return [10.0**k for k in range(first, last + 1, step)]


def _light_axes(
    ax: Any,
    *,
    xticks: Sequence[float],
    xlabels: Sequence[str],
    yticks: Sequence[float],
    ylabels: Sequence[str],
    xlabel: str,
    ylabel: str = "",
    ygrid: bool = True,
) -> None:
    """Grid lines and tick labels drawn directly, with matplotlib's tick machinery off.

    A matplotlib tick is five artists built and laid out on every draw (~1 ms each; most of a
    chart's drawing time), and each grid line an SVG node that WeasyPrint draws on its own.
    Here each axis's grid is one path and each label one text: the same picture, for about
    half the cost in matplotlib and in WeasyPrint. Call it after the limits are set."""
    from matplotlib.ticker import NullLocator
    from matplotlib.transforms import offset_copy

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(NullLocator())
        axis.set_minor_locator(NullLocator())
    fig = ax.figure
    xt, yt = ax.get_xaxis_transform(), ax.get_yaxis_transform()
    gx: list[float] = []
    gy: list[float] = []
    for v in xticks:
        gx += [v, v, math.nan]
        gy += [0.0, 1.0, math.nan]
    ax.plot(gx, gy, color=GRID, lw=0.5, transform=xt, zorder=0.6)
    if ygrid:
        gx, gy = [], []
        for v in yticks:
            gx += [0.0, 1.0, math.nan]
            gy += [v, v, math.nan]
        ax.plot(gx, gy, color=GRID, lw=0.5, transform=yt, zorder=0.6)
    below = offset_copy(xt, fig, y=-4, units="points")
    left = offset_copy(yt, fig, x=-4, units="points")
    for v, text in zip(xticks, xlabels, strict=True):
        ax.text(v, 0, text, transform=below, ha="center", va="top", color=INK)
    for v, text in zip(yticks, ylabels, strict=True):
        ax.text(0, v, text, transform=left, ha="right", va="center", color=INK)
    ax.set_xlabel(xlabel, labelpad=13)
    if ylabel:
        ax.set_ylabel(ylabel, labelpad=19)


def _fb(value: float, axis: str) -> str:
    return _tex(format_budget(value, axis))


def _tex(text: str) -> str:
    """Escape ``$`` so matplotlib does not read ``$1 – $10`` as mathtext."""
    return text.replace("$", r"\$")


def _style_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # no tick marks: the grid lines mark the values, and each mark is an SVG node to draw
    ax.tick_params(left=False, bottom=False)
    ax.grid(True, which="major", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)


def axis_label(axis: str) -> str:
    """The budget axis as a chart labels it."""
    return {"usd": "USD", "tokens": "tokens", "seconds": "seconds"}.get(axis, axis)


# -- per-threshold chart -------------------------------------------------------------------


def threshold_chart(t: ThresholdResult, actors: Sequence[ActorRef] = ()) -> str:
    """P*(b) with its band, the evaluated points, T(b), the alert function, the assessed range,
    actor budgets and the crossing budget, on a log budget axis.

    The legend is not drawn: WeasyPrint lays SVG text out glyph by glyph, so each label costs
    milliseconds; the report prints the legend as HTML from :func:`legend_entries`."""
    import numpy as np

    c, cov = t.curve, t.coverage
    with _rc():
        fig = _figure(6.7, 2.9)
        ax = fig.add_axes((0.075, 0.14, 0.91, 0.83))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xscale("log")
        ax.set_ylim(0, 1.0)

        xs_all = [cov.range_min, cov.range_max]
        x = _nan(c.budgets)
        if x.size:
            xs_all += [float(np.nanmin(x)), float(np.nanmax(x))]
        xs_all += [p.budget for p in t.points if p.budget > 0]
        lo_x = min(v for v in xs_all if v > 0)
        hi_x = max(xs_all)
        pad = 10 ** (0.08 * max(math.log10(hi_x / lo_x), 1.0))
        xlim = (lo_x / pad, hi_x * pad)
        ax.set_xlim(*xlim)
        ys = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
        xs = _decades(*xlim)
        _light_axes(
            ax,
            xticks=xs,
            xlabels=[_fb(v, t.axis) for v in xs],
            yticks=ys,
            ylabels=[f"{v:.1f}" for v in ys],
            xlabel=f"budget per task ({axis_label(t.axis)})",
            ylabel="P*(b)",
        )

        # the assessed range: outside it is greyed; uncovered stretches hatched
        ax.axvspan(xlim[0], cov.range_min, color="#f6f6f6", lw=0, zorder=0)
        ax.axvspan(cov.range_max, xlim[1], color="#f6f6f6", lw=0, zorder=0)
        unc_spans: list[tuple[float, float]] = []
        if cov.segments:  # the stretches the coverage numbers are measured on
            unc_spans = [(g.lo, g.hi) for g in cov.segments if g.kind == "uncovered"]
        elif x.size:
            basis = list(c.basis)
            for label, a, b in _runs(basis):
                if label == "uncovered":
                    left = x[a - 1] if a > 0 else x[a]
                    unc_spans.append((float(left), float(x[b - 1])))
            top = float(np.nanmax(x))
            if cov.range_max > top and cov.uncovered > 0:
                unc_spans.append((top, cov.range_max))
        elif cov.uncovered > 0:
            unc_spans.append((cov.range_min, cov.range_max))
        for a_, b_ in unc_spans:
            lo_, hi_ = max(a_, cov.range_min), min(b_, cov.range_max)
            if hi_ > lo_:
                ax.axvspan(lo_, hi_, color="white", lw=0, zorder=0)
                _hatch(ax, lo_, hi_, xlim)

        # the band, by what supports it
        if x.size:
            lo = _nan(c.lower)
            up = _nan(c.upper)
            est = _nan(c.estimate)
            kinds = {
                "direct": (CURVE, 0.18),
                "repeated_sampling": (CURVE, 0.18),
                "below_evidence": (BELOW, 0.14),
                "extrapolated": (EXTRAP, 0.22),
            }
            for label, a, b in _runs([str(v) for v in c.basis]):
                if label not in kinds:
                    continue
                colour, alpha = kinds[label]
                a0 = max(a - 1, 0) if label == "extrapolated" else a
                b0 = min(b + 1, x.size) if label != "extrapolated" else b
                sl = slice(a0, b0)
                ax.fill_between(
                    x[sl],
                    np.nan_to_num(lo[sl], nan=0.0),
                    np.where(np.isnan(up[sl]), 1.0, up[sl]),
                    color=colour,
                    alpha=alpha,
                    lw=0,
                    zorder=1,
                )
                ax.plot(
                    x[sl],
                    est[sl],
                    color=colour if label != "repeated_sampling" else CURVE,
                    lw=1.4,
                    ls="--" if label == "extrapolated" else "-",
                    zorder=3,
                )
                if label == "extrapolated":
                    oom = max(c.extrapolation_oom[a:b], default=0.0)
                    xm = math.sqrt(x[a] * x[b - 1])
                    ax.text(
                        xm,
                        0.04,
                        f"extrapolated ≤ {oom:.2g} OOM",
                        ha="center",
                        va="bottom",
                        fontsize=7,
                        color=EXTRAP,
                        zorder=6,
                    )
            # Where nothing bounds P* from above, a lower bound may still stand (P* never falls,
            # or modelled repeated sampling): draw it, so a crossing shown there is visible.
            only_lower = np.array([str(v) == "uncovered" for v in c.basis]) & ~np.isnan(lo)
            if only_lower.any():
                ax.plot(
                    x[only_lower],
                    lo[only_lower],
                    color=EXTRAP,
                    lw=1.3,
                    ls=(0, (2, 1.5)),
                    marker="^",
                    markevery=max(1, int(only_lower.sum()) // 8),
                    ms=3,
                    zorder=3,
                )
            ax.plot(x, _nan(c.threshold), color=THRESHOLD, lw=1.3, ls=(0, (5, 2)), zorder=4)
            if c.alert is not None:
                ax.plot(x, _nan(c.alert), color=ALERT, lw=1.1, ls=(0, (1, 1.5)), zorder=4)

        # budget-truncated points (decision.truncation): small dots, no intervals, under the rest
        cut = [p for p in t.points if p.truncated_at is not None]
        if cut:
            ax.plot(
                [p.budget for p in cut],
                [p.estimate for p in cut],
                ls="none",
                marker="o",
                ms=1.8,
                color=MUTED,
                zorder=4.5,
            )
        # evaluated points: k = 1 circles, k > 1 (repeated sampling) diamonds; summary hollow
        groups: dict[tuple[bool, bool], list[Any]] = {}
        for p in t.points:
            if p.truncated_at is None:
                groups.setdefault((p.k > 1, p.grade == "summary"), []).append(p)
        for (multi, summary), pts in sorted(groups.items()):
            px = [p.budget for p in pts]
            py = [p.estimate for p in pts]
            colour = CURVE if not multi else "#2f7f8f"
            # intervals and their caps as one path (errorbar() writes a path per bar and a
            # marker per cap, and WeasyPrint's cost is per SVG node)
            cap = (xlim[1] / xlim[0]) ** 0.004  # a constant width on the log axis
            bx: list[float] = []
            by: list[float] = []
            for p in pts:
                lo_p, hi_p = min(p.lower, p.estimate), max(p.upper, p.estimate)
                b = p.budget
                bx += [b, b, math.nan, b / cap, b * cap, math.nan, b / cap, b * cap, math.nan]
                by += [lo_p, hi_p, math.nan, lo_p, lo_p, math.nan, hi_p, hi_p, math.nan]
            ax.plot(bx, by, color=colour, lw=0.9, zorder=5)
            ax.plot(
                px,
                py,
                ls="none",
                marker="D" if multi else "o",
                ms=4.2 if multi else 4.5,
                mfc="white" if summary else colour,
                mec=colour,
                mew=1.0,
                zorder=5,
            )

        # actor budgets and the range ends
        ymark = 0.985
        for actor in actors:
            spend = actor.budgets.get(t.axis)
            if spend is None or not (xlim[0] < spend < xlim[1]):
                continue
            ax.axvline(spend, color=MUTED, lw=0.7, ls=(0, (1, 2)), zorder=2)
            ax.text(
                spend,
                ymark,
                " " + _tex(actor.title or actor.id) + (" *" if actor.assumption else ""),
                rotation=90,
                ha="right",
                va="top",
                fontsize=6.5,
                color=MUTED,
                zorder=6,
            )
        for end in (cov.range_min, cov.range_max):
            ax.axvline(end, color="#9a9a9a", lw=0.8, zorder=2)
        # the crossing budget
        cb = t.crossing_budget
        if cb.estimate is not None and xlim[0] < cb.estimate < xlim[1]:
            colour = STATE_COLOURS.get(t.state, INK)
            i = int(np.argmin(np.abs(np.log(x / cb.estimate)))) if x.size else 0
            ty = float(_nan(c.threshold)[i]) if x.size else 0.5
            ax.axvline(cb.estimate, color=colour, lw=0.9, ls="-.", zorder=4)
            left = cb.lower if cb.lower is not None else cb.estimate
            right = cb.upper if cb.upper is not None else xlim[1]
            ax.plot([left, right], [ty, ty], color=colour, lw=3, alpha=0.45, zorder=4)
            ax.plot([cb.estimate], [ty], marker="*", ms=9, color=colour, ls="none", zorder=7)
        return _save(fig)


def _hatch(ax: Any, lo: float, hi: float, xlim: tuple[float, float]) -> None:
    """Diagonal hatching over ``lo``–``hi`` (full height) as one path: a hatch pattern costs
    WeasyPrint a tiling pattern per use, the slowest thing in a chart."""
    import numpy as np

    span = math.log(xlim[1] / xlim[0])
    fa, fb = math.log(lo / xlim[0]) / span, math.log(hi / xlim[0]) / span  # axes fractions
    pos = ax.get_position()
    w_in, h_in = ax.figure.get_size_inches()
    run = (pos.height * h_in) / (pos.width * w_in)  # axes-x per unit of axes-y at 45 degrees
    step = 0.075 / (pos.width * w_in)  # a line every 0.075 inch along x
    xs: list[float] = []
    ys: list[float] = []
    for c in np.arange(math.floor((fa - run) / step) * step, fb, step):
        y0, y1 = max(0.0, (fa - c) / run), min(1.0, (fb - c) / run)
        if y1 <= y0:
            continue
        xs += [c + y0 * run, c + y1 * run, math.nan]
        ys += [y0, y1, math.nan]
    ax.plot(xs, ys, color="#c8c8c8", lw=0.5, transform=ax.transAxes, zorder=0.5, clip_on=False)


def legend_entries(t: ThresholdResult) -> list[tuple[str, str]]:
    """``(key, label)`` for what :func:`threshold_chart` drew for ``t``; keys name the CSS
    swatch classes in ``reports/determination.css``."""
    c = t.curve
    basis = set(c.basis)
    out: list[tuple[str, str]] = []
    if basis & {"direct", "repeated_sampling"}:
        out.append(("band", "P* estimate and bounds (evidence)"))
    if "below_evidence" in basis:
        out.append(("below", "below the cheapest evaluated budget"))
    if "extrapolated" in basis:
        out.append(("extrap", "extrapolated estimate and bounds"))
    if any(b == "uncovered" and lo is not None for b, lo in zip(c.basis, c.lower, strict=True)):
        out.append(("extrap", "lower bound only (nothing bounds P* above here)"))
    if t.coverage.uncovered > 0:
        out.append(("uncovered", "uncovered"))
    out.append(("threshold", "threshold T(b)"))
    if c.alert is not None:
        out.append(("alert", "alert function"))
    kinds = {(p.k > 1, p.grade == "summary") for p in t.points if p.truncated_at is None}
    for multi, summary in sorted(kinds):
        key = ("multi" if multi else "single") + ("-summary" if summary else "")
        label = ("best-of-k, k > 1" if multi else "evaluated, k = 1") + (
            " (summary only)" if summary else ""
        )
        out.append((key, label))
    if any(p.truncated_at is not None for p in t.points):
        out.append(("truncated", "run truncated at a lower cap (lower bound)"))
    if t.crossing_budget.estimate is not None:
        out.append(("crossing", "crossing budget and interval"))
    out.append(("range", "assessed range ends"))
    return out


# -- budget coverage -----------------------------------------------------------------------


#: Bars per coverage chart: 30 bars and the chart's heading and caption fill an A4 page.
COVERAGE_ROWS = 30


def coverage_charts(det: Determination) -> list[str]:
    """The budget-coverage chart of every threshold, in charts of at most
    :data:`COVERAGE_ROWS` bars (one page each), on the same axis."""
    ts = det.thresholds
    return [
        coverage_chart(det, ts[i : i + COVERAGE_ROWS]) for i in range(0, len(ts), COVERAGE_ROWS)
    ]


_KIND_INDEX = {"direct": 0, "extrapolated": 1, "uncovered": 2}


def _coverage_stretches(cv: Coverage, l0: float, l1: float) -> list[tuple[int, float, float]]:
    """``(kind index, start, end)`` of a coverage bar drawn over ``l0``–``l1``: the
    determination's segments where it has them (the stretches its shares are measured on),
    else the shares stacked in order (a determination made before segments existed)."""
    out: list[tuple[int, float, float]] = []
    lo_b, hi_b = math.log10(cv.range_min), math.log10(cv.range_max)
    if cv.segments and hi_b > lo_b:
        scale = (l1 - l0) / (hi_b - lo_b)
        for seg in cv.segments:
            a = l0 + (math.log10(seg.lo) - lo_b) * scale
            b = l0 + (math.log10(seg.hi) - lo_b) * scale
            if b > a:
                out.append((_KIND_INDEX[seg.kind], a, b))
        return out
    start = l0
    for k, f in enumerate((cv.direct, cv.extrapolated, cv.uncovered)):
        width = f * (l1 - l0)
        if width > 0:
            out.append((k, start, start + width))
            start += width
    return out


def coverage_chart(det: Determination, thresholds: Sequence[ThresholdResult] | None = None) -> str:
    """A bar per threshold over its assessed range: direct, extrapolated, uncovered.

    When every threshold is on the same budget axis the bars sit on a shared log budget axis
    (each from its range's start to its end); otherwise each bar is drawn over its own range
    scaled to the same width, with the range printed beside it.

    Args:
        thresholds: The thresholds to draw (default: all of ``det``'s; see
            :func:`coverage_charts` for a report's page-sized charts). The axis is ``det``'s
            whole: charts of some of its thresholds line up with each other.
    """
    ts = list(det.thresholds if thresholds is None else thresholds)
    axes_used = {t.axis for t in det.thresholds}
    shared = len(axes_used) == 1
    n = max(len(ts), 1)
    with _rc():
        height = 1.05 + 0.24 * n
        fig = _figure(6.7, height)
        ax = fig.add_axes((0.24, 0.5 / height, 0.6, 1 - 0.85 / height))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        colours = (CURVE, "#b9aad6", "white")
        names = ("direct evidence", "extrapolated", "uncovered")
        labelled: set[int] = set()
        for row, t in enumerate(ts):
            cv = t.coverage
            y = n - 1 - row
            if shared:
                l0, l1 = math.log10(cv.range_min), math.log10(cv.range_max)
            else:
                l0, l1 = 0.0, 1.0
            for k, x0, x1 in _coverage_stretches(cv, l0, l1):
                col, name = colours[k], names[k]
                if shared:
                    x0, x1 = 10**x0, 10**x1
                ax.barh(
                    y,
                    x1 - x0,
                    left=x0,
                    height=0.62,
                    color=col,
                    edgecolor="#b0b0b0" if k == 2 else col,
                    hatch="////" if k == 2 else None,
                    lw=0.6 if k == 2 else 0,
                    label=None if k in labelled else name,
                )
                labelled.add(k)
            ax.text(
                1.01,
                y,
                f"{cv.direct:.0%} / {cv.extrapolated:.0%} / {cv.uncovered:.0%}",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=7,
                color=INK,
            )
            if not shared:
                ax.text(
                    -0.01,
                    y - 0.36,
                    f"{_fb(cv.range_min, t.axis)}–{_fb(cv.range_max, t.axis)}",
                    transform=ax.get_yaxis_transform(),
                    ha="right",
                    va="center",
                    fontsize=6,
                    color=MUTED,
                )
        ax.set_ylim(-0.6, n - 0.4)
        ax.text(
            1.01,
            1.0,
            "d / e / u",
            transform=ax.transAxes,
            va="bottom",
            fontsize=7,
            color=MUTED,
        )
        if shared:
            axis = next(iter(axes_used))
            # limits from the ranges themselves: autoscaling the bars in linear units first
            # left a log axis that cut off the cheapest range's start
            lo = min(t.coverage.range_min for t in det.thresholds)
            hi = max(t.coverage.range_max for t in det.thresholds)
            pad = (hi / lo) ** 0.03 if hi > lo else 2.0
            ax.set_xscale("log")
            ax.set_xlim(lo / pad, hi * pad)
            xs = _decades(*ax.get_xlim())
            xlabels = [_fb(v, axis) for v in xs]
            xlabel = f"assessed budget range per task ({axis_label(axis)}, log scale)"
        else:
            ax.set_xlim(0, 1)
            xs = [0, 0.5, 1]
            xlabels = ["range start", "log-midpoint", "range end"]
            xlabel = "position within each threshold's assessed range (log scale)"
        _light_axes(
            ax,
            xticks=xs,
            xlabels=xlabels,
            yticks=list(range(n)),
            ylabels=[_tex(_short(t.id, 30)) for t in reversed(ts)],
            xlabel=xlabel,
            ygrid=False,
        )
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(
            handles[:3],
            labels[:3],
            loc="upper left",
            ncol=3,
            bbox_to_anchor=(0.235, 1.0),
            handlelength=1.6,
        )
        return _save(fig)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- relation graph ------------------------------------------------------------------------


def relation_graph(det: Determination) -> str | None:
    """Thresholds (coloured by state) and safeguards (met / unmet) with ``implies`` and
    ``requires`` edges, laid out in layers from the gate's topological order.

    Only thresholds with a relation are drawn (the others would be a column of unconnected
    boxes); :func:`unrelated_thresholds` names them. The drawing is at most
    :data:`GRAPH_MAX_HEIGHT` inches tall, so it fits a page: boxes shrink beyond ~20 rows.

    Returns ``None`` when the policy has no relations (nothing worth drawing).
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    rels = list(det.relations)
    if not rels:
        return None
    state = {t.id: t.state for t in det.thresholds}
    order = [i for i in det.gate.order if i in state] + [
        t.id for t in det.thresholds if t.id not in det.gate.order
    ]
    implies = [(r.source, r.target) for r in rels if r.kind == "implies"]
    requires = [(r.source, r.target) for r in rels if r.kind == "requires"]
    # layer = longest implies-path from a source (stronger thresholds left)
    layer = {i: 0 for i in order}
    for i in order:  # topological: sources come first
        for s, tgt in implies:
            if s == i and tgt in layer:
                layer[tgt] = max(layer[tgt], layer[i] + 1)
    involved = _related(det)
    nodes_t = [i for i in order if i in involved]
    safeguards = list(dict.fromkeys(tg for _, tg in requires))
    unmet = {u.safeguard for u in det.gate.unmet if u.safeguard}
    satisfied = set(det.gate.satisfied)
    n_layers = max(layer.values(), default=0) + 1
    cols: dict[int, list[str]] = {}
    for i in nodes_t:
        cols.setdefault(layer[i], []).append(i)
    cols[n_layers] = safeguards
    rows = max((len(v) for v in cols.values()), default=1)
    ncols = n_layers + 1
    height = min(GRAPH_MAX_HEIGHT, max(1.6, 0.42 * rows + 0.6))
    # in row units: the height per row shrinks from 0.42 in when the drawing is capped
    row_in = (height - 0.6) / rows
    pos: dict[tuple[str, str], tuple[float, float]] = {}
    for cx, ids in cols.items():
        for r, node in enumerate(ids):
            y = (len(ids) - 1) / 2 - r
            kind = "s" if cx == n_layers else "t"
            pos[(kind, node)] = (float(cx), y)
    bw, bh = 0.78, 0.32  # in layer and row units: boxes shrink with the rows
    font = max(0.6, min(1.0, row_in / 0.42))
    with _rc():
        fig = _figure(6.7, height)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
        ax.set_axis_off()
        ax.set_xlim(-0.5, ncols - 0.5)
        ax.set_ylim(-(rows / 2) - 0.1, rows / 2 + 0.1)
        for (kind, node), (x, y) in pos.items():
            if kind == "t":
                colour = STATE_COLOURS.get(state.get(node, ""), MUTED)
                face, edge, text_col, style = colour, colour, "white", "round,pad=0.02"
            else:
                met = node in satisfied and node not in unmet
                edge = SAFEGUARD_OK if met else SAFEGUARD_UNMET if node in unmet else MUTED
                face, text_col, style = "white", edge, "square,pad=0.02"
            ax.add_patch(
                FancyBboxPatch(
                    (x - bw / 2, y - bh / 2),
                    bw,
                    bh,
                    boxstyle=style,
                    facecolor=face,
                    edgecolor=edge,
                    lw=1.2,
                    zorder=3,
                )
            )
            ax.text(
                x,
                y,
                _tex(_short(node, 22)),
                ha="center",
                va="center",
                fontsize=(6.5 if len(node) > 16 else 7) * font,
                color=text_col,
                fontweight="bold" if kind == "t" else "normal",
                zorder=4,
            )

        def arrow(a: tuple[float, float], b: tuple[float, float], dashed: bool) -> None:
            dx = b[0] - a[0]
            start = (a[0] + (bw / 2 if dx > 0 else 0), a[1] - (0 if dx > 0 else bh / 2))
            end = (b[0] - (bw / 2 if dx > 0 else 0), b[1] + (0 if dx > 0 else bh / 2))
            ax.add_patch(
                FancyArrowPatch(
                    start,
                    end,
                    arrowstyle="-|>",
                    mutation_scale=8,
                    color="#555555" if not dashed else "#8a8a8a",
                    lw=0.9,
                    ls=(0, (3, 2)) if dashed else "-",
                    connectionstyle="arc3,rad=0.0" if dx > 0 else "arc3,rad=-0.3",
                    shrinkA=1,
                    shrinkB=1,
                    zorder=1,
                )
            )

        for s, tg in implies:
            if ("t", s) in pos and ("t", tg) in pos:
                arrow(pos[("t", s)], pos[("t", tg)], dashed=False)
        for s, tg in requires:
            if ("t", s) in pos and ("s", tg) in pos:
                arrow(pos[("t", s)], pos[("s", tg)], dashed=True)
        return _save(fig)


#: Tallest relation graph (inches): with its heading and caption it fills an A4 page.
GRAPH_MAX_HEIGHT = 8.3


def _related(det: Determination) -> set[str]:
    rels = det.relations
    return {r.source for r in rels} | {r.target for r in rels if r.kind == "implies"}


def unrelated_thresholds(det: Determination) -> list[str]:
    """Thresholds in no relation, which :func:`relation_graph` leaves out."""
    related = _related(det)
    return [t.id for t in det.thresholds if t.id not in related]


# -- comparisons ---------------------------------------------------------------------------


def comparison_chart(cmp: ComparisonResult) -> str:
    """P*_b − P*_a at matched budgets with its band; beside it, each model at its own maximum
    budget (not matched: labelled as such)."""
    import numpy as np

    with _rc():
        fig = _figure(6.7, 3.0)
        ax = fig.add_axes((0.09, 0.2, 0.55, 0.68))
        ax2 = fig.add_axes((0.74, 0.2, 0.24, 0.68))
        _style_axes(ax)
        _style_axes(ax2)
        _budget_axis(ax, cmp.axis)
        x = np.asarray(cmp.budgets, dtype=float)
        ax.fill_between(x, cmp.lower, cmp.upper, color=CURVE, alpha=0.18, lw=0)
        ax.plot(x, cmp.difference, color=CURVE, lw=1.4)
        ax.axhline(0, color=INK, lw=0.7)
        lim = max(0.1, *(abs(v) for v in (*cmp.lower, *cmp.upper)))
        ax.set_ylim(-min(1.0, lim * 1.15), min(1.0, lim * 1.15))
        ax.set_ylabel(_tex(f"P*({_short(cmp.b, 18)}) − P*({_short(cmp.a, 18)})"))
        ax.set_xlabel(f"matched budget per task ({axis_label(cmp.axis)})")
        if x.size and len(_decades(float(x.min()), float(x.max()))) < 3:
            # a range of a decade or two had one labelled tick: label 1-2-5 steps instead
            from matplotlib.ticker import NullFormatter

            ticks = [
                m * 10.0**k
                for k in range(math.floor(math.log10(x.min())), math.ceil(math.log10(x.max())) + 1)
                for m in (1, 2, 5)
                if x.min() * (1 - 1e-9) <= m * 10.0**k <= x.max() * (1 + 1e-9)
            ]
            ax.set_xticks(ticks)
            ax.set_xticklabels([_fb(v, cmp.axis) for v in ticks])
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title("at matched budgets (difference, with interval)", loc="left", fontsize=8)
        for i, (b, s) in enumerate((cmp.own_max_a, cmp.own_max_b)):
            ax2.plot([i], [s], marker="o", ms=6, color=(MUTED, CURVE)[i], ls="none")
            ax2.text(
                i,
                s + 0.04,
                f"{s:.2f}\nat {_fb(b, cmp.axis)}",
                ha="center",
                va="bottom",
                fontsize=6.5,
            )
        ax2.set_xlim(-0.6, 1.6)
        ax2.set_ylim(0, 1.15)
        ax2.set_xticks([0, 1])
        ax2.set_xticklabels([_tex(_short(cmp.a, 12)), _tex(_short(cmp.b, 12))])
        ax2.set_ylabel("score")
        ax2.set_title(
            "each at its own maximum budget\n(NOT matched)", loc="left", fontsize=7.5, color=MUTED
        )
        return _save(fig)
