"""Whether this process may fork workers, and how many cores it may use.

rspcheck forks worker processes for work that splits cleanly (reading many eval logs, laying
out a long report in parts): a forked worker starts in milliseconds with everything already
imported, and nothing has to be pickled to reach it. Forking is done only where it is safe;
everywhere else the same work runs in the calling process, with the same result.
"""

from __future__ import annotations

import os
import sys
import threading


def can_fork() -> bool:
    """Linux, no other thread alive, and not a daemonic process (macOS offers fork, but its
    system libraries are not fork-safe; elsewhere there is none; a thread holding a lock at
    the fork would leave it locked in the child forever; and a daemonic process, e.g. a
    ``multiprocessing.Pool`` worker calling rspcheck, may not start processes of its own)."""
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def available_cpus() -> int:
    """The cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
