"""Company-based programmes' figures, in the house style (:mod:`analysis.present.charts`): volume,
private or public, employment afterwards with intervals, ordinary paid hours, placement rate, and
the adjusted effects of :mod:`~analysis.analyses.business_programs.effects`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses.business_programs.compute import (
    COMPANY_TOTAL,
    SOURCE_JOBAG,
    SOURCE_JOBINDSATS,
    TARGET_GROUPS,
    TG_TOTAL,
    VERDICT_NO_DATA,
    VERDICT_SUPPRESSED,
    VERDICT_TOO_FEW,
    Setup,
    areas_in_data,
)
from analysis.analyses.business_programs.sentences import geography_phrase
from analysis.present import charts
from analysis.present import formats as fmt
from analysis.present import palette as colours
from analysis.reference import geography, periods
from analysis.sources.local.spells import REFERENCE_PROGRAMME

# --------------------------------------------------------------------------- figures


def _month_x(frame: pd.DataFrame) -> pd.DataFrame:
    """Plot months at their first day, so the year ticks (1 January) line up with the data."""
    return frame.assign(x=pd.to_datetime(frame["period_end"]).dt.to_period("M").dt.start_time)


def _style_month_axis(ax) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.YearLocator())
    charts.date_axis(ax, "year")
    ax.margins(x=0.01)
    ax.set_xlabel("")


def _percent_ticks(ax, which: str = "y") -> None:
    """Whole-percent ticks at 1, 2, 5 or 10 steps (never 2,5 rounded to 3)."""
    from matplotlib.ticker import MaxNLocator

    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    charts.percent_axis(ax, which)


def titled_figure(title: str, subtitle: str | None = None, *, figsize=(8.5, 4.6)):
    """A one-panel figure in the house style with a grey subtitle above the plot (never overlapping the title)."""
    fig, ax = charts.new_figure(title, figsize=figsize)
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=9.5, fontweight="normal", color=charts.SOURCE_COLOR, pad=8)
    return fig, ax


def figure_volume(vol: pd.DataFrame, setup: Setup, source: str):
    """Small multiples: share of recipients in a company-based programme per target group, three areas."""
    import seaborn as sns

    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    groups = [TG_TOTAL, *TARGET_GROUPS]
    fig, axes = charts.new_figure("Andel af modtagerne i virksomhedsrettede tilbud", nrows=3, ncols=2,
                                   figsize=(9.5, 9.0), sharex=True,
                                   subtitle="Procent af modtagerne i målgruppen, pr. måned")
    for ax, g in zip(axes.flat, groups, strict=True):
        data = _month_x(vol[vol["target_group"] == g].dropna(subset=["activation_pct"]))
        if data.empty:
            ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color=colours.NOTE_TEXT)
        else:
            sns.lineplot(data=data, x="x", y="activation_pct", hue="area", hue_order=areas_in_data(data, setup.areas),
                         palette=palette, ax=ax, linewidth=1.6, legend=False, estimator=None)
        ax.set_title("Alle målgrupper" if g == TG_TOTAL else g, fontsize=10.5)
        ax.set_ylabel("")
        ax.set_ylim(bottom=0)
        _percent_ticks(ax, "y")
        _style_month_axis(ax)
    _area_legend(fig, palette, areas_in_data(vol.dropna(subset=["activation_pct"]), setup.areas))
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def _area_legend(fig, palette: dict, areas: list[str]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([0], [0], color=palette[a], linewidth=2.2) for a in areas]
    fig.legend(handles, areas, loc="outside upper right", ncols=len(areas), fontsize=9)


def figure_sector_split(split: pd.DataFrame, setup: Setup, source: str):
    """Horizontal bars: private share of company-based programmes per target group, three areas."""
    import seaborn as sns

    data = split[(split["period"] == setup.month)].dropna(subset=["private_share_pct"]).copy()
    order = [g for g in [TG_TOTAL, *TARGET_GROUPS] if g in set(data["target_group"])]
    data["label"] = data["target_group"].replace({TG_TOTAL: "Alle målgrupper"})
    labels = ["Alle målgrupper" if g == TG_TOTAL else g for g in order]
    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    fig, ax = titled_figure("Andel af virksomhedsrettede tilbud i private virksomheder",
                            f"Seneste 12 måneder til og med {fmt.period_label(setup.month)}; resten er i offentlige virksomheder",
                            figsize=(8.5, 6.0))
    if data.empty:
        ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color=colours.NOTE_TEXT)
    else:
        sns.barplot(data=data, y="label", x="private_share_pct", hue="area", hue_order=areas_in_data(data, setup.areas),
                    order=labels, palette=palette, ax=ax, orient="h")
        for container in ax.containers:
            values = [b.get_width() for b in container]
            ax.bar_label(container, labels=[fmt.percent(v, 0) if np.isfinite(v) and v > 0 else "" for v in values],
                         padding=3, fontsize=7.5, color=colours.FIGURE_TEXT)
        ax.legend(title="", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, fontsize=8.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("")
    ax.set_ylabel("")
    charts.percent_axis(ax, "x")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def figure_employment_after(compare: pd.DataFrame, setup: Setup, source: str, programme: str = COMPANY_TOTAL):
    """Dot-and-interval plot: employment share with 95 % intervals per target group, municipality vs Hele landet."""
    rows = compare[compare["programme"] == programme].reset_index(drop=True)
    fig, ax = titled_figure("I beskæftigelse 6 måneder efter et virksomhedsrettet forløb",
                            f"{_programme_phrase(programme)}, {fmt.period_label(setup.qmat)}. "
                            "Linjerne er 95 %-konfidensintervaller.", figsize=(8.5, 5.0))
    y = np.arange(len(rows))
    for offset, (share, lo, hi, color, label) in enumerate([
        ("municipality_share", "ci_low", "ci_high", charts.MUNICIPALITY_COLOR, setup.municipality),
        ("country_share", "country_ci_low", "country_ci_high", charts.COUNTRY_COLOR, geography.COUNTRY),
    ]):
        yy = y + (0.18 if offset else -0.18)
        ok = rows[share].notna()
        ax.errorbar(rows.loc[ok, share], yy[ok], xerr=[rows.loc[ok, share] - rows.loc[ok, lo], rows.loc[ok, hi] - rows.loc[ok, share]],
                    fmt="o", color=color, ecolor=color, elinewidth=1.6, capsize=3, markersize=6, label=label)
    for i, r in rows.iterrows():
        if r["verdict"] in (VERDICT_SUPPRESSED, VERDICT_TOO_FEW, VERDICT_NO_DATA) and pd.isna(r["municipality_share"]):
            ax.text(1, i - 0.18, r["verdict"], va="center", fontsize=8, color=colours.NOTE_TEXT)
    ax.set_yticks(y, ["Alle målgrupper" if g == TG_TOTAL else g for g in rows["target_group"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Andel i beskæftigelse")
    charts.percent_axis(ax, "x")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8.5)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def _programme_phrase(programme: str) -> str:
    return "Alle virksomhedsrettede tilbud" if programme == COMPANY_TOTAL else programme


def figure_paid_hours(hours: pd.DataFrame, setup: Setup, source: str):
    """Share of aktivitetsparate with ordinary paid hours over time, three areas."""
    import seaborn as sns

    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    data = _month_x(hours.dropna(subset=["share_with_hours_pct"]))
    fig, ax = titled_figure("Aktivitetsparate med ordinære løntimer",
                            "Procent af de aktivitetsparate kontanthjælpsmodtagere, pr. måned", figsize=(8.5, 4.6))
    if data.empty:
        ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color=colours.NOTE_TEXT)
    else:
        sns.lineplot(data=data, x="x", y="share_with_hours_pct", hue="area",
                     hue_order=areas_in_data(data, setup.areas), palette=palette, ax=ax, linewidth=1.8, estimator=None)
        ax.legend(title="", loc="upper left", fontsize=8.5)
    ax.set_ylabel("")
    ax.set_ylim(bottom=0)
    _percent_ticks(ax, "y")
    _style_month_axis(ax)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def figure_placement(place: pd.DataFrame, setup: Setup, source: str):
    """Placement rate per quarter: the municipality (blue), the other jobcentres in the area (grey)."""
    import seaborn as sns

    codes = sorted(place["period"].unique(), key=lambda c: periods.parse_period(c).end)
    pos = {c: i for i, c in enumerate(codes)}
    data = place.assign(x=place["period"].map(pos))
    others = data[data["is_member"] & (data["area"] != setup.municipality)].dropna(subset=["placement_rate_pct"])
    own = data[data["area"] == setup.municipality]
    fig, ax = titled_figure("Formidlingsgrad på jobordrer",
                            f"{setup.municipality} (blå) og de øvrige jobcentre {geography_phrase(setup.comparison_area)} (grå). "
                            f"Tallet er {setup.municipality}s placering.", figsize=(8.5, 4.8))
    if len(others):
        many = others["area"].nunique() > 30
        sns.lineplot(data=others, x="x", y="placement_rate_pct", units="area", estimator=None, ax=ax, color=colours.OTHER_LINES,
                     linewidth=0.5 if many else 0.9, alpha=0.5 if many else 1.0, legend=False)
    ax.plot(own["x"], own["placement_rate_pct"], color=charts.MUNICIPALITY_COLOR, linewidth=2.6, marker="o", markersize=4)
    for x, v, r in zip(own["x"], own["placement_rate_pct"], own["rank"], strict=True):
        if pd.notna(r):
            ax.annotate(f"nr. {fmt.integer(r)}", (x, v), textcoords="offset points", xytext=(0, 7), ha="center",
                        fontsize=7.5, color=charts.MUNICIPALITY_COLOR)
    ax.set_xticks(range(len(codes)), [fmt.period_label(c).replace(" kvt. ", " kvt.\n") for c in codes], fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("Formidlingsgrad")
    ax.set_ylim(0, 100)
    charts.percent_axis(ax, "y")
    charts.finish(fig, source=source, data_source=SOURCE_JOBAG)
    return fig


def figure_effects(est: pd.DataFrame, municipality: str, source: str):
    """Adjusted effects with 95 % intervals per programme, both methods, against a zero line
    (:func:`analysis.analyses.business_programs.effects.effects_analysis`)."""
    programmes = list(dict.fromkeys(est["programme"]))
    method_colours = {"logit_ame": charts.MUNICIPALITY_COLOR, "ipw_ate": charts.COMPARISON_COLOR}
    labels = {"logit_ame": "Logistisk regression", "ipw_ate": "IPW-vægtning"}
    fig, ax = charts.new_figure(f"{municipality}: justeret forskel i beskæftigelse 6 måneder efter", figsize=(8.5, 5.0))
    ax.set_title(f"Pct.-point i forhold til {REFERENCE_PROGRAMME.lower()}. Linjerne er 95 %-konfidensintervaller.",
                 loc="left", fontsize=9.5, fontweight="normal", color=charts.SOURCE_COLOR, pad=8)
    y = np.arange(len(programmes))
    for offset, method in ((-0.15, "logit_ame"), (0.15, "ipw_ate")):
        rows = est[est["method"] == method].set_index("programme").reindex(programmes)
        ok = rows["effect_pp"].notna().to_numpy()
        if ok.any():
            ax.errorbar(rows["effect_pp"][ok], (y + offset)[ok],
                        xerr=[(rows["effect_pp"] - rows["ci_low"])[ok], (rows["ci_high"] - rows["effect_pp"])[ok]],
                        fmt="o", color=method_colours[method], capsize=3, elinewidth=1.6, markersize=6, label=labels[method])
    for i, p in enumerate(programmes):
        if est.loc[est["programme"] == p, "effect_pp"].isna().all():
            ax.text(0.02, i, "For få forløb", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color=colours.NOTE_TEXT)
    ax.axvline(0, color=colours.ZERO_LINE, linewidth=1)
    ax.set_yticks(y, programmes)
    ax.invert_yaxis()
    ax.set_xlabel("Forskel i andel i beskæftigelse (pct.-point)")
    charts.pp_axis(ax, "x", decimals=0)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    if est["effect_pp"].notna().any():
        ax.legend(loc="lower right", fontsize=8.5)
    charts.finish(fig, source=source, data_source="Kilde: Jobcentrets eget udtræk")
    return fig
