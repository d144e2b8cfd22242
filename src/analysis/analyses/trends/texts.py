"""The trends report's explaining texts, told for the source the analysis ran on (issue 16, points 2-3).

On Jobindsats the report is monthly and counts persons; on Statistics Denmark's StatBank (AUK01,
source ``dst``) it is quarterly and counts full-time recipients, has no shares of the population and no
durations, and some target groups are not in the source. The notebook shows these texts with one call
each (``report.paragraphs(trends.section_da(analysis, "index"))``, ``report.sentences(trends.about_da(analysis))``)
instead of fixed markdown, so no text says "måned" or "Jobindsats" above numbers that are neither.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.trends.compute import TrendAnalysis, in_source_words
from analysis.analyses.trends.statbank import (
    COMPARISON_COLUMNS,
    DIFFERENCES_DA,
    TABLE,
    about_lines,
    load_mapping,
    not_covered_lines,
    source_comparison,
)
from analysis.core import paths
from analysis.data import load

_JOBINDSATS = {
    "intro": (
        "Rapporten følger de målgrupper, som strateginotatet for beskæftigelsesområdet prioriterer: forsikrede ledige "
        "på a-dagpenge, langtidsledige, sygedagpengemodtagere og aktivitetsparate kontanthjælpsmodtagere, og desuden "
        "alle offentligt forsørgede. For hver målgruppe sammenlignes kommunens udvikling med sammenligningsområdet (som "
        "udgangspunkt kommunens RAR-område uden kommunen selv; det valgte område står øverst) og hele landet. Udviklingen "
        "vises som et **indeks**, hvor basismåneden er 100, så områder af forskellig størrelse kan sammenlignes direkte. "
        "Niveauet vises som **andel af befolkningen 16-66 år**.",
    ),
    "method": (
        "Ændringen siden basismåneden opgøres på tre måder, og hver sætning siger, hvilken den bruger: i **faktisk "
        "antal** (som statusrapporten opgør det), **sæsonkorrigeret** (uden det faste årlige mønster) og fra **samme "
        "måned året før**. Kun den sæsonkorrigerede ændring bruges til at sige, om kommunen har haft en bedre eller "
        "dårligere udvikling end sammenligningsområdet.",
    ),
    "index": (
        "Indekset viser det faktiske antal personer i hver målgruppe i forhold til basismåneden (= 100). Et indeks på "
        "50 betyder, at målgruppen er halveret. Et hul i en linje betyder, at tallet for måneden mangler i kilden; "
        "manglende måneder er hverken sat til nul eller udfyldt. Søjlefiguren viser ændringen både i faktisk antal og "
        "sæsonkorrigeret.",
    ),
    "shares": (
        "Indekset siger noget om retningen, men ikke om niveauet. Her vises hver målgruppe som andel af de 16-66-årige "
        "i området, så en stor og en lille kommune kan sammenlignes. Jobindsats beregner andelen ud fra "
        "fuldtidspersoner, for langtidsledige ud fra personer; tabellen siger, hvilken enhed hver række bygger på. Den "
        "lodrette stiplede linje markerer basismåneden.",
    ),
    "seasonal": (
        "Flere målgrupper svinger med årstiden; ledigheden er fx højest om vinteren. Når basismåneden er en måned med "
        "mange ledige, som januar, ser faldet frem til en måned med færre ledige større ud, end den underliggende "
        "udvikling er. Den sæsonkorrigerede kurve fjerner det faste årlige mønster, så den underliggende udvikling "
        "træder frem. Tabellen sammenligner seneste måned med samme måned året før, som heller ikke påvirkes af sæsonen.",
    ),
    "durations": (
        "Hvor længe borgerne har været på kontanthjælp, siger noget om, hvor udfordret målgruppen er. Figuren viser, "
        "hvordan de aktivitetsparate fordeler sig på varighed i seneste måned, og hvordan andelen med mere end tre år "
        "på ydelsen har udviklet sig.",
    ),
}

_STATBANK = {
    "intro": (
        "Rapporten bygger på Danmarks Statistiks tabel **AUK01** i Statistikbanken (offentlig, uden API-nøgle) og "
        "følger de af strateginotatets målgrupper, som tabellen dækker, og desuden alle offentligt forsørgede. "
        "Langtidsledige og aktivitetsparate kontanthjælpsmodtagere findes ikke i denne kilde (se Om tallene). For hver "
        "målgruppe sammenlignes kommunens udvikling med sammenligningsområdet (som udgangspunkt kommunens RAR-område "
        "uden kommunen selv; det valgte område står øverst) og hele landet. Udviklingen vises som et **indeks**, hvor "
        "basiskvartalet er 100, så områder af forskellig størrelse kan sammenlignes direkte.",
        "Tallene er **fuldtidsmodtagere pr. kvartal**, ikke personer pr. måned som i Jobindsats, så niveauerne er ikke "
        "de samme som i Jobindsats' rapport; udviklingen kan sammenlignes.",
    ),
    "shares": (
        "Danmarks Statistiks AUK01 har ikke målgruppernes andel af befolkningen 16-66 år, så niveauet som andel vises "
        "ikke i denne kilde. Antallet af fuldtidsmodtagere i basiskvartalet og seneste kvartal står i tabellen i afsnit 1.",
    ),
    "seasonal": (
        "Flere målgrupper svinger med årstiden; ledigheden er fx højest om vinteren. Er basiskvartalet et kvartal med "
        "mange ledige, som 1. kvartal, ser faldet frem til et kvartal med færre ledige større ud, end den underliggende "
        "udvikling er. Den sæsonkorrigerede kurve fjerner det faste årlige mønster, så den underliggende udvikling "
        "træder frem. Tabellen sammenligner seneste kvartal med samme kvartal året før, som heller ikke påvirkes af sæsonen.",
    ),
    "durations": (
        "Aktivitetsparate kontanthjælpsmodtagere: ikke i denne kilde (AUK01 opdeler ikke kontanthjælpsmodtagerne efter "
        "visitationskategori eller varighed).",
    ),
}

_ABOUT_SHARED = (
    "**Tre måder at opgøre ændringen på:** Faktisk antal sammenligner basismåneden direkte med seneste måned, sådan "
    "som statusrapporten gør. Er basismåneden en sæsontop (fx januar), ser et fald større ud, end den underliggende "
    "udvikling er. Sæsonkorrigeret sammenligner de samme to måneder efter, at det faste årlige mønster er fjernet. "
    "Samme måned året før sammenligner seneste måned med samme måned et år tidligere, hvor sæsonen er den samme. Hver "
    "sætning siger, hvilken opgørelse den bruger.",
    "**Bedre eller dårligere udvikling:** Når en sætning siger, at kommunen har haft en bedre eller dårligere udvikling "
    "end sammenligningsområdet, bygger den altid på den sæsonkorrigerede ændring. Et fald i antallet regnes som den "
    "bedre udvikling. Er forskellen mindre end 1 procentpoint, står der \"stort set samme udvikling\". Kan en af "
    "rækkerne ikke sæsonkorrigeres, siger sætningen det og vurderer ikke.",
)

_ABOUT_JOBINDSATS = (
    "**Kilde:** Jobindsats (A-dagpenge Y01A02, langtidsledige Y25I09, sygedagpenge Y07A02, kontanthjælp efter "
    "visitationskategori Y36A02, offentligt forsørgede PTV_A02). Antal personer er afrundet i kilden.",
    "**Områder:** Tallene for RAR-områder og hele landet er Jobindsats' offentliggjorte områdetal. Findes et område "
    "ikke i data (fx en region), lægges områdets kommuner sammen, og andele vægtes med kommunernes befolkning; det står "
    "i så fald i en bemærkning øverst. Hvilket sammenligningsområde rapporten bruger, står nedenfor.",
    "**Manglende måneder** vises som huller i figurerne og nævnes øverst. De indgår ikke i beregningerne, og der "
    "udfyldes ikke tal.",
    *_ABOUT_SHARED,
    "**Sæsonkorrektion:** STL-metoden (statsmodels) med en periode på 12 måneder på logaritmen til antallet, beregnet på "
    "den længste sammenhængende række uden manglende måneder (mindst to år). Måneder uden for den række får ingen "
    "sæsonkorrigeret værdi; en række med under to års sammenhængende månedstal sæsonkorrigeres ikke, og figur og tekst "
    "siger det. De seneste måneders sæsonkorrigerede tal kan ændre sig lidt, når nye måneder kommer til.",
    "**Personer og fuldtidspersoner:** Antal og ændringer i antal er opgjort i personer. Andele af de 16-66-årige "
    "beregner Jobindsats ud fra fuldtidspersoner, for langtidsledige ud fra personer; tabellernes overskrifter siger, "
    "hvilken enhed der er brugt.",
)


def is_statbank(analysis: TrendAnalysis) -> bool:
    """The analysis ran on Statistics Denmark's StatBank (source ``dst``)."""
    return analysis.source == paths.STATBANK


def section_da(analysis: TrendAnalysis, section: str) -> list[str]:
    """The paragraphs above a section of the report ('intro', 'method', 'index', 'shares', 'seasonal', 'durations'),
    told for the analysis's source."""
    if is_statbank(analysis) and section in _STATBANK:
        return list(_STATBANK[section])
    return [in_source_words(t, analysis) for t in _JOBINDSATS[section]]  # the same text, in quarters where quarterly


def has_shares(analysis: TrendAnalysis) -> bool:
    """The source has the groups' shares of the population 16-66 (Jobindsats does, StatBank's AUK01 does not)."""
    return not is_statbank(analysis)


def about_da(analysis: TrendAnalysis) -> list[str]:
    """The bullets of "Om tallene": the source, what each group is in it, and on StatBank how it differs from Jobindsats
    and the groups it does not cover ("ikke i denne kilde")."""
    if not is_statbank(analysis):
        return list(_ABOUT_JOBINDSATS)
    groups, not_covered = load_mapping()
    shown = {g.key for g in analysis.groups}
    return [
        "**Kilde:** Danmarks Statistik, Statistikbanken, tabel AUK01 \"Offentligt forsørgede (fuldtidsmodtagere) efter "
        "område, ydelsestype, køn, alder og tid\" (kvartalstal; www.statistikbanken.dk/AUK01). Grupperne er summer af "
        "tabellens ydelsestyper, som de står i filen config/statbank_groups.yaml.",
        *(f"**{line.split(': ', 1)[0]}:** {line.split(': ', 1)[1]}" for line in about_lines([g for g in groups if g.key in shown])),
        *(f"**{line.split(': ', 1)[0]}:** {line.split(': ', 1)[1]}" for line in not_covered_lines(not_covered)),
        "**Forskelle fra Jobindsats:** Danmarks Statistik tæller **fuldtidsmodtagere** (tiden på ydelsen omregnet til "
        "hele personer), Jobindsats' rapport tæller **personer**; tallene er **kvartalstal**, ikke månedstal. Målgrupperne "
        "er afgrænset lidt forskelligt, så niveauerne afviger; udviklingen kan sammenlignes.",
        "**Områder:** AUK01 har kommunerne og hele landet. Sammenligningsområdet (RAR-område eller region) er summen af "
        "områdets kommuner; det står i en bemærkning øverst.",
        "**Manglende kvartaler** (vist som .. i Statistikbanken) vises som huller i figurerne og nævnes øverst. De indgår "
        "ikke i beregningerne, og der udfyldes ikke tal. Mangler en af en gruppes ydelsestyper, mangler gruppen.",
        *(in_source_words(t, analysis).replace("(fx januar)", "(fx 1. kvartal)") for t in _ABOUT_SHARED),
        "**Sæsonkorrektion:** STL-metoden (statsmodels) med en periode på 4 kvartaler på logaritmen til antallet, beregnet "
        "på den længste sammenhængende række uden manglende kvartaler (mindst to år, dvs. 8 kvartaler). En kortere række "
        "sæsonkorrigeres ikke, og figur og tekst siger det.",
    ]


# --------------------------------------------------------------------------- the two sources side by side (issue 16, point 4)


def compare_sources(analysis: TrendAnalysis) -> pd.DataFrame:
    """:func:`~analysis.analyses.trends.statbank.source_comparison` for the report's municipality, base and last quarter
    when the data has both Jobindsats and StatBank's AUK01 (empty otherwise, e.g. on StatBank alone)."""
    if is_statbank(analysis) or TABLE not in load.available_tables(analysis.source):
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return source_comparison(analysis.municipality, analysis.base_period, analysis.source, end=analysis.end_period)


def comparison_texts_da(analysis: TrendAnalysis, table: pd.DataFrame) -> list[str]:
    """The paragraphs of the report's section comparing Jobindsats with Danmarks Statistik."""
    if is_statbank(analysis):
        return ["Sammenligningen med Jobindsats kræver Jobindsats' tal, som ikke er i denne kilde; med en API-nøgle til "
                "Jobindsats viser rapporten (--source real) de to kilder side om side."]
    if not len(table):
        return ["Danmarks Statistiks AUK01 er ikke i data (eller har ingen af de fælles målgrupper i perioden), så "
                "kilderne kan ikke sammenlignes her. Tabellen hentes uden API-nøgle med `analysis fetch --source dst`."]
    return [
        "Danmarks Statistik offentliggør i Statistikbanken (tabel AUK01) tal for de samme målgrupper som Jobindsats. "
        "Tabellen viser niveau og ændring i begge kilder for kommunen, så man straks ser, om kilderne er enige.",
        "**Forskelle i opgørelsen:** " + DIFFERENCES_DA,
    ]
