"""The recipe of docs/adding-an-analysis.md, followed for a small fifth notebook (tests/example_analysis/).

The example notebook takes the five standard parameters and one of its own, computes with a tested
function, shows a sentence, a figure and one table through its TableSpec, and passes the notebook
conventions (tests/test_notebook_conventions.py lists it). Here it runs with Papermill on the demo
data, and through ``analysis run --notebooks-dir`` as the runner runs the four reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import load
from tests.notebook_run import run_report_notebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "example_analysis"
NOTEBOOK = EXAMPLE / "partial_return.ipynb"
COLUMNS = ["area", "period", "persons", "partial_return_persons", "partial_return_pct"]


@pytest.fixture
def partial_return(monkeypatch):
    """The example's analysis module, imported the way its notebook does (from the notebook's folder)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    import partial_return_analysis

    return partial_return_analysis


def test_monthly_shares_by_hand(partial_return):
    rows = [("Slagelse", p, m, v) for p, m, v in [
        ("2024M01", "persons", 100.0), ("2024M01", "partial_return_persons", 25.0),
        ("2024M02", "persons", 0.0), ("2024M02", "partial_return_persons", 0.0),
        ("2024M03", "persons", 80.0), ("2024M03", "partial_return_persons", 20.0),
    ]] + [("RAR Sjælland", "2024M03", "persons", 1000.0), ("RAR Sjælland", "2024M03", "partial_return_persons", 300.0)]
    y07 = pd.DataFrame(rows, columns=["area", "period", "measure", "value"])
    shares = partial_return.monthly_shares(y07, ["Slagelse", "RAR Sjælland"], "2024Q1", months=2)
    assert list(shares.columns) == COLUMNS
    assert shares[["area", "period"]].values.tolist() == [["Slagelse", "2024M02"], ["Slagelse", "2024M03"],
                                                          ["RAR Sjælland", "2024M03"]]
    assert pd.isna(shares["partial_return_pct"].iloc[0])  # no recipients: no share, not 0
    assert shares["partial_return_pct"].iloc[1:].tolist() == pytest.approx([25.0, 30.0])
    assert partial_return.summary_sentence(shares, "Slagelse") == (
        "I Slagelse var 25,0 % af sygedagpengemodtagerne delvist raskmeldt i mar. 2024.")


@pytest.mark.slow
def test_example_notebook_runs_on_demo_data(demo_data, tmp_path, partial_return):
    tables, html = run_report_notebook(NOTEBOOK, tmp_path, "example", source="demo", municipality="Roskilde",
                                       period="2024Q2", months=6)
    csv = pd.read_csv(tables / "partial_return__shares.csv")
    assert list(csv.columns) == COLUMNS
    y07 = load.load_table("Y07A02", "demo", measures=partial_return.MEASURES)
    expected = partial_return.monthly_shares(y07, ["Roskilde", "RAR Sjælland"], "2024Q2", 6)
    assert csv["period"].tolist() == expected["period"].tolist() and set(csv["period"]) == {f"2024M0{m}" for m in range(1, 7)}
    assert csv["partial_return_pct"].to_numpy() == pytest.approx(expected["partial_return_pct"].to_numpy())
    sidecar = json.loads((tables / "partial_return__shares.json").read_text(encoding="utf-8"))
    assert sidecar["title_da"] == "Delvis raskmelding pr. måned"
    assert [c["heading_da"] for c in sidecar["columns"]][-1] == "Andel delvist raskmeldt (pct.)"
    assert "Demodata – syntetiske tal" in html and "Heraf delvist raskmeldt" in html
    assert "Sygedagpengemodtagere i delvis raskmelding pr. måned" in html
    assert partial_return.summary_sentence(expected, "Roskilde") in html


@pytest.mark.slow
def test_the_runner_runs_the_example_like_a_report(demo_data_root, tmp_path):
    env = {**os.environ, "ANALYSIS_DATA_DIR": str(demo_data_root)}
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.run.cli", "run", "--notebooks-dir", str(EXAMPLE), "--municipality", "Roskilde",
         "--out", str(tmp_path), "--source", "demo", "--quiet"],
        env=env, capture_output=True, text=True, timeout=600, cwd=str(ROOT),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (period_dir,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    page = (period_dir / "265-Roskilde" / "partial_return.html").read_text(encoding="utf-8")
    assert "Delvis raskmelding" in page and "Heraf delvist raskmeldt" in page and "import " not in page
    assert (period_dir / "265-Roskilde" / "partial_return.xlsx").is_file()
    assert 'href="265-Roskilde/partial_return.html"' in (period_dir / "index.html").read_text(encoding="utf-8")
