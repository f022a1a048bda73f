"""The rendered determination: what the pages say, the attached JSON, reproducibility, signing,
and ``rspcheck report`` / ``rspcheck check --pdf``.

One determination with every state and basis (computed by the engine from synthetic evidence,
R = 200, plus one relabelled extrapolated crossing) is rendered once per module."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from checker.cli import app
from checker.determination import Determination
from checker.report import render_determination, render_pdf
from checker.report.charts import coverage_chart, relation_graph, threshold_chart
from checker.sign import load_signer, make_dev_ca, verify_pdf
from checker.sign.signing import signed_determination_pdf
from tests.report.synthetic import synthetic_determination, with_extrapolated_crossing

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def det() -> Determination:
    return with_extrapolated_crossing(synthetic_determination(6, replicates=200))


@pytest.fixture(scope="module")
def unsigned(det: Determination) -> bytes:
    return render_pdf(det)


@pytest.fixture(scope="module")
def text(unsigned: bytes) -> str:
    reader = PdfReader(io.BytesIO(unsigned))
    return "\n".join(p.extract_text() for p in reader.pages)


def _attachment(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).attachments["determination.json"][0]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_fixture_has_every_state_and_basis(det: Determination) -> None:
    pairs = {(t.state, t.basis) for t in det.thresholds}
    assert {s for s, _ in pairs} == {"crossed", "not_crossed", "indeterminate"}
    assert {b for _, b in pairs} == {"direct", "repeated_sampling", "extrapolated", "none"}
    assert det.comparisons and det.gate.inconsistencies and det.gate.satisfied


def test_pages_name_the_verdict_every_threshold_and_the_unmet_safeguard(
    det: Determination, text: str
) -> None:
    flat = _flat(text)
    assert "BLOCK" in flat and "Release gate" in flat
    assert "Unsigned." in flat and "DEVELOPMENT KEY" not in flat
    for t in det.thresholds:
        assert t.id in flat
        cov = t.coverage
        figures = f"{cov.direct:.0%} / {cov.extrapolated:.0%} / {cov.uncovered:.0%}"
        assert figures in flat, (t.id, figures)
    for state in ("crossed", "not crossed", "indeterminate"):
        assert state in flat
    assert "repeated sampling" in flat and "extrapolation" in flat
    unmet = [u for u in det.gate.unmet if u.safeguard]
    assert unmet and all(u.safeguard in flat for u in unmet)
    assert "sg-monitoring" in flat  # the satisfied safeguard
    assert det.gate.inconsistencies[0][:40] in flat
    assert "Matched-budget comparisons" in flat and "NOT matched" in flat
    for f in det.inputs:
        assert f.sha256 in flat.replace(" ", "") or f.sha256 in text.replace("\n", "")
    assert str(det.seed) in flat and det.tool_version in flat


def test_page_numbers_header_and_metadata(det: Determination, unsigned: bytes) -> None:
    reader = PdfReader(io.BytesIO(unsigned))
    n = len(reader.pages)
    assert f"Page 1 of {n}" in reader.pages[0].extract_text()
    assert f"Page {n} of {n}" in reader.pages[-1].extract_text()
    second = _flat(reader.pages[1].extract_text())
    assert "Synthetic review policy v2.1 · candidate · BLOCK" in second
    meta = reader.metadata
    assert meta is not None
    assert "candidate" in meta.title and "BLOCK" in meta.title
    assert meta.author == "unsigned"
    assert meta.subject.startswith("BLOCK: candidate against Synthetic review policy v2.1")
    assert "rspcheck" in meta.get("/Keywords", "")
    assert meta.creation_date is not None and meta.creation_date.date() == det.as_of


def test_attached_json_is_to_json_byte_for_byte(det: Determination, unsigned: bytes) -> None:
    assert _attachment(unsigned) == det.to_json().encode("utf-8")


def test_unsigned_bytes_are_reproducible(det: Determination, unsigned: bytes) -> None:
    again = Determination.model_validate_json(det.to_json())  # via JSON, as `report` does
    assert render_pdf(again) == unsigned


def test_charts_are_deterministic_svg(det: Determination) -> None:
    t = det.thresholds[2]
    a, b = threshold_chart(t, det.actors), threshold_chart(t, det.actors)
    assert a == b and a.startswith("<svg") and "<dc:date>" not in a
    # shaped for WeasyPrint's per-node cost: no anchored text (a form XObject each), no
    # tiling patterns, no bare <g id> wrappers
    assert "text-anchor" not in a and "<pattern" not in a and '<g id="' not in a
    assert coverage_chart(det).startswith("<svg")
    graph = relation_graph(det)
    assert graph is not None and "sg-security" in graph
    assert relation_graph(det.model_copy(update={"relations": []})) is None


def _svg_height_in(svg: str) -> float:
    return float(re.search(r'height="([\d.]+)pt"', svg).group(1)) / 72


def test_figures_of_a_large_report_each_fit_a_page() -> None:
    from checker.determination import RelationRef
    from checker.report.charts import (
        COVERAGE_ROWS,
        GRAPH_MAX_HEIGHT,
        coverage_charts,
        unrelated_thresholds,
    )

    big = synthetic_determination(40, replicates=50, compare=False)
    charts = coverage_charts(big)
    assert len(charts) == 2  # 30 bars, then 10
    ids = [t.id for t in big.thresholds]
    assert all(f">{i}</text>" in charts[0] for i in ids[:COVERAGE_ROWS])
    assert not any(f">{i}</text>" in charts[0] for i in ids[COVERAGE_ROWS:])
    assert all(_svg_height_in(c) <= 8.5 for c in charts)  # + heading and caption: one page

    def budget_labels(svg: str) -> list[str]:
        return [x for x in re.findall(r">([^<>]*)</text>", svg) if x.startswith("$")]

    # one axis across the pages, even when the later thresholds span less
    narrow = [
        t.model_copy(
            update={"coverage": t.coverage.model_copy(update={"range_min": 1, "range_max": 10})}
        )
        for t in big.thresholds[COVERAGE_ROWS:]
    ]
    first, second = coverage_charts(
        big.model_copy(update={"thresholds": [*big.thresholds[:COVERAGE_ROWS], *narrow]})
    )
    assert budget_labels(first) == budget_labels(second)

    # the graph draws thresholds in a relation only, and names how many it leaves out
    related = {r.source for r in big.relations} | {
        r.target for r in big.relations if r.kind == "implies"
    }
    assert set(unrelated_thresholds(big)) == set(ids) - related
    graph = relation_graph(big)
    assert graph is not None
    assert all(f">{i}</text>" not in graph for i in unrelated_thresholds(big))
    # every threshold requiring a safeguard: one tall column, capped to a page
    crowded = big.model_copy(
        update={
            "relations": [RelationRef(kind="requires", source=i, target="sg-security") for i in ids]
        }
    )
    tall = relation_graph(crowded)
    assert tall is not None and unrelated_thresholds(crowded) == []
    assert _svg_height_in(tall) == pytest.approx(GRAPH_MAX_HEIGHT)
    assert all(f">{i}</text>" in tall for i in ids)


def test_dev_key_banner_and_signer_on_cover(det: Determination) -> None:
    small = det.model_copy(update={"thresholds": det.thresholds[:1], "comparisons": []})
    html = render_determination(small, signer_label="Alice (Org)", dev_key=True)
    assert "DEVELOPMENT KEY — NOT FOR RELEASE" in html and "Alice (Org)" in html
    assert "Unsigned." not in html
    plain = render_determination(small, signer_label=None, dev_key=False)
    assert "DEVELOPMENT KEY" not in plain and "Unsigned." in plain


def test_signed_with_a_test_ca_verifies(det: Determination, pki) -> None:
    small = det.model_copy(update={"thresholds": det.thresholds[:2], "comparisons": []})
    signer = load_signer(pki.leaf.key_path, pki.leaf.cert_path, passphrase=None)
    signed = signed_determination_pdf(small, signer, location="tests")
    report = verify_pdf(signed, [pki.root.cert])
    assert report.ok, report.summary()
    assert report.determination == small.to_json().encode("utf-8")
    cover = _flat(PdfReader(io.BytesIO(signed)).pages[0].extract_text())
    assert "Test Signer (rspcheck test PKI)" in cover and "Unsigned." not in cover
    # the unsigned render with the same signer name is the signed file's first revision
    assert PdfReader(io.BytesIO(signed)).metadata.author == "Test Signer (rspcheck test PKI)"


# -- CLI -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def small_json(tmp_path_factory, runner) -> Path:
    """`rspcheck check --json --pdf` on the small test inputs, signed with a dev key."""
    out = tmp_path_factory.mktemp("render-cli")
    keys = make_dev_ca(out / "keys")
    args = [
        "check",
        "-p",
        str(ROOT / "tests/data/policy-small.yaml"),
        "-e",
        str(ROOT / "tests/data/evidence-small.yaml"),
        "--as-of",
        "2026-11-01",
        "--replicates",
        "200",
        "--json",
        str(out / "d.json"),
        "--pdf",
        str(out / "d.pdf"),
        "--p12",
        str(keys.p12),
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 3, res.output  # the small policy blocks
    assert "signed PDF written" in res.output and "DEVELOPMENT" in res.output
    return out / "d.json"


def test_check_pdf_carries_exactly_the_json_check_writes(small_json: Path) -> None:
    pdf = (small_json.parent / "d.pdf").read_bytes()
    assert _attachment(pdf) == small_json.read_bytes()
    cover = _flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "DEVELOPMENT KEY — NOT FOR RELEASE" in cover and "BLOCK" in cover
    root = small_json.parent / "keys" / "dev-root.pem"
    from checker.sign import load_certificates

    report = verify_pdf(pdf, load_certificates(root), allow_dev_key=True)
    assert report.ok, report.summary()


def test_report_renders_a_json_file_unsigned(small_json: Path, runner, tmp_path) -> None:
    out = tmp_path / "r.pdf"
    res = runner.invoke(app, ["report", str(small_json), "--pdf", str(out)])
    assert res.exit_code == 0, res.output
    assert "UNSIGNED" in res.output and "not in canonical form" not in res.output
    pdf = out.read_bytes()
    assert _attachment(pdf) == small_json.read_bytes()
    # check --pdf without a key gives these very bytes (same JSON, no signer)
    det = Determination.model_validate_json(small_json.read_text())
    assert render_pdf(det) == pdf


def test_report_recanonicalises_a_reformatted_json(small_json: Path, runner, tmp_path) -> None:
    messy = tmp_path / "messy.json"
    messy.write_text(json.dumps(json.loads(small_json.read_text())))  # one line, other order
    out = tmp_path / "m.pdf"
    res = runner.invoke(app, ["report", str(messy), "--pdf", str(out)])
    assert res.exit_code == 0, res.output
    assert "not in canonical form" in res.output
    assert _attachment(out.read_bytes()) == small_json.read_bytes()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not JSON"),
        ('{"kind": "something-else"}', "not an rspcheck determination"),
        ('{"kind": "rspcheck-determination", "seed": "x"}', "at seed"),
    ],
)
def test_report_rejects_a_bad_file_clearly(content, expected, runner, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    res = runner.invoke(app, ["report", str(bad), "--pdf", str(tmp_path / "x.pdf")])
    assert res.exit_code == 2
    assert "determination-invalid" in res.output and expected in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.pdf").exists()


def test_signing_options_are_checked_before_work(small_json: Path, runner, tmp_path) -> None:
    args = ["report", str(small_json), "--pdf", str(tmp_path / "x.pdf")]
    res = runner.invoke(app, [*args, "--sign-key", str(tmp_path / "k.pem")])
    assert res.exit_code == 2 and "--sign-key and --sign-cert go together" in res.output
    res = runner.invoke(app, [*args, "--passphrase-env", "NOPE_NOT_SET"])
    assert res.exit_code == 2 and "without a key" in res.output
    keys = small_json.parent / "keys"
    res = runner.invoke(
        app, [*args, "--p12", str(keys / "dev-signer.p12"), "--sign-key", str(keys / "x")]
    )
    assert res.exit_code == 2 and "not both" in res.output


def test_evidence_span_names_an_extrapolation_only_beyond_the_evidence(det: Determination) -> None:
    from checker.report.render import Part, render_part

    def page(t) -> str:
        one = det.model_copy(update={"thresholds": [t], "comparisons": []})
        return _flat(render_part(one, Part(False, range(1), False)))

    trend = next(t for t in det.thresholds if t.id == "trend")
    assert trend.coverage.extrapolation_max > trend.coverage.evidence_max
    assert "(extrapolated to $10)" in page(trend)
    # modelled repeated sampling is "extrapolated" in k, below the largest evaluated spend:
    # "$1 – $15.6 (extrapolated to $1.14)" read as if evidence stopped at $1.14
    inside = trend.model_copy(
        update={"coverage": trend.coverage.model_copy(update={"extrapolation_max": 0.5})}
    )
    assert "extrapolated to" not in page(inside)


def test_caption_gives_the_extrapolated_bands_reach_as_its_label_does(det: Determination) -> None:
    from checker.report import charts
    from checker.report.render import _threshold_view

    trend = next(t for t in det.thresholds if t.id == "trend")
    c = trend.curve
    n = len(c.budgets)
    basis = ["direct"] * (n - 4) + ["extrapolated"] * 2 + ["uncovered"] * 2
    oom = [0.0] * (n - 4) + [0.1, 0.2, 0.3, 0.5]  # lower-bound-only stretch after the band
    shaped = trend.model_copy(
        update={"curve": c.model_copy(update={"basis": basis, "extrapolation_oom": oom})}
    )
    assert _threshold_view(shaped, det, charts, "<svg/>")["ext_oom"] == 0.2
    assert "extrapolated ≤ 0.2 OOM" in charts.threshold_chart(shaped, det.actors)


def test_coverage_chart_axis_holds_every_range(det: Determination) -> None:
    from checker.report.charts import coverage_charts

    # the demo's ranges and coverage: autoscaling the bars in linear units once cut the
    # axis at ~$58, so the bars starting at $10 lost their start
    demo = [
        (10.0, 1e5, 0.4758, 0.0, 0.5242),
        (10.0, 1e7, 0.0, 0.0, 1.0),
        (10.0, 1e7, 0.0859, 0.041, 0.8731),
        (10.0, 1e3, 1.0, 0.0, 0.0),
    ]
    keys = ("range_min", "range_max", "direct", "extrapolated", "uncovered")
    ts = [
        t.model_copy(
            update={"coverage": t.coverage.model_copy(update=dict(zip(keys, v, strict=True)))}
        )
        for t, v in zip(det.thresholds[:4], demo, strict=True)
    ]
    svg = coverage_charts(det.model_copy(update={"thresholds": ts}))[0]
    labels = re.findall(r">([^<>]*)</text>", svg)
    assert [x for x in labels if x.startswith("$")] == [
        "$10",
        "$100",
        "$1k",
        "$10k",
        "$100k",
        "$1M",
        "$10M",
    ]
