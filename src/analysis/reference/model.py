"""The one tidy data model every notebook reads, and its validation.

A processed table is a long frame with one row per (table, area, period, dimension
values, measure):

=================  ==============  ==============================================
column             dtype           meaning
=================  ==============  ==============================================
table              str             table id, upper case (``Y30R21``)
area               str             canonical area name (``Slagelse``, ``RAR Sjælland``, ``Hele landet``)
area_code          str             ``330``, ``RAR3``, ``1085``, ``000`` (see :mod:`analysis.reference.geography`)
area_level         str             ``kommune`` | ``rar`` | ``region`` | ``land``
period             str             canonical period code (``2023M01``, ``2023Q1``, ``2022QMAT04``)
period_type        str             ``M`` | ``Q`` | ``QMAT``
period_start       datetime64      first day of the period
period_end         datetime64      last day of the period
<dimension keys>   str             the table's own dimensions (e.g. ``benefit_group``), Danish values
measure            str             measure key from :mod:`analysis.reference.tables` (``rank``, ``fulltime_persons``)
value              float64         the number; NaN where the source suppressed or omitted it (never 0)
unit               str             ``personer``, ``fuldtidspersoner``, ``pct``, ``pct-point``, ``placering``, ...
source_file        str             the raw file the row came from, relative to the data root
source_row         int64           the row in that file (1-based data row; CSV: line number)
=================  ==============  ==============================================

The key is (table, area, period, <dimension keys>, measure) and must be unique, and every
value lies in its measure's domain (:attr:`analysis.reference.tables.Measure.value_domain`: counts finite
and 0 or more, shares from 0 to 100, differences finite, ranks whole from 1 to 98).

The text columns may be ordinary strings or categories (the build keeps large tables as
categories in memory: :func:`decompress` turns them into strings; the Parquet files hold strings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import InputError
from analysis.reference import geography, tables

BASE_COLUMNS = ["table", "area", "area_code", "area_level", "period", "period_type", "period_start", "period_end"]
TAIL_COLUMNS = ["measure", "value", "unit", "source_file", "source_row"]


def columns_for(spec: tables.TableSpec) -> list[str]:
    return BASE_COLUMNS + spec.dimension_keys + TAIL_COLUMNS


def key_columns(spec: tables.TableSpec) -> list[str]:
    return ["table", "area", "period", *spec.dimension_keys, "measure"]


def _is_text(series: pd.Series) -> bool:
    """Strings (object or pandas' string dtype, the default from pandas 3) or categories of strings."""
    dtype = series.cat.categories.dtype if isinstance(series.dtype, pd.CategoricalDtype) else series.dtype
    return dtype == object or pd.api.types.is_string_dtype(dtype)


def _is_date(series: pd.Series) -> bool:
    dtype = series.cat.categories.dtype if isinstance(series.dtype, pd.CategoricalDtype) else series.dtype
    return dtype == "datetime64[ns]"


def _in(allowed) -> pa.Check:
    """Values in ``allowed``, checked once per distinct value for a category column."""
    allowed = set(allowed)

    def check(series: pd.Series):
        if isinstance(series.dtype, pd.CategoricalDtype):
            ok = np.array([c in allowed for c in series.cat.categories] + [False], dtype=bool)
            return pd.Series(ok[series.cat.codes], index=series.index)
        return series.isin(allowed)

    return pa.Check(check, error=f"isin({sorted(allowed)[:5]}...)")


def _schema(spec: tables.TableSpec) -> pa.DataFrameSchema:
    known_areas = set(geography.areas()["name"])
    measure_keys = {m.key for m in spec.measures}
    # Text columns (strings or categories) are checked with vectorised checks: pandera's element-wise
    # str type check costs ~10 s on a million-row table.
    def text(*checks):
        return pa.Column(None, [pa.Check(_is_text, error="text (str or category)"), *checks])

    cols = {
        "table": text(_in({spec.id})),
        "area": text(_in(known_areas)),
        "area_code": text(),
        "area_level": text(_in(geography.LEVELS)),
        "period": text(),
        "period_type": text(_in(spec.period_kinds)),
        "period_start": pa.Column(None, pa.Check(_is_date, error="datetime64[ns] (or its category)")),
        "period_end": pa.Column(None, pa.Check(_is_date, error="datetime64[ns] (or its category)")),
        **{d: text() for d in spec.dimension_keys},
        "measure": text(_in(measure_keys)),
        "value": pa.Column(float, nullable=True),
        "unit": text(),
        "source_file": text(),
        "source_row": pa.Column("int64"),
    }
    return pa.DataFrameSchema(cols, strict=True, ordered=False)


def validate(frame: pd.DataFrame, spec: tables.TableSpec, *, unique_checked: bool = False) -> pd.DataFrame:
    """Check a tidy frame against the model; raise InputError naming the file, the row and the problem.

    ``unique_checked``: the caller has already checked that keys are unique (on fewer rows).
    """
    try:
        _schema(spec).validate(frame, lazy=False, inplace=True)
    except pa.errors.SchemaError as exc:
        raise InputError(_describe_schema_error(frame, exc, spec)) from None
    check_domains(frame, spec)
    if not unique_checked:
        check_unique(frame, spec)
    return frame


def check_unique(frame: pd.DataFrame, spec: tables.TableSpec) -> None:
    """One row per key (table, area, period, dimensions, measure); else InputError naming two rows."""
    keys = key_columns(spec)
    dup = duplicated(frame, keys)
    if dup.any():
        rows = frame.iloc[_first_duplicate_pair(frame, keys, dup)]
        where = " and ".join(f"{r.source_file} row {r.source_row}" for r in rows.itertuples())
        first = rows.iloc[0]
        what = ", ".join(f"{k}={first[k]}" for k in keys if k != "table")
        raise InputError(f"{where}: duplicate rows for {spec.id} ({what}); expected one row per area, period and dimensions")


def _key_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """One integer per row identifying its key (the key columns' codes combined), or None when the
    combination would not fit in 62 bits. Category columns give their codes for free."""
    sizes, factorized = [], {}
    for k in keys:
        column = frame[k]
        if isinstance(column.dtype, pd.CategoricalDtype):
            sizes.append(len(column.cat.categories) + 1)
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            factorized[k] = codes
            sizes.append(len(uniques) + 1)
    if np.prod(np.asarray(sizes, dtype="float64")) >= 2.0**62:
        return None
    combined = np.zeros(len(frame), dtype="int64")
    for k, size in zip(keys, sizes, strict=True):
        codes = factorized.pop(k) if k in factorized else frame[k].cat.codes.to_numpy()
        combined *= size
        combined += codes
        combined += 1  # a missing value (-1) gets its own code 0
    return combined


def duplicated(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``frame.duplicated(keys, keep=False)``, fast and lean for large frames of category columns:
    the keys' combined codes are sorted once (hashing such structured integers can be very slow)."""
    combined = _key_codes(frame, keys)
    if combined is None:
        return frame.duplicated(keys, keep=False)
    mask = np.zeros(len(frame), dtype=bool)
    ordered = np.sort(combined)
    if not (ordered[1:] == ordered[:-1]).any():
        return pd.Series(mask, index=frame.index)
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    same = ordered[1:] == ordered[:-1]
    if same.any():
        in_order = np.zeros(len(frame), dtype=bool)
        in_order[1:] |= same
        in_order[:-1] |= same
        mask[order] = in_order
    return pd.Series(mask, index=frame.index)


def _first_duplicate_pair(frame: pd.DataFrame, keys: list[str], dup: pd.Series) -> list[int]:
    """Positions of the first duplicated row (in frame order) and of the next row with the same key."""
    positions = np.flatnonzero(dup.to_numpy())
    first = int(positions[0])
    combined = _key_codes(frame, keys)
    if combined is not None:
        partners = positions[combined[positions] == combined[first]]
    else:
        row = frame.iloc[first]
        partners = [p for p in positions if all(frame[k].iat[p] == row[k] for k in keys)]
    return [first, int(next(p for p in partners if p != first))]


def check_domains(frame: pd.DataFrame, spec: tables.TableSpec) -> None:
    """Every value within its measure's domain; else one InputError naming file, row, measure and value."""
    values = frame["value"].to_numpy(dtype="float64")
    measure = frame["measure"]
    if isinstance(measure.dtype, pd.CategoricalDtype):
        codes, keys = measure.cat.codes.to_numpy(), list(measure.cat.categories)
    else:
        codes, uniques = pd.factorize(measure)
        keys = list(uniques)
    first = None
    for code, key in enumerate(keys):
        rows = np.flatnonzero(codes == code)
        outside = spec.measure(key).value_domain.outside(values[rows])
        if outside.any():
            i = int(rows[np.argmax(outside)])
            if first is None or (frame["source_file"].iat[i], frame["source_row"].iat[i]) < (
                frame["source_file"].iat[first], frame["source_row"].iat[first]
            ):
                first = i
    if first is not None:
        m = spec.measure(frame["measure"].iat[first])
        raise InputError(
            f"{frame['source_file'].iat[first]} row {frame['source_row'].iat[first]}: {m.label!r} ({m.key}) is "
            f"{_number_text(values[first])}, expected {m.value_domain.expected}"
        )


def _number_text(value: float) -> str:
    if np.isinf(value):
        return f"{'-' if value < 0 else ''}infinite (a number too large to store, e.g. 1e400, or 'inf')"
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack tidy frames of one table; category columns stay categories (their categories are united)."""
    from pandas.api.types import union_categoricals

    columns = {}
    for c in frames[0].columns:
        parts = [f[c] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            columns[c] = union_categoricals([p.array for p in parts])
        else:
            columns[c] = pd.concat([p.astype(object) if isinstance(p.dtype, pd.CategoricalDtype) else p for p in parts],
                                   ignore_index=True).to_numpy()
    return pd.DataFrame(columns, copy=False)


def decompress(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with category columns turned into ordinary columns (strings, dates)."""
    categorical = {c: frame[c].cat.categories.dtype for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    if not categorical:
        return frame
    return frame.astype(categorical)


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
