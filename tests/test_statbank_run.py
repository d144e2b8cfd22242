"""``--source dst``: the reports on Statistics Denmark's StatBank (AUK01) alone, without a Jobindsats key (issue 16).

The data: the demo's StatBank files (written by the demo generator in StatBank's own CSV layout) put where a
real fetch saves them, ``data/raw/dst/``, and built as the real data; no Jobindsats table anywhere.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket

import pytest

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.data import build, load
from analysis.run import cli, plan
from analysis.run import statbank as run_statbank
from analysis.sources import fetch, http
from analysis.sources.statbank import auk01
from tests.fake_servers import FakeServer

FAST = http.RetryPolicy(total=1, backoff_factor=0.001, backoff_max=0.01, retry_after_max=0.05, connect_timeout=1.0,
                        read_timeout=0.4, body_retries=1)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("DST_API_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(fetch, "DEFAULT_POLICY", FAST)


@pytest.fixture
def statbank_only(demo_data_root, data_root):
    """A data root whose real data is the demo's StatBank files only (as `analysis fetch --source dst` saves them)."""
    shutil.copytree(demo_data_root / "raw" / "demo" / "dst", paths.raw_dst_dir("real"))
    build.build("real")
    return data_root


def test_dst_reads_only_the_statbank_tables_of_the_real_data(statbank_only):
    assert load.resolve_source("dst") == "dst" and not load.is_demo("dst") and load.is_statbank("dst")
    assert load.available_tables("dst") == ["AUK01"]
    assert load.available_periods("AUK01", "dst")[-1] == "2024Q4"
    assert load.vintage("dst")["label"].startswith("Danmarks Statistik, Statistikbanken (AUK01), data hentet ")
    with pytest.raises(ParameterError, match="Y01A02 is not a Statistics Denmark table"):
        load.load_table("Y01A02", "dst")


def test_dst_without_statbank_data_says_how_to_fetch(data_root):
    with pytest.raises(ParameterError, match=r"run `analysis fetch --source dst` and then `analysis build` \(no key needed\)"):
        load.resolve_source("dst")


def test_on_statbank_only_trends_can_be_made_and_the_jobindsats_reports_are_not_possible():
    missing = {name: plan.missing_tables(name, ["AUK01"], "dst") for name in plan.NOTEBOOK_DATA}
    assert missing["target_group_trends"] == []
    assert missing["benchmark_ranking"] == ["Y30R21"]
    assert missing["business_programs"] == ["PTVC01", "Y14D03", "JOBORDRER"]
    assert plan.missing_tables("target_group_trends", ["Y01A02"], "dst") == ["AUK01"]
    assert plan.missing_tables("target_group_trends", ["Y01A02"], "real") == []  # unchanged on Jobindsats
    en, da = plan.how_to_get(["Y30R21"], "dst")
    assert "`analysis fetch --tables Y30R21`" in en and "needs a Jobindsats API key" in en and "--source real" in en
    assert "kræver en API-nøgle til Jobindsats" in da


def test_the_statbank_needs_agree_with_the_analyses():
    from analysis.analyses import key_figures, trends

    assert set(plan.STATBANK_DATA) == {"target_group_trends", "quarterly_key_figures"}
    assert {t for needs in plan.STATBANK_DATA.values() for t in needs.all_of} == set(load.STATBANK_TABLES) == {"AUK01"}
    assert {g.target_group.table for g in trends.load_mapping()[0]} == {"AUK01"}
    assert {f.table for f in key_figures.STATBANK_FIGURES} == {"AUK01"}
    assert plan.STATBANK_DATA["target_group_trends"].base_parameter == plan.NOTEBOOK_DATA["target_group_trends"].base_parameter


def test_run_dst_offline_without_data_is_one_line_saying_how_to_fetch(data_root, offline, capsys):
    assert cli.main(["run", "--source", "dst", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "no Statistics Denmark data in" in err and "could not be fetched" in err
    assert "run `analysis fetch --source dst` and then `analysis build`" in err
    assert not paths.raw_dst_dir("real").exists() and not (data_root / "outputs").exists()


def test_run_dst_with_unbuilt_statbank_files_asks_for_the_build(demo_data_root, data_root, offline):
    shutil.copytree(demo_data_root / "raw" / "demo" / "dst", paths.raw_dst_dir("real"))
    with pytest.raises(ParameterError, match="were never built; run `analysis build` first"):
        run_statbank.ensure_data(quiet=True)


def test_missing_statbank_data_is_fetched_and_built_first_when_online(data_root, monkeypatch):
    server = FakeServer("unused-token")
    server.state.dst_quarters = ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]
    monkeypatch.setenv("DST_API_URL", server.url + "/v1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(fetch, "DEFAULT_POLICY", FAST)
    lines = []
    try:
        assert run_statbank.ensure_data(out=lines.append) is True
    finally:
        server.stop()
    assert "fetching it (no key needed)" in lines[0]
    assert sorted(p.name for p in paths.raw_dst_dir("real").glob("AUK01__*.csv")) == ["AUK01__2021Q1-2021Q4.csv"]
    assert load.available_tables("dst") == ["AUK01"] and load.latest_period("AUK01", "dst") == "2021Q4"
    assert run_statbank.ensure_data() is False  # present now: nothing fetched again


# ----------------------------------------------------------------------------- the trends report told for its source


def test_on_statbank_the_trends_texts_figures_and_tables_speak_of_quarters_and_full_time_recipients(statbank_only):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from analysis.analyses import trends

    analysis = trends.analyse_for_source("Aarhus", source="dst", base_period="2021M01")
    assert analysis.source == "dst" and analysis.base_period == "2021Q1" and analysis.end_period == "2024Q4"
    assert trends.subtitle_da(analysis).startswith("Udviklingen siden 1. kvt. 2021 ")
    for section in ("index", "method", "seasonal"):
        text = " ".join(trends.section_da(analysis, section))
        assert "måned" not in text and "kvartal" in text, (section, text)
    assert "fuldtidsmodtagere pr. kvartal" in " ".join(trends.section_da(analysis, "intro"))
    assert not trends.has_shares(analysis) and "ikke i denne kilde" in " ".join(trends.section_da(analysis, "shares"))
    about = " ".join(trends.about_da(analysis))
    assert "**Langtidsledige:** ikke i denne kilde" in about and "**Aktivitetsparate kontanthjælpsmodtagere:** ikke i denne kilde" in about
    assert "**Sygedagpengemodtagere:** Sygedagpenge mv., opgjort som fuldtidsmodtagere pr. kvartal" in about
    assert "periode på 4 kvartaler" in about and "Jobindsats' rapport tæller **personer**" in about
    shown = trends.changes_spec(analysis).columns_da
    assert shown["latest_value"] == "Antal fuldtidsmodtagere seneste kvartal" and shown["latest_label"] == "Seneste kvartal"
    assert "share_measured_in" not in trends.yoy_spec(analysis).columns_da
    notes = " ".join([*analysis.notes, trends.comparison_note(analysis), trends.regional_level_note(analysis),
                      trends.basis_sentence(analysis)])
    assert "Jobindsats" not in notes and "andel" not in notes.lower() and "måned" not in notes, notes
    fig = trends.figure_changes(analysis, "dst")
    try:
        assert fig.get_supxlabel() == "Kilde: Danmarks Statistik (AUK01)"
        assert not [t for t in fig.texts if t.get_gid() == "demo-watermark"]  # real data: no demo label
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert "Ændring fra 1. kvt. 2021 til seneste kvartal" in texts and not [t for t in texts if "måned" in t]
    finally:
        plt.close(fig)


def test_on_jobindsats_the_trends_texts_are_monthly_and_name_jobindsats(demo_data):
    from analysis.analyses import trends

    analysis = trends.analyse_for_source("Slagelse", source="demo")
    assert trends.has_shares(analysis)
    assert "basismåneden (= 100)" in trends.section_da(analysis, "index")[0]
    assert trends.about_da(analysis)[0].startswith("**Kilde:** Jobindsats (A-dagpenge Y01A02")
    assert trends.changes_spec(analysis).columns_da["latest_value"] == "Antal personer seneste måned"


def _raw_auk01(root, municipality: str, codes: tuple[str, ...]) -> dict[str, float]:
    """Quarter -> the sum of the benefit types ``codes`` for a municipality, read by hand from the raw StatBank files
    (both label languages; quarters 2021K1 and 2024Q4 both as 2021Q1, 2024Q4)."""
    texts = {t for c in codes for t in (auk01.benefit_type(c).da, auk01.benefit_type(c).en)}
    out: dict[str, float] = {}
    for path in sorted(root.glob("AUK01__*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            if row[0] == municipality and row[1] in texts:
                quarter = row[4].replace("K", "Q")
                out[quarter] = out.get(quarter, 0.0) + float(row[5])
    return out


# ----------------------------------------------------------------------------- the key figures on StatBank


def test_on_statbank_the_key_figures_are_auk01s_full_time_recipients_and_the_others_are_not_in_this_source(statbank_only):
    from matplotlib import pyplot as plt

    from analysis.analyses import key_figures

    assert key_figures.figures_for("dst") == key_figures.STATBANK_FIGURES and key_figures.figures_for("") == key_figures.FIGURES
    dash = key_figures.dashboard("Aarhus", source="dst")
    assert dash.quarter == "2024Q4" and dash.previous_quarter == "2024Q3"
    assert list(dash.table["figure"]) == ["dst_a_dagpenge", "dst_sygedagpenge", "dst_kontanthjaelp", "dst_offentligt_forsoergede"]
    by_hand = _raw_auk01(paths.raw_dst_dir("real"), "Aarhus", ("DP", "AKDP"))  # insured unemployed: net + activated
    row = dash.table.set_index("figure").loc["dst_a_dagpenge"]
    assert row["value"] == by_hand["2024Q4"] and row["year_earlier_value"] == by_hand["2023Q4"]
    assert row["change_year"] == by_hand["2024Q4"] - by_hand["2023Q4"]
    missing = " ".join(dash.notes)
    assert "Udvalgets nøgletal er ikke i denne kilde (Danmarks Statistiks AUK01)" in missing
    for fig in key_figures.FIGURES:
        assert fig.title_da[1:] in missing, fig.key
    assert key_figures.method_da("dst")[0].startswith("**Kilde:** Danmarks Statistik, Statistikbanken, tabel AUK01")
    assert "Jobindsats' månedstal" in key_figures.method_da("demo")[0]
    fig = key_figures.figure_history(dash, "dst")
    try:
        assert fig.get_supxlabel() == "Kilde: Danmarks Statistik (AUK01)"
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------------- the two sources side by side


def test_with_jobindsats_and_statbank_in_the_data_the_trends_report_compares_them(demo_data):
    from analysis.analyses import trends
    from analysis.present import report

    analysis = trends.analyse_for_source("Holbæk", source="demo")
    table = trends.compare_sources(analysis)
    assert list(table["target_group"]) == ["a_dagpenge", "sygedagpenge", "offentligt_forsoergede"]
    assert set(table["base_period"]) == {"2021Q1"} and set(table["latest_period"]) == {"2024Q4"}
    by_hand = _raw_auk01(demo_data / "raw" / "demo" / "dst", "Holbæk", ("SY",))
    row = table.set_index("target_group").loc["sygedagpenge"]
    assert row["statbank_base"] == by_hand["2021Q1"] and row["statbank_latest"] == by_hand["2024Q4"]
    texts = " ".join(trends.comparison_texts_da(analysis, table))
    assert "fuldtidspersoner pr. måned" in texts and "fuldtidsmodtagere pr. kvartal" in texts  # the differences named
    shown = report.table_html(table, columns_da=trends.comparison_spec(analysis).columns_da,
                              formats=trends.comparison_spec(analysis).formats)
    assert "Danmarks Statistik, ændring (pct.)" in shown and "Jobindsats, basiskvartal" in shown


def test_on_statbank_alone_the_comparison_says_it_needs_jobindsats(statbank_only):
    from analysis.analyses import trends

    analysis = trends.analyse_for_source("Holbæk", source="dst")
    table = trends.compare_sources(analysis)
    assert table.empty and list(table.columns) == trends.COMPARISON_COLUMNS
    assert "kræver Jobindsats' tal, som ikke er i denne kilde" in trends.comparison_texts_da(analysis, table)[0]


# ----------------------------------------------------------------------------- the reports, end to end


@pytest.fixture(scope="module")
def statbank_reports(demo_data_root, tmp_path_factory):
    """`analysis run --source dst` for Holbæk (not the default municipality) on the StatBank files alone."""
    import os
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("statbank-data")
    shutil.copytree(demo_data_root / "raw" / "demo" / "dst", root / "raw" / "dst")
    out = tmp_path_factory.mktemp("statbank-outputs")
    env = {**os.environ, "ANALYSIS_DATA_DIR": str(root), "ANALYSIS_OUTPUT_DIR": str(out)}
    subprocess.run([sys.executable, "-m", "analysis.run.cli", "build"], env=env, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "analysis.run.cli", "run", "--source", "dst", "--municipality", "Holbæk",
                           "--jobs", "2"], env=env, capture_output=True, text=True, timeout=600, cwd=str(paths.PROJECT_ROOT))
    return proc, out / "2024Q4" / "316-Holbæk", root


@pytest.mark.slow
def test_run_dst_makes_the_trends_report_and_key_figures_on_statbank_and_lists_the_rest_as_not_possible(statbank_reports):
    from analysis.present import formats as fmt

    proc, folder, root = statbank_reports
    assert proc.returncode == 3, proc.stderr  # README: 3 = no report failed, some not possible with these data
    assert "failed" not in proc.stderr
    for name, table in (("benchmark_ranking", "Y30R21"), ("business_programs", "PTVC01, Y14D03, JOBORDRER")):
        assert f"316-Holbæk/{name}: not possible with the dst data: table" in proc.stderr and table in proc.stderr
    html = (folder / "target_group_trends.html").read_text(encoding="utf-8")
    assert "Danmarks Statistik, Statistikbanken (rigtige data, uden Jobindsats)" in html
    assert "Demodata" not in html and "Traceback" not in html
    assert "Udviklingen siden 1. kvt. 2021 sammenlignet med RAR Sjælland uden Holbæk" in html
    assert "Langtidsledige: ikke i denne kilde" in html and "fuldtidsmodtagere pr. kvartal" in html
    assert "basismåned" not in html
    # the change since the base quarter in the report equals a hand computation from the raw StatBank file
    raw = _raw_auk01(root / "raw" / "dst", "Holbæk", ("SY",))
    pct = (raw["2024Q4"] - raw["2021Q1"]) / raw["2021Q1"] * 100
    assert f"Siden 1. kvt. 2021 er antallet af sygedagpengemodtagere i Holbæk faldet med {fmt.percent(-pct, 1)}" in html \
        if pct < 0 else f"i Holbæk steget med {fmt.percent(pct, 1)}" in html
    key = (folder / "quarterly_key_figures.html").read_text(encoding="utf-8")
    assert "Danmarks Statistik, Statistikbanken (rigtige data, uden Jobindsats)" in key and "Demodata" not in key
    a_dagpenge = _raw_auk01(root / "raw" / "dst", "Holbæk", ("DP", "AKDP"))["2024Q4"]
    assert f"Fuldtidsmodtagere af a-dagpenge (forsikrede ledige): {fmt.number(a_dagpenge)} i 4. kvt. 2024" in key
    assert "Udvalgets nøgletal er ikke i denne kilde" in key


@pytest.mark.slow
def test_run_dst_gives_a_front_page_with_the_statbank_quarters(statbank_reports):
    """The front page shows what the StatBank data gives (quarters, full-time recipients) and names what is missing."""
    import json

    import pandas as pd

    from analysis.present import formats as fmt

    proc, folder, root = statbank_reports
    record = json.loads((folder.parent / "run.json").read_text(encoding="utf-8"))
    (entry,) = record["front_pages"]
    assert entry["status"] == "ok", entry["error"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    raw = _raw_auk01(root / "raw" / "dst", "Holbæk", ("SY",))
    assert fmt.integer(raw["2024Q4"]) in page
    assert "fuldtidsmodtagere, 4. kvt. 2024" in page and "siden 3. kvt. 2024" in page and "siden 4. kvt. 2023" in page
    assert "Indeks: første kvartal = 100" in page and "målgrupper: kvartalet før" in page
    assert "»Beskæftigelsesministeriets benchmark«" in page  # named as missing
    tiles = pd.read_csv(folder / "tables" / "front_page__target_groups.csv", dtype={"period": str}).set_index("target_group")
    sy = tiles.loc["sygedagpenge"]
    assert sy["period"] == "2024Q4" and sy["value"] == raw["2024Q4"] and sy["unit"] == "fuldtidsmodtagere"
    assert sy["change_quarter_pct"] == pytest.approx((raw["2024Q4"] - raw["2024Q3"]) / raw["2024Q3"] * 100)
