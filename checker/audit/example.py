"""The audit's worked example end to end (``rspcheck demo --audit``): the simulated card of
``examples/audit/`` audited against the example's evidence and the reference policy, written as
JSON, HTML and a PDF signed with a development key, and verified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from checker.audit.findings import Audit
from checker.files.shipped import shipped_dir

CLAIMS = shipped_dir("examples") / "audit" / "simulated-card.yaml"
"""The simulated card (illustrative numbers matching ``examples/evidence.yaml``)."""
PUBLISHED = shipped_dir("examples") / "audit" / "published-claims.yaml"
"""Published numbers, each cited."""
EVIDENCE = shipped_dir("examples") / "evidence.yaml"
POLICY = shipped_dir("policies") / "rspcheck-reference.yaml"
AS_OF = dt.date(2026, 10, 20)
"""The audit's date in the example (a fixed day, so the example's files are reproducible)."""


@dataclass(frozen=True)
class AuditExample:
    """What the example wrote and whether the signed PDF verified."""

    audit: Audit
    json: Path
    html: Path
    pdf: Path
    trust_root: Path
    verified: bool
    summary: str


def run_audit_example(out: Path, *, replicates: int = 1000, seed: int = 0) -> AuditExample:
    """Audit the simulated card, write ``audit.json``, ``audit.html`` and a signed
    ``audit.pdf`` into ``out`` (a development key in ``out/keys``, made unless present), and
    verify the PDF.

    Args:
        out: Folder to write into (created if missing; its parent must exist).
        replicates: Bootstrap replicates.
        seed: Bootstrap seed.

    Returns:
        The audit, the files, and the verification's verdict.

    Raises:
        RspcheckError: an input is missing or a file cannot be written.
    """
    from checker.audit.audit import audit
    from checker.audit.findings import AuditInput
    from checker.audit.load import load_claims
    from checker.audit.render import audit_html, audit_pdf
    from checker.evidence import load_many
    from checker.files.outputs import write_output
    from checker.policy.load import load_policy
    from checker.sign.keys import (
        DEV_CERT_FILE,
        DEV_KEY_FILE,
        DEV_ROOT_FILE,
        load_certificates,
        load_signer,
        make_dev_ca,
    )
    from checker.sign.verify import verify_pdf

    out.mkdir(exist_ok=True)
    loaded = load_claims(CLAIMS)
    lp = load_policy(POLICY)
    ev = load_many([EVIDENCE])
    record = [AuditInput(role="policy", name=str(POLICY), sha256=lp.sha256)]
    record += [AuditInput(role="evidence", name=n, sha256=d) for n, d in ev.files]
    result = audit(
        loaded,
        evidence=ev,
        policy=lp.policy,
        inputs=record,
        replicates=replicates,
        seed=seed,
        as_of=AS_OF,
    )
    keys = out / "keys"
    root, key, cert = keys / DEV_ROOT_FILE, keys / DEV_KEY_FILE, keys / DEV_CERT_FILE
    if not (root.is_file() and key.is_file() and cert.is_file()):
        made = make_dev_ca(keys, force=True)
        root, key, cert = made.root_cert, made.signer_key, made.signer_cert
    signer = load_signer(key, cert, passphrase=None)
    paths = (out / "audit.json", out / "audit.html", out / "audit.pdf")
    inputs = [CLAIMS, POLICY, EVIDENCE]
    write_output(paths[0], result.model_dump_json(indent=2) + "\n", inputs=inputs)
    write_output(paths[1], audit_html(result), inputs=inputs)
    pdf = audit_pdf(result, signer=signer)
    write_output(paths[2], pdf, inputs=inputs)
    report = verify_pdf(
        pdf, load_certificates(root), allow_dev_key=True, inputs=[CLAIMS], name=str(paths[2])
    )
    return AuditExample(result, *paths, root, report.ok, report.summary())
