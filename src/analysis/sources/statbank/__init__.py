"""Statistics Denmark (StatBank API): fetching AUK01 (:mod:`~analysis.sources.statbank.api`, no key needed)
and reading its CSV into the tidy model (:mod:`~analysis.sources.statbank.reader`)."""
