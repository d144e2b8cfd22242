"""Layer 9, ``tools``: measurement scripts for developers, run with ``python -m`` (never by a report).

- :mod:`~analysis.tools.timing` (``make bench``): how fast the batch runner and the build are on this machine;
- :mod:`~analysis.tools.coverage_check` (``make coverage``): how often the effect intervals cover the truth.

May import: every layer (they drive the ``analysis`` command and the demo model like a user would).
"""
