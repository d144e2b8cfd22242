"""Net municipal cost per full-time person per year, by benchmark benefit group.

The rates live in one configuration file, ``config/rates.yaml``, with the source and year of
every value beside it. A run can use another file (``rates_file``) and override single
groups (``overrides``, e.g. ``{"Kontanthjælp mv.": 125000}``)::

    rates:
      "Sygedagpenge mv.":
        rate_dkk: 144706
        year: 2023
        assumption: false
        source: "Slagelse Kommune, Slutstatus ... 24,6 mio. kr. / 170 fuldtidspersoner"

:func:`load_rates` returns one row per group that has a rate. A group without a rate is
simply absent: :func:`analysis.benchmark.potential` then shows no kroner for it (never 0)
and :func:`analysis.benchmark.check` says so. Bad files (not found, not YAML, an unknown
group name, a rate that is not a positive number) raise :class:`ParameterError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.errors import ParameterError
from analysis.geography import normalise_label

DEFAULT_FILE = "rates.yaml"
GROUPS = ("A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.")
COLUMNS = ["benefit_group", "rate_dkk", "year", "assumption", "source", "origin"]
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


def read_rates_file(path: Path) -> pd.DataFrame:
    """The rates in one YAML file (see the module docstring for the layout)."""
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(content, dict) or not isinstance(content.get("rates"), dict):
        raise ParameterError(f"{path}: expected a mapping 'rates:' with one entry per benefit group ({', '.join(GROUPS)})")
    rows = []
    seen: set[str] = set()
    for name, entry in content["rates"].items():
        group = _group_name(str(name), str(path))
        if group in seen:
            raise ParameterError(f"{path}: the rate for {group!r} is given twice")
        seen.add(group)
        if isinstance(entry, dict):
            if "rate_dkk" not in entry:
                raise ParameterError(f"{path}: the entry for {group!r} has no 'rate_dkk'")
            rate = _rate_value(entry.get("rate_dkk"), group, str(path))
            source = str(entry.get("source") or "").strip()
            if not source:
                raise ParameterError(f"{path}: the rate for {group!r} has no 'source'; write where the number comes from")
            year = entry.get("year")
            assumption = bool(entry.get("assumption", False))
        else:
            raise ParameterError(f"{path}: the entry for {group!r} must be a mapping with rate_dkk, year, source")
        rows.append({"benefit_group": group, "rate_dkk": rate, "year": "" if year is None else str(year),
                     "assumption": assumption, "source": " ".join(source.split()), "origin": str(path)})
    return _frame(rows)


def load_rates(rates_file: str | Path | None = "", overrides: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The rates to use: the file (default ``config/rates.yaml``) with ``overrides`` applied.

    Returns columns ``benefit_group, rate_dkk, year, assumption, source, origin`` with one row
    per group that has a rate (in the order of :data:`GROUPS`).
    """
    path = resolve_path(rates_file)
    frame = read_rates_file(path)
    if overrides:
        if not isinstance(overrides, Mapping):
            raise ParameterError(f"rate_overrides must be a mapping like {{'Kontanthjælp mv.': 125000}}, not {overrides!r}")
        rows = {r["benefit_group"]: r for r in frame.to_dict("records")}
        for name, value in overrides.items():
            group = _group_name(str(name), "rate_overrides")
            rows[group] = {"benefit_group": group, "rate_dkk": _rate_value(value, group, "rate_overrides"),
                           "year": "", "assumption": False, "source": OVERRIDE_SOURCE, "origin": "rate_overrides"}
        frame = _frame(list(rows.values()))
    return frame


def as_mapping(rates) -> dict[str, float]:
    """``{group: rate}`` from a rates frame (as :func:`load_rates` returns) or a mapping."""
    if rates is None:
        return {}
    if isinstance(rates, pd.DataFrame):
        missing = {"benefit_group", "rate_dkk"} - set(rates.columns)
        if missing:
            raise ParameterError(f"a rates table needs columns benefit_group and rate_dkk; missing {sorted(missing)}")
        return {str(g): float(r) for g, r in zip(rates["benefit_group"], rates["rate_dkk"], strict=True)}
    if isinstance(rates, Mapping):
        return {_group_name(str(g), "rates"): _rate_value(r, str(g), "rates") for g, r in rates.items()}
    raise ParameterError(f"rates must be a table from load_rates() or a mapping {{group: kroner}}, not {type(rates).__name__}")


def missing_groups(rates, groups=GROUPS) -> list[str]:
    """The groups without a rate."""
    have = as_mapping(rates)
    return [g for g in groups if g not in have]


def _frame(rows: list[dict]) -> pd.DataFrame:
    order = {g: i for i, g in enumerate(GROUPS)}
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.sort_values("benefit_group", key=lambda s: s.map(order)).reset_index(drop=True)
    frame["rate_dkk"] = frame["rate_dkk"].astype(float)
    frame["assumption"] = frame["assumption"].astype(bool)
    return frame
