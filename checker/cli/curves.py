"""``rspcheck curves``: performance against budget for any evidence, no policy needed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checker.cli import app
from checker.cli._errors import EXIT_BAD_INPUT, bad_option, print_problems
from checker.cli._options import AllowOutsideOpt
from checker.engine import DEFAULT_SEED

if TYPE_CHECKING:
    from checker.engine.budget_curves import CurveSet
    from checker.errors import RspcheckError

AXES = ("tokens", "usd", "seconds")


#: Library option names (an error's key path) -> the command-line options that set them.
OPTIONS = {
    "evals": "--eval",
    "models": "--models",
    "k_max": "--k-max",
    "seed": "--seed",
    "replicates": "--replicates",
}


def report(err: RspcheckError) -> typer.Exit:
    """Print a library error; one about an option the command line set is located at that
    option (``<command line>: error[...] at --k-max``). Returns the exit to raise."""
    import dataclasses

    from checker.cli._errors import COMMAND_LINE
    from checker.errors import RspcheckError

    problems = [
        dataclasses.replace(p, file=COMMAND_LINE, loc=(OPTIONS[str(p.loc[0])],))
        if p.file is None and p.loc and str(p.loc[0]) in OPTIONS
        else p
        for p in err.problems
    ]
    print_problems(RspcheckError(problems))
    return typer.Exit(EXIT_BAD_INPUT)


def split_names(values: list[str] | None) -> list[str] | None:
    """``--models a,b --models c`` -> ``[a, b, c]`` (None when none given)."""
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v]


@app.command()
def curves(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Evidence: manifests, Inspect logs (.eval/.json), lm-eval results, attempts "
            "tables (what `check -e` accepts).",
            metavar="SOURCES",
            show_default=False,
        ),
    ],
    eval_ids: Annotated[
        list[str] | None,
        typer.Option("--eval", help="Only these evals; repeatable or comma-separated."),
    ] = None,
    models: Annotated[
        list[str] | None,
        typer.Option(
            "--models",
            help="Only these models (`model` or `model@scaffold`); repeatable or "
            "comma-separated (`--models a,b`).",
        ),
    ] = None,
    axis: Annotated[
        str | None,
        typer.Option(
            help="Budget axis of the table and chart: tokens, usd or seconds (default: usd "
            "where every run can be priced, else tokens)."
        ),
    ] = None,
    k_max: Annotated[
        int, typer.Option("--k-max", help="Also draw best-of-k (pass@k at its cost) up to k.")
    ] = 1,
    truncation: Annotated[
        bool,
        typer.Option(
            help="Draw each run's budget-truncated curve (needs per-attempt spend) and count "
            "it in P*."
        ),
    ] = True,
    png: Annotated[Path | None, typer.Option("--png", help="Write the chart as PNG.")] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the chart as SVG.")] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write the numbers behind every line (CSV).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the numbers as JSON (run ids kept).")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write one self-contained page: charts with hover read-outs, a toggle "
            "between axes, the tables.",
        ),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    replicates: Annotated[int, typer.Option(help="Bootstrap replicates over tasks.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = DEFAULT_SEED,
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Draw performance against budget for every model, scaffold and eval in the evidence.

    For each: every evaluated run at its mean spend per task with a bootstrap interval over
    tasks, `P*(b)` (the best score at a budget of at most b) with its band, best-of-k
    with `--k-max`, and each run's **budget-truncated** curve: the run read as if every
    attempt had been capped lower (an attempt over the cap fails), a lower bound on a capped
    run. Runs are named by what sets them apart (`arith @ effort=low`); `--json` keeps ids.

    Example: `rspcheck curves tests/data/inspect-budget/*.eval --png curves.png`
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output

    if format not in ("text", "json"):
        raise bad_option("--format", f"{format!r} is not an output format: use text or json")
    if axis is not None and axis not in AXES:
        raise bad_option("--axis", f"{axis!r} is not a budget axis: use tokens, usd or seconds")
    outputs = {"--png": png, "--svg": svg, "--csv": csv, "--json": json_out, "--html": html}
    inputs: list[Path] = list(sources)
    try:
        check_outputs(outputs, inputs=inputs)
        from checker.engine.budget_curves import budget_curves
        from checker.evidence import load_many

        ev = load_many(sources, allow_outside=allow_outside or ())
        inputs += [Path(name) for name, _ in ev.files]
        check_outputs(outputs, inputs=inputs)
        for w in ev.warnings:
            typer.echo(f"warning: {w.splitlines()[0]}", err=True)
        axes = [axis] if axis and html is None else list(AXES)
        from checker.cli._progress import threshold_progress

        with threshold_progress("drawing") as progress:
            cs = budget_curves(
                ev,
                evals=split_names(eval_ids),
                models=split_names(models),
                axes=axes,
                k_max=k_max,
                truncation=truncation,
                replicates=replicates,
                seed=seed,
                progress=progress,
            )
        shown = axis or _default_axis(cs)
        if png or svg:
            from checker.report.curve_charts import curves_chart

            for path, fmt in ((png, "png"), (svg, "svg")):
                if path is not None:
                    write_output(path, curves_chart(cs, shown, fmt), inputs=inputs)
        if csv:
            from checker.report.curve_tables import curves_csv

            write_output(csv, curves_csv(cs), inputs=inputs)
        text = cs.model_dump_json(indent=2) + "\n"
        if json_out:
            write_output(json_out, text, inputs=inputs)
        if html:
            from checker.report.curves_page import curves_page

            write_output(html, curves_page(cs, shown), inputs=inputs)
    except RspcheckError as err:
        raise report(err) from None
    if format == "json":
        sys.stdout.write(text)
        return
    from checker.report.curve_tables import curves_text

    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    typer.echo(curves_text(cs, shown, width), nl=False)
    for flag, path in outputs.items():
        if path is not None:
            typer.echo(f"{flag[2:]} written to {path}")


def _default_axis(cs: CurveSet) -> str:
    """The usd axis where it reaches every run (nothing left out on it), else tokens."""
    if any(c.axis == "usd" for c in cs.curves) and not any(n.startswith("usd:") for n in cs.notes):
        return "usd"
    return "tokens"
