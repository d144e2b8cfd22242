"""Layer 2, ``reference``: the fixed facts the data is described by.

Owns Danish geography (the 98 municipalities, RAR areas, regions, the country; the reference
list ``municipalities.csv`` beside this file), period codes (:mod:`~analysis.reference.periods`),
the registry of source tables with their dimensions, measures, units and domains
(:mod:`~analysis.reference.tables`), the tidy data model every reader produces and the build
validates (:mod:`~analysis.reference.model`), and the regional comparison level before and
after the 2025 change (:mod:`~analysis.reference.regional`).

May import: :mod:`analysis.core`.
"""
