"""Writing output files: never onto an input, never half-written, never into a folder made up.

Every file rspcheck writes (a determination's JSON and PDF, an ingested manifest and its
attempts, keys, the demo's files) goes through :func:`write_output` (or :func:`open_output`,
for a file written piece by piece), which

* refuses a path that is one of the run's inputs, however it is spelt (a relative path, a
  symlink or a hard link to it): ``check --json policy.yaml`` must not destroy the policy;
* refuses a path whose folder does not exist (a typo must not make directories appear) or that
  names a folder, a device or a FIFO: outputs are regular files;
* replaces an existing output only atomically (a temporary file in the same folder, flushed,
  then renamed over it), so a crash or a full disk never leaves a truncated report behind, and
  only when the caller allows it (``rspcheck ingest`` and ``keygen`` ask for ``--force``).

A command checks its outputs with :func:`check_outputs` *before* its work (a wrong ``--json``
path fails in a second, not after the bootstrap), and writes them at the end. A command whose
output is a folder (``keygen --out``, ``demo --out``) makes it with :func:`output_folder`: the
folder itself may be new, its parent must exist.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from checker.errors import RspcheckError

__all__ = ["check_output", "check_outputs", "open_output", "output_folder", "write_output"]

PathLike = str | os.PathLike[str]


def check_output(
    path: PathLike, *, inputs: Iterable[PathLike] = (), overwrite: bool = True
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
    _parent_exists(out)
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


def check_outputs(
    outputs: Mapping[str, PathLike | None],
    *,
    inputs: Iterable[PathLike] = (),
    overwrite: bool = True,
) -> dict[str, Path]:
    """Check every output of a command at once: each as :func:`check_output`, no two the
    same file (``--json x --pdf x`` would keep only the last one written), and each folder
    one that takes a new file (a read-only or virtual file system such as ``/proc`` refuses
    only when written to: a temporary file is made there and removed at once to find out).

    Args:
        outputs: ``{option: path}`` (e.g. ``{"--json": ..., "--pdf": ...}``); ``None``
            values (an output not asked for) are skipped.
        inputs: Files the run reads; no output may be one of them.
        overwrite: Whether existing output files may be replaced.

    Returns:
        The outputs asked for, ``{option: Path}``.

    Raises:
        RspcheckError: as :func:`check_output`, or ``output-is-input`` naming both options
            when two outputs are one file.
    """
    given = list(inputs)
    seen: dict[str, Path] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        out = check_output(path, inputs=given, overwrite=overwrite)
        for other, earlier in seen.items():
            if _same_file(out, earlier):
                raise RspcheckError.one(
                    "output-is-input",
                    f"{option} and {other} name the same file: one would overwrite the other",
                    hint="give each output its own name",
                    file=str(path),
                )
        _probe(out)
        seen[option] = out
    return seen


def _probe(out: Path) -> None:
    """Make and remove a temporary file beside ``out``: can the real one be written later?"""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=out.parent)
    except OSError as exc:
        raise RspcheckError.one(
            "output-unwritable",
            f"no file can be made in {str(out.parent)!r}: {exc.strerror or exc}",
            hint="write somewhere you may create files",
            file=str(out),
        ) from None
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


@contextlib.contextmanager
def open_output(
    path: PathLike,
    *,
    inputs: Iterable[PathLike] = (),
    overwrite: bool = True,
    mode: int | None = None,
) -> Iterator[BinaryIO]:
    """Write an output piece by piece: a binary file to write to, renamed into place only when
    the ``with`` block ends without an exception (then flushed to disk first).

    Args:
        path: The output file.
        inputs: Files the run reads; the output may be none of them.
        overwrite: Whether an existing output file may be replaced.
        mode: Permission bits for the file (e.g. ``0o600`` for a private key; the file
            never has wider ones, not even for a moment); by default the process's umask
            decides, as for any file it creates.

    Yields:
        The open temporary file.

    Raises:
        RspcheckError: as :func:`check_output`, or ``output-unwritable`` when the write fails
            (no space, no permission); the previous file, if any, is then left as it was.
    """
    out = check_output(path, inputs=inputs, overwrite=overwrite)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    done = False
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes 0o600; a report is an ordinary file, a key stays private
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, out)
        done = True
    except OSError as exc:
        raise _unwritable(path, exc) from None
    finally:
        if not done:
            Path(tmp).unlink(missing_ok=True)


def write_output(
    path: PathLike,
    data: bytes | str,
    *,
    inputs: Iterable[PathLike] = (),
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
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with open_output(path, inputs=inputs, overwrite=overwrite, mode=mode) as f:
        f.write(raw)
    return Path(path)


def output_folder(path: PathLike, *, mode: int = 0o777) -> Path:
    """Make (or reuse) a folder that a command writes its outputs into.

    The folder itself may be new (``keygen --out keys`` makes ``keys``), but not its parent:
    a typo in the path fails instead of making directories appear.

    Args:
        path: The folder.
        mode: Permission bits for a new folder (``0o700`` for keys), narrowed by the umask.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        RspcheckError: ``output-unwritable`` when the parent is missing, the path is a file,
            or the folder cannot be made (no permission, a read-only or virtual file system
            such as ``/proc``).
    """
    out = Path(path)
    where = {"file": str(path)}
    if out.is_dir():
        return out
    if out.exists() or out.is_symlink():
        raise RspcheckError.one(
            "output-unwritable",
            "the output folder is a file" if out.is_file() else "the output is not a folder",
            hint="name a folder to write into",
            **where,
        )
    _parent_exists(out)
    try:
        out.mkdir(mode=mode)
    except OSError as exc:
        raise RspcheckError.one(
            "output-unwritable",
            f"cannot make the folder here: {exc.strerror or exc}",
            hint="write somewhere you may create files",
            **where,
        ) from None
    return out


def _unwritable(path: PathLike, exc: OSError) -> RspcheckError:
    return RspcheckError.one(
        "output-unwritable", f"cannot write: {exc.strerror or exc}", file=str(path)
    )


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (after symlinks; hard links too, where both exist)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _parent_exists(out: Path) -> None:
    """Refuse an output whose folder does not exist: a typo must not make folders appear."""
    if not out.parent.is_dir():
        raise RspcheckError.one(
            "output-unwritable",
            f"the folder {str(out.parent)!r} does not exist",
            hint="create the folder first, or write somewhere that exists",
            file=str(out),
        )
