"""The status-note draft for the employment committee (``analysis note``): a Word document in the structure
of the hand-written status report (introduction with the benchmark, the target groups against the
comparison area, the business-oriented programmes, the key figures against the targets, a conclusion
for the analyst to write), filled with the reports' own Danish sentences, key tables and main figures.

It composes the other analyses' computation, sentences, table specs and figures (nothing is worded or
computed twice) with the Word blocks of :mod:`analysis.present.word`.
"""

from analysis.analyses.status_note.compose import (  # noqa: F401
    BASE_PERIOD,
    CONCLUSION_DA,
    HEADINGS_DA,
    TITLE_DA,
    compose,
    file_name,
    write,
)
