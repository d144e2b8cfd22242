"""`analysis build`: raw -> processed, atomic, raw files untouched, one clear error on bad input."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from analysis.core import paths
from analysis.data import build, load
from analysis.run import cli, plan
from analysis.sources.jobindsats import reader


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
    from analysis.core.errors import ParameterError

    with pytest.raises(ParameterError, match="has no measure 'pesons'"):
        load.load_table("Y01A02", measures="pesons")
    with pytest.raises(ParameterError, match="table Y25I09 .* is not in the real data"):
        load.load_table("Y25I09")
    with pytest.raises(ParameterError, match="no processed demo data"):
        load.resolve_source("demo")
    with pytest.raises(ParameterError, match="has no measure 'pesons'"):
        load.count_rows("Y01A02", measures="pesons")


def test_count_rows_counts_what_load_table_returns(raw_real):
    build.build("real")
    for filters in ({}, {"measures": "persons"}, {"areas": ["Slagelse", "Hele landet"], "measures": "persons"},
                    {"areas": "Slagelse", "periods": "2023M02"}):
        assert load.count_rows("Y01A02", "real", **filters) == len(load.load_table("Y01A02", "real", **filters))
    assert load.count_rows("Y01A02", "real", measures="persons") > 0


def test_tables_are_read_as_one_contiguous_array_per_column(tmp_path):
    """Many row groups (as large tables have) read back with the same values and dtypes, one chunk per column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame({"area": ["Slagelse", "Sorø", None, "Ærø"] * 500, "value": np.arange(2000.0)})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=100)
    assert pq.ParquetFile(path).num_row_groups == 20
    read = load.read_parquet_contiguous(path)
    pd.testing.assert_frame_equal(read, pd.read_parquet(path))
    assert all(pa.Table.from_pandas(read).column(c).num_chunks == 1 for c in read.columns)


def test_filter_codes_are_the_values_that_occur(tmp_path, monkeypatch):
    """Tables are kept with text as codes (parquet dictionaries): the distinct values, the rows a filter selects
    and the frame returned are what pandas reads, also when a file's dictionary holds a value no row has."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    areas = pa.DictionaryArray.from_arrays(pa.array([0, 2, 0, None, 3, 2] * 50, pa.int32()),
                                           pa.array(["Slagelse", "ubrugt", "Sorø", "Ærø"]))
    periods = pa.array(["2024M01", "2024M02", "", "2024M01", "2024M02", "2024M03"] * 50)
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"area": areas, "period": periods, "value": np.arange(300.0)}), path,
                   store_schema=False, row_group_size=64)
    assert pq.ParquetFile(path).num_row_groups == 5
    assert "ubrugt" in pq.read_table(path, read_dictionary=["area"]).column("area").chunk(0).dictionary.to_pylist()
    expected = pd.read_parquet(path)
    mtime = path.stat().st_mtime_ns
    pd.testing.assert_frame_equal(load._to_pandas(load._read_table(str(path), mtime)), expected)
    for column in ("area", "period"):
        codes, values = load._factorized(str(path), mtime, column)
        assert sorted(values) == sorted(expected[column].dropna().unique())
        assert ((codes < 0) == expected[column].isna().to_numpy()).all()
        assert (values[codes[codes >= 0]] == expected[column].dropna().to_numpy()).all()
    codes, values = load._factorized(str(path), mtime, "area")
    mask = np.isin(codes, values.get_indexer(["Ærø", "Sorø"]))
    chosen = load._to_pandas(load._read_table(str(path), mtime).filter(pa.array(mask)))
    pd.testing.assert_frame_equal(chosen, expected[expected["area"].isin(["Ærø", "Sorø"])].reset_index(drop=True))


def test_load_table_returns_what_pandas_reads_from_the_processed_file(raw_real):
    build.build("real")
    whole = pd.read_parquet(paths.processed_dir("real") / "Y01A02.parquet")
    pd.testing.assert_frame_equal(load.load_table("Y01A02", "real"), whole)
    some = load.load_table("Y01A02", "real", areas=["Slagelse", "Hele landet"], measures="persons")
    wanted = whole[whole["area"].isin(["Slagelse", "Hele landet"]) & (whole["measure"] == "persons")]
    assert len(some) > 0
    pd.testing.assert_frame_equal(some, wanted.reset_index(drop=True))


# --------------------------------------------------------------------------- processed data is what the raw files give


def _run_plan(*argv):
    """The runner's up-front checks (no kernel is started), for a report these tiny tables can make (the plan also
    checks that each chosen report's tables reach back to the period; the trends report needs its base month)."""
    import argparse

    parser = argparse.ArgumentParser()
    plan.configure_parser(parser)
    return plan.make_plan(parser.parse_args(["--notebooks", "benchmark_ranking", *argv]))


def _mtimes(folder):
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_table_whose_raw_file_is_gone_is_removed(raw_real, capsys):
    assert cli.main(["build"]) == 0
    (raw_real / "Y30R21.csv").unlink()
    capsys.readouterr()
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert "removed Y30R21 (no raw file gives them any more)" in out
    processed = paths.processed_dir("real")
    assert not (processed / "Y30R21.parquet").exists()
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == {"Y01A02"}
    assert [f["path"] for f in manifest["raw_files"]] == ["raw/jobindsats/y01a02.csv"]


def test_a_source_whose_raw_files_are_all_gone_loses_its_processed_data(raw_real, capsys):
    assert cli.main(["build"]) == 0
    for p in raw_real.iterdir():
        p.unlink()
    capsys.readouterr()
    assert cli.main(["build"]) == 2  # nothing left to build
    captured = capsys.readouterr()
    assert "no raw files of the real data are left" in captured.out and "no raw data" in captured.err
    assert not paths.processed_dir("real").exists()
    assert not [p for p in paths.processed_dir("real").parent.iterdir() if p.name.startswith(".real-")]


def test_run_refuses_processed_data_that_the_raw_files_no_longer_give(raw_real):
    from analysis.core.errors import InputError

    assert cli.main(["build"]) == 0
    assert _run_plan("--source", "real").source == "real"  # current: accepted

    y01 = raw_real / "y01a02.csv"
    original = y01.read_bytes()
    y01.write_bytes(original.replace(b"1.190", b"1.199"))  # same size, new content
    with pytest.raises(InputError, match=r"^the processed real data is out of date: raw/jobindsats/y01a02.csv changed since"):
        _run_plan("--source", "real")
    y01.write_bytes(original)  # the same bytes again, a newer time: only the checksum tells, and it agrees
    _run_plan("--source", "real")

    (raw_real / "Y30R21.csv").unlink()
    with pytest.raises(InputError, match=r"raw/jobindsats/Y30R21.csv is gone .*run `analysis build` first"):
        _run_plan("--source", "real")
    _csv(raw_real / "Y30R21.csv", ["Area;Periode;Ydelsesgrupper;Placering på benchmarkranglisten", "Slagelse;2021QMAT04;Ydelsesgrupper i alt;64"])
    _csv(raw_real / "y25i09.csv", ["Område;Periode;Antal langtidsledige", "Slagelse;2023M01;40"])
    with pytest.raises(InputError, match=r"raw/jobindsats/y25i09.csv is new"):
        _run_plan("--source", "real")
    assert cli.main(["build"]) == 0
    _run_plan("--source", "real")


def test_run_refuses_the_demo_data_when_real_raw_files_were_never_built(raw_real, monkeypatch):
    from analysis.core.errors import InputError

    demo_raw = paths.raw_jobindsats_dir("demo")
    _csv(demo_raw / "y01a02.csv", [HEADER, "Slagelse;2023M01;1.230;2,5"])
    assert cli.main(["build", "--source", "demo"]) == 0
    with pytest.raises(InputError, match=r"real raw files in .* that were never built, so the reports would use the demo data"):
        _run_plan()
    assert _run_plan("--source", "demo", "--period", "2023M01").source == "demo"  # asked for explicitly: fine
    assert cli.main(["build"]) == 0
    assert _run_plan().source == "real"


def test_build_with_nothing_changed_does_nothing_and_says_so(raw_real, capsys):
    assert cli.main(["build"]) == 0
    processed = paths.processed_dir("real")
    before = _mtimes(processed)
    capsys.readouterr()
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("real: up to date, nothing to build (2 raw files unchanged since the build of ")
    assert _mtimes(processed) == before  # not a byte written
    # A raw file touched but not changed is still unchanged (the sha256 decides).
    y01 = raw_real / "y01a02.csv"
    y01.write_bytes(y01.read_bytes())
    assert cli.main(["build"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_only_the_tables_whose_raw_files_changed_are_rebuilt(raw_real, capsys):
    assert cli.main(["build"]) == 0
    processed = paths.processed_dir("real")
    y30_before = (processed / "Y30R21.parquet").stat()
    _csv(raw_real / "y01a02.csv", [HEADER, "Slagelse;2023M01;1.230;2,5", "Slagelse;2023M02;1.500;2,4"])
    capsys.readouterr()
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt Y01A02; unchanged Y30R21" in out
    y30_after = (processed / "Y30R21.parquet").stat()
    assert (y30_after.st_ino, y30_after.st_mtime_ns) == (y30_before.st_ino, y30_before.st_mtime_ns)  # linked, not rewritten
    frame = pd.read_parquet(processed / "Y01A02.parquet")
    assert frame.loc[(frame.period == "2023M02") & (frame.measure == "persons"), "value"].tolist() == [1500]
    assert set(frame["area"]) == {"Slagelse"}
    # A second file of a changed table is read with the first: a key in both is still a duplicate.
    _csv(raw_real / "Y01A02_extra.csv", [HEADER, "Slagelse;2023M02;1.500;2,4"])
    assert cli.main(["build"]) == 2
    assert "duplicate rows for Y01A02" in capsys.readouterr().err


def test_a_change_in_the_build_code_rebuilds_everything(raw_real, monkeypatch, capsys):
    assert cli.main(["build"]) == 0
    monkeypatch.setattr(build, "builder_version", lambda: "another version")
    capsys.readouterr()
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built real: 2 tables") and "unchanged" not in out


# --------------------------------------------------------------------------- fetched files are verified, cut files noticed


def _fetched(folder, name, body: bytes, table="Y25I09"):
    """A raw file as `analysis fetch` saves it: the body and its manifest with size and sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body)
    manifest = {"table": table, "file": name, "fetched_at": "2024-07-01T06:00:00+00:00", "periods": ["2023M01"],
                "rows": 2, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    (folder / f"{name}.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder / name


def test_a_fetched_file_cut_short_or_changed_is_refused(raw_real, capsys):
    body = "Område;Periode;Antal langtidsledige\nSlagelse;2023M01;31\nSorø;2023M01;31\n".encode()
    path = _fetched(raw_real, "Y25I09__2023M01-2023M01.csv", body)
    assert cli.main(["build"]) == 0
    processed_before = _hashes(paths.processed_dir("real"))
    path.write_bytes(body[:-2])  # cut inside the last field: "31" would become "3"
    capsys.readouterr()
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert (f"raw/jobindsats/Y25I09__2023M01-2023M01.csv: {len(body) - 2} bytes, but its fetch manifest recorded {len(body)} "
            "(fetched 2024-07-01") in err
    assert "the file is cut short; fetch it again" in err
    path.write_bytes(body.replace(b"31\n", b"13\n"))  # same size, other content
    assert cli.main(["build"]) == 2
    assert "its sha256 differs from the one its fetch manifest recorded" in capsys.readouterr().err
    assert _hashes(paths.processed_dir("real")) == processed_before


def test_a_hand_dropped_csv_without_its_last_line_ending_is_a_warning(raw_real, capsys):
    (raw_real / "y25i09.csv").write_bytes("Område;Periode;Antal langtidsledige\nSlagelse;2023M01;40\nSorø;2023M01;3".encode())
    assert cli.main(["build"]) == 0
    captured = capsys.readouterr()
    assert ("warning: raw/jobindsats/y25i09.csv line 3: the last line has no line ending, so the file may have been "
            "cut short") in captured.err
    assert "built real: 3 tables" in captured.out


# --------------------------------------------------------------------------- leftovers of interrupted builds


def test_an_interrupted_build_leaves_a_marked_folder_that_the_next_build_removes(raw_real, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    # A build that stops (forever) after writing its first table, then is killed with SIGKILL.
    script = (
        "import time\n"
        "from analysis.data import build\n"
        "real = build.write_parquet\n"
        "def slow(*a, **k):\n"
        "    real(*a, **k)\n"
        "    print('written', flush=True)\n"
        "    time.sleep(600)\n"
        "build.write_parquet = slow\n"
        "build.build('real')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=dict(os.environ))
    try:
        assert proc.stdout.readline().strip() == b"written"
    finally:
        os.kill(proc.pid, signal.SIGKILL) if hasattr(signal, "SIGKILL") else proc.kill()
        proc.wait()
    root = paths.processed_dir("real").parent
    left = [p for p in root.iterdir() if p.name.startswith(".real-building-")]
    assert len(left) == 1 and (left[0] / ".made-by-analysis.json").is_file()

    # A folder of someone else's with a look-alike name, and one without the marker: never touched.
    mine = root / ".real-building-mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    unmarked = root / ".real-building-abcd1234"
    unmarked.mkdir()
    (unmarked / "Y01A02.parquet").write_bytes(b"x")
    (unmarked / "thesis.docx").write_bytes(b"keep")
    # What an unmarked build of the previous version left: only build output, its mkdtemp name.
    legacy = root / ".real-building-k3j4h5g6"
    (legacy / "local").mkdir(parents=True)
    (legacy / "Y01A02.parquet").write_bytes(b"x")
    (legacy / "local" / "spells.parquet").write_bytes(b"x")

    assert cli.main(["build"]) == 0
    names = sorted(p.name for p in root.iterdir())
    assert names == [".build.lock", ".real-building-abcd1234", ".real-building-mine", "real"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert (unmarked / "thesis.docx").read_bytes() == b"keep"


def test_two_builds_at_once_are_refused(raw_real):
    from analysis.core.errors import InputError

    with build.build_lock():
        with pytest.raises(InputError, match="another `analysis build` is running"):
            build.build("real")


# --------------------------------------------------------------------------- values outside their domain


@pytest.mark.parametrize(
    "value, shown, expected",
    [
        ("inf", "infinite", "a count: a finite number, 0 or more"),
        ("1e400", "infinite", "a count: a finite number, 0 or more"),
        ("-5", "-5", "a count: a finite number, 0 or more"),
    ],
)
def test_a_value_outside_its_domain_stops_the_build(raw_real, capsys, value, shown, expected):
    assert cli.main(["build"]) == 0
    before = _hashes(paths.processed_dir("real"))
    _csv(raw_real / "y01a02.csv", [HEADER, "Slagelse;2023M01;1.230;2,5", f"Slagelse;2023M02;{value};2,4"])
    capsys.readouterr()
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: raw/jobindsats/y01a02.csv row 3: 'Antal personer' (persons) is {shown}")
    assert err.endswith(f"expected {expected}") and len(err.splitlines()) == 1
    assert _hashes(paths.processed_dir("real")) == before


def test_the_benchmark_large_file_is_a_valid_table_of_the_size_asked_for(demo_data, tmp_path):
    from analysis.tools import timing

    path = timing.make_large_csv(tmp_path / "PTVC01.csv", 36)  # a little more than the demo table once
    assert 35.9e6 < path.stat().st_size <= 36e6 + 200 and path.read_bytes().endswith(b"\n")
    frame = reader.read_raw_file(path, compact=True)  # valid: known areas, unique keys, values in their domains
    years = {int(p[:4]) for p in frame["period"].unique()}
    assert min(years) < 2019 and frame["table"].iloc[0] == "PTVC01"


def test_demo_removes_what_an_interrupted_demo_left_and_nothing_else(tmp_path, monkeypatch):
    import json as json_

    from analysis import demo
    from analysis.core import atomic
    from analysis.demo import dataset, generator

    def fake(folder, seed):
        (folder / "local").mkdir(parents=True)
        (folder / "jobindsats").mkdir()
        (folder / "jobindsats" / "Y01A02.json").write_text(json_.dumps({"seed": seed}), encoding="utf-8")
        return {"jobindsats/Y01A02.json": 1}

    monkeypatch.setattr(generator, "write_files", fake)
    monkeypatch.setattr(dataset, "DEMO_HOOKS", ())
    parent = tmp_path / "raw"
    target = parent / "demo"
    demo.write_demo(target, seed=1)
    killed = atomic.make_staging(parent, ".demo.tmp-", demo.DEMO_MADE_BY)  # a demo killed while generating
    (killed / "jobindsats").mkdir()
    swapped = parent / ".demo.old-1a2b3c4d"  # killed between its two renames: the previous dataset
    swapped.mkdir()
    (swapped / "README.md").write_text(f"# {demo.DEMO_LABEL}\n", encoding="utf-8")
    mine = parent / ".demo.tmp-notes"  # someone else's folder with a look-alike name
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    demo.write_demo(target, seed=2)
    assert sorted(p.name for p in parent.iterdir()) == [".demo.tmp-notes", "demo"]
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert not (target / atomic.MARKER).exists()  # the dataset itself carries no marker
