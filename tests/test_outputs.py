"""Outputs never land on an input, never half-written, never in a folder made up from a typo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import RspcheckError
from checker.files.outputs import check_output, write_output


def _codes(call) -> list[str]:
    with pytest.raises(RspcheckError) as exc:
        call()
    return exc.value.codes


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    write_output(tmp_path / "a.json", '{"x": 1}\n')
    write_output(tmp_path / "b.pdf", b"%PDF-1.7")
    assert (tmp_path / "a.json").read_text() == '{"x": 1}\n'
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-1.7"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_an_input_is_never_an_output_however_spelt(tmp_path: Path, monkeypatch) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("kind: rspcheck-policy\n")
    (tmp_path / "link.yaml").symlink_to(policy)
    os.link(policy, tmp_path / "hard.yaml")
    monkeypatch.chdir(tmp_path)
    for spelling in ("policy.yaml", "./policy.yaml", "link.yaml", "hard.yaml", str(policy)):
        assert _codes(lambda s=spelling: write_output(s, "x", inputs=[policy])) == [
            "output-is-input"
        ]
    assert policy.read_text() == "kind: rspcheck-policy\n"


def test_no_folder_is_made_up(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "det.json"
    assert _codes(lambda: write_output(target, "x")) == ["output-unwritable"]
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("target", ["folder", "/dev/null", "fifo"])
def test_only_regular_files_are_written(tmp_path: Path, target: str) -> None:
    if target == "folder":
        path = tmp_path / "out"
        path.mkdir()
    elif target == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    else:
        path = Path(target)
    assert _codes(lambda: write_output(path, "x")) == ["output-unwritable"]


def test_existing_output_is_kept_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "evidence.yaml"
    out.write_text("old")
    assert _codes(lambda: check_output(out, overwrite=False)) == ["output-exists"]
    assert out.read_text() == "old"
    write_output(out, "new")
    assert out.read_text() == "new"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "det.json"
    out.write_text("old")

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    assert _codes(lambda: write_output(out, "new")) == ["output-unwritable"]
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["det.json"]


def test_new_files_follow_the_umask_and_keys_can_be_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        report = write_output(tmp_path / "r.pdf", b"x")
        key = write_output(tmp_path / "k.pem", b"x", mode=0o600)
    finally:
        os.umask(old)
    assert report.stat().st_mode & 0o777 == 0o644
    assert key.stat().st_mode & 0o777 == 0o600
