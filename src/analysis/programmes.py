"""Company-based programmes (virksomhedsrettede tilbud) from Jobindsats and Jobnet: notebook ``business_programs``.

What the status report says about the company-based effort, recomputed for any municipality:

- **volume** (:func:`volume`, :func:`volume_summary`, :func:`completed_per_recipients`): the share of each
  target group's recipients in a company-based programme (PTVC01 ``activation_pct``), against the
  comparison area and Hele landet, and completed company-based spells (Y14D03) per 100 recipients a year;
- **private or public** (:func:`sector_split`): the share of company-based programmes in private
  companies per target group (PTVC01 by ``sector``), summed over the last twelve months;
- **employment afterwards** (:func:`employment_after`, :func:`compare_with_country`): the share employed
  six months after a completed company-based spell (Y14D03) by programme and target group, with a
  95 % Wilson interval from the number of completed spells (``statsmodels`` ``proportion_confint``)
  and a two-proportion z-test (``proportions_ztest``) of the municipality against the rest of the
  country (Hele landet minus the municipality, so the two samples are independent). The
  difference shown is to the rest of the country too. The comparison runs up to 30 tests on one
  page (5 programme rows x 6 target groups), so the p-values are **Holm-adjusted** over all the
  tests of the comparison (``p_holm``, :func:`analysis.multiple_testing.holm`), and the verdict (and the
  word "signifikant") follows the adjusted p-value; both are published;
- **ordinary paid hours** (:func:`paid_hours`): the share of aktivitetsparate recipients with ordinary
  paid hours (OTIJ01) over time;
- **job orders** (:func:`placement`): the placement rate (formidlingsgrad) per quarter for every jobcentre
  in the comparison area and the municipality's place among them (1 = highest).

Rules for small numbers
-----------------------
- a cell built from fewer than ``min_count`` (5) completed spells or persons is suppressed: its values
  are missing and it is marked (``suppressed``), see :func:`analysis.disclosure.suppress_small`;
- an employment share of 0 % or 100 % of fewer than 10 completed spells is suppressed with its
  interval (it would tell the outcome of every participant; ``share_suppressed``), see
  :func:`analysis.disclosure.extreme_shares`;
- the employment share's difference from the rest of the country is only tested when the
  municipality has at least :data:`MIN_FOR_TEST` completed spells and the normal approximation holds
  (at least 5 expected employed and 5 not employed in both groups); otherwise the verdict says
  "For få forløb til at sige noget".

Y14D03 publishes the employment share rounded; the number employed is recovered as
``round(share x completed)``, which is exact for the counts the demo and the source publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.disclosure import MIN_COUNT, MIN_GROUP_FOR_EXTREMES, extreme_shares, suppress_small
from analysis.effects import quiet
from analysis.multiple_testing import holm
from analysis.present import formats as fmt
from analysis.reference import geography, periods

NOTEBOOK = "business_programs"

TG_TOTAL = "Målgrupper i alt"
COMPANY_TOTAL = "Virksomhedsrettede tilbud i alt"
SECTOR_TOTAL = "Sektorer i alt"
TARGET_GROUPS = (
    "A-dagpenge",
    "Sygedagpenge",
    "Kontanthjælp, jobparat",
    "Kontanthjælp, aktivitetsparat",
    "Ressourceforløb",
)
Y14_PROGRAMMES = ("Privat virksomhedspraktik", "Offentlig virksomhedspraktik", "Privat løntilskud", "Offentlig løntilskud")
AKTIVITETSPARAT = "Kontanthjælp, aktivitetsparat"
MIN_FOR_TEST = 20
ALPHA = 0.05

SOURCE_JOBINDSATS = "Kilde: Jobindsats"
SOURCE_JOBAG = "Kilde: Jobnet for Arbejdsgivere (JobAG)"
SOURCE_LOCAL = "Kilde: Jobcentrets eget udtræk"

VERDICT_SUPPRESSED = f"Diskretioneret (under {MIN_COUNT} forløb)"
VERDICT_SUPPRESSED_SHARE = "Diskretioneret"  # 0 % or 100 % of under 10: the reason is not shown, it would tell
VERDICT_TOO_FEW = "For få forløb til at sige noget"
VERDICT_HIGHER = "Højere end resten af landet"
VERDICT_LOWER = "Lavere end resten af landet"
VERDICT_SAME = "Ingen sikker forskel"
VERDICT_NO_DATA = "Ingen data"

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


# --------------------------------------------------------------------------- set-up


@dataclass
class Setup:
    """The municipality, its comparison area and the period of each table the notebook shows."""

    municipality: str
    comparison_area: str
    month: str  # PTVC01 / OTIJ01
    qmat: str  # Y14D03
    quarter: str  # JOBORDRER
    tables: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def areas(self) -> list[str]:
        return list(dict.fromkeys([self.municipality, self.comparison_area, geography.COUNTRY]))


_LAG_DAYS = {"M": 92, "Q": 92, "QMAT": 183}  # how far a table's latest period may lie before the asked one


def period_until(table: str, period: str, source: str = "") -> str:
    """The table's latest period ending on or before ``period`` ("" = the table's latest).

    Raises ParameterError when the table has nothing that early, or when ``period`` lies clearly after
    the table's latest period (a report must not silently show older figures as the asked period).
    """
    codes = load.available_periods(table, source)
    if not period:
        return codes[-1]
    asked = periods.parse_period(period)
    ends = {c: periods.parse_period(c).end for c in codes}
    kind = periods.parse_period(codes[-1]).kind
    if (asked.end - ends[codes[-1]]).days > _LAG_DAYS[kind]:
        raise ParameterError(f"period {period!r}: table {table} has no data that recent; its latest period is {codes[-1]}")
    ok = [c for c in codes if ends[c] <= asked.end]
    if not ok:
        raise ParameterError(f"period {period!r}: table {table} has no data that early; its first period is {codes[0]}")
    return ok[-1]


def setup(municipality: str, period: str = "", comparison_area: str = "", source: str = "") -> Setup:
    """Check the parameters and find each table's period; raises ParameterError with a clear message."""
    name = geography.municipality(municipality).name
    area = geography.comparison_area(name, comparison_area or None)
    s = Setup(name, area, month=period_until("PTVC01", period, source), qmat=period_until("Y14D03", period, source),
              quarter=period_until("JOBORDRER", period, source))
    s.tables = {"PTVC01": s.month, "Y14D03": s.qmat, "JOBORDRER": s.quarter}
    try:
        s.tables["OTIJ01"] = period_until("OTIJ01", period, source)
    except ParameterError as exc:
        s.warnings.append(f"Der er ingen tal for ordinære løntimer (OTIJ01) for perioden: {exc}")
    present = set(load.load_table("PTVC01", source, measures="activation_pct", periods=s.month)["area"])
    if area not in present:
        s.warnings.append(f"Jobindsats har ingen samlede tal for {area}; sammenligningen sker med Hele landet.")
    return s


def _months_back(month: str, n: int) -> list[str]:
    return [periods.shift(month, -i) for i in range(n - 1, -1, -1)]


def _period_ends(codes: pd.Series) -> pd.Series:
    return codes.map({c: periods.parse_period(c).end for c in codes.unique()}).astype("datetime64[ns]")


def _present(frame: pd.DataFrame, areas: list[str]) -> list[str]:
    have = set(frame["area"])
    return [a for a in areas if a in have]


# --------------------------------------------------------------------------- 1. volume


def volume(setup: Setup, source: str = "") -> pd.DataFrame:
    """Share of recipients in a company-based programme, per area, month and target group (all months up to the set-up's).

    Columns: area, period, period_end, target_group, activation_pct.
    """
    rows = load.load_table("PTVC01", source, areas=setup.areas, measures="activation_pct",
                           programme=COMPANY_TOTAL, sector=SECTOR_TOTAL)
    rows = rows[rows["period_end"] <= periods.parse_period(setup.month).end]
    out = rows[["area", "period", "period_end", "target_group", "value"]].rename(columns={"value": "activation_pct"})
    return out.sort_values(["target_group", "area", "period"]).reset_index(drop=True)


def volume_summary(vol: pd.DataFrame, setup: Setup, months: int = 12) -> pd.DataFrame:
    """Mean share over the last ``months`` months and the same months a year before, per target group.

    Columns: target_group, then per area ``<area>`` (last 12 months) and the municipality's
    ``before`` (the year before), ``diff_comparison`` and ``diff_country`` (pct.-point).
    """
    last = _months_back(setup.month, months)
    before = _months_back(periods.shift(setup.month, -12), months)
    order = [TG_TOTAL, *TARGET_GROUPS]
    now = vol[vol["period"].isin(last)].groupby(["target_group", "area"])["activation_pct"].mean().unstack("area")
    prev = vol[(vol["area"] == setup.municipality) & vol["period"].isin(before)].groupby("target_group")["activation_pct"].mean()
    out = now.reindex(index=order, columns=setup.areas)
    out["before"] = prev.reindex(order)
    m = out[setup.municipality]
    out["diff_comparison"] = m - out[setup.comparison_area] if setup.comparison_area != geography.COUNTRY else np.nan
    out["diff_country"] = m - out[geography.COUNTRY]
    out.index.name = "target_group"
    out.columns.name = None
    return out.reset_index()


def completed_per_recipients(setup: Setup, source: str = "") -> pd.DataFrame:
    """Completed company-based spells (Y14D03, the rolling year) per 100 recipients (mean per month, from PTVC01).

    The number of recipients is recovered as activated persons / activation_pct x 100 for the
    programme and sector totals (rounded inputs: an approximation, shown with no decimals).
    Columns: area, target_group, completed, recipients, per_100_recipients.
    """
    y14 = load.load_table("Y14D03", source, areas=setup.areas, measures="completed", periods=setup.qmat,
                          programme=COMPANY_TOTAL)
    q = periods.parse_period(setup.qmat)
    months = [m for m in periods.month_range(f"{q.start.year}M{q.start.month:02d}", f"{q.end.year}M{q.end.month:02d}")]
    ptv = load.load_table("PTVC01", source, areas=setup.areas, measures=["activated_persons", "activation_pct"],
                          periods=months, programme=COMPANY_TOTAL, sector=SECTOR_TOTAL)
    wide = ptv.pivot_table(index=["area", "period", "target_group"], columns="measure", values="value").reset_index()
    wide["recipients"] = wide["activated_persons"] / wide["activation_pct"] * 100
    recipients = wide.groupby(["area", "target_group"])["recipients"].mean()
    out = y14[["area", "target_group", "value"]].rename(columns={"value": "completed"})
    out["recipients"] = out.set_index(["area", "target_group"]).index.map(recipients)
    out["per_100_recipients"] = 100 * out["completed"] / out["recipients"]
    out = suppress_small(out, "completed", MIN_COUNT, value_cols=["completed", "per_100_recipients"])
    order = {g: i for i, g in enumerate([TG_TOTAL, *TARGET_GROUPS])}
    out = out.sort_values(["target_group", "area"], key=lambda s: s.map(order) if s.name == "target_group"
                          else s.map({a: i for i, a in enumerate(setup.areas)}))
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- 2. private or public


def sector_split(setup: Setup, source: str = "", months: int = 12, *, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Private and public company-based programmes per area and target group over the last ``months`` months.

    Monthly counts of activated persons are summed (person-months) over the months where both the
    private and the public cell are published; the private share is private / (private + public).
    A total under ``min_count`` person-months is suppressed. Columns: area, target_group,
    private_persons, public_persons, private_share_pct, months, suppressed; plus ``period``
    (the last month of the twelve: the set-up's month, and for the municipality also the month a year before).
    """
    frames = []
    year_before = periods.shift(setup.month, -12)
    for end in (setup.month, year_before):
        codes = _months_back(end, months)
        rows = load.load_table("PTVC01", source, areas=setup.areas, measures="activated_persons", periods=codes,
                               programme=COMPANY_TOTAL, sector=["Privat", "Offentlig"])
        if end == year_before:
            rows = rows[rows["area"] == setup.municipality]
        wide = rows.pivot_table(index=["area", "target_group", "period"], columns="sector", values="value",
                                dropna=False).reindex(columns=["Privat", "Offentlig"])
        wide = wide.dropna()
        g = wide.groupby(level=["area", "target_group"])
        out = pd.DataFrame({"private_persons": g["Privat"].sum(), "public_persons": g["Offentlig"].sum(),
                            "months": g.size()}).reset_index()
        out["total"] = out["private_persons"] + out["public_persons"]
        out["private_share_pct"] = 100 * out["private_persons"] / out["total"]
        out["period"] = end
        frames.append(out)
    out = pd.concat(frames, ignore_index=True)
    # Every area x target group appears, also without data.
    grid = pd.MultiIndex.from_product([setup.areas, [TG_TOTAL, *TARGET_GROUPS]], names=["area", "target_group"])
    last = out[out["period"] == setup.month].set_index(["area", "target_group"]).reindex(grid).reset_index()
    last["period"] = setup.month
    prev = out[out["period"] == year_before]
    out = pd.concat([last, prev], ignore_index=True)
    out["months"] = out["months"].fillna(0).astype(int)
    out = suppress_small(out, "total", min_count, value_cols=["private_persons", "public_persons", "private_share_pct"])
    return out.drop(columns="total")[["area", "target_group", "period", "private_persons", "public_persons",
                                      "private_share_pct", "months", "suppressed"]]


# --------------------------------------------------------------------------- 3. employment afterwards


def wilson_interval(employed, completed, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson interval (in pct.) for employed / completed; NaN where completed is 0 or missing.

    The Wilson interval always contains the share in exact arithmetic; in floating point its
    bound at 0 % comes out as 2.8e-15 (and at 100 % just below 100), so the bounds are clipped
    to the share itself: ``low <= 100 * employed / completed <= high`` holds exactly.
    """
    from statsmodels.stats.proportion import proportion_confint

    k = np.asarray(employed, dtype=float)
    n = np.asarray(completed, dtype=float)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if ok.any():
        with quiet():
            lo, hi = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
        share = 100 * k[ok] / n[ok]
        low[ok] = np.minimum(100 * np.asarray(lo), share)
        high[ok] = np.maximum(100 * np.asarray(hi), share)
    return low, high


def two_proportion_test(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float]:
    """Two-sided z-test of k1/n1 = k2/n2 with pooled variance (statsmodels ``proportions_ztest``): (z, p)."""
    from statsmodels.stats.proportion import proportions_ztest

    with quiet():
        z, p = proportions_ztest(np.array([k1, k2], dtype=float), np.array([n1, n2], dtype=float))
    return float(z), float(p)


def employment_after(setup: Setup, source: str = "", *, areas: list[str] | None = None,
                     min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Employment six months after completed company-based spells (Y14D03), every rolling year up to the set-up's.

    Columns: area, period, programme, target_group, completed, employed (derived), employed_share
    (pct.), ci_low, ci_high (95 % Wilson, pct.), suppressed (fewer than ``min_count`` completed spells),
    share_suppressed (a share of 0 % or 100 % of fewer than 10 completed spells: the share, the
    number employed and the interval are missing, the number of spells is kept).
    Areas: the municipality and Hele landet unless given.

    The interval is around the published (rounded) share: it is computed from the recovered
    count and then widened, if need be, to contain the published share, so that
    ``ci_low <= employed_share <= ci_high`` always holds.
    """
    areas = areas or [setup.municipality, geography.COUNTRY]
    rows = load.load_table("Y14D03", source, areas=areas, measures=["completed", "employed_share_pct"])
    rows = rows[rows["period_end"] <= periods.parse_period(setup.qmat).end]
    wide = rows.pivot_table(index=["area", "period", "programme", "target_group"], columns="measure", values="value",
                            dropna=False).reindex(columns=["completed", "employed_share_pct"]).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"employed_share_pct": "employed_share"})
    wide["employed"] = np.round(wide["employed_share"] / 100 * wide["completed"])
    low, high = wilson_interval(wide["employed"], wide["completed"])
    wide["ci_low"] = np.fmin(low, wide["employed_share"].where(np.isfinite(low)))
    wide["ci_high"] = np.fmax(high, wide["employed_share"].where(np.isfinite(high)))
    extreme = extreme_shares(wide["employed_share"], wide["completed"], MIN_GROUP_FOR_EXTREMES)
    wide = suppress_small(wide, "completed", min_count, value_cols=["completed", "employed", "employed_share", "ci_low", "ci_high"])
    wide["share_suppressed"] = extreme & ~wide["suppressed"].to_numpy()
    wide.loc[wide["share_suppressed"], ["employed", "employed_share", "ci_low", "ci_high"]] = np.nan
    order_p = {p: i for i, p in enumerate([COMPANY_TOTAL, *Y14_PROGRAMMES])}
    order_g = {g: i for i, g in enumerate([TG_TOTAL, *TARGET_GROUPS])}
    order_a = {a: i for i, a in enumerate(areas)}
    wide = wide.sort_values(["area", "period", "programme", "target_group"],
                            key=lambda s: s.map({"area": order_a, "programme": order_p, "target_group": order_g}.get(s.name, {}))
                            if s.name != "period" else s)
    return wide[["area", "period", "programme", "target_group", "completed", "employed", "employed_share", "ci_low",
                 "ci_high", "suppressed", "share_suppressed"]].reset_index(drop=True)


def compare_with_country(after: pd.DataFrame, setup: Setup, period: str | None = None, *,
                         min_for_test: int = MIN_FOR_TEST, alpha: float = ALPHA) -> pd.DataFrame:
    """The municipality against the rest of the country in one rolling year: shares, intervals, difference, z-tests.

    The test compares the municipality with the **rest of the country** (Hele landet minus the
    municipality), so the two samples are independent, and ``difference_pp`` is the
    municipality's share minus the rest of the country's (``rest_share``). All tests of the
    comparison (every programme x target group with a test) are Holm-adjusted together:
    ``p_value`` is the raw, ``p_holm`` the adjusted p-value, and ``verdict`` (Danish: suppressed,
    too few to say, higher, lower, or no certain difference) follows ``p_holm`` at ``alpha``.
    Columns: programme, target_group, completed, municipality_share, ci_low, ci_high,
    country_completed, country_share, country_ci_low, country_ci_high, rest_completed,
    rest_share, difference_pp, z, p_value, p_holm, verdict, suppressed, share_suppressed.
    """
    period = period or setup.qmat
    cur = after[after["period"] == period]
    mun = cur[cur["area"] == setup.municipality].set_index(["programme", "target_group"])
    nat = cur[cur["area"] == geography.COUNTRY].set_index(["programme", "target_group"])
    keys = pd.MultiIndex.from_product([[COMPANY_TOTAL, *Y14_PROGRAMMES], [TG_TOTAL, *TARGET_GROUPS]],
                                      names=["programme", "target_group"])
    rows = []
    for key in keys:
        m = mun.loc[key] if key in mun.index else None
        c = nat.loc[key] if key in nat.index else None
        row = {"programme": key[0], "target_group": key[1], "completed": np.nan, "municipality_share": np.nan,
               "ci_low": np.nan, "ci_high": np.nan, "country_completed": np.nan, "country_share": np.nan,
               "country_ci_low": np.nan, "country_ci_high": np.nan, "rest_completed": np.nan, "rest_share": np.nan,
               "difference_pp": np.nan, "z": np.nan, "p_value": np.nan, "p_holm": np.nan, "verdict": VERDICT_NO_DATA,
               "suppressed": False, "share_suppressed": False}
        if c is not None:
            row.update(country_completed=c["completed"], country_share=c["employed_share"], country_ci_low=c["ci_low"],
                       country_ci_high=c["ci_high"])
        if m is not None:
            row.update(completed=m["completed"], municipality_share=m["employed_share"], ci_low=m["ci_low"],
                       ci_high=m["ci_high"], suppressed=bool(m["suppressed"]),
                       share_suppressed=bool(m.get("share_suppressed", False)))
        if m is not None and c is not None:
            n_rest, k_rest = c["completed"] - m["completed"], c["employed"] - m["employed"]
            if np.isfinite(n_rest) and np.isfinite(k_rest) and n_rest > 0 and 0 <= k_rest <= n_rest:
                row.update(rest_completed=n_rest, rest_share=100 * k_rest / n_rest)
        row["difference_pp"] = row["municipality_share"] - row["rest_share"]
        row["verdict"] = _test(row, m, c, min_for_test)
        rows.append(row)
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna()
    out["p_holm"] = holm(out["p_value"])
    higher = out["difference_pp"] > 0
    out.loc[tested, "verdict"] = np.where(out.loc[tested, "p_holm"] >= alpha, VERDICT_SAME,
                                          np.where(higher[tested], VERDICT_HIGHER, VERDICT_LOWER))
    return out


def _test(row: dict, m, c, min_for_test: int) -> str:
    """Run the z-test when it can be run (z and p_value into ``row``); otherwise the verdict that says why not."""
    if m is None or c is None:
        return VERDICT_NO_DATA
    if row["suppressed"]:
        return VERDICT_SUPPRESSED
    if row["share_suppressed"]:
        return VERDICT_SUPPRESSED_SHARE
    n1, k1 = m["completed"], m["employed"]
    n_all, k_all = c["completed"], c["employed"]
    if not all(np.isfinite([n1, k1, n_all, k_all])) or n1 <= 0:
        return VERDICT_NO_DATA
    n2, k2 = n_all - n1, k_all - k1  # the rest of the country
    if n1 < min_for_test or n2 < min_for_test or k2 < 0:
        return VERDICT_TOO_FEW
    pooled = (k1 + k2) / (n1 + n2)
    if min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)) < 5:
        return VERDICT_TOO_FEW
    z, p = two_proportion_test(k1, n1, k2, n2)
    row["z"], row["p_value"] = z, p
    return VERDICT_SAME  # replaced after the Holm adjustment


def tests_summary(compare: pd.DataFrame, alpha: float = ALPHA) -> dict[str, int]:
    """How many tests the comparison ran, how many were below ``alpha`` unadjusted and after the Holm adjustment."""
    tested = compare["p_value"].notna()
    return {"tests": int(tested.sum()), "raw": int((compare.loc[tested, "p_value"] < alpha).sum()),
            "adjusted": int((compare.loc[tested, "p_holm"] < alpha).sum())}


# --------------------------------------------------------------------------- 4. ordinary paid hours


def paid_hours(setup: Setup, source: str = "", target_group: str = AKTIVITETSPARAT) -> pd.DataFrame:
    """Share of a target group's recipients with ordinary paid hours (OTIJ01) per area and month, up to the set-up's.

    Columns: area, period, period_end, share_with_hours_pct, persons_with_hours. Empty when OTIJ01 is missing.
    """
    month = setup.tables.get("OTIJ01")
    if not month:
        return pd.DataFrame(columns=["area", "period", "period_end", "share_with_hours_pct", "persons_with_hours"])
    rows = load.load_table("OTIJ01", source, areas=setup.areas, measures=["share_with_hours_pct", "persons_with_hours"],
                           target_group=target_group)
    rows = rows[rows["period_end"] <= periods.parse_period(month).end]
    wide = rows.pivot_table(index=["area", "period"], columns="measure", values="value", dropna=False)
    wide = wide.reindex(columns=["share_with_hours_pct", "persons_with_hours"]).reset_index()
    wide.columns.name = None
    wide.insert(2, "period_end", _period_ends(wide["period"]))
    return wide.sort_values(["area", "period"]).reset_index(drop=True)


def paid_hours_summary(hours: pd.DataFrame, setup: Setup) -> pd.DataFrame:
    """Latest month, the same month a year before and the change (pct.-point), per area."""
    month = setup.tables.get("OTIJ01")
    rows = []
    for area in setup.areas:
        own = hours[hours["area"] == area].set_index("period")["share_with_hours_pct"]
        if own.empty:
            continue
        now, before = own.get(month, np.nan), own.get(periods.shift(month, -12), np.nan)
        rows.append({"area": area, "latest": now, "year_before": before, "change_pp": now - before})
    return pd.DataFrame(rows, columns=["area", "latest", "year_before", "change_pp"])


# --------------------------------------------------------------------------- 5. job orders


def placement(setup: Setup, source: str = "", quarters: int = 8) -> pd.DataFrame:
    """Placement rate per quarter for every jobcentre in the comparison area (and the area itself), with ranks.

    ``rank`` is the place among the area's jobcentres with a published rate that quarter (1 = the
    highest placement rate; ties share the better place), ``ranked`` how many had one. The last
    ``quarters`` quarters up to the set-up's. Columns: area, period, period_end, placement_rate_pct,
    orders, rank, ranked, is_member.
    """
    members = geography.members(setup.comparison_area)
    if setup.municipality not in members:  # cannot happen through setup(); keep the municipality anyway
        members = [setup.municipality, *members]
    codes = [periods.shift(setup.quarter, -i) for i in range(quarters - 1, -1, -1)]
    rows = load.load_table("JOBORDRER", source, areas=list(dict.fromkeys([*members, setup.comparison_area])),
                           measures=["placement_rate_pct", "orders"], periods=codes)
    wide = rows.pivot_table(index=["area", "period"], columns="measure", values="value", dropna=False)
    wide = wide.reindex(columns=["placement_rate_pct", "orders"]).reset_index()
    wide.columns.name = None
    wide.insert(2, "period_end", _period_ends(wide["period"]))
    wide["is_member"] = wide["area"].isin(members)
    mem = wide[wide["is_member"]]
    wide["rank"] = mem.groupby("period")["placement_rate_pct"].rank(ascending=False, method="min")
    wide["ranked"] = wide["period"].map(mem.dropna(subset=["placement_rate_pct"]).groupby("period").size())
    wide.loc[~wide["is_member"], ["rank", "ranked"]] = np.nan
    return wide.sort_values(["period", "rank"], na_position="last").reset_index(drop=True)


def placement_table(place: pd.DataFrame, setup: Setup) -> pd.DataFrame:
    """Per quarter: the municipality's placement rate, its place, the area's best and median jobcentre."""
    rows = []
    for code, g in place.groupby("period", sort=True):
        mem = g[g["is_member"]]
        own = mem[mem["area"] == setup.municipality]
        area_row = g[(g["area"] == setup.comparison_area) & ~g["is_member"]]
        best = mem.loc[mem["placement_rate_pct"].idxmax()] if mem["placement_rate_pct"].notna().any() else None
        rows.append({
            "period": code,
            "placement_rate_pct": own["placement_rate_pct"].iloc[0] if len(own) else np.nan,
            "rank": own["rank"].iloc[0] if len(own) else np.nan,
            "ranked": own["ranked"].iloc[0] if len(own) else np.nan,
            "area_rate_pct": area_row["placement_rate_pct"].iloc[0] if len(area_row) else np.nan,
            "median_pct": mem["placement_rate_pct"].median(),
            "best_area": best["area"] if best is not None else None,
            "best_pct": best["placement_rate_pct"] if best is not None else np.nan,
        })
    return pd.DataFrame(rows)


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


# --------------------------------------------------------------------------- figures


def _month_x(frame: pd.DataFrame) -> pd.DataFrame:
    """Plot months at their first day, so the year ticks (1 January) line up with the data."""
    return frame.assign(x=pd.to_datetime(frame["period_end"]).dt.to_period("M").dt.start_time)


def _style_month_axis(ax) -> None:
    import matplotlib.dates as mdates

    from analysis.present import charts

    ax.xaxis.set_major_locator(mdates.YearLocator())
    charts.date_axis(ax, "year")
    ax.margins(x=0.01)
    ax.set_xlabel("")


def _percent_ticks(ax, which: str = "y") -> None:
    """Whole-percent ticks at 1, 2, 5 or 10 steps (never 2,5 rounded to 3)."""
    from matplotlib.ticker import MaxNLocator

    from analysis.present import charts

    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    charts.percent_axis(ax, which)


def titled_figure(title: str, subtitle: str | None = None, *, figsize=(8.5, 4.6)):
    """A one-panel figure in the house style with a grey subtitle above the plot (never overlapping the title)."""
    from analysis.present import charts

    fig, ax = charts.new_figure(title, figsize=figsize)
    if subtitle:
        ax.set_title(subtitle, loc="left", fontsize=9.5, fontweight="normal", color=charts.SOURCE_COLOR, pad=8)
    return fig, ax


def figure_volume(vol: pd.DataFrame, setup: Setup, source: str):
    """Small multiples: share of recipients in a company-based programme per target group, three areas."""
    import seaborn as sns

    from analysis.present import charts

    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    groups = [TG_TOTAL, *TARGET_GROUPS]
    fig, axes = charts.new_figure("Andel af modtagerne i virksomhedsrettede tilbud", nrows=3, ncols=2,
                                   figsize=(9.5, 9.0), sharex=True,
                                   subtitle="Procent af modtagerne i målgruppen, pr. måned")
    for ax, g in zip(axes.flat, groups, strict=True):
        data = _month_x(vol[vol["target_group"] == g].dropna(subset=["activation_pct"]))
        if data.empty:
            ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color="#777")
        else:
            sns.lineplot(data=data, x="x", y="activation_pct", hue="area", hue_order=_present(data, setup.areas),
                         palette=palette, ax=ax, linewidth=1.6, legend=False)
        ax.set_title("Alle målgrupper" if g == TG_TOTAL else g, fontsize=10.5)
        ax.set_ylabel("")
        ax.set_ylim(bottom=0)
        _percent_ticks(ax, "y")
        _style_month_axis(ax)
    _area_legend(fig, palette, _present(vol.dropna(subset=["activation_pct"]), setup.areas))
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def _area_legend(fig, palette: dict, areas: list[str]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([0], [0], color=palette[a], linewidth=2.2) for a in areas]
    fig.legend(handles, areas, loc="outside upper right", ncols=len(areas), fontsize=9)


def figure_sector_split(split: pd.DataFrame, setup: Setup, source: str):
    """Horizontal bars: private share of company-based programmes per target group, three areas."""
    import seaborn as sns

    from analysis.present import charts

    data = split[(split["period"] == setup.month)].dropna(subset=["private_share_pct"]).copy()
    order = [g for g in [TG_TOTAL, *TARGET_GROUPS] if g in set(data["target_group"])]
    data["label"] = data["target_group"].replace({TG_TOTAL: "Alle målgrupper"})
    labels = ["Alle målgrupper" if g == TG_TOTAL else g for g in order]
    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    fig, ax = titled_figure("Andel af virksomhedsrettede tilbud i private virksomheder",
                            f"Seneste 12 måneder til og med {fmt.period_label(setup.month)}; resten er i offentlige virksomheder",
                            figsize=(8.5, 6.0))
    if data.empty:
        ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color="#777")
    else:
        sns.barplot(data=data, y="label", x="private_share_pct", hue="area", hue_order=_present(data, setup.areas),
                    order=labels, palette=palette, ax=ax, orient="h")
        for container in ax.containers:
            values = [b.get_width() for b in container]
            ax.bar_label(container, labels=[fmt.percent(v, 0) if np.isfinite(v) and v > 0 else "" for v in values],
                         padding=3, fontsize=7.5, color="#333")
        ax.legend(title="", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, fontsize=8.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("")
    ax.set_ylabel("")
    charts.percent_axis(ax, "x")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def figure_employment_after(compare: pd.DataFrame, setup: Setup, source: str, programme: str = COMPANY_TOTAL):
    """Dot-and-interval plot: employment share with 95 % intervals per target group, municipality vs Hele landet."""
    from analysis.present import charts

    rows = compare[compare["programme"] == programme].reset_index(drop=True)
    fig, ax = titled_figure("I beskæftigelse 6 måneder efter et virksomhedsrettet forløb",
                            f"{_programme_phrase(programme)}, {fmt.period_label(setup.qmat)}. "
                            "Linjerne er 95 %-konfidensintervaller.", figsize=(8.5, 5.0))
    y = np.arange(len(rows))
    for offset, (share, lo, hi, color, label) in enumerate([
        ("municipality_share", "ci_low", "ci_high", charts.MUNICIPALITY_COLOR, setup.municipality),
        ("country_share", "country_ci_low", "country_ci_high", charts.COUNTRY_COLOR, geography.COUNTRY),
    ]):
        yy = y + (0.18 if offset else -0.18)
        ok = rows[share].notna()
        ax.errorbar(rows.loc[ok, share], yy[ok], xerr=[rows.loc[ok, share] - rows.loc[ok, lo], rows.loc[ok, hi] - rows.loc[ok, share]],
                    fmt="o", color=color, ecolor=color, elinewidth=1.6, capsize=3, markersize=6, label=label)
    for i, r in rows.iterrows():
        if r["verdict"] in (VERDICT_SUPPRESSED, VERDICT_TOO_FEW, VERDICT_NO_DATA) and pd.isna(r["municipality_share"]):
            ax.text(1, i - 0.18, r["verdict"], va="center", fontsize=8, color="#777")
    ax.set_yticks(y, ["Alle målgrupper" if g == TG_TOTAL else g for g in rows["target_group"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Andel i beskæftigelse")
    charts.percent_axis(ax, "x")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8.5)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def _programme_phrase(programme: str) -> str:
    return "Alle virksomhedsrettede tilbud" if programme == COMPANY_TOTAL else programme


def figure_paid_hours(hours: pd.DataFrame, setup: Setup, source: str):
    """Share of aktivitetsparate with ordinary paid hours over time, three areas."""
    import seaborn as sns

    from analysis.present import charts

    palette = charts.area_palette(setup.municipality, setup.comparison_area)
    data = _month_x(hours.dropna(subset=["share_with_hours_pct"]))
    fig, ax = titled_figure("Aktivitetsparate med ordinære løntimer",
                            "Procent af de aktivitetsparate kontanthjælpsmodtagere, pr. måned", figsize=(8.5, 4.6))
    if data.empty:
        ax.text(0.5, 0.5, "Ingen data", transform=ax.transAxes, ha="center", color="#777")
    else:
        sns.lineplot(data=data, x="x", y="share_with_hours_pct", hue="area",
                     hue_order=_present(data, setup.areas), palette=palette, ax=ax, linewidth=1.8)
        ax.legend(title="", loc="upper left", fontsize=8.5)
    ax.set_ylabel("")
    ax.set_ylim(bottom=0)
    _percent_ticks(ax, "y")
    _style_month_axis(ax)
    charts.finish(fig, source=source, data_source=SOURCE_JOBINDSATS)
    return fig


def figure_placement(place: pd.DataFrame, setup: Setup, source: str):
    """Placement rate per quarter: the municipality (blue), the other jobcentres in the area (grey)."""
    import seaborn as sns

    from analysis.present import charts

    codes = sorted(place["period"].unique(), key=lambda c: periods.parse_period(c).end)
    pos = {c: i for i, c in enumerate(codes)}
    data = place.assign(x=place["period"].map(pos))
    others = data[data["is_member"] & (data["area"] != setup.municipality)].dropna(subset=["placement_rate_pct"])
    own = data[data["area"] == setup.municipality]
    fig, ax = titled_figure("Formidlingsgrad på jobordrer",
                            f"{setup.municipality} (blå) og de øvrige jobcentre {geography_phrase(setup.comparison_area)} (grå). "
                            f"Tallet er {setup.municipality}s placering.", figsize=(8.5, 4.8))
    if len(others):
        many = others["area"].nunique() > 30
        sns.lineplot(data=others, x="x", y="placement_rate_pct", units="area", estimator=None, ax=ax, color="#b0b0b0",
                     linewidth=0.5 if many else 0.9, alpha=0.5 if many else 1.0, legend=False)
    ax.plot(own["x"], own["placement_rate_pct"], color=charts.MUNICIPALITY_COLOR, linewidth=2.6, marker="o", markersize=4)
    for x, v, r in zip(own["x"], own["placement_rate_pct"], own["rank"], strict=True):
        if pd.notna(r):
            ax.annotate(f"nr. {fmt.integer(r)}", (x, v), textcoords="offset points", xytext=(0, 7), ha="center",
                        fontsize=7.5, color=charts.MUNICIPALITY_COLOR)
    ax.set_xticks(range(len(codes)), [fmt.period_label(c).replace(" kvt. ", " kvt.\n") for c in codes], fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("Formidlingsgrad")
    ax.set_ylim(0, 100)
    charts.percent_axis(ax, "y")
    charts.finish(fig, source=source, data_source=SOURCE_JOBAG)
    return fig


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


def period_end(setup: Setup) -> pd.Timestamp:
    """The last day the report covers: the end of the latest period among its tables."""
    return max(periods.parse_period(code).end for code in setup.tables.values())


# --------------------------------------------------------------------------- the methods, in Danish


def about_da(min_count: int = MIN_COUNT) -> list[str]:
    """The "Om tallene" section: every method the report uses, in plain Danish, one bullet each."""
    from analysis import balance, effects
    from analysis.disclosure import MIN_GROUP_FOR_EXTREMES
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
