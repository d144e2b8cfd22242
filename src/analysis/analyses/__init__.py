"""Layer 6, ``analyses``: one sub-package per report notebook, named like the notebook.

- :mod:`~analysis.analyses.benchmark` (notebook ``benchmark_ranking``): the ministry's benchmark;
- :mod:`~analysis.analyses.trends` (``target_group_trends``): target groups against the region and the country
  (monthly Jobindsats, or quarterly StatBank AUK01 and the two sources side by side);
- :mod:`~analysis.analyses.key_figures` (``quarterly_key_figures``): the committee's quarterly key figures;
- :mod:`~analysis.analyses.business_programs` (``business_programs``): company-based programmes and
  their adjusted effects;
- :mod:`~analysis.analyses.status_note` (no notebook; ``analysis note``): the committee's status-note draft
  (Word), composed from the four above.
- :mod:`~analysis.analyses.front_page` (no notebook; the runner makes it after the four reports): the
  municipality's front page and the national overview, from the reports' key tables.

Each holds its computation (``compute``), its Danish sentences (``sentences``), its report tables'
specs (``display``: one :class:`~analysis.present.tables.TableSpec` per table, with its Danish headings,
formats, caption and CSV export) and its figures (``figures``); its ``__init__`` gathers
them into the one namespace the notebook uses. Shared by the analyses: small-cell suppression
(:mod:`~analysis.analyses.disclosure`) and the Holm adjustment (:mod:`~analysis.analyses.multiple_testing`).

May import: :mod:`analysis.core`, :mod:`analysis.reference`, :mod:`analysis.sources`,
:mod:`analysis.data`, :mod:`analysis.present`; one analysis may use another's computation
(key figures use the trends' area series), never in a cycle.
"""
