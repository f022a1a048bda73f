"""``rspcheck compare``: models (or scaffolds) on evals, at matched budgets, or a finding."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._errors import bad_option
from checker.cli._options import AllowOutsideOpt
from checker.cli.curves import report, split_names
from checker.engine import DEFAULT_SEED


@app.command()
def compare(
    evidence: Annotated[
        list[Path],
        typer.Option(
            "--evidence",
            "-e",
            help="Evidence: a manifest, eval logs, results or tables (as `check -e`); repeatable.",
        ),
    ],
    models: Annotated[
        list[str],
        typer.Option(
            "--models",
            help="Two or more models, `--models A B C` (or comma-separated, or repeated); "
            "`model@scaffold` compares scaffolds.",
        ),
    ],
    more: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[MODELS]...",
            help="More models: the words after `--models A` (so `--models A B C` reads as three).",
            show_default=False,
        ),
    ] = None,
    eval_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--eval",
            help="Evals to compare on; repeatable or comma-separated (default: every eval two "
            "of the models share).",
        ),
    ] = None,
    axis: Annotated[str, typer.Option(help="Budget axis: usd, tokens or seconds.")] = "usd",
    truncation: Annotated[
        bool,
        typer.Option(
            help="Credit budget-truncated runs (from per-attempt spend): lower bounds on "
            "capped runs, which make budget ranges overlap."
        ),
    ] = True,
    png: Annotated[
        Path | None, typer.Option("--png", help="Write the chart (each model's curve) as PNG.")
    ] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the chart as SVG.")] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the comparison as JSON.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write one self-contained page.")
    ] = None,
    replicates: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = DEFAULT_SEED,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Compare models at matched budgets, each beside its own curve.

    Scores reported at each model's own largest budget hide the budget: two models can look
    close that way while, at any budget both were evaluated at, one is far ahead. For every
    pair this prints B − A over the budgets both cover, with a paired bootstrap interval;
    where no budget is common, a finding instead: the cheaper model **dominates** (at least
    as good at a fraction of the budget) or they are **not comparable**, with the runs that
    would make them so. Each model's line gives its score *at* its largest evaluated budget,
    and the best at or below it when that differs.

    Example: `rspcheck compare -e examples/evidence.yaml --eval cyber-ctf --models previous
    candidate --png compare.png`
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output

    if axis not in ("usd", "tokens", "seconds"):
        raise bad_option("--axis", f"{axis!r} is not a budget axis: use usd, tokens or seconds")
    if format not in ("text", "json"):
        raise bad_option("--format", f"{format!r} is not an output format: use text or json")
    names = split_names([*models, *(more or [])]) or []
    outputs = {"--png": png, "--svg": svg, "--json": json_out, "--html": html}
    inputs: list[Path] = list(evidence)
    try:
        check_outputs(outputs, inputs=inputs)
        from checker.engine.compare import compare_models
        from checker.evidence.load import load_many

        ev = load_many(evidence, allow_outside=allow_outside or ())
        inputs += [Path(name) for name, _ in ev.files]
        check_outputs(outputs, inputs=inputs)
        result = compare_models(
            ev,
            names,
            evals=split_names(eval_ids),
            axis=axis,
            truncation=truncation,
            replicates=replicates,
            seed=seed,
        )
        if png or svg:
            from checker.report.curve_charts import comparison_chart

            for path, fmt in ((png, "png"), (svg, "svg")):
                if path is not None:
                    write_output(path, comparison_chart(result, fmt), inputs=inputs)
        text = result.model_dump_json(indent=2) + "\n"
        if json_out:
            write_output(json_out, text, inputs=inputs)
        if html:
            from checker.report.curves_page import comparison_page

            write_output(html, comparison_page(result), inputs=inputs)
    except RspcheckError as err:
        raise report(err) from None
    if format == "json":
        sys.stdout.write(text)
        return
    from checker.report.curve_tables import comparison_text

    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    typer.echo(comparison_text(result, width), nl=False)
    for flag, path in outputs.items():
        if path is not None:
            typer.echo(f"{flag[2:]} written to {path}")
