"""The curves as one self-contained HTML page (``rspcheck curves --html``, ``compare --html``).

No network and no libraries: the page carries its data as JSON and a small script
(``reports/curves.js``) that draws the charts as SVG, shows the numbers under the pointer and
switches between budget axes; a Content-Security-Policy forbids every fetch. The tables are
written into the page for each axis, so it reads without the script too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.budget import format_budget
from checker.report.curve_charts import COLOURS, MARKERS
from checker.version import __version__

if TYPE_CHECKING:
    from checker.engine.budget_curves import ConfigCurve, CurveSet
    from checker.engine.compare import ModelComparison

TEMPLATE = "curves.html.j2"
SCRIPT = "curves.js"
AXIS_NAMES = {"tokens": "tokens", "usd": "USD", "seconds": "seconds"}


def curves_page(cs: CurveSet, axis: str, title: str = "Performance against budget") -> str:
    """The page for a :class:`~checker.engine.budget_curves.CurveSet`, opening on ``axis``."""
    return _page(
        cs.curves,
        axes=[a for a in cs.axes if any(c.axis == a for c in cs.curves)] or [axis],
        axis=axis,
        title=title,
        notes={
            a: [n.split(": ", 1)[1] for n in cs.notes if n.startswith(f"{a}:")] for a in cs.axes
        },
        findings=[],
        meta=(cs.seed, cs.replicates, cs.confidence, cs.truncation),
    )


def comparison_page(cmp: ModelComparison, title: str = "Models compared at matched budgets") -> str:
    """The page for a :class:`~checker.engine.compare.ModelComparison` (one axis)."""
    curves = [
        c.model_copy(update={"label": f"{c.label} · {e.eval}"}) for e in cmp.evals for c in e.curves
    ]
    axis = cmp.evals[0].axis if cmp.evals else "usd"
    findings = [f"{e.eval}: {line}" for e in cmp.evals for line in e.own_max]
    findings += [f"{e.eval}: {p.text}" for e in cmp.evals for p in e.pairs]
    return _page(
        curves,
        axes=[axis],
        axis=axis,
        title=title,
        notes={axis: list(cmp.notes)},
        findings=findings,
        meta=(cmp.seed, cmp.replicates, cmp.confidence, cmp.truncation),
    )


def _series(c: ConfigCurve) -> str:
    return c.label.replace(f" · {c.eval}", "")


def _page(
    curves: Sequence[ConfigCurve],
    *,
    axes: list[str],
    axis: str,
    title: str,
    notes: dict[str, list[str]],
    findings: list[str],
    meta: tuple[int, int, float, bool],
) -> str:
    import markupsafe

    from checker.report.render import _environment, template_dir

    series = list(dict.fromkeys(_series(c) for c in curves))
    panels: dict[str, list[dict[str, Any]]] = {}
    tables: dict[str, list[dict[str, Any]]] = {a: [] for a in axes}
    for a in axes:
        on = [c for c in curves if c.axis == a]
        for eval_id in dict.fromkeys(c.eval for c in on):
            panels.setdefault(a, []).append(
                {
                    "eval": eval_id,
                    "curves": [
                        {
                            "series": series.index(_series(c)),
                            "best": c.best.model_dump(),
                            "points": [p.model_dump() for p in c.points],
                        }
                        for c in on
                        if c.eval == eval_id
                    ],
                }
            )
        for c in on:
            tables[a].append(
                {
                    "label": c.label,
                    # Runs as evaluated (and best-of-k) first; a run's truncated reading has
                    # tens of rows, folded below them so that the table stays readable.
                    "points": [
                        {**p.model_dump(), "budget_text": format_budget(p.budget, a)}
                        for p in c.points
                        if p.kind != "truncated"
                    ],
                    "truncated": [
                        {**p.model_dump(), "budget_text": format_budget(p.budget, a)}
                        for p in c.points
                        if p.kind == "truncated"
                    ],
                    "own_max": _own_text(c),
                }
            )
    data = {
        "axes": axes,
        "axisNames": AXIS_NAMES,
        "series": series,
        "styles": [{"color": c, "marker": m} for c, m in zip(COLOURS, MARKERS, strict=True)],
        "panels": panels,
    }
    # inside <script>, "</" would end the element: JSON allows "<\/" for it
    data_json = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    env = _environment()
    script = (template_dir() / SCRIPT).read_text(encoding="utf-8")
    seed, replicates, confidence, truncation = meta
    return env.get_template(TEMPLATE).render(
        title=title,
        axes=axes,
        axis=axis,
        axis_names=AXIS_NAMES,
        tables=tables,
        notes={a: notes.get(a, []) for a in axes},
        findings=findings,
        data_json=markupsafe.Markup(data_json),
        script=markupsafe.Markup(script),
        confidence=confidence,
        truncation=truncation,
        seed=seed,
        replicates=replicates,
        version=__version__,
    )


def _own_text(c: ConfigCurve) -> str:
    o = c.own_max
    if o is None:
        return ""
    text = (
        f"Largest evaluated budget: {format_budget(o.budget, c.axis)} ({o.label}), score "
        f"{o.score:.3f} [{o.lower:.3f}, {o.upper:.3f}]"
    )
    if f"{o.best:.2f}" != f"{o.score:.2f}":
        text += f"; the best at or below it (P*) is {o.best:.3f}"
    return text + "."
