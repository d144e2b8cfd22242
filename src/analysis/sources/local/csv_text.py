"""The shared first step of reading an analyst-maintained CSV (local figures, the spells extract).

Such files are saved from Excel or a text editor: UTF-8 with or without a byte-order mark, or
Windows-1252 as Excel on a Danish PC saves "CSV (semikolonsepareret)" (see :mod:`analysis.sources.textfile`;
the build summary names files read that way), ``;`` or ``,`` as separator, blank lines, lines of
separators only (``;;;;``, left by Excel where cells were cleared) and ``#`` comment lines
anywhere. This module turns one into its content lines with their file line numbers, so the
readers can name the line of every problem they find. A last line without its line ending is a
warning (the file may be cut short).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.core.errors import InputError
from analysis.sources import textfile


@dataclass(frozen=True)
class CsvText:
    """The non-blank, non-comment lines of a file: ``(line number, text)``; the first is the header."""

    lines: list[tuple[int, str]]
    sep: str
    comments: tuple[tuple[int, str], ...] = ()  # the ``#`` lines, with their line numbers (metadata such as a date)

    @property
    def header_line(self) -> int:
        return self.lines[0][0]

    @property
    def header(self) -> str:
        return self.lines[0][1]

    @property
    def body(self) -> list[tuple[int, str]]:
        return self.lines[1:]


def read_csv_text(path: Path, where: str, expected_header: str, prefer_sep: str = ",") -> CsvText:
    """Read ``path`` (named ``where`` in messages); the separator is the one the header uses most
    (``prefer_sep`` on a tie). An unreadable or empty file is an InputError saying what was expected."""
    text, info = textfile.read_text(Path(path), where, f"a CSV file with the header {expected_header}")
    textfile.warn_if_cut_short(info, where, fetched=False)
    numbered = list(enumerate(text.splitlines(), 1))
    content = [(i, line) for i, line in numbered if line.strip() and not line.lstrip().startswith("#")]
    comments = tuple((i, line.strip()) for i, line in numbered if line.lstrip().startswith("#"))
    if not content:
        raise InputError(f"{where}: the file is empty; expected a header line {expected_header}")
    header = content[0][1]
    semicolons, commas = header.count(";"), header.count(",")
    sep = prefer_sep if semicolons == commas else (";" if semicolons > commas else ",")
    content = [content[0], *((i, line) for i, line in content[1:] if line.replace(sep, "").replace('"', "").strip())]
    return CsvText(content, sep, comments)
