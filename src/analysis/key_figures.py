"""The committee's quarterly key figures (notebook ``quarterly_key_figures``).

The status report ends with the figures Erhvervs-, Beskæftigelses- og Uddannelsesudvalget
follows in every quarterly key-figures case ("Løbende opfølgning"). :func:`dashboard` makes
them into one table for the latest quarter, each with the previous quarter, the same quarter
a year earlier, the comparison area where a share makes the areas comparable, and the
target where one is set.

The figures (:data:`FIGURES`)
-----------------------------
- helårspersoner on kontanthjælp, aktivitetsparate (Y36A02, full-time persons), and of those
  on the benefit for over two years (durations "2-3 år" + "Over 3 år");
- aktivitetsparate with ordinary paid hours (OTIJ01: persons, and the share of the group);
- the shares of the population 16-66 on A-dagpenge (Y01A02) and on sygedagpenge (Y07A02);
- the share of sygedagpenge recipients in partial sick-leave return (delvis raskmelding,
  Y07A02: persons in delvis raskmelding / persons on sygedagpenge);
- partnership agreements and adult apprenticeships from the jobcentre's own file
  (:mod:`analysis.sources.local.local_key_figures`).

How a quarter's value is made
-----------------------------
Jobindsats publishes these tables by month. A quarter's value is the **average of its three
months**; if any of the three is missing the quarter is missing ("–"), never an average of
fewer months. A ratio (delvis raskmelding) is the ratio of the quarter's averages, i.e.
the quarter's sums. **Helårspersoner**: a month's full-time persons (fuldtidspersoner: weeks
on the benefit / weeks in the month) are already full-year equivalents for that month, so
the quarter's helårspersoner are the average of the quarter's three monthly full-time
figures. We use the quarter, not the last twelve months, so every figure on the dashboard
compares quarter with quarter; the average of four quarters is the year's helårspersoner.
Local figures are delivered per quarter and used as they are.

Which quarter
-------------
``period`` ``""``: the latest complete quarter in the data (the latest quarter whose last
month is at or before the latest month of the Jobindsats tables used). A quarter
(``2024Q2``) is used as given; a month (``2024M06``) means the latest quarter ending at or
before it. Comparison areas and sums of members follow :func:`analysis.trends.area_series`.

Targets
-------
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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import trends
from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.present import formats as fmt
from analysis.reference import geography, periods, tables
from analysis.sources.local import local_key_figures

NOTEBOOK = "quarterly_key_figures"
DEFAULT_TARGETS = paths.CONFIG_DIR / "targets.yaml"
HISTORY_QUARTERS = 12


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label_da: str
    unit: str  # "helårspersoner" | "personer" | "pct" | "antal"
    better: str  # "lower" | "higher"
    kind: str = "jobindsats"  # | "local"
    table: str | None = None
    measure: str | None = None  # the measure (numerator of a ratio)
    dims: tuple[tuple[str, str], ...] = ()
    sum_over: tuple[str, tuple[str, ...]] | None = None  # (dimension, values) summed
    denominator: str | None = None  # a ratio figure: measure / denominator * 100
    weight: str | None = None  # count behind a published percentage (for summed areas)
    compare: bool = False  # show the comparison area (shares compare areas of different size)
    match_target_group: str | None = None  # OTIJ01: the target_group containing this text
    description_da: str = ""
    decimals: int = 0  # shown decimals (population shares are small: two decimals)
    standalone_da: str = ""  # the label where it stands alone (notes, figure titles), if not label_da
    annual: str = "mean"  # a year's figure from its quarters: "mean" (levels, shares) or "sum" (counts in the quarter)

    @property
    def title_da(self) -> str:
        return self.standalone_da or self.label_da


_AKT = (("category", "Aktivitetsparat"),)
FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure(
        "kh_aktivitetsparate_helaarspersoner", "Helårspersoner på kontanthjælp (aktivitetsparate)", "helårspersoner",
        "lower", table="Y36A02", measure="fulltime_persons", dims=_AKT + (("duration", "Varighed i alt"),),
        description_da="Gennemsnit af kvartalets tre måneders fuldtidspersoner.",
    ),
    KeyFigure(
        "kh_aktivitetsparate_over_2_aar", "heraf på kontanthjælp i over to år", "helårspersoner", "lower",
        table="Y36A02", measure="fulltime_persons", dims=_AKT, sum_over=("duration", trends.OVER_2_YEARS),
        description_da="Varighed 2-3 år og over 3 år.",
        standalone_da="Aktivitetsparate på kontanthjælp i over to år (helårspersoner)",
    ),
    KeyFigure(
        "aktivitetsparate_med_loentimer", "Aktivitetsparate med ordinære løntimer", "personer", "higher",
        table="OTIJ01", measure="persons_with_hours", match_target_group="aktivitetsparat",
        description_da="Personer med ordinære løntimer, gennemsnit pr. måned.",
    ),
    KeyFigure(
        "aktivitetsparate_andel_loentimer", "Andel aktivitetsparate med ordinære løntimer", "pct", "higher",
        table="OTIJ01", measure="share_with_hours_pct", weight="persons_with_hours", match_target_group="aktivitetsparat",
        compare=True, decimals=1,
    ),
    KeyFigure(
        "andel_a_dagpenge", "Andel af 16-66-årige på a-dagpenge", "pct", "lower", table="Y01A02",
        measure="pct_population", weight="fulltime_persons", compare=True, decimals=2, description_da="Fuldtidspersoner.",
    ),
    KeyFigure(
        "andel_sygedagpenge", "Andel af 16-66-årige på sygedagpenge", "pct", "lower", table="Y07A02",
        measure="pct_population", weight="fulltime_persons", compare=True, decimals=2, description_da="Fuldtidspersoner.",
    ),
    KeyFigure(
        "andel_delvis_raskmelding", "Andel sygedagpengemodtagere i delvis raskmelding", "pct", "higher",
        table="Y07A02", measure="partial_return_persons", denominator="persons", compare=True, decimals=1,
    ),
    KeyFigure("partnerskabsaftaler", local_key_figures.LABELS_DA["partnerskabsaftaler"], "antal", "higher", kind="local"),
    KeyFigure(
        "personer_via_partnerskabsaftaler", local_key_figures.LABELS_DA["personer_via_partnerskabsaftaler"], "personer",
        "higher", kind="local", annual="sum",
    ),
    KeyFigure("voksenlaerlinge", local_key_figures.LABELS_DA["voksenlaerlinge"], "personer", "higher", kind="local",
              annual="sum"),
)
FIGURE_KEYS = {f.key: f for f in FIGURES}

TABLE_COLUMNS = [
    "figure", "label_da", "unit", "quarter", "value", "previous_quarter", "previous_value", "year_earlier_quarter",
    "year_earlier_value", "change_year", "comparison_area", "comparison_value", "target", "target_direction",
    "target_source", "target_assumed", "status", "status_da", "target_applies_to", "target_basis", "target_basis_da",
    "target_compared_value", "target_compared_target",
]
HEADINGS_DA = {
    "figure": "Nøgletal (kode)",
    "label_da": "Nøgletal",
    "unit": "Enhed",
    "quarter": "Kvartal",
    "value": "Værdi i kvartalet",
    "previous_quarter": "Forrige kvartal",
    "previous_value": "Værdi i forrige kvartal",
    "year_earlier_quarter": "Samme kvartal året før",
    "year_earlier_value": "Værdi samme kvartal året før",
    "change_year": "Ændring fra året før",
    "comparison_area": "Sammenligningsområde",
    "comparison_value": "Værdi i sammenligningsområdet",
    "target": "Mål",
    "target_direction": "Måltype (max = højst, min = mindst)",
    "target_source": "Kilde til målet",
    "target_assumed": "Antaget mål (ikke vedtaget)",
    "status": "Status (kode)",
    "status_da": "Status",
    "target_applies_to": "Målet gælder for",
    "target_basis": "Sammenlignet med (kode: quarter, year_to_date, rolling_four_quarters)",
    "target_basis_da": "Tallet, der er sammenlignet med målet",
    "target_compared_value": "Værdi sammenlignet med målet",
    "target_compared_target": "Mål for den sammenlignede periode (forholdsmæssigt for optællinger år til dato)",
}
STATUS_DA = {"met": "Nået", "not_met": "Ikke nået", "no_data": "Ingen data", "not_in_period": "Intet mål for perioden",
             "": fmt.MISSING}


# --------------------------------------------------------------------------- quarters


def quarter_of(month: str) -> str:
    p = periods.parse_period(month)
    return f"{p.end.year}Q{(p.end.month - 1) // 3 + 1}"


def quarter_months(quarter: str) -> list[str]:
    q = periods.parse_period(quarter)
    first = f"{q.start.year}M{q.start.month:02d}"
    return periods.month_range(first, periods.shift(first, 2))


def quarterly_mean(monthly: pd.Series) -> pd.Series:
    """Quarter averages of a monthly series (index: month codes) -> index: quarter codes.

    A quarter with fewer than three months present (a gap, or outside the series) is NaN.
    """
    values = monthly.astype(float)
    quarters = pd.Index([quarter_of(c) for c in values.index])
    grouped = values.groupby(quarters, sort=False)
    out = grouped.mean().where(grouped.count() == 3)
    return out.reindex(periods.sort_codes(out.index))


def resolve_quarter(period: str, latest_month: str) -> str:
    """The dashboard's quarter: see the module docstring. ParameterError for a period after the data."""
    latest = periods.parse_period(latest_month)
    if period and str(period).strip():
        p = periods.parse_period(period)
        if p.kind == "QMAT":
            raise ParameterError(f"period {period!r} is a rolling year; expected a quarter (2024Q2) or a month (2024M06)")
        if p.end > latest.end:
            raise ParameterError(f"period {period!r} is after the latest month in the data ({latest.code})")
        if p.kind == "Q":
            return p.code
        end = p
    else:
        end = latest
    q = quarter_of(end.code)
    if end.end.month % 3 != 0:
        q = periods.shift(q, -1)
    return q


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


def _join_da(items: list[str]) -> str:
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


# --------------------------------------------------------------------------- series


def _otij01_group(text: str, source: str) -> str:
    values = load.load_table("OTIJ01", source, measures="persons_with_hours")["target_group"].unique()
    matches = sorted(v for v in values if text in str(v).casefold())
    if not matches:
        raise ParameterError(f"table OTIJ01 has no target group containing {text!r}; it has {sorted(values)}")
    return matches[0]


def monthly_series(
    fig: KeyFigure, areas: list[str], source: str = ""
) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame | None]:
    """The monthly series behind a Jobindsats figure, one column per area: ``(values, basis, denominator)``.

    ``denominator`` is the monthly denominator of a ratio figure, else None.
    """
    dims = dict(fig.dims)
    if fig.match_target_group:
        dims["target_group"] = _otij01_group(fig.match_target_group, source)
    if fig.sum_over:
        dim, values = fig.sum_over
        parts = []
        basis: dict[str, str] = {}
        for v in values:
            wide, b = trends.area_series(fig.table, fig.measure, areas, source, **{**dims, dim: v})
            parts.append(wide)
            basis = {a: (b[a] if basis.get(a, trends.BASIS_PUBLISHED) == trends.BASIS_PUBLISHED else basis[a]) for a in b}
        out = parts[0].copy()
        for a in basis:
            stacked = pd.concat([p[a] for p in parts], axis=1)
            out[a] = stacked.sum(axis=1, min_count=len(parts)).where(stacked.notna().all(axis=1))
        return out, basis, None
    if fig.denominator:
        num, basis = trends.area_series(fig.table, fig.measure, areas, source, **dims)
        den, _ = trends.area_series(fig.table, fig.denominator, areas, source, **dims)
        return num, basis, den
    wide, basis = trends.area_series(fig.table, fig.measure, areas, source, weight_measure=fig.weight, **dims)
    return wide, basis, None


def quarterly_parts(
    fig: KeyFigure, areas: list[str], source: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, str]]:
    """Quarterly averages of a Jobindsats figure's monthly series: ``(values, denominator, basis)``.

    For a ratio figure ``values`` are the numerator's quarterly averages and ``denominator`` the
    denominator's (their ratio is the figure); otherwise ``denominator`` is None.
    """
    wide, basis, den = monthly_series(fig, areas, source)
    cols = [a for a in wide.columns if a != "period_end"]
    q_num = pd.DataFrame({a: quarterly_mean(wide[a]) for a in cols})
    q_den = pd.DataFrame({a: quarterly_mean(den[a]) for a in cols}) if den is not None else None
    return q_num, q_den, basis


def quarterly_series(fig: KeyFigure, areas: list[str], source: str = "") -> tuple[pd.DataFrame, dict[str, str]]:
    """Quarterly values (rows: quarter codes, columns: areas) of a Jobindsats figure; see the module docstring."""
    q_num, q_den, basis = quarterly_parts(fig, areas, source)
    if q_den is not None:
        return q_num / q_den.where(q_den != 0) * 100.0, basis
    return q_num, basis


def local_quarterly(municipality: str, source: str = "") -> pd.DataFrame | None:
    """The municipality's local figures by quarter (index: quarter codes), or None when the file is absent."""
    try:
        frame = load.local_input(local_key_figures.NAME, source)
    except ParameterError:
        return None
    kom = geography.municipality(municipality)
    own = frame[frame["kommunekode"].astype(str) == kom.code]
    return own.set_index("quarter")[list(local_key_figures.FIGURE_COLUMNS)].astype(float)


# --------------------------------------------------------------------------- the dashboard


@dataclass
class Dashboard:
    municipality: str
    comparison_area: str
    quarter: str
    previous_quarter: str
    year_earlier_quarter: str
    table: pd.DataFrame  # TABLE_COLUMNS
    history: pd.DataFrame  # figure, area, quarter, period_end, value
    targets: dict[str, Target]
    targets_file: Path | None
    notes: list[str] = field(default_factory=list)
    latest_month: str = ""


def _latest_month(source: str) -> str:
    have = set(load.available_tables(source))
    used = sorted({tables.spec(f.table).id for f in FIGURES if f.kind == "jobindsats"} & have)
    if not used:
        raise ParameterError(f"none of the key-figure tables ({', '.join(sorted({f.table for f in FIGURES if f.table}))}) is in the data")
    return max((load.latest_period(t, source) for t in used), key=lambda c: periods.parse_period(c).end)


def dashboard(
    municipality: str,
    period: str = "",
    source: str = "",
    comparison_area: str = "",
    targets_file: str = "",
) -> Dashboard:
    """Compute the key-figure table for the quarter (see the module docstring)."""
    mun = geography.municipality(municipality).name
    comp = geography.comparison_area(mun, comparison_area or None)
    latest_month = _latest_month(source)
    quarter = resolve_quarter(period, latest_month)
    prev, year = periods.shift(quarter, -1), periods.shift(quarter, -4)
    first_hist = periods.shift(quarter, -(HISTORY_QUARTERS - 1))
    hist_quarters = periods.quarter_range(first_hist, quarter)
    targets, tfile = load_targets(targets_file, mun)
    have = set(load.available_tables(source))
    notes: list[str] = []
    rows, history = [], []
    local = None
    local_checked = False
    summed: list[str] = []
    outside: list[Target] = []
    for fig in FIGURES:
        areas = [mun, comp] if fig.compare and comp != mun else [mun]
        values = numerator = denominator = None
        if fig.kind == "jobindsats":
            if tables.spec(fig.table).id not in have:
                notes.append(f"{fig.title_da}: tabellen {tables.spec(fig.table).id} findes ikke i data, så nøgletallet vises som –.")
            else:
                try:
                    numerator, denominator, basis = quarterly_parts(fig, areas, source)
                    values = numerator / denominator.where(denominator != 0) * 100.0 if denominator is not None \
                        else numerator
                except ParameterError as exc:
                    notes.append(f"{fig.title_da}: kan ikke beregnes fra data ({exc}).")
                    values = None
                if values is not None and basis.get(comp) == trends.BASIS_MEMBERS and comp in areas:
                    summed.append(fig.title_da[0].lower() + fig.title_da[1:])
        else:
            if not local_checked:
                local, local_checked = local_quarterly(mun, source), True
                if local is None:
                    notes.append(
                        f"Jobcentrets egne tal for partnerskabsaftaler og voksenlærlinge ({local_key_figures.FILENAME}) er ikke "
                        "indberettet, så de vises som –."
                    )
                elif quarter not in local.index:
                    notes.append(f"Jobcentrets egne tal ({local_key_figures.FILENAME}) har ingen række for {mun} i {fmt.period_label(quarter)}.")
            if local is not None:
                values = numerator = pd.DataFrame({mun: local[fig.key]})
        get = (lambda a, q: float(values[a].get(q, np.nan)) if values is not None and a in values.columns else np.nan)
        value, p_value, y_value = get(mun, quarter), get(mun, prev), get(mun, year)
        c_value = get(comp, quarter) if fig.compare and comp != mun else np.nan
        if values is not None and pd.isna(value) and fig.kind == "jobindsats":
            notes.append(
                f"{fig.title_da}: der mangler data for en eller flere måneder i {fmt.period_label(quarter)}, "
                "så kvartalet vises som – (der beregnes ikke gennemsnit af færre måneder)."
            )
        target = targets.get(fig.key)
        if denominator is not None:
            judged = judge(fig, target, quarter, numerator[mun], denominator[mun])
        else:
            judged = judge(fig, target, quarter, values[mun] if values is not None and mun in values.columns else None)
        if judged.status == "not_in_period":
            outside.append(target)
        rows.append({
            "figure": fig.key,
            "label_da": fig.title_da,
            "unit": fig.unit,
            "quarter": quarter,
            "value": value,
            "previous_quarter": prev,
            "previous_value": p_value,
            "year_earlier_quarter": year,
            "year_earlier_value": y_value,
            "change_year": value - y_value if pd.notna(value) and pd.notna(y_value) else np.nan,
            "comparison_area": comp if fig.compare and comp != mun else "",
            "comparison_value": c_value,
            "target": target.value if target else np.nan,
            "target_direction": target.direction if target else "",
            "target_source": target.source if target else "",
            "target_assumed": bool(target.assumed) if target else False,
            "status": judged.status,
            "status_da": STATUS_DA[judged.status],
            "target_applies_to": target.applies_to if target else "",
            "target_basis": judged.basis,
            "target_basis_da": judged.basis_da,
            "target_compared_value": judged.value,
            "target_compared_target": judged.target,
        })
        if values is not None:
            for a in areas:
                if a in values.columns:
                    s = values[a].reindex(hist_quarters)
                    history.append(pd.DataFrame({
                        "figure": fig.key, "area": a, "quarter": hist_quarters,
                        "period_end": [periods.parse_period(q).end for q in hist_quarters], "value": s.to_numpy(dtype=float),
                    }))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    hist = pd.concat(history, ignore_index=True) if history else pd.DataFrame(columns=["figure", "area", "quarter", "period_end", "value"])
    if summed:
        notes.append(
            f"{comp} findes ikke som offentliggjort område i data; tallene for {comp} er beregnet ud fra områdets "
            f"kommuner ({', '.join(summed)})."
        )
    if not targets:
        notes.append(f"Der er ikke sat mål for {mun} i målfilen, så kolonnerne Mål og Status viser –.")
    if outside:
        periods_da = sorted({period_da(t) for t in outside})
        which = ("Målene" if len(outside) == len(targets) else f"{len(outside)} af målene") if len(outside) > 1 \
            else ("Målet" if len(targets) == 1 else "Et af målene")
        notes.append(
            f"{which} i målfilen gælder {_join_da(periods_da)}. For {fmt.period_label(quarter)} er der derfor intet mål, "
            f"og status står som »{STATUS_DA['not_in_period']}«."
        )
    return Dashboard(mun, comp, quarter, prev, year, table, hist, targets, tfile, notes, latest_month)


# --------------------------------------------------------------------------- display


def format_value(value: float, unit: str, decimals: int = 0) -> str:
    """A figure's value in Danish: percentages with "%", counts whole."""
    if unit == "pct":
        return fmt.percent(value, decimals or 1)
    return fmt.number(value, decimals)


def format_change(value: float, unit: str, decimals: int = 0) -> str:
    if unit == "pct":
        return fmt.pp(value, decimals or 1)
    return fmt.signed(value, decimals)


def display_table(d: Dashboard) -> tuple[pd.DataFrame, dict[str, str]]:
    """The dashboard as display strings and its Danish headings (quarter labels as column headings)."""
    t = d.table
    dec = {f.key: f.decimals for f in FIGURES}

    def fv(value, r):
        return format_value(value, r.unit, dec.get(r.figure, 0))

    shown = pd.DataFrame({
        "label": [("\u2003" if r.figure == "kh_aktivitetsparate_over_2_aar" else "") + FIGURE_KEYS[r.figure].label_da
                  for r in t.itertuples()],
        "value": [fv(r.value, r) for r in t.itertuples()],
        "previous_value": [fv(r.previous_value, r) for r in t.itertuples()],
        "year_earlier_value": [fv(r.year_earlier_value, r) for r in t.itertuples()],
        "change_year": [format_change(r.change_year, r.unit, dec.get(r.figure, 0)) for r in t.itertuples()],
        "comparison_value": [fv(r.comparison_value, r) if r.comparison_area else fmt.MISSING for r in t.itertuples()],
        "target": [
            (("højst " if r.target_direction == "max" else "mindst ") + fv(r.target, r) + ("*" if r.target_assumed else "")
             + (f" ({applies_to_da(d.targets[r.figure])})" if r.figure in d.targets else ""))
            if pd.notna(r.target) else fmt.MISSING
            for r in t.itertuples()
        ],
        "target_compared": [_compared_text(r, dec.get(r.figure, 0)) for r in t.itertuples()],
        "status_da": list(t["status_da"]),
        "status": list(t["status"]),
    })
    headings = {
        "label": "Nøgletal",
        "value": fmt.period_label(d.quarter),
        "previous_value": fmt.period_label(d.previous_quarter),
        "year_earlier_value": fmt.period_label(d.year_earlier_quarter),
        "change_year": "Ændring fra året før",
        "comparison_value": f"{d.comparison_area}, {fmt.period_label(d.quarter)}",
        "target": "Mål (gælder for)",
        "target_compared": "Sammenlignet med målet",
        "status_da": "Status",
    }
    return shown, headings


def _compared_text(r, decimals: int) -> str:
    """The figure a target was compared with, for the table: "1.114 (gennemsnit 1.-4. kvt. 2024, hele året)"."""
    if r.target_basis == "quarter":
        return "kvartalets tal"
    if not r.target_basis:
        return fmt.MISSING
    value, goal = r.target_compared_value, r.target_compared_target
    if pd.notna(value) and pd.notna(goal):
        # One or two more decimals where the rounded figure would look equal to a target it misses or beats.
        while (decimals < 4 and value != goal and
               format_value(value, r.unit, decimals or (1 if r.unit == "pct" else 0))
               == format_value(goal, r.unit, decimals or (1 if r.unit == "pct" else 0))):
            decimals += 1
    text = f"{format_value(value, r.unit, decimals)} ({r.target_basis_da})"
    if goal != r.target and pd.notna(goal):
        text += f"; mål {format_value(goal, r.unit, decimals)}"
    return text


def targets_table(d: Dashboard) -> pd.DataFrame:
    """The municipality's targets with their sources, for the report's list of sources."""
    rows = []
    for fig in FIGURES:
        t = d.targets.get(fig.key)
        if t is None:
            continue
        rows.append({
            "label_da": fig.title_da,
            "target": ("højst " if t.direction == "max" else "mindst ") + format_value(t.value, fig.unit, fig.decimals),
            "applies_to": applies_to_da(t),
            "compared_with": COMPARED_WITH_DA[t.compare_with] if t.per == "year" else "Hvert kvartals tal",
            "assumed": "Ja" if t.assumed else "Nej",
            "source": t.source,
        })
    return pd.DataFrame(rows, columns=["label_da", "target", "applies_to", "compared_with", "assumed", "source"])


COMPARED_WITH_DA = {
    "year_to_date": "Året til dato (årets kvartaler indtil nu)",
    "rolling_four_quarters": "De seneste fire kvartaler",
    "quarter": "Hvert kvartals tal",
}


def summary_sentences(d: Dashboard) -> list[str]:
    """Short Danish sentences: the movement of each Jobindsats figure from the same quarter last year."""
    out = []
    q, y = fmt.period_label(d.quarter), fmt.period_label(d.year_earlier_quarter)
    for r in d.table.itertuples():
        fig = FIGURE_KEYS[r.figure]
        if pd.isna(r.value) or pd.isna(r.year_earlier_value):
            continue
        if fig.unit == "pct":
            diff = r.value - r.year_earlier_value
            half = 0.5 * 10 ** -fig.decimals
            move = ("uændret" if abs(diff) < half
                    else f"{'steget' if diff > 0 else 'faldet'} {fmt.pp(abs(diff), fig.decimals, sign=False)}")
            text = f"{r.label_da} var {fmt.percent(r.value, fig.decimals)} i {q}, {move} fra {y}"
        else:
            diff = r.value - r.year_earlier_value
            pct = trends.pct_change(r.year_earlier_value, r.value)
            if abs(diff) < 0.5:
                move = "uændret"
            elif pd.notna(pct):
                move = f"{'steget' if diff > 0 else 'faldet'} med {fmt.percent(abs(pct), 1)}"
            else:
                move = f"{'steget' if diff > 0 else 'faldet'} med {fmt.number(abs(diff))}"
            label = fig.title_da
            text = f"{label}: {fmt.number(r.value)} i {q}, {move} fra {y}"
        target = d.targets.get(r.figure)
        if r.status in ("met", "not_met") and target is not None:
            verdict = "nået" if r.status == "met" else "ikke nået"
            measured = "" if r.target_basis == "quarter" else f", målt på {r.target_basis_da}"
            text += f" (mål for {applies_to_da(target)}: {verdict}{measured})"
        elif r.status == "not_in_period":
            text += " (intet mål for perioden)"
        out.append(text + ".")
    return out


# --------------------------------------------------------------------------- figure


def _target_span(t: Target, history: pd.DataFrame):
    """The dates a target's line covers in a history panel: the quarters it applies to that are shown, or None."""
    shown = history.drop_duplicates("quarter")
    inside = shown[[t.applies_in(q) for q in shown["quarter"]]]
    if inside.empty:
        return None
    first = periods.parse_period(inside["quarter"].iloc[0])
    return pd.Timestamp(first.start), pd.Timestamp(inside["period_end"].iloc[-1])


_SHORT_TITLES = {"kh_aktivitetsparate_over_2_aar": "Aktivitetsparate i over to år (helårspersoner)"}


def figure_history(d: Dashboard, source: str = ""):
    """Small multiples: each figure's last twelve quarters, the comparison area for shares, the target as a line."""
    import matplotlib.dates as mdates

    from analysis.present import charts

    keys = [f.key for f in FIGURES if f.key in set(d.history["figure"])]
    n = len(keys)
    ncols = 2
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = charts.new_figure(
        f"Nøgletal de seneste {HISTORY_QUARTERS} kvartaler", nrows=nrows, ncols=ncols, figsize=(10.0, 2.5 * nrows + 0.9)
    )
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    palette = charts.area_palette(d.municipality, d.comparison_area)
    for ax, key in zip(axes, keys, strict=False):
        spec = FIGURE_KEYS[key]
        h = d.history[d.history["figure"] == key]
        for area in [d.municipality, d.comparison_area]:
            s = h[h["area"] == area]
            if s.empty:
                continue
            ax.plot(s["period_end"], s["value"], color=palette.get(area), marker="o", markersize=3.5,
                    linewidth=2.2 if area == d.municipality else 1.4, label=area)
        t = d.targets.get(key)
        span = _target_span(t, h) if t is not None else None
        if span is not None:
            ax.hlines(t.value, span[0], span[1], color=charts.HIGHLIGHT_COLOR, linestyles="--", linewidth=1.1,
                      label=f"Mål {period_da(t)}")
        ax.set_title(_SHORT_TITLES.get(key, spec.title_da), fontsize=9.5)
        if spec.unit == "pct":
            charts.percent_axis(ax, "y", decimals=1)
        else:
            charts.number_axis(ax, "y")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        charts.date_axis(ax, "year")
        if spec.compare or span is not None:
            ax.legend(loc="best", fontsize=7.5)
    charts.finish(fig, source=source, data_source="Jobindsats og jobcentrets egne tal")
    return fig
