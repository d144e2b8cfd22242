"""Company-based programmes (virksomhedsrettede tilbud) from Jobindsats and Jobnet, the numbers (notebook
``business_programs``).

The Danish sentences are in :mod:`~analysis.analyses.business_programs.sentences`, the report tables'
headings and display frames in :mod:`~analysis.analyses.business_programs.display`, the figures in
:mod:`~analysis.analyses.business_programs.figures`; the adjusted effects from the jobcentre's own
extract in :mod:`~analysis.analyses.business_programs.effects`.

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
  tests of the comparison (``p_holm``, :func:`analysis.analyses.multiple_testing.holm`), and the verdict (and the
  word "signifikant") follows the adjusted p-value; both are published;
- **ordinary paid hours** (:func:`paid_hours`): the share of aktivitetsparate recipients with ordinary
  paid hours (OTIJ01) over time;
- **job orders** (:func:`placement`): the placement rate (formidlingsgrad) per quarter for every jobcentre
  in the comparison area and the municipality's place among them (1 = highest).

Rules for small numbers
-----------------------
- a cell built from fewer than ``min_count`` (5) completed spells or persons is suppressed: its values
  are missing and it is marked (``suppressed``), see :func:`analysis.analyses.disclosure.suppress_small`;
- an employment share of 0 % or 100 % of fewer than 10 completed spells is suppressed with its
  interval (it would tell the outcome of every participant; ``share_suppressed``), see
  :func:`analysis.analyses.disclosure.extreme_shares`;
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

from analysis.analyses.business_programs.effects import quiet
from analysis.analyses.disclosure import MIN_COUNT, MIN_GROUP_FOR_EXTREMES, extreme_shares, suppress_small
from analysis.analyses.multiple_testing import holm
from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.reference import geography, periods
from analysis.sources.local import spells

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


def areas_in_data(frame: pd.DataFrame, areas: list[str]) -> list[str]:
    """The areas, in the order given, that have rows in the frame."""
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


def period_end(setup: Setup) -> pd.Timestamp:
    """The last day the report covers: the end of the latest period among its tables."""
    return max(periods.parse_period(code).end for code in setup.tables.values())


def spell_extract(source: str = "") -> pd.DataFrame | None:
    """The jobcentre's own spell extract (``forloeb.csv``) from the processed data, or None when it is not there."""
    try:
        return load.local_input("spells", source)
    except ParameterError:
        return None


def local_spells(extract: pd.DataFrame | None, setup: Setup) -> pd.DataFrame | None:
    """The extract's spells of the municipality that ended by the end of the report's period (None without extract)."""
    if extract is None:
        return None
    return spells.for_municipality(extract, setup.municipality, until=period_end(setup))
