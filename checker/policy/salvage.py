"""Checking a policy whose schema fails: repair what can be repaired, then run the semantics.

A schema error in one field must not hide the semantic findings elsewhere (``axis: dollars``
hiding an unknown actor and a threshold that can never be crossed; ``confidence: 1.5`` hiding
a reversed range). :func:`salvage` repairs a copy of the document just enough for the schema to
hold: a bad optional field falls back to its default, an unknown key is dropped, and an item of a
top-level section (a threshold, an actor, a relation...) that cannot be repaired is set aside.
The semantic checks then run on what remains, and their findings are located in the original
file. Findings the repair itself could cause are dropped: a reference to an item set aside
(it is defined, only broken), an actor or safeguard unused because its user was set aside, and
range findings of a threshold whose axis fell back to the default.

Nothing repaired is ever used to decide anything: :func:`~checker.policy.load.load_policy` still
refuses the file; only the findings are kept.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from checker.errors import Problem, RspcheckError
from checker.files.document import Document, Loc
from checker.files.validation import validate
from checker.policy.model import Policy

SECTIONS: tuple[Loc, ...] = (
    ("actors",),
    ("thresholds",),
    ("safeguards",),
    ("waivers",),
    ("relations", "implies"),
    ("relations", "requires"),
)
"""The lists whose items may be set aside when one cannot be repaired."""

_PLACEHOLDER_METADATA = {
    "id": "unreadable",
    "title": "unreadable",
    "version": "0",
    "effective": dt.date(1970, 1, 1),
}
"""Stands in for a broken ``metadata``: no semantic check reads it."""

_REFERENCE_CODES = frozenset({"unknown-reference", "waiver-unknown-target"})
_UNUSED_CODES = frozenset({"unused-actor", "unused-safeguard"})
_RANGE_CODES = frozenset(
    {
        "invalid-value",
        "empty-range",
        "axis-unreachable",
        "threshold-never-crossable",
        "threshold-always-crossed",
        "alert-above-threshold",
    }
)
"""Findings about a threshold's range that a defaulted axis or an actor set aside can make up."""
_ROUNDS = 8
"""Repairs are made in rounds (a repair can uncover another problem); at most this many."""


@dataclasses.dataclass
class _Repair:
    data: Any
    defaulted: list[Loc] = dataclasses.field(default_factory=list)
    removed: dict[Loc, set[int]] = dataclasses.field(default_factory=dict)
    removed_ids: set[str] = dataclasses.field(default_factory=set)

    def to_new(self, loc: Loc) -> Loc | None:
        """A key path of the original document in the repaired one (None: set aside)."""
        out = list(loc)
        for section, gone in self.removed.items():
            n = len(section)
            if tuple(out[:n]) == section and len(out) > n and isinstance(out[n], int):
                index = out[n]
                assert isinstance(index, int)
                if index in gone:
                    return None
                out[n] = index - sum(1 for g in gone if g < index)
        return tuple(out)

    def to_old(self, loc: Loc) -> Loc:
        """A key path of the repaired document in the original one."""
        out = list(loc)
        for section, gone in self.removed.items():
            n = len(section)
            if tuple(out[:n]) == section and len(out) > n and isinstance(out[n], int):
                index, old = out[n], -1
                assert isinstance(index, int)
                for _ in range(index + 1):
                    old += 1
                    while old in gone:
                        old += 1
                out[n] = old
        return tuple(out)


def salvage(
    doc: Document, schema_problems: list[Problem], *, today: dt.date | None = None
) -> list[Problem]:
    """The semantic findings of a policy whose schema failed, as far as the rest still parses.

    Args:
        doc: The policy document.
        schema_problems: The schema's problems for it (from ``validate(Policy, doc)``).
        today: The day waiver expiry is judged on.

    Returns:
        The semantic findings (errors and warnings) located in ``doc``, without those the
        schema problems already report or the repair could have made up; empty when the
        document cannot be repaired (no threshold left, or a problem the repair cannot reach).
    """
    from checker.policy.lint import check_policy

    if not isinstance(doc.data, dict):
        return []
    repair = _Repair(copy.deepcopy(doc.data))
    problems = schema_problems
    policy: Policy | None = None
    for round in range(_ROUNDS):
        for p in problems:
            # the first round's key paths are the file's; later rounds', the repaired data's
            loc = repair.to_new(p.loc) if round == 0 else p.loc
            if not _repair(repair, loc, unknown_key=p.code == "unknown-key"):
                return []
        try:
            policy = validate(Policy, dataclasses.replace(doc, data=repair.data))
            break
        except RspcheckError as err:
            problems = err.problems
    if policy is None:
        return []
    moved = _moved_document(doc, repair)
    found = [
        dataclasses.replace(p, loc=repair.to_old(p.loc))
        for p in check_policy(policy, moved, today=today)
    ]
    reported = {(p.loc, p.code) for p in schema_problems}
    return [p for p in found if (p.loc, p.code) not in reported and not _made_up(p, repair, policy)]


def _made_up(p: Problem, repair: _Repair, policy: Policy) -> bool:
    """Whether a finding may be the repair's doing rather than the author's."""
    if any(p.loc[: len(d)] == d for d in repair.defaulted):
        return True  # a finding about the default put in place of a bad value
    if p.code in _UNUSED_CODES and repair.removed:
        return True  # its user may be among the items set aside
    new = repair.to_new(p.loc)
    named = _get(repair.data, new) if new is not None else None
    if p.code in _REFERENCE_CODES and named in repair.removed_ids:
        return True  # it names an item that is defined, only broken
    if p.code == "axis-unreachable" and any(d[:1] == ("decision",) for d in repair.defaulted):
        return True  # the pricing may have fallen back to its default
    if p.code in _RANGE_CODES and new is not None and new[:1] == ("thresholds",) and len(new) > 1:
        index = new[1]
        assert isinstance(index, int)
        t = policy.thresholds[index]
        if p.code == "threshold-never-crossable" and t.function.constant is not None:
            return False  # a constant above 1 is never crossed, whatever the range
        if (*p.loc[:2], "axis") in repair.defaulted:
            return True  # the axis fell back to the default
        ends = (t.assessed_range.min, t.assessed_range.max)
        if "actors" in {s[0] for s in repair.removed} and any(
            e is None or e in repair.removed_ids for e in ends
        ):
            return True  # the range rests on an actor set aside
    return False


def _moved_document(doc: Document, repair: _Repair) -> Document:
    """The repaired data with every position moved to its key path in the repaired data."""

    def moved(positions: dict[Loc, tuple[int, int]]) -> dict[Loc, tuple[int, int]]:
        out = {}
        for loc, pos in positions.items():
            new = repair.to_new(loc)
            if new is not None:
                out[new] = pos
        return out

    return dataclasses.replace(
        doc,
        data=repair.data,
        positions=moved(doc.positions),
        key_positions=moved(doc.key_positions),
    )


def _repair(repair: _Repair, loc: Loc | None, *, unknown_key: bool) -> bool:
    """Repair the data at one problem's key path; False when it cannot be repaired."""
    if loc is None:
        return True  # inside an item already set aside
    if not loc:
        return False
    fields = _fields_along(loc)
    for cut in range(len(loc), 0, -1):
        prefix = loc[:cut]
        if prefix == ("metadata",):
            repair.data["metadata"] = dict(_PLACEHOLDER_METADATA)
            return True
        if prefix[:-1] in SECTIONS and isinstance(prefix[-1], int):
            return _set_aside(repair, prefix)
        parent = _get(repair.data, prefix[:-1])
        if not isinstance(parent, dict) or prefix[-1] not in parent:
            continue  # a missing key: its parent must be repaired
        owner = fields.get(cut)
        if owner is None:  # not a field of any model: an unknown key, or an entry of a mapping
            if unknown_key and cut == len(loc):
                del parent[prefix[-1]]
                return True
            continue
        if not owner.model_fields[str(prefix[-1])].is_required():
            del parent[prefix[-1]]
            repair.defaulted.append(prefix)
            return True
    return False


def _set_aside(repair: _Repair, item: Loc) -> bool:
    section, index = item[:-1], item[-1]
    assert isinstance(index, int)
    items = _get(repair.data, section)
    if not isinstance(items, list) or not 0 <= index < len(items):
        return False
    old = repair.to_old(item)
    old_index = old[-1]
    assert isinstance(old_index, int)
    if isinstance(items[index], dict) and isinstance(items[index].get("id"), str):
        repair.removed_ids.add(items[index]["id"])
    del items[index]
    repair.removed.setdefault(section, set()).add(old_index)
    return True


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            return None
        data = data[part]
    return data


def _fields_along(loc: Loc) -> dict[int, type[BaseModel]]:
    """For each prefix length ``n`` whose last part is a field of a model, that model."""
    out: dict[int, type[BaseModel]] = {}
    target: Any = Policy
    for n, part in enumerate(loc, start=1):
        target = _unwrap(target)
        if isinstance(part, str) and _is_model(target):
            info = target.model_fields.get(part)
            if info is None:
                return out
            out[n] = target
            target = info.annotation
        elif isinstance(part, int) and get_origin(target) is list:
            target = get_args(target)[0]
        elif isinstance(part, str) and get_origin(target) is dict:
            target = get_args(target)[1]
        else:
            return out
    return out


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``Optional`` down to the one model or container inside."""
    for _ in range(8):
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            inner = [a for a in get_args(tp) if get_origin(a) in (list, dict) or _is_model(a)]
            if len(inner) != 1:
                return tp
            tp = inner[0]
        else:
            return tp
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)
