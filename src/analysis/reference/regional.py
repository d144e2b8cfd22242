"""The regional comparison level before and after the 2025 change.

From 2015 to 2024 Jobindsats compares a municipality with its RAR area (one of the 8
regional labour-market councils, :data:`analysis.reference.geography.RAR_AREAS`). From 2025 the 8 RAR
areas were replaced by 5 regional councils that follow the regions, so a period from 2025 on
is compared with the municipality's region (:func:`analysis.reference.geography.region_of`). For some
municipalities the area is the same: RAR Sjælland and Region Sjælland cover the same 17
municipalities. For others it is not (RAR Bornholm had one municipality; Region Hovedstaden
has 29), and a series that crosses the change is not one area.

Which level a period uses:

- by date (:func:`level_for_period`): a period that ends before 1 January 2025 uses the RAR
  level, a later one the regional councils (a rolling year that ends in 2025 is published
  with the new structure);
- in the data: :func:`levels_in_frame` reads which regional areas a tidy table has per period
  (RAR areas or regions, by :mod:`analysis.reference.geography`);
- as fetched: ``analysis fetch`` records in each raw file's manifest which regional level the
  rows of every period hold (``regional_level``, see :mod:`analysis.sources.jobindsats.api`);
  :func:`recorded_levels` reads it back.

:func:`levels` combines them for a report: what the fetch recorded, else what the data
holds, else (a period with no regional rows) the date rule.

:func:`comparison_note_da` writes the sentence a report shows under a comparison with the
regional level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.core import paths
from analysis.reference import geography
from analysis.reference.periods import parse_period, sort_codes

RAR = "rar"
REGION = "region"
LEVELS = (RAR, REGION)
#: The first day of the regional councils that follow the regions.
CHANGE = pd.Timestamp("2025-01-01")
MANIFEST_KEY = "regional_level"


def level_for_period(code: str) -> str:
    """``"rar"`` for a period that ends before 2025, ``"region"`` for one that ends in 2025 or later."""
    return REGION if parse_period(code).end >= CHANGE else RAR


def comparison_area(municipality: str | int, code: str, level: str | None = None) -> str:
    """The regional comparison area of a municipality in one period: its RAR area or its region.

    ``level`` (from :func:`recorded_levels`) overrides the date rule.
    """
    m = geography.municipality(municipality)
    level = level or level_for_period(code)
    if level not in LEVELS:
        raise ValueError(f"regional level {level!r} is unknown; expected one of {LEVELS}")
    return geography.rar_of(m.name) if level == RAR else geography.region_of(m.name)


def same_municipalities(municipality: str | int) -> bool:
    """True when the municipality's RAR area and its region hold the same municipalities."""
    m = geography.municipality(municipality)
    return set(geography.members(geography.rar_of(m.name))) == set(geography.members(geography.region_of(m.name)))


def areas_by_period(municipality: str | int, codes, levels: dict[str, str] | None = None) -> list[tuple[str, list[str]]]:
    """``[(area, [periods...]), ...]`` in time order: the regional area each run of periods is compared with."""
    levels = levels or {}
    out: list[tuple[str, list[str]]] = []
    for code in sort_codes(codes):
        area = comparison_area(municipality, code, levels.get(code))
        if out and out[-1][0] == area:
            out[-1][1].append(code)
        else:
            out.append((area, [code]))
    return out


def recorded_levels(table_id: str, source: str = "real", directory: Path | None = None) -> dict[str, str]:
    """``{period: "rar" | "region"}`` as ``analysis fetch`` recorded it for a table (empty when nothing is recorded)."""
    directory = directory if directory is not None else paths.raw_jobindsats_dir(source)
    out: dict[str, str] = {}
    if not directory.is_dir():
        return out
    for mpath in sorted(directory.glob("*.manifest.json")):
        if mpath.name.startswith("."):
            continue
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if str(manifest.get("table", "")).upper() != table_id.upper():
            continue
        recorded = manifest.get(MANIFEST_KEY) or {}
        if not isinstance(recorded, dict):
            continue
        for level in LEVELS:
            entry = recorded.get(level) or {}
            for code in entry.get("periods", []) if isinstance(entry, dict) else []:
                out[parse_period(code).code] = level
    return out


def levels_in_frame(frame: pd.DataFrame) -> dict[str, str]:
    """``{period: "rar" | "region"}`` from the regional rows of a tidy table (columns ``period``, ``area_level``).

    A period with rows of both levels gets the level of its era; a period without regional rows is left out.
    """
    if frame is None or frame.empty or not {"period", "area_level"} <= set(frame.columns):
        return {}
    regional_rows = frame.loc[frame["area_level"].isin(LEVELS), ["period", "area_level"]].drop_duplicates()
    out: dict[str, str] = {}
    for code, group in regional_rows.groupby("period", sort=False):
        held = set(group["area_level"])
        out[str(code)] = held.pop() if len(held) == 1 else level_for_period(str(code))
    return out


def levels(table_id: str, frame: pd.DataFrame | None = None, source: str = "real") -> dict[str, str]:
    """The regional level per period for a report: recorded by the fetch, else held by the data."""
    out = levels_in_frame(frame) if frame is not None else {}
    if source == "real":
        out.update(recorded_levels(table_id, source))
    return out


def comparison_note_da(municipality: str | int, codes, levels: dict[str, str] | None = None) -> str | None:
    """The Danish sentence a report shows about the regional level of these periods (None without periods).

    E.g. ``Regionalt niveau: RAR Sjælland (til og med dec. 2024) og Region Sjælland (fra jan. 2025);
    fra 2025 følger de regionale råd regionerne. Begge dækker de samme 17 kommuner, så tallene
    kan sammenlignes over skiftet.``
    """
    codes = sort_codes(codes)
    if not codes:
        return None
    runs = areas_by_period(municipality, codes, levels)
    if len(runs) == 1:
        area, run = runs[0]
        level = (levels or {}).get(run[-1]) or level_for_period(run[-1])
        era = "de regionale arbejdsmarkedsråds områder 2015-2024" if level == RAR else "fra 2025 følger de regionale råd regionerne"
        return f"Regionalt niveau: {area} ({era})."
    parts = []
    for i, (area, run) in enumerate(runs):
        first, last = parse_period(run[0]).label_da, parse_period(run[-1]).label_da
        parts.append(f"{area} (til og med {last})" if i == 0 else f"{area} (fra {first})")
    text = "Regionalt niveau: " + " og ".join(parts) + "; fra 2025 følger de regionale råd regionerne."
    names = [a for a, _ in runs]
    sizes = [len(geography.members(a)) for a in names]
    if len(set(names)) == 2 and set(geography.members(names[0])) == set(geography.members(names[1])):
        text += f" Begge dækker de samme {sizes[0]} kommuner, så tallene kan sammenlignes over skiftet."
    else:
        counts = " og ".join(f"{a}: {n} {'kommune' if n == 1 else 'kommuner'}" for a, n in zip(names, sizes))
        text += f" Områderne dækker ikke de samme kommuner ({counts}), så tallene før og efter skiftet kan ikke sammenlignes direkte."
    return text
