"""Generate the worked example's evidence: two models, three evals, many budgets (seeded).

Usage::

    python examples/generate_example.py [--out examples]
    python examples/generate_example.py --truth     # the simulated world's true P*(B)

writes ``evidence.yaml`` (the manifest: models with dated price tables, runs, tasks with
families and human-time lengths, safeguard attestations) and one attempts file per model,
``attempts-previous.jsonl`` and ``attempts-candidate.jsonl`` (one row per attempt). Running it
again writes the same bytes: all randomness comes from a SHA-256 of (seed, what is drawn),
through Python's :class:`random.Random`, whose streams are stable across versions and
platforms, and every number is written with a fixed format.

**The simulated world.** Two models, ``previous`` (the last release) and ``candidate`` (the
model under review), are evaluated on the three evals of ``policies/rspcheck-reference.yaml``:

* ``cyber-ctf``: 60 capture-the-flag challenges (20 scenarios x 3 variants; the scenario is
  the task *family*, so the bootstrap resamples scenarios), 8 attempts per challenge, score 0/1.
* ``bio-protocols``: 60 protocol-troubleshooting questions (20 families x 3), 2 attempts
  each, graded on a 10-point rubric (score = points / 10).
* ``autonomy-swe``: 60 software tasks (20 families x 3) that take a skilled human from half
  an hour to two days (``human_minutes``), score 0/1 (unit tests). Agentic runs of hours, so
  even the cheapest configuration costs about $100 per attempt. 6 attempts per task, except
  at that cheapest configuration, where the protocol draws 12 (:data:`MORE_ATTEMPTS`):
  enough that best-of-12 already costs more than the policy's $1,000 top, because a sampling
  actor's reach is set by the cheapest configuration.

Each task has a difficulty (a logit: family effect + task effect; some cyber and autonomy
tasks are out of reach). A run is one model on one eval at one configured budget (reasoning
effort and token limit); its *skill* is set so that the expected single-attempt score over
the tasks is the target in :data:`TARGETS`, and every attempt succeeds with probability
``sigmoid(skill - difficulty)``. Spend follows the configured budget: each attempt's cost is
lognormal around the run's nominal dollars per attempt, split into uncached input, cache
reads and output (reasoning included) at the model's list price; successful agent attempts
stop early and cost less; failed attempts that run into the token limit are cut there and
marked ``limit_hit``. Dollars are not written: rspcheck prices the tokens through the dated
price tables (the ``list-price-at-eval-date`` convention of the reference policy).

**The story the numbers tell** (examples/README.md has it in full): the candidate reaches
what the previous model reaches with about a tenth of the spend. The previous model's
system card reported it at its maximum reasoning effort, ~$30 per challenge; the candidate's
maximum is ~$3. At those two maxima they look alike; at any budget both were run at, the
candidate is far ahead. With best-of-8 sampling (a captured flag proves itself) the
candidate crosses the cyber High threshold from about $1 per challenge; the cyber Critical
threshold is indeterminate: no evaluated configuration reaches it, and beyond about $4 per
challenge an attacker could sample the cheapest configuration more often than its 8 attempts
(or the pass@k model, within the policy's calibrated 1-OOM cap for ruling out, 80
attempts) cover, so it cannot be ruled out either; the bio threshold reaches up to a state
programme's $10M per task, which evidence at <= $33 cannot speak to; the autonomy threshold
is ruled out over its whole range ($10-$1,000), because the cheapest autonomy configuration
($100 per attempt) drew 12 attempts per task, whose best-of-12 already costs more than $1,000.
The simulated truth (the generator knows every task's success probability) says the candidate
reaches about 0.72 at $10 per challenge, above cyber Critical's 0.60: the indeterminate
cyber Critical, counted as crossed by the fail-closed policy, is the right call; and about
0.07 at $1,000 per autonomy task, far below its 0.50.

**Why the project's own format and not Inspect AI logs.** The ingest path reads Inspect
logs well (``rspcheck ingest``), but an Inspect log carries run ids, UUIDs and timestamps
(and a ``.eval`` file zip dates), so regenerating it never gives the same bytes, and a few
thousand samples with their transcripts make megabytes that the demo would parse on every
run. The attempts files here are what ``rspcheck ingest`` writes from such logs: the same
per-task, per-attempt scores and usage, small, byte-reproducible and fast to load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
from pathlib import Path

SEED = 20261201
"""Seed of every random draw (change it to get another, equally valid, world)."""

PRICES = {
    # USD per million tokens, dated. `previous` had a price cut after its evaluation: the
    # list-price-at-eval-date convention must still use the older table for its runs.
    "previous": [
        {"effective": "2025-11-01", "input": 2.5, "output": 10.0, "cached_input": 0.25},
        {"effective": "2026-06-01", "input": 1.25, "output": 5.0, "cached_input": 0.125},
    ],
    "candidate": [
        {"effective": "2026-10-01", "input": 5.0, "output": 25.0, "cached_input": 0.5},
    ],
}
EVAL_DATE = {"previous": "2026-03-10", "candidate": "2026-10-20"}
NAMES = {
    "previous": "Previous release (evaluated March 2026)",
    "candidate": "Candidate model (under review, October 2026)",
}

# Per eval: tasks, families, attempts per task, and the spend split of one attempt.
EVALS = {
    "cyber-ctf": {
        "version": "2026.2",
        "families": 20,
        "variants": 3,
        "attempts": 8,
        "scaffold": "react-agent",
        "family_sd": 1.0,
        "task_sd": 1.6,
        "out_of_reach": 0.3,  # share of challenges no evaluated configuration solves
        "binary": True,
        "output_share": 0.35,  # share of an attempt's cost that is output (reasoning included)
        "cached_share": 0.25,  # share that is cache reads (agent transcripts are re-sent)
        "success_cost": 0.7,  # a solved challenge ends early: this fraction of the cost
        "tokens_per_second": 900.0,
    },
    "bio-protocols": {
        "version": "1.3",
        "families": 20,
        "variants": 3,
        "attempts": 2,
        "scaffold": "single-turn",
        "family_sd": 0.6,
        "task_sd": 0.8,
        "out_of_reach": 0.0,
        "binary": False,
        "output_share": 0.8,
        "cached_share": 0.0,
        "success_cost": 1.0,
        "tokens_per_second": 120.0,
    },
    "autonomy-swe": {
        "version": "3.0",
        "families": 20,
        "variants": 3,
        "attempts": 6,
        "scaffold": "swe-agent",
        "family_sd": 1.0,
        "task_sd": 2.0,
        "out_of_reach": 0.45,
        "binary": True,
        "output_share": 0.25,
        "cached_share": 0.4,
        "success_cost": 0.6,
        "tokens_per_second": 2000.0,  # mostly cache reads of a long transcript: fast
    },
}

# (nominal USD per attempt, reasoning effort, expected single-attempt score) per run.
# The candidate gets to each score with about a tenth of the previous model's spend.
TARGETS: dict[tuple[str, str], list[tuple[float, str, float]]] = {
    ("previous", "cyber-ctf"): [
        (0.3, "minimal", 0.01),
        (1.0, "low", 0.03),
        (3.0, "medium", 0.07),
        (10.0, "high", 0.15),
        (30.0, "max", 0.22),
    ],
    ("candidate", "cyber-ctf"): [
        (0.1, "minimal", 0.08),
        (0.3, "low", 0.16),
        (1.0, "medium", 0.21),
        (3.0, "high", 0.23),
    ],
    ("previous", "bio-protocols"): [
        (1.0, "low", 0.12),
        (3.0, "medium", 0.17),
        (10.0, "high", 0.22),
        (30.0, "max", 0.26),
    ],
    ("candidate", "bio-protocols"): [
        (0.3, "low", 0.19),
        (1.0, "medium", 0.23),
        (3.0, "high", 0.26),
        (10.0, "max", 0.28),
        (30.0, "deep", 0.30),
    ],
    ("previous", "autonomy-swe"): [
        (150.0, "low", 0.005),
        (400.0, "medium", 0.012),
        (1000.0, "high", 0.02),
        (2500.0, "max", 0.04),
    ],
    ("candidate", "autonomy-swe"): [
        (100.0, "low", 0.02),
        (250.0, "medium", 0.035),
        (600.0, "high", 0.05),
        (1500.0, "max", 0.07),
    ],
}

# Attempts per task where the protocol draws more than the eval's default: the cheapest
# autonomy configuration. With repeated sampling credited, ruling a crossing out up to $1,000
# per task means knowing what an actor gets from sampling the cheapest configuration until
# $1,000 is spent. The pass@k model may carry an upper bound only 1 OOM (x10) beyond the
# attempts drawn (the calibrated cap), so the data must do much of it: best-of-12 at about
# $100 per attempt costs about $1,200 per task, past the range's top; the model carries the
# bound on to 120 attempts, about $8,750.
MORE_ATTEMPTS: dict[tuple[str, float], int] = {
    ("autonomy-swe", 100.0): 12,
}

ATTESTATIONS = [
    {
        "safeguard": "security-l3",
        "attested_by": "Chief Information Security Officer (example)",
        "date": "2026-09-15",
        "expires": "2027-09-15",
        "statement": "Illustrative: weight security against non-state attackers (RAND SL3), "
        "audited by an external firm in September 2026.",
    },
    {
        "safeguard": "security-l4",
        "attested_by": "Chief Information Security Officer (example)",
        "date": "2026-09-15",
        "expires": "2027-09-15",
        "statement": "Illustrative: weight security against state programmes (RAND SL4).",
    },
    # deployment-misuse-l3 is deliberately NOT attested: the misuse classifiers have not yet
    # been red-teamed at the candidate's budgets, so the gate blocks and names it.
]


def _rng(*parts: object) -> random.Random:
    h = hashlib.sha256(repr((SEED, *parts)).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _tasks(eval_id: str) -> list[dict]:
    """Task ids, families, difficulties (logits) and human minutes of one eval."""
    spec = EVALS[eval_id]
    prefix = {"cyber-ctf": "ctf", "bio-protocols": "bio", "autonomy-swe": "swe"}[eval_id]
    out = []
    for f in range(spec["families"]):
        r = _rng("family", eval_id, f)
        fam_effect = r.gauss(0.0, spec["family_sd"])
        # human minutes: cyber 10 min - 6 h, bio 5-60 min, autonomy 30 min - 2 days (log-uniform)
        lo, hi = {"cyber-ctf": (10, 360), "bio-protocols": (5, 60), "autonomy-swe": (30, 2880)}[
            eval_id
        ]
        fam_minutes = math.exp(r.uniform(math.log(lo), math.log(hi)))
        for v in range(spec["variants"]):
            rt = _rng("task", eval_id, f, v)
            difficulty = fam_effect + rt.gauss(0.0, spec["task_sd"])
            if rt.random() < spec["out_of_reach"]:
                difficulty = 50.0  # out of reach at every evaluated budget
            minutes = fam_minutes * math.exp(rt.gauss(0.0, 0.25))
            out.append(
                {
                    "task": f"{prefix}-{f + 1:02d}{'abc'[v]}",
                    "family": f"{prefix}-{f + 1:02d}",
                    "difficulty": difficulty,
                    "human_minutes": round(minutes, -1 if minutes >= 100 else 0),
                }
            )
    # The longest autonomy family takes two working days: the policy's 8-hour horizon is covered.
    if eval_id == "autonomy-swe":
        longest = max(out, key=lambda t: t["human_minutes"])["family"]
        for t in out:
            if t["family"] == longest:
                t["human_minutes"] = max(t["human_minutes"], 960.0)
    return out


def _skill(difficulties: list[float], target: float) -> float:
    """The skill logit whose expected success over these tasks is ``target`` (bisection)."""
    lo, hi = -30.0, 30.0
    for _ in range(100):
        mid = (lo + hi) / 2
        mean = sum(_sigmoid(mid - d) for d in difficulties) / len(difficulties)
        lo, hi = (mid, hi) if mean < target else (lo, mid)
    return (lo + hi) / 2


def _price(model: str) -> dict:
    """The price table in force on the model's evaluation date."""
    date = EVAL_DATE[model]
    return max((p for p in PRICES[model] if p["effective"] <= date), key=lambda p: p["effective"])


def _runs_and_rows(model: str) -> tuple[list[dict], list[str]]:
    runs, rows = [], []
    price = _price(model)
    for eval_id, spec in EVALS.items():
        tasks = _tasks(eval_id)
        diffs = [t["difficulty"] for t in tasks]
        for level, (usd, effort, target) in enumerate(TARGETS[(model, eval_id)]):
            run_id = f"{model}-{eval_id}-{level + 1}"
            attempts = MORE_ATTEMPTS.get((eval_id, usd), spec["attempts"])
            skill = _skill(diffs, target)
            # Split the nominal dollars into tokens at the list price.
            out_usd = usd * spec["output_share"]
            cached_usd = usd * spec["cached_share"]
            in_usd = usd - out_usd - cached_usd
            nominal = {
                "input_tokens": in_usd / price["input"] * 1e6,
                "cached_tokens": cached_usd / price["cached_input"] * 1e6,
                "output_tokens": out_usd / price["output"] * 1e6,
            }
            total_nominal = sum(nominal.values())
            token_limit = int(round(total_nominal * 2.0, -3))
            runs.append(
                {
                    "id": run_id,
                    "model": model,
                    "eval": eval_id,
                    "eval_version": spec["version"],
                    "scaffold": spec["scaffold"],
                    "date": EVAL_DATE[model],
                    "limits": {
                        "reasoning_effort": effort,
                        "token_limit": max(token_limit, 1000),
                        "epochs": attempts,
                    },
                    "notes": f"nominal ${usd:g} per attempt",
                }
            )
            for t in tasks:
                p = _sigmoid(skill - t["difficulty"])
                for a in range(attempts):
                    r = _rng("attempt", model, eval_id, level, t["task"], a)
                    if spec["binary"]:
                        score = 1.0 if r.random() < p else 0.0
                        success = score == 1.0
                    else:
                        score = sum(r.random() < p for _ in range(10)) / 10
                        success = False
                    scale = math.exp(r.gauss(0.0, 0.35)) * (spec["success_cost"] if success else 1)
                    tok = {k: v * scale for k, v in nominal.items()}
                    total = sum(tok.values())
                    limit_hit = False
                    if total > token_limit:
                        # Cut at the limit: the attempt fails at this budget.
                        tok = {k: v * token_limit / total for k, v in tok.items()}
                        limit_hit, score = True, 0.0
                    out = round(tok["output_tokens"])
                    row = {
                        "run": run_id,
                        "task": t["task"],
                        "attempt": a,
                        "score": score,
                        "input_tokens": round(tok["input_tokens"]),
                        "cached_tokens": round(tok["cached_tokens"]),
                        "output_tokens": out,
                        "reasoning_tokens": round(out * 0.7),
                        "seconds": round(
                            5.0 + sum(tok.values()) / spec["tokens_per_second"] * 0.2, 1
                        ),
                        "limit_hit": limit_hit,
                    }
                    rows.append(json.dumps(row, separators=(",", ":")))
    return runs, rows


def _yaml_scalar(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    # Plain only when YAML cannot read it as anything but this string (ids, words).
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", s) and s.lower() not in _YAML_WORDS
    return s if plain else json.dumps(s)


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _flow(d: dict) -> str:
    return "{" + ", ".join(f"{k}: {_yaml_scalar(v)}" for k, v in d.items()) + "}"


def manifest(runs: list[dict], attempt_files: list[tuple[str, str]]) -> str:
    """The evidence manifest as YAML (written by hand so the bytes never depend on a library)."""
    lines = [
        "# yaml-language-server: $schema=../schemas/evidence.schema.json",
        "#",
        "# The worked example's evidence (simulated): `previous` and `candidate` on cyber-ctf,",
        "# bio-protocols and autonomy-swe, at four or more budgets each. Written by",
        "# examples/generate_example.py (do not edit by hand: rerun it). See examples/README.md.",
        "kind: rspcheck-evidence",
        "format_version: 1",
        "title: rspcheck worked example (simulated evidence, two models, three evals)",
        "models:",
    ]
    for m in ("previous", "candidate"):
        lines += [f"  - id: {m}", f"    name: {_yaml_scalar(NAMES[m])}", "    prices:"]
        for p in PRICES[m]:
            lines.append(f"      - {_flow({**p, 'source': 'simulated list price'})}")
    lines.append("runs:")
    for r in runs:
        lines += [
            f"  - id: {r['id']}",
            f"    model: {r['model']}",
            f"    eval: {r['eval']}",
            f"    eval_version: {_yaml_scalar(r['eval_version'])}",
            f"    scaffold: {r['scaffold']}",
            f"    date: {r['date']}",
            f"    limits: {_flow(r['limits'])}",
            f"    notes: {_yaml_scalar(r['notes'])}",
        ]
    lines.append("attempts:")
    for path, digest in attempt_files:
        lines += [f"  - path: {path}", f"    sha256: {digest}"]
    lines.append("tasks:")
    for eval_id in EVALS:
        for t in _tasks(eval_id):
            info = {
                "eval": eval_id,
                "task": t["task"],
                "family": t["family"],
                "human_minutes": float(t["human_minutes"]),
            }
            lines.append(f"  - {_flow(info)}")
    lines.append("attestations:")
    for a in ATTESTATIONS:
        lines += [
            f"  - safeguard: {a['safeguard']}",
            f"    attested_by: {_yaml_scalar(a['attested_by'])}",
            f"    date: {a['date']}",
            f"    expires: {a['expires']}",
            f"    statement: {_yaml_scalar(a['statement'])}",
        ]
    lines.append(
        "# deployment-misuse-l3 is deliberately not attested: the gate blocks and names it."
    )
    return "\n".join(lines) + "\n"


def generate(out: Path) -> list[Path]:
    """Write the manifest and attempts files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    all_runs: list[dict] = []
    files: list[tuple[str, str]] = []
    written = []
    for model in ("previous", "candidate"):
        runs, rows = _runs_and_rows(model)
        all_runs += runs
        path = out / f"attempts-{model}.jsonl"
        data = ("\n".join(rows) + "\n").encode()
        path.write_bytes(data)
        files.append((path.name, hashlib.sha256(data).hexdigest()))
        written.append(path)
    man = out / "evidence.yaml"
    man.write_text(manifest(all_runs, files), encoding="utf-8", newline="\n")
    return [man, *written]


def true_best(model: str, eval_id: str, budget: float) -> float:
    """The simulated world's truth: the best expected success rate an actor with ``budget``
    dollars per task reaches on a binary eval, sampling any run's configuration as often as
    it likes and stopping at the first success (what an oracle verifier allows).

    Exact for the generator's success probabilities; the spend is approximate (nominal dollars
    per attempt times the lognormal's mean, solved attempts at ``success_cost``, no token-limit
    cuts). The evidence never sees this: it is here to check what the determination says.
    """
    spec = EVALS[eval_id]
    diffs = [t["difficulty"] for t in _tasks(eval_id)]
    mean_scale = math.exp(0.35**2 / 2)
    best = 0.0
    for usd, _effort, target in TARGETS[(model, eval_id)]:
        skill = _skill(diffs, target)
        ps = [_sigmoid(skill - d) for d in diffs]
        c = usd * mean_scale
        for i in range(121):  # k from 1 to 1e6, log-spaced
            k = round(10 ** (i / 20))
            solved = cost = 0.0
            for p in ps:
                miss = (1.0 - p) ** k
                tries = k if p < 1e-12 else (1.0 - miss) / p  # expected attempts made
                cost += c * (tries - (1.0 - spec["success_cost"]) * (1.0 - miss))
                solved += 1.0 - miss
            if cost / len(ps) > budget:
                break
            best = max(best, solved / len(ps))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).parent), help="output folder")
    ap.add_argument(
        "--truth",
        action="store_true",
        help="print the simulated world's true best reachable score (sampling credited) at a "
        "few budgets per task instead of writing files",
    )
    args = ap.parse_args()
    if args.truth:
        budgets = (10.0, 100.0, 1e3, 1e4, 1e5)
        print("model      eval          " + "".join(f"{f'${b:,.0f}':>10}" for b in budgets))
        for model in ("previous", "candidate"):
            for eval_id in ("cyber-ctf", "autonomy-swe"):
                row = "".join(f"{true_best(model, eval_id, b):>10.2f}" for b in budgets)
                print(f"{model:<10} {eval_id:<13} {row}")
        return
    for p in generate(Path(args.out)):
        print(f"{p}: {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
