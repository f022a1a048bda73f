"""One reader per kind of source: ``check -e`` reads what ``ingest`` reads, a table means the
same thing whether a manifest names it or ``ingest table`` reads it, and one sniffer decides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.errors import RspcheckError
from checker.evidence import load_evidence
from checker.evidence.attempts import read_attempts
from checker.evidence.ingest import ingest
from checker.files.sniff import EvidenceKind, sniff, sniff_or_raise
from checker.files.tables import parse_flag

DATA = Path(__file__).resolve().parents[1] / "data"
LM = DATA / "lmeval" / "pythia-160m"
RESULTS = next(LM.glob("results_*.json"))
SAMPLES = next(LM.glob("samples_gsm8k_*.jsonl"))
POLICY = DATA / "policy-small.yaml"
runner = CliRunner()


# -- check -e accepts what ingest reads ---------------------------------------------------------


@pytest.mark.parametrize("source", [RESULTS, SAMPLES], ids=["results", "samples"])
def test_check_reads_lmeval_like_ingest(source: Path) -> None:
    r = runner.invoke(app, ["check", "-p", str(POLICY), "-e", str(source), "--format", "json"])
    assert r.exit_code in (0, 3), r.output  # a determination (allow or block), not bad input
    det = json.loads(r.stdout)
    names = {i["name"] for i in det["inputs"]}
    assert source.name in names and RESULTS.name in names  # the results file is an input too
    via_ingest, _ = ingest("lm-eval", [source], model=None)
    direct = load_evidence(source)
    assert [r.id for r in direct.runs] == [r.id for r in via_ingest.runs]
    np.testing.assert_array_equal(direct.attempts.score, via_ingest.attempts.score)


def test_samples_take_model_and_caps_from_results_beside() -> None:
    (run,) = load_evidence(SAMPLES).runs
    (same,) = [r for r in load_evidence(RESULTS).runs if r.eval == "gsm8k"]
    assert run == same  # model, version, caps and date from the results file


def test_samples_alone_need_a_model(tmp_path: Path) -> None:
    lone = tmp_path / SAMPLES.name
    shutil.copy(SAMPLES, lone)
    with pytest.raises(RspcheckError) as err:
        load_evidence(lone)
    assert err.value.codes == ["missing-key"] and "--model" in str(err.value)
    ev, _ = ingest("lm-eval", [lone], model="pythia")
    assert ev.runs[0].model == "pythia"


def test_lmeval_folder() -> None:
    assert {r.eval for r in load_evidence(LM).runs} == {"gsm8k", "arc_easy"}


# -- the sniffer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (DATA / "evidence-small.yaml", EvidenceKind.MANIFEST),
        (DATA / "inspect" / "low_epochs3.eval", EvidenceKind.INSPECT),
        (DATA / "inspect" / "medium_maxtok.json", EvidenceKind.INSPECT),
        (RESULTS, EvidenceKind.LMEVAL_RESULTS),
        (SAMPLES, EvidenceKind.LMEVAL_SAMPLES),
        (LM, EvidenceKind.LMEVAL_FOLDER),
        (DATA / "attempts-small.jsonl", EvidenceKind.TABLE),
        (DATA / "tables" / "ctf_attempts.csv", EvidenceKind.TABLE),
        (DATA / "tables" / "ctf_attempts.parquet", EvidenceKind.TABLE),
    ],
)
def test_sniff(path: Path, kind: EvidenceKind) -> None:
    assert sniff(path) is kind


def test_sniff_nothing(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("hello\n")
    with pytest.raises(RspcheckError) as err:
        sniff_or_raise(p)
    assert err.value.codes == ["unknown-format"] and ".parquet" in str(err.value)
    with pytest.raises(RspcheckError) as err:
        sniff_or_raise(tmp_path)  # a folder with no lm-eval results
    assert err.value.codes == ["unknown-format"]
    with pytest.raises(RspcheckError) as err:
        sniff_or_raise(tmp_path / "gone.txt")
    assert err.value.codes == ["file-not-found"]


# -- one truth-value rule for limit_hit, through both entry points --------------------------------

ACCEPTED = [("true", True), ("FALSE", False), ("yes", True), ("1", True), ("0", False),
            ("token", True), ("", False)]  # fmt: skip
REFUSED = ["2", "maybe", "-1"]


def _manifest_table(tmp_path: Path, flags: list[str]) -> Path:
    p = tmp_path / "attempts.csv"
    rows = [f"r,t{i},0,{f}" for i, f in enumerate(flags)]
    p.write_text("run,task,score,limit_hit\n" + "\n".join(rows) + "\n")
    return p


def _ingest_table(tmp_path: Path, flags: list[str]) -> Path:
    p = tmp_path / "table.csv"
    rows = [f"m,e,t{i},0,{f}" for i, f in enumerate(flags)]
    p.write_text("model,eval,task,score,stopped\n" + "\n".join(rows) + "\n")
    return p


def test_limit_hit_values_mean_the_same_in_both_readers(tmp_path: Path) -> None:
    flags = [f for f, _ in ACCEPTED]
    want = [v for _, v in ACCEPTED]
    assert [parse_flag(f) for f in flags] == want
    assert read_attempts(_manifest_table(tmp_path, flags)).limit_hit.tolist() == want
    ev, _ = ingest("table", [_ingest_table(tmp_path, flags)], mapping={"limit_hit": "stopped"})
    assert ev.attempts.limit_hit.tolist() == want


@pytest.mark.parametrize("value", REFUSED)
def test_limit_hit_not_a_truth_value_is_a_located_error_in_both_readers(
    tmp_path: Path, value: str
) -> None:
    assert parse_flag(value) is None
    with pytest.raises(RspcheckError) as err:
        read_attempts(_manifest_table(tmp_path, ["true", value]))
    (p,) = err.value.problems
    assert (p.code, p.line, p.file) == ("wrong-type", 3, str(tmp_path / "attempts.csv"))
    assert "'limit_hit'" in p.msg and "true or false" in (p.hint or "")
    with pytest.raises(RspcheckError) as err:
        table = _ingest_table(tmp_path, ["true", value])
        ingest("table", [table], mapping={"limit_hit": "stopped"})
    (p,) = err.value.problems
    assert (p.code, p.line, p.loc) == ("wrong-type", 3, ("stopped",))
    assert "limit_hit" in p.msg and "true or false" in (p.hint or "")


def test_numeric_limit_hit_two_is_refused_in_both_readers(tmp_path: Path) -> None:
    jl = tmp_path / "a.jsonl"
    jl.write_text('{"run": "r", "task": "t", "score": 0, "limit_hit": 2}\n')
    with pytest.raises(RspcheckError) as err:
        read_attempts(jl)
    assert err.value.codes == ["wrong-type"]
    tj = tmp_path / "b.jsonl"
    tj.write_text('{"model": "m", "eval": "e", "task": "t", "score": 0, "limit_hit": 2}\n')
    with pytest.raises(RspcheckError) as err:
        ingest("table", [tj])
    assert err.value.codes == ["wrong-type"]
