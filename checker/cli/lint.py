"""``rspcheck lint``: schema and semantic checks of policy and evidence files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._options import AllowOutsideOpt


@app.command()
def lint(
    files: Annotated[
        list[Path],
        typer.Argument(help="Policy, evidence manifest and claims files (YAML or JSON)."),
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output: `text` for people, `json` for tools, or for CI `github` (workflow "
            "annotations at file:line), `junit` (one test case per file), `sarif` (2.1.0, "
            "file:line:column locations) or `markdown` (a step summary).",
        ),
    ] = "text",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            "--today",
            help="Judge waiver expiry as of this date (YYYY-MM-DD; default today). `--today` "
            "is the older name.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail (exit 1) on warnings too, e.g. a T(b) partly above 1."),
    ] = False,
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Check policy and evidence files: schema, references, cycles, impossible thresholds.

    Every problem is reported with file:line:column, the key path, a stable code
    (see docs/errors.md) and a hint. Policies and evidence given together are cross-checked
    (evals the policy needs, safeguards the attestations name).

    A schema error does not hide the rest: the meaning of whatever still parses is checked
    in the same run.

    Exit codes: **0** clean (warnings allowed), **1** findings of severity error (or, with
    `--strict`, any finding), **2** a file could not be read at all.

    Example: `rspcheck lint policies/rspcheck-reference.yaml examples/evidence.yaml`
    """
    from checker.authoring.lint import lint_files
    from checker.cli._errors import as_of_option, bad_option
    from checker.report.ci import CI_FORMATS

    if format not in ("text", "json", *CI_FORMATS):
        raise bad_option(
            "--format",
            f"{format!r} is not an output format: use text, json, {', '.join(CI_FORMATS)}",
        )
    date = as_of_option(as_of)
    report = lint_files(list(files), today=date, allow_outside=allow_outside or (), strict=strict)
    if format == "json":
        out = {
            "files": {str(f): report.kinds.get(str(f), "unreadable") for f in files},
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "unreadable": report.unreadable,
            "findings": [p.to_dict() for p in report.findings],
        }
        typer.echo(json.dumps(out, indent=2))
    elif format in CI_FORMATS:
        from checker.report.ci import findings_ci

        text = findings_ci(report.findings, format, files=[str(f) for f in files])
        typer.echo(text, nl=False)
    else:
        for p in report.findings:
            typer.echo(p.format())
        status = (
            "clean"
            if not report.findings
            else (f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
        )
        if report.unreadable:
            status += f"; unreadable: {', '.join(report.unreadable)}"
        typer.echo(f"{len(files)} file(s) checked: {status}", err=bool(report.findings))
    raise typer.Exit(report.exit_code)
