"""The committee's quarterly key figures (notebook ``quarterly_key_figures``).

The status report ends with the figures Erhvervs-, Beskæftigelses- og Uddannelsesudvalget
follows in every quarterly key-figures case ("Løbende opfølgning"). :func:`dashboard` makes
them into one table for the latest quarter, each with the previous quarter, the same quarter
a year earlier, the comparison area where a share makes the areas comparable, and the
target where one is set (:mod:`~analysis.analyses.key_figures.targets`).

The figures and their sources are listed in :mod:`~analysis.analyses.key_figures.definitions`.

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
before it. Comparison areas and sums of members follow :func:`analysis.analyses.trends.compute.area_series`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.analyses import trends
from analysis.analyses.key_figures.definitions import FIGURES, STATBANK_FIGURES, KeyFigure
from analysis.analyses.key_figures.targets import Target, join_da, judge, load_targets, period_da
from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.present import formats as fmt
from analysis.reference import geography, periods, regional, tables
from analysis.sources.local import local_key_figures

NOTEBOOK = "quarterly_key_figures"
HISTORY_QUARTERS = 12

TABLE_COLUMNS = [
    "figure", "label_da", "unit", "quarter", "value", "previous_quarter", "previous_value", "year_earlier_quarter",
    "year_earlier_value", "change_year", "comparison_area", "comparison_value", "target", "target_direction",
    "target_source", "target_assumed", "status", "status_da", "target_applies_to", "target_basis", "target_basis_da",
    "target_compared_value", "target_compared_target",
]
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
    #: Which regional level (RAR area or region) the quarters shown use in Jobindsats, for "Om tallene".
    regional_note: str = ""


def figures_for(source: str = "") -> tuple[KeyFigure, ...]:
    """The key figures a report on ``source`` shows: the committee's, or on StatBank (``dst``) :data:`STATBANK_FIGURES`."""
    return STATBANK_FIGURES if load.is_statbank(source) else FIGURES


def not_in_source_notes(source: str = "") -> list[str]:
    """On StatBank: one note naming the committee's key figures the source does not have ("ikke i denne kilde"), else none."""
    if not load.is_statbank(source):
        return []
    names = [f.title_da[0].lower() + f.title_da[1:] for f in FIGURES]
    needs = ", ".join(dict.fromkeys(f.table for f in FIGURES if f.table))
    return [f"Udvalgets nøgletal er {trends.NOT_IN_SOURCE_DA} (Danmarks Statistiks AUK01): {join_da(names)}. De kræver "
            f"Jobindsats' tabeller {needs} og jobcentrets egne tal ({local_key_figures.FILENAME}); rapporten viser i stedet "
            "antallet af fuldtidsmodtagere i de målgrupper, AUK01 dækker."]


def statbank_quarterly(fig: KeyFigure, areas: list[str], source: str = "") -> pd.DataFrame:
    """A StatBank figure's quarterly full-time recipients (rows: quarter codes, columns: areas)."""
    key = dict(fig.dims)["statbank_group"]
    groups = {g.key: g for g in trends.load_mapping()[0]}
    if key not in groups:
        raise ParameterError(f"config/statbank_groups.yaml has no group {key!r}")
    panel = trends.statbank_panel([groups[key]], areas, source)
    return panel.pivot(index="period", columns="area", values="value").reindex(columns=areas)


def _latest_month(source: str) -> str:
    have = set(load.available_tables(source))
    used = sorted({tables.spec(f.table).id for f in figures_for(source) if f.kind in ("jobindsats", "statbank")} & have)
    if not used:
        raise ParameterError(f"none of the key-figure tables ({', '.join(sorted({f.table for f in FIGURES if f.table}))}) is in the data")
    return max((load.latest_period(t, source) for t in used), key=lambda c: periods.parse_period(c).end)


@dataclass(frozen=True)
class Quarter:
    """Which quarter the report covers, for which municipality and comparison area (step 1, :func:`quarter_setup`)."""

    municipality: str
    comparison_area: str
    quarter: str
    previous_quarter: str
    year_earlier_quarter: str
    history_quarters: list[str]
    latest_month: str


@dataclass
class FigureData:
    """One key figure's quarterly values per area (``values``; for a ratio also its ``numerator`` and
    ``denominator``), None where the data has none."""

    figure: KeyFigure
    areas: list[str]
    values: pd.DataFrame | None = None
    numerator: pd.DataFrame | None = None
    denominator: pd.DataFrame | None = None

    def value(self, area: str, quarter: str) -> float:
        """The figure's value for ``area`` in ``quarter`` (NaN when missing)."""
        if self.values is None or area not in self.values.columns:
            return np.nan
        return float(self.values[area].get(quarter, np.nan))


@dataclass
class KeyFigureData:
    """Every key figure's quarterly values (step 2, :func:`load_figures`) and the notes on missing data."""

    quarter: Quarter
    figures: list[FigureData]
    notes: list[str] = field(default_factory=list)


def quarter_setup(municipality: str, period: str = "", comparison_area: str = "", source: str = "") -> Quarter:
    """Check the parameters and find the quarter: ``period``, or the latest complete quarter in the data."""
    mun = geography.municipality(municipality).name
    comp = geography.comparison_area(mun, comparison_area or None)
    latest_month = _latest_month(source)
    quarter = resolve_quarter(period, latest_month)
    first_hist = periods.shift(quarter, -(HISTORY_QUARTERS - 1))
    return Quarter(mun, comp, quarter, periods.shift(quarter, -1), periods.shift(quarter, -4),
                   periods.quarter_range(first_hist, quarter), latest_month)


def load_figures(q: Quarter, source: str = "") -> KeyFigureData:
    """Load every key figure's quarterly values for the municipality and, where a share makes areas
    comparable, the comparison area; a note for each table, month or local file that is missing."""
    mun, comp, quarter = q.municipality, q.comparison_area, q.quarter
    have = set(load.available_tables(source))
    notes: list[str] = []
    figures: list[FigureData] = []
    local = None
    local_checked = False
    summed: list[str] = []
    notes += not_in_source_notes(source)
    for fig in figures_for(source):
        data = FigureData(fig, [mun, comp] if fig.compare and comp != mun else [mun])
        if fig.kind == "statbank":
            try:
                data.values = data.numerator = statbank_quarterly(fig, data.areas, source)
            except ParameterError as exc:
                notes.append(f"{fig.title_da}: kan ikke beregnes fra data ({exc}).")
            if data.values is not None and pd.isna(data.value(mun, quarter)):
                notes.append(f"{fig.title_da}: Danmarks Statistik har intet tal for {fmt.period_label(quarter)}, så det vises som –.")
        elif fig.kind == "jobindsats":
            if tables.spec(fig.table).id not in have:
                notes.append(f"{fig.title_da}: tabellen {tables.spec(fig.table).id} findes ikke i data, så nøgletallet vises som –.")
            else:
                basis: dict[str, str] = {}
                try:
                    data.numerator, data.denominator, basis = quarterly_parts(fig, data.areas, source)
                    data.values = data.numerator / data.denominator.where(data.denominator != 0) * 100.0 \
                        if data.denominator is not None else data.numerator
                except ParameterError as exc:
                    notes.append(f"{fig.title_da}: kan ikke beregnes fra data ({exc}).")
                    data.values = None
                if data.values is not None and basis.get(comp) in trends.SUMMED_BASES and comp in data.areas:
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
                data.values = data.numerator = pd.DataFrame({mun: local[fig.key]})
        if data.values is not None and pd.isna(data.value(mun, quarter)) and fig.kind == "jobindsats":
            notes.append(
                f"{fig.title_da}: der mangler data for en eller flere måneder i {fmt.period_label(quarter)}, "
                "så kvartalet vises som – (der beregnes ikke gennemsnit af færre måneder)."
            )
        figures.append(data)
    if summed:
        notes.append(
            f"{comp} er ikke offentliggjort i data for alle kvartaler; hvor området mangler, er tallene for {comp} "
            f"beregnet ud fra områdets kommuner ({', '.join(summed)})."
        )
    return KeyFigureData(q, figures, notes)


def quarter_values(data: KeyFigureData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 3: the quarter's table (each figure's value, the previous quarter, the same quarter a year
    earlier, the change and the comparison area; no targets yet) and each figure's history per area
    (figure, area, quarter, period_end, value)."""
    q = data.quarter
    mun, comp = q.municipality, q.comparison_area
    rows, history = [], []
    for d in data.figures:
        fig = d.figure
        value, p_value, y_value = d.value(mun, q.quarter), d.value(mun, q.previous_quarter), d.value(mun, q.year_earlier_quarter)
        compared = fig.compare and comp != mun
        rows.append({
            "figure": fig.key, "label_da": fig.title_da, "unit": fig.unit, "quarter": q.quarter, "value": value,
            "previous_quarter": q.previous_quarter, "previous_value": p_value,
            "year_earlier_quarter": q.year_earlier_quarter, "year_earlier_value": y_value,
            "change_year": value - y_value if pd.notna(value) and pd.notna(y_value) else np.nan,
            "comparison_area": comp if compared else "",
            "comparison_value": d.value(comp, q.quarter) if compared else np.nan,
        })
        if d.values is not None:
            for a in d.areas:
                if a in d.values.columns:
                    s = d.values[a].reindex(q.history_quarters)
                    history.append(pd.DataFrame({
                        "figure": fig.key, "area": a, "quarter": q.history_quarters,
                        "period_end": [periods.parse_period(x).end for x in q.history_quarters],
                        "value": s.to_numpy(dtype=float),
                    }))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS[:TABLE_COLUMNS.index("target")])
    hist = pd.concat(history, ignore_index=True) if history else pd.DataFrame(columns=["figure", "area", "quarter", "period_end", "value"])
    return table, hist


def compare_with_targets(data: KeyFigureData, table: pd.DataFrame, history: pd.DataFrame,
                         targets_file: str = "") -> Dashboard:
    """Step 4: judge each figure against the committee's target for the quarter (``config/targets.yaml`` or
    ``targets_file``; a target outside its period is not judged); the dashboard the report shows."""
    q = data.quarter
    mun = q.municipality
    targets, tfile = load_targets(targets_file, mun)
    judged_rows, outside = [], []
    for d in data.figures:
        fig, target = d.figure, targets.get(d.figure.key)
        if d.denominator is not None:
            judged = judge(fig, target, q.quarter, d.numerator[mun], d.denominator[mun])
        else:
            judged = judge(fig, target, q.quarter, d.values[mun] if d.values is not None and mun in d.values.columns else None)
        if judged.status == "not_in_period":
            outside.append(target)
        judged_rows.append({
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
    judged_frame = pd.DataFrame(judged_rows, columns=TABLE_COLUMNS[TABLE_COLUMNS.index("target"):], index=table.index)
    full = pd.concat([table, judged_frame], axis=1)[TABLE_COLUMNS]
    notes = list(data.notes)
    regional_note = ""
    if geography.area(q.comparison_area).level in regional.LEVELS:
        regional_note = (f"{regional.comparison_note_da(mun, q.history_quarters)} Nøgletallene sammenligner i alle "
                         f"kvartaler med {q.comparison_area}.")
    if not targets:
        notes.append(f"Der er ikke sat mål for {mun} i målfilen, så kolonnerne Mål og Status viser –.")
    if outside:
        periods_da = sorted({period_da(t) for t in outside})
        which = ("Målene" if len(outside) == len(targets) else f"{len(outside)} af målene") if len(outside) > 1 \
            else ("Målet" if len(targets) == 1 else "Et af målene")
        notes.append(
            f"{which} i målfilen gælder {join_da(periods_da)}. For {fmt.period_label(q.quarter)} er der derfor intet mål, "
            f"og status står som »{STATUS_DA['not_in_period']}«."
        )
    return Dashboard(mun, q.comparison_area, q.quarter, q.previous_quarter, q.year_earlier_quarter, full, history,
                     targets, tfile, notes, q.latest_month, regional_note)


def dashboard(
    municipality: str,
    period: str = "",
    source: str = "",
    comparison_area: str = "",
    targets_file: str = "",
) -> Dashboard:
    """The four steps in one call (see the module docstring): :func:`quarter_setup`, :func:`load_figures`,
    :func:`quarter_values`, :func:`compare_with_targets`."""
    data = load_figures(quarter_setup(municipality, period, comparison_area, source), source)
    table, history = quarter_values(data)
    return compare_with_targets(data, table, history, targets_file)
