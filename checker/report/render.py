"""Render a :class:`~checker.determination.Determination` as the report a review board
reads: HTML from the jinja2 templates in ``reports/`` (see :mod:`checker.files.shipped`), then a
reproducible PDF/A-3b with the determination JSON attached (signing is :mod:`checker.sign`'s).
A report of :data:`PARTS_FROM` or more thresholds is cut into parts (:func:`plan_parts`) that
are drawn and laid out side by side (:mod:`checker.report.parts`).

::

    from checker.report import render_pdf
    from checker.sign import load_signer, sign_pdf, signer_name

    pdf = render_pdf(det)                                               # unsigned, reproducible
    signer = load_signer(key, cert, passphrase=None)
    signed = sign_pdf(render_pdf(det, signer_label=signer_name(signer.signing_cert)), signer)

The attached ``determination.json`` is ``det.to_json()`` byte for byte (what ``rspcheck check
--json`` writes). The document's time is ``det.as_of`` at 00:00 UTC, so the unsigned bytes
depend only on the determination (and the signer's name printed on the cover).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from checker.budget import format_budget
from checker.errors import RspcheckError

if TYPE_CHECKING:
    from checker.determination import Determination, PriceUse, ThresholdResult

TEMPLATE = "determination.html.j2"

VERDICT_TEXT = {
    "allow": "ALLOW",
    "allow_with_safeguards": "ALLOW WITH SAFEGUARDS",
    "block": "BLOCK",
}
VERDICT_LINE = {
    "allow": "No threshold is crossed or indeterminate: release is allowed by this policy.",
    "allow_with_safeguards": "Every crossed or indeterminate threshold has its required "
    "safeguards attested and unexpired.",
    "block": "At least one requirement is unmet: the policy blocks release.",
}
STATE_TEXT = {"crossed": "crossed", "not_crossed": "not crossed", "indeterminate": "indeterminate"}
BASIS_TEXT = {
    "direct": "direct evidence",
    "repeated_sampling": "repeated sampling",
    "extrapolated": "extrapolation",
    "none": "—",
}


def _setting_text(value: object) -> object:
    """A decision setting as people read it: a per-bound cap ``{crossed: 0.5, not_crossed:
    1.0}`` as ``crossed 0.5, not crossed 1.0`` (not a Python dict)."""
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {v:g}" for k, v in value.items())
    return value


def render_determination(
    det: Determination, *, signer_label: str | None = None, dev_key: bool = False
) -> str:
    """The report's HTML, whole (charts inlined as data URIs; no external resources).

    Args:
        signer_label: Who signs it (printed on the cover and as the PDF author); ``None``
            for an unsigned report, which says so.
        dev_key: Print the DEVELOPMENT KEY — NOT FOR RELEASE banner.
    """
    return render_part(det, Part.whole(det), signer_label=signer_label, dev_key=dev_key)


class Part(NamedTuple):
    """A run of the report's sections that starts on a new page (see :func:`plan_parts`)."""

    front: bool
    """Whether it holds the cover, the summary and the gate."""
    thresholds: range
    """Indexes into ``det.thresholds`` of the threshold sections it holds."""
    back: bool
    """Whether it holds the comparisons and the inputs, settings and caveats."""

    @classmethod
    def whole(cls, det: Determination) -> Part:
        """Every section: the report as one part."""
        return cls(front=True, thresholds=range(len(det.thresholds)), back=True)


def render_part(
    det: Determination, part: Part, *, signer_label: str | None = None, dev_key: bool = False
) -> str:
    """The HTML of one part of the report: a whole document with the report's head, holding
    only ``part``'s sections (and drawing only their charts)."""
    env = _environment()
    from checker.report import charts

    thresholds = [
        _threshold_view(t, det, charts, charts.threshold_chart(t, det.actors))
        for t in (det.thresholds[i] for i in part.thresholds)
    ]
    graph = charts.relation_graph(det) if part.front else None
    states = Counter(t.state for t in det.thresholds)
    from checker.engine.unblock import unblock

    unblocked = unblock(det)
    verdict = VERDICT_TEXT[det.gate.result]
    policy_title = det.policy.title or det.policy.id or "policy"
    version = det.policy.version
    model_label = det.model_name or det.model
    ctx = {
        "det": det,
        "front": part.front,
        "back": part.back,
        "verdict": verdict,
        "verdict_class": det.gate.result.replace("_", "-"),
        "verdict_line": VERDICT_LINE[det.gate.result],
        "unblock": unblocked,
        # the bottom line without the verdict word the cover prints above it
        "bottom_line": unblocked.bottom_line.split(" ", 1)[1].lstrip(": ")
        if det.gate.result == "block"
        else unblocked.bottom_line.split(": ", 1)[-1],
        "policy_title": policy_title,
        "policy_version": version,
        "model_label": model_label,
        "signer_label": signer_label,
        "dev_key": dev_key,
        "states": {k: states.get(k, 0) for k in ("crossed", "indeterminate", "not_crossed")},
        "all_thresholds": [_summary_view(t) for t in det.thresholds] if part.front else [],
        "thresholds": thresholds,
        "price_groups": _price_groups(det),
        "coverage_charts": [charts.data_uri(svg) for svg in charts.coverage_charts(det)]
        if part.front
        else [],
        "graph_chart": charts.data_uri(graph) if graph else None,
        "unrelated": charts.unrelated_thresholds(det) if graph else [],
        "comparisons": [
            {"c": c, "chart": charts.data_uri(charts.comparison_chart(c))} for c in det.comparisons
        ]
        if part.back
        else [],
        "title": f"rspcheck determination: {policy_title}"
        + (f" v{version}" if version else "")
        + f" — {det.model} — {verdict}",
        "running_header": f"{policy_title}"
        + (f" v{version}" if version else "")
        + f" · {det.model} · {verdict}",
        "keywords": ", ".join(
            dict.fromkeys(
                [
                    "rspcheck",
                    "determination",
                    "frontier safety",
                    det.policy.id,
                    det.model,
                    det.gate.result,
                    *(t.id for t in det.thresholds[:20]),
                ]
            )
        ).replace(", ,", ","),
        "subject": f"{verdict}: {det.model} against {policy_title}"
        + (f" v{version}" if version else "")
        + f", as of {det.as_of.isoformat()}",
        "settings": [(k, _setting_text(v)) for k, v in sorted(det.settings.model_dump().items())],
        "actors": det.actors,
        "unmet_by_threshold": _group_unmet(det),
    }
    return env.get_template(TEMPLATE).render(**ctx)


#: Reports with fewer thresholds are laid out as one part: a part costs ~0.2 s of its own.
PARTS_FROM = 8
#: From this estimated layout cost (about a threshold page each) a report is cut into four
#: parts, below it into two: even counts share out evenly over two or four cores. The cut
#: depends on the determination only, never on the machine, so the same determination gives
#: the same bytes everywhere; the cores only decide how many parts are laid out at once
#: (``RSPCHECK_PDF_WORKERS``).
FOUR_PARTS_FROM = 48.0


def plan_parts(det: Determination) -> list[Part]:
    """Cut the report into parts of about equal layout cost (see :mod:`checker.report.parts`):
    the front matter and the first threshold sections, more threshold sections, ..., the last
    ones and the back matter. Each cut falls between two sections, where a page starts anyway."""
    n = len(det.thresholds)
    if n < PARTS_FROM:
        return [Part.whole(det)]
    weights = [_front_weight(det), *(_threshold_weight(t) for t in det.thresholds)]
    weights[-1] += _back_weight(det)
    count = 4 if sum(weights) >= FOUR_PARTS_FROM else 2
    target = sum(weights) / count
    cuts: list[int] = []
    acc = 0.0
    for i, w in enumerate(weights[:-1]):
        acc += w
        # a section goes to the part its middle falls in
        if len(cuts) < count - 1 and acc >= target * (len(cuts) + 1) - w / 2:
            cuts.append(i + 1)
    bounds = [0, *cuts, len(weights)]
    out = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]  # in weights: 0 is the front, i + 1 threshold i
        first = max(lo - 1, 0)
        out.append(Part(front=lo == 0, thresholds=range(first, hi - 1), back=hi == len(weights)))
    return out


def _front_weight(det: Determination) -> float:
    # cover + summary table + coverage chart + gate (unmet rows, relation graph)
    n = len(det.thresholds)
    return 3.0 + 0.12 * n + 0.04 * len(det.gate.unmet)


def _threshold_weight(t: ThresholdResult) -> float:
    rows = len(_listed_points(t)) + len(t.explain) + len(t.reasons)
    return 1.0 + 0.06 * rows


def _back_weight(det: Determination) -> float:
    settings = len(type(det.settings).model_fields)
    rows = len(det.inputs) + settings + len(det.caveats) + len(det.warnings)
    return 1.0 + 1.0 * len(det.comparisons) + 0.03 * rows


def render_pdf(
    det: Determination, *, signer_label: str | None = None, dev_key: bool = False
) -> bytes:
    """Render ``det`` to PDF/A-3b with ``det.to_json()`` attached, unsigned.

    ``signer_label`` (who will sign it: :func:`checker.sign.keys.signer_name`) is printed on the
    cover and as the PDF's author, ``dev_key`` prints the development-key banner; signing itself
    is :func:`checker.sign.signing.sign_pdf`'s, on the bytes this returns. The bytes are
    reproducible: the same determination and label give the same PDF.
    """
    from checker.report import parts
    from checker.report.pdf import determination_pdf

    # a WeasyPrint that cannot defer margin boxes renders the report whole (slower, same pages)
    plan = plan_parts(det) if parts.supported() else [Part.whole(det)]
    builds = [
        functools.partial(render_part, det, part, signer_label=signer_label, dev_key=dev_key)
        for part in plan
    ]
    created = dt.datetime.combine(det.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    return determination_pdf(builds, det.to_json().encode("utf-8"), created=created)


# -- internals -----------------------------------------------------------------------------


def template_dir() -> Path:
    """Where the report templates are (``reports/``; see :mod:`checker.files.shipped`)."""
    from checker.files.shipped import shipped_dir

    return shipped_dir("reports")


def _environment() -> Any:
    folder = template_dir()
    if not (folder / TEMPLATE).is_file():
        raise RspcheckError.one(
            "pdf-render-failed",
            f"the report templates are missing: {folder / TEMPLATE} does not exist",
            hint="reinstall rspcheck: a wheel carries them in checker/_shipped/reports, a "
            "checkout (pip install -e .) in reports/ beside checker/",
        )
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["budget"] = _fmt_budget
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.0%}"
    env.filters["num"] = _fmt_num
    env.filters["state"] = lambda s: STATE_TEXT.get(s, str(s).replace("_", " "))
    env.filters["basis"] = lambda b: BASIS_TEXT.get(b, str(b).replace("_", " "))
    env.filters["css_string"] = _css_string
    env.filters["human"] = lambda s: str(s).replace("_", " ")
    return env


def _fmt_budget(value: float | None, axis: str) -> str:
    if value is None:
        return "—"
    return format_budget(value, axis)


def _fmt_num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if abs(value) >= 10**digits:  # 2,010, not 2.01e+03: people read no exponents
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return str(value)


def _css_string(text: str) -> Any:
    """A CSS string literal (for ``content:`` inside ``<style>``): backslashes, quotes and
    ``<`` escaped the CSS way, marked safe so that HTML autoescaping leaves it alone."""
    import markupsafe

    out = str(text).replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")
    out = out.replace("\n", " ")
    return markupsafe.Markup(f'"{out}"')


def _crossing_text(t: ThresholdResult) -> str:
    cb = t.crossing_budget
    if cb.estimate is None:
        return "—"
    text = format_budget(cb.estimate, t.axis)
    lo = format_budget(cb.lower, t.axis) if cb.lower is not None else "?"
    hi = format_budget(cb.upper, t.axis) if cb.upper is not None else "not within reach"
    return f"{text} [{lo}, {hi}]"


def _summary_view(t: ThresholdResult) -> dict[str, Any]:
    """What the summary table shows of a threshold."""
    headroom = None
    if t.headroom_oom is not None:
        headroom = ("≥ " if t.headroom_is_lower_bound else "") + f"{t.headroom_oom:.1f} OOM"
    return {
        "t": t,
        "crossing": _crossing_text(t),
        "headroom": headroom,
        "reason_codes": list(dict.fromkeys(r.code for r in t.reasons)),
    }


def _threshold_view(
    t: ThresholdResult, det: Determination, charts: Any, svg: str
) -> dict[str, Any]:
    """What a threshold's own section shows."""
    points = _listed_points(t)
    return {
        **_summary_view(t),
        "points": points,
        "points_left": len(t.points) - len(points),
        "truncated_left": sum(p.truncated_at is not None for p in t.points),
        "chart": charts.data_uri(svg),
        "legend": charts.legend_entries(t),
        # the purple band's reach, as its label on the chart gives it (the lower-bound-only
        # stretch after it carries a distance too, but is not drawn as extrapolated)
        "ext_oom": max(
            (
                o
                for o, b in zip(t.curve.extrapolation_oom, t.curve.basis, strict=True)
                if b == "extrapolated"
            ),
            default=0.0,
        ),
        "actors": [(a, a.budgets[t.axis]) for a in det.actors if t.axis in a.budgets],
        "unmet": [u for u in det.gate.unmet if u.threshold == t.id],
    }


def _listed_points(t: ThresholdResult) -> list[Any]:
    """The evaluated configurations the threshold page lists: every single-attempt (k = 1)
    configuration, and the repeated-sampling ones on the achievable frontier (no other
    configuration reaches at least as high a score for no more budget). The rest are counted
    on the page, as are budget-truncated configurations (a run read at many lower caps: dots on
    the chart); all of them are in the attached JSON (and drawn on the chart)."""
    out = []
    for p in t.points:
        dominated = any(
            q is not p
            and q.budget <= p.budget
            and q.estimate >= p.estimate
            and (q.budget < p.budget or q.estimate > p.estimate)
            for q in t.points
        )
        if p.truncated_at is None and (p.k == 1 or not dominated):
            out.append(p)
    return out


def _group_unmet(det: Determination) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for u in det.gate.unmet:
        out.setdefault(u.threshold, []).append(u)
    return out


def _price_groups(det: Determination) -> list[dict[str, object]]:
    """Runs priced the same way, one row each: a release prices hundreds of runs with a handful
    of tables, and a row per run would be pages nobody reads (the JSON keeps every run)."""
    first: dict[tuple[object, ...], PriceUse] = {}
    runs: dict[tuple[object, ...], list[str]] = {}
    attempts: dict[tuple[object, ...], int] = {}
    for p in det.prices:
        key = (p.method, p.price_effective, p.usd_per_mtok)
        first.setdefault(key, p)
        runs.setdefault(key, []).append(p.run)
        attempts[key] = attempts.get(key, 0) + p.attempts_priced
    return [
        {
            "method": p.method,
            "effective": p.price_effective,
            "rates": p.usd_per_mtok,
            "runs": runs[key],
            "attempts": attempts[key],
        }
        for key, p in first.items()
    ]
