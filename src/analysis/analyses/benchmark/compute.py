"""The ministry's benchmark of the jobcentres (Jobindsats Y30R21), the numbers: rank, actual against
expected, what moved the rank, distance to the next places, economic potential.

The analysis functions are pure: the tidy Y30R21 frame (as :func:`analysis.data.load.load_table` or
:func:`analysis.sources.jobindsats.reader.read_raw_file` returns it) goes in, frames (or Danish text) come out.
The Danish sentences are in :mod:`~analysis.analyses.benchmark.sentences`, the report tables'
headings and display frames in :mod:`~analysis.analyses.benchmark.display`, the figures in
:mod:`~analysis.analyses.benchmark.figures`; the notebook ``benchmark_ranking`` shows them.

Main entry points: :func:`check` (resolve parameters, Danish warnings), :func:`rank_history`,
:func:`comparison_ranks`, :func:`comparison_table`, :func:`ranking`, :func:`gap_decomposition`,
:func:`rank_attribution` (own development, the others', rounding: a Shapley split that does not
depend on the order of the steps), :func:`distance_to_places`, :func:`potential` (rates per price
year from :mod:`analysis.analyses.benchmark.rates`, ``config/rates.yaml``, in kroner).

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

from analysis.analyses.benchmark import rates as rates_mod
from analysis.analyses.benchmark.phrases import join_da, period_phrase, places_phrase
from analysis.core.errors import InputError, ParameterError
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
GROUP_SHORT = {"A-dagpenge mv.": "a_dagpenge", "Sygedagpenge mv.": "sygedagpenge", "Kontanthjælp mv.": "kontanthjaelp"}


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


def municipality_name(name: str) -> str:
    """The canonical name of a municipality given by name or kommunekode."""
    return geography.municipality(name).name


def benchmark_period(code: str, available: Sequence[str], what: str = "period") -> str:
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
    name = municipality_name(municipality)
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
        last = benchmark_period(period, available)
        if last not in ranked:
            raise ParameterError(
                f"{name} has no total rank in {last} in the {TABLE} data; periods in which it is ranked: {', '.join(ranked)}"
            )
    else:
        last = ranked[-1]
        if last != available[-1]:
            warnings.append(
                f"{name} mangler i den seneste måling ({period_phrase(available[-1])}). Analysen bruger derfor den seneste "
                f"periode med en placering for kommunen: {period_phrase(last)}."
            )
    used = [p for p in available if periodsmod.parse_period(p).end <= periodsmod.parse_period(last).end]

    if str(first_period or "").strip():
        first = benchmark_period(first_period, available, "first_period")
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
            f"Der er kun én periode med data for {name} ({period_phrase(last)}); udviklingen over tid og ændringen i "
            "placeringen kan ikke vises."
        )

    # The municipality missing in some periods.
    absent = [p for p in used if p not in ranked]
    if absent:
        warnings.append(
            f"{name} har ingen samlet placering i benchmarket for {join_da([period_phrase(p) for p in absent])}. "
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
                f"For {name} mangler der tal for {g} i {join_da([period_phrase(p) for p in gaps])} (udeladt eller "
                "diskretioneret i kilden). De vises som tomme felter, ikke som nul."
            )
    # Incomplete rankings.
    counts = w[(w["benefit_group"] == TOTAL) & w["rank"].notna() & w["period"].isin(used)].groupby("period")["area"].nunique()
    short = [p for p in used if counts.get(p, 0) < N_MUNICIPALITIES]
    if short:
        warnings.append(
            "Ranglisten er ufuldstændig for "
            + join_da([f"{period_phrase(p)} ({counts.get(p, 0)} af {N_MUNICIPALITIES} kommuner)" for p in short])
            + ". Placeringerne er de offentliggjorte."
        )
    if rates is not None:
        lacking = [g for g in rates_mod.missing_groups(rates) if g in present_groups]
        if lacking:
            warnings.append(
                f"Der er ingen nettokommunal udgift pr. fuldtidsperson for {join_da(lacking)} i satsfilen. "
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
    name = municipality_name(municipality)
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
    names = geography.members(areas) if isinstance(areas, str) else [municipality_name(a) for a in areas]
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
    code = benchmark_period(period, data_periods(y30))
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
    names = geography.members(areas) if isinstance(areas, str) else [municipality_name(a) for a in areas]
    w = wide(y30)
    code = benchmark_period(period, data_periods(y30))
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
    code = benchmark_period(period, data_periods(y30))
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
    a, b = benchmark_period(first, available, "first_period"), benchmark_period(last, available)
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
    name = municipality_name(municipality)
    available = data_periods(w)
    a, b = benchmark_period(first, available, "first_period"), benchmark_period(last, available)
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
    name = municipality_name(municipality)
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
                           else f"Kommunen er nr. {r}; der er kun {places_phrase(r - 1)} over den.")
        elif target > n:
            row["note"] = (f"Kommunen er sidst (nr. {r}) og kan ikke rykke ned." if r == n
                           else f"Kommunen er nr. {r} af {n}; der er kun {places_phrase(n - r)} under den.")
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

    ``rates`` is a frame from :func:`analysis.analyses.benchmark.rates.load_rates` (rates per price year) or a
    mapping ``{group: kroner}`` (no price year), net municipal cost per full-time person per
    year. ``period`` is one period, a list, or None for all periods. A negative potential is a
    saving (fewer on benefits than expected).

    Each period uses the rates of the year it ends in (:func:`period_year`), or those of the
    nearest year with a rate (:func:`analysis.analyses.benchmark.rates.rates_for_year`): ``price_year`` is the year
    of the rate used (empty when the rate has no year), ``nearest_year`` is True when that is not
    the period's own year, ``rate_source`` is where the rate comes from.

    Rows per period: the three groups, then ``Ydelsesgrupper i alt`` whose potential is the sum
    of the groups' (its rate_dkk is empty: there is no single rate, and its difference is the
    published total; its price_year is the groups' common price year, empty when they differ).
    A group without a rate or without data has an empty rate/potential, and then the total is
    empty too - never a partial sum and never 0.
    """
    y30 = wide(y30)  # once; the steps below reuse it
    name = municipality_name(municipality)
    available = data_periods(y30)
    if period is None:
        codes = available
    elif isinstance(period, str):
        codes = [benchmark_period(period, available)]
    else:
        codes = [benchmark_period(p, available) for p in period]
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
