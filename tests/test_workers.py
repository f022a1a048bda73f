"""The forked pool (checker.files.workers.map_ordered): results in input order, the first error
in input order, and no hang when a worker dies."""

from __future__ import annotations

import os

import pytest

from checker.files.workers import can_fork, map_ordered

PARENT = os.getpid()

needs_fork = pytest.mark.skipif(not can_fork(), reason="no fork start method here")


def _square_or_die(x: int) -> int:
    # In a forked worker (its pid differs from the parent's, which the fork copied), item 3
    # kills the worker outright, as an OOM kill or a crash in native code would.
    if x == 3 and os.getpid() != PARENT:
        os._exit(1)
    return x * x


def _fail_on_odd(x: int) -> int:
    if x % 2:
        raise ValueError(f"odd {x}")
    return x


@needs_fork
def test_a_dead_worker_is_read_here_instead_of_hanging():
    seen: list[int] = []
    assert map_ordered(_square_or_die, list(range(8)), 2, done=seen.append) == [
        x * x for x in range(8)
    ]
    assert seen == list(range(8))


@needs_fork
def test_the_first_error_in_input_order_is_raised():
    with pytest.raises(ValueError, match="odd 1"):
        map_ordered(_fail_on_odd, [0, 1, 2, 3], 2)
