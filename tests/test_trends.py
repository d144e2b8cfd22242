"""Target-group trends (analysis.analyses.trends) and the notebook target_group_trends."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import trends
from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.present import formats as fmt
from analysis.reference import geography, periods, tables


def _months(first: str, n: int) -> list[str]:
    return periods.month_range(first, periods.shift(first, n - 1))


def _panel(values: dict[str, list[float]], first: str = "2021M01", group: str = "langtidsledige") -> pd.DataFrame:
    """A hand-made long panel: one group, one column of values per area."""
    frames = []
    for area, vals in values.items():
        codes = _months(first, len(vals))
        frames.append(pd.DataFrame({
            "target_group": group,
            "area": area,
            "period": codes,
            "period_end": [periods.parse_period(c).end for c in codes],
            "value": np.asarray(vals, dtype=float),
            "share_pct": np.asarray(vals, dtype=float) / 100.0,
            "basis": trends.BASIS_PUBLISHED,
            "share_basis": trends.BASIS_PUBLISHED,
        }))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- index and percent change


def test_index_to_base_series_by_hand():
    s = pd.Series([200.0, 100.0, np.nan, 50.0, 300.0], index=_months("2021M01", 5))
    idx = trends.index_to_base(s, "2021M01")
    assert idx.tolist()[:2] == [100.0, 50.0]
    assert math.isnan(idx.iloc[2])  # a gap stays a gap
    assert idx.tolist()[3:] == [25.0, 150.0]
    # Another base month.
    assert trends.index_to_base(s, "2021M02").tolist()[-1] == 300.0


def test_index_to_base_frame_missing_base_gives_nan_column_and_outside_base_raises():
    frame = pd.DataFrame(
        {"period_end": pd.date_range("2021-01-31", periods=3, freq="ME"), "A": [10.0, 12.0, 9.0], "B": [np.nan, 5.0, 6.0],
         "C": [0.0, 1.0, 2.0]},
        index=_months("2021M01", 3),
    )
    idx = trends.index_to_base(frame, "2021M01")
    assert list(idx.columns) == ["A", "B", "C"]
    assert idx["A"].tolist() == pytest.approx([100.0, 120.0, 90.0])
    assert idx["B"].isna().all() and idx["C"].isna().all()  # no base value (missing or zero): no index
    with pytest.raises(ParameterError, match=r"base period '2020M12' is outside the data, which covers 2021M01 to 2021M03"):
        trends.index_to_base(frame, "2020M12")


def test_pct_change_by_hand():
    # The status report's kind of numbers: 620 -> 181 is a fall of 70.806... %.
    assert trends.pct_change(620, 181) == pytest.approx((181 - 620) / 620 * 100)
    assert trends.pct_change(2290, 960) == pytest.approx(-58.0786026, abs=1e-6)
    assert trends.pct_change(100, 125) == 25.0
    assert math.isnan(trends.pct_change(0, 5))
    assert math.isnan(trends.pct_change(np.nan, 5))
    assert math.isnan(trends.pct_change(5, np.nan))
    out = trends.pct_change(pd.Series([100.0, 50.0, 0.0]), pd.Series([90.0, 75.0, 3.0]))
    assert out.iloc[0] == pytest.approx(-10.0) and out.iloc[1] == pytest.approx(50.0) and math.isnan(out.iloc[2])


def test_change_table_by_hand():
    panel = _panel({"Slagelse": [620, 600, 580, 181], "RAR Sjælland": [5830, 5000, 4000, 1842.28]})
    ch = trends.change_table(panel, "2021M01")
    assert list(ch.columns) == trends.CHANGE_COLUMNS
    s = ch.set_index("area").loc["Slagelse"]
    assert (s.base_period, s.latest_period, s.base_value, s.latest_value, s.change) == ("2021M01", "2021M04", 620, 181, -439)
    assert s.change_pct == pytest.approx(-70.80645, abs=1e-4)
    r = ch.set_index("area").loc["RAR Sjælland"]
    assert r.change_pct == pytest.approx(-68.4, abs=1e-3)
    # An explicit latest month.
    ch2 = trends.change_table(panel, "2021M01", "2021M02").set_index("area")
    assert ch2.loc["Slagelse", "change"] == -20 and ch2.loc["Slagelse", "change_pct"] == pytest.approx(-3.2258, abs=1e-4)
    with pytest.raises(ParameterError, match="base period 2019M01 is outside the data"):
        trends.change_table(panel, "2019M01")


def test_change_sentences_in_the_status_reports_style():
    panel = _panel({"Slagelse": [620, 181], "RAR Sjælland": [5830, 1842.28], "Hele landet": [1000, 340]})
    ch = trends.change_table(panel, "2021M01")
    (text,) = trends.change_sentences(ch, "Slagelse", "RAR Sjælland", [trends.GROUPS["langtidsledige"]])
    # The status report's numbers and words, now saying that they are the raw count (issue 12, point 10);
    # two months cannot be seasonally adjusted nor compared with a year earlier, and the text says so.
    assert text == (
        "Siden januar 2021 er langtidsledigheden i Slagelse faldet med 70,8 % (faktisk antal, opgjort som i statusrapporten). "
        "Til sammenligning er langtidsledigheden i RAR Sjælland faldet med 68,4 %, og i hele landet med 66,0 % (faktisk antal). "
        "Den sæsonkorrigerede udvikling i langtidsledigheden kan ikke beregnes for Slagelse og RAR Sjælland, fordi der "
        "ikke er to års sammenhængende månedstal; derfor vurderer rapporten ikke, om Slagelse har haft en bedre eller "
        "dårligere udvikling end RAR Sjælland. "
        "Ændringen fra samme måned året før kan ikke beregnes for Slagelse, fordi der mangler data for feb. 2020 eller feb. 2021."
    )
    panel = _panel({"Slagelse": [100, 110], "RAR Sjælland": [100, 90], "Hele landet": [100, 100.01]}, group="sygedagpenge")
    (text,) = trends.change_sentences(trends.change_table(panel, "2021M01"), "Slagelse", "RAR Sjælland")
    assert text.startswith(
        "Siden januar 2021 er antallet af sygedagpengemodtagere i Slagelse steget med 10,0 % (faktisk antal, opgjort som i "
        "statusrapporten). Til sammenligning er antallet af sygedagpengemodtagere i RAR Sjælland faldet med 10,0 %, "
        "mens det i hele landet er stort set uændret (faktisk antal)."
    )


def test_a_missing_month_stays_nan_and_yields_a_note():
    panel = _panel({"Slagelse": [100, np.nan, 90, 80], "RAR Sjælland": [1000, 950, 900, 850]})
    indexed = trends.indexed_panel(panel, "2021M01")
    own = indexed[indexed["area"] == "Slagelse"]["index"].tolist()
    assert own[0] == 100 and math.isnan(own[1]) and own[2:] == [90, 80]
    notes = trends.gap_notes(panel, {"langtidsledige": "Langtidsledige"})
    assert notes == [
        "Langtidsledige: der mangler data for Slagelse i feb. 2021. "
        "Månederne vises som huller i figurerne og indgår ikke i beregningerne."
    ]
    # The missing latest month is not replaced by an earlier one.
    gap_at_end = _panel({"Slagelse": [100, 90, np.nan]})
    row = trends.change_table(gap_at_end, "2021M01").iloc[0]
    assert row.latest_period == "2021M03" and math.isnan(row.latest_value) and math.isnan(row.change_pct)
    (text,) = trends.change_sentences(trends.change_table(gap_at_end, "2021M01"), "Slagelse", "RAR Sjælland")
    assert "kan ikke beregnes" in text


def test_year_on_year_by_hand():
    vals = list(range(100, 113)) + [np.nan]  # 2021M01..2022M02; 2022M01 = 112
    panel = _panel({"Slagelse": vals})
    yoy = trends.year_on_year(panel, "2022M01").iloc[0]
    assert (yoy.latest_period, yoy.year_earlier_period, yoy.latest_value, yoy.year_earlier_value) == ("2022M01", "2021M01", 112, 100)
    assert yoy.change == 12 and yoy.change_pct == pytest.approx(12.0)
    assert yoy.change_pp == pytest.approx(0.12)
    latest = trends.year_on_year(panel).iloc[0]  # the latest month is missing: no change
    assert latest.latest_period == "2022M02" and math.isnan(latest.change_pct)


def test_weighted_share_of_summed_members_by_hand():
    pct = pd.DataFrame({"A": [2.0, 2.0], "B": [4.0, np.nan]})
    counts = pd.DataFrame({"A": [20.0, 20.0], "B": [80.0, 80.0]})
    # Denominators 1,000 and 2,000: 100 / 3,000 = 3.333 %; a missing member makes the month missing.
    out = trends.weighted_share(pct, counts)
    assert out.iloc[0] == pytest.approx(100 / 3000 * 100) and math.isnan(out.iloc[1])


# --------------------------------------------------------------------------- seasonal adjustment


def _seasonal_series(n: int = 60) -> pd.Series:
    t = np.arange(n)
    season = np.array([0.11, 0.09, 0.05, 0.0, -0.04, -0.06, 0.04, 0.03, -0.05, -0.06, -0.05, 0.0])
    values = 1000 * np.exp(-0.005 * t + season[t % 12])
    return pd.Series(values, index=_months("2019M01", n))


def test_seasonal_adjust_removes_a_known_seasonal_pattern():
    s = _seasonal_series()
    sa = trends.seasonal_adjust(s)
    assert list(sa.columns) == ["observed", "adjusted", "trend", "seasonal", "in_fit"]
    assert sa.index.equals(s.index) and sa["in_fit"].all()
    true_trend = 1000 * np.exp(-0.005 * np.arange(len(s)))
    # The seasonal swing of about 17 % is gone: the adjusted series is within 2 % of the true trend.
    assert np.max(np.abs(sa["adjusted"] / true_trend - 1)) < 0.02
    assert np.max(np.abs(s / true_trend - 1)) > 0.1
    assert np.allclose(sa["observed"] - sa["seasonal"], sa["adjusted"])


def test_seasonal_adjust_uses_the_longest_gap_free_stretch_and_never_fills_gaps():
    s = _seasonal_series(60)
    s.iloc[10] = np.nan  # stretch 0-9 (10 months) and 11-59 (49 months)
    sa = trends.seasonal_adjust(s)
    assert not sa["in_fit"].iloc[:11].any() and sa["in_fit"].iloc[11:].all()
    assert sa["adjusted"].iloc[:11].isna().all() and sa["adjusted"].iloc[11:].notna().all()
    assert trends.longest_complete_stretch(s) == (11, 60)
    short = _seasonal_series(23)  # less than two years: no adjustment at all
    assert trends.seasonal_adjust(short)["adjusted"].isna().all()
    assert not trends.seasonal_adjust(short)["in_fit"].any()


def test_seasonal_adjust_is_silent(recwarn):
    trends.seasonal_adjust(_seasonal_series(30))
    assert len(recwarn) == 0


# --------------------------------------------------------------------------- composition


def test_long_duration_share_by_hand():
    comp = pd.DataFrame({
        "area": ["X"] * 4 + ["Y"] * 4,
        "duration": list(trends.DURATIONS) * 2,
        "persons": [20, 10, 10, 60, 30, 20, np.nan, 40],
        "share_pct": [20.0, 10.0, 10.0, 60.0, 30.0, 20.0, np.nan, 40.0],
        "basis": "published",
    })
    over2 = trends.long_duration_share(comp)
    assert over2["X"] == 70.0 and math.isnan(over2["Y"])  # a suppressed cell: no share, not a smaller one
    assert trends.long_duration_share(comp, trends.OVER_3_YEARS)["Y"] == 40.0


# --------------------------------------------------------------------------- groups and parameters


def test_unknown_target_group_raises():
    with pytest.raises(ParameterError, match=r"unknown target group 'foo'; known target groups: a_dagpenge"):
        trends.target_group("foo")


def test_target_groups_are_data():
    for g in trends.TARGET_GROUPS:
        spec = tables.spec(g.table)
        spec.measure(g.measure)
        spec.measure(g.share_measure)
        spec.measure(g.share_weight)
        assert set(g.dims_dict) <= set(spec.dimension_keys)


def test_resolve_end():
    assert trends.resolve_end("", "2024M12", "2019M01") == "2024M12"
    assert trends.resolve_end("2024Q2", "2024M12", "2019M01") == "2024M06"
    assert trends.resolve_end("2023M07", "2024M12", "2019M01") == "2023M07"
    with pytest.raises(ParameterError, match="after the latest month in the data"):
        trends.resolve_end("2025M01", "2024M12", "2019M01")
    with pytest.raises(ParameterError, match="rolling year"):
        trends.resolve_end("2024QMAT02", "2024M12", "2019M01")


# --------------------------------------------------------------------------- on the demo data


def test_sum_of_members_equals_published_totals_on_demo_data(demo_data):
    # Region Sjælland is not published in Jobindsats; it has exactly the members of RAR Sjælland.
    assert sorted(geography.members("Region Sjælland")) == sorted(geography.members("RAR Sjælland"))
    wide, basis = trends.area_series("Y01A02", "persons", ["RAR Sjælland", "Region Sjælland", "Hele landet"], "demo")
    assert basis == {"RAR Sjælland": "published", "Region Sjælland": "sum_of_members", "Hele landet": "published"}
    n = len(geography.members("RAR Sjælland"))
    # Published counts are rounded to tens per area, so the sum of rounded members may differ by rounding only.
    assert (wide["Region Sjælland"] - wide["RAR Sjælland"]).abs().max() <= 5 * n
    assert (wide["Region Sjælland"] / wide["RAR Sjælland"] - 1).abs().max() < 0.005
    # The country as the sum of all 98 municipalities (computed here by hand) against its published total.
    kom = load.load_table("Y01A02", "demo", measures="persons")
    kom = kom[kom["area_level"] == "kommune"].groupby("period")["value"].sum()
    assert ((kom - wide["Hele landet"]).abs() / wide["Hele landet"]).max() < 0.002
    # Shares of a summed area: population-weighted, close to the published share.
    share, sbasis = trends.area_series(
        "Y01A02", "pct_population", ["RAR Sjælland", "Region Sjælland"], "demo", weight_measure="fulltime_persons"
    )
    assert sbasis["Region Sjælland"] == "sum_of_members"
    assert (share["Region Sjælland"] - share["RAR Sjælland"]).abs().max() < 0.02


def test_analyse_on_demo_data_matches_the_series_by_hand(demo_data):
    # The comparison area as a published total, municipality included (the default excludes it: see below).
    a = trends.analyse("Slagelse", "", "", "2021M01", "demo", exclude_municipality=False)
    assert a.comparison_area == "RAR Sjælland" and a.areas == ["Slagelse", "RAR Sjælland", "Hele landet"]
    assert a.end_period == "2024M12" and [g.key for g in a.groups] == [g.key for g in trends.TARGET_GROUPS]
    s = load.series("Y25I09", "persons", ["Slagelse", "RAR Sjælland"], "demo")
    row = a.changes[(a.changes["target_group"] == "langtidsledige") & (a.changes["area"] == "Slagelse")].iloc[0]
    assert row.base_value == s.loc["2021M01", "Slagelse"] and row.latest_value == s.loc["2024M12", "Slagelse"]
    assert row.change_pct == pytest.approx((s.loc["2024M12", "Slagelse"] / s.loc["2021M01", "Slagelse"] - 1) * 100)
    akt = load.series("Y36A02", "persons", ["RAR Sjælland"], "demo", category="Aktivitetsparat")
    row = a.changes[(a.changes["target_group"] == "aktivitetsparate") & (a.changes["area"] == "RAR Sjælland")].iloc[0]
    assert row.base_value == akt.loc["2021M01", "RAR Sjælland"]
    assert set(a.panel["basis"]) == {"published"}
    # The end as a quarter, and a region as the comparison area (sums of members, with a note).
    b = trends.analyse("Slagelse", "Region Sjælland", "2023Q2", "2021M01", "demo", groups="a_dagpenge,sygedagpenge",
                       exclude_municipality=False)
    assert b.end_period == "2023M06" and set(b.changes["latest_period"]) == {"2023M06"}
    assert set(b.panel.loc[b.panel["area"] == "Region Sjælland", "basis"]) == {"sum_of_members"}
    assert any("summen af områdets kommuner" in n for n in b.notes)
    comp = trends.composition(["Slagelse", "RAR Sjælland"], "2024M12", "demo")
    assert comp.groupby("area")["share_pct"].sum().between(99, 101).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(base_period="2015M01"), r"base month 2015M01 is outside the data: Y01A02 \(Forsikrede ledige \(a-dagpenge\)\) covers 2019M01 to 2024M12"),
        (dict(base_period="2021Q1"), r"base_period '2021Q1' is not a month"),
        (dict(base_period="2024M12"), r"base month 2024M12 must be before the last month of the analysis"),
        (dict(comparison_area="RAR Nordjylland"), r"comparison area 'RAR Nordjylland' does not contain Slagelse"),
        (dict(groups="foo"), r"unknown target group 'foo'"),
        (dict(period="2026M01"), r"period '2026M01' is after the latest month in the data \(2024M12\)"),
    ],
)
def test_bad_input_raises_one_clear_error(demo_data, kwargs, message):
    args = dict(municipality="Slagelse", comparison_area="", period="", base_period="2021M01", source="demo", groups=None)
    args.update(kwargs)
    with pytest.raises(ParameterError, match=message):
        trends.analyse(**args)


def test_a_target_group_absent_from_the_data(demo_data, monkeypatch):
    real = load.available_tables
    monkeypatch.setattr(load, "available_tables", lambda source="": [t for t in real(source) if t != "Y36A02"])
    with pytest.raises(ParameterError, match=r"target group 'aktivitetsparate' \(Aktivitetsparate kontanthjælpsmodtagere\) is not in the demo data"):
        trends.analyse("Slagelse", source="demo", groups="aktivitetsparate")
    a = trends.analyse("Slagelse", source="demo")  # all groups: the absent one is left out, with a note
    assert "aktivitetsparate" not in a.group_names()
    assert any("Y36A02" in n and "udeladt" in n for n in a.notes)


# --------------------------------------------------------------------------- the notebook


NOTEBOOK = paths.NOTEBOOKS_DIR / "target_group_trends.ipynb"


def _run(notebook: Path, out: Path, **parameters) -> "nbformat.NotebookNode":  # noqa: F821
    import nbformat
    import papermill

    papermill.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name="python3", progress_bar=False)
    return nbformat.read(out, as_version=4)


def _visible_problems(nb) -> list[str]:
    problems = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.output_type == "stream" and o.name == "stderr":
                problems.append(o.text)
            if o.output_type == "error":
                problems.append(o.ename)
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("municipality", ["Slagelse", "Aalborg"])
def test_notebook_runs_end_to_end_and_writes_the_changes_csv(demo_data, tmp_path, municipality):
    out_dir = tmp_path / "out"
    nb = _run(NOTEBOOK, tmp_path / "run.ipynb", municipality=municipality, comparison_area="", source="demo",
              output_dir=str(out_dir))
    assert _visible_problems(nb) == []
    csv = pd.read_csv(out_dir / "tables" / "target_group_trends__changes.csv")
    assert list(csv.columns) == trends.CHANGE_COLUMNS
    expected = trends.analyse(municipality, source="demo").changes
    pd.testing.assert_frame_equal(csv, expected, check_dtype=False)
    # By default the comparison area is the RAR area without the municipality (issue 12, point 11).
    without = f"{geography.rar_of(municipality)} uden {municipality}"
    assert set(csv["area"]) == {municipality, without, "Hele landet"}
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Siden januar 2021 er langtidsledigheden i " + municipality in html
    assert f"Sammenlignet med</th><td" in html and f">{without}</td>" in html
    assert "Sæsonkorrigeret er langtidsledigheden siden januar 2021" in html
    assert "Sammenligningsområde:</strong> " + without in html
    # The year-on-year CSV says in each heading whether it counts persons or full-time persons (point 12).
    sidecar = json.loads((out_dir / "tables" / "target_group_trends__year_on_year.json").read_text(encoding="utf-8"))
    headings = {c["name"]: c["heading_da"] for c in sidecar["columns"]}
    for column in ("latest_value", "year_earlier_value", "change", "change_pct"):
        assert "personer" in headings[column] and "fuldtidspersoner" not in headings[column]
    for column in ("latest_share_pct", "year_earlier_share_pct", "change_pp"):
        assert "fuldtidspersoner; langtidsledige: personer" in headings[column]
    yoy = pd.read_csv(out_dir / "tables" / "target_group_trends__year_on_year.csv")
    assert set(yoy.loc[yoy["target_group"] == "langtidsledige", "share_measured_in"]) == {"personer"}
    assert set(yoy.loc[yoy["target_group"] == "a_dagpenge", "share_measured_in"]) == {"fuldtidspersoner"}


def test_figures_break_lines_at_gaps_and_carry_the_source(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    panel = _panel({"Slagelse": [100, np.nan, 90, 80, 70], "RAR Sjælland": [1000, 950, 900, 850, 800],
                    "Hele landet": [5000, 4900, 4800, 4700, 4600]})
    group = trends.GROUPS["langtidsledige"]
    analysis = trends.TrendAnalysis("Slagelse", "RAR Sjælland", ["Slagelse", "RAR Sjælland", "Hele landet"], [group],
                                    "2021M01", "2021M05", panel, trends.change_table(panel, "2021M01"))
    fig = trends.figure_index(analysis, source="demo")
    line = fig.axes[0].get_lines()[0]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert y[0] == 100 and math.isnan(y[1])  # matplotlib breaks the line there; nothing is bridged or filled
    assert fig.get_supxlabel() == "Kilde: Jobindsats"
    import io

    fig.savefig(io.BytesIO(), format="png")  # renders
    assert trends.subtitle_da(analysis) == "Udviklingen siden januar 2021 sammenlignet med RAR Sjælland og hele landet"


def test_has_durations(demo_data, monkeypatch):
    assert trends.has_durations("demo")
    real = load.available_tables
    monkeypatch.setattr(load, "available_tables", lambda source="": [t for t in real(source) if t != "Y36A02"])
    assert not trends.has_durations("demo")


# --------------------------------------------------------------------------- issue 12, point 10: seasonality in the headline


def _seasonal_panel(areas: dict[str, tuple[float, float, float]], n: int = 72, group: str = "a_dagpenge") -> pd.DataFrame:
    """Monthly series from 2019M01 per area: ``level * exp(trend * t + amplitude * season)``, peak in January."""
    t = np.arange(n)
    season = np.cos(2 * np.pi * t / 12)  # +1 in January, -1 in July
    values = {area: level * np.exp(trend * t + amplitude * season) for area, (level, trend, amplitude) in areas.items()}
    return _panel(values, first="2019M01", group=group)


def test_change_table_adds_the_seasonally_adjusted_change_and_the_change_from_a_year_earlier():
    # 2019M01..2024M07, January peak, July trough; base January 2021, latest July 2024.
    panel = _seasonal_panel({"Slagelse": (1000, -0.01, 0.15), "RAR Sjælland": (10000, -0.01, 0.05)}, n=67)
    ch = trends.change_table(panel, "2021M01").set_index("area")
    assert list(trends.change_table(panel, "2021M01").columns) == trends.CHANGE_COLUMNS
    s = ch.loc["Slagelse"]
    # The raw change mixes the trend with the fall from the January peak to December.
    true_trend_change = (math.exp(-0.01 * 42) - 1) * 100  # 42 months of trend: -34.3 %
    assert s.change_pct == pytest.approx(trends.pct_change(s.base_value, s.latest_value))
    assert s.change_pct < true_trend_change - 2
    # The seasonally adjusted change is the trend's, within half a percentage point.
    assert s.seasonal_status == "ok"
    assert s.adjusted_change_pct == pytest.approx(true_trend_change, abs=0.5)
    assert s.adjusted_change == pytest.approx(s.adjusted_latest_value - s.adjusted_base_value)
    # With the same trend but a smaller seasonal swing, the area's raw change is smaller, its adjusted change the same.
    r = ch.loc["RAR Sjælland"]
    assert abs(r.adjusted_change_pct - s.adjusted_change_pct) < 0.5 and abs(r.change_pct - s.change_pct) > 2
    # The change from the same month a year earlier, by hand.
    by_period = panel[panel["area"] == "Slagelse"].set_index("period")["value"]
    assert s.year_earlier_period == "2023M07" and s.year_earlier_value == by_period["2023M07"]
    assert s.year_on_year_change == pytest.approx(by_period["2024M07"] - by_period["2023M07"])
    assert s.year_on_year_change_pct == pytest.approx((by_period["2024M07"] / by_period["2023M07"] - 1) * 100)
    # An explicit latest month: the adjustment uses only the months up to it.
    early = trends.change_table(panel, "2021M01", "2023M06").set_index("area").loc["Slagelse"]
    sa = trends.seasonal_adjust(by_period.loc[:"2023M06"])
    assert early.adjusted_latest_value == pytest.approx(sa.loc["2023M06", "adjusted"])


def test_seasonal_status_of_a_change():
    s = _seasonal_series(60)  # 2019M01..2023M12
    assert trends.seasonal_status(trends.seasonal_adjust(s), "2020M01", "2023M12") == "ok"
    gap = s.copy()
    gap.iloc[25] = np.nan  # 2021M02: the longest stretch is 2021M03..2023M12 (34 months)
    assert trends.seasonal_status(trends.seasonal_adjust(gap), "2020M01", "2023M12") == "gap"
    assert trends.seasonal_status(trends.seasonal_adjust(gap), "2022M01", "2023M12") == "ok"
    assert trends.seasonal_status(trends.seasonal_adjust(s.iloc[:20]), "2019M01", "2020M08") == "too_short"


def test_the_better_or_worse_verdict_uses_the_seasonally_adjusted_change():
    # Slagelse's bigger seasonal swing makes its raw fall from the January peak look larger than the
    # area's, but its underlying trend falls less: the verdict follows the adjusted change.
    panel = _seasonal_panel({"Slagelse": (1000, -0.008, 0.20), "RAR Sjælland": (10000, -0.010, 0.02),
                             "Hele landet": (90000, -0.010, 0.05)}, n=67)  # to July 2024
    ch = trends.change_table(panel, "2021M01")
    rows = ch.set_index("area")
    assert rows.loc["Slagelse", "change_pct"] < rows.loc["RAR Sjælland", "change_pct"]  # raw: Slagelse falls more
    assert rows.loc["Slagelse", "adjusted_change_pct"] > rows.loc["RAR Sjælland", "adjusted_change_pct"] + 1  # adjusted: less
    (text,) = trends.change_sentences(ch, "Slagelse", "RAR Sjælland")
    first, rest = text.split(" Sæsonkorrigeret er ", 1)
    assert first.startswith("Siden januar 2021 er antallet af forsikrede ledige i Slagelse faldet med")
    assert "(faktisk antal, opgjort som i statusrapporten)" in first and first.endswith("(faktisk antal).")
    assert "bedre" not in first and "dårligere" not in first  # no verdict on the raw change
    adjusted, year = rest.split(" Fra juli 2023 til juli 2024 (samme måned året før) er ", 1)
    m, c = rows.loc["Slagelse", "adjusted_change_pct"], rows.loc["RAR Sjælland", "adjusted_change_pct"]
    assert adjusted == (
        f"antallet af forsikrede ledige siden januar 2021 faldet med {fmt.percent(-m)} i Slagelse og faldet med "
        f"{fmt.percent(-c)} i RAR Sjælland; målt sådan har Slagelse haft en dårligere udvikling end RAR Sjælland."
    )
    y = rows.loc["Slagelse", "year_on_year_change_pct"]
    assert year.startswith(f"antallet af forsikrede ledige faldet med {fmt.percent(-y)} i Slagelse og ")
    g = trends.GROUPS["a_dagpenge"]
    assert trends.relative_development(g, -20.0, -15.0) == "better"
    assert trends.relative_development(g, -15.0, -20.0) == "worse"
    assert trends.relative_development(g, -15.0, -15.9) == "similar"
    assert trends.relative_development(g, np.nan, -15.0) is None


def test_a_series_that_cannot_be_adjusted_is_said_so_in_text_and_figure():
    import matplotlib

    matplotlib.use("Agg")
    # Slagelse has a gap in 2022 (stretches of 17 and 18 months): no adjustment at all; the area is fine.
    panel = _seasonal_panel({"Slagelse": (1000, -0.01, 0.15), "RAR Sjælland": (10000, -0.01, 0.05),
                             "Hele landet": (90000, -0.01, 0.05)}, n=48)
    panel = panel[panel["period"] >= "2020M01"].reset_index(drop=True)
    panel.loc[(panel["area"] == "Slagelse") & (panel["period"] == "2021M06"), "value"] = np.nan
    ch = trends.change_table(panel, "2020M01")
    row = ch.set_index("area").loc["Slagelse"]
    assert row.seasonal_status == "too_short" and math.isnan(row.adjusted_change_pct) and not math.isnan(row.change_pct)
    (text,) = trends.change_sentences(ch, "Slagelse", "RAR Sjælland")
    assert ("Den sæsonkorrigerede udvikling i antallet af forsikrede ledige kan ikke beregnes for Slagelse, fordi der "
            "ikke er to års sammenhængende månedstal; derfor vurderer rapporten ikke, om Slagelse har haft en bedre "
            "eller dårligere udvikling end RAR Sjælland.") in text
    assert "bedre udvikling end" not in text and "dårligere udvikling end" not in text.replace("bedre eller dårligere", "")
    group = trends.GROUPS["a_dagpenge"]
    analysis = trends.TrendAnalysis("Slagelse", "RAR Sjælland", ["Slagelse", "RAR Sjælland", "Hele landet"], [group],
                                    "2020M01", "2022M12", panel, ch)
    seasonal = trends.seasonal_panel(panel)
    fig = trends.figure_seasonal(seasonal, analysis, source="demo")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["Faktisk"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Faktisk"]  # no entry for a line that is not there
    assert any("Kan ikke sæsonkorrigeres" in t.get_text() for t in ax.texts)
    assert trends.seasonal_notes(seasonal, analysis) == [
        "Forsikrede ledige (a-dagpenge) i Slagelse kan ikke sæsonkorrigeres, fordi der ikke er to års sammenhængende "
        "månedstal; figuren viser kun det faktiske antal."
    ]
    # With the series whole again, both lines and both legend entries are there, and there is no note.
    whole = trends.seasonal_panel(_seasonal_panel({"Slagelse": (1000, -0.01, 0.15), "RAR Sjælland": (10000, -0.01, 0.05)}))
    analysis.panel = whole
    fig = trends.figure_seasonal(whole, analysis, source="demo")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Faktisk", "Sæsonkorrigeret"]
    assert trends.seasonal_notes(whole, analysis) == []
    bars = trends.figure_changes(trends.TrendAnalysis(
        "Slagelse", "RAR Sjælland", ["Slagelse", "RAR Sjælland", "Hele landet"], [group], "2020M01", "2022M12", panel, ch
    ), source="demo")
    assert [a.get_title(loc="left") for a in bars.axes[:2]] == ["Faktisk antal (som statusrapporten)", "Sæsonkorrigeret"]
    # Slagelse's adjusted change is a dash at zero with a key, not a bar that reads as "no change".
    assert [t.get_text() for t in bars.axes[1].texts].count(" –") == 1
    assert any("kan ikke beregnes" in t.get_text() for t in bars.axes[1].texts)
    assert not any("kan ikke beregnes" in t.get_text() for t in bars.axes[0].texts)


# --------------------------------------------------------------------------- issue 12, point 11: the area without the municipality


def test_count_and_share_without_the_municipality_by_hand():
    area_n = pd.Series([1000.0, 1000.0, 1000.0, 1000.0, 1000.0])
    own_n = pd.Series([100.0, np.nan, 100.0, 100.0, 0.0])
    assert trends.count_without(area_n, own_n).tolist()[:1] == [900.0]
    assert math.isnan(trends.count_without(area_n, own_n).iloc[1])  # the municipality's month is missing: so is the area's
    # Populations implied from count and share: area 1000 / 2 % = 50,000; municipality 100 / 4 % = 2,500.
    area_pct = pd.Series([2.0, 2.0, 2.0, np.nan, 2.0])
    own_pct = pd.Series([4.0, 4.0, 0.0, 4.0, 0.0])
    out = trends.share_without(area_pct, area_n, own_pct, own_n)
    assert out.iloc[0] == pytest.approx(900 / 47500 * 100)  # not 2 % - 4 % nor the mean of the shares
    assert math.isnan(out.iloc[1])  # missing municipality count
    assert math.isnan(out.iloc[2])  # a zero share: the municipality's population cannot be implied, no silent zero
    assert math.isnan(out.iloc[3])  # missing area share
    assert math.isnan(out.iloc[4])  # zero count and zero share: no population either


def test_area_without_its_municipality_names_and_errors():
    assert trends.area_without("RAR Sjælland", "330") == "RAR Sjælland uden Slagelse"
    assert trends.split_area("rar sjælland uden slagelse") == ("RAR Sjælland", "Slagelse")
    assert trends.split_area("Hele landet") == ("Hele landet", None)
    assert trends.area_in_text("Hele landet uden Slagelse") == "hele landet uden Slagelse"
    with pytest.raises(ParameterError, match="RAR Nordjylland does not contain Slagelse"):
        trends.area_without("RAR Nordjylland", "Slagelse")
    with pytest.raises(ParameterError, match="unknown municipality 'Atlantis'"):
        trends.split_area("RAR Sjælland uden Atlantis")


def test_area_series_without_the_municipality_on_demo_data(demo_data):
    names = ["Slagelse", "RAR Sjælland", "RAR Sjælland uden Slagelse"]
    wide, basis = trends.area_series("Y01A02", "persons", names, "demo")
    assert basis["RAR Sjælland uden Slagelse"] == trends.BASIS_PUBLISHED_LESS
    pd.testing.assert_series_equal(wide["RAR Sjælland uden Slagelse"], wide["RAR Sjælland"] - wide["Slagelse"],
                                   check_names=False)
    # The share: (area count - own count) / (area population - own population), close to the population-weighted
    # share of the 16 other municipalities (the published figures are rounded, so not exactly).
    others = [m for m in geography.members("RAR Sjælland") if m != "Slagelse"]
    assert len(others) == 16
    share, sbasis = trends.area_series("Y01A02", "pct_population", names + others, "demo", weight_measure="fulltime_persons")
    counts, _ = trends.area_series("Y01A02", "fulltime_persons", names + others, "demo")
    assert sbasis["RAR Sjælland uden Slagelse"] == trends.BASIS_PUBLISHED_LESS
    by_hand = trends.share_without(share["RAR Sjælland"], counts["RAR Sjælland"], share["Slagelse"], counts["Slagelse"])
    pd.testing.assert_series_equal(share["RAR Sjælland uden Slagelse"], by_hand, check_names=False)
    rest = trends.weighted_share(share[others], counts[others])
    assert (share["RAR Sjælland uden Slagelse"] - rest).abs().max() < 0.01
    assert (share["RAR Sjælland uden Slagelse"] - share["RAR Sjælland"]).abs().max() > 0.01  # a different figure
    # A region (not published) without the municipality: the sum of the 16 other members.
    wide, basis = trends.area_series("Y01A02", "persons", ["Region Sjælland uden Slagelse"], "demo")
    assert basis["Region Sjælland uden Slagelse"] == trends.BASIS_MEMBERS_LESS
    kom = load.series("Y01A02", "persons", others, "demo")
    pd.testing.assert_series_equal(wide["Region Sjælland uden Slagelse"], kom[others].sum(axis=1), check_names=False)


def test_a_month_the_municipality_lacks_is_missing_for_the_area_without_it(demo_data):
    rows = load.load_table("Y01A02", "demo", measures=["persons", "pct_population", "fulltime_persons"])
    rows = rows[~((rows["area"] == "Slagelse") & (rows["period"] == "2022M05"))]
    names = ["RAR Sjælland", "RAR Sjælland uden Slagelse"]
    for measure, weight in (("persons", None), ("pct_population", "fulltime_persons")):
        wide, _ = trends.area_series("Y01A02", measure, names, "demo", rows=rows, weight_measure=weight)
        assert pd.notna(wide.loc["2022M05", "RAR Sjælland"])
        assert math.isnan(wide.loc["2022M05", "RAR Sjælland uden Slagelse"])  # not the whole area's figure
        assert wide["RAR Sjælland uden Slagelse"].drop("2022M05").notna().all()


def test_analyse_compares_with_the_area_without_the_municipality_by_default(demo_data):
    a = trends.analyse("Slagelse", source="demo", groups="langtidsledige,aktivitetsparate")
    assert a.comparison_area == "RAR Sjælland uden Slagelse" and a.excludes_municipality
    assert a.comparison_geography == "RAR Sjælland"
    assert a.areas == ["Slagelse", "RAR Sjælland uden Slagelse", "Hele landet"]
    s = load.series("Y25I09", "persons", ["Slagelse", "RAR Sjælland"], "demo")
    row = a.changes[(a.changes["target_group"] == "langtidsledige") & (a.changes["area"] == a.comparison_area)].iloc[0]
    base = s.loc["2021M01", "RAR Sjælland"] - s.loc["2021M01", "Slagelse"]
    latest = s.loc["2024M12", "RAR Sjælland"] - s.loc["2024M12", "Slagelse"]
    assert (row.base_value, row.latest_value) == (base, latest)
    assert row.change_pct == pytest.approx((latest / base - 1) * 100)
    assert row.seasonal_status == "ok" and pd.notna(row.adjusted_change_pct)  # adjusted like any other series
    text = " ".join(trends.change_sentences(a.changes, a.municipality, a.comparison_area, a.groups))
    assert "i RAR Sjælland uden Slagelse faldet med" in text and "RAR Sjælland faldet" not in text
    assert trends.subtitle_da(a) == "Udviklingen siden januar 2021 sammenlignet med RAR Sjælland uden Slagelse og hele landet"
    assert trends.comparison_note(a).startswith(
        "**Sammenligningsområde:** RAR Sjælland uden Slagelse, dvs. tallene for RAR Sjælland fratrukket Slagelses egne tal. "
        "Slagelse er en af 17 kommuner i RAR Sjælland"
    )
    assert "fratrukket Slagelses egne tal" in trends.basis_sentence(a)
    # The composition of the aktivitetsparate: persons by duration are the area's minus the municipality's.
    comp = trends.composition(a.areas, "2024M12", "demo").set_index(["area", "duration"])
    rar = trends.composition(["RAR Sjælland"], "2024M12", "demo").set_index("duration")["persons"]
    for d in trends.DURATIONS:
        assert comp.loc[(a.comparison_area, d), "persons"] == rar[d] - comp.loc[("Slagelse", d), "persons"]
    assert comp.xs(a.comparison_area, level="area")["share_pct"].sum() == pytest.approx(100, abs=1)
    # Off: the published area including the municipality, as the status report compares.
    b = trends.analyse("Slagelse", source="demo", groups="langtidsledige", exclude_municipality=False)
    assert b.comparison_area == "RAR Sjælland" and not b.excludes_municipality
    assert "inklusive Slagelse selv" in trends.comparison_note(b)
    with pytest.raises(ParameterError, match="exclude_municipality must be True or False"):
        trends.analyse("Slagelse", source="demo", exclude_municipality="ja")


# --------------------------------------------------------------------------- issue 12, point 12: persons and full-time persons


def test_year_on_year_headings_say_persons_or_full_time_persons():
    groups = [trends.GROUPS["a_dagpenge"], trends.GROUPS["langtidsledige"]]
    headings = trends.yoy_headings_da(groups)
    for column in ("latest_value", "year_earlier_value", "change", "change_pct"):
        assert "personer" in headings[column] and "fuldtidspersoner" not in headings[column], column
    for column in ("latest_share_pct", "year_earlier_share_pct", "change_pp"):
        assert "opgjort i fuldtidspersoner; langtidsledige: personer" in headings[column], column
    # Only full-time-person groups: the heading says so and nothing else.
    assert trends.yoy_headings_da([trends.GROUPS["sygedagpenge"]])["change_pp"] == (
        "Ændring i andel af 16-66-årige (pct.-point, opgjort i fuldtidspersoner)"
    )
    # Every heading of a quantity names its unit (the generic headings too).
    for column, heading in trends.YOY_HEADINGS_DA.items():
        if column not in ("target_group", "area", "latest_period", "year_earlier_period"):
            assert "personer" in heading, column
    # Each row says what its share is measured in.
    panel = pd.concat([_panel({"Slagelse": list(range(100, 114))}, group="langtidsledige"),
                       _panel({"Slagelse": list(range(100, 114))}, group="a_dagpenge")], ignore_index=True)
    yoy = trends.year_on_year(panel).set_index("target_group")
    assert yoy.loc["langtidsledige", "share_measured_in"] == "personer"
    assert yoy.loc["a_dagpenge", "share_measured_in"] == "fuldtidspersoner"
    assert set(yoy.reset_index().columns) <= set(trends.YOY_HEADINGS_DA)


# --------------------------------------------------------------------------- the 2025 change of regional level


def test_an_area_published_in_some_months_only_is_the_sum_of_its_members_in_the_others(demo_data):
    """A RAR area is not published after 2024 (regions from 2025): those months are its members' sum."""
    rows = load.load_table("Y01A02", "demo", measures=["persons", "pct_population", "fulltime_persons"])
    late = rows["period"].isin(periods.month_range("2024M07", "2024M12"))
    rows = rows[~((rows["area"] == "RAR Sjælland") & late)]
    members = geography.members("RAR Sjælland")
    published, _ = trends.area_series("Y01A02", "persons", ["RAR Sjælland"], "demo")
    wide, basis = trends.area_series("Y01A02", "persons", ["RAR Sjælland", *members], "demo", rows=rows)
    assert basis["RAR Sjælland"] == trends.BASIS_MIXED
    pd.testing.assert_series_equal(wide.loc[:"2024M06", "RAR Sjælland"], published.loc[:"2024M06", "RAR Sjælland"])
    summed = wide.loc["2024M07":, members].sum(axis=1)
    pd.testing.assert_series_equal(wide.loc["2024M07":, "RAR Sjælland"], summed, check_names=False)
    assert wide["RAR Sjælland"].notna().all()  # no gap at the change
    # Shares and the area without the municipality follow the same rule.
    share, sbasis = trends.area_series("Y01A02", "pct_population", ["RAR Sjælland uden Slagelse"], "demo", rows=rows,
                                       weight_measure="fulltime_persons")
    assert sbasis["RAR Sjælland uden Slagelse"] == trends.BASIS_MIXED_LESS and share.iloc[:, 1].notna().all()
    # The notes say so.
    panel = pd.DataFrame({"area": ["RAR Sjælland uden Slagelse"], "target_group": ["a_dagpenge"],
                          "basis": [trends.BASIS_MIXED_LESS]})
    (note,) = trends.basis_notes(panel, trends.TARGET_GROUPS)
    assert note.startswith("RAR Sjælland er ikke offentliggjort i alle måneder") and "uden Slagelse" in note


def test_an_area_published_in_every_month_stays_published(demo_data):
    wide, basis = trends.area_series("Y01A02", "persons", ["RAR Sjælland"], "demo")
    assert basis["RAR Sjælland"] == trends.BASIS_PUBLISHED


def test_the_report_says_which_regional_level_its_months_use(demo_data):
    a = trends.analyse("Slagelse", source="demo", groups="langtidsledige")
    note = trends.regional_level_note(a)
    # Demo months end in 2024: the RAR level throughout, and the comparison area named.
    assert note.startswith("Regionalt niveau: RAR Sjælland (de regionale arbejdsmarkedsråds områder 2015-2024).")
    assert "RAR Sjælland uden Slagelse" in note
    # A series that crosses the change: RAR Sjælland until December 2024, Region Sjælland from January 2025.
    crossing = a.panel.assign(period=a.panel["period"].replace({"2024M12": "2025M01"}))
    note = trends.regional_level_note(dataclasses.replace(a, panel=crossing))
    assert "RAR Sjælland (til og med" in note and "Region Sjælland (fra" in note
    assert "samme 17 kommuner" in note
    # Recorded levels override the date: a month recorded as RAR stays RAR.
    note = trends.regional_level_note(dataclasses.replace(a, panel=crossing), levels={"2025M01": "rar"})
    assert "Region Sjælland" not in note
    # Compared with the country only: the regional sentence alone, no claim about a regional comparison area.
    b = trends.analyse("Slagelse", comparison_area="Hele landet", source="demo", groups="langtidsledige")
    assert "Rapporten sammenligner" not in trends.regional_level_note(b)


# --------------------------------------------------------------------------- quarterly series (StatBank AUK01, issue 16.2)


def _quarterly_panel(values: dict[str, list[float]], first: str = "2019Q1") -> pd.DataFrame:
    frames = []
    for area, series in values.items():
        codes = periods.quarter_range(first, periods.shift(first, len(series) - 1))
        frames.append(pd.DataFrame({"target_group": "sygedagpenge", "area": area, "period": codes,
                                    "period_end": [periods.parse_period(c).end for c in codes], "value": series}))
    return pd.concat(frames, ignore_index=True)


def test_quarterly_seasonal_adjustment_uses_period_four_and_needs_eight_quarters():
    season = np.tile([1.10, 0.95, 0.90, 1.05], 6)
    trend = np.linspace(1000.0, 1230.0, 24)
    codes = periods.quarter_range("2019Q1", "2024Q4")
    sa = trends.seasonal_adjust(pd.Series(trend * season, index=codes))
    assert sa["in_fit"].all()
    assert np.allclose(sa["adjusted"], trend, rtol=0.02)  # the quarterly pattern is removed, the trend kept
    assert trends.periods_per_year(codes) == 4 and trends.periods_per_year(["2024M01"]) == 12
    short = trends.seasonal_adjust(pd.Series(trend[:7] * season[:7], index=codes[:7]))
    assert not short["in_fit"].any() and short["adjusted"].isna().all()
    assert trends.seasonal_adjust(pd.Series(trend[:8] * season[:8], index=codes[:8]))["in_fit"].all()


def test_quarterly_change_table_and_sentences_are_told_in_quarters():
    rng = np.random.default_rng(4)
    season = np.tile([1.10, 0.95, 0.90, 1.05], 6)
    slagelse = np.rint(np.linspace(1200, 1000, 24) * season + rng.normal(0, 5, 24))
    region = np.rint(np.linspace(9000, 9300, 24) * season + rng.normal(0, 20, 24))
    panel = _quarterly_panel({"Slagelse": list(slagelse), "Region Sjælland": list(region)})
    changes = trends.change_table(panel, "2021Q1")
    row = changes.set_index("area").loc["Slagelse"]
    assert (row["base_period"], row["latest_period"], row["year_earlier_period"]) == ("2021Q1", "2024Q4", "2023Q4")
    assert row["change"] == slagelse[23] - slagelse[8] and row["year_earlier_value"] == slagelse[19]
    assert row["change_pct"] == pytest.approx((slagelse[23] - slagelse[8]) / slagelse[8] * 100)
    assert row["seasonal_status"] == "ok" and row["adjusted_change_pct"] < 0
    text = trends.change_sentences(changes, "Slagelse", "Region Sjælland", [trends.GROUPS["sygedagpenge"]])[0]
    assert text.startswith("Siden 1. kvt. 2021 er antallet af sygedagpengemodtagere i Slagelse faldet med ")
    assert "Sæsonkorrigeret er antallet af sygedagpengemodtagere siden 1. kvt. 2021 faldet med" in text
    assert "Fra 4. kvt. 2023 til 4. kvt. 2024 (samme kvartal året før)" in text and "måned" not in text
    # Too short to adjust: said honestly, in quarters, with no verdict.
    short = trends.change_table(_quarterly_panel({"Slagelse": list(slagelse[:7]), "Region Sjælland": list(region[:7])}), "2019Q2")
    assert set(short["seasonal_status"]) == {"too_short"} and short["adjusted_change"].isna().all()
    text = trends.change_sentences(short, "Slagelse", "Region Sjælland", [trends.GROUPS["sygedagpenge"]])[0]
    assert "fordi der ikke er to års sammenhængende kvartalstal" in text and "målt sådan" not in text
    assert "derfor vurderer rapporten ikke" in text
    assert trends.seasonal_status_da("too_short", quarterly=True).endswith("under to års sammenhængende kvartalstal")
    assert trends.seasonal_status_da("too_short") == trends.SEASONAL_STATUS_DA["too_short"]


def test_statbank_quarters_through_the_trend_computation_equal_the_raw_file_by_hand(demo_data):
    """Slagelse's sickness benefit recipients since 1. kvt. 2021 (AUK01), against the raw demo file's lines."""
    import csv
    import io

    raw = {}
    for path in sorted((demo_data / "raw" / "demo" / "dst").glob("AUK01__*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            if row[0] == "Slagelse" and row[1] in ("Sygedagpenge mv.", "Sickness benefits etc."):
                raw[row[4].replace("K", "Q")] = float(row[5])
    wide, basis = trends.area_series("AUK01", "fulltime_persons", ["Slagelse", "Region Sjælland"], "demo",
                                     benefit_type="Sygedagpenge mv.")
    assert list(wide.index) == periods.quarter_range("2019Q1", "2024Q4") and basis["Slagelse"] == trends.BASIS_PUBLISHED
    panel = wide.drop(columns="period_end").rename_axis("period").reset_index().melt(
        id_vars="period", var_name="area", value_name="value").assign(target_group="sygedagpenge")
    row = trends.change_table(panel, "2021Q1").set_index("area").loc["Slagelse"]
    assert row["change"] == raw["2024Q4"] - raw["2021Q1"]
    assert row["change_pct"] == pytest.approx((raw["2024Q4"] - raw["2021Q1"]) / raw["2021Q1"] * 100)
    assert row["seasonal_status"] == "ok"


def test_statbank_group_mapping_is_read_from_its_config_file():
    groups, not_covered = trends.load_mapping()
    by_key = {g.key: g for g in groups}
    assert by_key["a_dagpenge"].benefit_types == ("DP", "AKDP") and not by_key["a_dagpenge"].confirmed
    assert by_key["sygedagpenge"].benefit_types == ("SY",) and by_key["sygedagpenge"].confirmed
    assert all(g.source.startswith("Danmarks Statistik, AUK01") for g in groups)
    assert trends.not_covered_lines(not_covered) == [
        "Langtidsledige: ikke i denne kilde (AUK01 opgør ikke ledigheden efter varighed).",
        "Aktivitetsparate kontanthjælpsmodtagere: ikke i denne kilde (AUK01 opdeler ikke kontanthjælpsmodtagerne "
        "efter visitationskategori).",
    ]
    assert trends.about_lines(groups)[1].startswith("Sygedagpengemodtagere: Sygedagpenge mv., opgjort som fuldtidsmodtagere pr. kvartal.")


def test_statbank_mapping_with_an_unknown_code_names_the_file_and_group(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  x:\n    name_da: X\n    benefit_types: [NOPE]\n    about_da: x\n    source: y\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"groups.yaml: group 'x' has benefit type 'NOPE'; AUK01 codes known: TOT, "):
        trends.load_mapping(path)


def test_statbank_panel_sums_benefit_types_as_the_raw_file_does_by_hand(demo_data):
    import csv
    import io

    raw = {}
    for path in sorted((demo_data / "raw" / "demo" / "dst").glob("AUK01__*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            if row[0] in ("Slagelse", "Roskilde") and row[4] in ("2021K1", "2024Q4"):
                raw[(row[0], row[1], row[4][:4])] = float(row[5])
    groups, _ = trends.load_mapping()
    panel = trends.statbank_panel(groups, ["Slagelse", "RAR Sjælland uden Slagelse"], "demo")
    adp = panel[(panel["target_group"] == "a_dagpenge") & (panel["area"] == "Slagelse")].set_index("period")["value"]
    by_hand = {  # 2021 is in the file saved with Danish texts, 2024 in the one saved with English texts
        "2021": raw[("Slagelse", "Nettoledige dagpengemodtagere", "2021")] + raw[("Slagelse", "Aktiverede dagpengemodtagere", "2021")],
        "2024": raw[("Slagelse", "Net unemployed recipients of unemployment benefits", "2024")]
        + raw[("Slagelse", "Activated recipients of unemployment benefits", "2024")],
    }
    assert adp["2021Q1"] == by_hand["2021"] and adp["2024Q4"] == by_hand["2024"]
    changes = trends.change_table(panel, "2021Q1").set_index(["target_group", "area"])
    assert changes.loc[("a_dagpenge", "Slagelse"), "change"] == by_hand["2024"] - by_hand["2021"]
    assert panel["share_pct"].isna().all() and set(panel["target_group"]) == {g.key for g in groups}
    without = panel[(panel["target_group"] == "sygedagpenge") & (panel["area"] == "RAR Sjælland uden Slagelse")]
    assert without["basis"].iloc[0] == trends.BASIS_MEMBERS_LESS and without["value"].notna().all()


def test_analyse_statbank_gives_quarterly_changes_sentences_and_the_groups_not_covered(demo_data):
    analysis = trends.analyse_statbank("Slagelse", base_period="2021M01", source="demo")
    assert (analysis.base_period, analysis.end_period) == ("2021Q1", "2024Q4")
    assert analysis.areas == ["Slagelse", "RAR Sjælland uden Slagelse", "Hele landet"]
    assert [g.key for g in analysis.groups] == ["a_dagpenge", "sygedagpenge", "kontanthjaelp", "offentligt_forsoergede"]
    assert "Langtidsledige: ikke i denne kilde (AUK01 opgør ikke ledigheden efter varighed)." in analysis.notes
    frame = load.load_table("AUK01", "demo", measures="fulltime_persons", benefit_type="Sygedagpenge mv.")
    own = frame[frame["area"] == "Slagelse"].set_index("period")["value"]
    row = analysis.changes.set_index(["target_group", "area"]).loc[("sygedagpenge", "Slagelse")]
    assert row["change"] == own["2024Q4"] - own["2021Q1"] and row["seasonal_status"] == "ok"
    text = trends.change_sentences(analysis.changes, "Slagelse", analysis.comparison_area, analysis.groups)[1]
    assert text.startswith("Siden 1. kvt. 2021 er antallet af sygedagpengemodtagere i Slagelse ")
    assert "(faktisk antal)." in text and "statusrapporten" not in text and "samme kvartal året før" in text
    with pytest.raises(ParameterError, match="base quarter 2024Q4 must lie from 2019Q1 up to before the last quarter"):
        trends.analyse_statbank("Slagelse", base_period="2024Q4", source="demo")
    with pytest.raises(ParameterError, match="after the latest quarter in the StatBank data"):
        trends.analyse_statbank("Slagelse", period="2025Q2", source="demo")


def test_quarterly_mean_needs_all_three_months():
    monthly = pd.Series([10.0, 20.0, 30.0, 40.0, np.nan, 60.0, 70.0], index=periods.month_range("2024M01", "2024M07"))
    means = trends.quarterly_mean(monthly)
    assert means["2024Q1"] == 20.0 and pd.isna(means["2024Q2"]) and pd.isna(means["2024Q3"])


def test_source_comparison_puts_jobindsats_and_statbank_side_by_side(demo_data):
    table = trends.source_comparison("Slagelse", "2021M01", "demo").set_index("target_group")
    assert list(table.index) == list(trends.COMPARED_GROUPS)
    row = table.loc["sygedagpenge"]
    assert (row["base_period"], row["latest_period"]) == ("2021Q1", "2024Q4")
    monthly = load.load_table("Y07A02", "demo", measures="fulltime_persons")
    own = monthly[monthly["area"] == "Slagelse"].set_index("period")["value"]
    assert row["jobindsats_latest"] == pytest.approx(own[["2024M10", "2024M11", "2024M12"]].mean())
    auk = load.load_table("AUK01", "demo", measures="fulltime_persons", benefit_type="Sygedagpenge mv.")
    stat = auk[auk["area"] == "Slagelse"].set_index("period")["value"]
    assert row["statbank_change_pct"] == pytest.approx((stat["2024Q4"] - stat["2021Q1"]) / stat["2021Q1"] * 100)
    # The demo's two sources are drawn from the same latent series: levels agree within rounding.
    assert table["statbank_pct_of_jobindsats"].between(97, 103).all()
    text = trends.comparison_sentences(table.reset_index(), "Slagelse")[1]
    assert text.startswith("Sygedagpengemodtagere i Slagelse fra 1. kvt. 2021 til 4. kvt. 2024: Jobindsats ")
    assert "Danmarks Statistik " in text and text.endswith("; kilderne peger samme vej.")
    flipped = table.reset_index().assign(statbank_change_pct=-table["jobindsats_change_pct"].to_numpy())
    assert all(s.endswith("hver sin vej, så tallene bør undersøges nærmere.") for s in trends.comparison_sentences(flipped, "Slagelse"))
