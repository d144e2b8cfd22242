"""Jobindsats (STAR): the API v3 and the files analysts download from jobindsats.dk.

- :mod:`~analysis.sources.jobindsats.v3`: the API's wire format (URLs, period parameters, the JSON body);
- :mod:`~analysis.sources.jobindsats.description`: a table's description (period types, area hierarchies);
- :mod:`~analysis.sources.jobindsats.api`: fetching one table and checking it against the registry
  (the source module :mod:`analysis.sources.fetch` drives);
- :mod:`~analysis.sources.jobindsats.check`: the rows of ``analysis fetch --check``;
- :mod:`~analysis.sources.jobindsats.reader`: the raw formats (CSV, v2 JSON, v3 JSON) into the tidy model.
"""
