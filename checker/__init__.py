"""rspcheck: frontier-safety policies checked against evaluation evidence, budget by budget.

The library, in the order of the pipeline (files -> policy and evidence -> determination ->
signed report)::

    import checker

    policy = checker.load_policy("policies/rspcheck-reference.yaml")
    evidence = checker.load_evidence("examples/evidence.yaml")   # a manifest, a log, a table
    det = checker.evaluate(policy, evidence, model="candidate")
    det.gate.result                                              # 'block'
    pdf = checker.render_pdf(det)                                # reproducible, JSON attached
    curves = checker.budget_curves(evidence)                     # performance vs budget, no policy

Every name below is imported on first use, so ``import checker`` (and the command line's
``--help``) stays fast: numpy, scipy, WeasyPrint and pyHanko load only when a call needs them.
Bad input raises :class:`RspcheckError`, whose ``problems`` say file, line, key path and fix.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from checker.version import __version__

#: Each public name and the module that defines it (one home per concept).
_HOMES: dict[str, str] = {
    "RspcheckError": "checker.errors",
    "load_policy": "checker.policy.load",
    "load_evidence": "checker.evidence",
    "evaluate": "checker.engine.evaluate",
    "compare": "checker.engine.compare",
    "compare_models": "checker.engine.compare",
    "budget_curves": "checker.engine.budget_curves",
    "Determination": "checker.determination",
    "load_determination": "checker.determination",
    "render_pdf": "checker.report.render",
    "sign_pdf": "checker.sign.signing",
    "verify_pdf": "checker.sign.verify",
}

__all__ = [
    "Determination",
    "RspcheckError",
    "__version__",
    "budget_curves",
    "compare",
    "compare_models",
    "evaluate",
    "load_determination",
    "load_evidence",
    "load_policy",
    "render_pdf",
    "sign_pdf",
    "verify_pdf",
]

if TYPE_CHECKING:  # what a type checker and an IDE see; at run time, __getattr__ below
    from checker.determination import Determination, load_determination
    from checker.engine.budget_curves import budget_curves
    from checker.engine.compare import compare, compare_models
    from checker.engine.evaluate import evaluate
    from checker.errors import RspcheckError
    from checker.evidence import load_evidence
    from checker.policy.load import load_policy
    from checker.report.render import render_pdf
    from checker.sign.signing import sign_pdf
    from checker.sign.verify import verify_pdf


def __getattr__(name: str) -> Any:
    """Import a public name from its home on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
