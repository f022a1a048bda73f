"""``rspcheck curves`` and ``rspcheck compare`` as a user runs them, and the HTML page in a real
headless Chromium (skipped, saying why, where Chromium is not installed)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).parents[1]
LOGS = sorted(str(p) for p in (ROOT / "tests" / "data" / "inspect-budget").glob("*.eval"))
EXAMPLE = str(ROOT / "examples" / "evidence.yaml")
runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    return result


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One run of each command with every output, shared by the tests below."""
    out = tmp_path_factory.mktemp("curves")
    r = _run(
        "curves",
        *LOGS,
        "--k-max",
        "2",
        "--replicates",
        "100",
        "--png",
        str(out / "c.png"),
        "--svg",
        str(out / "c.svg"),
        "--csv",
        str(out / "c.csv"),
        "--json",
        str(out / "c.json"),
        "--html",
        str(out / "c.html"),
    )
    c = _run(
        "compare",
        "-e",
        EXAMPLE,
        "--models",
        "previous",
        "candidate",
        "--replicates",
        "100",
        "--png",
        str(out / "cmp.png"),
        "--html",
        str(out / "cmp.html"),
        "--json",
        str(out / "cmp.json"),
    )
    return out, r, c


def test_curves_prints_a_table_that_fits_80_columns(made):
    _, r, _ = made
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "budgetsim/sim-reasoner-1 · arith  (mean USD per task)" in r.output
    assert "effort=medium, max_tokens=1.5k" in r.output
    assert "truncated at lower caps" in r.output and "    effort=high: 0.0" in r.output
    assert "at its largest evaluated budget" in r.output
    assert "arith@" not in r.output  # no ids where people read


def test_curves_writes_every_output(made):
    out, _, _ = made
    assert (out / "c.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (out / "c.svg").read_bytes()
    rows = list(csv.DictReader((out / "c.csv").open()))
    assert {r["series"] for r in rows} == {"point", "best"}
    assert {r["axis"] for r in rows} == {"tokens", "usd", "seconds"}  # --html: every axis
    assert {r["kind"] for r in rows} >= {"evaluated", "best-of-k", "truncated", "p_star"}
    data = json.loads((out / "c.json").read_text())
    assert data["kind"] == "rspcheck-curves" and data["truncation"] is True
    html = (out / "c.html").read_text()
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "<script src" not in html


def test_curves_output_is_reproducible(tmp_path):
    for name in ("a", "b"):
        r = _run(
            "curves",
            *LOGS,
            "--replicates",
            "60",
            "--axis",
            "tokens",
            "--json",
            str(tmp_path / name),
            "--png",
            str(tmp_path / f"{name}.png"),
        )
        assert r.exit_code == 0, r.output
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_curves_refuses_bad_options_and_unknown_names(tmp_path):
    assert _run("curves", *LOGS, "--axis", "watts").exit_code == 2
    r = _run("curves", *LOGS, "--models", "nobody")
    assert r.exit_code == 2 and "unknown-reference" in r.output
    r = _run("curves", *LOGS, "--k-max", "0")
    assert r.exit_code == 2 and "invalid-value" in r.output
    r = _run("curves", LOGS[0], "--json", LOGS[0])  # never overwrite an input
    assert r.exit_code == 2 and "output-is-input" in r.output


def test_compare_prints_own_maxima_and_matched_differences(made):
    _, _, c = made
    assert c.exit_code == 0, c.output
    assert all(len(line) <= 80 for line in c.output.splitlines())
    assert "candidate: 0.24" in c.output and "(P*) is 0.26" in c.output  # bio: cap cut it
    assert "[matched] candidate vs previous" in c.output
    data = json.loads(Path(made[0] / "cmp.json").read_text())
    assert data["models"] == ["previous", "candidate"]
    assert [e["eval"] for e in data["evals"]] == ["autonomy-swe", "bio-protocols", "cyber-ctf"]


def test_compare_states_a_finding_where_budgets_do_not_overlap(tmp_path):
    rows = []
    for run, budget, p in (("a1", 1.0, 0.6), ("a2", 3.0, 0.7), ("b1", 30.0, 0.5)):
        for t in range(30):
            score = float((t * 7919 % 100) / 100 < p)
            rows.append(json.dumps({"run": run, "task": f"t{t}", "score": score, "usd": budget}))
    (tmp_path / "attempts.jsonl").write_text("\n".join(rows) + "\n")
    (tmp_path / "evidence.yaml").write_text(
        "kind: rspcheck-evidence\nmodels: [{id: a}, {id: b}]\nruns:\n"
        "  - {id: a1, model: a, eval: e}\n  - {id: a2, model: a, eval: e}\n"
        "  - {id: b1, model: b, eval: e}\nattempts:\n  - path: attempts.jsonl\n"
    )
    r = _run("compare", "-e", str(tmp_path / "evidence.yaml"), "--models", "a", "b")
    assert r.exit_code == 0, r.output  # a finding, not an error
    text = " ".join(r.output.split())
    assert "[dominates] b vs a:" in text
    assert "a is at least as good at a tenth of the budget (dominates" in text


# -- the page in a real browser ---------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _browse(page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran (with ``#selftest``), and every console message."""
    proc = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",  # CI runs as root in a container
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.resolve().as_uri() + "#selftest",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install -y chromium); the page is "
    "checked in a real browser only where one is",
)
@pytest.mark.parametrize(
    "name, shows",
    [("c.html", ["budgetsim/sim-reasoner-1"]), ("cmp.html", ["previous", "candidate"])],
)
def test_page_loads_in_chromium_without_console_errors_and_shows_every_model(
    made, tmp_path, name, shows
):
    dom, console = _browse(made[0] / name, tmp_path)
    assert console == [], console
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None, dom[:500]
    assert 'data-selftest="ok"' in body.group(0), body.group(0)  # hover read-out and toggle
    legend = re.search(r'<div class="legend" id="legend">(.*?)</div>', dom, re.S)
    assert legend is not None
    for model in shows:
        assert model in legend.group(1)
    assert dom.count('<div class="panel">') >= 1
