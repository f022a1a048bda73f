"""Reading YAML/JSON documents safely, remembering where every value came from.

Policy and evidence files come from other people, so this reader is defensive: it bounds the
file size, the nesting depth and alias expansion (a "billion laughs" document cannot blow up
memory), accepts only YAML's plain data tags (never Python objects), rejects duplicate keys
instead of silently keeping the last, and records the line and column of every key and value so
that a schema error can point at the exact place in the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from checker.errors import Problem, RspcheckError
from checker.files.access import read_bytes as _read_regular

MAX_BYTES = 16 * 1024 * 1024
"""Largest policy or manifest accepted (attempt records live in their own files)."""
MAX_DEPTH = 64
"""Deepest nesting accepted."""
MAX_NODES = 500_000
"""Most values a document may hold (keys, values and collections; a manifest of 50,000 tasks
holds about 450,000). Counted while the document is composed, so a file of millions of tiny
values is refused after half a million, in about two seconds, not after all of them."""
MAX_NODES_WITH_ALIASES = 200_000
"""Most values a document that uses aliases may expand to, each alias counted at every use."""

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed document: plain Python data plus the position of every key path."""

    data: Any
    """The data (dicts, lists, str, int, float, bool, None, dates)."""
    file: str
    """The path as the user gave it."""
    sha256: str
    """Digest of the file's bytes."""
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """1-based (line, column) of each key path's value."""
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """1-based (line, column) of the key itself, for key paths that end in a mapping key."""

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column for a key path, falling back to its nearest located parent.

        With ``key=True`` the mapping key's own position is preferred (an unknown or
        misspelt key is wrong at the key, not at its value).
        """
        if key and tuple(loc) in self.key_positions:
            return self.key_positions[tuple(loc)]
        for cut in range(len(loc), -1, -1):
            pos = self.positions.get(tuple(loc[:cut]))
            if pos is not None:
                return pos
        return None, None

    def problem(
        self, code: str, msg: str, loc: Loc = (), *, at_key: bool = False, **kw: Any
    ) -> Problem:
        """A problem located at ``loc`` in this document (at its key with ``at_key``)."""
        line, col = self.position(loc, key=at_key)
        return Problem(code, msg, file=self.file, line=line, column=col, loc=tuple(loc), **kw)


class JsonTooDeep(ValueError):
    """JSON nested deeper than Python's parser recurses (about a thousand levels)."""


def json_loads(text: str | bytes) -> Any:
    """``json.loads`` that turns too deep a nesting into :class:`JsonTooDeep`, a ValueError.

    The stdlib parser recurses once per level and raises RecursionError past Python's limit;
    a caller that reports ValueError as "not valid JSON" then reports this too, and one that
    tells it apart (``isinstance(exc, JsonTooDeep)``) reports ``yaml-too-deep``.
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep("nested too deeply (more than about 1,000 levels)") from None


def read_bytes(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """Read a regular file of at most ``max_bytes`` (see :func:`checker.files.access.read_bytes`).

    ``max_bytes`` defaults to :data:`MAX_BYTES` as it is when called (tests lower it).

    Raises:
        RspcheckError: ``file-not-found``, ``not-regular-file`` or ``file-too-large``.
    """
    return _read_regular(path, max_bytes=MAX_BYTES if max_bytes is None else max_bytes)


def load_document(path: str | Path, *, max_bytes: int | None = None) -> Document:
    """Read and parse a YAML or JSON file into a :class:`Document`.

    Raises:
        RspcheckError: with a located problem for every way the file can be unreadable.
    """
    raw = read_bytes(path, max_bytes=max_bytes)
    return parse_document(raw, str(path))


def parse_document(raw: bytes, file: str) -> Document:
    """Parse bytes already read (see :func:`load_document`)."""
    digest = hashlib.sha256(raw).hexdigest()
    if b"\x00" in raw[:65536]:
        raise RspcheckError.one(
            "binary-file",
            "contains NUL bytes: this is a binary file, not YAML or JSON text",
            file=file,
            hint="give the policy or manifest file, not an archive or a compiled file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RspcheckError.one(
            "not-utf8",
            f"byte {exc.start} is not valid UTF-8",
            file=file,
            line=line,
            hint="save the file as UTF-8",
        ) from None
    try:
        node = _compose(text, file)
    except RecursionError:  # pragma: no cover - the composer stops at MAX_DEPTH first
        raise RspcheckError.one(
            "yaml-too-deep",
            f"nesting deeper than {MAX_DEPTH} levels",
            file=file,
            hint="flatten the structure",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met scanning ahead
            raise RspcheckError.one(
                "yaml-too-deep",
                f"nesting deeper than {MAX_DEPTH} levels",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint="flatten the structure",
            ) from None
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        raise RspcheckError.one(
            "yaml-syntax",
            f"YAML syntax error: {what}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation, quotes and colons near this line",
        ) from None
    except yaml.YAMLError as exc:  # e.g. ReaderError for control characters
        raise RspcheckError.one(
            "binary-file" if _CONTROL_CHARACTERS.search(str(exc)) else "yaml-syntax",
            f"cannot be read as YAML: {str(exc).splitlines()[0]}",
            file=file,
            hint="the file must be UTF-8 YAML or JSON text",
        ) from None
    if node is None:
        raise RspcheckError.one(
            "file-empty",
            "the file is empty (or holds only comments)",
            file=file,
            hint="see docs/ and tests/data/ for a minimal example",
        )
    _check_expansion(node, file)
    builder = _Builder(file)
    data = builder.build(node, (), 0)
    if builder.problems:
        raise RspcheckError(builder.problems)
    if data is None:  # '---' alone, or a bare 'null': nothing in it
        raise RspcheckError.one(
            "file-empty",
            "the file holds no data (an empty document)",
            file=file,
            hint="see docs/ and tests/data/ for a minimal example",
        )
    if not isinstance(data, dict):
        what = _KIND_NAMES.get(type(data).__name__, type(data).__name__)
        raise RspcheckError.one(
            "top-level-not-mapping",
            f"the top level is {what}, not a mapping of keys to values",
            file=file,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            hint="start the file with keys such as 'kind:' and 'metadata:'",
        )
    return Document(
        data=data,
        file=file,
        sha256=digest,
        positions=builder.positions,
        key_positions=builder.key_positions,
    )


_CONTROL_CHARACTERS = re.compile(r"(special|control) characters are not allowed")
"""How PyYAML (special) and libyaml (control) refuse a character YAML does not allow."""


class _LimitedComposer(Composer):
    """PyYAML's composer, counting nodes and nesting as they are made.

    A document of millions of tiny values (``[1,1,1,...]``) or thousands of nested brackets
    is refused at the node that crosses :data:`MAX_NODES` or :data:`MAX_DEPTH`, before the
    rest is composed (composing costs time and about a kilobyte per node), and without the
    composer's recursion running into Python's limit. Aliases are not counted here: they add
    no node, and what they expand to is bounded by :func:`_check_expansion`.
    """

    def __init__(self, file: str) -> None:
        Composer.__init__(self)
        self.file = file
        self.nodes = 0
        self.depth = 0
        self.path: list[str | int] = []
        """The key path of the node being composed (for messages)."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        events: Any = self  # the parser mixed in beside this class (PyYAML's or libyaml's)
        if events.check_event(AliasEvent):
            return Composer.compose_node(self, parent, index)
        event = events.peek_event()
        mark = event.start_mark
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise RspcheckError.one(
                "file-too-large",
                f"the document holds more than {MAX_NODES:,} values",
                file=self.file,
                line=mark.line + 1,
                column=mark.column + 1,
                hint="split the evidence into several manifests, or move attempt-level "
                "records into an attempts file",
            )
        # a sequence item's index, or a mapping value's key as written (a key is no step)
        keyed = index is not None
        if keyed:
            self.path.append(index if isinstance(index, int) else getattr(index, "value", "?"))
        try:
            if self.depth > MAX_DEPTH:
                raise RspcheckError.one(
                    "yaml-too-deep",
                    f"nesting deeper than {MAX_DEPTH} levels",
                    file=self.file,
                    line=mark.line + 1,
                    column=mark.column + 1,
                    loc=tuple(self.path),
                    hint="flatten the structure",
                )
            self.depth += 1
            try:
                node = Composer.compose_node(self, parent, index)
            finally:
                self.depth -= 1
            if node is not None and isinstance(event, ScalarEvent) and event.tag not in (None, "!"):
                vars(node)["explicit_tag"] = True  # `!!int 010`: typed by its author, not YAML 1.1
            return node
        finally:
            if keyed:
                self.path.pop()


class _PyLoader(
    _LimitedComposer,
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    SafeConstructor,
    Resolver,
):
    """The pure-Python parser under the limited composer."""

    def __init__(self, text: str, file: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LimitedComposer.__init__(self, file)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


try:  # libyaml's parser makes the events about five times faster than PyYAML's
    from yaml._yaml import CParser

    class _CLoader(_LimitedComposer, CParser, SafeConstructor, Resolver):
        """libyaml's parser (events in C) under the limited composer (nodes in Python)."""

        def __init__(self, text: str, file: str) -> None:
            CParser.__init__(self, text)
            _LimitedComposer.__init__(self, file)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Loader: type[_PyLoader] | type[_CLoader] = _CLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


def _compose(text: str, file: str) -> Node | None:
    """The document's node graph (None for an empty document), within the limits."""
    loader = _Loader(text, file)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_KIND_NAMES = {
    "list": "a list",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "date": "a date",
    "datetime": "a timestamp",
}


def _check_expansion(root: Node, file: str) -> None:
    """Refuse, before building anything, a document whose aliases expand past the limit.

    The composed graph shares one node object per anchor, so its expanded size is counted in
    time proportional to the *distinct* nodes: a billion-laughs document fails in milliseconds.
    """
    size: dict[int, int] = {}
    uses: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            if any(id(c) not in size for c in children):  # an ancestor: a recursive alias
                raise RspcheckError.one(
                    "yaml-alias-limit",
                    "an alias refers to the anchor it is inside: the document is infinite",
                    file=file,
                    line=node.start_mark.line + 1,
                    column=node.start_mark.column + 1,
                    hint="an alias (*name) may only repeat a value defined before it, not "
                    "the value it is part of",
                )
            size[key] = 1 + sum(size[id(c)] for c in children)
            continue
        uses[key] = uses.get(key, 0) + 1
        if key in size or uses[key] > 1:
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))
    if size[id(root)] <= MAX_NODES_WITH_ALIASES or all(n == 1 for n in uses.values()):
        return
    at: Node = root
    if isinstance(root, MappingNode):  # name the top-level entry that crosses the limit
        total = 1
        for key_node, value_node in root.value:
            total += size[id(key_node)] + size[id(value_node)]
            if total > MAX_NODES_WITH_ALIASES:
                at = key_node
                break
    loc: Loc = (str(at.value),) if at is not root else ()
    raise RspcheckError.one(
        "yaml-alias-limit",
        f"aliases expand the document to {size[id(root)]:,} values; the limit is "
        f"{MAX_NODES_WITH_ALIASES:,}",
        file=file,
        line=at.start_mark.line + 1,
        column=at.start_mark.column + 1,
        loc=loc,
        hint="remove deeply nested aliases (&anchor / *alias); write values out",
    )


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


_STR = "tag:yaml.org,2002:str"
_IMPLICIT_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_EXPONENT_NUMBER = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$")
"""A number with an exponent that YAML 1.1 reads as text (no dot, or no sign: ``1e3``)."""
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]")


def _ambiguity(node: ScalarNode, value: Any) -> tuple[str, str] | None:
    """Message and hint when a plain scalar means one thing in YAML 1.1 and another in 1.2.

    PyYAML reads YAML 1.1, where ``010`` is octal 8, ``1:30`` is base-60 90, ``0b11`` is 3 and
    ``yes``/``no``/``on``/``off`` are booleans; YAML 1.2 (most editors, JSON Schema tools and
    people) reads 10 or text, text, text and text. A policy or manifest must mean one thing,
    so these are refused, with the two readings. Hex (``0x1F``), underscores (``1_000``) and
    ``true``/``false`` read the same either way (or cannot be mistaken) and are accepted.
    """
    text = node.value
    if node.tag == "tag:yaml.org,2002:bool" and text.lower() not in ("true", "false"):
        return (
            f"{text!r} is read by YAML 1.1 as the boolean {str(value).lower()}, by YAML 1.2 "
            "as text",
            "write true or false for a yes/no value, or quote it if it is text",
        )
    if node.tag == "tag:yaml.org,2002:int":
        digits = text.lstrip("+-")
        if ":" in text:
            what = f"the base-60 number {value}"
        elif digits.startswith("0b"):
            what = f"the binary number {value}"
        elif _LEADING_ZERO.match(text):
            what = f"the octal number {value}"
        else:
            return None
        return (
            f"{text!r} is read by YAML 1.1 as {what}, by YAML 1.2 as "
            + ("text" if ":" in text or digits.startswith("0b") else "a decimal number or text"),
            "write the number plainly, without leading zeros (e.g. 90, not 1:30; 8, not 010), "
            "or quote it if it is text (an id, a time)",
        )
    if node.tag == "tag:yaml.org,2002:float" and ":" in text:
        return (
            f"{text!r} is read by YAML 1.1 as the base-60 number {value:g}, by YAML 1.2 as text",
            "write the number plainly (e.g. 90.5, not 1:30.5), or quote it if it is text",
        )
    return None


class _Builder:
    """Turns a composed YAML node graph into Python data, with positions and limits."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.key_positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.visited = 0
        self.aliases_seen = False
        self._seen_nodes: set[int] = set()
        self._scalars = SafeConstructor()

    def _fail(self, code: str, msg: str, node: Node, loc: Loc, hint: str) -> None:
        self.problems.append(
            Problem(
                code,
                msg,
                file=self.file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                loc=loc,
                hint=hint,
            )
        )

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.visited += 1
        if id(node) in self._seen_nodes:
            self.aliases_seen = True  # the composer reuses the node object for each alias
        self._seen_nodes.add(id(node))
        if self.visited > (MAX_NODES_WITH_ALIASES if self.aliases_seen else MAX_NODES):
            raise RspcheckError.one(
                "yaml-alias-limit" if self.aliases_seen else "file-too-large",
                f"the document expands to more than {self.visited - 1:,} values",
                file=self.file,
                line=node.start_mark.line + 1,
                loc=loc,
                hint="remove deeply nested aliases (&anchor / *alias); write values out",
            )
        if depth > MAX_DEPTH:
            raise RspcheckError.one(
                "yaml-too-deep",
                f"nesting deeper than {MAX_DEPTH} levels",
                file=self.file,
                line=node.start_mark.line + 1,
                loc=loc,
                hint="flatten the structure",
            )
        self.positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        if isinstance(node, SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq", loc)
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._check_tag(node, "tag:yaml.org,2002:map", loc)
            return self._mapping(node, loc, depth)
        raise AssertionError(f"unknown node {node!r}")  # pragma: no cover

    def _check_tag(self, node: Node, expected: str, loc: Loc) -> None:
        if node.tag != expected:
            self._refuse_tag(node, loc)

    def _refuse_tag(self, node: Node, loc: Loc) -> None:
        self._fail(
            "yaml-unsupported-tag",
            f"tag {node.tag!r} is not accepted",
            node,
            loc,
            "remove the tag: policies and manifests hold plain data only",
        )

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        allowed = {
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:timestamp",
        }
        if node.tag not in allowed:
            self._refuse_tag(node, loc)
            return None
        try:
            value = self._scalars.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                # 2026-02-30 looks like a date but is none: the document still reads, and the
                # schema reports the value, located, where a date is expected (a text field
                # keeps the text, as YAML 1.2 would)
                return node.value
            self._fail("yaml-syntax", f"bad scalar: {exc}", node, loc, "quote the value")
            return None
        if node.style not in (None, "") or getattr(node, "explicit_tag", False):
            return value  # quoted, a block scalar, or tagged: its type is what it says
        ambiguous = _ambiguity(node, value)
        if ambiguous is not None:
            msg, hint = ambiguous
            self._fail("yaml-ambiguous", msg, node, loc, hint)
            return None
        if node.tag == _STR and _EXPONENT_NUMBER.match(node.value):
            return float(node.value)  # 1e3, 2.5e-4: a number in YAML 1.2 and JSON
        return value

    def _mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(
                    "yaml-unsupported-tag",
                    "merge keys ('<<') are not accepted",
                    key_node,
                    loc,
                    "write the keys out in full",
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self._fail(
                    "wrong-type",
                    "a mapping key must be a plain string",
                    key_node,
                    loc,
                    "use simple keys",
                )
                continue
            if key_node.style in (None, "") and key_node.tag in _IMPLICIT_TAGS:
                key = key_node.value  # a key as written: `on:` is "on", `010:` is "010"
            else:
                key = self._scalar(key_node, loc)
            if not isinstance(key, str):
                key = str(key)
            child = (*loc, key)
            if key in out:
                first = self.key_positions.get(child, (None, None))[0]
                self._fail(
                    "yaml-duplicate-key",
                    f"key {key!r} appears twice in this mapping (first on line {first})",
                    key_node,
                    child,
                    "keep one of the two; YAML would silently keep only the last",
                )
                continue
            self.positions[child] = (
                value_node.start_mark.line + 1,
                value_node.start_mark.column + 1,
            )
            self.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, child, depth + 1)
        return out
