"""``rspcheck report``: render a determination JSON as the (signed) PDF; the signing options
shared with ``rspcheck check --pdf``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from checker.cli import app

if TYPE_CHECKING:
    from checker.determination import Determination

_SIGN = "Signing (PAdES)"

PdfOpt = Annotated[
    Path | None,
    typer.Option(
        "--pdf",
        # no dir_okay=False: checker.files.outputs refuses a folder with a coded message
        help="Write the determination as a PDF/A-3b report here.",
    ),
]
SignKeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--sign-key",
        help="Sign the PDF with this private key (PEM/DER, RSA); needs --sign-cert.",
        dir_okay=False,
        rich_help_panel=_SIGN,
    ),
]
SignCertOpt = Annotated[
    Path | None,
    typer.Option(
        "--sign-cert",
        help="The signing certificate (PEM/DER) for --sign-key.",
        dir_okay=False,
        rich_help_panel=_SIGN,
    ),
]
SignChainOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--sign-chain",
        help="Intermediate certificates to embed; repeatable.",
        dir_okay=False,
        rich_help_panel=_SIGN,
    ),
]
P12Opt = Annotated[
    Path | None,
    typer.Option(
        "--p12",
        help="Sign with the key and certificates in this PKCS#12 file instead.",
        dir_okay=False,
        rich_help_panel=_SIGN,
    ),
]
PassEnvOpt = Annotated[
    str | None,
    typer.Option(
        "--passphrase-env",
        metavar="VAR",
        help="Read the key's passphrase from this environment variable.",
        rich_help_panel=_SIGN,
    ),
]
PassFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="Read the key's passphrase from this file (first line).",
        dir_okay=False,
        rich_help_panel=_SIGN,
    ),
]
PassPromptOpt = Annotated[
    bool,
    typer.Option(
        "--passphrase-prompt",
        help="Ask for the key's passphrase (hidden).",
        rich_help_panel=_SIGN,
    ),
]
TimestampOpt = Annotated[
    str | None,
    typer.Option(
        "--timestamp-url",
        metavar="URL",
        help="RFC 3161 timestamp authority (PAdES B-T); needs network access.",
        rich_help_panel=_SIGN,
    ),
]


@dataclass(frozen=True)
class SigningOptions:
    """What the user asked for on the command line (paths and names only, no secrets)."""

    key: Path | None = None
    cert: Path | None = None
    chain: tuple[Path, ...] = ()
    p12: Path | None = None
    passphrase_env: str | None = None
    passphrase_file: Path | None = None
    passphrase_prompt: bool = False
    timestamp_url: str | None = None

    def load_signer(self) -> Any:
        """The pyHanko signer, or ``None`` when no key was given.

        Raises:
            RspcheckError: bad combinations (``invalid-value``, ``missing-key``) and
                whatever loading the key raises; never with the passphrase in it.
        """
        from checker.errors import RspcheckError
        from checker.sign.keys import load_signer, load_signer_p12, read_passphrase

        if self.p12 is not None and (self.key is not None or self.cert is not None):
            raise RspcheckError.one(
                "invalid-value", "give --p12, or --sign-key with --sign-cert, not both"
            )
        if (self.key is None) != (self.cert is None):
            raise RspcheckError.one(
                "missing-key",
                "--sign-key and --sign-cert go together",
                hint="give both (or a PKCS#12 file with --p12)",
            )
        signing = self.p12 is not None or self.key is not None
        if not signing:
            if self.chain or self.timestamp_url or self._passphrase_named():
                raise RspcheckError.one(
                    "missing-key",
                    "signing options were given without a key",
                    hint="add --sign-key KEY --sign-cert CERT, or --p12 FILE",
                )
            return None
        secret = read_passphrase(
            env=self.passphrase_env,
            file=self.passphrase_file,
            prompt="Passphrase for the signing key: " if self.passphrase_prompt else None,
        )
        if self.p12 is not None:
            return load_signer_p12(self.p12, passphrase=secret)
        assert self.key is not None and self.cert is not None
        return load_signer(self.key, self.cert, list(self.chain), passphrase=secret)

    def files(self) -> list[Path]:
        """The files these options read (key, certificates, passphrase file): inputs that no
        output may overwrite."""
        named = (self.key, self.cert, *self.chain, self.p12, self.passphrase_file)
        return [p for p in named if p is not None]

    def _passphrase_named(self) -> bool:
        return bool(self.passphrase_env or self.passphrase_file or self.passphrase_prompt)


def write_pdf(
    det: Determination,
    out: Path,
    signer: Any,
    options: SigningOptions,
    *,
    inputs: Iterable[Path | str] = (),
) -> None:
    """Render (and sign) ``det`` into ``out``; say what was written on stderr.

    Args:
        det: The determination.
        out: The PDF to write (atomically, never onto one of ``inputs``).
        signer: A pyHanko signer, or ``None`` for an unsigned PDF.
        options: The signing options (the timestamp authority).
        inputs: Files the run read.

    Raises:
        RspcheckError: rendering or signing failed, or ``out`` cannot be written.
    """
    from checker.files.outputs import write_output
    from checker.report.render import render_pdf
    from checker.sign.keys import is_dev_certificate, signer_name
    from checker.sign.signing import signed_determination_pdf

    pdf = (
        render_pdf(det)
        if signer is None
        else signed_determination_pdf(det, signer, timestamp_url=options.timestamp_url)
    )
    write_output(out, pdf, inputs=inputs)
    if signer is None:
        typer.echo(
            f"PDF written to {out} (UNSIGNED: nothing proves who issued it or that it is "
            "unchanged; sign release determinations with --sign-key/--sign-cert or --p12)",
            err=True,
        )
    else:
        cert = signer.signing_cert
        dev = " with a DEVELOPMENT key (NOT FOR RELEASE)" if is_dev_certificate(cert) else ""
        typer.echo(f"signed PDF written to {out} (signer: {signer_name(cert)}{dev})", err=True)


@app.command(no_args_is_help=True)
def report(
    determination: Annotated[
        Path,
        typer.Argument(help="A determination JSON (from `rspcheck check --json`).", dir_okay=False),
    ],
    pdf: Annotated[
        Path,
        typer.Option("--pdf", help="Write the PDF/A-3b report here."),
    ],
    sign_key: SignKeyOpt = None,
    sign_cert: SignCertOpt = None,
    sign_chain: SignChainOpt = None,
    p12: P12Opt = None,
    passphrase_env: PassEnvOpt = None,
    passphrase_file: PassFileOpt = None,
    passphrase_prompt: PassPromptOpt = False,
    timestamp_url: TimestampOpt = None,
) -> None:
    """Render an existing determination JSON as the PDF a review board reads, optionally
    signed.

    The PDF carries the determination as `determination.json` (its canonical form: what
    `rspcheck check --json` writes). Without a key the PDF is **unsigned** and says so on
    its cover; a development key (`rspcheck keygen`) is marked **NOT FOR RELEASE**.

    Exit codes: **0** written, **2** bad input (an unreadable or invalid JSON, a key problem,
    an output path that names the input, a folder or a missing folder).

    Example:
        rspcheck report determination.json --pdf determination.pdf --p12 signer.p12

        rspcheck report d.json --pdf d.pdf --sign-key k.pem --sign-cert c.pem --passphrase-env PASS
    """
    from checker.cli._errors import EXIT_BAD_INPUT, print_problems
    from checker.errors import RspcheckError

    options = SigningOptions(
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
        from checker.determination import load_determination
        from checker.files.outputs import check_outputs

        inputs = [determination, *options.files()]
        check_outputs({"--pdf": pdf}, inputs=inputs)
        det, canonical = load_determination(determination)
        signer = options.load_signer()
        if not canonical:
            typer.echo(
                f"note: {determination} is not in canonical form; the PDF carries its "
                "canonical re-serialisation (what `rspcheck check --json` writes)",
                err=True,
            )
        write_pdf(det, pdf, signer, options, inputs=inputs)
    except RspcheckError as err:
        print_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
