"""How the CLI turns exceptions into messages and exit codes (one place for it)."""

from __future__ import annotations

import datetime as dt
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


COMMAND_LINE = "<command line>"
"""Where a problem with an option is located (its ``file``; the option is its key path)."""


def bad_option(option: str, msg: str, *, hint: str | None = None) -> typer.Exit:
    """Print an ``invalid-value`` problem located at a command-line option; return the exit
    to raise (``raise bad_option(...)``), so that bad options read like any bad input:
    ``<command line>: error[invalid-value] at --as-of: ...``, exit 2."""
    print_problems(
        RspcheckError.one("invalid-value", msg, file=COMMAND_LINE, loc=(option,), hint=hint)
    )
    return typer.Exit(EXIT_BAD_INPUT)


def as_of_option(text: str | None) -> dt.date | None:
    """``--as-of YYYY-MM-DD`` as a date (None when not given); a bad one exits 2, located at
    the option."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise bad_option(
            "--as-of", f"{text!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


def run_options(*, seed: int | None = None, replicates: int | None = None) -> None:
    """``--seed`` and ``--replicates`` within the library's bounds
    (:func:`checker.policy.model.check_options`), a bad one located at its option."""
    from checker.policy.model import check_options

    try:
        check_options(seed=seed, replicates=replicates)
    except RspcheckError as err:
        bad = err.problems[0]
        raise bad_option(f"--{bad.loc[0]}", bad.msg, hint=bad.hint) from None


def run_app(app: typer.Typer) -> None:
    """Run the typer app; bad input exits 2 with a clean message, Ctrl-C 130.

    Third-party deprecation warnings (pyHanko importing cryptography's DSA on every
    ``report``, ``verify`` and ``demo``) are silenced here, for people at a terminal; the test
    suite calls the app directly and still sees them.
    """
    import warnings

    warnings.filterwarnings("ignore", message=r"DSA is deprecated", category=Warning)
    try:
        app(standalone_mode=True)
    except RspcheckError as err:  # raised outside a command's own handling
        print_problems(err)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
