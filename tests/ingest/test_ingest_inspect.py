"""The Inspect reader against logs Inspect itself wrote (tests/gen_inspect_logs.py)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_helpers import ALL_LOGS, INSPECT, rewrite

from checker.errors import RspcheckError
from checker.evidence.ingest import ingest, load_log_evidence
from checker.evidence.ingest.common import score_to_unit

MODEL = "budgetsim/sim-reasoner-1"


def rows_by_key(ev):
    t = ev.attempts
    out = {}
    for i in range(len(t)):
        out[(t.task_ids[t.task[i]], int(t.attempt[i]) + 1)] = i
    return out


@pytest.mark.parametrize("path", ALL_LOGS, ids=lambda p: p.name)
@pytest.mark.parametrize("scorer", ["exact", "closeness"])
def test_field_by_field_against_inspect(path: Path, scorer: str) -> None:
    log_mod = pytest.importorskip("inspect_ai.log")
    log = log_mod.read_eval_log(str(path))
    ev = load_log_evidence(path, scorer=scorer)
    t = ev.attempts
    idx = rows_by_key(ev)
    (run,) = ev.runs
    # header
    assert run.id == f"{log.eval.task}@{log.eval.eval_id}"
    assert run.model == log.eval.model == MODEL
    assert run.eval == log.eval.task
    assert run.eval_version == str(log.eval.task_version)
    assert run.date == __import__("datetime").date.fromisoformat(log.eval.created[:10])
    gc, cfg = log.eval.model_generate_config, log.eval.config
    assert run.limits.max_tokens == gc.max_tokens
    assert run.limits.reasoning_effort == gc.reasoning_effort
    assert run.limits.token_limit == cfg.token_limit
    assert run.limits.time_limit == cfg.time_limit
    assert run.limits.working_limit == cfg.working_limit
    assert run.limits.message_limit == cfg.message_limit
    assert run.limits.epochs == cfg.epochs
    assert run.status == {"success": "success", "error": "error", "started": "partial"}[log.status]
    assert run.source.sha256 and run.source.format.startswith("inspect-")
    # attempts: every sample without an error is a row, and every row is such a sample
    kept = [s for s in log.samples if not s.error or s.limit]
    assert len(kept) == len(t)
    for s in kept:
        i = idx[(str(s.id), s.epoch)]
        expect = score_to_unit(s.scores[scorer].value)
        assert t.score[i] == pytest.approx(expect)
        u = s.model_usage[MODEL]
        assert t.spend["input_tokens"][i] == u.input_tokens + (u.input_tokens_cache_write or 0)
        assert t.spend["cached_tokens"][i] == u.input_tokens_cache_read
        assert t.spend["output_tokens"][i] == u.output_tokens
        assert t.spend["reasoning_tokens"][i] == u.reasoning_tokens
        assert t.spend["usd"][i] == pytest.approx(u.total_cost, rel=1e-12)
        assert t.spend["seconds"][i] == pytest.approx(s.total_time)
        assert t.spend["working_seconds"][i] == pytest.approx(s.working_time)
        assert bool(t.limit_hit[i]) == (s.limit is not None)
        # the tokens axis: full-rate input + cache reads + output = Inspect's total_tokens
        assert t.tokens()[i] == u.total_tokens
    # task metadata
    fams = {ti.task: ti.family for ti in ev.manifest.tasks}
    for s in kept:
        assert fams[str(s.id)] == s.metadata["family"]
    # warnings for logs that did not finish
    if log.status != "success":
        assert any("log-incomplete" in w for w in ev.warnings)


@pytest.mark.parametrize("path", [p for p in ALL_LOGS if p.suffix == ".eval"], ids=lambda p: p.name)
def test_matches_inspect_summaries(path: Path) -> None:
    log_mod = pytest.importorskip("inspect_ai.log")
    summaries = log_mod.read_eval_log_sample_summaries(str(path))
    ev = load_log_evidence(path, scorer="exact")
    idx = rows_by_key(ev)
    kept = [s for s in summaries if not s.error or s.limit]
    assert len(kept) == len(ev.attempts)
    for s in kept:
        i = idx[(str(s.id), s.epoch)]
        assert ev.attempts.spend["usd"][i] == pytest.approx(s.model_usage[MODEL].total_cost)


def test_grader_usage_left_out_and_noted() -> None:
    ev = load_log_evidence(INSPECT / "high_limits.eval", scorer="graded")
    (run,) = ev.runs
    assert "budgetsim/sim-grader" in run.notes
    # the grader adds 5 output tokens per call: none of the rows may carry them
    pytest.importorskip("inspect_ai.log")
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(INSPECT / "high_limits.eval"))
    total = sum(s.model_usage[MODEL].total_tokens for s in log.samples)
    assert np.sum(ev.attempts.tokens()) == total
    assert total == log.stats.model_usage[MODEL].total_tokens


def test_limit_hits_are_failures_with_spend_past_the_limit() -> None:
    ev = load_log_evidence(INSPECT / "high_limits.eval", scorer="exact")
    t = ev.attempts
    hit = t.limit_hit
    assert hit.sum() > 0
    assert np.all(t.score[hit] == 0.0)
    assert np.all(np.isfinite(t.tokens()[hit]))
    assert (t.tokens()[hit] > ev.runs[0].limits.token_limit).any()  # usage past the limit kept
    assert "token" in ev.runs[0].notes


def test_epochs_are_attempts() -> None:
    ev = load_log_evidence(INSPECT / "low_epochs3.eval")
    t = ev.attempts
    assert set(t.attempt.tolist()) == {0, 1, 2}
    assert len(t) == 36 and len(t.task_ids) == 12
    assert ev.runs[0].limits.epochs == 3


def test_crashed_log_uses_journal_and_warns() -> None:
    ev = load_log_evidence(INSPECT / "crashed_started.eval")
    (run,) = ev.runs
    assert run.status == "partial"
    assert run.source.member is None  # read from the journal, not summaries.json
    assert len(ev.attempts) == 6
    assert any("log-incomplete" in w and "never finished" in w for w in ev.warnings)


def test_error_log_counts_skipped_attempts() -> None:
    ev, used = ingest("inspect", [INSPECT / "error_stopped.eval"])
    (rd,) = used[0].runs
    assert rd.skipped["error"] == 2
    assert any("attempts-skipped" in w and "2 ended in an error" in w for w in ev.warnings)
    assert ev.runs[0].status == "error"


def test_run_ids_are_stable_and_distinct() -> None:
    a = [load_log_evidence(p).runs[0].id for p in ALL_LOGS]
    b = [load_log_evidence(p).runs[0].id for p in ALL_LOGS]
    assert a == b and len(set(a)) == len(a)


def test_deflate_and_stored_archives_read_the_same(tmp_path: Path) -> None:
    import zipfile

    src = INSPECT / "low_epochs3.eval"
    base = load_log_evidence(src)
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        ev = load_log_evidence(rewrite(src, tmp_path / f"m{method}.eval", method=method))
        assert ev.runs[0].id == base.runs[0].id
        np.testing.assert_array_equal(ev.attempts.score, base.attempts.score)
        for c, v in base.attempts.spend.items():
            np.testing.assert_array_equal(ev.attempts.spend[c], v)


def test_missing_summaries_fall_back_to_samples(tmp_path: Path) -> None:
    src = INSPECT / "high_limits.eval"
    dst = rewrite(
        src,
        tmp_path / "nosum.eval",
        lambda m: {
            k: v for k, v in m.items() if k != "summaries.json" and not k.startswith("_journal/sum")
        },
    )
    a, b = load_log_evidence(src), load_log_evidence(dst)
    assert len(a.attempts) == len(b.attempts) == 20
    assert sorted(a.attempts.score.tolist()) == sorted(b.attempts.score.tolist())
    assert math.isclose(np.nansum(a.attempts.spend["usd"]), np.nansum(b.attempts.spend["usd"]))


def test_scorer_choice_and_errors() -> None:
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(INSPECT / "low_epochs3.eval", scorer="exactt")
    assert err.value.codes == ["scorer-unknown"]
    assert "did you mean 'exact'" in str(err.value)
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(INSPECT / "low_epochs3.eval", scorer="abs_error")
    assert set(err.value.codes) == {"score-out-of-range"}
    assert "summaries.json[" in str(err.value) and "low_epochs3.eval" in str(err.value)


def test_score_mapping() -> None:
    assert [
        score_to_unit(v) for v in ("C", "I", "P", "N", True, False, "yes", "No", 0.25, "0.5")
    ] == [1, 0, 0.5, 0, 1, 0, 1, 0, 0.25, 0.5]
    assert math.isnan(score_to_unit(None)) and math.isnan(score_to_unit(float("nan")))
    assert score_to_unit({"a": "C", "b": 0}, "a") == 1.0
    from checker.evidence.ingest.common import Unmappable

    for bad in ("maybe", [1, 0], {"a": 1}):
        with pytest.raises(Unmappable):
            score_to_unit(bad)


def test_dict_scores_with_key(tmp_path: Path) -> None:
    from ingest_helpers import edit_json

    def to_dict(rows):
        for r in rows:
            r["scores"]["exact"]["value"] = {"correct": r["scores"]["exact"]["value"], "x": 7}
        return rows

    dst = rewrite(
        INSPECT / "low_epochs3.eval",
        tmp_path / "d.eval",
        lambda m: edit_json(m, "summaries.json", to_dict),
    )
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(dst, scorer="exact")
    assert "score-unmappable" in err.value.codes
    ev = load_log_evidence(dst, scorer="exact:correct")
    assert np.array_equal(
        ev.attempts.score,
        load_log_evidence(INSPECT / "low_epochs3.eval", scorer="exact").attempts.score,
    )
