"""Smoke test of the end-to-end calibration harness (benchmarks/calibration_e2e.py).

A tiny configuration (one dataset of a well-separated scenario, one cap, one confidence, 100
replicates) runs through the real loaders and engine; the table must come out with sane numbers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location(
        "calibration_e2e", ROOT / "benchmarks" / "calibration_e2e.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calibration_e2e"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def tiny(harness):
    si = [s.name for s in harness.SCENARIOS].index("well-specified")
    caps = [(0.25, 0.25)]
    cells, results, _ = harness.run(
        scenarios=[si],
        reps=1,
        seed=7,
        caps=caps,
        confidences=(0.95,),
        replicates=100,
        workers=1,
        progress=False,
    )
    return harness, si, caps, cells, results


def test_caps_come_from_the_policy_format(harness):
    bounds = harness.cap_bounds()
    assert bounds["max_extrapolation_oom"][:2] == (0.0, 6.0)
    b_def, a_def = bounds["max_extrapolation_oom"][2], bounds["max_attempts_extrapolation_oom"][2]
    settings = harness.cap_settings((1.0,))
    assert settings[0] == (b_def, a_def)  # the defaults first
    assert (6.0, a_def) in settings  # the budget cap's bound is swept
    # caps the format refuses are measured all the same, and labelled so
    assert (b_def, 6.0) in settings
    assert harness.setting_label((b_def, 6.0)) == "1:0.5 / 6 (refused)"
    assert harness.setting_label((b_def, (0.5, 1.0))) == "1:0.5 / 0.5:1"
    assert harness.parse_settings("1:0.5/0.5:1, 0.25/0.25") == [
        ((1.0, 0.5), (0.5, 1.0)),
        (0.25, 0.25),
    ]


def test_truth_is_monotone_and_best_of_k_dominates(harness):
    sc = harness.SCENARIOS[0]
    direct, rs = harness.population_truth(sc)
    budgets = [sc.levels[0], sc.levels[-1], sc.levels[-1] * 10]
    d = [direct.at(b) for b in budgets]
    r = [rs.at(b) for b in budgets]
    assert d == sorted(d) and r == sorted(r)
    assert all(x <= y + 1e-12 for x, y in zip(d, r, strict=True))


def test_separable_thresholds_are_decided_right(tiny):
    harness, si, _, _, results = tiny
    specs = harness.specs_of(si)
    recs = results[0]["records"]
    assert recs, "no thresholds decided"
    for rec in recs:
        s = specs[rec["spec"]]
        if rec["margin"] <= -0.15:  # T far above the truth: never crossed
            assert rec["state"] != "crossed", s
        if s.group.startswith("inside/") and rec["margin"] >= 0.15:  # far above T, in evidence
            assert rec["state"] == "crossed", s


def test_table_has_sane_numbers(tiny):
    harness, si, caps, cells, _ = tiny
    cell = cells[(si, 0, 0.95)]
    assert cell.n == len(harness.specs_of(si))
    assert cell.wrong_crossed + cell.wrong_not <= cell.n
    assert 0 < cell.right <= cell.n
    meta = {
        "command": "test",
        "date": "today",
        "machine": "test",
        "commit": "test",
        "version": "test",
        "reps": 1,
        "replicates": 100,
        "seed": 7,
        "elapsed": 0.0,
        "workers": 1,
    }
    text = harness.render(cells, [si], caps, (0.95,), meta)
    row = next(
        line for line in text.splitlines() if line.startswith("| well-specified | 0.25 / 0.25")
    )
    wrong = float(row.split("|")[4].split()[0])
    assert 0.0 <= wrong <= 1.0
    assert "## Cells that fail" in text
