"""Table specs (analysis.present.tables) and showing and saving a table in one call (report.table, report.export_table)."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.present import formats as fmt
from analysis.present import report
from analysis.present.tables import TableSpec, text

FRAME = pd.DataFrame({"area": ["Slagelse", "Roskilde"], "persons": [17200.0, np.nan], "share_pct": [54.6, 3.25]})
SPEC = TableSpec(
    columns_da={"area_da": "Område", "share_pct": "Andel"},
    formats={"share_pct": fmt.percent},
    caption="Andel i alt",
    notebook="example_report",
    name="shares",
    title_da="Andele",
    headings_da={"area": "Område (navn)", "persons": "Personer", "share_pct": "Andel (pct.)"},
    prepare=lambda frame: frame.assign(area_da=frame["area"].str.upper()),
)


def test_spec_names_its_key_table_and_headings():
    assert SPEC.saved and SPEC.csv_stem == "example_report__shares"
    assert SPEC.export_headings(["area", "share_pct"]) == {"area": "Område (navn)", "share_pct": "Andel (pct.)"}
    # a shown column without an export heading is written under its screen heading
    assert SPEC.export_headings(["area_da"]) == {"area_da": "Område"}
    with pytest.raises(ValueError, match=r"example_report__shares.*\['rank'\]"):
        SPEC.export_headings(["area", "rank"])
    shown_only = TableSpec(columns_da={"area": "Område"})
    assert not shown_only.saved and shown_only.csv_stem == ""
    assert SPEC.replace(caption="Anden").caption == "Anden" and SPEC.caption == "Andel i alt"
    with pytest.raises(AttributeError):
        SPEC.caption = "x"  # frozen


def test_table_shows_the_prepared_frame_and_saves_the_data(tmp_path, capsys):
    report.table(FRAME, SPEC, tmp_path)
    shown = capsys.readouterr().out
    assert "SLAGELSE" in shown and "54,6 %" in shown and "Personer" not in shown  # prepare + formats + columns
    csv = tmp_path / "tables" / "example_report__shares.csv"
    assert csv.read_text(encoding="utf-8").splitlines()[0] == "area,persons,share_pct"  # the data, not the display frame
    sidecar = json.loads(csv.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["title_da"] == "Andele"
    assert [c["heading_da"] for c in sidecar["columns"]] == ["Område (navn)", "Personer", "Andel (pct.)"]


def test_table_html_matches_show_table(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display_html", lambda markup, text, metadata=None: shown.append(markup))
    report.table(FRAME, SPEC)
    direct = report.table_html(SPEC.prepare(FRAME), columns_da=SPEC.columns_da, formats=SPEC.formats, caption=SPEC.caption)
    assert shown == [direct]


def test_to_csv_and_export_decide_what_is_written(tmp_path, capsys):
    spec = SPEC.replace(to_csv=lambda frame: frame[["area", "share_pct"]])
    report.table(FRAME, spec, tmp_path, export=FRAME.iloc[:1])
    rows = (tmp_path / "tables" / "example_report__shares.csv").read_text(encoding="utf-8").splitlines()
    assert rows == ["area,share_pct", "Slagelse,54.6"]


def test_nothing_written_without_output_dir_or_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report.table(FRAME, SPEC)  # interactive use: output_dir ""
    report.table(FRAME, TableSpec(columns_da={"area": "Område"}), tmp_path)  # shown only
    assert not (tmp_path / "tables").exists()
    assert report.table(FRAME, SPEC, tmp_path) is None  # a cell that ends with it shows no value


def test_export_table_saves_without_showing(tmp_path, capsys):
    report.export_table(FRAME, SPEC, tmp_path)
    assert capsys.readouterr().out == ""
    assert (tmp_path / "tables" / "example_report__shares.csv").is_file()
    with pytest.raises(ValueError, match="no notebook and name"):
        report.export_table(FRAME, TableSpec(columns_da={"area": "Område"}, caption="Uden navn"), tmp_path)


def test_export_needs_a_heading_for_every_written_column(tmp_path, capsys):
    spec = SPEC.replace(headings_da={"area": "Område"})
    with pytest.raises(ValueError, match=r"no Danish heading for column\(s\) \['persons', 'share_pct'\]"):
        report.table(FRAME, spec.replace(columns_da={"area": "Område"}), tmp_path)
    assert not (tmp_path / "tables" / "example_report__shares.csv").exists()


def test_text_formats_right_aligned_text():
    markup = report.table_html(pd.DataFrame({"p": ["<0,001"]}), columns_da={"p": "p"}, formats={"p": text})
    assert "text-align:right" in markup and "&lt;0,001" in markup
