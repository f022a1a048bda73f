"""``audit``: findings from a claims file, stronger with a policy and with evidence.

From the claims alone it reads disclosure (budgets, attempts, comparisons at unmatched budgets,
modes offered without an evaluation). With a policy it measures safety-relevant budgets against
the budgets the policy assesses each domain at, and names thresholds no claim addresses. With
evidence it places each linked claim on the evidence's curve at its stated budget
(:func:`~checker.engine.budget_curves.budget_curves`), puts the matched-budget comparison
(:func:`~checker.engine.compare.compare_models`, budget-truncated runs credited) beside each
comparison the document draws, and notes curves still rising at the top budget.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Literal

from checker.audit.findings import (
    AUDIT_CODES,
    Audit,
    AuditInput,
    DisclosureRow,
    EvidenceCurve,
    Finding,
    MatchedCheck,
    Reproduction,
)
from checker.audit.load import LoadedClaims
from checker.audit.model import ATTEMPT_METRICS, Claim, Comparison, Locator, StatedBudget
from checker.budget import Axis, format_budget
from checker.engine.budget_curves import ConfigCurve, budget_curves
from checker.engine.compare import compare_models
from checker.errors import RspcheckError
from checker.evidence.model import Evidence
from checker.policy.model import Policy, Threshold
from checker.version import __version__

Strength = Literal["claims", "policy", "evidence"]
Verdict = Literal["survives", "reversed", "cannot be checked"]

MATCH_TOLERANCE = 1.25
"""Two stated budgets on one axis are matched when within this factor of each other."""
ACTOR_GAP_DECADES = 2.0
"""A safety-relevant budget this many orders of magnitude below the policy's is a finding."""
RISING = 0.03
"""A rise of P* at least this large over the last half decade of budget, with the top's lower
bound above the earlier estimate, is "still rising"."""
RISING_SPAN = math.sqrt(10)
"""How far below the top budget the rise is measured from (half a decade)."""
AXIS_ORDER = (Axis.usd, Axis.tokens, Axis.seconds)


def audit(
    loaded: LoadedClaims,
    *,
    evidence: Evidence | None = None,
    policy: Policy | None = None,
    inputs: list[AuditInput] | None = None,
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    progress: Callable[[str], None] | None = None,
    as_of: dt.date | None = None,
) -> Audit:
    """Audit a claims file.

    Args:
        loaded: The claims (from :func:`~checker.audit.load.load_claims`).
        evidence: Evidence to reproduce claims and match comparisons with (optional).
        policy: A policy whose thresholds and actor budgets the claims are measured against.
        inputs: The evidence and policy files read, for the record (the claims file is added).
        replicates: Bootstrap replicates of the evidence checks.
        seed: Bootstrap seed (same inputs and seed, same bytes).
        confidence: One-sided confidence level of each bound.
        progress: Called with a short label before each evidence check.
        as_of: The day of the audit (default today, UTC).

    Returns:
        The audit: findings (errors first, then by line) and the disclosure summary.
    """
    ctx = _Context(loaded, evidence, replicates, seed, confidence, progress)
    found: list[Finding] = []
    cf = loaded.claims
    for i, claim in enumerate(cf.claims):
        found.extend(_disclosure(ctx, i, claim))
    for i, comp in enumerate(cf.comparisons):
        found.extend(_comparison(ctx, i, comp))
    found.extend(_offerings(ctx, policy))
    if policy is not None:
        found.extend(_policy(ctx, policy))
    if evidence is not None:
        for i, claim in enumerate(cf.claims):
            found.extend(_reproduce(ctx, i, claim, rising=i in _top_claims(cf.claims)))
    rank = {"error": 0, "warning": 1, "info": 2}
    found.sort(key=lambda f: (rank[f.severity], f.line or 0, f.code))
    counts = {s: sum(f.severity == s for f in found) for s in ("error", "warning", "info")}
    strength: list[Strength] = ["claims"]
    if policy is not None:
        strength.append("policy")
    if evidence is not None:
        strength.append("evidence")
    doc = cf.document
    record = [AuditInput(role="claims", name=loaded.path, sha256=loaded.sha256)]
    return Audit(
        tool_version=__version__,
        document={
            "title": doc.title,
            "publisher": doc.publisher,
            "version": doc.version,
            "date": doc.date.isoformat() if doc.date else None,
            "url": doc.url,
        },
        inputs=record + list(inputs or []),
        strength=strength,
        bottom_line=_bottom_line(counts, len(cf.claims), disclosure(cf.claims)[0]),
        counts=counts,
        findings=found,
        disclosure=disclosure(cf.claims),
        seed=seed,
        as_of=as_of or dt.datetime.now(dt.UTC).date(),
    )


def disclosure(claims: list[Claim]) -> list[DisclosureRow]:
    """How many claims state budget, spend, attempts and scaffold: all, then per domain.

    Args:
        claims: The claims.

    Returns:
        One row for all claims, then one per domain in alphabetical order.
    """

    def row(domain: str, cs: list[Claim]) -> DisclosureRow:
        return DisclosureRow(
            domain=domain,
            claims=len(cs),
            with_budget=sum(c.stated is not None for c in cs),
            with_spend=sum(c.stated is not None and c.stated.has_spend for c in cs),
            with_attempts=sum(c.attempts is not None for c in cs),
            with_scaffold=sum(bool(c.scaffold or c.mode) for c in cs),
        )

    domains = sorted({c.domain or "(none)" for c in claims})
    return [row("all", claims)] + [
        row(d, [c for c in claims if (c.domain or "(none)") == d]) for d in domains
    ]


def _bottom_line(counts: dict[str, int], n: int, row: DisclosureRow) -> str:
    share = f"{row.with_budget} of {n} claims state a budget, {row.with_spend} a spend"
    if counts["error"]:
        return (
            f"{counts['error']} finding(s) of severity error, {counts['warning']} warning(s): "
            f"the document does not meet the minimum of budget disclosure; {share}."
        )
    return f"No error-severity findings ({counts['warning']} warning(s)); {share}."


class _Context:
    def __init__(
        self,
        loaded: LoadedClaims,
        evidence: Evidence | None,
        replicates: int,
        seed: int,
        confidence: float,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.loaded = loaded
        self.evidence = evidence
        self.replicates = replicates
        self.seed = seed
        self.confidence = confidence
        self.progress = progress or (lambda _label: None)
        self.by_id = {c.id: (i, c) for i, c in enumerate(loaded.claims.claims)}
        self._curves: dict[tuple[str, str, str, int], ConfigCurve | None] = {}

    def finding(self, code: str, title: str, explanation: str, loc: tuple, **kw: object) -> Finding:
        severity = AUDIT_CODES[code][0]
        return Finding(
            code=code,
            severity=severity,
            title=title,
            explanation=explanation,
            file=self.loaded.path,
            line=self.loaded.line_of(*loc),
            **kw,  # type: ignore[arg-type]  # the optional fields of Finding, by name
        )

    def curve(self, model: str, eval_id: str, axis: Axis, k: int) -> ConfigCurve | None:
        key = (model, eval_id, axis.value, k)
        if key not in self._curves and self.evidence is not None:
            self.progress(f"{model} on {eval_id}")
            try:
                cs = budget_curves(
                    self.evidence,
                    evals=[eval_id],
                    models=[model],
                    axes=[axis],
                    k_max=k,
                    replicates=self.replicates,
                    seed=self.seed,
                    confidence=self.confidence,
                )
            except RspcheckError:
                self._curves[key] = None
            else:
                self._curves[key] = cs.curves[0] if cs.curves else None
        return self._curves.get(key)


def quote(claim: Claim) -> str:
    """A claim as the document makes it: who, what, score, budget, and where.

    Args:
        claim: The claim.

    Returns:
        One line, e.g. ``o3-preview (low-efficiency) on ARC-AGI-1: 87.5% ... [blog, table]``.
    """
    who = claim.model + (f" ({claim.mode})" if claim.mode else "")
    bench = claim.benchmark + (f" {claim.benchmark_version}" if claim.benchmark_version else "")
    metric = claim.metric + (f", k={claim.k}" if claim.k else "")
    text = f"{who} on {bench}: {claim.score:.1%} ({metric}); budget: {_budget_words(claim)}"
    where = _locator(claim.source)
    q = f' "{claim.source.quote}"' if claim.source.quote else ""
    tag = " [illustrative]" if claim.illustrative else ""
    return f"{claim.id}: {text}{tag}{q}" + (f" [{where}]" if where else "")


def _locator(src: Locator) -> str:
    parts = [
        f"section {src.section}" if src.section else "",
        f"p. {src.page}" if src.page else "",
        src.table or "",
        src.url or "",
    ]
    return ", ".join(p for p in parts if p)


def _budget_words(claim: Claim) -> str:
    b = claim.stated
    if b is None:
        return "not stated"
    parts = []
    if b.usd is not None:
        parts.append(f"{format_budget(b.usd, Axis.usd)}/task")
    if b.tokens is not None:
        parts.append(f"{format_budget(b.tokens, Axis.tokens)}/task")
    if b.seconds is not None:
        parts.append(f"{format_budget(b.seconds, Axis.seconds)}/task")
    if b.attempts is not None:
        parts.append(f"{b.attempts} attempts/task")
    if b.reasoning_effort:
        parts.append(f"effort {b.reasoning_effort}")
    if b.token_limit is not None:
        parts.append(f"limit {format_budget(b.token_limit, Axis.tokens)}")
    return ", ".join(parts)


# --- from the claims alone ---------------------------------------------------------------


def _disclosure(ctx: _Context, i: int, claim: Claim) -> list[Finding]:
    out = []
    q = [quote(claim)]
    loc = ("claims", i)
    if claim.stated is None:
        out.append(
            ctx.finding(
                "budget-not-stated",
                f"{claim.id}: {claim.model} on {claim.benchmark} has no stated budget",
                f"The document reports {claim.score:.1%} without the inference budget it was "
                "obtained at (tokens, dollars, time or attempts per task). A score without its "
                "budget cannot be compared with another, nor with what an attacker could spend.",
                loc,
                claims=[claim.id],
                quotes=q,
            )
        )
    elif not claim.stated.has_spend:
        out.append(
            ctx.finding(
                "spend-not-stated",
                f"{claim.id}: attempts or a setting, but no spend",
                f"The budget names {_budget_words(claim)} but no tokens, dollars, time or token "
                "limit per task; attempts of unknown length can cost anything.",
                loc,
                claims=[claim.id],
                quotes=q,
            )
        )
    if claim.metric in ATTEMPT_METRICS and claim.attempts is None:
        out.append(
            ctx.finding(
                "attempts-not-stated",
                f"{claim.id}: {claim.metric} without k",
                f"The score is {claim.metric}-style, so it depends on how many attempts were "
                "drawn per task, and the document does not say how many.",
                loc,
                claims=[claim.id],
                quotes=q,
            )
        )
    return out


def _matched(a: StatedBudget | None, b: StatedBudget | None) -> tuple[bool, str]:
    """Whether two stated budgets are matched, and why not."""
    if a is None or b is None:
        return False, "at least one budget is not stated"
    shared = False
    for axis in ("usd", "tokens", "seconds", "token_limit"):
        va, vb = getattr(a, axis), getattr(b, axis)
        if va is not None and vb is not None:
            shared = True
            if max(va, vb) / min(va, vb) > MATCH_TOLERANCE:
                return (
                    False,
                    f"{axis.replace('_', ' ')} differ {max(va, vb) / min(va, vb):.3g}-fold",
                )
    if a.attempts is not None and b.attempts is not None:
        shared = True
        if a.attempts != b.attempts:
            return False, f"attempts per task differ ({a.attempts} vs {b.attempts})"
    if a.reasoning_effort != b.reasoning_effort and a.reasoning_effort and b.reasoning_effort:
        return False, f"reasoning efforts differ ({a.reasoning_effort} vs {b.reasoning_effort})"
    if not shared:
        return False, "the two budgets are stated on no common axis"
    return True, ""


def _comparison(ctx: _Context, i: int, comp: Comparison) -> list[Finding]:
    _, better = ctx.by_id[comp.better][0], ctx.by_id[comp.better][1]
    worse = ctx.by_id[comp.worse][1]
    loc = ("comparisons", i)
    q = [quote(better), quote(worse)]
    ok, why = _matched(better.stated, worse.stated)
    out = []
    statement = comp.statement or f"{better.model} ahead of {worse.model}"
    if not ok:
        out.append(
            ctx.finding(
                "comparison-budget-unmatched",
                f"{comp.id}: compared at unmatched budgets ({why})",
                f'The document concludes "{statement}" from {better.id} '
                f"({_budget_words(better)}) and {worse.id} ({_budget_words(worse)}). At "
                "unequal or unstated budgets the difference may be the extra budget, not the "
                "model.",
                loc,
                claims=[better.id, worse.id],
                subject=comp.id,
                quotes=q,
            )
        )
    if ctx.evidence is not None and better.evidence and worse.evidence:
        out.extend(_matched_check(ctx, comp, better, worse, loc, q, statement))
    return out


def _axis_for(*claims: Claim) -> Axis:
    for axis in AXIS_ORDER:
        if all(c.stated is not None and getattr(c.stated, axis.value) for c in claims):
            return axis
    return Axis.usd


def _matched_check(
    ctx: _Context,
    comp: Comparison,
    better: Claim,
    worse: Claim,
    loc: tuple,
    q: list[str],
    statement: str,
) -> list[Finding]:
    assert ctx.evidence is not None and better.evidence and worse.evidence
    eval_id = better.evidence.eval
    mb, mw = better.evidence.model, worse.evidence.model
    axis = _axis_for(better, worse)

    def unchecked(why: str) -> list[Finding]:
        # A comparison the document draws and the evidence cannot check is said so, never
        # passed over in silence.
        return [
            ctx.finding(
                "comparison-unchecked",
                f"{comp.id}: the evidence cannot compare {mb} and {mw}",
                f"The evidence has no matched comparison: {why}",
                loc,
                claims=[better.id, worse.id],
                subject=comp.id,
                quotes=q,
            )
        ]

    if worse.evidence.eval != eval_id:
        return unchecked(
            f"the claims link different evals ({eval_id!r} and {worse.evidence.eval!r})"
        )
    if mb == mw:
        return unchecked(f"both claims link the same evidence model, {mb!r}")
    ctx.progress(f"matched comparison {mb} / {mw} on {eval_id}")
    try:
        cmp = compare_models(
            ctx.evidence,
            [mw, mb],
            evals=[eval_id],
            axis=axis,
            replicates=ctx.replicates,
            seed=ctx.seed,
            confidence=ctx.confidence,
        )
    except RspcheckError as err:
        return unchecked(err.problems[0].msg)
    if not cmp.evals or not cmp.evals[0].pairs:
        return unchecked(
            f"neither {mb!r} nor {mw!r} has usable runs on {eval_id!r} on the {axis.value} axis "
            "the claims state their budgets on"
        )
    pair = cmp.evals[0].pairs[0]  # a = worse, b = better: the difference is better - worse
    verdict: Verdict = "cannot be checked"
    budgets: list[float] = []
    diff: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    if pair.kind == "matched" and pair.matched is not None:
        m = pair.matched
        budgets, diff, lower, upper = m.budgets, m.difference, m.lower, m.upper
        if all(v > 0 for v in lower):
            verdict = "survives"
        elif all(v < 0 for v in upper):
            verdict = "reversed"
    elif pair.kind == "dominates":
        verdict = "survives" if pair.dominant == mb else "reversed"
    check = MatchedCheck(
        eval=eval_id,
        axis=axis.value,
        better=mb,
        worse=mw,
        kind=pair.kind,
        text=pair.text,
        verdict=verdict,
        budgets=budgets,
        difference=diff,
        lower=lower,
        upper=upper,
    )
    code = {
        "survives": "comparison-survives",
        "reversed": "comparison-reversed",
        "cannot be checked": "comparison-unchecked",
    }[verdict]
    words = {
        "survives": "survives at matched budgets",
        "reversed": "is reversed at matched budgets",
        "cannot be checked": "cannot be checked at matched budgets",
    }[verdict]
    return [
        ctx.finding(
            code,
            f"{comp.id}: the conclusion {words}",
            f'The document concludes "{statement}". The evidence ({eval_id}, {axis.value}): '
            f"{pair.text}",
            loc,
            claims=[better.id, worse.id],
            subject=comp.id,
            quotes=q,
            matched=check,
        )
    ]


def _offerings(ctx: _Context, policy: Policy | None) -> list[Finding]:
    out = []
    claims = ctx.loaded.claims.claims
    for i, off in enumerate(ctx.loaded.claims.offerings):
        own = set(off.evaluated_by)
        if off.mode:
            own |= {
                c.id
                for c in claims
                if c.mode == off.mode and (off.model is None or c.model == off.model)
            }
        if own:
            continue
        unassessed = [t.id for t in policy.thresholds] if policy else []
        extra = (
            f" Under the policy it leaves every threshold unassessed: {', '.join(unassessed)}."
            if unassessed
            else ""
        )
        out.append(
            ctx.finding(
                "mode-not-evaluated",
                f"{off.id}: {off.name} is offered with no evaluation of its own",
                f"{off.name} is offered to users, and no claim evaluates it. A mode that spends "
                "more inference per task (longer thinking, parallel samples) can reach "
                "capabilities the base model's results do not show." + extra,
                ("offerings", i),
                claims=[],
                subject=off.id,
                thresholds=unassessed,
            )
        )
    return out


# --- with a policy -------------------------------------------------------------------------


def _policy_max(policy: Policy, t: Threshold) -> float | None:
    end = t.assessed_range.max
    if isinstance(end, str):
        actor = next((a for a in policy.actors if a.id == end), None)
        return actor.budget.on(t.axis) if actor else None
    return float(end)


def _policy(ctx: _Context, policy: Policy) -> list[Finding]:
    out = []
    claims = ctx.loaded.claims.claims
    for i, claim in enumerate(claims):
        if not claim.safety_relevant or claim.stated is None or not claim.domain:
            continue
        gaps = []
        for t in policy.thresholds:
            if t.domain != claim.domain:
                continue
            top = _policy_max(policy, t)
            mine = getattr(claim.stated, t.axis.value)
            if top is None or mine is None:
                continue
            decades = math.log10(top / mine)
            if decades >= ACTOR_GAP_DECADES:
                gaps.append((t, top, mine, decades))
        if gaps:
            t, top, mine, decades = max(gaps, key=lambda g: g[3])
            out.append(
                ctx.finding(
                    "budget-below-actor",
                    f"{claim.id}: {decades:.1f} orders of magnitude below the policy's "
                    f"{claim.domain} budget",
                    f"The stated budget, {format_budget(mine, t.axis)} per task, stops far below "
                    f"{format_budget(top, t.axis)}, the top of the range the policy assesses "
                    f"{t.id!r} over ({t.assessed_range.max}). A capability an attacker reaches "
                    "by spending more is not ruled out by this result.",
                    ("claims", i),
                    claims=[claim.id],
                    quotes=[quote(claim)],
                    thresholds=[g[0].id for g in gaps],
                )
            )
    for t in policy.thresholds:
        hits = [
            c.id
            for c in claims
            if c.domain == t.domain or (c.evidence is not None and c.evidence.eval in t.evals)
        ]
        if not hits:
            out.append(
                ctx.finding(
                    "threshold-unaddressed",
                    f"threshold {t.id!r} ({t.domain}) is addressed by no claim",
                    f"The policy's threshold {t.id!r} ({t.title}) concerns {t.domain}; no claim "
                    "of the document reports a result in that domain or on its evals "
                    f"({', '.join(t.evals)}).",
                    ("document",),
                    claims=[],
                    subject=t.id,
                    thresholds=[t.id],
                )
            )
    return out


# --- with evidence ---------------------------------------------------------------------------


def _thin(c: EvidenceCurve, most: int = 60) -> EvidenceCurve:
    """At most ``most`` steps of a curve (truncated runs make hundreds), keeping each step
    where P* changes and the last, so the chart and the JSON stay small."""
    keep = [
        j
        for j in range(len(c.budgets))
        if j == 0 or j == len(c.budgets) - 1 or c.estimate[j] != c.estimate[j - 1]
    ]
    if len(keep) > most:
        stride = math.ceil(len(keep) / most)
        keep = sorted(set(keep[::stride]) | {keep[-1]})
    return c.model_copy(
        update={
            "budgets": [c.budgets[j] for j in keep],
            "estimate": [c.estimate[j] for j in keep],
            "lower": [c.lower[j] for j in keep],
            "upper": [c.upper[j] for j in keep],
        }
    )


def _top_claims(claims: list[Claim]) -> set[int]:
    """Per (evidence model, eval): the claim at the largest stated spend (the first when
    none states one), so that a rising curve is one finding, not one per claim on it."""
    top: dict[tuple[str, str], tuple[float, int]] = {}
    for i, c in enumerate(claims):
        if c.evidence is None:
            continue
        key = (c.evidence.model, c.evidence.eval)
        b = c.stated
        spend = max((getattr(b, a.value) or 0.0 for a in AXIS_ORDER), default=0.0) if b else 0.0
        if key not in top or spend > top[key][0]:
            top[key] = (spend, i)
    return {i for _, i in top.values()}


def _reproduce(ctx: _Context, i: int, claim: Claim, *, rising: bool) -> list[Finding]:
    if claim.evidence is None:
        return []
    link = claim.evidence
    loc = ("claims", i)
    q = [quote(claim)]
    b = claim.stated
    axis = _axis_for(claim)
    k = claim.attempts if claim.metric == "pass@k" and claim.attempts else 1
    curve = ctx.curve(link.model, link.eval, axis, min(k, 10_000))
    if curve is None:
        return [
            ctx.finding(
                "claim-unchecked",
                f"{claim.id}: no evidence for {link.model} on {link.eval}",
                f"The evidence has no runs of {link.model} on {link.eval} to place the claim on.",
                loc,
                claims=[claim.id],
                quotes=q,
            )
        ]
    out = []
    best = curve.best
    drawn = _thin(
        EvidenceCurve(
            model=link.model,
            eval=link.eval,
            axis=axis.value,
            budgets=best.budgets,
            estimate=best.estimate,
            lower=best.lower,
            upper=best.upper,
        )
    )
    spend = getattr(b, axis.value) if b is not None else None
    if spend is None:
        out.append(
            ctx.finding(
                "claim-unchecked",
                f"{claim.id}: no spend stated to place on the evidence's curve",
                f"The claim states no {axis.value} per task, so the evidence ({link.model} on "
                f"{link.eval}) cannot be read at its budget.",
                loc,
                claims=[claim.id],
                quotes=q,
            )
        )
    else:
        below = [j for j, x in enumerate(best.budgets) if x <= spend * (1 + 1e-9)]
        if not below or spend > best.budgets[-1] * MATCH_TOLERANCE:
            span = (
                f"{format_budget(best.budgets[0], axis)} to {format_budget(best.budgets[-1], axis)}"
            )
            out.append(
                ctx.finding(
                    "claim-unchecked",
                    f"{claim.id}: the evidence does not reach the stated budget",
                    f"The claim is at {format_budget(spend, axis)} per task; the evidence for "
                    f"{link.model} on {link.eval} spans {span}.",
                    loc,
                    claims=[claim.id],
                    quotes=q,
                )
            )
        else:
            j = below[-1]
            rep = Reproduction(
                axis=axis.value,
                budget=spend,
                claimed=claim.score,
                estimate=best.estimate[j],
                lower=best.lower[j],
                upper=best.upper[j],
            )
            if not rep.lower <= claim.score <= rep.upper:
                side = "above" if claim.score > rep.upper else "below"
                out.append(
                    ctx.finding(
                        "claim-not-reproduced",
                        f"{claim.id}: claimed {claim.score:.1%}, evidence {rep.estimate:.1%} "
                        f"[{rep.lower:.1%}, {rep.upper:.1%}]",
                        f"At the stated budget, {format_budget(spend, axis)} per task, the best "
                        f"the evidence shows for {link.model} on {link.eval} is "
                        f"{rep.estimate:.1%} (interval {rep.lower:.1%} to {rep.upper:.1%}); the "
                        f"claimed {claim.score:.1%} lies {side} it.",
                        loc,
                        claims=[claim.id],
                        quotes=q,
                        reproduction=rep,
                        curve=drawn,
                    )
                )
    top = best.budgets[-1]
    earlier = [j for j, x in enumerate(best.budgets) if x <= top / RISING_SPAN]
    if earlier and rising:
        j = earlier[-1]
        rise = best.estimate[-1] - best.estimate[j]
        if rise >= RISING and best.lower[-1] > best.estimate[j]:
            out.append(
                ctx.finding(
                    "curve-still-rising",
                    f"{claim.id}: a scalar where the curve still rises at the top budget",
                    f"The document reports one number; the evidence for {link.model} on "
                    f"{link.eval} rises {rise:+.2f} between "
                    f"{format_budget(best.budgets[j], axis)} and {format_budget(top, axis)} "
                    f"(lower bound at the top {best.lower[-1]:.2f}, above "
                    f"{best.estimate[j]:.2f}): no plateau is shown, and more budget would "
                    "likely score higher.",
                    loc,
                    claims=[claim.id],
                    quotes=q,
                    curve=drawn,
                )
            )
    return out
