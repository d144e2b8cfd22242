"""The target groups on Statistics Denmark's StatBank (AUK01) instead of Jobindsats (issue 16, point 1).

The mapping lives in ``config/statbank_groups.yaml``: each group is the sum of AUK01 benefit types
(``YDELSESTYPE`` codes, :mod:`analysis.sources.statbank.auk01`), with what the group is in this
source and where the definition comes from; groups AUK01 cannot show are listed with the reason,
so the report says "ikke i denne kilde" instead of leaving them out.

:func:`statbank_panel` gives the quarterly series in the long form of
:func:`~analysis.analyses.trends.compute.group_panel`, so the index, change table, seasonal
adjustment (period 4) and sentences of the trends analysis run on it unchanged. AUK01 has no
population share: ``share_pct`` is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.analyses.trends.compute import (
    BASIS_MISSING,
    COUNTRY,
    GROUPS,
    TargetGroup,
    TrendAnalysis,
    analyse,
    area_series,
    basis_notes,
    change_table,
    gap_notes,
    in_quarters,
    pct_change,
    resolve_areas,
)
from analysis.core import paths
from analysis.core.errors import ParameterError
from analysis.data import load
from analysis.present import formats as fmt
from analysis.reference import geography, periods
from analysis.sources.statbank import auk01

DEFAULT_MAPPING = paths.CONFIG_DIR / "statbank_groups.yaml"
TABLE = auk01.TABLE
NOT_IN_SOURCE_DA = "ikke i denne kilde"
_SHARES_WEIGHTED_DA = ", og andelene er vægtet med kommunernes befolkning"  # basis_notes; AUK01 has no shares


@dataclass(frozen=True)
class StatBankGroup:
    key: str
    name_da: str
    benefit_types: tuple[str, ...]
    about_da: str
    source: str
    confirmed: bool

    @property
    def target_group(self) -> TargetGroup:
        """The group as the trends analysis knows it (nouns of the Jobindsats group of the same key)."""
        known = GROUPS.get(self.key)
        noun = known.noun_da if known else f"antallet af {self.name_da[0].lower()}{self.name_da[1:]}"
        return TargetGroup(self.key, self.name_da, noun, known.pronoun_da if known else "det", TABLE,
                           measure="fulltime_persons", share_weight="fulltime_persons")


def load_mapping(path: str | Path | None = None) -> tuple[list[StatBankGroup], dict[str, str]]:
    """The groups and the groups not covered (key -> reason) from the mapping file (default ``config/statbank_groups.yaml``)."""
    file = Path(path) if path else DEFAULT_MAPPING
    shown = file.name
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"{shown}: cannot read the StatBank group mapping ({exc})") from None
    groups = []
    for key, entry in (doc.get("groups") or {}).items():
        try:
            codes = tuple(str(c) for c in entry["benefit_types"])
            group = StatBankGroup(str(key), str(entry["name_da"]), codes, " ".join(str(entry["about_da"]).split()),
                                  str(entry["source"]), bool(entry.get("confirmed", False)))
        except (KeyError, TypeError) as exc:
            raise ParameterError(f"{shown}: group {key!r} needs name_da, benefit_types, about_da and source ({exc})") from None
        for code in codes:
            try:
                auk01.benefit_type(code)
            except KeyError:
                known = ", ".join(v.code for v in auk01.BENEFIT_TYPES)
                raise ParameterError(f"{shown}: group {key!r} has benefit type {code!r}; AUK01 codes known: {known}") from None
        groups.append(group)
    not_covered = {str(k): str(v) for k, v in (doc.get("not_covered") or {}).items()}
    return groups, not_covered


def statbank_panel(groups: Sequence[StatBankGroup], areas: Sequence[str], source: str = "", *, end: str | None = None) -> pd.DataFrame:
    """Quarterly full-time recipients per group and area, long form like ``group_panel`` (share_pct missing).

    A group's value is the sum of its benefit types; a quarter where one of them is missing is missing.
    """
    frames = []
    for g in groups:
        parts, bases = [], []
        for code in g.benefit_types:
            wide, basis = area_series(TABLE, "fulltime_persons", areas, source, end=end, benefit_type=auk01.benefit_type(code).da)
            parts.append(wide)
            bases.append(basis)
        index = parts[0].index
        for area in parts[0].columns.drop("period_end"):
            values = sum(p[area].reindex(index).to_numpy(dtype=float) for p in parts)  # NaN in any part stays NaN
            area_bases = {b[area] for b in bases}
            frames.append(pd.DataFrame({
                "target_group": g.key, "area": area, "period": index, "period_end": parts[0]["period_end"].to_numpy(),
                "value": values, "share_pct": np.nan,
                "basis": area_bases.pop() if len(area_bases) == 1 else BASIS_MISSING, "share_basis": BASIS_MISSING,
            }))
    panel = pd.concat(frames, ignore_index=True)
    panel["period_end"] = panel["period_end"].astype("datetime64[ns]")
    return panel


def not_covered_lines(not_covered: dict[str, str]) -> list[str]:
    """'Langtidsledige: ikke i denne kilde (AUK01 opgør ikke ledigheden efter varighed).', one per group."""
    return [f"{GROUPS[k].name_da if k in GROUPS else k}: {NOT_IN_SOURCE_DA} ({reason})." for k, reason in not_covered.items()]


def about_lines(groups: Sequence[StatBankGroup]) -> list[str]:
    """What each group is in this source, for "Om tallene" ('Sygedagpengemodtagere: Sygedagpenge mv., ...')."""
    return [f"{g.name_da}: {g.about_da}" for g in groups]


def analyse_statbank(
    municipality: str,
    comparison_area: str = "",
    period: str = "",
    base_period: str = "2021Q1",
    source: str = "",
    mapping_file: str | Path | None = None,
    exclude_municipality: bool = True,
) -> TrendAnalysis:
    """:func:`~analysis.analyses.trends.compute.analyse` on StatBank's AUK01: quarterly, the groups of the mapping file.

    ``base_period`` and ``period`` are quarters; a month is taken as its quarter (``2021M01`` -> 1. kvt. 2021),
    so the notebook's monthly default works. The notes name the groups this source does not cover.
    """
    mun, parent, comp = resolve_areas(municipality, comparison_area, exclude_municipality)
    if TABLE not in load.available_tables(source):
        raise ParameterError(f"the {load.resolve_source(source)} data has no StatBank table {TABLE}: "
                             "run `analysis fetch --source dst && analysis build` (no key needed)")
    codes = load.available_periods(TABLE, source)
    end = _quarter(period) if period and str(period).strip() else codes[-1]
    if periods.parse_period(end).end > periods.parse_period(codes[-1]).end:
        raise ParameterError(f"period {period!r} is after the latest quarter in the StatBank data ({codes[-1]})")
    base = _quarter(base_period)
    if not (periods.parse_period(codes[0]).end <= periods.parse_period(base).end < periods.parse_period(end).end):
        raise ParameterError(f"base quarter {base} must lie from {codes[0]} up to before the last quarter of the analysis ({end})")
    groups, not_covered = load_mapping(mapping_file)
    areas = list(dict.fromkeys([mun, comp, COUNTRY]))
    panel = statbank_panel(groups, areas, source, end=end)
    chosen = [g.target_group for g in groups]
    notes = not_covered_lines(not_covered) + [n.replace(_SHARES_WEIGHTED_DA, "") for n in basis_notes(panel, chosen)]
    notes += [in_quarters(n) for n in gap_notes(panel, {g.key: g.name_da for g in chosen}, since=base)]
    return TrendAnalysis(mun, comp, areas, chosen, base, end, panel, change_table(panel, base), notes,
                         comparison_parent=parent, source=load.resolve_source(source))


def analyse_for_source(municipality: str, comparison_area: str = "", period: str = "", base_period: str = "2021M01",
                       source: str = "", groups: str | Sequence[str] | None = None,
                       exclude_municipality: bool = True) -> TrendAnalysis:
    """The notebook's one call: :func:`analyse_statbank` when ``source`` is ``"dst"`` (StatBank's groups; ``groups``
    is not used there), else :func:`~analysis.analyses.trends.compute.analyse` on Jobindsats."""
    if load.is_statbank(source):
        return analyse_statbank(municipality, comparison_area, period, base_period, source,
                                exclude_municipality=exclude_municipality)
    return analyse(municipality, comparison_area, period, base_period, source, groups,
                   exclude_municipality=exclude_municipality)


def _quarter(code: str) -> str:
    """A quarter code; a month is taken as the quarter it lies in."""
    p = periods.parse_period(str(code).strip())
    if p.kind not in ("Q", "M"):
        raise ParameterError(f"{code!r} is not a quarter; expected e.g. 2021Q1")
    return f"{p.end.year}Q{(p.end.month - 1) // 3 + 1}"


# --------------------------------------------------------------------------- the two sources side by side (issue 16, point 4)

#: The groups both sources have, with the Jobindsats count compared: full-time persons (the monthly
#: Jobindsats measure closest to StatBank's full-time recipients).
COMPARED_GROUPS = ("a_dagpenge", "sygedagpenge", "offentligt_forsoergede")
DIFFERENCES_DA = (
    "Jobindsats: fuldtidspersoner pr. måned, her gennemsnittet af kvartalets tre måneder; Danmarks Statistik (AUK01): "
    "fuldtidsmodtagere pr. kvartal. Grupperne er afgrænset lidt forskelligt (se Om tallene), så niveauerne kan "
    "afvige; det vigtige er, om udviklingen går samme vej."
)


def quarterly_mean(monthly: pd.Series) -> pd.Series:
    """Quarter code -> mean of its three months (index: month codes); missing when a month is missing or absent."""
    quarters = [f"{c[:4]}Q{(int(c[5:]) - 1) // 3 + 1}" for c in monthly.index]
    grouped = monthly.astype(float).groupby(quarters)
    out = grouped.mean().where(grouped.count() == 3)
    return out.reindex(periods.sort_codes(out.index))


COMPARISON_COLUMNS = ["target_group", "group_da", "base_period", "latest_period", "jobindsats_base", "jobindsats_latest",
                      "jobindsats_change_pct", "statbank_base", "statbank_latest", "statbank_change_pct",
                      "statbank_pct_of_jobindsats"]


def source_comparison(municipality: str, base_period: str, source: str = "", *, end: str | None = None,
                      mapping_file: str | Path | None = None) -> pd.DataFrame:
    """Levels and changes of the same group and municipality in Jobindsats and in StatBank, side by side.

    One row per group of :data:`COMPARED_GROUPS` that both sources have in the data: base and latest
    quarter (the latest both have, or ``end``), the Jobindsats value (mean full-time persons of the
    quarter's months) and the StatBank value at both, each source's change in percent, and StatBank's
    level in percent of Jobindsats' in the latest quarter.
    """
    mun = geography.municipality(municipality).name
    base = _quarter(base_period)
    statbank_groups = {g.key: g for g in load_mapping(mapping_file)[0]}
    rows = []
    for key in COMPARED_GROUPS:
        group = GROUPS[key]
        if key not in statbank_groups or group.table not in load.available_tables(source):
            continue
        monthly, _ = area_series(group.table, "fulltime_persons", [mun], source, **group.dims_dict)
        jobindsats = quarterly_mean(monthly[mun])
        statbank = statbank_panel([statbank_groups[key]], [mun], source).set_index("period")["value"]
        common = [q for q in jobindsats.index if q in statbank.index and pd.notna(jobindsats[q]) and pd.notna(statbank[q])]
        latest = _quarter(end) if end else (common[-1] if common else None)
        if latest is None or base not in jobindsats.index or base not in statbank.index:
            continue
        jb, jl, sb, sl = (float(s.get(q, np.nan)) for s, q in ((jobindsats, base), (jobindsats, latest), (statbank, base), (statbank, latest)))
        rows.append({
            "target_group": key, "group_da": statbank_groups[key].name_da, "base_period": base, "latest_period": latest,
            "jobindsats_base": jb, "jobindsats_latest": jl, "jobindsats_change_pct": pct_change(jb, jl),
            "statbank_base": sb, "statbank_latest": sl, "statbank_change_pct": pct_change(sb, sl),
            "statbank_pct_of_jobindsats": sl / jl * 100.0 if pd.notna(sl) and pd.notna(jl) and jl > 0 else np.nan,
        })
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def comparison_sentences(table: pd.DataFrame, municipality: str) -> list[str]:
    """One Danish sentence per row of :func:`source_comparison`: both changes, and whether the sources agree on the direction."""
    out = []
    for r in table.itertuples():
        when = f"fra {fmt.period_label(r.base_period)} til {fmt.period_label(r.latest_period)}"
        if pd.isna(r.jobindsats_change_pct) or pd.isna(r.statbank_change_pct):
            out.append(f"{r.group_da} i {municipality}: ændringen {when} kan ikke sammenlignes, fordi en af kilderne mangler tal.")
            continue
        same = np.sign(round(r.jobindsats_change_pct, 1)) == np.sign(round(r.statbank_change_pct, 1))
        verdict = "kilderne peger samme vej" if same else "kilderne peger hver sin vej, så tallene bør undersøges nærmere"
        out.append(f"{r.group_da} i {municipality} {when}: Jobindsats {_change_da(r.jobindsats_change_pct)}, "
                   f"Danmarks Statistik {_change_da(r.statbank_change_pct)}; {verdict}.")
    return out


def _change_da(pct: float) -> str:
    if abs(pct) < 0.05:
        return "stort set uændret"
    return f"{'fald' if pct < 0 else 'stigning'} på {fmt.percent(abs(pct))}"
