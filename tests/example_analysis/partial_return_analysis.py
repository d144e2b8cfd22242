"""The example analysis of docs/adding-an-analysis.md: sickness benefit recipients in partial return to work.

A real analysis lives in ``src/analysis/analyses/<name>/`` (compute, display, sentences, figures)
and the notebook imports it with ``from analysis.analyses import <name>``. This example keeps its
module beside its notebook in the tests, so it does not ship with the package; the notebook
imports it by its file name (the kernel starts in the notebook's folder). What it shows is the
recipe: a function that takes frames and returns a frame, a Danish sentence, a figure in the
house style and one :class:`~analysis.present.tables.TableSpec` for the table.
"""

from __future__ import annotations

import pandas as pd

from analysis.present import charts
from analysis.present import formats as fmt
from analysis.present.tables import TableSpec
from analysis.reference import periods

NOTEBOOK = "partial_return"
TABLE = "Y07A02"
MEASURES = ["persons", "partial_return_persons"]


def monthly_shares(y07: pd.DataFrame, areas: list[str], period: str = "", months: int = 12) -> pd.DataFrame:
    """The share of sickness benefit recipients in partial return, per area and month, for the ``months``
    months up to ``period`` (a month or quarter code; "" = the latest month in the data).

    ``y07``: tidy Y07A02 rows (measures persons and partial_return_persons). Columns: area, period,
    persons, partial_return_persons, partial_return_pct (empty where a month has no recipients).
    """
    wide = y07[y07["area"].isin(areas)].pivot_table(index=["area", "period"], columns="measure", values="value",
                                                     aggfunc="sum").reset_index()
    last = periods.parse_period(period).end if period else wide["period"].map(lambda p: periods.parse_period(p).end).max()
    ends = wide["period"].map(lambda p: periods.parse_period(p).end)
    kept = sorted({p for p, e in zip(wide["period"], ends, strict=True) if e <= last},
                  key=lambda p: periods.parse_period(p).end)[-months:]
    out = wide[wide["period"].isin(kept)].copy()
    out["partial_return_pct"] = out["partial_return_persons"] / out["persons"].where(out["persons"] > 0) * 100.0
    order = {a: i for i, a in enumerate(areas)}
    out = out.sort_values(["area", "period"], key=lambda s: s.map(order) if s.name == "area" else s.map(
        lambda p: periods.parse_period(p).end))
    return out[["area", "period", *MEASURES, "partial_return_pct"]].reset_index(drop=True)


def summary_sentence(shares: pd.DataFrame, municipality: str) -> str:
    """'I Slagelse var 21,4 % af sygedagpengemodtagerne delvist raskmeldt i december 2024.'"""
    own = shares[shares["area"] == municipality].dropna(subset=["partial_return_pct"])
    if own.empty:
        return f"Der er ingen tal for delvis raskmelding i {municipality}."
    last = own.iloc[-1]
    return (f"I {municipality} var {fmt.percent(last['partial_return_pct'])} af sygedagpengemodtagerne delvist "
            f"raskmeldt i {fmt.period_label(last['period']).lower()}.")


def figure(shares: pd.DataFrame, municipality: str, area: str, source: str):
    """The share per month, one line per area, in the house style."""
    fig, ax = charts.new_figure("Andel i delvis raskmelding", subtitle="Procent af sygedagpengemodtagerne")
    colours = charts.area_palette(municipality, area)
    for name, rows in shares.groupby("area", sort=False):
        ends = [periods.parse_period(p).end for p in rows["period"]]
        ax.plot(ends, rows["partial_return_pct"], label=name, color=colours.get(name))
    charts.percent_axis(ax)
    charts.date_axis(ax, style="month")
    ax.legend(frameon=False)
    charts.finish(fig, source=source)
    return fig


def table_spec(municipality: str) -> TableSpec:
    """The table the report shows and saves as ``partial_return__shares.csv``."""
    return TableSpec(
        columns_da={"area": "Område", "period_label": "Måned", "persons": "Sygedagpengemodtagere",
                    "partial_return_persons": "Heraf delvist raskmeldt", "partial_return_pct": "Andel"},
        formats={"persons": fmt.integer, "partial_return_persons": fmt.integer, "partial_return_pct": fmt.percent},
        caption="Sygedagpengemodtagere i delvis raskmelding pr. måned",
        highlight=lambda row: row.area == municipality,
        notebook=NOTEBOOK, name="shares", title_da="Delvis raskmelding pr. måned",
        headings_da={"period": "Måned (kode)", "partial_return_pct": "Andel delvist raskmeldt (pct.)"},
        prepare=lambda shares: shares.assign(period_label=shares["period"].map(fmt.period_label)),
    )
