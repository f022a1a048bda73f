"""Evidence from real eval logs: Inspect AI, lm-evaluation-harness, and plain tables.

Each reader turns one source file into runs plus attempt rows (see each module's docstring for
its exact mapping rules):

* :mod:`.inspect` — Inspect AI ``.eval`` (zip, zstd or deflate members) and ``.json`` logs, read
  directly (``inspect-ai`` is not needed at run time);
* :mod:`.lmeval` — lm-evaluation-harness results JSON plus per-sample JSONL (no token usage:
  such runs have no measured budget, and say so);
* :mod:`.tables` — CSV, JSON Lines or Parquet with a column mapping.

Entry points:

* :func:`load_log_evidence` — one log or table to :class:`~checker.evidence.model.Evidence`,
  chosen by :func:`checker.files.sniff.sniff` (``.eval``, an Inspect ``.json``, an lm-eval
  ``results_*.json``, ``samples_*.jsonl`` or folder, a table). ``rspcheck check --evidence``
  and :func:`checker.evidence.load_evidence` go through it for everything but manifests.
* :func:`ingest` — many sources of one format to one Evidence (what ``rspcheck ingest`` runs).
* :func:`write_evidence` — Evidence to a manifest YAML plus an attempts JSONL beside it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.errors import RspcheckError
from checker.evidence.ingest.common import Progress, SourceResult, build_evidence
from checker.evidence.model import Evidence
from checker.files.sniff import EvidenceKind, sniff_or_raise

FORMATS = ("inspect", "lm-eval", "table")
KIND_FORMAT = {
    EvidenceKind.INSPECT: "inspect",
    EvidenceKind.LMEVAL_RESULTS: "lm-eval",
    EvidenceKind.LMEVAL_SAMPLES: "lm-eval",
    EvidenceKind.LMEVAL_FOLDER: "lm-eval",
    EvidenceKind.TABLE: "table",
}
"""Which ingest reader reads each kind of source the sniffer tells."""


def load_log_evidence(
    path: str | Path, *, scorer: str | None = None, kind: EvidenceKind | None = None
) -> Evidence:
    """Evidence from one eval log or table, the reader chosen by what the file is.

    ``kind`` is what :func:`checker.files.sniff.sniff` says of ``path`` (sniffed here when not
    given). ``.eval`` and Inspect ``.json`` logs go to the Inspect reader (``scorer``: which
    scorer's value is the score; default the log's first). lm-evaluation-harness
    ``results_*.json`` (with its ``samples_*.jsonl`` beside it), ``samples_*.jsonl`` and
    output folders go to the lm-eval reader (``scorer`` names the metric). Tables go to the
    table reader without a column mapping. Warnings (a log that stopped early, skipped attempts,
    no measured budget) are in ``Evidence.warnings``.

    Raises:
        RspcheckError: unreadable or unusable input, naming the file and member;
            ``unknown-format`` for an evidence manifest or a file of no known kind.
    """
    kind = kind if kind is not None else sniff_or_raise(path)
    fmt = KIND_FORMAT.get(kind)
    if fmt is None:
        raise RspcheckError.one(
            "unknown-format",
            "an evidence manifest, not an eval log",
            file=str(path),
            hint="load it with checker.evidence.load_evidence",
        )
    opts: dict[str, Any] = {}
    if scorer is not None and fmt != "table":
        opts["scorer" if fmt == "inspect" else "metric"] = scorer
    evidence, _ = ingest(fmt, [Path(path)], **opts)
    return evidence


def read_sources(
    fmt: str,
    sources: Sequence[str | Path],
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    **options: Any,
) -> list[SourceResult]:
    """Read every source with the reader of ``fmt``; errors of all sources are raised together.

    Many large sources are read in worker processes (``workers``, default the CPUs available;
    see :mod:`checker.files.workers`), results in source order: the same results as reading
    them one by one. ``progress`` then advances by each source's size as it completes.
    """
    if fmt not in FORMATS:
        raise RspcheckError.one(
            "unknown-format", f"unknown ingest format {fmt!r}", hint=f"one of {', '.join(FORMATS)}"
        )
    from checker.files.workers import input_bytes, map_ordered, pool_size

    paths = [Path(s) for s in sources]
    n = pool_size(paths, workers)
    if n > 1:
        job = functools.partial(_read_one, fmt, None, options)
        done = None
        if progress is not None:
            sizes = [input_bytes(p) for p in paths]

            def done(i: int) -> None:
                progress(sizes[i])

        outcomes = map_ordered(job, list(sources), n, done)
    else:
        outcomes = [_read_one(fmt, progress, options, s) for s in sources]
    problems = []
    results: list[SourceResult] = []
    for got in outcomes:
        if isinstance(got, RspcheckError):
            problems.extend(got.problems)
        else:
            results.extend(got)
    if problems:
        raise RspcheckError(problems)
    return results


def _read_one(
    fmt: str, progress: Progress | None, options: dict[str, Any], source: str | Path
) -> list[SourceResult] | RspcheckError:
    """One source's results (columns frozen to arrays), or its error (returned, not raised,
    so that every source's problems are reported together)."""
    try:
        if fmt == "inspect":
            from checker.evidence.ingest.inspect import read_inspect_log

            got = [read_inspect_log(source, progress=progress, **options)]
        elif fmt == "lm-eval":
            from checker.evidence.ingest.lmeval import read_lmeval

            got = read_lmeval(source, progress=progress, **options)
        else:
            from checker.evidence.ingest.tables import read_table

            got = [read_table(source, progress=progress, **options)]
    except RspcheckError as err:
        return err
    for res in got:
        for rd in res.runs:
            rd.columns.freeze()  # lists to arrays as soon as a source is read
    return got


def ingest(
    fmt: str,
    sources: Sequence[str | Path],
    *,
    title: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    **options: Any,
) -> tuple[Evidence, list[SourceResult]]:
    """Read sources of one format into one Evidence (and the per-source results, for summaries).

    ``options`` go to the reader: ``scorer``/``scaffold`` (inspect); ``metric``/``filter``/
    ``model`` (lm-eval); ``mapping``/``model``/``eval``/``scaffold`` (table).
    """
    from checker.files.workers import gc_paused

    with gc_paused():
        results = read_sources(fmt, sources, progress=progress, workers=workers, **options)
        return build_evidence(results, title=title)


def write_evidence(evidence: Evidence, out: str | Path) -> tuple[Path, Path]:
    """Write a manifest YAML at ``out`` and its attempts JSONL beside it; returns both paths."""
    from checker.evidence.ingest.writer import write_evidence as _write

    return _write(evidence, out)


__all__ = [
    "FORMATS",
    "KIND_FORMAT",
    "ingest",
    "load_log_evidence",
    "read_sources",
    "write_evidence",
]
