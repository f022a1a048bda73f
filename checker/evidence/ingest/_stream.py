"""Low-level reading: zip members (stored, deflate, zstd) and JSON parsed as a stream.

Python < 3.14's :mod:`zipfile` cannot decompress method 93 (Zstandard), which Inspect AI uses for
``.eval`` members since 0.3.206. :class:`ZipArchive` reads the central directory with
:mod:`zipfile` (cheap), then reads each member itself: it checks the local header, bounds the
compressed bytes by the file's size, decompresses with ``zstandard`` (across frames) or ``zlib``,
refuses output beyond the recorded size, and checks the CRC-32. Nothing is read that is not asked
for.

:class:`JsonStream` parses a JSON document from text chunks without holding it whole: an array's
elements (or one key of an object) are yielded one at a time with the stdlib C scanner
(``JSONDecoder.raw_decode``), which also accepts the bare ``NaN`` that Inspect writes for unscored
values (strict JSON parsers such as orjson reject it).
"""

from __future__ import annotations

import codecs
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

import zstandard

from checker.errors import RspcheckError

CHUNK = 1 << 20
ZSTD_METHOD = 93
_LOCAL_HEADER = b"PK\x03\x04"


class MemberError(Exception):
    """A member cannot be read (corrupt, truncated, unsupported): turned into a Problem."""

    def __init__(self, code: str, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


class ZipArchive:
    """A zip file's directory and streamed access to its members."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self.fh = fh
        self.size = size
        zf = zipfile.ZipFile(fh)  # reads the central directory only
        self.members: dict[str, zipfile.ZipInfo] = {i.filename: i for i in zf.infolist()}

    def chunks(self, name: str, progress: Any = None) -> Iterator[bytes]:
        """Decompressed bytes of member ``name``, in pieces of about :data:`CHUNK`."""
        info = self.members[name]
        fh = self.fh
        if info.header_offset < 0 or info.header_offset + 30 > self.size:
            raise MemberError("log-member-corrupt", "its local header lies outside the file")
        fh.seek(info.header_offset)
        head = fh.read(30)
        if len(head) < 30 or head[:4] != _LOCAL_HEADER:
            raise MemberError("log-member-corrupt", "its local header is missing or damaged")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        remaining = info.compress_size
        if start + remaining > self.size:
            raise MemberError(
                "log-truncated",
                f"it needs {start + remaining - self.size:,} bytes beyond the end of the file",
            )
        method = info.compress_type
        if method == ZSTD_METHOD:
            dobj: Any = zstandard.ZstdDecompressor().decompressobj(read_across_frames=True)
        elif method == zipfile.ZIP_DEFLATED:
            dobj = zlib.decompressobj(-15)
        elif method == zipfile.ZIP_STORED:
            dobj = None
        else:
            raise MemberError(
                "log-member-corrupt",
                f"compression method {method} is not supported (stored, deflate and zstd are)",
            )
        fh.seek(start)
        crc = 0
        produced = 0
        expected = info.file_size
        try:
            while remaining > 0:
                raw = fh.read(min(CHUNK, remaining))
                if not raw:
                    raise MemberError("log-truncated", "the file ends inside this member")
                remaining -= len(raw)
                if progress is not None:
                    progress(len(raw))
                out = raw if dobj is None else dobj.decompress(raw)
                if out:
                    produced += len(out)
                    if produced > expected:
                        raise MemberError(
                            "log-member-corrupt",
                            f"it decompresses to more than its recorded {expected:,} bytes",
                        )
                    crc = zlib.crc32(out, crc)
                    yield out
            if method == zipfile.ZIP_DEFLATED:
                tail = dobj.flush()
                if tail:
                    produced += len(tail)
                    crc = zlib.crc32(tail, crc)
                    yield tail
        except (zstandard.ZstdError, zlib.error) as exc:
            raise MemberError("log-member-corrupt", f"it does not decompress: {exc}") from None
        if produced != expected:
            raise MemberError(
                "log-member-corrupt",
                f"it decompresses to {produced:,} bytes, not the recorded {expected:,}",
            )
        if crc != info.CRC:
            raise MemberError("log-member-corrupt", "its CRC-32 checksum does not match")

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))


def text_chunks(chunks: Iterator[bytes]) -> Iterator[str]:
    """UTF-8 decode a stream of byte chunks (a character may straddle two chunks)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    for c in chunks:
        t = dec.decode(c)
        if t:
            yield t
    t = dec.decode(b"", final=True)
    if t:
        yield t


class JsonStreamError(ValueError):
    """Invalid JSON, with the character offset into the document."""

    def __init__(self, msg: str, offset: int) -> None:
        super().__init__(msg)
        self.offset = offset


_WS = " \t\n\r"


class JsonStream:
    """A JSON document read incrementally from text chunks."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._buf = ""
        self._pos = 0
        self._base = 0  # document offset of _buf[0]
        self._eof = False
        self._dec = json.JSONDecoder()

    def _fill(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end."""
        if self._eof:
            return False
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._eof = True
            return False
        if self._pos:
            self._base += self._pos
            self._buf = self._buf[self._pos :] + chunk
            self._pos = 0
        else:
            self._buf += chunk
        return True

    def _skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at the end)."""
        while True:
            buf, pos = self._buf, self._pos
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return buf[pos]
            if not self._fill():
                return ""

    def _error(self, msg: str) -> JsonStreamError:
        return JsonStreamError(msg, self._base + self._pos)

    def expect(self, ch: str) -> None:
        if self._skip_ws() != ch:
            got = self._buf[self._pos : self._pos + 1] or "end of data"
            raise self._error(f"expected {ch!r}, found {got!r}")
        self._pos += 1

    def value(self) -> Any:
        """Parse the next JSON value (reading more text until it is complete)."""
        if not self._skip_ws():
            raise self._error("expected a value, found the end of the data")
        while True:
            try:
                obj, end = self._dec.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise JsonStreamError(exc.msg, self._base + exc.pos) from None
            # a number (or NaN/Infinity) running up to the buffer's end may continue
            if end == len(self._buf) and not self._eof and self._fill():
                continue
            self._pos = end
            return obj

    def array_items(self) -> Iterator[Any]:
        """The elements of the array that comes next, one at a time."""
        self.expect("[")
        if self._skip_ws() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            c = self._skip_ws()
            if c == ",":
                self._pos += 1
            elif c == "]":
                self._pos += 1
                return
            else:
                raise self._error(f"expected ',' or ']' in an array, found {c or 'the end'!r}")

    def object_items(self) -> Iterator[tuple[str, JsonStream]]:
        """The keys of the object that comes next; the caller must consume each value
        (with :meth:`value` or :meth:`array_items`) before asking for the next key."""
        self.expect("{")
        if self._skip_ws() == "}":
            self._pos += 1
            return
        while True:
            if self._skip_ws() != '"':
                raise self._error("expected a key string")
            key = self.value()
            self.expect(":")
            yield key, self
            c = self._skip_ws()
            if c == ",":
                self._pos += 1
            elif c == "}":
                self._pos += 1
                return
            else:
                raise self._error(f"expected ',' or '}}' in an object, found {c or 'the end'!r}")

    def end(self) -> None:
        """Only whitespace may follow the document."""
        if self._skip_ws():
            raise self._error("extra data after the JSON document")


def reraise_json(exc: JsonStreamError | ValueError, file: str, loc: tuple) -> RspcheckError:
    """A JSON error as the user-facing error, naming file and member."""
    offset = getattr(exc, "offset", None)
    at = f" at character {offset:,}" if offset is not None else ""
    return RspcheckError.one(
        "log-invalid-json",
        f"not valid JSON{at}: {exc}",
        file=file,
        loc=loc,
        hint="the log is damaged; re-run or re-export it (`inspect log convert`)",
    )
