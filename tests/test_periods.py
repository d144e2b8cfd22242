import pandas as pd
import pytest

from analysis.core.errors import ParameterError
from analysis.reference import periods


def test_month():
    p = periods.parse_period("2023M01")
    assert (p.kind, p.code, p.start, p.end) == ("M", "2023M01", pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-31"))
    assert p.label_da == "jan. 2023"


def test_quarter_and_danish_k():
    assert periods.parse_period("2023Q1").end == pd.Timestamp("2023-03-31")
    assert periods.parse_period("2024K4").code == "2024Q4"


def test_qmat02_is_the_year_ending_in_june():
    p = periods.parse_period("2022QMAT02")
    assert (p.start, p.end) == (pd.Timestamp("2021-07-01"), pd.Timestamp("2022-06-30"))
    q = periods.parse_period("2022QMAT04")
    assert (q.start, q.end) == (pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31"))
    assert p.label_da == "år til 2. kvt. 2022"


@pytest.mark.parametrize("bad", ["2023M13", "2023Q5", "2023", "jan 2023", "2022QMAT05", ""])
def test_bad_codes_are_errors(bad):
    with pytest.raises(ParameterError, match="not a known period code"):
        periods.parse_period(bad)


def test_period_frame_and_ranges():
    frame = periods.period_frame(pd.Series(["2020QMAT04", "2020QMAT02", "2020QMAT04"]))
    assert frame["period_type"].tolist() == ["QMAT"] * 3
    assert frame["period_end"].iloc[1] == pd.Timestamp("2020-06-30")
    assert periods.month_range("2023M11", "2024M02") == ["2023M11", "2023M12", "2024M01", "2024M02"]
    assert periods.quarter_range("2020QMAT02", "2021QMAT02", "QMAT") == [
        "2020QMAT02", "2020QMAT03", "2020QMAT04", "2021QMAT01", "2021QMAT02"]
    assert periods.shift("2024M01", -12) == "2023M01"
    assert periods.sort_codes(["2021M01", "2020M12", "2020M02"]) == ["2020M02", "2020M12", "2021M01"]
