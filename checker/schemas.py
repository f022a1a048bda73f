"""The published JSON Schemas (``schemas/``), generated from the pydantic models.

``python -m checker.schemas`` rewrites them; a test fails when the files drift from the models,
so the schemas editors use and the models the loader uses cannot disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _models() -> dict[str, type[BaseModel]]:
    from checker.audit.findings import Audit
    from checker.audit.model import ClaimsFile
    from checker.evidence.model import EvidenceManifest
    from checker.policy.model import Policy

    models: dict[str, type[BaseModel]] = {
        "policy": Policy,
        "evidence": EvidenceManifest,
        "claims": ClaimsFile,
        "audit": Audit,
    }
    try:
        from checker.determination import Determination
    except ImportError:  # the engine is optional while it is being built
        pass
    else:
        models["determination"] = Determination
    return models


def schema_for(name: str, model: type[BaseModel]) -> dict[str, object]:
    """The JSON Schema of one model, with dialect and id."""
    body = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": f"https://rspcheck.dev/schemas/{name}.schema.json", **body}


def render(name: str, model: type[BaseModel]) -> str:
    """The schema of ``model`` as the text committed in ``schemas/NAME.schema.json``."""
    return json.dumps(schema_for(name, model), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write every schema into ``schemas/``."""
    del argv
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, model in _models().items():
        path = SCHEMA_DIR / f"{name}.schema.json"
        path.write_text(render(name, model), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
