"""The ministry's benchmark of the jobcentres (Jobindsats Y30R21), notebook ``benchmark_ranking``.

One namespace for the notebook (``from analysis.analyses import benchmark``), made of:

- :mod:`~analysis.analyses.benchmark.compute`: the numbers (rank, actual against expected, what moved
  the rank, distance to the next places, economic potential) from the tidy Y30R21 frame;
- :mod:`~analysis.analyses.benchmark.rates`: the rates per full-time person (``config/rates.yaml``);
- :mod:`~analysis.analyses.benchmark.phrases`: the Danish words the other modules share;
- :mod:`~analysis.analyses.benchmark.display`: the report tables' Danish headings and display frames;
- :mod:`~analysis.analyses.benchmark.sentences`: the key sentences for leadership;
- :mod:`~analysis.analyses.benchmark.figures`: the figures.

Order inside the package: phrases < compute < display, sentences < figures (rates is used by compute).
"""

from __future__ import annotations

from analysis.analyses.benchmark.compute import (  # noqa: F401
    ALL_GROUPS,
    ATTRIBUTION_COLUMNS,
    GROUP_SHORT,
    GROUPS,
    HISTORY_COLUMNS,
    MEASURES,
    N_MUNICIPALITIES,
    POTENTIAL_COLUMNS,
    RESIDUAL,
    TABLE,
    TOTAL,
    Setup,
    actual_vs_expected,
    benchmark_period,
    check,
    comparison_ranks,
    comparison_table,
    data_periods,
    distance_to_places,
    gap_decomposition,
    municipality_name,
    period_year,
    population_16_66,
    potential,
    rank_among,
    rank_attribution,
    rank_history,
    ranking,
    shapley_rank_split,
    wide,
)
from analysis.analyses.benchmark.display import (  # noqa: F401
    ATTRIBUTION_LINES,
    ATTRIBUTION_LINES_DA,
    GROUP_LABEL_DA,
    HEADINGS_DA,
    NOTEBOOK,
    POTENTIAL_INCOMPLETE_DA,
    RATE_HEADINGS_DA,
    RATES_EXPORT_SPEC,
    RATES_SPEC,
    WARNINGS_SPEC,
    attribution_spec,
    comparison_spec,
    csv_ready,
    decomposition_spec,
    distance_spec,
    latest_spec,
    potential_caption,
    potential_incomplete,
    potential_spec,
    price_year_label,
    rank_attribution_lines,
    rank_history_spec,
    rank_table,
    ranking_spec,
    rate_sources,
    warnings_table,
)
from analysis.analyses.benchmark.figures import (  # noqa: F401
    BAD_COLOR,
    GOOD_COLOR,
    figure_actual_vs_expected,
    figure_difference_over_time,
    figure_distance,
    figure_full_ranking,
    figure_gap_waterfall,
    figure_potential,
    figure_rank_history,
)
from analysis.analyses.benchmark.phrases import (  # noqa: F401
    full_stop,
    in_area,
    join_da,
    level_phrase,
    moved_phrase,
    period_phrase,
    period_tick,
    persons_text,
    place_count_phrase,
    places_phrase,
    places_text,
    year_text,
)
from analysis.analyses.benchmark.sentences import (  # noqa: F401
    GROUP_AREA_DA,
    leadership_sentences,
    price_year_note,
    rank_attribution_sentences,
    rates_note,
)
