"""The committee's quarterly key figures (nøgletal), notebook ``quarterly_key_figures``.

One namespace for the notebook (``from analysis.analyses import key_figures``), made of:

- :mod:`~analysis.analyses.key_figures.definitions`: which figures, from which table and measure;
- :mod:`~analysis.analyses.key_figures.targets`: the committee's targets (``config/targets.yaml``)
  and how a figure is judged against one;
- :mod:`~analysis.analyses.key_figures.compute`: quarterly values and the dashboard for one quarter, in four
  steps (:func:`quarter_setup`, :func:`load_figures`, :func:`quarter_values`, :func:`compare_with_targets`);
- :mod:`~analysis.analyses.key_figures.display`: the report tables as Danish text, with headings;
- :mod:`~analysis.analyses.key_figures.sentences`: the development in Danish sentences;
- :mod:`~analysis.analyses.key_figures.figures`: each figure's history with its target.

Order inside the package: definitions < targets < compute < display, sentences, figures.
"""

from __future__ import annotations

from analysis.analyses.key_figures.compute import (  # noqa: F401
    HISTORY_QUARTERS,
    NOTEBOOK,
    STATUS_DA,
    TABLE_COLUMNS,
    Dashboard,
    FigureData,
    KeyFigureData,
    Quarter,
    compare_with_targets,
    dashboard,
    figures_for,
    load_figures,
    not_in_source_notes,
    statbank_quarterly,
    local_quarterly,
    monthly_series,
    quarter_months,
    quarter_of,
    quarterly_mean,
    quarterly_parts,
    quarter_setup,
    quarter_values,
    quarterly_series,
    resolve_quarter,
)
from analysis.analyses.key_figures.definitions import (  # noqa: F401
    FIGURE_KEYS,
    FIGURES,
    STATBANK_FIGURES,
    KeyFigure,
)
from analysis.analyses.key_figures.display import (  # noqa: F401
    ASSUMED_TARGETS_NOTE_DA,
    COMPARED_WITH_DA,
    HEADINGS_DA,
    TARGETS_SPEC,
    display_table,
    format_change,
    format_value,
    method_da,
    no_targets_note,
    table_spec,
    targets_table,
)
from analysis.analyses.key_figures.figures import (  # noqa: F401
    figure_history,
)
from analysis.analyses.key_figures.sentences import (  # noqa: F401
    summary_sentences,
)
from analysis.analyses.key_figures.targets import (  # noqa: F401
    COMPARE_WITH,
    DEFAULT_TARGETS,
    Judgement,
    Target,
    applies_to_da,
    join_da,
    judge,
    load_targets,
    parse_applies_to,
    period_da,
    status,
)
