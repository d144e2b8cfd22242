"""Target-group trends: each group's development since a base month, for the municipality, its
comparison area and Hele landet (notebook ``target_group_trends``).

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
:data:`BASIS_MEMBERS`, :data:`BASIS_MISSING`.

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
STL (statsmodels, period 12, robust) on the logarithm of the series (multiplicative
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
:func:`change_sentences` says which change it uses, and only the seasonally adjusted change
says whether the municipality did better or worse than its comparison area
(:func:`relative_development`). A series that cannot be adjusted (no two gap-free years, or
the base or latest month outside the fitted stretch) gets no adjusted change, no verdict, and
a sentence and figure that say so.
"""

from __future__ import annotations

import math
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
BASIS_DA = {
    BASIS_PUBLISHED: "offentliggjort tal for området",
    BASIS_MEMBERS: "summen af områdets kommuner",
    BASIS_MISSING: "ingen data",
    BASIS_PUBLISHED_LESS: "offentliggjort tal for området minus kommunens tal",
    BASIS_MEMBERS_LESS: "summen af områdets øvrige kommuner",
}
_LESS = {BASIS_PUBLISHED: BASIS_PUBLISHED_LESS, BASIS_MEMBERS: BASIS_MEMBERS_LESS}
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
CHANGE_HEADINGS_DA = {
    "area": "Område",
    "target_group": "Målgruppe",
    "base_period": "Basismåned",
    "latest_period": "Seneste måned",
    "base_value": "Antal personer i basismåneden (faktisk antal)",
    "latest_value": "Antal personer i seneste måned (faktisk antal)",
    "change": "Ændring i faktisk antal (personer)",
    "change_pct": "Ændring i faktisk antal (pct., som i statusrapporten)",
    "adjusted_base_value": "Sæsonkorrigeret antal personer i basismåneden",
    "adjusted_latest_value": "Sæsonkorrigeret antal personer i seneste måned",
    "adjusted_change": "Ændring, sæsonkorrigeret (personer)",
    "adjusted_change_pct": "Ændring, sæsonkorrigeret (pct.)",
    "seasonal_status": "Sæsonkorrektion (ok = beregnet; too_short = under to års sammenhængende månedstal; "
                       "gap = basismåned eller seneste måned uden for den sammenhængende række)",
    "year_earlier_period": "Samme måned året før",
    "year_earlier_value": "Antal personer samme måned året før (faktisk antal)",
    "year_on_year_change": "Ændring fra samme måned året før (personer)",
    "year_on_year_change_pct": "Ændring fra samme måned året før (pct.)",
}


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
        load.load_table(spec.id, source, measures=group.measure, **group.dims_dict).head(1)
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
    full = periods.month_range(first, last) if first and last else []
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
    """One area's column of a wide frame and its basis: published, else the sum (or weighted share) of its members."""
    if name in values.columns:
        return values[name], BASIS_PUBLISHED
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
        earlier = periods.shift(latest, -12)
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
        earlier = periods.shift(latest, -12)
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


def seasonal_adjust(values: pd.Series, *, period: int = 12, min_years: int = 2, robust: bool = True) -> pd.DataFrame:
    """STL seasonal adjustment of a monthly series (index: period codes), on its longest gap-free stretch.

    Returns a frame with the same index and columns ``observed``, ``adjusted`` (observed minus
    the seasonal component), ``trend``, ``seasonal`` (in the series' units) and ``in_fit``
    (True for the months STL was fitted on). Months outside the stretch, and every month when
    the stretch is shorter than ``min_years`` full years, have NaN adjusted/trend/seasonal:
    gaps are never filled. See the module docstring for the method.
    """
    observed = values.astype(float)
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
    if not isinstance(exclude_municipality, (bool, np.bool_)):
        raise ParameterError(f"exclude_municipality must be True or False, not {exclude_municipality!r}")
    mun = geography.municipality(municipality).name
    parent = geography.comparison_area(mun, comparison_area or None)
    comp = area_without(parent, mun) if exclude_municipality and parent != mun else parent
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
    return TrendAnalysis(mun, comp, areas, chosen, base, end, panel, changes, notes, comparison_parent=parent)


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
    """Danish notes for areas that are sums of their municipalities rather than published totals."""
    names = {g.key: g.name_da for g in groups}
    notes = []
    summed = panel[panel["basis"].isin([BASIS_MEMBERS, BASIS_MEMBERS_LESS])][["area", "target_group"]].drop_duplicates()
    for area, f in summed.groupby("area", sort=False):
        groups_da = ", ".join(names.get(g, g).lower() for g in f["target_group"])
        parent, without = split_area(area)
        if without is None:
            notes.append(
                f"{area} findes ikke som offentliggjort område i data; tallene for {area} ({groups_da}) er summen af "
                "områdets kommuner, og andelene er vægtet med kommunernes befolkning."
            )
        else:
            notes.append(
                f"{parent} findes ikke som offentliggjort område i data; tallene for {area} ({groups_da}) er summen af "
                f"områdets kommuner uden {without}, og andelene er vægtet med kommunernes befolkning."
            )
    return notes


def area_in_text(area: str) -> str:
    """An area's name inside a sentence: 'Hele landet' becomes 'hele landet' (also in 'hele landet uden Slagelse')."""
    if area == COUNTRY or str(area).startswith(COUNTRY + WITHOUT):
        return "h" + str(area)[1:]
    return area


def _movement(pct: float) -> str:
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return ""
    if abs(pct) < 0.05:
        return "stort set uændret"
    return f"{'faldet' if pct < 0 else 'steget'} med {fmt.percent(abs(pct))}"


def _genitive(name: str) -> str:
    """Danish genitive of a name: 'Slagelses', 'Vesthimmerlands'' (a name ending in s, x or z takes an apostrophe)."""
    return f"{name}'" if str(name)[-1:].lower() in ("s", "x", "z") else f"{name}s"


# A municipality's seasonally adjusted change counts as better or worse than its comparison area's
# only when the two differ by at least this many percentage points; closer is "stort set samme".
SIMILAR_CHANGE_PP = 1.0


def relative_development(group: TargetGroup, municipality_pct: float, comparison_pct: float) -> str | None:
    """``better``, ``worse`` or ``similar`` for two percent changes of a group; None when either is missing.

    For every target group in :data:`TARGET_GROUPS` fewer recipients is the better development
    (:attr:`TargetGroup.fewer_is_better`). Differences under :data:`SIMILAR_CHANGE_PP` are ``similar``.
    """
    if pd.isna(municipality_pct) or pd.isna(comparison_pct):
        return None
    diff = float(municipality_pct) - float(comparison_pct)
    if abs(diff) < SIMILAR_CHANGE_PP:
        return "similar"
    return "better" if (diff < 0) == group.fewer_is_better else "worse"


def _two_areas(first_pct: float, first: str, second_pct: float, second: str) -> str:
    """'faldet med 5,2 % i Slagelse og steget med 1,0 % i RAR Sjælland uden Slagelse'."""
    return f"{_movement(first_pct)} i {area_in_text(first)} og {_movement(second_pct)} i {area_in_text(second)}"


def _raw_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str, include_country: bool) -> str:
    """The status report's sentence on the raw counts, saying that it is the raw count."""
    base, latest = rows["base_period"].iloc[0], rows["latest_period"].iloc[0]
    since = month_long(base)
    mun = rows["change_pct"].get(municipality, np.nan)
    if pd.isna(mun):
        text = (f"Udviklingen i {g.noun_da} i {municipality} siden {since} kan ikke beregnes, fordi der mangler data "
                f"for {fmt.period_label(base)} eller {fmt.period_label(latest)}.")
    else:
        text = f"Siden {since} er {g.noun_da} i {municipality} {_movement(mun)} (faktisk antal, opgjort som i statusrapporten)."
    comp = rows["change_pct"].get(comparison_area, np.nan)
    if comparison_area != municipality and pd.notna(comp):
        text += f" Til sammenligning er {g.noun_da} i {area_in_text(comparison_area)} {_movement(comp)}"
        nat = rows["change_pct"].get(COUNTRY, np.nan)
        if include_country and comparison_area != COUNTRY and pd.notna(nat):
            same = np.sign(round(nat, 1)) == np.sign(round(comp, 1)) and abs(nat) >= 0.05 and abs(comp) >= 0.05
            if same:
                text += f", og i hele landet med {fmt.percent(abs(nat))}"
            else:
                text += f", mens {g.pronoun_da} i hele landet er {_movement(nat)}"
        text += " (faktisk antal)."
    elif comparison_area != municipality:
        text += f" For {area_in_text(comparison_area)} mangler der data til en sammenligning."
    return text


def _not_adjusted_reason(status: str, base: str, latest: str) -> str:
    if status == "too_short":
        return "der ikke er to års sammenhængende månedstal"
    return (f"der er huller i månedstallene, så {month_long(base)} eller {month_long(latest)} ligger uden for "
            "den længste sammenhængende række")


def _adjusted_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str) -> str | None:
    """The change on the seasonally adjusted series, and the only better/worse verdict the report gives."""
    if "adjusted_change_pct" not in rows.columns:
        return None
    base, latest = rows["base_period"].iloc[0], rows["latest_period"].iloc[0]
    since = month_long(base)
    compare = comparison_area != municipality and comparison_area in rows.index
    areas = [municipality] + ([comparison_area] if compare else [])
    status = {a: rows["seasonal_status"].get(a, "too_short") for a in areas}
    bad = [a for a in areas if status[a] != "ok" or pd.isna(rows["adjusted_change_pct"].get(a, np.nan))]
    if bad:
        by_reason: dict[str, list[str]] = {}
        for a in bad:
            reason = _not_adjusted_reason(status[a], base, latest) if status[a] != "ok" else "der mangler data"
            by_reason.setdefault(reason, []).append(area_in_text(a))
        parts = [f"for {' og '.join(names)}, fordi {reason}" for reason, names in by_reason.items()]
        text = f"Den sæsonkorrigerede udvikling i {g.noun_da} kan ikke beregnes " + ", og ".join(parts)
        if compare:
            text += (f"; derfor vurderer rapporten ikke, om {municipality} har haft en bedre eller dårligere udvikling "
                     f"end {area_in_text(comparison_area)}")
        return text + "."
    mun = rows["adjusted_change_pct"][municipality]
    if not compare:
        return f"Sæsonkorrigeret er {g.noun_da} i {municipality} {_movement(mun)} siden {since}."
    comp = rows["adjusted_change_pct"][comparison_area]
    verdict = relative_development(g, mun, comp)
    text = f"Sæsonkorrigeret er {g.noun_da} siden {since} {_two_areas(mun, municipality, comp, comparison_area)}; "
    if verdict == "similar":
        text += f"målt sådan har {municipality} haft stort set samme udvikling som {area_in_text(comparison_area)}."
    else:
        word = "bedre" if verdict == "better" else "dårligere"
        text += f"målt sådan har {municipality} haft en {word} udvikling end {area_in_text(comparison_area)}."
    return text


def _year_on_year_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str) -> str | None:
    """The change from the same month a year earlier (no seasonal pattern in it), for the municipality and its comparison."""
    if "year_on_year_change_pct" not in rows.columns:
        return None
    latest, earlier = rows["latest_period"].iloc[0], rows["year_earlier_period"].iloc[0]
    mun = rows["year_on_year_change_pct"].get(municipality, np.nan)
    when = f"Fra {month_long(earlier)} til {month_long(latest)} (samme måned året før)"
    if pd.isna(mun):
        return (f"Ændringen fra samme måned året før kan ikke beregnes for {municipality}, fordi der mangler data for "
                f"{fmt.period_label(earlier)} eller {fmt.period_label(latest)}.")
    comp = rows["year_on_year_change_pct"].get(comparison_area, np.nan)
    if comparison_area != municipality and pd.notna(comp):
        return f"{when} er {g.noun_da} {_two_areas(mun, municipality, comp, comparison_area)}."
    return f"{when} er {g.noun_da} i {municipality} {_movement(mun)}."


def change_sentences(
    changes: pd.DataFrame,
    municipality: str,
    comparison_area: str,
    groups: Sequence[TargetGroup] | None = None,
    *,
    include_country: bool = True,
) -> list[str]:
    """Danish sentences, one item per target group, each sentence saying which change it is.

    1. The raw change since the base month, in the status report's words ("Siden januar 2021 er
       langtidsledigheden i Slagelse faldet med 70,8 % opgjort i faktisk antal, som i statusrapporten.
       Til sammenligning er ... (faktisk antal).").
    2. The change on the seasonally adjusted series, the only one used to say whether the
       municipality did better or worse than the comparison area (:func:`relative_development`);
       when a series cannot be adjusted the sentence says why and gives no verdict.
    3. The change from the same month a year earlier.
    """
    groups = list(groups) if groups is not None else [GROUPS[k] for k in changes["target_group"].unique() if k in GROUPS]
    out = []
    for g in groups:
        rows = changes[changes["target_group"] == g.key].set_index("area")
        if rows.empty:
            continue
        parts = [
            _raw_sentence(g, rows, municipality, comparison_area, include_country),
            _adjusted_sentence(g, rows, municipality, comparison_area),
            _year_on_year_sentence(g, rows, municipality, comparison_area),
        ]
        out.append(" ".join(p for p in parts if p))
    return out


def share_sentences(panel: pd.DataFrame, municipality: str, comparison_area: str, groups: Sequence[TargetGroup]) -> list[str]:
    """One sentence per group comparing the latest level as a share of the population 16-66."""
    out = []
    for g in groups:
        f = panel[panel["target_group"] == g.key]
        latest = f["period"].iloc[-1]
        now = f[f["period"] == latest].set_index("area")["share_pct"]
        m, c = now.get(municipality, np.nan), now.get(comparison_area, np.nan)
        if pd.isna(m):
            continue
        what = share_unit(g)
        when = fmt.date_da(periods.parse_period(latest).end, style="month")
        text = (f"{g.name_da} udgjorde i {when} {fmt.percent(m, 2)} af de 16-66-årige i {municipality} "
                f"(målt i {what})")
        if comparison_area != municipality and pd.notna(c):
            text += f" mod {fmt.percent(c, 2)} i {area_in_text(comparison_area)}"
        out.append(text + ".")
    return out


def composition_sentence(comp: pd.DataFrame, municipality: str, comparison_area: str, period: str) -> str | None:
    """A sentence like the status report's: "I december 2024 havde 58 % af de aktivitetsparate
    kontanthjælpsmodtagere i Slagelse været på kontanthjælp i over tre år mod 53 % i RAR Sjælland, ..."."""
    over3 = long_duration_share(comp, OVER_3_YEARS)
    over2 = long_duration_share(comp, OVER_2_YEARS)
    m3, c3 = over3.get(municipality, np.nan), over3.get(comparison_area, np.nan)
    m2, c2 = over2.get(municipality, np.nan), over2.get(comparison_area, np.nan)
    if pd.isna(m3) and pd.isna(m2):
        return None
    when = fmt.date_da(periods.parse_period(period).end, style="month")
    compare = comparison_area != municipality
    if pd.notna(m3):
        text = (f"I {when} havde {fmt.percent(m3, 0)} af de aktivitetsparate kontanthjælpsmodtagere i {municipality} "
                "været på kontanthjælp i over tre år")
        if compare and pd.notna(c3):
            text += f" mod {fmt.percent(c3, 0)} i {area_in_text(comparison_area)}"
        if pd.notna(m2):
            text += f", og {fmt.percent(m2, 0)} i over to år"
            if compare and pd.notna(c2):
                text += f" mod {fmt.percent(c2, 0)}"
        return text + "."
    text = (f"I {when} havde {fmt.percent(m2, 0)} af de aktivitetsparate kontanthjælpsmodtagere i {municipality} "
            "været på kontanthjælp i over to år")
    if compare and pd.notna(c2):
        text += f" mod {fmt.percent(c2, 0)} i {area_in_text(comparison_area)}"
    return text + "."


# --------------------------------------------------------------------------- tables for display and CSV


def changes_for_display(analysis: TrendAnalysis) -> pd.DataFrame:
    """The change table with Danish group names and period labels, areas in role order."""
    ch = analysis.changes.copy()
    ch["group_da"] = ch["target_group"].map(analysis.group_names())
    ch["base_label"] = ch["base_period"].map(fmt.period_label)
    ch["latest_label"] = ch["latest_period"].map(fmt.period_label)
    order = {a: i for i, a in enumerate(analysis.areas)}
    groups = {g.key: i for i, g in enumerate(analysis.groups)}
    ch = ch.sort_values(["target_group", "area"], key=lambda s: s.map(groups) if s.name == "target_group" else s.map(order))
    return ch.reset_index(drop=True)


def latest_shares(analysis: TrendAnalysis) -> pd.DataFrame:
    """Wide table: one row per group, the latest share of the population 16-66 per area, and the count
    the share is computed from (``share_measured_in``)."""
    rows = []
    for g in analysis.groups:
        f = analysis.panel[analysis.panel["target_group"] == g.key]
        latest = f["period"].iloc[-1]
        now = f[f["period"] == latest].set_index("area")["share_pct"]
        rows.append({"target_group": g.key, "group_da": g.name_da, "period": latest,
                     "period_label": fmt.period_label(latest), "share_measured_in": share_unit(g),
                     **{a: now.get(a, np.nan) for a in analysis.areas}})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- figures


def _grid(n: int):
    ncols = 2 if n > 1 else 1
    nrows = math.ceil(n / ncols)
    return nrows, ncols


def _legend(axes) -> None:
    """One legend, on the first panel, naming every line drawn in any panel (and nothing that is not drawn)."""
    seen: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    if seen:
        axes[0].legend(list(seen.values()), list(seen), loc="best")


def _date_ticks(ax) -> None:
    import matplotlib.dates as mdates

    from analysis.present import charts

    ax.xaxis.set_major_locator(mdates.YearLocator())
    charts.date_axis(ax, "year")


def _panel_figure(title: str, n: int, subtitle: str | None = None):
    from analysis.present import charts

    nrows, ncols = _grid(n)
    fig, axes = charts.new_figure(title, nrows=nrows, ncols=ncols, figsize=(10.0, 2.9 * nrows + 0.9), subtitle=subtitle)
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def figure_index(analysis: TrendAnalysis, source: str = ""):
    """Small multiples: each group's index (base month = 100) for the three areas; gaps are breaks."""
    from analysis.present import charts

    data = indexed_panel(analysis.panel, analysis.base_period)
    palette = charts.area_palette(analysis.municipality, analysis.comparison_area)
    base_label = month_long(analysis.base_period)
    fig, axes = _panel_figure(f"Udvikling siden {base_label} (indeks, {base_label} = 100)", len(analysis.groups))
    for ax, g in zip(axes, analysis.groups, strict=False):
        f = data[data["target_group"] == g.key]
        for area in analysis.areas:
            s = f[f["area"] == area]
            if s["index"].isna().all():
                continue  # no line, so no legend entry either (the notes say the area has no data)
            ax.plot(s["period_end"], s["index"], color=palette.get(area, charts.COUNTRY_COLOR), label=area,
                    linewidth=2.4 if area == analysis.municipality else 1.6)
        ax.axhline(100, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_title(g.name_da, fontsize=10.5)
        ax.set_xlabel("")
        ax.set_ylabel("Indeks")
        charts.number_axis(ax, "y")
        _date_ticks(ax)
    _legend(axes)
    charts.finish(fig, source=source)
    return fig


def figure_shares(analysis: TrendAnalysis, source: str = ""):
    """Small multiples: each group's level as a share of the population 16-66, three areas, whole period."""
    from analysis.present import charts

    palette = charts.area_palette(analysis.municipality, analysis.comparison_area)
    fig, axes = _panel_figure("Andel af befolkningen 16-66 år", len(analysis.groups),
                              subtitle=f"Målt i {share_unit_text(analysis.groups)}")
    for ax, g in zip(axes, analysis.groups, strict=False):
        f = analysis.panel[analysis.panel["target_group"] == g.key]
        for area in analysis.areas:
            s = f[f["area"] == area]
            if s["share_pct"].isna().all():
                continue
            ax.plot(s["period_end"], s["share_pct"], color=palette.get(area, charts.COUNTRY_COLOR), label=area,
                    linewidth=2.4 if area == analysis.municipality else 1.6)
        ax.axvline(periods.parse_period(analysis.base_period).end, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_title(g.name_da, fontsize=10.5)
        ax.set_ylabel("Pct. af 16-66-årige")
        ax.set_ylim(bottom=0)
        charts.percent_axis(ax, "y", decimals=1)
        _date_ticks(ax)
    _legend(axes)
    charts.finish(fig, source=source)
    return fig


def adjusted_span(seasonal: pd.DataFrame, group_key: str, area: str) -> tuple[str, str] | None:
    """First and last month with a seasonally adjusted value for one series of :func:`seasonal_panel`; None if none."""
    s = seasonal[(seasonal["target_group"] == group_key) & (seasonal["area"] == area)]
    months = s.loc[s["adjusted"].notna(), "period"]
    return (str(months.iloc[0]), str(months.iloc[-1])) if len(months) else None


def seasonal_notes(seasonal: pd.DataFrame, analysis: TrendAnalysis) -> list[str]:
    """Danish notes for the series (municipality and comparison area) that cannot be seasonally adjusted
    over the whole analysis, from the base month to each group's last month."""
    notes = []
    areas = [a for a in (analysis.municipality, analysis.comparison_area) if a]
    for g in analysis.groups:
        last = latest_period_of(analysis, g.key)
        for area in dict.fromkeys(areas):
            span = adjusted_span(seasonal, g.key, area)
            if span is None:
                notes.append(f"{g.name_da} i {area_in_text(area)} kan ikke sæsonkorrigeres, fordi der ikke er to års "
                             "sammenhængende månedstal; figuren viser kun det faktiske antal.")
            elif periods.parse_period(span[0]).end > periods.parse_period(analysis.base_period).end or span[1] != last:
                notes.append(f"{g.name_da} i {area_in_text(area)} er kun sæsonkorrigeret fra {fmt.period_label(span[0])} "
                             f"til {fmt.period_label(span[1])} (den længste række uden huller); uden for den er der "
                             "ingen sæsonkorrigeret værdi.")
    return notes


def figure_seasonal(seasonal: pd.DataFrame, analysis: TrendAnalysis, source: str = ""):
    """Small multiples: the municipality's raw series and the STL seasonally adjusted series.

    A panel whose series cannot be adjusted shows the raw series only and says so in the panel;
    the legend names only lines that are drawn.
    """
    from analysis.present import charts

    fig, axes = _panel_figure(f"{analysis.municipality}: faktisk og sæsonkorrigeret antal personer", len(analysis.groups))
    for ax, g in zip(axes, analysis.groups, strict=False):
        s = seasonal[(seasonal["target_group"] == g.key) & (seasonal["area"] == analysis.municipality)]
        ax.plot(s["period_end"], s["value"], color="#9ecae1", linewidth=1.3, label="Faktisk")
        if s["adjusted"].notna().any():
            ax.plot(s["period_end"], s["adjusted"], color=charts.MUNICIPALITY_COLOR, linewidth=2.3, label="Sæsonkorrigeret")
        else:
            ax.text(0.5, 0.08, "Kan ikke sæsonkorrigeres:\nunder to års sammenhængende månedstal", transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=8.5, color=charts.SOURCE_COLOR)
        ax.axvline(periods.parse_period(analysis.base_period).end, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_title(g.name_da, fontsize=10.5)
        ax.set_ylabel("Personer")
        ax.set_ylim(bottom=0)
        charts.number_axis(ax, "y")
        _date_ticks(ax)
    _legend(axes)
    charts.finish(fig, source=source)
    return fig


def _change_bars(ax, ch: pd.DataFrame, column: str, analysis: TrendAnalysis, palette: dict[str, str]) -> int:
    """Horizontal bars of one change column, groups down the axis and areas side by side; a change that
    cannot be computed gets a dash at zero instead of a bar (never a bar of zero). Returns the number of dashes."""
    from analysis.present import charts

    groups = [g.key for g in analysis.groups]
    values = ch.set_index(["target_group", "area"])[column]
    n = len(analysis.areas)
    height = 0.8 / n
    missing = 0
    for j, area in enumerate(analysis.areas):
        y = np.arange(len(groups)) - 0.4 + height * (j + 0.5)
        v = np.array([values.get((g, area), np.nan) for g in groups], dtype=float)
        ax.barh(y, np.nan_to_num(v), height=height, color=palette.get(area, charts.COUNTRY_COLOR), label=area)
        for yi in y[np.isnan(v)]:
            ax.text(0, yi, " –", ha="left", va="center", fontsize=9, color=charts.SOURCE_COLOR)
            missing += 1
    ax.set_yticks(np.arange(len(groups)), [g.name_da for g in analysis.groups])
    ax.set_ylim(len(groups) - 0.5, -0.5)
    return missing


def figure_changes(analysis: TrendAnalysis, source: str = ""):
    """Bars: percent change since the base month per group, the areas side by side; left the raw counts
    (as the status report counts), right the seasonally adjusted series. A change that cannot be
    computed is a dash, not a bar, and the figure says so."""
    from analysis.present import charts

    ch = analysis.changes
    palette = charts.area_palette(analysis.municipality, analysis.comparison_area)
    fig, (raw_ax, adj_ax) = charts.new_figure(
        f"Ændring fra {month_long(analysis.base_period)} til seneste måned", ncols=2, sharey=True,
        figsize=(10.0, 1.2 + 0.75 * len(analysis.groups)),
    )
    panels = ((raw_ax, "change_pct", "Faktisk antal (som statusrapporten)"), (adj_ax, "adjusted_change_pct", "Sæsonkorrigeret"))
    for ax, column, title in panels:
        if _change_bars(ax, ch, column, analysis, palette):
            ax.text(0.01, 0.01, "– = kan ikke beregnes (se teksten)", transform=ax.transAxes, ha="left", va="bottom",
                    fontsize=8, color=charts.SOURCE_COLOR)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_title(title, fontsize=10.5)
        ax.set_xlabel("Ændring i pct.")
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        charts.percent_axis(ax, "x", decimals=0)
    raw_ax.legend(title=None, loc="best")
    charts.finish(fig, source=source)
    return fig


def figure_composition(comp: pd.DataFrame, history: pd.DataFrame, analysis: TrendAnalysis, period: str, source: str = ""):
    """Left: duration distribution of the aktivitetsparate (seaborn bars); right: share over three years over time."""
    import seaborn as sns

    from analysis.present import charts

    areas = [a for a in analysis.areas if a != COUNTRY or analysis.comparison_area == COUNTRY]
    palette = charts.area_palette(analysis.municipality, analysis.comparison_area)
    fig, (left, right) = charts.new_figure(
        "Aktivitetsparate kontanthjælpsmodtagere efter varighed på ydelsen", ncols=2, figsize=(10.0, 4.3)
    )
    data = comp[comp["area"].isin(areas)].dropna(subset=["share_pct"])
    sns.barplot(data=data, x="duration", y="share_pct", hue="area", hue_order=areas, order=list(DURATIONS),
                palette=palette, ax=left)
    left.set_title(fmt.period_label(period), fontsize=10.5)
    left.set_xlabel("Varighed på ydelsen")
    left.set_ylabel("Andel af målgruppen")
    charts.percent_axis(left, "y")
    left.legend(title=None, loc="upper left")
    for area in areas:
        s = history[history["area"] == area]
        right.plot(s["period_end"], s["over_3_pct"], color=palette.get(area, charts.COUNTRY_COLOR), label=area,
                   linewidth=2.4 if area == analysis.municipality else 1.6)
    right.set_title("Andel på ydelsen i over tre år", fontsize=10.5)
    right.set_ylabel("Andel af målgruppen")
    charts.percent_axis(right, "y")
    _date_ticks(right)
    charts.finish(fig, source=source)
    return fig


# --------------------------------------------------------------------------- small helpers for the notebook

_SHARE_UNIT_GENERIC = "fuldtidspersoner eller personer efter målgruppe, se kolonnen 'Andel opgjort i'"
YOY_HEADINGS_DA = {
    "target_group": "Målgruppe",
    "area": "Område",
    "latest_period": "Seneste måned",
    "year_earlier_period": "Samme måned året før",
    "latest_value": "Antal personer, seneste måned",
    "year_earlier_value": "Antal personer, samme måned året før",
    "change": "Ændring i antal personer",
    "change_pct": "Ændring i antal personer (pct.)",
    "latest_share_pct": f"Andel af 16-66-årige, seneste måned (pct., opgjort i {_SHARE_UNIT_GENERIC})",
    "year_earlier_share_pct": f"Andel af 16-66-årige, samme måned året før (pct., opgjort i {_SHARE_UNIT_GENERIC})",
    "change_pp": f"Ændring i andel af 16-66-årige (pct.-point, opgjort i {_SHARE_UNIT_GENERIC})",
    "share_measured_in": "Andel opgjort i (fuldtidspersoner eller personer)",
}


def yoy_headings_da(groups: Sequence[TargetGroup]) -> dict[str, str]:
    """:data:`YOY_HEADINGS_DA` with the share headings naming the units of these groups
    ('opgjort i fuldtidspersoner; langtidsledige: personer')."""
    unit = share_unit_text(groups)
    if not unit:
        return dict(YOY_HEADINGS_DA)
    return {k: v.replace(_SHARE_UNIT_GENERIC, unit) for k, v in YOY_HEADINGS_DA.items()}


COMPOSITION_HEADINGS_DA = {
    "area": "Område",
    "period": "Måned",
    "duration": "Varighed på ydelsen",
    "persons": "Antal personer",
    "share_pct": "Andel af målgruppen (pct.)",
    "basis": "Grundlag (published = offentliggjort områdetal, sum_of_members = sum af kommunerne, "
             "published_minus_municipality = offentliggjort områdetal minus kommunens tal, "
             "sum_of_members_minus_municipality = sum af områdets øvrige kommuner)",
}


def month_long(code: str) -> str:
    """'2021M01' -> 'januar 2021' (for sentences)."""
    return fmt.date_da(periods.parse_period(code).end, style="month")


def latest_period_of(analysis: TrendAnalysis, group_key: str) -> str:
    """The last month of one group in the analysis (its table may end before the analysis end)."""
    f = analysis.panel[analysis.panel["target_group"] == group_key]
    return str(f["period"].iloc[-1])


def composition_wide(comp: pd.DataFrame, areas: Sequence[str]) -> pd.DataFrame:
    """Shares by duration (rows) and area (columns), plus rows for over two and over three years."""
    wide = comp.pivot(index="duration", columns="area", values="share_pct").reindex(list(DURATIONS))
    over2 = long_duration_share(comp, OVER_2_YEARS)
    wide.loc["Over 2 år i alt"] = over2  # "Over 3 år" is already a row of its own
    return wide.reindex(columns=[a for a in areas if a in wide.columns]).reset_index().rename(columns={"index": "duration"})


def basis_sentence(analysis: TrendAnalysis) -> str:
    """One Danish sentence saying, per area, whether its figures are published totals or sums of municipalities."""
    parts = []
    for area in analysis.areas:
        if area == analysis.municipality:
            continue
        bases = set(analysis.panel.loc[analysis.panel["area"] == area, "basis"])
        parent, without = split_area(area)
        if bases == {BASIS_PUBLISHED}:
            parts.append(f"{area}: offentliggjorte områdetal fra Jobindsats")
        elif bases == {BASIS_PUBLISHED_LESS}:
            parts.append(f"{area}: Jobindsats' offentliggjorte tal for {parent} fratrukket {_genitive(without)} egne tal")
        elif bases <= {BASIS_PUBLISHED, BASIS_MEMBERS} and BASIS_MEMBERS in bases:
            parts.append(f"{area}: summen af områdets {len(geography.members(area))} kommuner"
                         + (" (for nogle målgrupper)" if BASIS_PUBLISHED in bases else ""))
        elif bases <= {BASIS_PUBLISHED_LESS, BASIS_MEMBERS_LESS} and BASIS_MEMBERS_LESS in bases:
            parts.append(f"{area}: summen af de {len(geography.members(parent)) - 1} andre kommuner i {parent}"
                         + (" (for nogle målgrupper)" if BASIS_PUBLISHED_LESS in bases else ""))
        else:
            parts.append(f"{area}: ikke i data for alle målgrupper")
    return "Grundlag for områdetallene – " + "; ".join(parts) + "."


def comparison_note(analysis: TrendAnalysis) -> str:
    """A plain-Danish statement of the comparison area used, for the report's "Om tallene"."""
    mun, comp, parent = analysis.municipality, analysis.comparison_area, analysis.comparison_geography
    if comp == mun:
        return f"**Sammenligningsområde:** ingen; rapporten viser {mun} og hele landet."
    if analysis.excludes_municipality:
        return (
            f"**Sammenligningsområde:** {area_in_text(comp)}, dvs. tallene for {area_in_text(parent)} fratrukket "
            f"{_genitive(mun)} egne tal. {mun} er en af {len(geography.members(parent))} kommuner i {area_in_text(parent)}; "
            "indgik kommunen i sit eget sammenligningsområde, ville dens egne tal trække områdets tal i kommunens "
            "retning, så forskellen mellem kommunen og området ville se mindre ud, end den er. Antal for området "
            f"uden {mun} er områdets antal minus kommunens antal. Andele af de 16-66-årige er (områdets antal minus "
            "kommunens antal) divideret med (områdets befolkning minus kommunens befolkning), hvor befolkningen udledes "
            "af antal og andel i Jobindsats. Mangler kommunens tal for en måned, mangler områdets tal også for den måned. "
            f"Hele landet er landstallet, som {mun} indgår i."
        )
    return (
        f"**Sammenligningsområde:** {area_in_text(comp)} inklusive {mun} selv, som i statusrapporten. Fordi kommunen indgår "
        "i sit eget sammenligningsområde, er forskellen mellem kommunen og området mindre, end den ville være uden "
        "kommunen. Rapporten kan i stedet sammenligne med området uden kommunen."
    )


def subtitle_da(analysis: TrendAnalysis) -> str:
    """The report's subtitle: 'Udviklingen siden januar 2021 sammenlignet med RAR Sjælland og hele landet'."""
    others = [area_in_text(a) for a in analysis.areas if a != analysis.municipality]
    return f"Udviklingen siden {month_long(analysis.base_period)} sammenlignet med {' og '.join(others)}"


def has_durations(source: str = "", category: str = "Aktivitetsparat") -> bool:
    """True when Y36A02 in the data has the duration breakdown for the category (needed for the composition)."""
    if "Y36A02" not in load.available_tables(source):
        return False
    frame = load.load_table("Y36A02", source, measures="persons")
    present = set(frame.loc[frame["category"] == category, "duration"].unique())
    return set(DURATIONS) <= present
