"""Adjusted effects of company-based programmes, from the jobcentre's own spell extract.

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
    weight distribution (:mod:`analysis.balance`); a programme with a covariate still more than
    0.1 apart after weighting gets the note "Ubalance efter vægtning", and the report's sentence
    calls its result uncertain instead of an effect.

Outcomes that could not be seen yet
    ``employed_6m`` is only an outcome once six months have passed after the spell ended. Spells
    that ended less than six months before the extract date (:func:`analysis.sources.local.spells.extract_date`)
    are left out of every estimate and summary here (:func:`analysis.sources.local.spells.split_by_outcome`);
    :func:`effects_analysis` reports how many.

How well the intervals work (measured 2026-12-02 with ``make coverage``)
    ``python -m analysis.coverage_check`` simulates extracts with several spells per person and a
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

Both rest on the same assumptions (stated in Danish by :func:`assumptions_da`): no
unmeasured differences between groups that affect employment once the covariates are
accounted for, every kind of person could have been in every programme (overlap), and one
person's programme does not change another's outcome. The logit additionally assumes its
functional form, the IPW its propensity model. When both agree, the result is less likely an
artefact of one model. Neither is a randomised comparison.

Small cells: an effect is only estimated when the programme and the reference each have at
least :data:`MIN_SPELLS` spells; a published cell built from fewer than 5 persons is
suppressed with :func:`suppress_small`, and :func:`effects_analysis` applies the report's
other disclosure rules (:mod:`analysis.disclosure`) across its tables.

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

from analysis import balance as bal
from analysis.disclosure import MIN_COUNT, count_or_mark, suppress_small  # noqa: F401 (count_or_mark re-exported)
from analysis.multiple_testing import holm_series
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
# What the short notes in the effects table mean (shown under the table).
NOTES_EXPLAINED_DA = {
    NOTE_FEW: f"under {IPW_SMALL} forløb i tilbuddet; intervallerne kan da være for smalle, mest for IPW, og den "
              "logistiske regression er det mest pålidelige tal",
    NOTE_OVERLAP: f"nogle deltagere havde under {MIN_PROPENSITY_WARN:.0%} sandsynlighed for tilbuddet ud fra deres "
                  "baggrund, så resultatet hviler på få sammenlignelige borgere".replace("1%", "1 %"),
    NOT_CONVERGED: "modellen nåede ikke en stabil løsning; tallene er usikre",
    NOTE_BALANCE: "efter vægtningen er deltagerne og sammenligningsgruppen stadig forskellige på mindst én "
                  "baggrundsvariabel (standardiseret forskel over 0,1); IPW-tallet er usikkert",
}

METHODS = ("logit_ame", "ipw_ate")
METHOD_LABELS_DA = {
    "logit_ame": "Logistisk regression (gennemsnitlig marginal effekt)",
    "ipw_ate": "Vægtning med tilbudssandsynligheder (IPW)",
}
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
# estimate_effects adds p_holm (after p_value) and suppressed.
HEADINGS_DA = {
    "programme": "Tilbudstype",
    "method": "Metode",
    "effect_pp": "Effekt (pct.-point)",
    "ci_low": "95 %-interval, nedre (pct.-point)",
    "ci_high": "95 %-interval, øvre (pct.-point)",
    "n": "Forløb i tilbuddet",
    "n_reference": "Forløb i sammenligningsgruppen",
    "se_pp": "Standardfejl (pct.-point)",
    "p_value": "p-værdi",
    "p_holm": "p-værdi, Holm-justeret over tilbuddene",
    "n_effective": "Effektivt antal forløb (IPW)",
    "min_propensity": "Mindste tilbudssandsynlighed",
    "note": "Bemærkning",
}


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
    (:data:`analysis.balance.BALANCE_COLUMNS`); ``weights``: the weight distribution per group
    (:data:`analysis.balance.WEIGHT_COLUMNS`); ``extract_date``, ``spells`` (in the frame given),
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
    from analysis.disclosure import hide_rows

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
    from analysis.disclosure import hide_rows
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
    missing, ``suppressed`` False, shown as "–"). See :mod:`analysis.disclosure`.
    """
    from analysis.disclosure import apply_hidden, extreme_shares, protect_total

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


SUMMARY_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "spells": "Afsluttede forløb",
    "persons": "Personer",
    "employed_pct": "I beskæftigelse 6 mdr. efter (pct., ujusteret)",
    "mean_age": "Gns. alder",
    "women_pct": "Kvinder (pct.)",
    "prior_weeks": "Gns. uger på forsørgelse året før",
    "suppressed": "Diskretioneret (under 5 personer)",
}
BALANCE_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "covariate": "Baggrundsvariabel",
    "smd_before": "Standardiseret forskel før vægtning",
    "smd_after": "Standardiseret forskel efter vægtning",
    "imbalanced": "Over 0,1 efter vægtning",
}
WEIGHT_HEADINGS_DA = {
    "programme": "Tilbudstype",
    "spells": "Forløb",
    "effective_n": "Effektivt antal forløb",
    "max_weight": "Største vægt",
    "top_weights_share_pct": f"De {bal.TOP_WEIGHTS} største vægtes andel af gruppens samlede vægt (pct.)",
}


# --------------------------------------------------------------------------- words


def _pp(value) -> str:
    from analysis.present import formats as fmt

    return fmt.signed(value, 1)


def _mid(label: str) -> str:
    """A covariate's label inside a sentence: "Kvinder" -> "kvinder", "Målgruppe: A-dagpenge" -> "målgruppe: A-dagpenge"."""
    return label[:1].lower() + label[1:]


def _join_da(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def effect_sentences(analysis: EffectsAnalysis, reference: str = REFERENCE_PROGRAMME, *,
                     alpha: float = 0.05) -> list[str]:
    """One Danish sentence per estimated programme, saying only what the numbers support.

    - balance failed after weighting (a covariate more than 0.1 apart): the result is called
      uncertain, and not read as an effect;
    - the logit's Holm-adjusted p-value below ``alpha`` and the IPW estimate on the same side of 0:
      "deltagerne var x procentpoint oftere/sjældnere i beskæftigelse ...";
    - the 95 % interval excludes 0 but the adjusted p-value does not: not certain once the
      programmes are compared together;
    - otherwise: no certain difference.
    """
    est = analysis.estimates
    off = analysis.imbalanced
    out = []
    for programme in dict.fromkeys(est["programme"]):
        rows = est[est["programme"] == programme].set_index("method")
        if "logit_ame" not in rows.index or pd.isna(rows.loc["logit_ame", "effect_pp"]):
            continue
        logit = rows.loc["logit_ame"]
        ipw = rows.loc["ipw_ate"] if "ipw_ate" in rows.index else None
        ipw_text = f"IPW: {_pp(ipw['effect_pp'])}" if ipw is not None and pd.notna(ipw["effect_pp"]) else "IPW: –"
        interval = f"95 %-interval {_pp(logit['ci_low'])} til {_pp(logit['ci_high'])}"
        effect = logit["effect_pp"]
        if programme in off:
            covs = off[programme]
            named = _join_da([_mid(c) for c in covs[:3]]) + (" m.fl." if len(covs) > 3 else "")
            out.append(f"**{programme}: usikkert.** Efter vægtningen ligner deltagerne stadig ikke sammenligningsgruppen "
                       f"på {named} (standardiseret forskel over {_decimal(bal.BALANCE_LIMIT)}). Forskellen på "
                       f"{_pp(effect)} pct.-point (logistisk regression; {ipw_text}) kan derfor ikke læses som en "
                       "effekt af tilbuddet.")
            continue
        ipw_agrees = ipw is not None and pd.notna(ipw["effect_pp"]) and np.sign(ipw["effect_pp"]) == np.sign(effect)
        direction = "oftere" if effect > 0 else "sjældnere"
        if pd.notna(logit["p_holm"]) and logit["p_holm"] < alpha and ipw_agrees:
            out.append(f"**{programme}:** deltagerne var {_decimal(abs(effect))} procentpoint {direction} i beskæftigelse "
                       f"6 måneder efter end lignende borgere i {reference.lower()} ({interval}; {ipw_text}).")
        elif pd.notna(logit["p_holm"]) and logit["p_holm"] < alpha:
            out.append(f"**{programme}: usikkert.** Den logistiske regression giver {_pp(effect)} pct.-point ({interval}), "
                       f"men vægtningen (IPW) giver ikke en forskel i samme retning ({ipw_text}).")
        elif logit["ci_low"] > 0 or logit["ci_high"] < 0:
            out.append(f"**{programme}:** {_pp(effect)} pct.-point ({interval}; {ipw_text}). Intervallet ligger "
                       f"{'over' if effect > 0 else 'under'} 0, men når alle tilbud sammenlignes på én gang "
                       "(Holm-justering), er forskellen ikke sikker.")
        else:
            out.append(f"**{programme}:** ingen sikker forskel til lignende borgere i {reference.lower()}: "
                       f"{_pp(effect)} pct.-point ({interval}; {ipw_text}).")
    return out


def _decimal(value, decimals: int = 1) -> str:
    from analysis.present import formats as fmt

    return fmt.number(value, decimals)


def balance_sentences(analysis: EffectsAnalysis) -> list[str]:
    """Danish sentences on the balance before and after weighting and on the weights."""
    balance, weights = analysis.balance, analysis.weights
    if balance.empty:
        return []
    limit = _decimal(bal.BALANCE_LIMIT)
    before = balance.loc[balance["smd_before"].abs() > bal.BALANCE_LIMIT, "covariate"].nunique()
    after = balance.loc[balance["imbalanced"], "covariate"].nunique()
    covs = balance["covariate"].nunique()
    out = [f"Før vægtningen var {before} af {covs} baggrundsvariable mere end {limit} standardafvigelse forskellige "
           f"mellem deltagerne i mindst ét tilbud og sammenligningsgruppen; efter vægtningen er det {after}."]
    off = analysis.imbalanced
    if off:
        for programme, names in off.items():
            rows = balance[(balance["programme"] == programme) & balance["imbalanced"]]
            worst = rows.loc[rows["smd_after"].abs().idxmax()]
            out.append(f"**{programme}:** stadig forskel efter vægtningen på {len(names)} "
                       f"{'baggrundsvariable' if len(names) > 1 else 'baggrundsvariabel'} (størst: "
                       f"{_mid(worst['covariate'])}, {smd_text(worst['smd_after'])}). IPW-resultatet for tilbuddet "
                       "er usikkert.")
    else:
        out.append(f"Efter vægtningen er alle standardiserede forskelle under {limit}: de vægtede grupper ligner "
                   "hinanden på alle de målte baggrundsvariable.")
    shown = weights.dropna(subset=["max_weight"])
    if len(shown):
        top = shown.loc[shown["top_weights_share_pct"].idxmax()]
        smallest = shown.loc[shown["effective_n"].idxmin()]
        out.append(f"Den største vægt er {_decimal(shown['max_weight'].max())}: ét forløb tæller som så mange. "
                   f"De {bal.TOP_WEIGHTS} største vægte udgør højst {_decimal(top['top_weights_share_pct'])} % af en "
                   f"gruppes samlede vægt ({top['programme']}), og det mindste effektive antal forløb er "
                   f"{_decimal(smallest['effective_n'], 0)} ({smallest['programme']}).")
    return out


def smd_text(value) -> str:
    """A standardised difference in Danish with two decimals, or more where two would hide which side of the 0.1
    limit it is on (0.1004 -> "0,1004", -0.0996 -> "-0,0996", not "0,10")."""
    if value is None or pd.isna(value):
        return "–"
    v, limit = float(value), bal.BALANCE_LIMIT
    for decimals in (2, 3, 4, 6):
        shown = abs(round(v, decimals))
        if shown != limit or abs(v) == limit:
            break
    return _decimal(v, decimals)


def censoring_sentence(analysis: EffectsAnalysis) -> str:
    """How many spells were left out because their six-month outcome cannot be seen yet (Danish)."""
    from analysis.present import formats as fmt

    if analysis.extract_date is None:
        return ""
    from analysis.sources.local.spells import last_observable_end

    cutoff = last_observable_end(analysis.extract_date)
    count = "ingen forløb" if analysis.dropped == 0 else (
        "1 forløb" if analysis.dropped == 1 else f"{fmt.integer(analysis.dropped)} forløb")
    return (f"Udtrækket er taget {fmt.date_da(analysis.extract_date)}. Beskæftigelsen seks måneder efter kan kun ses "
            f"for forløb, der sluttede senest {fmt.date_da(cutoff)}; {count}, der sluttede senere, er derfor "
            f"udeladt af beregningerne (af {fmt.integer(analysis.spells)} afsluttede forløb i udtrækket for perioden). "
            "De tæller hverken som i eller uden for beskæftigelse.")


def assumptions_da(reference: str = REFERENCE_PROGRAMME) -> list[str]:
    """The assumptions behind the adjusted effects, in plain Danish, one sentence each."""
    covs = ", ".join(COVARIATES_DA[:-1]) + " og " + COVARIATES_DA[-1]
    return [
        f"Deltagerne i hvert virksomhedsrettet tilbud sammenlignes med borgere i **{reference}**, "
        f"der ligner dem på {covs}.",
        "Beregningen forudsætter, at der **ikke er andre forskelle** mellem grupperne, som påvirker beskæftigelsen "
        "– fx motivation, helbred, netværk eller sagsbehandlerens vurdering af, hvem der er tæt på job. "
        "Sådanne forskelle kan ikke ses i udtrækket, og hvis de findes, er effekterne skæve (typisk for store).",
        "Der skal være borgere med samme baggrund i alle tilbud. Hvor det næsten ikke er tilfældet, hviler "
        "resultatet på få forløb; det fremgår af tabellens bemærkninger.",
        "Logistisk regression og vægtning med tilbudssandsynligheder (IPW) bygger på hver sin model. "
        "Når de to giver nogenlunde samme resultat, er det ikke et udslag af den ene models form – "
        "men begge bygger på de samme forudsætninger ovenfor.",
        "Intervallet er et 95 %-konfidensinterval: det viser den statistiske usikkerhed ved, at antallet af "
        "forløb er begrænset. Det dækker ikke usikkerheden fra forudsætningerne.",
        "Tallene er derfor **ikke bevis for, at tilbuddet i sig selv skaber beskæftigelsen**, men den bedste "
        "sammenligning af lignende borgere, som jobcentrets eget udtræk giver mulighed for.",
    ]


# --------------------------------------------------------------------------- display


def notes_explained(est: pd.DataFrame) -> list[str]:
    """Danish explanations of the short notes that occur in ``est`` (for a note under the table)."""
    used = {x.strip() for n in est["note"].dropna() for x in str(n).split(";")}
    return [f"**{k}:** {v}." for k, v in NOTES_EXPLAINED_DA.items() if k in used]


def effects_csv(est: pd.DataFrame) -> pd.DataFrame:
    """The key table ``business_programs__adjusted_effects``: programme, method, effect_pp, ci_low, ci_high, n."""
    out = est[["programme", "method", "effect_pp", "ci_low", "ci_high", "n"]].copy()
    out["n"] = out["n"].round().astype("Int64")  # whole spells; empty where suppressed
    return out


def balance_display(balance: pd.DataFrame) -> pd.DataFrame:
    """Covariates down, programmes across: "før → efter" standardised differences as Danish text, "*" marks an
    absolute difference above 0.1 after weighting."""
    programmes = list(dict.fromkeys(balance["programme"]))
    covariates_ = list(dict.fromkeys(balance["covariate"]))
    out = pd.DataFrame({"covariate": covariates_})
    for programme in programmes:
        rows = balance[balance["programme"] == programme].set_index("covariate").reindex(covariates_)
        out[programme] = [
            "–" if pd.isna(b) else f"{smd_text(b)} → {smd_text(a)}{' *' if flag else ''}"
            for b, a, flag in zip(rows["smd_before"], rows["smd_after"], rows["imbalanced"].fillna(False), strict=True)
        ]
    return out


def weights_display(weights: pd.DataFrame) -> pd.DataFrame:
    """The weight distribution as Danish text, one row per group."""
    from analysis.present import formats as fmt

    return pd.DataFrame({
        "programme": weights["programme"],
        "spells": [fmt.integer(v) for v in weights["spells"]],
        "effective_n": [fmt.integer(v) for v in weights["effective_n"]],
        "max_weight": [_decimal(v) if pd.notna(v) else fmt.MISSING for v in weights["max_weight"]],
        "top_weights_share_pct": [fmt.percent(v) for v in weights["top_weights_share_pct"]],
    })


def effects_display(est: pd.DataFrame, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """One display row per programme: spells, the two estimates with intervals, notes (Danish strings)."""
    from analysis.present import formats as fmt

    def cell(r) -> str:
        if r is None or pd.isna(r["effect_pp"]):
            return fmt.MISSING
        return f"{fmt.signed(r['effect_pp'], 1)} ({fmt.signed(r['ci_low'], 1)} til {fmt.signed(r['ci_high'], 1)})"

    rows = []
    for programme, g in est.groupby("programme", sort=False):
        by = {m: r for m, r in g.set_index("method").iterrows()}
        logit, ipw = by.get("logit_ame"), by.get("ipw_ate")
        first = logit if logit is not None else ipw
        notes = [n for n in dict.fromkeys([logit["note"] if logit is not None else "", ipw["note"] if ipw is not None else ""]) if n]
        rows.append({
            "programme": programme,
            "n": f"<{min_count}" if first["suppressed"] else fmt.integer(first["n"]),  # "–" where hidden by another rule
            "logit": cell(logit),
            "ipw": cell(ipw),
            "note": "; ".join(dict.fromkeys(x.strip() for n in notes for x in n.split(";"))),
        })
    return pd.DataFrame(rows, columns=["programme", "n", "logit", "ipw", "note"])


def figure_effects(est: pd.DataFrame, municipality: str, source: str):
    """Adjusted effects with 95 % intervals per programme, both methods, against a zero line."""
    from analysis.present import charts

    programmes = list(dict.fromkeys(est["programme"]))
    colours = {"logit_ame": charts.MUNICIPALITY_COLOR, "ipw_ate": charts.COMPARISON_COLOR}
    labels = {"logit_ame": "Logistisk regression", "ipw_ate": "IPW-vægtning"}
    fig, ax = charts.new_figure(f"{municipality}: justeret forskel i beskæftigelse 6 måneder efter", figsize=(8.5, 5.0))
    ax.set_title(f"Pct.-point i forhold til {REFERENCE_PROGRAMME.lower()}. Linjerne er 95 %-konfidensintervaller.",
                 loc="left", fontsize=9.5, fontweight="normal", color=charts.SOURCE_COLOR, pad=8)
    y = np.arange(len(programmes))
    for offset, method in ((-0.15, "logit_ame"), (0.15, "ipw_ate")):
        rows = est[est["method"] == method].set_index("programme").reindex(programmes)
        ok = rows["effect_pp"].notna().to_numpy()
        if ok.any():
            ax.errorbar(rows["effect_pp"][ok], (y + offset)[ok],
                        xerr=[(rows["effect_pp"] - rows["ci_low"])[ok], (rows["ci_high"] - rows["effect_pp"])[ok]],
                        fmt="o", color=colours[method], capsize=3, elinewidth=1.6, markersize=6, label=labels[method])
    for i, p in enumerate(programmes):
        if est.loc[est["programme"] == p, "effect_pp"].isna().all():
            ax.text(0.02, i, "For få forløb", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#777")
    ax.axvline(0, color="#555", linewidth=1)
    ax.set_yticks(y, programmes)
    ax.invert_yaxis()
    ax.set_xlabel("Forskel i andel i beskæftigelse (pct.-point)")
    charts.pp_axis(ax, "x", decimals=0)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    if est["effect_pp"].notna().any():
        ax.legend(loc="lower right", fontsize=8.5)
    charts.finish(fig, source=source, data_source="Kilde: Jobcentrets eget udtræk")
    return fig
