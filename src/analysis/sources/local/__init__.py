"""The jobcentre's own files in ``data/raw/local/``, each module named after the dataset it reads.

- :mod:`~analysis.sources.local.spells`: ``forloeb.csv``, the pseudonymous extract of completed
  programme spells: its schema, reader, extract date, and what may be published from it;
- :mod:`~analysis.sources.local.local_key_figures`: ``lokale_noegletal.csv``, partnership agreements
  and adult apprentices per quarter: its schema and reader;
- :mod:`~analysis.sources.local.csv_text` (CSV text as Excel and analysts save it) and
  :mod:`~analysis.sources.local.cpr` (CPR numbers as people type them), shared by both readers.

Each reader module provides ``FILENAME``, ``NAME`` and ``read_local(path, data_root)``
(:data:`analysis.data.build.LOCAL_INPUTS` lists them).
"""
