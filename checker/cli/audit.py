"""``rspcheck audit``: a system card's claims, checked for budget disclosure, and against a
policy and evidence when given."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._errors import (
    COMMAND_LINE,
    EXIT_BAD_INPUT,
    as_of_option,
    bad_option,
    print_problems,
    run_options,
)
from checker.cli._options import AllowOutsideOpt
from checker.cli.report import (
    P12Opt,
    PassEnvOpt,
    PassFileOpt,
    PassPromptOpt,
    SignCertOpt,
    SignChainOpt,
    SignKeyOpt,
    TimestampOpt,
)
from checker.engine import DEFAULT_SEED


@app.command()
def audit(
    claims: Annotated[
        Path, typer.Argument(help="Claims file (YAML/JSON, `kind: rspcheck-claims`).")
    ],
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            "-e",
            help="Evidence to reproduce claims and match comparisons with (as `check -e`); "
            "repeatable.",
        ),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", "-p", help="A policy: actor budgets per domain, thresholds to address."
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the audit as JSON (schemas/audit).")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the audit report as one HTML page.")
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output: text, json, or for CI github (annotations at the claim's line), "
            "junit, sarif or markdown (errors and warnings; info findings stay in text/json).",
        ),
    ] = "text",
    as_of: Annotated[
        str | None, typer.Option(help="The audit's date, YYYY-MM-DD (default today).")
    ] = None,
    replicates: Annotated[
        int, typer.Option(help="Bootstrap replicates of evidence checks.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = DEFAULT_SEED,
    allow_outside: AllowOutsideOpt = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="Write the audit report as a PDF/A-3b here (signed with the options below).",
        ),
    ] = None,
    sign_key: SignKeyOpt = None,
    sign_cert: SignCertOpt = None,
    sign_chain: SignChainOpt = None,
    p12: P12Opt = None,
    passphrase_env: PassEnvOpt = None,
    passphrase_file: PassFileOpt = None,
    passphrase_prompt: PassPromptOpt = False,
    timestamp_url: TimestampOpt = None,
) -> None:
    """Audit a system card: are its results reported with their inference budget?

    The card is encoded as a claims file (docs/audit.md): each result with its model, mode,
    benchmark, metric, score, the budget as stated (or `not stated`) and where the card says
    it; the comparisons it draws; the modes it offers. Findings, each with a stable code, a
    severity and the claim's file:line:

    **claims alone**: budget or attempts not stated, comparisons at unmatched budgets, modes
    offered without an evaluation. **with --policy**: safety-relevant budgets orders of
    magnitude below the policy's, thresholds no claim addresses. **with --evidence**: claims
    not reproduced at their stated budget, the matched-budget comparison beside the card's
    (survives, reversed, or cannot be checked), curves still rising at the top budget.

    With `--pdf FILE` the audit is also written as a PDF/A-3b report carrying the audit JSON,
    signed with the options `check` takes (`--sign-key` + `--sign-cert`, or `--p12`) and
    verified with `rspcheck verify` as a determination is; `--html FILE` writes the same
    content as one page.

    Exit codes: **0** no error-severity finding, **1** findings of severity error, **2** bad
    input.

    Example: `rspcheck audit examples/audit/simulated-card.yaml -e examples/evidence.yaml
    -p policies/rspcheck-reference.yaml`
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output
    from checker.report.ci import CI_FORMATS

    if format not in ("text", "json", *CI_FORMATS):
        raise bad_option(
            "--format",
            f"{format!r} is not an output format: use text, json, " + ", ".join(CI_FORMATS),
        )
    run_options(seed=seed, replicates=replicates)
    date = as_of_option(as_of)
    from checker.cli.report import SigningOptions

    signing = SigningOptions(
        key=sign_key,
        cert=sign_cert,
        chain=tuple(sign_chain or ()),
        p12=p12,
        passphrase_env=passphrase_env,
        passphrase_file=passphrase_file,
        passphrase_prompt=passphrase_prompt,
        timestamp_url=timestamp_url,
    )
    inputs: list[Path] = [
        claims,
        *(evidence or []),
        *([policy] if policy else []),
        *signing.files(),
    ]
    outputs = {"--json": json_out, "--html": html, "--pdf": pdf}
    try:
        check_outputs(outputs, inputs=inputs)
        signer = signing.load_signer() if pdf is not None else None
        if pdf is None and (sign_key or sign_cert or p12):
            raise RspcheckError.one(
                "missing-key",
                "signing options need --pdf FILE (what would be signed?)",
                file=COMMAND_LINE,
                loc=("--pdf",),
            )
        from checker.audit.audit import audit as run_audit
        from checker.audit.findings import AuditInput
        from checker.audit.load import load_claims

        loaded = load_claims(claims)
        record: list[AuditInput] = []
        pol = None
        if policy is not None:
            from checker.policy.load import load_policy

            lp = load_policy(policy)
            pol = lp.policy
            record.append(AuditInput(role="policy", name=str(policy), sha256=lp.sha256))
        ev = None
        if evidence:
            from checker.evidence import load_many

            ev = load_many(evidence, allow_outside=allow_outside or ())
            inputs += [Path(name) for name, _ in ev.files]
            record += [AuditInput(role="evidence", name=n, sha256=d) for n, d in ev.files]
            check_outputs(outputs, inputs=inputs)
        result = run_audit(
            loaded,
            evidence=ev,
            policy=pol,
            inputs=record,
            replicates=replicates,
            seed=seed,
            as_of=date,
        )
        text = result.model_dump_json(indent=2) + "\n"
        if json_out:
            write_output(json_out, text, inputs=inputs)
        if html:
            from checker.audit.render import audit_html

            write_output(html, audit_html(result), inputs=inputs)
        if pdf is not None:
            from checker.audit.render import audit_pdf

            write_output(
                pdf,
                audit_pdf(result, signer=signer, timestamp_url=signing.timestamp_url),
                inputs=inputs,
            )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        sys.stdout.write(text)
    elif format in CI_FORMATS:
        from checker.audit.ci import audit_problems
        from checker.audit.findings import AUDIT_CODES
        from checker.report.ci import findings_ci

        sys.stdout.write(
            findings_ci(
                audit_problems(result),
                format,
                files=[str(claims)],
                tool="audit",
                descriptions={code: meaning for code, (_, meaning) in AUDIT_CODES.items()},
            )
        )
    else:
        from checker.audit.text import audit_text

        width = min(100, shutil.get_terminal_size((80, 24)).columns)
        typer.echo(audit_text(result, width), nl=False)
        for flag, path in outputs.items():
            if path is not None:
                what = flag[2:] + (" (signed)" if flag == "--pdf" and signer else "")
                typer.echo(f"{what} written to {path}")
    if pdf is not None and signer is None:
        typer.echo(f"{pdf} is UNSIGNED: sign it with --sign-key/--sign-cert or --p12", err=True)
    raise typer.Exit(result.exit_code)


def run_audit_demo(out: Path, *, replicates: int | None, seed: int | None) -> None:
    """``rspcheck demo --audit``: the audit example end to end, printed.

    Args:
        out: Folder to write into.
        replicates: Bootstrap replicates (default 1000).
        seed: Bootstrap seed (default the engine's).

    Raises:
        typer.Exit: 0 when the signed PDF verified, 4 when not, 2 on bad input.
    """
    from checker.audit.example import CLAIMS, run_audit_example
    from checker.audit.text import audit_text
    from checker.cli._errors import EXIT_VERIFY_FAILED
    from checker.errors import RspcheckError

    typer.echo(f"rspcheck demo --audit: {CLAIMS.name} (a simulated card) with the example's")
    typer.echo("evidence and the reference policy.")
    try:
        ex = run_audit_example(out, replicates=replicates or 1000, seed=seed or DEFAULT_SEED)
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    width = min(100, shutil.get_terminal_size((80, 24)).columns)
    typer.echo(audit_text(ex.audit, width), nl=False)
    typer.echo("")
    for what, path in (("audit (JSON)", ex.json), ("report (HTML)", ex.html)):
        typer.echo(f"  {what:<20} {path}")
    typer.echo(f"  {'signed report (PDF)':<20} {ex.pdf}")
    typer.echo(f"  {'trust root':<20} {ex.trust_root}")
    typer.echo(("verified: " if ex.verified else "NOT VERIFIED: ") + ex.summary)
    typer.echo(f"  rspcheck verify {ex.pdf} --trust {ex.trust_root} --allow-dev-key")
    if not ex.verified:
        raise typer.Exit(EXIT_VERIFY_FAILED)
