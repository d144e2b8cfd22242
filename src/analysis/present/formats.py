"""Danish number, date and period formats for reports (Babel, locale ``da_DK``).

Every function takes one value and returns a display string::

    number(17200)          -> "17.200"
    number(1234.5, 1)      -> "1.234,5"
    percent(54.6)          -> "54,6 %"          (x is already in percent units)
    pp(-0.3)               -> "-0,3 pct.-point" (a difference of two percentages; signed)
    signed(120)            -> "+120"
    kroner(24_600_000)     -> "24,6 mio. kr."
    date_da("2024-03-31")  -> "31. marts 2024"
    period_label("2024Q1") -> "1. kvt. 2024"

Missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``) always format as ``MISSING`` ("–",
an en dash), never as "0" or "nan". Rounding is half-up on the decimal value as written
(54,65 -> 54,7), as readers expect, not Babel's default half-even. A value that rounds
to zero never shows a sign ("-0,0" becomes "0,0").

:func:`format_frame` applies formatters column by column for display. Machine-readable
files (CSV) are written from the unformatted frame; see :func:`analysis.present.report.save_table`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

LOCALE = "da_DK"
MISSING = "\u2013"  # en dash "–"

__all__ = [
    "LOCALE",
    "MISSING",
    "is_missing",
    "number",
    "integer",
    "percent",
    "pp",
    "signed",
    "kroner",
    "date_da",
    "period_label",
    "format_frame",
]


def is_missing(x: Any) -> bool:
    """True for None, NaN, pd.NA, NaT and empty strings."""
    if x is None:
        return True
    if isinstance(x, str):
        return x.strip() == ""
    if isinstance(x, float):
        return math.isnan(x)
    try:
        import pandas as pd

        result = pd.isna(x)
    except (ImportError, TypeError, ValueError):
        return False
    return bool(result) if isinstance(result, (bool, int)) or getattr(result, "shape", None) == () else False


@lru_cache(maxsize=32)
def _pattern(decimals: int):
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


@lru_cache(maxsize=1)
def _locale():
    from babel import Locale

    return Locale.parse(LOCALE)


def _round(x: Any, decimals: int) -> Decimal:
    try:
        value = Decimal(repr(float(x))) if not isinstance(x, Decimal) else x
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise TypeError(f"cannot format {x!r} as a number") from exc
    value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)  # never "-0,0"
    return value


@lru_cache(maxsize=8192)
def _fmt(value: Decimal, decimals: int) -> str:
    # Cached: Babel's pattern.apply is the slow part, and figures format the same tick values
    # again on every draw (value is already rounded to ``decimals``, so equal keys mean equal text).
    return _pattern(decimals).apply(value, _locale())


def number(x: Any, decimals: int = 0) -> str:
    """A number with thousands dot and decimal comma: ``number(17200) == "17.200"``."""
    if is_missing(x):
        return MISSING
    return _fmt(_round(x, decimals), decimals)


def integer(x: Any) -> str:
    """Shorthand for ``number(x, 0)``."""
    return number(x, 0)


def percent(x: Any, decimals: int = 1) -> str:
    """A percentage already in percent units: ``percent(54.6) == "54,6 %"`` (a plain space before %).

    HTML tables from :mod:`analysis.present.report` keep cells on one line, so the space never wraps.
    """
    if is_missing(x):
        return MISSING
    return f"{number(x, decimals)} %"


def signed(x: Any, decimals: int = 0, suffix: str = "") -> str:
    """A change with an explicit sign: ``signed(120) == "+120"``, ``signed(-3.25, 1) == "-3,3"``.

    Zero (after rounding) has no sign. ``suffix`` is appended after a space (e.g. "personer").
    """
    if is_missing(x):
        return MISSING
    value = _round(x, decimals)
    text = _fmt(value, decimals)
    if value > 0:
        text = "+" + text
    return f"{text} {suffix}" if suffix else text


def pp(x: Any, decimals: int = 1, *, sign: bool = True) -> str:
    """Percentage points, signed by default: ``pp(-0.3) == "-0,3 pct.-point"``, ``pp(1.25) == "+1,3 pct.-point"``."""
    if is_missing(x):
        return MISSING
    body = signed(x, decimals) if sign else number(x, decimals)
    return f"{body} pct.-point"


def kroner(x: Any, decimals: int = 1) -> str:
    """Kroner, scaled Danish style: "24,6 mio. kr.", "1,2 mia. kr.", below a million "850.000 kr."."""
    if is_missing(x):
        return MISSING
    value = float(x)
    if abs(value) >= 1e9:
        return f"{number(value / 1e9, decimals)} mia. kr."
    if abs(value) >= 1e6:
        return f"{number(value / 1e6, decimals)} mio. kr."
    return f"{number(value, 0)} kr."


_MONTHS_LONG = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)


def date_da(ts: Any, *, style: str = "long") -> str:
    """A date in Danish: style ``long`` "31. marts 2024", ``short`` "31.03.2024", ``month`` "marts 2024".

    Accepts ``datetime``/``date``/``pd.Timestamp`` or an ISO string; a timestamp with a time
    of day and style ``datetime`` gives "31. marts 2024 kl. 14.05". Times with a time zone
    (e.g. UTC build stamps) are converted to Danish local time (Europe/Copenhagen).
    """
    if is_missing(ts):
        return MISSING
    if isinstance(ts, str):
        ts = _dt.datetime.fromisoformat(ts.strip().replace("Z", "+00:00"))
    if hasattr(ts, "to_pydatetime"):
        ts = ts.to_pydatetime()
    if isinstance(ts, _dt.datetime) and ts.tzinfo is not None:
        ts = ts.astimezone(_danish_tz())  # a time with a zone is shown as Danish local time
    if style == "short":
        return f"{ts.day:02d}.{ts.month:02d}.{ts.year}"
    if style == "month":
        return f"{_MONTHS_LONG[ts.month - 1]} {ts.year}"
    text = f"{ts.day}. {_MONTHS_LONG[ts.month - 1]} {ts.year}"
    if style == "datetime" and isinstance(ts, _dt.datetime):
        text += f" kl. {ts.hour:02d}.{ts.minute:02d}"
    elif style not in ("long", "datetime"):
        raise ValueError(f"unknown date style {style!r}; expected long, short, month or datetime")
    return text


@lru_cache(maxsize=1)
def _danish_tz():
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Copenhagen")
    except Exception:  # noqa: BLE001 - no tz database: keep the zone as given
        return None


def period_label(code: Any) -> str:
    """The Danish label of a period code: "2024Q1" -> "1. kvt. 2024", "2023M01" -> "jan. 2023".

    An unknown code is returned unchanged (so a table never fails to display).
    """
    if is_missing(code):
        return MISSING
    from analysis.core.errors import ParameterError
    from analysis.reference.periods import parse_period

    try:
        return parse_period(str(code)).label_da
    except ParameterError:
        return str(code)


def format_frame(df, formats: Mapping[str, Callable[[Any], str]] | None = None):
    """A copy of ``df`` with the named columns formatted to strings for display.

    Columns not named in ``formats`` are left as they are, except that missing values in
    text columns show as "–". Does not change ``df``.
    """
    out = df.copy()
    formats = dict(formats or {})
    unknown = [c for c in formats if c not in out.columns]
    if unknown:
        raise KeyError(f"format_frame: no column(s) {unknown}; the frame has {list(out.columns)}")
    for col in out.columns:
        if col in formats:
            out[col] = [formats[col](v) for v in out[col].tolist()]
        elif out[col].dtype == object or str(out[col].dtype) in ("str", "string"):  # text: object, or pandas 3's str
            out[col] = [MISSING if is_missing(v) else v for v in out[col].tolist()]
    return out
