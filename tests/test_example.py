"""The worked example (examples/) tells its story, asserted on the determination JSON.

The candidate model against the reference policy, compared with the previous model:

1. at each model's own maximum budget the two look close; at matched budgets the candidate is
   far ahead, with an interval that excludes 0;
2. cyber-high is crossed only once repeated sampling is credited (evaluated best-of-k);
3. cyber-critical is indeterminate: no configuration shows it, and past about $4 per
   challenge an attacker could sample the cheapest one more often than its 8 attempts (or the
   pass@k model within the calibrated 1-OOM cap for ruling out) cover, so it cannot be ruled
   out either; what would decide it is best-of-k evaluated at about $10 on the cheapest run
   (about 114 attempts per challenge), where the estimate meets T. A 2-OOM cap for showing a
   crossing would show it, rightly here, but the format refuses it (calibration_e2e);
4. bio-high is indeterminate because the evidence stops orders of magnitude below the state
   programme's budget the policy names;
5. autonomy-high is not crossed with full coverage, and has headroom in OOM: its cheapest
   configuration (~$100 per attempt) drew 12 attempts per task, whose best-of-12 already costs
   more than the range's top, and the model carries the bound 1 OOM further;
6. the gate blocks and names the safeguard that is not attested.

Each point must hold for several bootstrap seeds, not by the luck of one, so the states are
checked for three seeds. The generator must rewrite the committed files byte for byte.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

from checker.engine.evaluate import DEFAULT_SEED, evaluate
from checker.evidence.load import load_evidence
from checker.policy.load import load_policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
POLICY = ROOT / "policies" / "rspcheck-reference.yaml"
EVIDENCE = EXAMPLES / "evidence.yaml"
AS_OF = dt.date(2026, 12, 1)
SEEDS = (DEFAULT_SEED, 1, 2)
REPLICATES = 300
GENERATED = ("evidence.yaml", "attempts-previous.jsonl", "attempts-candidate.jsonl")


@pytest.fixture(scope="module")
def loaded() -> tuple[Any, Any]:
    return load_policy(POLICY, today=AS_OF), load_evidence(EVIDENCE)


@pytest.fixture(scope="module")
def dets(loaded: tuple[Any, Any]) -> dict[int, dict[str, Any]]:
    """The candidate's determination as JSON, for each seed."""
    policy, evidence = loaded
    out = {}
    for seed in SEEDS:
        det = evaluate(
            policy,
            evidence,
            model="candidate",
            seed=seed,
            as_of=AS_OF,
            replicates=REPLICATES,
            compare_with="previous",
        )
        out[seed] = json.loads(det.to_json())
    return out


def _threshold(det: dict[str, Any], tid: str) -> dict[str, Any]:
    return next(t for t in det["thresholds"] if t["id"] == tid)


# -- the files ----------------------------------------------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_example", EXAMPLES / "generate_example.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_rewrites_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    written = _generator().generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_example_is_small_and_complete(loaded: tuple[Any, Any]) -> None:
    assert sum((EXAMPLES / n).stat().st_size for n in GENERATED) < 4_000_000
    _, ev = loaded
    runs = ev.manifest.runs
    for model in ("previous", "candidate"):
        for eval_id in ("cyber-ctf", "bio-protocols", "autonomy-swe"):
            mine = [r for r in runs if r.model == model and r.eval == eval_id]
            assert len(mine) >= 4, (model, eval_id)
            for r in mine:
                rows = ev.attempts.rows_of_run(r.id)
                per_task = len(rows) / len({int(t) for t in ev.attempts.task[rows]})
                # several attempts per task where success is verifiable (pass@k credit)
                assert per_task >= (2 if eval_id == "bio-protocols" else 5), r.id
    # dated price tables for both models; usd comes from tokens through them
    for m in ev.manifest.models:
        assert m.prices and all(p.effective for p in m.prices)
    assert all(math.isnan(v) for v in ev.attempts.spend["usd"])
    # task families and human minutes, with the autonomy horizon (480 min) reached
    tasks = ev.manifest.tasks
    assert all(t.family and t.human_minutes for t in tasks)
    assert max(t.human_minutes or 0 for t in tasks if t.eval == "autonomy-swe") >= 480
    attested = {a.safeguard for a in ev.manifest.attestations}
    assert "security-l3" in attested and "deployment-misuse-l3" not in attested


# -- the story ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_close_at_own_maxima_far_apart_at_matched_budgets(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    comps = {c["eval"]: c for c in dets[seed]["comparisons"]}
    assert set(comps) == {"cyber-ctf", "bio-protocols", "autonomy-swe"}
    c = comps["cyber-ctf"]
    assert (c["a"], c["b"]) == ("previous", "candidate")
    (budget_a, score_a), (budget_b, score_b) = c["own_max_a"], c["own_max_b"]
    # each at its own maximum: close, though the previous model spent ~10x more to get there
    assert abs(score_b - score_a) < 0.05
    assert budget_a / budget_b > 5
    # at matched budgets: the candidate far ahead, the interval excluding 0
    i = max(range(len(c["difference"])), key=lambda j: c["difference"][j])
    assert c["difference"][i] >= 0.12
    assert c["lower"][i] > 0.0
    assert c["difference"][i] > 3 * abs(score_b - score_a)


@pytest.mark.parametrize("seed", SEEDS)
def test_cyber_high_crossed_by_repeated_sampling(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    t = _threshold(dets[seed], "cyber-high")
    assert t["state"] == "crossed"
    assert t["basis"] == "repeated_sampling"
    # no single-attempt configuration reaches T anywhere: its upper bound stays below 0.35,
    # the lowest T(b) of the threshold
    singles = [p for p in t["points"] if p["k"] == 1]
    assert singles and max(p["upper"] for p in singles) < 0.35
    assert any(p["k"] > 1 for p in t["points"])


@pytest.mark.parametrize("seed", SEEDS)
def test_cyber_high_not_crossed_without_repeated_sampling(
    loaded: tuple[Any, Any], seed: int
) -> None:
    det = evaluate(
        _policy_with(loaded, repeated_sampling="none"),
        loaded[1],
        model="candidate",
        seed=seed,
        as_of=AS_OF,
        replicates=REPLICATES,
    )
    t = json.loads(det.to_json())["thresholds"][0]
    assert t["id"] == "cyber-high"
    assert t["state"] != "crossed"
    assert all(p["k"] == 1 for p in t["points"])


def _policy_with(loaded: tuple[Any, Any], **decision: Any) -> Any:
    pol = loaded[0].policy
    # validated (model_copy would not turn a number into a cap, nor check it)
    settings = type(pol.decision).model_validate({**pol.decision.model_dump(), **decision})
    return pol.model_copy(update={"decision": settings})


@pytest.mark.parametrize("seed", SEEDS)
def test_cyber_critical_indeterminate_because_sampling_is_not_bounded(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    t = _threshold(dets[seed], "cyber-critical")
    assert t["state"] == "indeterminate"
    assert {r["code"] for r in t["reasons"]} == {"repeated-sampling-uncovered"}
    # not shown crossed: every evaluated configuration (single attempts and best-of-k up to
    # the 8 drawn) has its lower bound below 0.60, the lowest T(b), and so does the modelled
    # pass@k within the calibrated cap for showing a crossing (k up to 8 * 10**0.5 = 25)
    assert max(p["k"] for p in t["points"]) == 8
    assert max(p["lower"] for p in t["points"]) < 0.55
    c, cov = t["curve"], t["coverage"]
    rows = list(zip(c["budgets"], c["lower"], c["upper"], c["threshold"], strict=True))
    assert all(lo < tb - 0.05 for b, lo, _, tb in rows if lo is not None and b >= 10)
    notes = {f["note"] for f in t["families"] if f["kept"]}
    assert {f["family"] for f in t["families"] if f["kept"]} >= {"F4", "F5"}
    # the model is fitted to k = 80, the farther of the two caps (1 OOM, for ruling out)
    assert any("k = 80 " in n for n in notes), notes
    # not ruled out: upper bounds stop near $4 per challenge (best-of-80 of the $0.10
    # configuration), below the novice's $10 where the range starts: nothing of it is covered
    reach = max(b for b, _, up, _ in rows if up is not None)
    assert 1 < reach < cov["range_min"] == 10
    # the reach is published once, and the reason prints that number
    assert reach <= cov["sampling_reach"] < 10
    assert f"beyond ${cov['sampling_reach']:.3g} per task" in t["reasons"][0]["message"]
    assert cov["uncovered"] == 1.0
    # what would decide it: the estimate meets T at $10 (the truth is 0.72 there), so best-of-k
    # evaluated at that spend on the cheapest run, about 114 attempts of $0.10 (it drew 8)
    wd = t["would_decide"]
    assert wd.startswith("about ") and "attempts per task on run candidate-cyber-ctf-1" in wd
    assert 80 < int(wd.split()[1].replace(",", "")) < 200
    assert "(it drew 8)" in wd and "at about $10 per task" in wd


@pytest.mark.parametrize("seed", SEEDS)
def test_cyber_critical_would_be_shown_crossed_beyond_the_calibrated_cap(
    loaded: tuple[Any, Any], seed: int
) -> None:
    """Beyond the calibrated 0.5-OOM cap for showing a crossing (here 2 OOM, k up to 800, set
    past the format's validation as only a study may), modelled sampling puts the lower bound
    over T: right for this model (the truth is 0.72 at $10 against T = 0.60), but the study's
    'impossible half' scenario shows such caps claiming crossings that are not there, which is
    why the format refuses them."""
    from checker.policy.model import ExtrapolationCap

    pol = loaded[0].policy
    wide = pol.decision.model_copy(
        update={"max_attempts_extrapolation_oom": ExtrapolationCap(crossed=2, not_crossed=1)}
    )
    det = evaluate(
        pol.model_copy(update={"decision": wide}),
        loaded[1],
        model="candidate",
        seed=seed,
        as_of=AS_OF,
        replicates=REPLICATES,
    )
    t = _threshold(json.loads(det.to_json()), "cyber-critical")
    assert (t["state"], t["basis"]) == ("crossed", "extrapolated")
    with pytest.raises(ValueError, match=r"calibrated to 0\.5 OOM"):
        _policy_with(loaded, max_attempts_extrapolation_oom={"crossed": 2, "not_crossed": 1})


@pytest.mark.parametrize("seed", SEEDS)
def test_indeterminate_where_evidence_stops_far_below_the_actor_budget(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    t = _threshold(dets[seed], "bio-high")
    assert t["state"] == "indeterminate"
    codes = {r["code"] for r in t["reasons"]}
    assert codes & {"extrapolation-cap", "range-uncovered"}
    cov = t["coverage"]
    assert cov["range_max"] == 1e7  # the state programme's budget
    assert cov["uncovered"] >= 0.7
    # the evidence stops more than five orders of magnitude below the range's top
    assert math.log10(cov["range_max"] / cov["evidence_max"]) > 5


@pytest.mark.parametrize("seed", SEEDS)
def test_autonomy_not_crossed_with_full_coverage_and_headroom(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    t = _threshold(dets[seed], "autonomy-high")
    assert t["state"] == "not_crossed"
    cov = t["coverage"]
    assert cov["uncovered"] == 0
    assert cov["horizon_covered"] is True
    assert cov["horizon_evaluated_minutes"] >= cov["horizon_required_minutes"] == 480
    assert t["headroom_oom"] is not None and t["headroom_oom"] >= 0.2
    assert t["headroom_is_lower_bound"] is True  # where the modelled sampling runs out
    assert t["reasons"] == []
    # the margin is wide: the upper bound stays at least 0.2 below T over the whole range
    c = t["curve"]
    margins = [
        tb - up
        for b, up, tb in zip(c["budgets"], c["upper"], c["threshold"], strict=True)
        if 10 <= b <= 1000
    ]
    assert min(margins) >= 0.2
    # why repeated sampling is bounded up to the range's top: day-long agentic tasks, so the
    # cheapest configuration already costs ~$100 per attempt, and it drew 12 attempts per
    # task: its best-of-12 costs more than $1,000, so the data alone reach past the top
    singles = [p for p in t["points"] if p["k"] == 1]
    cheapest = min(singles, key=lambda p: p["budget"])
    assert 50 <= cheapest["budget"] <= 200
    mine = [p for p in t["points"] if p["run"] == cheapest["run"]]
    best = max(mine, key=lambda p: p["k"])
    assert best["k"] >= 10 and best["budget"] > cov["range_max"]
    # ... and the pass@k model carries the upper bound 1 OOM further (k = 120)
    assert any("k = 120 (1 OOM beyond 12" in f["note"] for f in t["families"] if f["kept"])


@pytest.mark.parametrize("seed", SEEDS)
def test_gate_blocks_and_names_the_unmet_safeguard(
    dets: dict[int, dict[str, Any]], seed: int
) -> None:
    g = dets[seed]["gate"]
    assert g["result"] == "block"
    assert {u["safeguard"] for u in g["unmet"]} == {"deployment-misuse-l3"}
    assert {u["threshold"] for u in g["unmet"]} == {"cyber-high", "cyber-critical", "bio-high"}
    assert "security-l3" in g["satisfied"]


def test_states_do_not_depend_on_the_seed(dets: dict[int, dict[str, Any]]) -> None:
    def states(d: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(t["id"], t["state"], t["basis"]) for t in d["thresholds"]]

    first = states(dets[SEEDS[0]])
    assert first[:3] == [
        ("cyber-high", "crossed", "repeated_sampling"),
        ("cyber-critical", "indeterminate", "none"),
        ("bio-high", "indeterminate", "none"),
    ]
    # Over the assessed range autonomy-high's upper bound rests on evaluated best-of-k (the
    # cheapest run's best-of-12 costs more than the range's top): basis repeated_sampling.
    assert first[3] == ("autonomy-high", "not_crossed", "repeated_sampling")
    for seed in SEEDS[1:]:
        assert states(dets[seed]) == first


def test_check_cli_on_the_example_blocks(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from checker.cli import app

    out = tmp_path / "d.json"
    res = CliRunner().invoke(
        app,
        [
            "check",
            "-p",
            str(POLICY),
            "-e",
            str(EVIDENCE),
            "--model",
            "candidate",
            "--as-of",
            AS_OF.isoformat(),
            "--replicates",
            "100",
            "--json",
            str(out),
        ],
    )
    assert res.exit_code == 3, res.output
    assert json.loads(out.read_text())["gate"]["result"] == "block"


def test_points_carry_readable_run_labels(dets: dict[int, dict[str, Any]]) -> None:
    """Runs are named for people by what sets them apart (the reasoning effort here); the id
    stays the key."""
    t = _threshold(dets[SEEDS[0]], "cyber-high")
    labels = {p["run"]: p["label"] for p in t["points"]}
    assert labels["candidate-cyber-ctf-1"] == "cyber-ctf @ effort=minimal"
    assert len(set(labels.values())) == len(labels)  # unique within the model's eval
