"""``evaluate(policy, evidence)``: the one call from files' contents to a Determination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from checker.determination import (
    ActorRef,
    CapSettings,
    DecisionSettings,
    Determination,
    InputFile,
    PolicyRef,
    PriceUse,
    RelationRef,
)
from checker.engine import DEFAULT_SEED
from checker.engine.compare import compare
from checker.engine.gate import active_waivers, run_gate
from checker.engine.threshold_pool import decide_all
from checker.errors import Problem, RspcheckError
from checker.evidence.model import Evidence
from checker.policy.load import LoadedPolicy
from checker.policy.model import (
    CALIBRATED_REPLICATES,
    Policy,
    check_options,
)
from checker.version import __version__


def pick_model(evidence: Evidence, model: str | None) -> str:
    """The model to evaluate: the one given, or the only one the evidence has runs for."""
    ids = sorted({r.model for r in evidence.runs})
    if model is not None:
        if model not in ids:
            raise RspcheckError.one(
                "unknown-reference",
                f"model {model!r} has no runs in the evidence (models: {', '.join(ids) or 'none'})",
                hint="pass --model with one of those ids",
            )
        return model
    if len(ids) != 1:
        raise RspcheckError.one(
            "unknown-reference",
            f"the evidence has runs for {len(ids)} models ({', '.join(ids)}); say which",
            hint="pass --model MODEL",
        )
    return ids[0]


def preview_warning(replicates: int) -> str | None:
    """The warning a determination carries when it used fewer replicates than calibrated."""
    if replicates >= CALIBRATED_REPLICATES:
        return None
    return (
        f"PREVIEW: {replicates} bootstrap replicates, fewer than the {CALIBRATED_REPLICATES} "
        "at which the calibration study checked the bounds (benchmarks/results/calibration.md);"
        " bounds near a threshold may move with more: not for a release decision"
    )


LIMIT_HIT_SHARE = 0.5
"""Share of a run's attempts cut off by a configured limit from which the determination warns:
when most attempts stop at the cap, the cap rather than the model set the run's spend."""


def limit_warnings(evidence: Evidence, run_ids: Iterable[str]) -> list[str]:
    """A warning for each run used whose attempts mostly hit a configured limit.

    An attempt that hit a limit is a failure at the spend it reached: its score counts as
    recorded (usually 0) and its spend as measured, neither dropped (which would raise the
    run's score and lower its spend) nor imputed. That is what the run's configuration
    reached at that spend, and what budget truncation assumes (DESIGN.md 15). When most
    attempts were cut off, though, the point says more about the cap than the model: a model
    told its budget may do better at the same spend, and a ``not_crossed`` resting on it holds
    for that capped configuration only. The determination says so, run by run.

    Args:
        evidence: The evidence.
        run_ids: The runs the determination used.

    Returns:
        One warning per run at or above :data:`LIMIT_HIT_SHARE`, in run order.
    """
    out = []
    table = evidence.attempts
    for run_id in sorted(set(run_ids)):
        rows = table.rows_of_run(run_id)
        if rows.size == 0:
            continue
        hit = float(table.limit_hit[rows].mean())
        if hit >= LIMIT_HIT_SHARE:
            out.append(
                f"run {run_id!r}: {hit:.0%} of its attempts hit a configured limit and count "
                "as failures at the spend they reached; its budget is set by that cap, and a "
                "model told its budget may do better there (a not_crossed holds for the capped "
                "configuration evaluated)"
            )
    return out


def check_ids(policy: Policy) -> None:
    """Refuse a policy whose actors, thresholds and safeguards share an id (lint's
    ``duplicate-id``, for a policy that did not come through :func:`load_policy`).

    Raises:
        RspcheckError: ``duplicate-id``, naming each id and what carries it.
    """
    problems = [
        Problem(
            "duplicate-id",
            f"id {ident!r} names {len(kinds)} items ({', '.join(kinds)}): ids must be unique "
            "across actors, thresholds and safeguards",
            hint="give each a unique id (rspcheck lint locates them in the file)",
        )
        for ident, kinds in policy.id_kinds().items()
        if len(kinds) > 1
    ]
    if problems:
        raise RspcheckError(problems)


def evaluate(
    policy: Policy | LoadedPolicy,
    evidence: Evidence,
    *,
    model: str | None = None,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    replicates: int | None = None,
    compare_with: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
) -> Determination:
    """Determine every threshold of ``policy`` for one model, and the gate.

    The same inputs, seed and ``as_of`` give the same Determination (and JSON) byte for byte.

    Args:
        policy: The policy, loaded from its file (linted) or built in code.
        evidence: The evidence loaded.
        model: The model decided on (None: the only one the evidence has runs for).
        seed: The bootstrap seed, 0 to 2**64 - 1 (recorded).
        as_of: The day attestations, waivers and prices are judged on (default today, UTC).
        replicates: Overrides the policy's bootstrap replicates, 50 to 100,000 (e.g. 200 for
            a fast preview; fewer than :data:`CALIBRATED_REPLICATES` is recorded as a preview
            in the determination's warnings).
        compare_with: A second model (e.g. the previous release): every eval the policy uses
            where both have runs gets a matched-budget comparison, on the axis of the first
            threshold that uses the eval.
        progress: Called as ``progress(done, total, label)`` as thresholds are decided (the
            CLI draws a progress bar with it).
        workers: Processes deciding thresholds side by side (None: one per core; 1: all in
            this process). Thresholds that share an eval are decided together
            (:mod:`checker.engine.threshold_pool`); the result does not depend on it.

    Returns:
        The determination.

    Raises:
        RspcheckError: ``invalid-value`` for a seed or replicate count out of bounds
            (:func:`check_options`), ``duplicate-id`` for a policy built in code whose ids
            collide (:func:`check_ids`), both before anything is computed;
            ``unknown-reference`` for a model without runs.
    """
    loaded = policy if isinstance(policy, LoadedPolicy) else None
    pol = loaded.policy if loaded else policy
    assert isinstance(pol, Policy)
    check_options(seed=seed, replicates=replicates)
    if loaded is None:
        check_ids(pol)  # a loaded policy was linted; one built in code may not have been
    if replicates is not None:
        pol = pol.model_copy(
            update={
                "decision": pol.decision.model_copy(update={"bootstrap_replicates": replicates})
            }
        )
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    model_id = pick_model(evidence, model)
    evidence_warnings: list[str] = []
    preview = preview_warning(pol.decision.bootstrap_replicates)
    if preview:
        evidence_warnings.append(preview)
    results = []
    prices: dict[str, PriceUse] = {}
    decided = decide_all(
        pol,
        evidence,
        model_id,
        seed=seed,
        waivers=active_waivers(pol, as_of),
        workers=workers,
        progress=progress,
    )
    for result, used in decided:
        results.append(result)
        for p in used:
            prices.setdefault(p.run, p)
    if progress:
        progress(len(pol.thresholds), len(pol.thresholds), "gate")
    evidence_warnings += limit_warnings(evidence, (r for t in results for r in t.evidence_runs))
    gate = run_gate(pol, results, evidence.manifest.attestations, as_of)
    comparisons = []
    if compare_with is not None:
        other = pick_model(evidence, compare_with)
        axes: dict[str, str] = {}
        for t in pol.thresholds:
            for e in t.evals:
                axes.setdefault(e, str(t.axis))
        for e, axis in axes.items():
            try:
                comparisons.append(
                    compare(
                        evidence,
                        e,
                        other,
                        model_id,
                        axis=axis,
                        pricing=pol.decision.pricing,
                        replicates=pol.decision.bootstrap_replicates,
                        seed=seed,
                        confidence=pol.decision.confidence,
                    )
                )
            except RspcheckError as err:
                evidence_warnings.append(f"no comparison on {e}: {err.problems[0].msg}")
    inputs = []
    if loaded:
        inputs.append(InputFile(role="policy", name=Path(loaded.path).name, sha256=loaded.sha256))
    for path, digest in evidence.files:
        role: Literal["evidence", "attempts", "log"] = (
            "evidence"
            if path.endswith((".yaml", ".yml")) or path == evidence.files[0][0]
            else ("attempts" if path.endswith((".jsonl", ".csv", ".parquet")) else "log")
        )
        inputs.append(InputFile(role=role, name=Path(path).name, sha256=digest))
    model_info = evidence.model(model_id)
    caveats = [f"{t.id}: {a}" for t in pol.thresholds for a in t.assumptions]
    caveats += [
        f"actor {a.id}: budget is an rspcheck assumption" for a in pol.actors if a.assumption
    ]
    caveats.append(
        "Evidence shows what the evaluated configurations reach: a lower bound on what the model "
        "can do. A 'not crossed' holds only for the scaffolds and settings evaluated."
    )
    d = pol.decision
    return Determination(
        tool_version=__version__,
        seed=seed,
        as_of=as_of,
        policy=PolicyRef(
            id=pol.metadata.id,
            title=pol.metadata.title,
            version=pol.metadata.version,
            effective=pol.metadata.effective,
        ),
        model=model_id,
        model_name=model_info.name if model_info else None,
        confidence=d.confidence,
        settings=DecisionSettings(
            max_extrapolation_oom=CapSettings(**d.max_extrapolation_oom.model_dump()),
            max_attempts_extrapolation_oom=CapSettings(
                **d.max_attempts_extrapolation_oom.model_dump()
            ),
            bootstrap_replicates=d.bootstrap_replicates,
            repeated_sampling=d.repeated_sampling,
            parallel_attempts=d.parallel_attempts,
            indeterminate_as=d.indeterminate_as,
            pricing=d.pricing.convention,
            price_fall_per_year=d.price_fall_per_year,
            compare_with=compare_with,
            truncation=d.truncation,
        ),
        inputs=inputs,
        actors=[
            ActorRef(
                id=a.id,
                title=a.title,
                budgets={ax: v for ax in ("tokens", "usd", "seconds") if (v := a.budget.on(ax))},
                assumption=a.assumption,
            )
            for a in pol.actors
        ],
        relations=[
            RelationRef(kind="implies", source=r.source, target=r.target)
            for r in pol.relations.implies
        ]
        + [
            RelationRef(kind="requires", source=r.threshold, target=s)
            for r in pol.relations.requires
            for s in r.safeguards
        ],
        thresholds=results,
        gate=gate,
        comparisons=comparisons,
        prices=[prices[k] for k in sorted(prices)],
        caveats=caveats,
        warnings=list(evidence.warnings) + evidence_warnings,
    )
