"""Verify a signed determination PDF: one call, one report, one verdict.

:func:`verify_pdf` answers each question an auditor asks and returns them in one frozen
:class:`VerificationReport`: the signature (:class:`SignatureReport`: intact, trusted, in its
validity window, covering the whole file, carrying the determination), the given input files
against the digests the determination recorded (:class:`InputCheck`), and, when asked, a re-run
of the determination from those files. Its one derived verdict is
:attr:`VerificationReport.ok`; ``rspcheck verify`` prints that report and nothing else, so a
library caller and the command always agree. Failures are :class:`checker.errors.Problem` objects
with stable codes (``docs/errors.md``).

The determination contract (what rspcheck's engine writes and this module requires):

* the PDF carries an embedded file named ``determination.json`` (PDF/A-3 associated file,
  ``/AFRelationship /Data``) inside the **signed** revision;
* it is UTF-8 JSON whose top level is an object whose ``kind`` is
  :data:`checker.determination.DETERMINATION_KIND`;
* its inputs are listed as ``"inputs": [{"role": "policy" | "evidence" | ..., "name":
  "<file name>", "sha256": "<64 hex>"}, ...]`` (checked by :func:`match_inputs`; an absent
  ``inputs`` key means nothing to check against).

Verification rules: pyHanko's ``intact`` (digest over the signed byte range) and ``trusted``
(valid, intact, and a path to a trust root at the validation time) are used, never ``valid``
alone. The signature checked is the document's last one, and it must cover the entire file:
any byte or revision appended afterwards is ``modified-after-signing``. The one span the
signature cannot cover, its own ``/Contents`` hex string, must hold the CMS signature and then
zero padding only, in one letter case (``signature-contents-altered``): otherwise bytes could be
changed there, and a message hidden, while the signature still reads as intact. Whether the
signer's certificate chains to a trust root is judged separately from its validity window, so
an expired certificate from the right CA says ``certificate-expired``, not "untrusted".
A certificate marked as an rspcheck development key fails with ``signed-with-dev-key`` unless
``allow_dev_key=True``: a determination is a claim to third parties, and a development key
must never pass a release check by accident.

pyHanko is imported inside the functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography import x509

from checker.determination import DETERMINATION_NAME, parse_determination
from checker.errors import Problem, RspcheckError
from checker.sign.keys import is_dev_certificate

MAX_PDF_BYTES = 512 * 1024 * 1024
"""Largest determination PDF read (512 MiB; a determination's PDF is ~100 KB)."""

__all__ = [
    "InputCheck",
    "SignatureReport",
    "VerificationReport",
    "check_input_digests",
    "extract_determination",
    "match_inputs",
    "verify_pdf",
    "verify_signature",
]


# -- the signature ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    """What :func:`verify_signature` found about the PDF itself (signature, trust, attachment).

    Each field answers one question; ``None`` = not asked or not applicable (e.g. ``intact``
    of an unsigned file).
    """

    validation_time: dt.datetime
    """The moment the certificate was judged at (UTC)."""
    is_pdf: bool
    """The input parses as a PDF."""
    signed: bool
    """The PDF has at least one signature (the last one is the one checked)."""
    signature_count: int = 0
    """How many signatures the PDF holds."""
    intact: bool | None = None
    """The signed bytes hash to the digest in the signature (pyHanko ``intact``)."""
    contents_clean: bool | None = None
    """The signature's ``/Contents`` (the one span of the file the signature cannot cover)
    holds the CMS signature, then zero padding only, written as hex in one letter case."""
    valid: bool | None = None
    """The signature value verifies with the signer's public key (pyHanko ``valid``)."""
    trusted: bool | None = None
    """pyHanko ``trusted``: valid ∧ intact ∧ a path to a trust root at ``validation_time``."""
    chains_to_trust_root: bool | None = None
    """The signer's certificate chains to a given root, judged inside its validity window
    (so an expired certificate from the right CA still says True here)."""
    signer_subject: str | None = None
    """The signing certificate's subject, RFC 4514 (``CN=...,O=...``)."""
    signer_issuer: str | None = None
    """The signing certificate's issuer, RFC 4514."""
    signer_sha256: str | None = None
    """SHA-256 fingerprint of the signing certificate (hex)."""
    anchor_is_signer: bool | None = None
    """The trust anchor given is the signer's own certificate (pinned), not an issuing root:
    trusted, but only because that very certificate was named."""
    signing_time: dt.datetime | None = None
    """The signing time: the timestamp's when there is one, else the signer's own clock."""
    timestamped: bool | None = None
    """The signature carries an RFC 3161 timestamp."""
    timestamp_ok: bool | None = None
    """The timestamp validates (``None`` without one)."""
    cert_not_before: dt.datetime | None = None
    """Start of the signing certificate's validity."""
    cert_not_after: dt.datetime | None = None
    """End of the signing certificate's validity."""
    cert_expired: bool | None = None
    """``validation_time`` is after ``cert_not_after``."""
    cert_not_yet_valid: bool | None = None
    """``validation_time`` is before ``cert_not_before``."""
    dev_key: bool | None = None
    """The signing certificate is marked as an rspcheck development key."""
    coverage: str | None = None
    """pyHanko's coverage level: ``ENTIRE_FILE``, ``ENTIRE_REVISION``, ... or ``UNCLEAR``."""
    covers_entire_file: bool | None = None
    """The signature covers every byte of the file."""
    modified_after_signing: bool | None = None
    """Bytes or revisions follow the signed revision."""
    determination: bytes | None = field(default=None, repr=False)
    """The ``determination.json`` bytes from the signed revision (or the file, if unsigned),
    when present and meeting the contract; else ``None``."""
    pyhanko_summary: str | None = None
    """pyHanko's one-line status, e.g. ``INTACT:TRUSTED,UNTOUCHED``."""
    failures: tuple[Problem, ...] = ()
    """Every failed check, with a stable code; empty exactly when :attr:`ok`."""

    @property
    def ok(self) -> bool:
        """The signature's verdict: signed, intact, valid, trusted, in its validity window, covering
        the whole file, carrying a determination, and no failure at all."""
        return (
            not self.failures
            and self.signed
            and bool(self.intact and self.valid and self.trusted and self.chains_to_trust_root)
            and self.covers_entire_file is True
            and not self.cert_expired
            and not self.cert_not_yet_valid
            and self.determination is not None
        )

    @property
    def codes(self) -> list[str]:
        """The failures' codes, in order."""
        return [p.code for p in self.failures]

    def determination_dict(self) -> dict[str, Any] | None:
        """The determination parsed, or ``None``."""
        return None if self.determination is None else json.loads(self.determination)

    def checks(self) -> list[tuple[bool | None, str]]:
        """One ``(passed, line)`` per question, in the order a person reads them; ``passed``
        is ``None`` for information lines."""
        out: list[tuple[bool | None, str]] = []
        if not self.is_pdf:
            return [(False, "input is a PDF")]
        out.append(
            (
                self.signed,
                "PDF is signed"
                + (
                    f" ({self.signature_count} signatures; checking the last)"
                    if self.signature_count > 1
                    else ""
                ),
            )
        )
        if not self.signed:
            out.append((self.determination is not None, f"{DETERMINATION_NAME} attached"))
            return out
        out.append((self.intact, "signature intact (signed bytes unchanged)"))
        if self.contents_clean is not None:
            out.append(
                (
                    self.contents_clean,
                    "signature's /Contents holds the signature and zero padding only",
                )
            )
        out.append((self.valid, "signature value verifies"))
        out.append((self.chains_to_trust_root, "signer chains to a trust root"))
        if self.anchor_is_signer:
            out.append(
                (None, "trust anchor: the signer's own certificate (pinned), not an issuing root")
            )
        out.append((None, f"signer: {self.signer_subject}"))
        out.append((None, f"issuer: {self.signer_issuer}"))
        when = _fmt(self.signing_time)
        src = "timestamp authority" if self.timestamped else "signer's clock, not timestamped"
        out.append((None, f"signing time: {when} ({src})"))
        if self.timestamped:
            out.append((self.timestamp_ok, "timestamp validates"))
        window = f"{_fmt(self.cert_not_before)} … {_fmt(self.cert_not_after)}"
        in_window = not (self.cert_expired or self.cert_not_yet_valid)
        state = (
            "expired"
            if self.cert_expired
            else "not yet valid"
            if self.cert_not_yet_valid
            else "valid"
        )
        out.append(
            (in_window, f"certificate {state} at {_fmt(self.validation_time)} (valid {window})")
        )
        out.append((self.trusted, "signature trusted (pyHanko)"))
        if self.dev_key:
            ok = "signed-with-dev-key" not in self.codes
            out.append((ok, "signed with a DEVELOPMENT key (rspcheck keygen), not for release"))
        out.append((self.covers_entire_file, f"signature covers the entire file ({self.coverage})"))
        out.append((self.determination is not None, f"{DETERMINATION_NAME} attached and valid"))
        return out

    def summary(self) -> str:
        """One line: ``OK: ...`` or ``FAILED [codes]: ...``."""
        who = self.signer_subject or "no signer"
        if self.ok:
            dev = " (development key)" if self.dev_key else ""
            return f"OK: signed by {who}{dev} at {_fmt(self.signing_time)}; intact and trusted"
        return f"FAILED [{', '.join(self.codes)}]: " + "; ".join(p.msg for p in self.failures)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the determination as parsed JSON, dates as ISO strings)."""
        out: dict[str, Any] = {"ok": self.ok}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "determination":
                value = self.determination_dict()
            elif name == "failures":
                value = [p.to_dict() for p in value]
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            out[name] = value
        return out


def _fmt(t: dt.datetime | None) -> str:
    return "unknown" if t is None else t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def extract_determination(pdf_bytes: bytes) -> bytes:
    """The ``determination.json`` bytes, exactly as attached, without checking the signature.

    When the PDF is signed it is read from the revision the last signature covers (what the
    signer vouched for), else from the file as it is.

    Raises:
        RspcheckError: ``not-a-pdf`` or ``not-a-determination``.
    """
    reader = _open_pdf(pdf_bytes)
    if isinstance(reader, Problem):
        raise RspcheckError([reader])
    sigs = _embedded_signatures(reader)
    root = reader.get_historical_root(sigs[-1].signed_revision) if sigs else reader.root
    data = _find_attachment(root, DETERMINATION_NAME)
    if isinstance(data, Problem):
        raise RspcheckError([data])
    parse_determination(data)
    return data


# -- verification --------------------------------------------------------------------------


def verify_signature(
    pdf_bytes: bytes,
    trust_roots: Sequence[Any],
    *,
    validation_time: dt.datetime | None = None,
    allow_dev_key: bool = False,
) -> SignatureReport:
    """Check a determination PDF's signature and attachment; never raises for bad input.

    Args:
        pdf_bytes: The file's bytes (garbage is fine: ``not-a-pdf``).
        trust_roots: Root certificates (``cryptography`` or ``asn1crypto``); see
            :func:`checker.sign.keys.load_certificates`. The signer's own certificate is not a
            root unless it is self-signed and you mean it.
        validation_time: Judge the certificate at this moment (default: now). Use it to
            audit an old file as of a date, or in tests.
        allow_dev_key: Accept a development key (``rspcheck keygen``).

    Returns:
        The signature's report; a bad input is one of its failures.
    """
    when = (validation_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    reader = _open_pdf(pdf_bytes)
    if isinstance(reader, Problem):
        return SignatureReport(when, is_pdf=False, signed=False, failures=(reader,))
    sigs = _embedded_signatures(reader)
    if not sigs:
        data = _find_attachment(reader.root, DETERMINATION_NAME)
        det, det_problem = _checked(data)
        fails = [
            Problem(
                "pdf-unsigned",
                "the PDF carries no digital signature",
                hint="sign it (rspcheck check signs determinations), or ask its "
                "author for the signed file",
            )
        ]
        if det_problem:
            fails.append(det_problem)
        return SignatureReport(
            when, is_pdf=True, signed=False, determination=det, failures=tuple(fails)
        )
    sig = sigs[-1]
    a_roots = [_to_asn1(c) for c in trust_roots]
    return _verify_signature(reader, sig, len(sigs), a_roots, when, allow_dev_key)


def _sha256_hex(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _untrusted(cert: Any, a_roots: list[Any]) -> Problem:
    """The signer does not chain to a given root: both sides by subject and SHA-256
    fingerprint, so that the difference is visible."""
    import hashlib

    mine = cert.fingerprint(_sha256()).hex()
    roots = [(r.subject.human_friendly, hashlib.sha256(r.dump()).hexdigest()) for r in a_roots]
    given = "; ".join(f"{name} (sha256 {fp[:16]}…)" for name, fp in roots) or "none"
    msg = (
        f"the signer {cert.subject.rfc4514_string()} (sha256 {mine[:16]}…, issued by "
        f"{cert.issuer.rfc4514_string()}) does not chain to any given trust root; given: {given}"
    )
    return Problem(
        "signer-untrusted",
        msg,
        hint="pass the issuing organisation's root certificate with --trust (its subject: "
        f"{cert.issuer.rfc4514_string()})",
    )


def _verify_signature(
    reader: Any, sig: Any, count: int, a_roots: list[Any], when: dt.datetime, allow_dev: bool
) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    fails: list[Problem] = []
    vc = ValidationContext(trust_roots=a_roots, moment=when, allow_fetching=False)
    try:
        with _quiet_pyhanko():
            st = validate_pdf_signature(sig, vc)
    except Exception as exc:  # malformed CMS and other structural trouble
        return SignatureReport(
            when,
            is_pdf=True,
            signed=True,
            signature_count=count,
            intact=False,
            valid=False,
            trusted=False,
            failures=(
                Problem(
                    "signature-invalid",
                    f"the signature cannot be validated: {type(exc).__name__}: {exc}",
                ),
            ),
        )

    a_cert = st.signing_cert
    cert = x509.load_der_x509_certificate(a_cert.dump())
    nb, na = cert.not_valid_before_utc, cert.not_valid_after_utc
    expired, early = when > na, when < nb
    dev = is_dev_certificate(cert)
    ts = st.timestamp_validity
    ts_ok = None if ts is None else bool(ts.intact and ts.valid and ts.trusted)
    signing_time = ts.timestamp if ts is not None else st.signer_reported_dt
    chain_moment = min(max(when, nb), na)
    if signing_time is not None and nb <= signing_time <= na and (expired or early):
        chain_moment = signing_time
    chains = st.trusted or _chains_to_root(
        a_cert, list(sig.other_embedded_certs), a_roots, chain_moment
    )
    cov = st.coverage
    cov_name = None if cov is None else cov.name
    entire = cov_name == "ENTIRE_FILE"

    subject = cert.subject.rfc4514_string()
    if not st.intact:
        fails.append(
            Problem(
                "signature-tampered",
                "the signed bytes have changed since signing (digest mismatch)",
                hint="the file was altered after it was signed; obtain the original",
            )
        )
    elif not st.valid:
        fails.append(
            Problem(
                "signature-invalid",
                "the signature value does not verify with the signer's public key",
            )
        )
    if not chains:
        fails.append(_untrusted(cert, a_roots))
    if expired:
        fails.append(
            Problem(
                "certificate-expired",
                f"the signer's certificate expired {_fmt(na)}, before the validation time "
                f"{_fmt(when)}",
            )
        )
    if early:
        fails.append(
            Problem(
                "certificate-not-yet-valid",
                f"the signer's certificate is valid only from {_fmt(nb)}, after the validation "
                f"time {_fmt(when)}",
            )
        )
    if st.intact and st.valid and chains and not expired and not early and not st.trusted:
        indic = getattr(st, "trust_problem_indic", None)
        fails.append(
            Problem(
                "signer-untrusted",
                f"pyHanko does not trust the signature ({getattr(indic, 'name', indic)})",
            )
        )
    if ts_ok is False:
        fails.append(Problem("timestamp-invalid", "the signature's timestamp does not validate"))
    if dev and not allow_dev:
        fails.append(
            Problem(
                "signed-with-dev-key",
                "the PDF is signed with an rspcheck development key (NOT FOR RELEASE)",
                hint="release determinations must be signed with your organisation's key; "
                "pass --allow-dev-key to accept a development signature",
            )
        )
    if not entire:
        mod = getattr(st, "modification_level", None)
        try:
            br = [int(x) for x in sig.byte_range]
            extra = f"{reader.stream.seek(0, 2) - (br[2] + br[3])} bytes follow the signed range"
        except Exception:
            extra = f"coverage {cov_name}"
        revs = reader.total_revisions - 1 - sig.signed_revision
        fails.append(
            Problem(
                "modified-after-signing",
                f"the signature does not cover the whole file: {extra}"
                + (
                    f", holding {revs} later revision(s) ({getattr(mod, 'name', mod)})"
                    if revs > 0
                    else ""
                ),
                hint="something appended bytes or a revision after signing; the JSON is read "
                "from the signed revision, but the file as a whole is not the signed one",
            )
        )
    contents = _contents_problem(reader, sig)
    if contents is not None:
        fails.append(contents)
    if not fails and not st.bottom_line:
        fails.append(Problem("signature-invalid", f"pyHanko's verdict is negative: {st.summary()}"))

    data = _find_attachment(reader.get_historical_root(sig.signed_revision), DETERMINATION_NAME)
    det, det_problem = _checked(data)
    if det_problem:
        fails.append(det_problem)

    return SignatureReport(
        validation_time=when,
        is_pdf=True,
        signed=True,
        signature_count=count,
        intact=bool(st.intact),
        contents_clean=contents is None,
        valid=bool(st.valid),
        trusted=bool(st.trusted),
        chains_to_trust_root=bool(chains),
        signer_subject=subject,
        signer_issuer=cert.issuer.rfc4514_string(),
        signer_sha256=cert.fingerprint(_sha256()).hex(),
        anchor_is_signer=any(
            _sha256_hex(r.dump()) == cert.fingerprint(_sha256()).hex() for r in a_roots
        ),
        signing_time=signing_time,
        timestamped=ts is not None,
        timestamp_ok=ts_ok,
        cert_not_before=nb,
        cert_not_after=na,
        cert_expired=expired,
        cert_not_yet_valid=early,
        dev_key=dev,
        coverage=cov_name,
        covers_entire_file=entire,
        modified_after_signing=not entire,
        determination=det,
        pyhanko_summary=st.summary(),
        failures=tuple(fails),
    )


def _contents_problem(reader: Any, sig: Any) -> Problem | None:
    """Whether the signature's ``/Contents`` hides anything: a ``signature-contents-altered``
    Problem, or ``None`` when it holds the CMS signature, then zero bytes, as plain hex.

    The signed byte range leaves out exactly this hex string, so no digest protects it. A CMS
    parser reads its DER object and ignores what follows, and a hex digit means the same in
    either case: unless both are pinned down, bytes here can change (the file's sha256 with
    them) while the signature still verifies, a channel for a hidden message.
    """
    from asn1crypto import parser

    content = bytes(sig.pkcs7_content)

    def altered(msg: str) -> Problem:
        return Problem(
            "signature-contents-altered",
            msg,
            hint="the file was altered after it was signed, in the one span the signature "
            "cannot cover; obtain the original",
        )

    try:
        header, body, trailer = parser.parse(content, strict=False)[3:]
    except ValueError as exc:
        return altered(f"the signature's /Contents does not start with a DER object: {exc}")
    end = len(header) + len(body) + len(trailer)
    extra = content[end:]
    if extra.strip(b"\0"):
        first = next(i for i, byte in enumerate(extra) if byte)
        count = sum(1 for byte in extra if byte)
        return altered(
            f"the signature's /Contents holds {count} non-zero byte(s) after the CMS "
            f"signature, the first at hex digit {2 * (end + first) + 1} of the string: "
            "the padding there must be zeros"
        )
    try:
        br = [int(x) for x in sig.byte_range]
    except (TypeError, ValueError):
        return None  # a byte range that odd fails the coverage check already
    if len(br) != 4 or br[0] != 0:
        return None
    stream = reader.stream
    stream.seek(br[1])
    raw = stream.read(br[2] - br[1])
    plain = b"<" + content.hex().encode("ascii") + b">"
    if raw not in (plain, plain.upper()):
        return altered(
            "the signature's /Contents is not written as plain hex in one letter case (mixed "
            "case, spaces or other characters between < and >): its bytes can vary while "
            "the signature stays the same"
        )
    return None


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _chains_to_root(a_cert: Any, others: list[Any], roots: list[Any], moment: dt.datetime) -> bool:
    """Whether a path from ``a_cert`` to one of ``roots`` exists at ``moment``."""
    if not roots:
        return False
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    vc = ValidationContext(trust_roots=roots, moment=moment, allow_fetching=False)
    validator = CertificateValidator(a_cert, intermediate_certs=others, validation_context=vc)
    try:
        with _quiet_pyhanko():
            asyncio.run(validator.async_validate_path())
    except Exception:
        return False
    return True


class _quiet_pyhanko:
    """pyHanko logs full tracebacks for expected failures (untrusted, expired): mute them."""

    _names = ("pyhanko", "pyhanko_certvalidator")

    def __enter__(self) -> None:
        self._levels = [(lg, lg.level) for lg in map(logging.getLogger, self._names)]
        for lg, _ in self._levels:
            lg.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        for lg, level in self._levels:
            lg.setLevel(level)


def _to_asn1(cert: Any) -> Any:
    from asn1crypto import x509 as a_x509

    if isinstance(cert, a_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        from cryptography.hazmat.primitives import serialization

        return a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    if isinstance(cert, bytes | bytearray):
        return a_x509.Certificate.load(bytes(cert))
    raise TypeError(f"trust root must be an X.509 certificate, not {type(cert).__name__}")


def _open_pdf(pdf_bytes: bytes) -> Any:
    """A pyHanko reader, or a ``not-a-pdf`` Problem."""
    if not isinstance(pdf_bytes, bytes | bytearray | memoryview):
        return Problem("not-a-pdf", f"expected bytes, got {type(pdf_bytes).__name__}")
    data = bytes(pdf_bytes)
    if len(data) > MAX_PDF_BYTES:
        return Problem("file-too-large", f"the PDF is larger than {MAX_PDF_BYTES:,} bytes")
    if b"%PDF-" not in data[:1024]:
        return Problem("not-a-pdf", "the file does not start with a PDF header (%PDF-)")
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with _quiet_pyhanko():
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            _ = reader.root  # force the trailer and catalog
    except Exception as exc:
        return Problem("not-a-pdf", f"the PDF cannot be read: {type(exc).__name__}: {exc}")
    return reader


def _embedded_signatures(reader: Any) -> list[Any]:
    try:
        with _quiet_pyhanko():
            return list(reader.embedded_signatures)
    except Exception:
        return []


def _find_attachment(root: Any, name: str) -> bytes | Problem:
    """The bytes of the one embedded file called ``name`` under ``root``, or a Problem."""

    def missing(msg: str) -> Problem:
        return Problem(
            "not-a-determination",
            msg,
            hint="this is not an rspcheck determination PDF (or its JSON was stripped)",
        )

    try:
        tree = root["/Names"]["/EmbeddedFiles"]
    except (KeyError, TypeError):
        return missing(f"the PDF has no embedded files (no {name})")
    found: list[Any] = []
    try:
        for key, spec in _name_tree_items(tree):
            spec = spec.get_object() if hasattr(spec, "get_object") else spec
            names = {str(key)}
            for k in ("/UF", "/F"):
                if k in spec:
                    names.add(str(spec[k]))
            if name in names:
                found.append(spec)
    except Exception as exc:
        return missing(f"the PDF's embedded-file list cannot be read: {exc}")
    if not found:
        return missing(f"the PDF has embedded files but none named {name}")
    if len(found) > 1:
        return missing(f"the PDF has {len(found)} embedded files named {name}; expected one")
    try:
        return bytes(found[0]["/EF"]["/F"].get_object().data)
    except Exception as exc:
        return missing(f"{name} cannot be read from the PDF: {type(exc).__name__}: {exc}")


def _name_tree_items(node: Any, depth: int = 0) -> Iterable[tuple[Any, Any]]:
    if depth > 32:
        raise ValueError("name tree too deep")
    node = node.get_object() if hasattr(node, "get_object") else node
    if "/Names" in node:
        arr = node["/Names"]
        for i in range(0, len(arr) - 1, 2):
            yield arr[i], arr[i + 1]
    if "/Kids" in node:
        for kid in node["/Kids"]:
            yield from _name_tree_items(kid, depth + 1)


def _checked(data: bytes | Problem) -> tuple[bytes | None, Problem | None]:
    if isinstance(data, Problem):
        return None, data
    try:
        parse_determination(data)
    except RspcheckError as err:
        return None, err.problems[0]
    return data, None


# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputCheck:
    """How one given file compares with the inputs the determination recorded."""

    label: str
    """The file as the user named it (the key of ``files``)."""
    path: Path
    """Where it was read from."""
    status: Literal["match", "mismatch", "unrecorded", "unreadable"]
    """``match``: a recorded input has its sha256; ``mismatch``: an input of the same file
    name was recorded with another digest; ``unrecorded``: neither; ``unreadable``."""
    actual_sha256: str | None = None
    """The file's sha256 (None: unreadable)."""
    recorded_name: str | None = None
    """The name of the recorded input it was matched with."""
    recorded_role: str | None = None
    """That input's role (``policy``, ``evidence``, ...)."""
    recorded_sha256: str | None = None
    """That input's recorded sha256."""
    matched_by: Literal["sha256", "name"] | None = None
    """How it was matched: by digest, or (for a mismatch) by file name."""

    @property
    def ok(self) -> bool:
        """The file is one the determination recorded, unchanged."""
        return self.status == "match"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "file": self.label,
            "status": self.status,
            "sha256": self.actual_sha256,
            "recorded_name": self.recorded_name,
            "recorded_role": self.recorded_role,
            "recorded_sha256": self.recorded_sha256,
            "matched_by": self.matched_by,
        }

    def line(self) -> str:
        """A one-line description for ✓/✗ output."""
        role = f"{self.recorded_role} " if self.recorded_role else ""
        if self.status == "match":
            return f"{role}input {self.label} matches the recorded sha256 {self.actual_sha256}"
        if self.status == "mismatch":
            return (
                f"{role}input {self.label} changed: recorded sha256 "
                f"{self.recorded_sha256}, file has {self.actual_sha256}"
            )
        if self.status == "unrecorded":
            return (
                f"input {self.label} (sha256 {self.actual_sha256}) is not among the recorded inputs"
            )
        return f"input {self.label} cannot be read"

    def problem(self) -> Problem | None:
        """The failure for this file, or ``None`` when it matches."""
        if self.status == "match":
            return None
        if self.status == "mismatch":
            return Problem(
                "input-mismatch",
                f"{self.label} differs from the {self.recorded_role or 'input'} "
                f"{self.recorded_name!r} the determination recorded: recorded sha256 "
                f"{self.recorded_sha256}, file has {self.actual_sha256}",
                file=self.label,
                hint="the determination was made from a different version of this file",
            )
        if self.status == "unrecorded":
            return Problem(
                "input-unrecorded",
                f"{self.label} (sha256 {self.actual_sha256}) matches no input the "
                "determination recorded, by digest or by file name",
                file=self.label,
            )
        return Problem("file-not-found", f"cannot read {self.label}", file=self.label)


def _sha256_file(path: Path) -> str | None:
    """The file's sha256, or ``None`` when it is unreadable or not a regular file (``/dev/zero``
    or a FIFO would never end)."""
    from checker.files.access import sha256_file

    try:
        return sha256_file(path)
    except RspcheckError:
        return None


def match_inputs(
    determination: Mapping[str, Any], files: Mapping[str, Path | str]
) -> list[InputCheck]:
    """Compare given files with ``determination["inputs"]``: first by sha256 (any recorded
    input with the same digest matches, whatever its name), then by file name.

    Args:
        determination: The determination as parsed JSON.
        files: ``{label: path}``; the label is how messages name the file (the CLI uses
            the path as typed).

    Returns:
        One check per file, in the order given.
    """
    recorded = [r for r in determination.get("inputs", []) or [] if isinstance(r, dict)]
    by_sha = {str(r.get("sha256", "")).lower(): r for r in recorded}
    out: list[InputCheck] = []
    for label, p in files.items():
        path = Path(p)
        actual = _sha256_file(path)
        if actual is None:
            out.append(InputCheck(label, path, "unreadable"))
            continue
        rec = by_sha.get(actual)
        if rec is not None:
            out.append(
                InputCheck(
                    label, path, "match", actual, rec.get("name"), rec.get("role"), actual, "sha256"
                )
            )
            continue
        same_name = [r for r in recorded if r.get("name") == path.name]
        if same_name:
            rec = same_name[0]
            out.append(
                InputCheck(
                    label,
                    path,
                    "mismatch",
                    actual,
                    rec.get("name"),
                    rec.get("role"),
                    str(rec.get("sha256", "")).lower(),
                    "name",
                )
            )
        else:
            out.append(InputCheck(label, path, "unrecorded", actual))
    return out


def check_input_digests(
    determination: Mapping[str, Any], files: Mapping[str, Path | str]
) -> list[Problem]:
    """The failures of :func:`match_inputs`: ``input-mismatch`` naming the file and both
    digests, ``input-unrecorded``, or ``file-not-found``. Empty when every file matches."""
    return [p for c in match_inputs(determination, files) if (p := c.problem()) is not None]


# -- the one report ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationReport:
    """Everything :func:`verify_pdf` found, with one verdict (:attr:`ok`)."""

    signature: SignatureReport
    """The PDF itself: signature, trust, validity window, coverage, the attached JSON."""
    name: str | None = None
    """The PDF as the caller named it (messages about the PDF are located at it)."""
    inputs: tuple[InputCheck, ...] = ()
    """Each given input file against the digests the determination recorded."""
    rerun: tuple[Problem, ...] | None = None
    """The re-run's differences (empty: the same result); ``None`` when none was asked."""
    failures: tuple[Problem, ...] = ()
    """Every failed check: the PDF's (located at :attr:`name`), the inputs', the re-run's."""

    @property
    def ok(self) -> bool:
        """The one verdict: the signature holds and nothing else failed."""
        return self.signature.ok and not self.failures

    @property
    def codes(self) -> list[str]:
        """The failures' codes, in order."""
        return [p.code for p in self.failures]

    @property
    def determination(self) -> bytes | None:
        """The attached ``determination.json`` bytes from the signed revision, or ``None``."""
        return self.signature.determination

    def determination_dict(self) -> dict[str, Any] | None:
        """The determination parsed, or ``None``."""
        return self.signature.determination_dict()

    def checks(self) -> list[tuple[bool | None, str]]:
        """One ``(passed, line)`` per question, in the order a person reads them; ``passed``
        is ``None`` for information lines."""
        out = self.signature.checks()
        out += [(c.ok, c.line()) for c in self.inputs]
        if self.rerun is not None:
            out.append((not self.rerun, "re-run gives the recorded result"))
        return out

    def summary(self) -> str:
        """One line: ``OK: ...`` or ``FAILED [codes]: ...``."""
        if self.ok:
            return self.signature.summary()
        return f"FAILED [{', '.join(self.codes)}]: " + "; ".join(p.msg for p in self.failures)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the verdict, the signature's own report, inputs, re-run, failures."""
        return {
            "ok": self.ok,
            "file": self.name,
            "signature": self.signature.to_dict(),
            "inputs": [c.to_dict() for c in self.inputs],
            "rerun": None if self.rerun is None else {"ok": not self.rerun},
            "failures": [p.to_dict() for p in self.failures],
        }


def verify_pdf(
    pdf_bytes: bytes,
    trust_roots: Sequence[Any],
    *,
    inputs: Mapping[str, Path | str] | Iterable[Path | str] = (),
    rerun_with: tuple[Path | str, Sequence[Path | str]] | None = None,
    allow_outside: Sequence[Path | str] = (),
    validation_time: dt.datetime | None = None,
    allow_dev_key: bool = False,
    name: str | None = None,
) -> VerificationReport:
    """Verify a determination PDF: its signature, the files it was made from, and a re-run.

    Bad input never raises: an unreadable PDF, a changed input or a different re-run result
    is one of the report's failures, and the report's :attr:`~VerificationReport.ok` is the
    one verdict (what ``rspcheck verify`` exits with).

    Args:
        pdf_bytes: The file's bytes (garbage is fine: ``not-a-pdf``).
        trust_roots: Root certificates (``cryptography`` or ``asn1crypto``); see
            :func:`checker.sign.keys.load_certificates`.
        inputs: Files to compare with the digests the determination recorded: ``{label:
            path}`` (the label names the file in messages), or paths (labelled as given).
        rerun_with: ``(policy, evidence files)`` to re-run the determination from and compare
            with the recorded one; these files are digest-checked too.
        allow_outside: Folders besides each manifest's own that the re-run may read attempt
            files from (``--allow-outside``).
        validation_time: Judge the certificate at this moment (default: now).
        allow_dev_key: Accept a development key (``rspcheck keygen``).
        name: How to name the PDF in messages (e.g. its path); failures about the PDF itself
            are located at it.

    Returns:
        The one report.

    Raises:
        RspcheckError: ``missing-key`` when ``rerun_with`` names no evidence file (a usage
            error, not a verification failure).
    """
    if rerun_with is not None and not rerun_with[1]:
        raise RspcheckError.one(
            "missing-key",
            "a re-run needs the policy and at least one evidence file",
            hint="give the same inputs the determination was made from",
        )
    files = _labelled(inputs)
    if rerun_with is not None:
        policy, evidence = rerun_with
        for path in (policy, *evidence):
            files.setdefault(str(path), Path(path))
    sig = verify_signature(
        pdf_bytes, trust_roots, validation_time=validation_time, allow_dev_key=allow_dev_key
    )
    det = sig.determination_dict()
    failures = [
        p if p.file or name is None else dataclasses.replace(p, file=name) for p in sig.failures
    ]
    checks = match_inputs(det, files) if det is not None and files else []
    failures += [p for c in checks if (p := c.problem()) is not None]
    if files and det is None:
        failures.append(
            Problem(
                "not-a-determination",
                "the input files cannot be checked: the PDF holds no valid determination",
            )
        )
    rerun: tuple[Problem, ...] | None = None
    if rerun_with is not None:
        from checker.sign.rerun import rerun_differences

        policy, evidence = rerun_with
        # without a determination nothing was re-run: the re-run line must not say it passed
        rerun = (
            tuple(
                rerun_differences(
                    det,
                    Path(policy),
                    [Path(e) for e in evidence],
                    allow_outside=allow_outside,
                )
            )
            if det is not None
            else (
                Problem(
                    "not-a-determination",
                    "nothing was re-run: the PDF holds no valid determination",
                ),
            )
        )
        failures += rerun
    return VerificationReport(
        signature=sig, name=name, inputs=tuple(checks), rerun=rerun, failures=tuple(failures)
    )


def _labelled(inputs: Mapping[str, Path | str] | Iterable[Path | str]) -> dict[str, Path]:
    if isinstance(inputs, Mapping):
        return {str(label): Path(p) for label, p in inputs.items()}
    return {str(p): Path(p) for p in inputs}
