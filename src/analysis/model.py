"""The one tidy data model every notebook reads, and its validation.

A processed table is a long frame with one row per (table, area, period, dimension
values, measure):

=================  ==============  ==============================================
column             dtype           meaning
=================  ==============  ==============================================
table              str             table id, upper case (``Y30R21``)
area               str             canonical area name (``Slagelse``, ``RAR Sjælland``, ``Hele landet``)
area_code          str             ``330``, ``RAR3``, ``1085``, ``000`` (see :mod:`analysis.geography`)
area_level         str             ``kommune`` | ``rar`` | ``region`` | ``land``
period             str             canonical period code (``2023M01``, ``2023Q1``, ``2022QMAT04``)
period_type        str             ``M`` | ``Q`` | ``QMAT``
period_start       datetime64      first day of the period
period_end         datetime64      last day of the period
<dimension keys>   str             the table's own dimensions (e.g. ``benefit_group``), Danish values
measure            str             measure key from :mod:`analysis.tables` (``rank``, ``fulltime_persons``)
value              float64         the number; NaN where the source suppressed or omitted it (never 0)
unit               str             ``personer``, ``fuldtidspersoner``, ``pct``, ``pct-point``, ``placering``, ...
source_file        str             the raw file the row came from, relative to the data root
source_row         int64           the row in that file (1-based data row; CSV: line number)
=================  ==============  ==============================================

The key is (table, area, period, <dimension keys>, measure) and must be unique.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from analysis import geography, tables
from analysis.errors import InputError

BASE_COLUMNS = ["table", "area", "area_code", "area_level", "period", "period_type", "period_start", "period_end"]
TAIL_COLUMNS = ["measure", "value", "unit", "source_file", "source_row"]


def columns_for(spec: tables.TableSpec) -> list[str]:
    return BASE_COLUMNS + spec.dimension_keys + TAIL_COLUMNS


def key_columns(spec: tables.TableSpec) -> list[str]:
    return ["table", "area", "period", *spec.dimension_keys, "measure"]


def _schema(spec: tables.TableSpec) -> pa.DataFrameSchema:
    known_areas = set(geography.areas()["name"])
    measure_keys = {m.key for m in spec.measures}
    # Text columns are checked as object columns with vectorised checks: pandera's element-wise
    # str type check costs ~10 s on a million-row table.
    text = object
    cols = {
        "table": pa.Column(text, pa.Check.eq(spec.id)),
        "area": pa.Column(text, pa.Check.isin(known_areas)),
        "area_code": pa.Column(text),
        "area_level": pa.Column(text, pa.Check.isin(geography.LEVELS)),
        "period": pa.Column(text),
        "period_type": pa.Column(text, pa.Check.isin(spec.period_kinds)),
        "period_start": pa.Column("datetime64[ns]"),
        "period_end": pa.Column("datetime64[ns]"),
        **{d: pa.Column(text) for d in spec.dimension_keys},
        "measure": pa.Column(text, pa.Check.isin(measure_keys)),
        "value": pa.Column(float, nullable=True),
        "unit": pa.Column(text),
        "source_file": pa.Column(text),
        "source_row": pa.Column("int64"),
    }
    return pa.DataFrameSchema(cols, strict=True, ordered=False)


def validate(frame: pd.DataFrame, spec: tables.TableSpec) -> pd.DataFrame:
    """Check a tidy frame against the model; raise InputError naming the file, the row and the problem."""
    try:
        _schema(spec).validate(frame, lazy=False)
    except pa.errors.SchemaError as exc:
        raise InputError(_describe_schema_error(frame, exc, spec)) from None
    keys = key_columns(spec)
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        rows = frame.loc[dup].sort_values(keys).head(2)
        where = " and ".join(f"{r.source_file} row {r.source_row}" for r in rows.itertuples())
        first = rows.iloc[0]
        what = ", ".join(f"{k}={first[k]}" for k in keys if k != "table")
        raise InputError(f"{where}: duplicate rows for {spec.id} ({what}); expected one row per area, period and dimensions")
    return frame


def _describe_schema_error(frame: pd.DataFrame, exc: pa.errors.SchemaError, spec: tables.TableSpec) -> str:
    column = getattr(exc, "column_name", None) or ""
    cases = getattr(exc, "failure_cases", None)
    index = None
    if isinstance(cases, pd.DataFrame) and "index" in cases and len(cases):
        index = cases["index"].iloc[0]
    if index is not None and index in frame.index:
        row = frame.loc[index]
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        value = row.get(column, "")
        return f"{row['source_file']} row {row['source_row']}: column {column!r} has {value!r}, which is not valid for {spec.id}"
    files = ", ".join(sorted(frame["source_file"].astype(str).unique())[:3]) if "source_file" in frame else spec.id
    return f"{files}: {spec.id} does not match the data model: {str(exc).splitlines()[0]}"
