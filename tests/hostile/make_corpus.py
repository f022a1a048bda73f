"""Build the hostile inputs that cannot be stored: too large, or not files at all.

FIFOs, symlinks (to devices, FIFOs, or out of a manifest's folder), decompression bombs and
files of millions of values are made here, at test time, into a folder. Their expected codes
are in ``GENERATED.yaml`` beside this script, in the format of ``EXPECTED.yaml``; the suite
(``tests/test_hostile.py``) loads each through the library in a subprocess under a memory limit
and a timeout. By hand::

    python tests/hostile/make_corpus.py OUT_DIR     # build the cases into OUT_DIR

Each case is ``CASES[name](out) -> Case``: the path to load, with which loader, and the folders
allowed outside a manifest's own.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GIB = 1024**3
MANIFEST = """kind: rspcheck-evidence
models:
  - id: m
runs:
  - {{id: r, model: m, eval: e}}
attempts:
  - path: {path}
"""
"""A manifest naming one attempts file, on line 7."""
ROW = '{"run": "r", "task": "t", "score": 1}\n'


@dataclass(frozen=True)
class Case:
    """One generated case: what to load and how."""

    path: Path
    loader: str = "evidence"
    """``evidence`` (``load_evidence``) or ``policy`` (``load_policy``)."""
    allow_outside: tuple[str, ...] = field(default=())


def _manifest(out: Path, folder: str, named: str) -> Path:
    d = out / folder
    d.mkdir(parents=True, exist_ok=True)
    (d / "evidence.yaml").write_text(MANIFEST.format(path=named))
    return d / "evidence.yaml"


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)  # nobody ever writes: opening it to read would block forever
    return path


def _symlink(path: Path, to: str | Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(to)
    return path


# -- zip archives written by hand: the recorded sizes are whatever the attacker writes ------------


def _zip(members: list[tuple[str, int, bytes, int]]) -> bytes:
    """A zip of ``(name, method, compressed data, recorded inflated size)`` members, zip64
    sizes where the recorded size needs them. The CRC is right for ``header.json`` and 0 for
    the rest (a bomb is refused before any checksum)."""
    body = b""
    central = b""
    for name, method, data, size in members:
        crc = zlib.crc32(HEADER) if name == "header.json" else 0
        raw = name.encode()
        offset = len(body)
        big = size >= 0xFFFFFFFF
        extra = struct.pack("<HHQ", 1, 8, size) if big else b""
        usize = 0xFFFFFFFF if big else size
        body += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 45, 0, method, 0, 0, crc, len(data), usize, len(raw), 0
        )
        body += raw + data
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            45,
            45,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            usize,
            len(raw),
            len(extra),
            0,
            0,
            0,
            0,
            offset,
        )
        central += raw + extra
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(body), 0
    )
    return body + central + end


HEADER = (
    b'{"version": 2, "status": "success", "eval": {"task": "t", "model": "m", '
    b'"eval_id": "x", "created": "2026-01-01T00:00:00"}}'
)


def _zstd_zeros(total: int) -> bytes:
    """zstd frames inflating to ``total`` zero bytes, from a few hundred kilobytes."""
    import zstandard

    block = 128 * 1024**2
    frame = zstandard.ZstdCompressor(level=1).compress(bytes(block))
    return frame * (total // block)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def eval_bomb(out: Path) -> Case:
    """A sample member (read whole) that records, and would inflate to, 4 GiB."""
    p = out / "inspect-sample-bomb.eval"
    p.write_bytes(
        _zip(
            [
                ("header.json", 8, _deflate(HEADER), len(HEADER)),
                ("samples/1_epoch_1.json", 93, _zstd_zeros(4 * GIB), 4 * GIB),
            ]
        )
    )
    return Case(p)


def eval_summaries_bomb(out: Path) -> Case:
    """A streamed member (summaries.json) that records, and would inflate to, 4 GiB."""
    p = out / "inspect-summaries-bomb.eval"
    p.write_bytes(
        _zip(
            [
                ("header.json", 8, _deflate(HEADER), len(HEADER)),
                ("summaries.json", 93, _zstd_zeros(4 * GIB), 4 * GIB),
            ]
        )
    )
    return Case(p)


def eval_liar(out: Path) -> Case:
    """A sample member that records 1 MiB and inflates to 4 GiB: refused at the lie."""
    p = out / "inspect-size-liar.eval"
    p.write_bytes(
        _zip(
            [
                ("header.json", 8, _deflate(HEADER), len(HEADER)),
                ("samples/1_epoch_1.json", 93, _zstd_zeros(4 * GIB), 1024**2),
            ]
        )
    )
    return Case(p)


def eval_blank_summaries(out: Path) -> Case:
    """summaries.json: 256 MiB of blanks (within the streaming limit), then not JSON: read as
    a stream, in bounded memory and about a second."""
    import zstandard

    size = 256 * 1024**2
    blanks = zstandard.ZstdCompressor(level=1).compress(b" " * (128 * 1024**2)) * 2
    tail = zstandard.ZstdCompressor().compress(b"x")
    p = out / "inspect-blank-summaries.eval"
    p.write_bytes(
        _zip(
            [
                ("header.json", 8, _deflate(HEADER), len(HEADER)),
                ("summaries.json", 93, blanks + tail, size + 1),
            ]
        )
    )
    return Case(p)


def inspect_deep_json(out: Path) -> Case:
    """An Inspect .json log whose eval object nests 200,000 deep."""
    n = 200_000
    p = out / "inspect-deep.json"
    p.write_text(
        '{"version": 2, "status": "success", "eval": '
        + '{"a": ' * n
        + "1"
        + "}" * n
        + ', "samples": []}'
    )
    return Case(p)


def deep_row(out: Path) -> Case:
    """A JSON Lines attempts table whose second row nests 100,000 deep."""
    n = 100_000
    p = out / "deep-row.jsonl"
    p.write_text(ROW + '{"run": "r", "task": "t", "score": ' + "[" * n + "]" * n + "}\n")
    return Case(p)


def deep_row_in_manifest(out: Path) -> Case:
    m = _manifest(out, "deep-row-manifest", "attempts.jsonl")
    n = 100_000
    (m.parent / "attempts.jsonl").write_text(
        ROW + '{"run": "r", "task": "t", "score": ' + "[" * n + "]" * n + "}\n"
    )
    return Case(m)


def lmeval_deep_results(out: Path) -> Case:
    n = 100_000
    d = out / "lmeval-deep"
    d.mkdir()
    p = d / "results_2026-01-01T00-00-00.json"
    p.write_text('{"results": ' + "[" * n + "]" * n + ', "lm_eval_version": "0"}')
    return Case(p)


def yaml_many_values(out: Path) -> Case:
    """A 4 MB manifest of two million one-character values."""
    p = out / "many-values.yaml"
    p.write_text("kind: rspcheck-evidence\ntitle: [" + "1," * 2_000_000 + "1]\n")
    return Case(p)


def fifo_table(out: Path) -> Case:
    return Case(_fifo(out / "fifo.jsonl"))


def fifo_eval(out: Path) -> Case:
    return Case(_fifo(out / "fifo.eval"))


def fifo_policy(out: Path) -> Case:
    return Case(_fifo(out / "fifo-policy.yaml"), loader="policy")


def fifo_in_manifest(out: Path) -> Case:
    m = _manifest(out, "fifo-manifest", "attempts.jsonl")
    _fifo(m.parent / "attempts.jsonl")
    return Case(m)


def symlink_to_fifo(out: Path) -> Case:
    target = _fifo(out / "fifo-target" / "pipe")
    return Case(_symlink(out / "symlink-to-fifo.jsonl", target))


def dev_zero_table(out: Path) -> Case:
    return Case(_symlink(out / "zero.jsonl", "/dev/zero"))


def dev_zero_policy(out: Path) -> Case:
    return Case(_symlink(out / "zero-policy.yaml", "/dev/zero"), loader="policy")


def dev_zero_in_manifest(out: Path) -> Case:
    """/dev/zero named by a manifest whose author allowed /dev: refused as no regular file."""
    return Case(_manifest(out, "dev-zero-manifest", "/dev/zero"), allow_outside=("/dev",))


def symlink_out_of_manifest(out: Path) -> Case:
    secret = out / "elsewhere" / "secret.csv"
    secret.parent.mkdir(parents=True)
    secret.write_text("run,task,score\nr,t,1\n")
    m = _manifest(out, "symlink-out-manifest", "attempts.csv")
    _symlink(m.parent / "attempts.csv", secret)
    return Case(m)


def symlinked_folder_out_of_manifest(out: Path) -> Case:
    (out / "elsewhere2").mkdir()
    (out / "elsewhere2" / "a.jsonl").write_text(ROW)
    m = _manifest(out, "symlinked-folder-manifest", "data/a.jsonl")
    _symlink(m.parent / "data", out / "elsewhere2")
    return Case(m)


CASES: dict[str, Callable[[Path], Case]] = {
    "inspect-sample-bomb.eval": eval_bomb,
    "inspect-summaries-bomb.eval": eval_summaries_bomb,
    "inspect-size-liar.eval": eval_liar,
    "inspect-blank-summaries.eval": eval_blank_summaries,
    "inspect-deep.json": inspect_deep_json,
    "deep-row.jsonl": deep_row,
    "deep-row-manifest/evidence.yaml": deep_row_in_manifest,
    "lmeval-deep/results_2026-01-01T00-00-00.json": lmeval_deep_results,
    "many-values.yaml": yaml_many_values,
    "fifo.jsonl": fifo_table,
    "fifo.eval": fifo_eval,
    "fifo-policy.yaml": fifo_policy,
    "fifo-manifest/evidence.yaml": fifo_in_manifest,
    "symlink-to-fifo.jsonl": symlink_to_fifo,
    "zero.jsonl": dev_zero_table,
    "zero-policy.yaml": dev_zero_policy,
    "dev-zero-manifest/evidence.yaml": dev_zero_in_manifest,
    "symlink-out-manifest/evidence.yaml": symlink_out_of_manifest,
    "symlinked-folder-manifest/evidence.yaml": symlinked_folder_out_of_manifest,
}
"""Every generated case by the name ``GENERATED.yaml`` gives its expectation under."""


def build(out: Path) -> dict[str, Case]:
    """Build every case into ``out`` (an empty folder); returns them by name."""
    out.mkdir(parents=True, exist_ok=True)
    return {name: make(out) for name, make in CASES.items()}


if __name__ == "__main__":
    for name, case in build(Path(sys.argv[1])).items():
        print(f"{name}: {case.path}")
