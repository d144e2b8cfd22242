"""The jobcentre's own files (forloeb.csv, lokale_noegletal.csv) as analysts make them: CPR numbers in any
form refused without repeating them, Excel's Windows-1252 CSV read, cut files noticed."""

from __future__ import annotations

import warnings

import pytest

from analysis.core import paths
from analysis.core.errors import InputError
from analysis.data import build
from analysis.run import cli
from analysis.sources import textfile
from analysis.sources.local import local_key_figures, spells

HEADER = ",".join(spells.COLUMNS)
GOOD = [
    "F1,Pa1,330,Privat virksomhedspraktik,A-dagpenge,2023-01-09,2023-02-17,45,K,Videregående,13,1",
    'F2,Pa2,330,Offentlig løntilskud,"Kontanthjælp, aktivitetsparat",2023-02-01,2023-05-31,38,M,Grundskole,40,0',
    "F3,Pa3,Slagelse,Vejledning og opkvalificering,Sygedagpenge,01-03-2023,15.04.2023,51,K,Erhvervsfaglig,20,1",
    "F4,Pa1,101,Privat løntilskud,Ressourceforløb,2023-06-01,2023-06-01,45,K,Gymnasial,0,0",
]
FIGURES_HEADER = "kommunekode;kvartal;partnerskabsaftaler;personer_via_partnerskabsaftaler;voksenlærlinge;kommentar"

# How people actually type a CPR number (day 01-31, month 01-12; with or without the century).
CPR_FORMS = ["010190-1234", "0101901234", "010190 1234", "010190/1234", "01.01.90-1234", "01-01-90-1234",
             "01 01 90 1234", "01011990-1234", "01.01.1990-1234", "010190\u20131234", "31/12/99 1234"]


EXTRACT_LINE = "# extract_date: 2024-12-31"  # the spell extract must say when it was taken (see analysis.sources.local.spells)


def _spells_file(tmp_path, lines, header=HEADER):
    path = tmp_path / spells.FILENAME
    path.write_text("\n".join([header, *lines, EXTRACT_LINE]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cpr", CPR_FORMS)
def test_cpr_numbers_in_any_form_and_any_column_of_the_spells_are_refused_without_repeating_them(tmp_path, cpr):
    bad = [GOOD[0], GOOD[1].replace("Pa2", cpr), GOOD[2].replace("Erhvervsfaglig", f"Erhvervsfaglig {cpr}"), GOOD[3]]
    with pytest.raises(InputError) as info:
        spells.read_local(_spells_file(tmp_path, bad), tmp_path)
    message = str(info.value)
    assert "line 3: column 'person_id' holds CPR-like values" in message
    assert "line 4: column 'education' holds CPR-like values" in message
    assert cpr not in message and cpr.replace(" ", "") not in message.replace(" ", "")


def test_dates_amounts_and_ids_are_not_taken_for_cpr_numbers(tmp_path):
    lines = [GOOD[0].replace("2023-01-09", "09-01-2023"), GOOD[1].replace("Pa2", "P2023010912"), GOOD[2], GOOD[3]]
    assert len(spells.read_local(_spells_file(tmp_path, lines), tmp_path)) == 4


@pytest.mark.parametrize("cpr", ["0101901234", "01.01.90-1234", "010190 1234"])
def test_cpr_numbers_in_the_local_key_figures_are_refused_without_repeating_them(tmp_path, cpr):
    path = tmp_path / local_key_figures.FILENAME
    path.write_text(f"{FIGURES_HEADER}\n330;2024Q3;46;31;9;\n330;2024Q4;48;37;12;ring til {cpr}\n{cpr};2024Q2;1;1;1;\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        local_key_figures.read_local(path, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{local_key_figures.FILENAME}: CPR-like values (personal identity numbers) in "
                              "line 3 column 'kommentar', line 4 column 'kommunekode'")
    assert cpr not in message


# --------------------------------------------------------------------------- Excel's CSV (semikolonsepareret)


EXCEL_SPELLS = [
    "spell_id;person_id;kommunekode;programme;target_group;start_date;end_date;age;sex;education;prior_benefit_weeks;employed_6m",
    "F1;Pa1;330;Privat virksomhedspraktik;A-dagpenge;09-01-2023;17-02-2023;45;K;Videregående;13;1",
    "F2;Pa2;330;Offentlig løntilskud;Kontanthjælp, aktivitetsparat;01.02.2023;31.05.2023;38;M;Grundskole;40;0",
    ";;;;;;;;;;;",
    "F3;Pa3;Sorø;Vejledning og opkvalificering;Sygedagpenge;01-03-2023;15-04-2023;51;K;Erhvervsfaglig;20;1",
    "# Udtræksdato = 31-12-2024",
]
EXCEL_FIGURES = [
    FIGURES_HEADER,
    "330;2024Q3;46;31;9;Møde med erhvervsrådet, tilskud på 5.000 €",
    ";;;;;",
    "340;2024Q4;1.048;37;12;To\u00a0nye VIP-aftaler",
]


def _excel(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    return path


def test_excel_windows_1252_files_are_read(tmp_path):
    frame = spells.read_local(_excel(tmp_path / spells.FILENAME, EXCEL_SPELLS), tmp_path)
    assert frame["education"].tolist() == ["Videregående", "Grundskole", "Erhvervsfaglig"]
    assert frame["kommunekode"].tolist() == ["330", "330", "340"]
    assert [str(d.date()) for d in frame["end_date"]] == ["2023-02-17", "2023-05-31", "2023-04-15"]
    assert frame["source_row"].tolist() == [2, 3, 5]
    figures = local_key_figures.read_local(_excel(tmp_path / local_key_figures.FILENAME, EXCEL_FIGURES), tmp_path)
    assert figures["partnerskabsaftaler"].tolist() == [46.0, 1048.0]
    assert figures["kommentar"].iloc[0].endswith("5.000 €") and figures["kommune"].tolist() == ["Slagelse", "Sorø"]


def test_the_build_summary_names_the_files_read_as_windows_1252(data_root, capsys):
    root = paths.raw_dir("real")
    _excel(root / "jobindsats" / "y25i09.csv", ["Område;Periode;Antal langtidsledige", "Sorø;2023M01;40", "Ærø;2023M01;4"])
    _excel(root / "local" / spells.FILENAME, EXCEL_SPELLS)
    _excel(root / "local" / local_key_figures.FILENAME, EXCEL_FIGURES)
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert ("read as Windows-1252 (Excel's CSV): raw/jobindsats/y25i09.csv, raw/local/forloeb.csv, "
            "raw/local/lokale_noegletal.csv") in out
    manifest = build.previous_manifest("real")
    assert {f["path"]: f.get("encoding") for f in manifest["raw_files"]}["raw/local/forloeb.csv"] == "windows-1252"


def test_a_local_file_without_its_last_line_ending_is_a_warning(tmp_path):
    path = tmp_path / local_key_figures.FILENAME
    path.write_text(f"{FIGURES_HEADER}\n330;2024Q3;46;31;9;\n330;2024Q4;48;37;1;", encoding="utf-8")
    with textfile.collecting() as notices:
        local_key_figures.read_local(path, tmp_path)
    assert notices.warnings == [
        f"{local_key_figures.FILENAME} line 3: the last line has no line ending, so the file may have been cut short; "
        "check its last row against the source (a complete file ends with a line break)"
    ]
    with warnings.catch_warnings(record=True) as caught:  # outside a build: an ordinary Python warning
        warnings.simplefilter("always")
        local_key_figures.read_local(path, tmp_path)
    assert any(issubclass(w.category, textfile.RawFileWarning) for w in caught)


def test_the_local_input_names_agree_with_their_modules():
    import importlib

    for filename, (module_name, name) in build.LOCAL_INPUTS.items():
        module = importlib.import_module(module_name)
        assert (module.FILENAME, module.NAME) == (filename, name)
