"""Budget axes, price tables and the conversions between them."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checker.budget import Axis, PriceTable, format_budget, log10, oom_between, select_price

PT = PriceTable(effective=dt.date(2026, 1, 1), input=3.0, output=15.0, cached_input=0.3)


def test_axes():
    assert [a.value for a in Axis] == ["tokens", "usd", "seconds"]
    assert Axis("usd") is Axis.usd


def test_usd_of_an_attempt():
    # 1M input at $3, 1M output at $15, 1M cache reads at $0.30
    assert PT.usd(1e6, 1e6, 0, 1e6) == pytest.approx(18.3)
    assert PT.usd(5600, 2400) == pytest.approx((5600 * 3 + 2400 * 15) / 1e6)
    # reasoning is in output unless priced separately
    assert PT.usd(0, 1000, reasoning_tokens=500) == pytest.approx(0.015)
    sep = PriceTable(effective=dt.date(2026, 1, 1), input=1, output=2, reasoning=4)
    assert sep.usd(0, 1000, reasoning_tokens=500) == pytest.approx((2000 + 2000) / 1e6)


def test_cached_defaults_to_input_price():
    p = PriceTable(effective=dt.date(2026, 1, 1), input=2.0, output=8.0)
    assert p.usd(0, 0, cached_tokens=1e6) == pytest.approx(2.0)


def test_select_price_by_date():
    old = PriceTable(effective=dt.date(2025, 1, 1), input=10, output=30)
    new = PriceTable(effective=dt.date(2026, 1, 1), input=3, output=15)
    assert select_price([new, old], dt.date(2025, 6, 1)) is old
    assert select_price([old, new], dt.date(2026, 1, 1)) is new
    assert select_price([old, new], dt.date(2024, 12, 31)) is None
    assert select_price([], dt.date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"input": -1}, "greater_than_equal"),
        ({"input": float("nan")}, "finite_number"),
        ({"input": True}, "number_type"),
        ({"inputs": 1}, "extra_forbidden"),
    ],
)
def test_price_table_rejects(data, kind):
    with pytest.raises(ValidationError) as info:
        PriceTable.model_validate({"effective": "2026-01-01", "input": 1, "output": 1, **data})
    assert kind in [e["type"] for e in info.value.errors()]


def test_log10_and_oom():
    assert log10(1000) == 3
    assert oom_between(10, 1e7) == pytest.approx(6)
    assert oom_between(100, 10) == pytest.approx(-1)
    for bad in (0, -1, math.inf, math.nan):
        with pytest.raises(ValueError):
            log10(bad)


@pytest.mark.parametrize(
    ("value", "axis", "text"),
    [
        (10, "usd", "$10"),
        (1234, "usd", "$1.23k"),
        (1e7, "usd", "$10M"),
        (2.5e9, "tokens", "2.5B tokens"),
        (3.4e6, "tokens", "3.4M tokens"),
        (0.05, "usd", "$0.05"),
        (0, "usd", "$0"),
        (45, "seconds", "45 s"),
        (90, "seconds", "1.5 min"),
        (9000, "seconds", "2.5 h"),
        (2 * 86400, "seconds", "2 d"),
        (math.inf, "usd", "never"),
        (math.nan, "tokens", "n/a"),
    ],
)
def test_format_budget(value, axis, text):
    assert format_budget(value, axis) == text


@settings(max_examples=100, deadline=None)
@given(
    st.floats(0, 1e8),
    st.floats(0, 1e8),
    st.floats(0, 1e8),
    st.floats(0.01, 100),
    st.floats(0.01, 100),
)
def test_tokens_to_usd_is_linear_and_invertible(inp, out, cached, p_in, p_out):
    # invariant 10: converting between axes and back is the identity (within tolerance)
    p = PriceTable(effective=dt.date(2026, 1, 1), input=p_in, output=p_out, cached_input=p_in / 10)
    usd = p.usd(inp, out, 0, cached)
    assert usd >= 0
    assert p.usd(2 * inp, 2 * out, 0, 2 * cached) == pytest.approx(2 * usd, rel=1e-12, abs=1e-12)
    # recover the output tokens from the dollars
    back = (usd * 1e6 - inp * p_in - cached * p_in / 10) / p_out
    assert back == pytest.approx(out, rel=1e-6, abs=1e-3)
