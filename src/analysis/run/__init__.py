"""Layer 8, ``run``: the ``analysis`` command and the batch runner that turns notebooks into reports.

Owns the command line (:mod:`~analysis.run.cli`: ``demo``, ``build``, ``run``, ``note``, ``fetch``, each
command's options in its own module), and ``analysis run``: the plan checked before any kernel
starts (:mod:`~analysis.run.plan`), the execution in parallel kernels, staged and swapped in
(:mod:`~analysis.run.execute`), the fast kernels forked from a warm process
(:mod:`~analysis.run.kernels`, ``python -m analysis.run.kernels`` is its server) and the modules
they preload (:mod:`~analysis.run.preload`), how an ordinary kernel is reset between two notebooks
(:mod:`~analysis.run.kernel_state`, run inside the kernel), what is read back from an executed notebook
(:mod:`~analysis.run.results`), the HTML and Excel export (:mod:`~analysis.run.export`), the PDFs
printed from the HTML by a local browser (:mod:`~analysis.run.pdf`, ``--pdf``), the
municipalities' front pages and the national overview (:mod:`~analysis.run.front`, from
:mod:`analysis.analyses.front_page`), the period's index page (:mod:`~analysis.run.index`) and
``analysis note``, the status-note draft (:mod:`~analysis.run.note`).

May import: every layer below (core, reference, sources, data, present, analyses, demo).
"""
