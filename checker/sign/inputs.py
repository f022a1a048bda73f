"""Reading the files signing and verification take: regular files only, bounded in size.

A PDF to verify, a trust root, a key, a PKCS#12 file or a passphrase file may come from
someone else, or be a typo for ``/dev/zero`` or a FIFO: read naively, either would hang
``rspcheck verify`` forever or fill the memory. :func:`read_input` opens without blocking,
refuses anything but a regular file, and never reads more than its limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from checker.errors import RspcheckError

MAX_PDF_BYTES = 512 * 1024 * 1024
"""Largest determination PDF ``verify`` reads (512 MiB; a determination's PDF is ~100 KB)."""
MAX_KEY_BYTES = 1024 * 1024
"""Largest key, certificate (bundle), PKCS#12 or passphrase file read (1 MiB)."""


def read_input(
    path: str | os.PathLike[str], *, max_bytes: int, what: str, code: str = "file-not-found"
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    Args:
        path: The file.
        max_bytes: The most it may hold.
        what: What it is, for messages (``"the PDF"``, ``"the key file"``).
        code: The code for a file that cannot be opened or is not a regular file.

    Returns:
        Its content.

    Raises:
        RspcheckError: ``code`` (missing, unreadable, a folder, a device or a FIFO) or
            ``file-too-large``, located at ``path``.
    """
    where = {"file": str(path)}
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it
        fd = os.open(Path(path), os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise RspcheckError.one(
            code, f"cannot read {what}: {exc.strerror or exc}", **where
        ) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, FIFO or socket"
        raise RspcheckError.one(
            code, f"{what} is {kind}, not a regular file", hint="name the file itself", **where
        )
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > max_bytes:
            raise RspcheckError.one(
                "file-too-large",
                f"{what} is {st.st_size:,} bytes; the limit is {max_bytes:,}",
                **where,
            )
        try:
            data = fh.read(max_bytes + 1)  # a file that grows while read stops at the limit
        except OSError as exc:
            raise RspcheckError.one(
                code, f"cannot read {what}: {exc.strerror or exc}", **where
            ) from None
    if len(data) > max_bytes:
        raise RspcheckError.one(
            "file-too-large", f"{what} grew past the limit of {max_bytes:,} bytes", **where
        )
    return data
