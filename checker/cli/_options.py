"""Options several commands share, declared once so that they read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

AllowOutsideOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--allow-outside",
        metavar="DIR",
        help="A folder outside a manifest's own that its attempt files may lie in (default: "
        "none; manifests from others must not reach out); repeatable.",
    ),
]
"""``--allow-outside DIR``: the explicit escape from confining attempt files to a manifest's
folder (``checker.evidence.load_evidence(..., allow_outside=)``)."""
