"""The bytes and text of an export file as the readers take them: streamed, gzip unpacked on
the fly, and bounded, so no file can make a reader hold more than a record's worth of it.

- ``unpacked(stream, limits)``: the stream itself, or its gzip content (exports are often
  ``.mrc.gz``). Unpacking stops with ``FileTooLarge`` past ``limits.max_unpacked`` bytes (a small
  gzip can hold gigabytes of nothing); a damaged gzip reads as ending early and says why.
- ``text_lines(stream, encodings, limits)``: the file's lines, decoded with the first of
  ``encodings`` the whole file decodes in (a byte-order mark decides first: UTF-8, UTF-16 or
  GB18030). The unpacked bytes are spooled (in memory up to a few MB, then to a temporary file)
  while every candidate decodes them incrementally, then read once more as text. A line longer
  than ``limits.max_record`` is cut there and counted in ``overlong``.
"""
import codecs
import gzip
import io
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from member_sites.errors import FileTooLarge

BLOCK = 1 << 16
_SPOOL_IN_MEMORY = 4 << 20
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
        (b"\x84\x31\x95\x33", "gb18030"))


@dataclass(frozen=True)
class Limits:
    """How much one file may unpack to, and how long one record (or text line) may be."""

    max_unpacked: int = 4 << 30
    max_record: int = 1 << 20


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """Bytes as people read them ("512 MiB", "1 GiB")."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff them) and are given back first."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.head[: len(buffer)] if self.head else self.stream.read(len(buffer))
        self.head = self.head[len(data):] if self.head else b""
        buffer[: len(data)] = data
        return len(data)


class Gunzip:
    """Decompressing reader that ends (remembering ``error``) instead of raising on damaged data,
    and raises ``FileTooLarge`` once more than ``limit`` bytes came out."""

    def __init__(self, raw: BinaryIO, limit: int):
        self.file = gzip.GzipFile(fileobj=raw)
        self.limit = limit
        self.error: str | None = None
        self.produced = 0

    def read(self, size: int = -1) -> bytes:
        if self.error:
            return b""
        try:
            data = self.file.read1(BLOCK if size is None or size < 0 else min(size, BLOCK))
        except (EOFError, OSError, zlib.error) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return b""
        self.produced += len(data)
        if self.produced > self.limit:
            raise FileTooLarge(f"the compressed file unpacks to more than {size_text(self.limit)}, the limit; "
                               f"reading stopped after {size_text(self.produced - len(data))} of unpacked data")
        return data


def unpacked(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS):
    """The stream itself, or its decompressed content when it is gzip (see the module docstring)."""
    head = stream.read(2)
    rest = io.BufferedReader(_Prefixed(head, stream))
    return Gunzip(rest, limits.max_unpacked) if head == b"\x1f\x8b" else rest


def damage(source) -> str | None:
    """Why decompression ended early, or None."""
    return getattr(source, "error", None)


class TextLines:
    """Iterates the decoded lines of a file (see ``text_lines``); ``encoding`` is the one used,
    ``replaced`` whether undecodable bytes became U+FFFD, ``overlong`` the numbers (1-based) of
    lines cut at the record limit."""

    def __init__(self, spool, encoding: str, skip: int, replaced: bool, max_chars: int):
        spool.seek(skip)
        self.text = io.TextIOWrapper(spool, encoding=encoding, errors="replace" if replaced else "strict",
                                     newline="")
        self.encoding, self.replaced, self.max_chars = encoding, replaced, max_chars
        self.overlong: set[int] = set()
        self.number = 0
        self.damage: str | None = None  # why a gzip file ended early (its lines before are kept)

    def __iter__(self) -> Iterator[str]:
        while line := self.text.readline(self.max_chars):
            self.number += 1
            if len(line) >= self.max_chars and not line.endswith(("\n", "\r")):
                self.overlong.add(self.number)
                while (rest := self.text.readline(self.max_chars)) and not rest.endswith(("\n", "\r")):
                    pass  # the rest of an over-long line is skipped, never held
                line = line[:1000] + "\n"
            yield line

    def close(self) -> None:
        self.text.close()


def text_lines(stream: BinaryIO, encodings: tuple[str, ...], limits: Limits = DEFAULT_LIMITS) -> TextLines:
    """Lines of a text export in the first encoding of ``encodings`` that decodes all of it."""
    source = unpacked(stream, limits)
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
    try:
        first = source.read(BLOCK)
        bom = next(((mark, name) for mark, name in BOMS if first.startswith(mark)), None)
        candidates = (bom[1],) if bom else encodings
        decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
        block = first
        while block:
            spool.write(block)
            _feed(decoders, block, final=False)
            block = source.read(BLOCK)
        _feed(decoders, b"", final=True)
    except BaseException:
        spool.close()
        raise
    encoding = next((name for name in candidates if name in decoders), candidates[0])
    skip = len(bom[0]) if bom and bom[1] != "utf-16" else 0  # the utf-16 codec reads its own mark
    lines = TextLines(spool, encoding, skip, replaced=encoding not in decoders, max_chars=limits.max_record)
    lines.damage = damage(source)
    return lines


def _feed(decoders: dict, block: bytes, final: bool) -> None:
    for name in list(decoders):
        try:
            decoders[name].decode(block, final)
        except UnicodeDecodeError:
            del decoders[name]
