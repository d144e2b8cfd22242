"""The target-group trends' report tables: Danish headings of the key tables (changes, year on year,
composition) and the frames the report shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.analyses.trends.compute import (
    DURATIONS,
    OVER_2_YEARS,
    TargetGroup,
    TrendAnalysis,
    long_duration_share,
    share_unit,
    share_unit_text,
)
from analysis.present import formats as fmt

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
