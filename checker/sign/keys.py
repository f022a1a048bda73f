"""Signing keys: a development CA for trying rspcheck out, and loading real key material.

Development keys (``rspcheck keygen``). :func:`make_dev_ca` writes a throw-away root CA and an
RSA-3072 signing certificate issued by it. Every certificate's subject carries
``O=rspcheck development key — NOT FOR RELEASE``, so :func:`is_dev_certificate` (and
``rspcheck verify``) recognise a dev-signed PDF, and verification refuses it unless told to
accept development keys. The root's private key is *discarded* after issuing the signer: a
dev CA signs exactly one key; run keygen again to rotate.

The signing key is written **unencrypted** by default (file mode 0600): it is a development
key, and an unattended ``rspcheck check`` must be able to use it. Pass a passphrase to encrypt
the PEM key and the PKCS#12 file (AES-256, best available).

Real keys: :func:`load_signer` (PEM/DER key + certificate + chain) or :func:`load_signer_p12`.
Passphrases come from :func:`read_passphrase` (an environment variable, a file, or a hidden
prompt) as a :class:`Secret`, whose ``repr`` never shows the value. No function here puts a
passphrase into an exception or a message.

Only RSA keys are accepted for signing: an EC key makes pyHanko declare PDF 2.0 in the
catalog, which breaks PDF/A-3 (based on PDF 1.7).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from checker.errors import RspcheckError
from checker.files.access import read_bytes
from checker.files.outputs import check_output, output_folder, write_output

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

#: The subject ``O=`` of every development certificate. Do not change: verification keys on it.
MAX_KEY_BYTES = 1024 * 1024
"""Largest key, certificate (bundle), PKCS#12 or passphrase file read (1 MiB): a key is a few
KB, and a typo for a large file must not fill the memory."""

DEV_ORGANIZATION = "rspcheck development key — NOT FOR RELEASE"
#: The subject ``OU=`` of every development certificate (ASCII, for tools that mangle UTF-8).
DEV_UNIT = "rspcheck-dev-NOT-FOR-RELEASE"

DEV_ROOT_FILE = "dev-root.pem"
DEV_KEY_FILE = "dev-signer-key.pem"
DEV_CERT_FILE = "dev-signer-cert.pem"
DEV_P12_FILE = "dev-signer.p12"


@dataclass(frozen=True)
class DevKeyPaths:
    """Where :func:`make_dev_ca` wrote the development key material."""

    root_cert: Path
    """``dev-root.pem``: the trust root to give ``rspcheck verify --trust``."""
    signer_key: Path
    """``dev-signer-key.pem``: the signing key (PKCS#8 PEM, mode 0600)."""
    signer_cert: Path
    """``dev-signer-cert.pem``: the signing certificate, issued by the root."""
    p12: Path
    """``dev-signer.p12``: key + certificate + root as PKCS#12 (mode 0600)."""
    encrypted: bool
    """Whether the key and the PKCS#12 need a passphrase."""

    def all(self) -> tuple[Path, ...]:
        return (self.root_cert, self.signer_key, self.signer_cert, self.p12)


class Secret:
    """A passphrase that does not show itself in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes | str) -> None:
        self._value = value.encode("utf-8") if isinstance(value, str) else bytes(value)

    def reveal(self) -> bytes:
        """The passphrase's bytes (only where a library needs them)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:  # never pickle a passphrase by accident
        raise TypeError("a Secret cannot be pickled")


PassphraseLike = Secret | bytes | str | None


def read_passphrase(
    *, env: str | None = None, file: str | os.PathLike[str] | None = None, prompt: str | None = None
) -> Secret | None:
    """Read a passphrase from exactly one source, or return ``None`` when none is named.

    Args:
        env: Name of an environment variable holding it (the value is never printed).
        file: A file holding it; one trailing newline is stripped.
        prompt: Ask on the terminal, without echo, with this prompt.

    Raises:
        RspcheckError: ``passphrase-unavailable`` when the variable is unset or empty, or
            the file is missing or empty; ``invalid-value`` when more than one source is named.
    """
    named = [s for s in (env, file, prompt) if s is not None]
    if len(named) > 1:
        raise RspcheckError.one(
            "invalid-value", "give the passphrase from one source only (env, file or prompt)"
        )
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise RspcheckError.one(
                "passphrase-unavailable",
                f"environment variable {env} is not set or is empty",
                hint=f"export {env}=... (or use a passphrase file)",
            )
        return Secret(value)
    if file is not None:
        try:
            raw = read_bytes(Path(file), max_bytes=MAX_KEY_BYTES)
        except RspcheckError as err:  # one code for every way the passphrase cannot be had
            problem = err.problems[0]
            raise RspcheckError.one(
                "passphrase-unavailable",
                f"the passphrase file {problem.msg}",
                file=str(file),
                hint=problem.hint,
            ) from None
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw
        if not raw:
            raise RspcheckError.one(
                "passphrase-unavailable", "the passphrase file is empty", file=str(file)
            )
        return Secret(raw)
    if prompt is not None:
        value = getpass.getpass(prompt)
        if not value:
            raise RspcheckError.one("passphrase-unavailable", "no passphrase was entered")
        return Secret(value)
    return None


def _secret_bytes(passphrase: PassphraseLike) -> bytes | None:
    if passphrase is None:
        return None
    if isinstance(passphrase, Secret):
        return passphrase.reveal() or None
    return (passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase) or None


# -- development CA ------------------------------------------------------------------------


def _dev_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEV_UNIT),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
        ]
    )


def make_dev_ca(
    out_dir: str | os.PathLike[str],
    *,
    passphrase: PassphraseLike = None,
    force: bool = False,
    now: dt.datetime | None = None,
    validity_days: int = 365,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> DevKeyPaths:
    """Write a development root CA and a signing key + certificate issued by it.

    Every file goes through :func:`checker.files.outputs.write_output`: written atomically,
    the private key and the PKCS#12 with mode 0600 from their first byte.

    Args:
        out_dir: Directory to write into (created, mode 0700, if missing; its parent must
            exist).
        passphrase: Encrypt the key and the PKCS#12 with it; ``None``: unencrypted.
        force: Overwrite existing files; otherwise ``output-exists`` is raised.
        now: Start of validity (default: now). The root is valid ~10 years, the signer
            ``validity_days``.
        inputs: Files the caller read (a passphrase file): none of them is overwritten.

    Returns:
        The four paths. The root's private key is not kept.

    Raises:
        RspcheckError: ``output-exists`` (without ``force``), ``output-unwritable`` (a
            missing parent folder, a path that is not a folder, a file system that refuses),
            ``output-is-input``.
    """
    out = Path(out_dir)
    paths = DevKeyPaths(
        root_cert=out / DEV_ROOT_FILE,
        signer_key=out / DEV_KEY_FILE,
        signer_cert=out / DEV_CERT_FILE,
        p12=out / DEV_P12_FILE,
        encrypted=_secret_bytes(passphrase) is not None,
    )
    existing = [str(p) for p in paths.all() if p.exists()]
    if existing and not force:
        raise RspcheckError.one(
            "output-exists",
            f"development key files exist already: {', '.join(existing)}",
            hint="pass --force to replace them (the old key stops being usable)",
        )
    # the folder may be new, its parent not: a typo must not make directories appear
    output_folder(out, mode=0o700)
    for path in paths.all():  # before the keys are made, not after
        check_output(path, inputs=inputs, overwrite=force)

    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = _dev_name("rspcheck development root CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_dev_name("rspcheck development signer"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=validity_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    secret = _secret_bytes(passphrase)
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    pem = serialization.Encoding.PEM
    write_output(paths.root_cert, root.public_bytes(pem), mode=0o644, inputs=inputs)
    write_output(paths.signer_cert, cert.public_bytes(pem), mode=0o644, inputs=inputs)
    # private from the first byte on: the temporary file is 0o600 before anything is in it
    write_output(
        paths.signer_key,
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, enc),
        mode=0o600,
        inputs=inputs,
    )
    from cryptography.hazmat.primitives.serialization import pkcs12

    p12 = pkcs12.serialize_key_and_certificates(b"rspcheck-dev-signer", key, cert, [root], enc)
    write_output(paths.p12, p12, mode=0o600, inputs=inputs)
    return paths


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # a.k.a. nonRepudiation, which pyHanko requires
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


# -- certificates --------------------------------------------------------------------------


def load_certificates(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """Every certificate in a PEM file (a bundle is fine) or the one in a DER file.

    Raises:
        RspcheckError: ``file-not-found`` or ``certificate-unreadable``.
    """
    p = Path(path)
    data = read_bytes(p, max_bytes=MAX_KEY_BYTES)
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        certs = []
    if not certs:
        raise RspcheckError.one(
            "certificate-unreadable",
            "no X.509 certificate could be read from the file",
            file=str(p),
            hint="give a PEM (-----BEGIN CERTIFICATE-----) or DER certificate file",
        )
    return certs


def is_dev_certificate(cert: Any) -> bool:
    """Whether ``cert`` (cryptography or asn1crypto) is an rspcheck development certificate.

    True when its subject or its issuer carries the development marking that
    :func:`make_dev_ca` writes. (The marking can only make a certificate *less* trusted.)
    """
    names: list[str] = []
    if isinstance(cert, x509.Certificate):
        for name in (cert.subject, cert.issuer):
            names += [str(a.value) for a in name]
    else:  # asn1crypto.x509.Certificate
        for name in (cert.subject, cert.issuer):
            names += [str(v) for v in name.native.values()]
    return any(DEV_ORGANIZATION in n or DEV_UNIT in n for n in names)


def _to_asn1_cert(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as a_x509

    return a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# -- signers -------------------------------------------------------------------------------


def load_signer(
    key_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str],
    chain_paths: Sequence[str | os.PathLike[str]] = (),
    *,
    passphrase: PassphraseLike,
) -> SimpleSigner:
    """A pyHanko signer from a PEM/DER private key, its certificate and optional chain files.

    Args:
        passphrase: Unlocks an encrypted key; ``None`` for an unencrypted one.

    Raises:
        RspcheckError: ``file-not-found``, ``key-unreadable``, ``key-passphrase-wrong``,
            ``certificate-unreadable``, ``key-cert-mismatch`` or ``key-unsupported``. The
            passphrase itself never appears in the error.
    """
    kp = Path(key_path)
    data = read_bytes(kp, max_bytes=MAX_KEY_BYTES)
    key = _load_private_key(data, _secret_bytes(passphrase), str(kp))
    certs = load_certificates(cert_path)
    chain = [c for p in chain_paths for c in load_certificates(p)]
    return _make_signer(key, certs[0], [*certs[1:], *chain], str(cert_path))


def load_signer_p12(
    p12_path: str | os.PathLike[str], *, passphrase: PassphraseLike
) -> SimpleSigner:
    """A pyHanko signer from a PKCS#12 (``.p12``/``.pfx``) file; its chain comes along.

    Raises:
        RspcheckError: as :func:`load_signer`.
    """
    from cryptography.hazmat.primitives.serialization import pkcs12

    pp = Path(p12_path)
    data = read_bytes(pp, max_bytes=MAX_KEY_BYTES)
    secret = _secret_bytes(passphrase)
    failure: str | None = None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError) as exc:
        # cryptography says "Invalid password or PKCS12 data"; it cannot tell the two apart
        failure = "wrong-or-damaged" if "password" in str(exc).lower() else "unreadable"
    if failure is not None:
        if failure == "wrong-or-damaged":
            raise RspcheckError.one(
                "key-passphrase-wrong",
                "the PKCS#12 file cannot be opened: wrong (or missing) passphrase, or a "
                "damaged file",
                file=str(pp),
                hint="check which passphrase source you gave (--passphrase-env/-file)",
            ) from None
        raise RspcheckError.one(
            "key-unreadable", "the file is not a readable PKCS#12 archive", file=str(pp)
        ) from None
    if key is None or cert is None:
        raise RspcheckError.one(
            "key-unreadable", "the PKCS#12 file holds no private key and certificate", file=str(pp)
        )
    return _make_signer(key, cert, list(extra), str(pp))


def _load_private_key(data: bytes, secret: bytes | None, where: str) -> Any:
    loader = (
        serialization.load_pem_private_key
        if b"-----BEGIN" in data
        else serialization.load_der_private_key
    )
    problem: tuple[str, str] | None = None
    try:
        return loader(data, secret)
    except TypeError as exc:  # encrypted but no passphrase, or passphrase for a plain key
        if "not encrypted" in str(exc):
            problem = ("key-passphrase-wrong", "a passphrase was given for an unencrypted key")
        else:
            problem = ("key-passphrase-wrong", "the key is encrypted and no passphrase was given")
    except ValueError as exc:
        text = str(exc).lower()
        # An encrypted PEM key that a passphrase fails to open is a wrong passphrase, whatever
        # the message: about 1 wrong passphrase in 256 decrypts to bytes with valid padding,
        # and the library then reports a parse error instead of a bad password.
        encrypted_pem = b"ENCRYPTED" in data[:200]
        if (encrypted_pem and secret) or "password" in text or "decrypt" in text:
            problem = ("key-passphrase-wrong", "the passphrase does not unlock the key")
        else:
            problem = ("key-unreadable", "the file is not a readable PEM or DER private key")
    except Exception:  # cryptography's UnsupportedAlgorithm and friends
        problem = ("key-unreadable", "the private key cannot be loaded")
    # raised outside the except blocks, so no chained traceback carries the library's frames
    raise RspcheckError.one(
        problem[0],
        problem[1],
        file=where,
        hint="check which passphrase source you gave (--passphrase-env/-file)"
        if problem[0] == "key-passphrase-wrong"
        else None,
    )


def _make_signer(
    key: Any, cert: x509.Certificate, chain: list[x509.Certificate], where: str
) -> SimpleSigner:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RspcheckError.one(
            "key-unsupported",
            f"rspcheck signs with RSA keys only, not {type(key).__name__.lstrip('_')}",
            file=where,
            hint="an EC key makes the PDF declare version 2.0, which breaks PDF/A-3; "
            "issue an RSA (3072-bit or more) signing certificate",
        )
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, pub) != cert.public_key().public_bytes(der, pub):
        raise RspcheckError.one(
            "key-cert-mismatch",
            f"the private key does not belong to the certificate {cert.subject.rfc4514_string()}",
            file=where,
        )
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not ku.content_commitment:
            raise RspcheckError.one(
                "key-unsupported",
                "the signing certificate lacks the nonRepudiation (contentCommitment) key usage "
                "that PDF signature validation requires",
                file=where,
            )
    except x509.ExtensionNotFound:
        pass

    from asn1crypto import keys as a_keys
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    a_key = a_keys.PrivateKeyInfo.load(
        key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    a_cert = _to_asn1_cert(cert)
    registry = SimpleCertificateStore.from_certs([a_cert, *(_to_asn1_cert(c) for c in chain)])
    return SimpleSigner(signing_cert=a_cert, signing_key=a_key, cert_registry=registry)


def signer_name(cert: Any) -> str:
    """A human label for a certificate: ``CN (O)``, from an asn1crypto or cryptography cert."""
    try:
        native = cert.subject.native  # asn1crypto
        cn, org = native.get("common_name"), native.get("organization_name")
    except AttributeError:

        def get(oid: Any) -> str | None:
            attrs = cert.subject.get_attributes_for_oid(oid)
            return str(attrs[0].value) if attrs else None

        cn, org = get(NameOID.COMMON_NAME), get(NameOID.ORGANIZATION_NAME)
    if isinstance(cn, list):
        cn = cn[0]
    if isinstance(org, list):
        org = org[0]
    if cn and org:
        return f"{cn} ({org})"
    return str(cn or org or "unnamed certificate")
