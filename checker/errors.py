"""The one user-facing error type, and the stable codes it carries.

Every problem a user can fix (a typo in a policy, a NaN score, a tampered PDF) becomes a
:class:`Problem`: a machine ``code`` (kebab-case, listed in ``CODES`` and documented in
``docs/errors.md``), the file, line and column, the key path into the document (``loc``), a
message saying what was expected, and a hint saying how to fix it. Loaders collect problems and
raise them together as one :class:`RspcheckError`, so an author sees every mistake in one run.
The CLI prints them and exits 2; a traceback never reaches the user for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: Every code the project emits, with a one-line meaning. ``docs/errors.md`` has one heading per
#: code; a test keeps the two in step. Codes are stable: rename one only with a deprecation.
CODES: dict[str, str] = {
    # -- reading files ---------------------------------------------------------------------
    "file-not-found": "The named file does not exist or cannot be opened.",
    "file-too-large": "The file exceeds the size limit for its kind.",
    "not-regular-file": "The path names a folder, device, FIFO or socket where a regular file is "
    "needed.",
    "path-outside-evidence": "A path a manifest names lies outside the manifest's folder (symlinks "
    "resolved), in no folder allowed with --allow-outside.",
    "file-empty": "The file is empty or holds only comments.",
    "not-utf8": "The file is not valid UTF-8 text.",
    "binary-file": "The file looks binary (NUL bytes or control characters), not text.",
    "yaml-syntax": "The YAML (or JSON) does not parse.",
    "yaml-duplicate-key": "A mapping names the same key twice.",
    "yaml-alias-limit": "The document expands too many aliases (an alias or anchor bomb).",
    "yaml-too-deep": "The document nests deeper than the limit.",
    "yaml-unsupported-tag": "The document uses a YAML tag rspcheck does not accept.",
    "yaml-ambiguous": "A plain YAML value that YAML 1.1 and YAML 1.2 read differently (010, 1:30, "
    "0b11, yes/no/on/off).",
    "top-level-not-mapping": "The document's top level is not a mapping of keys to values.",
    "unknown-format": "The file's kind cannot be told from its name or contents.",
    # -- schema ----------------------------------------------------------------------------
    "unknown-key": "A key that the format does not define (often a typo).",
    "missing-key": "A required key is absent.",
    "wrong-type": "A value has the wrong type.",
    "invalid-value": "A value is outside what the field accepts.",
    "not-finite": "A number is NaN or infinite.",
    "nonpositive-budget": "A budget, price or spend is zero or negative where it must be positive.",
    "negative-value": "A count, cost or duration is negative.",
    "score-out-of-range": "A score or probability lies outside [0, 1].",
    "duplicate-id": "Two items share an id that must be unique.",
    "unknown-reference": "A reference names a threshold, safeguard, actor, eval, run or model "
    "that is not defined.",
    # -- policy semantics (lint) -----------------------------------------------------------
    "relation-cycle": "The relations between thresholds form a cycle.",
    "threshold-points-unsorted": "A threshold function's points are not in increasing budget.",
    "threshold-never-crossable": "T(b) > 1 over the whole assessed range: it can never be crossed.",
    "threshold-always-crossed": "T(b) <= 0 somewhere in the range: any model crosses it.",
    "alert-above-threshold": "The alert function lies above the threshold function.",
    "empty-range": "The assessed budget range is empty (upper bound not above lower bound).",
    "axis-unreachable": "The threshold's axis cannot be reached under the policy's pricing "
    "convention.",
    "waiver-expired": "A waiver's expiry date has passed; it counts as no waiver.",
    "waiver-unknown-target": "A waiver names a threshold or safeguard the policy does not define.",
    "unused-actor": "An actor is defined but no threshold uses it.",
    "unused-safeguard": "A safeguard is defined but no relation requires it.",
    # -- evidence semantics ----------------------------------------------------------------
    "attempts-unreadable": "The attempt-level records file cannot be read as a table.",
    "attempt-missing-column": "The attempt records lack a required column.",
    "attempt-unknown-run": "An attempt names a run the manifest does not define.",
    "attempt-duplicate": "Two attempt records share run, task, attempt (and budget level).",
    "digest-mismatch": "A file's sha256 differs from the one recorded for it.",
    "summary-only-run": "A run gives only a summary, not per-attempt data (lower-grade evidence).",
    "price-missing": "No price table covers a model on the date the pricing convention needs.",
    # -- signing and verification -----------------------------------------------------------
    "pdf-render-failed": "WeasyPrint could not render the report's HTML to PDF.",
    "pdf-resource-blocked": "The report's HTML asks for a URL outside what rendering may fetch "
    "(only data: URIs and files under the base directory).",
    "not-a-pdf": "The file is not a PDF, or is too damaged to read.",
    "pdf-unsigned": "The PDF carries no digital signature.",
    "signature-tampered": "The bytes the signature covers have changed since signing.",
    "signature-contents-altered": "The signature's /Contents holds more than the signature and "
    "its zero padding, or is not plain hex in one letter case.",
    "signature-invalid": "The signature value does not verify against the signer's certificate.",
    "signer-untrusted": "The signer's certificate does not chain to any of the given trust roots.",
    "certificate-expired": "The signer's certificate had expired at the validation time.",
    "certificate-not-yet-valid": "The signer's certificate was not yet valid at the validation "
    "time.",
    "signed-with-dev-key": "The PDF is signed with an rspcheck development key.",
    "modified-after-signing": "Bytes or revisions were added to the PDF after it was signed.",
    "timestamp-invalid": "The signature's RFC 3161 timestamp does not validate.",
    "not-a-determination": "The PDF holds no valid rspcheck determination.json attachment.",
    "determination-invalid": "A determination JSON file is not valid JSON or does not match the "
    "determination format.",
    "input-mismatch": "A given input file differs from the one the determination recorded.",
    "input-unrecorded": "A given input file matches no input the determination recorded.",
    "rerun-unavailable": "Re-running the determination is not available in this build.",
    "rerun-mismatch": "Re-running the determination gave a different result.",
    "certificate-unreadable": "A certificate file cannot be read as PEM or DER X.509.",
    "key-unreadable": "The private key or PKCS#12 file cannot be read.",
    "key-passphrase-wrong": "The passphrase does not unlock the private key (or one is missing).",
    "passphrase-unavailable": "The passphrase source (environment variable or file) is empty or "
    "missing.",
    "key-cert-mismatch": "The private key does not belong to the signing certificate.",
    "key-unsupported": "The signing key's type or the certificate's key usage is not supported.",
    "signing-failed": "The PDF could not be signed (or the timestamp authority failed).",
    "output-exists": "An output file exists already and --force was not given.",
    "output-is-input": "An output path names one of the run's input files.",
    "output-unwritable": "An output cannot be written there: its folder is missing, the path is "
    "a folder or not a regular file, or the write failed.",
    # -- ingest ------------------------------------------------------------------------
    "log-truncated": "The log archive is truncated or damaged: its directory or a member lies "
    "beyond the end of the file.",
    "log-unreadable": "The file is not an eval log of the named format (e.g. neither a .eval zip "
    "nor a JSON log).",
    "log-member-missing": "A member or key the log needs (header.json, the eval object, a results "
    "file) is missing.",
    "log-member-corrupt": "A log member does not decompress, fails its checksum, or does not have "
    "the expected shape.",
    "log-invalid-json": "A log member, file or line is not valid JSON.",
    "log-incomplete": "The log stopped early (error, cancelled or crashed); only its completed "
    "attempts are used.",
    "log-mixed-models": "One log or run holds attempts made by more than one model.",
    "run-duplicate": "Two sources claim the same run (or one file was given twice).",
    "scorer-unknown": "The chosen scorer, metric or filter is not in the log, or several exist "
    "and one was picked.",
    "score-unmappable": "A recorded score value cannot be mapped to [0, 1] (an unknown word, a "
    "list, a dict).",
    "attempts-skipped": "Some attempt records were left out (errors, unscored, unfinished, "
    "duplicates); they are counted.",
    "budget-unmeasured": "The source records no spend (tokens, cost or time): the run has no "
    "measured budget.",
    "usage-inconsistent": "Per-attempt usage does not add up to the totals the log records.",
    "dependency-missing": "An optional dependency this input needs (e.g. pyarrow for Parquet) is "
    "not installed.",
    "map-invalid": "A column mapping is malformed or names an unknown field or column.",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    code: str
    """Stable kebab-case code from :data:`CODES`."""
    msg: str
    """What is wrong and what was expected, one sentence."""
    file: str | None = None
    """The file's path as the user gave it."""
    line: int | None = None
    """1-based line in the file, where known."""
    column: int | None = None
    """1-based column in the file, where known."""
    loc: tuple[str | int, ...] = ()
    """Key path into the document, e.g. ``("thresholds", 2, "function", "points")``."""
    hint: str | None = None
    """How to fix it."""
    severity: Severity = "error"
    """``error`` makes the input unusable (or lint exit 1); ``warning`` is reported only."""

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a bug in rspcheck, not bad input
            raise ValueError(f"undeclared error code {self.code!r}; add it to checker.errors.CODES")

    @property
    def where(self) -> str:
        """``file:line:col`` (as much as is known)."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    @property
    def path(self) -> str:
        """The key path as ``thresholds[2].function.points``."""
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def format(self) -> str:
        """Human form: ``file:line:col: error[code] at path: message`` plus an indented hint."""
        at = f" at {self.path}" if self.loc else ""
        text = f"{self.where}: {self.severity}[{self.code}]{at}: {self.msg}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """JSON form, in pydantic's ``{type, loc, msg}`` spirit."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "loc": list(self.loc),
            "msg": self.msg,
            "hint": self.hint,
        }


@dataclass
class RspcheckError(Exception):
    """Bad input: one or more problems, reported together. The CLI exits 2 on it."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    @classmethod
    def one(cls, code: str, msg: str, **where: object) -> RspcheckError:
        """An error with a single problem (keyword arguments as :class:`Problem`'s)."""
        return cls([Problem(code, msg, **where)])  # type: ignore[arg-type]

    @property
    def codes(self) -> list[str]:
        """The problems' codes, in order (handy in tests)."""
        return [p.code for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(p.format() for p in self.problems) or "rspcheck error"

    def __reduce__(self) -> tuple[type[RspcheckError], tuple[list[Problem]]]:
        # Exceptions pickle as ``cls(*args)``, and args holds the message, not the problems:
        # rebuild from the problems so errors survive a process pool (``load_many``).
        return (RspcheckError, (self.problems,))


class ProblemCollector:
    """The one collector of problems: loaders, ingest readers and lint gather into it while they
    walk an input, and it raises them together at the end.

    Args:
        file: the file problems are located in, unless :meth:`add` names another.
        max_per_code: name at most this many problems of one code (a file with a million bad
            rows would otherwise make a million messages); the rest are counted, and
            :meth:`raise_if_errors` adds one "... and N more like this" line per such code.
            ``None`` keeps every problem.
    """

    def __init__(self, file: str | None = None, *, max_per_code: int | None = None) -> None:
        self.file = file
        self.max_per_code = max_per_code
        self.problems: list[Problem] = []
        self._counts: dict[str, int] = {}

    def add(self, code: str, msg: str, **where: object) -> None:
        """Add one problem (keyword arguments as :class:`Problem`'s; ``file`` defaults to the
        collector's)."""
        where.setdefault("file", self.file)
        self._counts[code] = self._counts.get(code, 0) + 1
        if self.max_per_code is None or self._counts[code] <= self.max_per_code:
            self.problems.append(Problem(code, msg, **where))  # type: ignore[arg-type]

    def warn(self, code: str, msg: str, **where: object) -> None:
        """Add a problem of severity ``warning``."""
        self.add(code, msg, severity="warning", **where)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere (e.g. another loader's error), unlimited."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, *, with_warnings: bool = True) -> None:
        """Raise the collected problems if any is an error.

        Args:
            with_warnings: raise the warnings too (the default), or only the errors (ingest
                readers hand their warnings on with the result instead).

        Raises:
            RspcheckError: every error (and warning), plus a count of those not named.
        """
        errors = self.errors
        if not errors:
            return
        out = list(self.problems if with_warnings else errors)
        if self.max_per_code is not None:
            for code, n in self._counts.items():
                if n > self.max_per_code and any(p.code == code for p in errors):
                    out.append(
                        Problem(
                            code,
                            f"... and {n - self.max_per_code:,} more like this",
                            file=self.file,
                        )
                    )
        raise RspcheckError(out)


def did_you_mean(word: str, options: Sequence[str]) -> str | None:
    """A hint naming the closest valid option, or ``None`` when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
