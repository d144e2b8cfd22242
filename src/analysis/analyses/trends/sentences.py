"""The target-group trends in Danish sentences: the changes since the base month (saying which change
judges), the shares, the composition, the comparison area and the basis of the area figures.

Every sentence says which of the three changes it uses; only the seasonally adjusted change says
whether the municipality did better or worse than its comparison area (:func:`relative_development`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.analyses.trends.compute import (
    BASIS_MEMBERS,
    BASIS_MEMBERS_LESS,
    BASIS_MISSING,
    BASIS_MIXED,
    BASIS_MIXED_LESS,
    BASIS_PUBLISHED,
    BASIS_PUBLISHED_LESS,
    COUNTRY,
    GROUPS,
    OVER_2_YEARS,
    OVER_3_YEARS,
    TargetGroup,
    TrendAnalysis,
    area_in_text,
    in_quarters,
    in_source_words,
    is_quarterly,
    latest_period_of,
    long_duration_share,
    share_unit,
    split_area,
)
from analysis.core import paths
from analysis.present import formats as fmt
from analysis.reference import geography, periods, regional


def _movement(pct: float) -> str:
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return ""
    if abs(pct) < 0.05:
        return "stort set uændret"
    return f"{'faldet' if pct < 0 else 'steget'} med {fmt.percent(abs(pct))}"


def _genitive(name: str) -> str:
    """Danish genitive of a name: 'Slagelses', 'Vesthimmerlands'' (a name ending in s, x or z takes an apostrophe)."""
    return f"{name}'" if str(name)[-1:].lower() in ("s", "x", "z") else f"{name}s"


# A municipality's seasonally adjusted change counts as better or worse than its comparison area's
# only when the two differ by at least this many percentage points; closer is "stort set samme".
SIMILAR_CHANGE_PP = 1.0


def relative_development(group: TargetGroup, municipality_pct: float, comparison_pct: float) -> str | None:
    """``better``, ``worse`` or ``similar`` for two percent changes of a group; None when either is missing.

    For every target group in :data:`~analysis.analyses.trends.compute.TARGET_GROUPS` fewer recipients is the better development
    (:attr:`TargetGroup.fewer_is_better`). Differences under :data:`SIMILAR_CHANGE_PP` are ``similar``.
    """
    if pd.isna(municipality_pct) or pd.isna(comparison_pct):
        return None
    diff = float(municipality_pct) - float(comparison_pct)
    if abs(diff) < SIMILAR_CHANGE_PP:
        return "similar"
    return "better" if (diff < 0) == group.fewer_is_better else "worse"


def _two_areas(first_pct: float, first: str, second_pct: float, second: str) -> str:
    """'faldet med 5,2 % i Slagelse og steget med 1,0 % i RAR Sjælland uden Slagelse'."""
    return f"{_movement(first_pct)} i {area_in_text(first)} og {_movement(second_pct)} i {area_in_text(second)}"


def _raw_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str, include_country: bool) -> str:
    """The status report's sentence on the raw counts, saying that it is the raw count."""
    base, latest = rows["base_period"].iloc[0], rows["latest_period"].iloc[0]
    since = month_long(base)
    mun = rows["change_pct"].get(municipality, np.nan)
    if pd.isna(mun):
        text = (f"Udviklingen i {g.noun_da} i {municipality} siden {since} kan ikke beregnes, fordi der mangler data "
                f"for {fmt.period_label(base)} eller {fmt.period_label(latest)}.")
    else:
        how = "faktisk antal" if is_quarterly(base) else "faktisk antal, opgjort som i statusrapporten"  # the report counted months
        text = f"Siden {since} er {g.noun_da} i {municipality} {_movement(mun)} ({how})."
    comp = rows["change_pct"].get(comparison_area, np.nan)
    if comparison_area != municipality and pd.notna(comp):
        text += f" Til sammenligning er {g.noun_da} i {area_in_text(comparison_area)} {_movement(comp)}"
        nat = rows["change_pct"].get(COUNTRY, np.nan)
        if include_country and comparison_area != COUNTRY and pd.notna(nat):
            same = np.sign(round(nat, 1)) == np.sign(round(comp, 1)) and abs(nat) >= 0.05 and abs(comp) >= 0.05
            if same:
                text += f", og i hele landet med {fmt.percent(abs(nat))}"
            else:
                text += f", mens {g.pronoun_da} i hele landet er {_movement(nat)}"
        text += " (faktisk antal)."
    elif comparison_area != municipality:
        text += f" For {area_in_text(comparison_area)} mangler der data til en sammenligning."
    return text


def _not_adjusted_reason(status: str, base: str, latest: str) -> str:
    if status == "too_short":
        return "der ikke er to års sammenhængende månedstal"
    return (f"der er huller i månedstallene, så {month_long(base)} eller {month_long(latest)} ligger uden for "
            "den længste sammenhængende række")


def _adjusted_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str) -> str | None:
    """The change on the seasonally adjusted series, and the only better/worse verdict the report gives."""
    if "adjusted_change_pct" not in rows.columns:
        return None
    base, latest = rows["base_period"].iloc[0], rows["latest_period"].iloc[0]
    since = month_long(base)
    compare = comparison_area != municipality and comparison_area in rows.index
    areas = [municipality] + ([comparison_area] if compare else [])
    status = {a: rows["seasonal_status"].get(a, "too_short") for a in areas}
    bad = [a for a in areas if status[a] != "ok" or pd.isna(rows["adjusted_change_pct"].get(a, np.nan))]
    if bad:
        by_reason: dict[str, list[str]] = {}
        for a in bad:
            reason = _not_adjusted_reason(status[a], base, latest) if status[a] != "ok" else "der mangler data"
            by_reason.setdefault(reason, []).append(area_in_text(a))
        parts = [f"for {' og '.join(names)}, fordi {reason}" for reason, names in by_reason.items()]
        text = f"Den sæsonkorrigerede udvikling i {g.noun_da} kan ikke beregnes " + ", og ".join(parts)
        if compare:
            text += (f"; derfor vurderer rapporten ikke, om {municipality} har haft en bedre eller dårligere udvikling "
                     f"end {area_in_text(comparison_area)}")
        return text + "."
    mun = rows["adjusted_change_pct"][municipality]
    if not compare:
        return f"Sæsonkorrigeret er {g.noun_da} i {municipality} {_movement(mun)} siden {since}."
    comp = rows["adjusted_change_pct"][comparison_area]
    verdict = relative_development(g, mun, comp)
    text = f"Sæsonkorrigeret er {g.noun_da} siden {since} {_two_areas(mun, municipality, comp, comparison_area)}; "
    if verdict == "similar":
        text += f"målt sådan har {municipality} haft stort set samme udvikling som {area_in_text(comparison_area)}."
    else:
        word = "bedre" if verdict == "better" else "dårligere"
        text += f"målt sådan har {municipality} haft en {word} udvikling end {area_in_text(comparison_area)}."
    return text


def _year_on_year_sentence(g: TargetGroup, rows: pd.DataFrame, municipality: str, comparison_area: str) -> str | None:
    """The change from the same month a year earlier (no seasonal pattern in it), for the municipality and its comparison."""
    if "year_on_year_change_pct" not in rows.columns:
        return None
    latest, earlier = rows["latest_period"].iloc[0], rows["year_earlier_period"].iloc[0]
    mun = rows["year_on_year_change_pct"].get(municipality, np.nan)
    when = f"Fra {month_long(earlier)} til {month_long(latest)} (samme måned året før)"
    if pd.isna(mun):
        return (f"Ændringen fra samme måned året før kan ikke beregnes for {municipality}, fordi der mangler data for "
                f"{fmt.period_label(earlier)} eller {fmt.period_label(latest)}.")
    comp = rows["year_on_year_change_pct"].get(comparison_area, np.nan)
    if comparison_area != municipality and pd.notna(comp):
        return f"{when} er {g.noun_da} {_two_areas(mun, municipality, comp, comparison_area)}."
    return f"{when} er {g.noun_da} i {municipality} {_movement(mun)}."


def change_sentences(
    changes: pd.DataFrame,
    municipality: str,
    comparison_area: str,
    groups: Sequence[TargetGroup] | None = None,
    *,
    include_country: bool = True,
) -> list[str]:
    """Danish sentences, one item per target group, each sentence saying which change it is.

    1. The raw change since the base month, in the status report's words ("Siden januar 2021 er
       langtidsledigheden i Slagelse faldet med 70,8 % opgjort i faktisk antal, som i statusrapporten.
       Til sammenligning er ... (faktisk antal).").
    2. The change on the seasonally adjusted series, the only one used to say whether the
       municipality did better or worse than the comparison area (:func:`relative_development`);
       when a series cannot be adjusted the sentence says why and gives no verdict.
    3. The change from the same month a year earlier.
    """
    groups = list(groups) if groups is not None else [GROUPS[k] for k in changes["target_group"].unique() if k in GROUPS]
    out = []
    for g in groups:
        rows = changes[changes["target_group"] == g.key].set_index("area")
        if rows.empty:
            continue
        parts = [
            _raw_sentence(g, rows, municipality, comparison_area, include_country),
            _adjusted_sentence(g, rows, municipality, comparison_area),
            _year_on_year_sentence(g, rows, municipality, comparison_area),
        ]
        out.append(in_quarters(" ".join(p for p in parts if p), is_quarterly(rows["base_period"].iloc[0])))
    return out


def share_sentences(panel: pd.DataFrame, municipality: str, comparison_area: str, groups: Sequence[TargetGroup]) -> list[str]:
    """One sentence per group comparing the latest level as a share of the population 16-66."""
    out = []
    for g in groups:
        f = panel[panel["target_group"] == g.key]
        latest = f["period"].iloc[-1]
        now = f[f["period"] == latest].set_index("area")["share_pct"]
        m, c = now.get(municipality, np.nan), now.get(comparison_area, np.nan)
        if pd.isna(m):
            continue
        what = share_unit(g)
        when = month_long(latest)
        text = (f"{g.name_da} udgjorde i {when} {fmt.percent(m, 2)} af de 16-66-årige i {municipality} "
                f"(målt i {what})")
        if comparison_area != municipality and pd.notna(c):
            text += f" mod {fmt.percent(c, 2)} i {area_in_text(comparison_area)}"
        out.append(text + ".")
    return out


def composition_sentence(comp: pd.DataFrame, municipality: str, comparison_area: str, period: str) -> str | None:
    """A sentence like the status report's: "I december 2024 havde 58 % af de aktivitetsparate
    kontanthjælpsmodtagere i Slagelse været på kontanthjælp i over tre år mod 53 % i RAR Sjælland, ..."."""
    over3 = long_duration_share(comp, OVER_3_YEARS)
    over2 = long_duration_share(comp, OVER_2_YEARS)
    m3, c3 = over3.get(municipality, np.nan), over3.get(comparison_area, np.nan)
    m2, c2 = over2.get(municipality, np.nan), over2.get(comparison_area, np.nan)
    if pd.isna(m3) and pd.isna(m2):
        return None
    when = fmt.date_da(periods.parse_period(period).end, style="month")
    compare = comparison_area != municipality
    if pd.notna(m3):
        text = (f"I {when} havde {fmt.percent(m3, 0)} af de aktivitetsparate kontanthjælpsmodtagere i {municipality} "
                "været på kontanthjælp i over tre år")
        if compare and pd.notna(c3):
            text += f" mod {fmt.percent(c3, 0)} i {area_in_text(comparison_area)}"
        if pd.notna(m2):
            text += f", og {fmt.percent(m2, 0)} i over to år"
            if compare and pd.notna(c2):
                text += f" mod {fmt.percent(c2, 0)}"
        return text + "."
    text = (f"I {when} havde {fmt.percent(m2, 0)} af de aktivitetsparate kontanthjælpsmodtagere i {municipality} "
            "været på kontanthjælp i over to år")
    if compare and pd.notna(c2):
        text += f" mod {fmt.percent(c2, 0)} i {area_in_text(comparison_area)}"
    return text + "."


def adjusted_span(seasonal: pd.DataFrame, group_key: str, area: str) -> tuple[str, str] | None:
    """First and last month with a seasonally adjusted value for one series of :func:`~analysis.analyses.trends.compute.seasonal_panel`; None if none."""
    s = seasonal[(seasonal["target_group"] == group_key) & (seasonal["area"] == area)]
    months = s.loc[s["adjusted"].notna(), "period"]
    return (str(months.iloc[0]), str(months.iloc[-1])) if len(months) else None


def seasonal_notes(seasonal: pd.DataFrame, analysis: TrendAnalysis) -> list[str]:
    """Danish notes for the series (municipality and comparison area) that cannot be seasonally adjusted
    over the whole analysis, from the base month to each group's last month."""
    notes = []
    areas = [a for a in (analysis.municipality, analysis.comparison_area) if a]
    for g in analysis.groups:
        last = latest_period_of(analysis, g.key)
        for area in dict.fromkeys(areas):
            span = adjusted_span(seasonal, g.key, area)
            if span is None:
                notes.append(in_quarters(f"{g.name_da} i {area_in_text(area)} kan ikke sæsonkorrigeres, fordi der ikke er to års "
                                         "sammenhængende månedstal; figuren viser kun det faktiske antal.", is_quarterly(last)))
            elif periods.parse_period(span[0]).end > periods.parse_period(analysis.base_period).end or span[1] != last:
                notes.append(f"{g.name_da} i {area_in_text(area)} er kun sæsonkorrigeret fra {fmt.period_label(span[0])} "
                             f"til {fmt.period_label(span[1])} (den længste række uden huller); uden for den er der "
                             "ingen sæsonkorrigeret værdi.")
    return notes


def month_long(code: str) -> str:
    """'2021M01' -> 'januar 2021', '2021Q1' -> '1. kvt. 2021' (for sentences)."""
    p = periods.parse_period(code)
    if p.kind == "Q":
        return fmt.period_label(p.code)
    return fmt.date_da(p.end, style="month")


def basis_sentence(analysis: TrendAnalysis) -> str:
    """One Danish sentence saying, per area, whether its figures are published totals or sums of municipalities."""
    parts = []
    for area in analysis.areas:
        if area == analysis.municipality:
            continue
        bases = set(analysis.panel.loc[analysis.panel["area"] == area, "basis"])
        parent, without = split_area(area)
        if bases == {BASIS_PUBLISHED}:
            parts.append(f"{area}: offentliggjorte områdetal fra Jobindsats")
        elif bases == {BASIS_PUBLISHED_LESS}:
            parts.append(f"{area}: Jobindsats' offentliggjorte tal for {parent} fratrukket {_genitive(without)} egne tal")
        elif bases <= {BASIS_PUBLISHED, BASIS_MEMBERS} and BASIS_MEMBERS in bases:
            parts.append(f"{area}: summen af områdets {len(geography.members(area))} kommuner"
                         + (" (for nogle målgrupper)" if BASIS_PUBLISHED in bases else ""))
        elif bases <= {BASIS_PUBLISHED_LESS, BASIS_MEMBERS_LESS} and BASIS_MEMBERS_LESS in bases:
            parts.append(f"{area}: summen af de {len(geography.members(parent)) - 1} andre kommuner i {parent}"
                         + (" (for nogle målgrupper)" if BASIS_PUBLISHED_LESS in bases else ""))
        elif bases & {BASIS_MIXED, BASIS_MIXED_LESS} and BASIS_MISSING not in bases:
            parts.append(f"{area}: Jobindsats' offentliggjorte tal for {parent}"
                         + (f" fratrukket {_genitive(without)} egne tal" if without else "")
                         + ", og summen af områdets kommuner i de måneder, hvor området ikke er offentliggjort")
        else:
            parts.append(f"{area}: ikke i data for alle målgrupper")
    text = "Grundlag for områdetallene – " + "; ".join(parts) + "."
    return in_source_words(text.replace("Jobindsats", "Danmarks Statistik"), analysis) if _statbank(analysis) else text


def _statbank(analysis: TrendAnalysis) -> bool:
    return analysis.source == paths.STATBANK


def comparison_note(analysis: TrendAnalysis) -> str:
    """A plain-Danish statement of the comparison area used, for the report's "Om tallene"."""
    text = _comparison_note(analysis)
    if _statbank(analysis):  # no shares on StatBank; quarters
        text = in_source_words(text.replace(_SHARES_WITHOUT_DA, ""), analysis)
    return text


_SHARES_WITHOUT_DA = ("Andele af de 16-66-årige er (områdets antal minus kommunens antal) divideret med (områdets "
                      "befolkning minus kommunens befolkning), hvor befolkningen udledes af antal og andel i Jobindsats. ")


def _comparison_note(analysis: TrendAnalysis) -> str:
    mun, comp, parent = analysis.municipality, analysis.comparison_area, analysis.comparison_geography
    if comp == mun:
        return f"**Sammenligningsområde:** ingen; rapporten viser {mun} og hele landet."
    if analysis.excludes_municipality:
        return (
            f"**Sammenligningsområde:** {area_in_text(comp)}, dvs. tallene for {area_in_text(parent)} fratrukket "
            f"{_genitive(mun)} egne tal. {mun} er en af {len(geography.members(parent))} kommuner i {area_in_text(parent)}; "
            "indgik kommunen i sit eget sammenligningsområde, ville dens egne tal trække områdets tal i kommunens "
            "retning, så forskellen mellem kommunen og området ville se mindre ud, end den er. Antal for området "
            f"uden {mun} er områdets antal minus kommunens antal. Andele af de 16-66-årige er (områdets antal minus "
            "kommunens antal) divideret med (områdets befolkning minus kommunens befolkning), hvor befolkningen udledes "
            "af antal og andel i Jobindsats. Mangler kommunens tal for en måned, mangler områdets tal også for den måned. "
            f"Hele landet er landstallet, som {mun} indgår i."
        )
    return (
        f"**Sammenligningsområde:** {area_in_text(comp)} inklusive {mun} selv, som i statusrapporten. Fordi kommunen indgår "
        "i sit eget sammenligningsområde, er forskellen mellem kommunen og området mindre, end den ville være uden "
        "kommunen. Rapporten kan i stedet sammenligne med området uden kommunen."
    )


def regional_level_note(analysis: TrendAnalysis, levels: dict[str, str] | None = None) -> str:
    """Which regional level Jobindsats uses in the report's months, and what the report compares with.

    Jobindsats' regional level is the RAR areas until December 2024 and the regional councils (the
    regions) from January 2025 (:mod:`analysis.reference.regional`). ``levels`` is what the data or
    the fetch recorded per month (:func:`analysis.reference.regional.recorded_levels`, read here for
    real data when not given); a month nothing recorded follows the date of the change.
    """
    codes = list(analysis.panel["period"].unique()) if not analysis.panel.empty else []
    if levels is None:
        levels = {}
        for table in dict.fromkeys(g.table for g in analysis.groups):
            levels.update(regional.recorded_levels(table, analysis.source) if analysis.source == "real" else {})
    note = regional.comparison_note_da(analysis.municipality, codes, levels) or "Regionalt niveau: ingen måneder i data."
    comp, parent = analysis.comparison_area, analysis.comparison_geography
    if comp == analysis.municipality or geography.area(parent).level not in regional.LEVELS:
        return note
    if _statbank(analysis):
        return in_source_words(
            f"{note} Danmarks Statistiks AUK01 har kun kommunerne og hele landet, så {area_in_text(comp)} er i hele "
            "perioden summen af områdets kommuner; et skift i det regionale niveau ændrer ikke tallene.", analysis)
    return (
        f"{note} Rapporten sammenligner i hele perioden med det samme område, {area_in_text(comp)}, "
        "så et skift i Jobindsats' regionale niveau ikke ligner en ændring i udviklingen; hvor Jobindsats ikke "
        f"offentliggør {area_in_text(parent)}, er tallene summen af områdets kommuner (se grundlaget nedenfor)."
    )


def subtitle_da(analysis: TrendAnalysis) -> str:
    """The report's subtitle: 'Udviklingen siden januar 2021 sammenlignet med RAR Sjælland og hele landet'."""
    others = [area_in_text(a) for a in analysis.areas if a != analysis.municipality]
    return f"Udviklingen siden {month_long(analysis.base_period)} sammenlignet med {' og '.join(others)}"
