"""HTML → PDF/A-3b: reproducible bytes, the JSON attached byte for byte, no stray fetches."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checker.errors import RspcheckError
from checker.report import Attachment, determination_pdf, html_to_pdf
from checker.sign import extract_determination

ROOT = Path(__file__).parents[2]


def _env_without_sde() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_same_inputs_same_bytes_in_process(html, determination_bytes, unsigned_pdf, created):
    again = determination_pdf(html, determination_bytes, created=created)
    assert again == unsigned_pdf


def test_same_inputs_same_bytes_across_processes(html, determination_bytes, unsigned_pdf, created):
    script = textwrap.dedent(
        """
        import datetime as dt, hashlib, json, sys
        from checker.report import determination_pdf
        args = json.load(sys.stdin)
        pdf = determination_pdf(args["html"], args["det"].encode(),
                                created=dt.datetime.fromisoformat(args["created"]))
        print(hashlib.sha256(pdf).hexdigest())
        """
    )
    payload = json.dumps(
        {"html": html, "det": determination_bytes.decode(), "created": created.isoformat()}
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=payload,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**_env_without_sde(), "PYTHONHASHSEED": "12345"},
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == hashlib.sha256(unsigned_pdf).hexdigest()


def test_created_changes_the_bytes(html, determination_bytes, unsigned_pdf, created):
    later = determination_pdf(html, determination_bytes, created=created + dt.timedelta(seconds=1))
    assert later != unsigned_pdf


def test_pdfa3b_markers(unsigned_pdf):
    from pypdf import PdfReader

    assert unsigned_pdf.startswith(b"%PDF-1.7")
    r = PdfReader(io.BytesIO(unsigned_pdf))
    root = r.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert b"B" in xmp.split(b"conformance")[1][:5]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == "determination.json"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    assert r.metadata.title == "rspcheck determination (test)"
    assert r.metadata["/CreationDate"] == "D:20260115120000Z"
    assert r.trailer["/ID"][0].startswith("rspcheck-")  # derived from the JSON's sha256


def test_attachment_round_trip_pypdf_and_pyhanko(unsigned_pdf, determination_bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(unsigned_pdf)).attachments["determination.json"] == [
        determination_bytes
    ]
    r = PdfFileReader(io.BytesIO(unsigned_pdf))
    names = r.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "determination.json"
    assert names[1]["/EF"]["/F"].data == determination_bytes
    assert extract_determination(unsigned_pdf) == determination_bytes


def test_several_attachments_and_tuples(created):
    pdf = html_to_pdf(
        "<p>x</p>",
        attachments=[
            ("a.json", b'{"a": 1}', "first", "application/json"),
            Attachment("policy.yaml", b"k: v\n", "the policy", "application/yaml", "Source"),
        ],
        created=created,
        identifier=b"test-several",
    )
    from pypdf import PdfReader

    atts = PdfReader(io.BytesIO(pdf)).attachments
    assert atts["a.json"] == [b'{"a": 1}'] and atts["policy.yaml"] == [b"k: v\n"]


@pytest.mark.parametrize(
    "src",
    ["file:///etc/passwd", "https://example.com/pixel.png", "http://127.0.0.1:9/x.css"],
)
def test_fetches_outside_the_base_are_refused(src, created):
    html = f'<img src="{src}"><link rel="stylesheet" href="{src}">'
    with pytest.raises(RspcheckError) as ei:
        html_to_pdf(html, created=created, identifier=b"x")
    assert ei.value.codes == ["pdf-resource-blocked"]


def test_base_url_files_and_data_uris_are_allowed(tmp_path, created):
    (tmp_path / "style.css").write_text("p { color: #123456 }")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.css"
    outside.write_text("p { color: red }")
    svg = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxIiBoZWlnaHQ9IjEiLz4="
    ok = f'<link rel="stylesheet" href="style.css"><img src="data:image/svg+xml;base64,{svg}">'
    pdf = html_to_pdf(ok, created=created, identifier=b"x", base_url=tmp_path)
    assert pdf.startswith(b"%PDF-")
    escape = f'<link rel="stylesheet" href="../{outside.name}">'
    with pytest.raises(RspcheckError) as ei:
        html_to_pdf(escape, created=created, identifier=b"x", base_url=tmp_path)
    assert ei.value.codes == ["pdf-resource-blocked"]


def test_naive_created_and_bad_determination_are_refused(html, created):
    with pytest.raises(RspcheckError) as ei:
        html_to_pdf(html, created=dt.datetime(2026, 1, 1), identifier=b"x")  # noqa: DTZ001
    assert ei.value.codes == ["invalid-value"]
    with pytest.raises(RspcheckError) as ei:
        determination_pdf(html, b'{"kind": "something-else"}', created=created)
    assert ei.value.codes == ["not-a-determination"]
