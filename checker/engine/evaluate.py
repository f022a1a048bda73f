"""``evaluate(policy, evidence)``: the one call from files' contents to a Determination."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

from checker.determination import (
    ActorRef,
    DecisionSettings,
    Determination,
    InputFile,
    PolicyRef,
    PriceUse,
    RelationRef,
)
from checker.engine import DEFAULT_SEED
from checker.engine.compare import compare
from checker.engine.gate import active_waiver, run_gate
from checker.engine.threshold import determine
from checker.errors import RspcheckError
from checker.evidence.model import Evidence
from checker.policy.load import LoadedPolicy
from checker.policy.model import Policy
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
) -> Determination:
    """Determine every threshold of ``policy`` for one model, and the gate.

    The same inputs, seed and ``as_of`` give the same Determination (and JSON) byte for byte.
    ``replicates`` overrides the policy's bootstrap replicates (e.g. a fast preview).
    ``compare_with`` names a second model (e.g. the previous release): every eval the policy
    uses where both have runs gets a matched-budget comparison, on the axis of the first
    threshold that uses the eval. ``progress(done, total, label)`` is called as thresholds
    are decided (the CLI draws a progress bar with it).
    """
    loaded = policy if isinstance(policy, LoadedPolicy) else None
    pol = loaded.policy if loaded else policy
    assert isinstance(pol, Policy)
    if replicates is not None:
        pol = pol.model_copy(
            update={
                "decision": pol.decision.model_copy(update={"bootstrap_replicates": replicates})
            }
        )
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    model_id = pick_model(evidence, model)
    evidence_warnings: list[str] = []
    results = []
    prices: dict[str, PriceUse] = {}
    fit_cache: dict = {}  # curve-family fits shared by thresholds on the same eval and axis
    for i, t in enumerate(pol.thresholds):
        if progress:
            progress(i, len(pol.thresholds), t.id)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # NaN marks "nothing can be said here" throughout; numpy's warnings about
            # all-NaN slices are expected, not news for the user.
            warnings.simplefilter("ignore", RuntimeWarning)
            result, used = determine(
                pol,
                t,
                evidence,
                model_id,
                seed=seed,
                cache=fit_cache,
                waived_by=active_waiver(pol, t.id, as_of),
            )
        results.append(result)
        for p in used:
            prices.setdefault(p.run, p)
    if progress:
        progress(len(pol.thresholds), len(pol.thresholds), "gate")
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
            max_extrapolation_oom=d.max_extrapolation_oom,
            max_attempts_extrapolation_oom=d.max_attempts_extrapolation_oom,
            bootstrap_replicates=d.bootstrap_replicates,
            repeated_sampling=d.repeated_sampling,
            parallel_attempts=d.parallel_attempts,
            indeterminate_as=d.indeterminate_as,
            pricing=d.pricing.convention,
            price_fall_per_year=d.price_fall_per_year,
            compare_with=compare_with,
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
