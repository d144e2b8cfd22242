"""Danish geography for labour-market statistics: municipalities, RAR areas, regions, the country.

Every area has a canonical ``name`` (as Jobindsats labels it), a ``code`` and a ``level``:

- ``kommune``: the 98 municipalities, code = kommunekode (``"330"`` is Slagelse);
- ``rar``: the 8 regional labour-market councils of 2015-2024 (``"RAR Sjælland"``), code ``RAR1``..``RAR8``;
- ``region``: the 5 regions (``"Region Sjælland"``), code = Statistics Denmark's region code (1081-1085);
- ``land``: ``"Hele landet"``, code ``"000"``.

Look-ups accept names or codes, ignoring case and whitespace; an unknown name raises a
:class:`~analysis.core.errors.ParameterError` that suggests the closest known names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from analysis.core.errors import ParameterError, quote

COUNTRY = "Hele landet"
COUNTRY_CODE = "000"
DEFAULT_MUNICIPALITY = "Slagelse"

# Fixed order so RAR codes are stable.
RAR_AREAS = (
    "RAR Hovedstaden",
    "RAR Bornholm",
    "RAR Sjælland",
    "RAR Fyn",
    "RAR Sydjylland",
    "RAR Østjylland",
    "RAR Vestjylland",
    "RAR Nordjylland",
)
LEVELS = ("kommune", "rar", "region", "land")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str

    @property
    def slug(self) -> str:
        """``330-Slagelse``: used in output folder names."""
        return f"{self.code}-{self.name.replace(' ', '_')}"


def normalise_label(text: str) -> str:
    """Fold case, Unicode form and all whitespace, so label drift between releases matches."""
    text = unicodedata.normalize("NFC", str(text)).replace("\ufeff", "")
    return re.sub(r"\s+", "", text).casefold()


@lru_cache(maxsize=1)
def municipalities() -> pd.DataFrame:
    """The 98 municipalities: code, name, region, region_code, rar (one row each, sorted by code)."""
    with resources.files("analysis.reference").joinpath("municipalities.csv").open(encoding="utf-8") as f:
        frame = pd.read_csv(f, comment="#", dtype=str)
    return frame.sort_values("code", key=lambda s: s.astype(int)).reset_index(drop=True)


@lru_cache(maxsize=1)
def areas() -> pd.DataFrame:
    """All areas with columns code, name, level, region, rar (region/rar empty where not applicable)."""
    kom = municipalities()
    rows = [
        {"code": r.code, "name": r.name, "level": "kommune", "region": r.region, "rar": r.rar}
        for r in kom.itertuples()
    ]
    rows += [{"code": f"RAR{i}", "name": n, "level": "rar", "region": "", "rar": n} for i, n in enumerate(RAR_AREAS, 1)]
    regions = kom[["region", "region_code"]].drop_duplicates().sort_values("region_code")
    rows += [{"code": r.region_code, "name": r.region, "level": "region", "region": r.region, "rar": ""} for r in regions.itertuples()]
    rows.append({"code": COUNTRY_CODE, "name": COUNTRY, "level": "land", "region": "", "rar": ""})
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _index() -> dict[str, Area]:
    index: dict[str, Area] = {}
    for r in areas().itertuples():
        area = Area(code=r.code, name=r.name, level=r.level)
        index[normalise_label(r.name)] = area
        index[normalise_label(r.code)] = area
    # Common alternative spellings seen in sources.
    index[normalise_label("Landsplan")] = index[normalise_label(COUNTRY)]
    index[normalise_label("Hele Landet")] = index[normalise_label(COUNTRY)]
    index[normalise_label("0")] = index[normalise_label(COUNTRY)]
    for r in areas().itertuples():
        if r.level == "kommune":
            index.setdefault(normalise_label(f"{r.name} Kommune"), index[normalise_label(r.name)])
            index.setdefault(normalise_label(f"Jobcenter {r.name}"), index[normalise_label(r.name)])
    return index


def find_area(name_or_code: str | int) -> Area | None:
    """The area for a name or code, or None when unknown."""
    return _index().get(normalise_label(str(name_or_code)))


def area(name_or_code: str | int, *, level: str | None = None, what: str = "area") -> Area:
    """The area for a name or code; raises ParameterError with close matches when unknown."""
    found = find_area(name_or_code)
    if found is None:
        raise ParameterError(f"unknown {what} {quote(name_or_code)}{_suggestion(str(name_or_code), level)}")
    if level is not None and found.level != level:
        raise ParameterError(f"{what} {quote(name_or_code)} is a {found.level}, expected a {level}")
    return found


def municipality(name_or_code: str | int) -> Area:
    """One of the 98 municipalities, by name or kommunekode."""
    return area(name_or_code, level="kommune", what="municipality")


def _suggestion(text: str, level: str | None) -> str:
    names = areas()["name"] if level is None else areas().loc[areas()["level"] == level, "name"]
    by_key = {normalise_label(n): n for n in names}
    close = difflib.get_close_matches(normalise_label(text), list(by_key), n=3, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(by_key[c]) for c in close) + "?"


def rar_of(municipality_name: str | int) -> str:
    """The RAR area (2015-2024) of a municipality."""
    return _municipality_parents()[municipality(municipality_name).code][0]


def region_of(municipality_name: str | int) -> str:
    return _municipality_parents()[municipality(municipality_name).code][1]


def members(area_name: str) -> list[str]:
    """The municipalities inside an area (a RAR area, a region, the country, or a municipality itself)."""
    a = area(area_name)
    if a.level == "kommune":
        return [a.name]
    if a.level in ("rar", "region"):
        return list(_members_by_area().get((a.level, a.name), ()))
    return list(_members_by_area()[("land", "")])


@lru_cache(maxsize=1)
def _municipality_parents() -> dict[str, tuple[str, str]]:
    """kommunekode -> (RAR area, region); reports ask hundreds of times, so the table is read once."""
    kom = areas()[areas()["level"] == "kommune"]
    return {str(c): (str(r), str(g)) for c, r, g in zip(kom["code"], kom["rar"], kom["region"], strict=True)}


@lru_cache(maxsize=1)
def _members_by_area() -> dict[tuple[str, str], tuple[str, ...]]:
    """(level, name) -> member municipalities in the table's order; ("land", "") holds all 98."""
    kom = areas()[areas()["level"] == "kommune"]
    out: dict[tuple[str, str], tuple[str, ...]] = {("land", ""): tuple(kom["name"])}
    for level in ("rar", "region"):
        for name, part in kom.groupby(level, sort=False):
            out[(level, str(name))] = tuple(part["name"])
    return out


def comparison_area(municipality_name: str | int, comparison: str | None = None) -> str:
    """The comparison area for a municipality: its RAR area by default.

    Raises ParameterError when the given comparison area does not contain the municipality.
    """
    m = municipality(municipality_name)
    if comparison is None or str(comparison).strip() == "":
        return rar_of(m.name)
    comp = area(comparison, what="comparison area")
    if m.name not in members(comp.name):
        raise ParameterError(
            f"comparison area {comp.name!r} does not contain {m.name}; "
            f"expected an area that does, e.g. {rar_of(m.name)!r}, {region_of(m.name)!r} or {COUNTRY!r}"
        )
    return comp.name
