"""The jobcentre's own quarterly key figures: partnership agreements and adult apprenticeships.

Jobindsats has no figures for the committee's follow-up item "Aktiv brug af
partnerskabsaftalerne og voksenlærlingeordningen", so the analyst keeps them in one small
CSV file, ``data/raw/local/lokale_noegletal.csv`` (the demo version is written to
``data/raw/demo/local/`` by ``analysis demo``, :mod:`analysis.demo.local_key_figures`). ``analysis build`` validates it with
:func:`read_local` and stores it as the local input ``local_key_figures``; the notebook
``quarterly_key_figures`` reads it with ``load.local_input("local_key_figures", source)``.

File format
-----------
UTF-8 (a byte-order mark from Excel is fine) or Windows-1252 (Excel's "CSV (semikolonsepareret)"),
one header line, separated by ``,`` or ``;`` (whichever the header uses). Lines starting with ``#``
are comments. One row per
municipality and quarter::

    kommunekode;kvartal;partnerskabsaftaler;personer_via_partnerskabsaftaler;voksenlaerlinge;kommentar
    330;2024Q3;46;31;9;
    330;2024Q4;48;37;12;To nye VIP-aftaler

==================================  ========  ===============================================================
column                              required  meaning
==================================  ========  ===============================================================
``kommunekode``                     yes       the municipality: kommunekode (``330``) or name (``Slagelse``)
``kvartal``                         yes       the quarter: ``2024Q4`` (``2024K4`` is read as the same)
``partnerskabsaftaler``             yes       active partnership agreements with companies at the end of the
                                              quarter (incl. "styrkede" VIP agreements)
``personer_via_partnerskabsaftaler`` yes      citizens who started a job, internship or wage subsidy through a
                                              partnership agreement during the quarter
``voksenlaerlinge``                 yes       adult apprenticeships (voksenlærlinge) started during the quarter
                                              by the jobcentre's citizens
``kommentar``                       no        free text, not used in calculations
==================================  ========  ===============================================================

Numbers are whole and non-negative (``1.234`` with a thousands dot and ``12,0`` are read too). An
empty cell means "not reported" and is shown as "–" in reports, never as 0. No cell may hold a
CPR number, in any form (:mod:`analysis.sources.local.cpr`): the file is refused, without repeating the value. Headings may be written with Danish letters (``voksenlærlinge``)
and in any case. Each (municipality, quarter) appears once. Any problem stops the build with
one message naming the file, the line and what was expected.

Processed form (what :func:`read_local` returns): ``kommunekode``, ``kommune``, ``quarter``,
``period_end``, the three figures as float (NaN = not reported), ``kommentar``,
``source_file`` and ``source_row`` (the line number in the file).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError, ParameterError
from analysis.reference import geography, periods
from analysis.sources.local.cpr import contains_cpr
from analysis.sources.local.csv_text import read_csv_text

FILENAME = "lokale_noegletal.csv"
NAME = "local_key_figures"

KEY_COLUMNS = ("kommunekode", "kvartal")
FIGURE_COLUMNS = ("partnerskabsaftaler", "personer_via_partnerskabsaftaler", "voksenlaerlinge")
OPTIONAL_COLUMNS = ("kommentar",)

# Danish names and descriptions, used by analysis.analyses.key_figures and in the notebook.
LABELS_DA = {
    "partnerskabsaftaler": "Aktive partnerskabsaftaler (ultimo kvartalet)",
    "personer_via_partnerskabsaftaler": "Borgere startet via partnerskabsaftaler i kvartalet",
    "voksenlaerlinge": "Voksenlærlinge startet i kvartalet",
}

_MISSING = {"", "..", "-", "–", "na", "nan"}


def _norm_heading(text: str) -> str:
    text = str(text).replace("\ufeff", "").strip().casefold()
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[\s\-]+", "_", text)


def _display_path(path: Path, data_root: Path | None) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(data_root).resolve())) if data_root else str(path)
    except ValueError:
        return str(path)


def read_local(path: Path | str, data_root: Path | str | None = None) -> pd.DataFrame:
    """Read and validate ``lokale_noegletal.csv``; raises InputError naming the file and line."""
    path = Path(path)
    where = _display_path(path, Path(data_root) if data_root else None)
    text = read_csv_text(path, where, ";".join(KEY_COLUMNS + FIGURE_COLUMNS), prefer_sep=";")
    header_line, header, sep, content = text.header_line, text.header, text.sep, text.lines
    _refuse_cpr(content, sep, where)
    headings = [_norm_heading(h) for h in next(csv.reader([header], delimiter=sep))]
    known = KEY_COLUMNS + FIGURE_COLUMNS + OPTIONAL_COLUMNS
    for h in headings:
        if h not in known:
            raise InputError(
                f"{where} line {header_line}: unknown column {h!r}; expected the columns {', '.join(known)} "
                "(see the docstring of analysis.sources.local.local_key_figures)"
            )
    dup = {h for h in headings if headings.count(h) > 1}
    if dup:
        raise InputError(f"{where} line {header_line}: column {sorted(dup)[0]!r} appears twice")
    missing = [c for c in KEY_COLUMNS + FIGURE_COLUMNS if c not in headings]
    if missing:
        raise InputError(f"{where} line {header_line}: missing column {missing[0]!r}; expected {', '.join(KEY_COLUMNS + FIGURE_COLUMNS)}")

    records = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, line in content[1:]:
        fields = next(csv.reader([line], delimiter=sep))
        if len(fields) != len(headings):
            raise InputError(f"{where} line {line_no}: {len(fields)} fields, expected {len(headings)} ({sep.join(headings)})")
        row = dict(zip(headings, (f.strip() for f in fields), strict=True))
        try:
            kom = geography.municipality(row["kommunekode"].lstrip("0") or row["kommunekode"])
        except ParameterError as exc:
            raise InputError(f"{where} line {line_no}: column 'kommunekode' has {row['kommunekode']!r}: {exc}") from None
        try:
            quarter = periods.parse_period(row["kvartal"])
        except ParameterError:
            quarter = None
        if quarter is None or quarter.kind != "Q":
            raise InputError(f"{where} line {line_no}: column 'kvartal' has {row['kvartal']!r}, expected a quarter like 2024Q4")
        key = (kom.code, quarter.code)
        if key in seen:
            raise InputError(
                f"{where} lines {seen[key]} and {line_no}: {kom.name} {quarter.code} appears twice; expected one row per municipality and quarter"
            )
        seen[key] = line_no
        record = {"kommunekode": kom.code, "kommune": kom.name, "quarter": quarter.code, "period_end": quarter.end}
        for col in FIGURE_COLUMNS:
            record[col] = _number(row[col], col, where, line_no)
        record["kommentar"] = row.get("kommentar", "")
        record["source_file"] = where
        record["source_row"] = line_no
        records.append(record)
    if not records:
        raise InputError(f"{where}: no data rows under the header; expected one row per municipality and quarter")
    frame = pd.DataFrame.from_records(records)
    frame["period_end"] = frame["period_end"].astype("datetime64[ns]")
    for col in FIGURE_COLUMNS:
        frame[col] = frame[col].astype("float64")
    frame["source_row"] = frame["source_row"].astype("int64")
    order = frame["kommunekode"].astype(int)
    return frame.assign(_o=order).sort_values(["_o", "period_end"]).drop(columns="_o").reset_index(drop=True)


def _refuse_cpr(content: list[tuple[int, str]], sep: str, where: str) -> None:
    """Any CPR-like value, in any column or the header, refuses the file; the message names lines and
    columns, never the value (checked before anything else, so no other message can repeat it)."""
    headings = next(csv.reader([content[0][1]], delimiter=sep))
    found = []
    for line_no, line in content:
        for i, cell in enumerate(next(csv.reader([line], delimiter=sep))):
            if contains_cpr(cell):
                name = "the header" if line_no == content[0][0] else (
                    f"column {_norm_heading(headings[i])!r}" if i < len(headings) and not contains_cpr(headings[i]) else f"field {i + 1}")
                found.append(f"line {line_no} {name}")
    if found:
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise InputError(
            f"{where}: CPR-like values (personal identity numbers) in {', '.join(found[:5])}{more}; the file must hold "
            "no personal data: remove them (the values are not repeated here)"
        )


def _number(text: str, column: str, where: str, line_no: int) -> float:
    if text.casefold() in _MISSING:
        return float("nan")
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+([.,]0+)?", cleaned):
        return float(re.split(r"[.,]", cleaned)[0])
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):  # a thousands dot, as Excel writes 1.234
        return float(cleaned.replace(".", ""))
    raise InputError(
        f"{where} line {line_no}: column {column!r} has {text!r}, expected a whole number >= 0 (or an empty cell if not reported)"
    )
