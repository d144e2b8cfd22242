"""Company-based programmes' report tables: Danish headings of the key tables and the display frames
(shares with their intervals, verdicts, Danish group and programme labels).
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses import disclosure
from analysis.analyses.business_programs import effects_text
from analysis.analyses.business_programs.compute import COMPANY_TOTAL, TARGET_GROUPS, TG_TOTAL, Setup
from analysis.analyses.business_programs.effects import MIN_SPELLS, TOTAL_LABEL
from analysis.analyses.business_programs.sentences import geography_phrase
from analysis.analyses.disclosure import MIN_COUNT
from analysis.present import formats as fmt
from analysis.present import report
from analysis.present.tables import TableSpec, text
from analysis.sources.local import spells

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


# --------------------------------------------------------------------------- the report's tables (one spec each)

NOTEBOOK = "business_programs"
COUNTRY = "Hele landet"
PER_100_NOTE_DA = (
    "Antal afsluttede forløb i løbet af året sat i forhold til det gennemsnitlige antal modtagere i målgruppen. "
    "Tal over 100 betyder, at modtagerne i gennemsnit har haft mere end ét forløb i løbet af året."
)
NO_EXTRACT_DA = (
    "Jobcentrets eget udtræk af forløb (forloeb.csv) er ikke indlæst, så den justerede effekt kan ikke beregnes. "
    "Læg udtrækket i data/raw/local og kør en ny opbygning af data."
)
BALANCE_NOTE_DA = (
    "Forskellen i gennemsnit mellem deltagerne i tilbuddet og sammenligningsgruppen, målt i standardafvigelser. "
    "Under 0,1 regnes grupperne for at ligne hinanden; * markerer en forskel over 0,1 efter vægtningen."
)


def publish(frame: pd.DataFrame, spec: TableSpec, output_dir="", extract: pd.DataFrame | None = None) -> None:
    """Save a key table (:func:`analysis.present.report.export_table`) after checking that what is written
    holds no identifiers (:func:`analysis.sources.local.spells.check_publishable`; with ``extract``, none
    of its person or spell ids either). Raises InputError, and writes nothing, when it does."""
    spells.check_publishable(spec.written(frame), spec.name, spells=extract)
    report.export_table(frame, spec, output_dir)


def table(frame: pd.DataFrame, spec: TableSpec, output_dir="", *, export: pd.DataFrame | None = None,
          extract: pd.DataFrame | None = None) -> None:
    """Show a table and save it as :func:`publish` does (checked first): :func:`analysis.present.report.table`."""
    if spec.saved:
        spells.check_publishable(spec.written(frame if export is None else export), spec.name, spells=extract)
    report.table(frame, spec, output_dir, export=export)


def _key(name: str, title_da: str, extra: dict[str, str] | None = None, **spec) -> TableSpec:
    """A key table of this notebook, headed by :data:`HEADINGS_DA` (plus ``extra``)."""
    return TableSpec(notebook=NOTEBOOK, name=name, title_da=title_da, headings_da={**HEADINGS_DA, **(extra or {})}, **spec)


def _without_period_end(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="period_end")


def _is_total_group(row) -> bool:
    return row.target_group == TG_TOTAL


def _signed1(v) -> str:
    return fmt.signed(v, 1)


def _percent0(v) -> str:
    return fmt.percent(v, 0)


def _groups_in_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reindex([TG_TOTAL, *TARGET_GROUPS])


def volume_spec(setup: Setup, summary: pd.DataFrame) -> TableSpec:
    """Shown: the 12-month volume ``summary`` (``volume_summary``); saved: the monthly volume (``volume``)."""
    name, area = setup.municipality, setup.comparison_area
    columns = {"label": "Målgruppe", name: f"{name}, seneste 12 mdr.", "before": f"{name}, året før"}
    if area != COUNTRY and area in summary:
        columns[area] = area
    columns[COUNTRY] = COUNTRY
    if area != COUNTRY:
        columns["diff_comparison"] = f"Forskel til {area} (pct.-point)"
    columns["diff_country"] = "Forskel til Hele landet (pct.-point)"
    pct = {c: fmt.percent for c in columns if c not in ("label", "diff_comparison", "diff_country")}

    def shown(summary: pd.DataFrame) -> pd.DataFrame:
        return summary.assign(label=summary["target_group"].map(group_label))

    return _key("volume", "Andel af modtagerne i virksomhedsrettede tilbud pr. måned", columns_da=columns,
                formats={**pct, "diff_comparison": _signed1, "diff_country": _signed1},
                caption="Andel af modtagerne i virksomhedsrettede tilbud, gennemsnit af 12 måneder til og med "
                f"{fmt.period_label(setup.month)}",
                highlight=_is_total_group, prepare=shown, to_csv=_without_period_end)


def completed_spec(setup: Setup) -> TableSpec:
    """Completed programmes per 100 recipients by group (rows) and area (columns) (``completed_per_recipients``)."""

    def shown(per: pd.DataFrame) -> pd.DataFrame:
        wide = _groups_in_order(per.pivot(index="target_group", columns="area", values="per_100_recipients"))
        wide = wide.reindex(columns=setup.areas).reset_index()
        wide["label"] = wide["target_group"].map(group_label)
        return wide

    return _key("completed_per_recipients", "Afsluttede forløb pr. 100 modtagere",
                columns_da={"label": "Målgruppe", **{a: a for a in setup.areas}},
                formats={a: fmt.integer for a in setup.areas},
                caption=f"Afsluttede virksomhedsrettede forløb pr. 100 modtagere, {fmt.period_label(setup.qmat)}",
                prepare=shown)


def sector_spec(setup: Setup) -> TableSpec:
    """The private share of the programmes, latest 12 months by area and the year before (``sector_split``)."""
    name = setup.municipality

    def shown(split: pd.DataFrame) -> pd.DataFrame:
        latest = split[split["period"] == setup.month]
        before = split[(split["period"] != setup.month) & (split["area"] == name)]
        out = _groups_in_order(latest.pivot(index="target_group", columns="area", values="private_share_pct"))
        out = out.reindex(columns=setup.areas)
        out["before"] = before.set_index("target_group")["private_share_pct"]
        out = out.reset_index()
        out["label"] = out["target_group"].map(group_label)
        return out

    return _key("sector_split", "Private og offentlige virksomhedsrettede tilbud", {"period": "12 måneder til og med"},
                columns_da={"label": "Målgruppe", name: f"{name}, seneste 12 mdr.", "before": f"{name}, året før",
                            **{a: a for a in setup.areas if a != name}},
                formats={c: _percent0 for c in [*setup.areas, "before"]},
                caption="Andel af de virksomhedsrettede tilbud i private virksomheder",
                highlight=_is_total_group, prepare=shown)


def employment_spec(setup: Setup, by: str, min_count: int = MIN_COUNT) -> TableSpec:
    """Employment six months after, by target group or by programme (:func:`employment_display`; shown only)."""
    columns = {"label": "Målgruppe" if by == "target_group" else "Tilbudstype", "completed": "Afsluttede forløb",
               "municipality": f"{setup.municipality} (95 %-interval)", "rest": "Resten af landet",
               "difference": "Forskel til resten af landet (pct.-point)", "p_value": "p-værdi",
               "p_holm": "p-værdi, Holm-justeret", "verdict": "Vurdering"}
    which = "alle virksomhedsrettede tilbud" if by == "target_group" else "alle målgrupper"
    return TableSpec(
        columns_da=columns, formats={c: text for c in ("completed", "municipality", "rest", "difference", "p_value", "p_holm")},
        caption=f"I beskæftigelse 6 måneder efter, {which}, {fmt.period_label(setup.qmat)}",
        prepare=lambda compare: employment_display(compare, by=by, min_count=min_count),
    )


EMPLOYMENT_AFTER_SPEC = _key("employment_after", "Beskæftigelse 6 måneder efter virksomhedsrettede forløb",
                             {"area": "Område"}, to_csv=employment_csv)


def comparison_spec(setup: Setup) -> TableSpec:
    """The municipality against the rest of the country, every test (``employment_comparison``; saved only)."""
    name = setup.municipality
    return _key("employment_comparison", f"{name} mod resten af landet, {fmt.period_label(setup.qmat)}",
                {"ci_low": f"{name}: 95 %-interval, nedre (pct.)", "ci_high": f"{name}: 95 %-interval, øvre (pct.)",
                 "country_completed": "Hele landet: afsluttede forløb",
                 "country_ci_low": "Hele landet: 95 %-interval, nedre (pct.)",
                 "country_ci_high": "Hele landet: 95 %-interval, øvre (pct.)", "z": "Teststørrelse (z)"})


def hours_spec(setup: Setup) -> TableSpec:
    """Shown: the share with ordinary paid hours now and a year before (``paid_hours_summary``);
    saved: the monthly shares (``paid_hours``)."""
    name = setup.municipality
    return _key("paid_hours", "Aktivitetsparate med ordinære løntimer",
                columns_da={"area": "Område", "latest": fmt.period_label(setup.tables["OTIJ01"]),
                            "year_before": "Et år før", "change_pp": "Ændring (pct.-point)"},
                formats={"latest": fmt.percent, "year_before": fmt.percent, "change_pp": _signed1},
                caption="Andel af de aktivitetsparate med ordinære løntimer",
                highlight=lambda r: r.area == name, to_csv=_without_period_end)


def _placement_shown(place_table: pd.DataFrame) -> pd.DataFrame:
    return place_table.assign(
        period_label=place_table["period"].map(fmt.period_label),
        place=[fmt.MISSING if r != r else f"{fmt.integer(r)} af {fmt.integer(n)}"
               for r, n in zip(place_table["rank"], place_table["ranked"], strict=True)])


def placement_spec(setup: Setup) -> TableSpec:
    """Shown: the placement rate per quarter (``placement_table``); saved: every jobcentre (``placement``)."""
    name, area = setup.municipality, setup.comparison_area
    return _key("placement", "Formidlingsgrad pr. kvartal", {"is_member": "Jobcenter i sammenligningsområdet"},
                columns_da={"period_label": "Kvartal", "placement_rate_pct": f"{name}", "place": "Placering",
                            "area_rate_pct": f"{area} samlet", "median_pct": "Midterste jobcenter",
                            "best_area": "Højeste", "best_pct": "Højeste formidlingsgrad"},
                formats={"placement_rate_pct": fmt.percent, "area_rate_pct": fmt.percent, "median_pct": fmt.percent,
                         "best_pct": fmt.percent, "place": text},
                caption=f"Formidlingsgrad pr. kvartal, {name} og jobcentrene {geography_phrase(area)}",
                prepare=_placement_shown, to_csv=_without_period_end)


# --------------------------------------------------------------------------- the adjusted effects' tables


def no_effects_warning(extract: pd.DataFrame | None, name: str) -> str:
    """Why the adjusted effect cannot be computed: no extract, or no spells of the municipality in it."""
    if extract is None:
        return NO_EXTRACT_DA
    return f"Udtrækket indeholder ingen afsluttede forløb for {name}, så den justerede effekt kan ikke beregnes."


def too_few_spells_da(name: str) -> str:
    """The warning when the extract has too few spells to estimate an effect."""
    return (f"Der er for få afsluttede forløb i {name} til at beregne en justeret effekt: der skal være mindst "
            f"{MIN_SPELLS} forløb med kendt udfald i et tilbud og i sammenligningsgruppen (vejledning og opkvalificering).")


def summary_note_da(min_count: int = MIN_COUNT) -> str:
    """The note under the spell summary: why the raw shares cannot be compared, and the marks."""
    return ("De ujusterede andele kan ikke sammenlignes direkte: deltagerne i de forskellige tilbud er forskellige "
            "(fx målgruppe, alder og tid på forsørgelse). Derfor justeres der nedenfor. En person med forløb i flere "
            "tilbud tælles i hvert af dem, så personerne i alt kan være færre end summen. "
            f"<{min_count}: under {min_count} personer; –: skjult af diskretionshensyn.")


def spell_summary_spec(local: pd.DataFrame, name: str, min_count: int = MIN_COUNT) -> TableSpec:
    """The unadjusted spells per programme from the extract (``spell_summary``), small counts marked."""

    def shown(summary: pd.DataFrame) -> pd.DataFrame:
        def marked(column):
            return [disclosure.count_or_mark(v, s, min_count) for v, s in zip(summary[column], summary["suppressed"], strict=True)]

        return summary.assign(spells_text=marked("spells"), persons_text=marked("persons"))

    years = f"{local['end_date'].min().year}-{local['end_date'].max().year}"
    return TableSpec(
        columns_da={"programme": "Tilbudstype", "spells_text": "Afsluttede forløb", "persons_text": "Personer",
                    "employed_pct": "I beskæftigelse 6 mdr. efter", "mean_age": "Gns. alder", "women_pct": "Kvinder",
                    "prior_weeks": "Gns. uger på forsørgelse året før"},
        formats={"spells_text": text, "persons_text": text, "employed_pct": fmt.percent, "mean_age": _number1,
                 "women_pct": _percent0, "prior_weeks": _number1},
        caption=f"Afsluttede forløb med kendt udfald i {name} {years} (ujusterede tal)",
        highlight=lambda r: r.programme == TOTAL_LABEL, prepare=shown,
        notebook=NOTEBOOK, name="spell_summary", title_da=f"Afsluttede forløb i {name}",
        headings_da=effects_text.SUMMARY_HEADINGS_DA,
    )


def _number1(v) -> str:
    return fmt.number(v, 1)


def effects_spec(min_count: int = MIN_COUNT) -> TableSpec:
    """The adjusted effects with their intervals (:func:`effects_text.effects_display`; shown only)."""
    return TableSpec(
        columns_da={"programme": "Tilbudstype", "n": "Forløb", "logit": "Logistisk regression (95 %-interval)",
                    "ipw": "IPW-vægtning (95 %-interval)", "note": "Bemærkning"},
        formats={"n": text, "logit": text, "ipw": text},
        caption="Justeret forskel i andel i beskæftigelse 6 måneder efter, pct.-point i forhold til vejledning og opkvalificering",
        prepare=lambda est: effects_text.effects_display(est, min_count=min_count),
    )


ADJUSTED_EFFECTS_SPEC = TableSpec(notebook=NOTEBOOK, name="adjusted_effects", title_da="Justerede effekter",
                                  headings_da=effects_text.HEADINGS_DA, to_csv=effects_text.effects_csv)
ADJUSTED_EFFECTS_DETAILS_SPEC = TableSpec(
    notebook=NOTEBOOK, name="adjusted_effects_details", title_da="Justerede effekter, detaljer",
    headings_da={**effects_text.HEADINGS_DA, "suppressed": "Diskretioneret"})


def balance_spec(balance: pd.DataFrame) -> TableSpec:
    """The standardised differences before -> after weighting (:func:`effects_text.balance_display`); saved: ``balance``."""
    programmes = list(dict.fromkeys(balance["programme"])) if "programme" in balance else []
    return TableSpec(
        columns_da={"covariate": "Baggrundsvariabel", **{p: p for p in programmes}},
        formats={p: text for p in programmes},
        caption="Standardiseret forskel til sammenligningsgruppen før → efter vægtningen (IPW)",
        prepare=effects_text.balance_display,
        notebook=NOTEBOOK, name="balance", title_da="Balance før og efter vægtning",
        headings_da=effects_text.BALANCE_HEADINGS_DA,
    )


WEIGHTS_SPEC = TableSpec(
    columns_da=effects_text.WEIGHT_HEADINGS_DA,
    formats={c: text for c in effects_text.WEIGHT_HEADINGS_DA if c != "programme"},
    caption="Vægtenes fordeling pr. gruppe", prepare=effects_text.weights_display,
    notebook=NOTEBOOK, name="weights", title_da="Vægtenes fordeling",
)
"""The weights' distribution per group (:func:`effects_text.weights_display`); saved: ``weights``."""
