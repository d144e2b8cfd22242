"""Layer 1, ``core``: what every other layer needs and nothing analysis-specific.

Owns the error types a user sees (:mod:`~analysis.core.errors`), every path the project uses,
anchored at the project root (:mod:`~analysis.core.paths`), replacing folders all at once and
the locks and staging folders that go with it (:mod:`~analysis.core.atomic`), and importing an
optional plug-in module (:mod:`~analysis.core.optional`).

May import: the standard library only (no other ``analysis`` layer, no pandas).
"""
