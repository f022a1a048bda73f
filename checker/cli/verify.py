"""``rspcheck verify``: print what :func:`checker.sign.verify.verify_pdf` finds, exit with its
verdict."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._options import AllowOutsideOpt


class OutputFormat(enum.StrEnum):
    """How ``verify`` prints its report: lines a person reads, one JSON document, or a CI
    system's format."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"
    markdown = "markdown"


@app.command(no_args_is_help=True)
def verify(
    file: Annotated[Path, typer.Argument(help="The signed determination PDF.", dir_okay=False)],
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust",
            "-t",
            help="Root certificate (PEM/DER) to trust; repeat for several. Required: a "
            "signature means nothing without knowing whose root you accept.",
            dir_okay=False,
        ),
    ],
    policy: Annotated[
        Path | None,
        typer.Option("--policy", "-p", help="Policy file to compare with its recorded digest."),
    ] = None,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence", "-e", help="Evidence file to compare with its recorded digest; repeat."
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json-out",
            help="Write the extracted determination.json here (only if the signature checks pass).",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (✓/✗ lines), json (machine-readable), or for CI github (annotations), "
            "junit (a test case per check), sarif or markdown (a step summary).",
        ),
    ] = OutputFormat.text,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="ISO-8601",
            help="Judge the certificate at this time instead of now, e.g. 2026-01-31T12:00:00Z.",
        ),
    ] = None,
    allow_dev_key: Annotated[
        bool,
        typer.Option("--allow-dev-key", help="Accept a development signature (rspcheck keygen)."),
    ] = False,
    rerun: Annotated[
        bool,
        typer.Option(
            "--rerun",
            help="Also re-run the determination from --policy and --evidence and compare.",
        ),
    ] = False,
    allow_outside: AllowOutsideOpt = None,
) -> None:
    """Verify a signed determination PDF: who signed it, that nothing changed, and what it
    was computed from.

    Checks, each printed as a ✓/✗ line:

    1. the signature is **intact** (no signed byte changed) and covers the **entire file**
       (nothing appended after signing);
    2. the signer's certificate **chains to a --trust root** and was **valid** (not expired,
       not yet valid) at the validation time (now, or --at);
    3. the PDF carries a valid **determination.json** in its signed revision;
    4. each --policy/--evidence file has the **sha256 the determination recorded**;
    5. with --rerun, re-running the determination gives the same result.

    Exit status: **0** everything asked holds; **4** verification failed (each failure is
    named with its code, see docs/errors.md); **2** bad usage, unreadable files, or a
    --json-out that names an input, a folder or a missing folder.

    Example:
        rspcheck verify determination.pdf --trust org-root.pem --policy rsp.yaml -e evals.jsonl
    """
    from checker.cli._errors import EXIT_BAD_INPUT, EXIT_VERIFY_FAILED, print_problems
    from checker.errors import RspcheckError
    from checker.files.access import read_bytes
    from checker.files.outputs import check_outputs, write_output
    from checker.sign.keys import load_certificates
    from checker.sign.verify import MAX_PDF_BYTES, verify_pdf

    evidence = evidence or []
    files = [*([policy] if policy is not None else []), *evidence]
    inputs = [file, *trust, *files]
    try:
        check_outputs({"--json-out": json_out}, inputs=inputs)
        when = _parse_time(at)
        roots = [cert for path in trust for cert in load_certificates(path)]
        pdf_bytes = read_bytes(file, max_bytes=MAX_PDF_BYTES)
        if rerun and (policy is None or not evidence):
            raise RspcheckError.one(
                "missing-key",
                "--rerun needs --policy and at least one --evidence",
                hint="give the same inputs the determination was made from",
            )
        report = verify_pdf(
            pdf_bytes,
            roots,
            inputs=files,
            rerun_with=(policy, evidence) if rerun and policy is not None else None,
            allow_outside=allow_outside or (),
            validation_time=when,
            allow_dev_key=allow_dev_key,
            name=str(file),
        )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    # the extracted JSON is what the signer vouched for: written when the signature holds,
    # even if an input file differs
    wrote: str | None = None
    if json_out is not None and report.signature.ok and report.determination is not None:
        try:
            _refuse_recorded_input(json_out, report.determination_dict() or {})
            write_output(json_out, report.determination, inputs=inputs)
        except RspcheckError as err:
            print_problems(err)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        wrote = str(json_out)

    if fmt is OutputFormat.json:
        import json

        doc = {**report.to_dict(), "determination_written_to": wrote}
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    elif fmt is not OutputFormat.text:
        from typing import cast

        from checker.report.ci import CiFormat, checks_ci

        ci = cast(CiFormat, fmt.value)  # every member but text and json is a CI format
        typer.echo(checks_ci(report.checks(), list(report.failures), ci, file=str(file)), nl=False)
    else:
        mark = _marks()
        typer.echo(f"{file}")
        for passed, line in report.checks():
            typer.echo(f"  {mark[passed]} {line}")
        if wrote:
            typer.echo(f"  determination.json written to {wrote}")
        elif json_out is not None:
            typer.echo("  determination.json NOT written: the signature checks failed", err=True)
        if report.ok:
            typer.echo(report.summary())
        else:
            # counted as the ✗ lines above are, not as the problems below (one check can
            # fail for more than one reason, and a problem need not have a line of its own)
            checks = report.checks()
            failed = sum(1 for ok, _ in checks if ok is False)
            total = sum(1 for ok, _ in checks if ok is not None)
            typer.echo(f"FAILED: {failed} of {total} checks failed")
            print_problems(RspcheckError(list(report.failures)))
    if not report.ok:
        raise typer.Exit(EXIT_VERIFY_FAILED)


def _refuse_recorded_input(out: Path, determination: dict[str, object]) -> None:
    """Refuse to overwrite a file the determination records as one of its inputs (an attempts
    table named by a manifest is one, though not given on the command line).

    Raises:
        RspcheckError: ``output-is-input``.
    """
    import hashlib

    from checker.errors import RspcheckError

    if not out.is_file():
        return
    recorded = determination.get("inputs")
    digests = {
        str(r.get("sha256", "")).lower(): str(r.get("name"))
        for r in (recorded if isinstance(recorded, list) else [])
        if isinstance(r, dict)
    }
    h = hashlib.sha256()
    with out.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    name = digests.get(h.hexdigest())
    if name is not None:
        raise RspcheckError.one(
            "output-is-input",
            f"the output holds the input {name!r} the determination records; it would be lost",
            hint="write the determination under another name",
            file=str(out),
        )


def _parse_time(at: str | None) -> dt.datetime | None:
    from checker.errors import RspcheckError

    if at is None:
        return None
    try:
        t = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        raise RspcheckError.one(
            "invalid-value",
            f"{at!r} is not an ISO 8601 time",
            hint="e.g. 2026-01-31T12:00:00Z",
            file="<command line>",
            loc=("--at",),
        ) from None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _marks() -> dict[bool | None, str]:
    import sys

    enc = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✓✗·".encode(enc)
    except (UnicodeEncodeError, LookupError):
        return {True: "OK  ", False: "FAIL", None: "    "}
    return {True: "✓", False: "✗", None: "·"}
