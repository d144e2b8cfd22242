"""The committee's quarterly key figures (analysis.analyses.key_figures, analysis.sources.local.local_key_figures) and their notebook."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import key_figures
from analysis.core import paths
from analysis.core.errors import InputError, ParameterError
from analysis.data import load
from analysis.demo.local_key_figures import write_local_key_figures
from analysis.reference import geography, periods
from analysis.sources.local import local_key_figures

# --------------------------------------------------------------------------- quarters


def test_quarterly_mean_by_hand_and_incomplete_quarters_are_missing():
    s = pd.Series([1.0, 2.0, 3.0, 4.0, np.nan, 6.0, 7.0], index=periods.month_range("2024M01", "2024M07"))
    q = key_figures.quarterly_mean(s)
    assert list(q.index) == ["2024Q1", "2024Q2", "2024Q3"]
    assert q["2024Q1"] == 2.0
    assert math.isnan(q["2024Q2"])  # a missing month: no average of fewer months
    assert math.isnan(q["2024Q3"])  # only one month of the quarter in the data


@pytest.mark.parametrize(
    "period, latest, expected",
    [
        ("", "2024M12", "2024Q4"),
        ("", "2024M11", "2024Q3"),  # the latest complete quarter
        ("2024Q2", "2024M12", "2024Q2"),
        ("2024M06", "2024M12", "2024Q2"),
        ("2024M05", "2024M12", "2024Q1"),
    ],
)
def test_resolve_quarter(period, latest, expected):
    assert key_figures.resolve_quarter(period, latest) == expected


def test_resolve_quarter_after_the_data_raises():
    with pytest.raises(ParameterError, match=r"period '2025Q1' is after the latest month in the data \(2024M12\)"):
        key_figures.resolve_quarter("2025Q1", "2024M12")


def test_quarter_months():
    assert key_figures.quarter_months("2024Q3") == ["2024M07", "2024M08", "2024M09"]


# --------------------------------------------------------------------------- targets


def test_default_targets_file_has_slagelse_and_nobody_else():
    targets, file = key_figures.load_targets("", "Slagelse")
    assert file == paths.CONFIG_DIR / "targets.yaml"
    assert set(targets) <= set(key_figures.FIGURE_KEYS) and "andel_a_dagpenge" in targets
    for t in targets.values():
        assert t.source and t.direction in ("max", "min")
    assert all(t.assumed for t in targets.values())  # placeholders until the plan's numbers are entered
    assert key_figures.load_targets("", "Aalborg")[0] == {}


def test_status():
    t = key_figures.Target("andel_a_dagpenge", 1.4, "max", "test")
    assert key_figures.status(1.4, t) == "met" and key_figures.status(1.41, t) == "not_met"
    m = key_figures.Target("voksenlaerlinge", 10, "min", "test")
    assert key_figures.status(10, m) == "met" and key_figures.status(9, m) == "not_met"
    assert key_figures.status(np.nan, m) == "no_data" and key_figures.status(5, None) == ""


@pytest.mark.parametrize(
    "body, message",
    [
        ("municipalities:\n  '330':\n    targets:\n      foo: {value: 1, direction: max, source: x}\n", r"targets/foo: unknown key figure"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: ti, direction: min, source: x}\n", r"'value' is 'ti', expected a number"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: 10, direction: up, source: x}\n", r"'direction' is 'up'"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: 10, direction: min}\n", r"'source' is empty"),
        ("municipalities:\n  '9999':\n    targets: {}\n", r"'9999' under 'municipalities' is not a kommunekode"),
        ("municipalities: [1, 2\n", r"not valid YAML"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: 10, direction: min, source: x}\n",
         r"voksenlaerlinge: 'applies_to' is ''; expected the period the target is set for"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: 10, direction: min, source: x, "
         "applies_to: næste år}\n", r"'applies_to' is 'næste år'"),
        ("municipalities:\n  '330':\n    targets:\n      voksenlaerlinge: {value: 10, direction: min, source: x, "
         "applies_to: '2024', compare_with: kvartal}\n", r"'compare_with' is 'kvartal'"),
    ],
)
def test_bad_targets_file_raises_naming_file_and_entry(tmp_path, body, message):
    f = tmp_path / "targets.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as exc:
        key_figures.load_targets(str(f), "Slagelse")
    assert str(f) in str(exc.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024", ("2024Q1", "2024Q4", "year")),
        ("2023-24", ("2023Q1", "2024Q4", "year")),
        ("2023 - 2024", ("2023Q1", "2024Q4", "year")),
        ("2024Q3", ("2024Q3", "2024Q3", "quarter")),
        ("2024K3", ("2024Q3", "2024Q3", "quarter")),
        ("2024, pr. kvartal", ("2024Q1", "2024Q4", "quarter")),
    ],
)
def test_parse_applies_to(text, expected):
    assert key_figures.parse_applies_to(text, "here") == expected


def _target(value, direction="max", applies_to="2024", compare_with="year_to_date"):
    first, last, per = key_figures.parse_applies_to(applies_to, "test")
    return key_figures.Target("x", value, direction, "test", applies_to, False, first, last, per,
                              compare_with if per == "year" else "quarter")


def test_judge_only_inside_the_period_and_annual_targets_on_the_year():
    level = key_figures.FIGURE_KEYS["kh_aktivitetsparate_helaarspersoner"]
    starts = key_figures.FIGURE_KEYS["voksenlaerlinge"]
    q = pd.Series([100.0, 90.0, 80.0, 70.0, 60.0, 50.0], index=periods.quarter_range("2023Q3", "2024Q4"))
    # a 2024 target says nothing about 2023 or 2025
    assert key_figures.judge(level, _target(75), "2023Q4", q).status == "not_in_period"
    assert key_figures.judge(level, _target(75), "2025Q1", q).status == "not_in_period"
    assert key_figures.STATUS_DA["not_in_period"] == "Intet mål for perioden"
    assert key_figures.judge(level, None, "2024Q1", q).status == ""
    # annual, year to date: 2. kvt. 2024 is judged on the average of 1. and 2. kvt. (80 + 70) / 2 = 75, not on 70
    j = key_figures.judge(level, _target(72), "2024Q2", q)
    assert (j.status, j.basis, j.value, j.target) == ("not_met", "year_to_date", 75.0, 72.0)
    assert j.basis_da == "gennemsnit 1.-2. kvt. 2024, år til dato" and j.quarters == ("2024Q1", "2024Q2")
    assert key_figures.judge(level, _target(72), "2024Q1", q).basis_da == "1. kvt. 2024, år til dato"
    # rolling four quarters: 3. kvt. 2023 - 2. kvt. 2024 = (100 + 90 + 80 + 70) / 4 = 85
    r = key_figures.judge(level, _target(72, compare_with="rolling_four_quarters"), "2024Q2", q)
    assert (r.basis, r.value) == ("rolling_four_quarters", 85.0)
    assert r.basis_da == "gennemsnit 3. kvt. 2023-2. kvt. 2024, seneste fire kvartaler"
    # counts of starts: the sum, against the matching share of the annual target (2/4 of 300 = 150)
    s_ = key_figures.judge(starts, _target(300, "min"), "2024Q2", q)
    assert (s_.value, s_.target, s_.status) == (150.0, 150.0, "met")
    assert s_.basis_da == "sum 1.-2. kvt. 2024, år til dato, mod 2/4 af årsmålet"
    full = key_figures.judge(starts, _target(300, "min"), "2024Q4", q)
    assert (full.value, full.target, full.status) == (260.0, 300.0, "not_met")
    # a target per quarter: the quarter's own value
    per_q = key_figures.judge(starts, _target(55, "min", "2024, pr. kvartal"), "2024Q3", q)
    assert (per_q.basis, per_q.value, per_q.status) == ("quarter", 60.0, "met")
    # a ratio: the ratio of the quarters' sums, not the average of the quarters' ratios
    ratio = key_figures.FIGURE_KEYS["andel_delvis_raskmelding"]
    num = pd.Series([10.0, 30.0], index=["2024Q1", "2024Q2"])
    den = pd.Series([100.0, 100.0], index=["2024Q1", "2024Q2"])
    assert key_figures.judge(ratio, _target(25, "min"), "2024Q2", num, den).value == pytest.approx(20.0)
    assert key_figures.judge(ratio, _target(25, "min", "2024, pr. kvartal"), "2024Q2", num, den).value == pytest.approx(30.0)
    # a missing quarter in the window: no status, never an average of fewer quarters
    gap = q.drop("2024Q1")
    assert key_figures.judge(level, _target(75), "2024Q2", gap).status == "no_data"


def test_missing_explicit_targets_file_raises(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        key_figures.load_targets(str(tmp_path / "nope.yaml"), "Slagelse")


# --------------------------------------------------------------------------- local figures


GOOD = (
    "# a comment\n"
    "kommunekode;kvartal;partnerskabsaftaler;personer_via_partnerskabsaftaler;voksenlærlinge;kommentar\n"
    "330;2024Q3;46;31;9;\n"
    "Slagelse;2024K4;48;;12;To nye VIP-aftaler\n"
)


def test_read_local_good_file(tmp_path):
    f = tmp_path / local_key_figures.FILENAME
    f.write_text("\ufeff" + GOOD, encoding="utf-8")
    frame = local_key_figures.read_local(f, tmp_path)
    assert frame["quarter"].tolist() == ["2024Q3", "2024Q4"]
    assert frame["kommunekode"].tolist() == ["330", "330"] and frame["kommune"].iloc[0] == "Slagelse"
    assert frame["partnerskabsaftaler"].tolist() == [46.0, 48.0]
    assert math.isnan(frame["personer_via_partnerskabsaftaler"].iloc[1])  # empty = not reported, not 0
    assert frame["source_row"].tolist() == [3, 4] and frame["source_file"].iloc[0] == local_key_figures.FILENAME


@pytest.mark.parametrize(
    "line, message",
    [
        ("330;2024M13;1;2;3;", r"line 4: column 'kvartal' has '2024M13', expected a quarter like 2024Q4"),
        ("330;2024Q1;1,5;2;3;", r"line 4: column 'partnerskabsaftaler' has '1,5', expected a whole number"),
        ("330;2024Q1;-1;2;3;", r"line 4: column 'partnerskabsaftaler' has '-1'"),
        ("Atlantis;2024Q1;1;2;3;", r"line 4: column 'kommunekode' has 'Atlantis'"),
        ("330;2024Q3;1;2;3;", r"lines 2 and 4: Slagelse 2024Q3 appears twice"),
        ("330;2024Q1;1;2;", r"line 4: 5 fields, expected 6"),
    ],
)
def test_read_local_bad_rows_name_file_and_line(tmp_path, line, message):
    f = tmp_path / local_key_figures.FILENAME
    f.write_text(
        "kommunekode;kvartal;partnerskabsaftaler;personer_via_partnerskabsaftaler;voksenlaerlinge;kommentar\n"
        "330;2024Q3;46;31;9;\n330;2024Q4;48;40;12;\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=message) as exc:
        local_key_figures.read_local(f, tmp_path)
    assert str(exc.value).startswith(local_key_figures.FILENAME)


def test_read_local_bad_header(tmp_path):
    f = tmp_path / local_key_figures.FILENAME
    f.write_text("kommunekode,kvartal,partnerskabsaftaler,voksenlaerlinge,antal\n330,2024Q1,1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: unknown column 'antal'"):
        local_key_figures.read_local(f, tmp_path)
    f.write_text("kommunekode,kvartal,partnerskabsaftaler,voksenlaerlinge\n330,2024Q1,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: missing column 'personer_via_partnerskabsaftaler'"):
        local_key_figures.read_local(f, tmp_path)


def test_write_demo_round_trips(tmp_path):
    path = write_local_key_figures(tmp_path, 7)
    assert path.name == local_key_figures.FILENAME
    frame = local_key_figures.read_local(path, tmp_path)
    assert frame["kommunekode"].nunique() == 98 and frame["quarter"].nunique() == 24
    assert (frame[list(local_key_figures.FIGURE_COLUMNS)].dropna() >= 0).all().all()
    assert path.read_text(encoding="utf-8") == write_local_key_figures(tmp_path / "again", 7).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the dashboard on demo data


def _quarter_mean(frame: pd.DataFrame, column: str, quarter: str) -> float:
    return float(frame.loc[key_figures.quarter_months(quarter), column].mean())


def test_dashboard_on_demo_data_by_hand(demo_data):
    d = key_figures.dashboard("Slagelse", "", "demo")
    assert (d.quarter, d.previous_quarter, d.year_earlier_quarter) == ("2024Q4", "2024Q3", "2023Q4")
    assert d.comparison_area == "RAR Sjælland"
    assert list(d.table.columns) == key_figures.TABLE_COLUMNS and set(d.table.columns) <= set(key_figures.HEADINGS_DA)
    t = d.table.set_index("figure")

    # Shares of the population: the quarter's average of the published monthly shares.
    adp = load.series("Y01A02", "pct_population", ["Slagelse", "RAR Sjælland"], "demo")
    row = t.loc["andel_a_dagpenge"]
    assert row.value == pytest.approx(_quarter_mean(adp, "Slagelse", "2024Q4"))
    assert row.previous_value == pytest.approx(_quarter_mean(adp, "Slagelse", "2024Q3"))
    assert row.year_earlier_value == pytest.approx(_quarter_mean(adp, "Slagelse", "2023Q4"))
    assert row.comparison_value == pytest.approx(_quarter_mean(adp, "RAR Sjælland", "2024Q4"))

    # Helårspersoner: average of the quarter's monthly full-time persons; over two years = 2-3 + over 3.
    ft = load.series("Y36A02", "fulltime_persons", ["Slagelse"], "demo", category="Aktivitetsparat")
    assert t.loc["kh_aktivitetsparate_helaarspersoner", "value"] == pytest.approx(_quarter_mean(ft, "Slagelse", "2024Q4"))
    assert t.loc["kh_aktivitetsparate_helaarspersoner", "year_earlier_value"] == pytest.approx(_quarter_mean(ft, "Slagelse", "2023Q4"))
    long = sum(
        load.series("Y36A02", "fulltime_persons", ["Slagelse"], "demo", category="Aktivitetsparat", duration=d_)["Slagelse"]
        for d_ in ("2-3 år", "Over 3 år")
    ).to_frame("Slagelse")
    assert t.loc["kh_aktivitetsparate_over_2_aar", "previous_value"] == pytest.approx(_quarter_mean(long, "Slagelse", "2024Q3"))

    # Delvis raskmelding: the ratio of the quarter's sums.
    partial = load.series("Y07A02", "partial_return_persons", ["Slagelse"], "demo")
    persons = load.series("Y07A02", "persons", ["Slagelse"], "demo")
    months = key_figures.quarter_months("2024Q4")
    expected = partial.loc[months, "Slagelse"].sum() / persons.loc[months, "Slagelse"].sum() * 100
    assert t.loc["andel_delvis_raskmelding", "value"] == pytest.approx(expected)

    # Ordinary paid hours: the aktivitetsparate rows of OTIJ01.
    hours = load.series("OTIJ01", "persons_with_hours", ["Slagelse"], "demo", target_group="Kontanthjælp, aktivitetsparat")
    assert t.loc["aktivitetsparate_med_loentimer", "value"] == pytest.approx(_quarter_mean(hours, "Slagelse", "2024Q4"))

    # Local figures: as delivered, per quarter.
    local = load.local_input(local_key_figures.NAME, "demo")
    own = local[(local["kommunekode"] == "330")].set_index("quarter")
    assert t.loc["voksenlaerlinge", "value"] == own.loc["2024Q4", "voksenlaerlinge"]
    assert t.loc["partnerskabsaftaler", "year_earlier_value"] == own.loc["2023Q4", "partnerskabsaftaler"]

    # Targets and status from config/targets.yaml: the 2024 target is annual, so 4. kvt. 2024 is judged on the
    # average of the year's four quarters (the year's figure), not on the quarter alone.
    target = d.targets["andel_a_dagpenge"]
    year = np.mean([_quarter_mean(adp, "Slagelse", q) for q in ("2024Q1", "2024Q2", "2024Q3", "2024Q4")])
    assert row.target == target.value and row.target_applies_to == "2024" and row.target_basis == "year_to_date"
    assert row.target_compared_value == pytest.approx(year) and row.target_compared_target == target.value
    assert row.status == key_figures.status(year, target) and row.status_da in ("Nået", "Ikke nået")
    assert row.target_basis_da == "gennemsnit 1.-4. kvt. 2024, hele året"
    shown, headings = key_figures.display_table(d)
    assert headings["value"] == "4. kvt. 2024" and shown["target"].str.contains("*", regex=False).any()
    assert shown["target"].iloc[0] == "højst 1.050* (2024)"  # the target with the period it applies to


TARGETS_2024 = """municipalities:
  "330":
    targets:
      kh_aktivitetsparate_helaarspersoner: {value: 1000, direction: max, applies_to: "2024", source: test}
      kh_aktivitetsparate_over_2_aar:
        {value: 700, direction: max, applies_to: "2024", compare_with: rolling_four_quarters, source: test}
      andel_delvis_raskmelding: {value: 30, direction: min, applies_to: "2024", source: test}
      voksenlaerlinge: {value: 40, direction: min, applies_to: "2024", source: test}
      partnerskabsaftaler: {value: 50, direction: min, applies_to: "2023", source: test}
"""


def test_dashboard_judges_targets_in_their_period_on_the_year_by_hand(demo_data, tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS_2024, encoding="utf-8")
    d = key_figures.dashboard("Slagelse", "2024Q2", "demo", targets_file=str(path))
    t = d.table.set_index("figure")

    # Annual helårspersoner, year to date: the average of 1. and 2. kvt. 2024, not the quarter alone.
    ft = load.series("Y36A02", "fulltime_persons", ["Slagelse"], "demo", category="Aktivitetsparat")
    ytd = np.mean([_quarter_mean(ft, "Slagelse", q) for q in ("2024Q1", "2024Q2")])
    row = t.loc["kh_aktivitetsparate_helaarspersoner"]
    assert row.target_compared_value == pytest.approx(ytd) and row.target_basis == "year_to_date"
    assert row.status == ("met" if ytd <= 1000 else "not_met")
    assert row.target_basis_da == "gennemsnit 1.-2. kvt. 2024, år til dato"

    # Rolling four quarters: 3. kvt. 2023 - 2. kvt. 2024.
    long = sum(
        load.series("Y36A02", "fulltime_persons", ["Slagelse"], "demo", category="Aktivitetsparat", duration=d_)["Slagelse"]
        for d_ in ("2-3 år", "Over 3 år")
    ).to_frame("Slagelse")
    rolling = np.mean([_quarter_mean(long, "Slagelse", q) for q in ("2023Q3", "2023Q4", "2024Q1", "2024Q2")])
    row = t.loc["kh_aktivitetsparate_over_2_aar"]
    assert row.target_compared_value == pytest.approx(rolling) and row.target_basis == "rolling_four_quarters"

    # Delvis raskmelding: the share of the six months' sums.
    partial = load.series("Y07A02", "partial_return_persons", ["Slagelse"], "demo")
    persons = load.series("Y07A02", "persons", ["Slagelse"], "demo")
    months = key_figures.quarter_months("2024Q1") + key_figures.quarter_months("2024Q2")
    share = partial.loc[months, "Slagelse"].sum() / persons.loc[months, "Slagelse"].sum() * 100
    assert t.loc["andel_delvis_raskmelding", "target_compared_value"] == pytest.approx(share)

    # Voksenlærlinge started: the sum of the two quarters against half the annual target.
    local = load.local_input(local_key_figures.NAME, "demo")
    own = local[local["kommunekode"] == "330"].set_index("quarter")["voksenlaerlinge"]
    row = t.loc["voksenlaerlinge"]
    assert row.target_compared_value == own["2024Q1"] + own["2024Q2"] and row.target_compared_target == 20
    assert row.target_basis_da == "sum 1.-2. kvt. 2024, år til dato, mod 2/4 af årsmålet"

    # A 2023 target is not judged in 2024.
    row = t.loc["partnerskabsaftaler"]
    assert (row.status, row.status_da, row.target) == ("not_in_period", "Intet mål for perioden", 50)
    assert any("Et af målene i målfilen gælder 2023. For 2. kvt. 2024 er der derfor intet mål" in n for n in d.notes)

    # The table and the text say which figure was compared.
    shown, headings = key_figures.display_table(d)
    shown = shown.set_index(d.table["figure"])
    assert headings["target_compared"] == "Sammenlignet med målet"
    assert shown.loc["voksenlaerlinge", "target_compared"].endswith("(sum 1.-2. kvt. 2024, år til dato, mod 2/4 af årsmålet); mål 20")
    assert shown.loc["kh_aktivitetsparate_helaarspersoner", "target"] == "højst 1.000 (2024)"
    assert shown.loc["partnerskabsaftaler", "target_compared"] == "–"
    text = " ".join(key_figures.summary_sentences(d))
    assert "(mål for 2024: " in text and "målt på gennemsnit 1.-2. kvt. 2024, år til dato)" in text
    assert "(intet mål for perioden)" in text
    table = key_figures.targets_table(d).set_index("label_da")
    assert table["compared_with"].tolist().count("De seneste fire kvartaler") == 1

    # In a 2023 quarter the 2024 targets are not judged, and the 2023 one is (on 2023's four quarters).
    before = key_figures.dashboard("Slagelse", "2023Q4", "demo", targets_file=str(path)).table.set_index("figure")
    judged = before[before["target"].notna()]
    assert set(judged.drop(index="partnerskabsaftaler")["status"]) == {"not_in_period"}
    assert before.loc["partnerskabsaftaler", "status"] in ("met", "not_met")
    assert before.loc["partnerskabsaftaler", "target_compared_value"] == pytest.approx(
        local[local["kommunekode"] == "330"].set_index("quarter").loc[["2023Q1", "2023Q2", "2023Q3", "2023Q4"],
                                                                      "partnerskabsaftaler"].mean())


def test_dashboard_for_a_quarter_and_another_municipality(demo_data):
    d = key_figures.dashboard("Aalborg", "2024M05", "demo")
    assert d.quarter == "2024Q1" and d.comparison_area == "RAR Nordjylland"
    assert d.table["target"].isna().all() and set(d.table["status"]) == {""}
    assert any("Der er ikke sat mål for Aalborg" in n for n in d.notes)
    # Which regional level the quarters use: RAR areas until 2024 (Jobindsats' regional councils follow the regions from 2025).
    assert d.regional_note.startswith("Regionalt niveau: RAR Nordjylland") and d.regional_note.endswith("med RAR Nordjylland.")
    assert key_figures.dashboard("Aalborg", "2024M05", "demo", "Hele landet").regional_note == ""


def test_dashboard_bad_input(demo_data):
    with pytest.raises(ParameterError, match="comparison area 'RAR Nordjylland' does not contain Slagelse"):
        key_figures.dashboard("Slagelse", "", "demo", "RAR Nordjylland")
    with pytest.raises(ParameterError, match="after the latest month"):
        key_figures.dashboard("Slagelse", "2025Q1", "demo")


def test_dashboard_without_local_file_shows_dash_and_a_note(demo_data, monkeypatch):
    def absent(name, source=""):
        raise ParameterError("no local input")

    monkeypatch.setattr(load, "local_input", absent)
    d = key_figures.dashboard("Slagelse", "", "demo")
    assert d.table.set_index("figure").loc[list(local_key_figures.FIGURE_COLUMNS), "value"].isna().all()
    assert any(local_key_figures.FILENAME in n for n in d.notes)


def test_the_four_steps_make_the_dashboard(demo_data, tmp_path):
    """The notebook's steps: the quarter, the loaded figures, the quarter's values, then the targets."""
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS_2024, encoding="utf-8")
    quarter = key_figures.quarter_setup("Slagelse", "2024Q2", "", "demo")
    assert (quarter.quarter, quarter.previous_quarter, quarter.year_earlier_quarter) == ("2024Q2", "2024Q1", "2023Q2")
    assert quarter.comparison_area == "RAR Sjælland" and len(quarter.history_quarters) == key_figures.HISTORY_QUARTERS
    data = key_figures.load_figures(quarter, "demo")
    assert [d.figure.key for d in data.figures] == [f.key for f in key_figures.FIGURES]
    values, history = key_figures.quarter_values(data)
    assert "target" not in values.columns and list(values.columns) == key_figures.TABLE_COLUMNS[:len(values.columns)]
    helaars = load.series("Y36A02", "fulltime_persons", ["Slagelse"], "demo", category="Aktivitetsparat")
    row = values.set_index("figure").loc["kh_aktivitetsparate_helaarspersoner"]
    assert row["value"] == pytest.approx(_quarter_mean(helaars, "Slagelse", "2024Q2"))
    assert row["year_earlier_value"] == pytest.approx(_quarter_mean(helaars, "Slagelse", "2023Q2"))
    dash = key_figures.compare_with_targets(data, values, history, str(path))
    assert list(dash.table.columns) == key_figures.TABLE_COLUMNS
    pd.testing.assert_frame_equal(dash.table[values.columns], values)
    whole = key_figures.dashboard("Slagelse", "2024Q2", "demo", targets_file=str(path))
    pd.testing.assert_frame_equal(dash.table, whole.table)
    pd.testing.assert_frame_equal(dash.history, whole.history)
    assert dash.notes == whole.notes and dash.notes[: len(data.notes)] == data.notes  # data notes first, then targets'
    assert any("gælder 2023" in n for n in dash.notes[len(data.notes):])


# --------------------------------------------------------------------------- the notebook


NOTEBOOK = paths.NOTEBOOKS_DIR / "quarterly_key_figures.ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("municipality", ["Slagelse", "Aalborg"])
def test_notebook_runs_end_to_end_and_writes_the_key_figures_csv(demo_data, tmp_path, municipality):
    import nbformat
    import papermill

    out_dir = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "run.ipynb"), kernel_name="python3", progress_bar=False,
        parameters=dict(municipality=municipality, comparison_area="", source="demo", period="2024Q4", output_dir=str(out_dir)),
    )
    nb = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    problems = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
    assert problems == []
    csv = pd.read_csv(out_dir / "tables" / "quarterly_key_figures__key_figures.csv", keep_default_na=False, na_values=[""])
    assert list(csv.columns) == key_figures.TABLE_COLUMNS
    assert csv["figure"].tolist() == [f.key for f in key_figures.FIGURES]
    expected = key_figures.dashboard(municipality, "2024Q4", "demo").table
    assert csv["value"].to_numpy() == pytest.approx(expected["value"].to_numpy(), nan_ok=True)
    assert set(csv["comparison_area"].dropna()) == {geography.rar_of(municipality)}
    targeted = csv[csv["target"].notna()]
    if municipality == "Slagelse":  # the 2024 targets of config/targets.yaml, judged on the year in 4. kvt. 2024
        assert len(targeted) and set(targeted["target_applies_to"]) <= {"2024", "2024, pr. kvartal"}
        assert set(targeted["target_basis"]) == {"year_to_date", "quarter"}
        assert targeted["target_basis_da"].str.len().gt(0).all()
    else:
        assert targeted.empty
