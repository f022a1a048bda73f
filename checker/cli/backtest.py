"""``rspcheck backtest``: what a draft policy would have decided on past releases' evidence."""

from __future__ import annotations

import sys
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
    run_options,
)
from checker.cli._options import AllowOutsideOpt
from checker.engine import DEFAULT_SEED


@app.command()
def backtest(
    policy: Annotated[
        Path, typer.Option("--policy", "-p", help="The draft policy file (YAML/JSON).")
    ],
    evidence: Annotated[
        list[Path],
        typer.Option(
            "--evidence",
            "-e",
            help="Past evidence: one manifest (or eval log) per release, or several models "
            "in one; repeatable.",
        ),
    ],
    models: Annotated[
        list[str] | None,
        typer.Option("--models", "-m", help="Models to decide (default: all); repeatable."),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(help="The current policy: list every determination that changes, and why."),
    ] = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the table as CSV (one row per cell).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write an HTML page.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")] = "text",
    seed: Annotated[
        int, typer.Option(help="Bootstrap seed (same seed and inputs, same output).")
    ] = DEFAULT_SEED,
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge attestations, waivers and prices as of YYYY-MM-DD."),
    ] = None,
    replicates: Annotated[
        int | None,
        typer.Option(help="Override the bootstrap replicates, 50 to 100000 (200: a preview)."),
    ] = None,
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Backtest a draft: decide every threshold for every model of past evidence.

    Prints, per model, each threshold's state, basis, crossing budget and coverage under the
    draft, and the gate. With `--against CURRENT`, every determination that changes between
    the two policies is listed with why (which T(b) point, range, cap or relation made the
    difference), and the gate under each. The engine is `check`'s: nothing is decided
    differently here. The same inputs and seed give the same output.

    Exit codes: **0** done (whatever the gates say), **2** bad input or usage.

    Example: `rspcheck backtest -p draft.yaml -e examples/evidence.yaml --against
    policies/rspcheck-reference.yaml --csv backtest.csv`
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output

    if format not in ("text", "json"):
        raise bad_option("--format", f"{format!r} is not an output format: use text or json")
    date = as_of_option(as_of)
    run_options(seed=seed, replicates=replicates)
    inputs: list[Path] = [policy, *evidence, *([against] if against else [])]
    outputs = {"--csv": csv_out, "--json": json_out, "--html": html_out}
    try:
        check_outputs(outputs, inputs=inputs)
        from checker.authoring.backtest import backtest as run_backtest
        from checker.cli._progress import threshold_progress
        from checker.evidence import load_many
        from checker.policy.load import load_policy

        draft = load_policy(policy, today=date)
        current = load_policy(against, today=date) if against else None
        ev = load_many(evidence, allow_outside=allow_outside or ())
        inputs += [Path(name) for name, _ in ev.files]
        check_outputs(outputs, inputs=inputs)
        with threshold_progress() as progress:
            result = run_backtest(
                draft,
                ev,
                models=models or (),
                against=current,
                seed=seed,
                as_of=date,
                replicates=replicates,
                progress=progress,
            )
        text = result.to_json()
        if json_out:
            write_output(json_out, text, inputs=inputs)
        if csv_out:
            write_output(csv_out, result.to_csv(), inputs=inputs)
        if html_out:
            from checker.report.authoring import render_backtest_html

            write_output(html_out, render_backtest_html(result.to_dict()), inputs=inputs)
    except RspcheckError as err:
        print_problems(at_option(err, "--models"))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        sys.stdout.write(text)
        return
    for line in backtest_lines(result):
        typer.echo(line)
    for name, path in outputs.items():
        if path is not None:
            typer.echo(f"{name[2:]} written to {path}")


def backtest_lines(result: object, *, table: bool = True) -> list[str]:
    """The backtest as text for an 80-column terminal (``table=False``: only the changes)."""
    from checker.authoring.backtest import Backtest

    assert isinstance(result, Backtest)
    out: list[str] = []
    title = f"Backtest of {result.policy[0]} {result.policy[1]}"
    if result.against:
        title += f" against {result.against[0]} {result.against[1]}"
    out.append(title)
    out.append(
        f"seed {result.seed}, as of {result.as_of.isoformat()}, "
        f"{result.replicates} replicates, {len(result.models)} model(s)"
    )
    changed = {(f.model, f.threshold) for f in result.flips}
    for g in result.gates if table else ():
        out.append("")
        gate = f"gate {g.draft}" + (f" (current policy: {g.current})" if g.current else "")
        out.append(f"model {g.model}: {gate}")
        out.append(f"  {'threshold':<22} {'state':<13} {'basis':<17} {'crossing':>9}  d/e/u")
        for c in result.cells:
            if c.model != g.model:
                continue
            mark = "*" if (c.model, c.threshold) in changed else " "
            cov = f"{c.direct:.0%}/{c.extrapolated:.0%}/{c.uncovered:.0%}"
            out.append(
                f"{mark} {_cut(c.threshold, 22):<22} {c.state.replace('_', ' '):<13} "
                f"{c.basis.replace('_', ' '):<17} {c.crossing_text():>9}  {cov}"
            )
    if result.against is not None:
        out.append("")
        if not table:
            out += [f"model {g.model}: gate {g.current} -> {g.draft}" for g in result.gates]
        if not result.flips:
            out.append("No determination changes against the current policy.")
        else:
            above = " (* above)" if table else ""
            out.append(f"{len(result.flips)} determination(s) change{above}:")
        for f in result.flips:
            was = _state(f.before) if f.before else "(not in the current policy)"
            now = _state(f.after) if f.after else "(removed)"
            head = f"  {f.model} / {f.threshold}: {was} -> {now}"
            if len(head) > 80:
                head = f"  {f.model} / {f.threshold}: {was}\n      -> {now}"
            out.append(head)
            out.extend(_wrap(w, "    - ") for w in f.why)
    for w in result.warnings:
        out.append(_wrap(f"warning: {w}", ""))
    return out


def _state(c: object) -> str:
    from checker.authoring.backtest import Cell

    assert isinstance(c, Cell)
    text = c.state.replace("_", " ")
    if c.state == "crossed" or c.crossing:
        text += f" ({c.basis.replace('_', ' ')}, {c.crossing_text()})"
    elif c.uncovered:
        text += f" ({c.uncovered:.0%} uncovered)"
    return text


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _wrap(text: str, bullet: str) -> str:
    import textwrap

    return textwrap.fill(
        text,
        width=80,
        initial_indent=bullet,
        subsequent_indent=" " * (len(bullet) or 4),
        break_on_hyphens=False,
    )
