"""The loading API notebooks call: processed tidy tables, series, periods and data vintage.

Everything reads data/processed/<source>/ (built by ``analysis build``). ``source`` is
``"real"``, ``"demo"`` or ``""`` (real processed data when present, else demo).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.reference import geography, periods, tables

DEMO_LABEL = "Demodata – syntetiske tal"


def resolve_source(source: str = "") -> str:
    """'real' or 'demo'; '' picks real processed data where present, else demo."""
    source = (source or "").strip().lower()
    if source:
        if source not in paths.SOURCES:
            raise ParameterError(f"source {source!r} is unknown; expected 'demo', 'real' or '' (automatic)")
        if not (paths.processed_dir(source) / "manifest.json").is_file():
            hint = "`analysis demo && analysis build`" if source == "demo" else "`analysis fetch && analysis build`"
            raise ParameterError(f"no processed {source} data in {paths.processed_dir(source)}; run {hint}")
        return source
    for candidate in ("real", "demo"):
        if (paths.processed_dir(candidate) / "manifest.json").is_file():
            return candidate
    raise ParameterError(
        f"no processed data in {paths.data_dir() / 'processed'}; run `make reports`, or `analysis demo && analysis build`"
    )


def is_demo(source: str = "") -> bool:
    return resolve_source(source) == "demo"


def manifest(source: str = "") -> dict:
    path = paths.processed_dir(resolve_source(source)) / "manifest.json"
    return _read_json(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read_json(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def vintage(source: str = "") -> dict:
    """What the data is and how fresh: built_at, newest fetch time, latest period per table, a Danish label."""
    src = resolve_source(source)
    info = manifest(src)
    fetched = [f.get("fetched_at") or f.get("modified") for f in info.get("raw_files", [])]
    newest = max((f for f in fetched if f), default=info.get("built_at", ""))
    latest = {t: v["latest_period"] for t, v in info.get("tables", {}).items()}
    if src == "demo":
        label = f"{DEMO_LABEL} (dannet {newest[:10]})"
    else:
        label = f"Jobindsats, data hentet {newest[:10]}"
    return {"source": src, "built_at": info.get("built_at"), "data_as_of": newest, "latest_period": latest, "label": label}


def available_tables(source: str = "") -> list[str]:
    return sorted(manifest(source).get("tables", {}))


def available_periods(table: str, source: str = "") -> list[str]:
    """All period codes of a table, oldest first."""
    return periods.sort_codes(_column_codes(tables.spec(table).id, resolve_source(source), "period")[1])


def latest_period(table: str, source: str = "") -> str:
    return available_periods(table, source)[-1]


def load_table(
    table: str,
    source: str = "",
    *,
    areas: list[str] | str | None = None,
    measures: list[str] | str | None = None,
    periods: list[str] | str | None = None,
    **dims: str | list[str],
) -> pd.DataFrame:
    """The tidy rows of one table, filtered; dimension filters by key, e.g. ``benefit_group="Sygedagpenge mv."``.

    Unknown areas, measures or dimension keys raise ParameterError (no silent empty result).
    """
    frame, mask = _selection(table, source, areas=areas, measures=measures, periods=periods, **dims)
    return frame.loc[mask].reset_index(drop=True)


def count_rows(
    table: str,
    source: str = "",
    *,
    areas: list[str] | str | None = None,
    measures: list[str] | str | None = None,
    periods: list[str] | str | None = None,
    **dims: str | list[str],
) -> int:
    """How many rows :func:`load_table` would return for the same filters (same checks, no copy)."""
    return int(_selection(table, source, areas=areas, measures=measures, periods=periods, **dims)[1].sum())


def _selection(table: str, source: str, *, areas, measures, periods, **dims) -> tuple[pd.DataFrame, np.ndarray]:
    """(the whole table, a boolean row mask for the filters of :func:`load_table`)."""
    spec = tables.spec(table)
    src = resolve_source(source)
    frame = _table_frame(spec.id, src)
    mask = np.ones(len(frame), dtype=bool)

    def keep(column: str, values: list) -> None:
        nonlocal mask
        codes, uniques = _column_codes(spec.id, src, column)
        wanted = uniques.get_indexer(values)
        mask &= np.isin(codes, wanted[wanted >= 0])  # -1: a value not in the table (and the code of a missing cell)

    if areas is not None:
        keep("area", [geography.area(a).name for a in _as_list(areas)])
    if measures is not None:
        wanted = _as_list(measures)
        for m in wanted:
            spec.measure(m) if m in {x.key for x in spec.measures} else _unknown_measure(spec, m)
        keep("measure", wanted)
    if periods is not None:
        keep("period", [_canonical_period(p) for p in _as_list(periods)])
    for key, value in dims.items():
        if key not in spec.dimension_keys:
            raise ParameterError(f"table {spec.id} has no dimension {key!r}; it has {spec.dimension_keys}")
        values = _as_list(value)
        present = set(_column_codes(spec.id, src, key)[1])
        missing = [v for v in values if v not in present]
        if missing:
            raise ParameterError(f"table {spec.id} has no {key} {missing[0]!r} in the {src} data; it has {sorted(present)}")
        keep(key, values)
    return frame, mask


def series(
    table: str,
    measure: str,
    areas: list[str] | str,
    source: str = "",
    *,
    start: str | None = None,
    end: str | None = None,
    **dims: str,
) -> pd.DataFrame:
    """A wide series: one row per period (every period from start to end, gaps as NaN), one column per area.

    Dimensions not given are set to their total value (``Ydelsesgrupper i alt``). The index holds the
    period codes; ``period_end`` is a column for plotting on a time axis.
    """
    spec = tables.spec(table)
    for d in spec.dimensions:
        if d.key not in dims:
            if d.total is None:
                raise ParameterError(f"series of {spec.id} needs a value for dimension {d.key!r}")
            dims[d.key] = d.total
    rows = load_table(spec.id, source, areas=areas, measures=measure, **dims)
    names = [geography.area(a).name for a in _as_list(areas)]
    wide = rows.pivot(index="period", columns="area", values="value")
    codes = periods.sort_codes(rows["period"].unique()) if len(rows) else []
    if codes:
        kind = periods.parse_period(codes[0]).kind
        first = _canonical_period(start) if start else codes[0]
        last = _canonical_period(end) if end else codes[-1]
        full = periods.month_range(first, last) if kind == "M" else periods.quarter_range(first, last, kind)
        wide = wide.reindex(full)
    wide = wide.reindex(columns=names)
    wide.index.name = "period"
    wide.columns.name = None
    wide.insert(0, "period_end", [periods.parse_period(c).end for c in wide.index])
    return wide


def local_input(name: str, source: str = "") -> pd.DataFrame:
    """A validated local input (e.g. 'spells'), or ParameterError when the jobcentre has not supplied it."""
    src = resolve_source(source)
    path = paths.processed_dir(src) / "local" / f"{name}.parquet"
    if not path.is_file():
        raise ParameterError(f"no local input {name!r} in the {src} data; put the file in {paths.raw_local_dir(src)} and run `analysis build`")
    return read_parquet_contiguous(path)


def _table_frame(table_id: str, source: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    path = paths.processed_dir(source) / f"{table_id}.parquet"
    if not path.is_file():
        spec = tables.spec(table_id)
        raise ParameterError(f"table {spec.id} ({spec.title}) is not in the {source} data; add its raw file and run `analysis build`")
    frame = _read_parquet(str(path), path.stat().st_mtime_ns)
    return frame[list(columns)] if columns else frame


@lru_cache(maxsize=32)
def _read_parquet(path: str, mtime_ns: int) -> pd.DataFrame:
    return read_parquet_contiguous(path)


def read_parquet_contiguous(path) -> pd.DataFrame:
    """A parquet file as a DataFrame whose columns are each one contiguous array.

    With pandas 3 text columns are Arrow arrays, and ``pandas.read_parquet`` keeps one chunk per
    row group; selecting rows from a many-chunk column is then about ten times slower (the
    210 MB demo table: 141 ms per boolean filter instead of 10 ms), and reports filter the
    same tables hundreds of times. Same values and dtypes as ``pandas.read_parquet``.
    """
    return pq.read_table(path).combine_chunks().to_pandas()


def warm(table: str, source: str = "") -> None:
    """Read a table and the filter codes of its text columns into this process's caches.

    The kernel zygote (analysis.run.kernels) calls it before forking, so every kernel finds them ready.
    """
    spec = tables.spec(table)
    src = resolve_source(source)
    frame = _table_frame(spec.id, src)
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column].dtype):
            _column_codes(spec.id, src, column)


def _column_codes(table_id: str, source: str, column: str) -> tuple[np.ndarray, pd.Index]:
    """(an integer code per row, the distinct values) of one column of a table, computed once.

    Filtering a text column of a large table with ``isin`` compares strings row by row on
    every call; a report filters the same tables dozens of times, so the codes are kept
    (with the table in the cache of :func:`_read_parquet`).
    """
    path = paths.processed_dir(source) / f"{table_id}.parquet"
    _table_frame(table_id, source)  # the clear error when the table is missing
    return _factorized(str(path), path.stat().st_mtime_ns, column)


@lru_cache(maxsize=256)
def _factorized(path: str, mtime_ns: int, column: str) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(_read_parquet(path, mtime_ns)[column], use_na_sentinel=True)
    return codes, pd.Index(uniques)


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _canonical_period(code: str) -> str:
    return periods.parse_period(code).code


def _unknown_measure(spec: tables.TableSpec, key: str) -> None:
    raise ParameterError(f"table {spec.id} has no measure {key!r}; it has {[m.key for m in spec.measures]}")
