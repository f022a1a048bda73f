"""Loading evidence: the one entry point for every source, and evidence manifests.

:func:`load_evidence` takes any path rspcheck reads as evidence (what it is is told by
:func:`checker.files.sniff.sniff`): an evidence manifest with its attempt files, an Inspect log,
lm-evaluation-harness results or samples (or their folder), or a table of attempts. Manifests are
read here (:func:`load_manifest`); the other kinds by the ingest readers
(:mod:`checker.evidence.ingest`), which ``rspcheck ingest`` runs too, so ``check -e`` and
``ingest`` accept the same sources. :func:`load_many` loads several and merges them.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from checker.errors import Problem, ProblemCollector, RspcheckError, did_you_mean
from checker.evidence.attempts import read_attempts
from checker.evidence.model import AttemptTable, EvalRun, Evidence, EvidenceManifest, ModelInfo
from checker.files.access import confine, sha256_file, shown
from checker.files.document import Document, load_document
from checker.files.sniff import EvidenceKind, inspect_logs_in, sniff, sniff_or_raise
from checker.files.tables import MAX_TABLE_BYTES
from checker.files.validation import validate

MAX_LISTED = 5
"""Runs named in one message before the rest are counted."""


def _allowed(allow_outside: Iterable[str | Path] | None) -> tuple[Path, ...]:
    return tuple(Path(f) for f in allow_outside or ())


def load_evidence(
    path: str | Path,
    *,
    scorer: str | None = None,
    allow_outside: Iterable[str | Path] | None = None,
) -> Evidence:
    """Load evidence from any source rspcheck reads, the reader chosen by what the file is.

    Args:
        path: an evidence manifest (YAML/JSON), an Inspect log (``.eval``, ``.json``) or a
            folder of them (:func:`expand_sources`), an
            lm-evaluation-harness ``results_*.json``, ``samples_*.jsonl`` or output folder, or
            a table of attempts (``.csv``, ``.tsv``, ``.jsonl``, ``.parquet``, read as
            ``rspcheck ingest table`` reads it, without a column mapping).
        scorer: for logs, which scorer's (Inspect) or metric's (lm-eval) value is the score;
            default the log's first.
        allow_outside: folders besides a manifest's own that its attempt files may lie in
            (the CLI's ``--allow-outside DIR``); see :func:`load_manifest`.

    Returns:
        The evidence; warnings (a log that stopped early, skipped attempts, no measured
        budget) are in ``Evidence.warnings``.

    Raises:
        RspcheckError: every problem found, located by file, line and key path or row;
            ``unknown-format`` for a file that is none of these.
    """
    if Path(path).is_dir() and sniff(path) is None and (logs := inspect_logs_in(path)):
        # a folder of Inspect logs: the logs, merged as ``load_many`` merges them
        return merge_evidence([load_evidence(log, scorer=scorer) for log in logs])
    kind = sniff_or_raise(path)
    if kind is EvidenceKind.MANIFEST:
        return load_manifest(path, allow_outside=allow_outside)
    from checker.evidence.ingest import load_log_evidence  # lazy: only for logs and tables

    return load_log_evidence(path, scorer=scorer, kind=kind)


def load_manifest(
    path: str | Path, *, allow_outside: Iterable[str | Path] | None = None
) -> Evidence:
    """Load an evidence manifest (YAML/JSON) and the attempt files it names.

    A manifest comes from someone else, and so do the paths in it: each attempt file must be a
    regular file inside the manifest's folder (or a folder below it) once ``..`` and symlinks
    are resolved, or inside one of ``allow_outside``; any other is refused
    (``path-outside-evidence``) before it is opened, so a manifest cannot have rspcheck read,
    or quote in a message, a file its author could not. Attempt files are at most
    :data:`~checker.files.tables.MAX_TABLE_BYTES` each. ``runs[].source`` paths are
    provenance, never opened.

    Args:
        path: the manifest.
        allow_outside: folders besides the manifest's own that attempt files may lie in;
            none by default.

    Raises:
        RspcheckError: every problem found, located by file, line and key path or row.
    """
    p = Path(path)
    doc = load_document(p)
    if doc.data.get("kind") not in (None, "rspcheck-evidence"):
        raise RspcheckError(
            [
                doc.problem(
                    "unknown-format",
                    f"kind is {doc.data.get('kind')!r}; an evidence manifest has "
                    "'kind: rspcheck-evidence'",
                    ("kind",),
                    hint="is this a policy? pass it with --policy",
                )
            ]
        )
    manifest = validate(EvidenceManifest, doc)
    collector = ProblemCollector(doc.file)
    collector.extend(check_manifest(manifest, doc))
    tables: list[AttemptTable] = []
    files = [(doc.file, doc.sha256)]
    allowed = _allowed(allow_outside)
    for i, af in enumerate(manifest.attempts):
        where = ("attempts", i, "path")
        target = p.parent / af.path  # an absolute path stays itself
        if not confine(target, p.parent, allowed):
            collector.extend([_outside(doc, af.path, target, where, allowed)])
            continue
        try:
            digest = sha256_file(target, max_bytes=MAX_TABLE_BYTES, display=str(target))
        except RspcheckError as err:  # located where the manifest names the file
            collector.extend(
                doc.problem(e.code, f"attempts file {af.path!r} {e.msg}", where, hint=e.hint)
                for e in err.problems
            )
            continue
        if af.sha256 and af.sha256 != digest:
            collector.extend(
                [
                    doc.problem(
                        "digest-mismatch",
                        f"attempts file {af.path!r} has sha256 {digest}, the manifest "
                        f"records {af.sha256}",
                        ("attempts", i, "sha256"),
                        hint="the file changed since the manifest was written; re-ingest it",
                    )
                ]
            )
            continue
        try:
            tables.append(read_attempts(target, display=str(target)))
        except RspcheckError as err:
            collector.extend(err.problems)
            continue
        files.append((str(target), digest))
    collector.raise_if_errors()
    attempts = AttemptTable.concat(tables)
    problems, warnings = check_attempts_against_runs(manifest, attempts, doc)
    collector.extend(problems)
    collector.raise_if_errors()
    warnings += [p.format() for p in collector.problems if p.severity == "warning"]
    return Evidence(
        manifest=manifest, attempts=attempts, files=tuple(files), warnings=tuple(warnings)
    )


def _outside(
    doc: Document, named: str, target: Path, where: tuple[str, int, str], allowed: tuple[Path, ...]
) -> Problem:
    """The ``path-outside-evidence`` problem for an attempts path (nothing of it is read)."""
    if Path(named).is_absolute():
        how = "an absolute path"
    elif ".." in Path(named).parts:
        how = "a path with '..'"
    else:
        how = "a path through a symlink"
    also = f" or the {len(allowed)} allowed folder(s)" if allowed else ""
    return doc.problem(
        "path-outside-evidence",
        f"attempts file {named!r} is {how} that leads outside the manifest's folder{also}; "
        "it is not read",
        where,
        hint="move the file into the manifest's folder (or one below it); if the manifest is "
        "yours and the file must stay, allow its folder: --allow-outside DIR "
        "(load_evidence(..., allow_outside=[DIR]))",
    )


def check_manifest(manifest: EvidenceManifest, doc: Document) -> list[Problem]:
    """Unique ids and references between models and runs."""
    out = []
    sections: tuple[tuple[str, Sequence[ModelInfo | EvalRun]], ...] = (
        ("models", manifest.models),
        ("runs", manifest.runs),
    )
    for section, items in sections:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(
                    doc.problem(
                        "duplicate-id",
                        f"{section[:-1]} id {item.id!r} is used more than once",
                        (section, i, "id"),
                        hint="give each a unique id",
                    )
                )
            seen.add(item.id)
    models = [m.id for m in manifest.models]
    for i, run in enumerate(manifest.runs):
        if run.model not in models:
            out.append(
                doc.problem(
                    "unknown-reference",
                    f"run {run.id!r} names model {run.model!r}, which is not under 'models'",
                    ("runs", i, "model"),
                    hint=did_you_mean(run.model, models) or "add the model under 'models:'",
                )
            )
    return out


def check_attempts_against_runs(
    manifest: EvidenceManifest, attempts: AttemptTable, doc: Document
) -> tuple[list[Problem], list[str]]:
    """Attempts must name known runs and be unique; runs need attempts or a summary."""
    problems: list[Problem] = []
    warnings: list[str] = []
    run_ids = {r.id for r in manifest.runs}
    unknown = [r for r in attempts.run_ids if r not in run_ids]
    if unknown:
        counts = Counter(np.asarray(attempts.run_ids, dtype=object)[attempts.run])
        listed = ", ".join(f"{shown(r)} ({counts[r]:,} rows)" for r in unknown[:MAX_LISTED])
        more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
        first = int(np.flatnonzero(attempts.run == attempts.run_ids.index(unknown[0]))[0])
        file, line = attempts.locate(first)
        problems.append(
            Problem(
                "attempt-unknown-run",
                f"attempt records name runs the manifest does not define: {listed}{more}",
                file=file or doc.file,
                line=line,  # the first row naming the first of them
                hint=did_you_mean(unknown[0], sorted(run_ids))
                or "add these runs under 'runs:' in the manifest",
            )
        )
    if len(attempts):
        key = np.stack([attempts.run, attempts.task, attempts.attempt], axis=1)
        _, firsts, repeats = np.unique(key, axis=0, return_index=True, return_counts=True)
        dup = np.flatnonzero(repeats > 1)
        if dup.size:
            row = int(firsts[dup[0]])
            again = int(np.flatnonzero((key == key[row]).all(axis=1))[1])
            file, line = attempts.locate(again)
            where = ""
            if line is not None:
                first_file, first_line = attempts.locate(row)
                where = f" (first at line {first_line}" + (
                    f" of {first_file})" if first_file != file else ")"
                )
            problems.append(
                Problem(
                    "attempt-duplicate",
                    f"{int((repeats[dup] - 1).sum()):,} attempt records repeat a (run, task, "
                    f"attempt) key, e.g. run {shown(attempts.run_ids[attempts.run[row]])}, task "
                    f"{shown(attempts.task_ids[attempts.task[row]])}, attempt "
                    f"{int(attempts.attempt[row])}{where}",
                    file=file or doc.file,
                    line=line,  # the first repeat
                    hint="number attempts within each task, or drop the duplicated rows",
                )
            )
    with_rows = set(attempts.run_ids)
    for i, run in enumerate(manifest.runs):
        if run.id not in with_rows and run.summary is None:
            warnings.append(
                f"run {run.id!r} has neither attempt records nor a summary: it is not evidence"
            )
        elif run.id in with_rows and run.summary is not None:
            warnings.append(
                f"run {run.id!r} has attempt records and a summary; the summary is ignored"
            )
        elif run.id not in with_rows:
            problems.append(
                doc.problem(
                    "summary-only-run",
                    f"run {run.id!r} gives only a summary: lower-grade evidence (binomial "
                    "bounds, no task-level resampling)",
                    ("runs", i, "summary"),
                    severity="warning",
                )
            )
    return problems, warnings


def merge_evidence(parts: list[Evidence]) -> Evidence:
    """Combine evidence from several files; runs must not be claimed twice.

    Models defined identically in several files are kept once; a model defined differently
    (e.g. other prices) is an error, since the pricing would depend on file order.
    """
    if len(parts) == 1:
        return parts[0]
    problems: list[Problem] = []
    models: dict[str, object] = {}
    run_source: dict[str, str] = {}
    for part in parts:
        origin = part.files[0][0] if part.files else "<evidence>"
        for m in part.manifest.models:
            if m.id in models and models[m.id] != m:
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"model {m.id!r} is defined differently in two evidence files",
                        file=origin,
                        hint="define each model (and its prices) the same way everywhere",
                    )
                )
            models.setdefault(m.id, m)
        for r in part.manifest.runs:
            if r.id in run_source:
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"run {r.id!r} is claimed by {run_source[r.id]} and {origin}",
                        file=origin,
                        hint="each run may come from one source only; drop one of the files",
                    )
                )
            run_source.setdefault(r.id, origin)
    if problems:
        raise RspcheckError(problems)
    manifest = EvidenceManifest(
        title="; ".join(p.manifest.title for p in parts if p.manifest.title) or None,
        models=list(models.values()),  # type: ignore[arg-type]
        runs=[r for p in parts for r in p.manifest.runs],
        attempts=[],
        tasks=[t for p in parts for t in p.manifest.tasks],
        attestations=[a for p in parts for a in p.manifest.attestations],
    )
    return Evidence(
        manifest=manifest,
        attempts=AttemptTable.concat([p.attempts for p in parts]),
        files=tuple(f for p in parts for f in p.files),
        warnings=tuple(w for p in parts for w in p.warnings),
    )


def expand_sources(paths: Sequence[str | Path]) -> list[Path]:
    """The evidence sources ``paths`` name, a folder of Inspect logs replaced by its logs.

    A folder that is an lm-eval output folder stays one source (its reader walks it); any
    other folder is replaced by the Inspect logs directly inside it, sorted by name
    (:func:`checker.files.sniff.inspect_logs_in`); a folder with neither stays as given, so
    that loading it says what was expected (``unknown-format``). A file named twice is read
    once.

    Args:
        paths: files and folders as the user gave them (``rspcheck check -e``).

    Returns:
        The files and lm-eval folders to load, in the order given.

    Raises:
        RspcheckError: ``file-too-large`` for a folder holding too many logs.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and sniff(p) is None:
            out += inspect_logs_in(p) or [p]
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def load_many(
    paths: Sequence[str | Path],
    *,
    workers: int | None = None,
    allow_outside: Iterable[str | Path] | None = None,
) -> Evidence:
    """Load several evidence files (manifests or eval logs) and merge them: the same result as
    ``merge_evidence([load_evidence(p) for p in paths])``, sooner.

    Many large inputs (a release's eval logs) are read in a pool of worker processes, one file
    per task, results taken in input order: the merged evidence (run order, warnings, and so
    any determination's JSON) is identical to sequential loading, and the first failing file
    in input order raises its :class:`~checker.errors.RspcheckError`, as sequentially. One
    file, or a few small ones, are read in this process (see :mod:`checker.files.workers`).
    ``workers``: processes to use (default: the CPUs available, at most 8); 1 is sequential.
    ``allow_outside``: as for :func:`load_evidence`, for every manifest among ``paths``.
    A folder of Inspect logs stands for the logs in it (:func:`expand_sources`).
    """
    from checker.files.workers import gc_paused, map_ordered, pool_size

    files = expand_sources(paths)
    n = pool_size(files, workers)
    load = functools.partial(load_evidence, allow_outside=_allowed(allow_outside))
    with gc_paused():
        if n <= 1:
            return merge_evidence([load(p) for p in files])
        return merge_evidence(map_ordered(load, files, n))
