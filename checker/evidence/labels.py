"""Names people can read for runs and configurations: what distinguishes them, not their ids.

An ingested Inspect log's run id is ``arith@kXXUJeSP6f5Z4D4FwGEMH2``: unique, and unreadable on a
chart. A reader wants to know what the run *was*: ``arith @ effort=minimal``, ``arith @
max_tokens=1.5k``. A run's label is its eval and the configured settings that differ between
the runs of the same model and eval (the scaffold too, when it differs); best-of-k and
budget-truncated configurations add ``k=8`` or ``cut at 12k tokens``. Machine-readable outputs
keep the ids beside the labels.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.budget import format_budget
from checker.evidence.model import EvalRun, RunLimits

#: Short names of the run limits, in the order a label lists them.
_SHORT = {
    "reasoning_effort": "effort",
    "reasoning_tokens": "reasoning_tokens",
    "max_tokens": "max_tokens",
    "token_limit": "token_limit",
    "message_limit": "message_limit",
    "time_limit": "time_limit",
    "working_limit": "working_limit",
    "cost_limit": "cost_limit",
    "epochs": "epochs",
}


def short_number(value: float) -> str:
    """``12000`` -> ``12k``, ``2390000`` -> ``2.39M``, ``0.5`` -> ``0.5`` (three significant
    digits at most; ``B`` for billions, as budgets are written)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _setting(name: str, value: str | float) -> str:
    if name in ("time_limit", "working_limit"):
        return f"{_SHORT[name]}={short_number(float(value))}s"
    if name == "cost_limit":
        return f"{_SHORT[name]}=${short_number(float(value))}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{_SHORT[name]}={short_number(value)}"
    return f"{_SHORT[name]}={value}"


def run_labels(runs: Iterable[EvalRun]) -> dict[str, str]:
    """A readable label for each run, keyed by run id.

    Runs are grouped by (model, eval); within a group a run is named by the eval and the
    settings whose values differ across the group (``arith @ effort=low, max_tokens=1.5k``).
    A run alone in its group is named by its eval; runs no setting tells apart are named by
    their id (nothing else tells what they were).

    Args:
        runs: The runs (any models and evals).

    Returns:
        Run id -> label. Labels are unique within a (model, eval) group.
    """
    groups: dict[tuple[str, str], list[EvalRun]] = {}
    for r in runs:
        groups.setdefault((r.model, r.eval), []).append(r)
    out: dict[str, str] = {}
    for (_, eval_id), members in groups.items():
        if len(members) == 1:
            out[members[0].id] = eval_id
            continue
        varying = _distinguishing(members)
        scaffolds = len({r.scaffold for r in members}) > 1
        labels = {}
        for r in members:
            parts = [f"scaffold={r.scaffold}"] if scaffolds else []
            parts += [
                _setting(f, getattr(r.limits, f))
                for f in varying
                if getattr(r.limits, f) is not None
            ]
            labels[r.id] = f"{eval_id} @ {', '.join(parts)}" if parts else f"{eval_id} @ as run"
        if len(set(labels.values())) < len(labels):  # settings do not tell them apart
            seen: dict[str, int] = {}
            for v in labels.values():
                seen[v] = seen.get(v, 0) + 1
            labels = {k: (v if seen[v] == 1 else k) for k, v in labels.items()}
        out.update(labels)
    return out


def _distinguishing(members: list[EvalRun]) -> list[str]:
    """The settings that tell the runs apart, in :data:`_SHORT` order, each one kept only if
    it tells apart runs the ones before it did not (a token limit set from the effort adds
    nothing to ``effort=``)."""
    fields = [f for f in _SHORT if f in RunLimits.model_fields]
    chosen: list[str] = []
    distinct = len({r.scaffold for r in members})
    for f in fields:
        keys = {(r.scaffold, *(repr(getattr(r.limits, g)) for g in [*chosen, f])) for r in members}
        if len(keys) > distinct:
            chosen.append(f)
            distinct = len(keys)
    return chosen


def config_label(
    run_label: str, k: int = 1, truncated_at: float | None = None, axis: str = "tokens"
) -> str:
    """A configuration's label: its run's, with best-of-k or the truncation cap added.

    Args:
        run_label: The run's label (:func:`run_labels`).
        k: Attempts per task combined (best-of-k when above 1).
        truncated_at: The per-attempt cap of a budget-truncated configuration.
        axis: The axis the cap is on.

    Returns:
        E.g. ``arith @ effort=low, k=8`` or ``arith @ effort=low, cut at 1.2k tokens``.
    """
    extra = []
    if k > 1:
        extra.append(f"k={k}")
    if truncated_at is not None:
        extra.append(f"cut at {format_budget(truncated_at, axis)}")
    if not extra:
        return run_label
    sep = ", " if " @ " in run_label else " @ "
    return run_label + sep + ", ".join(extra)


def without_eval(label: str, eval_id: str) -> str:
    """A label without its eval, where the eval is named already (a table's title):
    ``arith @ effort=low`` -> ``effort=low``; a run alone on its eval -> ``as run``."""
    for prefix in (f"{eval_id} @ ", eval_id):
        if label.startswith(prefix):
            return label[len(prefix) :] or "as run"
    return label
