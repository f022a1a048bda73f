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
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, NamedTuple, cast

import pydantic_core
import zstandard

from checker.errors import RspcheckError
from checker.files.document import JsonTooDeep

MAX_MEMBER_BYTES = 256 * 1024**2
"""Most bytes a member read whole (``header.json``, one sample) may inflate to."""
MAX_STREAMED_BYTES = 1024**3
"""Most bytes a member read as a stream (``summaries.json``, a journal) may inflate to.

A member's recorded size is written by whoever made the archive: a 4 MB member can claim and
inflate to 4 GiB. These limits are rspcheck's own; a member claiming more is refused before
anything is inflated, and one inflating past its claim is refused at that byte."""
MAX_VALUE_CHARS = MAX_MEMBER_BYTES
"""Longest single JSON value :class:`JsonStream` holds (one sample, or a log's ``eval``)."""
CHUNK = 1 << 16
"""Compressed bytes read per step: JSON compresses ~10x, so each step yields well under 1 MB of
text and the stream never holds more than a few MB at once."""
ZSTD_METHOD = 93
_LOCAL_HEADER = b"PK\x03\x04"


class MemberError(Exception):
    """A member cannot be read (corrupt, truncated, unsupported): turned into a Problem."""

    def __init__(self, code: str, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


class Entry(NamedTuple):
    """One central-directory entry (the fields :class:`ZipArchive` needs)."""

    filename: str
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int


_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_CD = struct.Struct("<4s6H3L5H2L")  # central directory file header, 46 bytes


def read_directory(
    fh: IO[bytes], size: int, skip: bytes | None = None, skipped: list[bytes] | None = None
) -> dict[str, Entry]:
    """Parse the zip central directory (zip64 included), as :mod:`zipfile` does but leaner.

    Entries whose raw name starts with ``skip`` are not made into entries (a ``.eval`` log's
    10,000 ``samples/`` members, which a finished log's reading only counts): their raw names
    go to ``skipped``. Raises ``zipfile.BadZipFile`` for anything that is not a well-formed
    directory.
    """
    tail_len = min(size, 22 + 65535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("no end-of-central-directory record (truncated?)")
    eocd_pos = size - tail_len + at
    (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack("<4s4H2LH", tail[at : at + 22])
    zip64 = False
    if at >= 20 and tail[at - 20 : at - 16] == _EOCD64_LOCATOR:
        (_, _, eocd64_pos, _) = struct.unpack("<4sLQL", tail[at - 20 : at])
        if not 0 <= eocd64_pos <= size - 56:
            raise zipfile.BadZipFile("zip64 end record lies outside the file")
        fh.seek(eocd64_pos)
        rec = fh.read(56)
        if rec[:4] != _EOCD64:
            raise zipfile.BadZipFile("zip64 end record is damaged")
        (_, _, _, _, _, _, _, count, cd_size, cd_offset) = struct.unpack("<4sQ2H2L4Q", rec)
        zip64 = True
        end_of_cd = eocd64_pos
    else:
        end_of_cd = eocd_pos
    concat = end_of_cd - cd_size - cd_offset  # bytes prepended to the archive (usually 0)
    if zip64:
        concat = 0 if concat >= 0 else concat
    start = cd_offset + concat
    if start < 0 or cd_size > size or start + cd_size > size:
        raise zipfile.BadZipFile("the central directory lies outside the file")
    fh.seek(start)
    cd = fh.read(cd_size)
    if len(cd) != cd_size:
        raise zipfile.BadZipFile("the central directory is cut off")
    out: dict[str, Entry] = {}
    pos = 0
    seen = 0
    unpack = _CD.unpack_from
    while pos + 46 <= cd_size:
        (sig, _, _, flags, method, _, _, crc, csize, usize, nlen, elen, clen, _, _, _, offset) = (
            unpack(cd, pos)
        )  # 17 fields, 46 bytes
        if sig != _CENTRAL:
            raise zipfile.BadZipFile("a central directory entry is damaged")
        name_b = cd[pos + 46 : pos + 46 + nlen]
        if skip is not None and name_b.startswith(skip):
            skipped.append(name_b)  # type: ignore[union-attr]
            pos += 46 + nlen + elen + clen
            seen += 1
            continue
        if 0xFFFFFFFF in (csize, usize, offset):
            extra = cd[pos + 46 + nlen : pos + 46 + nlen + elen]
            csize, usize, offset = _zip64_extra(extra, csize, usize, offset)
        name = name_b.decode("utf-8" if flags & 0x800 else "cp437")
        out[name] = Entry(name, method, crc, csize, usize, offset + concat)
        pos += 46 + nlen + elen + clen
        seen += 1
    if pos > cd_size or (seen != count and count != 0xFFFF):
        raise zipfile.BadZipFile("the central directory does not hold the entries it declares")
    return out


def _zip64_extra(extra: bytes, csize: int, usize: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, ln = struct.unpack_from("<HH", extra, i)
        if tag == 1:
            data = extra[i + 4 : i + 4 + ln]
            vals = list(struct.unpack_from(f"<{len(data) // 8}Q", data))
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            if offset == 0xFFFFFFFF and vals:
                offset = vals.pop(0)
            break
        i += 4 + ln
    return csize, usize, offset


class ZipArchive:
    """A zip file's directory and streamed access to its members."""

    def __init__(self, fh: IO[bytes], size: int, skip: bytes | None = None) -> None:
        self.fh = fh
        self.size = size
        self.skipped: list[bytes] = []
        """Raw names of the members left out of :attr:`members` (those starting ``skip``)."""
        self.members: dict[str, Entry] = read_directory(fh, size, skip, self.skipped)

    def read_all(self) -> None:
        """Make :attr:`members` list every member (after a directory read with ``skip``)."""
        if self.skipped:
            self.members = read_directory(self.fh, self.size)
            self.skipped = []

    def chunks(
        self, name: str, progress: Any = None, limit: int = MAX_STREAMED_BYTES
    ) -> Iterator[bytes]:
        """Decompressed bytes of member ``name``, a piece per :data:`CHUNK` of compressed input.

        ``limit``: refuse a member that claims to inflate to more bytes (``file-too-large``);
        one that inflates past what it claims is refused at that byte.
        """
        info = self.members[name]
        if info.file_size > limit:
            raise MemberError(
                "file-too-large",
                f"it inflates to {info.file_size:,} bytes (as recorded); rspcheck reads at most "
                f"{limit:,} of one member",
            )
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
        if method not in (ZSTD_METHOD, zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
            raise MemberError(
                "log-member-corrupt",
                f"compression method {method} is not supported (stored, deflate and zstd are)",
            )
        fh.seek(start)
        source = _Bounded(fh, remaining, progress)
        crc = 0
        produced = 0
        expected = info.file_size
        try:
            for out in _decompress(method, source):
                produced += len(out)
                if produced > expected:
                    raise MemberError(
                        "log-member-corrupt",
                        f"it decompresses to more than its recorded {expected:,} bytes",
                    )
                crc = zlib.crc32(out, crc)
                yield out
        except (zstandard.ZstdError, zlib.error) as exc:
            raise MemberError("log-member-corrupt", f"it does not decompress: {exc}") from None
        if source.short:
            raise MemberError("log-truncated", "the file ends inside this member")
        if produced != expected:
            raise MemberError(
                "log-member-corrupt",
                f"it decompresses to {produced:,} bytes, not the recorded {expected:,}",
            )
        if crc != info.CRC:
            raise MemberError("log-member-corrupt", "its CRC-32 checksum does not match")

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """Member ``name`` inflated whole, at most ``limit`` bytes (see :meth:`chunks`)."""
        return b"".join(self.chunks(name, limit=limit))


OUT = 1 << 20
"""Most decompressed bytes handed on at once (a member that compresses 100x stays bounded)."""


class _Bounded:
    """A read-only view of the next ``n`` bytes of a file (one member's compressed data)."""

    def __init__(self, fh: IO[bytes], n: int, progress: Any) -> None:
        self.fh, self.left, self.progress, self.short = fh, n, progress, False

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.fh.read(size)
        if len(data) < size:
            self.short = True
        self.left -= len(data)
        if self.progress is not None and data:
            self.progress(len(data))
        return data


def _decompress(method: int, source: _Bounded) -> Iterator[bytes]:
    """Decompressed pieces of at most :data:`OUT` bytes."""
    if method == ZSTD_METHOD:
        reader = zstandard.ZstdDecompressor().stream_reader(
            cast(IO[bytes], source),  # _Bounded has the read() a stream reader calls
            read_size=CHUNK,
            read_across_frames=True,
            closefd=False,
        )
        while out := reader.read(OUT):
            yield out
        return
    if method == zipfile.ZIP_STORED:
        while out := source.read(OUT):
            yield out
        return
    dobj = zlib.decompressobj(-15)
    while raw := source.read(CHUNK):
        data = raw
        while data:
            out = dobj.decompress(data, OUT)
            if out:
                yield out
            data = dobj.unconsumed_tail
    if tail := dobj.flush():
        yield tail


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
    """Invalid JSON, with the character offset into the document and the problem's code."""

    def __init__(self, msg: str, offset: int, code: str = "log-invalid-json") -> None:
        super().__init__(msg)
        self.offset = offset
        self.code = code


_WS = " \t\n\r"
_NOT_WS = re.compile(r"[^ \t\n\r]")
BATCH_CHARS = 1 << 16
"""Characters of array elements parsed at once by :meth:`JsonStream.array_batches` (about 85
Inspect summaries; larger batches parse no faster and hold more at once)."""


def _from_json(text: str) -> Any:
    return pydantic_core.from_json(text, allow_inf_nan=True, cache_strings=True)


class JsonStream:
    """A JSON document read incrementally from text chunks."""

    def __init__(self, chunks: Iterator[str], max_value: int = MAX_VALUE_CHARS) -> None:
        self._chunks = chunks
        self._max_value = max_value
        self._buf = ""
        self._pos = 0
        self._base = 0  # document offset of _buf[0]
        self._eof = False
        self._dec = json.JSONDecoder()

    def _fill(self, want: int = 1) -> bool:
        """Append the next chunks, at least ``want`` characters of them if there are, in one
        copy (dropping what was consumed); False at the end."""
        if self._eof:
            return False
        parts: list[str] = []
        got = 0
        while got < want:
            try:
                part = next(self._chunks)
            except StopIteration:
                self._eof = True
                break
            parts.append(part)
            got += len(part)
        if not parts:
            return False
        chunk = parts[0] if len(parts) == 1 else "".join(parts)
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
            if pos < len(buf) and buf[pos] not in _WS:  # the usual case, without a search
                return buf[pos]
            found = _NOT_WS.search(buf, pos)  # in C: a gigabyte of blanks is no loop here
            if found is not None:
                self._pos = found.start()
                return buf[self._pos]
            self._pos = len(buf)
            if not self._fill():
                return ""

    def _error(self, msg: str) -> JsonStreamError:
        return JsonStreamError(msg, self._base + self._pos)

    def _grow(self) -> bool:
        """Read on until the unparsed text has doubled (False at the end of the data).

        Doubling, not a chunk at a time: a value retried after every 64 KiB would be parsed
        again from its start each time, quadratic in its length.
        """
        held = len(self._buf) - self._pos
        if held > self._max_value:
            raise JsonStreamError(
                f"one value is longer than {self._max_value:,} characters",
                self._base + self._pos,
                "file-too-large",
            )
        return self._fill(held + CHUNK)

    def expect(self, ch: str) -> None:
        if self._skip_ws() != ch:
            got = self._buf[self._pos : self._pos + 1] or "end of data"
            raise self._error(f"expected {ch!r}, found {got!r}")
        self._pos += 1

    def value(self) -> Any:
        """Parse the next JSON value (reading more text until it is complete).

        Raises:
            JsonStreamError: invalid JSON; ``file-too-large`` for a value longer than
                ``max_value`` characters; ``yaml-too-deep`` for one nested past Python's
                recursion limit.
        """
        if not self._skip_ws():
            raise self._error("expected a value, found the end of the data")
        while True:
            try:
                obj, end = self._dec.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._grow():
                    continue
                raise JsonStreamError(exc.msg, self._base + exc.pos) from None
            except RecursionError:
                raise JsonStreamError(
                    "nested too deeply (more than about 1,000 levels)",
                    self._base + self._pos,
                    "yaml-too-deep",
                ) from None
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

    def array_batches(self, first_key: str, size: int = BATCH_CHARS) -> Iterator[list[Any]]:
        """The elements of the array that comes next, in lists of consecutive elements.

        A compact writer separates two objects whose first key is ``first_key`` by
        ``},{"first_key":``. The elements up to the last such candidate within ``size``
        characters are parsed at once, by ``pydantic_core.from_json`` (Rust; about twice the
        stdlib's speed, NaN and Infinity accepted as the stdlib accepts them) of ``[...]``. A
        candidate that is not a real separator (inside a string, or inside a nested object)
        leaves that text unbalanced, so the parse fails; then, as whenever the fast parser
        refuses the text, those elements are parsed one by one with the stdlib, exactly as
        :meth:`array_items` does (same values, same errors and offsets). At most ``size``
        characters of elements are alive at once.
        """
        self.expect("[")
        if self._skip_ws() == "]":
            self._pos += 1
            return
        boundary = '},{"' + first_key + '":'
        while True:
            while len(self._buf) - self._pos < size and self._fill():
                pass
            c = self._skip_ws()
            buf, pos = self._buf, self._pos
            cut = buf.rfind(boundary, pos, pos + size) if c == "{" else -1
            if cut > pos:
                try:
                    items = _from_json("[" + buf[pos : cut + 1] + "]")
                except ValueError:
                    items = None
                if items.__class__ is list:
                    self._pos = cut + 2  # at the next element's "{"
                    yield items
                    continue
                # not a separator after all (or text the fast parser refuses): one element
                # at a time, past the candidate
                stop = self._base + cut
                while self._base + self._pos <= stop:
                    yield [self.value()]
                    if self._sep():
                        return
                continue
            yield [self.value()]
            if self._sep():
                return

    def _sep(self) -> bool:
        """Consume the ``,`` after an array element; True when the array ends (``]``)."""
        c = self._skip_ws()
        if c == ",":
            self._pos += 1
            return False
        if c == "]":
            self._pos += 1
            return True
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
    code = getattr(exc, "code", "log-invalid-json")
    if isinstance(exc, JsonTooDeep):
        code = "yaml-too-deep"
    return RspcheckError.one(
        code,
        f"not valid JSON{at}: {exc}" if code == "log-invalid-json" else f"JSON{at}: {exc}",
        file=file,
        loc=loc,
        hint="the log is damaged; re-run or re-export it (`inspect log convert`)",
    )
