"""What each source table contains: its dimensions, its measures with units, its period kinds.

This registry is the contract between the raw readers, the demo generator and the
analyses. Column labels in raw files are matched after :func:`normalise_label`
(case, Unicode form and whitespace folded), so label drift between releases does not
break a build. A measure is matched by its exact (normalised) label first, then by the
first of its ``patterns`` (regular expressions on the normalised label) that matches.

Measure keys are stable snake_case names the analyses use; labels are Danish as the
source writes them. Units: ``personer``, ``fuldtidspersoner``, ``pct``, ``pct-point``,
``placering``, ``timer``, ``antal``.

Each measure has a domain (:class:`Domain`): the values it can take. By unit: counts
(``personer``, ``fuldtidspersoner``, ``antal``) and hours are finite and 0 or more, shares
(``pct``) lie from 0 to 100, differences (``pct-point``, and a measure that says so) are
finite, ranks (``placering``) are whole numbers from 1 to the number of municipalities. The
build refuses a value outside its domain (:func:`analysis.reference.model.validate`); a missing
(suppressed) value is never outside.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from analysis.core.errors import InputError
from analysis.reference.geography import normalise_label

AREA_LABELS = ("Område", "Area", "Omraade", "Geografi", "Jobcenter", "Kommune")
PERIOD_LABELS = ("Periode", "Period", "Tid", "Måned", "Kvartal")


# Denmark's municipalities since 2007 (analysis.reference.geography has the list): a benchmark ranking has
# at most this many places.
N_MUNICIPALITIES = 98


@dataclass(frozen=True)
class Domain:
    """The values a measure can take; NaN (suppressed or missing) is always allowed."""

    name: str
    expected: str  # for messages: "expected <expected>"
    low: float = -math.inf
    high: float = math.inf
    whole: bool = False

    def outside(self, values):
        """A boolean array: True where a value is infinite, outside [low, high] or (for ``whole``) not whole."""
        values = np.asarray(values, dtype="float64")
        with np.errstate(invalid="ignore"):
            out = np.isinf(values) | (values < self.low) | (values > self.high)
            if self.whole:
                out |= values != np.round(values)
        return out & ~np.isnan(values)


COUNT = Domain("count", "a count: a finite number, 0 or more", low=0)
HOURS = Domain("hours", "a number of hours: finite, 0 or more", low=0)
SHARE = Domain("share", "a percentage from 0 to 100", low=0, high=100)
DIFFERENCE = Domain("difference", "a difference: a finite number")
RANK = Domain("rank", f"a rank: a whole number from 1 to {N_MUNICIPALITIES}", low=1, high=N_MUNICIPALITIES, whole=True)
DOMAIN_BY_UNIT = {
    "personer": COUNT,
    "fuldtidspersoner": COUNT,
    "antal": COUNT,
    "timer": HOURS,
    "pct": SHARE,
    "pct-point": DIFFERENCE,
    "placering": RANK,
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    patterns: tuple[str, ...] = ()
    domain: Domain | None = None  # None: the unit's domain (DOMAIN_BY_UNIT)

    @property
    def value_domain(self) -> Domain:
        if self.domain is not None:
            return self.domain
        try:
            return DOMAIN_BY_UNIT[self.unit]
        except KeyError:
            raise KeyError(f"measure {self.key!r}: unit {self.unit!r} has no domain; give the measure one") from None


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    total: str | None = None  # the value that means "all" (e.g. "Ydelsesgrupper i alt")
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str  # Danish, shown in reports
    period_kinds: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    source: str = "Jobindsats"
    aliases: tuple[str, ...] = field(default=())

    @property
    def dimension_keys(self) -> list[str]:
        return [d.key for d in self.dimensions]

    def match_dimension(self, label: str) -> Dimension | None:
        norm = normalise_label(label)
        for d in self.dimensions:
            if norm in {normalise_label(x) for x in (d.label, d.key, *d.aliases)}:
                return d
        return None

    def match_measure(self, label: str) -> Measure | None:
        norm = normalise_label(label)
        for m in self.measures:
            if norm in (normalise_label(m.label), normalise_label(m.key)):
                return m
        for m in self.measures:
            if any(re.search(p, norm) for p in m.patterns):
                return m
        return None

    def measure(self, key: str) -> Measure:
        for m in self.measures:
            if m.key == key:
                return m
        raise KeyError(f"table {self.id} has no measure {key!r}; it has {[m.key for m in self.measures]}")


# Generic measures shared by the monthly benefit tables.
PERSONS = Measure("persons", "Antal personer", "personer", (r"^antalpersoner$",))
FULLTIME = Measure("fulltime_persons", "Antal fuldtidspersoner", "fuldtidspersoner", (r"^antalfuldtidspersoner",))
PCT_LABOUR = Measure(
    "pct_labour_force", "Fuldtidspersoner i pct. af arbejdsstyrken", "pct", (r"ipct\.?afarbejdsstyrken",)
)
PCT_POP = Measure(
    "pct_population",
    "Fuldtidspersoner i pct. af befolkningen 16-66 år",
    "pct",
    (r"ipct\.?afbefolkningen",),
)

BENEFIT_GROUP = Dimension("benefit_group", "Ydelsesgrupper", total="Ydelsesgrupper i alt", aliases=("Ydelsesgruppe",))
TARGET_GROUP = Dimension("target_group", "Målgruppe", total="Målgrupper i alt", aliases=("Målgrupper",))

SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        id="Y30R21",
        title="Beskæftigelsesministeriets benchmark af jobcentrene",
        period_kinds=("QMAT",),
        dimensions=(BENEFIT_GROUP,),
        measures=(
            Measure("expected", "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal", "fuldtidspersoner", (r"forventetantal$",)),
            Measure("actual", "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal", "fuldtidspersoner", (r"faktiskantal$",)),
            Measure("difference", "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk antal", "fuldtidspersoner", (r"forskel.*antal$",), DIFFERENCE),
            Measure("expected_share_pct", "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forventet andel (pct.)", "pct", (r"forventetandel",)),
            Measure("actual_share_pct", "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Faktisk andel (pct.)", "pct", (r"faktiskandel",)),
            Measure("difference_pp", "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point)", "pct-point", (r"forskel.*andel",)),
            Measure("rank", "Placering på benchmarkranglisten", "placering", (r"placering",)),
        ),
    ),
    TableSpec(
        id="Y01A02",
        title="A-dagpenge (forsikrede ledige)",
        period_kinds=("M",),
        dimensions=(),
        measures=(PERSONS, FULLTIME, PCT_LABOUR, PCT_POP),
    ),
    TableSpec(
        id="Y25I09",
        title="Langtidsledige",
        period_kinds=("M",),
        dimensions=(),
        measures=(
            Measure("persons", "Antal langtidsledige", "personer", (r"^antal(langtidsledige|personer)$",)),
            Measure("pct_labour_force", "Langtidsledige i pct. af arbejdsstyrken", "pct", (r"ipct\.?afarbejdsstyrken",)),
            Measure("pct_population", "Langtidsledige i pct. af befolkningen 16-66 år", "pct", (r"ipct\.?afbefolkningen",)),
        ),
    ),
    TableSpec(
        id="Y07A02",
        title="Sygedagpenge",
        period_kinds=("M",),
        dimensions=(),
        measures=(
            PERSONS,
            FULLTIME,
            PCT_POP,
            Measure("partial_return_persons", "Antal personer i delvis raskmelding", "personer", (r"delvis(t)?raskmel",)),
        ),
    ),
    TableSpec(
        id="Y36A02",
        title="Kontanthjælp efter visitationskategori",
        period_kinds=("M",),
        dimensions=(
            Dimension("category", "Visitationskategori", total="Visitationskategorier i alt"),
            Dimension("duration", "Varighed på ydelsen", total="Varighed i alt", aliases=("Varighed", "Anciennitet")),
        ),
        measures=(PERSONS, FULLTIME, PCT_POP),
        aliases=("Y60A02",),
    ),
    TableSpec(
        id="PTV_A02",
        title="Offentligt forsørgede efter ydelsesgrupper",
        period_kinds=("M",),
        dimensions=(Dimension("benefit_group", "Ydelsesgrupper", total="Offentligt forsørgede i alt", aliases=("Ydelsesgruppe",)),),
        measures=(PERSONS, FULLTIME, PCT_POP),
        aliases=("PTVA02",),
    ),
    TableSpec(
        id="PTVC01",
        title="Aktiverede i virksomhedsrettede tilbud",
        period_kinds=("M",),
        dimensions=(
            TARGET_GROUP,
            Dimension("programme", "Tilbudstype", total="Virksomhedsrettede tilbud i alt", aliases=("Tilbud",)),
            Dimension("sector", "Sektor", total="Sektorer i alt", aliases=("Virksomhedstype",)),
        ),
        measures=(
            Measure("activated_persons", "Antal aktiverede", "personer", (r"^antalaktiverede$",)),
            Measure("activated_fulltime", "Antal fuldtidsaktiverede", "fuldtidspersoner", (r"fuldtidsaktiverede",)),
            Measure("activation_pct", "Aktiverede i pct. af modtagere", "pct", (r"aktiveredeipct",)),
        ),
    ),
    TableSpec(
        id="OTIJ01",
        title="Ydelsesmodtagere med ordinære løntimer",
        period_kinds=("M",),
        dimensions=(TARGET_GROUP,),
        measures=(
            Measure("persons_with_hours", "Antal personer med ordinære løntimer", "personer", (r"^antal.*(timer|løntimer)$",)),
            Measure("share_with_hours_pct", "Andel med ordinære løntimer (pct.)", "pct", (r"^andel",)),
            Measure("hours_per_month", "Gennemsnitligt antal løntimer pr. måned", "timer", (r"timerpr",)),
        ),
    ),
    TableSpec(
        id="Y14D03",
        title="Virksomhedsrettede tilbud og beskæftigelse efterfølgende",
        period_kinds=("QMAT",),
        dimensions=(
            TARGET_GROUP,
            Dimension("programme", "Tilbudstype", total="Virksomhedsrettede tilbud i alt", aliases=("Tilbud",)),
        ),
        measures=(
            Measure("completed", "Antal afsluttede forløb", "antal", (r"afsluttede",)),
            Measure("employed_share_pct", "Andel i beskæftigelse 6 måneder efter (pct.)", "pct", (r"andelibeskæftigelse",)),
            Measure("employed_same_firm_pct", "Heraf i samme virksomhed (pct.)", "pct", (r"sammevirksomhed",)),
            Measure("employed_same_industry_pct", "Heraf i anden virksomhed i samme branche (pct.)", "pct", (r"sammebranche",)),
            Measure("employed_other_industry_pct", "Heraf i anden branche (pct.)", "pct", (r"andenbranche",)),
        ),
    ),
    TableSpec(
        id="JOBORDRER",
        title="Jobordrer (Jobnet for Arbejdsgivere)",
        period_kinds=("Q",),
        dimensions=(),
        measures=(
            Measure("orders", "Antal oprettede jobordrer", "antal", (r"jobordrer",)),
            Measure("positions", "Antal stillinger", "antal", (r"stillinger",)),
            Measure("placement_rate_pct", "Formidlingsgrad", "pct", (r"formidlingsgrad",)),
            Measure("fill_rate_pct", "Besættelsesgrad", "pct", (r"besættelsesgrad",)),
        ),
        source="Jobnet for Arbejdsgivere (JobAG)",
        aliases=("JOBAG",),
    ),
    # Statistics Denmark, StatBank AUK01: fetched by `analysis fetch --source dst`, read by analysis.sources.statbank.reader.
    # Sex and age are fetched as totals only ("Køn i alt", "Alder i alt"); the value column is INDHOLD.
    TableSpec(
        id="AUK01",
        title="Fuldtidsmodtagere af offentlige forsørgelsesydelser (Danmarks Statistik)",
        period_kinds=("Q",),
        dimensions=(
            Dimension("benefit_type", "Ydelsestype", aliases=("Ydelsestyper", "Type of benefit", "Type of benefits")),
            Dimension("sex", "Køn", total="Køn i alt", aliases=("Sex",)),
            Dimension("age", "Alder", total="Alder i alt", aliases=("Age",)),
        ),
        measures=(
            Measure("fulltime_persons", "Fuldtidsmodtagere", "fuldtidspersoner", (r"^indhold$", r"fuldtids")),
        ),
        source="Danmarks Statistik",
    ),
)

_BY_ID = {normalise_label(alias): s for s in SPECS for alias in (s.id, *s.aliases)}


def spec(table_id: str, *, file: str | None = None) -> TableSpec:
    """The spec for a table id (case-insensitive, aliases accepted)."""
    found = _BY_ID.get(normalise_label(table_id))
    if found is None:
        where = f"{file}: " if file else ""
        known = ", ".join(s.id for s in SPECS)
        raise InputError(f"{where}unknown table {table_id!r}; known tables: {known}")
    return found


def table_ids() -> list[str]:
    return [s.id for s in SPECS]
