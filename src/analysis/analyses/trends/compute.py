"""Target-group trends: each group's development since a base month, for the municipality, its
comparison area and Hele landet (notebook ``target_group_trends``).

The numbers; the Danish sentences are in :mod:`~analysis.analyses.trends.sentences`, the report tables'
headings and display frames in :mod:`~analysis.analyses.trends.display`, the figures in
:mod:`~analysis.analyses.trends.figures`.

The status report's comparisons ("Siden januar 2021 er langtidsledigheden i Slagelse faldet
med 70,8 %. Til sammenligning er langtidsledigheden i RAR Sjælland faldet med 68,4 %.") are
recreated for any municipality, comparison area and base month.

Target groups are data (:data:`TARGET_GROUPS`): a key, Danish names, the Jobindsats table,
the measure followed (persons, as the status report counts them), dimension values, and the
measure used for the level as a share of the population 16-66 (``pct_population``, which
the source computes from full-time persons, or from persons for Y25I09).

Area series (:func:`area_series`)
---------------------------------
The municipality's, the RAR area's and the country's figures are the **published** area
totals whenever the source has the area (Jobindsats publishes RAR areas and Hele landet).
An area the data does not have (a region, or a RAR area missing from an extract) is the
**sum of its member municipalities**, and the returned basis says so. A sum is only
formed for a month where *every* member has a value: one missing member makes that
month missing, never a partial sum. A percentage of an aggregate is not a sum: it is
``sum(numerator) / sum(implied denominator)``, where each member's denominator is implied by
its own published count and percentage (``count / pct * 100``), i.e. the
population-weighted mean. The basis of each area is one of :data:`BASIS_PUBLISHED`,
:data:`BASIS_MEMBERS`, :data:`BASIS_MISSING`, or :data:`BASIS_MIXED` for an area the source
publishes in some months only (a RAR area is not published after 2024, see
:mod:`analysis.reference.regional`): published months as published, the others summed.

The comparison area without the municipality
--------------------------------------------
A municipality inside its own comparison area damps every gap to it (Slagelse is one of the 17
municipalities of RAR Sjælland). :func:`analyse` therefore compares, by default, with the area
without the municipality, named like ``"RAR Sjælland uden Slagelse"`` (:func:`area_without`);
the name works as an area in every function here. Its counts are the area's minus the
municipality's (:func:`count_without`); its share of the population is
``(area count - municipality count) / (area population - municipality population)``, each
population implied by its own published count and share (:func:`share_without`). A month the
municipality lacks is missing for the area without it too. Its basis is
:data:`BASIS_PUBLISHED_LESS` or :data:`BASIS_MEMBERS_LESS`. Indexes, changes and the seasonal
adjustment treat it as any other series.

Gaps
----
A month missing in the source (suppressed, not delivered) stays NaN everywhere: indexes,
changes and shares are NaN for it, charts show a break in the line (matplotlib breaks a
line at NaN; seaborn 0.13 would bridge it, so lines are drawn with matplotlib), and
:func:`gap_notes` writes a Danish note for the report. Nothing is filled with zero or
interpolated.

Seasonal adjustment (:func:`seasonal_adjust`)
----------------------------------------------
STL (statsmodels, period 12 for months and 4 for quarters, robust) on the logarithm of the series (multiplicative
seasonality, as counts of recipients have; plain levels when a value is zero or negative),
fitted on the **longest gap-free stretch** of the series, which must cover at least two
full years. Months outside that stretch get no adjusted value (NaN), so gaps are never
filled by the model and nothing is presented as data that is not. The adjusted series is
the observed series with the seasonal component removed.

Three changes, and which one judges
-----------------------------------
The status report's change "since January 2021" compares a seasonal peak with a later month.
:func:`change_table` keeps that **raw** change (analysts compare it with the status report)
and adds beside it the change on the **seasonally adjusted** series (fitted on the months up to
the latest month) and the change from the **same month a year earlier**. Every sentence of
:func:`~analysis.analyses.trends.sentences.change_sentences` says which change it uses, and only the seasonally adjusted change
says whether the municipality did better or worse than its comparison area
(:func:`~analysis.analyses.trends.sentences.relative_development`). A series that cannot be adjusted (no two gap-free years, or
the base or latest month outside the fitted stretch) gets no adjusted change, no verdict, and
a sentence and figure that say so.

Quarterly series
----------------
A quarterly table (StatBank's AUK01) goes through the same functions: the base period is a quarter,
the year-earlier period four quarters back, the seasonal period 4 (eight gap-free quarters needed),
and :func:`in_quarters` tells the Danish texts in quarters ("siden 1. kvt. 2021", "samme kvartal
året før", "kvartalstal"); monthly series and their texts are unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.present import formats as fmt
from analysis.reference import geography, periods, tables

BASIS_PUBLISHED = "published"
BASIS_MEMBERS = "sum_of_members"
BASIS_MISSING = "missing"
BASIS_PUBLISHED_LESS = "published_minus_municipality"
BASIS_MEMBERS_LESS = "sum_of_members_minus_municipality"
#: Published where the source has the area, the sum of its municipalities in the other months (e.g. a
#: RAR area, which Jobindsats publishes until December 2024 and not after the 2025 change).
BASIS_MIXED = "published_else_sum_of_members"
BASIS_MIXED_LESS = "published_else_sum_of_members_minus_municipality"
BASIS_DA = {
    BASIS_PUBLISHED: "offentliggjort tal for området",
    BASIS_MEMBERS: "summen af områdets kommuner",
    BASIS_MISSING: "ingen data",
    BASIS_PUBLISHED_LESS: "offentliggjort tal for området minus kommunens tal",
    BASIS_MEMBERS_LESS: "summen af områdets øvrige kommuner",
    BASIS_MIXED: "offentliggjort tal for området, ellers summen af områdets kommuner",
    BASIS_MIXED_LESS: "offentliggjort tal for området minus kommunens tal, ellers summen af områdets øvrige kommuner",
}
_LESS = {BASIS_PUBLISHED: BASIS_PUBLISHED_LESS, BASIS_MEMBERS: BASIS_MEMBERS_LESS, BASIS_MIXED: BASIS_MIXED_LESS}
#: Bases in which at least some months are sums of the area's municipalities.
SUMMED_BASES = (BASIS_MEMBERS, BASIS_MEMBERS_LESS, BASIS_MIXED, BASIS_MIXED_LESS)
WITHOUT = " uden "  # 'RAR Sjælland uden Slagelse': an area without one of its municipalities
COUNTRY = geography.COUNTRY
COUNT_UNITS = ("personer", "fuldtidspersoner", "antal", "timer")
UNIT_DA = {"persons": "personer", "fulltime_persons": "fuldtidspersoner"}


@dataclass(frozen=True)
class TargetGroup:
    key: str
    name_da: str  # heading: "Forsikrede ledige (a-dagpenge)"
    noun_da: str  # in sentences: "antallet af forsikrede ledige", "langtidsledigheden"
    pronoun_da: str  # "det" (antallet) or "den" (langtidsledigheden)
    table: str
    measure: str = "persons"
    dims: tuple[tuple[str, str], ...] = ()
    share_measure: str = "pct_population"
    share_weight: str = "fulltime_persons"  # the count the share is computed from
    fewer_is_better: bool = True  # a fall in the group is the better development (true of every benefit group here)

    @property
    def dims_dict(self) -> dict[str, str]:
        return dict(self.dims)


TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup("a_dagpenge", "Forsikrede ledige (a-dagpenge)", "antallet af forsikrede ledige", "det", "Y01A02"),
    TargetGroup("langtidsledige", "Langtidsledige", "langtidsledigheden", "den", "Y25I09", share_weight="persons"),
    TargetGroup("sygedagpenge", "Sygedagpengemodtagere", "antallet af sygedagpengemodtagere", "det", "Y07A02"),
    TargetGroup(
        "aktivitetsparate",
        "Aktivitetsparate kontanthjælpsmodtagere",
        "antallet af aktivitetsparate kontanthjælpsmodtagere",
        "det",
        "Y36A02",
        dims=(("category", "Aktivitetsparat"), ("duration", "Varighed i alt")),
    ),
    TargetGroup(
        "offentligt_forsoergede",
        "Offentligt forsørgede i alt",
        "antallet af offentligt forsørgede",
        "det",
        "PTV_A02",
        dims=(("benefit_group", "Offentligt forsørgede i alt"),),
    ),
)
GROUPS = {g.key: g for g in TARGET_GROUPS}

# Composition of the aktivitetsparate by duration on the benefit (Y36A02).
DURATIONS = ("Under 1 år", "1-2 år", "2-3 år", "Over 3 år")
OVER_2_YEARS = ("2-3 år", "Over 3 år")
OVER_3_YEARS = ("Over 3 år",)

CHANGE_COLUMNS = [
    "area", "target_group", "base_period", "latest_period", "base_value", "latest_value", "change", "change_pct",
    "adjusted_base_value", "adjusted_latest_value", "adjusted_change", "adjusted_change_pct", "seasonal_status",
    "year_earlier_period", "year_earlier_value", "year_on_year_change", "year_on_year_change_pct",
]
SEASONAL_STATUS_DA = {
    "ok": "sæsonkorrigeret",
    "too_short": "kan ikke sæsonkorrigeres, fordi der er under to års sammenhængende månedstal",
    "gap": "kan ikke sæsonkorrigeres for hele perioden, fordi der er huller i månedstallene",
}
# Month words of the Danish texts and their quarter words (longest first): a quarterly series (StatBank's
# AUK01) is told in quarters by :func:`in_quarters`, with the monthly texts unchanged.
_QUARTER_WORDS = (
    ("basismåneden", "basiskvartalet"), ("Basismåneden", "Basiskvartalet"), ("basismåned", "basiskvartal"),
    ("Basismåned", "Basiskvartal"), ("slutmåned", "slutkvartal"), ("månedstallene", "kvartalstallene"),
    ("månedstal", "kvartalstal"), ("Månederne", "Kvartalerne"), ("måneder", "kvartaler"), ("måneden", "kvartalet"),
    ("Måned", "Kvartal"), ("måned", "kvartal"),
)


def periods_per_year(codes: Iterable[str]) -> int:
    """12 for a monthly series, 4 for a quarterly one (from its first period code; 12 when empty)."""
    first = next(iter(codes), None)
    return 4 if first is not None and periods.parse_period(first).kind == "Q" else 12


def is_quarterly(code: str) -> bool:
    return periods.parse_period(code).kind == "Q"


def in_quarters(text: str, quarterly: bool = True) -> str:
    """A Danish text about months told about quarters ("seneste måned" -> "seneste kvartal"); unchanged when not ``quarterly``."""
    if not quarterly:
        return text
    for month_word, quarter_word in _QUARTER_WORDS:
        text = text.replace(month_word, quarter_word)
    return text


def seasonal_status_da(status: str, quarterly: bool = False) -> str:
    """The Danish text of a :func:`seasonal_status`, for monthly or quarterly series."""
    return in_quarters(SEASONAL_STATUS_DA[status], quarterly)


def period_range(first: str, last: str) -> list[str]:
    """Every month (or quarter, when ``first`` is a quarter) from ``first`` to ``last``."""
    return periods.quarter_range(first, last) if is_quarterly(first) else periods.month_range(first, last)


# --------------------------------------------------------------------------- groups


def target_group(key: str) -> TargetGroup:
    """The group for a key; ParameterError listing the known keys otherwise."""
    found = GROUPS.get(str(key).strip().lower())
    if found is None:
        raise ParameterError(f"unknown target group {key!r}; known target groups: {', '.join(GROUPS)}")
    return found


def missing_reason(group: TargetGroup, source: str = "") -> str | None:
    """Why a group cannot be shown from the data (a Danish sentence), or None when it can."""
    spec = tables.spec(group.table)
    if spec.id not in load.available_tables(source):
        return f"{group.name_da}: tabellen {spec.id} ({spec.title}) findes ikke i data"
    try:
        load.count_rows(spec.id, source, measures=group.measure, **group.dims_dict)  # raises on unknown values
    except ParameterError as exc:
        return f"{group.name_da}: {spec.id} har ikke de nødvendige tal ({exc})"
    return None


def resolve_groups(groups: str | Sequence[str] | None = None, source: str = "") -> tuple[list[TargetGroup], list[str]]:
    """The target groups to show and Danish notes about groups left out.

    ``groups`` empty/None means every group in :data:`TARGET_GROUPS`: those whose table is not in
    the data are left out with a note. Groups asked for by key (a list or a comma-separated
    string) must exist and be in the data, else ParameterError.
    """
    if isinstance(groups, str):
        keys = [k.strip() for k in groups.split(",") if k.strip()]
    else:
        keys = list(groups or [])
    if keys:
        chosen = [target_group(k) for k in keys]
        for g in chosen:
            reason = missing_reason(g, source)
            if reason:
                raise ParameterError(
                    f"target group {g.key!r} ({g.name_da}) is not in the {load.resolve_source(source)} data: "
                    f"table {tables.spec(g.table).id} or its values are missing; add the table's raw file and run "
                    "`analysis build`, or leave the group out"
                )
        return chosen, []
    chosen, notes = [], []
    for g in TARGET_GROUPS:
        reason = missing_reason(g, source)
        if reason:
            notes.append(f"{reason}, så målgruppen er udeladt.")
        else:
            chosen.append(g)
    if not chosen:
        raise ParameterError(f"none of the target groups is in the {load.resolve_source(source)} data; run `analysis build`")
    return chosen, notes


# --------------------------------------------------------------------------- area series


def area_series(
    table: str,
    measure: str,
    areas: Sequence[str] | str,
    source: str = "",
    *,
    start: str | None = None,
    end: str | None = None,
    weight_measure: str | None = None,
    rows: pd.DataFrame | None = None,
    **dims: str,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A wide monthly series (like :func:`analysis.data.load.series`) and the basis of each area.

    Returns ``(wide, basis)``: ``wide`` has the period codes as index (every month from start to
    end, gaps NaN), a ``period_end`` column and one column per area; ``basis`` maps each area to
    :data:`BASIS_PUBLISHED`, :data:`BASIS_MEMBERS` or :data:`BASIS_MISSING` (see the module
    docstring). A percentage measure of a summed area needs ``weight_measure`` (the count the
    percentage is computed from); without it such an area is missing. ``rows`` are the table's tidy
    rows when the caller has loaded them already (for speed; they are filtered here by measure and dims).
    """
    spec = tables.spec(table)
    unit = spec.measure(measure).unit
    for d in spec.dimensions:
        if d.key not in dims:
            if d.total is None:
                raise ParameterError(f"series of {spec.id} needs a value for dimension {d.key!r}")
            dims[d.key] = d.total
    wanted = [measure] + ([weight_measure] if weight_measure and weight_measure != measure else [])
    if rows is None:
        rows = load.load_table(spec.id, source, measures=wanted, **dims)
    else:
        mask = rows["measure"].isin(wanted)
        for key, value in dims.items():
            mask &= rows[key] == value
        rows = rows.loc[mask]
    names = [area_name(a) for a in ([areas] if isinstance(areas, str) else areas)]
    if rows.empty:
        codes: list[str] = []
    else:
        codes = periods.sort_codes(rows["period"].unique())
    first = periods.parse_period(start).code if start else (codes[0] if codes else None)
    last = periods.parse_period(end).code if end else (codes[-1] if codes else None)
    full = period_range(first, last) if first and last else []
    values = rows[rows["measure"] == measure].pivot(index="period", columns="area", values="value").reindex(full)
    weights = None
    if len(wanted) > 1:
        weights = rows[rows["measure"] == weight_measure].pivot(index="period", columns="area", values="value").reindex(full)
    is_count = unit in COUNT_UNITS
    out = pd.DataFrame(index=pd.Index(full, name="period"))
    basis: dict[str, str] = {}
    for name in names:
        parent, without = split_area(name)
        if without is None:
            out[name], basis[name] = _plain_column(name, values, weights, is_count)
            continue
        # The area without one of its municipalities: counts are area minus municipality; a share is
        # (area count - municipality count) / (area population - municipality population), each
        # population implied by its own count and share. Any missing part makes the month missing.
        area_values, area_basis = _plain_column(parent, values, weights, is_count)
        own_values, own_basis = _plain_column(without, values, weights, is_count)
        if is_count and BASIS_MISSING not in (area_basis, own_basis):
            out[name], basis[name] = count_without(area_values, own_values), _LESS[area_basis]
            continue
        if weights is not None and BASIS_MISSING not in (area_basis, own_basis):
            area_counts, counts_basis = _plain_column(parent, weights, None, True)
            own_counts, own_counts_basis = _plain_column(without, weights, None, True)
            if BASIS_MISSING not in (counts_basis, own_counts_basis):
                out[name] = share_without(area_values, area_counts, own_values, own_counts)
                basis[name] = _LESS[area_basis]
                continue
        out[name], basis[name] = np.nan, BASIS_MISSING
    out.insert(0, "period_end", [periods.parse_period(c).end for c in out.index])
    out.columns.name = None
    return out, basis


def _with_totals(table: str, dims: dict[str, str]) -> dict[str, str]:
    """The dimension filters with every dimension not given set to its total."""
    out = dict(dims)
    for d in tables.spec(table).dimensions:
        if d.key not in out and d.total is not None:
            out[d.key] = d.total
    return out


def weighted_share(pct: pd.DataFrame, counts: pd.DataFrame) -> pd.Series:
    """The percentage of an aggregate from its members' percentages and counts (one column each).

    Each member's denominator is implied as ``count / pct * 100``; the aggregate is
    ``sum(count) / sum(denominator) * 100``. NaN for a row where any member lacks a value or
    has a zero percentage (its denominator cannot be implied).
    """
    pct = pct.astype(float)
    counts = counts.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominators = counts / pct.where(pct != 0) * 100.0
    ok = denominators.notna().all(axis=1) & counts.notna().all(axis=1)
    total = counts.sum(axis=1) / denominators.sum(axis=1) * 100.0
    return total.where(ok)


def _plain_column(name: str, values: pd.DataFrame, weights: pd.DataFrame | None, is_count: bool) -> tuple[pd.Series, str]:
    """One area's column of a wide frame and its basis: published, else the sum (or weighted share) of its members.

    An area published in some months only (a RAR area ends with 2024, a region's council starts with
    2025) is published where the source has it and the sum of its members in the other months.
    """
    if name in values.columns:
        published = values[name]
        if published.notna().all():
            return published, BASIS_PUBLISHED
        summed, summed_basis = _members_column(name, values, weights, is_count)
        filled = published.fillna(summed) if summed_basis == BASIS_MEMBERS else published
        if filled.notna().sum() == published.notna().sum():
            return published, BASIS_PUBLISHED
        return filled, BASIS_MIXED
    return _members_column(name, values, weights, is_count)


def _members_column(name: str, values: pd.DataFrame, weights: pd.DataFrame | None, is_count: bool) -> tuple[pd.Series, str]:
    """The sum (or population-weighted share) of an area's municipalities, month by month."""
    area = geography.area(name)
    members = geography.members(name) if area.level != "kommune" else []
    missing = pd.Series(np.nan, index=values.index)
    if not members or not all(m in values.columns for m in members):
        return missing, BASIS_MISSING
    if is_count:
        return values[members].sum(axis=1, min_count=len(members)).where(values[members].notna().all(axis=1)), BASIS_MEMBERS
    if weights is not None and all(m in weights.columns for m in members):
        return weighted_share(values[members], weights[members]), BASIS_MEMBERS
    return missing, BASIS_MISSING


# --------------------------------------------------------------------------- an area without its municipality


def area_without(area: str, municipality: str) -> str:
    """The name of an area without one of its municipalities: 'RAR Sjælland uden Slagelse'.

    The name works as an area everywhere in this module (:func:`area_series`, :func:`group_panel`,
    :func:`duration_series`). ParameterError when the area does not contain the municipality or is
    the municipality itself.
    """
    return area_name(f"{geography.area(area).name}{WITHOUT}{geography.municipality(municipality).name}")


def split_area(name: str) -> tuple[str, str | None]:
    """``('RAR Sjælland', 'Slagelse')`` for 'RAR Sjælland uden Slagelse'; ``(name, None)`` for a plain area.

    No area in :mod:`analysis.reference.geography` has " uden " in its name, so the split is unambiguous.
    """
    text = str(name).strip()
    if WITHOUT not in text:
        return geography.area(text).name, None
    parent_text, _, own_text = text.partition(WITHOUT)
    parent = geography.area(parent_text.strip(), what="comparison area")
    own = geography.municipality(own_text.strip())
    if parent.level == "kommune" or own.name not in geography.members(parent.name):
        raise ParameterError(
            f"area {text!r}: {parent.name} does not contain {own.name} as one of several municipalities; "
            f"expected an area such as {geography.rar_of(own.name) + WITHOUT + own.name!r}"
        )
    return parent.name, own.name


def area_name(name: str) -> str:
    """The canonical name of an area, or of an area without one of its municipalities."""
    parent, without = split_area(name)
    return parent if without is None else f"{parent}{WITHOUT}{without}"


def count_without(area_counts: pd.Series, municipality_counts: pd.Series) -> pd.Series:
    """Area count minus the municipality's count, month by month.

    NaN where either is missing (a month the municipality lacks is missing, never the area's
    whole count) and where the difference is negative (only rounding in the source can cause it).
    """
    diff = area_counts.astype(float) - municipality_counts.astype(float)
    return diff.where(diff >= 0)


def share_without(
    area_pct: pd.Series, area_counts: pd.Series, municipality_pct: pd.Series, municipality_counts: pd.Series
) -> pd.Series:
    """The percentage of the area without the municipality, from both percentages and the counts they are computed from.

    Each population is implied from the data as ``count / pct * 100`` (as :func:`weighted_share` does
    for sums of members); the result is ``(area count - municipality count) / (area population -
    municipality population) * 100``. NaN for a month where any of the four values is missing, a
    percentage is zero (the population cannot be implied), or the remaining population or count
    is not positive: never a silent zero.
    """
    a_pct, a_n = area_pct.astype(float), area_counts.astype(float)
    m_pct, m_n = municipality_pct.astype(float), municipality_counts.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_pop = a_n / a_pct.where(a_pct != 0) * 100.0
        m_pop = m_n / m_pct.where(m_pct != 0) * 100.0
    counts = a_n - m_n
    pop = a_pop - m_pop
    out = counts / pop.where(pop > 0) * 100.0
    return out.where(counts >= 0)


def group_panel(
    groups: Iterable[TargetGroup],
    areas: Sequence[str],
    source: str = "",
    *,
    end: str | None = None,
) -> pd.DataFrame:
    """All groups' monthly series in long form, from each table's first month to ``end``.

    Columns: ``target_group``, ``area``, ``period``, ``period_end``, ``value`` (the group's
    measure, persons), ``share_pct`` (level as a share of the population 16-66),
    ``basis`` and ``share_basis``. A table whose data ends before ``end`` ends there.
    """
    frames = []
    for g in groups:
        table_last = load.latest_period(g.table, source)
        last = table_last if end is None or periods.parse_period(end).end > periods.parse_period(table_last).end else end
        rows = load.load_table(g.table, source, measures=list(dict.fromkeys([g.measure, g.share_measure, g.share_weight])),
                               **_with_totals(g.table, g.dims_dict))
        values, basis = area_series(g.table, g.measure, areas, source, end=last, rows=rows, **g.dims_dict)
        shares, share_basis = area_series(
            g.table, g.share_measure, areas, source, start=values.index[0], end=last, weight_measure=g.share_weight,
            rows=rows, **g.dims_dict,
        )
        for a in values.columns.drop("period_end"):
            frames.append(
                pd.DataFrame(
                    {
                        "target_group": g.key,
                        "area": a,
                        "period": values.index,
                        "period_end": values["period_end"].to_numpy(),
                        "value": values[a].to_numpy(dtype=float),
                        "share_pct": shares[a].reindex(values.index).to_numpy(dtype=float),
                        "basis": basis[a],
                        "share_basis": share_basis[a],
                    }
                )
            )
    panel = pd.concat(frames, ignore_index=True)
    panel["period_end"] = panel["period_end"].astype("datetime64[ns]")
    return panel


# --------------------------------------------------------------------------- index and change


def index_to_base(values: pd.Series | pd.DataFrame, base: str) -> pd.Series | pd.DataFrame:
    """Values as an index with the base period = 100: ``value / value[base] * 100``.

    The index of ``values`` holds period codes. A base outside the index raises ParameterError;
    a base value that is missing or zero gives an all-NaN index for that column (it cannot be
    computed; the report says so). Missing months stay NaN.
    """
    code = periods.parse_period(base).code
    if code not in values.index:
        first, last = (values.index[0], values.index[-1]) if len(values.index) else ("-", "-")
        raise ParameterError(f"base period {base!r} is outside the data, which covers {first} to {last}")
    numeric = values.select_dtypes("number") if isinstance(values, pd.DataFrame) else values.astype(float)
    base_value = numeric.loc[code]
    if isinstance(numeric, pd.DataFrame):
        base_value = base_value.where(base_value != 0)
        return numeric.div(base_value, axis=1) * 100.0
    if pd.isna(base_value) or base_value == 0:
        return pd.Series(np.nan, index=numeric.index, name=numeric.name)
    return numeric / float(base_value) * 100.0


def pct_change(base_value, latest_value):
    """Percent change ``(latest - base) / base * 100``; NaN where either is missing or base is 0.

    Works on numbers (returns a float) and elementwise on arrays/Series.
    """
    base = np.asarray(base_value, dtype=float)
    latest = np.asarray(latest_value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(base != 0, (latest - base) / np.where(base != 0, base, 1.0) * 100.0, np.nan)
    out = np.where(np.isnan(base) | np.isnan(latest), np.nan, out)
    if isinstance(latest_value, pd.Series):
        return pd.Series(out, index=latest_value.index)
    if isinstance(base_value, pd.Series):
        return pd.Series(out, index=base_value.index)
    return float(out) if out.ndim == 0 else out


def change_table(panel: pd.DataFrame, base_period: str, latest_period: str | None = None) -> pd.DataFrame:
    """Change from the base month to the latest month, per area and target group, three ways.

    ``latest_period`` None takes each group's last month in the panel. Columns (:data:`CHANGE_COLUMNS`):

    - the **raw** change, as the status report counts it: base_period, latest_period, base_value,
      latest_value, change, change_pct;
    - the change on the **seasonally adjusted** series (:func:`seasonal_adjust`, fitted on the
      months up to the latest month): adjusted_base_value, adjusted_latest_value, adjusted_change,
      adjusted_change_pct and seasonal_status (:data:`SEASONAL_STATUS_DA`: ``ok``; ``too_short``
      when the series has no gap-free stretch of two years; ``gap`` when the base or the latest
      month lies outside the stretch the adjustment was fitted on);
    - the change from the **same month a year earlier**: year_earlier_period, year_earlier_value,
      year_on_year_change, year_on_year_change_pct.

    Percent changes are in percent; NaN where a value is missing or the base is 0.
    """
    base = periods.parse_period(base_period).code
    rows = []
    for (group, area), frame in panel.groupby(["target_group", "area"], sort=False):
        by_period = frame.set_index("period")["value"]
        if base not in by_period.index:
            raise ParameterError(
                f"base period {base} is outside the data for target group {group!r}, which covers "
                f"{by_period.index[0]} to {by_period.index[-1]}"
            )
        latest = periods.parse_period(latest_period).code if latest_period else by_period.index[-1]
        if latest not in by_period.index:
            raise ParameterError(f"latest period {latest} is outside the data for target group {group!r}")
        b, v = by_period.get(base, np.nan), by_period.get(latest, np.nan)
        sa = seasonal_adjust(by_period.loc[:latest])
        status = seasonal_status(sa, base, latest)
        ab, av = (float(sa.loc[base, "adjusted"]), float(sa.loc[latest, "adjusted"])) if status == "ok" else (np.nan, np.nan)
        earlier = periods.shift(latest, -periods_per_year([latest]))
        e = by_period.get(earlier, np.nan)
        rows.append(
            {
                "area": area,
                "target_group": group,
                "base_period": base,
                "latest_period": latest,
                "base_value": float(b),
                "latest_value": float(v),
                "change": _difference(b, v),
                "change_pct": pct_change(b, v),
                "adjusted_base_value": ab,
                "adjusted_latest_value": av,
                "adjusted_change": _difference(ab, av),
                "adjusted_change_pct": pct_change(ab, av),
                "seasonal_status": status,
                "year_earlier_period": earlier,
                "year_earlier_value": float(e),
                "year_on_year_change": _difference(e, v),
                "year_on_year_change_pct": pct_change(e, v),
            }
        )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _difference(first, second) -> float:
    return float(second - first) if pd.notna(first) and pd.notna(second) else np.nan


def seasonal_status(adjusted: pd.DataFrame, base: str, latest: str) -> str:
    """``ok``, ``too_short`` or ``gap`` for a change from ``base`` to ``latest`` on a :func:`seasonal_adjust` result."""
    in_fit = adjusted["in_fit"]
    if not in_fit.any():
        return "too_short"
    if not (bool(in_fit.get(base, False)) and bool(in_fit.get(latest, False))):
        return "gap"
    return "ok"


def indexed_panel(panel: pd.DataFrame, base_period: str) -> pd.DataFrame:
    """The panel from the base month on, with ``index`` (base = 100) per group and area."""
    base = periods.parse_period(base_period).code
    out = []
    for _, frame in panel.groupby(["target_group", "area"], sort=False):
        s = frame.set_index("period")["value"]
        idx = index_to_base(s, base)
        f = frame.assign(index=idx.to_numpy())
        out.append(f[f["period_end"] >= periods.parse_period(base).end])
    return pd.concat(out, ignore_index=True)


def year_on_year(panel: pd.DataFrame, latest_period: str | None = None) -> pd.DataFrame:
    """The latest month against the same month a year earlier, per target group and area.

    Columns: target_group, area, latest_period, year_earlier_period, latest_value,
    year_earlier_value, change, change_pct, latest_share_pct, year_earlier_share_pct, change_pp,
    share_measured_in. The values are persons; the shares of the population 16-66 are computed by
    the source from the count in ``share_measured_in`` ("fuldtidspersoner" or "personer", see
    :attr:`TargetGroup.share_weight`), so a table mixing groups says which per row.
    """
    rows = []
    for (group, area), frame in panel.groupby(["target_group", "area"], sort=False):
        f = frame.set_index("period")
        latest = periods.parse_period(latest_period).code if latest_period else f.index[-1]
        earlier = periods.shift(latest, -periods_per_year([latest]))
        v, e = f["value"].get(latest, np.nan), f["value"].get(earlier, np.nan)
        sv, se = f["share_pct"].get(latest, np.nan), f["share_pct"].get(earlier, np.nan)
        rows.append(
            {
                "target_group": group,
                "area": area,
                "latest_period": latest,
                "year_earlier_period": earlier,
                "latest_value": float(v),
                "year_earlier_value": float(e),
                "change": float(v - e) if pd.notna(v) and pd.notna(e) else np.nan,
                "change_pct": pct_change(e, v),
                "latest_share_pct": float(sv),
                "year_earlier_share_pct": float(se),
                "change_pp": float(sv - se) if pd.notna(sv) and pd.notna(se) else np.nan,
                "share_measured_in": share_unit(group),
            }
        )
    return pd.DataFrame(rows)


def share_unit(group: TargetGroup | str) -> str | None:
    """The count a group's share of the population 16-66 is computed from, in Danish: 'fuldtidspersoner' or 'personer'."""
    g = group if isinstance(group, TargetGroup) else GROUPS.get(str(group))
    if g is None:
        return None
    return UNIT_DA.get(g.share_weight, g.share_weight)


def share_unit_text(groups: Sequence[TargetGroup]) -> str:
    """What the shares of several groups are measured in, for a heading: 'fuldtidspersoner; langtidsledige: personer'."""
    units = {g.key: share_unit(g) for g in groups}
    if not units:
        return ""
    counts = pd.Series(list(units.values())).value_counts()
    main = str(counts.index[0])
    others = [g for g in groups if units[g.key] != main]
    if not others:
        return main
    by_unit: dict[str, list[str]] = {}
    for g in others:
        by_unit.setdefault(str(units[g.key]), []).append(g.name_da.lower())
    return "; ".join([main] + [f"{' og '.join(names)}: {unit}" for unit, names in by_unit.items()])


# --------------------------------------------------------------------------- seasonal adjustment


def longest_complete_stretch(values: pd.Series) -> tuple[int, int]:
    """``(start, stop)`` positions of the longest run without NaN (the latest one on a tie); (0, 0) if none."""
    ok = values.notna().to_numpy()
    best, start = (0, 0), None
    for i, flag in enumerate(list(ok) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def seasonal_adjust(values: pd.Series, *, period: int | None = None, min_years: int = 2, robust: bool = True) -> pd.DataFrame:
    """STL seasonal adjustment of a monthly or quarterly series (index: period codes), on its longest gap-free stretch.

    ``period`` None: 12 for months, 4 for quarters (:func:`periods_per_year`), so a quarterly series
    needs eight gap-free quarters.

    Returns a frame with the same index and columns ``observed``, ``adjusted`` (observed minus
    the seasonal component), ``trend``, ``seasonal`` (in the series' units) and ``in_fit``
    (True for the months STL was fitted on). Months outside the stretch, and every month when
    the stretch is shorter than ``min_years`` full years, have NaN adjusted/trend/seasonal:
    gaps are never filled. See the module docstring for the method.
    """
    observed = values.astype(float)
    period = period or periods_per_year(values.index)
    out = pd.DataFrame(
        {"observed": observed, "adjusted": np.nan, "trend": np.nan, "seasonal": np.nan, "in_fit": False},
        index=values.index,
    )
    start, stop = longest_complete_stretch(observed)
    if stop - start < min_years * period:
        return out
    stretch = observed.iloc[start:stop].to_numpy()
    adjusted, trend_level = _stl(stretch.tobytes(), period, robust)
    pos = out.columns
    out.iloc[start:stop, pos.get_loc("adjusted")] = adjusted
    out.iloc[start:stop, pos.get_loc("trend")] = trend_level
    out.iloc[start:stop, pos.get_loc("seasonal")] = stretch - adjusted
    out.iloc[start:stop, pos.get_loc("in_fit")] = True
    out["in_fit"] = out["in_fit"].astype(bool)
    return out


@lru_cache(maxsize=512)
def _stl(stretch_bytes: bytes, period: int, robust: bool) -> tuple[np.ndarray, np.ndarray]:
    """(adjusted, trend) of a gap-free stretch (float64 bytes), in the series' units; read-only arrays.

    Cached on the values, so a report that adjusts the same series for its change table and for
    its figure fits STL once.
    """
    from statsmodels.tsa.seasonal import STL

    stretch = np.frombuffer(stretch_bytes, dtype=float)
    use_log = bool((stretch > 0).all())
    y = np.log(stretch) if use_log else stretch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = STL(y, period=period, robust=robust).fit()
    seasonal, trend = np.asarray(fit.seasonal), np.asarray(fit.trend)
    if use_log:
        adjusted, trend_level = np.exp(y - seasonal), np.exp(trend)
    else:
        adjusted, trend_level = y - seasonal, trend
    adjusted.flags.writeable = False
    trend_level.flags.writeable = False
    return adjusted, trend_level


def seasonal_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """:func:`seasonal_adjust` for every group and area of a panel: adds adjusted, trend, in_fit."""
    out = []
    for _, frame in panel.groupby(["target_group", "area"], sort=False):
        sa = seasonal_adjust(frame.set_index("period")["value"])
        out.append(frame.assign(adjusted=sa["adjusted"].to_numpy(), trend=sa["trend"].to_numpy(), in_fit=sa["in_fit"].to_numpy()))
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------------- composition


def _duration_rows(source: str, category: str) -> pd.DataFrame:
    total = tables.spec("Y36A02").dimensions[1].total
    return load.load_table("Y36A02", source, measures="persons", category=category, duration=[total, *DURATIONS])


def duration_series(
    area: str, source: str = "", *, category: str = "Aktivitetsparat", end: str | None = None, rows: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, str]:
    """Monthly persons by duration on the benefit (Y36A02) for one area: one column per duration plus total.

    Returns ``(frame, basis)``; the frame's index is the period codes, columns ``period_end``,
    ``Varighed i alt`` and the four durations. Suppressed cells stay NaN.
    """
    spec = tables.spec("Y36A02")
    total = spec.dimensions[1].total
    cols, bases = {}, []
    frame = None
    rows = _duration_rows(source, category) if rows is None else rows
    by_duration = {d: part for d, part in rows.groupby("duration", sort=False)}  # each series filters only its own rows
    for duration in (total, *DURATIONS):
        part = by_duration.get(duration, rows.iloc[0:0])
        wide, basis = area_series("Y36A02", "persons", [area], source, end=end, rows=part, category=category, duration=duration)
        frame = wide if frame is None else frame
        cols[duration] = wide[area_name(area)]
        bases.append(basis[area_name(area)])
    out = pd.DataFrame({"period_end": frame["period_end"], **cols})
    return out, _combined_basis(bases)


def _combined_basis(bases: Sequence[str]) -> str:
    """One basis for several series of an area: missing if any is, else the first that is not published."""
    if BASIS_MISSING in bases:
        return BASIS_MISSING
    return next((b for b in bases if b != BASIS_PUBLISHED), BASIS_PUBLISHED)


def composition(
    areas: Sequence[str], period: str, source: str = "", *, category: str = "Aktivitetsparat"
) -> pd.DataFrame:
    """The aktivitetsparate by duration in one month: persons and share of the group, per area.

    Columns: area, duration, persons, share_pct, basis. The share's denominator is the published
    total ("Varighed i alt"); a suppressed cell gives a NaN share, not a zero.
    """
    code = periods.parse_period(period).code
    rows = []
    loaded = _duration_rows(source, category)
    for area in areas:
        frame, basis = duration_series(area, source, category=category, rows=loaded)
        if code not in frame.index:
            raise ParameterError(f"period {code} is outside the data of Y36A02 ({frame.index[0]} to {frame.index[-1]})")
        total = frame.loc[code, "Varighed i alt"]
        for d in DURATIONS:
            v = frame.loc[code, d]
            rows.append(
                {
                    "area": area_name(area),
                    "duration": d,
                    "persons": float(v),
                    "share_pct": float(v / total * 100.0) if pd.notna(v) and pd.notna(total) and total else np.nan,
                    "basis": basis,
                }
            )
    return pd.DataFrame(rows)


def long_duration_share(composition_frame: pd.DataFrame, durations: Sequence[str] = OVER_2_YEARS) -> pd.Series:
    """Per area, the share (pct) of the group on the benefit for the given durations (default over two years)."""
    sub = composition_frame[composition_frame["duration"].isin(durations)]
    return sub.groupby("area", sort=False)["share_pct"].sum(min_count=len(durations)).where(
        sub.groupby("area", sort=False)["share_pct"].count() == len(durations)
    )


def long_duration_history(areas: Sequence[str], source: str = "", *, end: str | None = None, category: str = "Aktivitetsparat") -> pd.DataFrame:
    """Monthly shares over two and over three years, per area (long form: area, period, period_end, over_2_pct, over_3_pct)."""
    out = []
    loaded = _duration_rows(source, category)
    for area in areas:
        frame, basis = duration_series(area, source, category=category, end=end, rows=loaded)
        total = frame["Varighed i alt"].where(frame["Varighed i alt"] != 0)
        over2 = frame[list(OVER_2_YEARS)].sum(axis=1, min_count=len(OVER_2_YEARS)).where(frame[list(OVER_2_YEARS)].notna().all(axis=1))
        out.append(
            pd.DataFrame(
                {
                    "area": area_name(area),
                    "period": frame.index,
                    "period_end": frame["period_end"].to_numpy(),
                    "over_2_pct": (over2 / total * 100.0).to_numpy(),
                    "over_3_pct": (frame["Over 3 år"] / total * 100.0).to_numpy(),
                    "basis": basis,
                }
            )
        )
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------------- the whole analysis


@dataclass
class TrendAnalysis:
    """Everything the notebook shows, resolved and computed by :func:`analyse`."""

    municipality: str
    comparison_area: str
    areas: list[str]
    groups: list[TargetGroup]
    base_period: str
    end_period: str
    panel: pd.DataFrame
    changes: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # Danish, for warning boxes
    comparison_parent: str = ""  # the geographic area the comparison is drawn from ("" = comparison_area itself)
    source: str = ""  # "demo" or "real": the data the analysis was computed from

    def group_names(self) -> dict[str, str]:
        return {g.key: g.name_da for g in self.groups}

    @property
    def excludes_municipality(self) -> bool:
        """True when the comparison area is an area without the municipality ('RAR Sjælland uden Slagelse')."""
        return split_area(self.comparison_area)[1] is not None

    @property
    def comparison_geography(self) -> str:
        """The geographic area behind the comparison area ('RAR Sjælland' for 'RAR Sjælland uden Slagelse')."""
        return self.comparison_parent or split_area(self.comparison_area)[0]


def resolve_end(period: str, latest: str, earliest: str) -> str:
    """The last month of the analysis: ``""`` = ``latest``; a month; or a quarter's last month."""
    if not period or not str(period).strip():
        return latest
    p = periods.parse_period(period)
    if p.kind == "QMAT":
        raise ParameterError(f"period {period!r} is a rolling year; expected a month (2024M06) or a quarter (2024Q2)")
    code = f"{p.end.year}M{p.end.month:02d}"
    if p.end > periods.parse_period(latest).end:
        raise ParameterError(f"period {period!r} is after the latest month in the data ({latest})")
    if p.end < periods.parse_period(earliest).end:
        raise ParameterError(f"period {period!r} is before the first month in the data ({earliest})")
    return code


def check_base_period(base_period: str, end: str, groups: Sequence[TargetGroup], source: str = "") -> str:
    """The canonical base month; ParameterError if it is not a month, not in every group's data or not before the end."""
    if not base_period or not str(base_period).strip():
        raise ParameterError("base_period is empty; expected a month such as 2021M01")
    p = periods.parse_period(base_period)
    if p.kind != "M":
        raise ParameterError(f"base_period {base_period!r} is not a month; expected a month such as 2021M01")
    for g in groups:
        codes = load.available_periods(g.table, source)
        first, last = codes[0], codes[-1]
        if p.end < periods.parse_period(first).end or p.end > periods.parse_period(last).end:
            raise ParameterError(
                f"base month {p.code} is outside the data: {tables.spec(g.table).id} ({g.name_da}) covers {first} to {last}"
            )
    if p.end >= periods.parse_period(end).end:
        raise ParameterError(f"base month {p.code} must be before the last month of the analysis ({end})")
    return p.code


def resolve_areas(municipality: str, comparison_area: str, exclude_municipality: bool) -> tuple[str, str, str]:
    """(municipality, the comparison area's geography, the comparison area shown) from the parameters."""
    if not isinstance(exclude_municipality, (bool, np.bool_)):
        raise ParameterError(f"exclude_municipality must be True or False, not {exclude_municipality!r}")
    mun = geography.municipality(municipality).name
    parent = geography.comparison_area(mun, comparison_area or None)
    comp = area_without(parent, mun) if exclude_municipality and parent != mun else parent
    return mun, parent, comp


def analyse(
    municipality: str,
    comparison_area: str = "",
    period: str = "",
    base_period: str = "2021M01",
    source: str = "",
    groups: str | Sequence[str] | None = None,
    exclude_municipality: bool = True,
) -> TrendAnalysis:
    """Resolve the parameters (one clear ParameterError for bad input) and compute the panel and changes.

    With ``exclude_municipality`` (the default) the comparison area is the area without the
    municipality ('RAR Sjælland uden Slagelse', see :func:`area_without`), so the municipality's own
    figures do not damp the gap to its comparison; a comparison area that is the municipality
    itself is left as it is. Hele landet is always the published country total.
    """
    mun, parent, comp = resolve_areas(municipality, comparison_area, exclude_municipality)
    chosen, notes = resolve_groups(groups, source)
    latest = max((load.latest_period(g.table, source) for g in chosen), key=lambda c: periods.parse_period(c).end)
    earliest = min((load.available_periods(g.table, source)[0] for g in chosen), key=lambda c: periods.parse_period(c).end)
    end = resolve_end(period, latest, earliest)
    base = check_base_period(base_period, end, chosen, source)
    areas = list(dict.fromkeys([mun, comp, COUNTRY]))
    panel = group_panel(chosen, areas, source, end=end)
    changes = change_table(panel, base)
    notes += basis_notes(panel, chosen)
    notes += gap_notes(panel, {g.key: g.name_da for g in chosen}, since=base)
    for g in chosen:
        last = panel.loc[panel["target_group"] == g.key, "period"].iloc[-1]
        if last != end:
            notes.append(f"{g.name_da}: data slutter i {fmt.period_label(last)}, før analysens slutmåned {fmt.period_label(end)}.")
    return TrendAnalysis(
        mun, comp, areas, chosen, base, end, panel, changes, notes, comparison_parent=parent,
        source=load.resolve_source(source),
    )


# --------------------------------------------------------------------------- notes and sentences


def _month_list(codes: Sequence[str]) -> str:
    labels = [fmt.period_label(c) for c in codes]
    if len(labels) > 6:
        return ", ".join(labels[:5]) + f" og {len(labels) - 5} måneder mere"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " og " + labels[-1]


def gap_notes(panel: pd.DataFrame, names_da: dict[str, str] | None = None, *, since: str | None = None) -> list[str]:
    """Danish notes for missing months (value NaN) per group and area, from ``since`` (a month) on.

    An area with no data at all gets one note saying so.
    """
    names_da = names_da or {}
    frame = panel
    if since:
        frame = panel[panel["period_end"] >= periods.parse_period(since).end]
    notes = []
    for (group, area), f in frame.groupby(["target_group", "area"], sort=False):
        missing = f.loc[f["value"].isna(), "period"].tolist()
        if not missing:
            continue
        name = names_da.get(group, group)
        if len(missing) == len(f):
            notes.append(f"{name}: der er ingen data for {area_in_text(area)} i perioden; området er udeladt af figurer og tal.")
        else:
            notes.append(
                f"{name}: der mangler data for {area_in_text(area)} i {_month_list(missing)}. "
                "Månederne vises som huller i figurerne og indgår ikke i beregningerne."
            )
    return notes


def basis_notes(panel: pd.DataFrame, groups: Sequence[TargetGroup]) -> list[str]:
    """Danish notes for areas that are (in some or all months) sums of their municipalities rather than published totals."""
    names = {g.key: g.name_da for g in groups}
    notes = []
    summed = panel[panel["basis"].isin(SUMMED_BASES)][["area", "target_group", "basis"]].drop_duplicates(["area", "target_group"])
    for (area, basis), f in summed.groupby(["area", "basis"], sort=False):
        groups_da = ", ".join(names.get(g, g).lower() for g in f["target_group"])
        parent, without = split_area(area)
        members = "områdets kommuner" if without is None else f"områdets kommuner uden {without}"
        if basis in (BASIS_MIXED, BASIS_MIXED_LESS):
            notes.append(
                f"{parent} er ikke offentliggjort i alle måneder i data; i de måneder, hvor området mangler, er tallene for "
                f"{area} ({groups_da}) summen af {members}, og andelene er vægtet med kommunernes befolkning."
            )
        else:
            notes.append(
                f"{parent} findes ikke som offentliggjort område i data; tallene for {area} ({groups_da}) er summen af "
                f"{members}, og andelene er vægtet med kommunernes befolkning."
            )
    return notes


def area_in_text(area: str) -> str:
    """An area's name inside a sentence: 'Hele landet' becomes 'hele landet' (also in 'hele landet uden Slagelse')."""
    if area == COUNTRY or str(area).startswith(COUNTRY + WITHOUT):
        return "h" + str(area)[1:]
    return area


def latest_period_of(analysis: TrendAnalysis, group_key: str) -> str:
    """The last month of one group in the analysis (its table may end before the analysis end)."""
    f = analysis.panel[analysis.panel["target_group"] == group_key]
    return str(f["period"].iloc[-1])


def has_durations(source: str = "", category: str = "Aktivitetsparat") -> bool:
    """True when Y36A02 in the data has the duration breakdown for the category (needed for the composition)."""
    if "Y36A02" not in load.available_tables(source):
        return False
    frame = load.load_table("Y36A02", source, measures="persons")
    present = set(frame.loc[frame["category"] == category, "duration"].unique())
    return set(DURATIONS) <= present
