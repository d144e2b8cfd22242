"""The leadership front page of a municipality and quarter (``outputs/<period>/<code>-<name>/index.html``)
and the national overview of all municipalities on the period's index page.

It runs after the four reports and reads their key tables (``compute``): the benchmark rank with its
change since the previous measurement, each target group's latest month with the change since the
previous quarter and the same month a year earlier, the key figures against their targets, what
moved most since the previous quarter, the last 24 months of each target group against the comparison
area, and each report's headline sentences exactly as the report wrote them
(:func:`analysis.present.report.headlines`). ``display`` holds its tables' specs
(``tables/front_page__*.csv``), the tiles' texts and the page's template. A table that is missing
leaves its part out with a note; the page is still made.
"""

from analysis.analyses.front_page.compute import (  # noqa: F401
    KEY_TABLES,
    NOTEBOOK,
    REPORTS,
    FrontPage,
    FrontPageInputs,
    benchmark_tiles,
    comparison_area_of,
    front_page,
    key_figure_tiles,
    overview_columns,
    overview_row,
    read_inputs,
    since_last_quarter,
    small_multiples,
    target_group_tiles,
)
from analysis.analyses.front_page.display import (  # noqa: F401
    overview_spec,
    render_page,
    save_tables,
    since_sentences,
)
