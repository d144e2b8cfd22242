"""Layer 7, ``demo``: the synthetic demo dataset ("Demodata – syntetiske tal"), written in the raw formats of the real sources.

- :mod:`~analysis.demo.generator`: the model (municipalities, national paths, seasonality, the
  spell extract with known true effects) and every Jobindsats-shaped file it writes, and StatBank AUK01
  files (Danish and English texts);
- :mod:`~analysis.demo.local_key_figures`: the jobcentre's own key figures (``lokale_noegletal.csv``);
- :mod:`~analysis.demo.dataset`: the ``analysis demo`` command, which puts the dataset in place all at once.

Nothing below this layer imports it: the readers only see files. May import: :mod:`analysis.core`,
:mod:`analysis.reference`, :mod:`analysis.sources` (the local files' schemas). The tools use it
(:mod:`analysis.tools.coverage_check` simulates from its model).
"""

from __future__ import annotations

from analysis.demo.dataset import (  # noqa: F401
    DEFAULT_SEED,
    DEMO_HOOKS,
    DEMO_LABEL,
    DEMO_MADE_BY,
    DemoSummary,
    configure_parser,
    generate,
    run_command,
    write_demo,
)
from analysis.demo.generator import (  # noqa: F401
    ADP,
    AREA_LABEL,
    COMPANY_PROGRAMMES,
    EDUCATIONS,
    EMPLOYMENT_MODEL,
    FIRST_MONTH,
    FIRST_QUARTER,
    KH_AKT,
    KH_JOB,
    LAST_MONTH,
    LAST_QUARTER,
    MAX_SPELLS_PER_PERSON,
    OFF_LOEN,
    OFF_PRAKTIK,
    OUTPUT_FORMATS,
    PERIOD_LABEL,
    POPULATION_16_66,
    PRIV_LOEN,
    PRIV_PRAKTIK,
    PROGRAMME_HABIT_SD,
    PROGRAMME_MIX,
    PROGRAMMES,
    QMAT_YEARS,
    REFERENCE_PROGRAMME,
    RESS,
    SDP,
    SERIES,
    SPELL_EXTRACT_DATE,
    SPELLS_PER_1000,
    SPELLS_PER_PERSON_P,
    STORY,
    SUPPRESS_BELOW,
    SUPPRESSED,
    TARGET_GROUPS,
    WARM_UP_MONTH,
    Series,
    employment_probability,
    true_average_marginal_effects,
    write_files,
)
