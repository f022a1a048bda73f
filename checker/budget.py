"""Budget axes, price tables and the conversions between axes.

A *budget* is what an actor spends on ONE task. It is measured on one of three axes: ``tokens``
(input + output, reasoning included), ``usd`` or ``seconds`` of wall-clock time. Evidence records
spend per attempt on whichever axes it measured; tokens convert to usd only through a dated
:class:`PriceTable`, and seconds come only from measured time. Budgets span many orders of
magnitude, so ranges and distances are handled in log10.
"""

from __future__ import annotations

import datetime as dt
import math
import types
import typing
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


class Axis(StrEnum):
    """The three budget axes."""

    tokens = "tokens"
    usd = "usd"
    seconds = "seconds"


UNITS: dict[Axis, str] = {Axis.tokens: "tokens", Axis.usd: "USD", Axis.seconds: "s"}


def reject_bool(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number belongs (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    return value


NotBool = BeforeValidator(reject_bool)
"""Annotate a number type with this so a YAML ``true`` is a wrong type, not 1.0."""

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False), NotBool]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False), NotBool]


def _takes_number(tp: Any) -> bool:
    """Whether a field annotation accepts int or float (and not bool) anywhere at its top."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _takes_number(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        return bool not in args and any(_takes_number(a) for a in args)
    if origin is typing.Literal:
        return any(type(a) in (int, float) for a in typing.get_args(tp))
    return tp in (int, float)


class Strict(BaseModel):
    """Base of every file-format model: unknown keys are errors, NaN/inf never accepted,
    booleans never accepted as numbers."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, frozen=True, use_attribute_docstrings=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            field = cls.model_fields.get(info.field_name)
            if field is not None and _takes_number(field.annotation):
                reject_bool(value)
        return value


class PriceTable(Strict):
    """List prices of one model from a date on, in USD per million tokens."""

    effective: dt.date
    """First day these prices apply (ISO date)."""
    input: NonNegativeFloat
    """USD per 1,000,000 uncached input tokens."""
    output: NonNegativeFloat
    """USD per 1,000,000 output tokens (reasoning tokens are billed as output unless
    ``reasoning`` is given)."""
    cached_input: NonNegativeFloat | None = None
    """USD per 1,000,000 cache-read input tokens; defaults to ``input``."""
    reasoning: NonNegativeFloat | None = None
    """USD per 1,000,000 reasoning tokens; defaults to ``output``."""
    source: str | None = None
    """Where the prices come from (a URL or document), for the report."""

    def usd(
        self,
        input_tokens: float,
        output_tokens: float,
        reasoning_tokens: float = 0.0,
        cached_tokens: float = 0.0,
    ) -> float:
        """Cost in USD of one attempt's usage.

        ``input_tokens`` counts uncached input; ``cached_tokens`` cache reads. Reasoning tokens are
        priced separately only when ``reasoning`` is set (otherwise they are assumed to be included
        in ``output_tokens``, as Inspect AI and most providers report them).
        """
        cached = self.input if self.cached_input is None else self.cached_input
        cost = input_tokens * self.input + output_tokens * self.output + cached_tokens * cached
        if self.reasoning is not None:
            cost += reasoning_tokens * self.reasoning
        return cost / 1e6


def usd_per_token(price: PriceTable, input_share: float) -> float:
    """Blended USD per token for attempts whose tokens are ``input_share`` input (uncached)
    and the rest output."""
    if not 0.0 <= input_share <= 1.0:
        raise ValueError("input_share must lie in [0, 1]")
    return (input_share * price.input + (1.0 - input_share) * price.output) / 1e6


def convert(value: float, src: Axis | str, dst: Axis | str, *, usd_per_tok: float) -> float:
    """Convert a budget between the tokens and usd axes at a blended price.

    Seconds never convert: wall-clock time is measured, not derived (DESIGN.md 2).
    """
    src, dst = Axis(src), Axis(dst)
    if src == dst:
        return value
    if Axis.seconds in (src, dst):
        raise ValueError("seconds are only measured; they do not convert to or from other axes")
    if not usd_per_tok > 0:
        raise ValueError("a conversion needs a positive price")
    return value * usd_per_tok if src is Axis.tokens else value / usd_per_tok


def select_price(
    prices: list[PriceTable] | tuple[PriceTable, ...], on: dt.date
) -> PriceTable | None:
    """The price table in force on a date: the latest ``effective`` not after ``on``."""
    valid = [p for p in prices if p.effective <= on]
    return max(valid, key=lambda p: p.effective) if valid else None


def log10(b: float) -> float:
    """log10 of a positive budget; raises ValueError otherwise (callers validate first)."""
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"budget must be positive and finite, got {b!r}")
    return math.log10(b)


def oom_between(lo: float, hi: float) -> float:
    """Orders of magnitude from ``lo`` to ``hi`` (negative when ``hi`` < ``lo``)."""
    return log10(hi) - log10(lo)


def format_budget(value: float, axis: Axis | str) -> str:
    """Short human form: ``$1.2k``, ``3.4M tokens``, ``2.5 h``."""
    axis = Axis(axis)
    if not math.isfinite(value):
        return "never" if value > 0 else "n/a"
    if axis is Axis.seconds:
        for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
            if value >= size:
                return f"{_sig(value / size)} {unit}"
        return f"{_sig(value)} s"
    text = _si(value)
    return f"${text}" if axis is Axis.usd else f"{text} tokens"


def _si(value: float) -> str:
    for suffix, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{_sig(value / size)}{suffix}"
    return _sig(value)


def _sig(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.3g}"
    return f"{value:.2g}"
