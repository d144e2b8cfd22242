"""Disclosure control (analysis.analyses.disclosure) and its use on the spell extract's tables (issue 12, point 5).

Each case is constructed: a share of 0 % or 100 % in a small group, a hidden part that the published
total would give away, a hidden zero (which reveals nobody), two hidden parts (which protect each
other), and the same hidden cell in a second table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import disclosure
from analysis.analyses.business_programs import effects, effects_text
from analysis.sources.local.spells import COMPANY_PROGRAMMES, REFERENCE_PROGRAMME

PP, OP, PL, OL = COMPANY_PROGRAMMES


# --------------------------------------------------------------------------- the rules, one by one


def test_all_or_none_shares_in_groups_under_ten():
    share = [0.0, 100.0, 0.0, 100.0, 50.0, 0.0, np.nan, 100.0]
    persons = [7, 9, 10, 25, 5, 0, 6, np.nan]
    assert disclosure.extreme_shares(share, persons).tolist() == [True, True, False, False, False, False, False, False]
    assert disclosure.extreme_shares([0.0], [12], min_group=20).tolist() == [True]


def _hidden(rows: dict[str, list[bool]], index) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index)


def test_one_hidden_part_and_a_published_total_hide_the_smallest_other_part():
    index = ["a", "b", "c", "d", "total"]
    size = pd.Series([3, 40, 12, 80, 135], index=index)
    is_total = pd.Series([False, False, False, False, True], index=index)
    hidden = _hidden({"count": [True, False, False, False, False], "share": [True, False, False, False, False]}, index)
    out = disclosure.protect_total(hidden, size, is_total, row_columns=["count"])
    assert out["count"].tolist() == [True, False, True, False, False]  # c (12) is the smallest other part
    assert out["share"].tolist() == [True, False, True, False, False]  # its whole row goes
    assert hidden["count"].tolist() == [True, False, False, False, False]  # the input is not changed


def test_a_hidden_share_alone_is_protected_in_its_own_column_only():
    index = ["a", "b", "c", "total"]
    size = pd.Series([8, 40, 30, 78], index=index)
    is_total = pd.Series([False, False, False, True], index=index)
    hidden = _hidden({"count": [False] * 4, "share": [True, False, False, False], "other": [False] * 4}, index)
    out = disclosure.protect_total(hidden, size, is_total, row_columns=["count"])
    assert out["share"].tolist() == [True, False, True, False]
    assert not out["count"].any() and not out["other"].any()


def test_no_extra_hiding_when_nothing_can_be_recovered():
    index = ["a", "b", "c", "d", "total"]
    size = pd.Series([3, 2, 12, 80, 97], index=index)
    is_total = pd.Series([False, False, False, False, True], index=index)
    two = _hidden({"count": [True, True, False, False, False]}, index)  # two hidden parts protect each other
    assert disclosure.protect_total(two, size, is_total, row_columns=["count"]).equals(two)
    total_hidden = _hidden({"count": [True, False, False, False, True]}, index)  # nothing to subtract from
    assert disclosure.protect_total(total_hidden, size, is_total).equals(total_hidden)
    zero = _hidden({"count": [True, False, False, False, False]}, index)
    empty_size = pd.Series([0, 2, 12, 80, 94], index=index)  # the hidden part is an empty group: reveals nobody
    assert disclosure.protect_total(zero, empty_size, is_total).equals(zero)


def test_apply_and_hide_rows():
    frame = pd.DataFrame({"programme": ["a", "b"], "n": [3, 40], "x": [1.5, 2.5]})
    hidden = pd.DataFrame({"n": [True, False], "x": [False, True]})
    out = disclosure.apply_hidden(frame, hidden)
    assert math.isnan(out.loc[0, "n"]) and out.loc[1, "n"] == 40 and math.isnan(out.loc[1, "x"]) and out.loc[0, "x"] == 1.5
    out = disclosure.hide_rows(frame, "programme", ["b"], ["n", "missing_column"])
    assert out["n"].isna().tolist() == [False, True] and out["x"].tolist() == [1.5, 2.5]


# --------------------------------------------------------------------------- on the spell extract's tables


def _spells(groups: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """One spell per person: programme -> (spells, employed, women)."""
    rows = []
    for programme, (n, employed, women) in groups.items():
        for i in range(n):
            rows.append({"programme": programme, "employed_6m": int(i < employed), "sex": "K" if i < women else "M",
                         "age": 30 + i % 20, "prior_benefit_weeks": i % 52, "person_id": f"{programme[:3]}{i}"})
    return pd.DataFrame(rows)


def test_spell_summary_hides_a_small_programme_and_protects_it_against_the_total():
    spells = _spells({PP: (120, 60, 50), OP: (3, 1, 2), PL: (45, 30, 20), OL: (25, 10, 12), REFERENCE_PROGRAMME: (200, 70, 90)})
    summary = effects.spell_summary(spells).set_index("programme")
    assert summary.loc[OP, "suppressed"] and math.isnan(summary.loc[OP, "spells"])  # primary: under 5 persons
    # Without more, OP's 3 spells = total 393 - 120 - 45 - 25 - 200: the smallest other programme (OL) goes too.
    assert summary.loc[OL, ["spells", "persons", "employed_pct", "mean_age", "women_pct", "prior_weeks"]].isna().all()
    assert not summary.loc[OL, "suppressed"]  # shown as "–", not "<5": it is not small
    assert summary.loc[effects.TOTAL_LABEL, "spells"] == 393
    assert summary.loc[[PP, PL, REFERENCE_PROGRAMME], "spells"].tolist() == [120, 45, 200]
    assert disclosure.count_or_mark(summary.loc[OL, "spells"], False) == "–"
    assert disclosure.count_or_mark(summary.loc[OP, "spells"], True) == "<5"


def test_spell_summary_hides_all_or_none_shares_of_small_groups():
    # OL: 8 persons, all employed and all women: both shares would tell each person's outcome and sex.
    spells = _spells({PP: (120, 60, 50), OP: (30, 12, 15), PL: (45, 30, 20), OL: (8, 8, 8), REFERENCE_PROGRAMME: (200, 70, 90)})
    summary = effects.spell_summary(spells).set_index("programme")
    assert summary.loc[OL, "spells"] == 8 and not summary.loc[OL, "suppressed"]  # the count itself is fine
    assert math.isnan(summary.loc[OL, "employed_pct"]) and math.isnan(summary.loc[OL, "women_pct"])
    assert summary.loc[OL, "mean_age"] == pytest.approx(33.5)
    # The total's employment share would give OL's back: the smallest other share (OP) is hidden in those columns.
    assert math.isnan(summary.loc[OP, "employed_pct"]) and math.isnan(summary.loc[OP, "women_pct"])
    assert summary.loc[OP, "spells"] == 30 and summary.loc[OP, "mean_age"] == pytest.approx(spells[spells.programme == OP]["age"].mean())
    assert summary.loc[[PP, PL, REFERENCE_PROGRAMME], "employed_pct"].notna().all()
    # 0 % of 12 persons is shown: the group is large enough.
    spells = _spells({PP: (120, 60, 50), OP: (12, 0, 6), PL: (45, 30, 20), OL: (25, 10, 12), REFERENCE_PROGRAMME: (200, 70, 90)})
    assert effects.spell_summary(spells).set_index("programme").loc[OP, "employed_pct"] == 0


def test_a_cell_hidden_in_the_summary_is_hidden_in_the_effects_and_weight_tables_too():
    """OL is hidden only to protect OP in the summary; its number of spells must not reappear in the effects table
    (column n) or the weight table, or OP's count could be recovered through them."""
    from tests.test_effects import COEF, simulate

    frame = simulate(4000, 5, COEF)
    keep = pd.concat([frame[frame["programme"] != OP], frame[frame["programme"] == OP].head(3)])
    # make OL the smallest remaining programme, but large enough to estimate
    ol = keep[keep["programme"] == OL]
    keep = pd.concat([keep[keep["programme"] != OL], ol.head(60)])
    result = effects.effects_analysis(keep, min_spells=30)
    summary = result.summary.set_index("programme")
    assert math.isnan(summary.loc[OP, "spells"]) and math.isnan(summary.loc[OL, "spells"])
    est = result.estimates.set_index(["method", "programme"])
    for method in effects.METHODS:
        assert math.isnan(est.loc[(method, OL), "n"]) and est.loc[(method, OL), "effect_pp"] == est.loc[(method, OL), "effect_pp"]
        assert est.loc[(method, PP), "n"] == (keep["programme"] == PP).sum()
    weights = result.weights.set_index("programme")
    assert math.isnan(weights.loc[OL, "spells"]) and weights.loc[PP, "spells"] == (keep["programme"] == PP).sum()
    shown = effects_text.effects_display(result.estimates).set_index("programme")
    assert shown.loc[OL, "n"] == "–"
