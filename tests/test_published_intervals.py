"""Every interval the reports publish contains its own estimate (issue 12, point 6).

All four report notebooks run on the demo data for Roskilde (in tests/test_runner.py, which calls
:func:`check_published_intervals`; shares of 0 % occur there, where the Wilson bound used to come
out as 2.8e-15 and exclude its estimate), and every CSV they write is checked: for each column
pair ``<prefix>ci_low``/``<prefix>ci_high``, the estimate is the column just before
``<prefix>ci_low`` (the tables' layout: estimate, then its interval), and
``ci_low <= estimate <= ci_high`` must hold exactly, as written, wherever the three are present.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def interval_pairs(columns: list[str]) -> list[tuple[str, str, str]]:
    """(estimate, low, high) column triples of a published table."""
    out = []
    for i, column in enumerate(columns):
        if column.endswith("ci_low"):
            prefix = column[: -len("ci_low")]
            high = f"{prefix}ci_high"
            assert high in columns, f"{column} without {high}"
            assert i > 0, f"{column} has no estimate before it"
            out.append((columns[i - 1], column, high))
    return out


def violations(csv: Path) -> list[str]:
    frame = pd.read_csv(csv)
    found = []
    for estimate, low, high in interval_pairs(list(frame.columns)):
        values = frame[[estimate, low, high]].apply(pd.to_numeric, errors="coerce")
        present = values.notna().all(axis=1)
        bad = present & ~((values[low] <= values[estimate]) & (values[estimate] <= values[high]))
        found += [f"{csv.name} row {i + 2}: {low} {float(values.at[i, low])!r} <= {estimate} "
                  f"{float(values.at[i, estimate])!r} <= {high} {float(values.at[i, high])!r} fails" for i in frame.index[bad]]
    return found


def test_interval_pairs_follow_the_layout():
    columns = ["programme", "completed", "municipality_share", "ci_low", "ci_high", "country_share", "country_ci_low",
               "country_ci_high"]
    assert interval_pairs(columns) == [("municipality_share", "ci_low", "ci_high"),
                                       ("country_share", "country_ci_low", "country_ci_high")]


def test_the_check_finds_the_wilson_bound_of_issue_12(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("area,employed_share,ci_low,ci_high\nLæsø,0.0,2.8e-15,40.9\nLæsø,50.0,20.0,80.0\n", encoding="utf-8")
    assert violations(csv) == ["t.csv row 2: ci_low 2.8e-15 <= employed_share 0.0 <= ci_high 40.9 fails"]


def check_published_intervals(files: list[Path]) -> None:
    """The end-to-end check, called by tests/test_runner.py::test_project_notebooks_on_demo_data on the CSV files of
    all four reports for Roskilde on the demo data (one run of the notebooks serves both tests)."""
    assert any(f.name == "business_programs__employment_after.csv" for f in files)
    problems = [v for f in files for v in violations(f)]
    assert not problems, "\n".join(problems[:20])
    # The case of the issue is there: shares of 0 % (of 10 or more spells) with an interval starting at exactly 0.
    after = pd.read_csv(next(f for f in files if f.name == "business_programs__employment_after.csv"))
    assert ((after["employed_share"] == 0) & (after["ci_low"] == 0)).any()
