"""``rspcheck compare``: two models (or scaffolds) on one eval, at matched budgets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._errors import EXIT_BAD_INPUT, bad_option, print_problems
from checker.cli._options import AllowOutsideOpt
from checker.engine import DEFAULT_SEED


@app.command()
def compare(
    evidence: Annotated[
        list[Path],
        typer.Option("--evidence", "-e", help="Evidence manifest or eval log; repeatable."),
    ],
    eval_id: Annotated[str, typer.Option("--eval", help="The eval both were run on.")],
    models: Annotated[
        tuple[str, str],
        typer.Option(help="Two models, `A B`; `model@scaffold` compares scaffolds."),
    ],
    axis: Annotated[str, typer.Option(help="Budget axis: usd, tokens or seconds.")] = "usd",
    replicates: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = DEFAULT_SEED,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Compare two models at matched budgets, beside their own-maximum comparison.

    Scores reported at each model's own largest budget hide the budget: two models can look
    close that way while, at any budget both were evaluated at, one is far ahead. This prints
    B − A over the budget range both cover, with a paired bootstrap interval.

    Example: `rspcheck compare -e examples/evidence.yaml --eval cyber-ctf --models previous
    candidate`
    """
    from checker.engine.compare import compare as run_compare
    from checker.errors import RspcheckError
    from checker.evidence.load import load_many

    if axis not in ("usd", "tokens", "seconds"):
        raise bad_option("--axis", f"{axis!r} is not a budget axis: use usd, tokens or seconds")
    try:
        ev = load_many(evidence, allow_outside=allow_outside or ())
        result = run_compare(
            ev, eval_id, models[0], models[1], axis=axis, replicates=replicates, seed=seed
        )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        typer.echo(result.model_dump_json(indent=2))
        return
    from checker.budget import format_budget

    typer.echo(result.summary)
    typer.echo(f"\n{'budget':>14}  {models[1]} − {models[0]}  (interval)")
    step = max(1, len(result.budgets) // 10)
    for i in range(0, len(result.budgets), step):
        typer.echo(
            f"{format_budget(result.budgets[i], axis):>14}  {result.difference[i]:+.3f}"
            f"  [{result.lower[i]:+.3f}, {result.upper[i]:+.3f}]"
        )
