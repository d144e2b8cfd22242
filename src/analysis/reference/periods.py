"""Jobindsats period codes as proper period values.

Kinds:

- ``M``: a month, ``2023M01``;
- ``Q``: a quarter, ``2023Q1`` (Statistics Denmark writes ``2023K1`` in Danish; read as the same);
- ``QMAT``: a rolling year ending in a quarter, ``2022QMAT04`` = the four quarters 2022Q1-2022Q4,
  ``2022QMAT02`` = 2021Q3-2022Q2 (the year ending in June, not February).

A period is kept as its canonical code (a string that sorts correctly within one kind)
with its kind, first day and last day, so series plot on a real time axis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.core.errors import ParameterError, quote

KINDS = ("M", "Q", "QMAT")

_PATTERNS = (
    (re.compile(r"^(\d{4})M(\d{1,2})$"), "M"),
    (re.compile(r"^(\d{4})[QK](\d)$"), "Q"),
    (re.compile(r"^(\d{4})QMAT0?(\d)$"), "QMAT"),
)


@dataclass(frozen=True, order=True)
class JobPeriod:
    end: pd.Timestamp
    kind: str
    code: str
    start: pd.Timestamp

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def label_da(self) -> str:
        """A Danish label for tables and axes: 'jan. 2023', '1. kvt. 2023', 'år til 2. kvt. 2022'."""
        if self.kind == "M":
            return f"{_MONTHS_DA[self.end.month - 1]} {self.end.year}"
        quarter = (self.end.month - 1) // 3 + 1
        if self.kind == "Q":
            return f"{quarter}. kvt. {self.end.year}"
        return f"år til {quarter}. kvt. {self.end.year}"


_MONTHS_DA = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


@lru_cache(maxsize=4096)
def parse_period(text: str) -> JobPeriod:
    """Parse one period code; raises ParameterError naming the code and the expected forms."""
    raw = str(text).strip().upper().replace(" ", "")
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year, number = int(match.group(1)), int(match.group(2))
        if kind == "M" and 1 <= number <= 12:
            p = pd.Period(year=year, month=number, freq="M")
            return JobPeriod(p.end_time.normalize(), "M", f"{year}M{number:02d}", p.start_time)
        if kind == "Q" and 1 <= number <= 4:
            p = pd.Period(year=year, quarter=number, freq="Q")
            return JobPeriod(p.end_time.normalize(), "Q", f"{year}Q{number}", p.start_time)
        if kind == "QMAT" and 1 <= number <= 4:
            last = pd.Period(year=year, quarter=number, freq="Q")
            first = last - 3
            return JobPeriod(last.end_time.normalize(), "QMAT", f"{year}QMAT{number:02d}", first.start_time)
    raise ParameterError(
        f"period {quote(text)} is not a known period code; expected e.g. 2023M01, 2023Q1 or 2022QMAT04"
    )


def is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ParameterError:
        return False
    return True


def period_frame(codes: pd.Series) -> pd.DataFrame:
    """Parse a column of codes (fast: each distinct code once) into period, period_type, period_start, period_end.

    Raises ParameterError naming the first unparseable code.
    """
    uniques = pd.unique(codes.astype(str))
    parsed = {u: parse_period(u) for u in uniques}
    return pd.DataFrame(
        {
            "period": codes.astype(str).map({u: p.code for u, p in parsed.items()}),
            "period_type": codes.astype(str).map({u: p.kind for u, p in parsed.items()}),
            "period_start": codes.astype(str).map({u: p.start for u, p in parsed.items()}).astype("datetime64[ns]"),
            "period_end": codes.astype(str).map({u: p.end for u, p in parsed.items()}).astype("datetime64[ns]"),
        },
        index=codes.index,
    )


def month_range(first: str, last: str) -> list[str]:
    """All month codes from first to last inclusive."""
    a, b = parse_period(first), parse_period(last)
    if a.kind != "M" or b.kind != "M":
        raise ParameterError(f"month_range needs month codes, got {first!r} and {last!r}")
    return [f"{p.year}M{p.month:02d}" for p in pd.period_range(a.end, b.end, freq="M")]


def quarter_range(first: str, last: str, kind: str = "Q") -> list[str]:
    """All quarter codes (kind 'Q') or rolling-year codes (kind 'QMAT') ending in first..last."""
    a, b = parse_period(first), parse_period(last)
    out = []
    for p in pd.period_range(a.end, b.end, freq="Q"):
        out.append(f"{p.year}Q{p.quarter}" if kind == "Q" else f"{p.year}QMAT{p.quarter:02d}")
    return out


def shift(code: str, steps: int) -> str:
    """The period `steps` units later (months for M, quarters for Q and QMAT)."""
    p = parse_period(code)
    if p.kind == "M":
        q = pd.Period(p.end, freq="M") + steps
        return f"{q.year}M{q.month:02d}"
    q = pd.Period(p.end, freq="Q") + steps
    return f"{q.year}Q{q.quarter}" if p.kind == "Q" else f"{q.year}QMAT{q.quarter:02d}"


def sort_codes(codes) -> list[str]:
    return sorted(set(codes), key=lambda c: (parse_period(c).end, parse_period(c).kind))
