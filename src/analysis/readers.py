"""Readers for the Jobindsats raw formats, each returning the tidy model of :mod:`analysis.reference.model`.

Formats (see DATA-SOURCES.md):

- **CSV** from the API (v2 ``/csv``) or a portal download: ``;``-separated (``,`` is also
  accepted), decimal comma, a header of Danish labels, UTF-8 with or without a BOM, or
  Windows-1252 as Excel on a Danish PC saves it ("CSV (semikolonsepareret)"; see
  :mod:`analysis.textfile`);
- **v3 JSON**: ``{"columns": [...], "rows": [[...], ...]}``, usually with a BOM;
- **v2 JSON**: ``[{"Variables": [{"Name": ..., "Label": ...}], "Data": [[...], ...]}]``, parsed by ``Label``.

Rules shared by all formats:

- labels are matched with whitespace, case and Unicode form folded (releases drift);
- suppressed or missing cells (``..``, ``-``, ``.``, empty, JSON null) become NaN, never 0;
- a string number with a comma is Danish (``1.234,5``); a string without a comma whose dots
  group digits in threes (``17.200``) is a Danish thousands number; non-breaking spaces are
  ignored; JSON numbers are taken as they are;
- a dimension column the file lacks (a portal download of totals only) gets the dimension's total value;
- an unknown column with one value on every row (``Køn = I alt``) carries nothing and is dropped;
  any other unknown column is an error;
- every problem raises :class:`~analysis.core.errors.InputError` naming the file, the row and what was expected.

A file's table is named by its manifest (``<file>.manifest.json``, written by ``analysis fetch``)
or by its file name: ``y30r21.csv``, ``Y30R21.json``, ``y30r21_2020-2021.csv`` and
``PTV_A02__2019M01-2024M12.json`` all work (the longest known table id the name starts with).

Large files: a CSV is parsed by pyarrow's CSV reader and every text column is kept as a
category (each distinct label, area, period and number is parsed once), so a file of a few
hundred megabytes is read in a fraction of the memory a frame of Python strings would take.
``compact=True`` returns the tidy frame with categorical text columns (what the build writes);
the default returns ordinary object columns.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from analysis import textfile
from analysis.reference import geography, model, periods, tables
from analysis.core.errors import InputError, ParameterError
from analysis.reference.geography import normalise_label
from analysis.core.paths import RAW_SUFFIXES, is_raw_data_file

MISSING_TOKENS = frozenset({"", "..", "-", ".", "–", "nan", "NaN", "None", "null", "NULL"})
_THOUSANDS = re.compile(r"^[-−]?\d{1,3}(\.\d{3})+$")
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_CSV_WHAT = "a ';'-separated CSV file from Jobindsats"


def detect_table_id(path: Path) -> str:
    """The table a raw file holds: from its manifest if there is one, else from its file name."""
    manifest = path.with_name(path.name + ".manifest.json")
    if manifest.is_file():
        try:
            return tables.spec(json.loads(manifest.read_text(encoding="utf-8"))["table"], file=str(path)).id
        except (KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
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


def read_raw_file(
    path: Path, *, table_id: str | None = None, data_root: Path | None = None, compact: bool = False
) -> pd.DataFrame:
    """Read one raw Jobindsats file (CSV, v2 JSON or v3 JSON) into the tidy model.

    ``compact=True``: text columns stay categorical (for the build); else they are ordinary strings.
    """
    path = Path(path)
    shown = _shown_name(path, data_root)
    spec = tables.spec(table_id, file=shown) if table_id else tables.spec(detect_table_id(path), file=shown)
    if path.suffix.lower() == ".csv":
        wide, row_numbers = _read_csv(path, shown)
    elif path.suffix.lower() == ".json":
        wide, row_numbers = _read_json(path, shown)
    else:
        raise InputError(f"{shown}: unknown file type {path.suffix!r}; expected .csv or .json")
    return tidy(wide, row_numbers, spec, shown, compact=compact)


def _shown_name(path: Path, data_root: Path | None) -> str:
    if data_root is not None:
        try:
            return str(path.resolve().relative_to(Path(data_root).resolve()))
        except ValueError:
            pass
    return path.name


# --- format readers: each returns a wide frame of labels -> raw cells (categorical), plus source row numbers ----


def _read_csv(path: Path, shown: str) -> tuple[pd.DataFrame, np.ndarray]:
    head = textfile.read_head(path, shown, _CSV_WHAT)
    encoding = textfile.UTF8 if head.utf8 else textfile.WINDOWS_1252
    header_line = head.decode_first_line(encoding)
    if not header_line.strip():
        raise InputError(f"{shown}: the file is empty; expected a header line and data rows")
    sep = ";" if header_line.count(";") >= header_line.count(",") else ","
    width = len(next(csv.reader([header_line], delimiter=sep)))
    try:
        table, row_numbers, skipped = _arrow_csv(path, encoding, sep, width, shown)
    except _NotUtf8:  # valid UTF-8 at the start, not further on: Windows-1252 throughout (or a mixed file, refused below)
        encoding = textfile.WINDOWS_1252
        header_line = head.decode_first_line(encoding)
        table, row_numbers, skipped = _arrow_csv(path, encoding, sep, width, shown)
    textfile.note_encoding(shown, encoding)
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=sep))]
    labels = unique_labels(header, shown)
    lines = table.num_rows + 1 + skipped
    info = textfile.TextInfo(encoding, head.bom, head.size, lines, head.ends_with_newline)
    textfile.warn_if_cut_short(info, shown, fetched=textfile.has_fetch_manifest(path))
    columns = {}
    for label, name in zip(labels, table.column_names, strict=True):
        columns[label] = _categorical(table.column(name))
        table = table.drop_columns([name])  # free each text column once it is encoded
        if encoding == textfile.WINDOWS_1252:
            textfile.check_mojibake([label, *columns[label].categories], shown)
    # Rows whose cells are all blank (empty lines, ";;;" lines from Excel) are skipped; the others keep their line numbers.
    blank = np.ones(len(row_numbers), dtype=bool)
    for cat in columns.values():
        is_blank = np.array([not str(c).strip() for c in cat.categories] + [True], dtype=bool)
        if not is_blank.any():
            blank[:] = False
            break
        blank &= is_blank[cat.codes]
    if blank.any():
        keep = ~blank
        columns = {label: cat[keep] for label, cat in columns.items()}
        row_numbers = row_numbers[keep]
    if not len(row_numbers):
        raise InputError(f"{shown}: no data rows after the header")
    return pd.DataFrame(columns, copy=False), row_numbers


class _NotUtf8(Exception):
    pass


def unique_labels(header: list[str], shown: str) -> list[str]:
    """Header labels for a frame: an empty label (Excel's trailing ``;``) gets a placeholder; a repeated one is an error."""
    labels = [h if h else f"(unnamed column {i + 1})" for i, h in enumerate(header)]
    seen = set()
    for label in labels:
        if label in seen:
            raise InputError(f"{shown} line 1: column {label!r} appears twice in the header")
        seen.add(label)
    return labels


def _arrow_csv(path: Path, encoding: str, sep: str, width: int, shown: str) -> tuple[pa.Table, np.ndarray, int]:
    """Every cell as text, with the file line number of each row (one row per line: Jobindsats cells hold
    no line breaks), and the number of blank lines skipped. Single-threaded: the parser then knows line numbers."""
    skipped: list[int] = []
    bad: list[tuple[int, int]] = []

    def on_invalid(row) -> str:
        if not row.text.replace(sep, "").replace('"', "").strip():
            skipped.append(row.number)  # a blank line with too few separators: skipped like other blank rows
            return "skip"
        bad.append((row.number, row.actual_columns))
        return "error"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                use_threads=False, column_names=names, skip_rows=1, block_size=1 << 24,
                encoding="utf8" if encoding == textfile.UTF8 else "cp1252",
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep, quote_char='"', double_quote=True, newlines_in_values=False,
                ignore_empty_lines=False, invalid_row_handler=on_invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[],
            ),
        )
    except UnicodeDecodeError as exc:  # Windows-1252 has five undefined bytes
        raise InputError(f"{shown}: neither UTF-8 nor Windows-1252 text (byte {exc.start} of a block); "
                         f"expected {_CSV_WHAT}") from None
    except pa.ArrowInvalid as exc:
        if bad:
            line, fields = bad[0]
            raise InputError(
                f"{shown} line {line}: {fields} fields, expected {width} as in the header "
                "(a truncated or malformed file, or a cell with a line break?)"
            ) from None
        if "invalid UTF8" in str(exc) and encoding == textfile.UTF8:
            raise _NotUtf8 from None
        raise InputError(f"{shown}: cannot be read as a {sep!r}-separated file: {str(exc).splitlines()[0][:200]}") from None
    lines = np.arange(2, table.num_rows + 2 + len(skipped), dtype="int64")
    if skipped:
        lines = lines[~np.isin(lines, np.asarray(skipped, dtype="int64"))]
    return table, lines, len(skipped)


def _categorical(column: pa.ChunkedArray) -> pd.Categorical:
    encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    categories = pd.Index(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    return pd.Categorical.from_codes(codes.astype(_code_dtype(len(categories)), copy=False), categories=categories)


def _code_dtype(n: int):
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32


def _read_json(path: Path, shown: str) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        with _no_gc():  # millions of small lists: the cyclic garbage collector would triple the time
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
    del doc
    if not isinstance(data, list) or not data:
        raise InputError(f"{shown}: no data rows")
    width = len(columns)
    for i, row in enumerate(data, start=1):
        if not isinstance(row, list) or len(row) != width:
            got = len(row) if isinstance(row, list) else type(row).__name__
            raise InputError(f"{shown} row {i}: {got} cells, expected {width} as in the column list")
    labels = unique_labels(columns, shown)
    cells = np.empty((len(data), width), dtype=object)
    cells[:] = data
    del data
    wide = pd.DataFrame({label: pd.Categorical(cells[:, j]) for j, label in enumerate(labels)})
    return wide, np.arange(1, len(wide) + 1, dtype="int64")


@contextlib.contextmanager
def _no_gc():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _column_label(column) -> str:
    if isinstance(column, dict):
        for key in ("Label", "label", "Name", "name", "id"):
            if key in column:
                return str(column[key]).strip()
        raise InputError(f"a column entry has no label: {column!r}")
    return str(column).strip()


# --- wide -> tidy ---------------------------------------------------------------------------------


def tidy(wide: pd.DataFrame, row_numbers: np.ndarray, spec: tables.TableSpec, shown: str, *, compact: bool = False) -> pd.DataFrame:
    """Turn a wide frame of labelled columns into the tidy model for one table.

    Works on each column's distinct values (as a category), so a large file costs little memory.
    """
    wide = wide.reset_index(drop=True)
    row_numbers = np.asarray(row_numbers, dtype="int64")
    cells = {col: _as_categorical(wide[col]) for col in wide.columns}
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
        if len(_observed_texts(cells[col])) == 1:
            continue  # a constant column such as "Køn" = "I alt" carries nothing
        raise InputError(
            f"{shown}: column {col!r} is not a known dimension or measure of {spec.id}; "
            f"expected dimensions {[d.label for d in spec.dimensions]} and measures like {[m.label for m in spec.measures][:3]}"
        )
    if not measures:
        raise InputError(f"{shown}: no measure columns of {spec.id} found; expected e.g. {spec.measures[0].label!r}")

    n = len(wide)
    base: dict[str, object] = {}
    area_names, area_codes, area_levels = _resolve_areas(cells[area_col], row_numbers, shown)
    base.update(area=area_names, area_code=area_codes, area_level=area_levels)
    base.update(_resolve_periods(cells[period_col], row_numbers, shown, spec))
    for dim in spec.dimensions:
        if dim.key in dims:
            cat = cells[dims[dim.key]]
            base[dim.key] = _recode(cat, [re.sub(r"\s+", " ", str(v)).strip() for v in cat.categories])
        elif dim.total is not None:
            base[dim.key] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[dim.total])
        else:
            raise InputError(f"{shown}: column {dim.label!r} is missing; {spec.id} needs it")

    k = len(measures)
    keys = [m.key for m in measures.values()]
    value = np.empty(n * k, dtype="float64")
    for i, col in enumerate(measures):
        value[i * n : (i + 1) * n] = parse_numbers(cells[col], shown=shown, column=col, row_numbers=row_numbers).to_numpy()
    # One row per (area, period, dimensions) in the file, checked on the wide rows (a k-th of the tidy rows).
    model.check_unique(pd.DataFrame({
        "table": _constant(spec.id, n), **{c: base[c] for c in ("area", "period", *spec.dimension_keys)},
        "measure": _constant(keys[0], n), "source_file": _constant(shown, n), "source_row": row_numbers,
    }, copy=False), spec)
    measure_codes = np.repeat(np.arange(k, dtype=np.int8), n)
    out: dict[str, object] = {"table": _constant(spec.id, n * k)}
    for name in ("area", "area_code", "area_level", "period", "period_type", "period_start", "period_end", *spec.dimension_keys):
        out[name] = _tile(base[name], k)
    out["measure"] = pd.Categorical.from_codes(measure_codes, categories=keys)
    out["value"] = value
    units = [m.unit for m in measures.values()]
    unit_codes, unit_values = pd.factorize(np.asarray(units, dtype=object))
    out["unit"] = pd.Categorical.from_codes(unit_codes.astype(np.int8)[measure_codes], categories=unit_values)
    out["source_file"] = _constant(shown, n * k)
    out["source_row"] = np.tile(row_numbers, k)
    frame = pd.DataFrame({c: out[c] for c in model.columns_for(spec)}, copy=False)
    del out, value
    frame = model.validate(frame, spec, unique_checked=True)
    return frame if compact else model.decompress(frame)


def _as_categorical(column: pd.Series) -> pd.Categorical:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array
    return pd.Categorical(column.to_numpy(dtype=object))


def _observed_texts(cat: pd.Categorical) -> set[str]:
    used = np.unique(cat.codes)
    texts = {str(cat.categories[c]).strip() for c in used if c >= 0}
    if (used < 0).any():
        texts.add("")
    return texts


def _texts(cat: pd.Categorical) -> list[str]:
    """The categories as text (a JSON number or null in a text column is read as its text)."""
    return [v if isinstance(v, str) else str(v) for v in cat.categories]


def _codes(cat: pd.Categorical) -> np.ndarray:
    """Category codes where a missing cell (-1) gets the code of an extra empty category ``len(categories)``."""
    codes = cat.codes.astype(np.int32)
    codes[codes < 0] = len(cat.categories)
    return codes


def _recode(cat: pd.Categorical, new_labels: list) -> pd.Categorical:
    """Relabel the categories (several may get the same label); a missing cell gets the label ''."""
    labels = np.asarray([*new_labels, ""], dtype=object)
    label_codes, uniques = pd.factorize(labels)
    codes = label_codes[_codes(cat)]
    return pd.Categorical.from_codes(codes.astype(_code_dtype(len(uniques)), copy=False), categories=uniques)


def _recode_values(cat: pd.Categorical, values: np.ndarray) -> pd.Categorical:
    """A category column of ``values[code]`` (one value per category, then one for a missing cell)."""
    value_codes, uniques = pd.factorize(values)
    codes = value_codes[_codes(cat)]
    return pd.Categorical.from_codes(codes.astype(_code_dtype(len(uniques)), copy=False), categories=uniques)


def _constant(value: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


def _tile(values, k: int):
    if isinstance(values, pd.Categorical):
        return pd.Categorical.from_codes(np.tile(values.codes, k), dtype=values.dtype)
    return np.tile(np.asarray(values), k)


def _first_row(cat: pd.Categorical, bad_categories: np.ndarray) -> int:
    """The position of the first row whose category is marked bad (the extra code ``len`` is the missing cell)."""
    return int(np.flatnonzero(bad_categories[_codes(cat)])[0])


def _find_column(wide: pd.DataFrame, labels: tuple[str, ...], what: str, shown: str, spec: tables.TableSpec) -> str:
    wanted = {normalise_label(x) for x in labels}
    for col in wide.columns:
        if normalise_label(col) in wanted:
            return col
    raise InputError(f"{shown}: no {what} column; expected one of {list(labels)} for {spec.id} (columns: {list(wide.columns)[:6]})")


def _resolve_areas(cat: pd.Categorical, row_numbers: np.ndarray, shown: str) -> tuple[pd.Categorical, ...]:
    texts = [*_texts(cat), ""]
    found = [geography.find_area(t) for t in texts]
    unknown = np.array([f is None for f in found])
    used = np.zeros(len(texts), dtype=bool)
    used[np.unique(_codes(cat))] = True
    if (unknown & used).any():
        i = _first_row(cat, unknown & used)
        text = texts[_codes(cat)[i]]
        try:
            geography.area(text)
        except ParameterError as exc:
            raise InputError(f"{shown} row {row_numbers[i]}: {exc}") from None
    names = [a.name if a else "" for a in found[:-1]]
    codes = [a.code if a else "" for a in found[:-1]]
    levels = [a.level if a else "" for a in found[:-1]]
    return _recode(cat, names), _recode(cat, codes), _recode(cat, levels)


def _resolve_periods(cat: pd.Categorical, row_numbers: np.ndarray, shown: str, spec: tables.TableSpec) -> dict:
    texts = [*_texts(cat), ""]
    used = np.zeros(len(texts), dtype=bool)
    used[np.unique(_codes(cat))] = True
    parsed = []
    for text, is_used in zip(texts, used, strict=True):
        try:
            parsed.append(periods.parse_period(text.strip()) if is_used else None)
        except ParameterError:
            parsed.append(None)
    unparsed = np.array([p is None for p in parsed]) & used
    if unparsed.any():
        i = _first_row(cat, unparsed)
        raise InputError(
            f"{shown} row {row_numbers[i]}: period {texts[_codes(cat)[i]]!r} is not a period code; "
            "expected e.g. 2023M01, 2023Q1 or 2022QMAT04"
        )
    wrong_kind = np.array([p is not None and p.kind not in spec.period_kinds for p in parsed])
    if wrong_kind.any():
        i = _first_row(cat, wrong_kind)
        p = parsed[_codes(cat)[i]]
        raise InputError(
            f"{shown} row {row_numbers[i]}: period {p.code} is a {p.kind} period; {spec.id} has {'/'.join(spec.period_kinds)} periods"
        )
    never = pd.Timestamp("1970-01-01")
    starts = np.array([p.start if p else never for p in parsed], dtype="datetime64[ns]")
    ends = np.array([p.end if p else never for p in parsed], dtype="datetime64[ns]")
    return {
        "period": _recode(cat, [p.code if p else "" for p in parsed[:-1]]),
        "period_type": _recode(cat, [p.kind if p else "" for p in parsed[:-1]]),
        # Dates as categories too (two bytes a row instead of eight); model.decompress makes them datetime64.
        "period_start": _recode_values(cat, starts),
        "period_end": _recode_values(cat, ends),
    }


# --- numbers ----------------------------------------------------------------------------------------


def parse_numbers(cells, *, shown: str = "", column: str = "", row_numbers: np.ndarray | None = None) -> pd.Series:
    """Parse raw cells into float64: Danish strings, JSON numbers; suppressed -> NaN; anything else is an error.

    Each distinct cell is parsed once, strings all at once with pyarrow (a table of a million rows has
    far fewer distinct values, and a large one is parsed at the speed of C).
    """
    if isinstance(cells, pd.Series):
        cat = _as_categorical(cells.reset_index(drop=True))
    elif isinstance(cells, pd.Categorical):
        cat = cells
    else:
        cat = pd.Categorical(np.asarray(cells, dtype=object))
    parsed, bad = parse_distinct(cat.categories)
    if bad.any():
        first_bad = int(np.flatnonzero(np.isin(cat.codes, np.flatnonzero(bad)))[0])
        row = row_numbers[first_bad] if row_numbers is not None else first_bad + 1
        raise InputError(f"{shown} row {row}: {column!r} is {cat[first_bad]!r}, expected a number (or .. for a suppressed cell)")
    codes = cat.codes
    values = np.full(len(codes), np.nan, dtype="float64")
    present = codes >= 0
    values[present] = parsed[codes[present]]
    return pd.Series(values, dtype="float64")


def parse_distinct(uniques) -> tuple[np.ndarray, np.ndarray]:
    """(a float per distinct cell, True where the cell is neither a number nor a missing-value token)."""
    uniques = pd.Index(uniques)
    if uniques.dtype.kind in "iuf":
        return uniques.to_numpy(dtype="float64"), np.zeros(len(uniques), dtype=bool)
    objects = uniques.to_numpy(dtype=object)
    values = np.full(len(objects), np.nan, dtype="float64")
    bad = np.zeros(len(objects), dtype=bool)
    is_text = np.fromiter((isinstance(v, str) for v in objects), dtype=bool, count=len(objects))
    for i in np.flatnonzero(~is_text):
        values[i] = _parse_one(objects[i])
        bad[i] = np.isnan(values[i]) and not _is_missing(objects[i])
    if is_text.any():
        values[is_text], bad[is_text] = _parse_texts(objects[is_text])
    return values, bad


def _parse_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Danish number strings, vectorised: the same rules as :func:`_parse_one`."""
    a = pa.array(texts, type=pa.string())
    a = pc.utf8_trim_whitespace(pc.replace_substring(pc.replace_substring(a, "\u00a0", ""), "−", "-"))
    missing = pc.is_in(a, value_set=pa.array(sorted(MISSING_TOKENS)))
    undotted = pc.replace_substring(a, ".", "")
    text = pc.if_else(
        pc.match_substring(a, ","),
        pc.replace_substring(undotted, ",", "."),
        pc.if_else(pc.match_substring_regex(a, r"^-?\d{1,3}(\.\d{3})+$"), undotted, a),
    )
    plain = pc.match_substring_regex(text, _PLAIN_NUMBER).to_numpy(zero_copy_only=False)
    missing = missing.to_numpy(zero_copy_only=False)
    values = np.full(len(texts), np.nan, dtype="float64")
    if plain.any():
        values[plain] = pc.cast(pc.filter(text, pa.array(plain)), pa.float64()).to_numpy(zero_copy_only=False)
    bad = np.zeros(len(texts), dtype=bool)
    rest = np.flatnonzero(~plain & ~missing)
    if len(rest):
        others = text.take(pa.array(rest)).to_pylist()
        for i, t in zip(rest, others, strict=True):
            try:
                values[i] = float(t)  # "inf", "1_000": Python's reading, as before
            except ValueError:
                values[i] = np.nan
            bad[i] = np.isnan(values[i])
    return values, bad


def _is_missing(value) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return isinstance(value, str) and value.replace("\u00a0", "").strip() in MISSING_TOKENS


def _parse_one(value) -> float:
    """One cell: a JSON number as it is; a string the Danish way; NaN when missing or not a number."""
    if isinstance(value, bool):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # a JSON integer beyond float range
            return np.inf if value > 0 else -np.inf
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
