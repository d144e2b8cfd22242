"""How the front page shows its numbers: the tables' specs (``tables/front_page__*.csv``), the tiles'
Danish texts with their direction symbols, the small multiples as inline SVG, and the page itself
(the template ``pages/front_page.html.j2`` with the one stylesheet).

Colour is never the only signal: every change carries an arrow (▲ up, ▼ down, ● unchanged) and every
target status a symbol (✔ met, ✖ not met, ○ no target for the period, – no data) with its Danish word.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.analyses.front_page.compute import (
    NOTEBOOK,
    REPORTS,
    SMALL_MULTIPLE_MONTHS,
    FrontPage,
    periods_per_quarter_and_year,
    overview_columns,
)
from analysis.analyses.key_figures.display import format_change, format_value
from analysis.analyses.trends.compute import GROUPS as TARGET_GROUPS
from analysis.present import formats as fmt
from analysis.present import report, styles
from analysis.present.tables import TableSpec

PAGE_TEMPLATE = "pages/front_page.html.j2"
styles.compile_templates(PAGE_TEMPLATE)

STATUS_SYMBOLS = {"met": ("✔", "good"), "not_met": ("✖", "bad"), "not_in_period": ("○", "neutral"),
                  "no_data": ("–", "neutral"), "": ("○", "neutral")}
"""Key-figure status -> (symbol, tone); the tone is a CSS class (``fp-good``/``fp-bad``/``fp-neutral``)."""

SHORT_NAMES_DA = {"a_dagpenge": "A-dagpenge", "langtidsledige": "Langtidsledige", "sygedagpenge": "Sygedagpenge",
                  "aktivitetsparate": "Aktivitetsparate", "offentligt_forsoergede": "Offentligt forsørgede"}
"""Short Danish names of the target groups for narrow column headings (the overview)."""

# ----------------------------------------------------------------------------- the key tables (CSV/Excel)

BENCHMARK_SPEC = TableSpec(
    notebook=NOTEBOOK, name="benchmark", title_da="Benchmark: placering og ændring siden forrige måling",
    headings_da={"benefit_group": "Ydelsesgruppe", "period": "Måling", "rank": "Placering",
                 "previous_period": "Forrige måling", "previous_rank": "Placering ved forrige måling",
                 "places_gained": "Pladser frem siden forrige måling (negativ = tilbage)",
                 "difference_pp": "Faktisk minus forventet (pct.-point af befolkningen 16-66 år)"},
)
TARGET_GROUPS_SPEC = TableSpec(
    notebook=NOTEBOOK, name="target_groups", title_da="Målgrupperne: seneste periode og ændringen",
    headings_da={"target_group": "Målgruppe (kode)", "group_da": "Målgruppe", "period": "Seneste periode",
                 "value": "Antal", "unit": "Enhed (personer i en måned, eller fuldtidsmodtagere i et kvartal)",
                 "share_pct": "Andel af befolkningen 16-66 år (pct.)",
                 "previous_period": "Samme periode kvartalet før", "previous_value": "Antal kvartalet før",
                 "change_quarter": "Ændring siden kvartalet før (antal)",
                 "change_quarter_pct": "Ændring siden kvartalet før (pct.)",
                 "year_earlier_period": "Samme periode året før", "year_earlier_value": "Antal året før",
                 "change_year": "Ændring siden året før (antal)", "change_year_pct": "Ændring siden året før (pct.)"},
)
KEY_FIGURES_SPEC = TableSpec(
    notebook=NOTEBOOK, name="key_figures", title_da="Nøgletal mod mål",
    headings_da={"figure": "Nøgletal (kode)", "label_da": "Nøgletal", "unit": "Enhed", "quarter": "Kvartal",
                 "value": "Kvartalets værdi", "previous_quarter": "Forrige kvartal", "previous_value": "Forrige kvartals værdi",
                 "change_quarter": "Ændring siden forrige kvartal", "change_quarter_pct": "Ændring siden forrige kvartal (pct.)",
                 "target": "Mål", "target_direction": "Målets retning (max = højst, min = mindst)",
                 "target_compared_value": "Værdi sammenlignet med målet", "status": "Status (kode)", "status_da": "Status"},
)
SINCE_SPEC = TableSpec(
    notebook=NOTEBOOK, name="since_last_quarter", title_da="Siden sidste kvartal",
    headings_da={"item": "Hvad", "kind": "Slags (target_group = målgruppe, key_figure = nøgletal)", "unit": "Enhed",
                 "previous_period": "Forrige periode", "previous_value": "Forrige værdi", "period": "Periode",
                 "value": "Værdi", "change": "Ændring", "change_pct": "Ændring (pct.)",
                 "better": "Bedre (True) eller dårligere (False)"},
)
SMALL_MULTIPLES_SPEC = TableSpec(
    notebook=NOTEBOOK, name="small_multiples", title_da=f"Målgrupperne de seneste {SMALL_MULTIPLE_MONTHS} måneder",
    headings_da={"target_group": "Målgruppe (kode)", "group_da": "Målgruppe", "area": "Område",
                 "role": "Rolle (municipality = kommunen, comparison = sammenligningsområdet)", "period": "Periode",
                 "value": "Antal", "index": f"Indeks (første periode af de seneste {SMALL_MULTIPLE_MONTHS} måneder = 100)"},
)


def overview_headings_da() -> dict[str, str]:
    """The Danish heading of every column of the national overview."""
    headings = {"code": "Kommunekode", "municipality": "Kommune", "benchmark_period": "Benchmark-måling",
                "rank_total": "Benchmark-placering i alt", "rank_places_gained": "Pladser frem siden forrige måling",
                "base_period": "Basismåned", "key_figures_met": "Nøgletal der når målet",
                "key_figures_not_met": "Nøgletal der ikke når målet", "key_figures_judged": "Nøgletal med mål i perioden"}
    for key, group in TARGET_GROUPS.items():
        headings[f"{key}_change_base_pct"] = f"{group.name_da}: ændring siden basismåneden (pct.)"
        headings[f"{key}_change_year_pct"] = f"{group.name_da}: ændring siden samme måned året før (pct.)"
    return headings


def overview_spec() -> TableSpec:
    """The national overview (one row per municipality): ``tables/front_page__overview.csv`` of the period."""
    return TableSpec(notebook=NOTEBOOK, name="overview", title_da="Alle kommuner: overblik",
                     headings_da=overview_headings_da(), to_csv=lambda frame: frame[overview_columns()])


def save_tables(page: FrontPage, output_dir) -> list[str]:
    """Write the front page's tables under ``<output_dir>/tables/``; returns the CSV file names written.

    The small multiples' series are not written again: they are the trends report's
    ``target_group_trends__monthly.csv`` (:data:`SMALL_MULTIPLES_SPEC` describes the frame)."""
    written = []
    for frame, spec in ((page.benchmark, BENCHMARK_SPEC), (page.target_groups, TARGET_GROUPS_SPEC),
                        (page.key_figures, KEY_FIGURES_SPEC), (page.since, SINCE_SPEC)):
        if frame is not None and len(frame):
            report.export_table(frame, spec, output_dir)
            written.append(f"{spec.csv_stem}.csv")
    report.export_table(pd.DataFrame([page.overview]), overview_spec(), output_dir)
    written.append(f"{overview_spec().csv_stem}.csv")
    return written


# ----------------------------------------------------------------------------- tiles


def arrow(change) -> str:
    """▲ for a rise, ▼ for a fall, ● for no change, "" when missing."""
    if fmt.is_missing(change):
        return ""
    return "▲" if change > 0 else "▼" if change < 0 else "●"


def tone(change, fewer_is_better: bool = True) -> str:
    """``good``/``bad``/``neutral``: the colour class of a change."""
    if fmt.is_missing(change) or change == 0:
        return "neutral"
    return "good" if (change < 0) == fewer_is_better else "bad"


def _change(change_pct, since: str, fewer_is_better: bool = True) -> dict:
    return {"arrow": arrow(change_pct), "tone": tone(change_pct, fewer_is_better),
            "text": f"{fmt.signed(change_pct, 1, suffix='%')} siden {fmt.period_label(since)}"
            if not fmt.is_missing(change_pct) else f"ingen tal for {fmt.period_label(since)}"}


def benchmark_tiles(bench: pd.DataFrame) -> list[dict]:
    """Tiles of the benchmark rank (a rank gained is good: ▲ up the list)."""
    tiles = []
    for b in bench.itertuples(index=False):
        gained = b.places_gained
        if fmt.is_missing(gained):
            text = "ingen forrige måling"
        elif gained == 0:
            text = f"uændret siden {fmt.period_label(b.previous_period)}"
        else:
            text = f"{abs(int(gained))} plads{'er' if abs(gained) != 1 else ''} {'frem' if gained > 0 else 'tilbage'} " \
                   f"siden {fmt.period_label(b.previous_period)}"
        tiles.append({"label": b.benefit_group, "value": f"nr. {fmt.integer(b.rank)}",
                      "note": f"måling {fmt.period_label(b.period)}",
                      "changes": [{"arrow": arrow(gained), "tone": tone(gained, fewer_is_better=False), "text": text}]})
    return tiles


def target_group_tiles(targets: pd.DataFrame) -> list[dict]:
    """Tiles of the target groups: the latest month, the change since the quarter before and the year before."""
    return [{"label": t.group_da, "value": fmt.integer(t.value),
             "note": f"{t.unit}, {fmt.period_label(t.period)}",
             "changes": [_change(t.change_quarter_pct, t.previous_period), _change(t.change_year_pct, t.year_earlier_period)]}
            for t in targets.itertuples(index=False)]


def key_figure_tiles(keys: pd.DataFrame) -> list[dict]:
    """Tiles of the key figures against their targets: status symbol and word, value and target."""
    tiles = []
    for k in keys.itertuples(index=False):
        symbol, status_tone = STATUS_SYMBOLS.get(k.status, ("○", "neutral"))
        word = k.status_da if not fmt.is_missing(k.status_da) and k.status_da != fmt.MISSING else "Intet mål"
        target = ""
        if not fmt.is_missing(k.target):
            target = ("højst " if k.target_direction == "max" else "mindst ") + format_value(k.target, k.unit)
        tiles.append({"label": k.label_da, "value": format_value(k.value, k.unit),
                      "note": f"{fmt.period_label(k.quarter)}" + (f" · mål: {target}" if target else ""),
                      "status": {"symbol": symbol, "tone": status_tone, "text": word}})
    return tiles


def since_sentences(since: pd.DataFrame, top: int = 5) -> list[str]:
    """Danish sentences on the ``top`` largest moves since the previous quarter."""
    out = []
    for s in since.dropna(subset=["change_pct"]).head(top).itertuples(index=False):
        unit = str(s.unit)
        if unit == "pct":
            change = format_change(s.change, unit)
        else:
            change = f"{fmt.signed(s.change_pct, 1, suffix='%')} ({fmt.signed(s.change)} {unit})"
        verdict = "" if pd.isna(s.better) else (" – en forbedring" if s.better else " – en forværring")
        out.append(f"**{s.item}**: {format_value(s.value, unit)} i {fmt.period_label(s.period)} mod "
                   f"{format_value(s.previous_value, unit)} i {fmt.period_label(s.previous_period)}, {change}{verdict}.")
    return out


# ----------------------------------------------------------------------------- small multiples (inline SVG)

SVG_WIDTH, SVG_HEIGHT, SVG_PAD = 240, 90, 6


def _points(values: np.ndarray, lo: float, hi: float) -> str:
    n = len(values)
    step = (SVG_WIDTH - 2 * SVG_PAD) / max(n - 1, 1)
    span = (hi - lo) or 1.0
    pts, line = [], []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            if line:
                pts.append(" ".join(line))
                line = []
            continue
        y = SVG_HEIGHT - SVG_PAD - (v - lo) / span * (SVG_HEIGHT - 2 * SVG_PAD)
        line.append(f"{SVG_PAD + i * step:.1f},{y:.1f}")
    if line:
        pts.append(" ".join(line))
    return pts


def small_multiples(multiples: pd.DataFrame) -> list[dict]:
    """One small chart per target group: the municipality's index line and the comparison area's (grey),
    on a shared scale, with the first and last month and the last index values as text."""
    charts = []
    for group, frame in multiples.groupby("target_group", sort=False):
        own = frame[frame["role"] == "municipality"]
        comp = frame[frame["role"] == "comparison"]
        both = frame["index"].astype(float).dropna()
        if both.empty:
            continue
        lo, hi = float(both.min()), float(both.max())
        pad = (hi - lo) * 0.08 or 1.0
        lo, hi = lo - pad, hi + pad
        charts.append({
            "label": own["group_da"].iloc[0], "own": _points(own["index"].to_numpy(float), lo, hi),
            "comparison": _points(comp["index"].to_numpy(float), lo, hi) if len(comp) else [],
            "comparison_area": comp["area"].iloc[0] if len(comp) else "",
            "first": fmt.period_label(own["period"].iloc[0]), "last": fmt.period_label(own["period"].iloc[-1]),
            "own_last": fmt.number(own["index"].iloc[-1], 0), "comparison_last": fmt.number(comp["index"].iloc[-1], 0)
            if len(comp) else fmt.MISSING,
            "width": SVG_WIDTH, "height": SVG_HEIGHT,
            "base_y": None if not lo < 100 < hi else round(SVG_HEIGHT - SVG_PAD - (100 - lo) / (hi - lo)
                                                            * (SVG_HEIGHT - 2 * SVG_PAD), 1),
        })
    return charts


# ----------------------------------------------------------------------------- the page


def headline_blocks(page: FrontPage) -> list[dict]:
    """Each report's headline sentences as written by the report, with the link to them in the report."""
    return [{"title": title, "href": f"{notebook}.html#{report.HEADLINES_ANCHOR}",
             "sentences": [report.inline_markup(s) for s in page.inputs.headlines[notebook]]}
            for notebook, title in REPORTS.items() if page.inputs.headlines.get(notebook)]


def render_page(page: FrontPage, *, period_label: str, source: str, reports: dict[str, str],
                tables: list[str], footer: str = "", workbook: str = "") -> str:
    """The front page's HTML (Danish, self-contained). ``reports``: notebook -> HTML file of the reports made."""
    return styles.render(
        PAGE_TEMPLATE,
        demo=source == "demo",
        municipality=page.municipality,
        period_label=period_label,
        benchmark=benchmark_tiles(page.benchmark) if page.benchmark is not None else [],
        targets=target_group_tiles(page.target_groups) if page.target_groups is not None else [],
        keys=key_figure_tiles(page.key_figures) if page.key_figures is not None else [],
        headlines=headline_blocks(page),
        since=[report.inline_markup(s) for s in since_sentences(page.since)],
        charts=small_multiples(page.multiples) if page.multiples is not None else [],
        comparison_area=page.comparison_area or "",
        months=SMALL_MULTIPLE_MONTHS,
        quarterly=page.target_groups is not None and len(page.target_groups) > 0
        and periods_per_quarter_and_year(page.target_groups["period"].iloc[0]) == (1, 4),
        missing=page.inputs.missing,
        reports=[(REPORTS.get(nb, nb), href) for nb, href in reports.items()],
        tables=tables, workbook=workbook, footer=footer,
    )
