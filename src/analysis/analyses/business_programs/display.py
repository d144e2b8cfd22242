"""Company-based programmes' report tables: Danish headings of the key tables and the display frames
(shares with their intervals, verdicts, Danish group and programme labels).
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.business_programs.compute import COMPANY_TOTAL, TG_TOTAL
from analysis.analyses.disclosure import MIN_COUNT
from analysis.present import formats as fmt

HEADINGS_DA = {
    "area": "Område",
    "period": "Periode",
    "period_end": "Periodens slutdato",
    "target_group": "Målgruppe",
    "programme": "Tilbudstype",
    "sector": "Sektor",
    "activation_pct": "Andel af modtagerne i virksomhedsrettet tilbud (pct.)",
    "completed": "Afsluttede forløb",
    "employed": "Heraf i beskæftigelse 6 mdr. efter",
    "employed_share": "Andel i beskæftigelse 6 mdr. efter (pct.)",
    "ci_low": "95 %-interval, nedre (pct.)",
    "ci_high": "95 %-interval, øvre (pct.)",
    "suppressed": f"Diskretioneret (under {MIN_COUNT})",
    "private_persons": "Personmåneder i private virksomheder",
    "public_persons": "Personmåneder i offentlige virksomheder",
    "private_share_pct": "Andel i private virksomheder (pct.)",
    "months": "Måneder med data",
    "share_with_hours_pct": "Andel med ordinære løntimer (pct.)",
    "persons_with_hours": "Personer med ordinære løntimer",
    "placement_rate_pct": "Formidlingsgrad (pct.)",
    "orders": "Oprettede jobordrer",
    "rank": "Placering i sammenligningsområdet (1 = højest)",
    "ranked": "Jobcentre med data",
    "recipients": "Modtagere (gns. pr. måned)",
    "per_100_recipients": "Afsluttede forløb pr. 100 modtagere",
    "municipality_share": "Kommunen (pct.)",
    "country_share": "Hele landet (pct.)",
    "rest_completed": "Resten af landet: afsluttede forløb",
    "rest_share": "Resten af landet (pct.)",
    "difference_pp": "Forskel til resten af landet (pct.-point)",
    "p_value": "p-værdi (ujusteret)",
    "p_holm": "p-værdi, Holm-justeret for alle test i sammenligningen",
    "verdict": "Vurdering (efter Holm-justering, 5 %-niveau)",
    "share_suppressed": "Andel diskretioneret (0 % eller 100 % af under 10)",
}


# --------------------------------------------------------------------------- display (Danish strings for report tables)


def interval_text(low, high, decimals: int = 1) -> str:
    """'45,2-53,1' style interval in Danish numbers ("–" when missing)."""
    if fmt.is_missing(low) or fmt.is_missing(high):
        return fmt.MISSING
    return f"{fmt.number(low, decimals)} til {fmt.number(high, decimals)}"


def share_with_interval(share, low, high, decimals: int = 1) -> str:
    """'77,8 % (74,1 til 81,1)'."""
    if fmt.is_missing(share):
        return fmt.MISSING
    return f"{fmt.percent(share, decimals)} ({interval_text(low, high, decimals)})"


def group_label(group: str) -> str:
    return "Alle målgrupper" if group == TG_TOTAL else group


def programme_label(programme: str) -> str:
    return "Alle virksomhedsrettede tilbud" if programme == COMPANY_TOTAL else programme


def employment_display(compare: pd.DataFrame, *, by: str = "target_group", min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Display rows for the employment comparison: all programmes by target group (``by="target_group"``) or all
    target groups by programme (``by="programme"``). Suppressed counts show as "<5"."""
    if by == "target_group":
        rows = compare[compare["programme"] == COMPANY_TOTAL]
        label = rows["target_group"].map(group_label)
    else:
        rows = compare[compare["target_group"] == TG_TOTAL]
        label = rows["programme"].map(programme_label)
    out = pd.DataFrame({
        "label": label,
        "completed": [f"<{min_count}" if s else fmt.integer(c) for c, s in zip(rows["completed"], rows["suppressed"], strict=True)],
        "municipality": [share_with_interval(*v) for v in zip(rows["municipality_share"], rows["ci_low"], rows["ci_high"], strict=True)],
        "country": [share_with_interval(*v) for v in zip(rows["country_share"], rows["country_ci_low"], rows["country_ci_high"], strict=True)],
        "rest": [fmt.percent(v) for v in rows["rest_share"]],
        "difference": [fmt.signed(v, 1) for v in rows["difference_pp"]],
        "p_value": [p_text(v) for v in rows["p_value"]],
        "p_holm": [p_text(v) for v in rows["p_holm"]],
        "verdict": rows["verdict"].tolist(),
    })
    return out.reset_index(drop=True)


def p_text(p) -> str:
    """A p-value in Danish: '0,047', '<0,001', '–' when there is none."""
    if fmt.is_missing(p):
        return fmt.MISSING
    return "<0,001" if p < 0.001 else fmt.number(p, 3)


def employment_csv(after: pd.DataFrame) -> pd.DataFrame:
    """The key table ``business_programs__employment_after``: exactly the published columns, suppressed cells empty."""
    out = after[["area", "period", "programme", "target_group", "completed", "employed_share", "ci_low", "ci_high"]].copy()
    out["completed"] = out["completed"].round().astype("Int64")  # whole spells; empty where suppressed
    return out
