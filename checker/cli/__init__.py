"""The ``rspcheck`` command line: a thin typer layer over the library.

Each command lives in its own module and imports the heavy machinery (numpy, weasyprint,
pyHanko) inside the command body, so that ``rspcheck --help`` and ``--version`` stay fast.
Exit codes: 0 success / allow, 1 lint findings of severity error or an unexpected error,
2 bad input or usage, 3 the gate blocks (``check``), 4 verification failed (``verify``).
"""

from __future__ import annotations

import typer

from checker.version import __version__

app = typer.Typer(
    name="rspcheck",
    help=(
        "Check frontier-safety policies (RSPs, Preparedness Frameworks) against evaluation "
        "evidence, with the inference budget as a first-class axis.\n\n"
        "Start with `rspcheck demo`, then `rspcheck lint POLICY`, `rspcheck check`, and "
        "`rspcheck verify`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # never print locals: passphrases live there
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rspcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Root options."""


def _register() -> None:
    # Importing a command module registers its command on ``app``; the modules themselves
    # import nothing heavy at top level.
    from checker.cli import audit as _audit  # noqa: F401
    from checker.cli import backtest as _backtest  # noqa: F401
    from checker.cli import check as _check  # noqa: F401
    from checker.cli import compare as _compare  # noqa: F401
    from checker.cli import curves as _curves  # noqa: F401
    from checker.cli import demo as _demo  # noqa: F401
    from checker.cli import diff as _diff  # noqa: F401
    from checker.cli import explain as _explain  # noqa: F401
    from checker.cli import ingest as _ingest  # noqa: F401
    from checker.cli import keygen as _keygen  # noqa: F401
    from checker.cli import lint as _lint  # noqa: F401
    from checker.cli import report as _report  # noqa: F401
    from checker.cli import verify as _verify  # noqa: F401

    # --help lists commands in the order a new user meets them, not in import order.
    order = ["demo", "lint", "check", "compare", "curves", "report", "verify", "keygen", "ingest"]
    order += ["explain", "backtest", "diff"]  # for policy authors
    order += ["audit"]  # for auditors of system cards

    def rank(command: typer.models.CommandInfo) -> int:
        name = command.name or (command.callback.__name__ if command.callback else "")
        return order.index(name) if name in order else len(order)

    app.registered_commands.sort(key=rank)


_register()


def main() -> None:
    """Console-script entry point."""
    from checker.cli._errors import run_app

    run_app(app)
