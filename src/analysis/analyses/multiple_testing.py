"""Holm's adjustment of p-values for the many tests shown on one page.

Holm (1979): sort the m p-values, multiply the i-th smallest by (m - i + 1), carry the running
maximum upwards and cap at 1. It controls the chance of calling any true null difference
"significant" at the chosen level, over all the tests together, and is uniformly more powerful
than Bonferroni. The result equals statsmodels' ``multipletests(p, method="holm")[1]`` (a test
checks it); it is written out here because that function calls ``gc.collect()`` on every call,
which took 0.5 s per call in a report kernel (measured on the demo data), for five lines of
arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values, in the order given; NaN stays NaN and is not counted as a test."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    m = len(tested)
    if m:
        order = tested[np.argsort(p[tested], kind="stable")]
        out[order] = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    return out


def holm_series(p_values: pd.Series) -> pd.Series:
    """:func:`holm` for a Series, keeping its index."""
    return pd.Series(holm(p_values.to_numpy(dtype=float)), index=p_values.index)
