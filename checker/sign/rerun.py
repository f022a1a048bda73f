"""Re-running a recorded determination from its inputs (``verify_pdf(rerun_with=...)``).

The determination records everything that decides its numbers besides the input files: the
model, the seed, the as-of date, the replicates and the comparison model. Re-running with them
must give the same JSON byte for byte; any difference is reported by where it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pydantic

from checker.determination import Determination
from checker.errors import Problem, RspcheckError

MAX_DIFFERENCES = 10


def rerun(
    determination: dict[str, Any],
    policy_path: Path,
    evidence_paths: list[Path],
    *,
    allow_outside: Sequence[str | Path] = (),
) -> str:
    """The determination JSON recomputed from the inputs with the recorded settings.

    Args:
        determination: The recorded determination, as parsed JSON.
        policy_path: The policy file it was made from.
        evidence_paths: The evidence files it was made from.
        allow_outside: Folders besides each manifest's own that its attempt files may lie in.

    Returns:
        The recomputed determination's canonical JSON.

    Raises:
        RspcheckError: an input cannot be loaded or evaluated.
        pydantic.ValidationError: the determination is not one this version's model reads.
    """
    from checker.engine.evaluate import evaluate
    from checker.evidence.load import load_many
    from checker.policy.load import load_policy

    recorded = Determination.model_validate(determination)
    loaded = load_policy(policy_path, today=recorded.as_of)
    evidence = load_many(tuple(evidence_paths), allow_outside=allow_outside)
    det = evaluate(
        loaded,
        evidence,
        model=recorded.model,
        seed=recorded.seed,
        as_of=recorded.as_of,
        replicates=recorded.settings.bootstrap_replicates,
        compare_with=recorded.settings.compare_with,
    )
    return det.to_json()


def rerun_differences(
    determination: dict[str, Any],
    policy_path: Path,
    evidence_paths: list[Path],
    *,
    allow_outside: Sequence[str | Path] = (),
) -> list[Problem]:
    """Re-run ``determination`` and say where the result differs from the recorded one.

    Args:
        determination: The recorded determination, as parsed JSON.
        policy_path: The policy file it was made from.
        evidence_paths: The evidence files it was made from.
        allow_outside: As :func:`rerun`.

    Returns:
        One ``rerun-mismatch`` problem per difference (at most ten), the problems loading the
        inputs raised, or [] when the result is the same.
    """
    try:
        fresh = json.loads(
            rerun(determination, policy_path, evidence_paths, allow_outside=allow_outside)
        )
    except RspcheckError as err:
        return list(err.problems)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(k) for k in first["loc"])
        return [
            Problem(
                "rerun-mismatch",
                f"the determination cannot be re-run: at {where}: {first['msg']} "
                f"({exc.error_count()} problem(s))",
                loc=tuple(str(k) for k in first["loc"]),
                hint="a re-run needs a complete determination in the format this rspcheck reads",
            )
        ]
    if determination.get("tool_version") != fresh.get("tool_version"):
        note = (
            f" (recorded with rspcheck {determination.get('tool_version')}, re-run with "
            f"{fresh.get('tool_version')})"
        )
    else:
        note = ""
    diffs = list(_differences(determination, fresh, ()))
    return [
        Problem(
            "rerun-mismatch",
            f"re-running gives a different value at {path}: recorded {old!r}, now {new!r}{note}",
            loc=tuple(path.split(".")),
            hint="the inputs, the tool version or the settings differ from the recorded run",
        )
        for path, old, new in diffs[:MAX_DIFFERENCES]
    ]


def _differences(a: Any, b: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key == "inputs":  # digests are checked separately, names may differ by path
                continue
            yield from _differences(a.get(key), b.get(key), (*path, str(key)))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, (*path, str(i)))
    elif a != b:
        yield ".".join(path), _short(a), _short(b)


def _short(v: Any) -> Any:
    text = json.dumps(v)
    return v if len(text) <= 80 else text[:77] + "..."
