"""The benchmark's report tables: Danish headings of every column (:data:`HEADINGS_DA`), key tables
ready for CSV (:func:`csv_ready`), display frames and captions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.analyses.benchmark.compute import ALL_GROUPS, GROUPS, RESIDUAL, TOTAL
from analysis.analyses.benchmark.phrases import period_phrase
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
