"""lm-evaluation-harness and plain-table ingest."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from checker.errors import RspcheckError
from checker.evidence.ingest import ingest, load_log_evidence
from checker.evidence.ingest.tables import parse_mapping

DATA = Path(__file__).resolve().parents[1] / "data"
LM = DATA / "lmeval" / "pythia-160m"
RESULTS = next(LM.glob("results_*.json"))
TABLES = DATA / "tables"
MAP = [
    "model=model_name",
    "eval=benchmark",
    "reasoning_effort=effort",
    "task=challenge",
    "attempt=try",
    "score=solved",
    "input_tokens=prompt_tokens",
    "output_tokens=completion_tokens",
    "usd=cost_usd",
    "seconds=wall_s",
    "limit_hit=stopped_by",
    "family=category",
]


def test_lmeval_runs_scores_and_no_budget() -> None:
    ev = load_log_evidence(RESULTS)
    assert {r.eval for r in ev.runs} == {"gsm8k", "arc_easy"}
    assert all(r.model == "EleutherAI/pythia-160m" for r in ev.runs)
    gsm = next(r for r in ev.runs if r.eval == "gsm8k")
    assert gsm.limits.max_tokens == 256 and gsm.eval_version == "3.0"
    assert len(ev.attempts) == 16
    for c, v in ev.attempts.spend.items():
        assert np.isnan(v).all(), c  # nothing measured: NaN, never 0
    assert sum("budget-unmeasured" in w for w in ev.warnings) == 2
    # strict-match is the first filter; the other filter's lines are counted, not used
    assert any("8 belong to another filter" in w for w in ev.warnings)
    rows = [json.loads(x) for x in (LM / next(LM.glob("samples_gsm8k*")).name).open()]
    strict = [r["exact_match"] for r in rows if r["filter"] == "strict-match"]
    run = ev.attempts.rows_of_run(gsm.id)
    assert sorted(ev.attempts.score[run].tolist()) == sorted(strict)
    # results and samples files are all recorded with their digests
    assert {Path(f).name for f, _ in ev.files} == {p.name for p in LM.iterdir()}


def test_lmeval_filter_metric_and_folder() -> None:
    ev, _ = ingest("lm-eval", [LM.parent], filter="flexible-extract", metric="exact_match")
    gsm = next(r for r in ev.runs if r.eval == "gsm8k")
    assert len(ev.attempts.rows_of_run(gsm.id)) == 8
    with pytest.raises(RspcheckError) as err:
        ingest("lm-eval", [RESULTS], metric="bleu")
    assert "scorer-unknown" in err.value.codes


def test_lmeval_repeats_and_out_of_range(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    shutil.copy(RESULTS, d / RESULTS.name)
    date = RESULTS.stem.removeprefix("results_")
    lines = [
        {"doc_id": 0, "filter": "none", "metrics": ["acc", "ppl"], "acc": [1, 0, 1], "ppl": 12.5},
        {"doc_id": 1, "filter": "none", "metrics": ["acc", "ppl"], "acc": [0, 0, 1], "ppl": 3.0},
    ]
    for task in ("gsm8k", "arc_easy"):
        (d / f"samples_{task}_{date}.jsonl").write_text("\n".join(json.dumps(x) for x in lines))
    ev = load_log_evidence(d / RESULTS.name)
    assert len(ev.attempts) == 12 and set(ev.attempts.attempt.tolist()) == {0, 1, 2}
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(d / RESULTS.name, scorer="ppl")
    assert set(err.value.codes) == {"score-out-of-range"}
    assert "samples_" in str(err.value) and ":1:" in str(err.value)


def test_lmeval_missing_samples(tmp_path: Path) -> None:
    shutil.copy(RESULTS, tmp_path / RESULTS.name)
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(tmp_path / RESULTS.name)
    assert err.value.codes == ["log-member-missing", "log-member-missing"]
    assert "--log_samples" in str(err.value)


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_tables_with_mapping(suffix: str) -> None:
    if suffix == "parquet":
        pytest.importorskip("pyarrow")
    ev, _ = ingest("table", [TABLES / f"ctf_attempts.{suffix}"], mapping=parse_mapping(MAP))
    assert {r.limits.reasoning_effort for r in ev.runs} == {"low", "high"}
    assert len(ev.attempts) == 24 and ev.attempts.limit_hit.sum() == 3
    assert not np.isnan(ev.attempts.spend["usd"]).any()
    assert np.isnan(ev.attempts.spend["cached_tokens"]).all()
    assert {t.family for t in ev.manifest.tasks} == {"web", "crypto", "pwn"}
    assert ev.warnings == ()


def test_tables_agree_across_formats() -> None:
    pytest.importorskip("pyarrow")
    m = parse_mapping(MAP)
    evs = [
        ingest("table", [TABLES / f"ctf_attempts.{s}"], mapping=m)[0]
        for s in ("csv", "jsonl", "parquet")
    ]
    for ev in evs[1:]:
        np.testing.assert_array_equal(ev.attempts.score, evs[0].attempts.score)
        np.testing.assert_array_equal(ev.attempts.spend["usd"], evs[0].attempts.spend["usd"])


def test_parquet_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(RspcheckError) as err:
        ingest("table", [TABLES / "ctf_attempts.parquet"], mapping=parse_mapping(MAP))
    assert err.value.codes == ["dependency-missing"]
    # pyarrow is a core dependency: no extra to name, only a reinstall or another format
    assert "rspcheck[parquet]" not in str(err.value) and "CSV" in str(err.value)


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    p = tmp_path / "t.csv"
    p.write_text("model,eval,task,score,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    return p


def test_table_bad_values(tmp_path: Path) -> None:
    p = _csv(tmp_path, ["m,e,t1,1,10,-3", "m,e,t2,1.5,10,3", "m,e,t3,0,abc,3"])
    with pytest.raises(RspcheckError) as err:
        ingest("table", [p])
    assert err.value.codes == ["negative-value", "score-out-of-range", "wrong-type"]
    assert [pr.line for pr in err.value.problems] == [2, 3, 4]


def test_table_mixed_models_in_one_run(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("run,model,eval,task,score\nr1,m1,e,t1,1\nr1,m2,e,t2,0\n")
    with pytest.raises(RspcheckError) as err:
        ingest("table", [p])
    assert err.value.codes == ["log-mixed-models"]


def test_table_unscored_rows_counted_and_no_budget_warned(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("model,eval,task,score\nm,e,t1,1\nm,e,t2,\n")
    ev, used = ingest("table", [p])
    assert len(ev.attempts) == 1 and used[0].runs[0].skipped["unscored"] == 1
    assert any("budget-unmeasured" in w for w in ev.warnings)


def test_bad_mapping(tmp_path: Path) -> None:
    with pytest.raises(RspcheckError) as err:
        parse_mapping(["scroe=x", "nonsense"])
    assert err.value.codes == ["map-invalid", "map-invalid"]
    assert "did you mean 'score'" in str(err.value)
    with pytest.raises(RspcheckError) as err:
        ingest("table", [TABLES / "ctf_attempts.csv"], mapping={"score": "solvd"})
    assert "map-invalid" in err.value.codes and "did you mean 'solved'" in str(err.value)
