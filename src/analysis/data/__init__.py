"""Layer 4, ``data``: processed data, exactly what the raw files give, and the one way to read it.

Owns ``analysis build`` (:mod:`~analysis.data.build`: every raw file under ``data/raw`` read by the
source readers, validated against the tidy model and written as Parquet to ``data/processed``,
incrementally and all at once) and the loading API the analyses and notebooks call
(:mod:`~analysis.data.load`: tables, series, periods, the data source and its vintage).

May import: :mod:`analysis.core`, :mod:`analysis.reference`, :mod:`analysis.sources`.
"""
