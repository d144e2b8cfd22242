"""Raw text files as analysts and sources save them: encoding, line endings, and the build's notices.

- UTF-8, with or without a byte-order mark, is read as UTF-8. A file that is not valid UTF-8 is
  read as Windows-1252: that is what Excel on a Danish Windows PC writes for "CSV
  (semikolonsepareret)". The build summary names every file read that way.
- A UTF-16 file (Excel's "Unicode-tekst"), an Excel workbook saved under a ``.csv`` name and any
  other binary file are refused with a message that says how to save the file instead.
- Text that shows UTF-8 read as Windows-1252 (``Ã¸`` for ``ø``) means the file mixes the two
  encodings (e.g. UTF-8 rows pasted into an Excel file); it is refused (:func:`check_mojibake`).
- A last line without its line ending may be a file cut short (a download or copy that
  stopped): :func:`warn_if_cut_short` reports it as a warning naming the file and line.

Files are scanned in blocks (:func:`inspect`), so a file of any size is checked in bounded memory.

Notices (files read as Windows-1252, warnings) are collected while :func:`collecting` is active
(the build prints them in its summary); outside it, warnings are issued with :mod:`warnings`.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core.errors import InputError

UTF8 = "utf-8"
WINDOWS_1252 = "windows-1252"
BLOCK = 1 << 23  # 8 MiB
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# UTF-8 bytes of Danish and other common letters, read as Windows-1252 ("Ã¸" for "ø", "Ã©" for "é").
_MOJIBAKE = ("Ã¦", "Ã¸", "Ã¥", "Ã†", "Ã˜", "Ã…", "Ã©", "Ã¼", "Ã¶", "Ã¤", "â‚¬", "Â\u00a0")


class RawFileWarning(UserWarning):
    """A raw file that was read but looks suspicious (e.g. cut short)."""


@dataclass
class Notices:
    """What the readers noticed during a build."""

    windows_1252: list[str] = field(default_factory=list)  # files read as Windows-1252
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was read as intended but left out (e.g. areas outside the model)


_ACTIVE: contextvars.ContextVar[Notices | None] = contextvars.ContextVar("analysis_textfile_notices", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[Notices]:
    """Collect the notices of the readers called inside the block."""
    notices = Notices()
    token = _ACTIVE.set(notices)
    try:
        yield notices
    finally:
        _ACTIVE.reset(token)


def warn(message: str) -> None:
    notices = _ACTIVE.get()
    if notices is not None:
        if message not in notices.warnings:
            notices.warnings.append(message)
    else:
        warnings.warn(message, RawFileWarning, stacklevel=3)


def note(message: str) -> None:
    """Something the build summary should mention that is not a problem (rows left out by design)."""
    notices = _ACTIVE.get()
    if notices is not None and message not in notices.notes:
        notices.notes.append(message)


def note_encoding(shown: str, encoding: str) -> None:
    notices = _ACTIVE.get()
    if notices is not None and encoding == WINDOWS_1252 and shown not in notices.windows_1252:
        notices.windows_1252.append(shown)


@dataclass(frozen=True)
class TextInfo:
    encoding: str  # UTF8 or WINDOWS_1252
    bom: bool  # a UTF-8 byte-order mark
    size: int  # bytes
    lines: int  # number of lines; a last line without a line ending counts
    ends_with_newline: bool


class _Scanner:
    """Feed a file's bytes block by block; then :meth:`result` says how to decode it."""

    def __init__(self, shown: str, what: str):
        self.shown, self.what = shown, what
        self.decoder = codecs.getincrementaldecoder(UTF8)()
        self.utf8_error: int | None = None
        self.cp1252_error: int | None = None
        self.offset = 0
        self.newlines = 0
        self.last = b""
        self.head = b""

    def feed(self, block: bytes) -> None:
        if not self.offset:
            self.head = block[:4]
            _refuse_non_text(block, self.shown, self.what)
        zero = block.find(b"\x00")
        if zero >= 0:
            raise InputError(f"{self.shown}: not a text file (a zero byte at byte {self.offset + zero}); expected {self.what}")
        if self.utf8_error is None:
            try:
                self.decoder.decode(block)
            except UnicodeDecodeError as exc:
                self.utf8_error = max(0, self.offset + exc.start)
        if self.cp1252_error is None:
            hits = [block.index(b) for b in _CP1252_UNDEFINED if b in block]
            if hits:
                self.cp1252_error = self.offset + min(hits)
        self.newlines += block.count(b"\n")
        self.last = block[-1:]
        self.offset += len(block)

    def result(self) -> TextInfo:
        if self.utf8_error is None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8_error = self.offset - 1
        if self.utf8_error is None:
            encoding = UTF8
        elif self.cp1252_error is None:
            encoding = WINDOWS_1252
        else:
            raise InputError(
                f"{self.shown}: neither UTF-8 nor Windows-1252 text (byte {self.utf8_error}); "
                f"expected {self.what}; save it again as CSV UTF-8 or CSV (semikolonsepareret)"
            )
        ends = self.last in (b"\n", b"\r")
        lines = self.newlines + (0 if ends or not self.offset else 1)
        return TextInfo(encoding, self.head.startswith(codecs.BOM_UTF8), self.offset, lines, ends)


def _refuse_non_text(head: bytes, shown: str, what: str) -> None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{shown}: UTF-16 text (Excel's 'Unicode-tekst'); expected {what}: "
                         "save it from Excel as CSV UTF-8 or CSV (semikolonsepareret)")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{shown}: an Excel workbook, not a CSV file; expected {what}: "
                         "in Excel choose Gem som > CSV UTF-8 or CSV (semikolonsepareret)")


@dataclass(frozen=True)
class Head:
    """The start and end of a file, enough to choose how to read it (a large file is then read by pyarrow)."""

    size: int
    first_line: bytes  # without its line ending
    utf8: bool  # the first block is valid UTF-8 (a character cut at the block's end is fine)
    bom: bool
    ends_with_newline: bool

    def decode_first_line(self, encoding: str) -> str:
        codec = "utf-8-sig" if encoding == UTF8 else WINDOWS_1252
        return self.first_line.decode(codec, errors="replace").rstrip("\r")


def read_head(path: Path, shown: str, what: str, block: int = 1 << 20) -> Head:
    """Read the first block and the last byte of a file; refuse binary, UTF-16 and Excel workbook files."""
    with open(path, "rb") as f:
        first = f.read(block)
        size = f.seek(0, 2)
        last = b""
        if size:
            f.seek(size - 1)
            last = f.read(1)
    _refuse_non_text(first, shown, what)
    zero = first.find(b"\x00")
    if zero >= 0:
        raise InputError(f"{shown}: not a text file (a zero byte at byte {zero}); expected {what}")
    try:
        codecs.getincrementaldecoder(UTF8)().decode(first, final=len(first) == size)
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    end = first.find(b"\n")
    return Head(size, first if end < 0 else first[:end], utf8, first.startswith(codecs.BOM_UTF8), last in (b"\n", b"\r"))


def inspect(path: Path, shown: str, what: str) -> TextInfo:
    """Scan a file in blocks (bounded memory): its encoding, size and line count; InputError if not text."""
    scanner = _Scanner(shown, what)
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            scanner.feed(block)
    return scanner.result()


def read_text(path: Path, shown: str, what: str) -> tuple[str, TextInfo]:
    """A small text file's content (UTF-8, else Windows-1252; without a byte-order mark) and its :class:`TextInfo`.

    The encoding is noted for the build summary; a mixed-encoding text is refused.
    """
    data = Path(path).read_bytes()
    scanner = _Scanner(shown, what)
    if data:
        scanner.feed(data)
    info = scanner.result()
    text = data.decode("utf-8-sig" if info.encoding == UTF8 else WINDOWS_1252)
    if info.encoding == WINDOWS_1252:
        check_mojibake([text], shown)
    note_encoding(shown, info.encoding)
    return text, info


def check_mojibake(texts, shown: str) -> None:
    """Refuse Windows-1252-decoded text that holds UTF-8 sequences (the file mixes encodings)."""
    for text in texts:
        if not isinstance(text, str):
            continue
        found = next((m for m in _MOJIBAKE if m in text), None)
        if found is not None:
            raise InputError(
                f"{shown}: mixes UTF-8 and Windows-1252 text (UTF-8 read as Windows-1252 gives {found!r}); "
                "open it in Excel and save it again as CSV UTF-8 or CSV (semikolonsepareret)"
            )


def warn_if_cut_short(info: TextInfo, shown: str, *, fetched: bool) -> None:
    """A hand-dropped file whose last line has no line ending: warn (the file may be cut short).

    A fetched file (one with a manifest) is verified against the size and checksum in its manifest
    by the build instead, so it gets no warning.
    """
    if fetched or not info.size or info.ends_with_newline:
        return
    warn(
        f"{shown} line {info.lines}: the last line has no line ending, so the file may have been cut short; "
        "check its last row against the source (a complete file ends with a line break)"
    )


def has_fetch_manifest(path: Path) -> bool:
    return Path(path).with_name(Path(path).name + ".manifest.json").is_file()
