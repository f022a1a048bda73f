"""How the CLI turns exceptions into messages and exit codes (one place for it)."""

from __future__ import annotations

import sys

import typer

from checker.errors import RspcheckError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_BLOCK = 3
EXIT_VERIFY_FAILED = 4
EXIT_UNEXPECTED = 1


def print_problems(err: RspcheckError) -> None:
    """Print every problem of a user-facing error to stderr, plainly."""
    for p in err.problems:
        typer.echo(p.format(), err=True)


def run_app(app: typer.Typer) -> None:
    """Run the typer app; bad input exits 2 with a clean message, Ctrl-C 130."""
    try:
        app(standalone_mode=True)
    except RspcheckError as err:  # raised outside a command's own handling
        print_problems(err)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
