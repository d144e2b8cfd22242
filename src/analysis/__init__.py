"""Analysis package for the jobcentre's quarterly labour-market reports.

The package is layered; each layer is a sub-package, listed here bottom to top:

1. :mod:`analysis.core` — errors, paths anchored at the project root, replacing folders atomically;
2. :mod:`analysis.reference` — geography, period codes, the table registry, the tidy data model;
3. :mod:`analysis.sources` — the HTTP client, fetching and reading Jobindsats, Statistics Denmark
   and the jobcentre's own files;
4. :mod:`analysis.data` — ``analysis build`` (raw -> processed) and the loading API;
5. :mod:`analysis.present` — Danish formats, the house colours and figure style, report blocks, the HTML
   templates and stylesheet;
6. :mod:`analysis.analyses` — one sub-package per report notebook (computation, sentences, tables, figures);
7. :mod:`analysis.demo` — the synthetic demo dataset;
8. :mod:`analysis.run` — the ``analysis`` command and the batch runner;
9. :mod:`analysis.tools` — measurement scripts (``make bench``, ``make coverage``).

Imports only go downwards: a module may import from its own layer and the layers below it,
never from a layer above, and no two modules import each other, directly or round a cycle;
``present`` also reads no data (it imports neither ``sources`` nor ``data``: callers pass in what the
data is). ``tests/test_layers.py`` checks every import, also inside functions and as
``importlib.import_module("analysis....")`` strings.
"""

__version__ = "0.1.0"
