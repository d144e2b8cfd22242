"""Company-based programmes in Danish sentences: the key points for leadership and how the numbers were made.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.business_programs import effects
from analysis.analyses.business_programs.compute import (
    AKTIVITETSPARAT,
    COMPANY_TOTAL,
    MIN_FOR_TEST,
    TARGET_GROUPS,
    TG_TOTAL,
    VERDICT_HIGHER,
    VERDICT_LOWER,
    VERDICT_SAME,
    VERDICT_TOO_FEW,
    Setup,
    tests_summary,
)
from analysis.analyses.disclosure import MIN_COUNT
from analysis.present import formats as fmt
from analysis.reference import geography

# --------------------------------------------------------------------------- words for leadership


def leadership_sentences(setup: Setup, vol_summary: pd.DataFrame, split: pd.DataFrame, compare: pd.DataFrame,
                         place_table: pd.DataFrame, hours_summary: pd.DataFrame | None = None) -> list[str]:
    """Danish key sentences like the status report's, from the computed tables (missing parts are skipped)."""
    m, area = setup.municipality, setup.comparison_area
    out = []
    tot = vol_summary.set_index("target_group")
    if TG_TOTAL in tot.index and pd.notna(tot.loc[TG_TOTAL, m]):
        r = tot.loc[TG_TOTAL]
        groups = [g for g in TARGET_GROUPS if g in tot.index and pd.notna(tot.loc[g, "diff_country"])]
        above = [g for g in groups if tot.loc[g, "diff_country"] > 0]
        comp = "" if area == geography.COUNTRY or pd.isna(r.get(area)) else f"{area} {fmt.percent(r[area])}, "
        out.append(
            f"I gennemsnit de seneste 12 måneder var **{fmt.percent(r[m])}** af modtagerne i {m} i et virksomhedsrettet "
            f"tilbud ({comp}Hele landet {fmt.percent(r[geography.COUNTRY])}). {m} ligger over landsgennemsnittet for "
            f"{len(above)} af {len(groups)} målgrupper."
        )
    last = split[(split["period"] == setup.month) & (split["area"] == m)].set_index("target_group")
    parts = [f"{fmt.percent(last.loc[g, 'private_share_pct'], 0)} for {_group_phrase(g)}"
             for g in (AKTIVITETSPARAT, "Ressourceforløb") if g in last.index and pd.notna(last.loc[g, "private_share_pct"])]
    if parts:
        out.append("Andelen af de virksomhedsrettede tilbud, der foregår i private virksomheder, er " + " og ".join(parts)
                   + " (seneste 12 måneder).")
    row = compare[(compare["programme"] == COMPANY_TOTAL) & (compare["target_group"] == "A-dagpenge")]
    if len(row) and pd.notna(row["municipality_share"].iloc[0]):
        r = row.iloc[0]
        verdict = {VERDICT_HIGHER: "signifikant højere end i resten af landet, også efter justering for de mange test",
                   VERDICT_LOWER: "signifikant lavere end i resten af landet, også efter justering for de mange test",
                   VERDICT_SAME: "ikke sikkert forskellig fra resten af landet, når der justeres for de mange test",
                   VERDICT_TOO_FEW: "baseret på for få forløb til en sikker sammenligning"}.get(r["verdict"], "")
        rest = (f" mod {fmt.percent(r['rest_share'], 0)} i resten af landet" if pd.notna(r["rest_share"])
                else f" mod {fmt.percent(r['country_share'], 0)} på landsplan")
        out.append(
            f"**{fmt.percent(r['municipality_share'], 0)}** af dagpengemodtagerne var i beskæftigelse seks måneder efter "
            f"et virksomhedsrettet forløb ({fmt.period_label(setup.qmat)}){rest}" + (f" – {verdict}." if verdict else ".")
        )
    if len(place_table) and pd.notna(place_table["rank"].iloc[-1]):
        r = place_table.iloc[-1]
        out.append(
            f"Formidlingsgraden på jobordrer var {fmt.percent(r['placement_rate_pct'])} i {fmt.period_label(r['period'])}: "
            f"nr. {fmt.integer(r['rank'])} af {fmt.integer(r['ranked'])} jobcentre {geography_phrase(area)}."
        )
    if hours_summary is not None and len(hours_summary):
        h = hours_summary.set_index("area")
        if m in h.index and pd.notna(h.loc[m, "latest"]):
            change = "" if pd.isna(h.loc[m, "change_pp"]) else f" ({fmt.pp(h.loc[m, 'change_pp'])} på et år)"
            out.append(f"{fmt.percent(h.loc[m, 'latest'])} af de aktivitetsparate kontanthjælpsmodtagere havde ordinære "
                       f"løntimer{change}.")
    return out


def _group_phrase(group: str) -> str:
    return {AKTIVITETSPARAT: "aktivitetsparate kontanthjælpsmodtagere", "Ressourceforløb": "borgere i ressourceforløb",
            "Kontanthjælp, jobparat": "jobparate kontanthjælpsmodtagere", "A-dagpenge": "dagpengemodtagere",
            "Sygedagpenge": "sygedagpengemodtagere", TG_TOTAL: "alle målgrupper"}.get(group, group)


def geography_phrase(area: str) -> str:
    """'i RAR Sjælland', 'i hele landet'."""
    return "i hele landet" if area == geography.COUNTRY else f"i {area}"


# --------------------------------------------------------------------------- the methods, in Danish


def about_da(min_count: int = MIN_COUNT) -> list[str]:
    """The "Om tallene" section: every method the report uses, in plain Danish, one bullet each."""
    from analysis.analyses.business_programs import balance
    from analysis.analyses.disclosure import MIN_GROUP_FOR_EXTREMES
    from analysis.sources.local.spells import OUTCOME_MONTHS

    covs = ", ".join(effects.COVARIATES_DA[:-1]) + " og " + effects.COVARIATES_DA[-1]
    limit = fmt.number(balance.BALANCE_LIMIT, 1)
    return [
        "**Kilder:** Jobindsats (tabellerne PTVC01, Y14D03 og OTIJ01), Jobnet for Arbejdsgivere (jobordrer) og "
        "jobcentrets eget udtræk af afsluttede forløb.",
        "**Konfidensintervaller** for andele er Wilson-intervaller ud fra antallet af afsluttede forløb. Andelene i "
        "Jobindsats er afrundede, så antallet i beskæftigelse er tilbageregnet og kan afvige med ét forløb. Et "
        "interval indeholder altid sin egen andel, også ved 0 % og 100 %.",
        "**Sammenligning med resten af landet:** Kommunen sammenlignes med resten af landet, dvs. hele landet uden "
        "kommunen selv, så de to grupper ikke overlapper. Både forskellen i tabellerne og testen (en z-test af to "
        f"andele) er mod resten af landet. Under {MIN_FOR_TEST} afsluttede forløb, eller når andelene er meget "
        "skæve, testes der ikke: så er der for få forløb til at sige noget.",
        "**Mange test på én side (Holm-justering):** Sammenligningen med resten af landet omfatter op til 30 test. "
        "Selv hvis kommunen overalt lå på niveau med resten af landet, ville 30 test læst én ad gangen på "
        "5 %-niveau i gennemsnit give 1,5 \"forskelle\" alene ved tilfældighed. "
        "P-værdierne er derfor justeret med Holms metode over alle test i sammenligningen. Tabellerne viser både den "
        "ujusterede og den justerede p-værdi, og en forskel kaldes kun sikker eller signifikant, når den justerede "
        "p-værdi er under 5 %. De justerede effekter af tilbuddene justeres på samme måde over tilbuddene.",
        f"**Diskretionering:** Tal bygget på færre end {min_count} personer eller forløb vises ikke (vist som "
        f"<{min_count}). En andel på 0 % eller 100 % for en gruppe på under {MIN_GROUP_FOR_EXTREMES} personer vises "
        "heller ikke, fordi den ville afsløre hver enkelt deltagers resultat. Hvor en tabel viser både en total og "
        "dens dele, skjules desuden den mindste anden del (vist som –), så et skjult tal ikke kan regnes ud som "
        "totalen minus de øvrige – og det samme tal skjules i rapportens andre tabeller. Forløbs- og person-id "
        "forlader aldrig beregningen; kun samlede tal vises og gemmes.",
        "**Flere forløb pr. person:** Mange borgere har mere end ét forløb i udtrækket, og forløb for den samme "
        "person ligner hinanden mere end forløb for forskellige personer. Usikkerheden på de justerede effekter er "
        "derfor beregnet med personen som enhed (klyngerobuste standardfejl for den logistiske regression, og "
        "bidragene summeret pr. person for IPW), så intervallerne ikke bliver for smalle.",
        f"**Forløb uden kendt udfald:** Om en borger er i beskæftigelse {OUTCOME_MONTHS} måneder efter et forløb, kan "
        f"først ses {OUTCOME_MONTHS} måneder efter forløbets slutning. Forløb, der sluttede mindre end "
        f"{OUTCOME_MONTHS} måneder før udtræksdatoen, er derfor udeladt af tabellen over forløb og af effekterne i "
        "stedet for at tælle som \"ikke i beskæftigelse\"; antallet står i afsnit 6. Udtræksdatoen står i udtrækket "
        "selv (ikke rapportens periode).",
        "**Justerede effekter:** logistisk regression med gennemsnitlige marginale effekter (intervaller med "
        "delta-metoden) og vægtning med tilbudssandsynligheder (IPW, intervaller med sandwich-metoden, der også tager "
        f"højde for, at sandsynlighederne er beregnet). Begge justerer for {covs}.",
        "**Balance efter vægtning:** IPW er kun troværdig, når de vægtede grupper ligner hinanden. For hver "
        "baggrundsvariabel vises den standardiserede forskel (forskellen i gennemsnit målt i standardafvigelser) "
        f"mellem deltagerne og sammenligningsgruppen før og efter vægtningen. Er den over {limit} efter vægtningen, "
        "kaldes resultatet for tilbuddet usikkert i stedet for en effekt. Vægtenes fordeling (største vægt, de "
        f"{balance.TOP_WEIGHTS} største vægtes andel og det effektive antal forløb) vises også.",
    ]


def tests_note(compare: pd.DataFrame, min_count: int = MIN_COUNT) -> str:
    """The note under the employment tables: what the verdict compares, how many tests, how many significant
    before and after the Holm adjustment, and what is not tested or shown."""
    tests = tests_summary(compare)
    return (
        "Vurderingen sammenligner kommunen med resten af landet (hele landet uden kommunen); hele landets andele med "
        "intervaller står i figuren og i tabelfilen. "
        f"Sammenligningen omfatter {fmt.integer(tests['tests'])} test i alt (også dem, der kun står i tabelfilen); "
        f"{fmt.integer(tests['raw'])} har en p-værdi under 5 % før justering og {fmt.integer(tests['adjusted'])} efter "
        "Holm-justering for de mange test. Vurderingen bygger på den justerede p-værdi. "
        f"Under {MIN_FOR_TEST} afsluttede forløb eller meget skæve andele testes ikke: "
        "så er der for få forløb til at sige noget. "
        f"Celler med under {min_count} forløb er diskretioneret (vist som <{min_count}), og det samme er en andel på 0 % eller "
        "100 % af under 10 forløb (vist som –)."
    )
