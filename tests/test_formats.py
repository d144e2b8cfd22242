"""Danish display formats (analysis.present.formats)."""

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from analysis.present import formats as fmt

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan")]


def test_number():
    assert fmt.number(17200) == "17.200"
    assert fmt.number(1234567.891, 2) == "1.234.567,89"
    assert fmt.number(0) == "0"
    assert fmt.number(-1500) == "-1.500"
    assert fmt.number(np.int64(12345)) == "12.345"
    assert fmt.number(Decimal("2.5")) == "3"


def test_rounding_is_half_up_and_never_negative_zero():
    assert fmt.number(54.65, 1) == "54,7"
    assert fmt.number(0.25, 1) == "0,3"
    assert fmt.number(2.5) == "3"
    assert fmt.number(-0.04, 1) == "0,0"
    assert fmt.signed(-0.04, 1) == "0,0"


def test_percent_pp_signed():
    assert fmt.percent(54.6) == "54,6 %"
    assert fmt.percent(54.64, 0) == "55 %"
    assert fmt.pp(-0.3) == "-0,3 pct.-point"
    assert fmt.pp(1.25) == "+1,3 pct.-point"
    assert fmt.pp(0) == "0,0 pct.-point"
    assert fmt.pp(2, sign=False) == "2,0 pct.-point"
    assert fmt.signed(120) == "+120"
    assert fmt.signed(-1234.5, 1) == "-1.234,5"
    assert fmt.signed(5, suffix="personer") == "+5 personer"


def test_kroner_scaling():
    assert fmt.kroner(24_600_000) == "24,6 mio. kr."
    assert fmt.kroner(1_234_000_000) == "1,2 mia. kr."
    assert fmt.kroner(850_000) == "850.000 kr."
    assert fmt.kroner(-3_000_000) == "-3,0 mio. kr."


@pytest.mark.parametrize("value", MISSING_VALUES)
def test_missing_is_dash_never_zero_or_nan(value):
    for f in (fmt.number, fmt.percent, fmt.pp, fmt.signed, fmt.kroner, fmt.period_label, fmt.date_da):
        assert f(value) == "–", f.__name__


def test_dates_and_periods():
    assert fmt.date_da(pd.Timestamp("2024-03-31")) == "31. marts 2024"
    assert fmt.date_da("2024-03-31", style="short") == "31.03.2024"
    assert fmt.date_da("2024-11-05T14:07:00", style="datetime") == "5. november 2024 kl. 14.07"
    assert fmt.date_da("2024-05-01", style="month") == "maj 2024"
    # times with a zone (UTC build stamps) show as Danish local time
    assert fmt.date_da("2024-07-01T08:00:00+00:00", style="datetime") == "1. juli 2024 kl. 10.00"
    assert fmt.period_label("2024Q1") == "1. kvt. 2024"
    assert fmt.period_label("2023M01") == "jan. 2023"
    assert fmt.period_label("2022QMAT04") == "år til 4. kvt. 2022"
    assert fmt.period_label("not a period") == "not a period"


def test_format_frame():
    df = pd.DataFrame({"area": ["Slagelse", None], "persons": [17200.0, math.nan], "share": [54.6, 3.25]})
    out = fmt.format_frame(df, {"persons": fmt.number, "share": fmt.percent})
    assert out["persons"].tolist() == ["17.200", "–"]
    assert out["share"].tolist() == ["54,6 %", "3,3 %"]
    assert out["area"].tolist() == ["Slagelse", "–"]
    assert df["persons"].iloc[0] == 17200.0  # the input is unchanged
    with pytest.raises(KeyError, match="nope"):
        fmt.format_frame(df, {"nope": fmt.number})
