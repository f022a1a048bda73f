"""Evidence from real eval logs: Inspect AI, lm-evaluation-harness, and plain tables.

Each reader turns one source file into runs plus attempt rows (see each module's docstring for
its exact mapping rules):

* :mod:`.inspect` — Inspect AI ``.eval`` (zip, zstd or deflate members) and ``.json`` logs, read
  directly (``inspect-ai`` is not needed at run time);
* :mod:`.lmeval` — lm-evaluation-harness results JSON plus per-sample JSONL (no token usage:
  such runs have no measured budget, and say so);
* :mod:`.tables` — CSV, JSON Lines or Parquet with a column mapping.

Entry points:

* :func:`load_log_evidence` — one log file to :class:`~checker.evidence.model.Evidence`, chosen
  by file type (``.eval``, an Inspect ``.json``, an lm-eval ``results_*.json`` or
  ``samples_*.jsonl``). ``rspcheck check --evidence run.eval`` goes through it.
* :func:`ingest` — many sources of one format to one Evidence (what ``rspcheck ingest`` runs).
* :func:`write_evidence` — Evidence to a manifest YAML plus an attempts JSONL beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checker.errors import RspcheckError
from checker.evidence.ingest.common import Progress, SourceResult, build_evidence
from checker.evidence.model import Evidence

FORMATS = ("inspect", "lm-eval", "table")


def load_log_evidence(path: str | Path, *, scorer: str | None = None) -> Evidence:
    """Evidence from one eval log, the reader chosen by the file's type.

    ``.eval`` and Inspect ``.json`` logs go to the Inspect reader (``scorer``: which scorer's
    value is the score; default the log's first). lm-evaluation-harness ``results_*.json`` (with
    its ``samples_*.jsonl`` beside it) and ``samples_*.jsonl`` go to the lm-eval reader
    (``scorer`` names the metric). Warnings (a log that stopped early, skipped attempts, no
    measured budget) are in ``Evidence.warnings``.

    Raises:
        RspcheckError: unreadable or unusable input, naming the file and member.
    """
    p = Path(path)
    fmt = sniff_format(p)
    if fmt is None:
        raise RspcheckError.one(
            "unknown-format",
            "not an eval log rspcheck can read directly (Inspect .eval/.json, lm-eval "
            "results_*.json or samples_*.jsonl)",
            file=str(path),
            hint="for other tables use `rspcheck ingest table FILE --map ...`",
        )
    opts: dict[str, Any] = {}
    if scorer is not None:
        opts["scorer" if fmt == "inspect" else "metric"] = scorer
    evidence, _ = ingest(fmt, [p], **opts)
    return evidence


def sniff_format(path: Path) -> str | None:
    """``inspect``, ``lm-eval`` or None, from the name and the first bytes."""
    from checker.evidence.ingest.inspect import looks_like_inspect_json

    suffix = path.suffix.lower()
    if suffix == ".eval":
        return "inspect"
    if suffix == ".json" and looks_like_inspect_json(path):
        return "inspect"
    if suffix == ".jsonl" and path.name.startswith("samples_"):
        return "lm-eval"
    if suffix == ".json":
        try:
            with open(path, "rb") as f:
                head = f.read(65536)
        except OSError:
            return None
        if b'"results"' in head and (
            b'"lm_eval_version"' in head
            or b'"n-shot"' in head
            or b'"versions"' in head
            or b'"configs"' in head
        ):
            return "lm-eval"
        if path.name.startswith("results_"):
            return "lm-eval"
    return None


def read_sources(
    fmt: str,
    sources: Sequence[str | Path],
    *,
    progress: Progress | None = None,
    **options: Any,
) -> list[SourceResult]:
    """Read every source with the reader of ``fmt``; errors of all sources are raised together."""
    problems = []
    results: list[SourceResult] = []
    if fmt == "inspect":
        from checker.evidence.ingest.inspect import read_inspect_log

        def read(s: str | Path) -> list[SourceResult]:
            return [read_inspect_log(s, progress=progress, **options)]
    elif fmt == "lm-eval":
        from checker.evidence.ingest.lmeval import read_lmeval

        def read(s: str | Path) -> list[SourceResult]:
            return read_lmeval(s, progress=progress, **options)
    elif fmt == "table":
        from checker.evidence.ingest.tables import read_table

        def read(s: str | Path) -> list[SourceResult]:
            return [read_table(s, progress=progress, **options)]
    else:
        raise RspcheckError.one(
            "unknown-format", f"unknown ingest format {fmt!r}", hint=f"one of {', '.join(FORMATS)}"
        )
    for s in sources:
        try:
            got = read(s)
        except RspcheckError as err:
            problems.extend(err.problems)
            continue
        for res in got:
            for rd in res.runs:
                rd.columns.freeze()  # lists to arrays as soon as a source is read
        results.extend(got)
    if problems:
        raise RspcheckError(problems)
    return results


def ingest(
    fmt: str,
    sources: Sequence[str | Path],
    *,
    title: str | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> tuple[Evidence, list[SourceResult]]:
    """Read sources of one format into one Evidence (and the per-source results, for summaries).

    ``options`` go to the reader: ``scorer``/``scaffold`` (inspect); ``metric``/``filter``/
    ``model`` (lm-eval); ``mapping``/``model``/``eval``/``scaffold`` (table).
    """
    results = read_sources(fmt, sources, progress=progress, **options)
    return build_evidence(results, title=title)


def write_evidence(evidence: Evidence, out: str | Path) -> tuple[Path, Path]:
    """Write a manifest YAML at ``out`` and its attempts JSONL beside it; returns both paths."""
    from checker.evidence.ingest.writer import write_evidence as _write

    return _write(evidence, out)


__all__ = ["FORMATS", "ingest", "load_log_evidence", "read_sources", "write_evidence"]
