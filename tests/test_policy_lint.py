"""Semantic lint of policies: references, cycles, threshold functions that make no sense."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.authoring.lint import lint_files
from checker.errors import RspcheckError
from checker.policy.graph import find_cycle, relation_graph, topological_thresholds
from checker.policy.load import load_policy

DATA = Path(__file__).parent / "data"
POLICY = DATA / "policy-small.yaml"
BASE = POLICY.read_text(encoding="utf-8")
TODAY = dt.date(2026, 6, 1)


def write(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = BASE
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def findings(path: Path, today: dt.date = TODAY):
    report = lint_files([path], today=today)
    assert not report.unreadable
    return [(p.code, p.severity, p.line, p.column, p.loc) for p in report.findings], report


def test_example_is_clean():
    got, report = findings(POLICY)
    assert got == []
    assert report.exit_code == 0


def test_cycle_is_an_error_that_prints_the_cycle(tmp_path):
    p = write(
        tmp_path,
        (
            "    - {source: cyber-critical, target: cyber-high}",
            "    - {source: cyber-critical, target: cyber-high}\n"
            "    - {source: cyber-high, target: cyber-critical}",
        ),
    )
    got, report = findings(p)
    assert got == [("relation-cycle", "error", 45, 7, ("relations", "implies", 0))]
    msg = report.findings[0].msg
    assert msg in (
        "the relations form a cycle: cyber-critical -> cyber-high -> cyber-critical",
        "the relations form a cycle: cyber-high -> cyber-critical -> cyber-high",
    )
    assert report.exit_code == 1
    with pytest.raises(RspcheckError) as info:
        load_policy(p, today=TODAY)
    assert info.value.codes == ["relation-cycle"]


def test_self_implication_is_a_cycle(tmp_path):
    p = write(
        tmp_path,
        (
            "{source: cyber-critical, target: cyber-high}",
            "{source: cyber-high, target: cyber-high}",
        ),
    )
    got, report = findings(p)
    # cyber-critical now implies nothing: no other finding
    assert got == [("relation-cycle", "error", 45, 7, ("relations", "implies", 0))]
    assert "cyber-high -> cyber-high" in report.findings[0].msg


def test_unknown_threshold_reference(tmp_path):
    p = write(tmp_path, ("target: cyber-high}", "target: cyber-hgh}"))
    got, report = findings(p)
    assert got == [
        ("unknown-reference", "error", 45, 40, ("relations", "implies", 0, "target")),
    ]
    assert report.findings[0].hint == "did you mean 'cyber-high'?"
    assert report.findings[0].msg == "threshold 'cyber-hgh' is not defined in this policy"


def test_unknown_safeguard_reference(tmp_path):
    p = write(tmp_path, ("safeguards: [security-l3]", "safeguards: [security-l4]"))
    got, report = findings(p)
    assert got == [
        ("unused-safeguard", "warning", 40, 9, ("safeguards", 0, "id")),
        (
            "unknown-reference",
            "error",
            47,
            44,
            ("relations", "requires", 0, "safeguards", 0),
        ),
    ]
    assert report.findings[1].hint == "did you mean 'security-l3'?"


def test_unknown_actor_reference(tmp_path):
    p = write(tmp_path, ("assessed_range: {max: state}", "assessed_range: {max: stat}"))
    got, report = findings(p)
    assert got == [
        ("unknown-reference", "error", 37, 27, ("thresholds", 1, "assessed_range", "max")),
    ]
    assert report.findings[0].msg == "actor 'stat' is not defined in this policy"
    assert report.findings[0].hint == "did you mean 'state'?"


def test_unsorted_points(tmp_path):
    p = write(tmp_path, ("[[10, 0.3], [1.0e+7, 0.8]]", "[[1.0e+7, 0.8], [10, 0.3]]"))
    got, _ = findings(p)
    assert got == [
        (
            "threshold-points-unsorted",
            "error",
            29,
            15,
            ("thresholds", 0, "function", "points"),
        ),
    ]


def test_repeated_budget_in_points_is_unsorted(tmp_path):
    p = write(tmp_path, ("[[10, 0.3], [1.0e+7, 0.8]]", "[[10, 0.3], [10, 0.8]]"))
    got, _ = findings(p)
    assert [g[0] for g in got] == ["threshold-points-unsorted"]


def test_threshold_above_one_everywhere(tmp_path):
    p = write(tmp_path, ("function: 0.6", "function: 1.5"))
    got, report = findings(p)
    assert got == [
        ("score-out-of-range", "warning", 38, 15, ("thresholds", 1, "function", "constant")),
        ("threshold-never-crossable", "error", 38, 15, ("thresholds", 1, "function")),
    ]
    assert report.findings[1].msg.startswith("T(b) = 1.5 at every budget")


def test_threshold_above_one_only_partly_is_a_warning(tmp_path):
    p = write(tmp_path, ("[1.0e+7, 0.8]]", "[1.0e+7, 1.2]]"))
    got, report = findings(p)
    assert got == [
        ("score-out-of-range", "warning", 29, 27, ("thresholds", 0, "function", "points", 1)),
    ]
    assert report.exit_code == 0


@pytest.mark.parametrize("level", ["0", "-0.1"])
def test_threshold_always_crossed(tmp_path, level):
    p = write(tmp_path, ("function: 0.6", f"function: {level}"))
    got, report = findings(p)
    codes = [(c, s) for c, s, *_ in got]
    assert ("threshold-always-crossed", "error") in codes
    crossed = next(f for f in report.findings if f.code == "threshold-always-crossed")
    assert (crossed.line, crossed.loc) == (38, ("thresholds", 1, "function"))
    assert report.exit_code == 1


def test_threshold_reaching_zero_inside_range(tmp_path):
    # T = 0 at $10 (the bottom of the range), rising after: crossed by any model at $10
    p = write(tmp_path, ("[[10, 0.3], [1.0e+7, 0.8]]", "[[10, 0.0], [1.0e+7, 0.8]]"))
    _, report = findings(p)
    [f] = [f for f in report.findings if f.code == "threshold-always-crossed"]
    assert f.msg == "T(b) <= 0 at 10 usd: every model crosses it"


def test_alert_above_threshold(tmp_path):
    p = write(tmp_path, ("    alert: 0.2", "    alert: 0.5"))
    got, report = findings(p)
    assert got == [("alert-above-threshold", "error", 30, 12, ("thresholds", 0, "alert"))]
    # T rises from 0.3 at $10: the alert 0.5 is above T at the bottom of the range
    assert report.findings[0].msg == "the alert level is above T(b) at 10 usd"


def test_alert_equal_to_threshold_is_fine(tmp_path):
    p = write(tmp_path, ("    alert: 0.2", "    alert: 0.3"))
    assert findings(p)[0] == []


def test_empty_range(tmp_path):
    p = write(tmp_path, ("{min: novice, max: state}", "{min: state, max: novice}"))
    got, report = findings(p)
    assert got == [("empty-range", "error", 27, 21, ("thresholds", 0, "assessed_range"))]
    assert report.findings[0].msg == "the assessed range [1e+07, 10] usd is empty"


def test_range_collapsed_to_a_point_is_empty(tmp_path):
    p = write(tmp_path, ("{min: novice, max: state}", "{min: 10, max: 10}"))
    got, _ = findings(p)
    assert [g[0] for g in got] == ["empty-range"]


def test_actor_without_budget_on_axis(tmp_path):
    p = write(
        tmp_path,
        (
            "    axis: usd\n    assessed_range: {min: novice",
            "    axis: tokens\n    assessed_range: {min: novice",
        ),
    )
    got, report = findings(p)
    assert got == [
        ("invalid-value", "error", 27, 27, ("thresholds", 0, "assessed_range", "min")),
        ("invalid-value", "error", 27, 40, ("thresholds", 0, "assessed_range", "max")),
    ]
    assert report.findings[0].msg == (
        "actor 'novice' states no budget on the tokens axis, so the range's min cannot be resolved"
    )
    # the hint says how: a budget on the axis, or an axis the actor has
    assert report.findings[0].hint == (
        "give 'novice' a tokens budget (budget: {tokens: ...}), or set the threshold's axis to "
        "one it has (usd)"
    )


def test_axis_unreachable_under_fixed_pricing_without_prices(tmp_path):
    p = write(
        tmp_path,
        (
            "  repeated_sampling: oracle",
            "  repeated_sampling: oracle\n  pricing: {convention: fixed}",
        ),
    )
    got, _ = findings(p)
    assert got == [
        ("axis-unreachable", "error", 26, 11, ("thresholds", 0, "axis")),
        ("axis-unreachable", "error", 36, 11, ("thresholds", 1, "axis")),
    ]


def test_fixed_pricing_with_prices_is_fine(tmp_path):
    pricing = (
        "  pricing:\n    convention: fixed\n    prices:\n      candidate:\n"
        "        - {effective: 2026-01-01, input: 3, output: 15}\n"
    )
    p = write(
        tmp_path, ("  repeated_sampling: oracle\n", "  repeated_sampling: oracle\n" + pricing)
    )
    # prices is a mapping of model -> one table (not a list)
    got, _ = findings(p)
    assert [g[0] for g in got] == ["wrong-type"]
    pricing = pricing.replace("        - {", "        {")
    p = write(
        tmp_path, ("  repeated_sampling: oracle\n", "  repeated_sampling: oracle\n" + pricing)
    )
    assert findings(p)[0] == []


def test_expired_waiver_is_a_warning(tmp_path):
    p = write(tmp_path, ("expires: 2099-01-01", "expires: 2026-05-31"))
    got, report = findings(p, today=dt.date(2026, 6, 1))
    assert got == [("waiver-expired", "warning", 57, 14, ("waivers", 0, "expires"))]
    assert report.exit_code == 0
    assert "expired on 2026-05-31" in report.findings[0].msg
    # on its last day it still applies
    assert findings(p, today=dt.date(2026, 5, 31))[0] == []
    loaded = load_policy(p, today=dt.date(2026, 6, 1))
    assert [f.code for f in loaded.findings] == ["waiver-expired"]


def test_waiver_unknown_target(tmp_path):
    p = write(tmp_path, ("    target: security-l3", "    target: security-l"))
    got, report = findings(p)
    assert got == [("waiver-unknown-target", "error", 54, 13, ("waivers", 0, "target"))]
    assert report.findings[0].hint == "did you mean 'security-l3'?"


def test_unused_actor_and_safeguard_are_warnings(tmp_path):
    p = write(
        tmp_path,
        ("actors:\n", "actors:\n  - id: unused\n    budget: {tokens: 5}\n"),
        ("safeguards:\n", "safeguards:\n  - id: spare\n    title: Spare\n"),
    )
    got, report = findings(p)
    assert got == [
        ("unused-actor", "warning", 12, 9, ("actors", 0, "id")),
        ("unused-safeguard", "warning", 42, 9, ("safeguards", 0, "id")),
    ]
    assert report.exit_code == 0


def test_actor_used_only_as_default_minimum_is_used(tmp_path):
    # cyber-critical's range has no min: it defaults to the cheapest actor (novice)
    p = write(tmp_path, ("{min: novice, max: state}", "{max: state}"))
    assert findings(p)[0] == []


def test_duplicate_ids(tmp_path):
    p = write(tmp_path, ("  - id: state\n", "  - id: novice\n"), ("max: state}", "max: novice}"))
    got, _ = findings(p)
    assert ("duplicate-id", "error", 15, 9, ("actors", 1, "id")) in got


def test_assessed_range_and_graph():
    policy = load_policy(POLICY).policy
    high, critical = policy.thresholds
    assert policy.assessed_range(high) == (10.0, 1e7)
    assert policy.assessed_range(critical) == (10.0, 1e7)  # min defaults to the cheapest actor
    g = relation_graph(policy)
    assert set(g.edges) == {
        ("threshold:cyber-critical", "threshold:cyber-high"),
        ("threshold:cyber-high", "safeguard:security-l3"),
    }
    assert find_cycle(g) is None
    assert topological_thresholds(policy) == ["cyber-critical", "cyber-high"]


def test_default_today_is_utc_date(tmp_path):
    # without --today the waiver expiry is judged against today's UTC date
    p = write(tmp_path, ("expires: 2099-01-01", "expires: 2000-01-01"))
    report = lint_files([p])
    assert [f.code for f in report.findings] == ["waiver-expired"]


def test_ids_are_unique_across_thresholds_safeguards_and_actors(tmp_path):
    # A safeguard named like a threshold, plus a waiver on it: the gate used to mark the
    # threshold waived and allow (issue 11, item 4). Each repeat is an error where it occurs.
    p = write(
        tmp_path,
        ("  - id: security-l3\n", "  - id: cyber-critical\n"),
        (
            "{threshold: cyber-high, safeguards: [security-l3]}",
            "{threshold: cyber-high, safeguards: [cyber-critical]}",
        ),
        ("    target: security-l3", "    target: cyber-critical"),
        ("  - id: state\n", "  - id: cyber-high\n"),
        ("max: state}", "max: cyber-high}"),
    )
    got, report = findings(p)
    dups = [g for g in got if g[0] == "duplicate-id"]
    assert [(g[1], g[4]) for g in dups] == [
        ("error", ("thresholds", 0, "id")),
        ("error", ("safeguards", 0, "id")),
    ]
    msgs = [f.msg for f in report.findings if f.code == "duplicate-id"]
    assert "threshold id 'cyber-high' is also the id of an actor (line 15)" in msgs[0]
    assert "safeguard id 'cyber-critical' is also the id of a threshold" in msgs[1]
    assert report.exit_code == 1
    with pytest.raises(RspcheckError) as info:  # the engine refuses it too
        load_policy(p, today=TODAY)
    assert "duplicate-id" in [x.code for x in info.value.problems]
