"""Report building blocks (analysis.present.report)."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.present import formats as fmt
from analysis.present import report

# What analysis.data.load.vintage says about the data; the caller passes it in (the report reads no data).
VINTAGE = {"source": "demo", "built_at": "2024-05-02T10:15:00", "raw_files": 3, "latest_period": {}}


def test_header_demo_banner_and_facts():
    markup = report.header_html("Benchmark", "330", "2024Q1", "demo", vintage=VINTAGE, subtitle="Kvartalsrapport")
    assert "Demodata – syntetiske tal" in markup
    assert "Slagelse" in markup and "1. kvt. 2024" in markup
    assert "Benchmark" in markup and "Kvartalsrapport" in markup
    assert "2. maj 2024" in markup  # vintage


def test_header_real_has_no_banner():
    markup = report.header_html("Benchmark", "Slagelse", "", "real", vintage=VINTAGE | {"source": "real"})
    assert "Demodata" not in markup
    assert "seneste periode" in markup


def test_header_escapes_html():
    assert "<script>" not in report.header_html("<script>x</script>", "Slagelse", "2024Q1", "demo", vintage=VINTAGE)


def test_table_html_danish():
    df = pd.DataFrame({"area": ["Slagelse", "Roskilde"], "persons": [17200.0, np.nan], "share": [54.6, 3.25]})
    markup = report.table_html(
        df, columns_da={"area": "Område", "share": "Andel", "persons": "Personer"}, formats={"share": fmt.percent}
    )
    assert "Område" in markup and "Andel" in markup
    assert "17.200" in markup and "54,6 %" in markup and "–" in markup
    assert "nan" not in markup.lower().replace("nano", "")
    assert markup.index("Andel") < markup.index("Personer")  # columns_da order
    assert "<th></th>" not in markup  # no index


def test_show_table_outside_jupyter_prints(capsys):
    df = pd.DataFrame({"area": ["Slagelse"], "persons": [17200]})
    report.show_table(df, columns_da={"area": "Område", "persons": "Personer"})
    out = capsys.readouterr().out
    assert "Område" in out and "17.200" in out


def test_save_table_writes_csv_and_sidecar(tmp_path):
    df = pd.DataFrame({"area": ["Slagelse", "Køge"], "share_pct": [54.6, np.nan]})
    path = report.save_table(
        df, "benchmark_ranking", "ranking", tmp_path, headings_da={"area": "Område", "share_pct": "Andel (pct.)"}
    )
    assert path == tmp_path / "tables" / "benchmark_ranking__ranking.csv"
    assert path.read_text(encoding="utf-8") == "area,share_pct\nSlagelse,54.6\nKøge,\n"
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert [c["heading_da"] for c in meta["columns"]] == ["Område", "Andel (pct.)"]


def test_save_table_noop_without_output_dir(tmp_path):
    df = pd.DataFrame({"area": ["Slagelse"]})
    assert report.save_table(df, "nb", "t", "", headings_da={"area": "Område"}) is None


def test_save_table_rejects_bad_names(tmp_path):
    df = pd.DataFrame({"Area Name": ["Slagelse"]})
    with pytest.raises(ValueError, match="snake_case"):
        report.save_table(df, "nb", "t", tmp_path, headings_da={"Area Name": "Område"})
    with pytest.raises(ValueError, match="Danish heading"):
        report.save_table(pd.DataFrame({"area": [1]}), "nb", "t", tmp_path, headings_da={})
    with pytest.raises(ValueError, match="snake_case"):
        report.save_table(pd.DataFrame({"area": [1]}), "nb", "Bad-Name", tmp_path, headings_da={"area": "Område"})


def test_messages_print_outside_jupyter(capsys):
    report.note("Tallene er **foreløbige**.")
    report.warning_box("Der mangler data for 2024.")
    report.sentences(["Første.", None, "", "Anden."], title="Hovedpunkter")
    out = capsys.readouterr().out
    assert "foreløbige" in out and "Bemærk: Der mangler data" in out and "- Anden." in out
