"""How one report table looks and is exported: :class:`TableSpec`, defined once beside the function that makes the table.

A spec holds everything a notebook used to spell out at each call: the columns shown and their
Danish headings (in order), the number format of each column, the caption, which rows to mark,
and for a key table the CSV file stem and the Danish heading of every column written (the
Excel workbook's headings) and the sheet title. Each analysis builds its specs in its
``display`` module; a notebook shows and saves a table in one call,
``report.table(frame, spec, output_dir)`` (:func:`analysis.present.report.table`).

Headings, captions and titles that depend on the report (the municipality's name, a period)
are filled in by the function in ``display`` that returns the spec; the spec itself is frozen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TableSpec", "text"]


def text(value: Any) -> str:
    """Format a column that is already Danish text, right-aligned (for ``formats``)."""
    return str(value)


@dataclass(frozen=True)
class TableSpec:
    """One report table: what the reader sees and, for a key table, what is written to disk.

    - ``columns_da``: column -> Danish heading, the columns shown and their order (empty: every column
      under its own name; a key table that is only saved needs none);
    - ``formats``: column -> formatter (:mod:`analysis.present.formats`); numbers without one get
      Danish defaults, and a column with a formatter is right-aligned;
    - ``caption``: the line above the table; ``highlight(row) -> bool`` marks rows;
    - ``notebook`` and ``name``: the key table ``<notebook>__<name>.csv`` (``name`` empty: shown only);
    - ``title_da``: the table's title in its JSON sidecar and its Excel sheet;
    - ``headings_da``: column -> Danish heading for every column written to the CSV (Excel headings);
    - ``prepare(frame) -> frame``: the frame shown, made from the table's data (default: the data as is);
    - ``to_csv(frame) -> frame``: the frame written, made from the table's data (default: as is).
    """

    columns_da: Mapping[str, str] = field(default_factory=dict)
    formats: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    caption: str | None = None
    highlight: Callable[[Any], bool] | None = None
    notebook: str = ""
    name: str = ""
    title_da: str | None = None
    headings_da: Mapping[str, str] = field(default_factory=dict)
    prepare: Callable[[Any], Any] | None = None
    to_csv: Callable[[Any], Any] | None = None

    @property
    def saved(self) -> bool:
        """Whether the table is also written as a key table (it has a notebook and a name)."""
        return bool(self.notebook and self.name)

    @property
    def csv_stem(self) -> str:
        """``<notebook>__<name>``: the key table's file name without suffix ("" when not saved)."""
        return f"{self.notebook}__{self.name}" if self.saved else ""

    def export_headings(self, columns) -> dict[str, str]:
        """The Danish heading of each of ``columns`` (the CSV's), from ``headings_da`` then ``columns_da``.

        Raises ValueError naming the table and the columns that have no heading."""
        known = {**self.columns_da, **self.headings_da}
        missing = [str(c) for c in columns if c not in known]
        if missing:
            raise ValueError(f"table {self.csv_stem or self.caption!r}: no Danish heading for column(s) {missing}")
        return {c: known[c] for c in columns}

    def shown(self, frame):
        """The frame the reader sees: ``prepare(frame)``, or ``frame``."""
        return frame if self.prepare is None else self.prepare(frame)

    def written(self, frame):
        """The frame written to the CSV: ``to_csv(frame)``, or ``frame``."""
        return frame if self.to_csv is None else self.to_csv(frame)

    def replace(self, **changes) -> TableSpec:
        """A copy with some fields changed (e.g. another caption)."""
        return dataclasses.replace(self, **changes)
