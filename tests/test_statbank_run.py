"""``--source dst``: the reports on Statistics Denmark's StatBank (AUK01) alone, without a Jobindsats key (issue 16).

The data: the demo's StatBank files (written by the demo generator in StatBank's own CSV layout) put where a
real fetch saves them, ``data/raw/dst/``, and built as the real data; no Jobindsats table anywhere.
"""

from __future__ import annotations

import shutil
import socket

import pytest

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.data import build, load
from analysis.run import cli, plan
from analysis.run import statbank as run_statbank
from analysis.sources import fetch, http
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
def test_run_dst_makes_the_trends_report_on_statbank_and_lists_the_rest_as_not_possible(statbank_reports):
    proc, folder, _ = statbank_reports
    assert proc.returncode == 3, proc.stderr  # README: 3 = no report failed, some not possible with these data
    assert "failed" not in proc.stderr
    for name, table in (("benchmark_ranking", "Y30R21"), ("business_programs", "PTVC01, Y14D03, JOBORDRER")):
        assert f"316-Holbæk/{name}: not possible with the dst data: table" in proc.stderr and table in proc.stderr
    html = (folder / "target_group_trends.html").read_text(encoding="utf-8")
    assert "Danmarks Statistik, Statistikbanken (rigtige data, uden Jobindsats)" in html
    assert "Demodata" not in html and "Traceback" not in html
