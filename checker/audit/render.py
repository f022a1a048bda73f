"""The audit report as a page: HTML for a browser, and the same content as a PDF/A-3b that
carries the audit JSON and is signed and verified exactly as a determination is.

Cover: the document, the bottom line and the counts by severity. Then one section per
finding (the claims quoted, the explanation, and for a comparison with evidence the
matched-budget difference drawn with its band), then the disclosure table and the inputs.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape
from typing import Any

from checker.audit.findings import Audit, Finding, MatchedCheck
from checker.budget import format_budget

_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 10pt; color: #111;
  max-width: 52em; margin: 0 auto; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 .2em; } h2 { font-size: 13pt; margin-top: 1.4em; }
.sub { color: #555; } .bottom { font-size: 12pt; font-weight: bold; margin: 1em 0; }
.counts span { display: inline-block; padding: .2em .6em; margin-right: .4em; border-radius: 3px; }
.error { background: #fbe3e3; color: #8b0000; } .warning { background: #fff3d6; color: #7a4b00; }
.info { background: #e6eef9; color: #1d3f73; }
.finding { border-left: 4px solid #ccc; padding: .2em 0 .2em .8em; margin: 1em 0;
  page-break-inside: avoid; }
.finding.sev-error { border-color: #c33; } .finding.sev-warning { border-color: #d90; }
.finding.sev-info { border-color: #48c; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
blockquote { margin: .4em 0; padding-left: .6em; border-left: 2px solid #ddd; color: #333;
  font-size: 9pt; }
table { border-collapse: collapse; font-size: 9pt; } td, th { padding: .2em .6em;
  border-bottom: 1px solid #ddd; text-align: right; } th:first-child, td:first-child
  { text-align: left; }
.banner { background: #8b0000; color: white; padding: .3em .6em; font-weight: bold; }
"""


def audit_html(result: Audit, *, signer_label: str | None = None, dev_key: bool = False) -> str:
    """The audit as one self-contained HTML page (no scripts, no external resources).

    Args:
        result: The audit.
        signer_label: Who signs it (printed on the cover), if it will be signed.
        dev_key: Print the development-key banner.

    Returns:
        The HTML document.
    """
    doc = result.document
    c = result.counts
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Audit: {escape(str(doc.get('title')))}</title><style>{_CSS}</style></head><body>",
    ]
    if dev_key:
        out.append("<p class='banner'>Signed with a DEVELOPMENT key: NOT FOR RELEASE</p>")
    out.append(f"<h1>Audit of {escape(str(doc.get('title')))}</h1>")
    meta = [doc.get(k) for k in ("publisher", "version", "date", "url") if doc.get(k)]
    if meta:
        out.append(f"<p class='sub'>{' · '.join(escape(str(m)) for m in meta)}</p>")
    out.append(f"<p class='bottom'>{escape(result.bottom_line)}</p>")
    out.append(
        "<p class='counts'>"
        + "".join(
            f"<span class='{s}'>{c.get(s, 0)} {s}{'' if c.get(s, 0) == 1 else 's'}</span>"
            for s in ("error", "warning", "info")
        )
        + "</p>"
    )
    out.append(
        f"<p class='sub'>Audited {result.as_of.isoformat()} with "
        f"{escape(', '.join(result.strength))} · rspcheck {escape(result.tool_version)} · "
        f"seed {result.seed}"
        + (f" · signed by {escape(signer_label)}" if signer_label else "")
        + "</p>"
    )
    out.append("<h2>Findings</h2>")
    if not result.findings:
        out.append("<p>None.</p>")
    for f in result.findings:
        out.append(_finding(f))
    out.append("<h2>Disclosure</h2><p>Claims stating each, per domain.</p><table>")
    out.append(
        "<tr><th>domain</th><th>claims</th><th>budget</th><th>spend</th><th>attempts</th>"
        "<th>mode or scaffold</th></tr>"
    )
    for r in result.disclosure:
        out.append(
            f"<tr><td>{escape(r.domain)}</td><td>{r.claims}</td><td>{r.with_budget}</td>"
            f"<td>{r.with_spend}</td><td>{r.with_attempts}</td><td>{r.with_scaffold}</td></tr>"
        )
    out.append("</table><h2>Inputs</h2><table><tr><th>role</th><th>file</th><th>sha256</th></tr>")
    for i in result.inputs:
        out.append(
            f"<tr><td>{i.role}</td><td>{escape(i.name)}</td>"
            f"<td class='code'>{i.sha256[:16]}…</td></tr>"
        )
    out.append("</table><p class='sub'>Finding codes: docs/audit.md.</p></body></html>")
    return "\n".join(out)


def _finding(f: Finding) -> str:
    parts = [
        f"<div class='finding sev-{f.severity}'>",
        f"<p><span class='{f.severity}'>{f.severity}</span> <span class='code'>{f.code}</span>"
        f" · <span class='code'>{escape(f.where)}</span></p>",
        f"<p><b>{escape(f.title)}</b></p>",
        f"<p>{escape(f.explanation)}</p>",
    ]
    parts += [f"<blockquote>{escape(q)}</blockquote>" for q in f.quotes]
    if f.matched is not None and f.matched.budgets:
        parts.append(_chart(f.matched))
    if f.curve is not None and f.curve.budgets:
        parts.append(_curve_chart(f))
    if f.thresholds:
        parts.append(f"<p class='sub'>Thresholds: {escape(', '.join(f.thresholds))}</p>")
    parts.append("</div>")
    return "\n".join(parts)


def _chart(m: MatchedCheck) -> str:
    """The matched-budget difference (better − worse) with its band, as inline SVG."""
    w, h, left, right, top, bottom = 460, 170, 48, 12, 14, 30
    xs = [math.log10(b) for b in m.budgets]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    ys = m.lower + m.upper + [0.0]
    y0, y1 = min(ys) - 0.02, max(ys) + 0.02

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * (h - top - bottom)

    band = " ".join(f"{px(x):.1f},{py(u):.1f}" for x, u in zip(xs, m.upper, strict=True))
    band += " " + " ".join(
        f"{px(x):.1f},{py(lo):.1f}" for x, lo in reversed(list(zip(xs, m.lower, strict=True)))
    )
    line = " ".join(f"{px(x):.1f},{py(d):.1f}" for x, d in zip(xs, m.difference, strict=True))
    colour = {"survives": "#2a7a2a", "reversed": "#b22222"}.get(m.verdict, "#555")
    ticks = []
    for t in range(math.ceil(y0 * 10), math.floor(y1 * 10) + 1):
        y = t / 10
        ticks.append(
            f"<text x='{left - 6}' y='{py(y) + 3:.1f}' font-size='9' text-anchor='end'>"
            f"{y:+.1f}</text>"
        )
    labels = [
        f"<text x='{px(x):.1f}' y='{h - 12}' font-size='9' text-anchor='middle'>"
        f"{escape(format_budget(10**x, m.axis))}</text>"
        for x in (xs[0], xs[len(xs) // 2], xs[-1])
    ]
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' "
        f"viewBox='0 0 {w} {h}' role='img'>"
        f"<polygon points='{band}' fill='{colour}' fill-opacity='0.18'/>"
        f"<line x1='{left}' x2='{w - right}' y1='{py(0):.1f}' y2='{py(0):.1f}' stroke='#999' "
        "stroke-dasharray='3,3'/>"
        f"<polyline points='{line}' fill='none' stroke='{colour}' stroke-width='2'/>"
        + "".join(ticks)
        + "".join(labels)
        + f"<text x='{(left + w - right) / 2:.0f}' y='{h - 1}' font-size='9' "
        f"text-anchor='middle'>{escape(m.better)} − {escape(m.worse)} at matched budgets "
        f"({escape(m.axis)} per task): {escape(m.verdict)}</text></svg>"
    )


def _curve_chart(f: Finding) -> str:
    """The evidence's P*(b) as steps with its band, and the claim at its stated budget."""
    c = f.curve
    assert c is not None
    w, h, left, right, top, bottom = 460, 170, 48, 12, 14, 30
    xs = [math.log10(b) for b in c.budgets]
    rep = f.reproduction
    pts = xs + ([math.log10(rep.budget)] if rep else [])
    x0, x1 = min(pts), max(pts) if max(pts) > min(pts) else min(pts) + 1
    x0, x1 = x0 - 0.05 * (x1 - x0), x1 + 0.05 * (x1 - x0)

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (w - left - right)

    def py(y: float) -> float:
        return top + (1 - y) * (h - top - bottom)

    def steps(ys: list[float]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for j, (x, y) in enumerate(zip(xs, ys, strict=True)):
            if j:
                out.append((x, ys[j - 1]))
            out.append((x, y))
        return out

    upper, lower = steps(c.upper), steps(c.lower)
    band = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in upper)
    band += " " + " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in reversed(lower))
    line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in steps(c.estimate))
    marks = ""
    if rep is not None:
        cx, cy = px(math.log10(rep.budget)), py(rep.claimed)
        marks = (
            f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='4' fill='#b22222'/>"
            f"<text x='{cx - 6:.1f}' y='{cy - 6:.1f}' font-size='9' text-anchor='end' "
            f"fill='#b22222'>claimed {rep.claimed:.1%}</text>"
        )
    ticks = "".join(
        f"<text x='{left - 6}' y='{py(y) + 3:.1f}' font-size='9' text-anchor='end'>{y:.1f}</text>"
        f"<line x1='{left}' x2='{w - right}' y1='{py(y):.1f}' y2='{py(y):.1f}' stroke='#eee'/>"
        for y in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    )
    labels = "".join(
        f"<text x='{px(x):.1f}' y='{h - 12}' font-size='9' text-anchor='middle'>"
        f"{escape(format_budget(10**x, c.axis))}</text>"
        for x in (xs[0], xs[-1])
    )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' "
        f"viewBox='0 0 {w} {h}' role='img'>{ticks}"
        f"<polygon points='{band}' fill='#1d3f73' fill-opacity='0.15'/>"
        f"<polyline points='{line}' fill='none' stroke='#1d3f73' stroke-width='2'/>"
        f"{marks}{labels}"
        f"<text x='{(left + w - right) / 2:.0f}' y='{h - 1}' font-size='9' "
        f"text-anchor='middle'>evidence: best score of {escape(c.model)} on {escape(c.eval)} "
        f"at or below each budget ({escape(c.axis)} per task)</text></svg>"
    )


def audit_pdf(
    result: Audit, *, signer: Any | None = None, timestamp_url: str | None = None
) -> bytes:
    """The audit as PDF/A-3b with its JSON attached (as a determination carries its own), signed
    when ``signer`` is given; ``rspcheck verify`` checks it exactly as a determination.

    Args:
        result: The audit.
        signer: A pyHanko signer (:func:`checker.sign.keys.load_signer`), or None: unsigned.
        timestamp_url: An RFC 3161 timestamp authority, if any.

    Returns:
        The PDF bytes (the same audit and signer label give the same unsigned bytes).

    Raises:
        RspcheckError: rendering or signing failed.
    """
    from checker.report.pdf import determination_pdf
    from checker.sign.keys import is_dev_certificate, signer_name
    from checker.sign.signing import sign_pdf

    label = signer_name(signer.signing_cert) if signer is not None else None
    dev = signer is not None and is_dev_certificate(signer.signing_cert)
    html = audit_html(result, signer_label=label, dev_key=dev)
    created = dt.datetime.combine(result.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    data = (result.model_dump_json(indent=2) + "\n").encode("utf-8")
    pdf = determination_pdf(html, data, created=created)
    if signer is None:
        return pdf
    return sign_pdf(
        pdf, signer, reason="rspcheck audit", location="rspcheck", timestamp_url=timestamp_url
    )
