"""``JsonStream.array_batches``: the fast batched parse gives what ``array_items`` gives."""

from __future__ import annotations

import json
import math
import random

import pytest

from checker.evidence.ingest._stream import JsonStream, JsonStreamError


def chunks(text: str, n: int):
    return iter([text[i : i + n] for i in range(0, len(text), n)] or [""])


def items(text: str, n: int = 7) -> list:
    js = JsonStream(chunks(text, n))
    out = list(js.array_items())
    js.end()
    return out


def batched(text: str, n: int = 7, size: int = 64) -> tuple[list, int]:
    js = JsonStream(chunks(text, n))
    out, count = [], 0
    for b in js.array_batches("id", size):
        out.extend(b)
        count += 1
    js.end()
    return out, count


def same(a: list, b: list) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


TRICKY = [
    {"id": "a", "epoch": 1, "input": 'text with },{"id": inside', "x": [1, 2.5, -3e-7]},
    {"id": "b", "epoch": 2, "meta": {"list": [{"id": "n1"}, {"id": "n2"}]}, "v": None},
    {"id": 3, "epoch": 1, "scores": {"s": {"value": float("nan")}}, "big": 2**70},
    {"id": "ü\u2603", "epoch": 1, "esc": 'quote " backslash \\ tab \t', "t": True},
    {"id": "d", "epoch": 1, "inf": float("inf"), "ninf": float("-inf"), "e": []},
]


@pytest.mark.parametrize("size", [8, 64, 200, 1 << 16])
@pytest.mark.parametrize("n", [1, 5, 64, 10_000])
def test_batches_equal_items(size: int, n: int) -> None:
    text = json.dumps(TRICKY * 7, separators=(",", ":"))
    want = items(text, n)
    got, _ = batched(text, n, size)
    assert same(got, want)
    assert math.isnan(got[2]["scores"]["s"]["value"]) and got[2]["big"] == 2**70


def test_compact_arrays_are_parsed_in_few_batches() -> None:
    rows = [{"id": f"t{i}", "epoch": 1, "score": i / 7} for i in range(2000)]
    text = json.dumps(rows, separators=(",", ":"))
    got, count = batched(text, 4096, 1 << 16)
    assert got == rows
    assert count < 20


def test_spaced_or_non_object_arrays_fall_back() -> None:
    for value in ([{"id": 1}, {"id": 2}], [1, "x", [2], {"id": 3}], [], [{"id": "only"}]):
        for text in (json.dumps(value), json.dumps(value, indent=2)):
            assert same(batched(text, 3, 16)[0], items(text, 3))


def test_random_documents_agree() -> None:
    rng = random.Random(5)
    atoms = ['},{"id":', "x", 1, -2.5, None, True, "\\", '"', "{", "]"]

    def value(depth: int):
        r = rng.random()
        if depth > 3 or r < 0.4:
            return rng.choice(atoms)
        if r < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {"id": value(depth + 1), **{f"k{i}": value(depth + 1) for i in range(2)}}

    for _ in range(200):
        doc = [{"id": value(1), "v": value(1)} for _ in range(rng.randint(1, 12))]
        text = json.dumps(doc, separators=(",", ":"))
        assert same(batched(text, rng.randint(1, 50), rng.randint(4, 120))[0], items(text))


@pytest.mark.parametrize(
    "text",
    [
        '[{"id":1},{"id":2,}]',
        '[{"id":1},{"id":2} {"id":3}]',
        '[{"id":1},{"id":"a\x01b"}]',
        '[{"id":1},{"id":2}',
        '[{"id":1},{"id":01}]',
    ],
)
def test_errors_are_the_stdlib_stream_errors(text: str) -> None:
    with pytest.raises(JsonStreamError) as want:
        items(text, 4)
    with pytest.raises(JsonStreamError) as got:
        batched(text, 4, 1000)
    assert (str(got.value), got.value.offset) == (str(want.value), want.value.offset)
