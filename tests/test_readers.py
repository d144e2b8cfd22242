"""The raw readers on the real benchmark extract and on hand-made files of every format."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.sources import tidy
from analysis.sources.jobindsats import reader

Y30_LABELS = [
    "Område", "Periode", "Ydelsesgrupper",
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal",
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal",
    "Placering på benchmarkranglisten",
]


def _plain_text(column: pd.Series) -> bool:
    """Ordinary strings, not categories: object before pandas 3, its default string dtype from pandas 3."""
    return pd.api.types.is_string_dtype(column.dtype) and not isinstance(column.dtype, pd.CategoricalDtype)


def _value(frame, area, period, group, measure):
    row = frame[(frame.area == area) & (frame.period == period) & (frame.benefit_group == group) & (frame.measure == measure)]
    assert len(row) == 1
    return row["value"].iloc[0]


def test_real_extract_parses_to_the_published_numbers(real_y30r21):
    frame = reader.read_raw_file(real_y30r21)
    assert set(frame["table"]) == {"Y30R21"}
    assert frame["area"].nunique() == 98
    assert sorted(frame["period"].unique()) == ["2020QMAT02", "2020QMAT04", "2021QMAT02", "2021QMAT04"]
    total = "Ydelsesgrupper i alt"
    assert _value(frame, "Slagelse", "2020QMAT04", total, "expected") == 5550
    assert _value(frame, "Slagelse", "2020QMAT04", total, "actual") == 5780
    assert _value(frame, "Slagelse", "2020QMAT04", total, "rank") == 80
    assert _value(frame, "Slagelse", "2020QMAT04", total, "actual_share_pct") == pytest.approx(11.41)
    assert _value(frame, "Slagelse", "2020QMAT02", "Sygedagpenge mv.", "difference_pp") == pytest.approx(-0.07)
    ranks = frame[frame.measure == "rank"]
    for _, group in ranks.groupby(["period", "benefit_group"]):
        assert sorted(group["value"].astype(int)) == list(range(1, 99))
    slagelse = ranks[(ranks.area == "Slagelse") & (ranks.benefit_group == total)].sort_values("period_end")
    assert slagelse["value"].tolist() == [83, 80, 76, 64]
    assert frame["area_code"][frame.area == "Slagelse"].unique().tolist() == ["330"]


def _write_csv(path, header, rows, bom=True, sep=";"):
    text = "\n".join([sep.join(header)] + [sep.join(r) for r in rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_csv_with_bom_drifted_labels_suppressed_cells_and_decimal_commas(tmp_path):
    header = ["Area ", "Periode", "Ydelsesgrupper",
              "Forventet og faktisk  antal fuldtidspersoner på offentlig forsørgelse:Forventet antal",
              "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point) ",
              "Placering på benchmarkranglisten"]
    rows = [["slagelse", "2022QMAT02", "Sygedagpenge  mv.", "1.450", "2,82", "3"],
            ["Sorø", "2022QMAT02", "Sygedagpenge mv.", "..", "-", "."],
            ["Ringsted", "2022QMAT02", "Sygedagpenge mv.", "", "-0,07", "12"]]
    frame = reader.read_raw_file(_write_csv(tmp_path / "y30r21.csv", header, rows))
    assert _value(frame, "Slagelse", "2022QMAT02", "Sygedagpenge mv.", "expected") == 1450
    assert _value(frame, "Slagelse", "2022QMAT02", "Sygedagpenge mv.", "difference_pp") == pytest.approx(2.82)
    assert _value(frame, "Ringsted", "2022QMAT02", "Sygedagpenge mv.", "difference_pp") == pytest.approx(-0.07)
    soroe = frame[frame.area == "Sorø"]
    assert soroe["value"].isna().all() and len(soroe) == 3  # suppressed: missing, never zero
    assert np.isnan(_value(frame, "Ringsted", "2022QMAT02", "Sygedagpenge mv.", "expected"))


def test_v3_json_matches_the_same_data_as_csv(tmp_path):
    doc = {"columns": Y30_LABELS, "rows": [["Slagelse", "2021QMAT04", "Ydelsesgrupper i alt", 5090, "5150", "64"],
                                          ["Hele landet", "2021QMAT04", "Ydelsesgrupper i alt", 400000, None, ".."]]}
    path = tmp_path / "Y30R21.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, ensure_ascii=False).encode())
    frame = reader.read_raw_file(path)
    assert _value(frame, "Slagelse", "2021QMAT04", "Ydelsesgrupper i alt", "actual") == 5150
    assert _value(frame, "Hele landet", "2021QMAT04", "Ydelsesgrupper i alt", "expected") == 400000
    assert np.isnan(_value(frame, "Hele landet", "2021QMAT04", "Ydelsesgrupper i alt", "rank"))
    assert frame.loc[frame.area == "Hele landet", "area_level"].iloc[0] == "land"


def test_v2_json_is_parsed_by_label_and_json_floats_are_not_thousands(tmp_path):
    variables = [{"Name": "area", "Label": "Område"}, {"Name": "period", "Label": "Periode"},
                 {"Name": "v1", "Label": "Antal personer"}, {"Name": "v2", "Label": "Fuldtidspersoner i pct. af befolkningen16-66 år"}]
    doc = [{"Variables": variables, "Data": [["RAR Sjælland", "2023M01", 12345, 1.255], ["Slagelse", "2023M1", "1.230", "2,5"]]}]
    path = tmp_path / "Y01A02__2023M01-2023M01.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    frame = reader.read_raw_file(path)
    pct = frame[frame.measure == "pct_population"].set_index("area")["value"]
    assert pct["RAR Sjælland"] == pytest.approx(1.255)  # a JSON number is taken as it is
    persons = frame[frame.measure == "persons"].set_index("area")["value"]
    assert persons["Slagelse"] == 1230  # a Danish thousands string
    assert set(frame["period"]) == {"2023M01"}


def test_missing_dimension_gets_its_total_and_constant_extra_column_is_dropped(tmp_path):
    header = ["Område", "Periode", "Køn", "Antal personer"]
    frame = reader.read_raw_file(_write_csv(tmp_path / "PTV_A02.csv", header, [["Slagelse", "2024M01", "I alt", "7.650"]]))
    assert frame["benefit_group"].tolist() == ["Offentligt forsørgede i alt"]
    assert "Køn" not in frame.columns


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2020QMAT04;Ydelsesgrupper i alt\n",
         r"y30r21.csv line 2: 3 fields, expected 4"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2020QMAT04;Ydelsesgrupper i alt;tre\n",
         r"y30r21.csv row 2: 'Placering på benchmarkranglisten' is 'tre', expected a number"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelsee;2020QMAT04;Ydelsesgrupper i alt;3\n",
         r"y30r21.csv row 2: unknown area 'Slagelsee'; did you mean 'Slagelse'"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2020M13;Ydelsesgrupper i alt;3\n",
         r"row 2: period '2020M13' is not a period code"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2020M12;Ydelsesgrupper i alt;3\n",
         r"row 2: period 2020M12 is a M period; Y30R21 has QMAT periods"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2020QMAT04;Ydelsesgrupper i alt;3\nSlagelse;2020QMAT04;Ydelsesgrupper i alt;4\n",
         r"y30r21.csv row 2 and y30r21.csv row 3: duplicate rows for Y30R21"),
        ("y30r21.csv", "Area;Periode;Ydelsesgrupper;Farve\nSlagelse;2020QMAT04;Ydelsesgrupper i alt;rød\nSorø;2020QMAT04;Ydelsesgrupper i alt;blå\n",
         r"column 'Farve' is not a known dimension or measure of Y30R21"),
        ("Y01A02.json", '{"columns": ["Område", "Periode", "Antal personer"], "rows": [["Slagelse", "2023M01", 5',
         r"Y01A02.json line 1: not valid JSON .*truncated"),
        ("Y01A02.json", '{"columns": ["Område", "Periode", "Antal personer"], "rows": [["Slagelse", "2023M01"]]}',
         r"Y01A02.json row 1: 2 cells, expected 3"),
        ("xyz99.csv", "Area;Periode\n", r"xyz99.csv: cannot tell which table this file holds"),
        ("empty_y30r21.csv", "", r"does not seem|cannot tell|is empty"),
    ],
)
def test_bad_input_is_one_clear_error_naming_file_and_row(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        reader.read_raw_file(path)


def test_table_from_file_name():
    from pathlib import Path

    assert reader.detect_table_id(Path("y30r21_2020-2021.csv")) == "Y30R21"
    assert reader.detect_table_id(Path("PTV_A02__2019M01-2024M12.json")) == "PTV_A02"
    assert reader.detect_table_id(Path("Y60A02.json")) == "Y36A02"


def test_parse_numbers_never_turns_missing_into_zero():
    cells = pd.Series(["..", "-", ".", "", None, "0", "1.234,5", "17.200", "-0,07", 3, 2.5])
    out = tidy.parse_numbers(cells)
    assert out.iloc[:5].isna().all()
    assert out.iloc[5:].tolist() == [0.0, 1234.5, 17200.0, -0.07, 3.0, 2.5]


# --------------------------------------------------------------------------- Excel's CSV on a Danish PC


def test_excel_csv_in_windows_1252_is_read(tmp_path):
    """"CSV (semikolonsepareret)" from Excel on Danish Windows: Windows-1252, CRLF, ';', decimal commas,
    non-breaking spaces as thousands separators, trailing empty columns and ';;;' rows."""
    from analysis.sources import textfile

    lines = [
        "Område;Periode;Antal personer;Fuldtidspersoner i pct. af befolkningen 16-66 år;;",
        "Sorø;2023M01;1\u00a0230;2,5;;",
        "Ærø;2023M01;310;1,75;;",
        "Høje-Taastrup;2023M01;..;12,0;;",
        ";;;;;",
        "Hele landet;2023M01;80\u00a0000;2,1;;",
    ]
    path = tmp_path / "y01a02.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    with textfile.collecting() as notices:
        frame = reader.read_raw_file(path)
    assert notices.windows_1252 == ["y01a02.csv"] and notices.warnings == []
    persons = frame[frame.measure == "persons"].set_index("area")
    assert persons.loc["Sorø", "value"] == 1230 and persons.loc["Hele landet", "value"] == 80000
    assert np.isnan(persons.loc["Høje-Taastrup", "value"])
    assert persons.loc["Hele landet", "source_row"] == 6  # the ";;;;;" row is skipped, line numbers kept
    pct = frame[frame.measure == "pct_population"].set_index("area")["value"]
    assert pct["Ærø"] == pytest.approx(1.75)
    assert _plain_text(frame["area"])  # ordinary strings for callers


def test_utf8_with_one_windows_1252_row_far_down_is_read_as_windows_1252_and_mixed_files_are_refused(tmp_path):
    from analysis.reference import geography

    # More than the first block the reader looks at is plain ASCII; the Windows-1252 "ø" comes at the end.
    names = [n for n in geography.municipalities()["name"] if n.isascii()]
    rows = [f"{n};{y}M{m:02d};{m}" for n in names for y in range(1950, 2023) for m in range(1, 13)]
    body = "\n".join(["Omraade;Periode;Antal langtidsledige", *rows]).encode("ascii") + "\nSorø;2023M01;4\n".encode("cp1252")
    assert len(body) > 1 << 20
    path = tmp_path / "y25i09.csv"
    path.write_bytes(body)
    frame = reader.read_raw_file(path)
    assert "Sorø" in set(frame["area"])
    mixed = "Område;Periode;Antal langtidsledige\nSorø;2023M01;4\n".encode() + "Ærø;2023M01;5\n".encode("cp1252")
    path.write_bytes(mixed)
    with pytest.raises(InputError, match=r"y25i09.csv: mixes UTF-8 and Windows-1252 text"):
        reader.read_raw_file(path)


@pytest.mark.parametrize(
    "content, message",
    [
        ("Område;Periode;Antal langtidsledige\nSlagelse;2023M01;4\n".encode("utf-16"), r"UTF-16 text .*CSV UTF-8"),
        (b"PK\x03\x04" + b"\x00" * 40, r"an Excel workbook, not a CSV file"),
        (b"Omr\x81de;Periode;Antal\n", r"neither UTF-8 nor Windows-1252 text"),
    ],
)
def test_files_that_are_not_csv_text_say_how_to_save_them(tmp_path, content, message):
    path = tmp_path / "y25i09.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        reader.read_raw_file(path)


def test_line_numbers_survive_blank_lines_and_quoted_separators(tmp_path):
    path = tmp_path / "otij01.csv"
    path.write_text(
        'Område;Periode;Målgruppe;Antal personer med ordinære løntimer\n\n'
        'Slagelse;2023M01;"Kontanthjælp; aktivitetsparat";40\n   \n'
        'Slagelse;2023M02;Målgrupper i alt;4O\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"otij01.csv row 5: 'Antal personer med ordinære løntimer' is '4O'"):
        reader.read_raw_file(path)
    path.write_text(path.read_text(encoding="utf-8").replace("4O", "41"), encoding="utf-8")
    frame = reader.read_raw_file(path)
    assert frame["source_row"].tolist() == [3, 5]
    assert frame["target_group"].tolist() == ["Kontanthjælp; aktivitetsparat", "Målgrupper i alt"]


# --------------------------------------------------------------------------- each measure's domain


@pytest.mark.parametrize(
    "table, header, cell, message",
    [
        ("y01a02", "Antal personer", "inf", r"'Antal personer' \(persons\) is infinite .*expected a count: a finite number, 0 or more"),
        ("y01a02", "Antal personer", "1e400", r"'Antal personer' \(persons\) is infinite"),
        ("y01a02", "Antal personer", "-5", r"'Antal personer' \(persons\) is -5, expected a count"),
        ("y01a02", "Fuldtidspersoner i pct. af befolkningen 16-66 år", "100,5",
         r"\(pct_population\) is 100.5, expected a percentage from 0 to 100"),
        ("y01a02", "Fuldtidspersoner i pct. af befolkningen 16-66 år", "-0,1", r"is -0.1, expected a percentage from 0 to 100"),
        ("y30r21", "Placering på benchmarkranglisten", "0", r"\(rank\) is 0, expected a rank: a whole number from 1 to 98"),
        ("y30r21", "Placering på benchmarkranglisten", "99", r"\(rank\) is 99, expected a rank"),
        ("y30r21", "Placering på benchmarkranglisten", "2,5", r"\(rank\) is 2.5, expected a rank"),
        ("y30r21", "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk antal",
         "-inf", r"\(difference\) is -infinite .*expected a difference: a finite number"),
        ("otij01", "Gennemsnitligt antal løntimer pr. måned", "-1", r"\(hours_per_month\) is -1, expected a number of hours"),
    ],
)
def test_values_outside_their_measure_domain_are_refused(tmp_path, table, header, cell, message):
    period = "2021QMAT04" if table == "y30r21" else "2023M01"
    path = tmp_path / f"{table}.csv"
    path.write_text(f"Område;Periode;{header}\nSlagelse;{period};{cell}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{table}.csv row 2: .*{message}"):
        reader.read_raw_file(path)


def test_values_inside_their_domains_pass_and_suppressed_cells_are_never_outside(tmp_path):
    path = tmp_path / "y30r21.csv"
    path.write_text(
        "Område;Periode;Placering på benchmarkranglisten;"
        "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point);"
        "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk antal\n"
        "Slagelse;2021QMAT04;1;-0,07;-280\nSorø;2021QMAT04;98;..;\nHele landet;2021QMAT04;..;0;0\n", encoding="utf-8")
    frame = reader.read_raw_file(path)
    assert frame.loc[frame.measure == "rank", "value"].tolist()[:2] == [1, 98]


def test_every_measure_has_a_domain_and_ranks_go_to_the_number_of_municipalities():
    from analysis.reference import geography, tables

    for spec in tables.SPECS:
        for m in spec.measures:
            assert m.value_domain is not None
    assert tables.RANK.high == len(geography.municipalities()) == tables.N_MUNICIPALITIES
    assert tables.spec("Y30R21").measure("difference").value_domain is tables.DIFFERENCE


# --------------------------------------------------------------------------- large files


def test_a_large_csv_is_read_with_categories_and_matches_the_plain_reading(tmp_path):
    """The compact reading (the build's) and the ordinary one give the same table; text columns are categories."""
    rows = [f"{area};{y}M{m:02d};{(area_i * 100 + m) % 100},{y % 10}" for area_i, area in enumerate(("Slagelse", "Sorø", "Hele landet"))
            for y in range(2000, 2024) for m in range(1, 13)]
    path = tmp_path / "y01a02.csv"
    path.write_text("Område;Periode;Fuldtidspersoner i pct. af befolkningen 16-66 år\n" + "\n".join(rows) + "\n", encoding="utf-8")
    compact = reader.read_raw_file(path, compact=True)
    plain = reader.read_raw_file(path)
    assert isinstance(compact["area"].dtype, pd.CategoricalDtype) and _plain_text(plain["area"])
    pd.testing.assert_frame_equal(model_decompress(compact), plain)
    assert len(plain) == 3 * 24 * 12
    assert plain.loc[(plain.area == "Sorø") & (plain.period == "2013M02"), "value"].tolist() == [pytest.approx(2.3)]


def model_decompress(frame):
    from analysis.reference import model

    return model.decompress(frame)
