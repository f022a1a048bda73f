"""The files signing and verification read: regular files only, bounded, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import RspcheckError
from checker.sign.inputs import read_input
from checker.sign.verify import match_inputs


def _codes(path: Path | str, **kwargs: object) -> list[str]:
    with pytest.raises(RspcheckError) as err:
        read_input(path, what="the file", **{"max_bytes": 100, **kwargs})  # type: ignore[arg-type]
    return err.value.codes


def test_a_regular_file_within_the_limit_is_read(tmp_path: Path) -> None:
    f = tmp_path / "k.pem"
    f.write_bytes(b"x" * 100)
    assert read_input(f, max_bytes=100, what="the key") == b"x" * 100
    f.write_bytes(b"x" * 101)
    assert _codes(f) == ["file-too-large"]


def test_devices_fifos_and_folders_are_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: a blocking open would wait forever
    for path in ("/dev/zero", fifo, tmp_path, tmp_path / "missing"):
        assert _codes(path) == ["file-not-found"], path
    assert _codes(fifo, code="passphrase-unavailable") == ["passphrase-unavailable"]


def test_an_input_that_is_a_device_is_unreadable_not_hashed_forever(tmp_path: Path) -> None:
    (check,) = match_inputs({"inputs": []}, {"zero": "/dev/zero"})
    assert check.status == "unreadable"
