"""Net municipal cost per full-time person per year, by benchmark benefit group and price year.

The rates live in one configuration file, ``config/rates.yaml``, with the source of every value
beside it. A group has one rate per year (the price year: the year whose benefit rates and
refund rules the figure is worked out from)::

    rates:
      "Sygedagpenge mv.":
        - year: 2023
          rate_dkk: 144706
          assumption: false
          source: "Slagelse Kommune, Slutstatus ... 24,6 mio. kr. / 170 fuldtidspersoner"
        - year: 2024
          rate_dkk: 151000
          assumption: false
          source: "..."

The older layout with a single mapping per group (``rate_dkk``, ``year``, ``source``) is read
as a list of one. A run can use another file (``rates_file``) and override groups
(``overrides``): ``{"Kontanthjælp mv.": 125000}`` (one rate for every year, price year not
given) or ``{"Kontanthjælp mv.": {2023: 125000, 2024: 130000}}`` (per year).

:func:`load_rates` returns one row per group and year. :func:`rates_for_year` picks the rate
each group uses for one year: the rate for that year, else the **nearest year** with a rate
(the later one when two are equally near), marked ``nearest_year`` so reports can say so; a
rate without a year applies to every year and has no price year. A group without a rate is
simply absent: :func:`analysis.analyses.benchmark.potential` then shows no kroner for it (never 0) and
:func:`analysis.analyses.benchmark.check` says so. Bad files (not found, not YAML, an unknown group
name, a rate that is not a positive number, a year given twice, a missing year beside other
years) raise :class:`ParameterError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import yaml

from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.reference.geography import normalise_label

DEFAULT_FILE = "rates.yaml"
GROUPS = ("A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.")
COLUMNS = ["benefit_group", "rate_dkk", "year", "assumption", "source", "origin"]
YEAR_COLUMNS = ["benefit_group", "rate_dkk", "price_year", "period_year", "nearest_year", "assumption", "source"]
OVERRIDE_SOURCE = "Angivet af brugeren ved kørslen (parameteren rate_overrides)"


def default_path() -> Path:
    return paths.CONFIG_DIR / DEFAULT_FILE


def resolve_path(rates_file: str | Path | None = "") -> Path:
    """The rates file to use: ``rates_file`` if given (absolute, or relative to the project root), else the default."""
    if rates_file is None or str(rates_file).strip() == "":
        path = default_path()
    else:
        path = Path(str(rates_file).strip()).expanduser()
        if not path.is_absolute() and not path.is_file():
            path = paths.PROJECT_ROOT / path
    if not path.is_file():
        raise ParameterError(
            f"rates file {str(rates_file) or str(path)!r} not found; expected a YAML file like {default_path()} "
            "(parameter rates_file, \"\" = the default)"
        )
    return path


def _group_name(name: str, where: str) -> str:
    by_key = {normalise_label(g): g for g in GROUPS}
    found = by_key.get(normalise_label(name))
    if found is None:
        raise ParameterError(f"{where}: unknown benefit group {name!r}; expected one of {', '.join(map(repr, GROUPS))}")
    return found


def _rate_value(value, group: str, where: str) -> float:
    if isinstance(value, bool):
        value = None
    try:
        number = float(str(value).replace(" ", "").replace("_", "")) if value is not None else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ParameterError(
            f"{where}: the rate for {group!r} is {value!r}; expected a positive number of kroner per full-time person per year"
        )
    return number


def _year_value(value, group: str, where: str) -> str:
    """A price year as text ("2023"); "" when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise ParameterError(f"{where}: the year of the rate for {group!r} is {value!r}; expected a year like 2023")
    return str(int(text))


def _shown_path(path: Path) -> str:
    """The file as reports show it: relative to the project root when inside it (no machine paths in outputs)."""
    try:
        return Path(path).resolve().relative_to(paths.PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def _check_years(years: list[str], group: str, where: str) -> None:
    if len(years) > 1 and "" in years:
        raise ParameterError(f"{where}: {group!r} has several rates, and one of them has no 'year'; give every rate its year")
    twice = sorted({y for y in years if years.count(y) > 1})
    if twice:
        raise ParameterError(f"{where}: {group!r} has more than one rate for {', '.join(twice)}; keep one rate per year")


def read_rates_file(path: Path) -> pd.DataFrame:
    """The rates in one YAML file (see the module docstring for the layout): one row per group and year."""
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(content, dict) or not isinstance(content.get("rates"), dict):
        raise ParameterError(f"{path}: expected a mapping 'rates:' with one entry per benefit group ({', '.join(GROUPS)})")
    rows = []
    seen: set[str] = set()
    for name, entries in content["rates"].items():
        group = _group_name(str(name), str(path))
        if group in seen:
            raise ParameterError(f"{path}: the rate for {group!r} is given twice")
        seen.add(group)
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise ParameterError(f"{path}: the entry for {group!r} must be a mapping with rate_dkk, year, source "
                                 "(or a list of such mappings, one per year)")
        years = []
        for entry in entries:
            if "rate_dkk" not in entry:
                raise ParameterError(f"{path}: the entry for {group!r} has no 'rate_dkk'")
            rate = _rate_value(entry.get("rate_dkk"), group, str(path))
            source = str(entry.get("source") or "").strip()
            if not source:
                raise ParameterError(f"{path}: the rate for {group!r} has no 'source'; write where the number comes from")
            year = _year_value(entry.get("year"), group, str(path))
            years.append(year)
            rows.append({"benefit_group": group, "rate_dkk": rate, "year": year,
                         "assumption": bool(entry.get("assumption", False)), "source": " ".join(source.split()),
                         "origin": _shown_path(path)})
        _check_years(years, group, str(path))
    return _frame(rows)


def _override_rows(overrides: Mapping) -> dict[str, list[dict]]:
    if not isinstance(overrides, Mapping):
        raise ParameterError(f"rate_overrides must be a mapping like {{'Kontanthjælp mv.': 125000}}, not {overrides!r}")
    out: dict[str, list[dict]] = {}
    for name, value in overrides.items():
        group = _group_name(str(name), "rate_overrides")
        per_year = value.items() if isinstance(value, Mapping) else [("", value)]
        rows = [{"benefit_group": group, "rate_dkk": _rate_value(v, group, "rate_overrides"),
                 "year": _year_value(y, group, "rate_overrides"), "assumption": False, "source": OVERRIDE_SOURCE,
                 "origin": "rate_overrides"} for y, v in per_year]
        if not rows:
            raise ParameterError(f"rate_overrides: no rate for {group!r}; give a number or {{year: number}}")
        _check_years([r["year"] for r in rows], group, "rate_overrides")
        out[group] = rows
    return out


def load_rates(rates_file: str | Path | None = "", overrides: Mapping | None = None) -> pd.DataFrame:
    """The rates to use: the file (default ``config/rates.yaml``) with ``overrides`` applied.

    Returns columns ``benefit_group, rate_dkk, year, assumption, source, origin`` with one row
    per group and price year (groups in the order of :data:`GROUPS`, years ascending; ``year``
    is text, "" when not given). An override replaces every year of its group.
    """
    path = resolve_path(rates_file)
    frame = read_rates_file(path)
    if overrides:
        replaced = _override_rows(overrides)
        kept = [r for r in frame.to_dict("records") if r["benefit_group"] not in replaced]
        frame = _frame(kept + [r for rows in replaced.values() for r in rows])
    return frame


def _as_frame(rates) -> pd.DataFrame:
    """A rates frame (as :func:`load_rates` returns) from a frame or a mapping ``{group: kroner}``."""
    if isinstance(rates, pd.DataFrame):
        missing = {"benefit_group", "rate_dkk"} - set(rates.columns)
        if missing:
            raise ParameterError(f"a rates table needs columns benefit_group and rate_dkk; missing {sorted(missing)}")
        frame = rates.copy()
        for col, default in (("year", ""), ("assumption", False), ("source", ""), ("origin", "")):
            if col not in frame.columns:
                frame[col] = default
        frame["year"] = frame["year"].map(lambda y: "" if y is None or pd.isna(y) or str(y).strip() == ""
                                          else str(int(float(y))))
        return frame
    if isinstance(rates, Mapping):
        rows = [{"benefit_group": _group_name(str(g), "rates"), "rate_dkk": _rate_value(r, str(g), "rates"), "year": "",
                 "assumption": False, "source": "", "origin": ""} for g, r in rates.items()]
        return _frame(rows)
    raise ParameterError(f"rates must be a table from load_rates() or a mapping {{group: kroner}}, not {type(rates).__name__}")


def rates_for_year(rates, year: int) -> pd.DataFrame:
    """The rate each group uses for ``year``: that year's rate, else the nearest year's (the later one on a tie).

    Columns :data:`YEAR_COLUMNS`: benefit_group, rate_dkk, price_year (the year of the rate used,
    NaN when the rate has no year), period_year (``year``), nearest_year (True when the rate
    is another year's), assumption, source. One row per group that has a rate.
    """
    frame = _as_frame(rates)
    rows = []
    for group in GROUPS:
        own = frame[frame["benefit_group"] == group]
        if own.empty:
            continue
        known = own[own["year"] != ""]
        if known.empty:
            pick, price_year = own.iloc[0], math.nan
        else:
            years = known["year"].astype(int)
            best = min(years, key=lambda y: (abs(y - int(year)), -y))
            pick, price_year = known[years == best].iloc[0], float(best)
        rows.append({"benefit_group": group, "rate_dkk": float(pick["rate_dkk"]), "price_year": price_year,
                     "period_year": int(year), "nearest_year": not math.isnan(price_year) and price_year != int(year),
                     "assumption": bool(pick["assumption"]), "source": str(pick["source"])})
    return pd.DataFrame(rows, columns=YEAR_COLUMNS)


def as_mapping(rates, year: int | None = None) -> dict[str, float]:
    """``{group: rate}`` from a rates frame (as :func:`load_rates` returns) or a mapping.

    A frame with several years for a group needs ``year`` (the rate for that year or the nearest,
    see :func:`rates_for_year`); without it that is a ParameterError, never a silent choice.
    """
    if rates is None:
        return {}
    if year is not None:
        chosen = rates_for_year(rates, year)
        return dict(zip(chosen["benefit_group"], chosen["rate_dkk"], strict=True))
    frame = _as_frame(rates)
    several = sorted(set(frame.loc[frame["benefit_group"].duplicated(), "benefit_group"]))
    if several:
        raise ParameterError(f"the rates have several years for {', '.join(several)}; give the year the rates are for")
    return {str(g): float(r) for g, r in zip(frame["benefit_group"], frame["rate_dkk"], strict=True)}


def missing_groups(rates, groups: Iterable[str] = GROUPS) -> list[str]:
    """The groups without a rate (for any year)."""
    have = set(_as_frame(rates)["benefit_group"]) if rates is not None else set()
    return [g for g in groups if g not in have]


def price_years(rates) -> list[int]:
    """The price years the rates are given for, ascending (rates without a year are left out)."""
    years = _as_frame(rates)["year"]
    return sorted({int(y) for y in years if y != ""})


def _frame(rows: list[dict]) -> pd.DataFrame:
    order = {g: i for i, g in enumerate(GROUPS)}
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.sort_values(["benefit_group", "year"], key=lambda s: s.map(order) if s.name == "benefit_group"
                              else s.map(lambda y: int(y) if y else -1), kind="stable").reset_index(drop=True)
    frame["rate_dkk"] = frame["rate_dkk"].astype(float)
    frame["assumption"] = frame["assumption"].astype(bool)
    return frame
