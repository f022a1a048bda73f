"""Writing output files: never onto an input, never half-written, never into a folder made up.

Every file rspcheck writes (a determination's JSON and PDF, an ingested manifest, keys) goes
through :func:`write_output`, which

* refuses a path that is one of the run's inputs, however it is spelt (a relative path, a
  symlink or a hard link to it): ``check --json policy.yaml`` must not destroy the policy;
* refuses a path whose folder does not exist (a typo must not make directories appear) or that
  names a folder, a device or a FIFO: outputs are regular files;
* replaces an existing output only atomically (a temporary file in the same folder, flushed,
  then renamed over it), so a crash or a full disk never leaves a truncated report behind, and
  only when the caller allows it (``rspcheck ingest`` and ``keygen`` ask for ``--force``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from checker.errors import RspcheckError


def check_output(
    path: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = True
) -> Path:
    """Check that ``path`` may be written, before any work is spent on what goes into it.

    Args:
        path: The output file, as the user gave it.
        inputs: Files the run reads; the output may be none of them.
        overwrite: Whether an existing output file may be replaced.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        RspcheckError: ``output-is-input``, ``output-exists`` or ``output-unwritable``.
    """
    out = Path(path)
    where = {"file": str(path)}
    for given in inputs:
        if _same_file(out, Path(given)):
            raise RspcheckError.one(
                "output-is-input",
                f"the output would overwrite the input {str(given)!r}",
                hint="write the output under another name",
                **where,
            )
    parent = out.parent
    if not parent.is_dir():
        raise RspcheckError.one(
            "output-unwritable",
            f"the folder {str(parent)!r} does not exist",
            hint="create the folder first, or write somewhere that exists",
            **where,
        )
    try:
        st = out.lstat() if out.is_symlink() else out.stat()
    except FileNotFoundError:
        return out
    except OSError as exc:
        raise RspcheckError.one(
            "output-unwritable", f"cannot inspect the output: {exc.strerror or exc}", **where
        ) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise RspcheckError.one(
            "output-unwritable",
            f"the output path is {kind}",
            hint="name a file to write",
            **where,
        )
    if not overwrite:
        raise RspcheckError.one(
            "output-exists",
            "the output exists already",
            hint="pass --force to replace it, or choose another name",
            **where,
        )
    return out


def write_output(
    path: str | Path,
    data: bytes | str,
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = True,
    mode: int | None = None,
) -> Path:
    """Write ``data`` to ``path`` atomically, after :func:`check_output`.

    Args:
        path: The output file.
        data: Its whole content (text is written as UTF-8, newlines as given).
        inputs: Files the run reads; the output may be none of them.
        overwrite: Whether an existing output file may be replaced.
        mode: Permission bits for a new file (e.g. ``0o600`` for a private key); by default
            the process's umask decides, as for any file it creates.

    Returns:
        The path written.

    Raises:
        RspcheckError: as :func:`check_output`, or ``output-unwritable`` when the write fails
            (no space, no permission); the previous file, if any, is then left as it was.
    """
    out = check_output(path, inputs=inputs, overwrite=overwrite)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:  # mkstemp makes 0o600; a report is an ordinary file
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RspcheckError.one(
            "output-unwritable", f"cannot write: {exc.strerror or exc}", file=str(path)
        ) from None
    return out


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (after symlinks; hard links too, where both exist)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False
