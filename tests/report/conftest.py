"""Shared fixtures for the trust layer: a test PKI built with ``cryptography`` and PDFs
rendered once per session (rendering costs ~0.5 s, importing WeasyPrint ~1.5 s)."""

from __future__ import annotations

import datetime as dt
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from checker.report import canonical_json, determination_pdf
from checker.sign import load_signer, sign_pdf

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
CREATED = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)

HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>rspcheck determination (test)</title><meta name="author" content="rspcheck tests">
<style>@page { size: A4; margin: 2cm } body { font-family: "DejaVu Sans"; font-size: 11pt }
td { border: 1px solid #888; padding: 2px 6px }</style></head>
<body><h1>Determination: ALLOW ✓</h1>
<p>Threshold <b>cyber-uplift</b>: not crossed at budget 10<sup>4</sup> USD.</p>
<table><tr><td>policy.yaml</td><td><code>{policy_sha}</code></td></tr></table>
</body></html>"""

# Some CLI modules are written by other engineers in parallel; until ``checker.cli.lint``
# exists, stand in for it so ``checker.cli`` (which imports it) can be imported.
if not (Path(__file__).parents[2] / "checker" / "cli" / "lint.py").exists():
    sys.modules.setdefault("checker.cli.lint", types.ModuleType("checker.cli.lint"))


@dataclass(frozen=True)
class Party:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    key_path: Path
    cert_path: Path


def _name(cn: str, org: str = "rspcheck test PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )


def _ku(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(
    out: Path,
    label: str,
    subject: x509.Name,
    *,
    issuer: Party | None,
    ca: bool,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> Party:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_ku(ca), critical=True)
    )
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    key_path, cert_path = out / f"{label}-key.pem", out / f"{label}-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Party(key, cert, key_path, cert_path)


@dataclass(frozen=True)
class PKI:
    dir: Path
    root: Party
    leaf: Party
    expired: Party
    stranger_root: Party
    stranger_leaf: Party


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    out = tmp_path_factory.mktemp("pki")
    day = dt.timedelta(days=1)
    root = _issue(
        out,
        "root",
        _name("Test Root CA"),
        issuer=None,
        ca=True,
        not_before=NOW - 3650 * day,
        not_after=NOW + 3650 * day,
    )
    leaf = _issue(
        out,
        "leaf",
        _name("Test Signer"),
        issuer=root,
        ca=False,
        not_before=NOW - day,
        not_after=NOW + 365 * day,
    )
    expired = _issue(
        out,
        "expired",
        _name("Expired Signer"),
        issuer=root,
        ca=False,
        not_before=NOW - 400 * day,
        not_after=NOW - 35 * day,
    )
    s_root = _issue(
        out,
        "stranger-root",
        _name("Stranger Root", "Someone Else"),
        issuer=None,
        ca=True,
        not_before=NOW - 3650 * day,
        not_after=NOW + 3650 * day,
    )
    s_leaf = _issue(
        out,
        "stranger-leaf",
        _name("Stranger Signer", "Someone Else"),
        issuer=s_root,
        ca=False,
        not_before=NOW - day,
        not_after=NOW + 365 * day,
    )
    return PKI(out, root, leaf, expired, s_root, s_leaf)


@pytest.fixture(scope="session")
def created() -> dt.datetime:
    """The fixed document time the session's PDFs are rendered with."""
    return CREATED


@pytest.fixture(scope="session")
def inputs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("inputs")
    (d / "policy.yaml").write_text("version: 1\nthresholds: []\n")
    (d / "evals.jsonl").write_text('{"run": "r1", "score": 0.42}\n')
    return d


def _sha(p: Path) -> str:
    import hashlib

    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def determination_bytes(inputs_dir: Path) -> bytes:
    return canonical_json(
        {
            "kind": "rspcheck-determination",
            "format_version": 1,
            "tool_version": "0.1.0",
            "seed": 20260115,
            "as_of": "2026-01-15",
            "inputs": [
                {
                    "role": "policy",
                    "name": "policy.yaml",
                    "sha256": _sha(inputs_dir / "policy.yaml"),
                },
                {
                    "role": "evidence",
                    "name": "evals.jsonl",
                    "sha256": _sha(inputs_dir / "evals.jsonl"),
                },
            ],
            "caveats": ["non-ASCII survives: ≥ 0.8 — ✓"],
        }
    )


@pytest.fixture(scope="session")
def html(inputs_dir: Path) -> str:
    return HTML.replace("{policy_sha}", _sha(inputs_dir / "policy.yaml"))


@pytest.fixture(scope="session")
def unsigned_pdf(html: str, determination_bytes: bytes) -> bytes:
    return determination_pdf(html, determination_bytes, created=CREATED)


@pytest.fixture(scope="session")
def signed_pdf(unsigned_pdf: bytes, pki: PKI) -> bytes:
    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)
    return sign_pdf(unsigned_pdf, signer, reason="rspcheck determination", location="tests")
