"""Outputs never land on an input, never half-written, never in a folder made up from a typo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import RspcheckError
from checker.files.outputs import (
    check_output,
    check_outputs,
    open_output,
    output_folder,
    write_output,
)


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


def test_two_outputs_may_not_be_one_file(tmp_path: Path) -> None:
    same = tmp_path / "x.json"
    outputs = {"--json": same, "--pdf": tmp_path / "." / "x.json"}
    assert _codes(lambda: check_outputs(outputs)) == ["output-is-input"]
    assert check_outputs({"--json": same, "--pdf": None}) == {"--json": same}
    assert list(tmp_path.iterdir()) == []  # the probe leaves nothing behind


def test_a_folder_that_takes_no_file_fails_before_the_work(tmp_path: Path) -> None:
    # /proc looks like a folder, but no file can be made there: found by the probe, not
    # only when the output is written after the computation
    assert _codes(lambda: check_outputs({"--json": "/proc/det.json"})) == ["output-unwritable"]
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root ignores permission bits
            pytest.skip("running as root")
        assert _codes(lambda: check_outputs({"--json": ro / "d.json"})) == ["output-unwritable"]
    finally:
        ro.chmod(0o700)


def test_open_output_keeps_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    out = tmp_path / "attempts.jsonl"
    out.write_text("old")
    with pytest.raises(RuntimeError), open_output(out) as f:
        f.write(b"half")
        raise RuntimeError("interrupted")
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attempts.jsonl"]
    with open_output(out) as f:
        f.write(b"new")
    assert out.read_text() == "new"


def test_output_folder_is_made_but_never_its_parent(tmp_path: Path) -> None:
    keys = output_folder(tmp_path / "keys", mode=0o700)
    assert keys.is_dir() and keys.stat().st_mode & 0o777 == 0o700
    assert output_folder(keys) == keys  # an existing folder is reused
    assert _codes(lambda: output_folder(tmp_path / "a" / "b")) == ["output-unwritable"]
    assert not (tmp_path / "a").exists()
    (tmp_path / "file").write_text("x")
    assert _codes(lambda: output_folder(tmp_path / "file")) == ["output-unwritable"]
    assert _codes(lambda: output_folder("/proc/rspcheck-keys")) == ["output-unwritable"]


def test_dev_keys_are_private_and_go_nowhere_made_up(tmp_path: Path) -> None:
    from checker.sign.keys import make_dev_ca

    with pytest.raises(RspcheckError) as err:
        make_dev_ca(tmp_path / "missing" / "keys")
    assert err.value.codes == ["output-unwritable"]
    assert not (tmp_path / "missing").exists()
    old = os.umask(0o022)
    try:
        paths = make_dev_ca(tmp_path / "keys")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in paths.all()}
    assert modes == {
        "dev-root.pem": 0o644,
        "dev-signer-cert.pem": 0o644,
        "dev-signer-key.pem": 0o600,
        "dev-signer.p12": 0o600,
    }
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
