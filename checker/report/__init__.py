"""The trust layer: PDF/A-3b rendering with the JSON attached, keys, signing, verification.

One call each for the rest of rspcheck::

    from checker.report import determination_pdf, load_signer, sign_pdf, verify_pdf

    pdf = determination_pdf(html, determination_json, created=when)   # reproducible bytes
    pdf = determination_to_pdf(det, signer=signer)    # the whole report from a Determination
    signer = load_signer(key_pem, cert_pem, passphrase=read_passphrase(env="RSPCHECK_KEY_PASS"))
    signed = sign_pdf(pdf, signer, reason="rspcheck determination", location="CI")
    report = verify_pdf(signed, load_certificates("org-root.pem"))
    assert report.ok, report.summary()

Importing this package is cheap: WeasyPrint and pyHanko are imported inside the functions
that need them.
"""

from checker.report.keys import (
    DevKeyPaths,
    Secret,
    is_dev_certificate,
    load_certificates,
    load_signer,
    load_signer_p12,
    make_dev_ca,
    read_passphrase,
)
from checker.report.pdf import (
    DETERMINATION_KIND,
    DETERMINATION_NAME,
    Attachment,
    canonical_json,
    determination_pdf,
    html_to_pdf,
)
from checker.report.render import determination_to_pdf, render_determination
from checker.report.signing import sign_pdf
from checker.report.verify import (
    InputCheck,
    VerificationReport,
    check_input_digests,
    extract_determination,
    match_inputs,
    parse_determination,
    verify_pdf,
)

__all__ = [
    "DETERMINATION_KIND",
    "DETERMINATION_NAME",
    "Attachment",
    "DevKeyPaths",
    "InputCheck",
    "Secret",
    "VerificationReport",
    "canonical_json",
    "check_input_digests",
    "determination_pdf",
    "determination_to_pdf",
    "extract_determination",
    "html_to_pdf",
    "is_dev_certificate",
    "load_certificates",
    "load_signer",
    "load_signer_p12",
    "make_dev_ca",
    "match_inputs",
    "parse_determination",
    "read_passphrase",
    "render_determination",
    "sign_pdf",
    "verify_pdf",
]
