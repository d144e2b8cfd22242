"""The target-group trends' report tables: Danish headings of the key tables (changes, year on year,
composition) and the frames the report shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.analyses.trends.compute import (
    DURATIONS,
    OVER_2_YEARS,
    TargetGroup,
    TrendAnalysis,
    in_source_words,
    long_duration_share,
    share_unit,
    share_unit_text,
)
from analysis.core import paths
from analysis.present import formats as fmt
from analysis.present.tables import TableSpec

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


# --------------------------------------------------------------------------- tables for display and CSV


def changes_for_display(analysis: TrendAnalysis, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The change table (default: the analysis's) with Danish group names and period labels, areas in role order."""
    ch = (analysis.changes if changes is None else changes).copy()
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


def composition_wide(comp: pd.DataFrame, areas: Sequence[str]) -> pd.DataFrame:
    """Shares by duration (rows) and area (columns), plus rows for over two and over three years."""
    wide = comp.pivot(index="duration", columns="area", values="share_pct").reindex(list(DURATIONS))
    over2 = long_duration_share(comp, OVER_2_YEARS)
    wide.loc["Over 2 år i alt"] = over2  # "Over 3 år" is already a row of its own
    return wide.reindex(columns=[a for a in areas if a in wide.columns]).reset_index().rename(columns={"index": "duration"})


# --------------------------------------------------------------------------- the report's tables (one spec each)

NOTEBOOK = "target_group_trends"
NO_DURATIONS_DA = ("Data har ikke aktivitetsparate kontanthjælpsmodtagere fordelt på varighed (Jobindsats Y36A02), "
                   "så afsnittet er udeladt.")


def _signed_pct1(x) -> str:
    return fmt.signed(x, 1, suffix="%")


def _pp2(x) -> str:
    return fmt.pp(x, 2)


def _highlight_area(name: str):
    return lambda row: row.area == name


def _area_columns(areas: Sequence[str], decimals: int) -> tuple[dict[str, str], dict]:
    """One column per area, headed by its name, as a percentage with ``decimals``."""
    return {a: a for a in areas}, {a: (lambda x: fmt.percent(x, decimals)) for a in areas}


def changes_spec(analysis: TrendAnalysis) -> TableSpec:
    """The change since the base month, counted three ways (``changes``); shown with Danish labels."""
    name, area = analysis.municipality, analysis.comparison_area
    return _in_source_words(analysis, TableSpec(
        columns_da={"group_da": "Målgruppe", "area": "Område",
                    "base_value": f"Antal personer {fmt.period_label(analysis.base_period)}",
                    "latest_label": "Seneste måned", "latest_value": "Antal personer seneste måned",
                    "change": "Ændring i faktisk antal (personer)", "change_pct": "Ændring i faktisk antal (pct.)",
                    "adjusted_change_pct": "Ændring, sæsonkorrigeret (pct.)",
                    "year_on_year_change_pct": "Ændring fra samme måned året før (pct.)"},
        formats={"base_value": fmt.integer, "latest_value": fmt.integer, "change": fmt.signed,
                 "change_pct": _signed_pct1, "adjusted_change_pct": _signed_pct1, "year_on_year_change_pct": _signed_pct1},
        caption=f"Antal personer i basismåneden og seneste måned, og ændringen opgjort på tre måder: {name} og {area}",
        highlight=_highlight_area(name),
        notebook=NOTEBOOK, name="changes", title_da="Ændring fra basismåneden til seneste måned",
        headings_da=CHANGE_HEADINGS_DA, prepare=lambda changes: changes_for_display(analysis, changes),
    ))


def _in_source_words(analysis: TrendAnalysis, spec: TableSpec) -> TableSpec:
    """The spec's Danish texts in the analysis's terms (quarters, full-time recipients on StatBank: ``in_source_words``)."""
    def words(mapping):
        return {k: in_source_words(v, analysis) for k, v in mapping.items()} if mapping else mapping

    return dataclasses.replace(spec, columns_da=words(spec.columns_da), headings_da=words(spec.headings_da),
                               caption=in_source_words(spec.caption or "", analysis) or spec.caption,
                               title_da=in_source_words(spec.title_da or "", analysis) or spec.title_da)


def shares_spec(analysis: TrendAnalysis) -> TableSpec:
    """The latest share of the population 16-66 per group and area (:func:`latest_shares`; shown only)."""
    areas, formats = _area_columns(analysis.areas, 2)
    return TableSpec(
        columns_da={"group_da": "Målgruppe", "period_label": "Måned", "share_measured_in": "Andel opgjort i", **areas},
        formats=formats, caption="Andel af befolkningen 16-66 år i seneste måned",
    )


def yoy_spec(analysis: TrendAnalysis) -> TableSpec:
    """The latest month against the same month a year earlier (``year_on_year``, from ``trends.year_on_year``)."""
    headings = yoy_headings_da(analysis.groups)

    def shown(yoy: pd.DataFrame) -> pd.DataFrame:
        return yoy.assign(group_da=yoy["target_group"].map(analysis.group_names()),
                          latest_label=yoy["latest_period"].map(fmt.period_label))

    columns = {"group_da": "Målgruppe", "area": "Område", "latest_label": "Måned", "latest_value": "Antal personer",
               "year_earlier_value": "Antal personer samme måned året før",
               "change_pct": "Ændring i antal personer (pct.)", "share_measured_in": "Andel opgjort i",
               "change_pp": headings["change_pp"]}
    if analysis.source == paths.STATBANK:  # AUK01 has no shares of the population
        columns = {k: v for k, v in columns.items() if k not in ("share_measured_in", "change_pp")}
    return _in_source_words(analysis, TableSpec(
        columns_da=columns,
        formats={"latest_value": fmt.integer, "year_earlier_value": fmt.integer, "change_pct": _signed_pct1,
                 "change_pp": _pp2},
        caption="Seneste måned mod samme måned året før: antal i personer, andele i fuldtidspersoner eller personer",
        highlight=_highlight_area(analysis.municipality),
        notebook=NOTEBOOK, name="year_on_year", title_da="Seneste måned mod samme måned året før",
        headings_da=headings, prepare=shown,
    ))


def composition_spec(analysis: TrendAnalysis, month: str) -> TableSpec:
    """The activity-ready recipients by duration (``composition``): shown wide (:func:`composition_wide`)."""
    areas, formats = _area_columns(analysis.areas, 1)
    columns = ["area", "period", "duration", "persons", "share_pct", "basis"]
    return TableSpec(
        columns_da={"duration": "Varighed på ydelsen", **areas}, formats=formats,
        caption=f"Andel af de aktivitetsparate kontanthjælpsmodtagere, {fmt.period_label(month)}",
        notebook=NOTEBOOK, name="composition", title_da="Aktivitetsparate efter varighed på ydelsen",
        headings_da=COMPOSITION_HEADINGS_DA,
        prepare=lambda comp: composition_wide(comp, analysis.areas),
        to_csv=lambda comp: comp.assign(period=month)[columns],
    )


MONTHLY_COLUMNS = ["target_group", "area", "period", "value", "share_pct", "basis"]
MONTHLY_SPEC = TableSpec(
    notebook=NOTEBOOK, name="monthly", title_da="Målgruppernes månedstal",
    headings_da={"target_group": "Målgruppe", "area": "Område", "period": "Måned",
                 "value": "Antal personer (faktisk antal)", "share_pct": "Andel af befolkningen 16-66 år (pct.)",
                 "basis": "Grundlag (published = offentliggjort; sum = summen af kommunerne)"},
    to_csv=lambda panel: panel[MONTHLY_COLUMNS],
)
"""Every group's monthly series for the municipality, the comparison area and the country (the panel
of :func:`~analysis.analyses.trends.compute.group_panel`): the key table ``target_group_trends__monthly``,
which the municipality's front page draws its small multiples and quarter changes from."""


def comparison_spec(analysis: TrendAnalysis) -> TableSpec:
    """Jobindsats and Danmarks Statistik (AUK01) side by side (``trends.compare_sources``): levels and changes."""
    both = {"jobindsats": "Jobindsats", "statbank": "Danmarks Statistik"}
    columns = {"group_da": "Målgruppe"}  # the quarters are in the sentences above the table
    for key, name in both.items():
        columns |= {f"{key}_base": f"{name}, basiskvartal", f"{key}_latest": f"{name}, seneste kvartal",
                    f"{key}_change_pct": f"{name}, ændring (pct.)"}
    columns["statbank_pct_of_jobindsats"] = "Danmarks Statistik i pct. af Jobindsats, seneste kvartal"
    formats = {c: fmt.integer for c in columns if c.endswith(("_base", "_latest"))}
    formats |= {c: _signed_pct1 for c in columns if c.endswith("_change_pct")}
    formats["statbank_pct_of_jobindsats"] = lambda x: fmt.percent(x, 1)

    return TableSpec(
        columns_da=columns, formats=formats,
        caption=(f"{analysis.municipality} i to kilder: Jobindsats' fuldtidspersoner (gennemsnit af kvartalets tre "
                 "måneder) og Danmarks Statistiks fuldtidsmodtagere (AUK01)"),
        notebook=NOTEBOOK, name="source_comparison", title_da="Jobindsats og Danmarks Statistik side om side",
        headings_da={"target_group": "Målgruppe (nøgle)", "base_period": "Basiskvartal", "latest_period": "Seneste kvartal"},
    )
