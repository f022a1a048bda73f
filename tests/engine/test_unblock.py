"""What would unblock a release: the smallest attestation set, evidence where no attestation
helps, one line per threshold; and the cover, the terminal and the CI summary say it."""

from __future__ import annotations

from pathlib import Path

from checker.determination import Determination, Unmet
from checker.engine.unblock import unblock
from checker.report import render_determination
from checker.report.ci import determination_ci

GOLDEN = Path(__file__).parents[1] / "data" / "golden" / "demo-determination-200.json"


def _det() -> Determination:
    return Determination.model_validate_json(GOLDEN.read_text(encoding="utf-8"))


def test_the_demo_needs_one_attestation_and_nothing_else() -> None:
    det = _det()
    u = unblock(det)
    assert u.attestations == ("deployment-misuse-l3",)
    assert u.attestations_suffice
    assert u.bottom_line == "BLOCK. To allow: attest deployment-misuse-l3. Nothing else is missing."
    assert [tid for tid, _ in u.lines] == [t.id for t in det.thresholds]
    for t in det.thresholds:  # an indeterminate's line carries what would decide it
        line = dict(u.lines)[t.id]
        assert line.startswith(t.state.replace("_", " "))
        if t.state == "indeterminate" and t.would_decide:
            assert t.would_decide in line


def test_a_requirement_no_attestation_meets_needs_evidence() -> None:
    det = _det()
    t = next(t for t in det.thresholds if t.state == "indeterminate")
    gate = det.gate.model_copy(
        update={
            "unmet": [
                Unmet(
                    threshold=t.id,
                    safeguard=None,
                    reason="indeterminate, and the policy blocks on indeterminate",
                )
            ]
        }
    )
    u = unblock(det.model_copy(update={"gate": gate}))
    assert u.attestations == ()
    assert not u.attestations_suffice
    assert u.evidence == ((t.id, t.would_decide),)
    assert u.bottom_line == f"BLOCK. To allow: decide {t.id} with evidence."


def test_an_allowed_release_says_so() -> None:
    det = _det()
    gate = det.gate.model_copy(update={"result": "allow", "unmet": []})
    assert unblock(det.model_copy(update={"gate": gate})).bottom_line.startswith("ALLOW: ")


def test_cover_and_ci_summary_carry_the_bottom_line() -> None:
    det = _det()
    html = render_determination(det)
    assert "To allow: attest deployment-misuse-l3. Nothing else is missing." in html
    assert "Attest to allow" in html
    md = determination_ci(det, "markdown")
    assert "To allow: attest deployment-misuse-l3" in md
