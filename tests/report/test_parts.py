"""A PDF laid out in parts (checker/report/parts.py): numbered as one document, the same bytes
however many processes did the work, the same pages as the document laid out whole, and
failures in a worker process reported as they would be in this one."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from checker.determination import Determination
from checker.errors import RspcheckError
from checker.report import determination_pdf, html_to_pdf, render_pdf
from checker.report import parts as parts_mod
from checker.report.render import PARTS_FROM, plan_parts, render_determination
from checker.sign import load_signer, sign_pdf, verify_pdf
from tests.report.synthetic import synthetic_determination

CREATED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

PAGE_CSS = """<style>
@page { size: A6; margin: 15mm 10mm;
  @bottom-right { content: "p" counter(page) "/" counter(pages); }
  @top-left { content: string(section); } }
h1 { string-set: section content(); }
section { break-before: page; }
</style>"""


def _doc(*sections: str) -> str:
    body = "".join(f"<section><h1>{s}</h1><p>{s} text</p></section>" for s in sections)
    return f"<html><head><title>parts</title>{PAGE_CSS}</head><body>{body}</body></html>"


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def _outline(pdf: bytes) -> list[tuple[int, str, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    out: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


@pytest.fixture
def workers(monkeypatch):
    def set_workers(n: int | str) -> None:
        monkeypatch.setenv(parts_mod.WORKERS_ENV, str(n))

    return set_workers


def test_this_weasyprint_supports_parts() -> None:
    # if an upgrade moves the internal that parts.py hooks, this fails before any report does
    assert parts_mod.supported()


@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_parts_are_numbered_as_one_document(workers, n_workers: int) -> None:
    workers(n_workers)
    pdf = html_to_pdf(
        [_doc("A"), _doc("B1", "B2"), _doc("C")], created=CREATED, identifier=b"parts"
    )
    pages = _pages(pdf)
    assert len(pages) == 4
    for number, (page, section) in enumerate(
        zip(pages, ["A", "B1", "B2", "C"], strict=True), start=1
    ):
        assert f"p{number}/4" in page
        assert page.startswith(section)  # the running header: the part's own string-set
    assert [title for _, title, _ in _outline(pdf)] == ["A", "B1", "B2", "C"]
    assert [page for _, _, page in _outline(pdf)] == [0, 1, 2, 3]


def test_parts_give_the_same_bytes_in_one_process_or_several(workers) -> None:
    docs = [_doc("A"), _doc("B1", "B2"), _doc("C"), _doc("D")]
    workers(1)
    one = html_to_pdf(docs, created=CREATED, identifier=b"parts")
    workers(4)
    four = html_to_pdf(docs, created=CREATED, identifier=b"parts")
    assert one == four


def test_parts_give_the_same_bytes_in_another_process(workers) -> None:
    # pypdf joins the parts: its output must not depend on hash seeds or object ids
    docs = [_doc("A"), _doc("B1", "B2"), _doc("C")]
    workers(2)
    here = hashlib.sha256(html_to_pdf(docs, created=CREATED, identifier=b"parts")).hexdigest()
    script = (
        "import datetime as dt, hashlib, json, sys\n"
        "from checker.report import html_to_pdf\n"
        "docs = json.load(sys.stdin)\n"
        "pdf = html_to_pdf(docs, created=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),"
        " identifier=b'parts')\n"
        "print(hashlib.sha256(pdf).hexdigest())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        env={**env, "PYTHONHASHSEED": "4242", parts_mod.WORKERS_ENV: "3"},
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == here


def test_parts_are_built_in_the_process_that_lays_them_out(workers) -> None:
    workers(2)
    parent = os.getpid()
    pids: list[str] = []

    def build(name: str):
        def make() -> str:
            return _doc(f"{name} pid {os.getpid()}")

        return make

    pdf = html_to_pdf([build("A"), build("B")], created=CREATED, identifier=b"pid")
    for page in _pages(pdf):
        pids.append(page.split("pid ")[1].split()[0])
    assert pids[0] == str(parent)
    assert pids[1] != str(parent)


def _raises() -> str:
    raise RspcheckError.one("invalid-value", "broken part")


def _dies() -> str:
    os._exit(3)


_STRAY = _doc("B").replace("</body>", '<img src="https://example.com/x.png"></body>')


@pytest.mark.parametrize(
    ("second", "code", "says"),
    [
        (_raises, "invalid-value", "broken part"),  # rspcheck's own error, code and all
        (_STRAY, "pdf-resource-blocked", "example.com"),  # the fetch guard holds in workers
        (_dies, "pdf-render-failed", "exit code 3"),  # a worker that vanishes is named
    ],
    ids=["error", "blocked-resource", "worker-dies"],
)
def test_a_failure_in_a_worker_is_raised_here(workers, second, code, says) -> None:
    workers(2)
    with pytest.raises(RspcheckError) as err:
        html_to_pdf([_doc("A"), second], created=CREATED, identifier=b"x")
    assert err.value.problems[0].code == code
    assert says in str(err.value)


def test_an_error_in_this_process_stops_the_workers(workers) -> None:
    import multiprocessing

    workers(2)
    with pytest.raises(RspcheckError, match="broken part"):
        html_to_pdf([_raises, _doc("B")], created=CREATED, identifier=b"x")
    assert multiprocessing.active_children() == []


def test_a_bug_in_a_worker_keeps_its_traceback(workers) -> None:
    workers(2)

    def bug() -> str:
        return {}["missing"]  # KeyError

    with pytest.raises(RuntimeError, match="KeyError") as err:
        html_to_pdf([_doc("A"), bug], created=CREATED, identifier=b"x")
    assert "def bug" in str(err.value) or "in bug" in str(err.value)


def test_a_bad_worker_count_is_a_clear_error(workers) -> None:
    workers("many")
    with pytest.raises(RspcheckError) as err:
        html_to_pdf([_doc("A"), _doc("B")], created=CREATED, identifier=b"x")
    assert err.value.problems[0].code == "invalid-value"
    assert parts_mod.WORKERS_ENV in str(err.value)


def test_renders_outside_rspcheck_keep_their_margin_boxes() -> None:
    import weasyprint

    parts_mod._install()  # the hook stays installed for the process
    pdf = weasyprint.HTML(string=_doc("A", "B")).write_pdf()
    assert [("p1/2" in p, "p2/2" in p) for p in _pages(pdf)] == [(True, False), (False, True)]


# -- the report --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def det() -> Determination:
    return synthetic_determination(PARTS_FROM + 2, replicates=200)


def test_plan_covers_every_section_once_in_order(det: Determination) -> None:
    plan = plan_parts(det)
    assert len(plan) == 2
    assert plan[0].front and not any(p.front for p in plan[1:])
    assert plan[-1].back and not any(p.back for p in plan[:-1])
    assert [i for p in plan for i in p.thresholds] == list(range(len(det.thresholds)))
    assert plan_parts(det) == plan  # from the determination alone
    small = synthetic_determination(PARTS_FROM - 1, replicates=50, compare=False)
    assert len(plan_parts(small)) == 1


def test_plan_for_a_large_report_is_four_even_parts() -> None:
    big = synthetic_determination(40, replicates=50, compare=False)
    plan = plan_parts(big)
    assert len(plan) == 4
    sizes = [len(p.thresholds) for p in plan]
    assert max(sizes[1:]) - min(sizes[1:]) <= 3  # the front part carries the summary
    assert sizes[0] < sizes[1]


def test_report_in_parts_reads_exactly_as_the_whole(det: Determination, workers, pki) -> None:
    workers(2)
    in_parts = render_pdf(det)
    whole = determination_pdf(render_determination(det), det.to_json().encode(), created=CREATED)
    assert _pages(in_parts) == _pages(whole)  # page numbers and running headers included
    assert _outline(in_parts) == _outline(whole)
    reader = PdfReader(io.BytesIO(in_parts))
    assert reader.attachments["determination.json"][0] == det.to_json().encode()
    assert reader.metadata.title == PdfReader(io.BytesIO(whole)).metadata.title
    n = len(reader.pages)
    assert f"Page {n} of {n}" in _pages(in_parts)[-1]

    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)
    report = verify_pdf(
        sign_pdf(in_parts, signer, reason="tests", location="tests"), [pki.root.cert]
    )
    assert report.ok, report.summary()
    assert report.determination == det.to_json().encode()

    workers(1)
    assert render_pdf(det) == in_parts

    # a WeasyPrint whose internals moved renders the report whole: the same document
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts_mod, "supported", lambda: False)  # (the real one is cached)
        assert render_pdf(det) == whole


def _render_in_pool_worker(docs: list[str]) -> bytes:
    return html_to_pdf(docs, created=CREATED, identifier=b"pool")


def test_a_daemonic_caller_renders_in_process(workers) -> None:
    # multiprocessing.Pool workers are daemonic and may not start processes: rspcheck called
    # from one must render in that process rather than fail
    import multiprocessing

    workers(2)
    docs = [_doc("A"), _doc("B")]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pdf = pool.apply(_render_in_pool_worker, (docs,))
    assert pdf == html_to_pdf(docs, created=CREATED, identifier=b"pool")
