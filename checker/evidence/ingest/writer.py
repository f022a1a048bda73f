"""Write Evidence in the project's format: a manifest YAML plus an attempts JSONL beside it.

``EVIDENCE.yaml`` starts with a ``# yaml-language-server: $schema=...`` line pointing (by a path
relative to the manifest) at ``schemas/evidence.schema.json``, then the manifest. The attempts go
to ``EVIDENCE.attempts.jsonl`` (one JSON object per attempt, columns
:data:`~checker.evidence.model.ATTEMPT_COLUMNS`, ``null`` for a value not measured); the manifest
names it with its sha256. Source paths are rewritten relative to the manifest's folder.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable
from pathlib import Path

from checker.evidence.model import SPEND_COLUMNS, AttemptsFile, Evidence, SourceFile
from checker.files.outputs import check_output, open_output, write_output
from checker.files.shipped import shipped_dir

SCHEMA = shipped_dir("schemas") / "evidence.schema.json"


def attempts_path(manifest: Path) -> Path:
    """``EVIDENCE.yaml`` → ``EVIDENCE.attempts.jsonl`` (same folder)."""
    return manifest.with_name(manifest.stem + ".attempts.jsonl")


def _num(v: float) -> str:
    if math.isnan(v):
        return "null"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def write_attempts(
    evidence: Evidence, path: Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = True
) -> str:
    """Write the attempts JSONL (atomically, never onto an input); returns its sha256.

    Raises:
        RspcheckError: the path cannot be written (see :mod:`checker.files.outputs`).
    """
    import json

    t = evidence.attempts
    runs = [json.dumps(r) for r in t.run_ids]
    tasks = [json.dumps(x) for x in t.task_ids]
    spend = [t.spend[c].tolist() for c in SPEND_COLUMNS]
    keys = [json.dumps(c) for c in SPEND_COLUMNS]
    score = t.score.tolist()
    attempt = t.attempt.tolist()
    limit = t.limit_hit.tolist()
    run = t.run.tolist()
    task = t.task.tolist()
    h = hashlib.sha256()
    with open_output(path, inputs=inputs, overwrite=overwrite) as f:
        buf: list[str] = []
        for i in range(len(t)):
            parts = [
                f'{{"run": {runs[run[i]]}, "task": {tasks[task[i]]}, '
                f'"attempt": {attempt[i]}, "score": {_num(score[i])}'
            ]
            for k, col in zip(keys, spend, strict=True):
                parts.append(f", {k}: {_num(col[i])}")
            parts.append(f', "limit_hit": {"true" if limit[i] else "false"}}}\n')
            buf.append("".join(parts))
            if len(buf) >= 10_000:
                raw = "".join(buf).encode()
                f.write(raw)
                h.update(raw)
                buf.clear()
        raw = "".join(buf).encode()
        f.write(raw)
        h.update(raw)
    return h.hexdigest()


def _rel(path: str, base: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(path).resolve().as_posix()


def write_evidence(
    evidence: Evidence,
    out: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = True,
) -> tuple[Path, Path]:
    """Write ``out`` (manifest YAML) and its attempts JSONL; returns (manifest, attempts).

    Both go through :mod:`checker.files.outputs`: into a folder that exists (none is made),
    atomically, never onto a file the evidence was read from.

    Args:
        evidence: What to write.
        out: The manifest's path; the attempts go beside it (:func:`attempts_path`).
        inputs: Files read to make ``evidence`` besides those it lists in ``files``.
        overwrite: Whether existing files may be replaced.

    Raises:
        RspcheckError: ``output-unwritable``, ``output-exists``, ``output-is-input``.
    """
    import yaml

    out = Path(out)
    att = attempts_path(out)
    read = [*inputs, *(name for name, _ in evidence.files)]
    for target in (out, att):  # both before either is written
        check_output(target, inputs=read, overwrite=overwrite)
    digest = write_attempts(evidence, att, inputs=read, overwrite=overwrite)
    base = out.parent
    runs = []
    for r in evidence.manifest.runs:
        if r.source is not None:
            src: SourceFile = r.source.model_copy(update={"path": _rel(r.source.path, base)})
            r = r.model_copy(update={"source": src})
        runs.append(r)
    manifest = evidence.manifest.model_copy(
        update={"runs": runs, "attempts": [AttemptsFile(path=att.name, sha256=digest)]}
    )
    data = manifest.model_dump(mode="json", exclude_none=True)
    for run in data.get("runs", []):
        if run.get("scaffold") == "default":
            del run["scaffold"]
        if run.get("limits") == {}:
            del run["limits"]
    for m in data.get("models", []):
        if m.get("prices") == []:
            del m["prices"]
    for key in ("models", "tasks", "attestations"):
        if data.get(key) == []:
            del data[key]
    schema = _rel(str(SCHEMA), base)
    text = f"# yaml-language-server: $schema={schema}\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100
    )
    write_output(out, text, inputs=read, overwrite=overwrite)
    return out, att
