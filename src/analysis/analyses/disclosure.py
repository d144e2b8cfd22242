"""Statistical disclosure control for the published tables: no person's data can be read off a report.

Three rules, applied to every table built from the jobcentre's own spell extract (and the
first two also to the employment shares the report re-publishes from Jobindsats):

1. **Primary suppression** (:func:`suppress_small`): a cell built from fewer than
   :data:`MIN_COUNT` (5) persons is not shown, nor any figure computed from it. Zero counts are
   hidden the same way, so a hidden cell cannot be told apart from an empty one.
2. **All or none** (:func:`extreme_shares`): a share of exactly 0 % or 100 % in a group of fewer
   than :data:`MIN_GROUP_FOR_EXTREMES` (10) persons tells the reader the outcome of every person
   in it (everyone who knows one participant knows they were, or were not, employed); such a
   share is hidden, with what would give it away (its interval and the count behind it).
3. **Complementary suppression** (:func:`protect_total`): a hidden part can be recovered as the
   published total minus the other parts. When a table publishes a total and exactly one of
   its parts is hidden in a column (and that part is not an empty group), the smallest other
   part is hidden too, in that column; when a part's whole row was hidden (its count), the
   second row is hidden whole. The same cells must then be hidden wherever else the report
   shows them (:func:`hide_rows`), or the recovery goes through the other table.

Hidden cells are missing (NaN) in the frames, empty in CSV files and "–" or "<5" in the
HTML. The rules name persons; the tables count spells, and a person has one or more spells,
so a group's number of persons is at most its number of spells: the rules are applied to
the number of persons where it is known and to the number of spells otherwise (which hides
at least as much).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_COUNT = 5  # published cells built from fewer persons are suppressed
MIN_GROUP_FOR_EXTREMES = 10  # shares of 0 % or 100 % in groups smaller than this are suppressed


def suppress_small(df: pd.DataFrame, count_col: str, min_count: int = MIN_COUNT, *,
                   value_cols: Sequence[str] | None = None, flag_col: str = "suppressed") -> pd.DataFrame:
    """A copy where every row whose ``count_col`` is below ``min_count`` (or missing) is suppressed.

    Suppressed rows get NaN in ``count_col`` and in ``value_cols`` (default: every numeric
    column) and ``True`` in ``flag_col``; other rows keep their values and get ``False``.
    Zero counts are suppressed too (a published "0" next to a suppressed "3" would give away
    the 3 by difference in totals); shows as "–"/"<5" in reports, empty in CSV files.
    """
    if count_col not in df.columns:
        raise KeyError(f"suppress_small: no column {count_col!r}; the frame has {list(df.columns)}")
    out = df.copy()
    count = pd.to_numeric(out[count_col], errors="coerce")
    small = count.isna() | (count < min_count)
    if value_cols is None:
        value_cols = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and out[c].dtype != bool
                      and c != flag_col]
    cols = list(dict.fromkeys([count_col, *value_cols]))
    for c in cols:
        if not pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].astype("float64")
        out.loc[small, c] = np.nan
    out[flag_col] = small.to_numpy()
    return out


def extreme_shares(share_pct, persons, min_group: int = MIN_GROUP_FOR_EXTREMES) -> np.ndarray:
    """True where a share (pct.) is exactly 0 or 100 and its group has fewer than ``min_group`` persons (but at
    least one): the shares that rule 2 hides. Missing values are False."""
    share = np.asarray(share_pct, dtype=float)
    n = np.asarray(persons, dtype=float)
    with np.errstate(invalid="ignore"):
        small = np.isfinite(share) & np.isfinite(n) & (n >= 1) & (n < min_group)
        return small & ((share == 0) | (share == 100))


def protect_total(hidden: pd.DataFrame, size: pd.Series, is_total: pd.Series, *,
                  row_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Complementary suppression for a one-way table of parts and their total (rule 3).

    ``hidden`` is a boolean frame (rows x published value columns) of the cells hidden so far;
    ``size`` the number of persons (or spells) behind each row, used to pick the cheapest
    extra cell; ``is_total`` marks the total row(s). ``row_columns`` are the columns whose
    hiding hides the whole row (the counts): in them a second part row is hidden whole.

    For each column whose total is shown: if exactly one part is hidden there and it is not
    an empty group (``size`` 0 reveals nobody), the shown part with the smallest size is hidden
    as well. Repeats until nothing changes. Returns the new ``hidden`` frame.
    """
    hidden = hidden.astype(bool).copy()
    parts = ~is_total.to_numpy(dtype=bool)
    totals = is_total.to_numpy(dtype=bool)
    sizes = pd.to_numeric(size, errors="coerce").fillna(0).to_numpy(dtype=float)
    row_columns = [c for c in row_columns if c in hidden.columns]
    changed = True
    while changed:
        changed = False
        for column in hidden.columns:
            cells = hidden[column].to_numpy(dtype=bool)
            if cells[totals].any():
                continue  # the total itself is hidden: nothing to subtract from
            gone = parts & cells
            if gone.sum() != 1 or sizes[gone].sum() == 0:
                continue
            shown = np.flatnonzero(parts & ~cells)
            if not len(shown):
                continue
            pick = shown[np.argmin(sizes[shown])]
            if column in row_columns:
                hidden.iloc[pick, :] = True
            else:
                hidden.iloc[pick, hidden.columns.get_loc(column)] = True
            changed = True
    return hidden


def apply_hidden(df: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the cells marked in ``hidden`` (same index, a subset of the columns) set to NaN."""
    out = df.copy()
    for column in hidden.columns:
        mask = hidden[column].to_numpy(dtype=bool)
        if mask.any():
            if not pd.api.types.is_float_dtype(out[column]):
                out[column] = out[column].astype("float64")
            out.loc[mask, column] = np.nan
    return out


def hide_rows(df: pd.DataFrame, key: str, keys: Sequence, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``df`` with ``columns`` set to NaN in the rows whose ``key`` is one of ``keys``: the cells another
    table hid must not be shown here either."""
    out = df.copy()
    rows = out[key].isin(list(keys)).to_numpy()
    if rows.any():
        for column in columns:
            if column in out.columns:
                if not pd.api.types.is_float_dtype(out[column]):
                    out[column] = out[column].astype("float64")
                out.loc[rows, column] = np.nan
    return out


def count_or_mark(value, suppressed: bool, min_count: int = MIN_COUNT) -> str:
    """Display text for a count cell: the Danish number, or "<5" when suppressed."""
    from analysis.present import formats as fmt

    return f"<{min_count}" if suppressed else fmt.integer(value)
