"""``rspcheck demo``: the worked example end to end, a signed determination in under a minute."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app


@app.command()
def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write into (created if missing; its parent must exist).",
        ),
    ] = Path("rspcheck-demo"),
    replicates: Annotated[
        int | None,
        typer.Option(
            min=50,
            help="Bootstrap replicates (default: the policy's 1000; e.g. 200 for a quick look).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Bootstrap seed (recorded; same seed, same JSON).")
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(help="Sign with this key (PEM) instead of a development key.", dir_okay=False),
    ] = None,
    cert: Annotated[
        Path | None, typer.Option(help="The signing key's certificate (PEM).", dir_okay=False)
    ] = None,
    trust: Annotated[
        Path | None,
        typer.Option(help="Root certificate the signer chains to (to verify).", dir_okay=False),
    ] = None,
    passphrase_env: Annotated[
        str | None,
        typer.Option(
            "--passphrase-env", metavar="VAR", help="Environment variable unlocking --key."
        ),
    ] = None,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit",
            help="Run the audit example instead: the simulated system card of "
            "examples/audit/ audited against the evidence and the reference policy, "
            "written as audit.json, audit.html and a signed audit.pdf, and verified.",
        ),
    ] = False,
) -> None:
    """Run the worked example: check the **candidate** model of `examples/` against
    `policies/rspcheck-reference.yaml`, compare it with the **previous** model at matched
    budgets, write `determination.json` and a signed `determination.pdf`, and verify them.

    Without `--key`, a development CA and signing key are made in `OUT/keys/` (the trust root
    is `OUT/keys/dev-root.pem`) and reused by later runs. Everything runs offline.

    The gate **blocks**: that is the example's story (a threshold crossed once repeated
    sampling is credited, a required safeguard not attested), not a failure. Exit codes:
    **0** the demo worked (whatever the gate says), **4** the signed PDF did not verify,
    **2** bad input or a missing dependency, **1** unexpected error.

    Example: `rspcheck demo --out rspcheck-demo`
    """
    from rich.console import Console

    from checker.cli._errors import EXIT_BAD_INPUT, EXIT_VERIFY_FAILED, print_problems
    from checker.errors import RspcheckError

    console = Console(highlight=False)
    started = time.perf_counter()
    if audit:
        from checker.cli.audit import run_audit_demo

        run_audit_demo(out, replicates=replicates, seed=seed)
        return

    class _Step:
        """Show a spinner while a step runs, then one line with its time."""

        def __init__(self, description: str) -> None:
            self.description = description

        def __enter__(self) -> None:
            self.t0 = time.perf_counter()
            self.status = console.status(f"{self.description}…")
            self.status.__enter__()

        def __exit__(self, exc_type: object, *_: object) -> None:
            self.status.__exit__(None, None, None)
            took = time.perf_counter() - self.t0
            if exc_type is None:
                console.print(f"[green]✓[/] {self.description} [dim]({took:.1f} s)[/]")
            else:
                console.print(f"[red]✗[/] {self.description} [dim]({took:.1f} s)[/]")

    from checker.demo import AS_OF, COMPARE_WITH, MODEL, run_demo, story

    console.print(
        f"[bold]rspcheck demo[/]: the worked example (examples/) checked against the reference "
        f"policy; model [bold]{MODEL}[/], compared with [bold]{COMPARE_WITH}[/]; attestations "
        f"judged as of {AS_OF.isoformat()} (the example's review date)."
    )
    if replicates is not None:
        console.print(
            f"Bootstrap replicates set to {replicates} (the policy says 1000)"
            + (": a quick look, with slightly noisier intervals." if replicates < 1000 else ".")
        )
    try:
        from checker.sign.keys import read_passphrase

        secret = read_passphrase(env=passphrase_env) if passphrase_env else None
        result = run_demo(
            out,
            replicates=replicates,
            seed=seed,
            key=key,
            cert=cert,
            trust=trust,
            passphrase=secret,
            step=_Step,
        )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    from checker.cli._summary import print_summary

    console.print()
    print_summary(result.determination, console)

    console.print()
    console.print("[bold]What to look at[/]")
    for i, line in enumerate(story(result.determination), start=1):
        console.print(f"  {i}. {line}")

    console.print()
    console.print("[bold]Files[/]")
    console.print(f"  determination (JSON)   {result.determination_json}")
    console.print(f"  signed report (PDF)    {result.determination_pdf}")
    console.print(
        f"  trust root             {result.trust_root}"
        + (" (development CA, made by this run)" if result.keys_created else "")
    )
    console.print(f"  policy                 {result.policy}")
    console.print(f"  evidence               {result.evidence}")

    console.print()
    v = result.verification
    mark = {True: "[green]✓[/]", False: "[red]✗[/]"}
    console.print("[bold]Verification[/]")
    console.print(f"  {mark[v.ok]} {v.summary()}")
    console.print(
        f"  {mark[result.json_matches]} the determination.json inside the PDF is "
        f"{result.determination_json} byte for byte"
    )
    for c in result.input_checks:
        console.print(f"  {mark[c.ok]} {c.line()}")
    console.print("  Re-run the check yourself:")
    console.print(f"    {result.verify_command()}", soft_wrap=True)
    if result.dev_key:
        console.print(
            "  (--allow-dev-key: the demo signs with a development key, which verify refuses "
            "by default; release determinations are signed with your organisation's key.)"
        )

    total = time.perf_counter() - started
    console.print()
    if not result.ok:
        console.print(f"[red]The signed PDF did not verify[/] ({total:.1f} s).")
        raise typer.Exit(EXIT_VERIFY_FAILED)
    gate = result.determination.gate.result
    console.print(
        f"Done in {total:.1f} s. The gate says [bold]{gate.upper().replace('_', ' ')}[/]"
        + (
            ": that is the story this example tells, not a failure of the demo (exit status "
            "0). `rspcheck check` on the same inputs exits 3."
            if gate == "block"
            else "."
        )
    )
