"""The committee's targets for the quarterly key figures, and how a figure is judged against one.

Targets live in ``config/targets.yaml`` (or the notebook's ``targets_file``), keyed by
kommunekode; each has a value, a direction (``max``: at most, lower is better; ``min``: at
least), the period it applies to (``applies_to``, required: :func:`parse_applies_to`) and its
source written beside it; assumed placeholder values say so (``assumed: true``) and the report
marks them. A municipality without targets gets "–".

:func:`judge` makes the status. A target is judged only in the quarters of its period (else
"Intet mål for perioden"). A target "pr. kvartal" is compared with the quarter's value. An
annual target is compared with the year-to-date figure (the year's quarters up to the one
shown) or, with ``compare_with: rolling_four_quarters``, the last four quarters: the average of
the quarters for helårspersoner, persons and shares, the ratio of the quarters' sums for a
ratio, the sum for counts of starts (``KeyFigure.annual == "sum"``; year to date against the
matching share of the annual target). The table's ``target_basis_da`` says which figure it was.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.analyses.key_figures.definitions import FIGURE_KEYS, KeyFigure
from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.present import formats as fmt
from analysis.reference import geography, periods

DEFAULT_TARGETS = paths.CONFIG_DIR / "targets.yaml"


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """A target for one key figure, for the period it applies to.

    ``first_quarter``/``last_quarter`` bound that period (quarter codes; "" = not given, which
    :func:`load_targets` does not allow but a hand-made Target may use to mean "any quarter").
    ``per`` is ``year`` (the value is the year's figure: annual helårspersoner, a year's average
    share, a year's count) or ``quarter`` (the value holds for every quarter). ``compare_with``
    says which figure an annual target is compared with: ``year_to_date`` or
    ``rolling_four_quarters``.
    """

    figure: str
    value: float
    direction: str  # "max" | "min"
    source: str
    applies_to: str = ""
    assumed: bool = False
    first_quarter: str = ""
    last_quarter: str = ""
    per: str = "quarter"  # | "year"
    compare_with: str = "quarter"  # | "year_to_date" | "rolling_four_quarters"

    def applies_in(self, quarter: str) -> bool:
        """True when ``quarter`` lies inside the period the target applies to."""
        if not self.first_quarter:
            return True
        end = periods.parse_period(quarter).end
        return periods.parse_period(self.first_quarter).end <= end <= periods.parse_period(self.last_quarter).end


COMPARE_WITH = ("year_to_date", "rolling_four_quarters")
_PER_QUARTER = re.compile(r"[,;]?\s*(pr\.?|per)\s+kvartal\s*$", re.IGNORECASE)
_YEARS = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{2}|\d{4}))?$")
_QUARTER = re.compile(r"^(\d{4})\s*[QK]([1-4])$", re.IGNORECASE)


def period_da(target: Target) -> str:
    """The period a target applies to, in Danish: "2024", "2023-2024", "3. kvt. 2024"."""
    if not target.first_quarter:
        return target.applies_to or fmt.MISSING
    first, last = periods.parse_period(target.first_quarter), periods.parse_period(target.last_quarter)
    if target.first_quarter == target.last_quarter:
        return fmt.period_label(target.first_quarter)
    return str(first.end.year) if first.end.year == last.end.year else f"{first.end.year}-{last.end.year}"


def applies_to_da(target: Target) -> str:
    """The period of a target and how it holds, in Danish: "2024", "3. kvt. 2024", "hvert kvartal i 2024"."""
    text = period_da(target)
    if target.per == "quarter" and target.first_quarter and target.first_quarter != target.last_quarter:
        return f"hvert kvartal i {text}"
    return text


def join_da(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def parse_applies_to(text: str, where: str) -> tuple[str, str, str]:
    """``applies_to`` -> (first quarter, last quarter, per): "2024" -> ("2024Q1", "2024Q4", "year");
    "2023-24" or "2023-2024" -> ("2023Q1", "2024Q4", "year"); "2024Q3" -> ("2024Q3", "2024Q3", "quarter");
    "2024, pr. kvartal" -> ("2024Q1", "2024Q4", "quarter"). ParameterError naming ``where`` otherwise."""
    raw = str(text or "").strip()
    per = "year"
    body = raw
    if _PER_QUARTER.search(body):
        body, per = _PER_QUARTER.sub("", body).strip(), "quarter"
    quarter = _QUARTER.match(body)
    if quarter:
        code = f"{quarter.group(1)}Q{quarter.group(2)}"
        return code, code, "quarter"
    years = _YEARS.match(body)
    if years:
        first = int(years.group(1))
        last = years.group(2)
        last = first if last is None else (int(last) if len(last) == 4 else first // 100 * 100 + int(last))
        if last >= first:
            return f"{first}Q1", f"{last}Q4", per
    raise ParameterError(
        f"{where}: 'applies_to' is {text!r}; expected the period the target is set for: a year (\"2024\"), "
        "years (\"2023-2024\"), a quarter (\"2024Q3\"), optionally followed by \", pr. kvartal\" for a target that "
        "holds for each quarter"
    )


def load_targets(path: str | Path | None, municipality: str) -> tuple[dict[str, Target], Path | None]:
    """The targets of one municipality: ``({figure: Target}, file)``; an empty dict if it has none.

    ``path`` "" or None is ``config/targets.yaml`` (no file there: no targets). A given file that
    does not exist, or any malformed entry, raises ParameterError naming the file and entry.
    """
    explicit = bool(path and str(path).strip())
    file = Path(path).expanduser() if explicit else DEFAULT_TARGETS
    if not file.is_file():
        if explicit:
            raise ParameterError(f"targets_file {str(file)!r} does not exist; expected a YAML file like config/targets.yaml")
        return {}, None
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{file}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("municipalities", {}), dict):
        raise ParameterError(f"{file}: expected a mapping with the key 'municipalities' (kommunekode -> targets)")
    kom = geography.municipality(municipality)
    entry = None
    for key, value in (doc.get("municipalities") or {}).items():
        found = geography.find_area(str(key))
        if found is None or found.level != "kommune":
            raise ParameterError(f"{file}: {key!r} under 'municipalities' is not a kommunekode")
        if found.code == kom.code:
            entry = value or {}
    if entry is None:
        return {}, file
    targets = {}
    for fig_key, t in (entry.get("targets") or {}).items():
        where = f"{file}: municipalities/{kom.code}/targets/{fig_key}"
        if fig_key not in FIGURE_KEYS:
            raise ParameterError(f"{where}: unknown key figure; known key figures: {', '.join(FIGURE_KEYS)}")
        if not isinstance(t, dict):
            raise ParameterError(f"{where}: expected value, direction and source")
        value = t.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterError(f"{where}: 'value' is {value!r}, expected a number")
        direction = str(t.get("direction", "")).strip().lower()
        if direction not in ("max", "min"):
            raise ParameterError(f"{where}: 'direction' is {t.get('direction')!r}, expected 'max' (at most) or 'min' (at least)")
        source = str(t.get("source", "") or "").strip()
        if not source:
            raise ParameterError(f"{where}: 'source' is empty; write where the target comes from (e.g. 'Beskæftigelsesplan 2023-24')")
        applies_to = str(t.get("applies_to", "") or "").strip()
        first, last, per = parse_applies_to(applies_to, where)
        compare = str(t.get("compare_with", "") or "").strip().lower() or "year_to_date"
        if compare not in COMPARE_WITH:
            raise ParameterError(f"{where}: 'compare_with' is {t.get('compare_with')!r}, expected "
                                 "'year_to_date' or 'rolling_four_quarters' (how an annual target is compared)")
        targets[fig_key] = Target(fig_key, float(value), direction, source, applies_to, bool(t.get("assumed", False)),
                                  first, last, per, compare if per == "year" else "quarter")
    return targets, file


def status(value: float, target: Target | None) -> str:
    """``met``, ``not_met``, ``no_data`` (a target but no value) or ``""`` (no target)."""
    if target is None:
        return ""
    if value is None or pd.isna(value):
        return "no_data"
    ok = value <= target.value if target.direction == "max" else value >= target.value
    return "met" if ok else "not_met"


@dataclass(frozen=True)
class Judgement:
    """How a target was judged in one quarter: the status and the figure it was compared with."""

    status: str  # "met" | "not_met" | "no_data" | "not_in_period" | "" (no target)
    basis: str = ""  # "quarter" | "year_to_date" | "rolling_four_quarters" | ""
    basis_da: str = ""  # Danish: which figure was compared, e.g. "gennemsnit 1.-3. kvt. 2024, år til dato"
    value: float = math.nan  # the figure compared with the target
    target: float = math.nan  # the target it was compared with (pro rata for a year-to-date count)
    quarters: tuple[str, ...] = ()


def _quarter_span(quarters: list[str]) -> str:
    """ "3. kvt. 2024", "1.-3. kvt. 2024" or "2. kvt. 2023-1. kvt. 2024"."""
    first, last = periods.parse_period(quarters[0]), periods.parse_period(quarters[-1])
    if len(quarters) == 1:
        return fmt.period_label(quarters[0])
    if first.end.year == last.end.year:
        return f"{(first.end.month - 1) // 3 + 1}.-{fmt.period_label(quarters[-1])}"
    return f"{fmt.period_label(quarters[0])}-{fmt.period_label(quarters[-1])}"


def judge(fig: KeyFigure, target: Target | None, quarter: str, values: pd.Series | None,
          denominator: pd.Series | None = None) -> Judgement:
    """Judge ``target`` in ``quarter`` from the municipality's quarterly ``values`` (index: quarter codes).

    - No target: status "". A quarter outside the period the target applies to: "not_in_period"
      (a 2024 target says nothing about 2025).
    - A target per quarter: the quarter's value.
    - An annual target: the year-to-date figure (the quarters of the quarter's year up to and
      including it) or, with ``compare_with: rolling_four_quarters``, the last four quarters. The
      year's figure is the average of its quarters (helårspersoner, persons, shares), for a ratio
      figure the ratio of the quarters' sums (``denominator`` holds the quarterly denominators),
      and for counts in the quarter (``fig.annual == "sum"``) the sum; a year-to-date sum of k
      quarters is compared with k/4 of the annual target.
    - A quarter without data in the window: "no_data" (never an average of fewer quarters).
    """
    if target is None:
        return Judgement("")
    if not target.applies_in(quarter):
        return Judgement("not_in_period")
    series = values if values is not None else pd.Series(dtype=float)
    if target.per != "year":
        value = float(series.get(quarter, math.nan))
        if denominator is not None:
            den = float(denominator.get(quarter, math.nan))
            value = value / den * 100.0 if den else math.nan
        return Judgement(status(value, target), "quarter", "kvartalets tal", value, target.value, (quarter,))
    if target.compare_with == "rolling_four_quarters":
        window = periods.quarter_range(periods.shift(quarter, -3), quarter)
        scope = "seneste fire kvartaler"
    else:
        window = periods.quarter_range(f"{periods.parse_period(quarter).end.year}Q1", quarter)
        scope = "hele året" if len(window) == 4 else "år til dato"
    span = _quarter_span(window)
    part = series.reindex(window).astype(float)
    goal = target.value
    if denominator is not None:
        den = denominator.reindex(window).astype(float)
        value = part.sum() / den.sum() * 100.0 if part.notna().all() and den.notna().all() and den.sum() > 0 else math.nan
        text = f"{span} under ét, {scope}" if len(window) > 1 else f"{span}, {scope}"
    elif fig.annual == "sum":
        value = float(part.sum()) if part.notna().all() else math.nan
        text = f"sum {span}, {scope}"
        if target.compare_with == "year_to_date" and len(window) < 4:
            goal = target.value * len(window) / 4.0
            text += f", mod {len(window)}/4 af årsmålet"
    else:
        value = float(part.mean()) if part.notna().all() else math.nan
        text = f"gennemsnit {span}, {scope}" if len(window) > 1 else f"{span}, {scope}"
    compared = Target(target.figure, goal, target.direction, target.source)
    basis = "rolling_four_quarters" if target.compare_with == "rolling_four_quarters" else "year_to_date"
    return Judgement(status(value, compared), basis, text, value, goal, tuple(window))
