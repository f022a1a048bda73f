"""A progress bar for long determinations: on stderr, only on a terminal, only after 1 s."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DELAY_S = 1.0


@contextmanager
def threshold_progress(verb: str = "deciding") -> Iterator[Callable[[int, int, str], None]]:
    """Yield a ``progress(done, total, label)`` callback that draws a bar once work has taken
    more than a second (quick runs and CI logs stay clean); ``verb`` leads the label."""
    if not sys.stderr.isatty():
        yield lambda done, total, label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    start = time.monotonic()
    bar: Progress | None = None
    task = None

    def update(done: int, total: int, label: str) -> None:
        nonlocal bar, task
        if bar is None:
            if time.monotonic() - start < DELAY_S:
                return
            bar = Progress(
                TextColumn(verb + " {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            task = bar.add_task(label, total=total)
        if task is not None:
            bar.update(task, completed=done, description=label)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
