"""Sign and verify: every way a determination PDF can be wrong is told apart."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest

from checker.errors import CODES
from checker.report import html_to_pdf
from checker.sign import (
    check_input_digests,
    extract_determination,
    load_signer,
    match_inputs,
    sign_pdf,
    verify_pdf,
)
from checker.sign.keys import DEV_ORGANIZATION


def _sign(pdf: bytes, party) -> bytes:
    signer = load_signer(party.key_path, party.cert_path, passphrase=None)
    return sign_pdf(pdf, signer, reason="test", location="tests")


def test_sign_and_verify_ok(signed_pdf, unsigned_pdf, pki, determination_bytes):
    r = verify_pdf(signed_pdf, [pki.root.cert])
    assert r.ok, r.summary()
    assert r.failures == ()
    s = r.signature
    assert (s.signed, s.intact, s.valid, s.trusted, s.chains_to_trust_root) == (True,) * 5
    assert s.covers_entire_file and not s.modified_after_signing
    assert not (s.cert_expired or s.cert_not_yet_valid or s.dev_key)
    assert s.signer_subject == "O=rspcheck test PKI,CN=Test Signer"
    assert s.signing_time is not None and abs(s.signing_time - s.validation_time).seconds < 600
    assert r.determination == determination_bytes
    assert r.summary().startswith("OK: signed by")
    assert r.to_dict()["signature"]["determination"]["kind"] == "rspcheck-determination"
    # PAdES, and the rendered bytes are an exact prefix of the signed file
    assert b"/ETSI.CAdES.detached" in signed_pdf
    assert signed_pdf.startswith(unsigned_pdf)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.signature.signed = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.failures = ()  # type: ignore[misc]


def test_signing_keeps_pdfa(signed_pdf):
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(signed_pdf)).trailer["/Root"]
    assert "/Version" not in root or root["/Version"] == "/1.7"  # RSA: no PDF 2.0 bump
    assert b'pdfaid:part="3"' in root["/Metadata"].get_object().get_data()
    field = root["/AcroForm"]["/Fields"][0].get_object()
    assert field["/FT"] == "/Sig"
    assert [float(x) for x in field["/Rect"]] == [0, 0, 0, 0]  # invisible


def test_attachment_round_trip_after_signing(signed_pdf, determination_bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(signed_pdf)).attachments["determination.json"] == [
        determination_bytes
    ]
    names = PdfFileReader(io.BytesIO(signed_pdf)).root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[1]["/EF"]["/F"].data == determination_bytes
    assert extract_determination(signed_pdf) == determination_bytes


def _byte_range(pdf: bytes) -> list[int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert m
    return [int(x) for x in m.groups()]


@pytest.mark.parametrize("where", ["header-comment", "middle-of-signed-range"])
def test_one_byte_tamper_is_detected(signed_pdf, pki, where):
    start, length, _, _ = _byte_range(signed_pdf)
    pos = 10 if where == "header-comment" else start + length // 2  # binary comment / a stream
    assert start <= pos < start + length
    tampered = bytearray(signed_pdf)
    tampered[pos] ^= 0x01
    r = verify_pdf(bytes(tampered), [pki.root.cert])
    assert not r.ok
    assert r.signature.intact is False and r.signature.trusted is False
    assert r.codes == ["signature-tampered"]
    assert (
        r.signature.chains_to_trust_root
    )  # the signer is still who it was: only the bytes changed


def _der_hex_length(digits: bytes) -> int:
    """How many hex digits the DER object at the start of ``digits`` takes (tag, length, body)."""
    head = bytes.fromhex(digits[:12].decode())
    if head[1] < 0x80:
        return 2 * (2 + head[1])
    n = head[1] & 0x7F
    return 2 * (2 + n + int.from_bytes(head[2 : 2 + n], "big"))


def _contents_span(pdf: bytes) -> tuple[int, int]:
    """Where the signature's ``/Contents`` hex digits lie: between ``<`` and ``>``."""
    _, gap_start, gap_end, _ = _byte_range(pdf)
    assert pdf[gap_start : gap_start + 1] == b"<" and pdf[gap_end - 1 : gap_end] == b">"
    return gap_start + 1, gap_end - 1


@pytest.mark.parametrize("where", ["last-digit", "first-padding-digit"])
def test_changed_signature_padding_is_caught(signed_pdf, pki, where):
    # the one span no digest covers: a changed padding digit must not verify as intact
    first, end = _contents_span(signed_pdf)
    der_end = first + _der_hex_length(signed_pdf[first:end])
    assert end - der_end > 100, "pyHanko reserves room: the signature ends in zero padding"
    # the DER itself may end in zero digits: the padding starts where its length says
    pos = end - 1 if where == "last-digit" else der_end
    tampered = bytearray(signed_pdf)
    tampered[pos] = ord("7")
    r = verify_pdf(bytes(tampered), [pki.root.cert])
    assert not r.ok
    assert r.codes == ["signature-contents-altered"]
    assert r.signature.contents_clean is False
    assert "non-zero byte" in r.failures[0].msg and "padding" in r.failures[0].msg
    assert (False, "signature's /Contents holds the signature and zero padding only") in (
        r.checks()
    )
    # the untouched file still verifies, and says so
    ok = verify_pdf(signed_pdf, [pki.root.cert])
    assert ok.ok and ok.signature.contents_clean is True


def test_hex_case_inside_the_signature_is_caught(signed_pdf, pki):
    # a hex digit means the same in either case: a case flip changes the file, not the CMS
    first, end = _contents_span(signed_pdf)
    digits = signed_pdf[first:end]
    letter = next(i for i, c in enumerate(digits) if chr(c) in "ABCDEFabcdef")
    tampered = bytearray(signed_pdf)
    tampered[first + letter] = ord(chr(digits[letter]).swapcase())
    r = verify_pdf(bytes(tampered), [pki.root.cert])
    assert r.codes == ["signature-contents-altered"]
    assert "one letter case" in r.failures[0].msg


def test_wrong_trust_root_is_untrusted(signed_pdf, pki):
    r = verify_pdf(signed_pdf, [pki.stranger_root.cert])
    assert (
        r.signature.intact
        and r.signature.valid
        and not r.signature.trusted
        and not r.signature.chains_to_trust_root
    )
    assert r.codes == ["signer-untrusted"]
    # both certificates by subject and fingerprint, so that the difference is visible
    msg = r.failures[0].msg
    assert r.signature.signer_sha256 is not None and r.signature.signer_sha256[:16] in msg
    assert "given: " in msg and "sha256 " in msg.split("given: ")[1]
    r = verify_pdf(signed_pdf, [])
    assert r.codes == ["signer-untrusted"] and "given: none" in r.failures[0].msg


def test_pinning_the_signer_certificate_itself_works(signed_pdf, pki):
    # a trust anchor need not be self-signed: --trust signer.pem pins exactly that certificate,
    # and the report says so
    r = verify_pdf(signed_pdf, [pki.leaf.cert])
    assert r.ok and r.signature.anchor_is_signer
    assert not verify_pdf(signed_pdf, [pki.root.cert]).signature.anchor_is_signer


def test_expired_certificate(unsigned_pdf, pki):
    signed = _sign(unsigned_pdf, pki.expired)
    r = verify_pdf(signed, [pki.root.cert])
    assert (
        r.signature.intact
        and r.signature.chains_to_trust_root
        and r.signature.cert_expired
        and not r.signature.trusted
    )
    assert r.codes == ["certificate-expired"]
    # the same file judged at a time inside the certificate's window is fine
    inside = pki.expired.cert.not_valid_before_utc + dt.timedelta(days=10)
    assert verify_pdf(signed, [pki.root.cert], validation_time=inside).ok


def test_validation_time_outside_the_window(signed_pdf, pki):
    late = pki.leaf.cert.not_valid_after_utc + dt.timedelta(days=1)
    r = verify_pdf(signed_pdf, [pki.root.cert], validation_time=late)
    assert r.codes == ["certificate-expired"] and r.signature.cert_expired
    early = pki.leaf.cert.not_valid_before_utc - dt.timedelta(days=1)
    r = verify_pdf(signed_pdf, [pki.root.cert], validation_time=early)
    assert r.codes == ["certificate-not-yet-valid"] and r.signature.cert_not_yet_valid


def test_unsigned_pdf(unsigned_pdf, pki, determination_bytes):
    r = verify_pdf(unsigned_pdf, [pki.root.cert])
    assert not r.ok and not r.signature.signed and r.signature.is_pdf
    assert r.codes == ["pdf-unsigned"]
    assert r.determination == determination_bytes  # readable, but vouched for by no one


def test_strangers_pdf_is_not_a_determination(pki, created):
    other = html_to_pdf(
        "<p>a signed PDF, but not ours</p>",
        attachments=[("results.json", b'{"kind": "other"}', "", "application/json")],
        created=created,
        identifier=b"stranger",
    )
    r = verify_pdf(_sign(other, pki.leaf), [pki.root.cert])
    assert r.signature.intact and r.signature.trusted and not r.ok
    assert r.codes == ["not-a-determination"]
    plain = html_to_pdf("<p>no attachments</p>", created=created, identifier=b"s2")
    assert verify_pdf(_sign(plain, pki.leaf), [pki.root.cert]).codes == ["not-a-determination"]
    wrong_kind = html_to_pdf(
        "<p>x</p>",
        attachments=[("determination.json", b'{"kind": "other"}', "", "application/json")],
        created=created,
        identifier=b"s3",
    )
    r = verify_pdf(_sign(wrong_kind, pki.leaf), [pki.root.cert])
    assert r.codes == ["not-a-determination"] and "kind" in r.failures[0].msg


@pytest.mark.parametrize("tail", [b"\n%garbage after signing\n", b"X" * 10])
def test_bytes_appended_after_signing(signed_pdf, pki, tail):
    r = verify_pdf(signed_pdf + tail, [pki.root.cert])
    assert not r.ok and r.signature.modified_after_signing and not r.signature.covers_entire_file
    assert "modified-after-signing" in r.codes


def test_revision_appended_after_signing(signed_pdf, pki, determination_bytes):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    info = w.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("changed after signing")
    w.update_container(info)
    out = io.BytesIO()
    w.write(out)
    r = verify_pdf(out.getvalue(), [pki.root.cert])
    assert r.signature.intact and not r.ok and r.codes == ["modified-after-signing"]
    assert "1 later revision" in r.failures[0].msg, r.failures[0].msg
    assert r.determination == determination_bytes  # read from the signed revision


def test_garbage_is_not_a_pdf(pki):
    for junk in (b"", b"hello world", b"%PDF-1.7\n garbage", bytes(range(256)) * 40):
        r = verify_pdf(junk, [pki.root.cert])
        assert not r.ok and r.codes == ["not-a-pdf"] and r.signature.is_pdf is False


def test_dev_key_is_flagged(unsigned_pdf, tmp_path):
    from checker.sign import load_certificates, make_dev_ca

    dev = make_dev_ca(tmp_path / "dev")
    signed = _sign_paths(unsigned_pdf, dev.signer_key, dev.signer_cert)
    roots = load_certificates(dev.root_cert)
    r = verify_pdf(signed, roots)
    assert r.signature.dev_key and r.signature.trusted and r.codes == ["signed-with-dev-key"]
    assert DEV_ORGANIZATION in (r.signature.signer_subject or "")
    r = verify_pdf(signed, roots, allow_dev_key=True)
    assert r.ok and r.signature.dev_key and "development key" in r.summary()


def _sign_paths(pdf, key, cert):
    return sign_pdf(pdf, load_signer(key, cert, passphrase=None), reason="r", location="l")


@pytest.fixture(scope="module")
def dummy_tsa(pki):
    from asn1crypto import keys as a_keys
    from asn1crypto import x509 as a_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import DummyTimeStamper

    # the test root doubles as TSA (fine for a dummy; real TSAs have their own chain)
    return DummyTimeStamper(
        tsa_cert=a_x509.Certificate.load(pki.root.cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=a_keys.PrivateKeyInfo.load(
            pki.root.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )


@pytest.fixture(scope="module")
def tsa_url(dummy_tsa):
    """An RFC 3161 timestamp authority on the loopback interface, answering over HTTP."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import tsp

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = dummy_tsa.request_tsa_response(req).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("via", ["timestamper", "timestamp_url"])
def test_timestamped_signature(unsigned_pdf, pki, dummy_tsa, tsa_url, via):
    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)
    kw = {"timestamper": dummy_tsa} if via == "timestamper" else {"timestamp_url": tsa_url}
    signed = sign_pdf(unsigned_pdf, signer, reason="r", location="l", **kw)
    r = verify_pdf(signed, [pki.root.cert])
    assert r.ok, r.summary()
    assert r.signature.timestamped and r.signature.timestamp_ok is True
    assert "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in (r.signature.pyhanko_summary or "")


def test_unreachable_tsa_fails_cleanly(unsigned_pdf, pki):
    from checker.errors import RspcheckError

    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)
    with pytest.raises(RspcheckError) as ei:
        sign_pdf(
            unsigned_pdf, signer, reason="r", location="l", timestamp_url="http://127.0.0.1:9/tsa"
        )
    assert ei.value.codes == ["signing-failed"]


def test_input_digests(signed_pdf, pki, inputs_dir, tmp_path):
    det = verify_pdf(signed_pdf, [pki.root.cert]).determination_dict()
    files = {"policy.yaml": inputs_dir / "policy.yaml", "evals.jsonl": inputs_dir / "evals.jsonl"}
    assert check_input_digests(det, files) == []
    assert [c.matched_by for c in match_inputs(det, files)] == ["sha256", "sha256"]

    changed = tmp_path / "evals.jsonl"
    changed.write_text('{"run": "r1", "score": 0.43}\n')
    renamed = tmp_path / "policy-copy.yaml"
    renamed.write_bytes((inputs_dir / "policy.yaml").read_bytes())
    stranger = tmp_path / "other.csv"
    stranger.write_text("a,b\n")
    problems = check_input_digests(
        det,
        {
            "evals.jsonl": changed,
            "copy": renamed,
            "other.csv": stranger,
            "gone": tmp_path / "gone.txt",
        },
    )
    assert [p.code for p in problems] == ["input-mismatch", "input-unrecorded", "file-not-found"]
    mismatch = problems[0]
    recorded = det["inputs"][1]["sha256"]
    assert "evals.jsonl" in mismatch.msg and recorded in mismatch.msg
    import hashlib

    assert hashlib.sha256(changed.read_bytes()).hexdigest() in mismatch.msg


def test_every_code_used_is_declared(signed_pdf, pki):
    # a Problem with an undeclared code raises; spot-check the report paths once more
    for code in (
        "signature-tampered",
        "signature-contents-altered",
        "signer-untrusted",
        "certificate-expired",
        "certificate-not-yet-valid",
        "pdf-unsigned",
        "not-a-determination",
        "modified-after-signing",
        "not-a-pdf",
        "input-mismatch",
        "signed-with-dev-key",
        "rerun-unavailable",
    ):
        assert code in CODES
