"""``rspcheck keygen``: make a development CA and signing key (never for release)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checker.cli import app


@app.command(no_args_is_help=True)
def keygen(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Directory to write the key files into (created, mode 0700, if missing; "
            "its parent must exist).",
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace existing key files.")] = False,
    passphrase_env: Annotated[
        str | None,
        typer.Option(
            "--passphrase-env",
            metavar="VAR",
            help="Encrypt the key with the passphrase in this environment variable.",
        ),
    ] = None,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            help="Encrypt the key with the passphrase in this file (first line).",
            dir_okay=False,
        ),
    ] = None,
    passphrase_prompt: Annotated[
        bool,
        typer.Option(
            "--passphrase-prompt", help="Encrypt the key with a passphrase typed (hidden)."
        ),
    ] = False,
) -> None:
    """Make a **development** root CA and an RSA-3072 signing key issued by it.

    Writes `dev-root.pem` (the trust root), `dev-signer-key.pem` + `dev-signer-cert.pem` and
    `dev-signer.p12`. The key is unencrypted (mode 0600) unless a passphrase source is given.
    The root's private key is thrown away: run keygen again to rotate.

    Every certificate says **rspcheck development key — NOT FOR RELEASE**, and
    `rspcheck verify` refuses such a signature unless given `--allow-dev-key`. Release
    determinations must be signed with your organisation's key and certificate.

    Example:
        rspcheck keygen --out .rspcheck-dev-keys

        rspcheck verify determination.pdf --trust .rspcheck-dev-keys/dev-root.pem --allow-dev-key
    """
    from checker.cli._errors import EXIT_BAD_INPUT, print_problems
    from checker.errors import RspcheckError
    from checker.sign.keys import make_dev_ca, read_passphrase

    try:
        secret = read_passphrase(
            env=passphrase_env,
            file=passphrase_file,
            prompt="Passphrase for the development key: " if passphrase_prompt else None,
        )
        paths = make_dev_ca(
            out,
            passphrase=secret,
            force=force,
            inputs=[passphrase_file] if passphrase_file is not None else (),
        )
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    enc = "encrypted" if paths.encrypted else "unencrypted, mode 0600"
    typer.echo(f"trust root    {paths.root_cert}")
    typer.echo(f"signing key   {paths.signer_key}  ({enc})")
    typer.echo(f"certificate   {paths.signer_cert}")
    typer.echo(f"PKCS#12       {paths.p12}")
    typer.echo(
        "warning: this is a DEVELOPMENT key (NOT FOR RELEASE). PDFs signed with it are marked "
        "as dev-signed, and `rspcheck verify` rejects them unless given --allow-dev-key.",
        err=True,
    )
