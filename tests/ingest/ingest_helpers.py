"""Helpers for the ingest tests: fixture paths and rewriting .eval archives."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from checker.evidence.ingest._stream import ZipArchive

DATA = Path(__file__).resolve().parents[1] / "data"
INSPECT = DATA / "inspect"
EVAL_LOGS = sorted(INSPECT.glob("*.eval"))
ALL_LOGS = sorted([*INSPECT.glob("*.eval"), *INSPECT.glob("*.json")])


def members(path: Path) -> dict[str, bytes]:
    """Every member of an .eval log, decompressed (zstd or deflate), in archive order."""
    with open(path, "rb") as fh:
        z = ZipArchive(fh, path.stat().st_size)
        return {name: z.read(name) for name in z.members}


def rewrite(
    src: Path,
    dst: Path,
    edit: Callable[[dict[str, bytes]], dict[str, bytes]] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Copy an .eval log as a deflate (or stored) zip, after ``edit`` changes its members."""
    m = members(src)
    if edit is not None:
        m = edit(m)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in m.items():
            z.writestr(name, data)
    dst.write_bytes(buf.getvalue())
    return dst


def edit_json(m: dict[str, bytes], name: str, fn: Callable[[object], object]) -> dict[str, bytes]:
    m = dict(m)
    m[name] = json.dumps(fn(json.loads(m[name]))).encode()
    return m
