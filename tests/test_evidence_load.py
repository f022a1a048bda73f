"""Loading evidence: the manifest, attempt files (fast pyarrow path and slow locating path)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import checker.files.tables as tables
from checker.errors import RspcheckError
from checker.evidence import load_evidence
from checker.evidence.attempts import read_attempts
from checker.evidence.model import SPEND_COLUMNS, AttemptTable, EvidenceManifest

DATA = Path(__file__).parent / "data"
MANIFEST = DATA / "evidence-small.yaml"
ATTEMPTS = DATA / "attempts-small.jsonl"
GOOD = {"run": "r1", "task": "t1", "attempt": 0, "score": 1.0, "input_tokens": 10}


def jsonl(tmp_path: Path, rows: list, name: str = "a.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return p


def text(tmp_path: Path, content: str, name: str) -> Path:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    return p


def fail(path: Path, *, slow: bool = False, monkeypatch=None):
    if slow:
        monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    with pytest.raises(RspcheckError) as info:
        read_attempts(path)
    return [(p.code, p.line, p.loc) for p in info.value.problems], info.value.problems


def as_tuple(t: AttemptTable):
    spend = {k: np.nan_to_num(v, nan=-1.0).tolist() for k, v in t.spend.items()}
    return (
        t.run_ids,
        t.task_ids,
        t.run.tolist(),
        t.task.tolist(),
        t.attempt.tolist(),
        t.score.tolist(),
        spend,
        t.limit_hit.tolist(),
    )


# -- the examples ------------------------------------------------------------------------------


def test_example_evidence_loads():
    ev = load_evidence(MANIFEST)
    assert len(ev.attempts) == 12
    assert ev.attempts.run_ids == ("ctf-high", "ctf-low")
    assert ev.attempts.task_ids == ("t1", "t2", "t3")
    assert [r.id for r in ev.runs] == ["ctf-low", "ctf-high", "range-summary"]
    assert ev.run("range-summary").summary.n_tasks == 40
    assert ev.model("candidate").prices[0].output == 15.0
    assert [f[0] for f in ev.files] == [str(MANIFEST), str(DATA / "attempts-small.jsonl")]
    assert ev.files[1][1] == hashlib.sha256(ATTEMPTS.read_bytes()).hexdigest()
    assert len(ev.warnings) == 1 and "summary-only-run" in ev.warnings[0]
    low = ev.attempts.rows_of_run("ctf-low")
    assert ev.attempts.score[low].tolist() == [1.0, 0, 0, 0, 0, 0]
    assert ev.attempts.spend["input_tokens"][low[0]] == 5600
    assert np.isnan(ev.attempts.spend["usd"]).all()
    assert ev.attempts.tokens()[low[0]] == 5600 + 2400


def test_example_arrays_are_typed():
    t = read_attempts(ATTEMPTS)
    assert t.run.dtype == np.int32 and t.task.dtype == np.int32 and t.attempt.dtype == np.int32
    assert t.score.dtype == np.float64 and t.limit_hit.dtype == bool
    assert set(t.spend) == set(SPEND_COLUMNS)
    assert all(v.dtype == np.float64 for v in t.spend.values())


@pytest.mark.parametrize("exclude_defaults", [False, True])
def test_manifest_round_trip(tmp_path, exclude_defaults):
    manifest = load_evidence(MANIFEST).manifest
    dumped = manifest.model_dump(mode="json", exclude_defaults=exclude_defaults)
    p = tmp_path / "evidence.yaml"
    p.write_text(yaml.safe_dump(dumped, sort_keys=False))
    shutil.copy(ATTEMPTS, tmp_path / ATTEMPTS.name)
    assert load_evidence(p).manifest == manifest
    assert EvidenceManifest.model_validate(dumped) == manifest


# -- attempt files: each bad input with its code and line -------------------------------------


@pytest.mark.parametrize("slow", [False, True], ids=["fast", "slow"])
def test_bad_json_line(tmp_path, slow, monkeypatch):
    p = jsonl(tmp_path, [GOOD, '{"run": "r1", "task": ', GOOD])
    got, probs = fail(p, slow=slow, monkeypatch=monkeypatch)
    assert got == [("attempts-unreadable", 2, ())]
    assert probs[0].msg.startswith("line is not valid JSON")
    assert probs[0].file == str(p)


def test_several_bad_json_lines_are_listed(tmp_path):
    p = jsonl(tmp_path, [GOOD, "nope", GOOD, "[1, 2]", "", "{"])
    got, probs = fail(p)
    assert got == [
        ("attempts-unreadable", 2, ()),
        ("attempts-unreadable", 4, ()),
        ("attempts-unreadable", 6, ()),
    ]
    assert probs[1].msg == "line holds a list, not a JSON object"


def test_csv_ragged_row(tmp_path):
    p = text(tmp_path, "run,task,score\nr1,t1,1\nr1,t2,0\nr1,t2\n", "a.csv")
    got, probs = fail(p)
    assert got == [("attempts-unreadable", 4, ())]
    assert probs[0].msg == "row has 2 cells, the header has 3"


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl"])
def test_missing_columns(tmp_path, name):
    p = (
        text(tmp_path, "run,attempt\nr1,0\n", name)
        if name.endswith(".csv")
        else jsonl(tmp_path, [{"run": "r1", "attempt": 0}], name)
    )
    got, probs = fail(p)
    assert got == [("attempt-missing-column", None, ())]
    assert probs[0].msg == "missing required column(s): task, score"


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl"])
def test_unknown_column_did_you_mean(tmp_path, name):
    p = (
        text(tmp_path, "run,task,score,input_tokns\nr1,t1,1,5\n", name)
        if name.endswith(".csv")
        else jsonl(tmp_path, [{**GOOD, "input_tokns": 5}], name)
    )
    got, probs = fail(p)
    assert got == [("unknown-key", None, ())]
    assert probs[0].msg == "unknown attempt column 'input_tokns'"
    assert probs[0].hint == "did you mean 'input_tokens'?"


def both_formats(tmp_path: Path, rows: list[dict], columns: list[str]) -> list[Path]:
    """The same rows as JSON Lines and as CSV (None -> empty cell)."""
    j = jsonl(tmp_path, rows)
    lines = [",".join(columns)]
    for r in rows:
        lines.append(",".join("" if r.get(c) is None else str(r[c]) for c in columns))
    c = text(tmp_path, "\n".join(lines) + "\n", "a.csv")
    return [j, c]


ROW_CASES = {
    "score above 1": (
        {"score": 1.5},
        "score-out-of-range",
        "score 1.5 is outside [0, 1] (1 rows)",
    ),
    "negative score": (
        {"score": -0.1},
        "score-out-of-range",
        "score -0.1 is outside [0, 1] (1 rows)",
    ),
    "negative tokens": (
        {"input_tokens": -3},
        "negative-value",
        "input_tokens is -3 (negative) in 1 rows",
    ),
    "negative seconds": ({"seconds": -1}, "negative-value", "seconds is -1 (negative) in 1 rows"),
    "missing score": ({"score": None}, "not-finite", "score is missing or not finite in 1 rows"),
    "attempt not whole": (
        {"attempt": 1.5},
        "invalid-value",
        "attempt is missing or not a whole number >= 0 (1 rows)",
    ),
    "attempt beyond int32": (
        {"attempt": 1e10},
        "invalid-value",
        "attempt is missing or not a whole number >= 0 (1 rows)",
    ),
    "attempt below int32": (  # found by the fuzz test: the int32 cast of it warned
        {"attempt": -2147483649},
        "invalid-value",
        "attempt is missing or not a whole number >= 0 (1 rows)",
    ),
    "empty run": ({"run": ""}, "missing-key", "run is empty in 1 rows"),
}


@pytest.mark.filterwarnings("error")  # a bad row is a located problem, never a numpy warning
@pytest.mark.parametrize("case", list(ROW_CASES), ids=list(ROW_CASES))
@pytest.mark.parametrize("slow", [False, True], ids=["fast", "slow"])
def test_bad_row(tmp_path, case, slow, monkeypatch):
    change, code, msg = ROW_CASES[case]
    cols = ["run", "task", "attempt", "score", "input_tokens", "seconds"]
    base = {"run": "r1", "task": "t1", "attempt": 0, "score": 1.0, "input_tokens": 5, "seconds": 2}
    rows = [base, {**base, "attempt": 1}, {**base, "attempt": 2, **change}]
    if slow:
        monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    for p, line in zip(both_formats(tmp_path, rows, cols), (3, 4), strict=True):
        with pytest.raises(RspcheckError) as info:
            read_attempts(p)
        [prob] = info.value.problems
        assert (prob.code, prob.line, prob.loc, prob.msg) == (code, line, ("row", 2), msg), p


@pytest.mark.parametrize("slow", [False, True], ids=["fast", "slow"])
def test_nan_score_in_json(tmp_path, slow, monkeypatch):
    p = jsonl(tmp_path, [GOOD, '{"run": "r1", "task": "t2", "attempt": 0, "score": NaN}'])
    got, _ = fail(p, slow=slow, monkeypatch=monkeypatch)
    assert got == [("not-finite", 2, ("row", 1))]


def test_nan_score_in_csv(tmp_path):
    p = text(tmp_path, "run,task,score\nr1,t1,1\nr1,t2,nan\n", "a.csv")
    assert fail(p)[0] == [("not-finite", 3, ("row", 1))]


def test_infinite_spend(tmp_path):
    p = jsonl(tmp_path, [GOOD, '{"run":"r1","task":"t2","attempt":0,"score":1,"usd":Infinity}'])
    got, probs = fail(p)
    assert got == [("not-finite", 2, ("row", 1))]
    assert probs[0].msg == "usd is infinite in 1 rows"


def test_blank_lines_keep_line_numbers(tmp_path):
    p = jsonl(tmp_path, [GOOD, "", "", {**GOOD, "attempt": 1, "score": 2}])
    assert fail(p)[0] == [("score-out-of-range", 4, ("row", 1))]


@pytest.mark.parametrize(
    ("value", "shown"), [('"high"', "'high'"), ("true", "True"), ("[1]", "[1]")]
)
def test_score_of_wrong_type(tmp_path, value, shown):
    p = jsonl(tmp_path, [GOOD, '{"run": "r1", "task": "t2", "attempt": 0, "score": ' + value + "}"])
    got, probs = fail(p)
    assert got == [("wrong-type", 2, ("row", 1))]  # reported once, not again as not-finite
    assert probs[0].msg == f"column 'score' holds {shown}, not a number (1 such rows)"


def test_na_is_not_a_number_in_either_path(tmp_path, monkeypatch):
    p = text(tmp_path, "run,task,score,usd\nr1,t1,1,0.5\nr1,t2,1,NA\n", "a.csv")
    assert fail(p)[0] == [("wrong-type", 3, ("row", 1))]
    assert fail(p, slow=True, monkeypatch=monkeypatch)[0] == [("wrong-type", 3, ("row", 1))]


def test_run_must_be_an_id(tmp_path):
    p = jsonl(tmp_path, [GOOD, {**GOOD, "attempt": 1, "run": {"x": 1}}])
    got, probs = fail(p)
    assert got == [("wrong-type", 2, ("row", 1))]
    assert probs[0].msg == "run holds {'x': 1}, not an id (1 such rows)"


def test_limit_hit_must_be_true_or_false(tmp_path):
    p = text(tmp_path, "run,task,score,limit_hit\nr1,t1,0,true\nr1,t2,0,maybe\n", "a.csv")
    got, _ = fail(p)
    assert got == [("wrong-type", 3, ("row", 1))]


@pytest.mark.parametrize(
    ("name", "content", "code", "line"),
    [
        ("a.jsonl", b"", "file-empty", None),
        ("a.jsonl", b"\n\n", "file-empty", None),
        ("a.csv", b"", "file-empty", None),
        ("a.jsonl", b"\x00\x01\x02\x03", "binary-file", None),
        ("a.csv", "run,task,score\nr1,caf\xe9,1\n".encode("latin-1"), "not-utf8", 2),
        ("a.txt", b"run,task,score\n", "unknown-format", None),
        ("a.jsonl", b"3\n", "attempts-unreadable", 1),
    ],
)
def test_unreadable_attempt_files(tmp_path, name, content, code, line):
    p = tmp_path / name
    p.write_bytes(content)
    got, _ = fail(p)
    assert got == [(code, line, ())]


def test_header_only_csv_is_an_empty_table(tmp_path):
    assert len(read_attempts(text(tmp_path, "run,task,score\n", "a.csv"))) == 0


def test_attempt_numbers_are_assigned_when_absent(tmp_path):
    rows = [{"run": "r", "task": t, "score": 0} for t in ("a", "b", "a", "a", "b")]
    t = read_attempts(jsonl(tmp_path, rows))
    assert t.attempt.tolist() == [0, 0, 1, 2, 1]


def test_problems_count_rows_and_name_the_first(tmp_path):
    rows = [{**GOOD, "attempt": i, "score": 1.5 if i % 2 else 0.5} for i in range(10)]
    got, probs = fail(jsonl(tmp_path, rows))
    assert got == [("score-out-of-range", 2, ("row", 1))]
    assert probs[0].msg == "score 1.5 is outside [0, 1] (5 rows)"


# -- fast and slow paths agree ------------------------------------------------------------------

VALID = {
    "full.csv": "run,task,attempt,score,input_tokens,output_tokens,usd,seconds,limit_hit\n"
    "r1,t1,0,1,10,5,,1.5,true\nr1,t1,1,0.5,,3,0.2,,false\nr2,007,0,0,3,1,1e-3,2,\n",
    "intflags.csv": "run,task,score,limit_hit\nr1,t1,1,1\nr1,t2,0,0\nr1,t3,0,\n",
    "nan.csv": "run,task,score,usd\nr1,t1,1,nan\n",
    "spaces.csv": "run, task, score\nr1,t1,1\n",
    "mixed.jsonl": "".join(
        json.dumps(r) + "\n"
        for r in [
            {"run": "r1", "task": "t1", "score": 1, "usd": None, "limit_hit": True},
            {"run": "r1", "task": "t2", "score": 0.5, "usd": 0.1, "limit_hit": None},
            {"run": "r2", "task": 7, "score": 0, "seconds": 3},
        ]
    ),
    "small.jsonl": ATTEMPTS.read_text(),
}


@pytest.mark.parametrize("name", list(VALID))
def test_fast_and_slow_paths_give_the_same_table(tmp_path, name, monkeypatch):
    p = text(tmp_path, VALID[name], name)
    fast = as_tuple(read_attempts(p))
    monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    slow = as_tuple(read_attempts(p))
    assert fast == slow


def test_fast_path_is_used_for_clean_files(tmp_path):
    for name in ("full.csv", "small.jsonl", "intflags.csv"):
        p = text(tmp_path, VALID[name], name)
        assert tables._read_arrow(p, tables.table_format(p)) is not None, name


def test_a_file_that_defeats_pyarrow_falls_back_with_the_same_table(tmp_path, monkeypatch):
    # a column whose type changes mid-file ("2" after numbers) makes pyarrow give up
    rows = [{"run": "r", "task": f"t{i}", "score": 0.5, "usd": 1} for i in range(3)]
    clean = jsonl(tmp_path, [*rows, {"run": "r", "task": "t9", "score": 0.5, "usd": 2}], "c.jsonl")
    mixed = jsonl(tmp_path, [*rows, {"run": "r", "task": "t9", "score": 0.5, "usd": "2"}])
    assert tables._read_arrow(clean, "jsonl") is not None
    assert tables._read_arrow(mixed, "jsonl") is None
    calls = []
    real = tables._read_jsonl
    monkeypatch.setattr(tables, "_read_jsonl", lambda *a: calls.append(1) or real(*a))
    assert as_tuple(read_attempts(mixed)) == as_tuple(read_attempts(clean))
    assert calls == [1]  # only the mixed file took the slow path
    bad = jsonl(tmp_path, [*rows, {"run": "r", "task": "t9", "score": 0.5, "usd": "2 USD"}])
    with pytest.raises(RspcheckError) as info:
        read_attempts(bad)
    assert [(x.code, x.line) for x in info.value.problems] == [("wrong-type", 4)]


def test_limit_hit_values(tmp_path):
    t = read_attempts(text(tmp_path, VALID["intflags.csv"], "a.csv"))
    assert t.limit_hit.tolist() == [True, False, False]


# -- the manifest and its attempt files -------------------------------------------------------


def evidence_dir(tmp_path: Path, manifest_edit=None, attempts_rows=None) -> Path:
    data = yaml.safe_load(MANIFEST.read_text())
    if manifest_edit:
        manifest_edit(data)
    m = tmp_path / "evidence.yaml"
    m.write_text(yaml.safe_dump(data, sort_keys=False))
    if attempts_rows is None:
        shutil.copy(ATTEMPTS, tmp_path / ATTEMPTS.name)
    else:
        jsonl(tmp_path, attempts_rows, ATTEMPTS.name)
    return m


def small_rows() -> list[dict]:
    return [json.loads(line) for line in ATTEMPTS.read_text().splitlines()]


def ev_fail(path: Path):
    """The errors (warnings such as summary-only-run left out)."""
    with pytest.raises(RspcheckError) as info:
        load_evidence(path)
    return [p for p in info.value.problems if p.severity == "error"]


def test_unknown_run(tmp_path):
    rows = small_rows()
    rows[3]["run"] = "ctf-lw"
    m = evidence_dir(tmp_path, attempts_rows=rows)
    [p] = ev_fail(m)
    assert p.code == "attempt-unknown-run"
    assert p.file == str(tmp_path / ATTEMPTS.name)
    assert p.line == 4  # the first row naming it
    assert p.msg == "attempt records name runs the manifest does not define: 'ctf-lw' (1 rows)"
    assert p.hint == "did you mean 'ctf-low'?"


def test_duplicate_attempt(tmp_path):
    rows = small_rows()
    rows.append(dict(rows[4]))
    m = evidence_dir(tmp_path, attempts_rows=rows)
    [p] = ev_fail(m)
    assert p.code == "attempt-duplicate"
    assert p.msg == (
        "1 attempt records repeat a (run, task, attempt) key, e.g. run 'ctf-low', "
        "task 't3', attempt 0 (first at line 5)"
    )
    assert (p.file, p.line) == (str(tmp_path / ATTEMPTS.name), len(rows))


def test_duplicate_attempt_across_files_names_both(tmp_path):
    rows = small_rows()

    def two_files(data):
        data["attempts"] = [{"path": ATTEMPTS.name}, {"path": "more.csv"}]

    m = evidence_dir(tmp_path, two_files, attempts_rows=rows)
    extra = tmp_path / "more.csv"
    extra.write_text(
        "run,task,attempt,score\nctf-high,t9,0,1\n"
        + (f"{rows[4]['run']},{rows[4]['task']},{rows[4]['attempt']},0\n")
    )
    [p] = ev_fail(m)
    assert p.code == "attempt-duplicate"
    assert (p.file, p.line) == (str(extra), 3)  # CSV: the header is line 1
    assert p.msg.endswith(f"(first at line 5 of {tmp_path / ATTEMPTS.name})")


def test_digest_mismatch(tmp_path):
    def edit(d):
        d["attempts"][0]["sha256"] = "0" * 64

    m = evidence_dir(tmp_path, edit)
    [p] = ev_fail(m)
    assert (p.code, p.loc) == ("digest-mismatch", ("attempts", 0, "sha256"))
    assert m.read_text().splitlines()[p.line - 1].strip().startswith("sha256: '000")
    assert "0" * 64 in p.msg and hashlib.sha256(ATTEMPTS.read_bytes()).hexdigest() in p.msg


def test_digest_match_is_accepted(tmp_path):
    def edit(d):
        d["attempts"][0]["sha256"] = hashlib.sha256(ATTEMPTS.read_bytes()).hexdigest()

    assert len(load_evidence(evidence_dir(tmp_path, edit)).attempts) == 12


def test_missing_attempts_file(tmp_path):
    def edit(d):
        d["attempts"][0]["path"] = "nope.jsonl"

    m = evidence_dir(tmp_path, edit)
    [p] = ev_fail(m)
    assert (p.code, p.loc) == ("file-not-found", ("attempts", 0, "path"))
    assert m.read_text().splitlines()[p.line - 1].strip() == "- path: nope.jsonl"


def test_unknown_model_reference(tmp_path):
    def edit(d):
        d["runs"][1]["model"] = "candidat"

    [p] = ev_fail(evidence_dir(tmp_path, edit))
    assert (p.code, p.loc) == ("unknown-reference", ("runs", 1, "model"))
    assert p.hint == "did you mean 'candidate'?"


def test_duplicate_run_id(tmp_path):
    def edit(d):
        d["runs"][1]["id"] = "ctf-low"

    problems = ev_fail(evidence_dir(tmp_path, edit))
    assert [(p.code, p.loc) for p in problems if p.severity == "error"] == [
        ("duplicate-id", ("runs", 1, "id")),
    ]


def test_manifest_schema_errors_are_located(tmp_path):
    m = tmp_path / "evidence.yaml"
    text_ = MANIFEST.read_text()
    m.write_text(
        text_.replace("summary: {score: 0.1,", "summary: {score: 1.1,").replace(
            "limits: {token_limit: 10000,", "limits: {token_limt: 10000,"
        )
    )
    shutil.copy(ATTEMPTS, tmp_path / ATTEMPTS.name)
    problems = ev_fail(m)
    assert [(p.code, p.line, p.column, p.loc) for p in problems] == [
        ("unknown-key", 16, 14, ("runs", 0, "limits", "token_limt")),
        ("score-out-of-range", 27, 22, ("runs", 2, "summary", "score")),
    ]


def test_policy_given_as_evidence(tmp_path):
    [p] = ev_fail(DATA / "policy-small.yaml")
    assert (p.code, p.loc) == ("unknown-format", ("kind",))


def test_attempt_problems_and_manifest_problems_together(tmp_path):
    rows = small_rows()
    rows[0]["score"] = 7

    def edit(d):
        d["runs"][1]["model"] = "nobody"

    problems = ev_fail(evidence_dir(tmp_path, edit, rows))
    assert sorted(p.code for p in problems) == ["score-out-of-range", "unknown-reference"]


def test_a_list_in_a_score_cell_is_a_wrong_type_not_a_crash(tmp_path):
    # Found by the fuzz test on a fresh machine: [[-1]] became a 2-D array and the
    # out-of-range message could not format it.
    from checker.errors import RspcheckError
    from checker.evidence.attempts import read_attempts

    f = tmp_path / "a.jsonl"
    f.write_text('{"run": "r", "task": "t", "score": [-1]}\n')
    with pytest.raises(RspcheckError) as exc:
        read_attempts(f)
    assert "wrong-type" in exc.value.codes


def test_blank_lines_in_csv_keep_line_numbers(tmp_path):
    p = text(tmp_path, "run,task,score\nr1,t1,1\n\nr1,t2,2\n", "a.csv")
    assert tables._read_arrow(p, "csv") is None  # the fast path would number rows, not lines
    assert fail(p)[0] == [("score-out-of-range", 4, ("row", 1))]


def test_tsv_is_read_like_csv(tmp_path, monkeypatch):
    p = text(tmp_path, "run\ttask\tscore\tlimit_hit\nr1\t007\t1\ttoken\nr1\tt2\t0\t\n", "a.tsv")
    fast = as_tuple(read_attempts(p))
    monkeypatch.setattr(tables, "_read_arrow", lambda *a: None)
    assert as_tuple(read_attempts(p)) == fast
    assert fast[1] == ("007", "t2") and fast[-1] == [True, False]


# -- attempt paths are confined to the manifest's folder (issue 11, item 6) --------------------


def _outside_setup(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"run": "r", "task": "t", "score": 1}\n')
    (tmp_path / "ev").mkdir()
    manifest = tmp_path / "ev" / "evidence.yaml"
    manifest.write_text(
        "kind: rspcheck-evidence\nmodels:\n  - id: m\nruns:\n  - {id: r, model: m, eval: e}\n"
        "attempts:\n  - path: ../data/a.jsonl\n"
    )
    return manifest


@pytest.mark.parametrize("command", ["check", "lint", "compare"])
def test_allow_outside_option(tmp_path, command):
    from typer.testing import CliRunner

    from checker.cli import app

    manifest = _outside_setup(tmp_path)
    args = {
        "check": ["check", "-p", "tests/data/policy-small.yaml", "-e", str(manifest)],
        "lint": ["lint", str(manifest)],
        "compare": ["compare", "-e", str(manifest), "--eval", "e", "--models", "m", "m"],
    }[command]
    refused = CliRunner().invoke(app, args)
    assert "path-outside-evidence" in refused.output
    allowed = CliRunner().invoke(app, [*args, "--allow-outside", str(tmp_path / "data")])
    assert "path-outside-evidence" not in allowed.output


def test_shown_quotes_cells_cut_short():
    from checker.files.access import shown

    assert shown("x" * 10_000).startswith("'xxxx") and len(shown("x" * 10_000)) < 60
    assert len(shown([[[[1] * 1000]]])) < 60
    assert shown("ok") == "'ok'"
