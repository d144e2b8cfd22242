"""The benchmark in Danish sentences for leadership, in the status report's style: the key points, what moved
the rank, which rates and price years the kroner use.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.analyses.benchmark import rates as rates_mod
from analysis.analyses.benchmark.compute import (
    GROUPS,
    N_MUNICIPALITIES,
    TOTAL,
    benchmark_period,
    comparison_table,
    data_periods,
    distance_to_places,
    gap_decomposition,
    municipality_name,
    period_year,
    rank_history,
    wide,
)
from analysis.analyses.benchmark.phrases import (
    full_stop,
    join_da,
    level_phrase,
    moved_phrase,
    period_phrase,
    persons_text,
    place_count_phrase,
    places_phrase,
)
from analysis.present import formats as fmt
from analysis.reference import geography

# Danish: the benefit group as an area of work ("sygedagpengeområdet") and a short label.
GROUP_AREA_DA = {
    TOTAL: "de samlede ydelsesgrupper",
    "A-dagpenge mv.": "a-dagpengeområdet",
    "Sygedagpenge mv.": "sygedagpengeområdet",
    "Kontanthjælp mv.": "kontanthjælpsområdet",
}


def price_year_note(pot: pd.DataFrame) -> str | None:
    """Danish: which price year the kroner of each period are in, and where the nearest year's rates were used."""
    rows = pot[pot["benefit_group"].isin(GROUPS) & pot["rate_dkk"].notna()]
    if rows.empty:
        return None
    texts = ["Beløbene er opgjort med taksten for det år, perioden slutter i (året til og med 2. kvt. 2021 bruger "
             "taksten for 2021)."] if rows["price_year"].notna().any() else []
    # Groups that use the same price year for the same period years are described together.
    buckets: dict[tuple, list[str]] = {}
    for g in GROUPS:
        part = rows[rows["benefit_group"] == g].drop_duplicates("period_year").sort_values("period_year")
        if len(part):
            key = tuple((int(y), None if pd.isna(p) else int(p), bool(n))
                        for y, p, n in zip(part["period_year"], part["price_year"], part["nearest_year"], strict=True))
            buckets.setdefault(key, []).append(g)
    for key, groups in buckets.items():
        lead = "" if len(buckets) == 1 else f"{join_da(groups)}: "
        sentences = []
        if all(p is None for _, p, _ in key):
            sentences.append(f"{'Taksterne er' if not lead and len(groups) > 1 else 'Taksten er'} angivet uden prisår "
                             "og er brugt for alle perioder.")
        else:
            exact = [y for y, p, n in key if p is not None and not n]
            if exact:
                sentences.append(f"Der er takster for {join_da([str(y) for y in exact])}.")
            nearest: dict[int, list[int]] = {}
            for y, p, n in key:
                if p is not None and n:
                    nearest.setdefault(p, []).append(y)
            for p, years in nearest.items():
                sentences.append(f"Der er ingen takst for {join_da([str(y) for y in years])}, så taksten for {p} (det "
                                 f"nærmeste år med en takst) er brugt; beløbene for {'det år' if len(years) == 1 else 'de år'} "
                                 f"er altså i {p}-priser.")
        texts.append(lead + " ".join(sentences))
    totals = pot[(pot["benefit_group"] == TOTAL) & pot["potential_dkk"].notna() & pot["price_year"].isna()]
    if len(totals) and rows["price_year"].notna().any():
        texts.append("Summen for alle grupper i alt lægger beløb i forskellige prisår sammen for "
                     f"{join_da([period_phrase(p) for p in totals['period']])}.")
    return " ".join(texts)


def leadership_sentences(
    y30: pd.DataFrame,
    municipality: str,
    period: str,
    first_period: str,
    rates=None,
    comparison_area: str | None = None,
) -> list[str]:
    """A few Danish sentences for leadership in the status report's style, with Danish number formats.

    E.g. "I perioden har Slagelse forbedret sig 19 pladser på Beskæftigelsesministeriets benchmark af
    jobcentrene, hvor kommunen er rykket fra plads nr. 83 i året til og med 2. kvt. 2020 til plads
    nr. 64 ved den seneste måling (2021)." Parts whose figures are missing are left out (never
    written with a 0); :func:`~analysis.analyses.benchmark.compute.check` reports the gaps.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = municipality_name(municipality)
    available = data_periods(y30)
    last = benchmark_period(period, available)
    first = benchmark_period(first_period, available, "first_period")
    hist = rank_history(y30, name, [first, last]).set_index(["benefit_group", "period"]).sort_index()
    out: list[str] = []

    r1, r2 = hist.loc[(TOTAL, first), "rank"], hist.loc[(TOTAL, last), "rank"]
    n = int(y30.query("period == @last and benefit_group == @TOTAL")["rank"].max())
    if not pd.isna(r2):
        r2 = int(r2)
        if first == last or pd.isna(r1):
            out.append(f"{name} ligger på plads nr. {r2} af {n} kommuner på Beskæftigelsesministeriets benchmark "
                       f"af jobcentrene ved den seneste måling ({period_phrase(last)}).")
        else:
            r1 = int(r1)
            if r1 > r2:
                out.append(f"I perioden har {name} forbedret sig {places_phrase(r1 - r2)} på Beskæftigelsesministeriets "
                           f"benchmark af jobcentrene, hvor kommunen er rykket fra plads nr. {r1} i {period_phrase(first)} "
                           f"til plads nr. {r2} ved den seneste måling ({period_phrase(last)}).")
            elif r1 < r2:
                out.append(f"I perioden er {name} gået {places_phrase(r2 - r1)} tilbage på Beskæftigelsesministeriets "
                           f"benchmark af jobcentrene, fra plads nr. {r1} i {period_phrase(first)} til plads nr. {r2} "
                           f"ved den seneste måling ({period_phrase(last)}).")
            else:
                out.append(f"{name} ligger på plads nr. {r2} på Beskæftigelsesministeriets benchmark af jobcentrene "
                           f"ved den seneste måling ({period_phrase(last)}), den samme placering som i {period_phrase(first)}.")

    # The best- and the worst-placed benefit group, with the gap in persons and kroner.
    per_group = rates_mod.rates_for_year(rates, period_year(last)).set_index("benefit_group") \
        if rates is not None else pd.DataFrame(columns=rates_mod.YEAR_COLUMNS).set_index("benefit_group")

    def gap_text(g: str) -> str:
        diff = hist.loc[(g, last), "difference"]
        if pd.isna(diff):
            return ""
        if diff == 0:
            return "Her svarer det faktiske antal fuldtidspersoner til det forventede niveau."
        text = f"Her ligger det faktiske antal fuldtidspersoner {level_phrase(diff)}"
        if g in per_group.index:
            rate, price = float(per_group.loc[g, "rate_dkk"]), per_group.loc[g, "price_year"]
            kind = "mindreudgift" if diff < 0 else "merudgift"
            if pd.isna(price):
                priced = "takst uden oplyst prisår"
            elif per_group.loc[g, "nearest_year"]:
                priced = f"{int(price)}-priser; der er ingen takst for {period_year(last)}"
            else:
                priced = f"{int(price)}-priser"
            text += f", svarende til en årlig nettokommunal {kind} på ca. {fmt.kroner(abs(diff) * rate)} ({priced})"
        return " " + full_stop(text)

    group_ranks = {g: int(hist.loc[(g, last), "rank"]) for g in GROUPS if not pd.isna(hist.loc[(g, last), "rank"])}
    if group_ranks:
        best = min(group_ranks, key=group_ranks.get)
        rb = group_ranks[best]
        if rb <= 3:
            where = f"i top tre blandt landets kommuner (plads nr. {rb})"
        elif rb <= 10:
            where = f"i top ti blandt landets kommuner (plads nr. {rb})"
        else:
            where = f"på plads nr. {rb} blandt landets kommuner"
        out.append(f"Bedst placeret er {GROUP_AREA_DA[best]}, der ligger {where}, når der tages højde for "
                   "kommunernes rammevilkår." + gap_text(best).rstrip())
        worst = max(group_ranks, key=group_ranks.get)
        if worst != best:
            lead = ""
            if group_ranks[worst] <= N_MUNICIPALITIES // 2:
                lead = f"Alle {len(group_ranks)} ydelsesgrupper ligger i den bedste halvdel af landets kommuner. "
            out.append(f"{lead}Svagest placeret er {GROUP_AREA_DA[worst]} på plads nr. {group_ranks[worst]}."
                       + gap_text(worst).rstrip())

    # What moved the total gap.
    if first != last:
        dec = gap_decomposition(y30, name, first, last).set_index("benefit_group")
        d1, d2, change = dec.loc[TOTAL, ["difference_first", "difference_last", "change"]]
        if not pd.isna(change):
            text = (f"Samlet ligger det faktiske antal fuldtidspersoner på offentlig forsørgelse {level_phrase(d2)} "
                    f"i {period_phrase(last)} mod {level_phrase(d1)} i {period_phrase(first)}.")
            parts = dec.loc[list(GROUPS), "change"].dropna()
            parts = parts[parts != 0].sort_values(key=abs, ascending=False)
            if change != 0 and len(parts):
                word = "faldet" if change < 0 else "steget"
                pieces = [f"{fmt.signed(v)} på {g[0].lower() + g[1:]}" for g, v in parts.items()]
                text += " " + full_stop(f"Forskellen er dermed {word} med {fmt.number(abs(change))} fuldtidspersoner, "
                                        f"fordelt med {join_da(pieces)}")
            out.append(text)

    # Distance to the next places (total ranking).
    own_rank = hist.loc[(TOTAL, last), "rank"]
    if not pd.isna(own_rank):
        up = 5 if own_rank > 5 else int(own_rank) - 1
        wanted = tuple(k for k in (up, 10, -5) if k != 0)
        dist = distance_to_places(y30, name, last, wanted).set_index("places")
        first_up = dist.loc[up, "change_fulltime_persons"] if up > 0 else math.nan
        up10 = dist.loc[10, "change_fulltime_persons"] if up == 5 else math.nan
        down5 = dist.loc[-5, "change_fulltime_persons"]
        texts = []
        if not pd.isna(first_up):
            move = f"{up} pladser op" if up == 5 else "op på plads nr. 1"
            text = (f"Med ca. {persons_text(first_up)} færre fuldtidspersoner på offentlig forsørgelse (i forhold til det "
                    f"forventede niveau) ville {name} rykke {move} på ranglisten for {period_phrase(last)}")
            if not pd.isna(up10):
                text += f", og med ca. {persons_text(up10)} færre 10 pladser op"
            texts.append(full_stop(text))
        if not pd.isna(down5):
            lead = "Omvendt ville ca." if texts else f"For {name} ville ca."
            texts.append(full_stop(f"{lead} {persons_text(down5)} flere fuldtidspersoner koste 5 pladser"))
        if texts:
            out.append(" ".join(texts))

    # Place within the comparison area.
    if comparison_area and comparison_area != geography.COUNTRY:
        comp = comparison_table(y30, comparison_area, last)
        mine = comp[comp["area"] == name]
        ranked = comp["rank_total"].notna().sum()
        if len(mine) and not pd.isna(mine["place_in_area"].iloc[0]):
            out.append(f"Blandt de {ranked} kommuner i {comparison_area} ligger {name} som nr. "
                       f"{int(mine['place_in_area'].iloc[0])} på benchmarket.")
    return out


def rank_attribution_sentences(attribution: pd.DataFrame, municipality: str, first: str, last: str) -> list[str]:
    """Danish text for :func:`~analysis.analyses.benchmark.compute.rank_attribution` (the total ranking): own development, the others', rounding."""
    row = attribution.set_index("benefit_group").loc[TOTAL]
    need = ["rank_first", "rank_last", "own_places", "others_places", "rounding_places"]
    if row[need].isna().any() or first == last:
        return []
    r1, r2 = int(row["rank_first"]), int(row["rank_last"])
    gained, own, others, rounding = (float(row[c]) for c in ("places_gained", "own_places", "others_places",
                                                               "rounding_places"))
    if gained > 0:
        moved = f"rykket {place_count_phrase(gained)} op"
    elif gained < 0:
        moved = f"gået {place_count_phrase(gained)} tilbage"
    else:
        moved = "endt på samme plads"
    text = [f"{municipality} er {moved} på den samlede rangliste, fra plads nr. {r1} i {period_phrase(first)} "
            f"til plads nr. {r2} i {period_phrase(last)}."]
    own_text = ("Kommunens egen udvikling har ikke flyttet placeringen" if own == 0 else
                f"Kommunens egen udvikling har givet {place_count_phrase(own)} op" if own > 0 else
                f"Kommunens egen udvikling har kostet {place_count_phrase(own)}")
    others_text = ("de øvrige kommuners udvikling har ikke flyttet den" if others == 0 else
                   f"de øvrige kommuners udvikling har givet {place_count_phrase(others)} op" if others > 0 else
                   f"de øvrige kommuners udvikling har kostet {place_count_phrase(others)}")
    text.append(f"{own_text}, og {others_text}.")
    if rounding == 0:
        text.append("Afrundingen af de offentliggjorte tal har ikke påvirket ændringen.")
    else:
        text.append(f"Afrundingen står for {moved_phrase(rounding)}: kommuner med samme afrundede forskel er rangeret "
                    "efter ministeriets uafrundede tal, som ikke offentliggøres.")
    own_1, others_1 = float(row["own_places_own_first"]), float(row["others_places_own_first"])
    own_2, others_2 = float(row["own_places_others_first"]), float(row["others_places_others_first"])
    if (own_1, others_1) != (own_2, others_2):
        text.append("Fordelingen er gennemsnittet af de to mulige rækkefølger, så den ikke afhænger af, hvad der regnes "
                    f"først: regnes kommunens egen udvikling først, står den for {moved_phrase(own_1)} og de øvrige kommuners "
                    f"for {moved_phrase(others_1)}; regnes de øvriges udvikling først, står den for {moved_phrase(others_2)} og "
                    f"kommunens egen for {moved_phrase(own_2)}.")
    return text


def rates_note(rates) -> str | None:
    """A Danish note naming the rates that are assumptions (``assumption`` true in the rates file), or None."""
    if not isinstance(rates, pd.DataFrame) or "assumption" not in rates.columns:
        return None
    assumed = rates.loc[rates["assumption"].astype(bool), "benefit_group"].tolist()
    if not assumed:
        return None
    return (f"Taksten for {join_da(assumed)} er en **antagelse** (se kilderne ovenfor) og bør erstattes med "
            "kommunens egne tal, før beløbene bruges til beslutninger.")
