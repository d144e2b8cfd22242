"""Adjusted effects (analysis.analyses.business_programs.effects): hand-checked special cases, a simulation with a known effect,
the demo extract against the generator's truth, and the small-cell rule."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import disclosure
from analysis.analyses.business_programs import effects, effects_text
from analysis.sources.local.spells import (
    COMPANY_PROGRAMMES,
    EDUCATIONS,
    REFERENCE_PROGRAMME,
    TARGET_GROUPS,
    split_by_outcome,
)

PROGRAMMES = (*COMPANY_PROGRAMMES, REFERENCE_PROGRAMME)
PP_ = COMPANY_PROGRAMMES[0]


# --------------------------------------------------------------------------- suppression


def test_suppress_small_marks_and_blanks_cells_under_five():
    df = pd.DataFrame({"group": list("abcdef"), "persons": [0, 3, 4, 5, 12, np.nan], "share": [1.0, 2, 3, 4, 5, 6]})
    out = effects.suppress_small(df, "persons")
    assert out["suppressed"].tolist() == [True, True, True, False, False, True]
    assert out["persons"].isna().tolist() == [True, True, True, False, False, True]
    assert out["share"].tolist()[3:5] == [4.0, 5.0] and out["share"].isna().sum() == 4
    assert out["group"].tolist() == list("abcdef")  # labels stay
    assert df["persons"].tolist()[:2] == [0, 3]  # the input is not changed
    assert effects.suppress_small(df, "persons", min_count=10)["suppressed"].sum() == 5
    with pytest.raises(KeyError):
        effects.suppress_small(df, "nope")
    assert disclosure.count_or_mark(3, True) == "<5" and disclosure.count_or_mark(1234, False) == "1.234"


# --------------------------------------------------------------------------- simulation


def simulate(n: int, seed: int, coef: dict[str, float], *, selection: float = 1.0) -> pd.DataFrame:
    """Spells with selection on observables and a known logistic effect per programme.

    Programme choice depends on target group, education, prior weeks and age (multinomial logit);
    employment depends on the same covariates (in a form the covariates capture exactly: age bands,
    linear prior weeks) plus ``coef[programme]``.
    """
    rng = np.random.default_rng(seed)
    group = rng.integers(0, len(TARGET_GROUPS), n)
    edu = rng.integers(0, len(EDUCATIONS), n)
    age = rng.integers(18, 66, n)
    female = rng.random(n) < 0.5
    weeks = rng.integers(0, 53, n)
    year = rng.integers(2019, 2025, n)
    # choice: utility of each programme relative to the reference (last column 0)
    util = np.column_stack([
        selection * (0.4 * (group == 0) - 0.5 * (group == 3) + 0.2 * edu - 1.0 * weeks / 52),
        selection * (-0.3 + 0.3 * (group == 1) + 0.1 * (age > 50)),
        selection * (-0.2 + 0.6 * (group == 0) - 1.2 * weeks / 52 + 0.15 * edu),
        selection * (-0.6 + 0.4 * female - 0.5 * (group == 4)),
        np.zeros(n),
    ]) + rng.gumbel(size=(n, 5))
    programme = np.array(PROGRAMMES, dtype=object)[util.argmax(axis=1)]
    base = (0.6 - np.array([0.0, 1.8, 0.9, 0.3, 2.0])[group] + np.array([-0.3, 0.0, 0.1, 0.3])[edu]
            - 0.4 * (age >= 55) + 0.2 * (age < 25) - 0.12 * weeks / 10 + 0.1 * female - 0.3 * (year == 2020))
    lin = base + pd.Series(programme).map(coef).to_numpy(dtype=float)
    employed = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    frame = pd.DataFrame({
        "spell_id": [f"S{i}" for i in range(n)],
        "person_id": [f"P{i:06x}" for i in range(n)],
        "kommunekode": "330",
        "programme": programme,
        "target_group": np.array(TARGET_GROUPS, dtype=object)[group],
        "start_date": pd.to_datetime([f"{y}-03-01" for y in year]),
        "end_date": pd.to_datetime([f"{y}-05-01" for y in year]),
        "age": age,
        "sex": np.where(female, "K", "M"),
        "education": np.array(EDUCATIONS, dtype=object)[edu],
        "prior_benefit_weeks": weeks,
        "employed_6m": employed,
    })
    frame["true_logit_base"] = base  # not a covariate: the estimators ignore it
    return frame


def true_ame(frame: pd.DataFrame, coef: dict[str, float]) -> pd.Series:
    base = frame["true_logit_base"].to_numpy()
    p0 = 1 / (1 + np.exp(-(base + coef[REFERENCE_PROGRAMME])))
    return pd.Series({p: 100 * float(np.mean(1 / (1 + np.exp(-(base + coef[p]))) - p0)) for p in COMPANY_PROGRAMMES})


COEF = {REFERENCE_PROGRAMME: 0.0, "Privat virksomhedspraktik": 0.5, "Offentlig virksomhedspraktik": 0.0,
        "Privat løntilskud": 0.9, "Offentlig løntilskud": -0.3}


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, pd.Series]:
    frame = simulate(40_000, 7, COEF)
    return frame, true_ame(frame, COEF)


def test_both_estimators_recover_a_known_effect(simulated):
    frame, truth = simulated
    est = effects.estimate_effects(frame).set_index(["method", "programme"])
    naive = frame.groupby("programme")["employed_6m"].mean() * 100
    for method in effects.METHODS:
        for p in COMPANY_PROGRAMMES:
            row = est.loc[(method, p)]
            assert row["ci_low"] <= truth[p] <= row["ci_high"], (method, p, row["effect_pp"], truth[p])
            assert abs(row["effect_pp"] - truth[p]) < 2.0
            assert 0.2 < row["se_pp"] < 1.5
    # The adjustment matters: the raw difference is off for at least one programme by more than 3 pp.
    raw = naive[list(COMPANY_PROGRAMMES)] - naive[REFERENCE_PROGRAMME]
    assert (raw - truth).abs().max() > 3


def test_no_effect_gives_intervals_around_zero():
    coef = dict.fromkeys(PROGRAMMES, 0.0)
    frame = simulate(20_000, 11, coef)
    est = effects.estimate_effects(frame)
    # Eight correlated 95 % intervals: one may miss zero by chance (this seed: Offentlig løntilskud at z = 2.1
    # with both methods), none by more than three standard errors.
    assert (est["effect_pp"].abs() < 3 * est["se_pp"]).all(), est[["programme", "method", "effect_pp", "se_pp"]]
    assert ((est["ci_low"] < 0) & (est["ci_high"] > 0)).sum() >= 6


def test_saturated_case_equals_the_hand_computed_difference_of_shares():
    """Without covariates that vary, both estimators reduce to the difference of two shares and its Wald SE."""
    rows = []
    for programme, n, k in [("Privat løntilskud", 200, 150), (REFERENCE_PROGRAMME, 300, 120)]:
        rows += [{"programme": programme, "employed_6m": int(i < k)} for i in range(n)]
    frame = pd.DataFrame(rows).assign(age=40, sex="K", target_group="A-dagpenge", education="Gymnasial",
                                      prior_benefit_weeks=10, start_date=pd.Timestamp("2023-01-01"))
    frame["person_id"] = [f"P{i}" for i in range(len(frame))]
    est = effects.estimate_effects(frame, programmes=["Privat løntilskud"]).set_index("method")
    effect = 100 * (150 / 200 - 120 / 300)  # 35 pp
    wald = 100 * math.sqrt(0.75 * 0.25 / 200 + 0.4 * 0.6 / 300)  # 4.1683 pp
    # Clustered by person (issue 12; here every person has one spell): the Wald SE times the small-sample factor,
    # sqrt(G/(G-1) x (N-1)/(N-K)) for the logit (statsmodels' and Stata's cluster default) and sqrt(G/(G-1)) for IPW.
    factor = {"logit_ame": math.sqrt(500 / 499 * 499 / 498), "ipw_ate": math.sqrt(500 / 499)}
    for method in effects.METHODS:
        se = wald * factor[method]
        assert est.loc[method, "effect_pp"] == pytest.approx(effect, abs=1e-6)
        assert est.loc[method, "se_pp"] == pytest.approx(se, rel=1e-4)
        assert est.loc[method, "ci_low"] == pytest.approx(effect - 1.959964 * se, abs=1e-3)
        assert est.loc[method, "n"] == 200 and est.loc[method, "n_reference"] == 300


def test_too_few_spells_says_so_and_small_groups_are_suppressed(simulated):
    frame = simulated[0].head(5000)
    small = pd.concat([frame[frame["programme"] != "Offentlig løntilskud"],
                       frame[frame["programme"] == "Offentlig løntilskud"].head(20),
                       ])
    est = effects.estimate_effects(small).set_index(["method", "programme"])
    row = est.loc[("logit_ame", "Offentlig løntilskud")]
    assert math.isnan(row["effect_pp"]) and "For få forløb" in row["note"] and not row["suppressed"]
    assert est.loc[("logit_ame", "Privat løntilskud"), "effect_pp"] == est.loc[("logit_ame", "Privat løntilskud"), "effect_pp"]
    tiny = pd.concat([frame[frame["programme"] != "Offentlig løntilskud"],
                      frame[frame["programme"] == "Offentlig løntilskud"].head(3)])
    est = effects.estimate_effects(tiny, min_spells=1).set_index(["method", "programme"])
    row = est.loc[("ipw_ate", "Offentlig løntilskud")]
    assert row["suppressed"] and math.isnan(row["effect_pp"]) and math.isnan(row["n"])
    assert "Under 5 personer" in row["note"]
    none = effects.estimate_effects(frame[frame["programme"] != REFERENCE_PROGRAMME])
    assert none["effect_pp"].isna().all() and none["note"].str.contains("sammenligningsgruppen").all()
    empty = effects.estimate_effects(frame.iloc[0:0])
    assert len(empty) == 8 and empty["effect_pp"].isna().all()


def test_no_statsmodels_chatter_on_a_hard_sample(simulated, recwarn):
    frame, _ = simulated
    hard = frame.head(150).copy()
    hard.loc[hard["target_group"] == "Ressourceforløb", "employed_6m"] = 0  # quasi-separation
    effects.estimate_effects(hard, min_spells=5)
    assert not [w for w in recwarn.list if "statsmodels" in str(w.filename) or "numpy" in str(w.filename)]


def test_spell_summary_is_aggregate_and_suppressed(simulated):
    frame, _ = simulated
    few = pd.concat([frame[frame["programme"] != "Offentlig løntilskud"],
                     frame[frame["programme"] == "Offentlig løntilskud"].head(4)])
    summary = effects.spell_summary(few).set_index("programme")
    assert list(summary.index) == [*PROGRAMMES, effects.TOTAL_LABEL]  # a total row since issue 12
    assert summary.loc["Offentlig løntilskud", "suppressed"] and math.isnan(summary.loc["Offentlig løntilskud", "employed_pct"])
    assert summary.loc[REFERENCE_PROGRAMME, "spells"] == (frame["programme"] == REFERENCE_PROGRAMME).sum()
    assert summary.loc[effects.TOTAL_LABEL, "spells"] == len(few)
    # The total is published, so the 4 hidden spells would be total minus the rest: the smallest other programme is
    # hidden too (complementary suppression), and not marked as under 5.
    smallest = few[few["programme"] != "Offentlig løntilskud"]["programme"].value_counts().idxmin()
    assert math.isnan(summary.loc[smallest, "spells"]) and not summary.loc[smallest, "suppressed"]
    assert summary.drop(index=["Offentlig løntilskud", smallest])["spells"].notna().all()
    assert "person_id" not in summary.columns and "spell_id" not in summary.columns


def test_assumptions_are_danish_and_make_no_causal_claim():
    text = " ".join(effects_text.assumptions_da())
    assert "ikke bevis" in text and "Vejledning og opkvalificering" in text and "95 %" in text


# --------------------------------------------------------------------------- the demo extract


@pytest.fixture(scope="module")
def demo_spells(demo_data_root) -> pd.DataFrame:
    from analysis.sources.local.spells import read_local

    return read_local(demo_data_root / "raw" / "demo" / "local" / "forloeb.csv", demo_data_root)


def _covered(est: pd.DataFrame, truth: pd.Series, method: str, z: float = 1.959964) -> pd.Series:
    rows = est[est["method"] == method].set_index("programme")
    centre = rows["effect_pp"]
    return (centre - truth).abs() <= z * rows["se_pp"]


def test_demo_extract_large_municipality_recovers_the_true_effects(demo_spells):
    """København (about 16.000 spells with an observable outcome): both estimators cover analysis.demo's true AME
    with their 95 % interval."""
    from analysis import demo

    sub = demo_spells[demo_spells["kommunekode"] == "101"]
    truth = demo.true_average_marginal_effects(split_by_outcome(sub)[0])  # the spells the estimators use
    est = effects.estimate_effects(sub)
    for method in effects.METHODS:
        covered = _covered(est, truth, method)
        assert covered.all(), (method, est[est["method"] == method][["programme", "effect_pp", "ci_low", "ci_high"]], truth)


def test_demo_extract_whole_country(demo_spells):
    """All 140.000 spells with an observable outcome: every estimate is within 3 standard errors of the truth, and
    within its 95 % interval except at most one programme per method.

    Honest note: on this draw (seed 2024; persons with several spells and a person effect since issue 12, intervals
    clustered by person) every estimate lies within 0.6 standard errors of the truth; the test allows one miss per
    method, as chance would. Spells whose six months had not passed by the extract date are left out by the
    estimators themselves.
    """
    from analysis import demo

    truth = demo.true_average_marginal_effects(split_by_outcome(demo_spells)[0])  # the spells the estimators use
    est = effects.estimate_effects(demo_spells)
    for method in effects.METHODS:
        assert _covered(est, truth, method, z=3.0).all(), method
        assert _covered(est, truth, method).sum() >= 3, method
    logit = est[est["method"] == "logit_ame"].set_index("programme")
    assert (logit["effect_pp"] - truth).abs().max() < 1.0  # within 1 pp of the truth everywhere


# --------------------------------------------------------------------------- several spells per person (issue 12, point 1)


def test_clustered_intervals_cover_the_truth_when_persons_have_several_spells():
    """A seeded simulation (analysis.tools.coverage_check, small): 100 persons x 6 spells, a strong person effect on
    employment and a lasting taste for the programme. Over 50 extracts the 95 % intervals clustered by person cover
    the true effect at close to the nominal rate; intervals that treat every spell as independent are too narrow
    and undercover. The larger run is `make coverage` (python -m analysis.tools.coverage_check)."""
    from analysis.tools import coverage_check

    table = coverage_check.coverage(50, 100, 6, 2.0, seed=21, taste_sd=4.0).set_index(["method", "clustered"])
    for method in effects.METHODS:
        clustered, naive = table.loc[(method, True)], table.loc[(method, False)]
        assert clustered["reps"] == 50 and naive["reps"] == 50
        assert 0.90 <= clustered["coverage"] <= 1.0, table
        assert naive["coverage"] <= clustered["coverage"] - 0.05, table
        # The clustered standard error is about the real spread of the estimates; the naive one is far below it.
        assert 0.85 < clustered["mean_se"] / clustered["sd_errors"] < 1.2, table
        assert naive["mean_se"] / naive["sd_errors"] < 0.75, table


def test_clustering_by_person_widens_the_interval_only_when_spells_share_a_person(simulated):
    frame, _ = simulated
    frame = frame.head(6000)
    one_each = effects.logit_ame(frame, cluster=True).set_index("programme")
    naive = effects.logit_ame(frame, cluster=False).set_index("programme")
    # One spell per person: clustered = HC0 up to the small-sample factor sqrt(G/(G-1) (N-1)/(N-K)).
    k = effects.design(frame)[0].shape[1]
    factor = math.sqrt(6000 / 5999 * 5999 / (6000 - k))
    assert (one_each["se_pp"] / naive["se_pp"]).to_numpy() == pytest.approx([factor] * 4, rel=1e-6)
    # The same spells as 2,000 persons with three spells each (persons made of similar spells: same target group):
    paired = frame.sort_values(["target_group", "programme"]).reset_index(drop=True)
    paired["person_id"] = [f"P{i // 3}" for i in range(len(paired))]
    for estimator in (effects.logit_ame, effects.ipw_ate):
        wide = estimator(paired, cluster=True).set_index("programme")
        narrow = estimator(paired, cluster=False).set_index("programme")
        assert (wide["effect_pp"] == narrow["effect_pp"]).all()  # clustering changes the interval, not the estimate
        assert (wide["se_pp"] > narrow["se_pp"]).any()
    # The persons are matched to the model's rows by position, also when the frame's index repeats itself.
    repeated = paired.set_axis(list(range(len(paired) // 2)) * 2)
    pd.testing.assert_frame_equal(effects.logit_ame(repeated), effects.logit_ame(paired))
    with pytest.raises(KeyError, match="person_id"):
        effects.estimate_effects(frame.drop(columns="person_id"))


# --------------------------------------------------------------------------- outcomes not yet observed (issue 12, point 2)


def test_spells_without_an_observable_outcome_are_left_out_and_counted(simulated):
    frame, _ = simulated
    frame = frame.head(8000).copy()
    frame["extract_date"] = pd.Timestamp("2024-09-30")
    # Spells that ended in 2024 (after 2024-03-31): their six months had not passed by the extract date. The case
    # system records them as 0, "not employed", which is a date that has not come, not an outcome.
    recent = frame["end_date"] > pd.Timestamp("2024-03-31")
    assert recent.sum() > 500
    frame.loc[recent, "employed_6m"] = 0
    seen = frame[~recent].drop(columns="extract_date")
    est = effects.estimate_effects(frame)
    same = effects.estimate_effects(seen)
    pd.testing.assert_frame_equal(est, same)
    result = effects.effects_analysis(frame)
    assert result.dropped == int(recent.sum()) and result.spells == len(frame)
    assert result.extract_date == pd.Timestamp("2024-09-30")
    summary = result.summary.set_index("programme")
    assert summary.loc[effects.TOTAL_LABEL, "spells"] == len(seen)
    assert summary.loc[effects.TOTAL_LABEL, "employed_pct"] == pytest.approx(100 * seen["employed_6m"].mean())
    text = effects_text.censoring_sentence(result)
    assert "30. september 2024" in text and "31. marts 2024" in text and f"{int(recent.sum()):,}".replace(",", ".") in text
    assert "udeladt" in text


# --------------------------------------------------------------------------- balance (issue 12, point 3)


def test_standardised_differences_by_hand():
    from analysis.analyses.business_programs import balance

    x = pd.DataFrame({"Kvinder": [1, 1, 0, 0, 1, 0, 0, 0], "Uger": [10, 20, 30, 40, 5, 5, 15, 25]}, dtype=float)
    arm = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    w = np.array([1.0, 3.0, 1.0, 1.0, 2.0, 1.0, 1.0, 2.0])
    out = balance.standardised_differences(x, arm, w, ["ref", "prog"]).set_index("covariate")
    # women: 0.5 vs 0.25; pooled sd = sqrt((0.25 + 0.1875) / 2); weighted: 4/6 vs 2/6
    sd = math.sqrt((0.25 + 0.1875) / 2)
    assert out.loc["Kvinder", "smd_before"] == pytest.approx(0.25 / sd)
    assert out.loc["Kvinder", "smd_after"] == pytest.approx((4 / 6 - 2 / 6) / sd)
    # weeks: means 25 vs 12.5, variances 125 and 68.75 (population); weighted 140/6 vs 80/6
    sd = math.sqrt((125 + 68.75) / 2)
    assert out.loc["Uger", "smd_before"] == pytest.approx(12.5 / sd)
    assert out.loc["Uger", "smd_after"] == pytest.approx((140 / 6 - 80 / 6) / sd)
    assert out["imbalanced"].all() and out["programme"].eq("prog").all()
    weights = balance.weight_summary(arm, w, ["ref", "prog"]).set_index("programme")
    assert weights.loc["prog", "effective_n"] == pytest.approx(36 / 12)
    assert weights.loc["prog", "max_weight"] == 3 and weights.loc["prog", "top_weights_share_pct"] == pytest.approx(100)
    assert balance.weight_summary(arm, w, ["ref", "prog"], top=1).set_index("programme").loc["ref", "top_weights_share_pct"] == pytest.approx(100 * 2 / 6)


def test_balance_on_a_large_extract_is_good_and_the_effect_is_stated(simulated):
    frame, _ = simulated
    result = effects.effects_analysis(frame)
    assert set(result.balance["programme"]) == set(COMPANY_PROGRAMMES)
    assert set(result.balance["covariate"]) >= {"Kvinder", "Uger på forsørgelse året før", "Målgruppe: A-dagpenge",
                                                "Uddannelse: Grundskole", "Startår 2020", "Alder 25-29 år"}
    assert (result.balance["smd_before"].abs() > 0.1).any()  # the groups differed before weighting
    assert not result.balance["imbalanced"].any() and not result.imbalanced  # and not after
    assert list(result.weights["programme"]) == [REFERENCE_PROGRAMME, *COMPANY_PROGRAMMES]
    assert (result.weights["effective_n"] <= result.weights["spells"]).all()
    sentences = effects_text.effect_sentences(result)
    private_wage = next(s for s in sentences if s.startswith("**Privat løntilskud:**"))
    assert "procentpoint oftere i beskæftigelse" in private_wage and "usikkert" not in private_wage
    assert any("Efter vægtningen er alle standardiserede forskelle under 0,1" in s for s in effects_text.balance_sentences(result))


def test_failed_balance_makes_the_sentence_say_uncertain():
    """Strong selection and few spells: the weights cannot make the groups alike (extreme propensities)."""
    small = simulate(1000, 7, COEF, selection=3.0)
    result = effects.effects_analysis(small)
    assert set(result.imbalanced) == set(COMPANY_PROGRAMMES)
    for programme, covariates_ in result.imbalanced.items():
        ipw = result.estimates[(result.estimates["method"] == "ipw_ate") & (result.estimates["programme"] == programme)]
        assert effects.NOTE_BALANCE in ipw["note"].iloc[0]
        sentence = next(s for s in effects_text.effect_sentences(result) if s.startswith(f"**{programme}"))
        assert "usikkert" in sentence and "kan derfor ikke læses som en effekt" in sentence
        assert "procentpoint oftere" not in sentence
        assert covariates_[0][:1].lower() + covariates_[0][1:] in sentence
    shown = effects_text.balance_display(result.balance)
    assert shown.columns[0] == "covariate" and shown.map(lambda v: str(v).endswith(" *")).any().any()
    # Numbers on the right side of the limit, and Danish grammar for one variable.
    assert effects_text.smd_text(0.1004) == "0,1004" and effects_text.smd_text(-0.0996) == "-0,0996" and effects_text.smd_text(0.1) == "0,10"
    assert effects_text.smd_text(0.2349) == "0,23"
    one = result.balance[result.balance["programme"] == PP_].copy()
    one["imbalanced"] = False
    one.loc[one.index[0], ["imbalanced", "smd_after"]] = [True, 0.1004]
    single = effects.EffectsAnalysis(result.estimates, result.summary, one, result.weights, None, 0, 0)
    text = " ".join(effects_text.balance_sentences(single))
    assert "på 1 baggrundsvariabel (størst:" in text and "0,1004)" in text


def test_effects_are_holm_adjusted_over_the_programmes_and_intervals_hold_their_estimate(simulated):
    from statsmodels.stats.multitest import multipletests

    frame, _ = simulated
    est = effects.estimate_effects(frame.head(3000))
    for method in effects.METHODS:
        rows = est[est["method"] == method]
        assert rows["p_holm"].to_numpy() == pytest.approx(multipletests(rows["p_value"], method="holm")[1])
    ok = est["effect_pp"].notna()
    assert ((est.loc[ok, "ci_low"] <= est.loc[ok, "effect_pp"]) & (est.loc[ok, "effect_pp"] <= est.loc[ok, "ci_high"])).all()
    # A zero-width interval (a standard error of 0) still holds its estimate exactly.
    assert effects._interval(0.1 + 0.2, 0.0, 1.96) == (0.1 + 0.2, 0.1 + 0.2)


def test_holm_equals_statsmodels():
    from statsmodels.stats.multitest import multipletests

    from analysis.analyses.multiple_testing import holm

    rng = np.random.default_rng(4)
    for m in (1, 2, 5, 30):
        p = rng.uniform(0, 0.2, m) ** 2
        p[0] = p[-1]  # ties
        assert holm(p) == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)
    with_gaps = np.array([0.01, np.nan, 0.04, 0.03, np.nan])
    assert holm(with_gaps)[[0, 2, 3]] == pytest.approx(multipletests([0.01, 0.04, 0.03], method="holm")[1])
    assert np.isnan(holm(with_gaps)[[1, 4]]).all() and holm([]).size == 0
