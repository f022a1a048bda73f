"""``rspcheck check``: evaluate a policy against evidence; the CI gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._errors import (
    EXIT_BAD_INPUT,
    EXIT_BLOCK,
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
    PdfOpt,
    SignCertOpt,
    SignChainOpt,
    SignKeyOpt,
    TimestampOpt,
)
from checker.engine import DEFAULT_SEED


@app.command()
def check(
    policy: Annotated[Path, typer.Option("--policy", "-p", help="Policy file (YAML/JSON).")],
    evidence: Annotated[
        list[Path],
        typer.Option(
            "--evidence",
            "-e",
            help="Evidence: a manifest, an Inspect log (.eval/.json) or a folder of them, lm-eval "
            "results_DATE.json, samples_TASK_DATE.jsonl or output folder, or an attempts table "
            "(the sources `rspcheck ingest` reads); repeatable, and several may follow one -e "
            "(`-e logs/*.eval`).",
        ),
    ],
    more_evidence: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="MORE_EVIDENCE",
            help="More evidence sources, read as if each followed its own -e: what a shell "
            "glob after -e expands to (`-e logs/*.eval`).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model id to evaluate (needed if evidence has several).")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Bootstrap seed, 0 to 2**64-1 (recorded; same seed, same JSON).")
    ] = DEFAULT_SEED,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the determination JSON here.")
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output: `text`, `json` (the determination), or for CI `github` (workflow "
            "annotations), `junit` (one test case per threshold, and the gate), `sarif` "
            "(2.1.0) or `markdown` (a step summary: `>> $GITHUB_STEP_SUMMARY`).",
        ),
    ] = "text",
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="`block` (exit 3 when the gate blocks) or `indeterminate` (also exit 3 when "
            "any threshold is indeterminate, whatever the policy's indeterminate_as).",
        ),
    ] = "block",
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Judge attestations, waivers and prices as of YYYY-MM-DD (default today)."
        ),
    ] = None,
    replicates: Annotated[
        int | None,
        typer.Option(
            help="Override the policy's bootstrap replicates, 50 to 100000 (e.g. 200 for a "
            "preview; fewer than 300 is marked a preview in the determination)."
        ),
    ] = None,
    compare_with: Annotated[
        str | None,
        typer.Option(
            help="Also compare with this model (e.g. the previous release) at matched "
            "budgets on every eval the policy uses."
        ),
    ] = None,
    allow_outside: AllowOutsideOpt = None,
    pdf: PdfOpt = None,
    sign_key: SignKeyOpt = None,
    sign_cert: SignCertOpt = None,
    sign_chain: SignChainOpt = None,
    p12: P12Opt = None,
    passphrase_env: PassEnvOpt = None,
    passphrase_file: PassFileOpt = None,
    passphrase_prompt: PassPromptOpt = False,
    timestamp_url: TimestampOpt = None,
) -> None:
    """Decide every threshold of a policy for one model, and the release gate.

    For each threshold: **crossed**, **not crossed** or **indeterminate**, the basis (direct
    evidence, repeated sampling, extrapolation), the crossing budget and the budget coverage
    of the evidence over the range the policy names. Nothing is decided on missing evidence:
    what the evidence does not cover is indeterminate, and indeterminate counts as crossed at
    the gate unless the policy says otherwise.

    Exit codes: **0** allow (also with safeguards), **3** block (or, with `--fail-on
    indeterminate`, any threshold indeterminate), **2** bad input or usage, **1** unexpected
    error.

    With `--pdf FILE` the determination is also written as a PDF/A-3b report carrying the
    JSON; it is signed when `--sign-key` + `--sign-cert` (or `--p12`) are given, unsigned
    (and marked so) otherwise.

    Example: `rspcheck check -p policies/rspcheck-reference.yaml -e examples/evidence.yaml
    --model candidate --json determination.json`; over Inspect logs: `rspcheck check -p
    policy.yaml -e logs/*.eval` (or `-e logs/`).
    """
    from checker.errors import RspcheckError
    from checker.files.outputs import check_outputs, write_output
    from checker.report.ci import CI_FORMATS

    if format not in ("text", "json", *CI_FORMATS):
        raise bad_option(
            "--format",
            f"{format!r} is not an output format: use text, json, {', '.join(CI_FORMATS)}",
        )
    if fail_on not in ("block", "indeterminate"):
        raise bad_option("--fail-on", f"{fail_on!r}: use block or indeterminate")
    date = as_of_option(as_of)

    run_options(seed=seed, replicates=replicates)
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
    evidence = [*evidence, *(more_evidence or ())]
    inputs: list[Path] = [policy, *evidence, *signing.files()]
    outputs = {"--json": json_out, "--pdf": pdf}
    try:
        # outputs and the key first: a wrong path or passphrase must not wait for the
        # whole computation
        check_outputs(outputs, inputs=inputs)
        signer = signing.load_signer() if pdf is not None else None
        if pdf is None and (sign_key or sign_cert or p12):
            raise RspcheckError.one(
                "missing-key", "signing options need --pdf FILE (what would be signed?)"
            )
        # the engine's imports (numpy, scipy) only now: a bad option or path fails at once
        from checker.engine.evaluate import evaluate
        from checker.evidence import load_many
        from checker.policy.load import load_policy

        loaded = load_policy(policy, today=date)
        ev = load_many(evidence, allow_outside=allow_outside or ())
        # the manifests name more files (attempts tables): inputs too, known only now
        inputs += [Path(name) for name, _ in ev.files]
        check_outputs(outputs, inputs=inputs)
        from checker.cli._progress import threshold_progress

        with threshold_progress() as progress:
            det = evaluate(
                loaded,
                ev,
                model=model,
                seed=seed,
                as_of=date,
                replicates=replicates,
                compare_with=compare_with,
                progress=progress,
            )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format != "text":  # stdout is the JSON or CI output: warnings go where a CI log shows them
        for warning in det.warnings:
            typer.echo(f"warning: {warning}", err=True)
    text = det.to_json()
    try:
        if json_out:
            write_output(json_out, text, inputs=inputs)
        if pdf is not None:
            from checker.cli.report import write_pdf

            write_pdf(det, pdf, signer, signing, inputs=inputs)
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        sys.stdout.write(text)
    elif format in CI_FORMATS:
        from checker.report.ci import determination_ci

        sys.stdout.write(
            determination_ci(
                det,
                format,  # narrowed to a CI format by `in CI_FORMATS`
                policy_file=str(policy),
                fail_on_indeterminate=fail_on == "indeterminate",
            )
        )
    else:
        from checker.cli._summary import print_summary

        print_summary(det)
        if json_out:
            typer.echo(f"determination written to {json_out}")
    from checker.report.ci import gate_failed

    raise typer.Exit(EXIT_BLOCK if gate_failed(det, fail_on == "indeterminate") else 0)
