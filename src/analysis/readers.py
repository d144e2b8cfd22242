"""Readers for the Jobindsats raw formats, each returning the tidy model of :mod:`analysis.model`.

Formats (see DATA-SOURCES.md):

- **CSV** from the API (v2 ``/csv``) or a portal download: ``;``-separated (``,`` is also
  accepted), decimal comma, a header of Danish labels, UTF-8 with or without a BOM;
- **v3 JSON**: ``{"columns": [...], "rows": [[...], ...]}``, usually with a BOM;
- **v2 JSON**: ``[{"Variables": [{"Name": ..., "Label": ...}], "Data": [[...], ...]}]``, parsed by ``Label``.

Rules shared by all formats:

- labels are matched with whitespace, case and Unicode form folded (releases drift);
- suppressed or missing cells (``..``, ``-``, ``.``, empty, JSON null) become NaN, never 0;
- a string number with a comma is Danish (``1.234,5``); a string without a comma whose dots
  group digits in threes (``17.200``) is a Danish thousands number; JSON numbers are taken as they are;
- a dimension column the file lacks (a portal download of totals only) gets the dimension's total value;
- an unknown column with one value on every row (``Køn = I alt``) carries nothing and is dropped;
  any other unknown column is an error;
- every problem raises :class:`~analysis.errors.InputError` naming the file, the row and what was expected.

A file's table is named by its manifest (``<file>.manifest.json``, written by ``analysis fetch``)
or by its file name: ``y30r21.csv``, ``Y30R21.json``, ``y30r21_2020-2021.csv`` and
``PTV_A02__2019M01-2024M12.json`` all work (the longest known table id the name starts with).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import geography, model, periods, tables
from analysis.errors import InputError, ParameterError
from analysis.geography import normalise_label

MISSING_TOKENS = frozenset({"", "..", "-", ".", "–", "nan", "NaN", "None", "null", "NULL"})
_THOUSANDS = re.compile(r"^[-−]?\d{1,3}(\.\d{3})+$")
RAW_SUFFIXES = (".csv", ".json")


def is_raw_data_file(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and name.endswith(RAW_SUFFIXES) and not name.endswith(".manifest.json") and not name.startswith(".")


def detect_table_id(path: Path) -> str:
    """The table a raw file holds: from its manifest if there is one, else from its file name."""
    manifest = path.with_name(path.name + ".manifest.json")
    if manifest.is_file():
        try:
            return tables.spec(json.loads(manifest.read_text(encoding="utf-8"))["table"], file=str(path)).id
        except (KeyError, json.JSONDecodeError):
            pass
    stem = path.name.rsplit(".", 1)[0]
    parts = re.split(r"([_\-\s]+)", stem)
    for end in range(len(parts), 0, -1):
        candidate = "".join(parts[:end])
        try:
            return tables.spec(candidate).id
        except InputError:
            continue
    known = ", ".join(tables.table_ids())
    raise InputError(f"{path.name}: cannot tell which table this file holds; name it after its table (e.g. y30r21.csv); known tables: {known}")


def read_raw_file(path: Path, *, table_id: str | None = None, data_root: Path | None = None) -> pd.DataFrame:
    """Read one raw Jobindsats file (CSV, v2 JSON or v3 JSON) into the tidy model."""
    path = Path(path)
    shown = _shown_name(path, data_root)
    spec = tables.spec(table_id, file=shown) if table_id else tables.spec(detect_table_id(path), file=shown)
    if path.suffix.lower() == ".csv":
        wide, row_numbers = _read_csv(path, shown)
    elif path.suffix.lower() == ".json":
        wide, row_numbers = _read_json(path, shown)
    else:
        raise InputError(f"{shown}: unknown file type {path.suffix!r}; expected .csv or .json")
    return tidy(wide, row_numbers, spec, shown)


def _shown_name(path: Path, data_root: Path | None) -> str:
    if data_root is not None:
        try:
            return str(path.resolve().relative_to(Path(data_root).resolve()))
        except ValueError:
            pass
    return path.name


# --- format readers: each returns a wide frame of labels -> raw cells, plus source row numbers -------


def _read_csv(path: Path, shown: str) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: not UTF-8 text (byte {exc.start}); expected a UTF-8 CSV from Jobindsats") from None
    if not text.strip():
        raise InputError(f"{shown}: the file is empty; expected a header line and data rows")
    first_line = text.splitlines()[0]
    sep = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = [h.strip() for h in next(reader)]
    width = len(header)
    rows, numbers = [], []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(
                f"{shown} line {line_no}: {len(row)} fields, expected {width} as in the header "
                "(a truncated or malformed file?)"
            )
        rows.append(row)
        numbers.append(line_no)
    if not rows:
        raise InputError(f"{shown}: no data rows after the header")
    return pd.DataFrame(rows, columns=header, dtype=object), np.asarray(numbers, dtype="int64")


def _read_json(path: Path, shown: str) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown} line {exc.lineno}: not valid JSON ({exc.msg}); the file may be truncated") from None
    if isinstance(doc, dict) and "columns" in doc and "rows" in doc:  # v3
        columns = [_column_label(c) for c in doc["columns"]]
        data = doc["rows"]
    elif isinstance(doc, list) and doc and isinstance(doc[0], dict) and "Variables" in doc[0]:  # v2
        columns = [_column_label(v) for v in doc[0]["Variables"]]
        data = doc[0].get("Data")
    elif isinstance(doc, (str, dict)) and "nøgle" in json.dumps(doc, ensure_ascii=False).lower():
        raise InputError(f"{shown}: holds an API error message, not data: {str(doc)[:120]}")
    else:
        raise InputError(f"{shown}: unknown JSON shape; expected Jobindsats v3 ({{'columns', 'rows'}}) or v2 ([{{'Variables', 'Data'}}])")
    if not isinstance(data, list) or not data:
        raise InputError(f"{shown}: no data rows")
    width = len(columns)
    for i, row in enumerate(data, start=1):
        if not isinstance(row, list) or len(row) != width:
            got = len(row) if isinstance(row, list) else type(row).__name__
            raise InputError(f"{shown} row {i}: {got} cells, expected {width} as in the column list")
    return pd.DataFrame(data, columns=columns, dtype=object), np.arange(1, len(data) + 1, dtype="int64")


def _column_label(column) -> str:
    if isinstance(column, dict):
        for key in ("Label", "label", "Name", "name", "id"):
            if key in column:
                return str(column[key]).strip()
        raise InputError(f"a column entry has no label: {column!r}")
    return str(column).strip()


# --- wide -> tidy ---------------------------------------------------------------------------------


def tidy(wide: pd.DataFrame, row_numbers: np.ndarray, spec: tables.TableSpec, shown: str) -> pd.DataFrame:
    """Turn a wide frame of labelled columns into the tidy model for one table."""
    wide = wide.reset_index(drop=True)
    area_col = _find_column(wide, tables.AREA_LABELS, "area", shown, spec)
    period_col = _find_column(wide, tables.PERIOD_LABELS, "period", shown, spec)
    dims: dict[str, str] = {}
    measures: dict[str, tables.Measure] = {}
    for col in wide.columns:
        if col in (area_col, period_col):
            continue
        dim = spec.match_dimension(col)
        if dim is not None:
            dims[dim.key] = col
            continue
        measure = spec.match_measure(col)
        if measure is not None:
            if measure.key in {m.key for m in measures.values()}:
                raise InputError(f"{shown}: two columns are measure {measure.key!r} of {spec.id} ({col!r})")
            measures[col] = measure
            continue
        values = wide[col].astype(str).str.strip().unique()
        if len(values) == 1:
            continue  # a constant column such as "Køn" = "I alt" carries nothing
        raise InputError(
            f"{shown}: column {col!r} is not a known dimension or measure of {spec.id}; "
            f"expected dimensions {[d.label for d in spec.dimensions]} and measures like {[m.label for m in spec.measures][:3]}"
        )
    if not measures:
        raise InputError(f"{shown}: no measure columns of {spec.id} found; expected e.g. {spec.measures[0].label!r}")

    base = pd.DataFrame({"table": spec.id, "source_row": row_numbers})
    areas = _resolve_areas(wide[area_col], row_numbers, shown)
    base = pd.concat([base, areas], axis=1)
    try:
        period_cols = periods.period_frame(wide[period_col].astype(str).str.strip())
    except ParameterError:
        bad = ~wide[period_col].astype(str).map(periods.is_period)
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{shown} row {row_numbers[i]}: period {wide[period_col].iloc[i]!r} is not a period code; "
            "expected e.g. 2023M01, 2023Q1 or 2022QMAT04"
        ) from None
    wrong_kind = ~period_cols["period_type"].isin(spec.period_kinds)
    if wrong_kind.any():
        i = int(np.flatnonzero(wrong_kind.to_numpy())[0])
        raise InputError(
            f"{shown} row {row_numbers[i]}: period {period_cols['period'].iloc[i]} is a {period_cols['period_type'].iloc[i]} period; "
            f"{spec.id} has {'/'.join(spec.period_kinds)} periods"
        )
    base = pd.concat([base, period_cols], axis=1)
    for dim in spec.dimensions:
        if dim.key in dims:
            column = wide[dims[dim.key]].astype(str)
            base[dim.key] = column.map({v: re.sub(r"\s+", " ", v).strip() for v in column.unique()})
        elif dim.total is not None:
            base[dim.key] = dim.total
        else:
            raise InputError(f"{shown}: column {dim.label!r} is missing; {spec.id} needs it")

    parts = []
    for col, measure in measures.items():
        part = base.copy()
        part["measure"] = measure.key
        part["value"] = parse_numbers(wide[col], shown=shown, column=col, row_numbers=row_numbers)
        part["unit"] = measure.unit
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["source_file"] = shown
    out = out[model.columns_for(spec)]
    return model.validate(out, spec)


def _find_column(wide: pd.DataFrame, labels: tuple[str, ...], what: str, shown: str, spec: tables.TableSpec) -> str:
    wanted = {normalise_label(x) for x in labels}
    for col in wide.columns:
        if normalise_label(col) in wanted:
            return col
    raise InputError(f"{shown}: no {what} column; expected one of {list(labels)} for {spec.id} (columns: {list(wide.columns)[:6]})")


def _resolve_areas(labels: pd.Series, row_numbers: np.ndarray, shown: str) -> pd.DataFrame:
    texts = labels.astype(str)
    resolved = {}
    for text in pd.unique(texts):
        found = geography.find_area(text)
        if found is None:
            i = int(np.flatnonzero((texts == text).to_numpy())[0])
            try:
                geography.area(text)
            except ParameterError as exc:
                raise InputError(f"{shown} row {row_numbers[i]}: {exc}") from None
        resolved[text] = found
    return pd.DataFrame(
        {
            "area": texts.map({k: v.name for k, v in resolved.items()}),
            "area_code": texts.map({k: v.code for k, v in resolved.items()}),
            "area_level": texts.map({k: v.level for k, v in resolved.items()}),
        }
    )


def parse_numbers(cells: pd.Series, *, shown: str = "", column: str = "", row_numbers: np.ndarray | None = None) -> pd.Series:
    """Parse raw cells into float64: Danish strings, JSON numbers; suppressed -> NaN; anything else is an error.

    Each distinct cell is parsed once (a table of a million rows has far fewer distinct values).
    """
    cells = cells.reset_index(drop=True)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    parsed = np.array([_parse_one(v) for v in uniques], dtype="float64") if len(uniques) else np.array([], dtype="float64")
    bad = np.isnan(parsed) & ~np.array([_is_missing(v) for v in uniques], dtype=bool)
    if bad.any():
        first_bad = int(np.flatnonzero(np.isin(codes, np.flatnonzero(bad)))[0])
        row = row_numbers[first_bad] if row_numbers is not None else first_bad + 1
        raise InputError(f"{shown} row {row}: {column!r} is {cells[first_bad]!r}, expected a number (or .. for a suppressed cell)")
    values = np.full(len(cells), np.nan, dtype="float64")
    present = codes >= 0
    values[present] = parsed[codes[present]]
    return pd.Series(values, index=cells.index, dtype="float64")


def _is_missing(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return isinstance(value, str) and value.replace("\u00a0", "").strip() in MISSING_TOKENS


def _parse_one(value) -> float:
    """One cell: a JSON number as it is; a string the Danish way; NaN when missing or not a number."""
    if isinstance(value, bool):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if value is None:
        return np.nan
    text = str(value).replace("\u00a0", "").strip().replace("−", "-")
    if text in MISSING_TOKENS:
        return np.nan
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return np.nan
