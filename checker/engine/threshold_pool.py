"""Deciding a policy's thresholds side by side: groups that share no eval, in forked workers.

Most of :func:`~checker.engine.evaluate.evaluate`'s time is fitting curves, one eval at a time,
on one core. Thresholds that share an eval share its fits (the determination's cache), so they
stay together: the thresholds are split into groups linked by the evals they use, and each group
is decided in one worker, in policy order, with a cache of its own. Every cache entry is keyed
by eval (bootstrap weights, gathered configurations, curve fits), and every random draw comes
from a stream named by seed and eval (:func:`checker.engine.configs.stream`), so a group
decided in a worker computes exactly what it would in the calling process: the determination
is the same byte for byte whatever the number of workers.

The pool is the forked one of :mod:`checker.files.workers`: workers start with the policy and
evidence already in memory (nothing large is pickled on the way in; each threshold's result
comes back pickled). Where forking is unsafe, or there is one group, everything runs here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from checker.determination import PriceUse, ThresholdResult
from checker.engine.threshold import determine
from checker.evidence.model import Evidence
from checker.files.workers import available_cpus, can_fork, map_ordered
from checker.policy.model import Policy

Decided = tuple[ThresholdResult, list[PriceUse]]

_JOB: dict[str, Any] = {}
"""The work of the current :func:`decide_all` call, set before the fork so that workers
inherit it instead of receiving it pickled."""


def eval_groups(policy: Policy) -> list[list[int]]:
    """Threshold indices grouped so that no two groups use the same eval (each in policy
    order; groups ordered by their first threshold)."""
    parent = list(range(len(policy.thresholds)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, t in enumerate(policy.thresholds):
        for e in t.evals:
            j = first.setdefault(e, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(policy.thresholds)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _decide_group(group: Sequence[int]) -> list[Decided]:
    job = _JOB
    pol: Policy = job["policy"]
    cache: dict = {}  # the group's own: no other group uses its evals
    out = []
    for i in group:
        t = pol.thresholds[i]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # NaN marks "nothing can be said here" throughout; numpy's warnings about
            # all-NaN slices are expected, not news for the user.
            warnings.simplefilter("ignore", RuntimeWarning)
            out.append(
                determine(
                    pol,
                    t,
                    job["evidence"],
                    job["model"],
                    seed=job["seed"],
                    cache=cache,
                    waived_by=job["waivers"].get(("threshold", t.id)),
                )
            )
        if job["progress"] is not None and not job["forked"]:
            job["progress"](i)
    return out


def decide_all(
    policy: Policy,
    evidence: Evidence,
    model: str,
    *,
    seed: int,
    waivers: dict,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Decided]:
    """Every threshold's result and prices, in policy order.

    Args:
        policy: The policy (with any replicate override applied).
        evidence: The evidence loaded.
        model: The model decided on.
        seed: The determination's seed.
        waivers: Active waivers keyed ``("threshold", id)`` (see ``active_waivers``).
        workers: Worker processes (None: one per core, at most one per group; 1: here).
        progress: ``progress(done, total, label)`` as thresholds (or groups) are decided.

    Returns:
        ``(result, prices)`` per threshold, in the policy's order.
    """
    n = len(policy.thresholds)
    groups = eval_groups(policy)
    size = min(available_cpus() if workers is None else workers, len(groups))
    forked = size > 1 and can_fork()
    done = [0]

    def one(i: int) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], n, policy.thresholds[i].id)

    _JOB.update(
        policy=policy,
        evidence=evidence,
        model=model,
        seed=seed,
        waivers=waivers,
        progress=one if progress is not None else None,
        forked=forked,
    )
    try:
        if progress is not None:
            progress(0, n, policy.thresholds[0].id if n else "gate")
        if forked:

            def group_done(g: int) -> None:
                for i in groups[g]:
                    one(i)

            parts = map_ordered(_decide_group, groups, size, done=group_done)
        else:
            parts = [_decide_group(g) for g in groups]
    finally:
        _JOB.clear()
    out: list[Decided | None] = [None] * n
    for g, part in zip(groups, parts, strict=True):
        for i, decided in zip(g, part, strict=True):
            out[i] = decided
    assert all(d is not None for d in out)
    return [d for d in out if d is not None]


__all__ = ["decide_all", "eval_groups"]
