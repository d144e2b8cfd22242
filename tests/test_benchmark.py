"""The benchmark analysis (analysis.analyses.benchmark, analysis.analyses.benchmark.rates) and its notebook `benchmark_ranking`.

Published facts are checked on the real Y30R21 extract (skipped when it is not here), the
notebook runs end to end on the demo data and on the real extract, and bad input gives clear
errors or Danish warnings - never a silent gap or a zero.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.analyses import benchmark as bm
from analysis.analyses.benchmark import rates
from analysis.core.errors import InputError, ParameterError
from analysis.present import formats as fmt
from analysis.sources.jobindsats.reader import read_raw_file
from tests.notebook_run import run_report_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "benchmark_ranking.ipynb"
PERIODS = ["2020QMAT02", "2020QMAT04", "2021QMAT02", "2021QMAT04"]


@pytest.fixture(scope="module")
def y30() -> pd.DataFrame:
    from tests.conftest import REAL_Y30R21

    if not REAL_Y30R21.is_file():
        pytest.skip(f"the real benchmark extract is not here ({REAL_Y30R21}); it lives in the team's shared folder")
    return read_raw_file(REAL_Y30R21)


@pytest.fixture(scope="module")
def raw_csv() -> pd.DataFrame:
    """The real extract read with plain pandas, for hand computations independent of the package."""
    from tests.conftest import REAL_Y30R21

    if not REAL_Y30R21.is_file():
        pytest.skip(f"the real benchmark extract is not here ({REAL_Y30R21})")
    frame = pd.read_csv(REAL_Y30R21, sep=";", decimal=",")
    frame.columns = ["area", "period", "group", "expected", "actual", "difference", "expected_pct", "actual_pct",
                     "difference_pp", "rank"]
    return frame


@pytest.fixture(scope="module")
def config_rates() -> pd.DataFrame:
    return rates.load_rates()


def _without(y30: pd.DataFrame, **conditions) -> pd.DataFrame:
    mask = pd.Series(True, index=y30.index)
    for column, value in conditions.items():
        mask &= y30[column] == value
    return y30.loc[~mask].reset_index(drop=True)


# --------------------------------------------------------------------------- published facts (real extract)


def test_real_slagelse_total_ranks(y30):
    hist = bm.rank_history(y30, "Slagelse")
    assert list(hist.columns) == bm.HISTORY_COLUMNS
    total = hist[hist["benefit_group"] == bm.TOTAL]
    assert total["period"].tolist() == PERIODS
    assert total["rank"].tolist() == [83, 80, 76, 64]
    assert hist.loc[(hist["period"] == "2021QMAT04") & (hist["benefit_group"] == "Sygedagpenge mv."), "rank"].item() == 3
    # difference = actual - expected, everywhere
    assert (hist["difference"] == hist["actual"] - hist["expected"]).all()
    # by kommunekode too
    assert bm.rank_history(y30, "330")["rank"].tolist() == hist["rank"].tolist()


def test_real_ranks_are_one_to_98_and_follow_the_difference(y30):
    w = bm.wide(y30)
    for (period, group), rows in w.groupby(["period", "benefit_group"]):
        assert sorted(rows["rank"].astype(int)) == list(range(1, 99)), (period, group)
        ordered = rows.sort_values("rank")
        assert ordered["difference_pp"].is_monotonic_increasing, (period, group)
    full = bm.ranking(y30, "2021QMAT04")
    assert len(full) == 98 and full["rank"].tolist() == list(range(1, 99))


def test_real_distance_to_places_by_hand(y30, raw_csv):
    # By hand from the raw file: Slagelse is nr. 64 in 2021QMAT04 with 0.11 pp; actual 5150 = 10.14 %.
    rows = raw_csv[(raw_csv["period"] == "2021QMAT04") & (raw_csv["group"] == "Ydelsesgrupper i alt")]
    own = rows[rows["area"] == "Slagelse"].iloc[0]
    assert (own["rank"], own["difference_pp"], own["actual"], own["actual_pct"]) == (64, 0.11, 5150, 10.14)
    population = 5150 / 10.14 * 100  # 50.789 people aged 16-66
    at = rows.set_index("rank")
    assert (at.loc[59, "area"], at.loc[59, "difference_pp"]) == ("Skanderborg", 0.07)
    assert (at.loc[54, "area"], at.loc[54, "difference_pp"]) == ("Horsens", 0.04)
    assert (at.loc[69, "area"], at.loc[69, "difference_pp"]) == ("København", 0.19)

    dist = bm.distance_to_places(y30, "Slagelse", "2021QMAT04").set_index("places")
    assert dist.loc[5, "target_area"] == "Skanderborg" and dist.loc[10, "target_area"] == "Horsens"
    assert dist.loc[-5, "target_area"] == "København"
    assert dist.loc[5, "population_16_66"] == pytest.approx(population)
    # 5 up: (0.07 - 0.11) * 50.789 / 100 = -20.3 (fewer); 10 up: -35.6; 5 down: +40.6 (more)
    assert dist.loc[5, "change_fulltime_persons"] == pytest.approx(-0.04 * population / 100)
    assert dist.loc[5, "change_fulltime_persons"] == pytest.approx(-20.3, abs=0.05)
    assert dist.loc[10, "change_fulltime_persons"] == pytest.approx(-35.6, abs=0.05)
    assert dist.loc[-5, "change_fulltime_persons"] == pytest.approx(40.6, abs=0.05)
    assert (dist["rank"] == 64).all() and dist.loc[5, "target_rank"] == 59


def test_real_distance_near_the_top_says_what_cannot_be_reached(y30):
    dist = bm.distance_to_places(y30, "Slagelse", "2021QMAT04", (1, 2, 5), benefit_group="Sygedagpenge mv.")
    dist = dist.set_index("places")
    assert dist.loc[2, "target_rank"] == 1 and dist.loc[2, "change_fulltime_persons"] < 0
    assert math.isnan(dist.loc[5, "change_fulltime_persons"])  # nr. 3 cannot move 5 up
    assert "kun 2 pladser" in dist.loc[5, "note"]
    with pytest.raises(ParameterError, match="non-zero whole numbers"):
        bm.distance_to_places(y30, "Slagelse", "2021QMAT04", (0,))


def test_real_gap_decomposition_by_hand(y30):
    dec = bm.gap_decomposition(y30, "Slagelse", "2020QMAT02", "2021QMAT04").set_index("benefit_group")
    assert list(dec.index) == [*bm.GROUPS, bm.RESIDUAL, bm.TOTAL]
    # total gap 250 -> 60 full-time persons: A-dagpenge 70 -> 100, Sygedagpenge -40 -> -150, Kontanthjælp 220 -> 110
    assert dec.loc[bm.TOTAL, ["difference_first", "difference_last", "change"]].tolist() == [250, 60, -190]
    assert dec.loc[list(bm.GROUPS), "change"].tolist() == [30, -110, -110]
    assert dec.loc[bm.RESIDUAL, "change"] == 0
    assert dec.loc[list(bm.GROUPS), "change_pp"].tolist() == pytest.approx([0.06, -0.24, -0.20])
    assert dec.loc[bm.TOTAL, "change_pp"] == pytest.approx(-0.38)
    assert dec.loc[bm.TOTAL, "places_gained"] == 19  # 83 -> 64
    assert dec.loc["Sygedagpenge mv.", "places_gained"] == 25  # 28 -> 3


def _hand_rank(raw_csv: pd.DataFrame, period: str, group: str, value: float) -> int:
    """1 + the number of other municipalities with a smaller rounded difference (ties at the best place)."""
    rows = raw_csv[(raw_csv["period"] == period) & (raw_csv["group"] == group) & (raw_csv["area"] != "Slagelse")]
    return 1 + int((rows["difference_pp"].round(2) < round(value, 2)).sum())


def test_real_rank_attribution_is_a_shapley_split_with_a_rounding_line(y30, raw_csv):
    """Slagelse 83 -> 64: own +32 / others -13 if its own change is taken first, +18 / +1 the other way round;
    the split is their average (+25 / -6), and the rounding line is 0 because the recomputed ranks match."""
    att = bm.rank_attribution(y30, "Slagelse", "2020QMAT02", "2021QMAT04")
    assert list(att.columns) == bm.ATTRIBUTION_COLUMNS
    total = att.set_index("benefit_group").loc[bm.TOTAL]
    # the four rankings, by hand from the raw file: Slagelse's 0.49 (first) and 0.11 (last) among the others
    assert _hand_rank(raw_csv, "2020QMAT02", bm.TOTAL, 0.49) == total["rank_first_recomputed"] == 83
    assert _hand_rank(raw_csv, "2021QMAT04", bm.TOTAL, 0.11) == total["rank_last_recomputed"] == 64
    assert _hand_rank(raw_csv, "2020QMAT02", bm.TOTAL, 0.11) == total["rank_if_others_unchanged"] == 51
    assert _hand_rank(raw_csv, "2021QMAT04", bm.TOTAL, 0.49) == total["rank_if_own_unchanged"] == 82
    assert (total["own_places_own_first"], total["others_places_own_first"]) == (32, -13)
    assert (total["own_places_others_first"], total["others_places_others_first"]) == (18, 1)
    assert (total["own_places"], total["others_places"], total["rounding_places"]) == (25, -6, 0)
    assert total["places_gained"] == 19

    text = " ".join(bm.rank_attribution_sentences(att, "Slagelse", "2020QMAT02", "2021QMAT04"))
    assert "rykket 19 pladser op" in text and "fra plads nr. 83" in text and "til plads nr. 64 i 2021" in text
    assert "egen udvikling har givet 25 pladser op" in text and "øvrige kommuners udvikling har kostet 6 pladser" in text
    assert "Afrundingen af de offentliggjorte tal har ikke påvirket ændringen" in text
    assert "32 pladser op" in text and "13 pladser ned" in text and "18 pladser op" in text and "1 plads op" in text


def test_real_rank_attribution_separates_the_tie_artefact(y30, raw_csv):
    """Sygedagpenge 2021QMAT02 -> 2021QMAT04: published 11 -> 3, but Slagelse's -0.18 recomputes to rank 9 (two
    municipalities share its rounded figure and are published above it). Those 2 places are rounding, not own."""
    att = bm.rank_attribution(y30, "Slagelse", "2021QMAT02", "2021QMAT04").set_index("benefit_group")
    syg = att.loc["Sygedagpenge mv."]
    assert (syg["rank_first"], syg["rank_last"]) == (11, 3)
    assert _hand_rank(raw_csv, "2021QMAT02", "Sygedagpenge mv.", -0.18) == syg["rank_first_recomputed"] == 9
    assert syg["rank_last_recomputed"] == 3
    assert syg["rounding_places"] == 2  # (11 - 9) - (3 - 3)
    assert (syg["own_places"], syg["others_places"]) == (4.5, 1.5)  # (4 + 5) / 2 and (2 + 1) / 2
    lines = bm.rank_attribution_lines(att.reset_index()).set_index("line")
    assert lines["line_da"].tolist()[:3] == ["Egen udvikling", "De øvrige kommuners udvikling",
                                             "Afrunding (lige store afrundede tal)"]
    assert lines.loc[["own_places", "others_places", "rounding_places"], "Sygedagpenge mv."].tolist() == [4.5, 1.5, 2]
    assert lines.loc["places_gained", "Sygedagpenge mv."] == 8


@pytest.mark.parametrize("first, last", [(a, b) for i, a in enumerate(PERIODS) for b in PERIODS[i + 1:]])
def test_real_rank_attribution_lines_sum_to_the_published_change_and_do_not_depend_on_the_order(y30, first, last):
    forward = bm.rank_attribution(y30, "Slagelse", first, last).set_index("benefit_group")
    parts = forward["own_places"] + forward["others_places"] + forward["rounding_places"]
    assert (parts == forward["places_gained"]).all()  # exactly, every group
    assert (forward["places_gained"] == forward["rank_first"] - forward["rank_last"]).all()
    # each one-order split adds up to the recomputed change, and the split is their average
    recomputed = forward["rank_first_recomputed"] - forward["rank_last_recomputed"]
    assert (forward["own_places_own_first"] + forward["others_places_own_first"] == recomputed).all()
    assert (forward["own_places_others_first"] + forward["others_places_others_first"] == recomputed).all()
    assert (forward["own_places"] == (forward["own_places_own_first"] + forward["own_places_others_first"]) / 2).all()
    # Swapping the order of the steps: going back from last to first takes the others' step first where the
    # forward direction took the municipality's own first. A split that depends on the order gives a different
    # answer backwards; the symmetric one is exactly the negative.
    backward = bm.rank_attribution(y30, "Slagelse", last, first).set_index("benefit_group")
    for col in ("own_places", "others_places", "rounding_places", "places_gained"):
        assert (backward[col] == -forward[col]).all(), col
    assert (backward["own_places_own_first"] == -forward["own_places_others_first"]).all()


def test_shapley_rank_split_by_hand():
    others_first, others_last = [0.1, 0.2, 0.3, 0.4], [0.05, 0.1, 0.15, 0.2]
    split = bm.shapley_rank_split(0.35, 0.12, others_first, others_last)
    # first 0.35 among (0.1 .. 0.4): 4th; last 0.12 among (0.05 .. 0.2): 3rd; 0.12 among first: 2nd; 0.35 among last: 5th
    assert (split["rank_first_recomputed"], split["rank_last_recomputed"]) == (4, 3)
    assert (split["rank_if_others_unchanged"], split["rank_if_own_unchanged"]) == (2, 5)
    assert (split["own_places_own_first"], split["others_places_own_first"]) == (2, -1)
    assert (split["own_places_others_first"], split["others_places_others_first"]) == (2, -1)
    # ties at the best place, on the rounded figures; missing values among the others are left out
    assert bm.rank_among(0.2, [0.1, 0.2, 0.2000000001, float("nan"), 0.3]) == 2
    assert math.isnan(bm.rank_among(float("nan"), [0.1]))


def test_config_rate_reproduces_the_status_report(config_rates):
    per_group = rates.as_mapping(config_rates)
    assert set(per_group) == set(bm.GROUPS)
    assert fmt.kroner(170 * per_group["Sygedagpenge mv."]) == "24,6 mio. kr."
    syg = config_rates.set_index("benefit_group").loc["Sygedagpenge mv."]
    assert not syg["assumption"] and "Slutstatus" in syg["source"] and "24,6 mio. kr." in syg["source"]
    assumed = config_rates.loc[config_rates["assumption"], "benefit_group"].tolist()
    assert assumed == ["A-dagpenge mv.", "Kontanthjælp mv."]
    assert all("ANTAGELSE" in s for s in config_rates.loc[config_rates["assumption"], "source"])
    assert all(config_rates["year"] != "")


def test_real_potential_with_config_rates(y30, config_rates):
    pot = bm.potential(y30, "Slagelse", "2021QMAT04", config_rates)
    assert list(pot.columns) == bm.POTENTIAL_COLUMNS
    syg = pot.set_index("benefit_group").loc["Sygedagpenge mv."]
    assert syg["difference"] == -150
    assert syg["potential_dkk"] == pytest.approx(-150 * 24_600_000 / 170, rel=1e-5)
    assert fmt.kroner(syg["potential_dkk"]) == "-21,7 mio. kr."
    total = pot.set_index("benefit_group").loc[bm.TOTAL]
    assert total["potential_dkk"] == pytest.approx(pot.loc[pot["benefit_group"].isin(bm.GROUPS), "potential_dkk"].sum())
    assert math.isnan(total["rate_dkk"])
    every = bm.potential(y30, "Slagelse", None, {"Sygedagpenge mv.": 144706, "A-dagpenge mv.": 1, "Kontanthjælp mv.": 1})
    assert every["period"].unique().tolist() == PERIODS and len(every) == 16


def test_real_leadership_sentences(y30, config_rates):
    text = bm.leadership_sentences(y30, "Slagelse", "2021QMAT04", "2020QMAT02", config_rates, "RAR Sjælland")
    joined = " ".join(text)
    assert text[0].startswith("I perioden har Slagelse forbedret sig 19 pladser")
    assert "fra plads nr. 83 i året til og med 2. kvt. 2020 til plads nr. 64 ved den seneste måling (2021)" in text[0]
    assert "sygedagpengeområdet, der ligger i top tre" in joined
    assert "150 under det forventede niveau" in joined and "mindreudgift på ca. 21,7 mio. kr." in joined
    # the 2023 rate is used for 2021, and the sentence says so
    assert "21,7 mio. kr. (2023-priser; der er ingen takst for 2021)" in joined
    assert "ca. 20 færre fuldtidspersoner" in joined and "ca. 40 flere" in joined
    assert "Blandt de 17 kommuner i RAR Sjælland ligger Slagelse som nr. 9" in joined
    assert not re.search(r"\bnan\b|None|\.\.|\d\.\d{1,2}\b", joined), joined  # no gaps, no English decimals
    # calendar years read like the status report: "fra plads nr. 80 i 2020"
    short = bm.leadership_sentences(y30, "Slagelse", "2021QMAT04", "2020QMAT04", config_rates)
    assert "fra plads nr. 80 i 2020 til plads nr. 64" in short[0]


def test_real_comparison_area(y30):
    comp = bm.comparison_table(y30, "RAR Sjælland", "2021QMAT04")
    assert len(comp) == 17 and comp["place_in_area"].tolist() == list(range(1, 18))
    assert comp.set_index("area").loc["Slagelse", ["rank_total", "rank_sygedagpenge"]].tolist() == [64, 3]
    ranks = bm.comparison_ranks(y30, "RAR Sjælland")
    assert set(ranks["area"]) == set(comp["area"]) and len(ranks) == 17 * 4 * 4


def test_real_check_resolves_defaults(y30, config_rates):
    setup = bm.check(y30, "slagelse", rates=config_rates)
    assert (setup.municipality, setup.first_period, setup.period) == ("Slagelse", "2020QMAT02", "2021QMAT04")
    assert setup.periods == PERIODS and setup.warnings == []
    setup = bm.check(y30, "Slagelse", "2021QMAT02", "2020QMAT04")
    assert (setup.first_period, setup.period, setup.periods) == ("2020QMAT04", "2021QMAT02", PERIODS[:3])


def test_csv_ready_writes_whole_numbers(y30):
    out = bm.csv_ready(bm.rank_history(y30, "Slagelse"))
    assert str(out["rank"].dtype) == "Int64" and str(out["actual"].dtype) == "Int64"
    assert out["difference_pp"].dtype == float


# --------------------------------------------------------------------------- bad input


def test_unknown_municipality_and_bad_periods(y30):
    with pytest.raises(ParameterError, match="did you mean 'Slagelse'"):
        bm.check(y30, "Slagelsee")
    with pytest.raises(ParameterError, match="2023QMAT04.*periods with data: 2020QMAT02"):
        bm.check(y30, "Slagelse", "2023QMAT04")
    with pytest.raises(ParameterError, match="not a known period code"):
        bm.check(y30, "Slagelse", "juni 2021")
    with pytest.raises(ParameterError, match="after the period"):
        bm.check(y30, "Slagelse", "2020QMAT04", "2021QMAT04")
    with pytest.raises(ParameterError, match="no .*Y30R21"):
        bm.check(y30.iloc[0:0], "Slagelse")
    with pytest.raises(InputError, match="lacks column"):
        bm.wide(y30.drop(columns=["measure"]))


def test_wide_frame_is_made_once_and_accepted_everywhere(y30, config_rates):
    w = bm.wide(y30)
    assert bm.wide(w) is w  # already wide: returned as it is
    assert len(w) == len(w.drop_duplicates(["area", "period", "benefit_group"]))
    pd.testing.assert_frame_equal(bm.rank_history(w, "Slagelse"), bm.rank_history(y30, "Slagelse"))
    assert bm.leadership_sentences(w, "Slagelse", "2021QMAT04", "2020QMAT02", config_rates) == \
        bm.leadership_sentences(y30, "Slagelse", "2021QMAT04", "2020QMAT02", config_rates)


def test_duplicate_rows_are_named(y30):
    twice = pd.concat([y30, y30.iloc[[5]]], ignore_index=True)
    row = y30.iloc[5]
    with pytest.raises(InputError, match=f"duplicate rows for {row['area']}, {row['period']}"):
        bm.wide(twice)


def test_municipality_missing_in_one_period_is_a_visible_gap(y30, config_rates):
    gap = _without(y30, area="Slagelse", period="2020QMAT04")
    setup = bm.check(gap, "Slagelse", rates=config_rates)
    assert setup.period == "2021QMAT04"
    assert any("Slagelse har ingen samlet placering" in w and "2020" in w for w in setup.warnings)
    assert any("98 kommuner" in w and "97 af 98" in w for w in setup.warnings)
    hist = bm.rank_history(gap, "Slagelse")
    assert len(hist) == 16  # the period is still there ...
    missing = hist[hist["period"] == "2020QMAT04"]
    assert missing[list(bm.MEASURES)].isna().all().all()  # ... as NaN, never 0
    assert bm.leadership_sentences(gap, "Slagelse", setup.period, setup.first_period, config_rates)
    with pytest.raises(ParameterError, match="no total rank in 2020QMAT04"):
        bm.check(gap, "Slagelse", first_period="2020QMAT04")


def test_municipality_missing_in_the_latest_period(y30):
    gap = _without(y30, area="Slagelse", period="2021QMAT04")
    setup = bm.check(gap, "Slagelse")
    assert setup.period == "2021QMAT02"
    assert any("mangler i den seneste måling" in w for w in setup.warnings)
    with pytest.raises(ParameterError, match="Slagelse has no total rank in 2021QMAT04"):
        bm.check(gap, "Slagelse", "2021QMAT04")
    with pytest.raises(ParameterError, match="not ranked in any period"):
        bm.check(_without(y30, area="Slagelse"), "Slagelse")


def test_absent_benefit_group(y30, config_rates):
    no_kh = _without(y30, benefit_group="Kontanthjælp mv.")
    setup = bm.check(no_kh, "Slagelse", rates=config_rates)
    assert any("Kontanthjælp mv. findes ikke" in w for w in setup.warnings)
    hist = bm.rank_history(no_kh, "Slagelse")
    assert hist.loc[hist["benefit_group"] == "Kontanthjælp mv.", "rank"].isna().all()
    pot = bm.potential(no_kh, "Slagelse", "2021QMAT04", config_rates).set_index("benefit_group")
    assert math.isnan(pot.loc["Kontanthjælp mv.", "potential_dkk"]) and math.isnan(pot.loc[bm.TOTAL, "potential_dkk"])
    dec = bm.gap_decomposition(no_kh, "Slagelse", "2020QMAT02", "2021QMAT04").set_index("benefit_group")
    assert math.isnan(dec.loc[bm.RESIDUAL, "change"])  # never silently attributed
    with pytest.raises(ParameterError, match="Ydelsesgrupper i alt"):
        bm.check(_without(y30, benefit_group=bm.TOTAL), "Slagelse")


def test_suppressed_values_are_warned_about(y30):
    hidden = y30.copy()
    hidden.loc[(hidden["area"] == "Slagelse") & (hidden["period"] == "2021QMAT02")
               & (hidden["benefit_group"] == "A-dagpenge mv.") & (hidden["measure"] == "actual"), "value"] = float("nan")
    setup = bm.check(hidden, "Slagelse")
    assert any("mangler der tal for A-dagpenge mv." in w for w in setup.warnings)


def test_missing_rate(y30, tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text('rates:\n  "Sygedagpenge mv.":\n    rate_dkk: 144706\n    year: 2023\n    source: "Statusnotat"\n',
                    encoding="utf-8")
    partial = rates.load_rates(str(path))
    assert rates.missing_groups(partial) == ["A-dagpenge mv.", "Kontanthjælp mv."]
    setup = bm.check(y30, "Slagelse", rates=partial)
    assert any("Der er ingen nettokommunal udgift pr. fuldtidsperson for A-dagpenge mv. og Kontanthjælp mv." in w
               for w in setup.warnings)
    pot = bm.potential(y30, "Slagelse", "2021QMAT04", partial).set_index("benefit_group")
    assert math.isnan(pot.loc["A-dagpenge mv.", "potential_dkk"]) and math.isnan(pot.loc[bm.TOTAL, "potential_dkk"])
    assert pot.loc["Sygedagpenge mv.", "potential_dkk"] == pytest.approx(-150 * 144706)
    text = " ".join(bm.leadership_sentences(y30, "Slagelse", "2021QMAT04", "2020QMAT02", partial))
    assert "mindreudgift på ca. 21,7 mio. kr." in text and "merudgift" not in text


def test_rates_file_errors_and_overrides(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "r.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    with pytest.raises(ParameterError, match="not found"):
        rates.load_rates(str(tmp_path / "missing.yaml"))
    with pytest.raises(ParameterError, match="unknown benefit group 'Dagpenge'"):
        rates.load_rates(write('rates:\n  Dagpenge:\n    rate_dkk: 1\n    source: x\n'))
    with pytest.raises(ParameterError, match="positive number"):
        rates.load_rates(write('rates:\n  "Sygedagpenge mv.":\n    rate_dkk: -5\n    source: x\n'))
    with pytest.raises(ParameterError, match="no 'source'"):
        rates.load_rates(write('rates:\n  "Sygedagpenge mv.":\n    rate_dkk: 5\n'))
    with pytest.raises(ParameterError, match="not valid YAML"):
        rates.load_rates(write('rates: [\n'))
    with pytest.raises(ParameterError, match="unknown benefit group"):
        rates.load_rates("", {"Førtidspension": 100})
    with pytest.raises(ParameterError, match="positive number"):
        rates.load_rates("", {"Kontanthjælp mv.": "mange"})
    over = rates.load_rates("", {"kontanthjælp  mv.": 125000}).set_index("benefit_group")
    assert over.loc["Kontanthjælp mv.", "rate_dkk"] == 125000
    assert over.loc["Kontanthjælp mv.", "source"] == rates.OVERRIDE_SOURCE
    assert over.loc["Sygedagpenge mv.", "rate_dkk"] == 144706


RATES_PER_YEAR = """rates:
  "Sygedagpenge mv.":
    - {year: 2020, rate_dkk: 140000, source: "Regnskab 2020"}
    - {year: 2023, rate_dkk: 144706, source: "Statusnotat 2023"}
  "A-dagpenge mv.":
    - {year: 2019, rate_dkk: 110000, source: "Regnskab 2019"}
    - {year: 2021, rate_dkk: 115000, source: "Regnskab 2021"}
  "Kontanthjælp mv.":
    rate_dkk: 100000
    year: 2023
    source: "Det gamle format: en takst"
"""


def test_rates_per_price_year_and_the_nearest_year(tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text(RATES_PER_YEAR, encoding="utf-8")
    table = rates.load_rates(str(path))
    assert table[["benefit_group", "year"]].values.tolist() == [
        ["A-dagpenge mv.", "2019"], ["A-dagpenge mv.", "2021"], ["Sygedagpenge mv.", "2020"],
        ["Sygedagpenge mv.", "2023"], ["Kontanthjælp mv.", "2023"]]
    assert rates.price_years(table) == [2019, 2020, 2021, 2023]
    y2021 = rates.rates_for_year(table, 2021).set_index("benefit_group")
    assert list(y2021.columns) == rates.YEAR_COLUMNS[1:]
    # Sygedagpenge: 2020 is nearer 2021 than 2023; A-dagpenge: its own year; Kontanthjælp: the only year
    assert y2021["rate_dkk"].to_dict() == {"A-dagpenge mv.": 115000, "Sygedagpenge mv.": 140000, "Kontanthjælp mv.": 100000}
    assert y2021["price_year"].to_dict() == {"A-dagpenge mv.": 2021, "Sygedagpenge mv.": 2020, "Kontanthjælp mv.": 2023}
    assert y2021["nearest_year"].to_dict() == {"A-dagpenge mv.": False, "Sygedagpenge mv.": True, "Kontanthjælp mv.": True}
    assert y2021.loc["Sygedagpenge mv.", "source"] == "Regnskab 2020"  # the source travels with the value
    # equally near (2020 for 2019 and 2021): the later year
    assert rates.rates_for_year(table, 2020).set_index("benefit_group").loc["A-dagpenge mv.", "price_year"] == 2021
    assert rates.as_mapping(table, 2022) == {"A-dagpenge mv.": 115000, "Sygedagpenge mv.": 144706, "Kontanthjælp mv.": 100000}
    with pytest.raises(ParameterError, match="several years for A-dagpenge mv., Sygedagpenge mv.; give the year"):
        rates.as_mapping(table)
    # overrides: one rate for every year (no price year), or per year; either replaces every year of the group
    plain = rates.load_rates(str(path), {"Sygedagpenge mv.": 150000})
    assert plain.loc[plain["benefit_group"] == "Sygedagpenge mv.", "year"].tolist() == [""]
    assert math.isnan(rates.rates_for_year(plain, 2021).set_index("benefit_group").loc["Sygedagpenge mv.", "price_year"])
    per_year = rates.load_rates(str(path), {"Sygedagpenge mv.": {2021: 150000, "2022": 155000}})
    assert per_year.loc[per_year["benefit_group"] == "Sygedagpenge mv.", "year"].tolist() == ["2021", "2022"]


@pytest.mark.parametrize("body, message", [
    ('rates:\n  "Sygedagpenge mv.":\n    - {year: 2023, rate_dkk: 1, source: x}\n    - {year: 2023, rate_dkk: 2, source: y}\n',
     r"more than one rate for 2023"),
    ('rates:\n  "Sygedagpenge mv.":\n    - {year: 2023, rate_dkk: 1, source: x}\n    - {rate_dkk: 2, source: y}\n',
     r"one of them has no 'year'"),
    ('rates:\n  "Sygedagpenge mv.":\n    - {year: tyve, rate_dkk: 1, source: x}\n', r"the year of the rate .* is 'tyve'"),
    ('rates:\n  "Sygedagpenge mv.": []\n', r"must be a mapping with rate_dkk, year, source"),
])
def test_rates_per_year_errors_name_the_file(tmp_path, body, message):
    path = tmp_path / "rates.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as exc:
        rates.load_rates(str(path))
    assert str(path) in str(exc.value)


def test_real_potential_uses_each_periods_price_year(y30, tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text(RATES_PER_YEAR, encoding="utf-8")
    pot = bm.potential(y30, "Slagelse", None, rates.load_rates(str(path))).set_index(["period", "benefit_group"])
    syg = pot.xs("Sygedagpenge mv.", level="benefit_group")
    # 2020 periods: the 2020 rate; 2021 periods: 2020 is the nearest year (2023 is further away)
    assert syg["price_year"].tolist() == [2020, 2020, 2020, 2020]
    assert syg["nearest_year"].tolist() == [False, False, True, True]
    assert syg.loc["2021QMAT04", "potential_dkk"] == -150 * 140000
    assert syg.loc["2021QMAT04", "rate_source"] == "Regnskab 2020"
    adp = pot.xs("A-dagpenge mv.", level="benefit_group")
    assert adp["price_year"].tolist() == [2021, 2021, 2021, 2021]  # 2020: 2019 and 2021 equally near -> 2021
    assert adp.loc["2021QMAT04", "potential_dkk"] == 100 * 115000
    assert pot.loc[("2021QMAT04", bm.TOTAL), "potential_dkk"] == -150 * 140000 + 100 * 115000 + 110 * 100000
    assert math.isnan(pot.loc[("2021QMAT04", bm.TOTAL), "price_year"])  # the groups' price years differ
    assert bm.price_year_label(pot.reset_index(), "2021QMAT04") == "2020-, 2021- og 2023-priser"
    note = bm.price_year_note(pot.reset_index())
    assert "taksten for det år, perioden slutter i" in note
    assert "Sygedagpenge mv.: Der er takster for 2020. Der er ingen takst for 2021, så taksten for 2020" in note
    assert "lægger beløb i forskellige prisår sammen" in note


def test_real_potential_with_the_config_rates_says_2023_prices(y30, config_rates):
    pot = bm.potential(y30, "Slagelse", None, config_rates)
    groups = pot[pot["benefit_group"].isin(bm.GROUPS)]
    assert (groups["price_year"] == 2023).all() and groups["nearest_year"].all()
    assert (pot["period_year"] == pot["period"].str[:4].astype(int)).all()
    assert (groups["rate_source"] == groups["benefit_group"].map(config_rates.set_index("benefit_group")["source"])).all()
    assert bm.potential_caption(pot, "2021QMAT04") == ("Økonomisk betydning af forskellen, 2021 (i alt = summen af "
                                                       "grupperne), 2023-priser")
    note = bm.price_year_note(pot)
    assert "Der er ingen takst for 2020 og 2021, så taksten for 2023 (det nærmeste år med en takst) er brugt" in note
    assert "i 2023-priser" in note
    # a mapping has no price year, and the caption says so
    plain = bm.potential(y30, "Slagelse", "2021QMAT04", rates.as_mapping(config_rates))
    assert plain["price_year"].isna().all() and bm.price_year_label(plain, "2021QMAT04") == "prisår ikke oplyst"


# --------------------------------------------------------------------------- the notebook


HISTORY_CSV = "period,benefit_group,rank,actual,expected,difference,actual_share_pct,expected_share_pct,difference_pp"
POTENTIAL_CSV = "period,benefit_group,difference,rate_dkk,potential_dkk,period_year,price_year,nearest_year,rate_source"


def _run(tmp_path: Path, name: str, **parameters) -> tuple[Path, str]:
    return run_report_notebook(NOTEBOOK, tmp_path, name, **parameters)


def _check_tables(tables: Path) -> None:
    history = tables / "benchmark_ranking__rank_history.csv"
    potential = tables / "benchmark_ranking__potential.csv"
    assert history.read_text(encoding="utf-8").splitlines()[0] == HISTORY_CSV
    assert potential.read_text(encoding="utf-8").splitlines()[0] == POTENTIAL_CSV
    for name in ("gap_decomposition", "distance_to_places", "comparison_area", "ranking", "rates", "data_warnings"):
        assert (tables / f"benchmark_ranking__{name}.csv").is_file(), name


def _no_english_numbers(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"kl\. \d{2}\.\d{2}", "", text)  # the time of day in the header ("kl. 09.53") is Danish
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b", text)
    assert not re.search(r"\d\.\d{1,2}(?!\d)", text), re.search(r".{40}\d\.\d{1,2}(?!\d).{20}", text)


@pytest.mark.slow
@pytest.mark.parametrize("municipality", ["Slagelse", "Roskilde", "Aalborg"])
def test_notebook_runs_on_demo_data(demo_data, tmp_path, municipality):
    tables, html = _run(tmp_path, municipality, municipality=municipality, source="demo")
    _check_tables(tables)
    history = pd.read_csv(tables / "benchmark_ranking__rank_history.csv")
    assert set(history["benefit_group"]) == set(bm.ALL_GROUPS)
    assert history["rank"].between(1, 98).all()
    assert "Demodata" in html and "Hovedpointer" in html and municipality in html
    _no_english_numbers(html)
    warnings = pd.read_csv(tables / "benchmark_ranking__data_warnings.csv")
    assert warnings.empty


@pytest.mark.slow
def test_notebook_on_the_real_extract_with_gaps(real_y30r21, data_root, tmp_path):
    """Real figures end to end, with Slagelse missing in one period and a rates file without Kontanthjælp mv."""
    from analysis.data import build

    raw = data_root / "raw" / "jobindsats"
    raw.mkdir(parents=True)
    lines = real_y30r21.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("Slagelse;2020QMAT04;")]
    (raw / "y30r21.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    build.build("real")
    rates_file = tmp_path / "rates.yaml"
    rates_file.write_text(
        'rates:\n  "Sygedagpenge mv.":\n    rate_dkk: 144706\n    year: 2023\n    source: "Statusnotat"\n'
        '  "A-dagpenge mv.":\n    rate_dkk: 100000\n    year: 2023\n    source: "Test"\n', encoding="utf-8")

    tables, html = _run(tmp_path, "real", municipality="Slagelse", source="real", rates_file=str(rates_file))
    _check_tables(tables)
    assert "Demodata" not in html
    assert "analysis-warning" in html and "ingen samlet placering" in html and "Kontanthjælp mv." in html
    warnings = pd.read_csv(tables / "benchmark_ranking__data_warnings.csv")["message"].tolist()
    assert any("ingen samlet placering" in w for w in warnings)
    assert any("ingen nettokommunal udgift" in w and "Kontanthjælp mv." in w for w in warnings)
    history = pd.read_csv(tables / "benchmark_ranking__rank_history.csv", dtype={"period": str})
    total = history[history["benefit_group"] == bm.TOTAL].set_index("period")["rank"]
    assert total["2020QMAT02"] == 83 and total["2021QMAT04"] == 64 and math.isnan(total["2020QMAT04"])
    pot = pd.read_csv(tables / "benchmark_ranking__potential.csv").set_index(["period", "benefit_group"])
    assert pot.loc[("2021QMAT04", "Sygedagpenge mv."), "potential_dkk"] == pytest.approx(-150 * 144706)
    assert math.isnan(pot.loc[("2021QMAT04", "Kontanthjælp mv."), "potential_dkk"])
    assert math.isnan(pot.loc[("2021QMAT04", bm.TOTAL), "potential_dkk"])
    assert "fra plads nr. 83" in html and "21,7 mio. kr." in html
    assert pot.loc[("2021QMAT04", "Sygedagpenge mv."), "price_year"] == 2023
    assert "2023-priser" in html and "Prisår" in html and "nærmeste år med en takst" in html
    attribution = pd.read_csv(tables / "benchmark_ranking__rank_attribution.csv").set_index("benefit_group")
    assert (attribution["own_places"] + attribution["others_places"] + attribution["rounding_places"]
            == attribution["places_gained"]).all()
    assert "Afrunding (lige store afrundede tal)" in html and "egen udvikling har givet 25 pladser op" in html
    assert "2.023" not in html  # years are written without a thousands separator
    _no_english_numbers(html)


@pytest.mark.slow
def test_notebook_stops_with_a_clear_message_for_a_period_without_data(demo_data, tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError, match="ParameterError.*2030QMAT04"):
        _run(tmp_path, "bad", municipality="Slagelse", source="demo", period="2030QMAT04")


def test_a_quarter_or_month_period_means_the_latest_rolling_year_ending_by_then(real_y30r21):
    from analysis.analyses import benchmark

    available = ["2020QMAT02", "2020QMAT04", "2021QMAT02", "2021QMAT04"]
    assert benchmark.benchmark_period("2021Q4", available) == "2021QMAT04"
    assert benchmark.benchmark_period("2021Q3", available) == "2021QMAT02"
    assert benchmark.benchmark_period("2021M05", available) == "2020QMAT04"
    assert benchmark.benchmark_period("2021QMAT02", available) == "2021QMAT02"
    with pytest.raises(Exception, match="has no Y30R21"):
        benchmark.benchmark_period("2019Q4", available)
