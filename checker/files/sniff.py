"""The one format sniffer: what kind of evidence a path holds, from its name and first bytes.

``rspcheck check -e``, ``load_evidence`` and the ingest readers all ask here, so a file is taken
for the same thing wherever it is given. The sniffer peeks (at most :data:`PEEK_BYTES`); it never
parses a whole file, and it does not judge whether the file is valid: the reader of the kind it
names does that, with located problems.
"""

from __future__ import annotations

import enum
import os
import stat
from pathlib import Path

from checker.errors import RspcheckError
from checker.files.access import not_regular, open_regular
from checker.files.document import json_loads
from checker.files.tables import table_format

PEEK_BYTES = 65536
"""How much of a file is looked at."""


class EvidenceKind(enum.StrEnum):
    """The kinds of evidence source rspcheck reads."""

    MANIFEST = "manifest"
    """An rspcheck evidence manifest (``kind: rspcheck-evidence``, YAML or JSON)."""
    INSPECT = "inspect"
    """An Inspect AI log: a ``.eval`` zip, or a ``.json`` log."""
    LMEVAL_RESULTS = "lm-eval-results"
    """lm-evaluation-harness ``results_*.json`` (its samples files beside it)."""
    LMEVAL_SAMPLES = "lm-eval-samples"
    """lm-evaluation-harness ``samples_<task>_<date>.jsonl`` (one task's per-document lines)."""
    LMEVAL_FOLDER = "lm-eval-folder"
    """A folder holding lm-evaluation-harness ``results_*.json`` files (the --output_path)."""
    TABLE = "table"
    """A table of attempts: CSV, TSV, JSON Lines or Parquet, one row per attempt."""


ACCEPTED = (
    "an evidence manifest (.yaml/.json with kind: rspcheck-evidence), an Inspect log "
    "(.eval or .json), lm-eval results_*.json or samples_*.jsonl (or their folder), or a "
    "table of attempts (.csv, .tsv, .jsonl, .parquet)"
)
"""What the sniffer recognises, for hints."""

_MANIFEST_SUFFIXES = (".yaml", ".yml")


def _head(p: Path) -> bytes:
    """The first bytes of a regular file; nothing of anything else (a FIFO would block, a
    device never end): its reader refuses it."""
    try:
        f, _ = open_regular(p)
    except RspcheckError:
        return b""
    with f:
        try:
            return f.read(PEEK_BYTES)
        except OSError:
            return b""


def looks_like_inspect_json(head: bytes) -> bool:
    """Whether a JSON file's first bytes look like an Inspect log (not an evidence manifest)."""
    return (
        b'"eval"' in head[:4096]
        and b'"version"' in head[:4096]
        and (b"rspcheck-evidence" not in head[:4096])
    )


def looks_like_lmeval_results(head: bytes, name: str) -> bool:
    """Whether a JSON file is lm-evaluation-harness output (a ``results`` object and its kin)."""
    if b'"results"' in head and (
        b'"lm_eval_version"' in head
        or b'"n-shot"' in head
        or b'"versions"' in head
        or b'"configs"' in head
    ):
        return True
    return name.startswith("results_") and b"rspcheck-evidence" not in head


def looks_like_lmeval_samples(head: bytes, name: str) -> bool:
    """Whether a JSON Lines file holds lm-eval samples (named so, or ``doc_id`` + ``metrics``)."""
    if name.startswith("samples_"):
        return True
    first = head.split(b"\n", 1)[0]
    try:
        row = json_loads(first)
    except ValueError:  # JsonTooDeep too: the reader of what it is named says so
        return False
    return isinstance(row, dict) and "doc_id" in row and "metrics" in row


MAX_FOLDER_LOGS = 10_000
"""Most Inspect logs taken from one folder (a folder holding more is refused, not cut)."""


def inspect_logs_in(folder: str | Path) -> list[Path]:
    """The Inspect logs directly inside ``folder`` (``*.eval``, and ``*.json`` that look like
    Inspect logs), sorted by name so that the merged evidence does not depend on the order
    the file system lists them in.

    Only regular files are taken, symlinks not followed: a folder of logs from someone else
    must not make rspcheck read a file elsewhere. Sub-folders are not searched (name them).

    Args:
        folder: the folder (``rspcheck check -e logs/``).

    Returns:
        The logs' paths (empty when there are none, or the folder cannot be listed).

    Raises:
        RspcheckError: ``file-too-large`` when the folder holds more than :data:`MAX_FOLDER_LOGS`
            logs.
    """
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        p = Path(entry.path)
        suffix = p.suffix.lower()
        if suffix == ".eval" or (suffix == ".json" and looks_like_inspect_json(_head(p))):
            found.append(p)
            if len(found) > MAX_FOLDER_LOGS:
                raise RspcheckError.one(
                    "file-too-large",
                    f"the folder holds more than {MAX_FOLDER_LOGS} Inspect logs",
                    file=str(folder),
                    hint="give the logs in smaller folders, or the files themselves",
                )
    return found


def sniff(path: str | Path) -> EvidenceKind | None:
    """The kind of evidence at ``path``, or None when it is none rspcheck reads.

    A path that does not exist is sniffed by its name alone (the reader then says it is
    missing).
    """
    p = Path(path)
    name = p.name
    suffix = p.suffix.lower()
    if p.is_dir():
        if any(p.rglob("results_*.json")):
            return EvidenceKind.LMEVAL_FOLDER
        return None
    if suffix == ".eval":
        return EvidenceKind.INSPECT
    if suffix in _MANIFEST_SUFFIXES:
        return EvidenceKind.MANIFEST
    head = _head(p)
    if suffix == ".json":
        if looks_like_inspect_json(head):
            return EvidenceKind.INSPECT
        if looks_like_lmeval_results(head, name):
            return EvidenceKind.LMEVAL_RESULTS
        return EvidenceKind.MANIFEST
    if suffix in (".jsonl", ".ndjson") and looks_like_lmeval_samples(head, name):
        return EvidenceKind.LMEVAL_SAMPLES
    if table_format(p) is not None:
        return EvidenceKind.TABLE
    if b"rspcheck-evidence" in head[:4096]:
        return EvidenceKind.MANIFEST  # a manifest under another name
    return None


def sniff_or_raise(path: str | Path) -> EvidenceKind:
    """:func:`sniff`, raising ``unknown-format`` (with what is accepted) when it finds nothing.

    Raises:
        RspcheckError: ``unknown-format`` naming the path, ``file-not-found``, or
            ``not-regular-file`` (a device, FIFO or socket, whatever its name).
    """
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except (OSError, ValueError):
        mode = None  # missing: told below, by name first
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise not_regular(path, mode)
    kind = sniff(p)
    if kind is not None:
        return kind
    if not p.exists():
        raise RspcheckError.one("file-not-found", "the file does not exist", file=str(path))
    what = "a folder without lm-eval results_*.json or Inspect logs" if p.is_dir() else "this file"
    raise RspcheckError.one(
        "unknown-format",
        f"cannot tell what kind of evidence {what} is",
        file=str(path),
        hint=f"give {ACCEPTED}; other tables: `rspcheck ingest table FILE --map ...`",
    )


__all__ = ["ACCEPTED", "EvidenceKind", "inspect_logs_in", "sniff", "sniff_or_raise"]
