"""Statistics Denmark (StatBank API): fetching AUK01 (:mod:`~analysis.sources.statbank.api`, no key needed),
reading its CSV into the tidy model (:mod:`~analysis.sources.statbank.reader`), and what AUK01 publishes:
its value codes with Danish and English texts (:mod:`~analysis.sources.statbank.auk01`)."""
