"""The key figures in Danish sentences: the development from the same quarter a year earlier, and the targets.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses import trends
from analysis.analyses.key_figures.compute import Dashboard
from analysis.analyses.key_figures.definitions import FIGURE_KEYS
from analysis.analyses.key_figures.targets import applies_to_da
from analysis.present import formats as fmt


def summary_sentences(d: Dashboard) -> list[str]:
    """Short Danish sentences: the movement of each Jobindsats figure from the same quarter last year."""
    out = []
    q, y = fmt.period_label(d.quarter), fmt.period_label(d.year_earlier_quarter)
    for r in d.table.itertuples():
        fig = FIGURE_KEYS[r.figure]
        if pd.isna(r.value) or pd.isna(r.year_earlier_value):
            continue
        if fig.unit == "pct":
            diff = r.value - r.year_earlier_value
            half = 0.5 * 10 ** -fig.decimals
            move = ("uændret" if abs(diff) < half
                    else f"{'steget' if diff > 0 else 'faldet'} {fmt.pp(abs(diff), fig.decimals, sign=False)}")
            text = f"{r.label_da} var {fmt.percent(r.value, fig.decimals)} i {q}, {move} fra {y}"
        else:
            diff = r.value - r.year_earlier_value
            pct = trends.pct_change(r.year_earlier_value, r.value)
            if abs(diff) < 0.5:
                move = "uændret"
            elif pd.notna(pct):
                move = f"{'steget' if diff > 0 else 'faldet'} med {fmt.percent(abs(pct), 1)}"
            else:
                move = f"{'steget' if diff > 0 else 'faldet'} med {fmt.number(abs(diff))}"
            label = fig.title_da
            text = f"{label}: {fmt.number(r.value)} i {q}, {move} fra {y}"
        target = d.targets.get(r.figure)
        if r.status in ("met", "not_met") and target is not None:
            verdict = "nået" if r.status == "met" else "ikke nået"
            measured = "" if r.target_basis == "quarter" else f", målt på {r.target_basis_da}"
            text += f" (mål for {applies_to_da(target)}: {verdict}{measured})"
        elif r.status == "not_in_period":
            text += " (intet mål for perioden)"
        out.append(text + ".")
    return out
