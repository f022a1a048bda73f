"""Validating a :class:`~checker.files.document.Document` against a pydantic model, with
located errors.

pydantic reports ``{type, loc, msg}``; this module turns each into a :class:`Problem` with one of
the project's stable codes, the file position of ``loc``, and a hint (a "did you mean" for
unknown keys, the allowed values for a bad choice, the unit for a bad budget).
"""

from __future__ import annotations

import calendar
import math
import re
import types
import typing
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from checker.errors import Problem, RspcheckError, did_you_mean
from checker.files.document import Document, Loc

M = TypeVar("M", bound=BaseModel)

_TYPE_ERRORS = (
    "_type",
    "_parsing",
    "dict_type",
    "list_type",
    "model_type",
    "model_attributes_type",
)


def validate(model: type[M], doc: Document) -> M:
    """Validate ``doc.data`` as ``model``; raise every problem at once, located in the file."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [to_problem(model, doc, err) for err in exc.errors(include_url=False)]
        raise RspcheckError(_dedupe(problems)) from None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    # A value failing every branch of a union yields one error per branch; keep the first per
    # location and code so the author sees one message per mistake. A branch's wrong-type is
    # noise beside a more specific problem at the same place (``max: -1`` is a nonpositive
    # budget, not also "not a string").
    specific = {p.loc for p in problems if p.code != "wrong-type"}
    seen: set[tuple[Loc, str]] = set()
    out = []
    for p in problems:
        if p.code == "wrong-type" and p.loc in specific:
            continue
        if (p.loc, p.code) not in seen:
            seen.add((p.loc, p.code))
            out.append(p)
    return out


def to_problem(model: type[BaseModel], doc: Document, err: ErrorDetails) -> Problem:
    """Map one pydantic error to a located problem with a stable code."""
    loc = _clean_loc(err["loc"], doc.data)
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    field = _field_name(loc)
    name = _element_name(loc)

    if kind == "extra_forbidden":
        options = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), options) if options else None
        allowed = ", ".join(sorted(options)) if options else "none"
        return doc.problem(
            "unknown-key",
            f"unknown key {loc[-1]!r}",
            loc,
            at_key=True,
            hint=hint or f"allowed keys here: {allowed}",
        )
    if kind == "missing":
        return doc.problem(
            "missing-key",
            f"required key {field!r} is missing",
            loc,
            hint=f"add '{field}:' here",
        )
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return doc.problem(
            "not-finite",
            f"{name} is {value!r}; NaN and infinity are not accepted",
            loc,
            hint="give a finite number, or leave the value out if it was not measured",
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _range_problem(doc, loc, kind, ctx, value, field, name)
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return doc.problem(
            "invalid-value",
            f"{name} is {value!r}; expected {expected}",
            loc,
            hint=did_you_mean(str(value), _literal_options(str(expected)))
            or f"use one of {expected}",
        )
    if kind in ("date_from_datetime_parsing", "date_parsing") and _DATE_SHAPE.match(str(value)):
        return doc.problem(
            "invalid-value",
            f"{name} is {value}, which is not a calendar date ({ctx.get('error', err['msg'])})",
            loc,
            hint=_date_hint(str(value)),
        )
    if kind.endswith(_TYPE_ERRORS) or kind in (
        "int_from_float",
        "bool_parsing",
        "date_from_datetime_inexact",
    ):
        return doc.problem(
            "wrong-type",
            f"{name}: {err['msg'].lower()}, got {_describe(value)}",
            loc,
            hint=_type_hint(kind),
        )
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return doc.problem("invalid-value", f"{name}: {msg}", loc)
    return doc.problem("invalid-value", f"{name}: {err['msg']}", loc)


_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
"""A value written as a date (YYYY-MM-DD) that may still name no day (2026-02-30)."""


def _date_hint(text: str) -> str:
    """How to fix a date-shaped value that names no day: the month's length, where known."""
    year, month, _ = (int(part) for part in text.split("-"))
    if 1 <= month <= 12 and 1 <= year <= 9999:
        days = calendar.monthrange(year, month)[1]
        return f"{year}-{month:02d} has {days} days; write a real date as YYYY-MM-DD"
    return "months run from 01 to 12; write a real date as YYYY-MM-DD"


def _range_problem(
    doc: Document,
    loc: Loc,
    kind: str,
    ctx: dict[str, Any],
    value: Any,
    field: str,
    name: str,
) -> Problem:
    bound = next(iter(ctx.values()), None)
    if field in ("score", "value", "alpha") or (kind.startswith("less") and bound == 1):
        return doc.problem(
            "score-out-of-range",
            f"{name} is {value!r}; scores and probabilities lie in [0, 1]",
            loc,
            hint="map the harness's scores to [0, 1] (e.g. divide by the maximum)"
            if field == "score"
            else "give a number between 0 and 1 (e.g. 0.95)",
        )
    if kind == "greater_than" and bound == 0:
        return doc.problem(
            "nonpositive-budget",
            f"{name} is {value!r}; it must be greater than 0",
            loc,
            hint="budgets are per task and positive (e.g. 10 for $10); log scales need > 0",
        )
    if kind == "greater_than_equal" and bound == 0:
        return doc.problem(
            "negative-value",
            f"{name} is {value!r}; it cannot be negative",
            loc,
            hint="counts, costs and durations are >= 0; leave the value out if unknown",
        )
    word = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<"}.get(kind, "<=")
    return doc.problem("invalid-value", f"{name} is {value!r}; it must be {word} {bound}", loc)


def _clean_loc(loc: tuple[Any, ...], data: Any) -> Loc:
    """Pydantic's loc as a path into the document.

    pydantic inserts union-branch and validator tags into loc (``function-after[...]``,
    ``float``, ``str``); they are dropped. The loc is walked through the data so that a user's
    key that happens to look like a tag (``"["``, ``"str"``) is kept as the key it is.
    """
    out: list[str | int] = []
    cur, inside = data, True
    for part in loc:
        in_dict = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if inside and (in_dict or in_list):
            cur = cur[part]
        elif isinstance(part, str) and ("[" in part or part in _BRANCH_TAGS):
            continue
        else:
            inside = False  # a missing key: keep it, and whatever follows
        out.append(part)
    return tuple(out)


_BRANCH_TAGS = {"float", "int", "str", "bool", "constrained-float", "constrained-str", "tuple"}


#: Names of the members of fixed-size pairs, by the field holding a list of them.
_PAIR_MEMBERS = {"points": ("budget", "value")}


def _element_name(loc: Loc) -> str:
    """The field with the list indices that follow it: ``points[1] value``, ``evals[2]``."""
    tail: list[int] = []
    for part in reversed(loc):
        if isinstance(part, int):
            tail.insert(0, part)
            continue
        members = _PAIR_MEMBERS.get(part)
        if members and len(tail) == 2 and tail[1] < len(members):
            return f"{part}[{tail[0]}] {members[tail[1]]}"
        return part + "".join(f"[{i}]" for i in tail)
    return "value"


def _field_name(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "value"


def _describe(value: Any) -> str:
    text = repr(value)
    kind = type(value).__name__
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{text[:60]} ({kind})"


def _type_hint(kind: str) -> str | None:
    if kind.startswith("date"):
        return "write dates as YYYY-MM-DD"
    if kind.startswith(("float", "int")):
        return "write a number without quotes or units (e.g. 1e6, not '1M tokens')"
    if kind.startswith("list"):
        return "write a list ('- item' lines or [a, b])"
    if kind.startswith(("dict", "model")):
        return "write a mapping of keys to values"
    if kind.startswith("string"):
        return "quote the value"
    return None


def _literal_options(expected: str) -> list[str]:
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names valid at a key path of ``model`` (for "did you mean")."""
    target: Any = model
    for part in loc:
        target = _unwrap(target)
        if isinstance(part, int):
            args = [a for a in get_args(target) if a is not type(None)]
            target = args[0] if args else None
        elif isinstance(target, type) and issubclass(target, BaseModel):
            info = target.model_fields.get(part)
            target = info.annotation if info else None
        elif get_origin(target) is dict:
            target = get_args(target)[1]
        else:
            return []
    target = _unwrap(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated down to the one model or container type, where unambiguous."""
    for _ in range(8):
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in get_args(tp) if a is not type(None)]
            containers = [a for a in models if get_origin(a) in (list, dict) or _is_model(a)]
            if len(containers) != 1:
                return tp
            tp = containers[0]
        else:
            return tp
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)
