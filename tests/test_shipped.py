"""The folders shipped beside the code (checker/files/shipped.py): found in a checkout and in an
installed wheel, and the build files (setup.py, MANIFEST.in) carry every one of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from checker.files import shipped
from checker.files.shipped import SHIPPED, shipped_dir

ROOT = Path(__file__).parents[1]


def test_a_checkout_reads_its_own_folders() -> None:
    for name in SHIPPED:
        assert shipped_dir(name) == ROOT / name
        assert shipped_dir(name).is_dir()


def test_an_installed_copy_is_preferred(tmp_path, monkeypatch) -> None:
    package = tmp_path / "site-packages" / "checker"
    (package / "_shipped" / "reports").mkdir(parents=True)
    monkeypatch.setattr(shipped, "_PACKAGE", package)
    assert shipped_dir("reports") == package / "_shipped" / "reports"
    # a folder the install lacks points where a checkout would have it (callers name the path)
    assert shipped_dir("policies") == tmp_path / "site-packages" / "policies"


def test_only_shipped_folders_are_asked_for() -> None:
    with pytest.raises(ValueError, match="tests"):
        shipped_dir("tests")


def test_the_build_carries_every_shipped_folder() -> None:
    tree = ast.parse((ROOT / "setup.py").read_text())
    (listed,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "SHIPPED"
    ]
    assert tuple(listed) == SHIPPED
    manifest = (ROOT / "MANIFEST.in").read_text().split("\n")
    assert {f"graft {name}" for name in SHIPPED} <= set(manifest)
    assert "/checker/_shipped/" in (ROOT / ".gitignore").read_text().split("\n")
