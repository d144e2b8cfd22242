"""The synthetic demo dataset: shape of the raw files, consistency, realism, the spell extract.

The files are parsed here with json/pandas directly (not with analysis.sources.jobindsats.reader), so these tests
pin down the raw formats the readers have to accept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import demo
from analysis.core.errors import ParameterError
from analysis.demo import dataset, generator
from analysis.reference import geography, tables
from analysis.run import cli

MUNICIPALITIES = set(geography.municipalities()["name"])
AREAS = MUNICIPALITIES | set(geography.RAR_AREAS) | {geography.COUNTRY}
MONTHLY = ("Y01A02", "Y25I09", "Y07A02", "Y36A02", "PTV_A02", "PTVC01", "OTIJ01")
FILES = {table_id: f"{table_id}.{'csv' if kind == 'csv' else 'json'}" for table_id, kind in demo.OUTPUT_FORMATS.items()}
DEMO_SPECS = [tables.spec(table_id) for table_id in FILES]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return demo.write_demo(tmp_path_factory.mktemp("demo") / "demo")


def _read(path: Path) -> pd.DataFrame:
    """A raw demo file as a frame of the cells as written (str for CSV; JSON types for JSON)."""
    if path.suffix == ".csv":
        return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    doc = json.loads(path.read_text(encoding="utf-8-sig"))
    if isinstance(doc, dict):
        return pd.DataFrame(doc["rows"], columns=doc["columns"])
    return pd.DataFrame(doc[0]["Data"], columns=[v["Label"] for v in doc[0]["Variables"]])


def _num(cells: pd.Series) -> pd.Series:
    """Danish cells to floats; '..' is missing."""
    text = cells.astype(str).replace(demo.SUPPRESSED, np.nan).str.replace(",", ".", regex=False)
    return pd.to_numeric(text)


@pytest.fixture(scope="module")
def raw(demo_dir):
    cache: dict[str, pd.DataFrame] = {}

    def get(table_id: str) -> pd.DataFrame:
        if table_id not in cache:
            cache[table_id] = _read(demo_dir / "jobindsats" / FILES[table_id])
        return cache[table_id]

    return get


def _series(frame: pd.DataFrame, area: str, label: str, **dims: str) -> pd.Series:
    rows = frame[frame["Område"] == area]
    for column, value in dims.items():
        rows = rows[rows[column.replace("_", " ")] == value]
    return _num(rows.set_index("Periode")[label])


def _label(table_id: str, key: str) -> str:
    return tables.spec(table_id).measure(key).label


# --------------------------------------------------------------------------- files and formats


def test_one_file_per_table_plus_readme_and_spells(demo_dir):
    assert sorted(p.name for p in (demo_dir / "jobindsats").iterdir()) == sorted(FILES.values())
    # Every Jobindsats-shaped table of the registry has a demo file (Statistics Denmark's tables live elsewhere).
    assert set(FILES) == {s.id for s in tables.SPECS if s.source != "Danmarks Statistik"}
    assert (demo_dir / "local" / "forloeb.csv").is_file()
    readme = (demo_dir / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_LABEL in readme and "synthetic" in readme and f"--seed {demo.DEFAULT_SEED}" in readme
    assert not list(demo_dir.parent.glob(".demo.*")), "no temporary folders are left behind"


def test_same_seed_same_bytes_other_seed_other_numbers(demo_dir, tmp_path):
    again = demo.write_demo(tmp_path / "again")
    for name in ("jobindsats/Y01A02.json", "jobindsats/Y30R21.csv", "jobindsats/Y36A02.json", "local/forloeb.csv"):
        assert (again / name).read_bytes() == (demo_dir / name).read_bytes(), name
    other = demo.write_demo(tmp_path / "other", seed=7)
    assert (other / "jobindsats/Y01A02.json").read_bytes() != (demo_dir / "jobindsats/Y01A02.json").read_bytes()


def test_raw_shapes_encodings_and_cell_types(demo_dir):
    folder = demo_dir / "jobindsats"
    csv_bytes = (folder / "Y25I09.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b";" in csv_bytes.splitlines()[0]
    assert (folder / "Y01A02.json").read_bytes().startswith(b"\xef\xbb\xbf")  # v3 has a BOM
    v3 = json.loads((folder / "Y01A02.json").read_text(encoding="utf-8-sig"))
    assert set(v3) == {"columns", "rows"}
    row = v3["rows"][0]
    assert isinstance(row[2], int) and isinstance(row[3], int)  # counts are numbers
    assert re.fullmatch(r"-?\d+,\d\d", row[4])  # percentages are strings with a decimal comma
    v2 = json.loads((folder / "Y36A02.json").read_text(encoding="utf-8"))
    assert isinstance(v2, list) and len(v2) == 1 and set(v2[0]) == {"Variables", "Data"}
    assert all(set(v) == {"Name", "Label"} for v in v2[0]["Variables"])
    # CSV: no dots in numbers (a dot is a Danish thousands separator), decimals with a comma.
    text = csv_bytes.decode("utf-8-sig")
    assert not re.search(r";-?\d+\.\d", text)
    assert re.search(r";\d+,\d\d(;|$)", text, flags=re.M)


def test_columns_are_the_registry_labels(raw):
    for spec in DEMO_SPECS:
        expected = ["Område", "Periode", *[d.label for d in spec.dimensions], *[m.label for m in spec.measures]]
        assert list(raw(spec.id).columns) == expected, spec.id


def test_every_table_covers_all_areas_and_its_periods(raw):
    months = {f"{y}M{m:02d}" for y in range(2019, 2025) for m in range(1, 13)}
    qmat = {f"{y}QMAT{q:02d}" for y in range(2019, 2025) for q in (2, 4)}
    quarters = {f"{y}Q{q}" for y in range(2019, 2025) for q in range(1, 5)}
    expected_periods = {**{t: months for t in MONTHLY}, "Y30R21": qmat, "Y14D03": qmat, "JOBORDRER": quarters}
    for spec in DEMO_SPECS:
        frame = raw(spec.id)
        areas = MUNICIPALITIES if spec.id == "Y30R21" else AREAS  # the benchmark ranks municipalities only
        assert set(frame["Område"]) == areas, spec.id
        assert set(frame["Periode"]) == expected_periods[spec.id], spec.id
        # Every combination of area, period and dimension values exactly once.
        keys = ["Område", "Periode", *[d.label for d in spec.dimensions]]
        assert not frame.duplicated(keys).any(), spec.id
        combos = np.prod([frame[k].nunique() for k in keys])
        assert len(frame) == combos, spec.id


def test_dimension_values_are_the_documented_ones(raw):
    assert list(raw("Y36A02")["Visitationskategori"].unique()) == [
        "Visitationskategorier i alt", "Jobparat", "Aktivitetsparat", "Uoplyst"]
    assert list(raw("Y36A02")["Varighed på ydelsen"].unique()) == [
        "Varighed i alt", "Under 1 år", "1-2 år", "2-3 år", "Over 3 år"]
    assert list(raw("PTV_A02")["Ydelsesgrupper"].unique()) == [
        "Offentligt forsørgede i alt", "A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv.",
        "Ressourceforløb", "Fleksjob", "Førtidspension"]
    assert set(raw("PTVC01")["Sektor"]) == {"Sektorer i alt", "Privat", "Offentlig"}
    assert set(raw("PTVC01")["Tilbudstype"]) == {"Virksomhedsrettede tilbud i alt", "Virksomhedspraktik", "Løntilskud"}
    assert set(raw("OTIJ01")["Målgruppe"]) == {"Målgrupper i alt", demo.KH_AKT, demo.KH_JOB, demo.RESS, demo.SDP}
    assert set(raw("Y14D03")["Tilbudstype"]) == {"Virksomhedsrettede tilbud i alt", *demo.COMPANY_PROGRAMMES}
    assert set(raw("Y30R21")["Ydelsesgrupper"]) == {
        "Ydelsesgrupper i alt", "A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv."}


# --------------------------------------------------------------------------- consistency


def test_aggregates_are_sums_of_their_members(raw):
    # Completed spells are published unrounded: RAR areas and the country are exact sums.
    y14 = raw("Y14D03")
    total = y14[(y14["Målgruppe"] == "Målgrupper i alt") & (y14["Tilbudstype"] == "Virksomhedsrettede tilbud i alt")]
    completed = total.set_index(["Område", "Periode"])[_label("Y14D03", "completed")]
    assert not (completed == demo.SUPPRESSED).any()
    completed = completed.astype(int)
    kom = geography.municipalities()
    for rar, members in kom.groupby("rar")["name"]:
        member_sum = completed.loc[list(members)].groupby(level="Periode").sum()
        pd.testing.assert_series_equal(completed.loc[rar], member_sum, check_names=False)
    country = completed.loc[geography.COUNTRY]
    pd.testing.assert_series_equal(country, completed.loc[list(MUNICIPALITIES)].groupby(level="Periode").sum(),
                                   check_names=False)
    # Persons are summed before rounding to tens: the sums agree within the rounding of the members.
    y01 = raw("Y01A02").set_index(["Område", "Periode"])[_label("Y01A02", "persons")].astype(int)
    for rar, members in kom.groupby("rar")["name"]:
        member_sum = y01.loc[list(members)].groupby(level="Periode").sum()
        assert (y01.loc[rar] - member_sum).abs().max() <= 5 * len(members) + 5, rar


def test_breakdowns_add_up_to_their_totals(raw):
    y36 = raw("Y36A02")
    persons = _label("Y36A02", "persons")
    country = y36[y36["Område"] == geography.COUNTRY].copy()
    country[persons] = country[persons].astype(int)
    cells = country[(country["Visitationskategori"] != "Visitationskategorier i alt")
                    & (country["Varighed på ydelsen"] != "Varighed i alt")]
    top = country[(country["Visitationskategori"] == "Visitationskategorier i alt")
                  & (country["Varighed på ydelsen"] == "Varighed i alt")].set_index("Periode")[persons]
    diff = cells.groupby("Periode")[persons].sum() - top
    assert diff.abs().max() <= 5 * 12 + 5  # twelve cells rounded to tens
    # The three "Heraf" shares add up to the employment share.
    y14 = raw("Y14D03")
    shown = y14[y14[_label("Y14D03", "employed_share_pct")] != demo.SUPPRESSED]
    parts = sum(_num(shown[_label("Y14D03", k)]) for k in
                ("employed_same_firm_pct", "employed_same_industry_pct", "employed_other_industry_pct"))
    assert (parts - _num(shown[_label("Y14D03", "employed_share_pct")])).abs().max() < 0.005


def test_benchmark_ranks_differences_and_totals(raw):
    frame = raw("Y30R21").copy()
    spec = tables.spec("Y30R21")
    for m in spec.measures:
        frame[m.key] = _num(frame[m.label])
    for (_, _), group in frame.groupby(["Periode", "Ydelsesgrupper"]):
        assert sorted(group["rank"].astype(int)) == list(range(1, 99))
        ordered = group.sort_values("rank")["difference_pp"]
        assert ordered.is_monotonic_increasing  # rank 1 = actual furthest below expected
    assert ((frame["actual"] - frame["expected"]) == frame["difference"]).all()  # Faktisk - Forventet
    assert np.allclose(frame["actual_share_pct"] - frame["expected_share_pct"], frame["difference_pp"], atol=1e-9)
    wide = frame.pivot_table(index=["Område", "Periode"], columns="Ydelsesgrupper", values=["expected", "actual"])
    for measure in ("expected", "actual"):
        parts = wide[measure][["A-dagpenge mv.", "Sygedagpenge mv.", "Kontanthjælp mv."]].sum(axis=1)
        assert (parts == wide[measure]["Ydelsesgrupper i alt"]).all()
    # Magnitudes like the real extract: shares of a few percent, totals around 9 %.
    total = frame[frame["Ydelsesgrupper"] == "Ydelsesgrupper i alt"]
    assert 6 < total["actual_share_pct"].median() < 12
    assert frame["difference_pp"].abs().max() < 4
    assert frame["expected_share_pct"].min() > 0


def test_suppressed_cells_are_dots_in_small_breakdowns_only(raw):
    found = 0
    for table_id in ("Y36A02", "PTV_A02", "PTVC01", "OTIJ01", "Y14D03"):
        spec = tables.spec(table_id)
        frame = raw(table_id)
        measures = frame[[m.label for m in spec.measures]]
        count = measures.iloc[:, 0]  # the first measure is the count the suppression is decided on
        hidden = count == demo.SUPPRESSED
        found += int(hidden.sum())
        assert set(frame.loc[hidden, "Område"]) <= MUNICIPALITIES, table_id  # never RAR or the country
        totals = np.logical_and.reduce([frame[d.label] == d.total for d in spec.dimensions])
        assert not (hidden & totals).any(), table_id  # never the all-totals row
        assert (measures[hidden] == demo.SUPPRESSED).all().all(), table_id  # the whole row is hidden
        # Elsewhere a ".." is only a share of nothing (a count of 0).
        undefined = (measures == demo.SUPPRESSED).any(axis=1) & ~hidden
        assert (count[undefined].astype(int) == 0).all(), table_id
        # Other placeholders are never written.
        assert not measures.isin(["", "-", ".", None]).any().any(), table_id
    assert found > 0
    ptv = raw("PTV_A02")
    assert (ptv.loc[ptv["Område"] == "Læsø", _label("PTV_A02", "persons")] == demo.SUPPRESSED).any()


# --------------------------------------------------------------------------- realism


def test_covid_bump_in_a_dagpenge(raw):
    persons = _series(raw("Y01A02"), geography.COUNTRY, _label("Y01A02", "persons"))
    assert persons["2020M04"] > 1.25 * persons["2020M01"]
    assert persons["2022M06"] < persons["2019M06"]  # a historic low after the recovery
    # Winter peak: January above the following September every year.
    for year in (2019, 2022, 2023, 2024):  # not in the COVID years
        assert persons[f"{year}M01"] > persons[f"{year}M09"]
    pct = _series(raw("Y01A02"), geography.COUNTRY, _label("Y01A02", "pct_labour_force"))
    assert 1.0 < pct.min() and pct.max() < 6.0


def test_long_term_unemployment_doubles_then_falls(raw):
    ltu = _series(raw("Y25I09"), geography.COUNTRY, _label("Y25I09", "persons"))
    assert ltu["2021M01"] > 1.6 * ltu["2020M01"]
    assert ltu["2024M12"] < 0.5 * ltu["2021M01"]


def test_sickness_benefit_and_social_assistance_paths(raw):
    sdp = _series(raw("Y07A02"), geography.COUNTRY, _label("Y07A02", "persons"))
    assert sdp["2021M06"] > 1.15 * sdp["2019M06"]
    assert 0.70 < sdp["2024M01"] / sdp["2021M01"] < 0.90
    partial = _series(raw("Y07A02"), geography.COUNTRY, _label("Y07A02", "partial_return_persons"))
    assert 0.2 < (partial / sdp).mean() < 0.3
    y36 = raw("Y36A02")
    akt = _series(y36, geography.COUNTRY, _label("Y36A02", "persons"),
                  Visitationskategori="Aktivitetsparat", Varighed_på_ydelsen="Varighed i alt")
    assert 0.75 < akt["2024M12"] / akt["2021M01"] < 0.95
    long = _series(y36, geography.COUNTRY, _label("Y36A02", "persons"),
                   Visitationskategori="Aktivitetsparat", Varighed_på_ydelsen="Over 3 år")
    assert (long / akt).min() > 0.45


def test_public_benefits_share_and_consistency_with_the_benefit_tables(raw):
    ptv = raw("PTV_A02")
    total = _series(ptv, geography.COUNTRY, _label("PTV_A02", "pct_population"), Ydelsesgrupper="Offentligt forsørgede i alt")
    assert 16 < total.mean() < 21
    adp_mv = _series(ptv, geography.COUNTRY, _label("PTV_A02", "fulltime_persons"), Ydelsesgrupper="A-dagpenge mv.")
    adp = _series(raw("Y01A02"), geography.COUNTRY, _label("Y01A02", "fulltime_persons"))
    assert (adp_mv >= adp).all() and (adp_mv < 1.1 * adp).all()


def test_levels_scale_with_municipal_size(raw):
    ptv = raw("PTV_A02")
    label = _label("PTV_A02", "fulltime_persons")
    june = ptv[(ptv["Periode"] == "2023M06") & (ptv["Ydelsesgrupper"] == "Offentligt forsørgede i alt")].set_index("Område")[label]
    june = june.astype(float)
    assert june["København"] > 5 * june["Slagelse"] > 50 * june["Læsø"]
    assert 3_000_000 < sum(demo.POPULATION_16_66.values()) < 4_200_000


def test_slagelse_tells_roughly_the_status_report_story(raw):
    def change(table_id: str, key: str, **dims: str) -> float:
        s = _series(raw(table_id), "Slagelse", _label(table_id, key), **dims)
        return 100 * (s["2024M12"] / s["2021M01"] - 1)

    assert -80 < change("Y25I09", "persons") < -60
    assert -65 < change("Y01A02", "persons") < -45
    assert -33 < change("Y07A02", "persons") < -13
    assert -18 < change("Y36A02", "persons", Visitationskategori="Aktivitetsparat",
                        Varighed_på_ydelsen="Varighed i alt") < -3
    y30 = raw("Y30R21")
    rank = y30[(y30["Område"] == "Slagelse") & (y30["Ydelsesgrupper"] == "Ydelsesgrupper i alt")].set_index("Periode")
    rank = rank[_label("Y30R21", "rank")].astype(int)
    assert rank["2020QMAT04"] > rank["2022QMAT04"] + 5  # it climbs in the benchmark


def test_programme_tables_are_plausible(raw):
    c = raw("PTVC01")
    pct = _label("PTVC01", "activation_pct")
    country = c[(c["Område"] == geography.COUNTRY) & (c["Tilbudstype"] == "Virksomhedsrettede tilbud i alt")]
    totals = _num(country.loc[(country["Sektor"] == "Sektorer i alt") & (country["Målgruppe"] != "Målgrupper i alt"), pct])
    assert totals.between(1, 30).all() and totals.between(5, 25).mean() > 0.7  # low while suspended in 2020
    persons = _label("PTVC01", "activated_persons")
    by = country.pivot_table(index=["Periode", "Målgruppe"], columns="Sektor", values=persons, aggfunc="first")
    private = (by["Privat"].astype(float) / by["Sektorer i alt"].astype(float))
    assert private.between(0.55, 0.9).all()
    o = raw("OTIJ01")
    share = _series(o, geography.COUNTRY, _label("OTIJ01", "share_with_hours_pct"), Målgruppe=demo.KH_AKT)
    assert 5 <= share.min() and share.max() <= 15 and share["2024M12"] > share["2019M12"]
    hours = _num(o.loc[o["Område"] == geography.COUNTRY, _label("OTIJ01", "hours_per_month")])
    assert hours.between(20, 65).all()
    y14 = raw("Y14D03")
    latest = y14[(y14["Område"] == geography.COUNTRY) & (y14["Periode"] == "2024QMAT04")]
    emp = latest.set_index(["Målgruppe", "Tilbudstype"])[_label("Y14D03", "employed_share_pct")].map(
        lambda x: float(x.replace(",", ".")))
    assert 60 < emp[(demo.ADP, "Virksomhedsrettede tilbud i alt")] < 80
    assert 12 < emp[(demo.KH_AKT, "Virksomhedsrettede tilbud i alt")] < 30
    for group in (demo.ADP, demo.KH_AKT):
        assert emp[(group, demo.PRIV_LOEN)] > emp[(group, demo.OFF_LOEN)]
        assert emp[(group, demo.PRIV_PRAKTIK)] > emp[(group, demo.OFF_PRAKTIK)]
    jobs = raw("JOBORDRER")
    rate = _num(jobs.loc[jobs["Område"] == geography.COUNTRY, _label("JOBORDRER", "placement_rate_pct")])
    assert rate.between(30, 80).all()


# --------------------------------------------------------------------------- spells


@pytest.fixture(scope="module")
def spells(demo_dir) -> pd.DataFrame:
    # comment="#": the first line says when the extract was taken (issue 12)
    return pd.read_csv(demo_dir / "local" / "forloeb.csv", dtype={"kommunekode": str}, comment="#")


def _observable(spells: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(spells["end_date"]) + pd.DateOffset(months=6) <= pd.Timestamp(demo.SPELL_EXTRACT_DATE)


def test_spells_are_pseudonymous_and_well_formed(demo_dir, spells):
    assert list(spells.columns) == ["spell_id", "person_id", "kommunekode", "programme", "target_group", "start_date",
                                    "end_date", "age", "sex", "education", "prior_benefit_weeks", "employed_6m"]
    text = (demo_dir / "local" / "forloeb.csv").read_text(encoding="utf-8")
    assert text.startswith(f"# extract_date: {demo.SPELL_EXTRACT_DATE}\n")
    assert not re.search(r"\d{6}-?\d{4}", text)  # nothing CPR-like anywhere
    assert spells["person_id"].str.fullmatch(r"P[0-9a-f]{8}").all()
    assert spells["spell_id"].str.fullmatch(r"F\d{7}").all() and spells["spell_id"].is_unique
    start, end = pd.to_datetime(spells["start_date"]), pd.to_datetime(spells["end_date"])
    assert (end > start).all()
    assert start.min() >= pd.Timestamp("2019-01-01") and end.max() <= pd.Timestamp("2024-12-31")
    assert set(spells["kommunekode"]) == set(geography.municipalities()["code"])
    assert set(spells["programme"]) == set(demo.PROGRAMMES)
    assert set(spells["target_group"]) == set(demo.TARGET_GROUPS)
    assert set(spells["education"]) == set(demo.EDUCATIONS) and set(spells["sex"]) == {"K", "M"}
    assert spells["age"].between(18, 66).all() and spells["prior_benefit_weeks"].between(0, 52).all()
    assert set(spells["employed_6m"]) == {0, 1}
    per_1000 = 1000 * len(spells) / sum(demo.POPULATION_16_66.values())
    assert 30 < per_1000 < 50
    by_code = spells["kommunekode"].value_counts()
    assert by_code["101"] > 5 * by_code["330"] > 50 * by_code["825"]  # København, Slagelse, Læsø


def test_true_effects_are_sensible_and_differ_from_the_naive_comparison(spells):
    ame = demo.true_average_marginal_effects(spells)
    assert set(ame.index) == set(demo.COMPANY_PROGRAMMES) and ame.name == "ame_pp"
    assert 10 < ame[demo.PRIV_LOEN] < 20
    assert 6 < ame[demo.PRIV_PRAKTIK] < 14
    assert 1 < ame[demo.OFF_LOEN] < 8 and 1 < ame[demo.OFF_PRAKTIK] < 8
    assert ame[demo.PRIV_LOEN] > ame[demo.PRIV_PRAKTIK] > ame[demo.OFF_LOEN] > ame[demo.OFF_PRAKTIK]
    # Selection on observables: the raw difference overstates the private wage subsidy's effect.
    rates = spells.groupby("programme")["employed_6m"].mean() * 100
    assert rates[demo.PRIV_LOEN] - rates[demo.REFERENCE_PROGRAMME] > ame[demo.PRIV_LOEN] + 5
    # The outcome follows the model: observed and model-implied employment rates agree (person effect integrated
    # out; spells whose six months had not passed by the extract date are recorded as 0 and left out here).
    seen = _observable(spells)
    assert abs(spells.loc[seen, "employed_6m"].mean() - demo.employment_probability(spells[seen]).mean()) < 0.01
    assert (spells.loc[~seen, "employed_6m"] == 0).all() and 0.04 < (~seen).mean() < 0.12


def test_persons_have_several_spells_with_a_shared_person_effect(spells):
    """Issue 12: as in a real extract, many persons have two or more spells, one after the other, with lasting
    traits, and their outcomes are correlated beyond what their covariates explain (the person effect)."""
    per_person = spells.groupby("person_id").size()
    assert (per_person >= 2).mean() > 0.3 and per_person.max() <= demo.MAX_SPELLS_PER_PERSON
    assert (spells.groupby("person_id")[["sex", "education", "target_group", "kommunekode"]].nunique() == 1).all().all()
    ordered = spells.sort_values(["person_id", "start_date"])
    same = ordered["person_id"].eq(ordered["person_id"].shift())
    assert (pd.to_datetime(ordered["start_date"])[same] > pd.to_datetime(ordered["end_date"]).shift()[same]).all()
    # Pairs of observable spells of one person: both employed more often than independent spells would be.
    seen = ordered[_observable(ordered)].copy()
    seen["p"] = demo.employment_probability(seen)
    pairs = seen["person_id"].eq(seen["person_id"].shift())
    both = (seen["employed_6m"] * seen["employed_6m"].shift())[pairs].mean()
    expected = (seen["p"] * seen["p"].shift())[pairs].mean()
    assert both - expected > 0.02, (both, expected)
    # Model check: the same computation with the persons shuffled shows no excess.
    shuffled = seen.assign(person_id=np.random.default_rng(1).permutation(seen["person_id"].to_numpy()))
    shuffled = shuffled.sort_values("person_id")
    pairs = shuffled["person_id"].eq(shuffled["person_id"].shift())
    excess = ((shuffled["employed_6m"] * shuffled["employed_6m"].shift())[pairs].mean()
              - (shuffled["p"] * shuffled["p"].shift())[pairs].mean())
    assert abs(excess) < 0.01


def test_true_effects_of_one_spell_by_hand():
    spell = pd.DataFrame([{"target_group": demo.ADP, "education": "Gymnasial", "sex": "M", "age": 40,
                           "prior_benefit_weeks": 0, "start_date": "2019-03-01", "programme": demo.REFERENCE_PROGRAMME}])
    m = demo.EMPLOYMENT_MODEL
    base = m["intercept"]
    expected = 100 * (1 / (1 + np.exp(-(base + m["programme"][demo.PRIV_LOEN]))) - 1 / (1 + np.exp(-base)))
    assert demo.true_average_marginal_effects(spell, person_sd=0)[demo.PRIV_LOEN] == pytest.approx(expected)
    # With the person effect (issue 12) the effect is averaged over it: a Monte Carlo average agrees.
    u = np.random.default_rng(3).normal(0, m["person_sd"], 400_000)
    mc = 100 * np.mean(1 / (1 + np.exp(-(base + m["programme"][demo.PRIV_LOEN] + u))) - 1 / (1 + np.exp(-(base + u))))
    assert demo.true_average_marginal_effects(spell)[demo.PRIV_LOEN] == pytest.approx(mc, abs=0.05)
    assert demo.true_average_marginal_effects(spell)[demo.PRIV_LOEN] < expected  # averaging over persons attenuates


# --------------------------------------------------------------------------- writing, hooks, command


@pytest.fixture
def quick(monkeypatch):
    """Replace the generator by a tiny one, to test the folder handling fast."""

    def fake(folder: Path, seed: int) -> dict[str, int]:
        (folder / "local").mkdir(parents=True)
        (folder / "jobindsats").mkdir()
        (folder / "jobindsats" / "Y01A02.json").write_text(json.dumps({"seed": seed}), encoding="utf-8")
        return {"jobindsats/Y01A02.json": 1}

    monkeypatch.setattr(generator, "write_files", fake)
    monkeypatch.setattr(dataset, "DEMO_HOOKS", ())


def test_previous_demo_is_replaced_and_other_folders_are_refused(quick, tmp_path, data_root):
    target = tmp_path / "out" / "demo"
    demo.write_demo(target, seed=1)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    demo.write_demo(target, seed=2)
    assert not (target / "stale.txt").exists()
    assert json.loads((target / "jobindsats" / "Y01A02.json").read_text(encoding="utf-8")) == {"seed": 2}
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo"]  # no temporary folders left

    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ParameterError, match="not a demo dataset"):
        demo.write_demo(other)
    assert (other / "mine.txt").read_text(encoding="utf-8") == "keep"

    from analysis.core import paths

    real = paths.raw_jobindsats_dir("real")
    real.mkdir(parents=True)
    for bad in (paths.raw_dir("real"), real, real / "demo", paths.data_dir()):
        with pytest.raises(ParameterError, match="refusing"):
            demo.write_demo(bad)
    assert list(real.iterdir()) == []
    # The default goes to data/raw/demo under the data root.
    assert demo.write_demo() == paths.raw_dir("demo").resolve()


def test_hooks_run_inside_the_dataset_and_missing_modules_are_skipped(quick, tmp_path, monkeypatch):
    module_dir = tmp_path / "mods"
    module_dir.mkdir()
    (module_dir / "demo_hook_ok.py").write_text(
        "def write_demo(local_dir, seed):\n    (local_dir / 'extra.csv').write_text(f'seed,{seed}\\n')\n", encoding="utf-8")
    (module_dir / "demo_hook_broken.py").write_text("import not_a_module_anywhere\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(module_dir))
    monkeypatch.setattr(dataset, "DEMO_HOOKS", ("analysis.no_such_module:write_demo", "demo_hook_ok:write_demo"))
    target = demo.write_demo(tmp_path / "demo", seed=5)
    assert (target / "local" / "extra.csv").read_text() == "seed,5\n"
    # A hook module that exists but fails to import is an error, and nothing is left half-written.
    monkeypatch.setattr(dataset, "DEMO_HOOKS", ("demo_hook_broken:write_demo",))
    with pytest.raises(ModuleNotFoundError):
        demo.write_demo(tmp_path / "demo2")
    assert not (tmp_path / "demo2").exists()
    assert not list(tmp_path.glob(".demo2.*"))


def test_command_prints_one_summary_line(quick, tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path / "demo"), "--seed", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and demo.DEMO_LABEL in out[0] and "files" in out[0] and "rows" in out[0] and " s " in out[0]
    assert cli.main(["demo", "--out", str(tmp_path / "demo"), "--seed", "-1"]) == 2
    assert "seed" in capsys.readouterr().err
