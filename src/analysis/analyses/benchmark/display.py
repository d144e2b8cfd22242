"""The benchmark's report tables: Danish headings of every column (:data:`HEADINGS_DA`), key tables
ready for CSV (:func:`csv_ready`), display frames and captions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses.benchmark.compute import ALL_GROUPS, GROUPS, RESIDUAL, TOTAL
from analysis.analyses.benchmark.phrases import in_area, period_phrase, places_text, year_text
from analysis.present import formats as fmt
from analysis.present.tables import TableSpec
from analysis.reference import periods as periodsmod

GROUP_LABEL_DA = {TOTAL: "I alt", "A-dagpenge mv.": "A-dagpenge mv.", "Sygedagpenge mv.": "Sygedagpenge mv.",
                  "Kontanthjælp mv.": "Kontanthjælp mv.", RESIDUAL: "Afrunding"}

# Danish headings for every column the module's tables use (reports and CSV sidecars).
HEADINGS_DA = {
    "period": "Periode",
    "period_label": "Periode",
    "benefit_group": "Ydelsesgruppe",
    "area": "Kommune",
    "rank": "Placering",
    "actual": "Faktisk antal fuldtidspersoner",
    "expected": "Forventet antal fuldtidspersoner",
    "difference": "Forskel (faktisk - forventet), fuldtidspersoner",
    "actual_share_pct": "Faktisk andel af 16-66-årige (pct.)",
    "expected_share_pct": "Forventet andel af 16-66-årige (pct.)",
    "difference_pp": "Forskel i andel (pct.-point)",
    "rate_dkk": "Nettokommunal udgift pr. fuldtidsperson (kr. pr. år)",
    "potential_dkk": "Økonomisk potentiale (kr. pr. år)",
    "period_year": "År, perioden slutter i",
    "price_year": "Prisår (taksten brugt er for dette år)",
    "nearest_year": "Takst fra nærmeste år (ingen takst for periodens eget år)",
    "rate_source": "Kilde til taksten",
    "difference_first": "Forskel, første periode (fuldtidspersoner)",
    "difference_last": "Forskel, seneste periode (fuldtidspersoner)",
    "change": "Ændring (fuldtidspersoner)",
    "difference_pp_first": "Forskel i andel, første periode (pct.-point)",
    "difference_pp_last": "Forskel i andel, seneste periode (pct.-point)",
    "change_pp": "Ændring (pct.-point)",
    "rank_first": "Placering, første periode",
    "rank_last": "Placering, seneste periode",
    "places_gained": "Pladser vundet",
    "rank_if_others_unchanged": "Placering hvis de øvrige kommuner stod stille",
    "own_places": "Pladser fra egen udvikling (gennemsnit af begge rækkefølger)",
    "others_places": "Pladser fra de øvrige kommuners udvikling (gennemsnit af begge rækkefølger)",
    "rounding_places": "Pladser fra afrunding (offentliggjort minus genberegnet ændring)",
    "rank_first_recomputed": "Placering, første periode, genberegnet af de afrundede tal",
    "rank_last_recomputed": "Placering, seneste periode, genberegnet af de afrundede tal",
    "rank_if_own_unchanged": "Placering hvis kommunen selv stod stille",
    "own_places_own_first": "Pladser fra egen udvikling, når den regnes først",
    "others_places_own_first": "Pladser fra de øvriges udvikling, når kommunens egen regnes først",
    "own_places_others_first": "Pladser fra egen udvikling, når de øvriges regnes først",
    "others_places_others_first": "Pladser fra de øvriges udvikling, når den regnes først",
    "places": "Pladser (+ op, - ned)",
    "target_rank": "Målplacering",
    "target_area": "Kommune på målplaceringen",
    "target_difference_pp": "Målkommunens forskel i andel (pct.-point)",
    "population_16_66": "Befolkning 16-66 år (beregnet)",
    "change_fulltime_persons": "Nødvendig ændring i fuldtidspersoner (- færre, + flere)",
    "change_pct_of_actual": "Ændring i pct. af det faktiske antal",
    "note": "Bemærkning",
    "place_in_area": "Placering i sammenligningsområdet",
    "rank_total": "Placering i alt",
    "rank_a_dagpenge": "Placering A-dagpenge mv.",
    "rank_sygedagpenge": "Placering Sygedagpenge mv.",
    "rank_kontanthjaelp": "Placering Kontanthjælp mv.",
    "difference_total": "Forskel i alt (fuldtidspersoner)",
    "difference_pp_total": "Forskel i andel i alt (pct.-point)",
}


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for the key-table CSVs: whole-number columns (ranks, places, full-time persons, kroner) as
    nullable integers, so the file says ``64`` rather than ``64.0``; missing stays empty. Shares and
    percentage points (``*_pct``, ``*_pp``) and derived estimates keep their decimals."""
    out = frame.copy()
    keep = ("population_16_66", "change_fulltime_persons", "change_pct_of_actual")
    for col in out.columns:
        if col.endswith(("_pct", "_pp")) or col.startswith("difference_pp") or col in keep:
            continue
        if pd.api.types.is_float_dtype(out[col]):
            values = out[col].dropna()
            if len(values) and np.all(np.isclose(values, np.round(values))):
                out[col] = out[col].round().astype("Int64")
    return out


ATTRIBUTION_LINES = ("own_places", "others_places", "rounding_places", "places_gained")
ATTRIBUTION_LINES_DA = {
    "own_places": "Egen udvikling",
    "others_places": "De øvrige kommuners udvikling",
    "rounding_places": "Afrunding (lige store afrundede tal)",
    "places_gained": "Ændring i alt (offentliggjort placering)",
}


def rank_attribution_lines(attribution: pd.DataFrame) -> pd.DataFrame:
    """The attribution as lines that add up: one row per line, one column per benefit group (places, + = up).

    Rows in the order own development, the others' development, rounding, the published change;
    the first three sum to the last. Columns: line, line_da, then the groups of :data:`ALL_GROUPS`.
    """
    att = attribution.set_index("benefit_group").reindex(list(ALL_GROUPS))
    out = pd.DataFrame({"line": list(ATTRIBUTION_LINES), "line_da": [ATTRIBUTION_LINES_DA[k] for k in ATTRIBUTION_LINES]})
    for g in ALL_GROUPS:
        out[g] = [att.loc[g, k] for k in ATTRIBUTION_LINES]
    return out


def price_year_label(pot: pd.DataFrame, period: str) -> str:
    """The price year of one period's kroner for captions: "2023-priser", "prisår ikke oplyst", or the mix."""
    code = periodsmod.parse_period(period).code
    rows = pot[(pot["period"] == code) & pot["benefit_group"].isin(GROUPS) & pot["rate_dkk"].notna()]
    years = sorted({int(y) for y in rows["price_year"].dropna()})
    unknown = rows["price_year"].isna().any()
    if not years:
        return "prisår ikke oplyst" if unknown else ""
    text = f"{years[0]}-priser" if len(years) == 1 else \
        ", ".join(f"{y}-" for y in years[:-1]) + f" og {years[-1]}-priser"  # "2023- og 2024-priser"
    return text + (" og takster uden oplyst prisår" if unknown else "")


def potential_caption(pot: pd.DataFrame, period: str) -> str:
    """The caption of the potential table: the period, how the total is made, and the price year."""
    priced = price_year_label(pot, period)
    return (f"Økonomisk betydning af forskellen, {period_phrase(period)} (i alt = summen af grupperne)"
            + (f", {priced}" if priced else ""))


# --------------------------------------------------------------------------- the report's tables (one spec each)

NOTEBOOK = "benchmark_ranking"
RATE_HEADINGS_DA = {
    "benefit_group": "Ydelsesgruppe",
    "rate_dkk": "Kr. pr. fuldtidsperson pr. år",
    "year": "Prisår",
    "assumption": "Antagelse",
    "source": "Kilde",
    "origin": "Fil",
}
_GROUP_COLUMNS_DA = {g: GROUP_LABEL_DA[g] for g in ALL_GROUPS}


def _pp2(x) -> str:
    return fmt.pp(x, 2)


def _pct1(x) -> str:
    return fmt.percent(x, 1)


def _pct2(x) -> str:
    return fmt.percent(x, 2)


def _is_total(row) -> bool:
    return row.benefit_group == TOTAL


def _with_group_da(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(group_da=frame["benefit_group"].map(GROUP_LABEL_DA))


def _key_table(name: str, title_da: str, **spec) -> TableSpec:
    """A key table of this notebook: CSV headings from :data:`HEADINGS_DA`, written with :func:`csv_ready`."""
    spec.setdefault("to_csv", csv_ready)
    return TableSpec(notebook=NOTEBOOK, name=name, title_da=title_da, headings_da=HEADINGS_DA, **spec)


def warnings_table(warnings) -> pd.DataFrame:
    """The data warnings as a one-column frame (``message``), for the key table ``data_warnings``."""
    return pd.DataFrame({"message": list(warnings)}, dtype=str)


WARNINGS_SPEC = TableSpec(
    columns_da={"message": "Bemærkning om data"}, notebook=NOTEBOOK, name="data_warnings",
    title_da="Bemærkninger om manglende data",
)


def rank_table(history: pd.DataFrame, periods) -> pd.DataFrame:
    """The rank per period (rows) and benefit group (columns), with a Danish period label."""
    ranks = history.pivot(index="period", columns="benefit_group", values="rank").reindex(list(periods))
    ranks = ranks.reindex(columns=list(ALL_GROUPS)).reset_index()
    ranks["period_label"] = [fmt.period_label(p) for p in ranks["period"]]
    return ranks


def rank_history_spec(name: str, periods) -> TableSpec:
    """Shown: :func:`rank_table`; saved: the rank history (``rank_history``)."""
    return _key_table(
        "rank_history", "Placering og faktisk mod forventet niveau over tid",
        columns_da={"period_label": "Periode", **{g: f"Placering, {GROUP_LABEL_DA[g]}" for g in ALL_GROUPS}},
        formats={g: fmt.integer for g in ALL_GROUPS},
        caption=f"{name}s placering på benchmarket (1 = bedst af 98)",
        prepare=lambda history: rank_table(history, periods),
    )


def latest_spec(period: str) -> TableSpec:
    """Actual against expected in the latest period (shown only)."""
    return TableSpec(
        columns_da={"benefit_group": "Ydelsesgruppe", "actual": "Faktisk antal", "expected": "Forventet antal",
                    "difference": "Forskel (personer)", "actual_share_pct": "Faktisk andel",
                    "expected_share_pct": "Forventet andel", "difference_pp": "Forskel i andel", "rank": "Placering"},
        formats={"actual": fmt.integer, "expected": fmt.integer, "difference": fmt.signed, "actual_share_pct": _pct2,
                 "expected_share_pct": _pct2, "difference_pp": _pp2, "rank": fmt.integer},
        caption=f"Fuldtidspersoner og andel af de 16-66-årige, {period_phrase(period)}",
    )


def decomposition_spec(first: str, last: str) -> TableSpec:
    """The gap decomposition per benefit group (``gap_decomposition``)."""
    return _key_table(
        "gap_decomposition", "Ændring i forskellen til det forventede niveau, bidrag pr. ydelsesgruppe",
        columns_da={"group_da": "Ydelsesgruppe", "difference_first": f"Forskel {period_phrase(first)}",
                    "difference_last": f"Forskel {period_phrase(last)}", "change": "Ændring (personer)",
                    "change_pp": "Ændring (pct.-point)", "rank_first": f"Placering {period_phrase(first)}",
                    "rank_last": f"Placering {period_phrase(last)}", "places_gained": "Pladser vundet"},
        formats={"difference_first": fmt.signed, "difference_last": fmt.signed, "change": fmt.signed,
                 "change_pp": _pp2, "rank_first": fmt.integer, "rank_last": fmt.integer, "places_gained": fmt.signed},
        caption="Faktisk minus forventet antal fuldtidspersoner: ændring og bidrag pr. ydelsesgruppe",
        highlight=_is_total, prepare=_with_group_da,
    )


def _is_published_change(row) -> bool:
    return row.line == "places_gained"


def attribution_spec(first: str, last: str) -> TableSpec:
    """Shown: the attribution as lines that add up (:func:`rank_attribution_lines`); saved: ``rank_attribution``."""
    return _key_table(
        "rank_attribution", "Ændring i placering: egen udvikling, de øvrige kommuners og afrunding",
        columns_da={"line_da": "Pladser (+ op, - ned)", **_GROUP_COLUMNS_DA},
        formats={g: places_text for g in ALL_GROUPS},
        caption=f"Ændring i placering fra {period_phrase(first)} til {period_phrase(last)}: "
        "egen udvikling, de øvrige kommuners udvikling og afrunding",
        highlight=_is_published_change, prepare=rank_attribution_lines,
    )


def _with_move(distance: pd.DataFrame) -> pd.DataFrame:
    return distance.assign(move=[f"{abs(k)} pladser {'op' if k > 0 else 'ned'}" for k in distance["places"]])


def distance_spec(distance: pd.DataFrame, name: str, last: str) -> TableSpec:
    """The distance to the next places (``distance_to_places``); the caption says where the municipality stands."""
    return _key_table(
        "distance_to_places", "Afstand til de næste pladser på ranglisten",
        columns_da={"move": "Flytning", "target_rank": "Målplacering", "target_area": "Kommune på målplaceringen",
                    "target_difference_pp": "Dens forskel i andel", "change_fulltime_persons": "Ændring i fuldtidspersoner",
                    "change_pct_of_actual": "I pct. af det faktiske antal", "note": "Bemærkning"},
        formats={"target_rank": fmt.integer, "target_difference_pp": _pp2, "change_fulltime_persons": fmt.signed,
                 "change_pct_of_actual": _pct1},
        caption=f"{name} er nr. {fmt.integer(distance['rank'].iloc[0])} med en forskel på "
        f"{fmt.pp(distance['difference_pp'].iloc[0], 2)} ({period_phrase(last)}). "
        "Negativ ændring = færre fuldtidspersoner.",
        prepare=_with_move,
    )


def _rate_year(year) -> str:
    return year or "ikke oplyst"


def _rate_kroner(x) -> str:
    return f"{fmt.integer(x)} kr."


def _yes_no(x) -> str:
    return "Ja" if x else "Nej"


RATES_SPEC = TableSpec(
    columns_da={"benefit_group": "Ydelsesgruppe", "year": "Prisår", "rate_dkk": "Kr. pr. fuldtidsperson pr. år",
                "assumption": "Antagelse"},
    formats={"year": _rate_year, "rate_dkk": _rate_kroner, "assumption": _yes_no},
    caption="Nettokommunal udgift pr. fuldtidsperson, pr. prisår",
)
"""The rates shown (``rates`` is saved with the potential: :data:`RATES_EXPORT_SPEC`)."""
RATES_EXPORT_SPEC = TableSpec(columns_da=RATE_HEADINGS_DA, notebook=NOTEBOOK, name="rates", title_da="Anvendte takster",
                              to_csv=csv_ready)


def rate_sources(rate_table: pd.DataFrame) -> list[str]:
    """One sentence per rate: its benefit group, price year and source."""
    return [f"**{g}, {y or 'prisår ikke oplyst'}:** {src}"
            for g, y, src in zip(rate_table["benefit_group"], rate_table["year"], rate_table["source"], strict=True)]


POTENTIAL_INCOMPLETE_DA = (
    "Det økonomiske potentiale kan ikke opgøres for alle ydelsesgrupper (manglende takst eller manglende data). "
    "Grupper uden beløb står med –, og summen i alt er derfor ikke beregnet."
)


def potential_incomplete(pot: pd.DataFrame, period: str) -> bool:
    """Whether a benefit group of the period has no amount (no rate or no data)."""
    return bool(pot.loc[pot["period"] == period, "potential_dkk"].isna().any())


def potential_spec(pot: pd.DataFrame, last: str) -> TableSpec:
    """Shown: the latest period's potential per group; saved: every period (``potential``)."""
    return _key_table(
        "potential", "Økonomisk potentiale pr. ydelsesgruppe (i alt = summen af grupperne)",
        columns_da={"group_da": "Ydelsesgruppe", "difference": "Forskel (fuldtidspersoner)",
                    "rate_dkk": "Kr. pr. fuldtidsperson", "price_year": "Prisår", "potential_dkk": "Kr. pr. år"},
        formats={"difference": fmt.signed, "rate_dkk": fmt.integer, "price_year": year_text, "potential_dkk": fmt.kroner},
        caption=potential_caption(pot, last), highlight=_is_total,
        prepare=lambda frame: _with_group_da(frame[frame["period"] == last]),
    )


def _is_area(name: str):
    return lambda row: row.area == name


def comparison_spec(area: str, name: str, last: str) -> TableSpec:
    """The municipalities of the comparison area (``comparison_area``)."""
    return _key_table(
        "comparison_area", f"Kommunerne {in_area(area)}",
        columns_da={"place_in_area": "Nr. i området", "area": "Kommune", "rank_total": "Placering i alt",
                    "rank_a_dagpenge": "A-dagpenge mv.", "rank_sygedagpenge": "Sygedagpenge mv.",
                    "rank_kontanthjaelp": "Kontanthjælp mv.", "difference_total": "Forskel (personer)",
                    "difference_pp_total": "Forskel i andel"},
        formats={"place_in_area": fmt.integer, "rank_total": fmt.integer, "rank_a_dagpenge": fmt.integer,
                 "rank_sygedagpenge": fmt.integer, "rank_kontanthjaelp": fmt.integer, "difference_total": fmt.signed,
                 "difference_pp_total": _pp2},
        caption=f"Kommunerne {in_area(area)}, {period_phrase(last)} (placering blandt alle 98 kommuner)",
        highlight=_is_area(name),
    )


def ranking_spec(last: str) -> TableSpec:
    """The whole latest ranking (saved only: ``ranking``), with its period."""
    return _key_table("ranking", "Hele ranglisten, seneste måling",
                      to_csv=lambda frame: csv_ready(frame.assign(period=last)))
