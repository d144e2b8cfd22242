"""The leadership front page and the national overview (issue 17).

- the numbers by hand on small frames (the change since the previous quarter, the rank change,
  the key figures' status, what moved most);
- "since last quarter" on the demo data against a hand computation from the trends' monthly panel;
- end to end (slow): the runner's front pages for two municipalities and two quarters, each tile's
  number checked against the reports' own CSV tables (a different table of the same report where
  there is one), the period index's overview, and a municipality with missing tables.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import front_page
from analysis.analyses.front_page import display
from analysis.reference import geography

ROOT = Path(__file__).resolve().parents[1]


def _monthly(values: dict[str, list[float]], start: str = "2023M01") -> pd.DataFrame:
    from analysis.reference import periods

    rows = []
    for area, series in values.items():
        months = periods.month_range(start, periods.shift(start, len(series) - 1))
        for m, v in zip(months, series, strict=True):
            rows.append({"target_group": "sygedagpenge", "area": area, "period": m, "value": v, "share_pct": v / 100,
                         "basis": "published"})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- by hand


def test_target_group_change_since_previous_quarter_and_year_by_hand():
    # 13 months: 2023M01 .. 2024M01; latest 2024M01 = 130, three months before (2023M10) = 100, a year before = 110
    series = [110, 1, 1, 1, 1, 1, 1, 1, 1, 100, 1, 1, 130]
    tiles = front_page.target_group_tiles(_monthly({"Slagelse": series, "Hele landet": [5] * 13}), "Slagelse")
    (t,) = tiles.itertuples(index=False)
    assert (t.period, t.previous_period, t.year_earlier_period) == ("2024M01", "2023M10", "2023M01")
    assert (t.value, t.previous_value, t.year_earlier_value) == (130, 100, 110)
    assert t.change_quarter == 30 and t.change_quarter_pct == pytest.approx(30.0)
    assert t.change_year == 20 and t.change_year_pct == pytest.approx(20 / 110 * 100)
    assert t.group_da == "Sygedagpengemodtagere"


def test_a_month_missing_stays_missing_never_zero():
    tiles = front_page.target_group_tiles(_monthly({"Slagelse": [100, 120]}), "Slagelse")
    (t,) = tiles.itertuples(index=False)
    assert math.isnan(t.previous_value) and math.isnan(t.change_quarter_pct) and math.isnan(t.change_year_pct)
    assert "ingen tal for" in display.target_group_tiles(tiles)[0]["changes"][0]["text"]


def test_benchmark_rank_change_since_previous_measurement():
    history = pd.DataFrame({
        "period": ["2024QMAT03", "2024QMAT03", "2024QMAT04", "2024QMAT04"],
        "benefit_group": ["Ydelsesgrupper i alt", "A-dagpenge mv."] * 2,
        "rank": [52, 60, 49, 66], "difference_pp": [0.1, 0.2, 0.0, 0.3],
    })
    tiles = front_page.benchmark_tiles(history)
    assert list(tiles["benefit_group"]) == ["Ydelsesgrupper i alt", "A-dagpenge mv."]
    assert list(tiles["rank"]) == [49, 66] and list(tiles["places_gained"]) == [3, -6]
    shown = display.benchmark_tiles(tiles)
    assert shown[0]["changes"][0]["arrow"] == "▲" and shown[0]["changes"][0]["tone"] == "good"
    assert "3 pladser frem" in shown[0]["changes"][0]["text"]
    assert shown[1]["changes"][0]["arrow"] == "▼" and "6 pladser tilbage" in shown[1]["changes"][0]["text"]


def _key_figures() -> pd.DataFrame:
    return pd.DataFrame({
        "figure": ["andel_a_dagpenge", "partnerskabsaftaler", "voksenlaerlinge"],
        "label_da": ["Andel på a-dagpenge", "Partnerskabsaftaler", "Voksenlærlinge"],
        "unit": ["pct", "antal", "personer"], "quarter": ["2024Q4"] * 3, "value": [1.5, 12, 40],
        "previous_quarter": ["2024Q3"] * 3, "previous_value": [1.2, 12, 50],
        "target": [1.4, 10, np.nan], "target_direction": ["max", "min", np.nan],
        "target_compared_value": [1.45, 11, np.nan], "status": ["not_met", "met", np.nan],
        "status_da": ["Ikke nået", "Nået", "–"],
    })


def test_since_last_quarter_orders_by_relative_change_and_knows_better_from_worse():
    targets = front_page.target_group_tiles(_monthly({"Slagelse": [100, 1, 1, 90]}), "Slagelse")
    since = front_page.since_last_quarter(targets, front_page.key_figure_tiles(_key_figures()))
    # a-dagpenge share 1.2 -> 1.5 (+25 %), lærlinge 50 -> 40 (-20 %), sygedagpenge 100 -> 90 (-10 %), aftaler 0 %
    assert list(since["item"]) == ["Andel på a-dagpenge", "Voksenlærlinge", "Sygedagpengemodtagere", "Partnerskabsaftaler"]
    assert list(since["change_pct"]) == pytest.approx([25.0, -20.0, -10.0, 0.0])
    assert since["better"].tolist()[:3] == [False, False, True]  # fewer a-dagpenge, more lærlinge, fewer recipients
    assert pd.isna(since["better"].iloc[3])
    sentences = display.since_sentences(since, top=3)
    assert sentences[0] == ("**Andel på a-dagpenge**: 1,5 % i 4. kvt. 2024 mod 1,2 % i 3. kvt. 2024, "
                            "+0,3 pct.-point – en forværring.")
    assert sentences[2].startswith("**Sygedagpengemodtagere**: 90 i ")
    assert "-10,0 % (-10 personer) – en forbedring." in sentences[2]


def test_key_figure_tiles_have_a_symbol_as_well_as_a_colour():
    tiles = display.key_figure_tiles(front_page.key_figure_tiles(_key_figures()))
    assert [t["status"]["symbol"] for t in tiles] == ["✖", "✔", "○"]
    assert [t["status"]["tone"] for t in tiles] == ["bad", "good", "neutral"]
    assert [t["status"]["text"] for t in tiles] == ["Ikke nået", "Nået", "Intet mål"]
    assert tiles[0]["value"] == "1,5 %" and "mål: højst 1,4 %" in tiles[0]["note"]


def test_small_multiples_last_24_months_indexed_with_the_comparison_area():
    monthly = _monthly({"Slagelse": list(range(100, 130)), "RAR Sjælland uden Slagelse": [200] * 30,
                        "Hele landet": [900] * 30})
    multiples = front_page.small_multiples(monthly, "Slagelse")
    own = multiples[multiples["role"] == "municipality"]
    comp = multiples[multiples["role"] == "comparison"]
    assert len(own) == 24 and own["period"].iloc[0] == "2023M07" and own["period"].iloc[-1] == "2025M06"
    assert own["index"].iloc[0] == 100 and own["index"].iloc[-1] == pytest.approx(129 / 106 * 100)
    assert set(comp["area"]) == {"RAR Sjælland uden Slagelse"} and (comp["index"] == 100).all()
    (chart,) = display.small_multiples(multiples)
    assert len(chart["own"]) == 1 and len(chart["own"][0].split()) == 24


def _quarterly(values: dict[str, list[float]], group: str = "kontanthjaelp", start: str = "2022Q1") -> pd.DataFrame:
    """The trends report's table on Statistics Denmark's AUK01: quarters, full-time recipients, no shares."""
    from analysis.reference import periods

    rows = []
    for area, series in values.items():
        for q, v in zip(periods.quarter_range(start, periods.shift(start, len(series) - 1)), series, strict=True):
            rows.append({"target_group": group, "area": area, "period": q, "value": v, "share_pct": np.nan,
                         "basis": "published"})
    return pd.DataFrame(rows)


def test_quarterly_statbank_series_compare_with_the_quarter_and_the_year_before():
    # 2022Q1 .. 2024Q4: latest 2024Q4 = 123, the quarter before = 126, a year before (2023Q4) = 116
    series = [150, 140, 130, 120, 118, 117, 119, 116, 121, 125, 126, 123]
    tiles = front_page.target_group_tiles(_quarterly({"Slagelse": series, "Hele landet": [9] * 12}), "Slagelse")
    (t,) = tiles.itertuples(index=False)
    assert (t.period, t.previous_period, t.year_earlier_period) == ("2024Q4", "2024Q3", "2023Q4")
    assert (t.value, t.previous_value, t.year_earlier_value) == (123, 126, 116)
    assert t.change_quarter_pct == pytest.approx(-3 / 126 * 100) and t.change_year_pct == pytest.approx(7 / 116 * 100)
    assert t.unit == "fuldtidsmodtagere" and t.group_da == "Nettoledige kontanthjælpsmodtagere"  # config/statbank_groups.yaml
    (tile,) = display.target_group_tiles(tiles)
    assert tile["note"] == "fuldtidsmodtagere, 4. kvt. 2024" and "siden 3. kvt. 2024" in tile["changes"][0]["text"]
    since = front_page.since_last_quarter(tiles, None)
    assert since.loc[0, "unit"] == "fuldtidsmodtagere" and "(-3 fuldtidsmodtagere)" in display.since_sentences(since)[0]
    # the small multiples: the quarters of the last 24 months, indexed to the first of them
    multiples = front_page.small_multiples(_quarterly({"Slagelse": series, "RAR Sjælland uden Slagelse": [50] * 12}),
                                           "Slagelse")
    own = multiples[multiples["role"] == "municipality"]
    assert own["period"].tolist() == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert own["index"].iloc[-1] == pytest.approx(123 / 118 * 100)
    # monthly Jobindsats series keep their words
    monthly = front_page.target_group_tiles(_monthly({"Slagelse": [100, 1, 1, 90]}), "Slagelse")
    assert monthly.loc[0, "unit"] == "personer" and display.target_group_tiles(monthly)[0]["note"].startswith("personer, ")


# ----------------------------------------------------------------------------- demo data: since last quarter by hand


def test_since_last_quarter_on_demo_data_matches_a_hand_computation(demo_data):
    from analysis.analyses import trends
    from analysis.reference import periods

    analysis = trends.analyse("Slagelse", "", "2024Q2", "2021M01", "demo", "")
    panel = analysis.panel.assign(period=analysis.panel["period"].astype(str))
    tiles = front_page.target_group_tiles(panel, "Slagelse").set_index("target_group")
    assert len(tiles) >= 4
    own = panel[panel["area"] == "Slagelse"]
    for group, frame in own.groupby("target_group"):
        values = dict(zip(frame["period"], frame["value"], strict=True))
        last = max(values, key=lambda c: periods.parse_period(c).end)
        assert last <= "2024M06"
        earlier = periods.shift(last, -3)
        by_hand = (values[last] - values[earlier]) / values[earlier] * 100
        assert tiles.loc[group, "period"] == last and tiles.loc[group, "previous_period"] == earlier
        assert tiles.loc[group, "change_quarter_pct"] == pytest.approx(by_hand)
        assert tiles.loc[group, "change_year_pct"] == pytest.approx(
            (values[last] - values[periods.shift(last, -12)]) / values[periods.shift(last, -12)] * 100)
    since = front_page.since_last_quarter(tiles.reset_index(), None)
    assert since["change_pct"].abs().is_monotonic_decreasing


# ----------------------------------------------------------------------------- missing tables: a page, never a failure


def test_missing_tables_give_a_page_with_a_note(tmp_path):
    from analysis.run.front import write_front_page

    folder = tmp_path / "330-Slagelse"
    (folder / "tables").mkdir(parents=True)
    key = _key_figures()
    key.to_csv(folder / "tables" / "quarterly_key_figures__key_figures.csv", index=False)
    entry = write_front_page(folder, geography.municipality("Slagelse"), period_label="4. kvt. 2024", source="demo")
    assert entry["status"] == "ok"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Ikke med på siden" in page and "benchmark_ranking__rank_history.csv" in page
    assert "Nøgletal mod mål" in page and "Partnerskabsaftaler" in page and "Benchmark</h2>" not in page
    assert (folder / "tables" / "front_page__key_figures.csv").is_file() and (folder / "front_page.xlsx").is_file()

    broken = tmp_path / "265-Roskilde"
    (broken / "tables").mkdir(parents=True)
    (broken / "tables" / "quarterly_key_figures__key_figures.csv").write_text("figure\nx\n", encoding="utf-8")
    entry = write_front_page(broken, geography.municipality("Roskilde"), period_label="4. kvt. 2024", source="demo")
    assert entry["status"] == "failed" and "KeyError" in entry["error"]
    assert "ikke kunne beregnes" in (broken / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- end to end: the runner


def _env(root: Path) -> dict:
    import os

    env = dict(os.environ)
    env["ANALYSIS_DATA_DIR"] = str(root)
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    return env


@pytest.fixture(scope="module")
def two_quarters(demo_data_root, tmp_path_factory):
    """Slagelse and Roskilde, every report, for two quarters of the demo data."""
    out = tmp_path_factory.mktemp("front-outputs")
    for period in ("2024Q2", "2024Q4"):
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.run.cli", "run", "--municipality", "Slagelse,Roskilde", "--period", period,
             "--out", str(out), "--source", "demo", "--quiet"],
            env=_env(demo_data_root), capture_output=True, text=True, timeout=900, cwd=str(ROOT),
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _csv(folder: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{stem}.csv", dtype={"period": str, "quarter": str, "latest_period": str})


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2024Q2", "2024Q4"])
@pytest.mark.parametrize("slug,name", [("330-Slagelse", "Slagelse"), ("265-Roskilde", "Roskilde")])
def test_tiles_match_the_reports_own_tables(two_quarters, period, slug, name):
    folder = two_quarters / period / slug
    page = (folder / "index.html").read_text(encoding="utf-8")
    # benchmark: the rank of the report's rank history in its latest measurement
    history = _csv(folder, "benchmark_ranking__rank_history")
    bench = _csv(folder, "front_page__benchmark").set_index("benefit_group")
    last = bench["period"].iloc[0]
    assert last == max(history["period"])
    for row in history[history["period"] == last].itertuples():
        assert bench.loc[row.benefit_group, "rank"] == row.rank
    assert f"nr. {int(bench['rank'].iloc[0])}" in page
    # target groups: the level and the change since last year are the report's year-on-year table
    targets = _csv(folder, "front_page__target_groups").set_index("target_group")
    yoy = _csv(folder, "target_group_trends__year_on_year")
    yoy = yoy[yoy["area"] == name].set_index("target_group")
    assert set(targets.index) == set(yoy.index)
    for group, row in yoy.iterrows():
        assert targets.loc[group, "period"] == row["latest_period"]
        assert targets.loc[group, "value"] == pytest.approx(row["latest_value"])
        assert targets.loc[group, "year_earlier_value"] == pytest.approx(row["year_earlier_value"])
        assert targets.loc[group, "change_year_pct"] == pytest.approx(row["change_pct"])
    from analysis.present import formats as fmt

    assert fmt.integer(targets["value"].iloc[0]) in page
    # key figures: the quarter's value, the previous quarter's and the status of the report's dashboard
    keys = _csv(folder, "front_page__key_figures")
    report = _csv(folder, "quarterly_key_figures__key_figures")
    assert list(keys["figure"]) == list(report["figure"]) and (keys["quarter"] == period).all()
    assert np.allclose(keys["value"], report["value"], equal_nan=True)
    assert np.allclose(keys["previous_value"], report["previous_value"], equal_nan=True)
    assert keys["status"].astype(object).fillna("").tolist() == report["status"].astype(object).fillna("").tolist()
    # the headline sentences are the reports' own, linked to them
    for notebook in front_page.REPORTS:
        sentences = _csv(folder, f"{notebook}__headlines")["sentence"]
        assert len(sentences) >= 1
        assert f'href="{notebook}.html#hovedpointer"' in page
        report_page = (folder / f"{notebook}.html").read_text(encoding="utf-8")
        assert 'id="hovedpointer"' in report_page
    assert "Siden sidste kvartal" in page and "<svg" in page and "Demodata – syntetiske tal" in page
    assert not re.search(r"<script[^>]+src=", page) and "Ikke med på siden" not in page
    assert (folder / "front_page.xlsx").is_file()


@pytest.mark.slow
def test_period_index_leads_to_the_front_pages_with_a_sortable_overview(two_quarters):
    period_dir = two_quarters / "2024Q4"
    index = (period_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="330-Slagelse/index.html"' in index and 'href="265-Roskilde/index.html"' in index
    assert 'id="ov-table"' in index and "<script>" in index and not re.search(r"<script[^>]+src=", index)
    # the pages are made during the batch, as each municipality's last report finishes; the record keeps the plan's order
    record = json.loads((period_dir / "run.json").read_text(encoding="utf-8"))
    assert [(e["folder"], e["status"]) for e in record["front_pages"]] == [("330-Slagelse", "ok"), ("265-Roskilde", "ok")]
    assert 'data-rar="RAR Sjælland"' in index and '<option>Region Sjælland</option>' in index
    # the municipalities come before the run's facts
    assert index.index("Alle kommuner") < index.index("Kørslen")
    overview = pd.read_csv(period_dir / "tables" / "front_page__overview.csv")
    assert list(overview["municipality"]) == ["Roskilde", "Slagelse"]
    slagelse = overview.set_index("municipality").loc["Slagelse"]
    changes = _csv(period_dir / "330-Slagelse", "target_group_trends__changes")
    own = changes[(changes["area"] == "Slagelse") & (changes["target_group"] == "sygedagpenge")].iloc[0]
    assert slagelse["sygedagpenge_change_base_pct"] == pytest.approx(own["change_pct"])
    assert slagelse["sygedagpenge_change_year_pct"] == pytest.approx(own["year_on_year_change_pct"])
    assert (period_dir / "front_page.xlsx").is_file()
    sidecar = json.loads((period_dir / "tables" / "front_page__overview.json").read_text(encoding="utf-8"))
    assert sidecar["columns"][1]["heading_da"] == "Kommune"
    record = json.loads((period_dir / "run.json").read_text(encoding="utf-8"))
    assert {f["folder"] for f in record["front_pages"]} == {"330-Slagelse", "265-Roskilde"}
    assert record["run"]["front_pages_seconds"] > 0


def test_bench_breakdown_shows_the_front_pages(tmp_path):
    from analysis.tools.timing import _breakdown

    record = {"run": {"front_pages_seconds": 3.0}, "reports": [],
              "front_pages": [{"status": "ok"}, {"status": "failed"}]}
    (tmp_path / "run.json").write_text(json.dumps(record), encoding="utf-8")
    assert _breakdown(tmp_path)["front_page"] == {"reports": 2, "cell_seconds": 0.0, "failed": 1, "report_seconds": 1.5}


# ----------------------------------------------------------------------------- the pieces the reports and the index add


def test_headlines_are_shown_with_an_anchor_and_saved_as_written(tmp_path):
    from analysis.present import report

    items = ["Første **vigtige** pointe.", None, "", "Anden pointe."]
    report.headlines(items, "benchmark_ranking", tmp_path)
    saved = pd.read_csv(report.headlines_path(tmp_path, "benchmark_ranking"))
    assert saved.to_dict("list") == {"order": [1, 2], "sentence": ["Første **vigtige** pointe.", "Anden pointe."]}
    from analysis.present import styles

    html = styles.render("blocks/sentences.html.j2", title="Hovedpointer", items=["x"], anchor=report.HEADLINES_ANCHOR)
    assert 'id="hovedpointer"' in html
    assert report.inline_markup("a < **b**") == "a &lt; <strong>b</strong>"


def _overview_frame() -> pd.DataFrame:
    rows = []
    for code, name, rank in ((330, "Slagelse", 49), (265, "Roskilde", 45), (101, "København", 90)):
        row = {c: np.nan for c in front_page.overview_columns()}
        row.update(code=code, municipality=name, rank_total=rank, rank_places_gained=-2, key_figures_met=3,
                   key_figures_not_met=1, key_figures_judged=4, sygedagpenge_change_base_pct=-12.34,
                   sygedagpenge_change_year_pct=1.0, folder=f"{code}-{name}")
        rows.append(row)
    return pd.DataFrame(rows)


def test_overview_rows_link_sort_and_filter_by_area():
    from analysis.run.index import overview_rows

    headings, rows, filters = overview_rows(_overview_frame())
    assert headings == ["Placering", "Ændring", "Sygedagpenge", "Nøgletal: mål nået"]  # groups without data left out
    slagelse = rows[0]
    assert slagelse["href"] == "330-Slagelse/index.html"
    assert (slagelse["rar"], slagelse["region"]) == ("RAR Sjælland", "Region Sjælland")
    assert slagelse["cells"][2] == (["▼ -12,3 %", "▲ +1,0 %"], "-12.3400", "num")
    assert slagelse["cells"][3][0] == ["✔ 3 af 4"]
    assert ("RAR-områder", ["RAR Hovedstaden", "RAR Sjælland"]) in filters
    assert ("Regioner", ["Region Hovedstaden", "Region Sjælland"]) in filters


def test_index_puts_the_municipalities_before_the_run(tmp_path):
    from analysis.run.index import render_index

    record = {"period": "2024Q4", "period_label": "4. kvt. 2024", "source": "demo", "vintage": {},
              "run": {"started": "2024-12-01T10:00:00+01:00", "duration_seconds": 1.0, "municipalities": ["Slagelse"],
                      "notebooks": ["x"], "comparison_area": "", "jobs": 1, "git_commit": "abc", "command": "analysis run"},
              "reports": [], "front_pages": [{"folder": "330-Slagelse", "municipality": "Slagelse",
                                              "html": "330-Slagelse/index.html"}]}
    one = render_index(record, _overview_frame().iloc[:1])
    assert 'href="330-Slagelse/index.html"' in one and "Slagelse: kvartalet på én side" in one
    assert 'id="ov-table"' not in one and one.index("Forsiden") < one.index("Kørslen")
    many = render_index(record, _overview_frame())
    assert 'id="ov-table"' in many and 'id="ov-search"' in many and "<script>" in many
    assert many.index("Alle kommuner") < many.index("Kørslen") and 'href="101-København/index.html"' in many


def _overflows_at(page: Path, width: int, tmp_path: Path) -> bool:
    """Whether ``page`` is wider than a ``width``-pixel window in headless Chromium: a script paints
    the whole window black when the document scrolls sideways, white when not; the screenshot tells."""
    import shutil

    from PIL import Image

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    probe = tmp_path / f"probe-{page.parent.name}-{page.name}"
    script = ("<script>var wide = document.documentElement.scrollWidth > window.innerWidth;"
              "document.body.style.visibility = 'hidden';"
              "document.documentElement.style.background = wide ? 'black' : 'white';</script></body>")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", script), encoding="utf-8")
    shot = tmp_path / "probe.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--window-size={width},600",
                    f"--screenshot={shot}", probe.as_uri()], capture_output=True, timeout=120, check=False)
    image = Image.open(shot).convert("L")
    assert image.size[0] == width
    return image.getpixel((width // 2, 300)) < 128


@pytest.mark.slow
def test_no_horizontal_scrolling_on_a_390_pixel_phone(two_quarters, tmp_path):
    period_dir = two_quarters / "2024Q4"
    assert not _overflows_at(period_dir / "330-Slagelse" / "index.html", 390, tmp_path)
    assert not _overflows_at(period_dir / "index.html", 390, tmp_path)
    # the probe itself can fail: a page made wider than the window is caught
    wide = tmp_path / "wide.html"
    wide.write_text('<html><body><div style="width:900px">x</div></body></html>', encoding="utf-8")
    assert _overflows_at(wide, 390, tmp_path)
