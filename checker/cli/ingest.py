"""``rspcheck ingest``: eval logs and tables to the project's evidence format."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from checker.cli import app

_PROGRESS_BYTES = 32 << 20
"""Show a progress bar when the sources add up to more than this."""


@app.command()
def ingest(
    format: Annotated[str, typer.Argument(help="Source format: `inspect`, `lm-eval` or `table`.")],
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Inspect `.eval`/`.json` logs; lm-eval `results_DATE.json` files, "
            "`samples_TASK_DATE.jsonl` files or output folders; or CSV/TSV/JSONL/Parquet "
            "tables (the same sources `rspcheck check -e` reads directly)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Evidence manifest to write (YAML); the attempts go to "
            "`NAME.attempts.jsonl` beside it.",
        ),
    ],
    scorer: Annotated[
        str | None,
        typer.Option(
            help="inspect: the scorer whose value is the score (`NAME`, or `NAME:KEY` "
            "for dict values); default the log's first. Values map to [0, 1]: C=1, "
            "I=0, P=0.5, N=0, true/yes=1, false/no=0, numbers as they are (outside "
            "[0, 1] is an error)."
        ),
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option(help="lm-eval: the per-sample metric (default the first listed)."),
    ] = None,
    filter: Annotated[
        str | None,
        typer.Option(
            "--filter",
            help="lm-eval: the filter whose lines are used (default the "
            "first in each samples file).",
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="table: `FIELD=COLUMN`, repeatable, e.g. `--map score=correct "
            "--map usd=cost_usd`. Fields: run task attempt score input_tokens "
            "output_tokens reasoning_tokens cached_tokens usd seconds working_seconds "
            "limit_hit model eval eval_version scaffold date max_tokens "
            "reasoning_effort token_limit time_limit ... family human_minutes.",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="table, lm-eval samples file: the model, if no column or results file names it."
        ),
    ] = None,
    eval_: Annotated[
        str | None, typer.Option("--eval", help="table: the eval, if no column names it.")
    ] = None,
    scaffold: Annotated[
        str | None, typer.Option(help="The scaffold the runs used (default `default`).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title of the evidence manifest.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output.")] = False,
) -> None:
    """Read eval logs into an evidence manifest plus attempt records (with each source's sha256).

    **inspect**: Inspect AI `.eval`/`.json` logs, read directly (inspect-ai is not needed):
    one attempt per sample and epoch, the chosen scorer's value, usage of the evaluated model
    only (graders left out), `total_cost` as usd, `total_time`/`working_time` as seconds;
    attempts that hit a limit are failures at that budget; errored attempts are left out and
    counted; a log that stopped early loads with a warning.
    **lm-eval**: lm-evaluation-harness results + `--log_samples` JSONL (no token usage is
    recorded: such runs have no measured budget). **table**: CSV/JSONL/Parquet, one row per
    attempt, with `--map`.

    Exit codes: **0** written (warnings allowed), **2** bad input (nothing written), also
    for an `--out` in a folder that does not exist (none is made) or onto a source.

    Example: `rspcheck ingest inspect logs/*.eval --scorer match --out evidence.yaml`
    """
    from checker.cli._errors import EXIT_BAD_INPUT, bad_option, print_problems
    from checker.errors import RspcheckError
    from checker.evidence.ingest import FORMATS
    from checker.evidence.ingest import ingest as run_ingest
    from checker.evidence.ingest.writer import attempts_path, write_evidence
    from checker.files.outputs import check_outputs

    if format not in FORMATS:
        raise bad_option("FORMAT", f"{format!r} is not a source format: use {', '.join(FORMATS)}")
    options: dict[str, object] = {}
    try:
        # before reading the logs: a wrong --out must not wait for them
        check_outputs(
            {"--out": out, "its attempts file": attempts_path(out)},
            inputs=sources,
            overwrite=force,
        )
        if format == "inspect":
            options = {"scorer": scorer, "scaffold": scaffold}
        elif format == "lm-eval":
            options = {"metric": metric, "filter": filter, "model": model, "scaffold": scaffold}
        else:
            from checker.evidence.ingest.tables import parse_mapping

            options = {
                "mapping": parse_mapping(map_),
                "model": model,
                "eval": eval_,
                "scaffold": scaffold,
            }
        unused = [
            name
            for name, val, ok in (
                ("--scorer", scorer, format == "inspect"),
                ("--metric", metric, format == "lm-eval"),
                ("--filter", filter, format == "lm-eval"),
                ("--map", map_, format == "table"),
                ("--eval", eval_, format == "table"),
                ("--model", model, format != "inspect"),
            )
            if val and not ok
        ]
        if unused:
            raise bad_option(unused[0], f"{', '.join(unused)} do(es) not apply to {format}")
        evidence, used = _run_with_progress(run_ingest, format, sources, options, title)
        manifest, attempts = write_evidence(evidence, out, inputs=sources, overwrite=force)
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for w in evidence.warnings:
        typer.echo(w, err=True)
    _summary(evidence, used, manifest, attempts)


def _run_with_progress(
    run_ingest: Any, fmt: str, sources: list[Path], options: dict[str, Any], title: str | None
) -> Any:
    total = 0
    for s in sources:
        with contextlib.suppress(OSError):
            total += sum(
                f.stat().st_size for f in (s.rglob("*") if s.is_dir() else [s]) if f.is_file()
            )
    if total < _PROGRESS_BYTES:
        return run_ingest(fmt, sources, title=title, **options)
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    # refreshed from the callback, not by a thread: many sources are read in forked worker
    # processes, and forking is only safe while this process runs a single thread
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task(f"reading {len(sources)} source(s)", total=total)
        last = [0.0]

        def advance(n: int) -> None:
            bar.advance(task, n)
            now = time.monotonic()
            if now - last[0] > 0.1:
                last[0] = now
                bar.refresh()

        return run_ingest(fmt, sources, title=title, progress=advance, **options)


def _summary(evidence, used, manifest: Path, attempts: Path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from checker.evidence.model import SPEND_COLUMNS

    t = evidence.attempts
    n = len(t)
    skipped: dict[str, int] = {}
    limits: dict[str, int] = {}
    for res in used:
        for rd in res.runs:
            for k, v in rd.skipped.items():
                skipped[k] = skipped.get(k, 0) + v
            for k, v in rd.limit_types.items():
                limits[k] = limits.get(k, 0) + v
    statuses: dict[str, int] = {}
    for r in evidence.runs:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    echo = typer.echo
    echo(
        f"read {len(used)} source(s): {len(evidence.runs)} run(s) "
        f"({', '.join(f'{v} {k}' for k, v in sorted(statuses.items()))}), "
        f"{len({(r.eval) for r in evidence.runs})} eval(s), {len(t.task_ids)} task(s), "
        f"{n:,} attempt(s), {int(t.limit_hit.sum()):,} hit a limit"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(limits.items()))})" if limits else "")
    )
    present, missing = [], []
    for c in SPEND_COLUMNS:
        k = int(np.count_nonzero(~np.isnan(t.spend[c]))) if n else 0
        if k == n and n:
            present.append(c)
        elif k:
            present.append(f"{c} ({k:,}/{n:,})")
        else:
            missing.append(c)
    echo(f"budget fields present: {', '.join(present) or 'none'}")
    echo(f"budget fields missing: {', '.join(missing) or 'none'}")
    if skipped:
        echo("skipped: " + ", ".join(f"{v:,} {k}" for k, v in sorted(skipped.items())))
    else:
        echo("skipped: none")
    echo(f"wrote {manifest} and {attempts}")
