"""Balance and weight diagnostics for inverse probability weighting (IPW).

IPW re-weights every programme group to look like all spells. It is only credible when it
works: after weighting, a programme's participants and the reference group must look alike
on every covariate, and no handful of spells may carry the result.

- :func:`standardised_differences`: for each programme against the reference, the
  **standardised mean difference** (SMD) of every covariate before and after weighting:
  (mean in the programme - mean in the reference) / pooled standard deviation, where the pooled
  standard deviation is sqrt((var_programme + var_reference) / 2) of the *unweighted* groups,
  before and after (so that the change shows only what the weights did to the means; the
  convention of Austin 2009 and R's ``cobalt``). For a 0/1 covariate the variance is p(1 - p).
  An absolute SMD above :data:`BALANCE_LIMIT` (0.1) after weighting is the usual sign that the
  groups still differ: the IPW estimate for that programme is then reported as uncertain.
- :func:`weight_summary`: per group, the number of spells, the **effective sample size**
  (sum w)² / sum w² (Kish), the largest weight and the share of the group's total weight
  carried by its :data:`TOP_WEIGHTS` largest weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

BALANCE_LIMIT = 0.1  # |SMD| above this after weighting: the groups are not balanced
TOP_WEIGHTS = 5  # the largest weights whose share of the group's weight is reported

BALANCE_COLUMNS = ["programme", "covariate", "smd_before", "smd_after", "imbalanced"]
WEIGHT_COLUMNS = ["programme", "spells", "effective_n", "max_weight", "top_weights_share_pct"]


def _moments(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means and (population) variances of the columns of ``x``."""
    total = w.sum()
    mean = (w[:, None] * x).sum(axis=0) / total
    var = (w[:, None] * (x - mean) ** 2).sum(axis=0) / total
    return mean, var


def _smd(diff: np.ndarray, sd: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = diff / sd
    # A covariate with no spread in either group: balanced if the means agree, infinitely unbalanced if not.
    flat = ~(sd > 0)
    out[flat] = np.where(np.abs(diff[flat]) < 1e-12, 0.0, np.inf)
    return out


def standardised_differences(x: pd.DataFrame, arm: np.ndarray, weights: np.ndarray, arms: Sequence[str], *,
                             reference: int = 0, limit: float = BALANCE_LIMIT) -> pd.DataFrame:
    """SMD of every column of ``x`` (covariates, Danish labels as column names) for each arm against ``reference``.

    ``arm`` holds each row's arm code (index into ``arms``), ``weights`` its IPW weight. Columns
    :data:`BALANCE_COLUMNS`; ``imbalanced`` is True where |smd_after| > ``limit``. Covariates
    that are constant in both groups are left out.
    """
    values = x.to_numpy(dtype=float)
    arm = np.asarray(arm)
    weights = np.asarray(weights, dtype=float)
    ref = arm == reference
    ref_mean, ref_var = _moments(values[ref], np.ones(ref.sum()))
    ref_wmean, _ = _moments(values[ref], weights[ref])
    rows = []
    for code, name in enumerate(arms):
        if code == reference:
            continue
        own = arm == code
        if not own.any() or not ref.any():
            continue
        mean, var = _moments(values[own], np.ones(own.sum()))
        wmean, _ = _moments(values[own], weights[own])
        sd = np.sqrt((var + ref_var) / 2.0)
        before, after = _smd(mean - ref_mean, sd), _smd(wmean - ref_wmean, sd)
        varying = (var > 0) | (ref_var > 0) | (mean != ref_mean)
        for j in np.flatnonzero(varying):
            rows.append({"programme": name, "covariate": x.columns[j], "smd_before": float(before[j]),
                         "smd_after": float(after[j]), "imbalanced": bool(abs(after[j]) > limit)})
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


def weight_summary(arm: np.ndarray, weights: np.ndarray, arms: Sequence[str], top: int = TOP_WEIGHTS) -> pd.DataFrame:
    """Per arm: spells, effective sample size, largest weight and the share (pct.) of the arm's weight held by its
    ``top`` largest weights. Columns :data:`WEIGHT_COLUMNS`."""
    arm = np.asarray(arm)
    weights = np.asarray(weights, dtype=float)
    rows = []
    for code, name in enumerate(arms):
        w = weights[arm == code]
        if not len(w):
            rows.append({"programme": name, "spells": 0, "effective_n": np.nan, "max_weight": np.nan,
                         "top_weights_share_pct": np.nan})
            continue
        largest = np.sort(w)[::-1][:top]
        rows.append({"programme": name, "spells": int(len(w)), "effective_n": float(w.sum() ** 2 / np.sum(w**2)),
                     "max_weight": float(w.max()), "top_weights_share_pct": float(100 * largest.sum() / w.sum())})
    return pd.DataFrame(rows, columns=WEIGHT_COLUMNS)


def imbalanced_covariates(balance: pd.DataFrame) -> dict[str, list[str]]:
    """Programme -> the covariates with |SMD| above the limit after weighting (only programmes that have any)."""
    bad = balance.loc[balance["imbalanced"].astype(bool).to_numpy()]
    return {p: g.sort_values("smd_after", key=np.abs, ascending=False)["covariate"].tolist()
            for p, g in bad.groupby("programme", sort=False)}
