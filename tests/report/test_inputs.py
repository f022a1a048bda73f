"""The files signing and verification read: regular files only, bounded, never a hang (they
go through checker.files.access, as every input does)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import RspcheckError
from checker.files.access import read_bytes
from checker.sign.keys import read_passphrase
from checker.sign.verify import match_inputs


def _codes(path: Path | str) -> list[str]:
    with pytest.raises(RspcheckError) as err:
        read_bytes(path, max_bytes=100)
    return err.value.codes


def test_a_regular_file_within_the_limit_is_read(tmp_path: Path) -> None:
    f = tmp_path / "k.pem"
    f.write_bytes(b"x" * 100)
    assert read_bytes(f, max_bytes=100) == b"x" * 100
    f.write_bytes(b"x" * 101)
    assert _codes(f) == ["file-too-large"]


def test_devices_fifos_and_folders_are_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: a blocking open would wait forever
    for path in ("/dev/zero", fifo, tmp_path):
        assert _codes(path) == ["not-regular-file"], path
    assert _codes(tmp_path / "missing") == ["file-not-found"]
    with pytest.raises(RspcheckError) as err:
        read_passphrase(file=fifo)
    assert err.value.codes == ["passphrase-unavailable"]


def test_an_input_that_is_a_device_is_unreadable_not_hashed_forever(tmp_path: Path) -> None:
    (check,) = match_inputs({"inputs": []}, {"zero": "/dev/zero"})
    assert check.status == "unreadable"
