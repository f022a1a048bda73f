"""The ``rspcheck`` command on hostile and careless input: it fails closed, in a bounded time
and memory, with a located and coded message, and without touching what it read.

Each case of :data:`CASES` (data: one line per case; ``{in}`` is the folder of inputs, ``{out}``
the case's own output folder) runs the real entry point, :func:`checker.cli.main`, in a child
process with a memory limit (``RLIMIT_AS``) and a timeout, in a scratch folder. For each case
the test asserts

* the exit code (2 bad input, 4 verification failed, 1 lint findings);
* no traceback in the output;
* the expected code, from ``docs/errors.md``, on a located message (``WHERE: error[CODE]``,
  where ``WHERE`` is a file or ``<command line>``), and every message's code documented;
* the inputs unchanged (sha256 of every file before and after) and no new file anywhere but
  in the case's output folder (nor at the paths a case names as ``absent``); each case has
  its own copy of the inputs;
* the child finished before its timeout, under its memory limit.

The child is forked from the test process, so the imports (numpy, pyHanko, WeasyPrint) are
paid once rather than ~1.5 s per case; ``RSPCHECK_HOSTILE_SUBPROCESS=1`` runs every case as a
fresh ``python`` process instead (slower, the same assertions). Library-level hostile files
are in ``tests/hostile/`` (``tests/test_hostile.py``); this file holds the command-line cases.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
DOCUMENTED = set(
    re.findall(r"^## (\S+)\s*$", (ROOT / "docs" / "errors.md").read_text(), flags=re.MULTILINE)
)
PROBLEM = re.compile(r"^(?P<where>\S.*?): (?:error|warning)\[(?P<code>[a-z0-9-]+)\]", re.MULTILINE)

MEMORY = 1 << 30
"""Address space a case may add to the process it starts from (forked: the test process)."""
SUBPROCESS_MEMORY = 3 << 30
"""The whole address space of a fresh process (``RSPCHECK_HOSTILE_SUBPROCESS=1``)."""


@dataclass(frozen=True)
class Case:
    """One command line and what it must do."""

    id: str
    args: str
    """The arguments after ``rspcheck``, split on spaces; ``{in}`` and ``{out}`` filled in."""
    exit: int
    """The exit code."""
    code: str | None
    """A code the output must carry on a located message (``None``: only exit and no trace)."""
    absent: tuple[str, ...] = ()
    """Paths that must not exist afterwards (no folder made up, nothing written there)."""
    timeout: float = 30.0
    xfail: str | None = None
    """Why the case may fail on this branch (``xfail(strict=False)``)."""


CHECK = "check -p {in}/policy.yaml -e {in}/evidence.yaml --as-of 2026-11-01"
VERIFY = "verify --trust {in}/keys/dev-root.pem --allow-dev-key"
INGEST = "ingest table {in}/attempts-small.jsonl --model m --eval cyber-ctf"
CURVES = "curves {in}/evidence.yaml --replicates 60"
COMPARE = "compare -e {in}/evidence.yaml --replicates 60 --models"

CASES: list[Case] = [
    # -- output paths: never onto an input, never into a folder made up, regular files only
    Case("check-json-onto-policy", f"{CHECK} --json {{in}}/policy.yaml", 2, "output-is-input"),
    Case("check-json-onto-evidence", f"{CHECK} --json {{in}}/evidence.yaml", 2, "output-is-input"),
    # the attempts table is named by the manifest only, not on the command line
    Case(
        "check-pdf-onto-attempts",
        f"{CHECK} --pdf {{in}}/attempts-small.jsonl",
        2,
        "output-is-input",
    ),
    Case(
        "check-json-into-missing-folder",
        f"{CHECK} --json {{out}}/missing/d.json",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case("check-json-onto-a-folder", f"{CHECK} --json {{out}}", 2, "output-unwritable"),
    Case("check-pdf-onto-a-folder", f"{CHECK} --pdf {{out}}", 2, "output-unwritable"),
    Case("check-json-into-proc", f"{CHECK} --json /proc/rspcheck-d.json", 2, "output-unwritable"),
    Case("check-json-onto-dev-null", f"{CHECK} --json /dev/null", 2, "output-unwritable"),
    Case(
        "check-json-and-pdf-one-file",
        f"{CHECK} --json {{out}}/d --pdf {{out}}/./d",
        2,
        "output-is-input",
    ),
    Case("report-onto-its-input", "report {in}/det.json --pdf {in}/det.json", 2, "output-is-input"),
    # -- determinations given to `report`: read as data, bounded
    Case("report-of-dev-zero", "report /dev/zero --pdf {out}/d.pdf", 2, "not-regular-file"),
    Case("report-of-deep-json", "report {in}/deep.json --pdf {out}/d.pdf", 2, "yaml-too-deep"),
    Case(
        "report-into-missing-folder",
        "report {in}/det.json --pdf {out}/missing/d.pdf",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case(
        "report-onto-its-signing-key",
        "report {in}/det.json --pdf {in}/keys/dev-signer-key.pem "
        "--sign-key {in}/keys/dev-signer-key.pem --sign-cert {in}/keys/dev-signer-cert.pem",
        2,
        "output-is-input",
    ),
    Case(
        "verify-json-out-onto-the-pdf",
        f"{VERIFY} {{in}}/signed.pdf --json-out {{in}}/signed.pdf",
        2,
        "output-is-input",
    ),
    Case(
        "verify-json-out-onto-the-trust-root",
        f"{VERIFY} {{in}}/signed.pdf --json-out {{in}}/keys/dev-root.pem",
        2,
        "output-is-input",
    ),
    Case(
        "verify-json-out-into-missing-folder",
        f"{VERIFY} {{in}}/signed.pdf --json-out {{out}}/missing/d.json",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case(
        "ingest-into-missing-folder",
        f"{INGEST} --out {{out}}/missing/evidence.yaml",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case(
        "ingest-onto-its-source",
        f"{INGEST} --out {{in}}/attempts-small.jsonl --force",
        2,
        "output-is-input",
    ),
    Case(
        "ingest-onto-a-file-without-force",
        f"{INGEST} --out {{in}}/evidence.yaml",
        2,
        "output-exists",
    ),
    Case("keygen-into-proc", "keygen --out /proc/rspcheck-keys", 2, "output-unwritable"),
    Case(
        "keygen-missing-parent",
        "keygen --out {out}/missing/keys",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case("keygen-onto-a-file", "keygen --out {in}/policy.yaml", 2, "output-unwritable"),
    Case(
        "demo-missing-parent",
        "demo --out {out}/missing/demo",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    # -- options
    Case("replicates-zero", f"{CHECK} --replicates 0", 2, "invalid-value"),
    Case("replicates-negative", f"{CHECK} --replicates -5", 2, "invalid-value"),
    Case("replicates-ten-million", f"{CHECK} --replicates 10000000", 2, "invalid-value"),
    Case("seed-negative", f"{CHECK} --seed -1", 2, "invalid-value"),
    Case("as-of-not-a-date", f"{CHECK} --as-of 2026-13-01", 2, "invalid-value"),
    Case("format-unknown", f"{CHECK} --format xml", 2, "invalid-value"),
    Case("lint-today-not-a-date", "lint {in}/policy.yaml --today yesterday", 2, "invalid-value"),
    Case("verify-at-not-a-time", f"{VERIFY} {{in}}/signed.pdf --at noon", 2, "invalid-value"),
    Case(
        "ingest-format-unknown", "ingest pdf {in}/det.json --out {out}/e.yaml", 2, "invalid-value"
    ),
    # -- signed PDFs
    Case("verify-untouched", f"{VERIFY} {{in}}/signed.pdf", 0, None),
    Case("verify-padding-changed", f"{VERIFY} {{in}}/padded.pdf", 4, "signature-contents-altered"),
    Case(
        "verify-hex-case-changed", f"{VERIFY} {{in}}/recased.pdf", 4, "signature-contents-altered"
    ),
    Case("verify-truncated", f"{VERIFY} {{in}}/truncated.pdf", 4, "not-a-pdf"),
    Case("verify-not-a-pdf", f"{VERIFY} {{in}}/det.json", 4, "not-a-pdf"),
    # -- devices where a file belongs: refused at once, never read until the memory is gone
    Case("verify-pdf-is-dev-zero", f"{VERIFY} /dev/zero", 2, "not-regular-file", timeout=10),
    Case(
        "verify-trust-root-is-dev-zero",
        "verify {in}/signed.pdf --trust /dev/zero",
        2,
        "not-regular-file",
        timeout=10,
    ),
    Case(
        "verify-policy-is-dev-zero",
        f"{VERIFY} {{in}}/signed.pdf --policy /dev/zero",
        4,
        "file-not-found",
        timeout=10,
    ),
    Case(
        "report-key-is-dev-zero",
        "report {in}/det.json --pdf {out}/d.pdf --sign-key /dev/zero "
        "--sign-cert {in}/keys/dev-signer-cert.pem",
        2,
        "not-regular-file",
        timeout=10,
    ),
    Case(
        "keygen-passphrase-file-is-dev-zero",
        "keygen --out {out}/keys --passphrase-file /dev/zero",
        2,
        "passphrase-unavailable",
        timeout=10,
    ),
    # -- policies
    Case(
        "policy-yaml-syntax",
        "check -p {in}/policy-syntax.yaml -e {in}/evidence.yaml",
        2,
        "yaml-syntax",
    ),
    Case(
        "policy-relation-cycle",
        "check -p {in}/policy-cycle.yaml -e {in}/evidence.yaml",
        2,
        "relation-cycle",
    ),
    Case(
        "policy-unknown-reference",
        "check -p {in}/policy-unknown-ref.yaml -e {in}/evidence.yaml",
        2,
        "unknown-reference",
    ),
    Case("lint-relation-cycle", "lint {in}/policy-cycle.yaml", 1, "relation-cycle"),
    # extrapolation caps: past the calibrated distances, NaN, an unknown part
    Case("lint-attempts-cap-2", "lint {in}/policy-attempts-cap-2.yaml", 1, "invalid-value"),
    Case("lint-attempts-cap-map", "lint {in}/policy-attempts-cap-map.yaml", 1, "invalid-value"),
    Case("lint-cap-nan", "lint {in}/policy-cap-nan.yaml", 1, "not-finite"),
    Case("lint-cap-extra-key", "lint {in}/policy-cap-extra-key.yaml", 1, "unknown-key"),
    Case(
        "check-attempts-cap-2",
        "check -p {in}/policy-attempts-cap-2.yaml -e {in}/evidence.yaml",
        2,
        "invalid-value",
    ),
    # a date that names no day is a located value, not an unreadable file
    Case("lint-policy-impossible-date", "lint {in}/policy-date.yaml", 1, "invalid-value"),
    Case(
        "check-policy-impossible-date",
        "check -p {in}/policy-date.yaml -e {in}/evidence.yaml",
        2,
        "invalid-value",
    ),
    Case(
        "lint-as-of-impossible-date", "lint {in}/policy.yaml --as-of 2026-02-30", 2, "invalid-value"
    ),
    # a schema error does not hide the semantic errors beside it
    Case("lint-schema-hides-nothing", "lint {in}/policy-axis.yaml", 1, "threshold-never-crossable"),
    Case(
        "check-schema-hides-nothing",
        "check -p {in}/policy-axis.yaml -e {in}/evidence.yaml",
        2,
        "unknown-reference",
    ),
    # -- authoring: explain, backtest, diff read through the same loaders, write the same way
    Case("explain-of-dev-zero", "explain /dev/zero", 2, "not-regular-file", timeout=10),
    Case(
        "explain-png-onto-policy",
        "explain {in}/policy.yaml --png {in}/policy.yaml",
        2,
        "output-is-input",
    ),
    Case(
        "explain-svg-into-proc",
        "explain {in}/policy.yaml --svg /proc/rspcheck.svg",
        2,
        "output-unwritable",
    ),
    Case("explain-unknown-threshold", "explain {in}/policy.yaml cyber-hgh", 2, "unknown-reference"),
    Case("explain-policy-cycle", "explain {in}/policy-cycle.yaml", 2, "relation-cycle"),
    Case(
        "backtest-csv-onto-evidence",
        "backtest -p {in}/policy.yaml -e {in}/evidence.yaml --csv {in}/evidence.yaml",
        2,
        "output-is-input",
    ),
    Case(
        "backtest-against-dev-zero",
        "backtest -p {in}/policy.yaml -e {in}/evidence.yaml --against /dev/zero",
        2,
        "not-regular-file",
        timeout=10,
    ),
    Case(
        "backtest-unknown-model",
        "backtest -p {in}/policy.yaml -e {in}/evidence.yaml -m nobody",
        2,
        "unknown-reference",
    ),
    Case("diff-of-yaml-syntax", "diff {in}/policy.yaml {in}/policy-syntax.yaml", 2, "yaml-syntax"),
    Case(
        "diff-of-impossible-date", "diff {in}/policy.yaml {in}/policy-date.yaml", 2, "invalid-value"
    ),
    Case(
        "diff-seed-negative", "diff {in}/policy.yaml {in}/policy.yaml --seed -1", 2, "invalid-value"
    ),
    Case("lint-strict-fails-on-warnings", "lint {in}/policy-above-one.yaml --strict", 1, None),
    # -- curves and compare: the same sources as check -e, outputs as careful
    Case("curves-png-onto-evidence", f"{CURVES} --png {{in}}/evidence.yaml", 2, "output-is-input"),
    Case(
        "curves-html-onto-attempts",
        f"{CURVES} --html {{in}}/attempts-small.jsonl",
        2,
        "output-is-input",
    ),
    Case(
        "curves-csv-into-missing-folder",
        f"{CURVES} --csv {{out}}/missing/c.csv",
        2,
        "output-unwritable",
        absent=("{out}/missing",),
    ),
    Case("curves-json-onto-dev-null", f"{CURVES} --json /dev/null", 2, "output-unwritable"),
    Case("curves-of-dev-zero", "curves /dev/zero", 2, "not-regular-file", timeout=10),
    Case("curves-of-deep-json", "curves {in}/deep.json", 2, "yaml-too-deep"),
    Case("curves-k-max-huge", f"{CURVES} --k-max 100000000", 2, "invalid-value"),
    Case("curves-replicates-zero", f"{CURVES} --replicates 0", 2, "invalid-value"),
    Case("curves-unknown-model", f"{CURVES} --models nobody", 2, "unknown-reference"),
    Case("compare-one-model", f"{COMPARE} candidate", 2, "invalid-value"),
    Case(
        "compare-png-onto-evidence",
        f"{COMPARE} candidate candidate@react --png {{in}}/evidence.yaml",
        2,
        "output-is-input",
    ),
    Case("compare-unknown-eval", f"{COMPARE} a b --eval nothing", 2, "unknown-reference"),
    # -- audit: claims files are located input like policies; outputs never onto an input
    Case("audit-claims-missing", "audit {in}/no-such-claims.yaml", 2, "file-not-found"),
    Case("audit-claims-a-folder", "audit {in}", 2, "not-regular-file"),
    Case("audit-claims-unknown-key", "audit {in}/claims-unknown-key.yaml", 2, "unknown-key"),
    Case("lint-claims-unknown-key", "lint {in}/claims-unknown-key.yaml", 1, "unknown-key"),
    Case(
        "audit-json-onto-claims",
        "audit {in}/claims.yaml --json {in}/claims.yaml",
        2,
        "output-is-input",
    ),
    Case(
        "audit-json-onto-evidence",
        "audit {in}/claims.yaml -e {in}/evidence.yaml --json {in}/evidence.yaml",
        2,
        "output-is-input",
    ),
    Case("audit-format-unknown", "audit {in}/claims.yaml --format yaml", 2, "invalid-value"),
    Case(
        "audit-pdf-onto-claims",
        "audit {in}/claims.yaml --pdf {in}/claims.yaml",
        2,
        "output-is-input",
    ),
    Case("audit-html-onto-a-folder", "audit {in}/claims.yaml --html {out}", 2, "output-unwritable"),
    Case(
        "audit-sign-without-pdf",
        "audit {in}/claims.yaml --sign-key {in}/keys/dev-signer-key.pem "
        "--sign-cert {in}/keys/dev-signer-cert.pem",
        2,
        "missing-key",
    ),
    Case("audit-as-of-not-a-date", "audit {in}/claims.yaml --as-of soon", 2, "invalid-value"),
]


# -- the inputs -------------------------------------------------------------------------


def _policy_variants(inputs: Path) -> None:
    text = (DATA / "policy-small.yaml").read_text()
    (inputs / "policy.yaml").write_text(text)
    # an unclosed flow sequence
    (inputs / "policy-syntax.yaml").write_text(
        text.replace("evals: [cyber-ctf]", "evals: [cyber-ctf", 1)
    )
    cycle = "    - {source: cyber-critical, target: cyber-high}\n"
    assert cycle in text
    (inputs / "policy-cycle.yaml").write_text(
        text.replace(cycle, cycle + "    - {source: cyber-high, target: cyber-critical}\n")
    )
    requires = "{threshold: cyber-high, safeguards: [security-l3]}"
    assert requires in text
    (inputs / "policy-unknown-ref.yaml").write_text(
        text.replace(requires, "{threshold: cyber-hgih, safeguards: [security-l3]}")
    )
    (inputs / "policy-date.yaml").write_text(
        text.replace("effective: 2026-01-01", "effective: 2026-02-30", 1)
    )
    assert "    axis: usd\n    assessed_range: {min: novice, max: state}\n" in text
    (inputs / "policy-axis.yaml").write_text(
        text.replace(
            "    axis: usd\n    assessed_range: {min: novice, max: state}\n",
            "    axis: dollars\n    assessed_range: {min: novice, max: stat}\n",
            1,
        ).replace("function: 0.6", "function: 1.2", 1)
    )
    (inputs / "policy-above-one.yaml").write_text(text.replace("[1.0e+7, 0.8]]", "[1.0e+7, 1.2]]"))
    # extrapolation caps past what the calibration study found calibrated, or not numbers
    cap = "  max_extrapolation_oom: 1\n"
    assert cap in text
    for name, value in (
        ("policy-attempts-cap-2.yaml", "  max_attempts_extrapolation_oom: 2\n"),
        (
            "policy-attempts-cap-map.yaml",
            "  max_attempts_extrapolation_oom: {crossed: 6, not_crossed: 1}\n",
        ),
        ("policy-cap-nan.yaml", "  max_extrapolation_oom: {crossed: .nan, not_crossed: 0.5}\n"),
        ("policy-cap-extra-key.yaml", "  max_extrapolation_oom: {crossed: 1, ruled_out: 0.5}\n"),
    ):
        extra = cap if "attempts" in name else ""
        (inputs / name).write_text(text.replace(cap, extra + value, 1))


def _signed_pdfs(inputs: Path) -> None:
    import datetime as dt

    from checker.report import determination_pdf
    from checker.sign import load_signer, make_dev_ca, sign_pdf

    keys = make_dev_ca(inputs / "keys")
    det = (inputs / "det.json").read_bytes()
    pdf = determination_pdf(
        "<!doctype html><html><body><p>hostile-input test</p></body></html>",
        det,
        created=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC),
    )
    signer = load_signer(keys.signer_key, keys.signer_cert, passphrase=None)
    signed = sign_pdf(pdf, signer, reason="tests", location="tests")
    (inputs / "signed.pdf").write_bytes(signed)
    m = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]", signed)
    assert m is not None
    start, end = int(m.group(1)) + 1, int(m.group(2)) - 1  # the hex digits between < and >
    padded = bytearray(signed)
    padded[end - 1] = ord("7")  # the last padding digit
    (inputs / "padded.pdf").write_bytes(bytes(padded))
    digits = signed[start:end]
    letter = start + next(i for i, c in enumerate(digits) if chr(c) in "ABCDEFabcdef")
    recased = bytearray(signed)
    recased[letter] = ord(chr(recased[letter]).swapcase())
    (inputs / "recased.pdf").write_bytes(bytes(recased))
    (inputs / "truncated.pdf").write_bytes(signed[: len(signed) // 2])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("checker.report.render", reason="the PDF renderer is not installed")
    folder = tmp_path_factory.mktemp("hostile-cli") / "in"
    folder.mkdir()
    _policy_variants(folder)
    for name in ("evidence-small.yaml", "attempts-small.jsonl"):
        shutil.copy(DATA / name, folder / name.replace("evidence-small", "evidence"))
    shutil.copy(DATA / "golden" / "demo-determination-200.json", folder / "det.json")
    shutil.copy(DATA / "audit" / "claims.yaml", folder / "claims.yaml")
    hostile_claims = ROOT / "tests" / "hostile" / "claims" / "unknown-key.yaml"
    shutil.copy(hostile_claims, folder / "claims-unknown-key.yaml")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    _signed_pdfs(folder)
    # what the children use, imported once here rather than once per case
    import checker.engine.evaluate
    import checker.evidence
    import checker.policy.load
    import checker.sign.verify  # noqa: F401
    from checker.cli import app  # noqa: F401

    return folder


# -- running a case ---------------------------------------------------------------------


@dataclass
class Outcome:
    """What one run did."""

    exit: int
    output: str
    seconds: float
    timed_out: bool = False
    max_rss_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _child(args: list[str], cwd: Path, log: Path, limit: int) -> None:
    """In the forked child: run ``rspcheck ARGS`` as the console script would; never return."""
    code = 1
    try:
        os.chdir(cwd)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.argv = ["rspcheck", *args]
        from checker.cli import main

        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # what the interpreter would print for an uncaught exception
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed or broken stream: exit anyway
                stream.flush()
        os._exit(code)


def _run_forked(args: list[str], cwd: Path, timeout: float) -> Outcome:
    log = cwd.parent / f"{cwd.name}.log"  # outside the folder whose files are compared
    limit = _vm_size() + MEMORY
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(args, cwd, log, limit)
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - t0 > timeout:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            timed_out = True
            break
        time.sleep(0.01)
    seconds = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    output = log.read_text(errors="replace")
    log.unlink()
    return Outcome(code, output, seconds, timed_out, usage.ru_maxrss / 1024)


def _run_subprocess(args: list[str], cwd: Path, timeout: float) -> Outcome:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (SUBPROCESS_MEMORY, SUBPROCESS_MEMORY))

    t0 = time.monotonic()
    try:
        res = subprocess.run(
            [sys.executable, "-c", "from checker.cli import main; main()", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            preexec_fn=limit,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if exc.stdout else ""
        return Outcome(-9, out, time.monotonic() - t0, timed_out=True)
    return Outcome(res.returncode, res.stdout.decode(errors="replace"), time.monotonic() - t0)


def _snapshot(root: Path, skip: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` except under ``skip``."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_relative_to(skip):
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _params() -> list[object]:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(reason=c.xfail, strict=False)] if c.xfail else [],
        )
        for c in CASES
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, /proc and RLIMIT_AS")
@pytest.mark.parametrize("case", _params())
def test_hostile_command_line(case: Case, inputs: Path) -> None:
    # each case its own copy of the inputs: one that damages them must not spoil the next
    cwd = inputs.parent / f"case-{case.id}"
    shutil.copytree(inputs, cwd / "in")
    out = cwd / "out"
    out.mkdir()
    root = cwd
    fill = {"in": str(cwd / "in"), "out": str(out)}
    args = [a.format(**fill) for a in case.args.split()]
    absent = [Path(a.format(**fill)) for a in case.absent]
    before = _snapshot(root, out)
    assert not any(p.exists() for p in absent), f"{absent}: remove them first"

    run = _run_subprocess if os.environ.get("RSPCHECK_HOSTILE_SUBPROCESS") else _run_forked
    got = run(args, cwd, case.timeout)
    said = f"rspcheck {' '.join(args)}\nexit {got.exit} in {got.seconds:.1f} s:\n{got.output}"

    assert not got.timed_out, f"no answer within {case.timeout} s\n{said}"
    assert "Traceback" not in got.output, said
    assert "MemoryError" not in got.output, said
    assert got.exit == case.exit, said
    problems = [(m["where"], m["code"]) for m in PROBLEM.finditer(got.output)]
    undocumented = sorted({c for _, c in problems} - DOCUMENTED)
    assert not undocumented, f"codes not in docs/errors.md: {undocumented}\n{said}"
    if case.code is not None:
        located = [w for w, c in problems if c == case.code and w != "<input>"]
        assert located, f"no located {case.code} message\n{said}"
    if case.exit != 0:
        assert problems or case.code is None, f"no coded message\n{said}"
    # inputs unchanged, nothing new but in out/
    assert _snapshot(root, out) == before, said
    for path in absent:
        assert not path.exists(), f"{path} was made\n{said}"
