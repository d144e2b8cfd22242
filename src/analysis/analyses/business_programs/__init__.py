"""Company-based programmes (virksomhedsrettede indsatser), notebook ``business_programs``.

One namespace for the notebook (``from analysis.analyses import business_programs``), made of:

- :mod:`~analysis.analyses.business_programs.compute`: volume, private or public, employment afterwards
  (with intervals, tests against the rest of the country, Holm), ordinary paid hours, job orders,
  from Jobindsats and Jobnet;
- :mod:`~analysis.analyses.business_programs.display`: the report tables' Danish headings and display frames;
- :mod:`~analysis.analyses.business_programs.sentences`: the key sentences and the methods in Danish;
- :mod:`~analysis.analyses.business_programs.figures`: the figures (also of the adjusted effects).

The adjusted effects from the jobcentre's own spell extract are their own modules, which the notebook
imports by name: :mod:`~analysis.analyses.business_programs.effects` (the estimates, with
:mod:`~analysis.analyses.business_programs.balance` for the weighting) and
:mod:`~analysis.analyses.business_programs.effects_text` (their Danish sentences and tables).

Order inside the package: balance < effects < effects_text; effects < compute < display, sentences < figures.
"""

from __future__ import annotations

from analysis.analyses.business_programs.compute import (  # noqa: F401
    AKTIVITETSPARAT,
    ALPHA,
    COMPANY_TOTAL,
    MIN_FOR_TEST,
    NOTEBOOK,
    SECTOR_TOTAL,
    SOURCE_JOBAG,
    SOURCE_JOBINDSATS,
    SOURCE_LOCAL,
    TARGET_GROUPS,
    TG_TOTAL,
    VERDICT_HIGHER,
    VERDICT_LOWER,
    VERDICT_NO_DATA,
    VERDICT_SAME,
    VERDICT_SUPPRESSED,
    VERDICT_SUPPRESSED_SHARE,
    VERDICT_TOO_FEW,
    Y14_PROGRAMMES,
    Setup,
    areas_in_data,
    compare_with_country,
    completed_per_recipients,
    employment_after,
    paid_hours,
    paid_hours_summary,
    period_end,
    period_until,
    placement,
    placement_table,
    sector_split,
    setup,
    spell_extract,
    local_spells,
    tests_summary,
    two_proportion_test,
    volume,
    volume_summary,
    wilson_interval,
)
from analysis.analyses.business_programs.display import (  # noqa: F401
    ADJUSTED_EFFECTS_DETAILS_SPEC,
    ADJUSTED_EFFECTS_SPEC,
    BALANCE_NOTE_DA,
    EMPLOYMENT_AFTER_SPEC,
    HEADINGS_DA,
    NO_EXTRACT_DA,
    NOTEBOOK,
    PER_100_NOTE_DA,
    WEIGHTS_SPEC,
    balance_spec,
    comparison_spec,
    completed_spec,
    effects_spec,
    employment_spec,
    hours_spec,
    no_effects_warning,
    placement_spec,
    publish,
    sector_spec,
    spell_summary_spec,
    summary_note_da,
    table,
    too_few_spells_da,
    volume_spec,
    employment_csv,
    employment_display,
    group_label,
    interval_text,
    p_text,
    programme_label,
    share_with_interval,
)
from analysis.analyses.business_programs.figures import (  # noqa: F401
    figure_effects,
    figure_employment_after,
    figure_paid_hours,
    figure_placement,
    figure_sector_split,
    figure_volume,
    titled_figure,
)
from analysis.analyses.business_programs.sentences import (  # noqa: F401
    about_da,
    geography_phrase,
    leadership_sentences,
    tests_note,
)
