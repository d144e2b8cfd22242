"""The front page's numbers, from the key tables the four reports wrote (``tables/*.csv``).

The reports compute everything once; the front page reads their key tables (the same frames the
package functions returned, written by :func:`analysis.present.report.save_table`) and derives the
quarter at a glance from them, so a batch of 98 municipalities costs a few CSV reads per
municipality, not a second run of the analyses. A table that is not there (a report failed or was
not run) leaves its part of the page out and is named in :attr:`FrontPageInputs.missing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.analyses.key_figures.definitions import FIGURE_KEYS
from analysis.analyses.trends.compute import GROUPS as TARGET_GROUPS
from analysis.reference import periods

NOTEBOOK = "front_page"
COUNTRY = "Hele landet"
SMALL_MULTIPLE_MONTHS = 24

REPORTS: dict[str, str] = {
    "benchmark_ranking": "Beskæftigelsesministeriets benchmark",
    "target_group_trends": "Målgruppernes udvikling",
    "quarterly_key_figures": "Kvartalets nøgletal",
    "business_programs": "Virksomhedsrettede indsatser",
}
"""The reports the front page summarises, in the order it shows their headline sentences (notebook -> Danish title)."""

KEY_TABLES: dict[str, tuple[str, str]] = {
    "rank_history": ("benchmark_ranking", "rank_history"),
    "monthly": ("target_group_trends", "monthly"),
    "trend_changes": ("target_group_trends", "changes"),
    "key_figures": ("quarterly_key_figures", "key_figures"),
}
"""The key tables the tiles come from: role -> (notebook, table), i.e. ``tables/<notebook>__<table>.csv``."""

_TEXT_COLUMNS = ("period", "previous_period", "latest_period", "base_period", "year_earlier_period", "quarter",
                 "previous_quarter", "year_earlier_quarter", "target_group", "area", "figure", "sentence")


@dataclass
class FrontPageInputs:
    """The key tables found in a municipality's folder; ``missing`` names, in Danish, what was not there."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    headlines: dict[str, list[str]] = field(default_factory=dict)  # notebook -> sentences
    missing: list[str] = field(default_factory=list)


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=dict.fromkeys(_TEXT_COLUMNS, str), encoding="utf-8")


def read_inputs(folder: str | Path) -> FrontPageInputs:
    """The key tables and headline sentences under ``<folder>/tables/`` (what exists; the rest in ``missing``)."""
    tables_dir = Path(folder) / "tables"
    inputs = FrontPageInputs()
    for role, (notebook, table) in KEY_TABLES.items():
        path = tables_dir / f"{notebook}__{table}.csv"
        if path.is_file():
            inputs.tables[role] = _read_csv(path)
        else:
            inputs.missing.append(f"tabellen {path.name} fra rapporten »{REPORTS[notebook]}«")
    for notebook, title in REPORTS.items():
        path = tables_dir / f"{notebook}__headlines.csv"
        if path.is_file():
            inputs.headlines[notebook] = [str(s) for s in _read_csv(path)["sentence"].dropna()]
        else:
            inputs.missing.append(f"hovedpointerne fra rapporten »{title}«")
    return inputs


def _sorted_periods(codes) -> list[str]:
    return periods.sort_codes(str(c) for c in codes)


def benchmark_tiles(rank_history: pd.DataFrame) -> pd.DataFrame:
    """The latest benchmark rank per benefit group and the change since the previous measurement.

    Columns: ``benefit_group``, ``period``, ``rank``, ``previous_period``, ``previous_rank``,
    ``places_gained`` (previous rank minus rank: positive = moved up), ``difference_pp`` (actual minus
    expected, percentage points of the population 16-66). Groups in the table's order; the previous
    measurement missing gives missing changes, never 0.
    """
    codes = _sorted_periods(rank_history["period"].unique())
    last = codes[-1]
    previous = codes[-2] if len(codes) > 1 else None
    rows = []
    for group in dict.fromkeys(rank_history["benefit_group"]):
        own = rank_history[rank_history["benefit_group"] == group].set_index("period")
        rank = own["rank"].get(last, np.nan)
        prev = own["rank"].get(previous, np.nan) if previous else np.nan
        rows.append({
            "benefit_group": group, "period": last, "rank": rank, "previous_period": previous or "",
            "previous_rank": prev, "places_gained": prev - rank,
            "difference_pp": own["difference_pp"].get(last, np.nan) if "difference_pp" in own else np.nan,
        })
    return pd.DataFrame(rows)


def _value_at(series: pd.Series, code: str) -> float:
    value = series.get(code, np.nan)
    return float(value) if pd.notna(value) else np.nan


def _pct_change(new, old):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((old != 0) & pd.notna(old) & pd.notna(new), (new - old) / np.abs(old) * 100.0, np.nan)


def periods_per_quarter_and_year(code: str) -> tuple[int, int]:
    """How many periods of ``code``'s kind make a quarter and a year: (3, 12) for months; (1, 4) for
    quarters (the trends report on Statistics Denmark's AUK01 is quarterly)."""
    return (3, 12) if periods.parse_period(code).kind == "M" else (1, 4)


def count_unit_da(code: str) -> str:
    """What a target group's count is, in Danish: persons in a month (Jobindsats) or full-time recipients
    in a quarter (Statistics Denmark's AUK01, the only quarterly source of the trends report)."""
    return "personer" if periods.parse_period(code).kind == "M" else "fuldtidsmodtagere"


def group_name_da(group: str, period: str) -> str:
    """A target group's Danish name as its report names it: the Jobindsats groups' names for monthly series,
    the StatBank mapping's (``config/statbank_groups.yaml``) for quarterly ones."""
    if periods.parse_period(period).kind != "M":
        from analysis.analyses.trends.statbank import load_mapping

        names = {g.key: g.name_da for g in load_mapping()[0]}
        if group in names:
            return names[group]
    return TARGET_GROUPS[group].name_da if group in TARGET_GROUPS else group


def target_group_tiles(monthly: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """Each target group's latest period with the change since the previous quarter (the same month 3
    months earlier, or the quarter before) and since a year earlier, for the municipality.

    Columns :data:`TARGET_TILE_COLUMNS`: ``target_group``, ``group_da``, ``period``, ``value``, ``unit``
    (:func:`count_unit_da`), ``share_pct``, ``previous_period``, ``previous_value``, ``change_quarter``,
    ``change_quarter_pct``, ``year_earlier_period``, ``year_earlier_value``, ``change_year``,
    ``change_year_pct``. A period not in the data stays missing.
    """
    own = monthly[(monthly["area"] == municipality) & monthly["value"].notna()]
    rows = []
    for group, series in own.groupby("target_group", sort=False):
        series = series.set_index("period")
        last = _sorted_periods(series.index)[-1]
        per_quarter, per_year = periods_per_quarter_and_year(last)
        prev, year = periods.shift(last, -per_quarter), periods.shift(last, -per_year)
        value = _value_at(series["value"], last)
        rows.append({
            "target_group": group, "group_da": group_name_da(group, last),
            "period": last, "value": value, "unit": count_unit_da(last), "share_pct": _value_at(series["share_pct"], last),
            "previous_period": prev, "previous_value": _value_at(series["value"], prev),
            "year_earlier_period": year, "year_earlier_value": _value_at(series["value"], year),
        })
    out = pd.DataFrame(rows, columns=["target_group", "group_da", "period", "value", "unit", "share_pct",
                                      "previous_period", "previous_value", "year_earlier_period", "year_earlier_value"])
    out["change_quarter"] = out["value"] - out["previous_value"]
    out["change_quarter_pct"] = _pct_change(out["value"], out["previous_value"])
    out["change_year"] = out["value"] - out["year_earlier_value"]
    out["change_year_pct"] = _pct_change(out["value"], out["year_earlier_value"])
    return out[TARGET_TILE_COLUMNS]


TARGET_TILE_COLUMNS = ["target_group", "group_da", "period", "value", "unit", "share_pct", "previous_period", "previous_value",
                       "change_quarter", "change_quarter_pct", "year_earlier_period", "year_earlier_value",
                       "change_year", "change_year_pct"]

KEY_TILE_COLUMNS = ["figure", "label_da", "unit", "quarter", "value", "previous_quarter", "previous_value",
                    "change_quarter", "change_quarter_pct", "target", "target_direction", "target_compared_value",
                    "status", "status_da"]


def key_figure_tiles(key_figures: pd.DataFrame) -> pd.DataFrame:
    """The key figures of the quarter against their targets, with the change since the previous quarter.

    Columns :data:`KEY_TILE_COLUMNS`; ``status`` is the report's own (met, not_met, not_in_period,
    no_data, or empty when the figure has no target).
    """
    out = key_figures.copy()
    for column in ("target_compared_value", "status", "status_da", "target", "target_direction"):
        if column not in out:
            out[column] = np.nan
    out["status"] = out["status"].astype(object).fillna("")
    out["change_quarter"] = out["value"] - out["previous_value"]
    out["change_quarter_pct"] = _pct_change(out["value"], out["previous_value"])
    return out[KEY_TILE_COLUMNS].reset_index(drop=True)


def _direction(figure: str, target_direction) -> str | None:
    """``max`` when less of a key figure is better, ``min`` when more is (its definition, else its target)."""
    if figure in FIGURE_KEYS:
        return "max" if FIGURE_KEYS[figure].better == "lower" else "min"
    return target_direction if target_direction in ("max", "min") else None


SINCE_COLUMNS = ["item", "kind", "unit", "previous_period", "previous_value", "period", "value", "change",
                 "change_pct", "better"]


def since_last_quarter(target_tiles: pd.DataFrame | None, key_tiles: pd.DataFrame | None) -> pd.DataFrame:
    """What moved most since the previous quarter: every target group and key figure, largest relative
    change first (a share's relative change too, so a share and a count compare).

    Columns :data:`SINCE_COLUMNS`; ``kind`` is ``target_group`` or ``key_figure``; ``better`` is True
    when the move is in the good direction (fewer recipients; a key figure as its
    definition's ``better``, else its target's direction), False when in the bad one,
    missing when no direction is known or nothing changed. Rows without a change (a quarter
    missing) come last.
    """
    rows = []
    if target_tiles is not None:
        for t in target_tiles.itertuples(index=False):
            rows.append({"item": t.group_da, "kind": "target_group", "unit": t.unit,
                         "previous_period": t.previous_period, "previous_value": t.previous_value, "period": t.period,
                         "value": t.value, "change": t.change_quarter, "change_pct": t.change_quarter_pct,
                         "direction": "max"})
    if key_tiles is not None:
        for k in key_tiles.itertuples(index=False):
            rows.append({"item": k.label_da, "kind": "key_figure", "unit": k.unit, "previous_period": k.previous_quarter,
                         "previous_value": k.previous_value, "period": k.quarter, "value": k.value,
                         "change": k.change_quarter, "change_pct": k.change_quarter_pct,
                         "direction": _direction(k.figure, k.target_direction)})
    frame = pd.DataFrame(rows, columns=[*SINCE_COLUMNS[:-1], "direction"])
    if frame.empty:
        return frame.drop(columns="direction").assign(better=pd.Series(dtype="object"))
    sign = np.sign(frame["change"].astype(float))
    better = pd.Series(pd.NA, index=frame.index, dtype="object")
    better[(frame["direction"] == "max") & (sign != 0) & sign.notna()] = sign < 0
    better[(frame["direction"] == "min") & (sign != 0) & sign.notna()] = sign > 0
    frame["better"] = better
    order = frame["change_pct"].abs().sort_values(ascending=False, na_position="last").index
    return frame.loc[order, SINCE_COLUMNS].reset_index(drop=True)


def comparison_area_of(monthly: pd.DataFrame, municipality: str) -> str | None:
    """The comparison area in the trends' monthly table (neither the municipality nor the country), else the country."""
    others = [a for a in dict.fromkeys(monthly["area"]) if a not in (municipality, COUNTRY)]
    if others:
        return others[0]
    return COUNTRY if (monthly["area"] == COUNTRY).any() else None


def small_multiples(monthly: pd.DataFrame, municipality: str, months: int = SMALL_MULTIPLE_MONTHS) -> pd.DataFrame:
    """The last ``months`` months of each target group for the municipality and its comparison area,
    indexed to the first period of that window (= 100), so both fit one small chart; quarterly series
    (Statistics Denmark) show the quarters of the same window.

    Columns: ``target_group``, ``group_da``, ``area``, ``role`` (``municipality``/``comparison``),
    ``period``, ``value``, ``index``. The window ends at the municipality's latest period of the group.
    """
    comparison = comparison_area_of(monthly, municipality)
    series = {key: frame.set_index("period")["value"] for key, frame in
              monthly[monthly["area"].isin([municipality, comparison])].groupby(["target_group", "area"], sort=False)}
    frames = []
    for group in dict.fromkeys(monthly.loc[monthly["area"] == municipality, "target_group"]):
        own = series[(group, municipality)].dropna()
        if own.empty:
            continue
        last = _sorted_periods(own.index)[-1]
        if periods.parse_period(last).kind == "M":
            window = periods.month_range(periods.shift(last, -(months - 1)), last)
        else:
            window = periods.quarter_range(periods.shift(last, -(months // 3 - 1)), last)
        for area, role in ((municipality, "municipality"), (comparison, "comparison")):
            if (group, area) not in series:
                continue
            values = series[(group, area)].reindex(window).astype(float)
            first = values.dropna()
            base = first.iloc[0] if len(first) and first.iloc[0] != 0 else np.nan
            frames.append(pd.DataFrame({
                "target_group": group, "group_da": group_name_da(group, last),
                "area": area, "role": role, "period": window, "value": values.to_numpy(),
                "index": (values / base * 100.0).to_numpy(),
            }))
    columns = ["target_group", "group_da", "area", "role", "period", "value", "index"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


OVERVIEW_FIXED = ["code", "municipality", "benchmark_period", "rank_total", "rank_places_gained", "base_period",
                  "key_figures_met", "key_figures_not_met", "key_figures_judged"]


def overview_row(code: int, municipality: str, inputs: FrontPageInputs, bench: pd.DataFrame | None,
                 key_tiles: pd.DataFrame | None) -> dict:
    """One municipality's row of the national overview: benchmark rank in total and its change, each
    target group's change since the base month and since the same month last year (the trends report's
    own ``changes`` table, in percent), and how many key figures met their target of the quarter."""
    row: dict = {"code": int(code), "municipality": municipality}
    total = bench.iloc[0] if bench is not None and len(bench) else None
    row["benchmark_period"] = total["period"] if total is not None else ""
    row["rank_total"] = total["rank"] if total is not None else np.nan
    row["rank_places_gained"] = total["places_gained"] if total is not None else np.nan
    changes = inputs.tables.get("trend_changes")
    row["base_period"] = ""
    if changes is not None:
        own = changes[changes["area"] == municipality]
        if len(own):
            row["base_period"] = str(own["base_period"].iloc[0])
        for group in TARGET_GROUPS:
            hit = own[own["target_group"] == group]
            row[f"{group}_change_base_pct"] = float(hit["change_pct"].iloc[0]) if len(hit) else np.nan
            row[f"{group}_change_year_pct"] = float(hit["year_on_year_change_pct"].iloc[0]) if len(hit) else np.nan
    else:
        for group in TARGET_GROUPS:
            row[f"{group}_change_base_pct"] = row[f"{group}_change_year_pct"] = np.nan
    if key_tiles is not None:
        row["key_figures_met"] = int((key_tiles["status"] == "met").sum())
        row["key_figures_not_met"] = int((key_tiles["status"] == "not_met").sum())
        row["key_figures_judged"] = row["key_figures_met"] + row["key_figures_not_met"]
    else:
        row["key_figures_met"] = row["key_figures_not_met"] = row["key_figures_judged"] = np.nan
    return row


def overview_columns() -> list[str]:
    """The overview's columns: :data:`OVERVIEW_FIXED` then two per target group."""
    per_group = [f"{g}_change_{w}_pct" for g in TARGET_GROUPS for w in ("base", "year")]
    return [*OVERVIEW_FIXED, *per_group]


@dataclass
class FrontPage:
    """Everything one municipality's front page shows (tables missing -> None)."""

    municipality: str
    code: int
    inputs: FrontPageInputs
    benchmark: pd.DataFrame | None
    target_groups: pd.DataFrame | None
    key_figures: pd.DataFrame | None
    since: pd.DataFrame
    multiples: pd.DataFrame | None
    comparison_area: str | None
    overview: dict


def front_page(folder: str | Path, municipality: str, code: int) -> FrontPage:
    """Compute a municipality's front page from the key tables in its report folder."""
    inputs = read_inputs(folder)
    t = inputs.tables
    bench = benchmark_tiles(t["rank_history"]) if "rank_history" in t and len(t["rank_history"]) else None
    monthly = t.get("monthly")
    targets = target_group_tiles(monthly, municipality) if monthly is not None else None
    keys = key_figure_tiles(t["key_figures"]) if "key_figures" in t else None
    multiples = small_multiples(monthly, municipality) if monthly is not None else None
    comparison = comparison_area_of(monthly, municipality) if monthly is not None else None
    return FrontPage(municipality, int(code), inputs, bench, targets, keys, since_last_quarter(targets, keys),
                     multiples, comparison, overview_row(code, municipality, inputs, bench, keys))
