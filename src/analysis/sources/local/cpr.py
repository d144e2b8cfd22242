"""CPR numbers (Danish personal identity numbers) as people actually type them, for the personal-data checks.

A CPR number is a date of birth ``DDMMYY`` and a four-digit serial number. In extracts and
spreadsheets it turns up as ``010190-1234``, ``0101901234``, ``010190 1234``, ``010190/1234``,
``01.01.90-1234``, ``01-01-90-1234``, ``01 01 90 1234``, with the century written out
(``01011990-1234``, ``01.01.1990-1234``) or with an en dash from a word processor. The pattern:

- a day ``01``-``31`` and a month ``01``-``12`` (so most amounts, phone numbers and ids do not match),
- the same separator (none, space, dot, hyphen or slash) between day, month and year,
- a two-digit year, or a four-digit one starting ``19`` or ``20``,
- then an optional separator (space, dot, hyphen, en dash or slash) and exactly four digits,
- not part of a longer run of digits.

ISO dates (``2023-01-09``), Danish dates (``09-01-2023``), amounts (``1.234.567,89``) and
eight-digit phone numbers do not match. :func:`cpr_like` checks a column of text in one pass of
the regular expression over the whole column, so large files are checked quickly. Messages built
on it must never repeat the value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"
_YEAR = r"(?:(?:19|20)\d{2}|\d{2})"
_DATE = "|".join(f"{_DAY}{sep}{_MONTH}{sep}{_YEAR}" for sep in ("", " ", r"\.", "-", "/"))
# No capturing group: pandas' str.contains warns about those (check_publishable uses the pattern).
CPR_PATTERN = re.compile(rf"(?<!\d)(?:{_DATE})[ ./\-\u2013]?\d{{4}}(?!\d)")


def contains_cpr(text: str) -> bool:
    return CPR_PATTERN.search(text) is not None


def cpr_like(values: pd.Series) -> pd.Series:
    """A boolean Series: True where a cell holds something that looks like a CPR number.

    The cells are joined with line breaks (which the pattern never crosses) and searched once,
    then each match is mapped back to its cell.
    """
    texts = values.astype(str).to_numpy(dtype=object)
    hit = np.zeros(len(texts), dtype=bool)
    if not len(texts):
        return pd.Series(hit, index=values.index)
    joined = "\n".join(texts)  # a line break inside a cell is harmless: the offsets below are the cells' own
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.concatenate([[0], np.cumsum(lengths[:-1])])
    for match in CPR_PATTERN.finditer(joined):
        hit[np.searchsorted(starts, match.start(), side="right") - 1] = True
    return pd.Series(hit, index=values.index)
