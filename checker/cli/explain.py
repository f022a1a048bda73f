"""``rspcheck explain``: a policy in words and T(b) drawn, before any evidence."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._authoring import at_option
from checker.cli._errors import (
    EXIT_BAD_INPUT,
    as_of_option,
    bad_option,
    print_problems,
)


@app.command()
def explain(
    policy: Annotated[Path, typer.Argument(help="Policy file (YAML/JSON).")],
    thresholds: Annotated[
        list[str] | None,
        typer.Argument(help="Threshold ids to explain (default: all).", show_default=False),
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also draw T(b) of each threshold as a PNG.")
    ] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Also draw it as an SVG.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the explanation as an HTML page.")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Output: `text` for people, `json` for tools.")
    ] = "text",
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge waivers as of YYYY-MM-DD (default today)."),
    ] = None,
) -> None:
    """Explain a policy: each threshold in words, T(b) drawn, relations and the gate rule.

    For each threshold: what it measures, T(b) and the alert over the assessed range, the
    actor budgets that bound it, whether repeated sampling counts, the extrapolation caps,
    the elicitation it requires; T(b) is drawn against budget with the actor budgets marked
    (text here; `--png`/`--svg` for a chart file, `--html` for a page). Then the relation
    graph and the gate rule in words. No evidence is read: nothing is decided.

    Exit codes: **0** explained, **2** bad input or usage.

    Example: `rspcheck explain policies/rspcheck-reference.yaml cyber-high --png cyber.png`
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output

    if format not in ("text", "json"):
        raise bad_option("--format", f"{format!r} is not an output format: use text or json")
    date = as_of_option(as_of)
    outputs = {"--png": png, "--svg": svg, "--html": html}
    try:
        check_outputs(outputs, inputs=[policy])
        from checker.authoring.explain import explain_policy, panel_of
        from checker.policy.load import load_policy

        loaded = load_policy(policy, today=date)
        ex = explain_policy(loaded.policy, thresholds or (), as_of=date)
        panels = [panel_of(t) for t in ex.thresholds]
        if png or svg or html:
            from checker.report.authoring import function_chart, render_explain_html

            if png:
                write_output(png, function_chart(panels, fmt="png"), inputs=[policy])
            if svg:
                write_output(svg, function_chart(panels, fmt="svg"), inputs=[policy])
            if html:
                charts = [function_chart([p], fmt="svg").decode() for p in panels]
                page = render_explain_html(ex.to_dict(), charts)
                write_output(html, page, inputs=[policy])
    except RspcheckError as err:
        print_problems(at_option(err, "THRESHOLD"))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        typer.echo(json.dumps(ex.to_dict(), indent=2))
        return
    from checker.report.authoring import text_chart

    width = min(100, max(60, _columns()))
    echo = typer.echo
    echo(_wrap(f"{ex.title} ({ex.policy_id} {ex.version}, effective {ex.effective})", width))
    for t, panel in zip(ex.thresholds, panels, strict=True):
        echo("")
        level = f" ({t.level}, {t.domain})" if t.level else f" ({t.domain})"
        echo(_wrap(f"{t.id}{level}: {t.title}", width))
        for s in t.sentences:
            echo(_wrap(s, width, bullet="  - "))
        echo("")
        for line in text_chart(panel, width=width - 2):
            echo("  " + line)
    echo("")
    echo("Relations")
    for s in ex.relations or ["No relations."]:
        echo(_wrap(s, width, bullet="  - "))
    echo("")
    echo("The gate rule")
    for s in ex.gate_rule:
        echo(_wrap(s, width, bullet="  - "))
    for name, path in outputs.items():
        if path is not None:
            echo(f"{name[2:]} written to {path}")


def _columns() -> int:
    try:
        return int(os.environ.get("COLUMNS", "")) or 80
    except ValueError:
        return 80


def _wrap(text: str, width: int, *, bullet: str = "") -> str:
    import textwrap

    return textwrap.fill(
        text,
        width=width,
        initial_indent=bullet,
        subsequent_indent=" " * len(bullet),
        break_on_hyphens=False,
    )
