"""A determination that credits truncation: its page lists the runs as evaluated, counts the
truncated configurations, and its chart draws them as dots with a legend entry."""

from __future__ import annotations

import numpy as np

from checker.engine.evaluate import evaluate
from checker.report import charts
from checker.report.render import _listed_points
from tests.engine.conftest import make_evidence, make_policy


def test_truncated_points_are_counted_not_listed_and_have_a_legend_entry():
    ev = make_evidence([{"id": "r", "budget": 10.0, "p": 0.6, "tasks": 40, "attempts": 2}])
    usd = ev.attempts.spend["usd"]
    usd *= np.random.default_rng(0).lognormal(0.0, 0.6, usd.size)
    [t] = evaluate(make_policy({}, truncation=True), ev, model="m").thresholds
    listed = _listed_points(t)
    assert listed and all(p.truncated_at is None for p in listed)
    assert any(p.truncated_at is not None for p in t.points)
    assert ("truncated", "run truncated at a lower cap (lower bound)") in charts.legend_entries(t)
    assert "<svg" in charts.threshold_chart(t)
