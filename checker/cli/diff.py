"""``rspcheck diff``: what changed between two versions of a policy (and, with evidence, which
decisions flip)."""

from __future__ import annotations

import json
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

EXIT_SAME = 0
EXIT_CHANGED = 1


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The policy in force (or the older version).")],
    new: Annotated[Path, typer.Argument(help="The draft (or the newer version).")],
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            "-e",
            help="Also decide under both on this evidence and list the decisions that flip; "
            "repeatable.",
        ),
    ] = None,
    models: Annotated[
        list[str] | None,
        typer.Option("--models", "-m", help="With --evidence: models to decide (default: all)."),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="Output: `text` for people, `json` for tools.")
    ] = "text",
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge waivers (and with evidence, attestations) as of YYYY-MM-DD."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Bootstrap seed, with --evidence.")] = DEFAULT_SEED,
    replicates: Annotated[
        int | None, typer.Option(help="With --evidence: bootstrap replicates, 50 to 100000.")
    ] = None,
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Compare two versions of a policy, structurally.

    Thresholds added, removed or renamed (same title, new id); T(b) and the alert moved and
    by how much at each actor budget; ranges, axes, evals, elicitation; decision and gate
    settings; actors, safeguards and relations; waivers added, changed or expired. With
    `--evidence`, both policies decide every model and the decisions that flip are listed
    with why (as `backtest --against` does).

    Exit codes: **0** nothing changed, **1** something changed (like `diff`), **2** bad input
    or usage.

    Example: `rspcheck diff policies/anthropic-rsp-v2.2.yaml policies/anthropic-rsp-v3.yaml`
    """
    from checker.errors import RspcheckError

    if format not in ("text", "json"):
        raise bad_option("--format", f"{format!r} is not an output format: use text or json")
    date = as_of_option(as_of)
    run_options(seed=seed, replicates=replicates)
    try:
        from checker.authoring.diff import diff_policies
        from checker.policy.load import load_policy

        before = load_policy(old, today=date)
        after = load_policy(new, today=date)
        result = diff_policies(before.policy, after.policy, as_of=date)
        flips = None
        if evidence:
            from checker.authoring.backtest import backtest
            from checker.cli._progress import threshold_progress
            from checker.evidence import load_many

            ev = load_many(evidence, allow_outside=allow_outside or ())
            with threshold_progress() as progress:
                flips = backtest(
                    after,
                    ev,
                    models=models or (),
                    against=before,
                    seed=seed,
                    as_of=date,
                    replicates=replicates,
                    progress=progress,
                )
    except RspcheckError as err:
        print_problems(at_option(err, "--models"))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        out = result.to_dict()
        if flips is not None:
            view = flips.to_dict()
            out["flips"] = view["flips"]
            out["gates"] = view["gates"]
        typer.echo(json.dumps(out, indent=2))
    else:
        from checker.cli.backtest import backtest_lines

        echo = typer.echo
        echo(f"{result.old[0]} {result.old[1]} -> {result.new[0]} {result.new[1]}")
        if not result.changed:
            echo("no changes")
        section = None
        for c in result.changes:
            if c.section != section:
                section = c.section
                echo(f"{section}:")
            sign = {"added": "+", "removed": "-", "expired": "!"}.get(c.kind, "~")
            echo(_wrap(c.what, f"  {sign} "))
        if flips is not None:
            for line in backtest_lines(flips, table=False)[2:]:
                echo(line)
    raise typer.Exit(EXIT_CHANGED if result.changed else EXIT_SAME)


def _wrap(text: str, bullet: str) -> str:
    import textwrap

    return textwrap.fill(
        text,
        width=80,
        initial_indent=bullet,
        subsequent_indent=" " * len(bullet),
        break_on_hyphens=False,
    )
