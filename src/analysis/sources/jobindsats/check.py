"""The ``analysis fetch --check`` table, and the label check the fetch shares with it.

One row per table::

    Y25I09  ok          Langtidsledige | period types: M (listed); used period.M, explicit list | latest: 2025M09 | areas: ... | measures: persons=ok, ... | dimensions: -

followed, where there is something to say, by indented lines:

- ``adapted:`` how the fetch departs from today's guesses because the service said so
  (another period type name, a relative period selection, another area hierarchy, a label
  that differs in spacing only). Nothing to do.
- ``problem:`` why the table cannot be fetched as the registry and the settings stand, and
- ``-> change:`` what to change: the registry entry in ``src/analysis/reference/tables.py`` or an
  environment setting (``JOBINDSATS_PERIOD_TYPES``, ``JOBINDSATS_AREA_HIERARCHIES``).

Statuses: ``ok``, ``adapted``, ``NOT USABLE`` (change something), ``ERROR`` (the service
failed; try again later), ``skipped`` (not on the API).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.core.errors import InputError
from analysis.reference import geography, tables
from analysis.reference.geography import normalise_label
from analysis.sources import tidy

TABLES_FILE = "src/analysis/reference/tables.py"

OK = "ok"
ADAPTED = "adapted"
NOT_USABLE = "NOT USABLE"
ERROR = "ERROR"
SKIPPED = "skipped"


# --------------------------------------------------------------------------- live labels against the registry


@dataclass
class LabelMatch:
    """How the live column labels of a data answer meet the registry entry of its table."""

    area: str | None = None
    period: str | None = None
    measures: dict[str, str | None] = field(default_factory=dict)  # registry key -> live label (None: not found)
    dimensions: dict[str, str | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # live labels the build would refuse
    respaced: list[str] = field(default_factory=list)  # live labels equal to the registry's but for spacing/case

    @property
    def missing_measures(self) -> list[str]:
        return [k for k, v in self.measures.items() if v is None]

    @property
    def missing_dimensions(self) -> list[str]:
        return [k for k, v in self.dimensions.items() if v is None]

    @property
    def complete(self) -> bool:
        return bool(self.area and self.period) and not self.missing_measures and not self.missing_dimensions and not self.unknown


def match_labels(spec: tables.TableSpec, labels: list[str], rows: list[list], *, strict: bool) -> LabelMatch:
    """Match live labels as the build's reader (:func:`analysis.sources.tidy.tidy`) will.

    A column that is neither area, period, a registry dimension nor a registry measure is
    ``unknown`` when the reader would refuse it: when its values differ between rows, and,
    with ``strict`` (the check's one-municipality answer, where every column is constant),
    also when it holds numbers (a measure: it will differ between rows in a full fetch).
    """
    out = LabelMatch(measures={m.key: None for m in spec.measures}, dimensions={d.key: None for d in spec.dimensions})
    areas = {normalise_label(x) for x in tables.AREA_LABELS}
    period_labels = {normalise_label(x) for x in tables.PERIOD_LABELS}
    for i, label in enumerate(labels):
        norm = normalise_label(label)
        if out.area is None and norm in areas:
            out.area = label
            continue
        if out.period is None and norm in period_labels:
            out.period = label
            continue
        dim = spec.match_dimension(label)
        if dim is not None and out.dimensions.get(dim.key) is None:
            out.dimensions[dim.key] = label
            if label != dim.label and norm == normalise_label(dim.label):
                out.respaced.append(label)
            continue
        measure = spec.match_measure(label)
        if measure is not None and out.measures.get(measure.key) is None:
            out.measures[measure.key] = label
            if label != measure.label and norm == normalise_label(measure.label):
                out.respaced.append(label)
            continue
        cells = [row[i] for row in rows]
        if _refused_by_reader(cells, strict=strict):
            out.unknown.append(label)
    return out


def _refused_by_reader(cells: list, *, strict: bool) -> bool:
    if len({str(c).strip() for c in cells}) > 1:
        return True
    if not strict or not cells:
        return False
    series = pd.Series(cells, dtype=object)
    try:
        values = tidy.parse_numbers(series)
    except InputError:
        return False
    return bool(values.notna().any())


def unknown_areas(labels) -> list[str]:
    """Area labels :mod:`analysis.reference.geography` does not know (the build would refuse their rows)."""
    return sorted({str(a) for a in labels if geography.find_area(str(a)) is None})


# --------------------------------------------------------------------------- rows


@dataclass
class CheckRow:
    table: str
    title: str
    period_types: str = "-"
    latest: str = "-"
    areas: str = "-"
    labels: LabelMatch | None = None
    spec: tables.TableSpec | None = None
    notes: list[str] = field(default_factory=list)  # adapted: how, and why nothing needs doing
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)  # the same changes in a few words, for the one-line error
    temporary: bool = False  # the service failed (5xx, 429, cut off): try again later
    skipped: str | None = None

    @property
    def status(self) -> str:
        if self.skipped:
            return SKIPPED
        if self.problems:
            return ERROR if self.temporary else NOT_USABLE
        return ADAPTED if self.notes else OK

    def change(self, what: str, short: str) -> None:
        """Record what to change: in full for the row, in a few words for the error line."""
        self.changes.append(what)
        self.fixes.append(short)

    @property
    def fix(self) -> str:
        if self.temporary:
            return "try again later"
        return self.fixes[0] if self.fixes else "see the table"

    @property
    def usable(self) -> bool:
        return self.status in (OK, ADAPTED, SKIPPED)

    def label_problems(self) -> None:
        """Turn what the label check found into notes, problems and the registry changes they need."""
        if self.labels is None or self.spec is None:
            return
        m, spec = self.labels, self.spec
        if m.respaced:
            shown = ", ".join(repr(x) for x in m.respaced[:4])
            self.notes.append(f"live label(s) differ from the registry in spacing or case only, and match: {shown}")
        if m.area is None:
            self.problems.append(f"the answer has no area column (expected one of {list(tables.AREA_LABELS)})")
            self.change(f"AREA_LABELS in {TABLES_FILE}: add the live area label", f"AREA_LABELS in {TABLES_FILE}")
        for key in m.missing_measures:
            measure = spec.measure(key)
            self.problems.append(f"measure {key} ({measure.label!r}) is not in the live table")
        for key in m.missing_dimensions:
            dim = next(d for d in spec.dimensions if d.key == key)
            self.problems.append(f"dimension {key} ({dim.label!r}) is not in the live table")
        if m.unknown:
            shown = ", ".join(repr(u) for u in m.unknown[:6])
            self.problems.append(f"live label(s) not in the registry, which the build would refuse: {shown}")
        if m.missing_measures or m.unknown:
            self.change(
                f"the {spec.id} entry in {TABLES_FILE}: give each renamed measure the live label "
                "(Measure label, or a pattern), and add any new measure the table now has",
                f"the measures of its entry in {TABLES_FILE}",
            )
        if m.missing_dimensions:
            self.change(
                f"the {spec.id} entry in {TABLES_FILE}: add the live dimension label to the Dimension's aliases",
                f"the dimensions of its entry in {TABLES_FILE}",
            )

    def lines(self) -> list[str]:
        head = f"{self.table:<9} {self.status:<10} {self.title}"
        if self.skipped:
            return [f"{head} | {self.skipped}"]
        fields = [
            head,
            f"period types: {self.period_types}",
            f"latest: {self.latest}",
            f"areas: {self.areas}",
        ]
        if self.labels is not None and self.spec is not None:
            fields.append("measures: " + (", ".join(f"{k}={'ok' if v else 'NOT MATCHED'}" for k, v in self.labels.measures.items()) or "-"))
            fields.append(
                "dimensions: " + (", ".join(f"{k}={'ok' if v else 'NOT MATCHED'}" for k, v in self.labels.dimensions.items()) or "-")
            )
        out = [" | ".join(fields)]
        out += [f"    adapted: {n}" for n in self.notes]
        out += [f"    problem: {p}" for p in self.problems]
        out += [f"    -> change: {c}" for c in dict.fromkeys(self.changes)]
        if self.temporary and self.problems:
            out.append("    -> try again later (the service failed; nothing to change)")
        return out


def what_to_change(rows: list[CheckRow]) -> str:
    """``Y25I09, Y01A02: the measures of its entry in src/analysis/reference/tables.py; OTIJ01: try again later``."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row.fix, []).append(row.table)
    return "; ".join(f"{', '.join(t)}: {fix}" for fix, t in groups.items())


def table_lines(rows: list[CheckRow], title: str) -> list[str]:
    out = [title, f"{'table':<9} {'status':<10} title | period types | latest period | areas chosen | registry measures | registry dimensions"]
    for row in rows:
        out += row.lines()
    return out
