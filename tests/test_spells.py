"""The local spell extract (analysis.sources.local.spells): its schema, validation messages with line numbers, privacy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.sources.local import spells

HEADER = ",".join(spells.COLUMNS)
GOOD = [
    "F1,Pa1,330,Privat virksomhedspraktik,A-dagpenge,2023-01-09,2023-02-17,45,K,Videregående,13,1",
    'F2,Pa2,330,Offentlig løntilskud,"Kontanthjælp, aktivitetsparat",2023-02-01,2023-05-31,38,M,Grundskole,40,0',
    "F3,Pa3,Slagelse,Vejledning og opkvalificering,Sygedagpenge,01-03-2023,15.04.2023,51,K,Erhvervsfaglig,20,1",
    "F4,Pa1,101,Privat løntilskud,Ressourceforløb,2023-06-01,2023-06-01,45,K,Gymnasial,0,0",
]


EXTRACTED = "2025-01-31"


def write(tmp_path: Path, lines: list[str], header: str = HEADER, sep: str = ",", extract_date: str | None = EXTRACTED) -> Path:
    """forloeb.csv with the extract date as a last comment line (so the data keep their line numbers)."""
    path = tmp_path / "forloeb.csv"
    text = "\n".join([header.replace(",", sep), *[line if sep == "," else line.replace(",", sep) for line in lines]])
    if extract_date is not None:
        text += f"\n# extract_date: {extract_date}"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_reads_a_good_file_with_types(tmp_path):
    frame = spells.read_local(write(tmp_path, GOOD), tmp_path)
    assert list(frame.columns) == [*spells.COLUMNS, "extract_date", "source_row"]  # extract_date: new in issue 12
    assert (frame["extract_date"] == pd.Timestamp(EXTRACTED)).all()
    assert frame["kommunekode"].tolist() == ["330", "330", "330", "101"]  # a name is read as its code
    assert str(frame["start_date"].dtype) == "datetime64[ns]"
    assert frame.loc[2, "start_date"] == pd.Timestamp("2023-03-01")  # day-first Danish dates
    assert frame.loc[2, "end_date"] == pd.Timestamp("2023-04-15")
    assert frame["age"].dtype == "int64" and frame["employed_6m"].tolist() == [1, 0, 1, 0]
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    assert frame.loc[1, "target_group"] == "Kontanthjælp, aktivitetsparat"


def test_semicolon_bom_case_and_comments(tmp_path):
    path = tmp_path / "forloeb.csv"
    lines = ["# udtræk fra fagsystemet", "# Udtræksdato = 31-01-2025", HEADER.upper().replace(",", ";")]
    lines += [line.replace('"Kontanthjælp, aktivitetsparat"', "Kontanthjælp, aktivitetsparat").replace(",", ";")
              .replace("Kontanthjælp; aktivitetsparat", "Kontanthjælp, aktivitetsparat") for line in GOOD]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    frame = spells.read_local(path)
    assert len(frame) == 4 and frame["source_row"].tolist() == [4, 5, 6, 7]
    assert spells.extract_date(frame) == pd.Timestamp("2025-01-31")  # the Danish key, day-first date


def _error(tmp_path, lines, header=HEADER) -> str:
    with pytest.raises(InputError) as info:
        spells.read_local(write(tmp_path, lines, header), tmp_path)
    message = str(info.value)
    assert message.startswith("forloeb.csv"), message  # names the file (relative to the data root)
    return message


def test_missing_columns_are_named(tmp_path):
    header = HEADER.replace(",education", "").replace(",employed_6m", "")
    lines = [",".join(x for i, x in enumerate(GOOD[0].split(",")) if i not in (9, 11))]  # no quoted commas in GOOD[0]
    message = _error(tmp_path, lines, header)
    assert "missing columns education, employed_6m" in message and "line 1" in message


def test_unknown_column_is_refused(tmp_path):
    message = _error(tmp_path, [line + ",x" for line in GOOD], HEADER + ",navn")
    assert "unknown column 'navn'" in message


def test_end_before_start_names_the_lines(tmp_path):
    bad = GOOD[:2] + [GOOD[0].replace("F1,", "F9,").replace("2023-02-17", "2022-12-31")]
    message = _error(tmp_path, bad)
    assert "line 4: end_date is before start_date" in message


def test_impossible_date_names_the_lines(tmp_path):
    bad = [GOOD[0], GOOD[1].replace("2023-05-31", "2023-02-30")]
    assert "line 3: column 'end_date' is not a date" in _error(tmp_path, bad)


def test_duplicate_spell_ids_name_the_lines(tmp_path):
    bad = [*GOOD, GOOD[1].replace("Pa2", "Pa7")]  # F2 again
    assert "lines 3, 6: duplicate spell_id" in _error(tmp_path, bad)


def test_the_same_spell_twice_under_two_ids(tmp_path):
    bad = [*GOOD, GOOD[0].replace("F1,", "F8,")]
    assert "lines 2, 6: duplicate spells" in _error(tmp_path, bad)


@pytest.mark.parametrize("cpr", ["010190-1234", "0101901234"])
def test_cpr_like_values_are_refused_without_repeating_them(tmp_path, cpr):
    bad = [GOOD[0], GOOD[1].replace("Pa2", cpr), GOOD[2].replace("F3,", f"{cpr},")]
    message = _error(tmp_path, bad)
    assert "line 3: column 'person_id' holds CPR-like values" in message
    assert "line 4: column 'spell_id' holds CPR-like values" in message
    assert cpr not in message and "publishing is refused" in message


def test_many_bad_rows_name_the_first_few(tmp_path):
    bad = [GOOD[0].replace("F1,", f"F{i},").replace("Pa1", f"Pb{i}").replace(",45,", ",abc,") for i in range(10, 20)]
    message = _error(tmp_path, bad)
    assert "lines 2, 3, 4, 5, 6 and 5 more: column 'age' is not a whole number" in message


def test_values_outside_the_lists(tmp_path):
    bad = [
        GOOD[0].replace("Privat virksomhedspraktik", "Nytteindsats"),
        GOOD[1].replace(",M,", ",X,"),
        GOOD[2].replace("Slagelse", "999"),
        GOOD[3].replace(",0,0", ",60,2"),
    ]
    message = _error(tmp_path, bad)
    assert "line 2: column 'programme' has a value that is not one of" in message
    assert "line 3: column 'sex'" in message
    assert "line 4: column 'kommunekode' is not a known kommunekode" in message
    assert "line 5: column 'prior_benefit_weeks'" in message and "line 5: column 'employed_6m' is not 0 or 1" in message


def test_empty_cells(tmp_path):
    assert "line 2: column 'education' is empty" in _error(tmp_path, [GOOD[0].replace("Videregående", "")])


def test_drop_identifiers_and_check_publishable(tmp_path):
    frame = spells.read_local(write(tmp_path, GOOD), tmp_path)
    with pytest.raises(InputError, match="row-level column"):
        spells.check_publishable(frame)
    kept = spells.drop_identifiers(frame)
    assert "person_id" not in kept and "spell_id" not in kept
    with pytest.raises(InputError, match="row-level column"):  # dates and line numbers are row-level too
        spells.check_publishable(kept)
    agg = frame.groupby("programme", as_index=False).agg(spells=("spell_id", "size"))
    assert spells.check_publishable(agg, spells=frame) is agg
    with pytest.raises(InputError, match="person or spell ids"):
        spells.check_publishable(agg.assign(example=frame["person_id"].iloc[0]), spells=frame)
    with pytest.raises(InputError, match="CPR-like"):
        spells.check_publishable(pd.DataFrame({"x": ["ring 0101901234"]}))


def test_for_municipality(tmp_path):
    frame = spells.read_local(write(tmp_path, GOOD), tmp_path)
    assert len(spells.for_municipality(frame, "Slagelse")) == 3
    assert len(spells.for_municipality(frame, "330")) == 3
    assert spells.for_municipality(frame, "Læsø").empty


def test_build_stores_the_extract_as_local_input(data_root, tmp_path):
    """The build reads forloeb.csv through analysis.sources.local.spells and load.local_input returns it."""
    from analysis.data import build, load

    src = data_root / "raw" / "demo"
    (src / "local").mkdir(parents=True)
    (src / "jobindsats").mkdir()
    (src / "jobindsats" / "y30r21.csv").write_text(
        "Område;Periode;Ydelsesgrupper;Placering på benchmarkranglisten\nSlagelse;2021QMAT04;Ydelsesgrupper i alt;64\n",
        encoding="utf-8")
    write(src / "local", GOOD)
    build.build("demo")
    frame = load.local_input("spells", "demo")
    assert len(frame) == 4 and set(frame["kommunekode"]) == {"330", "101"}


def test_demo_extract_passes_validation(demo_data):
    path = demo_data / "raw" / "demo" / "local" / spells.FILENAME
    frame = spells.read_local(path, demo_data)
    assert len(frame) > 100_000
    assert set(frame["programme"]) == set(spells.PROGRAMMES)
    assert not frame["person_id"].str.contains(spells.CPR_PATTERN).any()


# --------------------------------------------------------------------------- the extract date (issue 12, point 2)


def test_an_extract_without_a_date_is_refused_with_how_to_add_it(tmp_path):
    with pytest.raises(InputError) as info:
        spells.read_local(write(tmp_path, GOOD, extract_date=None), tmp_path)
    message = str(info.value)
    assert message.startswith("forloeb.csv") and "line 1: no extract date" in message
    assert "# extract_date: YYYY-MM-DD" in message and "six months" in message


def test_the_extract_date_as_a_column(tmp_path):
    header = HEADER + ",extract_date"
    frame = spells.read_local(write(tmp_path, [line + ",2025-02-28" for line in GOOD], header, extract_date=None), tmp_path)
    assert spells.extract_date(frame) == pd.Timestamp("2025-02-28")
    assert list(frame.columns) == [*spells.COLUMNS, "extract_date", "source_row"]
    # one date per extract
    lines = [line + (",2025-02-28" if i != 2 else ",2025-03-01") for i, line in enumerate(GOOD)]
    with pytest.raises(InputError, match="line 4: column 'extract_date' differs from line 2"):
        spells.read_local(write(tmp_path, lines, header, extract_date=None), tmp_path)
    # the comment line and the column must agree
    with pytest.raises(InputError, match="given more than once with different dates"):
        spells.read_local(write(tmp_path, [line + ",2025-02-28" for line in GOOD], header), tmp_path)
    with pytest.raises(InputError, match="line 3: column 'extract_date' is empty or not a date"):
        spells.read_local(write(tmp_path, [line + ("," if i == 1 else ",2025-02-28") for i, line in enumerate(GOOD)],
                                header, extract_date=None), tmp_path)


def test_bad_extract_dates_are_named(tmp_path):
    message = str(pytest.raises(InputError, spells.read_local, write(tmp_path, GOOD, extract_date="31/13/2025")).value)
    assert "line 6: the extract date '31/13/2025' is not a date" in message
    message = str(pytest.raises(InputError, spells.read_local, write(tmp_path, GOOD, extract_date="2199-01-01")).value)
    assert "the extract date 2199-01-01 is in the future" in message
    # a completed spell cannot end after the extract was taken
    with pytest.raises(InputError, match="lines 3, 5: end_date is after the extract date 2023-05-30"):
        spells.read_local(write(tmp_path, GOOD, extract_date="2023-05-30"), tmp_path)


def test_outcome_observed_six_months_after_the_end(tmp_path):
    lines = [GOOD[0].replace("2023-02-17", "2024-07-31"), GOOD[1].replace("2023-05-31", "2024-08-01"),
             GOOD[2].replace("15.04.2023", "2025-01-31"), GOOD[3].replace("2023-06-01,2023-06-01", "2023-06-01,2024-06-30")]
    frame = spells.read_local(write(tmp_path, lines), tmp_path)  # extract date 2025-01-31
    assert spells.outcome_observed(frame).tolist() == [True, False, False, True]
    seen, too_recent = spells.split_by_outcome(frame)
    assert seen["spell_id"].tolist() == ["F1", "F4"] and too_recent["spell_id"].tolist() == ["F2", "F3"]
    assert spells.outcome_observed(frame.iloc[0:0]).empty
    assert spells.last_observable_end(pd.Timestamp("2025-01-31")) == pd.Timestamp("2024-07-31")
    assert spells.last_observable_end(pd.Timestamp("2024-09-30")) == pd.Timestamp("2024-03-31")
    assert spells.last_observable_end(pd.Timestamp("2024-08-15")) == pd.Timestamp("2024-02-15")


def test_extract_date_of_a_frame_without_one(tmp_path):
    frame = spells.read_local(write(tmp_path, GOOD), tmp_path)
    with pytest.raises(InputError, match="no extract date.*analysis build"):
        spells.extract_date(frame.drop(columns="extract_date"))
    with pytest.raises(InputError, match="2 extract dates"):
        spells.extract_date(frame.assign(extract_date=pd.to_datetime(["2025-01-31", "2025-01-31", "2025-02-01", "2025-02-01"])))


def _rows(n: int, start: int = 0) -> list[str]:
    return [f"F{i},P{i % 7},330,Privat virksomhedspraktik,A-dagpenge,2023-01-{1 + i % 28:02d},2023-02-17,45,K,Grundskole,13,1"
            for i in range(start, start + n)]


def test_a_large_extract_is_read_in_batches_with_the_same_result(tmp_path, monkeypatch):
    """The extract is read in batches (bounded memory for a 200 MB file, see make bench): rows, line numbers,
    comment lines anywhere, and problems spanning batches come out as if the file were read at once."""
    lines = _rows(6) + ["", "# a note in the middle", ",,,,,,,,,,,", *_rows(5, 6)]
    path = write(tmp_path, lines)
    whole = spells.read_local(path, tmp_path)
    monkeypatch.setattr(spells, "BATCH_ROWS", 2)
    batched = spells.read_local(path, tmp_path)
    pd.testing.assert_frame_equal(batched, whole)
    assert whole["source_row"].tolist() == [*range(2, 8), *range(11, 16)]
    # Problems in different batches: a duplicate spell id five rows apart, a bad age in the last batch, a CPR number.
    bad = _rows(6) + [_rows(1)[0].replace(",45,", ",99,"), "F2,P9,330,Privat virksomhedspraktik,A-dagpenge,2023-01-05,2023-02-17,45,K,Grundskole,13,1",
                      "F40,010190-1234,330,Privat virksomhedspraktik,A-dagpenge,2023-01-05,2023-02-17,45,K,Grundskole,13,1"]
    messages = []
    for rows in (10**6, 2):
        monkeypatch.setattr(spells, "BATCH_ROWS", rows)
        with pytest.raises(InputError) as info:
            spells.read_local(write(tmp_path, bad), tmp_path)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "lines 2, 4, 8, 9: duplicate spell_id" in messages[0] and "line 8: column 'age'" in messages[0]
    assert "line 10: column 'person_id' holds CPR-like values" in messages[0] and "010190" not in messages[0]


def test_the_cpr_check_looks_at_every_value_that_could_hold_one(tmp_path):
    values = pd.Series(["010190-1234", "0101901234", "x 01.01.1990/1234 y", "a" * 100 + "010190 1234", "F0000001",
                        "2023-01-09", "P8e9b65cd", "", "12345678901"])
    codes, uniques = spells._distinct(values, "education")
    from analysis.sources.local.cpr import cpr_like

    assert spells._cpr_rows(codes, uniques).tolist() == cpr_like(values).tolist() == [True] * 4 + [False] * 5


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_the_fast_utf8_reading_gives_what_the_text_reading_gives(tmp_path, monkeypatch, newline):
    """A UTF-8 extract is read as bytes and parsed by pyarrow (issue 14 point 8: a 200 MB file in at most 3x the time
    of pandas.read_csv); a Windows-1252 one is read as text. With pandas' parser forced on the text reading (the way
    every extract was read before), both give the same frame and the same problems: line endings (LF, CR LF, a lone
    CR), a byte-order mark, white space around cells and ids, comment, blank and separator-only lines anywhere."""
    lines = ["# extract_date: 2025-01-31", HEADER, *_rows(3), "", "\u00a0", "# a note", ",,,,,,,,,,,",
             " F90 ,\u00a0P90 ,330, Privat løntilskud ,A-dagpenge,2023-01-05,2023-02-17,45,K,Grundskole,13,1",
             GOOD[1].replace("F2", "F91"), *_rows(2, 3)]
    bad = [*lines, _rows(1)[0].replace(",45,", ",99,"), "F93,010190 1234,330,Privat virksomhedspraktik,"
           "A-dagpenge,2023-01-05,2023-02-17,45,K,Grundskole,13,1"]

    def read(content: list[str], encoding: str) -> tuple[pd.DataFrame | None, str]:
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes((b"\xef\xbb\xbf" if encoding == "utf-8" else b"") + newline.join(content).encode(encoding) + b"\n")
        try:
            return spells.read_local(path, tmp_path), ""
        except InputError as exc:
            return None, str(exc).replace(path.name, "forloeb.csv")

    fast = read(lines, "utf-8"), read(bad, "utf-8")
    monkeypatch.setattr(spells._SpellFile, "_parse_arrow", lambda self, body: None)
    text = read(lines, "windows-1252"), read(bad, "windows-1252")
    pd.testing.assert_frame_equal(fast[0][0], text[0][0])
    assert fast[0][0]["spell_id"].tolist()[3:5] == ["F90", "F91"] and fast[0][0]["person_id"].tolist()[3] == "P90"
    assert fast[0][0]["source_row"].tolist() == [3, 4, 5, 10, 11, 12, 13]
    assert fast[1][1] == text[1][1] and "line 14: column 'age'" in fast[1][1]
    assert "line 15: column 'person_id' holds CPR-like values" in fast[1][1] and "1234" not in fast[1][1]


def test_an_extract_that_is_utf8_only_at_its_start_is_read_again_as_windows_1252(tmp_path):
    """A UTF-8 start is read as UTF-8 at once (no scan of the whole file first); a Windows-1252 byte or a zero byte
    further on (after the first megabyte) sends the file back to the scanned reading, as before."""
    from analysis.sources import textfile

    rows = [f"F{i},P{i},330,Privat virksomhedspraktik,A-dagpenge,2023-01-05,2023-02-17,45,K,Grundskole,13,1"
            for i in range(30_000)]
    path = tmp_path / "forloeb.csv"
    late = "F99999,P1,330,Privat løntilskud,A-dagpenge,2023-01-05,2023-02-17,45,K,Videregående,13,1"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("utf-8") + late.encode("windows-1252")
                     + f"\n# extract_date: {EXTRACTED}\n".encode())
    assert path.stat().st_size > 2 * (1 << 20) and textfile.read_head(path, "x", "x").utf8
    with textfile.collecting() as notices:
        frame = spells.read_local(path, tmp_path)
    assert notices.windows_1252 == ["forloeb.csv"] and len(frame) == 30_001
    assert frame["programme"].iloc[-1] == "Privat løntilskud" and frame["education"].iloc[-1] == "Videregående"
    path.write_bytes(path.read_bytes().replace(b"F99999", b"F9\x009"))
    with pytest.raises(InputError, match=r"forloeb.csv: not a text file \(a zero byte at byte"):
        spells.read_local(path, tmp_path)
