"""The loading API notebooks call: processed tidy tables, series, periods and data vintage.

Everything reads data/processed/<source>/ (built by ``analysis build``). ``source`` is
``"real"``, ``"demo"``, ``"dst"`` (the real data's Statistics Denmark tables only: the reports that
StatBank can make, without a Jobindsats key) or ``""`` (real processed data when present, else demo).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.reference import geography, periods, tables

DEMO_LABEL = "Demodata – syntetiske tal"
STATBANK = paths.STATBANK
#: The tables of Statistics Denmark's StatBank (public, no key): what ``source="dst"`` reads.
STATBANK_TABLES = tuple(s.id for s in tables.SPECS if s.source == "Danmarks Statistik")
FETCH_STATBANK_HINT = "`analysis fetch --source dst` and then `analysis build` (no key needed)"


def resolve_source(source: str = "") -> str:
    """'real', 'demo' or 'dst'; '' picks real processed data where present, else demo."""
    source = (source or "").strip().lower()
    if source == STATBANK:
        if not statbank_available():
            raise ParameterError(f"no Statistics Denmark data (StatBank {', '.join(STATBANK_TABLES)}) in "
                                 f"{paths.processed_dir(STATBANK)}; run {FETCH_STATBANK_HINT}")
        return source
    if source:
        if source not in paths.SOURCES:
            raise ParameterError(f"source {source!r} is unknown; expected 'demo', 'real', 'dst' or '' (automatic)")
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


def is_statbank(source: str = "") -> bool:
    """True when the reports run on Statistics Denmark's StatBank tables (``source="dst"``)."""
    return resolve_source(source) == STATBANK


def statbank_available() -> bool:
    """The real processed data holds a StatBank table (what ``source="dst"`` needs)."""
    path = paths.processed_dir(STATBANK) / "manifest.json"
    if not path.is_file():
        return False
    return any(t in STATBANK_TABLES for t in _read_json(str(path), path.stat().st_mtime_ns).get("tables", {}))


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
    files = [f for f in info.get("raw_files", []) if src != STATBANK or f.get("kind") == "dst"]
    fetched = [f.get("fetched_at") or f.get("modified") for f in files]
    newest = max((f for f in fetched if f), default=info.get("built_at", ""))
    latest = {t: v["latest_period"] for t, v in info.get("tables", {}).items()}
    if src == "demo":
        label = f"{DEMO_LABEL} (dannet {newest[:10]})"
    elif src == STATBANK:
        latest = {t: p for t, p in latest.items() if t in STATBANK_TABLES}
        label = f"Danmarks Statistik, Statistikbanken ({', '.join(latest)}), data hentet {newest[:10]}"
    else:
        label = f"Jobindsats, data hentet {newest[:10]}"
    return {"source": src, "built_at": info.get("built_at"), "data_as_of": newest, "latest_period": latest, "label": label}


def available_tables(source: str = "") -> list[str]:
    """The tables in the processed data; for ``"dst"`` only the StatBank ones."""
    found = sorted(manifest(source).get("tables", {}))
    return [t for t in found if t in STATBANK_TABLES] if resolve_source(source) == STATBANK else found


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
    whole, rows = _selection(table, source, areas=areas, measures=measures, periods=periods, **dims)
    return _to_pandas(whole if rows is None else whole.take(pa.array(rows)))


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
    whole, rows = _selection(table, source, areas=areas, measures=measures, periods=periods, **dims)
    return whole.num_rows if rows is None else len(rows)


def _selection(table: str, source: str, *, areas, measures, periods, **dims) -> tuple[pa.Table, np.ndarray | None]:
    """(the whole table as read by :func:`_read_table`, the positions of the rows the filters of :func:`load_table`
    keep, in order; None: no filter, every row).

    Each filter looks only at the rows the previous ones kept (the area, usually one in a hundred, first).
    """
    spec = tables.spec(table)
    src = resolve_source(source)
    whole = _table(spec.id, src)
    rows: np.ndarray | None = None

    def keep(column: str, values: list) -> None:
        nonlocal rows
        codes, uniques = _column_codes(spec.id, src, column)
        wanted = uniques.get_indexer(values)
        # A lookup by code; its last entry, False, is where code -1 (a missing cell) looks.
        lookup = np.zeros(len(uniques) + 1, dtype=bool)
        lookup[wanted[wanted >= 0]] = True  # -1 from get_indexer: a value not in the table
        rows = np.flatnonzero(lookup[codes]) if rows is None else rows[lookup[codes[rows]]]

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
    return whole, rows


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
    if src == STATBANK:
        raise ParameterError(f"the jobcentre's own input {name!r} is not part of the dst data (Statistics Denmark only)")
    if not path.is_file():
        raise ParameterError(f"no local input {name!r} in the {src} data; put the file in {paths.raw_local_dir(src)} and run `analysis build`")
    return read_parquet_contiguous(path)


def _table(table_id: str, source: str) -> pa.Table:
    """A processed table as read by :func:`_read_table` (cached), or the clear error when it is missing."""
    path = paths.processed_dir(source) / f"{table_id}.parquet"
    if source == STATBANK and table_id not in STATBANK_TABLES:
        raise ParameterError(f"table {table_id} is not a Statistics Denmark table, so it is not in the dst data "
                             f"(which has {', '.join(STATBANK_TABLES)}); choose --source real for Jobindsats tables")
    if not path.is_file():
        spec = tables.spec(table_id)
        raise ParameterError(f"table {spec.id} ({spec.title}) is not in the {source} data; add its raw file and run `analysis build`")
    return _read_table(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _read_table(path: str, mtime_ns: int) -> pa.Table:
    """A parquet file as one Arrow table, its text columns dictionary-encoded (one contiguous chunk each).

    Reports read a few rows of large tables many times: the whole table is kept in Arrow with each
    text column as integer codes and its distinct values, which is read several times faster than
    the text itself (PTVC01 of the demo data, 1.2 million rows: about 0.3 s instead of 1.5 s) and
    gives the filter codes for free; only the selected rows become text (:func:`_to_pandas`).
    """
    schema = pq.read_schema(path)
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    return pq.read_table(path, read_dictionary=text).unify_dictionaries().combine_chunks()


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Rows of a table from :func:`_read_table` with the stored column types (text as text, not categories):
    the same frame ``pandas.read_parquet`` gives for those rows."""
    stored = pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in table.schema],
                       metadata=table.schema.metadata)
    return table.cast(stored).to_pandas()


def read_parquet_contiguous(path) -> pd.DataFrame:
    """A parquet file as a DataFrame whose columns are each one contiguous array.

    With pandas 3 text columns are Arrow arrays, and ``pandas.read_parquet`` keeps one chunk per
    row group; selecting rows from a many-chunk column is then about ten times slower (the
    210 MB demo table: 141 ms per boolean filter instead of 10 ms). Same values and dtypes as
    ``pandas.read_parquet``.
    """
    return pq.read_table(path).combine_chunks().to_pandas()


def warm(table: str, source: str = "") -> None:
    """Read a table and the filter codes of its text columns into this process's caches.

    The kernel zygote (analysis.run.kernels) calls it before forking, so every kernel finds them ready.
    """
    spec = tables.spec(table)
    src = resolve_source(source)
    whole = _table(spec.id, src)
    for field in whole.schema:
        if pa.types.is_dictionary(field.type):
            _column_codes(spec.id, src, field.name)


def _column_codes(table_id: str, source: str, column: str) -> tuple[np.ndarray, pd.Index]:
    """(an integer code per row, -1 where missing; the distinct values) of one column of a table, computed once.

    Filtering a text column of a large table by its text compares strings row by row on every
    call; a report filters the same tables dozens of times, so it filters on the codes.
    """
    path = paths.processed_dir(source) / f"{table_id}.parquet"
    _table(table_id, source)  # the clear error when the table is missing
    return _factorized(str(path), path.stat().st_mtime_ns, column)


@lru_cache(maxsize=256)
def _factorized(path: str, mtime_ns: int, column: str) -> tuple[np.ndarray, pd.Index]:
    values = _read_table(path, mtime_ns).column(column)
    if not pa.types.is_dictionary(values.type):
        codes, uniques = pd.factorize(values.to_pandas(), use_na_sentinel=True)
        return codes, pd.Index(uniques)
    values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    indices = values.indices
    if indices.null_count:
        codes = indices.fill_null(-1).to_numpy(zero_copy_only=False)
        present = codes[codes >= 0]
    else:  # no missing cell: the parquet indices as they are (no copy)
        codes = present = indices.to_numpy(zero_copy_only=False)
    dictionary = values.dictionary
    # A parquet dictionary may hold values no row has; the distinct values are those that occur.
    used = np.bincount(present, minlength=len(dictionary)) > 0
    if not used.all():
        renumber = np.full(len(dictionary), -1, dtype=codes.dtype)
        renumber[used] = np.arange(int(used.sum()))
        codes = np.where(codes >= 0, renumber[codes], -1).astype(codes.dtype, copy=False)
        dictionary = dictionary.filter(pa.array(used))
    return codes, pd.Index(dictionary.to_pandas())


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _canonical_period(code: str) -> str:
    return periods.parse_period(code).code


def _unknown_measure(spec: tables.TableSpec, key: str) -> None:
    raise ParameterError(f"table {spec.id} has no measure {key!r}; it has {[m.key for m in spec.measures]}")
