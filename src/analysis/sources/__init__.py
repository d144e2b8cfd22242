"""Layer 3, ``sources``: getting raw data and reading it, one sub-package per source.

Owns the one HTTP client (:mod:`~analysis.sources.http`), reading text files as Danish PCs save
them (:mod:`~analysis.sources.textfile`), the fetch (:mod:`~analysis.sources.fetch`, the
``analysis fetch`` command, over what every source shares in :mod:`~analysis.sources.fetching`),
the rules that turn a wide frame of labels into the tidy model (:mod:`~analysis.sources.tidy`), and
per source its API client and raw-format readers: :mod:`~analysis.sources.jobindsats`,
:mod:`~analysis.sources.statbank` (Statistics Denmark) and :mod:`~analysis.sources.local` (the
jobcentre's own files). Raw files are only ever read here, never changed.

May import: :mod:`analysis.core`, :mod:`analysis.reference`. Within the layer, a source's modules
import :mod:`~analysis.sources.fetching` and :mod:`~analysis.sources.tidy`, never
:mod:`~analysis.sources.fetch` (which picks the source modules by name).
"""
