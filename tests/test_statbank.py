"""StatBank table AUK01 in both label languages, as codes, and in the demo dataset (issue 16, points 3 and 5)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from analysis.data import build
from analysis.demo import generator
from analysis.sources import textfile
from analysis.sources.statbank import auk01
from analysis.sources.statbank import reader as statbank_reader
from tests import fake_servers

COMPARED = ["area", "area_code", "area_level", "period", "benefit_type", "sex", "age", "measure", "value", "unit", "source_row"]


def _read(data_root, name: str, body: bytes) -> tuple[pd.DataFrame, textfile.Notices]:
    path = data_root / "raw" / "dst" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    with textfile.collecting() as notices:
        frame = statbank_reader.read_dst_file(path, data_root)
    return frame, notices


@pytest.fixture(scope="module")
def demo_world():
    world = generator._World(20240)
    return world, generator._panel(world)


def test_demo_files_in_danish_and_english_read_to_the_same_rows(data_root, demo_world):
    world, panel = demo_world
    da_text = generator.auk01_file(world, panel, "da", "2023Q1", "2024Q4")
    en_text = generator.auk01_file(world, panel, "en", "2023Q1", "2024Q4")
    assert "Hele landet;Sygedagpenge mv.;I alt;Alder i alt;2024K4;" in da_text
    assert "All Denmark;Sickness benefits etc.;Total;Age, total;2024Q4;" in en_text
    assert "Copenhagen;" in en_text and "Province Bornholm;" in en_text and ";..\r\n" in en_text
    da, da_notes = _read(data_root, "AUK01__da.csv", da_text.encode("utf-8"))
    en, en_notes = _read(data_root, "AUK01__en.csv", en_text.encode("utf-8"))
    pd.testing.assert_frame_equal(da[COMPARED], en[COMPARED])
    assert set(da["area_level"]) == {"land", "region", "kommune"} and da["area"].nunique() == 1 + 5 + 98
    assert set(da["benefit_type"]) == {auk01.benefit_type(c).da for c in generator.AUK01_BENEFIT_TYPES}
    assert set(da["sex"]) == {"Køn i alt"} and set(da["age"]) == {"Alder i alt"}
    assert not da_notes.warnings and not en_notes.warnings
    # Landsdele, Christiansø and the unknown municipality are left out, and the build is told which.
    assert en_notes.notes == [
        "raw/dst/AUK01__en.csv: skipped 320 rows of 4 areas outside the model "
        "(Christiansø, Province Bornholm, Province Byen København, Unknown)"
    ]
    assert "Landsdel Bornholm" in da_notes.notes[0] and "Uoplyst" in da_notes.notes[0]


@pytest.mark.parametrize("presentation", ["Value", "Code", "CodeAndValue"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_language_and_value_presentation_reads_to_the_same_rows(data_root, lang, presentation):
    request = {"lang": "da", "variables": [
        {"code": "OMRÅDE", "values": ["*"]}, {"code": "YDELSESTYPE", "values": ["*"]},
        {"code": "KØN", "values": ["TOT"]}, {"code": "ALDER", "values": ["TOT"]}, {"code": "Tid", "values": ["2024K3", "2024K4"]},
    ]}
    reference, _ = _read(data_root, "AUK01__reference.csv", fake_servers.dst_csv(request))
    body = fake_servers.dst_csv({**request, "lang": lang, "valuePresentation": presentation})
    frame, notices = _read(data_root, f"AUK01__{lang}_{presentation}.csv", body)
    pd.testing.assert_frame_equal(frame[COMPARED], reference[COMPARED])
    assert set(frame["area"]) == {"Hele landet", "Region Sjælland", "Slagelse", "Roskilde"}
    assert set(frame["benefit_type"]) == {"Sygedagpenge mv.", "Nettoledige kontanthjælpsmodtagere"}
    assert len(notices.notes) == 1 and "2 areas outside the model" in notices.notes[0]


def test_a_benefit_type_not_listed_is_kept_with_a_warning(data_root):
    body = ("OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\n"
            "Slagelse;Sygedagpenge mv.;I alt;Alder i alt;2024K4;1200\n"
            "Slagelse;Ny ydelse;I alt;Alder i alt;2024K4;12\n").encode("utf-8")
    frame, notices = _read(data_root, "AUK01__2024Q4-2024Q4.csv", body)
    assert list(frame["benefit_type"]) == ["Sygedagpenge mv.", "Ny ydelse"]
    assert notices.warnings == ["raw/dst/AUK01__2024Q4-2024Q4.csv: benefit_type 'Ny ydelse' is not a value of AUK01 "
                                "listed in analysis.sources.statbank.auk01; kept as written"]


def test_the_value_list_says_which_labels_are_unconfirmed():
    assert {v.code for v in auk01.unconfirmed()} == {"KT", "AKDP"}
    assert auk01.canonical("sex", "I alt") == "Køn i alt" and auk01.canonical("benefit_type", "I alt") == "I alt"
    assert auk01.canonical("age", "Age, total") == "Alder i alt" and auk01.canonical("benefit_type", "SY") == "Sygedagpenge mv."


def test_demo_build_holds_auk01_and_notes_the_areas_it_left_out(demo_data):
    manifest = json.loads((demo_data / "processed" / "demo" / "manifest.json").read_text(encoding="utf-8"))
    notes = manifest["tables"]["AUK01"]["notes"]
    assert len(notes) == 2 and all("outside the model" in n for n in notes)
    result = build.BuildResult("demo", manifest, 0.0)
    assert "  note: raw/demo/dst/AUK01__2022Q1-2024Q4.csv: skipped 480 rows" in result.summary()


def test_processed_quarters_equal_the_raw_statbank_file_by_hand(demo_data):
    """Slagelse's sickness benefit recipients: the change since 2019 Q1 from the raw lines, by hand."""
    raw = {}
    for path in sorted((demo_data / "raw" / "demo" / "dst").glob("AUK01__*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            if row[0] == "Slagelse" and row[1] in ("Sygedagpenge mv.", "Sickness benefits etc."):
                raw[row[4]] = float(row[5])
    assert len(raw) == 24 and "2019K1" in raw and "2024Q4" in raw
    frame = build.read_all("demo")["AUK01"]
    mine = frame[(frame["area"] == "Slagelse") & (frame["benefit_type"] == "Sygedagpenge mv.")].set_index("period")["value"]
    assert mine["2024Q4"] - mine["2019Q1"] == raw["2024Q4"] - raw["2019K1"]
    assert mine["2021Q4"] == raw["2021K4"] and mine["2022Q1"] == raw["2022Q1"]
