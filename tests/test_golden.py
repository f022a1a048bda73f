"""The demo's determination.json is a golden file: a refactor that changes one byte of it changes
a published result, and must say so by regenerating the file on purpose.

Regenerate (only when a change of result is intended, and say why in the commit)::

    python -c "from tests.test_golden import determine; determine().write_golden()"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GOLDEN = Path(__file__).parent / "data" / "golden" / "demo-determination-200.json"
REPLICATES = 200  # as tests/test_demo.py: the demo's code path with a smaller bootstrap


@dataclass
class _Run:
    text: str

    def write_golden(self) -> None:
        GOLDEN.write_text(self.text, encoding="utf-8", newline="\n")


def determine() -> _Run:
    """The demo's determination (policy, evidence, model, comparison, date and seed as the demo)."""
    from checker.demo import AS_OF, COMPARE_WITH, EVIDENCE, MODEL, POLICY
    from checker.engine.evaluate import evaluate
    from checker.evidence.load import load_evidence
    from checker.policy.load import load_policy

    det = evaluate(
        load_policy(POLICY, today=AS_OF),
        load_evidence(EVIDENCE),
        model=MODEL,
        as_of=AS_OF,
        replicates=REPLICATES,
        compare_with=COMPARE_WITH,
    )
    return _Run(det.to_json())


def test_demo_determination_is_byte_identical_to_the_golden_file() -> None:
    got = determine().text
    want = GOLDEN.read_text(encoding="utf-8")
    assert got == want, "the demo's determination changed; regenerate only if intended"
