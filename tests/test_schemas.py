"""The JSON Schemas in schemas/: in step with the models, and valid for every shipped file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from checker.errors import RspcheckError
from checker.policy.load import load_policy
from checker.schemas import DIALECT, SCHEMA_DIR, _models, render

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")


def modeline_target(path: Path) -> Path | None:
    """The schema file a ``# yaml-language-server: $schema=`` line names, if the file has one."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = MODELINE.match(line.strip())
            if m:
                return (path.parent / m.group(1)).resolve()
            if line.strip() and not line.startswith("#"):
                return None
    return None


def shipped_files() -> list[Path]:
    candidates = [*DATA.glob("*.yaml"), *DATA.glob("*.yml")]
    for folder in ("policies", "examples"):
        candidates += sorted((ROOT / folder).rglob("*.yaml")) + sorted(
            (ROOT / folder).rglob("*.yml")
        )
    return sorted(p for p in candidates if modeline_target(p) is not None)


def as_json(path: Path) -> object:
    # YAML dates become strings, as they are in JSON documents the schema describes
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("name", list(_models()))
def test_schema_files_match_the_models(name):
    path = SCHEMA_DIR / f"{name}.schema.json"
    expected = render(name, _models()[name])
    assert path.exists(), f"{path} is missing: run `python -m checker.schemas`"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.name} has drifted from the pydantic models: run `python -m checker.schemas` "
        "and commit the result"
    )


def test_no_stale_schema_files():
    names = {p.name for p in SCHEMA_DIR.glob("*.schema.json")}
    assert names == {f"{n}.schema.json" for n in _models()}


@pytest.mark.parametrize("name", list(_models()))
def test_schemas_are_draft_2020_12(name):
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    assert schema["$schema"] == DIALECT
    assert schema["$id"].endswith(f"/{name}.schema.json")
    Draft202012Validator.check_schema(schema)


def test_examples_are_found():
    names = {p.name for p in shipped_files()}
    assert {"policy-small.yaml", "evidence-small.yaml"} <= names


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_validates_against_its_schema(path):
    target = modeline_target(path)
    assert target is not None and target.exists(), f"{path}: $schema points at {target}"
    assert target.parent == SCHEMA_DIR
    name = target.name.removesuffix(".schema.json")
    errors = sorted(validator(name).iter_errors(as_json(path)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_line_is_the_first_line_of_the_examples():
    for name, schema in (("policy-small.yaml", "policy"), ("evidence-small.yaml", "evidence")):
        first = (DATA / name).read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json"


BAD_POLICY_EDITS = {
    "unknown key": ("  owner: Test harness", "  ownr: Test harness"),
    "zero budget": ("budget: {usd: 10}", "budget: {usd: 0}"),
    "score above 1": ("confidence: 0.95", "confidence: 1.5"),
    "bad axis": ("axis: usd\n    assessed_range: {max", "axis: dollars\n    assessed_range: {max"),
    "string budget": ("budget: {usd: 10}", "budget: {usd: ten}"),
    "missing title": ("  title: Small test policy\n", ""),
}


@pytest.mark.parametrize("case", list(BAD_POLICY_EDITS))
def test_schema_and_model_agree_on_bad_input(tmp_path, case):
    old, new = BAD_POLICY_EDITS[case]
    text = (DATA / "policy-small.yaml").read_text()
    assert old in text
    p = tmp_path / "p.yaml"
    p.write_text(text.replace(old, new, 1))
    assert list(validator("policy").iter_errors(as_json(p))), "the schema accepts it"
    with pytest.raises(RspcheckError):
        load_policy(p)


def test_schema_accepts_a_bare_number_threshold():
    # `function: 0.6` is valid YAML for the model; the schema must accept it too
    data = as_json(DATA / "policy-small.yaml")
    assert data["thresholds"][1]["function"] == 0.6
    assert not list(validator("policy").iter_errors(data))
