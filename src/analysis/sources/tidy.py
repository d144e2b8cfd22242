"""Wide frame of labelled columns -> the tidy model (:mod:`analysis.reference.model`), for every source.

The format readers (:mod:`analysis.sources.jobindsats.reader`, :mod:`analysis.sources.statbank.reader`)
return a wide frame of labels and raw cells; :func:`tidy` turns it into tidy rows of one table by
the rules shared by all formats:

- labels are matched with whitespace, case and Unicode form folded (releases drift);
- suppressed or missing cells (``..``, ``-``, ``.``, empty, JSON null) become NaN, never 0;
- a string number with a comma is Danish (``1.234,5``); a string without a comma whose dots
  group digits in threes (``17.200``) is a Danish thousands number; non-breaking spaces are
  ignored; JSON numbers are taken as they are (:func:`parse_numbers`);
- a dimension column the file lacks (a portal download of totals only) gets the dimension's total value;
- an unknown column with one value on every row (``Køn = I alt``) carries nothing and is dropped;
  any other unknown column is an error;
- every problem raises :class:`~analysis.core.errors.InputError` naming the file, the row and what was expected.

Every text column is handled as a category (each distinct label, area, period and number is
parsed once), so a large file costs little memory.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core.errors import InputError, ParameterError
from analysis.reference import geography, model, periods, tables
from analysis.reference.geography import normalise_label

MISSING_TOKENS = frozenset({"", "..", "-", ".", "–", "nan", "NaN", "None", "null", "NULL"})
_THOUSANDS = re.compile(r"^[-−]?\d{1,3}(\.\d{3})+$")
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def code_dtype(n: int):
    return np.int8 if n < 127 else np.int16 if n < 32767 else np.int32


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
    return pd.Categorical.from_codes(codes.astype(code_dtype(len(uniques)), copy=False), categories=uniques)


def _recode_values(cat: pd.Categorical, values: np.ndarray) -> pd.Categorical:
    """A category column of ``values[code]`` (one value per category, then one for a missing cell)."""
    value_codes, uniques = pd.factorize(values)
    codes = value_codes[_codes(cat)]
    return pd.Categorical.from_codes(codes.astype(code_dtype(len(uniques)), copy=False), categories=uniques)


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
