"""The key figures' figure: each figure's quarterly history with its target, in the house style (:mod:`analysis.present.charts`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.analyses.key_figures.compute import HISTORY_QUARTERS, Dashboard
from analysis.analyses.key_figures.definitions import FIGURE_KEYS, STATBANK_FIGURES
from analysis.analyses.key_figures.targets import Target, period_da
from analysis.reference import periods

# --------------------------------------------------------------------------- figure


def _target_span(t: Target, history: pd.DataFrame):
    """The dates a target's line covers in a history panel: the quarters it applies to that are shown, or None."""
    shown = history.drop_duplicates("quarter")
    inside = shown[[t.applies_in(q) for q in shown["quarter"]]]
    if inside.empty:
        return None
    first = periods.parse_period(inside["quarter"].iloc[0])
    return pd.Timestamp(first.start), pd.Timestamp(inside["period_end"].iloc[-1])


_SHORT_TITLES = {"kh_aktivitetsparate_over_2_aar": "Aktivitetsparate i over to år (helårspersoner)"}


def figure_history(d: Dashboard, source: str = ""):
    """Small multiples: each figure's last twelve quarters, the comparison area for shares, the target as a line."""
    import matplotlib.dates as mdates

    from analysis.present import charts

    keys = [k for k in FIGURE_KEYS if k in set(d.history["figure"])]
    n = len(keys)
    ncols = 2
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = charts.new_figure(
        f"Nøgletal de seneste {HISTORY_QUARTERS} kvartaler", nrows=nrows, ncols=ncols, figsize=(10.0, 2.5 * nrows + 0.9)
    )
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    palette = charts.area_palette(d.municipality, d.comparison_area)
    for ax, key in zip(axes, keys, strict=False):
        spec = FIGURE_KEYS[key]
        h = d.history[d.history["figure"] == key]
        for area in [d.municipality, d.comparison_area]:
            s = h[h["area"] == area]
            if s.empty:
                continue
            ax.plot(s["period_end"], s["value"], color=palette.get(area), marker="o", markersize=3.5,
                    linewidth=2.2 if area == d.municipality else 1.4, label=area)
        t = d.targets.get(key)
        span = _target_span(t, h) if t is not None else None
        if span is not None:
            ax.hlines(t.value, span[0], span[1], color=charts.HIGHLIGHT_COLOR, linestyles="--", linewidth=1.1,
                      label=f"Mål {period_da(t)}")
        ax.set_title(_SHORT_TITLES.get(key, spec.title_da), fontsize=9.5)
        if spec.unit == "pct":
            charts.percent_axis(ax, "y", decimals=1)
        else:
            charts.number_axis(ax, "y")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        charts.date_axis(ax, "year")
        if spec.compare or span is not None:
            ax.legend(loc="best", fontsize=7.5)
    statbank = set(keys) <= {f.key for f in STATBANK_FIGURES}  # the StatBank figures only: its own source line
    charts.finish(fig, source=source, data_source=None if statbank and keys else "Jobindsats og jobcentrets egne tal")
    return fig
