"""The key figures' report table: each value, change and target as Danish text, Danish headings, and the targets table.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysis.analyses.key_figures.compute import NOTEBOOK, Dashboard
from analysis.analyses.key_figures.definitions import FIGURE_KEYS
from analysis.core import paths
from analysis.analyses.key_figures.targets import applies_to_da
from analysis.present import formats as fmt
from analysis.present.tables import TableSpec, text

HEADINGS_DA = {
    "figure": "Nøgletal (kode)",
    "label_da": "Nøgletal",
    "unit": "Enhed",
    "quarter": "Kvartal",
    "value": "Værdi i kvartalet",
    "previous_quarter": "Forrige kvartal",
    "previous_value": "Værdi i forrige kvartal",
    "year_earlier_quarter": "Samme kvartal året før",
    "year_earlier_value": "Værdi samme kvartal året før",
    "change_year": "Ændring fra året før",
    "comparison_area": "Sammenligningsområde",
    "comparison_value": "Værdi i sammenligningsområdet",
    "target": "Mål",
    "target_direction": "Måltype (max = højst, min = mindst)",
    "target_source": "Kilde til målet",
    "target_assumed": "Antaget mål (ikke vedtaget)",
    "status": "Status (kode)",
    "status_da": "Status",
    "target_applies_to": "Målet gælder for",
    "target_basis": "Sammenlignet med (kode: quarter, year_to_date, rolling_four_quarters)",
    "target_basis_da": "Tallet, der er sammenlignet med målet",
    "target_compared_value": "Værdi sammenlignet med målet",
    "target_compared_target": "Mål for den sammenlignede periode (forholdsmæssigt for optællinger år til dato)",
}


# --------------------------------------------------------------------------- display


def format_value(value: float, unit: str, decimals: int = 0) -> str:
    """A figure's value in Danish: percentages with "%", counts whole."""
    if unit == "pct":
        return fmt.percent(value, decimals or 1)
    return fmt.number(value, decimals)


def format_change(value: float, unit: str, decimals: int = 0) -> str:
    if unit == "pct":
        return fmt.pp(value, decimals or 1)
    return fmt.signed(value, decimals)


def display_table(d: Dashboard) -> tuple[pd.DataFrame, dict[str, str]]:
    """The dashboard as display strings and its Danish headings (quarter labels as column headings)."""
    t = d.table
    dec = {f.key: f.decimals for f in FIGURE_KEYS.values()}

    def fv(value, r):
        return format_value(value, r.unit, dec.get(r.figure, 0))

    shown = pd.DataFrame({
        "label": [("\u2003" if r.figure == "kh_aktivitetsparate_over_2_aar" else "") + FIGURE_KEYS[r.figure].label_da
                  for r in t.itertuples()],
        "value": [fv(r.value, r) for r in t.itertuples()],
        "previous_value": [fv(r.previous_value, r) for r in t.itertuples()],
        "year_earlier_value": [fv(r.year_earlier_value, r) for r in t.itertuples()],
        "change_year": [format_change(r.change_year, r.unit, dec.get(r.figure, 0)) for r in t.itertuples()],
        "comparison_value": [fv(r.comparison_value, r) if r.comparison_area else fmt.MISSING for r in t.itertuples()],
        "target": [
            (("højst " if r.target_direction == "max" else "mindst ") + fv(r.target, r) + ("*" if r.target_assumed else "")
             + (f" ({applies_to_da(d.targets[r.figure])})" if r.figure in d.targets else ""))
            if pd.notna(r.target) else fmt.MISSING
            for r in t.itertuples()
        ],
        "target_compared": [_compared_text(r, dec.get(r.figure, 0)) for r in t.itertuples()],
        "status_da": list(t["status_da"]),
        "status": list(t["status"]),
    })
    headings = {
        "label": "Nøgletal",
        "value": fmt.period_label(d.quarter),
        "previous_value": fmt.period_label(d.previous_quarter),
        "year_earlier_value": fmt.period_label(d.year_earlier_quarter),
        "change_year": "Ændring fra året før",
        "comparison_value": f"{d.comparison_area}, {fmt.period_label(d.quarter)}",
        "target": "Mål (gælder for)",
        "target_compared": "Sammenlignet med målet",
        "status_da": "Status",
    }
    return shown, headings


def _compared_text(r, decimals: int) -> str:
    """The figure a target was compared with, for the table: "1.114 (gennemsnit 1.-4. kvt. 2024, hele året)"."""
    if r.target_basis == "quarter":
        return "kvartalets tal"
    if not r.target_basis:
        return fmt.MISSING
    value, goal = r.target_compared_value, r.target_compared_target
    if pd.notna(value) and pd.notna(goal):
        # One or two more decimals where the rounded figure would look equal to a target it misses or beats.
        while (decimals < 4 and value != goal and
               format_value(value, r.unit, decimals or (1 if r.unit == "pct" else 0))
               == format_value(goal, r.unit, decimals or (1 if r.unit == "pct" else 0))):
            decimals += 1
    text = f"{format_value(value, r.unit, decimals)} ({r.target_basis_da})"
    if goal != r.target and pd.notna(goal):
        text += f"; mål {format_value(goal, r.unit, decimals)}"
    return text


def targets_table(d: Dashboard) -> pd.DataFrame:
    """The municipality's targets with their sources, for the report's list of sources."""
    rows = []
    for fig in FIGURE_KEYS.values():
        t = d.targets.get(fig.key)
        if t is None:
            continue
        rows.append({
            "label_da": fig.title_da,
            "target": ("højst " if t.direction == "max" else "mindst ") + format_value(t.value, fig.unit, fig.decimals),
            "applies_to": applies_to_da(t),
            "compared_with": COMPARED_WITH_DA[t.compare_with] if t.per == "year" else "Hvert kvartals tal",
            "assumed": "Ja" if t.assumed else "Nej",
            "source": t.source,
        })
    return pd.DataFrame(rows, columns=["label_da", "target", "applies_to", "compared_with", "assumed", "source"])


COMPARED_WITH_DA = {
    "year_to_date": "Året til dato (årets kvartaler indtil nu)",
    "rolling_four_quarters": "De seneste fire kvartaler",
    "quarter": "Hvert kvartals tal",
}


# --------------------------------------------------------------------------- the report's tables (one spec each)

ASSUMED_TARGETS_NOTE_DA = "Mål markeret med * er antagne pladsholdere, ikke vedtagne mål. Se afsnittet Mål og kilder."
_TEXT_COLUMNS = ("value", "previous_value", "year_earlier_value", "change_year", "comparison_value", "target",
                 "target_compared")


def table_spec(d: Dashboard) -> TableSpec:
    """The key figures of the quarter (``key_figures``): shown as Danish text (:func:`display_table`,
    quarter labels as headings), saved with every column of :data:`~analysis.analyses.key_figures.compute.TABLE_COLUMNS`."""
    _, headings = display_table(d)
    quarter = fmt.period_label(d.quarter)
    return TableSpec(
        columns_da=headings, formats={c: text for c in _TEXT_COLUMNS},
        caption=f"Nøgletal for {d.municipality}, {quarter}",
        notebook=NOTEBOOK, name="key_figures", title_da=f"Kvartalets nøgletal, {quarter}", headings_da=HEADINGS_DA,
        prepare=lambda table: display_table(dataclasses.replace(d, table=table))[0],
    )


TARGETS_SPEC = TableSpec(
    columns_da={"label_da": "Nøgletal", "target": "Mål", "applies_to": "Gælder for", "compared_with": "Sammenlignes med",
                "assumed": "Antaget", "source": "Kilde"},
    caption="Mål fra målfilen",
)
"""The municipality's targets with their sources (:func:`targets_table`; shown only)."""


def no_targets_note(name: str) -> str:
    """The note when the targets file sets no target for the municipality."""
    return f"Der er ikke sat mål for {name}. Mål kan tilføjes i config/targets.yaml under kommunekoden."


# --------------------------------------------------------------------------- how the figures are made, per source

_METHOD_JOBINDSATS_DA = (
    (
        "**Kvartalstal** fra Jobindsats' månedstal er gennemsnittet af kvartalets tre måneder. Mangler en af "
        "månederne, vises kvartalet som –."
    ),
    (
        "**Helårspersoner** er fuldtidspersoner: tid på ydelsen omregnet til hele personer. Kvartalets "
        "helårspersoner er gennemsnittet af kvartalets tre måneders fuldtidspersoner. **Over to år** er "
        "varighederne 2-3 år og over 3 år."
    ),
    (
        "**Ordinære løntimer:** aktivitetsparate kontanthjælpsmodtagere med ordinære løntimer i måneden "
        "(Jobindsats OTIJ01), gennemsnit pr. måned i kvartalet, og deres andel af målgruppen."
    ),
    (
        "**Andel på a-dagpenge og sygedagpenge:** fuldtidspersoner i procent af befolkningen 16-66 år (Y01A02 og "
        "Y07A02)."
    ),
    (
        "**Delvis raskmelding:** sygedagpengemodtagere i delvis raskmelding i procent af alle "
        "sygedagpengemodtagere (Y07A02), beregnet af kvartalets summer."
    ),
    (
        "**Partnerskabsaftaler og voksenlærlinge** er jobcentrets egne tal fra filen lokale_noegletal.csv."
    ),
    (
        "**Status** sammenligner tallet med målet: \"højst\" er nået, når tallet er på eller under målet, \"mindst\", "
        "når det er på eller over."
    ),
    (
        "**Målets periode.** Hvert mål gælder for den periode, der står i målfilen (fx 2024). Status vurderes kun "
        "i kvartaler inden for perioden; i andre kvartaler står der \"Intet mål for perioden\", og et mål for 2024 "
        "siger altså intet om 2025."
    ),
    (
        "**Årsmål** sammenlignes med årets tal til og med kvartalet (år til dato), eller med de seneste fire "
        "kvartaler, hvis målfilen siger det. Kolonnen \"Sammenlignet med målet\" og teksten viser, hvilket tal der "
        "er brugt. Årets helårspersoner, personer, andele og aktive partnerskabsaftaler er gennemsnittet af årets "
        "kvartaler; delvis raskmelding er andelen for kvartalerne under ét; optællinger af starter i kvartalet "
        "(voksenlærlinge, borgere startet via partnerskabsaftaler) lægges sammen, og år til dato sammenlignes de "
        "med den tilsvarende del af årsmålet (fx 2/4 efter 2. kvartal). Før årets sidste kvartal er status derfor "
        "foreløbig. Mangler et kvartal, vurderes målet ikke (\"Ingen data\"). Et mål \"pr. kvartal\" sammenlignes med "
        "hvert kvartals eget tal."
    ),
)

_METHOD_STATBANK_DA = (
    "**Kilde:** Danmarks Statistik, Statistikbanken, tabel AUK01 (fuldtidsmodtagere af offentlige forsørgelsesydelser, "
    "kvartalstal, offentlig uden API-nøgle). Grupperne er summer af tabellens ydelsestyper som i "
    "config/statbank_groups.yaml.",
    "**Fuldtidsmodtagere** er tiden på ydelsen i kvartalet omregnet til hele personer, dvs. kvartalets helårspersoner. "
    "Tallene er kvartalstal fra kilden; der beregnes ikke gennemsnit af måneder. Et kvartal uden tal (.. i "
    "Statistikbanken) vises som –.",
    "**Forskel fra Jobindsats:** udvalgets nøgletal bygger på Jobindsats' månedstal (andele af befolkningen, "
    "aktivitetsparate, ordinære løntimer, delvis raskmelding) og jobcentrets egne tal. Dem har Danmarks Statistiks "
    "AUK01 ikke, så de står øverst som »ikke i denne kilde«, og målene for dem vurderes ikke her.",
    "**Status** sammenligner tallet med målet, hvis målfilen har et mål for et af disse nøgletal: \"højst\" er nået, "
    "når tallet er på eller under målet, \"mindst\", når det er på eller over.",
)


def method_da(source: str) -> list[str]:
    """The bullets of "Sådan er tallene beregnet" for the report's source (``dst``: StatBank's AUK01, else Jobindsats)."""
    return list(_METHOD_STATBANK_DA if source == paths.STATBANK else _METHOD_JOBINDSATS_DA)
