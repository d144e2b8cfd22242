"""`analysis build`: raw -> processed, atomic, raw files untouched, one clear error on bad input."""

import hashlib
import json

import pandas as pd
import pytest

from analysis import build, cli, load, paths


def _csv(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "Område;Periode;Antal personer;Fuldtidspersoner i pct. af befolkningen 16-66 år"


@pytest.fixture
def raw_real(data_root):
    jd = paths.raw_jobindsats_dir("real")
    _csv(jd / "y01a02.csv", [HEADER, "Slagelse;2023M01;1.230;2,5", "Slagelse;2023M02;1.190;2,4", "Hele landet;2023M01;80.000;2,1"])
    _csv(jd / "Y30R21.csv", ["Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten", "Slagelse;2021QMAT04;Ydelsesgrupper i alt;64"])
    return jd


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_tables_and_manifest_and_leaves_raw_untouched(raw_real, capsys):
    before = _hashes(raw_real)
    assert cli.main(["build"]) == 0
    assert "built real: 2 tables" in capsys.readouterr().out
    assert _hashes(raw_real) == before
    out = paths.processed_dir("real")
    frame = pd.read_parquet(out / "Y01A02.parquet")
    assert len(frame) == 6 and frame["value"].notna().all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["Y01A02"]["latest_period"] == "2023M02"
    assert {f["path"] for f in manifest["raw_files"]} == {"raw/jobindsats/Y30R21.csv", "raw/jobindsats/y01a02.csv"}
    # The loading API reads it back.
    s = load.series("Y01A02", "persons", ["Slagelse", "Hele landet"])
    assert s.loc["2023M02", "Slagelse"] == 1190
    assert pd.isna(s.loc["2023M02", "Hele landet"])  # a gap stays a gap
    assert load.resolve_source("") == "real"


@pytest.mark.parametrize(
    "bad_name, bad_lines, message",
    [
        ("y25i09.csv", ["Område;Periode;Antal langtidsledige", "Slagelse;2023M01;4O"], r"y25i09.csv row 2: 'Antal langtidsledige' is '4O'"),
        ("y25i09.csv", ["Område;Periode;Antal langtidsledige", "Atlantis;2023M01;40"], r"row 2: unknown area 'Atlantis'"),
        ("y25i09.csv", ["Område;Periode;Antal langtidsledige", "Slagelse;2023M01"], r"y25i09.csv line 2: 2 fields, expected 3"),
        ("unknown.csv", ["Område;Periode;Antal", "Slagelse;2023M01;1"], r"unknown.csv: cannot tell which table"),
        # The same key in two files is a duplicate across files.
        ("Y01A02_extra.csv", [HEADER, "Slagelse;2023M01;1.230;2,5"], r"duplicate rows for Y01A02"),
    ],
)
def test_bad_input_stops_the_build_and_keeps_processed(raw_real, capsys, bad_name, bad_lines, message):
    assert cli.main(["build"]) == 0
    processed_before = _hashes(paths.processed_dir("real"))
    _csv(raw_real / bad_name, bad_lines)
    capsys.readouterr()
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1
    assert pd.Series([err]).str.contains(message, regex=True).iloc[0], err
    assert _hashes(paths.processed_dir("real")) == processed_before
    assert not list(paths.processed_dir("real").parent.glob(".real-building-*"))


def test_no_raw_data_is_a_clear_error(data_root, capsys):
    assert cli.main(["build"]) == 2
    assert "run `analysis demo`" in capsys.readouterr().err


def test_load_api_rejects_unknowns(raw_real):
    build.build("real")
    from analysis.errors import ParameterError

    with pytest.raises(ParameterError, match="has no measure 'pesons'"):
        load.load_table("Y01A02", measures="pesons")
    with pytest.raises(ParameterError, match="table Y25I09 .* is not in the real data"):
        load.load_table("Y25I09")
    with pytest.raises(ParameterError, match="no processed demo data"):
        load.resolve_source("demo")
