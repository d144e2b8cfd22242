"""Adjusted effects of company-based programmes, from the jobcentre's own spell extract: the estimates.

The Danish sentences, headings and display frames are in :mod:`~analysis.analyses.business_programs.effects_text`,
the figure in :mod:`~analysis.analyses.business_programs.figures`.

Question: how many percentage points more often are participants in each company-based
programme employed six months after the spell than they would have been in the reference
programme ``Vejledning og opkvalificering`` (guidance and up-skilling, not in a company),
when people are compared with others of the same age, sex, target group, education, prior
time on benefit and start year?

Two estimators, side by side (:func:`estimate_effects`):

``logit_ame`` — logistic regression and average marginal effects
    A logit of ``employed_6m`` on programme dummies (reference: ``Vejledning og
    opkvalificering``) and the covariates (:func:`design`). The effect of programme *k* is the
    **average marginal effect of a categorical treatment**: for every spell in the data
    (whatever programme it had; spells of programmes too small to estimate are left out of the
    model) predict the employment probability twice, once with the
    programme set to *k* and once set to the reference, and average the difference
    (not the derivative at the mean, not the coefficient). The 95 % interval is from the
    **delta method** with the **cluster-robust covariance by person** of the coefficients
    (statsmodels ``cov_type="cluster"`` with ``person_id`` as the groups and its usual
    small-sample factor G/(G-1) x (N-1)/(N-K), as Stata's ``vce(cluster)``): a person's spells
    share the person's own traits, so their outcomes are correlated, and treating them as
    independent makes the interval too narrow. It is conditional on the covariates in the data
    (like Stata's ``margins``), so it describes the uncertainty of the effect for exactly these
    spells.

``ipw_ate`` — inverse probability weighting
    A multinomial logit of the programme on the same covariates gives each spell's
    probability of each programme (the generalised propensity score). Every spell in
    programme *t* gets the weight 1 / P(t | covariates), so each programme group is
    re-weighted to look like **all** spells; the effect is the difference of the weighted
    (Hájek, normalised) employment shares between *k* and the reference. The estimand is the
    **ATE** over all spells in the data — the same population the logit AME averages over.
    The 95 % interval is from the **sandwich (M-estimation) variance** that stacks the
    weighted means and the multinomial logit's score equations, so the estimation of the
    propensities is accounted for (no bootstrap: refitting the multinomial logit a few hundred
    times is too slow for a report). The influence functions are **summed within person**
    before the variance is taken (with the factor G/(G-1)), for the same reason as the logit's
    clustering. Weights are not trimmed; the effective number of spells per group and the
    smallest propensity are reported, and the table notes "Få sammenlignelige borgere" when a
    propensity is below 1 %. Whether the weighting worked is shown by :func:`effects_analysis`:
    the standardised mean difference of every covariate before and after weighting and the
    weight distribution (:mod:`analysis.analyses.business_programs.balance`); a programme with a covariate still more than
    0.1 apart after weighting gets the note "Ubalance efter vægtning", and the report's sentence
    calls its result uncertain instead of an effect.

Outcomes that could not be seen yet
    ``employed_6m`` is only an outcome once six months have passed after the spell ended. Spells
    that ended less than six months before the extract date (:func:`analysis.sources.local.spells.extract_date`)
    are left out of every estimate and summary here (:func:`analysis.sources.local.spells.split_by_outcome`);
    :func:`effects_analysis` reports how many.

How well the intervals work (measured 2026-12-02 with ``make coverage``)
    ``python -m analysis.tools.coverage_check`` simulates extracts with several spells per person and a
    person effect (1,000 extracts of 700 persons x 3 spells, strong person effect and programme
    persistence): the clustered 95 % intervals covered the true effect in 95.2 % (logit) and
    95.0 % (IPW) of the extracts, the intervals that treat every spell as independent in 89.5 %
    (both), their standard error 16 % too small. tests/test_effects.py runs a small version.
    ``--demo`` checks the demo extract (true effects known,
    :func:`analysis.demo.true_average_marginal_effects`), every municipality x programme:
    clustered coverage 94 % (both methods) in municipalities with more than 2,000 spells with an
    outcome, 98 % (logit) and 96 % (IPW) at 1,000-2,000, but only 90.5 % (logit) and 89.5 % (IPW)
    below 1,000 spells, where a programme has a few dozen spells and the large-sample intervals
    are too narrow. The table therefore notes "Få forløb" for programmes with fewer than
    :data:`IPW_SMALL` spells; the logit is the main estimate.

Both rest on the same assumptions (stated in Danish by :func:`~analysis.analyses.business_programs.effects_text.assumptions_da`): no
unmeasured differences between groups that affect employment once the covariates are
accounted for, every kind of person could have been in every programme (overlap), and one
person's programme does not change another's outcome. The logit additionally assumes its
functional form, the IPW its propensity model. When both agree, the result is less likely an
artefact of one model. Neither is a randomised comparison.

Small cells: an effect is only estimated when the programme and the reference each have at
least :data:`MIN_SPELLS` spells; a published cell built from fewer than 5 persons is
suppressed with :func:`suppress_small`, and :func:`effects_analysis` applies the report's
other disclosure rules (:mod:`analysis.analyses.disclosure`) across its tables.

Several tests on one page: each method's p-values are also given Holm-adjusted over the
programmes (``p_holm``), and a sentence only calls a difference certain when the adjusted
p-value of the logit is below 5 %.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.analyses.business_programs import balance as bal
from analysis.analyses.disclosure import MIN_COUNT, suppress_small
from analysis.analyses.multiple_testing import holm_series
from analysis.sources.local.spells import (
    COMPANY_PROGRAMMES,
    EDUCATIONS,
    EXTRACT_DATE,
    REFERENCE_PROGRAMME,
    TARGET_GROUPS,
)

MIN_SPELLS = 30  # spells needed in a programme and in the reference group to estimate an effect
MIN_LEVEL = 10  # covariate levels with fewer spells are merged into the reference level
MIN_PROPENSITY_WARN = 0.01  # propensities below this signal poor overlap
LOGIT_COV = "cluster"  # cluster-robust covariance of the logit coefficients, by person
CLUSTER = "person_id"  # spells of one person are correlated: the unit of the variance
IPW_SMALL = 200  # below this many spells in a programme the IPW sandwich interval tends to be too narrow
MAX_ITER = 50  # Newton steps; a model that needs more is reported, not waited for
NOT_CONVERGED = "Ustabil model"
NOTE_OVERLAP = "Få sammenlignelige borgere"
NOTE_FEW = "Få forløb"
NOTE_BALANCE = "Ubalance efter vægtning"
TOTAL_LABEL = "Alle tilbud"  # the total row of the spell summary

METHODS = ("logit_ame", "ipw_ate")
AGE_BANDS = (15, 25, 30, 35, 40, 45, 50, 55, 60, 71)  # [15,25), [25,30), ..., [60,71)
COVARIATES_DA = (
    "alder (i femårsgrupper)",
    "køn",
    "målgruppe",
    "højeste uddannelse",
    "uger på offentlig forsørgelse året før forløbet",
    "startår",
)

EFFECT_COLUMNS = ["programme", "method", "effect_pp", "ci_low", "ci_high", "n", "n_reference", "se_pp",
                  "p_value", "n_effective", "min_propensity", "note"]


# --------------------------------------------------------------------------- statsmodels, quietly


@contextmanager
def quiet():
    """Silence statsmodels' convergence and separation chatter and numpy overflow warnings."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------- design


def _dummies(values: pd.Series, levels: Sequence[str], prefix: str, min_level: int) -> pd.DataFrame:
    """Indicator columns for the levels present with at least ``min_level`` rows, except the most common
    one (the reference level; rare levels merge into it)."""
    counts = values.value_counts()
    kept = [lv for lv in levels if counts.get(lv, 0) >= min_level]
    if len(kept) <= 1:
        return pd.DataFrame(index=values.index)
    reference = max(kept, key=lambda lv: counts.get(lv, 0))
    return pd.DataFrame({f"{prefix}[{lv}]": (values == lv).astype(float) for lv in kept if lv != reference},
                        index=values.index)


def covariates(spells: pd.DataFrame, *, min_level: int = MIN_LEVEL) -> pd.DataFrame:
    """The adjustment covariates as a numeric matrix with a constant (no programme columns).

    Age in five-year bands (under 25, 25-29, ..., 60+), women, target group, education and start
    year as indicators (the most common level is the reference; levels with fewer than
    ``min_level`` spells are merged into it), and prior weeks on benefit per 10 weeks, linear and
    squared. Constant columns are dropped.
    """
    age = pd.cut(spells["age"].astype(float), bins=list(AGE_BANDS), right=False, labels=False)
    age_labels = [f"{a}-{b - 1}" for a, b in zip(AGE_BANDS[:-1], AGE_BANDS[1:])]
    age = pd.Series(np.asarray(age_labels, dtype=object)[age.fillna(0).astype(int)], index=spells.index)
    years = pd.to_datetime(spells["start_date"]).dt.year.astype(str)
    weeks = spells["prior_benefit_weeks"].astype(float) / 10.0
    parts = [
        pd.DataFrame({"const": 1.0}, index=spells.index),
        _dummies(age, age_labels, "age", min_level),
        pd.DataFrame({"female": (spells["sex"] == "K").astype(float)}, index=spells.index),
        _dummies(spells["target_group"], TARGET_GROUPS, "target_group", min_level),
        _dummies(spells["education"], EDUCATIONS, "education", min_level),
        _dummies(years, sorted(years.unique()), "start_year", min_level),
        pd.DataFrame({"prior_weeks_10": weeks, "prior_weeks_10_sq": weeks**2}, index=spells.index),
    ]
    x = pd.concat(parts, axis=1)
    varying = [c for c in x.columns if c == "const" or x[c].nunique() > 1]
    return x[varying]


def design(spells: pd.DataFrame, programmes: Sequence[str] = COMPANY_PROGRAMMES,
           reference: str = REFERENCE_PROGRAMME) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """(X with programme indicators first after the constant, y, the programmes that got a column)."""
    frame = spells.loc[spells["programme"].isin([*programmes, reference])]
    x = covariates(frame)
    counts = frame["programme"].value_counts()
    present = [p for p in programmes if counts.get(p, 0) > 0]
    prog = pd.DataFrame({f"programme[{p}]": (frame["programme"] == p).astype(float) for p in present}, index=frame.index)
    x = pd.concat([x[["const"]], prog, x.drop(columns="const")], axis=1)
    return x, frame["employed_6m"].to_numpy(dtype=float), present


# --------------------------------------------------------------------------- estimators


def _empty_row(programme: str, method: str, n: int, n_ref: int, note: str) -> dict:
    return {"programme": programme, "method": method, "effect_pp": np.nan, "ci_low": np.nan, "ci_high": np.nan,
            "n": n, "n_reference": n_ref, "se_pp": np.nan, "p_value": np.nan, "n_effective": np.nan,
            "min_propensity": np.nan, "note": note}


def _z(alpha: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - alpha / 2))


def _p_value(z: float) -> float:
    from scipy.stats import norm

    return float(2 * norm.sf(abs(z))) if np.isfinite(z) else np.nan


def _clusters(frame: pd.DataFrame) -> np.ndarray:
    """Each spell's person as a code 0..G-1 (the clusters of the variance)."""
    if CLUSTER not in frame.columns:
        raise KeyError(f"the spells lack column {CLUSTER!r}: the intervals are clustered by person")
    return pd.factorize(frame[CLUSTER].astype(str))[0]


def _interval(effect: float, se: float, z: float) -> tuple[float, float]:
    """(low, high) = effect -/+ z se, clipped so that low <= effect <= high holds exactly in floating point."""
    return min(effect - z * se, effect), max(effect + z * se, effect)


def logit_ame(spells: pd.DataFrame, programmes: Sequence[str] = COMPANY_PROGRAMMES,
              reference: str = REFERENCE_PROGRAMME, *, alpha: float = 0.05,
              min_spells: int = MIN_SPELLS, cluster: bool = True) -> pd.DataFrame:
    """Average marginal effect (pp) of each programme vs ``reference`` from a logit; delta-method CI.

    See the module docstring. One row per programme (columns :data:`EFFECT_COLUMNS`); a
    programme with too few spells (or a model that cannot be fitted) gets NaN and a Danish note.
    ``cluster=False`` treats every spell as independent (HC0): only for comparison (the
    coverage check), never for a report.
    """
    from statsmodels.discrete.discrete_model import Logit  # not statsmodels.api: 1 s lighter to import

    counts = spells["programme"].value_counts()
    n_ref = int(counts.get(reference, 0))
    usable = [p for p in programmes if counts.get(p, 0) >= min_spells] if n_ref >= min_spells else []
    rows = {p: _empty_row(p, "logit_ame", int(counts.get(p, 0)), n_ref, _too_few_note(int(counts.get(p, 0)), n_ref, min_spells))
            for p in programmes}
    if not usable:
        return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS)
    x, y, present = design(spells, usable, reference)
    in_model = spells["programme"].isin([*usable, reference]).to_numpy()  # the rows of x, in order (as design())
    cov_args = ({"cov_type": LOGIT_COV, "cov_kwds": {"groups": _clusters(spells.loc[in_model])}} if cluster
                else {"cov_type": "HC0"})
    try:
        with quiet():
            fit = Logit(y, x.to_numpy()).fit(disp=0, method="newton", maxiter=MAX_ITER, **cov_args)
        converged = bool(fit.mle_retvals.get("converged", True))
        beta = np.asarray(fit.params)
        cov = np.asarray(fit.cov_params())
        if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(cov))):
            raise np.linalg.LinAlgError("non-finite estimates")
    except (np.linalg.LinAlgError, ValueError) as exc:  # includes PerfectSeparationError
        for p in usable:
            rows[p]["note"] = f"Modellen kunne ikke estimeres ({type(exc).__name__})"
        return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS)
    xm = x.to_numpy()
    prog_idx = {p: x.columns.get_loc(f"programme[{p}]") for p in present}
    x0 = xm.copy()
    x0[:, list(prog_idx.values())] = 0.0
    p0 = _sigmoid(x0 @ beta)
    z = _z(alpha)
    for p, j in prog_idx.items():
        x1 = x0.copy()
        x1[:, j] = 1.0
        p1 = _sigmoid(x1 @ beta)
        ame = float(np.mean(p1 - p0))
        grad = (x1 * (p1 * (1 - p1))[:, None] - x0 * (p0 * (1 - p0))[:, None]).mean(axis=0)
        se = float(np.sqrt(grad @ cov @ grad))
        low, high = _interval(100 * ame, 100 * se, z)
        rows[p].update(effect_pp=100 * ame, se_pp=100 * se, ci_low=low, ci_high=high,
                       p_value=_p_value(ame / se if se > 0 else np.nan), note="" if converged else NOT_CONVERGED)
    return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS)


@dataclass
class _Weighting:
    """What the IPW fit leaves for the balance and weight diagnostics."""

    frame: pd.DataFrame  # the spells in the model (reference and the estimable programmes)
    arms: list[str]  # arm 0 = the reference
    arm: np.ndarray  # each spell's arm code
    weights: np.ndarray  # each spell's IPW weight 1 / P(own arm | covariates)


def ipw_ate(spells: pd.DataFrame, programmes: Sequence[str] = COMPANY_PROGRAMMES,
            reference: str = REFERENCE_PROGRAMME, *, alpha: float = 0.05,
            min_spells: int = MIN_SPELLS, cluster: bool = True) -> pd.DataFrame:
    """IPW (ATE, Hájek) effect (pp) of each programme vs ``reference``; sandwich CI incl. the propensity model,
    clustered by person (``cluster=False``: every spell independent, only for comparison).

    See the module docstring. One row per programme (columns :data:`EFFECT_COLUMNS`).
    """
    return _ipw(spells, programmes, reference, alpha=alpha, min_spells=min_spells, cluster=cluster)[0]


def _ipw(spells: pd.DataFrame, programmes: Sequence[str], reference: str, *, alpha: float, min_spells: int,
         cluster: bool) -> tuple[pd.DataFrame, _Weighting | None]:
    from statsmodels.discrete.discrete_model import MNLogit  # not statsmodels.api: 1 s lighter to import

    counts = spells["programme"].value_counts()
    n_ref = int(counts.get(reference, 0))
    usable = [p for p in programmes if counts.get(p, 0) >= min_spells] if n_ref >= min_spells else []
    rows = {p: _empty_row(p, "ipw_ate", int(counts.get(p, 0)), n_ref, _too_few_note(int(counts.get(p, 0)), n_ref, min_spells))
            for p in programmes}
    if not usable:
        return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS), None
    frame = spells.loc[spells["programme"].isin([reference, *usable])]
    arms = [reference, *usable]  # code 0 = reference = the multinomial logit's base category
    t = frame["programme"].map({a: i for i, a in enumerate(arms)}).to_numpy()
    y = frame["employed_6m"].to_numpy(dtype=float)
    x = covariates(frame).to_numpy()
    n, k = x.shape
    groups = _clusters(frame) if cluster else np.arange(n)
    n_groups = int(groups.max()) + 1
    try:
        with quiet():
            fit = MNLogit(t, x).fit(disp=0, method="newton", maxiter=MAX_ITER)
        converged = bool(fit.mle_retvals.get("converged", True))
        gamma = np.asarray(fit.params).reshape(k, len(arms) - 1)
        if not np.all(np.isfinite(gamma)):
            raise np.linalg.LinAlgError("non-finite estimates")
    except (np.linalg.LinAlgError, ValueError) as exc:
        for p in usable:
            rows[p]["note"] = f"Modellen kunne ikke estimeres ({type(exc).__name__})"
        return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS), None
    eta = np.column_stack([np.zeros(n), x @ gamma])
    eta -= eta.max(axis=1, keepdims=True)
    e = np.exp(eta)
    e /= e.sum(axis=1, keepdims=True)  # (n, arms): P(arm | x)
    d = (t[:, None] == np.arange(len(arms))[None, :]).astype(float)

    # Influence functions of the weighted means, corrected for the estimated propensities.
    # Score of the multinomial logit, arm j >= 1: (d_j - e_j) x; information block (j, l):
    # mean e_j (1[j=l] - e_l) x x'.
    J = len(arms) - 1
    info = np.zeros((J * k, J * k))
    for a in range(J):
        for b in range(a, J):
            wgt = e[:, a + 1] * ((a == b) - e[:, b + 1])
            block = (x * wgt[:, None]).T @ x / n
            info[a * k:(a + 1) * k, b * k:(b + 1) * k] = block
            info[b * k:(b + 1) * k, a * k:(a + 1) * k] = block.T
    info_inv = np.linalg.pinv(info)
    phi = np.zeros((n, len(arms)))
    mu = np.zeros(len(arms))
    for arm in range(len(arms)):
        w = d[:, arm] / e[:, arm]
        mu[arm] = np.sum(w * y) / np.sum(w)
        psi = w * (y - mu[arm])
        # G = mean d psi / d gamma_j = -mean w (y - mu) (1[arm=j] - e_j) x, stacked over j = 1..J
        g = np.concatenate([-(x * (psi * ((arm == j) - e[:, j]))[:, None]).mean(axis=0) for j in range(1, J + 1)])
        v = info_inv @ g
        correction = sum((d[:, j] - e[:, j]) * (x @ v[(j - 1) * k:j * k]) for j in range(1, J + 1))
        phi[:, arm] = (psi + correction) / np.mean(w)
    z = _z(alpha)
    for i, p in enumerate(arms[1:], start=1):
        effect = mu[i] - mu[0]
        diff = phi[:, i] - phi[:, 0]
        # Sum the influence functions within person, then the variance of the sums (one term per person).
        per_person = np.bincount(groups, weights=diff - diff.mean(), minlength=n_groups)
        factor = n_groups / (n_groups - 1) if cluster and n_groups > 1 else 1.0
        se = float(np.sqrt(factor * np.sum(per_person**2)) / n)
        w = d[:, i] / e[:, i]
        n_eff = float(w.sum() ** 2 / np.sum(w**2))
        min_prop = float(min(e[d[:, i] == 1, i].min(), e[d[:, 0] == 1, 0].min()))
        notes = []
        if min_prop < MIN_PROPENSITY_WARN:
            notes.append(NOTE_OVERLAP)
        if int(d[:, i].sum()) < IPW_SMALL or n_eff < IPW_SMALL / 2:
            notes.append(NOTE_FEW)
        if not converged:
            notes.append(NOT_CONVERGED)
        note = "; ".join(notes)
        low, high = _interval(100 * effect, 100 * se, z)
        rows[p].update(effect_pp=100 * effect, se_pp=100 * se, ci_low=low, ci_high=high,
                       p_value=_p_value(effect / se if se > 0 else np.nan),
                       n_effective=n_eff, min_propensity=min_prop, note=note)
    weighting = _Weighting(frame, arms, t, (d / e).sum(axis=1))
    return pd.DataFrame([rows[p] for p in programmes], columns=EFFECT_COLUMNS), weighting


def balance_covariates(spells: pd.DataFrame) -> pd.DataFrame:
    """The covariates the balance is checked on, every level as its own column, with Danish names.

    Age bands, women, each target group, education and start year, and prior weeks on benefit
    (continuous): what the propensity model adjusts for (:func:`covariates`), without merging
    rare levels or leaving a reference level out.
    """
    age = pd.cut(spells["age"].astype(float), bins=list(AGE_BANDS), right=False, labels=False)
    cols: dict[str, np.ndarray] = {}
    for i, (a, b) in enumerate(zip(AGE_BANDS[:-1], AGE_BANDS[1:])):
        cols[f"Alder {a}-{b - 1} år"] = (age == i).to_numpy(dtype=float)
    cols["Kvinder"] = (spells["sex"] == "K").to_numpy(dtype=float)
    for g in TARGET_GROUPS:
        cols[f"Målgruppe: {g}"] = (spells["target_group"] == g).to_numpy(dtype=float)
    for e in EDUCATIONS:
        cols[f"Uddannelse: {e}"] = (spells["education"] == e).to_numpy(dtype=float)
    years = pd.to_datetime(spells["start_date"]).dt.year
    for y in sorted(years.unique()):
        cols[f"Startår {y}"] = (years == y).to_numpy(dtype=float)
    cols["Uger på forsørgelse året før"] = spells["prior_benefit_weeks"].to_numpy(dtype=float)
    out = pd.DataFrame(cols, index=spells.index)
    return out.loc[:, (out != 0).any(axis=0)]


def _observable(spells: pd.DataFrame) -> pd.DataFrame:
    """The spells whose six-month outcome could be seen by the extract date (all, for a frame without one)."""
    if EXTRACT_DATE not in spells.columns or spells.empty:
        return spells
    from analysis.sources.local.spells import split_by_outcome

    return split_by_outcome(spells)[0]


@dataclass
class EffectsAnalysis:
    """Everything the report shows from the spell extract, with the disclosure rules applied across the tables.

    ``estimates``: :func:`estimate_effects`; ``summary``: :func:`spell_summary` (with a total
    row); ``balance``: SMD before/after weighting per programme and covariate
    (:data:`analysis.analyses.business_programs.balance.BALANCE_COLUMNS`); ``weights``: the weight distribution per group
    (:data:`analysis.analyses.business_programs.balance.WEIGHT_COLUMNS`); ``extract_date``, ``spells`` (in the frame given),
    ``dropped`` (left out: ended less than six months before the extract date, so no outcome yet).
    """

    estimates: pd.DataFrame
    summary: pd.DataFrame
    balance: pd.DataFrame
    weights: pd.DataFrame
    extract_date: pd.Timestamp | None
    spells: int
    dropped: int

    @property
    def estimated(self) -> bool:
        return bool(self.estimates["effect_pp"].notna().any())

    @property
    def imbalanced(self) -> dict[str, list[str]]:
        """Programme -> covariates with |SMD| > 0.1 after weighting."""
        return bal.imbalanced_covariates(self.balance)


def _estimate(spells: pd.DataFrame, programmes: Sequence[str], reference: str, *, alpha: float, min_spells: int,
              min_count: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(estimates, balance, weights) on the spells with an observable outcome."""
    needed = {"programme", "employed_6m", "age", "sex", "target_group", "education", "prior_benefit_weeks",
              "start_date", CLUSTER}
    missing = needed - set(spells.columns)
    if missing:
        raise KeyError(f"estimate_effects: the spells lack column(s) {sorted(missing)}")
    spells = _observable(spells)
    ipw, weighting = _ipw(spells, programmes, reference, alpha=alpha, min_spells=min_spells, cluster=True)
    if weighting is not None:
        balance = bal.standardised_differences(balance_covariates(weighting.frame), weighting.arm, weighting.weights,
                                               weighting.arms)
        weights = bal.weight_summary(weighting.arm, weighting.weights, weighting.arms)
    else:
        balance = pd.DataFrame(columns=bal.BALANCE_COLUMNS)
        weights = pd.DataFrame(columns=bal.WEIGHT_COLUMNS)
    off = bal.imbalanced_covariates(balance)
    flagged = ipw["programme"].isin(list(off)) & ipw["effect_pp"].notna()
    ipw.loc[flagged, "note"] = [NOTE_BALANCE if not n else f"{n}; {NOTE_BALANCE}" for n in ipw.loc[flagged, "note"]]
    out = pd.concat([logit_ame(spells, programmes, reference, alpha=alpha, min_spells=min_spells), ipw],
                    ignore_index=True)
    out.insert(out.columns.get_loc("p_value") + 1, "p_holm",
               out.groupby("method", sort=False)["p_value"].transform(holm_series))
    persons = _persons_per_programme(spells)
    out["persons"] = out["programme"].map(persons).fillna(0)
    ref_persons = persons.get(reference, 0)
    out["persons"] = np.minimum(out["persons"], ref_persons)  # the smaller group decides
    value_cols = ["effect_pp", "ci_low", "ci_high", "se_pp", "p_value", "p_holm", "n_effective", "min_propensity", "n",
                  "n_reference"]
    estimated = out["effect_pp"].notna()
    out = suppress_small(out, "persons", min_count, value_cols=value_cols)
    out.loc[out["suppressed"] & estimated, "note"] = f"Under {min_count} personer: diskretioneret"
    hidden = out.loc[out["suppressed"], "programme"].unique()
    balance = balance[~balance["programme"].isin(hidden)].reset_index(drop=True)
    from analysis.analyses.disclosure import hide_rows

    weights = hide_rows(weights, "programme", hidden, ["spells", "effective_n", "max_weight", "top_weights_share_pct"])
    return out.drop(columns="persons"), balance, weights


def estimate_effects(spells: pd.DataFrame, programmes: Sequence[str] = COMPANY_PROGRAMMES,
                     reference: str = REFERENCE_PROGRAMME, *, alpha: float = 0.05,
                     min_spells: int = MIN_SPELLS, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Both estimators, one row per programme and method (logit AME first), small cells suppressed.

    Only spells whose outcome could be seen by the extract date are used (when the frame has
    one). Columns :data:`EFFECT_COLUMNS` plus ``p_holm`` (the p-value Holm-adjusted over the
    programmes of one method) and ``suppressed``: an effect for a programme with fewer than
    ``min_count`` persons is suppressed (NaN, ``suppressed`` True). The IPW note says
    "Ubalance efter vægtning" where a covariate is more than 0.1 standard deviations apart
    after weighting. Identifiers never appear in the result.
    """
    return _estimate(spells, programmes, reference, alpha=alpha, min_spells=min_spells, min_count=min_count)[0]


def effects_analysis(spells: pd.DataFrame, programmes: Sequence[str] = COMPANY_PROGRAMMES,
                     reference: str = REFERENCE_PROGRAMME, *, alpha: float = 0.05, min_spells: int = MIN_SPELLS,
                     min_count: int = MIN_COUNT) -> EffectsAnalysis:
    """The spell extract's part of the report: summary, effects, balance and weights, with the count of spells left
    out because their outcome cannot be seen yet.

    Disclosure across the tables: the summary's hidden rows (fewer than ``min_count`` persons,
    and the complementary row that protects them against the total) are hidden in the
    effects table's counts and the weight table too.
    """
    from analysis.analyses.disclosure import hide_rows
    from analysis.sources.local.spells import extract_date, split_by_outcome

    if EXTRACT_DATE in spells.columns:
        date = extract_date(spells) if len(spells) else None
        observed, recent = split_by_outcome(spells) if len(spells) else (spells, spells)
    else:
        date, observed, recent = None, spells, spells.iloc[0:0]
    est, balance, weights = _estimate(observed, programmes, reference, alpha=alpha, min_spells=min_spells,
                                      min_count=min_count)
    summary = spell_summary(observed, min_count, programmes=programmes, reference=reference)
    parts = summary[summary["programme"] != TOTAL_LABEL]
    hidden = parts.loc[parts["spells"].isna(), "programme"].tolist()
    est = hide_rows(est, "programme", hidden, ["n"])
    if reference in hidden:
        est = hide_rows(est, "programme", est["programme"].unique(), ["n_reference"])
    weights = hide_rows(weights, "programme", hidden, ["spells"])
    return EffectsAnalysis(est, summary, balance, weights, date, int(len(spells)), int(len(recent)))


def _persons_per_programme(spells: pd.DataFrame) -> pd.Series:
    if "person_id" in spells.columns:
        return spells.groupby("programme")["person_id"].nunique()
    return spells.groupby("programme").size()


def _too_few_note(n: int, n_ref: int, min_spells: int) -> str:
    if n_ref < min_spells:
        return f"For få forløb i sammenligningsgruppen (under {min_spells}) til at sige noget"
    if n < min_spells:
        return f"For få forløb (under {min_spells}) til at sige noget"
    return ""


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(v, -35, 35)))


# --------------------------------------------------------------------------- descriptives


def spell_summary(spells: pd.DataFrame, min_count: int = MIN_COUNT, *,
                  programmes: Sequence[str] = COMPANY_PROGRAMMES, reference: str = REFERENCE_PROGRAMME) -> pd.DataFrame:
    """Per programme and in total: spells, persons, raw employment share six months after (pct.), mean age, share of
    women and mean prior weeks on benefit — aggregates only, with the disclosure rules applied.

    Only spells whose outcome could be seen by the extract date count (when the frame has one).
    Rows: each programme, then :data:`TOTAL_LABEL`. A programme with fewer than ``min_count``
    persons is hidden (``suppressed`` True, shown as "<5"); a share of 0 % or 100 % among fewer
    than 10 persons is hidden; and since the total row is published, one hidden programme is
    protected by hiding the smallest other one too (complementary suppression: its values are
    missing, ``suppressed`` False, shown as "–"). See :mod:`analysis.analyses.disclosure`.
    """
    from analysis.analyses.disclosure import apply_hidden, extreme_shares, protect_total

    spells = _observable(spells)
    order = [*programmes, reference]
    g = spells.groupby("programme")
    parts = pd.DataFrame({
        "spells": g.size(),
        "persons": _persons_per_programme(spells),
        "employed_pct": 100 * g["employed_6m"].mean(),
        "mean_age": g["age"].mean(),
        "women_pct": 100 * g["sex"].apply(lambda s: (s == "K").mean()),
        "prior_weeks": g["prior_benefit_weeks"].mean(),
    }).reindex(order)
    inside = spells[spells["programme"].isin(order)]
    total = pd.DataFrame({
        "spells": [len(inside)],
        "persons": [inside["person_id"].nunique() if "person_id" in inside.columns else len(inside)],
        "employed_pct": [100 * inside["employed_6m"].mean() if len(inside) else np.nan],
        "mean_age": [inside["age"].mean() if len(inside) else np.nan],
        "women_pct": [100 * (inside["sex"] == "K").mean() if len(inside) else np.nan],
        "prior_weeks": [inside["prior_benefit_weeks"].mean() if len(inside) else np.nan],
    }, index=[TOTAL_LABEL])
    out = pd.concat([parts, total])
    out.index.name = "programme"
    out = out.reset_index()
    out[["spells", "persons"]] = out[["spells", "persons"]].fillna(0)
    values = ["spells", "persons", "employed_pct", "mean_age", "women_pct", "prior_weeks"]
    primary = out["persons"] < min_count
    hidden = pd.DataFrame({c: primary.to_numpy() for c in values}, index=out.index)
    for share in ("employed_pct", "women_pct"):
        hidden[share] |= extreme_shares(out[share], out["persons"])
    is_total = out["programme"] == TOTAL_LABEL
    hidden = protect_total(hidden, out["persons"], is_total, row_columns=["spells", "persons"])
    out = apply_hidden(out, hidden)
    out["suppressed"] = primary.to_numpy()
    return out
