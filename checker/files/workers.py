"""Forked worker processes: whether this process may fork, how many cores it may use, and
reading many files side by side in input order.

rspcheck forks worker processes for work that splits cleanly (reading many eval logs, laying
out a long report in parts): a forked worker starts in milliseconds with everything already
imported, and nothing has to be pickled to reach it. Forking is done only where it is safe;
everywhere else the same work runs in the calling process, with the same result.

A release's evidence is tens to hundreds of eval logs; each takes ~0.2 s of one core, so a
machine's cores read them side by side (``load_many``, ``rspcheck ingest``): ~0.14 s of one core
per 22 MB log in a forked worker. Small inputs (one file, or less than :data:`POOL_MIN_BYTES` in
all) are read in the calling process, and so is everything where forking is unsafe (not Linux,
or other threads alive, e.g. a progress bar refreshing): results never depend on which way they
were read.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar


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


T = TypeVar("T")
R = TypeVar("R")

POOL_MIN_FILES = 2
"""Fewest inputs for which a pool is considered."""
POOL_MIN_BYTES = 32 << 20
"""Least total input size worth a pool: starting one costs ~0.05 s, a 22 MB log reads in
~0.2 s, so below this the inputs are read in the calling process."""
POOL_MAX_WORKERS = 8
"""Most worker processes by default (each holds one log's reading at a time, ~70 MB)."""


def input_bytes(path: Path) -> int:
    """Size of a file, or of the files under a folder (0 when it cannot be read)."""
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0  # the reader reports it


def pool_size(paths: Sequence[Path], workers: int | None) -> int:
    """Worker processes to read ``paths`` with; 1 means: read them here."""
    if len(paths) < POOL_MIN_FILES or not can_fork():
        return 1
    if workers is None:
        if sum(input_bytes(p) for p in paths) < POOL_MIN_BYTES:
            return 1
        workers = min(available_cpus(), POOL_MAX_WORKERS)
    return max(1, min(workers, len(paths)))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk read.

    Reading logs allocates millions of small objects that reference counting frees (parsed
    JSON has no cycles); meanwhile each full collection walks every live object, and the
    evidence of 100 logs holds a few hundred thousand (task metadata). Pausing it makes
    loading 100 logs about a fifth cheaper and unpickling their results three times so.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _paused_call(fn: Callable[[T], R], x: T) -> R:
    with gc_paused():
        return fn(x)


def map_ordered(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    done: Callable[[int], Any] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` in ``workers`` forked processes, results in input order.

    The first exception in input order is raised (as a loop would), after which the pending
    items are cancelled. ``done(i)`` is called in this process as item ``i``'s result arrives.

    A ``concurrent.futures`` pool, not ``multiprocessing.Pool``: when a worker dies (killed, or
    a native library's lock held across the fork) the latter waits for its result forever, and
    its ``terminate()`` can hang on an exception; the former says the pool is broken, and the
    items not yet read are then read here, so the result is the same, only slower.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    job = functools.partial(_paused_call, fn)
    out: list[R] = []
    ex = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
    try:
        for res in ex.map(job, items, chunksize=1):
            out.append(res)
            if done is not None:
                done(len(out) - 1)
    except BrokenProcessPool:
        pass  # read the rest in this process, below
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    for i in range(len(out), len(items)):
        out.append(job(items[i]))
        if done is not None:
            done(i)
    return out
