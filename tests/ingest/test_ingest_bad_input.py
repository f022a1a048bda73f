"""Bad input: each a clear RspcheckError naming file and member, or a warning; never a crash."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from ingest_helpers import INSPECT, edit_json, members, rewrite

from checker.errors import RspcheckError
from checker.evidence.ingest import ingest, load_log_evidence

SRC = INSPECT / "high_limits.eval"
_HC = [HealthCheck.function_scoped_fixture]
MODEL = "budgetsim/sim-reasoner-1"


def codes(fn) -> list[str]:
    with pytest.raises(RspcheckError) as err:
        fn()
    return err.value.codes


def test_truncated_zip(tmp_path: Path) -> None:
    raw = SRC.read_bytes()
    for cut in (len(raw) // 2, len(raw) - 10, 100):
        p = tmp_path / f"cut{cut}.eval"
        p.write_bytes(raw[:cut])
        with pytest.raises(RspcheckError) as err:
            load_log_evidence(p)
        assert err.value.codes == ["log-truncated"]
        assert str(p) in str(err.value)


def test_member_data_cut_off(tmp_path: Path) -> None:
    # keep the central directory but drop bytes inside a member: its data runs past the end
    # or fails the checksum
    import zipfile

    raw = bytearray(SRC.read_bytes())
    info = zipfile.ZipFile(SRC).getinfo("summaries.json")
    cd = raw.rfind(b"PK\x01\x02", 0)
    start = info.header_offset + 30 + len("summaries.json") + 10
    p = tmp_path / "hole.eval"
    p.write_bytes(bytes(raw[:start]) + bytes(raw[start + 200 : cd]) + bytes(raw[cd:]))
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert set(err.value.codes) <= {"log-truncated", "log-member-corrupt"}
    assert "summaries.json" in str(err.value)


def test_corrupt_member_bytes(tmp_path: Path) -> None:
    raw = bytearray(SRC.read_bytes())
    # the header.json member's compressed data: flip bytes inside it
    i = raw.rfind(b"header.json", 0, raw.rfind(b"PK\x01\x02")) + len("header.json") + 40
    for k in range(i, i + 16):
        raw[k] ^= 0xFF
    p = tmp_path / "flip.eval"
    p.write_bytes(bytes(raw))
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert err.value.codes[0] in ("log-member-corrupt", "log-invalid-json")
    assert "header.json" in str(err.value)


def test_missing_header_member(tmp_path: Path) -> None:
    p = rewrite(
        SRC,
        tmp_path / "nohdr.eval",
        lambda m: {k: v for k, v in m.items() if k not in ("header.json", "_journal/start.json")},
    )
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert err.value.codes == ["log-member-missing"]
    assert "header.json" in str(err.value)


def test_invalid_json_inside(tmp_path: Path) -> None:
    def broken(m):
        m = dict(m)
        m["summaries.json"] = m["summaries.json"][:-300]
        return m

    p = rewrite(SRC, tmp_path / "badjson.eval", broken)
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert err.value.codes == ["log-invalid-json"]
    assert "summaries.json" in str(err.value) and str(p) in str(err.value)


def test_truncated_json_log(tmp_path: Path) -> None:
    raw = (INSPECT / "medium_maxtok.json").read_bytes()
    p = tmp_path / "cut.json"
    p.write_bytes(raw[: len(raw) // 2])
    assert codes(lambda: load_log_evidence(p)) == ["log-invalid-json"]


def test_negative_token_counts(tmp_path: Path) -> None:
    def neg(rows):
        rows[3]["model_usage"][MODEL]["output_tokens"] = -5
        return rows

    p = rewrite(SRC, tmp_path / "neg.eval", lambda m: edit_json(m, "summaries.json", neg))
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert err.value.codes == ["negative-value"]
    assert "summaries.json[3].model_usage" in str(err.value)


def test_mixed_models(tmp_path: Path) -> None:
    def swap(rows):
        rows[2]["model_usage"] = {"other/model-x": rows[2]["model_usage"][MODEL]}
        return rows

    p = rewrite(SRC, tmp_path / "mixed.eval", lambda m: edit_json(m, "summaries.json", swap))
    with pytest.raises(RspcheckError) as err:
        load_log_evidence(p)
    assert err.value.codes == ["log-mixed-models"]
    assert "other/model-x" in str(err.value) and "summaries.json[2]" in str(err.value)


def test_grader_only_attempt_spent_nothing(tmp_path: Path) -> None:
    def only_grader(rows):
        del rows[2]["model_usage"][MODEL]
        return rows

    p = rewrite(SRC, tmp_path / "g.eval", lambda m: edit_json(m, "summaries.json", only_grader))
    ev = load_log_evidence(p)
    assert 0.0 in ev.attempts.tokens().tolist()


def test_usage_missing_warns(tmp_path: Path) -> None:
    def no_usage(rows):
        rows[1]["model_usage"] = {}
        return rows

    p = rewrite(SRC, tmp_path / "nu.eval", lambda m: edit_json(m, "summaries.json", no_usage))
    ev = load_log_evidence(p)
    assert any("budget-unmeasured" in w for w in ev.warnings)
    assert ev.attempts.spend["output_tokens"].tolist().count(float("nan")) == 0  # nan != nan
    import numpy as np

    assert np.isnan(ev.attempts.spend["output_tokens"]).sum() == 1


def test_unscored_nan_is_skipped_and_counted(tmp_path: Path) -> None:
    src = INSPECT / "low_epochs3.eval"
    raw = members(src)["summaries.json"]
    pat = next(p for p in (b'"exact":{"value":"C"', b'"exact": {"value": "C"') if p in raw)

    def nan(m):
        m = dict(m)
        m["summaries.json"] = m["summaries.json"].replace(pat, pat[:-3] + b"NaN", 2)
        return m

    base = load_log_evidence(src, scorer="exact")
    ev = load_log_evidence(rewrite(src, tmp_path / "nan.eval", nan), scorer="exact")
    assert len(ev.attempts) == len(base.attempts) - 2
    assert any("2 have no value for the chosen scorer" in w for w in ev.warnings)


def test_two_logs_claiming_one_run(tmp_path: Path) -> None:
    copy = rewrite(SRC, tmp_path / "copy.eval")  # same eval id, different bytes
    with pytest.raises(RspcheckError) as err:
        ingest("inspect", [SRC, copy])
    assert err.value.codes == ["run-duplicate"]
    assert str(copy) in str(err.value) and str(SRC) in str(err.value)
    # the very same file twice: read once, with a warning
    same = tmp_path / "same.eval"
    shutil.copyfile(SRC, same)
    ev, used = ingest("inspect", [SRC, same])
    assert len(used) == 1 and any("given twice" in w for w in ev.warnings)


def test_not_a_log(tmp_path: Path) -> None:
    p = tmp_path / "x.eval"
    p.write_bytes(b"hello world")
    assert codes(lambda: load_log_evidence(p)) == ["log-unreadable"]
    p.write_bytes(b"")
    assert codes(lambda: load_log_evidence(p)) == ["log-unreadable"]
    assert codes(lambda: load_log_evidence(tmp_path / "nope.eval")) == ["file-not-found"]


def _load_or_error(path: Path) -> None:
    try:
        load_log_evidence(path)
    except RspcheckError as err:
        assert err.problems and all(p.file for p in err.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=_HC)
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_load_or_raise(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "fuzz.eval"
    p.write_bytes(data)
    _load_or_error(p)


_FIXTURE = (INSPECT / "crashed_started.eval").read_bytes()
_JSON = (INSPECT / "medium_maxtok.json").read_bytes()[:20000]


@settings(max_examples=150, deadline=None, suppress_health_check=_HC)
@given(
    cut=st.integers(0, len(_FIXTURE)),
    flips=st.lists(st.tuples(st.integers(0, len(_FIXTURE) - 1), st.integers(1, 255)), max_size=6),
)
def test_damaged_real_log_loads_or_raises(tmp_path: Path, cut: int, flips) -> None:
    raw = bytearray(_FIXTURE)
    for i, x in flips:
        raw[i] ^= x
    p = tmp_path / "dmg.eval"
    p.write_bytes(bytes(raw[: max(cut, len(raw) - cut)]) if flips else bytes(raw[:cut]))
    _load_or_error(p)


@settings(max_examples=60, deadline=None, suppress_health_check=_HC)
@given(cut=st.integers(0, len(_JSON)), junk=st.binary(max_size=20))
def test_damaged_json_log_loads_or_raises(tmp_path: Path, cut: int, junk: bytes) -> None:
    p = tmp_path / "dmg.json"
    p.write_bytes(_JSON[:cut] + junk)
    _load_or_error(p)
