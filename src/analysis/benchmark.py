"""The ministry's benchmark of the jobcentres (Jobindsats Y30R21): rank, actual against expected,
what moved the rank, distance to the next places, economic potential, Danish key sentences.

The analysis functions are pure: the tidy Y30R21 frame (as :func:`analysis.data.load.load_table` or
:func:`analysis.sources.jobindsats.reader.read_raw_file` returns it) goes in, frames (or Danish text) come out.
The ``figure_*`` builders at the end turn those frames into matplotlib figures in the house
style (no files written, nothing displayed); the notebook ``benchmark_ranking`` shows them.

Main entry points: :func:`check` (resolve parameters, Danish warnings), :func:`rank_history`,
:func:`comparison_ranks`, :func:`comparison_table`, :func:`ranking`, :func:`gap_decomposition`,
:func:`rank_attribution` (own development, the others', rounding: a Shapley split that does not
depend on the order of the steps), :func:`distance_to_places`, :func:`potential` (rates per price
year from :mod:`analysis.rates`, ``config/rates.yaml``), :func:`leadership_sentences`, :func:`csv_ready`.

Facts about the benchmark this module relies on (DATA-SOURCES.md, checked on the real extract):

- 98 municipalities per period and benefit group, ranks exactly 1..98;
- rank 1 is the municipality whose actual share of the 16-66 population on public benefits is
  furthest *below* its expected share: the ranking follows ``difference_pp`` (actual share
  minus expected share, percentage points), ascending;
- ties in the rounded ``difference_pp`` are broken by unrounded figures that are not published,
  so the **published rank is always used, never a recomputed one** (the one exception is
  :func:`rank_attribution`, which needs counterfactual rankings; it recomputes every ranking it
  compares from the rounded figures and shows the difference to the published change as its own
  line);
- ``difference`` = ``actual`` - ``expected`` in full-time persons (rounded to tens); a negative
  difference means fewer people on benefits than the framework conditions predict (good);
- the groups A-dagpenge mv., Sygedagpenge mv. and Kontanthjælp mv. add up to
  "Ydelsesgrupper i alt", apart from rounding.

Bad input: :func:`check` raises :class:`ParameterError` when the analysis cannot run at all
(unknown municipality, a period without Y30R21 data, the municipality absent from the selected
period, no total group) and returns Danish warnings for partial gaps (the municipality missing
in some period, an absent benefit group, suppressed figures, a group without a rate), which the
notebook shows in the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import rates as rates_mod
from analysis.core.errors import InputError, ParameterError
from analysis.present import formats as fmt
from analysis.reference import geography
from analysis.reference import periods as periodsmod

TABLE = "Y30R21"
TOTAL = "Ydelsesgrupper i alt"
GROUPS = ("A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.")
ALL_GROUPS = (TOTAL, *GROUPS)
RESIDUAL = "Afrunding"
MEASURES = ("rank", "actual", "expected", "difference", "actual_share_pct", "expected_share_pct", "difference_pp")
N_MUNICIPALITIES = 98

HISTORY_COLUMNS = ["period", "benefit_group", *MEASURES]
POTENTIAL_COLUMNS = ["period", "benefit_group", "difference", "rate_dkk", "potential_dkk", "period_year", "price_year",
                     "nearest_year", "rate_source"]
ATTRIBUTION_COLUMNS = [
    "benefit_group", "rank_first", "rank_last", "places_gained", "rank_if_others_unchanged", "own_places",
    "others_places", "rounding_places", "rank_first_recomputed", "rank_last_recomputed", "rank_if_own_unchanged",
    "own_places_own_first", "others_places_own_first", "own_places_others_first", "others_places_others_first",
]

# Danish: the benefit group as an area of work ("sygedagpengeområdet") and a short label.
GROUP_AREA_DA = {
    TOTAL: "de samlede ydelsesgrupper",
    "A-dagpenge mv.": "a-dagpengeområdet",
    "Sygedagpenge mv.": "sygedagpengeområdet",
    "Kontanthjælp mv.": "kontanthjælpsområdet",
}
GROUP_LABEL_DA = {TOTAL: "I alt", "A-dagpenge mv.": "A-dagpenge mv.", "Sygedagpenge mv.": "Sygedagpenge mv.",
                  "Kontanthjælp mv.": "Kontanthjælp mv.", RESIDUAL: "Afrunding"}
GROUP_SHORT = {"A-dagpenge mv.": "a_dagpenge", "Sygedagpenge mv.": "sygedagpenge", "Kontanthjælp mv.": "kontanthjaelp"}

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


# --------------------------------------------------------------------------- the wide frame


def wide(y30: pd.DataFrame) -> pd.DataFrame:
    """One row per (area, period, benefit_group) with the measures as columns, municipalities only.

    Measures the data lacks are columns of NaN. Raises InputError for a frame that is not Y30R21.
    A frame that is already wide is returned as it is: a notebook computes the wide frame once
    and passes it to every function here (each accepts the tidy or the wide frame).
    """
    if not isinstance(y30, pd.DataFrame):
        raise InputError(f"expected the tidy Y30R21 table as a data frame, got {type(y30).__name__}")
    if _is_wide(y30):
        return y30
    need = {"area", "period", "benefit_group", "measure", "value"}
    missing = sorted(need - set(y30.columns))
    if missing:
        raise InputError(f"the frame is not the tidy {TABLE} table: it lacks column(s) {missing}")
    if "table" in y30.columns and len(y30):
        other = sorted({str(t).upper() for t in y30["table"].unique()} - {TABLE})
        if other:
            raise InputError(f"expected rows of table {TABLE}, found {other}")
    keep = y30["measure"].isin(MEASURES)
    if "area_level" in y30.columns:
        keep &= y30["area_level"] == "kommune"
    frame = y30.loc[keep]
    keys = ["area", "period", "benefit_group", "measure"]
    try:
        out = frame.set_index(keys)["value"].astype(float).unstack("measure")
    except ValueError:  # duplicate keys (looked for only then: the check costs as much as the reshape)
        dup = frame.duplicated(keys)
        if not dup.any():
            raise
        row = frame.loc[dup].iloc[0]
        raise InputError(f"{TABLE} has duplicate rows for {row['area']}, {row['period']}, "
                         f"{row['benefit_group']}, {row['measure']}") from None
    out = out.reindex(columns=list(MEASURES)).reset_index()
    out.columns.name = None
    return out


def _is_wide(frame: pd.DataFrame) -> bool:
    columns = set(frame.columns)
    return "measure" not in columns and {"area", "period", "benefit_group", *MEASURES} <= columns


def data_periods(y30: pd.DataFrame) -> list[str]:
    """The periods with Y30R21 rows, oldest first."""
    return periodsmod.sort_codes(y30["period"].astype(str).unique()) if len(y30) else []


def _municipality(name: str) -> str:
    return geography.municipality(name).name


def _period(code: str, available: Sequence[str], what: str = "period") -> str:
    """The benchmark period for a parameter: a rolling-year code as it is; a month or a quarter
    (the runner passes the report quarter, e.g. 2024Q4) means the latest rolling year ending by then."""
    parsed = periodsmod.parse_period(code)
    canonical = parsed.code
    if parsed.kind != "QMAT":
        ending = [p for p in available if periodsmod.parse_period(p).end <= parsed.end]
        if ending:
            return ending[-1]
    if canonical not in available:
        shown = ", ".join(available) if available else "none"
        raise ParameterError(f"{what} {code!r} has no {TABLE} (benchmark) data; periods with data: {shown}")
    return canonical


def _group_order(series: pd.Series) -> pd.Series:
    order = {g: i for i, g in enumerate((*ALL_GROUPS, RESIDUAL))}
    return series.map(lambda g: order.get(g, len(order)))


def _period_order(series: pd.Series) -> pd.Series:
    return series.map(lambda c: periodsmod.parse_period(c).end)


# --------------------------------------------------------------------------- checks


@dataclass
class Setup:
    """What :func:`check` resolved: the municipality, the periods to use, Danish warnings for the report."""

    municipality: str
    period: str
    first_period: str
    periods: list[str]
    groups: list[str]
    warnings: list[str] = field(default_factory=list)


def check(
    y30: pd.DataFrame,
    municipality: str,
    period: str = "",
    first_period: str = "",
    rates=None,
) -> Setup:
    """Resolve the parameters against the data; raise for what stops the analysis, warn (in Danish) for gaps.

    - ``period`` "" = the latest period in which the municipality is ranked (a warning says so
      when that is not the latest period of the data); a given period must have data for it.
    - ``first_period`` "" = the first period in which the municipality is ranked; a given one
      must have data for it and lie before ``period``.
    - ``rates``: a rates frame or mapping; groups without a rate are warned about.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = _municipality(municipality)
    available = data_periods(y30)
    if not available:
        raise ParameterError(f"there is no {TABLE} (benchmark) data; add the table's raw file and run `analysis build`")
    w = wide(y30)
    if TOTAL not in set(w["benefit_group"]):
        raise ParameterError(f"{TABLE} has no rows for {TOTAL!r}; the benchmark ranking cannot be shown")
    own = w[(w["area"] == name) & (w["benefit_group"] == TOTAL) & w["rank"].notna()]
    ranked = periodsmod.sort_codes(own["period"].unique())
    if not ranked:
        raise ParameterError(
            f"{name} is not ranked in any period of the {TABLE} (benchmark) data ({available[0]}-{available[-1]})"
        )
    warnings: list[str] = []

    if str(period or "").strip():
        last = _period(period, available)
        if last not in ranked:
            raise ParameterError(
                f"{name} has no total rank in {last} in the {TABLE} data; periods in which it is ranked: {', '.join(ranked)}"
            )
    else:
        last = ranked[-1]
        if last != available[-1]:
            warnings.append(
                f"{name} mangler i den seneste måling ({_label(available[-1])}). Analysen bruger derfor den seneste "
                f"periode med en placering for kommunen: {_label(last)}."
            )
    used = [p for p in available if periodsmod.parse_period(p).end <= periodsmod.parse_period(last).end]

    if str(first_period or "").strip():
        first = _period(first_period, available, "first_period")
        if first not in ranked:
            raise ParameterError(
                f"{name} has no total rank in {first} (first_period); periods in which it is ranked: {', '.join(ranked)}"
            )
        if periodsmod.parse_period(first).end > periodsmod.parse_period(last).end:
            raise ParameterError(f"first_period {first} is after the period analysed ({last}); choose an earlier one")
    else:
        first = next(p for p in ranked if p in used)
    if first == last:
        warnings.append(
            f"Der er kun én periode med data for {name} ({_label(last)}); udviklingen over tid og ændringen i "
            "placeringen kan ikke vises."
        )

    # The municipality missing in some periods.
    absent = [p for p in used if p not in ranked]
    if absent:
        warnings.append(
            f"{name} har ingen samlet placering i benchmarket for {_join([_label(p) for p in absent])}. "
            "Perioden står som et hul i figurer og tabeller (ikke som nul)."
        )
    # Benefit groups absent from the data or from the municipality's rows.
    present_groups = [g for g in ALL_GROUPS if g in set(w["benefit_group"])]
    for g in GROUPS:
        if g not in present_groups:
            warnings.append(
                f"Ydelsesgruppen {g} findes ikke i benchmarkdata. Den mangler i figurer og tabeller, og dens bidrag "
                "til ændringen i placeringen og dens økonomiske potentiale kan ikke opgøres."
            )
    mine = w[(w["area"] == name) & w["period"].isin(used)]
    for g in present_groups:
        rows = mine[mine["benefit_group"] == g].set_index("period").reindex(used)
        gaps = [p for p in used if p in ranked and rows.loc[p, list(MEASURES)].isna().any()]
        if gaps:
            warnings.append(
                f"For {name} mangler der tal for {g} i {_join([_label(p) for p in gaps])} (udeladt eller "
                "diskretioneret i kilden). De vises som tomme felter, ikke som nul."
            )
    # Incomplete rankings.
    counts = w[(w["benefit_group"] == TOTAL) & w["rank"].notna() & w["period"].isin(used)].groupby("period")["area"].nunique()
    short = [p for p in used if counts.get(p, 0) < N_MUNICIPALITIES]
    if short:
        warnings.append(
            "Ranglisten er ufuldstændig for "
            + _join([f"{_label(p)} ({counts.get(p, 0)} af {N_MUNICIPALITIES} kommuner)" for p in short])
            + ". Placeringerne er de offentliggjorte."
        )
    if rates is not None:
        lacking = [g for g in rates_mod.missing_groups(rates) if g in present_groups]
        if lacking:
            warnings.append(
                f"Der er ingen nettokommunal udgift pr. fuldtidsperson for {_join(lacking)} i satsfilen. "
                "Det økonomiske potentiale for "
                + ("gruppen" if len(lacking) == 1 else "grupperne")
                + " og for alle grupper i alt kan derfor ikke opgøres."
            )
    return Setup(municipality=name, period=last, first_period=first, periods=used, groups=present_groups, warnings=warnings)


# --------------------------------------------------------------------------- tables


def rank_history(y30: pd.DataFrame, municipality: str, periods: Iterable[str] | None = None) -> pd.DataFrame:
    """The municipality's published rank and actual/expected figures per period and benefit group.

    Columns :data:`HISTORY_COLUMNS`. One row for every period (all in the data, or ``periods``)
    and every benefit group of :data:`ALL_GROUPS`: a period or group without data is a row of
    NaN, never left out and never 0 (:func:`check` explains the gap in words).
    """
    name = _municipality(municipality)
    w = wide(y30)
    if not (w["area"] == name).any():
        raise ParameterError(f"{name} is not in the {TABLE} (benchmark) data")
    codes = list(dict.fromkeys(periods)) if periods is not None else data_periods(y30)
    grid = pd.MultiIndex.from_product([codes, list(ALL_GROUPS)], names=["period", "benefit_group"])
    mine = w[w["area"] == name].set_index(["period", "benefit_group"])[list(MEASURES)]
    out = mine.reindex(grid).reset_index()
    return out[HISTORY_COLUMNS]


def comparison_ranks(y30: pd.DataFrame, areas: str | Sequence[str], periods: Iterable[str] | None = None) -> pd.DataFrame:
    """Published ranks of several municipalities over time: columns period, area, benefit_group, rank, difference_pp.

    ``areas`` is an area name (a RAR area, a region, "Hele landet": its municipalities) or a list
    of municipality names. Municipalities without data in a period have no row there.
    """
    names = geography.members(areas) if isinstance(areas, str) else [_municipality(a) for a in areas]
    w = wide(y30)
    out = w[w["area"].isin(names)]
    if periods is not None:
        out = out[out["period"].isin(list(periods))]
    out = out[["period", "area", "benefit_group", "rank", "difference_pp"]]
    return out.sort_values(["benefit_group", "area", "period"], key=lambda s: _group_order(s) if s.name == "benefit_group"
                           else (_period_order(s) if s.name == "period" else s)).reset_index(drop=True)


def ranking(y30: pd.DataFrame, period: str, benefit_group: str = TOTAL) -> pd.DataFrame:
    """The whole published ranking of one period and benefit group, rank 1 first.

    Columns: rank, area and the measures. Municipalities without a published rank come last.
    """
    w = wide(y30)
    code = _period(period, data_periods(y30))
    if benefit_group not in set(w["benefit_group"]):
        raise ParameterError(f"{TABLE} has no benefit group {benefit_group!r}; it has {sorted(set(w['benefit_group']))}")
    rows = w[(w["period"] == code) & (w["benefit_group"] == benefit_group)]
    if rows.empty:
        raise ParameterError(f"{TABLE} has no rows for {benefit_group!r} in {code}")
    cols = ["rank", "area", "actual", "expected", "difference", "actual_share_pct", "expected_share_pct", "difference_pp"]
    return rows.sort_values(["rank", "difference_pp", "area"], na_position="last")[cols].reset_index(drop=True)


def comparison_table(y30: pd.DataFrame, areas: str | Sequence[str], period: str) -> pd.DataFrame:
    """The comparison area's municipalities in one period: published ranks (total and per group), the total gap.

    Columns: place_in_area (1 = best published total rank within the area), area, rank_total,
    rank_a_dagpenge, rank_sygedagpenge, rank_kontanthjaelp, difference_total, difference_pp_total.
    """
    names = geography.members(areas) if isinstance(areas, str) else [_municipality(a) for a in areas]
    w = wide(y30)
    code = _period(period, data_periods(y30))
    rows = w[(w["period"] == code) & w["area"].isin(names)]
    ranks = rows.pivot(index="area", columns="benefit_group", values="rank").reindex(index=names, columns=list(ALL_GROUPS))
    total = rows[rows["benefit_group"] == TOTAL].set_index("area").reindex(names)
    out = pd.DataFrame({
        "area": names,
        "rank_total": ranks[TOTAL].to_numpy(),
        **{f"rank_{GROUP_SHORT[g]}": ranks[g].to_numpy() for g in GROUPS},
        "difference_total": total["difference"].to_numpy(),
        "difference_pp_total": total["difference_pp"].to_numpy(),
    })
    out = out.sort_values(["rank_total", "area"], na_position="last").reset_index(drop=True)
    place = out["rank_total"].rank(method="min")
    out.insert(0, "place_in_area", place)
    return out


def actual_vs_expected(y30: pd.DataFrame, municipality: str, period: str) -> pd.DataFrame:
    """The municipality's actual and expected level per benefit group in one period (history rows of that period)."""
    code = _period(period, data_periods(y30))
    hist = rank_history(y30, municipality, [code])
    return hist.reset_index(drop=True)


# --------------------------------------------------------------------------- what moved the rank


def gap_decomposition(y30: pd.DataFrame, municipality: str, first: str, last: str) -> pd.DataFrame:
    """The change in the total gap between two periods, split into the benefit groups' contributions.

    The total gap (actual - expected) is the sum of the three groups' gaps, so the change in
    the total splits exactly into the groups' changes, in full-time persons and in percentage
    points of the 16-66 population; what the published (rounded) figures do not add up to is
    shown as its own row, ``Afrunding``. A group missing in either period has a NaN change and
    then the residual is NaN too (never silently attributed).

    Columns: benefit_group, difference_first, difference_last, change, difference_pp_first,
    difference_pp_last, change_pp, rank_first, rank_last, places_gained (rank_first - rank_last,
    positive = moved up). Rows: the three groups, ``Afrunding``, ``Ydelsesgrupper i alt``.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    available = data_periods(y30)
    a, b = _period(first, available, "first_period"), _period(last, available)
    hist = rank_history(y30, municipality, [a, b]).set_index(["benefit_group", "period"]).sort_index()
    rows = []
    for g in (*GROUPS, TOTAL):
        x, y = hist.loc[(g, a)], hist.loc[(g, b)]
        rows.append({
            "benefit_group": g,
            "difference_first": x["difference"], "difference_last": y["difference"],
            "change": y["difference"] - x["difference"],
            "difference_pp_first": x["difference_pp"], "difference_pp_last": y["difference_pp"],
            "change_pp": y["difference_pp"] - x["difference_pp"],
            "rank_first": x["rank"], "rank_last": y["rank"], "places_gained": x["rank"] - y["rank"],
        })
    out = pd.DataFrame(rows)
    groups = out[out["benefit_group"].isin(GROUPS)]
    total = out[out["benefit_group"] == TOTAL].iloc[0]
    residual = {"benefit_group": RESIDUAL}
    for col in ("difference_first", "difference_last", "change", "difference_pp_first", "difference_pp_last", "change_pp"):
        parts = groups[col]
        residual[col] = total[col] - parts.sum() if parts.notna().all() else math.nan
    for col in ("difference_pp_first", "difference_pp_last", "change_pp"):
        if not math.isnan(residual[col]):
            residual[col] = round(residual[col], 2) + 0.0  # the inputs have two decimals
    out = pd.concat([groups, pd.DataFrame([residual]), out[out["benefit_group"] == TOTAL]], ignore_index=True)
    return out


def rank_among(value: float, others) -> float:
    """The place ``value`` gets among ``others`` (difference_pp, lower is better), ties at the best place.

    1 + the number of others with a strictly smaller rounded difference (competition ranking,
    "1-2-2-4": equal rounded figures share the best of their places). The published figures are
    rounded to two decimals, and the unrounded ones that break ties are not published, so a
    recomputed rank can differ from the published one; :func:`rank_attribution` shows that
    difference as its own line. Missing values among ``others`` are left out; a missing
    ``value`` gives NaN.
    """
    if value is None or pd.isna(value):
        return math.nan
    hundredths = np.round(np.asarray(pd.Series(others, dtype=float).dropna(), dtype=float) * 100.0)
    return float(1 + np.count_nonzero(hundredths < round(float(value) * 100.0)))


def shapley_rank_split(own_first: float, own_last: float, others_first, others_last) -> dict[str, float]:
    """Split a recomputed change in rank between the municipality's own development and the others'.

    Two steps take the first period's ranking to the last one: the municipality's own
    difference_pp changes, and the other municipalities' figures change. The places each step
    accounts for depend on which step is taken first, so both orders are computed and the split
    is their average (the Shapley value of a two-factor change; it does not depend on an order):

    - own first:    own = R(own_first, others_first) - R(own_last, others_first),
                    others = R(own_last, others_first) - R(own_last, others_last)
    - others first: others = R(own_first, others_first) - R(own_first, others_last),
                    own = R(own_first, others_last) - R(own_last, others_last)

    with R = :func:`rank_among` (places gained: positive = up). In both orders the two steps add
    up to the recomputed change R(own_first, others_first) - R(own_last, others_last), so the
    averages do too. Values can be half places.
    """
    r_ff = rank_among(own_first, others_first)  # first period as it was (recomputed)
    r_lf = rank_among(own_last, others_first)  # own development only (the others as in the first period)
    r_fl = rank_among(own_first, others_last)  # the others' development only
    r_ll = rank_among(own_last, others_last)  # last period as it is (recomputed)
    own_1, others_1 = r_ff - r_lf, r_lf - r_ll
    others_2, own_2 = r_ff - r_fl, r_fl - r_ll
    return {
        "rank_first_recomputed": r_ff, "rank_last_recomputed": r_ll,
        "rank_if_others_unchanged": r_lf, "rank_if_own_unchanged": r_fl,
        "own_places_own_first": own_1, "others_places_own_first": others_1,
        "own_places_others_first": own_2, "others_places_others_first": others_2,
        "own_places": (own_1 + own_2) / 2.0, "others_places": (others_1 + others_2) / 2.0,
    }


def rank_attribution(y30: pd.DataFrame, municipality: str, first: str, last: str) -> pd.DataFrame:
    """How many of the places gained come from the municipality's own development, the others', and rounding.

    For each benefit group, the published change (``places_gained`` = rank_first - rank_last,
    positive = moved up) is split into three lines that add up to it exactly:

    - ``own_places`` and ``others_places``: the Shapley split of the change in the ranks
      recomputed from the published (rounded) difference_pp, averaged over both orders of the
      two steps (see :func:`shapley_rank_split`; ties at the best place, :func:`rank_among`);
    - ``rounding_places``: the published change minus the recomputed change, i.e. what the
      ministry's tie-breaking with unpublished unrounded figures moved. It is
      (rank_first - rank_first_recomputed) - (rank_last - rank_last_recomputed).

    Columns: benefit_group, rank_first, rank_last, places_gained, rank_if_others_unchanged (the
    place the latest difference would have had among the others' first-period figures),
    own_places, others_places, then rank_first_recomputed, rank_last_recomputed,
    rank_if_own_unchanged, rounding_places and the one-order splits (own_places_own_first,
    others_places_own_first, own_places_others_first, others_places_others_first), which show
    how far the order would have mattered. A group without figures in either period is a row
    of NaN.
    """
    w = wide(y30)
    name = _municipality(municipality)
    available = data_periods(w)
    a, b = _period(first, available, "first_period"), _period(last, available)
    rows = []
    for g in ALL_GROUPS:
        in_a = w[(w["period"] == a) & (w["benefit_group"] == g)]
        in_b = w[(w["period"] == b) & (w["benefit_group"] == g)]
        own_a, own_b = in_a[in_a["area"] == name], in_b[in_b["area"] == name]
        r_a = float(own_a["rank"].iloc[0]) if len(own_a) else math.nan
        r_b = float(own_b["rank"].iloc[0]) if len(own_b) else math.nan
        pp_a = own_a["difference_pp"].iloc[0] if len(own_a) else math.nan
        pp_b = own_b["difference_pp"].iloc[0] if len(own_b) else math.nan
        split = shapley_rank_split(pp_a, pp_b, in_a.loc[in_a["area"] != name, "difference_pp"],
                                   in_b.loc[in_b["area"] != name, "difference_pp"])
        recomputed = split["rank_first_recomputed"] - split["rank_last_recomputed"]
        rows.append({"benefit_group": g, "rank_first": r_a, "rank_last": r_b, "places_gained": r_a - r_b,
                     **split, "rounding_places": (r_a - r_b) - recomputed})
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


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


# --------------------------------------------------------------------------- distance to the next places


def population_16_66(actual: float, actual_share_pct: float) -> float:
    """The 16-66 population implied by the benchmark: actual / actual_share_pct * 100 (NaN if not computable)."""
    if actual is None or actual_share_pct is None or pd.isna(actual) or pd.isna(actual_share_pct) or actual_share_pct == 0:
        return math.nan
    return float(actual) / float(actual_share_pct) * 100.0


def distance_to_places(
    y30: pd.DataFrame,
    municipality: str,
    period: str,
    places: Sequence[int] = (5, 10, -5),
    benefit_group: str = TOTAL,
) -> pd.DataFrame:
    """How many full-time persons (relative to the expected level) would move the municipality k places.

    The ranking follows ``difference_pp`` (actual share - expected share of the 16-66 population).
    With the expected level held fixed, the municipality reaches the level of the municipality at
    rank ``r - k`` (r = its own published rank; k > 0 is up, k < 0 is down) when its actual
    number of full-time persons changes by::

        change_fulltime_persons = (difference_pp[r - k] - difference_pp[r]) * population_16_66 / 100

    where ``population_16_66 = actual / actual_share_pct * 100`` is derived from the
    municipality's own published figures. Moving up needs fewer persons (a negative change),
    falling back comes with more (a positive change). The figures are published rounded (persons
    to tens, shares to two decimals) and ties are broken by unpublished unrounded figures, so the
    result is the change that brings the municipality level with that place - an estimate to
    about +/- 10 full-time persons, not an exact threshold.

    Columns: period, benefit_group, places, rank, target_rank, target_area, difference_pp,
    target_difference_pp, population_16_66, change_fulltime_persons, change_pct_of_actual, note
    (Danish, e.g. when fewer than k places are left above the municipality).
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = _municipality(municipality)
    rk = ranking(y30, period, benefit_group)
    code = periodsmod.parse_period(period).code
    own = rk[rk["area"] == name]
    if own.empty or pd.isna(own["rank"].iloc[0]):
        raise ParameterError(f"{name} has no published rank for {benefit_group!r} in {code}")
    own = own.iloc[0]
    r = int(own["rank"])
    pop = population_16_66(own["actual"], own["actual_share_pct"])
    n = int(rk["rank"].max())
    rows = []
    for k in places:
        if isinstance(k, bool) or not float(k).is_integer() or int(k) == 0:
            raise ParameterError(f"places must be non-zero whole numbers (e.g. 5, 10, -5), not {k!r}")
        k = int(k)
        target = r - k
        row = {"period": code, "benefit_group": benefit_group, "places": k, "rank": float(r),
               "target_rank": math.nan, "target_area": "", "difference_pp": own["difference_pp"],
               "target_difference_pp": math.nan, "population_16_66": pop,
               "change_fulltime_persons": math.nan, "change_pct_of_actual": math.nan, "note": ""}
        if target < 1:
            row["note"] = ("Kommunen er nr. 1 og kan ikke rykke op." if r == 1
                           else f"Kommunen er nr. {r}; der er kun {_places(r - 1)} over den.")
        elif target > n:
            row["note"] = (f"Kommunen er sidst (nr. {r}) og kan ikke rykke ned." if r == n
                           else f"Kommunen er nr. {r} af {n}; der er kun {_places(n - r)} under den.")
        else:
            hit = rk[rk["rank"] == target]
            if hit.empty or pd.isna(hit["difference_pp"].iloc[0]):
                row["note"] = f"Ingen kommune har en offentliggjort forskel på plads nr. {target}."
            else:
                t = hit.iloc[0]
                change = (t["difference_pp"] - own["difference_pp"]) * pop / 100.0
                row.update({"target_rank": float(target), "target_area": t["area"],
                            "target_difference_pp": t["difference_pp"], "change_fulltime_persons": change,
                            "change_pct_of_actual": change / own["actual"] * 100.0 if own["actual"] else math.nan})
                if abs(t["difference_pp"] - own["difference_pp"]) < 1e-9:
                    row["note"] = "Samme afrundede forskel; de uafrundede tal afgør rækkefølgen."
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- economic potential


def period_year(code: str) -> int:
    """The year a benchmark period's kroner are priced in: the year the period ends in (2020QMAT02 -> 2020)."""
    return periodsmod.parse_period(code).end.year


def potential(y30: pd.DataFrame, municipality: str, period: str | Sequence[str] | None, rates) -> pd.DataFrame:
    """Each group's gap turned into kroner a year: potential_dkk = difference * rate_dkk.

    ``rates`` is a frame from :func:`analysis.rates.load_rates` (rates per price year) or a
    mapping ``{group: kroner}`` (no price year), net municipal cost per full-time person per
    year. ``period`` is one period, a list, or None for all periods. A negative potential is a
    saving (fewer on benefits than expected).

    Each period uses the rates of the year it ends in (:func:`period_year`), or those of the
    nearest year with a rate (:func:`analysis.rates.rates_for_year`): ``price_year`` is the year
    of the rate used (empty when the rate has no year), ``nearest_year`` is True when that is not
    the period's own year, ``rate_source`` is where the rate comes from.

    Rows per period: the three groups, then ``Ydelsesgrupper i alt`` whose potential is the sum
    of the groups' (its rate_dkk is empty: there is no single rate, and its difference is the
    published total; its price_year is the groups' common price year, empty when they differ).
    A group without a rate or without data has an empty rate/potential, and then the total is
    empty too - never a partial sum and never 0.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = _municipality(municipality)
    available = data_periods(y30)
    if period is None:
        codes = available
    elif isinstance(period, str):
        codes = [_period(period, available)]
    else:
        codes = [_period(p, available) for p in period]
    hist = rank_history(y30, name, codes)
    by_year = {}
    rows = []
    for code in codes:
        year = period_year(code)
        if year not in by_year:
            by_year[year] = rates_mod.rates_for_year(rates, year).set_index("benefit_group") if rates is not None \
                else pd.DataFrame(columns=rates_mod.YEAR_COLUMNS).set_index("benefit_group")
        chosen = by_year[year]
        h = hist[hist["period"] == code].set_index("benefit_group")
        parts, price_years, nearest = [], [], []
        for g in GROUPS:
            diff = h.loc[g, "difference"]
            has = g in chosen.index
            rate = float(chosen.loc[g, "rate_dkk"]) if has else math.nan
            price = float(chosen.loc[g, "price_year"]) if has else math.nan
            near = bool(chosen.loc[g, "nearest_year"]) if has else False
            value = diff * rate if not (pd.isna(diff) or math.isnan(rate)) else math.nan
            parts.append(value)
            if has:
                price_years.append(price)
                nearest.append(near)
            rows.append({"period": code, "benefit_group": g, "difference": diff, "rate_dkk": rate, "potential_dkk": value,
                         "period_year": year, "price_year": price, "nearest_year": near,
                         "rate_source": str(chosen.loc[g, "source"]) if has else ""})
        total = float(np.sum(parts)) if not any(math.isnan(v) for v in parts) else math.nan
        common = price_years[0] if price_years and all(
            (math.isnan(p) and math.isnan(price_years[0])) or p == price_years[0] for p in price_years) else math.nan
        rows.append({"period": code, "benefit_group": TOTAL, "difference": h.loc[TOTAL, "difference"],
                     "rate_dkk": math.nan, "potential_dkk": total, "period_year": year, "price_year": common,
                     "nearest_year": any(nearest), "rate_source": ""})
    return pd.DataFrame(rows, columns=POTENTIAL_COLUMNS)


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


def year_text(year) -> str:
    """A year for tables, without a thousands separator ("2023"); missing is "–"."""
    return fmt.MISSING if fmt.is_missing(year) else str(int(float(year)))


def potential_caption(pot: pd.DataFrame, period: str) -> str:
    """The caption of the potential table: the period, how the total is made, and the price year."""
    priced = price_year_label(pot, period)
    return (f"Økonomisk betydning af forskellen, {period_phrase(period)} (i alt = summen af grupperne)"
            + (f", {priced}" if priced else ""))


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
        lead = "" if len(buckets) == 1 else f"{_join(groups)}: "
        sentences = []
        if all(p is None for _, p, _ in key):
            sentences.append(f"{'Taksterne er' if not lead and len(groups) > 1 else 'Taksten er'} angivet uden prisår "
                             "og er brugt for alle perioder.")
        else:
            exact = [y for y, p, n in key if p is not None and not n]
            if exact:
                sentences.append(f"Der er takster for {_join([str(y) for y in exact])}.")
            nearest: dict[int, list[int]] = {}
            for y, p, n in key:
                if p is not None and n:
                    nearest.setdefault(p, []).append(y)
            for p, years in nearest.items():
                sentences.append(f"Der er ingen takst for {_join([str(y) for y in years])}, så taksten for {p} (det "
                                 f"nærmeste år med en takst) er brugt; beløbene for {'det år' if len(years) == 1 else 'de år'} "
                                 f"er altså i {p}-priser.")
        texts.append(lead + " ".join(sentences))
    totals = pot[(pot["benefit_group"] == TOTAL) & pot["potential_dkk"].notna() & pot["price_year"].isna()]
    if len(totals) and rows["price_year"].notna().any():
        texts.append("Summen for alle grupper i alt lægger beløb i forskellige prisår sammen for "
                     f"{_join([period_phrase(p) for p in totals['period']])}.")
    return " ".join(texts)


# --------------------------------------------------------------------------- Danish text


def period_phrase(code: str) -> str:
    """How a benchmark period reads in a sentence: "2021" (a calendar year) or "året til og med 2. kvt. 2021"."""
    p = periodsmod.parse_period(code)
    if p.kind == "QMAT" and p.end.month == 12:
        return str(p.end.year)
    if p.kind == "QMAT":
        return f"året til og med {(p.end.month - 1) // 3 + 1}. kvt. {p.end.year}"
    return p.label_da


def period_tick(code: str) -> str:
    """A short axis label: "2021" for a calendar year, "2. kvt. 2021" (year to) otherwise."""
    p = periodsmod.parse_period(code)
    if p.kind == "QMAT" and p.end.month == 12:
        return str(p.end.year)
    if p.kind == "QMAT":
        return f"{(p.end.month - 1) // 3 + 1}. kvt.\n{p.end.year}"
    return p.label_da


def _label(code: str) -> str:
    return period_phrase(code)


def _join(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _persons(x: float) -> str:
    """Full-time persons for prose: whole tens from 10 up ("ca." is added by the caller)."""
    x = abs(float(x))
    return fmt.number(round(x / 10.0) * 10 if x >= 10 else round(x))


def in_area(area: str) -> str:
    """ "i RAR Sjælland", but "i landet" for Hele landet."""
    return "i landet" if area == geography.COUNTRY else f"i {area}"


def _sentence(text: str) -> str:
    """End a sentence with exactly one full stop (texts may end in an abbreviation like "mv." or "kr.")."""
    text = text.strip()
    return text if text.endswith(".") else text + "."


def _level(diff: float) -> str:
    """ "60 over det forventede niveau" / "150 under ..." / "på det forventede niveau"."""
    if diff == 0:
        return "på det forventede niveau"
    return f"{fmt.number(abs(diff))} {'under' if diff < 0 else 'over'} det forventede niveau"


def _places(n: int) -> str:
    return f"{n} plads" if abs(n) == 1 else f"{n} pladser"


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
    written with a 0); :func:`check` reports the gaps.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = _municipality(municipality)
    available = data_periods(y30)
    last = _period(period, available)
    first = _period(first_period, available, "first_period")
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
                out.append(f"I perioden har {name} forbedret sig {_places(r1 - r2)} på Beskæftigelsesministeriets "
                           f"benchmark af jobcentrene, hvor kommunen er rykket fra plads nr. {r1} i {period_phrase(first)} "
                           f"til plads nr. {r2} ved den seneste måling ({period_phrase(last)}).")
            elif r1 < r2:
                out.append(f"I perioden er {name} gået {_places(r2 - r1)} tilbage på Beskæftigelsesministeriets "
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
        text = f"Her ligger det faktiske antal fuldtidspersoner {_level(diff)}"
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
        return " " + _sentence(text)

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
            text = (f"Samlet ligger det faktiske antal fuldtidspersoner på offentlig forsørgelse {_level(d2)} "
                    f"i {period_phrase(last)} mod {_level(d1)} i {period_phrase(first)}.")
            parts = dec.loc[list(GROUPS), "change"].dropna()
            parts = parts[parts != 0].sort_values(key=abs, ascending=False)
            if change != 0 and len(parts):
                word = "faldet" if change < 0 else "steget"
                pieces = [f"{fmt.signed(v)} på {g[0].lower() + g[1:]}" for g, v in parts.items()]
                text += " " + _sentence(f"Forskellen er dermed {word} med {fmt.number(abs(change))} fuldtidspersoner, "
                                        f"fordelt med {_join(pieces)}")
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
            text = (f"Med ca. {_persons(first_up)} færre fuldtidspersoner på offentlig forsørgelse (i forhold til det "
                    f"forventede niveau) ville {name} rykke {move} på ranglisten for {period_phrase(last)}")
            if not pd.isna(up10):
                text += f", og med ca. {_persons(up10)} færre 10 pladser op"
            texts.append(_sentence(text))
        if not pd.isna(down5):
            lead = "Omvendt ville ca." if texts else f"For {name} ville ca."
            texts.append(_sentence(f"{lead} {_persons(down5)} flere fuldtidspersoner koste 5 pladser"))
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


def _place_count(x: float) -> str:
    """A number of places for prose, unsigned: "1 plads", "6 pladser", "12,5 pladser" (Shapley halves)."""
    x = abs(float(x))
    text = fmt.number(x, 0 if float(x).is_integer() else 1)
    return f"{text} plads" if x == 1 else f"{text} pladser"


def places_text(x: float) -> str:
    """A signed number of places for tables: "+25", "-6", "+4,5" (Shapley halves), "0"; missing is "–"."""
    if fmt.is_missing(x):
        return fmt.MISSING
    return fmt.signed(x, 0 if float(x).is_integer() else 1)


def _moved(x: float, up: str = "op", down: str = "ned") -> str:
    return f"{_place_count(x)} {up if x > 0 else down}"


def rank_attribution_sentences(attribution: pd.DataFrame, municipality: str, first: str, last: str) -> list[str]:
    """Danish text for :func:`rank_attribution` (the total ranking): own development, the others', rounding."""
    row = attribution.set_index("benefit_group").loc[TOTAL]
    need = ["rank_first", "rank_last", "own_places", "others_places", "rounding_places"]
    if row[need].isna().any() or first == last:
        return []
    r1, r2 = int(row["rank_first"]), int(row["rank_last"])
    gained, own, others, rounding = (float(row[c]) for c in ("places_gained", "own_places", "others_places",
                                                               "rounding_places"))
    if gained > 0:
        moved = f"rykket {_place_count(gained)} op"
    elif gained < 0:
        moved = f"gået {_place_count(gained)} tilbage"
    else:
        moved = "endt på samme plads"
    text = [f"{municipality} er {moved} på den samlede rangliste, fra plads nr. {r1} i {period_phrase(first)} "
            f"til plads nr. {r2} i {period_phrase(last)}."]
    own_text = ("Kommunens egen udvikling har ikke flyttet placeringen" if own == 0 else
                f"Kommunens egen udvikling har givet {_place_count(own)} op" if own > 0 else
                f"Kommunens egen udvikling har kostet {_place_count(own)}")
    others_text = ("de øvrige kommuners udvikling har ikke flyttet den" if others == 0 else
                   f"de øvrige kommuners udvikling har givet {_place_count(others)} op" if others > 0 else
                   f"de øvrige kommuners udvikling har kostet {_place_count(others)}")
    text.append(f"{own_text}, og {others_text}.")
    if rounding == 0:
        text.append("Afrundingen af de offentliggjorte tal har ikke påvirket ændringen.")
    else:
        text.append(f"Afrundingen står for {_moved(rounding)}: kommuner med samme afrundede forskel er rangeret "
                    "efter ministeriets uafrundede tal, som ikke offentliggøres.")
    own_1, others_1 = float(row["own_places_own_first"]), float(row["others_places_own_first"])
    own_2, others_2 = float(row["own_places_others_first"]), float(row["others_places_others_first"])
    if (own_1, others_1) != (own_2, others_2):
        text.append("Fordelingen er gennemsnittet af de to mulige rækkefølger, så den ikke afhænger af, hvad der regnes "
                    f"først: regnes kommunens egen udvikling først, står den for {_moved(own_1)} og de øvrige kommuners "
                    f"for {_moved(others_1)}; regnes de øvriges udvikling først, står den for {_moved(others_2)} og "
                    f"kommunens egen for {_moved(own_2)}.")
    return text


def rates_note(rates) -> str | None:
    """A Danish note naming the rates that are assumptions (``assumption`` true in the rates file), or None."""
    if not isinstance(rates, pd.DataFrame) or "assumption" not in rates.columns:
        return None
    assumed = rates.loc[rates["assumption"].astype(bool), "benefit_group"].tolist()
    if not assumed:
        return None
    return (f"Taksten for {_join(assumed)} er en **antagelse** (se kilderne ovenfor) og bør erstattes med "
            "kommunens egne tal, før beløbene bruges til beslutninger.")


# --------------------------------------------------------------------------- figures
#
# Figure builders: frames in, a matplotlib Figure out (no files, no display). Every figure has
# Danish labels, the house style of analysis.present.charts, "Kilde: Jobindsats" and, for demo data,
# the demo watermark (charts.finish). Rank axes are inverted: rank 1 at the top.

GOOD_COLOR = "#2e7d32"  # fewer on benefits than expected
BAD_COLOR = "#c0392b"  # more than expected


def _subtitle(ax, text: str) -> None:
    """A grey line under the figure title, as the axes title (so constrained layout makes room for it)."""
    ax.set_title(text, loc="left", fontsize=9.5, fontweight="normal", color="#6e6e6e", pad=8)


def _x_positions(codes: Sequence[str]) -> dict[str, int]:
    return {c: i for i, c in enumerate(codes)}


def _period_ticks(ax, codes: Sequence[str], xlabel: bool = True) -> None:
    """Period labels on a categorical x axis; with many periods only the calendar years are written."""
    labels = [period_tick(c) for c in codes]
    if len(codes) > 6:
        calendar = [periodsmod.parse_period(c).end.month == 12 for c in codes]
        labels = [lab if cal else "" for lab, cal in zip(labels, calendar, strict=True)] if any(calendar) \
            else [lab if (len(codes) - 1 - i) % 2 == 0 else "" for i, lab in enumerate(labels)]
        if xlabel and any(calendar):
            ax.set_xlabel("Punkterne mellem årstallene er året til og med 2. kvt.", fontsize=8, color="#6e6e6e")
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlim(-0.4, len(codes) - 0.6)


def figure_rank_history(history: pd.DataFrame, others: pd.DataFrame, municipality: str, comparison_area: str,
                        source: str, n: int = N_MUNICIPALITIES):
    """Rank over time, one panel per benefit group: the municipality (bold) and the comparison area's others (grey)."""
    import seaborn as sns

    from analysis.present import charts

    codes = list(dict.fromkeys(history["period"]))
    pos = _x_positions(codes)
    fig, axes = charts.new_figure("Placering på benchmarket over tid", nrows=2, ncols=2, figsize=(9.5, 7.0),
                                   sharex=True, sharey=True,
                                   subtitle=f"{municipality} (blå) og de øvrige kommuner {in_area(comparison_area)} "
                                            "(grå). Plads 1 er bedst.")
    for ax, g in zip(axes.flat, ALL_GROUPS, strict=True):
        rest = others[(others["benefit_group"] == g) & (others["area"] != municipality) & others["period"].isin(codes)]
        if len(rest):
            rest = rest.assign(x=rest["period"].map(pos))
            many = rest["area"].nunique() > 30  # e.g. the whole country: thinner, lighter lines
            sns.lineplot(data=rest, x="x", y="rank", units="area", estimator=None, ax=ax, color="#b0b0b0",
                         linewidth=0.5 if many else 0.9, alpha=0.45 if many else 1.0, legend=False,
                         **({"marker": "o", "markersize": 3} if len(codes) < 3 else {}))
        own = history[history["benefit_group"] == g].assign(x=lambda d: d["period"].map(pos))
        ax.plot(own["x"], own["rank"], color=charts.MUNICIPALITY_COLOR, linewidth=2.6, marker="o", markersize=4)
        for x, r in zip(own["x"], own["rank"], strict=True):
            if not pd.isna(r):
                ax.annotate(fmt.number(r), (x, r), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=7.5, color=charts.MUNICIPALITY_COLOR)
        if own["rank"].isna().all():
            ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", va="center", color="#777")
        ax.set_title(GROUP_LABEL_DA[g] if g != TOTAL else "Alle ydelsesgrupper i alt", fontsize=11)
        ax.set_ylim(n + 2, -1)  # inverted: rank 1 at the top
        ax.set_yticks([1, 25, 50, 75, n])
        ax.set_xlabel("")
        ax.set_ylabel("Placering (1 = bedst)")
        _period_ticks(ax, codes, xlabel=any(ax is a for a in axes[-1]))
    charts.finish(fig, source=source)
    return fig


def figure_actual_vs_expected(latest: pd.DataFrame, municipality: str, period: str, source: str):
    """Latest period: actual and expected full-time persons per group (left), difference in pct.-point (right)."""
    import seaborn as sns

    from analysis.present import charts

    rows = latest[latest["benefit_group"].isin(GROUPS)].copy()
    rows["label"] = rows["benefit_group"].map(GROUP_LABEL_DA)
    fig, (left, right) = charts.new_figure(
        f"{municipality}: faktisk og forventet niveau, {period_phrase(period)}", ncols=2, figsize=(9.5, 4.2))
    _subtitle(left, "Fuldtidspersoner")
    _subtitle(right, "Forskel i andel af 16-66-årige (pct.-point)")
    long = rows.melt(id_vars=["label"], value_vars=["actual", "expected"], var_name="kind", value_name="value")
    long["kind"] = long["kind"].map({"actual": "Faktisk", "expected": "Forventet"})
    sns.barplot(data=long, y="label", x="value", hue="kind", ax=left, orient="h",
                palette={"Faktisk": charts.MUNICIPALITY_COLOR, "Forventet": "#9ecae1"})
    left.set_xlabel("Fuldtidspersoner")
    left.set_ylabel("")
    left.legend(title="", loc="upper right")
    charts.number_axis(left, "x")
    left.grid(axis="x")
    left.grid(axis="y", visible=False)
    colors = [GOOD_COLOR if v < 0 else BAD_COLOR for v in rows["difference_pp"].fillna(0)]
    right.barh(rows["label"], rows["difference_pp"], color=colors)
    right.axvline(0, color="#555", linewidth=0.8)
    right.invert_yaxis()
    for y, (pp_, d) in enumerate(zip(rows["difference_pp"], rows["difference"], strict=True)):
        if pd.isna(pp_):
            right.text(0, y, " ingen data", va="center", fontsize=8, color="#777")
            continue
        right.annotate(f"{fmt.signed(pp_, 2)} ({fmt.signed(d)} pers.)", (pp_, y), xytext=(4 if pp_ >= 0 else -4, 0),
                       textcoords="offset points", ha="left" if pp_ >= 0 else "right", va="center", fontsize=8)
    lim = max(0.1, float(rows["difference_pp"].abs().max() or 0)) * 2.6
    right.set_xlim(-lim, lim)
    right.set_xlabel("Pct.-point (grøn = under det forventede niveau)")
    right.set_yticklabels([])
    right.grid(axis="x")
    right.grid(axis="y", visible=False)
    charts.pp_axis(right, "x", decimals=2)
    charts.finish(fig, source=source)
    return fig


def figure_difference_over_time(history: pd.DataFrame, municipality: str, source: str):
    """The gap over time per group: full-time persons (left) and pct.-point of the 16-66 population (right)."""
    from analysis.present import charts

    codes = list(dict.fromkeys(history["period"]))
    pos = _x_positions(codes)
    colors = {TOTAL: "#333333", "A-dagpenge mv.": charts.MUNICIPALITY_COLOR, "Sygedagpenge mv.": charts.COMPARISON_COLOR,
              "Kontanthjælp mv.": "#6a51a3"}
    fig, (left, right) = charts.new_figure(f"{municipality}: faktisk minus forventet niveau over tid", ncols=2,
                                            figsize=(9.5, 4.4))
    _subtitle(left, "Fuldtidspersoner (under nul = færre end forventet)")
    _subtitle(right, "Pct.-point af de 16-66-årige")
    for g in ALL_GROUPS:
        rows = history[history["benefit_group"] == g]
        x = rows["period"].map(pos)
        style = {"color": colors[g], "linewidth": 2.4 if g == TOTAL else 1.8, "linestyle": "--" if g == TOTAL else "-",
                 "marker": "o", "markersize": 3}
        left.plot(x, rows["difference"], label=GROUP_LABEL_DA[g], **style)
        right.plot(x, rows["difference_pp"], label=GROUP_LABEL_DA[g], **style)
    for ax in (left, right):
        ax.axhline(0, color="#555", linewidth=0.8)
        _period_ticks(ax, codes)
    left.set_ylabel("Fuldtidspersoner")
    right.set_ylabel("Pct.-point")
    charts.number_axis(left, "y")
    charts.pp_axis(right, "y", decimals=2)
    left.legend(loc="best", fontsize=8)
    charts.finish(fig, source=source)
    return fig


def figure_gap_waterfall(decomposition: pd.DataFrame, municipality: str, first: str, last: str, source: str):
    """From the total gap in the first period to the latest: each group's contribution (full-time persons)."""
    from analysis.present import charts

    dec = decomposition.set_index("benefit_group")
    steps = [(g, dec.loc[g, "change"]) for g in GROUPS]
    if not pd.isna(dec.loc[RESIDUAL, "change"]) and dec.loc[RESIDUAL, "change"] != 0:
        steps.append((RESIDUAL, dec.loc[RESIDUAL, "change"]))
    start, end = dec.loc[TOTAL, "difference_first"], dec.loc[TOTAL, "difference_last"]
    labels = [
        f"I alt\n{period_tick(first).replace(chr(10), ' ')}",
        *(GROUP_LABEL_DA[g].replace(" mv.", "\nmv.") for g, _ in steps),
        f"I alt\n{period_tick(last).replace(chr(10), ' ')}",
    ]
    fig, ax = charts.new_figure(f"{municipality}: hvad flyttede forskellen til det forventede niveau?", figsize=(9.0, 4.5))
    _subtitle(ax, "Faktisk minus forventet antal fuldtidspersoner i alt og bidraget fra hver ydelsesgruppe")
    level = start
    ax.bar(0, start, color="#777777")
    ax.annotate(fmt.number(start), (0, start), xytext=(0, 3 if start >= 0 else -10), textcoords="offset points",
                ha="center", fontsize=8)
    for i, (g, v) in enumerate(steps, start=1):
        if pd.isna(v):
            ax.text(i, level, "ingen data", ha="center", fontsize=8, color="#777")
            continue
        ax.bar(i, v, bottom=level, color=GOOD_COLOR if v < 0 else BAD_COLOR)
        ax.annotate(fmt.signed(v), (i, max(level, level + v)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        ax.plot([i - 1 + 0.4, i - 0.4], [level, level], color="#999", linewidth=0.8)
        level += v
    k = len(steps) + 1
    ax.bar(k, end, color=charts.MUNICIPALITY_COLOR)
    ax.annotate(fmt.number(end), (k, end), xytext=(0, 3 if end >= 0 else -10), textcoords="offset points",
                ha="center", fontsize=8)
    ax.axhline(0, color="#555", linewidth=0.8)
    levels = [0.0, start, end]
    running = start
    for _, v in steps:
        running += 0 if pd.isna(v) else v
        levels.append(running)
    levels = [v for v in levels if not pd.isna(v)]
    span = (max(levels) - min(levels)) or 1.0
    ax.set_ylim(min(levels) - 0.12 * span, max(levels) + 0.12 * span)
    ax.set_xticks(range(k + 1))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("Fuldtidspersoner (faktisk - forventet)")
    charts.number_axis(ax, "y")
    charts.finish(fig, source=source)
    return fig


def figure_distance(full_ranking: pd.DataFrame, distance: pd.DataFrame, municipality: str, period: str, source: str,
                    window: tuple[int, int] = (12, 8)):
    """The ranking around the municipality (difference in pct.-point by rank) with the places 5 and 10 up and 5 down."""
    from analysis.present import charts

    own = full_ranking[full_ranking["area"] == municipality].iloc[0]
    r = int(own["rank"])
    lo, hi = max(1, r - window[0]), min(int(full_ranking["rank"].max()), r + window[1])
    part = full_ranking[(full_ranking["rank"] >= lo) & (full_ranking["rank"] <= hi)]
    targets = {int(t): k for t, k in zip(distance["target_rank"], distance["places"], strict=True) if not pd.isna(t)}
    fig, ax = charts.new_figure(f"{municipality}: afstand til de nærmeste pladser, {period_phrase(period)}",
                                 figsize=(9.5, 5.0))
    _subtitle(ax, f"Faktisk minus forventet andel (pct.-point) for kommunerne omkring {municipality}; "
                  "orange = 5 og 10 pladser op og 5 ned")
    colors = [charts.MUNICIPALITY_COLOR if a == municipality else ("#e07b39" if int(rk) in targets else "#c9c9c9")
              for a, rk in zip(part["area"], part["rank"], strict=True)]
    ax.bar(part["rank"], part["difference_pp"], color=colors)
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.set_xticks(part["rank"])
    ax.set_xticklabels([f"{int(rk)}. {a}" for rk, a in zip(part["rank"], part["area"], strict=True)], rotation=60,
                       ha="right", fontsize=7.5)
    ymax = float(part["difference_pp"].abs().max() or 0.1)
    for _, row in distance.dropna(subset=["target_rank"]).iterrows():
        k, t = int(row["places"]), int(row["target_rank"])
        verb = "færre" if row["change_fulltime_persons"] < 0 else "flere"
        text = f"{'+' if k > 0 else '-'}{abs(k)} pladser:\nca. {_persons(row['change_fulltime_persons'])} {verb}"
        y = row["target_difference_pp"]
        ax.annotate(text, (t, y), xytext=(0, 14 if y >= 0 else -26), textcoords="offset points", ha="center",
                    fontsize=7.5, color="#a04000", arrowprops={"arrowstyle": "-", "color": "#a04000", "lw": 0.6})
    ax.set_ylim(min(-0.05, float(part["difference_pp"].min())) - ymax * 0.35,
                max(0.05, float(part["difference_pp"].max())) + ymax * 0.35)
    ax.set_xlabel("Placering og kommune")
    ax.set_ylabel("Pct.-point (faktisk - forventet)")
    ax.grid(axis="x", visible=False)
    charts.pp_axis(ax, "y", decimals=2)
    charts.finish(fig, source=source)
    return fig


def figure_potential(pot: pd.DataFrame, municipality: str, period: str, source: str):
    """Each group's gap in kroner a year (negative = a saving against the expected level)."""
    from analysis.present import charts

    rows = pot[(pot["period"] == periodsmod.parse_period(period).code) & pot["benefit_group"].isin(GROUPS)]
    fig, ax = charts.new_figure(f"{municipality}: økonomisk betydning af forskellen, {period_phrase(period)}",
                                 figsize=(8.5, 3.8))
    priced = price_year_label(pot, period) if "price_year" in pot.columns else ""
    _subtitle(ax, "Nettokommunal merudgift (+) eller mindreudgift (-) pr. år i forhold til det forventede niveau"
              + (f", {priced}" if priced else ""))
    labels = [GROUP_LABEL_DA[g] for g in rows["benefit_group"]]
    values = rows["potential_dkk"] / 1e6
    ax.barh(labels, values.fillna(0), color=[GOOD_COLOR if v < 0 else BAD_COLOR for v in values.fillna(0)])
    ax.invert_yaxis()
    ax.axvline(0, color="#555", linewidth=0.8)
    lim = max(1.0, float(values.abs().max() or 0)) * 1.6
    ax.set_xlim(-lim, lim)
    for y, v in enumerate(values):
        if pd.isna(v):
            ax.text(0, y, "  ingen takst eller ingen data", va="center", fontsize=8, color="#777")
        else:
            ax.annotate(fmt.kroner(v * 1e6), (v, y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=8)
    ax.set_xlabel("Mio. kr. pr. år (grøn = mindreudgift)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    charts.number_axis(ax, "x", decimals=0)
    charts.finish(fig, source=source)
    return fig


def figure_full_ranking(full_ranking: pd.DataFrame, municipality: str, members: Sequence[str], comparison_area: str,
                        period: str, source: str):
    """All municipalities by published rank (bars: difference in pct.-point); the municipality and its area highlighted."""
    from analysis.present import charts

    rows = full_ranking.dropna(subset=["rank"])
    highlight = set(members) if comparison_area != geography.COUNTRY else set()
    colors = [charts.MUNICIPALITY_COLOR if a == municipality else (charts.COMPARISON_COLOR if a in highlight else "#cfcfcf")
              for a in rows["area"]]
    fig, ax = charts.new_figure(f"Hele ranglisten, {period_phrase(period)}", figsize=(10.0, 4.8))
    others = ("de øvrige kommuner (grå)" if comparison_area == geography.COUNTRY
              else f"de øvrige kommuner {in_area(comparison_area)} (orange), resten af landet (grå)")
    _subtitle(ax, f"{municipality} (blå), {others}; til venstre de bedste")
    ax.bar(rows["rank"], rows["difference_pp"], color=colors, width=0.85)
    ax.axhline(0, color="#555", linewidth=0.8)
    own = rows[rows["area"] == municipality]
    if len(own):
        x, y = float(own["rank"].iloc[0]), float(own["difference_pp"].iloc[0])
        ax.annotate(f"{municipality}\nnr. {int(x)}", (x, y), xytext=(0, 30 if y >= 0 else -36), textcoords="offset points",
                    ha="center", fontsize=9, color=charts.MUNICIPALITY_COLOR, fontweight="bold",
                    arrowprops={"arrowstyle": "-", "color": charts.MUNICIPALITY_COLOR, "lw": 0.8})
    ax.set_xlim(0, float(rows["rank"].max()) + 1)
    ax.set_xticks([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, int(rows["rank"].max())])
    ax.set_xlabel("Placering (1 = bedst)")
    ax.set_ylabel("Pct.-point (faktisk - forventet)")
    ax.grid(axis="x", visible=False)
    charts.pp_axis(ax, "y", decimals=1)
    charts.finish(fig, source=source)
    return fig
