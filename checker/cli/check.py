"""``rspcheck check``: evaluate a policy against evidence; the CI gate."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app
from checker.cli._errors import EXIT_BAD_INPUT, EXIT_BLOCK, print_problems
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
            help="Evidence: a manifest, an Inspect log (.eval/.json), lm-eval results_*.json, "
            "samples_*.jsonl or output folder, or an attempts table (the sources `rspcheck "
            "ingest` reads); repeatable.",
        ),
    ],
    model: Annotated[
        str | None, typer.Option(help="Model id to evaluate (needed if evidence has several).")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Bootstrap seed, 0 to 2**64-1 (recorded; same seed, same JSON).")
    ] = DEFAULT_SEED,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the determination JSON here.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Output: text or json.")] = "text",
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

    Exit codes: **0** allow (also with safeguards), **3** block, **2** bad input or usage,
    **1** unexpected error.

    With `--pdf FILE` the determination is also written as a PDF/A-3b report carrying the
    JSON; it is signed when `--sign-key` + `--sign-cert` (or `--p12`) are given, unsigned
    (and marked so) otherwise.

    Example: `rspcheck check -p policies/rspcheck-reference.yaml -e examples/evidence.yaml
    --model candidate --json determination.json`
    """
    from checker.engine.evaluate import evaluate
    from checker.errors import RspcheckError
    from checker.evidence import load_many
    from checker.policy.load import load_policy

    if format not in ("text", "json"):
        raise typer.BadParameter("use 'text' or 'json'", param_hint="--format")
    date = None
    if as_of:
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter("write the date as YYYY-MM-DD", param_hint="--as-of") from None
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
    try:
        # the key first: a wrong passphrase should not wait for the whole computation
        signer = signing.load_signer() if pdf is not None else None
        if pdf is None and (sign_key or sign_cert or p12):
            raise RspcheckError.one(
                "missing-key", "signing options need --pdf FILE (what would be signed?)"
            )
        loaded = load_policy(policy, today=date)
        ev = load_many(evidence)
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
        print_problems(err)  # a --seed or --replicates out of bounds too (invalid-value)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from checker.engine.evaluate import preview_warning

    preview = preview_warning(det.settings.bootstrap_replicates)
    if preview:  # also in the determination's warnings; said here so a CI log shows it
        typer.echo(f"warning: {preview}", err=True)
    text = det.to_json()
    if json_out:
        json_out.write_text(text, encoding="utf-8")
    if pdf is not None:
        from checker.cli.report import write_pdf

        try:
            write_pdf(det, pdf, signer, signing)
        except RspcheckError as err:
            print_problems(err)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    if format == "json":
        sys.stdout.write(text)
    else:
        from checker.cli._summary import print_summary

        print_summary(det)
        if json_out:
            typer.echo(f"determination written to {json_out}")
    raise typer.Exit(EXIT_BLOCK if det.gate.result == "block" else 0)
