"""The target-group trends' figures: indexed development, shares of the population, the seasonally
adjusted series, the changes and the composition by duration, in the house style
(:mod:`analysis.present.charts`). Lines are drawn with matplotlib so a month missing in the source
breaks the line instead of being bridged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.analyses.trends.compute import (
    COUNTRY,
    DURATIONS,
    TrendAnalysis,
    in_source_words,
    indexed_panel,
    share_unit_text,
)
from analysis.analyses.trends.sentences import month_long
from analysis.present import formats as fmt
from analysis.present import palette as colours
from analysis.reference import periods

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
        ax.axhline(100, color=colours.REFERENCE_LINE, linewidth=0.8, linestyle=":")
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
        ax.axvline(periods.parse_period(analysis.base_period).end, color=colours.REFERENCE_LINE, linewidth=0.8, linestyle=":")
        ax.set_title(g.name_da, fontsize=10.5)
        ax.set_ylabel("Pct. af 16-66-årige")
        ax.set_ylim(bottom=0)
        charts.percent_axis(ax, "y", decimals=1)
        _date_ticks(ax)
    _legend(axes)
    charts.finish(fig, source=source)
    return fig


def figure_seasonal(seasonal: pd.DataFrame, analysis: TrendAnalysis, source: str = ""):
    """Small multiples: the municipality's raw series and the STL seasonally adjusted series.

    A panel whose series cannot be adjusted shows the raw series only and says so in the panel;
    the legend names only lines that are drawn.
    """
    from analysis.present import charts

    fig, axes = _panel_figure(in_source_words(f"{analysis.municipality}: faktisk og sæsonkorrigeret antal personer", analysis),
                              len(analysis.groups))
    for ax, g in zip(axes, analysis.groups, strict=False):
        s = seasonal[(seasonal["target_group"] == g.key) & (seasonal["area"] == analysis.municipality)]
        ax.plot(s["period_end"], s["value"], color=colours.LIGHT_BLUE, linewidth=1.3, label="Faktisk")
        if s["adjusted"].notna().any():
            ax.plot(s["period_end"], s["adjusted"], color=charts.MUNICIPALITY_COLOR, linewidth=2.3, label="Sæsonkorrigeret")
        else:
            ax.text(0.5, 0.08, in_source_words("Kan ikke sæsonkorrigeres:\nunder to års sammenhængende månedstal", analysis),
                    transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=8.5, color=charts.SOURCE_COLOR)
        ax.axvline(periods.parse_period(analysis.base_period).end, color=colours.REFERENCE_LINE, linewidth=0.8, linestyle=":")
        ax.set_title(g.name_da, fontsize=10.5)
        ax.set_ylabel(in_source_words("Personer", analysis))
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
        in_source_words(f"Ændring fra {month_long(analysis.base_period)} til seneste måned", analysis), ncols=2, sharey=True,
        figsize=(10.0, 1.2 + 0.75 * len(analysis.groups)),
    )
    panels = ((raw_ax, "change_pct", "Faktisk antal (som statusrapporten)"), (adj_ax, "adjusted_change_pct", "Sæsonkorrigeret"))
    for ax, column, title in panels:
        if _change_bars(ax, ch, column, analysis, palette):
            ax.text(0.01, 0.01, "– = kan ikke beregnes (se teksten)", transform=ax.transAxes, ha="left", va="bottom",
                    fontsize=8, color=charts.SOURCE_COLOR)
        ax.axvline(0, color=colours.ZERO_LINE, linewidth=0.8)
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
