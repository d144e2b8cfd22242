"""Target-group trends against the region and the country, notebook ``target_group_trends``.

One namespace for the notebook (``from analysis.analyses import trends``), made of:

- :mod:`~analysis.analyses.trends.compute`: the numbers (area series, the comparison area without the
  municipality, indexes and changes, seasonal adjustment, composition by duration; the whole analysis
  in :func:`~analysis.analyses.trends.compute.analyse`, with its Danish notes about the data);
- :mod:`~analysis.analyses.trends.statbank`: the target groups on StatBank's AUK01 (quarterly), from
  ``config/statbank_groups.yaml``, and the groups that source does not cover;
- :mod:`~analysis.analyses.trends.texts`: the report's explaining texts for its source (monthly persons on
  Jobindsats, quarterly full-time recipients on StatBank), "Om tallene" included;
- :mod:`~analysis.analyses.trends.display`: the report tables' Danish headings and display frames;
- :mod:`~analysis.analyses.trends.sentences`: the key sentences and notes for leadership;
- :mod:`~analysis.analyses.trends.figures`: the figures.

Order inside the package: compute < statbank, display, sentences < texts, figures.
"""

from __future__ import annotations

from analysis.analyses.trends.compute import (  # noqa: F401
    BASIS_DA,
    BASIS_MEMBERS,
    BASIS_MEMBERS_LESS,
    BASIS_MISSING,
    BASIS_MIXED,
    BASIS_MIXED_LESS,
    BASIS_PUBLISHED,
    BASIS_PUBLISHED_LESS,
    SUMMED_BASES,
    CHANGE_COLUMNS,
    COUNT_UNITS,
    COUNTRY,
    DURATIONS,
    GROUPS,
    OVER_2_YEARS,
    OVER_3_YEARS,
    SEASONAL_STATUS_DA,
    TARGET_GROUPS,
    UNIT_DA,
    WITHOUT,
    TargetGroup,
    TrendAnalysis,
    analyse,
    area_in_text,
    area_name,
    area_series,
    area_without,
    basis_notes,
    change_table,
    check_base_period,
    composition,
    count_without,
    duration_series,
    gap_notes,
    group_panel,
    has_durations,
    in_quarters,
    in_source_words,
    index_to_base,
    indexed_panel,
    is_quarterly,
    latest_period_of,
    long_duration_history,
    long_duration_share,
    longest_complete_stretch,
    missing_reason,
    pct_change,
    period_range,
    periods_per_year,
    resolve_areas,
    resolve_end,
    resolve_groups,
    seasonal_adjust,
    seasonal_panel,
    seasonal_status,
    seasonal_status_da,
    share_unit,
    share_unit_text,
    share_without,
    split_area,
    target_group,
    weighted_share,
    year_on_year,
)
from analysis.analyses.trends.statbank import (  # noqa: F401
    COMPARED_GROUPS,
    COMPARISON_COLUMNS,
    DIFFERENCES_DA,
    NOT_IN_SOURCE_DA,
    StatBankGroup,
    about_lines,
    analyse_for_source,
    analyse_statbank,
    comparison_sentences,
    load_mapping,
    not_covered_lines,
    quarterly_mean,
    source_comparison,
    statbank_panel,
)
from analysis.analyses.trends.texts import (  # noqa: F401
    about_da,
    compare_sources,
    comparison_texts_da,
    has_shares,
    is_statbank,
    section_da,
)
from analysis.analyses.trends.display import (  # noqa: F401
    CHANGE_HEADINGS_DA,
    COMPOSITION_HEADINGS_DA,
    MONTHLY_SPEC,
    NO_DURATIONS_DA,
    NOTEBOOK,
    YOY_HEADINGS_DA,
    changes_for_display,
    changes_spec,
    comparison_spec,
    composition_spec,
    composition_wide,
    latest_shares,
    shares_spec,
    yoy_headings_da,
    yoy_spec,
)
from analysis.analyses.trends.figures import (  # noqa: F401
    figure_changes,
    figure_composition,
    figure_index,
    figure_seasonal,
    figure_shares,
)
from analysis.analyses.trends.sentences import (  # noqa: F401
    SIMILAR_CHANGE_PP,
    adjusted_span,
    basis_sentence,
    change_sentences,
    comparison_note,
    regional_level_note,
    composition_sentence,
    month_long,
    relative_development,
    seasonal_notes,
    share_sentences,
    subtitle_da,
)
