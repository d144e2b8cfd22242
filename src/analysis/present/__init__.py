"""Layer 5, ``present``: how results look to Danish readers, without knowing any analysis or reading any data.

Owns Danish number, date and period formats (:mod:`~analysis.present.formats`), the house colours
(:mod:`~analysis.present.palette`: every colour of pages and figures, defined once), the house style of
figures (:mod:`~analysis.present.charts`: colours by role, Danish axes, source line, demo watermark),
the blocks a report notebook shows and the key tables it saves (:mod:`~analysis.present.report`:
title block, tables, notes, sentences; CSV + JSON sidecar), how each table looks and is exported
(:mod:`~analysis.present.tables`: the :class:`~analysis.present.tables.TableSpec` an analysis defines once per
table, shown and saved with ``report.table``), and the HTML's templates and its one stylesheet
(``templates/``, :data:`TEMPLATE_DIR`: ``analysis.css``, ``blocks/`` for the report blocks, ``pages/``
for the index page, ``analysis_report/`` the nbconvert template; rendered by
:mod:`~analysis.present.styles`, which also writes each page's print margins), and the blocks of a Word
document (:mod:`~analysis.present.word`: headings, sentences, tables from their spec, figures with their source). What the data is (demo or real, how fresh) is passed
in by the caller: a notebook resolves it with :mod:`analysis.data.load`, the runner from its plan.

May import: :mod:`analysis.core`, :mod:`analysis.reference` (never :mod:`analysis.data`: nothing here loads data).
"""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
