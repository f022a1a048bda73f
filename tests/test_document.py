"""The safe YAML/JSON reader: every way a file can be unreadable, with its code and position."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

import checker.files.document as document
from checker.errors import RspcheckError
from checker.files.document import load_document


def write(tmp_path: Path, text: str | bytes, name: str = "doc.yaml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def fail(path: Path) -> list[tuple[str, int | None, int | None, tuple]]:
    """Load and expect failure; the problems as (code, line, column, loc)."""
    with pytest.raises(RspcheckError) as info:
        load_document(path)
    return [(p.code, p.line, p.column, p.loc) for p in info.value.problems]


def test_positions_of_values_and_keys(tmp_path):
    doc = load_document(write(tmp_path, "a:\n  b: [1, 2]\n  c:\n    - x: 1\n"))
    assert doc.data == {"a": {"b": [1, 2], "c": [{"x": 1}]}}
    assert doc.positions[("a", "b")] == (2, 6)
    assert doc.positions[("a", "b", 1)] == (2, 10)
    assert doc.key_positions[("a", "b")] == (2, 3)
    assert doc.positions[("a", "c", 0, "x")] == (4, 10)
    assert doc.key_positions[("a", "c", 0, "x")] == (4, 7)
    # an unknown path falls back to its nearest located parent
    assert doc.position(("a", "c", 0, "nope")) == (4, 7)
    assert doc.position(("a", "b"), key=True) == (2, 3)
    assert doc.position((), key=True) == (1, 1)


def test_sha256_of_bytes(tmp_path):
    import hashlib

    p = write(tmp_path, "a: 1\n")
    assert load_document(p).sha256 == hashlib.sha256(b"a: 1\n").hexdigest()


def test_json_is_accepted(tmp_path):
    doc = load_document(write(tmp_path, '{"a": {"b": [1, 2.5, null, true]}}', "d.json"))
    assert doc.data == {"a": {"b": [1, 2.5, None, True]}}
    assert doc.positions[("a", "b", 1)] == (1, 17)


def test_utf8_bom_is_accepted(tmp_path):
    assert load_document(write(tmp_path, b"\xef\xbb\xbfa: 1\n")).data == {"a": 1}


def test_yaml_syntax_error_unclosed_flow(tmp_path):
    assert fail(write(tmp_path, "a: [1, 2\nb: 3\n")) == [("yaml-syntax", 2, 2, ())]


def test_yaml_syntax_error_tab_indent(tmp_path):
    problems = fail(write(tmp_path, "a:\n\tb: 1\n"))
    assert problems == [("yaml-syntax", 2, 1, ())]


def test_yaml_syntax_error_bad_indent(tmp_path):
    assert fail(write(tmp_path, "a: 1\n  b: 2\n")) == [("yaml-syntax", 2, 4, ())]


def test_duplicate_key_points_at_second_key(tmp_path):
    with pytest.raises(RspcheckError) as info:
        load_document(write(tmp_path, "m:\n  owner:\n    x\n  title: t\n  owner: y\n"))
    [p] = info.value.problems
    assert (p.code, p.line, p.column, p.loc) == ("yaml-duplicate-key", 5, 3, ("m", "owner"))
    assert "first on line 2" in p.msg
    assert p.hint and "keep one" in p.hint


def test_several_duplicate_keys_are_reported_together(tmp_path):
    problems = fail(write(tmp_path, "a: 1\na: 2\nb: 1\nb: 2\n"))
    assert problems == [
        ("yaml-duplicate-key", 2, 1, ("a",)),
        ("yaml-duplicate-key", 4, 1, ("b",)),
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "null\n"])
def test_empty_file(tmp_path, text):
    assert fail(write(tmp_path, text)) == [("file-empty", None, None, ())]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("hello\n", "a string"), ("42\n", "a number")],
)
def test_top_level_not_mapping(tmp_path, text, kind):
    with pytest.raises(RspcheckError) as info:
        load_document(write(tmp_path, text))
    [p] = info.value.problems
    assert (p.code, p.line, p.column) == ("top-level-not-mapping", 1, 1)
    assert f"the top level is {kind}," in p.msg


def test_binary_garbage_with_nul_bytes(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    assert fail(write(tmp_path, png)) == [("binary-file", None, None, ())]


def test_control_characters_are_binary(tmp_path):
    assert fail(write(tmp_path, b"a: \x1b[31mred\n"))[0][0] == "binary-file"


def test_utf16_is_binary(tmp_path):
    # UTF-16 has NUL bytes for ASCII text
    assert fail(write(tmp_path, "a: 1\n".encode("utf-16")))[0][0] == "binary-file"


def test_not_utf8_names_line(tmp_path):
    raw = "a: 1\nowner: caf\xe9\n".encode("latin-1")
    with pytest.raises(RspcheckError) as info:
        load_document(write(tmp_path, raw))
    [p] = info.value.problems
    assert (p.code, p.line) == ("not-utf8", 2)
    assert "byte 15" in p.msg


def test_file_not_found(tmp_path):
    assert fail(tmp_path / "nope.yaml") == [("file-not-found", None, None, ())]


def test_directory_is_not_a_file(tmp_path):
    assert fail(tmp_path)[0][0] == "not-regular-file"


def test_oversized_file(tmp_path, monkeypatch):
    p = write(tmp_path, "a: " + "x" * 200 + "\n")
    monkeypatch.setattr(document, "MAX_BYTES", 100)
    with pytest.raises(RspcheckError) as info:
        load_document(p)
    [prob] = info.value.problems
    assert (prob.code, prob.file, prob.line) == ("file-too-large", str(p), None)
    assert prob.msg == "is 204 bytes; the limit is 100"


def test_file_at_the_limit_is_read(tmp_path, monkeypatch):
    p = write(tmp_path, "a: 1\n")
    monkeypatch.setattr(document, "MAX_BYTES", 5)
    assert load_document(p).data == {"a": 1}


def billion_laughs(levels: int = 9) -> str:
    text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    prev = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        prev = name
    return text


def test_billion_laughs_fails_fast_and_small(tmp_path):
    p = write(tmp_path, billion_laughs())
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(RspcheckError) as info:
            load_document(p)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [prob] = info.value.problems
    # the first top-level entry past 200,000 values: f expands to 10**6 + ...
    assert (prob.code, prob.line, prob.column, prob.loc) == ("yaml-alias-limit", 6, 1, ("f",))
    assert "1,234,567,909 values" in prob.msg
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_recursive_alias_is_refused(tmp_path):
    assert fail(write(tmp_path, "a: &x [1, *x]\n")) == [("yaml-alias-limit", 1, 4, ())]


def test_small_aliases_are_fine(tmp_path):
    doc = load_document(write(tmp_path, "a: &p {x: 1}\nb: *p\nc: [*p, *p]\n"))
    assert doc.data == {"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 1}]}


def test_merge_keys_are_refused(tmp_path):
    problems = fail(write(tmp_path, "a: &x {b: 1}\nc:\n  <<: *x\n"))
    assert problems == [("yaml-unsupported-tag", 3, 3, ("c",))]


def test_too_deep(tmp_path):
    text = "a: " + "[" * 70 + "]" * 70 + "\n"
    [(code, line, _col, loc)] = fail(write(tmp_path, text))
    assert (code, line) == ("yaml-too-deep", 1)
    assert loc == ("a", *([0] * 64))


def test_very_deep_does_not_overflow_the_stack(tmp_path):
    assert fail(write(tmp_path, "[" * 20000))[0][0] == "yaml-too-deep"


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("!!python/object:os.system x", 10),
        ("!!python/object/apply:os.system ['ls']", 10),
        ("!!python/name:os.system ''", 10),
        ("!!binary aGVsbG8=", 10),
        ("!custom 3", 10),
    ],
)
def test_tags_are_refused(tmp_path, value, column):
    problems = fail(write(tmp_path, f"meta:\n  owner: {value}\n"))
    assert problems == [("yaml-unsupported-tag", 2, column, ("meta", "owner"))]


def test_python_tag_on_mapping_is_refused_without_running_anything(tmp_path):
    text = "x: !!python/object/new:os.system [echo pwned]\n"
    assert fail(write(tmp_path, text)) == [("yaml-unsupported-tag", 1, 4, ("x",))]


def test_non_string_keys_become_strings_and_complex_keys_fail(tmp_path):
    assert load_document(write(tmp_path, "1: a\n2.5: b\n")).data == {"1": "a", "2.5": "b"}
    assert fail(write(tmp_path, "? [a, b]\n: 1\n")) == [("wrong-type", 1, 3, ())]


def test_impossible_date_reads_as_text(tmp_path):
    # 2026-13-01 looks like a date but names no day: the document still reads (the schema
    # reports the value where a date is expected), rather than being unreadable
    doc = load_document(write(tmp_path, "d: 2026-13-01\ne: 2026-02-30\n"))
    assert doc.data == {"d": "2026-13-01", "e": "2026-02-30"}
    assert doc.position(("e",)) == (2, 4)


def test_dates_and_special_floats_parse(tmp_path):
    import datetime as dt
    import math

    doc = load_document(write(tmp_path, "d: 2026-01-02\nn: .nan\ni: -.inf\n"))
    assert doc.data["d"] == dt.date(2026, 1, 2)
    assert math.isnan(doc.data["n"])
    assert doc.data["i"] == -math.inf


# -- YAML 1.1 readings that YAML 1.2 does not share ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        ("010", "octal number 8"),
        ("-07", "octal number -7"),
        ("1:30", "base-60 number 90"),
        ("1:30.5", "base-60 number 90.5"),
        ("0b11", "binary number 3"),
        ("yes", "boolean true"),
        ("Off", "boolean false"),
        ("NO", "boolean false"),
    ],
)
def test_ambiguous_scalars_are_refused(tmp_path, value, reading):
    with pytest.raises(RspcheckError) as info:
        load_document(write(tmp_path, f"a:\n  b: {value}\n"))
    [p] = info.value.problems
    assert (p.code, p.line, p.column, p.loc) == ("yaml-ambiguous", 2, 6, ("a", "b"))
    assert reading in p.msg and "quote" in p.hint


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'010'", "010"),
        ('"1:30"', "1:30"),
        ("'no'", "no"),
        ("!!int 010", 8),
        ("true", True),
        ("0x1F", 31),
        ("1_000", 1000),
        ("0", 0),
        ("1e3", 1000.0),
        ("2.5e-4", 0.00025),
        ("'1e3'", "1e3"),
    ],
)
def test_unambiguous_scalars_are_read(tmp_path, text, value):
    got = load_document(write(tmp_path, f"a: {text}\n")).data["a"]
    assert got == value and type(got) is type(value)


def test_keys_are_read_as_written(tmp_path):
    doc = load_document(write(tmp_path, "on: 1\n010: 2\nyes: 3\n1: 4\n"))
    assert doc.data == {"on": 1, "010": 2, "yes": 3, "1": 4}


def test_too_many_values_fail_while_composing(tmp_path, monkeypatch):
    monkeypatch.setattr(document, "MAX_NODES", 1000)
    p = write(tmp_path, "a: [" + ",".join(["1"] * 5000) + "]\n")
    with pytest.raises(RspcheckError) as info:
        load_document(p)
    [prob] = info.value.problems
    assert (prob.code, prob.line) == ("file-too-large", 1)
    assert "more than 1,000 values" in prob.msg


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_only_regular_files_are_opened(tmp_path, kind):
    import os

    p = tmp_path / "p.yaml"
    if kind == "fifo":
        os.mkfifo(p)  # never written: a blocking open would hang
    else:
        p.symlink_to("/dev/zero")
    assert fail(p)[0][0] == "not-regular-file"


def test_json_too_deep_is_a_value_error():
    with pytest.raises(document.JsonTooDeep):
        document.json_loads("[" * 100_000 + "]" * 100_000)
