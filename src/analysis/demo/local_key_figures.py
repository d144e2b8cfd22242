"""The jobcentre's own key figures in the demo dataset: ``local/lokale_noegletal.csv``.

Partnership agreements and adult apprenticeships per municipality and quarter, in the format the
reader :mod:`analysis.sources.local.local_key_figures` checks (its schema is the contract).
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from analysis.demo.generator import FIRST_QUARTER, LAST_QUARTER, POPULATION_16_66
from analysis.reference import geography, periods
from analysis.sources.local.local_key_figures import FIGURE_COLUMNS, FILENAME, KEY_COLUMNS, OPTIONAL_COLUMNS


def write_local_key_figures(local_dir: Path | str, seed: int) -> Path:
    """Write a plausible synthetic ``lokale_noegletal.csv`` for all 98 municipalities, 2019Q1-2024Q4.

    Sizes follow the municipality's population 16-66 (the demo generator's table); agreements
    grow after the 2021 strategy note, and a few cells are left empty (not reported) so reports
    show how missing values look. Called by ``analysis demo`` (:func:`analysis.demo.dataset.generate`).
    """
    local_dir = Path(local_dir)
    local_dir.mkdir(parents=True, exist_ok=True)
    population = dict(POPULATION_16_66)
    first, last = FIRST_QUARTER, LAST_QUARTER
    rng = np.random.default_rng([int(seed), zlib.crc32(b"local_figures")])
    quarters = periods.quarter_range(first, last, "Q")
    kom = geography.municipalities()
    t = np.arange(len(quarters)) / 4.0  # years since the first quarter
    strategy = np.clip((t - 2.5) / 2.0, 0.0, 1.0)  # from mid-2021 the agreements are worked on
    season = np.array([0.9, 1.0, 1.25, 0.85])[[int(q[-1]) - 1 for q in quarters]]  # apprenticeships start after summer
    rows = [
        "# Demodata – syntetiske tal. Jobcentrets egne kvartalstal: partnerskabsaftaler og voksenlærlinge.",
        "# Skema: se analysis/sources/local/local_key_figures.py. Tomme celler = ikke indberettet.",
        ";".join(KEY_COLUMNS + FIGURE_COLUMNS + OPTIONAL_COLUMNS),
    ]
    for code, name in zip(kom["code"], kom["name"], strict=True):
        size = population.get(code, 25000) / 1000.0
        effort = np.exp(rng.normal(0.0, 0.3)) * (1.4 if name == geography.DEFAULT_MUNICIPALITY else 1.0)
        base = max(1.0, 0.5 * size * effort)
        agreements = np.rint(base * (1.0 + 0.6 * strategy * effort) + np.cumsum(rng.normal(0.0, 0.4, len(quarters))))
        agreements = np.maximum(agreements, 0)
        placed = rng.poisson(np.maximum(agreements, 1) * 0.7 * (0.6 + 0.4 * strategy))
        apprentices = rng.poisson(np.maximum(0.15 * size * effort * season * (0.8 + 0.4 * strategy), 0.1))
        for i, q in enumerate(quarters):
            values = [str(int(agreements[i])), str(int(placed[i])), str(int(apprentices[i]))]
            comment = ""
            # A few cells not reported (never the default municipality's latest year).
            if name != geography.DEFAULT_MUNICIPALITY and rng.random() < 0.01:
                values[int(rng.integers(0, 3))] = ""
                comment = "Ikke indberettet"
            rows.append(";".join([code, q, *values, comment]))
    path = local_dir / FILENAME
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
