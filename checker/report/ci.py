"""CI-native renderings of a determination and of lint findings: GitHub workflow annotations,
JUnit XML, SARIF 2.1.0 and a Markdown step summary.

One function per source (:func:`determination_ci`, :func:`findings_ci`), the format chosen by
name from :data:`CI_FORMATS`. Every rendering says the same as the text output, in the form a
CI system shows natively: a threshold the gate counts against the release (or, with
``fail_on_indeterminate``, any indeterminate threshold) is a failure, an error annotation and
a SARIF ``error``; an indeterminate threshold the gate does not count against the release is a
warning; the rest pass. Outputs are deterministic (no timestamps, sorted where order is not
the input's), so the same determination gives the same bytes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Literal, Protocol

from checker.budget import format_budget
from checker.determination import Determination, ThresholdResult
from checker.errors import CODES
from checker.version import __version__

CiFormat = Literal["github", "junit", "sarif", "markdown"]
CI_FORMATS: tuple[CiFormat, ...] = ("github", "junit", "sarif", "markdown")
"""The CI-native output formats, as ``--format`` names them."""

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
"""The SARIF 2.1.0 schema URI written into every SARIF log."""

Verdict = Literal["fail", "warn", "pass"]


def _label(state: str) -> str:
    return state.replace("_", " ")


def threshold_verdicts(
    det: Determination, *, fail_on_indeterminate: bool = False
) -> dict[str, tuple[Verdict, str]]:
    """Each threshold's CI verdict and the one line that says why.

    Args:
        det: the determination.
        fail_on_indeterminate: fail every indeterminate threshold, whatever the policy's
            ``indeterminate_as`` and the gate made of it (``check --fail-on indeterminate``).

    Returns:
        Threshold id -> (``fail`` | ``warn`` | ``pass``, why), in policy order.
    """
    unmet: dict[str, list[str]] = {}
    for u in det.gate.unmet:
        needs = f"needs {u.safeguard}: " if u.safeguard else ""
        unmet.setdefault(u.threshold, []).append(needs + u.reason)
    out: dict[str, tuple[Verdict, str]] = {}
    for t in det.thresholds:
        what = _summary_line(t)
        if t.id in unmet:
            out[t.id] = ("fail", f"{what}; unmet: " + "; ".join(unmet[t.id]))
        elif t.state == "indeterminate":
            verdict: Verdict = "fail" if fail_on_indeterminate else "warn"
            decide = f"; would decide it: {t.would_decide}" if t.would_decide else ""
            out[t.id] = (verdict, what + decide)
        else:
            out[t.id] = ("pass", what)
    return out


def _summary_line(t: ThresholdResult) -> str:
    line = f"{t.id}: {_label(t.state)}"
    if t.basis != "none":
        line += f" ({_label(t.basis)})"
    cb = t.crossing_budget.estimate
    if cb:
        line += f", crossing budget {format_budget(cb, t.axis)}"
    cov = t.coverage
    line += (
        f"; coverage {cov.direct:.0%} direct, {cov.extrapolated:.0%} extrapolated, "
        f"{cov.uncovered:.0%} uncovered"
    )
    if t.waived_by:
        line += f"; waived ({t.waived_by})"
    return line


def gate_failed(det: Determination, fail_on_indeterminate: bool = False) -> bool:
    """Whether a CI job should fail: the gate blocks or, with ``fail_on_indeterminate``, any
    threshold is indeterminate (whatever the policy's ``indeterminate_as``)."""
    indeterminate = any(t.state == "indeterminate" for t in det.thresholds)
    return det.gate.result == "block" or (fail_on_indeterminate and indeterminate)


def _gate_line(det: Determination) -> str:
    return (
        f"gate: {_label(det.gate.result)} — {det.policy.title} v{det.policy.version}, "
        f"model {det.model}"
    )


# -- GitHub workflow commands -----------------------------------------------------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh(
    level: str,
    message: str,
    *,
    title: str,
    file: str | None,
    line: int | None,
    column: int | None = None,
) -> str:
    props = []
    if file:
        props.append(f"file={_gh_prop(file)}")
        if line:
            props.append(f"line={line}")
            if column:
                props.append(f"col={column}")
    props.append(f"title={_gh_prop(title)}")
    return f"::{level} {','.join(props)}::{_gh_data(message)}"


# -- JUnit XML ------------------------------------------------------------------------------


def _junit(suite: str, cases: Sequence[tuple[str, str, Verdict, str]]) -> str:
    """``cases``: (classname, name, verdict, text); a warning passes, its text in system-out."""
    failures = sum(1 for c in cases if c[2] == "fail")
    root = ET.Element(
        "testsuites", name="rspcheck", tests=str(len(cases)), failures=str(failures), errors="0"
    )
    ts = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for classname, name, verdict, text in cases:
        case = ET.SubElement(ts, "testcase", classname=classname, name=name)
        if verdict == "fail":
            failure = ET.SubElement(case, "failure", message=text.split("\n", 1)[0], type="fail")
            failure.text = text
        else:
            ET.SubElement(case, "system-out").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# -- SARIF 2.1.0 ----------------------------------------------------------------------------


def _sarif(rules: list[dict[str, object]], results: list[dict[str, object]]) -> str:
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rspcheck",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


def _location(file: str | None, line: int | None = None, column: int | None = None) -> list:
    if not file:
        return []
    physical: dict[str, object] = {"artifactLocation": {"uri": file.replace("\\", "/")}}
    if line:
        region: dict[str, int] = {"startLine": line}
        if column:
            region["startColumn"] = column
        physical["region"] = region
    return [{"physicalLocation": physical}]


_SARIF_LEVEL = {"fail": "error", "warn": "warning", "pass": "note"}
_THRESHOLD_RULES = {
    "fail": ("threshold-unmet", "A threshold the gate counts against the release."),
    "warn": ("threshold-indeterminate", "An indeterminate threshold the gate lets pass."),
    "pass": ("threshold-decided", "A threshold decided without blocking the release."),
}


# -- Markdown -------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_ICON = {"fail": "❌", "warn": "⚠️", "pass": "✅"}


def determination_ci(
    det: Determination,
    fmt: CiFormat,
    *,
    policy_file: str | None = None,
    fail_on_indeterminate: bool = False,
) -> str:
    """A determination rendered for a CI system.

    Args:
        det: the determination.
        fmt: one of :data:`CI_FORMATS`.
        policy_file: the policy's path as given, for annotation and SARIF locations.
        fail_on_indeterminate: count every indeterminate threshold as a failure.

    Returns:
        The text (newline-terminated).

    Raises:
        ValueError: ``fmt`` is not a CI format.
    """
    verdicts = threshold_verdicts(det, fail_on_indeterminate=fail_on_indeterminate)
    failed = gate_failed(det, fail_on_indeterminate)
    if fmt == "github":
        lines = []
        for tid, (verdict, why) in verdicts.items():
            level = {"fail": "error", "warn": "warning", "pass": "notice"}[verdict]
            lines.append(_gh(level, why, title=f"rspcheck {tid}", file=policy_file, line=None))
        level = "error" if failed else "notice"
        lines.append(_gh(level, _gate_line(det), title="rspcheck gate", file=None, line=None))
        return "\n".join(lines) + "\n"
    if fmt == "junit":
        suite = f"rspcheck {det.policy.id} v{det.policy.version} model {det.model}"
        cases = [(f"rspcheck.{det.policy.id}", tid, v, why) for tid, (v, why) in verdicts.items()]
        gate_text = _gate_line(det) + "".join(
            f"\nunmet: {u.threshold} — {u.reason}" for u in det.gate.unmet
        )
        cases.append((f"rspcheck.{det.policy.id}", "gate", "fail" if failed else "pass", gate_text))
        return _junit(suite, cases)
    if fmt == "sarif":
        used = sorted({v for v, _ in verdicts.values()}, key=list(_THRESHOLD_RULES).index)
        rules: list[dict[str, object]] = [
            {"id": _THRESHOLD_RULES[v][0], "shortDescription": {"text": _THRESHOLD_RULES[v][1]}}
            for v in used
        ]
        results: list[dict[str, object]] = [
            {
                "ruleId": _THRESHOLD_RULES[v][0],
                "level": _SARIF_LEVEL[v],
                "message": {"text": why},
                "locations": _location(policy_file),
                "partialFingerprints": {"threshold": tid},
            }
            for tid, (v, why) in verdicts.items()
        ]
        return _sarif(rules, results)
    if fmt == "markdown":
        head = "BLOCK" if det.gate.result == "block" else _label(det.gate.result).upper()
        from checker.engine.unblock import unblock

        out = [
            f"### rspcheck: {head}",
            "",
            f"**{_md_cell(unblock(det).bottom_line)}**",
            "",
            f"{det.policy.title} v{det.policy.version}, model `{det.model}`, "
            f"as of {det.as_of.isoformat()}, seed {det.seed}",
            "",
            "| | threshold | state | basis | crossing budget | coverage (direct/extrap./uncov.) |",
            "|---|---|---|---|---|---|",
        ]
        for t in det.thresholds:
            verdict = verdicts[t.id][0]
            cb = t.crossing_budget.estimate
            cov = t.coverage
            out.append(
                f"| {_ICON[verdict]} | `{t.id}` | {_label(t.state)} | "
                f"{_label(t.basis) if t.basis != 'none' else '—'} | "
                f"{format_budget(cb, t.axis) if cb else '—'} | "
                f"{cov.direct:.0%} / {cov.extrapolated:.0%} / {cov.uncovered:.0%} |"
            )
        if det.gate.unmet:
            out += ["", "**Unmet**", ""]
            out += [
                f"- `{u.threshold}`"
                + (f" needs `{u.safeguard}`" if u.safeguard else "")
                + f": {_md_cell(u.reason)}"
                for u in det.gate.unmet
            ]
        decide = [t for t in det.thresholds if t.would_decide]
        if decide:
            out += ["", "**What would decide the indeterminate thresholds**", ""]
            out += [f"- `{t.id}`: {_md_cell(t.would_decide or '')}" for t in decide]
        if det.warnings:
            out += ["", "**Warnings**", ""]
            out += [f"- {_md_cell(w)}" for w in det.warnings]
        return "\n".join(out) + "\n"
    raise ValueError(f"not a CI format: {fmt!r}")


class Located(Protocol):
    """What the CI renderings read of a finding: lint's :class:`~checker.errors.Problem`, or an
    audit finding located at its claim (``checker.audit.ci``)."""

    @property
    def code(self) -> str: ...
    @property
    def msg(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def loc(self) -> tuple[str | int, ...]: ...
    @property
    def hint(self) -> str | None: ...
    @property
    def severity(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def where(self) -> str: ...


def findings_ci(
    problems: Sequence[Located],
    fmt: CiFormat,
    *,
    files: Sequence[str],
    tool: str = "lint",
    descriptions: dict[str, str] | None = None,
) -> str:
    """Lint findings rendered for a CI system, located at file:line:column where known.

    Args:
        problems: the findings (errors and warnings).
        fmt: one of :data:`CI_FORMATS`.
        files: the files checked (each is a JUnit test case, passing when it has no error).
        tool: the command named in titles (``lint``, ``audit``).
        descriptions: code -> what it means, for SARIF rules (default: the input-error codes).

    Returns:
        The text (newline-terminated).

    Raises:
        ValueError: ``fmt`` is not a CI format.
    """

    def text(p: Located) -> str:
        where = f" at {p.path}" if p.loc else ""
        return f"{p.code}{where}: {p.msg}" + (f" (hint: {p.hint})" if p.hint else "")

    if fmt == "github":
        lines = [
            _gh(
                "error" if p.severity == "error" else "warning",
                text(p),
                title=f"rspcheck {tool} {p.code}",
                file=p.file,
                line=p.line,
                column=p.column,
            )
            for p in problems
        ]
        return "".join(line + "\n" for line in lines)
    if fmt == "junit":
        cases: list[tuple[str, str, Verdict, str]] = []
        for f in files:
            mine = [p for p in problems if p.file == f]
            bad = any(p.severity == "error" for p in mine)
            body = "\n".join(f"{p.where}: {p.severity}: {text(p)}" for p in mine) or "clean"
            cases.append((f"rspcheck.{tool}", f, "fail" if bad else "pass", body))
        for p in problems:  # findings not tied to one of the files given (cross-checks)
            if p.file not in files:
                verdict: Verdict = "fail" if p.severity == "error" else "pass"
                cases.append((f"rspcheck.{tool}", p.where, verdict, f"{p.severity}: {text(p)}"))
        return _junit(f"rspcheck {tool}", cases)
    if fmt == "sarif":
        codes = sorted({p.code for p in problems})
        rules: list[dict[str, object]] = [
            {"id": c, "shortDescription": {"text": (descriptions or CODES).get(c, c)}}
            for c in codes
        ]
        results: list[dict[str, object]] = [
            {
                "ruleId": p.code,
                "ruleIndex": codes.index(p.code),
                "level": "error" if p.severity == "error" else "warning",
                "message": {"text": text(p)},
                "locations": _location(p.file, p.line, p.column),
            }
            for p in problems
        ]
        return _sarif(rules, results)
    if fmt == "markdown":
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        head = "clean" if not problems else f"{errors} error(s), {warnings} warning(s)"
        out = [f"### rspcheck {tool}: {head}", ""]
        if problems:
            out += ["| | where | code | finding |", "|---|---|---|---|"]
            out += [
                f"| {'❌' if p.severity == 'error' else '⚠️'} | `{_md_cell(p.where)}` | "
                f"`{p.code}` | {_md_cell(text(p))} |"
                for p in problems
            ]
        else:
            out += [f"{len(files)} file(s) checked, nothing found."]
        return "\n".join(out) + "\n"
    raise ValueError(f"not a CI format: {fmt!r}")


__all__ = [
    "CI_FORMATS",
    "SARIF_SCHEMA",
    "CiFormat",
    "determination_ci",
    "findings_ci",
    "gate_failed",
    "threshold_verdicts",
]


def checks_ci(
    checks: Sequence[tuple[bool | None, str]],
    failures: Sequence[Located],
    fmt: CiFormat,
    *,
    file: str,
    tool: str = "verify",
) -> str:
    """A list of checks (``verify``'s ✓/✗ lines) rendered for a CI system.

    Args:
        checks: (passed, line) in order; ``None`` marks an informational line.
        failures: the problems behind the failed checks (codes, messages, hints).
        fmt: one of :data:`CI_FORMATS`.
        file: what was checked (the annotations' and SARIF results' location).
        tool: the command named in titles.

    Returns:
        The text (newline-terminated).

    Raises:
        ValueError: ``fmt`` is not a CI format.
    """

    def text(p: Located) -> str:
        return f"{p.code}: {p.msg}" + (f" (hint: {p.hint})" if p.hint else "")

    failed = [line for ok, line in checks if ok is False]
    if fmt == "github":
        out = [
            _gh("error", text(p), title=f"rspcheck {tool} {p.code}", file=file, line=None)
            for p in failures
        ]
        if not failures:
            out.append(f"::notice title=rspcheck {tool}::{_gh_data(file + ': verified')}")
        return "".join(line + "\n" for line in out)
    if fmt == "junit":
        cases: list[tuple[str, str, Verdict, str]] = [
            (f"rspcheck.{tool}", line, "pass" if ok else "fail", line)
            for ok, line in checks
            if ok is not None
        ]
        cases += [(f"rspcheck.{tool}", p.code, "fail", text(p)) for p in failures]
        return _junit(f"rspcheck {tool}", cases)
    if fmt == "sarif":
        codes = sorted({p.code for p in failures})
        rules: list[dict[str, object]] = [
            {"id": c, "shortDescription": {"text": CODES.get(c, c)}} for c in codes
        ]
        results: list[dict[str, object]] = [
            {
                "ruleId": p.code,
                "level": "error",
                "message": {"text": text(p)},
                "locations": _location(file),
            }
            for p in failures
        ]
        return _sarif(rules, results)
    if fmt == "markdown":
        head = "verified" if not failures else f"{len(failed)} of {len(checks)} checks failed"
        out = [f"### rspcheck {tool}: {head}", "", "| | check |", "|---|---|"]
        out += [
            f"| {'' if ok is None else _ICON['pass' if ok else 'fail']} | {_md_cell(line)} |"
            for ok, line in checks
        ]
        out += [""] + [f"- **{p.code}**: {_md_cell(p.msg)}" for p in failures]
        return "\n".join(out) + "\n"
    raise ValueError(f"not a CI format: {fmt!r}")
