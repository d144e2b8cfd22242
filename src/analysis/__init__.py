"""Analysis package for the jobcentre's quarterly labour-market reports.

Modules are small and named for what they do: ``paths`` (where files live),
``geography`` (municipalities, RAR areas, regions), ``periods`` (Jobindsats period
codes), ``tables`` (what each source table contains), ``readers`` (raw formats),
``model`` (the tidy processed data model and its validation), ``build`` (raw ->
processed), ``load`` (what notebooks call), ``demo`` (synthetic demo data).
"""

__version__ = "0.1.0"
