"""What the policy-author commands (``explain``, ``backtest``, ``diff``) share."""

from __future__ import annotations

import dataclasses

from checker.cli._errors import COMMAND_LINE
from checker.errors import RspcheckError


def at_option(err: RspcheckError, option: str) -> RspcheckError:
    """The error with each problem that names no file located at a command-line option.

    The library says "model 'x' has no runs" without knowing it came from ``--models``; the
    command line does, and says so as it does for any bad option
    (``<command line>: error[unknown-reference] at --models: ...``).
    """
    return RspcheckError(
        [
            p if p.file else dataclasses.replace(p, file=COMMAND_LINE, loc=(option,))
            for p in err.problems
        ]
    )
