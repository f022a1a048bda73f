"""Trust: signing keys and certificates, PAdES signatures on the report, and verification.

::

    from checker.sign import load_signer, sign_pdf, verify_pdf, load_certificates

    signer = load_signer(key_pem, cert_pem, passphrase=read_passphrase(env="RSPCHECK_KEY_PASS"))
    signed = sign_pdf(pdf, signer, reason="rspcheck determination", location="CI")
    report = verify_pdf(signed, load_certificates("org-root.pem"), inputs=["rsp.yaml"])
    assert report.ok, report.summary()

Importing this package is cheap: pyHanko is imported inside the functions that need it.
"""

from checker.sign.keys import (
    DevKeyPaths,
    Secret,
    is_dev_certificate,
    load_certificates,
    load_signer,
    load_signer_p12,
    make_dev_ca,
    read_passphrase,
    signer_name,
)
from checker.sign.signing import sign_pdf
from checker.sign.verify import (
    InputCheck,
    SignatureReport,
    VerificationReport,
    check_input_digests,
    extract_determination,
    match_inputs,
    verify_pdf,
    verify_signature,
)

__all__ = [
    "DevKeyPaths",
    "InputCheck",
    "Secret",
    "SignatureReport",
    "VerificationReport",
    "check_input_digests",
    "extract_determination",
    "is_dev_certificate",
    "load_certificates",
    "load_signer",
    "load_signer_p12",
    "make_dev_ca",
    "match_inputs",
    "read_passphrase",
    "sign_pdf",
    "signer_name",
    "verify_pdf",
    "verify_signature",
]
