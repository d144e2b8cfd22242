"""Readers for the Jobindsats raw formats, each returning the tidy model of :mod:`analysis.reference.model`.

Formats (see DATA-SOURCES.md):

- **CSV** from the API (v2 ``/csv``) or a portal download: ``;``-separated (``,`` is also
  accepted), decimal comma, a header of Danish labels, UTF-8 with or without a BOM, or
  Windows-1252 as Excel on a Danish PC saves it ("CSV (semikolonsepareret)"; see
  :mod:`analysis.sources.textfile`);
- **v3 JSON**: ``{"columns": [...], "rows": [[...], ...]}``, usually with a BOM;
- **v2 JSON**: ``[{"Variables": [{"Name": ..., "Label": ...}], "Data": [[...], ...]}]``, parsed by ``Label``.

Each format reader returns a wide frame of labels and raw cells; :func:`analysis.sources.tidy.tidy`
turns it into the tidy model by the rules shared by every source (missing cells, Danish numbers,
dimension totals, unknown columns).

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from analysis.core.errors import InputError
from analysis.reference import tables
from analysis.sources import textfile
from analysis.sources.tidy import code_dtype, tidy

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
    # Each text column encoded as a category, two at a time (pyarrow's encoding runs outside the GIL).
    parts = [table.column(name) for name in table.column_names]
    del table
    with ThreadPoolExecutor(max_workers=2) as pool:
        columns = dict(zip(labels, pool.map(_categorical, parts), strict=True))
    del parts
    if encoding == textfile.WINDOWS_1252:
        for label, cat in columns.items():
            textfile.check_mojibake([label, *cat.categories], shown)
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
    no line breaks), and the number of blank lines skipped.

    Parsed on all cores first; a file with a row of the wrong width (a blank line, a malformed row) is parsed
    again on one thread, where the parser knows each row's line number."""
    table = _arrow_csv_threaded(path, encoding, sep, width)
    if table is not None:
        return table, np.arange(2, table.num_rows + 2, dtype="int64"), 0
    skipped: list[int] = []
    bad: list[tuple[int, int]] = []

    def on_invalid(row) -> str:
        if not row.text.replace(sep, "").replace('"', "").strip():
            skipped.append(row.number)  # a blank line with too few separators: skipped like other blank rows
            return "skip"
        bad.append((row.number, row.actual_columns))
        return "error"

    try:
        table = pa_csv.read_csv(path, **_csv_options(encoding, sep, width, on_invalid, threads=False))
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


def _csv_options(encoding: str, sep: str, width: int, on_invalid, *, threads: bool) -> dict:
    """pyarrow's CSV options for a Jobindsats CSV: every cell text (nothing is a null), no header (read already)."""
    names = [f"c{i}" for i in range(width)]
    return {
        "read_options": pa_csv.ReadOptions(use_threads=threads, column_names=names, skip_rows=1, block_size=1 << 24,
                                           encoding="utf8" if encoding == textfile.UTF8 else "cp1252"),
        "parse_options": pa_csv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True, newlines_in_values=False,
                                             ignore_empty_lines=False, invalid_row_handler=on_invalid),
        "convert_options": pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False, null_values=[]),
    }


def _arrow_csv_threaded(path: Path, encoding: str, sep: str, width: int) -> pa.Table | None:
    """Every cell as text, parsed in parallel; None when a row has the wrong number of fields or the file cannot be
    read (the single-threaded reading then says where)."""
    odd: list[bool] = []

    def on_invalid(row) -> str:
        odd.append(True)
        return "error"  # stop: the single-threaded reading looks at the row

    try:
        table = pa_csv.read_csv(path, **_csv_options(encoding, sep, width, on_invalid, threads=True))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return None if odd else table


def _categorical(column: pa.ChunkedArray) -> pd.Categorical:
    encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    categories = pd.Index(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    return pd.Categorical.from_codes(codes.astype(code_dtype(len(categories)), copy=False), categories=categories)


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
