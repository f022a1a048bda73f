"""Key material: the development CA, loading signers, passphrases that never leak."""

from __future__ import annotations

import stat
import traceback

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from checker.errors import RspcheckError
from checker.sign import (
    Secret,
    is_dev_certificate,
    load_certificates,
    load_signer,
    load_signer_p12,
    make_dev_ca,
    read_passphrase,
)
from checker.sign.keys import DEV_ORGANIZATION

GOOD = "correct-horse-7Q!battery"
BAD = "wrong-staple-Z9?guess"


@pytest.fixture(scope="module")
def dev_plain(tmp_path_factory):
    return make_dev_ca(tmp_path_factory.mktemp("dev-plain"))


@pytest.fixture(scope="module")
def dev_encrypted(tmp_path_factory):
    return make_dev_ca(tmp_path_factory.mktemp("dev-enc"), passphrase=Secret(GOOD))


def test_dev_ca_files_and_marking(dev_plain):
    root = load_certificates(dev_plain.root_cert)[0]
    cert = load_certificates(dev_plain.signer_cert)[0]
    bc = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert bc.ca and root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    assert cert.issuer == root.subject
    assert cert.public_key().key_size == 3072
    days = (cert.not_valid_after_utc - cert.not_valid_before_utc).days
    assert 360 <= days <= 370
    assert DEV_ORGANIZATION in cert.subject.rfc4514_string()
    assert is_dev_certificate(cert) and is_dev_certificate(root)
    for p in (dev_plain.signer_key, dev_plain.p12):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert b"ENCRYPTED" not in dev_plain.signer_key.read_bytes()


def test_test_pki_is_not_dev(pki):
    assert not is_dev_certificate(pki.leaf.cert)


def test_refuses_to_overwrite(dev_plain):
    with pytest.raises(RspcheckError) as ei:
        make_dev_ca(dev_plain.root_cert.parent)
    assert ei.value.codes == ["output-exists"]


def test_load_signers(dev_plain, dev_encrypted):
    assert load_signer(dev_plain.signer_key, dev_plain.signer_cert, passphrase=None)
    assert load_signer_p12(dev_plain.p12, passphrase=None)
    assert b"ENCRYPTED" in dev_encrypted.signer_key.read_bytes()
    assert load_signer(dev_encrypted.signer_key, dev_encrypted.signer_cert, passphrase=GOOD)
    assert load_signer_p12(dev_encrypted.p12, passphrase=Secret(GOOD))


def _leaks(err: BaseException) -> bool:
    text = repr(err) + str(err) + "".join(traceback.format_exception(err))
    text += "".join(str(p.to_dict()) for p in getattr(err, "problems", []))
    return GOOD in text or BAD in text


@pytest.mark.parametrize("kind", ["pem", "p12"])
@pytest.mark.parametrize("given", [BAD, None])
def test_wrong_or_missing_passphrase_never_leaks(dev_encrypted, kind, given):
    with pytest.raises(RspcheckError) as ei:
        if kind == "pem":
            load_signer(dev_encrypted.signer_key, dev_encrypted.signer_cert, passphrase=given)
        else:
            load_signer_p12(dev_encrypted.p12, passphrase=given)
    assert ei.value.codes == ["key-passphrase-wrong"]
    assert ei.value.__cause__ is None
    assert not _leaks(ei.value)


def test_passphrase_for_plain_key(dev_plain):
    with pytest.raises(RspcheckError) as ei:
        load_signer(dev_plain.signer_key, dev_plain.signer_cert, passphrase=BAD)
    assert ei.value.codes == ["key-passphrase-wrong"]
    assert not _leaks(ei.value)


def test_unreadable_and_mismatched(tmp_path, dev_plain, pki):
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a key")
    with pytest.raises(RspcheckError) as ei:
        load_signer(junk, dev_plain.signer_cert, passphrase=None)
    assert ei.value.codes == ["key-unreadable"]
    with pytest.raises(RspcheckError) as ei:
        load_signer(dev_plain.signer_key, junk, passphrase=None)
    assert ei.value.codes == ["certificate-unreadable"]
    with pytest.raises(RspcheckError) as ei:
        load_signer(tmp_path / "missing.pem", dev_plain.signer_cert, passphrase=None)
    assert ei.value.codes == ["file-not-found"]
    with pytest.raises(RspcheckError) as ei:
        load_signer(pki.leaf.key_path, dev_plain.signer_cert, passphrase=None)
    assert ei.value.codes == ["key-cert-mismatch"]
    with pytest.raises(RspcheckError) as ei:
        load_signer_p12(junk, passphrase=None)
    assert ei.value.codes[0] in {"key-unreadable", "key-passphrase-wrong"}


def test_ec_keys_are_refused(tmp_path, dev_plain):
    key = ec.generate_private_key(ec.SECP256R1())
    p = tmp_path / "ec.pem"
    p.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(RspcheckError) as ei:
        load_signer(p, dev_plain.signer_cert, passphrase=None)
    assert ei.value.codes == ["key-unsupported"]


def test_read_passphrase_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("RSPCHECK_TEST_PASS", GOOD)
    s = read_passphrase(env="RSPCHECK_TEST_PASS")
    assert s is not None and s.reveal() == GOOD.encode()
    assert GOOD not in repr(s) and GOOD not in str(s) and GOOD not in f"{s}"
    f = tmp_path / "pass.txt"
    f.write_text(GOOD + "\n")
    assert read_passphrase(file=f).reveal() == GOOD.encode()
    assert read_passphrase() is None
    monkeypatch.delenv("RSPCHECK_TEST_PASS")
    with pytest.raises(RspcheckError) as ei:
        read_passphrase(env="RSPCHECK_TEST_PASS")
    assert ei.value.codes == ["passphrase-unavailable"]
    with pytest.raises(RspcheckError) as ei:
        read_passphrase(file=tmp_path / "nope")
    assert ei.value.codes == ["passphrase-unavailable"]
    with pytest.raises(RspcheckError):
        read_passphrase(env="A", file=f)
