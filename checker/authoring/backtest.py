"""``rspcheck backtest``'s library side: what a draft policy would have decided on past evidence.

:func:`backtest` runs :func:`checker.evaluate` (the engine, unchanged: no decision logic here) for
each model of the evidence under the draft, and, with ``against``, under the current policy too;
then lines the determinations up. Every determination that changes between the two is a
:class:`Flip` with the reasons the policies give for it (the threshold's changes from
:func:`~checker.authoring.diff.diff_policies`: which T(b) point moved, the range, a cap, a
relation) and what the determinations say (T at the crossing budget, the indeterminate reason).
The same inputs, seed and ``as_of`` give the same result, byte for byte in its JSON and CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from checker.budget import format_budget
from checker.determination import Determination, ThresholdResult
from checker.engine import DEFAULT_SEED
from checker.errors import RspcheckError
from checker.evidence.model import Evidence
from checker.policy.load import LoadedPolicy
from checker.policy.model import Policy


@dataclass(frozen=True)
class Cell:
    """One threshold's determination for one model, as the backtest table shows it."""

    model: str
    threshold: str
    axis: str
    state: str
    basis: str
    crossing: float | None
    """Crossing budget estimate per task (None: none within reach)."""
    crossing_lower: float | None
    crossing_upper: float | None
    direct: float
    """Share of the assessed range covered directly (0 to 1)."""
    extrapolated: float
    uncovered: float
    alert: str
    reasons: list[str]
    """Reason codes (why indeterminate, or caveats)."""
    waived_by: str | None

    @classmethod
    def of(cls, model: str, t: ThresholdResult) -> Cell:
        """The cell of one threshold result."""
        cb, cov = t.crossing_budget, t.coverage
        return cls(
            model=model,
            threshold=t.id,
            axis=t.axis,
            state=t.state,
            basis=t.basis,
            crossing=cb.estimate,
            crossing_lower=cb.lower,
            crossing_upper=cb.upper,
            direct=cov.direct,
            extrapolated=cov.extrapolated,
            uncovered=cov.uncovered,
            alert=t.alert_state,
            reasons=list(dict.fromkeys(r.code for r in t.reasons)),
            waived_by=t.waived_by,
        )

    def crossing_text(self) -> str:
        """The crossing budget as the table prints it (``—`` for none)."""
        return format_budget(self.crossing, self.axis) if self.crossing else "—"


@dataclass(frozen=True)
class Flip:
    """A determination that differs between the current policy and the draft."""

    model: str
    threshold: str
    before: Cell | None
    """Under the current policy (None: the threshold is new in the draft)."""
    after: Cell | None
    """Under the draft (None: the draft removed the threshold)."""
    why: list[str]
    """What made the difference, one sentence each."""


@dataclass(frozen=True)
class GateRow:
    """One model's gate under the draft (and the current policy)."""

    model: str
    draft: str
    current: str | None
    unmet: list[str]
    """What the draft's gate finds unmet, one line each."""


@dataclass(frozen=True)
class Backtest:
    """A draft's determinations on past evidence, and what changes against the current policy."""

    policy: tuple[str, str]
    """``(id, version)`` of the draft."""
    against: tuple[str, str] | None
    seed: int
    as_of: dt.date
    replicates: int
    models: list[str]
    cells: list[Cell]
    """The draft's table, model by model, thresholds in policy order."""
    gates: list[GateRow]
    flips: list[Flip] = field(default_factory=list)
    """Every determination that changes (state, basis, crossing budget or coverage), with
    ``against``."""
    policy_changes: list[str] = field(default_factory=list)
    """The structural changes from the current policy to the draft (with ``against``)."""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (budgets per task on each threshold's axis)."""
        out = asdict(self)
        out["policy"] = {"id": self.policy[0], "version": self.policy[1]}
        out["against"] = (
            {"id": self.against[0], "version": self.against[1]} if self.against else None
        )
        out["as_of"] = self.as_of.isoformat()
        return out

    def to_json(self) -> str:
        """The JSON text (sorted keys, two-space indent, a final newline)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def to_csv(self) -> str:
        """One row per model and threshold: the draft's cell, and the current one's state."""
        before = {(f.model, f.threshold): f.before for f in self.flips}
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            [
                "model",
                "threshold",
                "state",
                "basis",
                "crossing_budget",
                "crossing_lower",
                "crossing_upper",
                "axis",
                "direct",
                "extrapolated",
                "uncovered",
                "alert",
                "reasons",
                "changed",
                "state_before",
            ]
        )
        for c in self.cells:
            was = before.get((c.model, c.threshold))
            changed = (c.model, c.threshold) in before
            w.writerow(
                [
                    c.model,
                    c.threshold,
                    c.state,
                    c.basis,
                    _num(c.crossing),
                    _num(c.crossing_lower),
                    _num(c.crossing_upper),
                    c.axis,
                    _num(c.direct),
                    _num(c.extrapolated),
                    _num(c.uncovered),
                    c.alert,
                    " ".join(c.reasons),
                    "yes" if changed else ("" if self.against is None else "no"),
                    was.state if was else "",
                ]
            )
        return buf.getvalue()


def _num(v: float | None) -> str:
    return "" if v is None else repr(float(v))


def backtest(
    draft: Policy | LoadedPolicy,
    evidence: Evidence,
    *,
    models: Sequence[str] = (),
    against: Policy | LoadedPolicy | None = None,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    replicates: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Backtest:
    """Decide every threshold of ``draft`` for each model of ``evidence``; with ``against``,
    also under the current policy, and say what changes and why.

    Args:
        draft: The draft policy.
        evidence: Past releases' evidence: one manifest per release (merged with
            :func:`checker.evidence.load_many`) or several models within one.
        models: Models to decide (default: every model with runs, sorted).
        against: The current policy to compare with.
        seed: The bootstrap seed (the same for both policies).
        as_of: The day attestations, waivers and prices are judged on (default today, UTC).
        replicates: Overrides both policies' bootstrap replicates.
        progress: Called as ``progress(done, total, label)`` per determination.

    Returns:
        The backtest.

    Raises:
        RspcheckError: ``unknown-reference`` for a model without runs; what
            :func:`checker.evaluate` raises.
    """
    from checker.authoring.diff import diff_policies
    from checker.engine.evaluate import evaluate

    as_of = as_of or dt.datetime.now(dt.UTC).date()
    have = sorted({r.model for r in evidence.runs})
    chosen = list(dict.fromkeys(models)) or have
    missing = [m for m in chosen if m not in have]
    if missing:
        raise RspcheckError.one(
            "unknown-reference",
            f"model(s) {', '.join(missing)} have no runs in the evidence (models: "
            f"{', '.join(have) or 'none'})",
            hint="pass --models with some of those ids",
        )
    draft_policy = draft.policy if isinstance(draft, LoadedPolicy) else draft
    current = against.policy if isinstance(against, LoadedPolicy) else against
    total = len(chosen) * (2 if against is not None else 1)
    done = 0

    def run(policy: Policy | LoadedPolicy, model: str, label: str) -> Determination:
        nonlocal done
        if progress:
            progress(done, total, f"{model} under {label}")
        det = evaluate(policy, evidence, model=model, seed=seed, as_of=as_of, replicates=replicates)
        done += 1
        return det

    drafts = {m: run(draft, m, "the draft") for m in chosen}
    currents = {m: run(against, m, "the current policy") for m in chosen} if against else {}
    if progress:
        progress(total, total, "done")
    cells = [Cell.of(m, t) for m in chosen for t in drafts[m].thresholds]
    gates = [
        GateRow(
            model=m,
            draft=drafts[m].gate.result,
            current=currents[m].gate.result if m in currents else None,
            unmet=[
                u.threshold + (f" needs {u.safeguard}" if u.safeguard else "") + f": {u.reason}"
                for u in drafts[m].gate.unmet
            ],
        )
        for m in chosen
    ]
    flips: list[Flip] = []
    changes: list[str] = []
    if current is not None:
        pdiff = diff_policies(current, draft_policy, as_of=as_of)
        changes = [c.what for c in pdiff.changes]
        renamed = {c.new: c.old for c in pdiff.changes if c.kind == "renamed"}
        shared = [c.what for c in pdiff.changes if c.section == "decision"]
        for m in chosen:
            flips += _flips(
                m, drafts[m], currents[m], draft_policy, current, pdiff, renamed, shared
            )
    warnings = list(dict.fromkeys(w for m in chosen for w in drafts[m].warnings))
    d0 = drafts[chosen[0]] if chosen else None
    return Backtest(
        policy=(draft_policy.metadata.id, draft_policy.metadata.version),
        against=(current.metadata.id, current.metadata.version) if current else None,
        seed=seed,
        as_of=as_of,
        replicates=d0.settings.bootstrap_replicates if d0 else 0,
        models=chosen,
        cells=cells,
        gates=gates,
        flips=flips,
        policy_changes=changes,
        warnings=warnings,
    )


def _flips(
    model: str,
    draft: Determination,
    current: Determination,
    draft_policy: Policy,
    current_policy: Policy,
    pdiff: Any,
    renamed: dict[str, str],
    shared: list[str],
) -> list[Flip]:
    out = []
    before = {t.id: t for t in current.thresholds}
    seen: set[str] = set()
    for t in draft.thresholds:
        old_id = renamed.get(t.id, t.id)
        seen.add(old_id)
        b = before.get(old_id)
        after = Cell.of(model, t)
        if b is None:
            out.append(Flip(model, t.id, None, after, ["the threshold is new in the draft"]))
            continue
        was = Cell.of(model, b)
        if _key(was) == _key(after):
            continue
        why = [c.what for c in pdiff.about(t.id)] + shared
        why += _account(t, b, draft_policy, current_policy, old_id)
        if not why:
            why = ["the policies define it alike: the evidence or the as-of date differs"]
        out.append(Flip(model, t.id, was, after, why))
    for t in current.thresholds:
        if t.id not in seen:
            out.append(
                Flip(model, t.id, Cell.of(model, t), None, ["the draft removes the threshold"])
            )
    return out


def _key(c: Cell) -> tuple[object, ...]:
    """What makes a determination differ: state, basis, crossing budget (three significant
    figures) and coverage (whole per cent)."""
    cover = tuple(round(100 * v) for v in (c.direct, c.extrapolated, c.uncovered))
    return (c.state, c.basis, _rounded(c.crossing), cover)


def _rounded(v: float | None) -> float | None:
    """A crossing budget to three significant figures: closer than that is no change."""
    return None if v is None else float(f"{v:.3g}")


def _account(
    after: ThresholdResult,
    before: ThresholdResult,
    draft: Policy,
    current: Policy,
    old_id: str,
) -> list[str]:
    """What the two determinations say about the difference: T at the crossing budget under
    each policy, and the draft's reason where it is indeterminate."""
    import numpy as np

    out = []
    ta, tb = current.threshold(old_id), draft.threshold(after.id)
    budget = after.crossing_budget.estimate or before.crossing_budget.estimate
    if ta is not None and tb is not None and budget and ta.axis == tb.axis:
        old_t = float(np.asarray(ta.function.at([budget]), dtype=float)[0])
        new_t = float(np.asarray(tb.function.at([budget]), dtype=float)[0])
        if abs(old_t - new_t) > 1e-12:
            out.append(
                f"T at the crossing budget {format_budget(budget, after.axis)}: {old_t:.2f} "
                f"-> {new_t:.2f}"
            )
    if after.state == "indeterminate" and after.reasons:
        out.append(f"under the draft: {after.reasons[0].message}")
    elif before.state == "indeterminate" and before.reasons and after.state != "indeterminate":
        out.append(f"under the current policy it was indeterminate: {before.reasons[0].message}")
    return out
