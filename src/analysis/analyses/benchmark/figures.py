"""The benchmark's figures: matplotlib in the house style (:mod:`analysis.present.charts`), Danish labels,
"Kilde: Jobindsats" and, for demo data, the watermark. They take the frames of
:mod:`~analysis.analyses.benchmark.compute` and return the figure (nothing is written or displayed here).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.analyses.benchmark.compute import ALL_GROUPS, GROUPS, N_MUNICIPALITIES, RESIDUAL, TOTAL
from analysis.analyses.benchmark.display import GROUP_LABEL_DA, price_year_label
from analysis.analyses.benchmark.phrases import in_area, period_phrase, period_tick, persons_text
from analysis.present import formats as fmt
from analysis.present import palette as colours
from analysis.reference import geography
from analysis.reference import periods as periodsmod

# --------------------------------------------------------------------------- figures
#
# Figure builders: frames in, a matplotlib Figure out (no files, no display). Every figure has
# Danish labels, the house style of analysis.present.charts, "Kilde: Jobindsats" and, for demo data,
# the demo watermark (charts.finish). Rank axes are inverted: rank 1 at the top.

GOOD_COLOR = colours.BETTER  # fewer on benefits than expected
BAD_COLOR = colours.WORSE  # more than expected


def _subtitle(ax, text: str) -> None:
    """A grey line under the figure title, as the axes title (so constrained layout makes room for it)."""
    ax.set_title(text, loc="left", fontsize=9.5, fontweight="normal", color=colours.SOURCE_TEXT, pad=8)


def _x_positions(codes: Sequence[str]) -> dict[str, int]:
    return {c: i for i, c in enumerate(codes)}


def _period_ticks(ax, codes: Sequence[str], xlabel: bool = True) -> None:
    """Period labels on a categorical x axis; with many periods only the calendar years are written."""
    labels = [period_tick(c) for c in codes]
    if len(codes) > 6:
        calendar = [periodsmod.parse_period(c).end.month == 12 for c in codes]
        labels = [lab if cal else "" for lab, cal in zip(labels, calendar, strict=True)] if any(calendar) \
            else [lab if (len(codes) - 1 - i) % 2 == 0 else "" for i, lab in enumerate(labels)]
        if xlabel and any(calendar):
            ax.set_xlabel("Punkterne mellem årstallene er året til og med 2. kvt.", fontsize=8, color=colours.SOURCE_TEXT)
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlim(-0.4, len(codes) - 0.6)


def figure_rank_history(history: pd.DataFrame, others: pd.DataFrame, municipality: str, comparison_area: str,
                        source: str, n: int = N_MUNICIPALITIES):
    """Rank over time, one panel per benefit group: the municipality (bold) and the comparison area's others (grey)."""
    import seaborn as sns

    from analysis.present import charts

    codes = list(dict.fromkeys(history["period"]))
    pos = _x_positions(codes)
    fig, axes = charts.new_figure("Placering på benchmarket over tid", nrows=2, ncols=2, figsize=(9.5, 7.0),
                                   sharex=True, sharey=True,
                                   subtitle=f"{municipality} (blå) og de øvrige kommuner {in_area(comparison_area)} "
                                            "(grå). Plads 1 er bedst.")
    for ax, g in zip(axes.flat, ALL_GROUPS, strict=True):
        rest = others[(others["benefit_group"] == g) & (others["area"] != municipality) & others["period"].isin(codes)]
        if len(rest):
            rest = rest.assign(x=rest["period"].map(pos))
            many = rest["area"].nunique() > 30  # e.g. the whole country: thinner, lighter lines
            sns.lineplot(data=rest, x="x", y="rank", units="area", estimator=None, ax=ax, color=colours.OTHER_LINES,
                         linewidth=0.5 if many else 0.9, alpha=0.45 if many else 1.0, legend=False,
                         **({"marker": "o", "markersize": 3} if len(codes) < 3 else {}))
        own = history[history["benefit_group"] == g].assign(x=lambda d: d["period"].map(pos))
        ax.plot(own["x"], own["rank"], color=charts.MUNICIPALITY_COLOR, linewidth=2.6, marker="o", markersize=4)
        for x, r in zip(own["x"], own["rank"], strict=True):
            if not pd.isna(r):
                ax.annotate(fmt.number(r), (x, r), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=7.5, color=charts.MUNICIPALITY_COLOR)
        if own["rank"].isna().all():
            ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", va="center", color=colours.NOTE_TEXT)
        ax.set_title(GROUP_LABEL_DA[g] if g != TOTAL else "Alle ydelsesgrupper i alt", fontsize=11)
        ax.set_ylim(n + 2, -1)  # inverted: rank 1 at the top
        ax.set_yticks([1, 25, 50, 75, n])
        ax.set_xlabel("")
        ax.set_ylabel("Placering (1 = bedst)")
        _period_ticks(ax, codes, xlabel=any(ax is a for a in axes[-1]))
    charts.finish(fig, source=source)
    return fig


def figure_actual_vs_expected(latest: pd.DataFrame, municipality: str, period: str, source: str):
    """Latest period: actual and expected full-time persons per group (left), difference in pct.-point (right)."""
    import seaborn as sns

    from analysis.present import charts

    rows = latest[latest["benefit_group"].isin(GROUPS)].copy()
    rows["label"] = rows["benefit_group"].map(GROUP_LABEL_DA)
    fig, (left, right) = charts.new_figure(
        f"{municipality}: faktisk og forventet niveau, {period_phrase(period)}", ncols=2, figsize=(9.5, 4.2))
    _subtitle(left, "Fuldtidspersoner")
    _subtitle(right, "Forskel i andel af 16-66-årige (pct.-point)")
    long = rows.melt(id_vars=["label"], value_vars=["actual", "expected"], var_name="kind", value_name="value")
    long["kind"] = long["kind"].map({"actual": "Faktisk", "expected": "Forventet"})
    sns.barplot(data=long, y="label", x="value", hue="kind", ax=left, orient="h",
                palette={"Faktisk": charts.MUNICIPALITY_COLOR, "Forventet": colours.LIGHT_BLUE})
    left.set_xlabel("Fuldtidspersoner")
    left.set_ylabel("")
    left.legend(title="", loc="upper right")
    charts.number_axis(left, "x")
    left.grid(axis="x")
    left.grid(axis="y", visible=False)
    colors = [GOOD_COLOR if v < 0 else BAD_COLOR for v in rows["difference_pp"].fillna(0)]
    right.barh(rows["label"], rows["difference_pp"], color=colors)
    right.axvline(0, color=colours.ZERO_LINE, linewidth=0.8)
    right.invert_yaxis()
    for y, (pp_, d) in enumerate(zip(rows["difference_pp"], rows["difference"], strict=True)):
        if pd.isna(pp_):
            right.text(0, y, " ingen data", va="center", fontsize=8, color=colours.NOTE_TEXT)
            continue
        right.annotate(f"{fmt.signed(pp_, 2)} ({fmt.signed(d)} pers.)", (pp_, y), xytext=(4 if pp_ >= 0 else -4, 0),
                       textcoords="offset points", ha="left" if pp_ >= 0 else "right", va="center", fontsize=8)
    lim = max(0.1, float(rows["difference_pp"].abs().max() or 0)) * 2.6
    right.set_xlim(-lim, lim)
    right.set_xlabel("Pct.-point (grøn = under det forventede niveau)")
    right.set_yticklabels([])
    right.grid(axis="x")
    right.grid(axis="y", visible=False)
    charts.pp_axis(right, "x", decimals=2)
    charts.finish(fig, source=source)
    return fig


def figure_difference_over_time(history: pd.DataFrame, municipality: str, source: str):
    """The gap over time per group: full-time persons (left) and pct.-point of the 16-66 population (right)."""
    from analysis.present import charts

    codes = list(dict.fromkeys(history["period"]))
    pos = _x_positions(codes)
    colors = {TOTAL: colours.TOTAL, "A-dagpenge mv.": charts.MUNICIPALITY_COLOR, "Sygedagpenge mv.": charts.COMPARISON_COLOR,
              "Kontanthjælp mv.": colours.FOURTH_SERIES}
    fig, (left, right) = charts.new_figure(f"{municipality}: faktisk minus forventet niveau over tid", ncols=2,
                                            figsize=(9.5, 4.4))
    _subtitle(left, "Fuldtidspersoner (under nul = færre end forventet)")
    _subtitle(right, "Pct.-point af de 16-66-årige")
    for g in ALL_GROUPS:
        rows = history[history["benefit_group"] == g]
        x = rows["period"].map(pos)
        style = {"color": colors[g], "linewidth": 2.4 if g == TOTAL else 1.8, "linestyle": "--" if g == TOTAL else "-",
                 "marker": "o", "markersize": 3}
        left.plot(x, rows["difference"], label=GROUP_LABEL_DA[g], **style)
        right.plot(x, rows["difference_pp"], label=GROUP_LABEL_DA[g], **style)
    for ax in (left, right):
        ax.axhline(0, color=colours.ZERO_LINE, linewidth=0.8)
        _period_ticks(ax, codes)
    left.set_ylabel("Fuldtidspersoner")
    right.set_ylabel("Pct.-point")
    charts.number_axis(left, "y")
    charts.pp_axis(right, "y", decimals=2)
    left.legend(loc="best", fontsize=8)
    charts.finish(fig, source=source)
    return fig


def figure_gap_waterfall(decomposition: pd.DataFrame, municipality: str, first: str, last: str, source: str):
    """From the total gap in the first period to the latest: each group's contribution (full-time persons)."""
    from analysis.present import charts

    dec = decomposition.set_index("benefit_group")
    steps = [(g, dec.loc[g, "change"]) for g in GROUPS]
    if not pd.isna(dec.loc[RESIDUAL, "change"]) and dec.loc[RESIDUAL, "change"] != 0:
        steps.append((RESIDUAL, dec.loc[RESIDUAL, "change"]))
    start, end = dec.loc[TOTAL, "difference_first"], dec.loc[TOTAL, "difference_last"]
    labels = [
        f"I alt\n{period_tick(first).replace(chr(10), ' ')}",
        *(GROUP_LABEL_DA[g].replace(" mv.", "\nmv.") for g, _ in steps),
        f"I alt\n{period_tick(last).replace(chr(10), ' ')}",
    ]
    fig, ax = charts.new_figure(f"{municipality}: hvad flyttede forskellen til det forventede niveau?", figsize=(9.0, 4.5))
    _subtitle(ax, "Faktisk minus forventet antal fuldtidspersoner i alt og bidraget fra hver ydelsesgruppe")
    level = start
    ax.bar(0, start, color=colours.START_BAR)
    ax.annotate(fmt.number(start), (0, start), xytext=(0, 3 if start >= 0 else -10), textcoords="offset points",
                ha="center", fontsize=8)
    for i, (g, v) in enumerate(steps, start=1):
        if pd.isna(v):
            ax.text(i, level, "ingen data", ha="center", fontsize=8, color=colours.NOTE_TEXT)
            continue
        ax.bar(i, v, bottom=level, color=GOOD_COLOR if v < 0 else BAD_COLOR)
        ax.annotate(fmt.signed(v), (i, max(level, level + v)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        ax.plot([i - 1 + 0.4, i - 0.4], [level, level], color=colours.REFERENCE_LINE, linewidth=0.8)
        level += v
    k = len(steps) + 1
    ax.bar(k, end, color=charts.MUNICIPALITY_COLOR)
    ax.annotate(fmt.number(end), (k, end), xytext=(0, 3 if end >= 0 else -10), textcoords="offset points",
                ha="center", fontsize=8)
    ax.axhline(0, color=colours.ZERO_LINE, linewidth=0.8)
    levels = [0.0, start, end]
    running = start
    for _, v in steps:
        running += 0 if pd.isna(v) else v
        levels.append(running)
    levels = [v for v in levels if not pd.isna(v)]
    span = (max(levels) - min(levels)) or 1.0
    ax.set_ylim(min(levels) - 0.12 * span, max(levels) + 0.12 * span)
    ax.set_xticks(range(k + 1))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("Fuldtidspersoner (faktisk - forventet)")
    charts.number_axis(ax, "y")
    charts.finish(fig, source=source)
    return fig


def figure_distance(full_ranking: pd.DataFrame, distance: pd.DataFrame, municipality: str, period: str, source: str,
                    window: tuple[int, int] = (12, 8)):
    """The ranking around the municipality (difference in pct.-point by rank) with the places 5 and 10 up and 5 down."""
    from analysis.present import charts

    own = full_ranking[full_ranking["area"] == municipality].iloc[0]
    r = int(own["rank"])
    lo, hi = max(1, r - window[0]), min(int(full_ranking["rank"].max()), r + window[1])
    part = full_ranking[(full_ranking["rank"] >= lo) & (full_ranking["rank"] <= hi)]
    targets = {int(t): k for t, k in zip(distance["target_rank"], distance["places"], strict=True) if not pd.isna(t)}
    fig, ax = charts.new_figure(f"{municipality}: afstand til de nærmeste pladser, {period_phrase(period)}",
                                 figsize=(9.5, 5.0))
    _subtitle(ax, f"Faktisk minus forventet andel (pct.-point) for kommunerne omkring {municipality}; "
                  "orange = 5 og 10 pladser op og 5 ned")
    colors = [charts.MUNICIPALITY_COLOR if a == municipality else (colours.COMPARISON if int(rk) in targets else colours.OTHER_BARS)
              for a, rk in zip(part["area"], part["rank"], strict=True)]
    ax.bar(part["rank"], part["difference_pp"], color=colors)
    ax.axhline(0, color=colours.ZERO_LINE, linewidth=0.8)
    ax.set_xticks(part["rank"])
    ax.set_xticklabels([f"{int(rk)}. {a}" for rk, a in zip(part["rank"], part["area"], strict=True)], rotation=60,
                       ha="right", fontsize=7.5)
    ymax = float(part["difference_pp"].abs().max() or 0.1)
    for _, row in distance.dropna(subset=["target_rank"]).iterrows():
        k, t = int(row["places"]), int(row["target_rank"])
        verb = "færre" if row["change_fulltime_persons"] < 0 else "flere"
        text = f"{'+' if k > 0 else '-'}{abs(k)} pladser:\nca. {persons_text(row['change_fulltime_persons'])} {verb}"
        y = row["target_difference_pp"]
        ax.annotate(text, (t, y), xytext=(0, 14 if y >= 0 else -26), textcoords="offset points", ha="center",
                    fontsize=7.5, color=colours.ANNOTATION, arrowprops={"arrowstyle": "-", "color": colours.ANNOTATION, "lw": 0.6})
    ax.set_ylim(min(-0.05, float(part["difference_pp"].min())) - ymax * 0.35,
                max(0.05, float(part["difference_pp"].max())) + ymax * 0.35)
    ax.set_xlabel("Placering og kommune")
    ax.set_ylabel("Pct.-point (faktisk - forventet)")
    ax.grid(axis="x", visible=False)
    charts.pp_axis(ax, "y", decimals=2)
    charts.finish(fig, source=source)
    return fig


def figure_potential(pot: pd.DataFrame, municipality: str, period: str, source: str):
    """Each group's gap in kroner a year (negative = a saving against the expected level)."""
    from analysis.present import charts

    rows = pot[(pot["period"] == periodsmod.parse_period(period).code) & pot["benefit_group"].isin(GROUPS)]
    fig, ax = charts.new_figure(f"{municipality}: økonomisk betydning af forskellen, {period_phrase(period)}",
                                 figsize=(8.5, 3.8))
    priced = price_year_label(pot, period) if "price_year" in pot.columns else ""
    _subtitle(ax, "Nettokommunal merudgift (+) eller mindreudgift (-) pr. år i forhold til det forventede niveau"
              + (f", {priced}" if priced else ""))
    labels = [GROUP_LABEL_DA[g] for g in rows["benefit_group"]]
    values = rows["potential_dkk"] / 1e6
    ax.barh(labels, values.fillna(0), color=[GOOD_COLOR if v < 0 else BAD_COLOR for v in values.fillna(0)])
    ax.invert_yaxis()
    ax.axvline(0, color=colours.ZERO_LINE, linewidth=0.8)
    lim = max(1.0, float(values.abs().max() or 0)) * 1.6
    ax.set_xlim(-lim, lim)
    for y, v in enumerate(values):
        if pd.isna(v):
            ax.text(0, y, "  ingen takst eller ingen data", va="center", fontsize=8, color=colours.NOTE_TEXT)
        else:
            ax.annotate(fmt.kroner(v * 1e6), (v, y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=8)
    ax.set_xlabel("Mio. kr. pr. år (grøn = mindreudgift)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    charts.number_axis(ax, "x", decimals=0)
    charts.finish(fig, source=source)
    return fig


def figure_full_ranking(full_ranking: pd.DataFrame, municipality: str, members: Sequence[str], comparison_area: str,
                        period: str, source: str):
    """All municipalities by published rank (bars: difference in pct.-point); the municipality and its area highlighted."""
    from analysis.present import charts

    rows = full_ranking.dropna(subset=["rank"])
    highlight = set(members) if comparison_area != geography.COUNTRY else set()
    colors = [charts.MUNICIPALITY_COLOR if a == municipality else (charts.COMPARISON_COLOR if a in highlight else colours.OTHER_BARS_LIGHT)
              for a in rows["area"]]
    fig, ax = charts.new_figure(f"Hele ranglisten, {period_phrase(period)}", figsize=(10.0, 4.8))
    others = ("de øvrige kommuner (grå)" if comparison_area == geography.COUNTRY
              else f"de øvrige kommuner {in_area(comparison_area)} (orange), resten af landet (grå)")
    _subtitle(ax, f"{municipality} (blå), {others}; til venstre de bedste")
    ax.bar(rows["rank"], rows["difference_pp"], color=colors, width=0.85)
    ax.axhline(0, color=colours.ZERO_LINE, linewidth=0.8)
    own = rows[rows["area"] == municipality]
    if len(own):
        x, y = float(own["rank"].iloc[0]), float(own["difference_pp"].iloc[0])
        ax.annotate(f"{municipality}\nnr. {int(x)}", (x, y), xytext=(0, 30 if y >= 0 else -36), textcoords="offset points",
                    ha="center", fontsize=9, color=charts.MUNICIPALITY_COLOR, fontweight="bold",
                    arrowprops={"arrowstyle": "-", "color": charts.MUNICIPALITY_COLOR, "lw": 0.8})
    ax.set_xlim(0, float(rows["rank"].max()) + 1)
    ax.set_xticks([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, int(rows["rank"].max())])
    ax.set_xlabel("Placering (1 = bedst)")
    ax.set_ylabel("Pct.-point (faktisk - forventet)")
    ax.grid(axis="x", visible=False)
    charts.pp_axis(ax, "y", decimals=1)
    charts.finish(fig, source=source)
    return fig
