"""Sign a PDF: PAdES (``/ETSI.CAdES.detached``), invisible, RSA, optional RFC 3161 timestamp.

The signature is appended as an incremental update, so the rendered (reproducible) bytes stay
a byte-exact prefix of the signed file and every attachment lies inside the signed range.
It is *invisible* (no widget appearance): a visible pyHanko stamp uses a non-embedded font,
which PDF/A forbids. pyHanko is imported inside the functions.

Signed bytes are not reproducible (the signing time and, for RSA-PSS, the salt change every
time); only the unsigned PDF from :func:`checker.report.pdf.html_to_pdf` is.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from checker.errors import RspcheckError
from checker.sign.keys import is_dev_certificate, signer_name

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.timestamps import TimeStamper

    from checker.determination import Determination

__all__ = ["SIGNATURE_FIELD", "is_dev_certificate", "sign_pdf"]

#: The name of the signature field rspcheck creates.
SIGNATURE_FIELD = "rspcheck-signature"


def sign_pdf(
    pdf_bytes: bytes,
    signer: Signer,
    *,
    reason: str,
    location: str,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Return ``pdf_bytes`` with an invisible PAdES signature appended.

    Args:
        signer: From :func:`checker.sign.keys.load_signer` or ``load_signer_p12``.
        reason: Why it is signed (shown by viewers), e.g. ``"rspcheck determination"``.
        location: Where, e.g. a host or organisation name.
        timestamp_url: An RFC 3161 timestamp authority; makes the signature PAdES B-T,
            whose signing time no longer rests on the signer's clock. Needs network access.
        timestamper: A ready pyHanko ``TimeStamper`` instead of a URL (tests use pyHanko's
            ``DummyTimeStamper``); not together with ``timestamp_url``.

    Raises:
        RspcheckError: ``not-a-pdf`` when the input cannot be read; ``signing-failed``
            when pyHanko or the timestamp authority fails.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers

    if timestamp_url and timestamper is not None:
        raise RspcheckError.one("invalid-value", "give timestamp_url or timestamper, not both")
    if timestamp_url:
        # pyHanko's aiohttp client opens and closes a session per request, so it is safe
        # with the event loop that the synchronous sign_pdf runs
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(timestamp_url, timeout=30)

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfReadError, ValueError, IndexError, KeyError, TypeError) as exc:
        raise RspcheckError.one("not-a-pdf", f"cannot open the PDF to sign it: {exc}") from None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    try:
        out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    except Exception as exc:  # pyHanko's SigningError, network errors from the TSA, ...
        where = " (timestamp authority)" if timestamper is not None else ""
        raise RspcheckError.one(
            "signing-failed", f"signing failed{where}: {type(exc).__name__}: {exc}"
        ) from None
    return out.getvalue()


def signed_determination_pdf(
    det: Determination,
    signer: Signer,
    *,
    reason: str = "rspcheck determination",
    location: str = "rspcheck",
    timestamp_url: str | None = None,
) -> bytes:
    """The report of ``det`` (:func:`checker.report.render_pdf`) with the signer's name on its
    cover, signed by ``signer``: what ``rspcheck check --pdf`` and ``report`` write."""
    from checker.report.render import render_pdf

    cert = signer.signing_cert
    pdf = render_pdf(det, signer_label=signer_name(cert), dev_key=is_dev_certificate(cert))
    return sign_pdf(pdf, signer, reason=reason, location=location, timestamp_url=timestamp_url)
