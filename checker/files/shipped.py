"""The folders rspcheck ships beside its code: report templates (``reports/``), policies
(``policies/``), the worked example (``examples/``) and the JSON Schemas (``schemas/``).

In a source checkout (``pip install -e .``) they are the repository's own folders, beside
``checker/``, so an edit to a template shows at once. A built wheel carries copies inside the
package, in ``checker/_shipped/NAME`` (``setup.py`` puts them there at build time), so an
ordinary ``pip install`` renders reports and runs the demo too.
"""

from __future__ import annotations

from pathlib import Path

#: The folders a wheel carries (``setup.py`` reads this list).
SHIPPED = ("reports", "policies", "examples", "schemas")

_PACKAGE = Path(__file__).resolve().parents[1]  # checker/


def shipped_dir(name: str) -> Path:
    """Where the shipped folder ``name`` is: the installed copy when there is one, else the
    checkout's folder. The path may not exist (a broken install); callers that read from it
    say so with the path they tried."""
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not a shipped folder: {SHIPPED}")
    installed = _PACKAGE / "_shipped" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
