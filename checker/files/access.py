"""Which files rspcheck opens: regular files of bounded size, inside the folders it was given.

Evidence and policy files come from other people, and a path is as hostile as a file's content:
``/dev/zero`` never ends, a FIFO blocks whoever opens it until someone writes, and a manifest
that names ``../../home/me/.ssh/id_rsa`` or a symlink to it would have rspcheck read a file its
author could not, and quote it back in error messages. So every file is opened here:

* :func:`open_regular` opens without blocking (``O_NONBLOCK``: opening a FIFO returns at
  once), then asks the open descriptor (not the path, which could be swapped in between)
  whether it is a regular file, and how large; devices, FIFOs, sockets and folders are refused
  (``not-regular-file``), and so is a file over the caller's limit (``file-too-large``);
* :func:`read_bytes` and :func:`sha256_file` read through it, and never more bytes than the
  limit, even from a file that grows while it is read;
* :func:`confine` says whether a path a manifest names lies inside the manifest's folder (or
  one the caller allows) after symlinks are resolved (``path-outside-evidence``).

:func:`shown` quotes a value read from such a file for a message, cut short: a message locates
a problem, it does not copy the file.
"""

from __future__ import annotations

import hashlib
import os
import reprlib
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from checker.errors import RspcheckError

CHUNK = 1 << 20
"""Bytes read per step when hashing."""
SHOWN_CHARS = 40
"""Most characters of a value read from a file that a message quotes."""

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular(path: str | Path, mode: int, display: str | None = None) -> RspcheckError:
    """The ``not-regular-file`` error for a path whose ``st_mode`` is ``mode``."""
    return RspcheckError.one(
        "not-regular-file",
        f"is {_kind(mode)}, not a regular file",
        file=display or str(path),
        hint="name a regular file (a device, FIFO or socket never ends or blocks; a folder "
        "is read only where a folder is asked for)",
    )


def _too_large(size: int | None, max_bytes: int, display: str) -> RspcheckError:
    what = f"is {size:,} bytes" if size is not None else f"holds more than {max_bytes:,} bytes"
    return RspcheckError.one(
        "file-too-large",
        f"{what}; the limit is {max_bytes:,}",
        file=display,
        hint="split the file, or move attempt-level records into an attempts file",
    )


def is_regular(path: str | Path) -> bool:
    """Whether ``path`` (symlinks followed) is a regular file; never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(
    path: str | Path, *, max_bytes: int | None = None, display: str | None = None
) -> tuple[BinaryIO, int]:
    """Open a regular file for reading, refusing anything else before a byte is read.

    Args:
        path: the file (symlinks are followed; what they lead to must be a regular file).
        max_bytes: refuse a file larger than this (None: no limit).
        display: the name to use in messages (default ``path`` as given).

    Returns:
        The open binary file (the caller closes it) and its size when opened.

    Raises:
        RspcheckError: ``file-not-found`` (missing, unreadable), ``not-regular-file`` (a
            folder, device, FIFO or socket) or ``file-too-large``.
    """
    name = display or str(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a
        # writer; the descriptor is then refused below, before any read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise not_regular(path, stat.S_IFDIR, name) from None
    except (OSError, ValueError) as exc:
        raise RspcheckError.one(
            "file-not-found",
            f"cannot open: {getattr(exc, 'strerror', None) or exc}",
            file=name,
            hint="check the path (relative paths are relative to the current directory; "
            "attempt files named in a manifest, to the manifest's folder)",
        ) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(path, st.st_mode, name)
        if max_bytes is not None and st.st_size > max_bytes:
            raise _too_large(st.st_size, max_bytes, name)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def read_bytes(
    path: str | Path, *, max_bytes: int | None = None, display: str | None = None
) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` of them (see :func:`open_regular`).

    Raises:
        RspcheckError: as :func:`open_regular`; ``file-too-large`` also for a file that grew
            past the limit while it was read.
    """
    name = display or str(path)
    f, size = open_regular(path, max_bytes=max_bytes, display=name)
    limit = None if max_bytes is None else max_bytes + 1  # one byte more tells "too large"
    parts: list[bytes] = []
    total = 0
    want = size + 1  # all of it in one read (read(n) allocates n: never ask for the limit)
    with f:
        try:
            while (n := want if limit is None else min(want, limit - total)) > 0:
                chunk = f.read(n)
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
                want = CHUNK  # the file grew since it was opened
        except OSError as exc:
            raise RspcheckError.one(
                "file-not-found", f"cannot read: {exc.strerror or exc}", file=name
            ) from None
    if max_bytes is not None and total > max_bytes:
        raise _too_large(None, max_bytes, name)
    return b"".join(parts)


def sha256_file(
    path: str | Path, *, max_bytes: int | None = None, display: str | None = None
) -> str:
    """Hex sha256 of a regular file, read in chunks (see :func:`open_regular`).

    Raises:
        RspcheckError: as :func:`open_regular`; ``file-too-large`` also for a file that grew
            past the limit while it was hashed.
    """
    name = display or str(path)
    f, _ = open_regular(path, max_bytes=max_bytes, display=name)
    h = hashlib.sha256()
    seen = 0
    with f:
        try:
            while chunk := f.read(CHUNK):
                seen += len(chunk)
                if max_bytes is not None and seen > max_bytes:
                    raise _too_large(None, max_bytes, name)
                h.update(chunk)
        except OSError as exc:
            raise RspcheckError.one(
                "file-not-found", f"cannot read: {exc.strerror or exc}", file=name
            ) from None
    return h.hexdigest()


def confine(target: str | Path, base: str | Path, allow: Iterable[str | Path] = ()) -> bool:
    """Whether ``target`` lies inside ``base`` or one of ``allow``, symlinks resolved.

    Every path is resolved (``..`` and symlinks, the last one included) before it is compared,
    so ``sub/../../x`` and a symlink ``data -> /etc`` are outside; a path that does not exist
    is judged by where it would be.
    """
    try:
        real = Path(target).resolve()
        roots = [Path(base).resolve(), *(Path(a).resolve() for a in allow)]
    except (OSError, RuntimeError, ValueError):  # a symlink loop
        return False
    return any(real == root or real.is_relative_to(root) for root in roots)


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` cut short (about ``limit`` characters), for quoting a cell in a message.

    Bounded however large or deep the value is (a cell may hold a megabyte or a nested list).
    """
    r = reprlib.Repr()
    r.maxlevel, r.maxlist, r.maxdict, r.maxtuple = 2, 4, 4, 4
    r.maxstring = r.maxother = r.maxlong = limit
    text = r.repr(value)
    return text if len(text) <= limit + 10 else text[:limit] + "..."


__all__ = [
    "confine",
    "is_regular",
    "not_regular",
    "open_regular",
    "read_bytes",
    "sha256_file",
    "shown",
]
