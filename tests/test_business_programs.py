"""Company-based programmes (analysis.analyses.business_programs) and the notebook `business_programs`.

Hand-computed Wilson intervals and z-tests, the "too few to say" and suppression rules, the
Jobindsats analyses on the demo data, and the notebook end to end with papermill: Danish output,
no warnings, the key CSV files with their exact columns, and no person or spell ids anywhere.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import business_programs as pg
from analysis.core.errors import ParameterError
from tests.notebook_run import run_report_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "business_programs.ipynb"
EMPLOYMENT_CSV = "area,period,programme,target_group,completed,employed_share,ci_low,ci_high"
EFFECTS_CSV = "programme,method,effect_pp,ci_low,ci_high,n"


# --------------------------------------------------------------------------- statistics by hand


def test_wilson_interval_matches_the_formula():
    # Wilson: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964
    low, high = pg.wilson_interval([82, 7, 0, np.nan], [100, 9, 0, 10])
    assert low[0] == pytest.approx(73.33264, abs=1e-4) and high[0] == pytest.approx(88.29977, abs=1e-4)
    assert low[1] == pytest.approx(45.25890, abs=1e-4) and high[1] == pytest.approx(93.67749, abs=1e-4)
    assert np.isnan(low[2]) and np.isnan(high[3])  # no spells, or a missing count: no interval


def test_wilson_interval_holds_its_share_exactly_also_at_0_and_100():
    """Issue 12: the Wilson bound at 0 % came out as 2.8e-15, so the published interval excluded its estimate."""
    n = np.repeat(np.arange(1, 61), 61)
    k = np.tile(np.arange(61), 60)
    k, n = k[k <= n], n[k <= n]
    low, high = pg.wilson_interval(k, n)
    share = 100 * k / n
    assert (low <= share).all() and (share <= high).all()
    assert (low[k == 0] == 0).all() and (high[k == n] == 100).all()


def test_two_proportion_z_test_matches_the_formula():
    # pooled p = 0.76, se = sqrt(0.76 * 0.24 * (1/100 + 1/100)) = 0.0603987, z = 0.12 / se
    z, p = pg.two_proportion_test(82, 100, 70, 100)
    assert z == pytest.approx(1.986799, abs=1e-5)
    assert p == pytest.approx(0.046945, abs=1e-5)


def _after(rows: list[tuple]) -> pd.DataFrame:
    """An employment_after-shaped frame from (area, programme, target_group, completed, employed)."""
    frame = pd.DataFrame(rows, columns=["area", "programme", "target_group", "completed", "employed"])
    frame["period"] = "2024QMAT04"
    frame["employed_share"] = 100 * frame["employed"] / frame["completed"]
    frame["ci_low"], frame["ci_high"] = pg.wilson_interval(frame["employed"], frame["completed"])
    from analysis.analyses.disclosure import suppress_small

    return suppress_small(frame, "completed", value_cols=["completed", "employed", "employed_share", "ci_low", "ci_high"])


def test_compare_with_country_verdicts_against_the_rest_of_the_country():
    setup = pg.Setup("Slagelse", "RAR Sjælland", month="2024M12", qmat="2024QMAT04", quarter="2024Q4")
    total, tg = pg.COMPANY_TOTAL, pg.TG_TOTAL
    after = _after([
        # higher: 82/100 against the rest of the country 70/100 (Hele landet 152/200)
        ("Slagelse", total, "A-dagpenge", 100, 82), ("Hele landet", total, "A-dagpenge", 200, 152),
        # no certain difference: 82/100 against the rest 88/100 (z = -1.19)
        ("Slagelse", total, "Sygedagpenge", 100, 82), ("Hele landet", total, "Sygedagpenge", 200, 170),
        # lower: 20/100 against 50/1000
        ("Slagelse", total, "Ressourceforløb", 100, 20), ("Hele landet", total, "Ressourceforløb", 1100, 520),
        # too few: 12 completed spells
        ("Slagelse", total, "Kontanthjælp, jobparat", 12, 6), ("Hele landet", total, "Kontanthjælp, jobparat", 500, 200),
        # too few for the normal approximation: 22 of 22 employed, the rest 880 of 900 (pooled: 0.5 expected not employed)
        ("Slagelse", "Privat løntilskud", tg, 22, 22), ("Hele landet", "Privat løntilskud", tg, 922, 902),
        # suppressed: 3 spells
        ("Slagelse", total, "Kontanthjælp, aktivitetsparat", 3, 1), ("Hele landet", total, "Kontanthjælp, aktivitetsparat", 400, 80),
    ])
    out = pg.compare_with_country(after, setup).set_index(["programme", "target_group"])
    # Issue 12: three tests on the page, Holm-adjusted together. 82/100 against 70/100 has p = 0.047 alone, but
    # 2 x 0.047 = 0.094 after the adjustment (the second smallest of three): no longer a certain difference.
    assert out.loc[(total, "A-dagpenge"), "verdict"] == pg.VERDICT_SAME
    assert out.loc[(total, "A-dagpenge"), "z"] == pytest.approx(1.986799, abs=1e-5)
    assert out.loc[(total, "A-dagpenge"), "p_value"] == pytest.approx(0.046945, abs=1e-5)
    assert out.loc[(total, "A-dagpenge"), "p_holm"] == pytest.approx(2 * 0.046945, abs=1e-5)
    # Issue 12: the difference is to the rest of the country (70 %), as the heading says and the test uses.
    assert out.loc[(total, "A-dagpenge"), "rest_share"] == pytest.approx(70)
    assert out.loc[(total, "A-dagpenge"), "rest_completed"] == 100
    assert out.loc[(total, "A-dagpenge"), "difference_pp"] == pytest.approx(82 - 70)
    assert out.loc[(total, "A-dagpenge"), "country_share"] == pytest.approx(76)  # Hele landet is still shown
    assert out.loc[(total, "Sygedagpenge"), "verdict"] == pg.VERDICT_SAME
    assert out.loc[(total, "Sygedagpenge"), "p_value"] == pytest.approx(0.234764, abs=1e-5)
    assert out.loc[(total, "Sygedagpenge"), "p_holm"] == pytest.approx(0.234764, abs=1e-5)
    assert out.loc[(total, "Sygedagpenge"), "difference_pp"] == pytest.approx(82 - 88)
    assert out.loc[(total, "Ressourceforløb"), "verdict"] == pg.VERDICT_LOWER
    assert out.loc[(total, "Kontanthjælp, jobparat"), "verdict"] == pg.VERDICT_TOO_FEW
    assert out.loc[("Privat løntilskud", tg), "verdict"] == pg.VERDICT_TOO_FEW
    row = out.loc[(total, "Kontanthjælp, aktivitetsparat")]
    assert row["verdict"] == pg.VERDICT_SUPPRESSED and row["suppressed"]
    assert math.isnan(row["completed"]) and math.isnan(row["municipality_share"]) and math.isnan(row["ci_low"])
    assert out.loc[(total, tg), "verdict"] == pg.VERDICT_NO_DATA
    assert len(out) == 5 * 6  # every programme x target group, also without data
    assert out["p_holm"].notna().sum() == 3 and pg.tests_summary(out) == {"tests": 3, "raw": 2, "adjusted": 1}


def test_holm_adjustment_over_every_test_on_the_page():
    """30 tests, each p = 0.01 alone: none survives the Holm adjustment, and no sentence says "signifikant"."""
    setup = pg.Setup("Slagelse", "RAR Sjælland", month="2024M12", qmat="2024QMAT04", quarter="2024Q4")
    rows = []
    for programme in [pg.COMPANY_TOTAL, *pg.Y14_PROGRAMMES]:
        for group in [pg.TG_TOTAL, *pg.TARGET_GROUPS]:
            # 226/400 = 56.5 % against the rest of the country's 50 %: z = 2.55, p = 0.0108 in every cell
            rows += [("Slagelse", programme, group, 400, 226), ("Hele landet", programme, group, 10400, 5226)]
    out = pg.compare_with_country(_after(rows), setup)
    assert out["p_value"].to_numpy() == pytest.approx([0.0107865] * 30, abs=1e-6)
    assert out["p_holm"].to_numpy() == pytest.approx(np.minimum(30 * out["p_value"].to_numpy(), 1))
    assert (out["verdict"] == pg.VERDICT_SAME).all()
    assert pg.tests_summary(out) == {"tests": 30, "raw": 30, "adjusted": 0}
    sentences = pg.leadership_sentences(setup, pd.DataFrame({"target_group": []}), pd.DataFrame(
        {"period": [], "area": [], "target_group": []}), out, pd.DataFrame({"rank": []}))
    text = " ".join(sentences)
    assert "57 %" in text and "resten af landet" in text and "signifikant" not in text
    # One strong difference among them survives, and only that one is called "signifikant".
    rows[2:4] = [("Slagelse", pg.COMPANY_TOTAL, "A-dagpenge", 400, 300), ("Hele landet", pg.COMPANY_TOTAL, "A-dagpenge", 10400, 5300)]
    out = pg.compare_with_country(_after(rows), setup)
    strong = out[(out["programme"] == pg.COMPANY_TOTAL) & (out["target_group"] == "A-dagpenge")].iloc[0]
    assert strong["p_holm"] < 0.05 and strong["verdict"] == pg.VERDICT_HIGHER
    assert (out["verdict"] == pg.VERDICT_HIGHER).sum() == 1
    sentences = pg.leadership_sentences(setup, pd.DataFrame({"target_group": []}), pd.DataFrame(
        {"period": [], "area": [], "target_group": []}), out, pd.DataFrame({"rank": []}))
    assert "signifikant højere end i resten af landet, også efter justering" in " ".join(sentences)
    shown = pg.employment_display(out).set_index("label")
    assert shown.loc["A-dagpenge", "p_value"] == "<0,001" and shown.loc["Alle målgrupper", "p_value"] == "0,011"
    assert shown.loc["Alle målgrupper", "p_holm"] == "0,313"  # 29 x 0.0108: the second smallest of 30
    assert shown.loc["A-dagpenge", "rest"] == "50,0 %" and shown.loc["A-dagpenge", "difference"] == "+25,0"


def test_display_marks_suppressed_cells_and_uses_danish_numbers():
    setup = pg.Setup("Slagelse", "RAR Sjælland", month="2024M12", qmat="2024QMAT04", quarter="2024Q4")
    after = _after([("Slagelse", pg.COMPANY_TOTAL, "A-dagpenge", 1461, 739), ("Hele landet", pg.COMPANY_TOTAL, "A-dagpenge", 97206, 43539),
                    ("Slagelse", pg.COMPANY_TOTAL, "Sygedagpenge", 4, 2), ("Hele landet", pg.COMPANY_TOTAL, "Sygedagpenge", 900, 500)])
    shown = pg.employment_display(pg.compare_with_country(after, setup)).set_index("label")
    assert shown.loc["A-dagpenge", "completed"] == "1.461"
    assert shown.loc["A-dagpenge", "municipality"] == "50,6 % (48,0 til 53,1)"
    assert shown.loc["Sygedagpenge", "completed"] == "<5" and shown.loc["Sygedagpenge", "municipality"] == "–"


# --------------------------------------------------------------------------- on the demo data


def test_periods_and_setup(demo_data):
    s = pg.setup("Slagelse", "", "", "demo")
    assert (s.comparison_area, s.month, s.qmat, s.quarter) == ("RAR Sjælland", "2024M12", "2024QMAT04", "2024Q4")
    s = pg.setup("330", "2023Q2", "", "demo")
    assert (s.month, s.qmat, s.quarter, s.tables["OTIJ01"]) == ("2023M06", "2023QMAT02", "2023Q2", "2023M06")
    assert pg.period_until("Y14D03", "2023Q3", "demo") == "2023QMAT02"
    with pytest.raises(ParameterError, match="no data that recent"):
        pg.setup("Slagelse", "2030Q1", "", "demo")
    with pytest.raises(ParameterError, match="no data that early"):
        pg.setup("Slagelse", "2010Q1", "", "demo")
    with pytest.raises(ParameterError, match="does not contain Slagelse"):
        pg.setup("Slagelse", "", "RAR Fyn", "demo")
    s = pg.setup("Slagelse", "", "Region Sjælland", "demo")
    assert any("Region Sjælland" in w for w in s.warnings)  # Jobindsats has no regions: said in Danish


def test_volume_and_sector_split_on_demo(demo_data):
    from analysis.data import load

    s = pg.setup("Slagelse", "", "", "demo")
    vol = pg.volume(s, "demo")
    assert set(vol["area"]) == {"Slagelse", "RAR Sjælland", "Hele landet"} and vol["period"].max() == "2024M12"
    summary = pg.volume_summary(vol, s).set_index("target_group")
    months = [f"2024M{m:02d}" for m in range(1, 13)]
    own = vol[(vol["area"] == "Slagelse") & (vol["target_group"] == "A-dagpenge") & vol["period"].isin(months)]
    assert summary.loc["A-dagpenge", "Slagelse"] == pytest.approx(own["activation_pct"].mean())
    split = pg.sector_split(s, "demo")
    rows = load.load_table("PTVC01", "demo", areas="Slagelse", measures="activated_persons", periods=months,
                           programme=pg.COMPANY_TOTAL, sector=["Privat", "Offentlig"], target_group=pg.AKTIVITETSPARAT)
    wide = rows.pivot(index="period", columns="sector", values="value").dropna()
    expected = 100 * wide["Privat"].sum() / (wide["Privat"].sum() + wide["Offentlig"].sum())
    got = split[(split["area"] == "Slagelse") & (split["target_group"] == pg.AKTIVITETSPARAT) & (split["period"] == "2024M12")]
    assert got["private_share_pct"].iloc[0] == pytest.approx(expected)
    assert split["private_share_pct"].dropna().between(0, 100).all()
    per = pg.completed_per_recipients(s, "demo")
    assert len(per) == 3 * 6 and (per["per_100_recipients"].dropna() > 0).all()


def test_employment_after_on_demo(demo_data):
    from statsmodels.stats.proportion import proportion_confint

    s = pg.setup("Læsø", "", "", "demo")  # a small municipality: suppressed cells
    after = pg.employment_after(s, "demo")
    assert set(after["area"]) == {"Læsø", "Hele landet"}
    ok = after.dropna(subset=["completed", "employed_share"])
    assert (ok["ci_low"] <= ok["employed_share"] + 1e-9).all() and (ok["employed_share"] <= ok["ci_high"] + 1e-9).all()
    row = ok[ok["area"] == "Hele landet"].iloc[-1]
    lo, hi = proportion_confint(row["employed"], row["completed"], method="wilson")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    small = after[after["suppressed"]]
    assert len(small) and small[["completed", "employed_share", "ci_low", "ci_high"]].isna().all().all()
    assert (after.loc[~after["suppressed"], "completed"] >= 5).all()
    compare = pg.compare_with_country(after, s)
    assert set(compare["verdict"]) <= {pg.VERDICT_HIGHER, pg.VERDICT_LOWER, pg.VERDICT_SAME, pg.VERDICT_TOO_FEW,
                                       pg.VERDICT_SUPPRESSED, pg.VERDICT_SUPPRESSED_SHARE, pg.VERDICT_NO_DATA}
    assert pg.VERDICT_TOO_FEW in set(compare["verdict"])


def test_all_or_none_shares_of_few_spells_are_hidden_on_demo(demo_data):
    """Issue 12, point 5: Læsø has rolling years where all or none of 5-9 completed spells ended in employment."""
    from analysis.data import load

    s = pg.setup("Læsø", "", "", "demo")
    raw = load.load_table("Y14D03", "demo", areas="Læsø", measures=["completed", "employed_share_pct"])
    wide = raw.pivot_table(index=["period", "programme", "target_group"], columns="measure", values="value").reset_index()
    extreme = wide[wide["completed"].between(5, 9) & wide["employed_share_pct"].isin([0, 100])]
    assert len(extreme) >= 3, "the demo should hold such cells for Læsø"
    after = pg.employment_after(s, "demo").set_index(["area", "period", "programme", "target_group"]).sort_index()
    for _, r in extreme.iterrows():
        row = after.loc[("Læsø", r["period"], r["programme"], r["target_group"])]
        assert row["share_suppressed"] and not row["suppressed"]
        assert row["completed"] == r["completed"]  # the count stays
        assert row[["employed", "employed_share", "ci_low", "ci_high"]].isna().all()
    shown = after[~after["share_suppressed"] & ~after["suppressed"]]
    small = shown[shown["completed"] < 10]
    assert len(small) and not small["employed_share"].isin([0, 100]).any()
    assert not after.loc["Hele landet", "share_suppressed"].any()  # the country never has groups that small
    compare = pg.compare_with_country(after.reset_index(), s, period=extreme["period"].iloc[0])
    key = extreme[extreme["period"] == extreme["period"].iloc[0]].iloc[0]
    row = compare[(compare["programme"] == key["programme"]) & (compare["target_group"] == key["target_group"])].iloc[0]
    assert row["verdict"] == pg.VERDICT_SUPPRESSED_SHARE and np.isnan(row["municipality_share"])


def test_placement_ranks_on_demo(demo_data):
    s = pg.setup("Slagelse", "", "", "demo")
    place = pg.placement(s, "demo", quarters=4)
    members = place[place["is_member"]]
    assert members["area"].nunique() == 17 and members["period"].nunique() == 4
    for _, g in members.groupby("period"):
        ranks = sorted(g["rank"].dropna().astype(int))
        assert ranks[0] == 1 and ranks[-1] <= len(g)
        manual = (g["placement_rate_pct"] > g.loc[g["area"] == "Slagelse", "placement_rate_pct"].iloc[0]).sum() + 1
        assert g.loc[g["area"] == "Slagelse", "rank"].iloc[0] == manual
    table = pg.placement_table(place, s)
    assert list(table["period"]) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert table["area_rate_pct"].notna().all()  # RAR Sjælland's own figure


# --------------------------------------------------------------------------- the notebook


def _run(tmp_path: Path, name: str, **parameters) -> tuple[Path, str]:
    return run_report_notebook(NOTEBOOK, tmp_path, name, **parameters)


def _no_english_numbers(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"kl\. \d{2}\.\d{2}", "", text)
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|Traceback|Warning", text)
    assert not re.search(r"\d\.\d{1,2}(?!\d)", text), re.search(r".{40}\d\.\d{1,2}(?!\d).{20}", text)


def _no_identifiers(tables: Path, extract: pd.DataFrame) -> None:
    """No CSV has an id column, an id value of the extract in any cell, or anything shaped like the demo ids."""
    ids = set(extract["person_id"].unique()) | set(extract["spell_id"].unique())
    files = sorted(tables.glob("*.csv"))
    assert files
    for csv in files:
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        assert not {"person_id", "spell_id"} & set(frame.columns), csv.name
        cells = set(pd.unique(frame.to_numpy().ravel()))
        assert not cells & ids, csv.name
        text = csv.read_text(encoding="utf-8")
        assert not re.search(r"\bP[0-9a-f]{8}\b|\bF\d{7}\b", text), csv.name


@pytest.mark.slow
@pytest.mark.parametrize("municipality", ["Slagelse", "Læsø"])
def test_notebook_runs_on_demo_data(demo_data, tmp_path, municipality):
    from analysis.data import load
    from analysis.sources.local import spells

    tables, html = _run(tmp_path, municipality, municipality=municipality, source="demo")
    assert "Demodata" in html and "Hovedpointer" in html and municipality in html
    _no_english_numbers(html)
    assert (tables / "business_programs__employment_after.csv").read_text(encoding="utf-8").splitlines()[0] == EMPLOYMENT_CSV
    assert (tables / "business_programs__adjusted_effects.csv").read_text(encoding="utf-8").splitlines()[0] == EFFECTS_CSV
    after = pd.read_csv(tables / "business_programs__employment_after.csv")
    assert set(after["area"]) == {municipality, "Hele landet"}
    assert (after["completed"].dropna() >= 5).all()  # suppressed cells are empty, never small numbers
    extract = load.local_input("spells", "demo")
    _no_identifiers(tables, extract)
    effects = pd.read_csv(tables / "business_programs__adjusted_effects.csv")
    assert list(effects["method"].unique()) == ["logit_ame", "ipw_ate"] and len(effects) == 8
    assert (effects["n"].dropna() >= 5).all()
    comparison = pd.read_csv(tables / "business_programs__employment_comparison.csv")
    assert {"rest_share", "p_value", "p_holm"} <= set(comparison.columns)
    tested = comparison["p_value"].notna()
    assert (comparison.loc[tested, "p_holm"] >= comparison.loc[tested, "p_value"]).all()
    # Issue 12: every method is stated in "Om tallene"
    about = html[html.index("Kilder:"):]
    for words in ("Holms metode", "resten af landet", "personen som enhed", "udtræksdatoen", "standardiserede forskel",
                  "0 % eller 100 %", "skjules desuden den mindste"):
        assert words in about, words
    summary = pd.read_csv(tables / "business_programs__spell_summary.csv")
    assert summary["programme"].iloc[-1] == "Alle tilbud"
    observed, recent = spells.split_by_outcome(spells.for_municipality(extract, municipality, until="2024-12-31"))
    assert summary["spells"].iloc[-1] == len(observed)  # the total row counts only spells with an outcome
    dropped = f"{len(recent):,}".replace(",", ".")
    assert f"{dropped} forløb, der sluttede senere, er derfor udeladt" in html and "31. januar 2025" in html
    if municipality == "Slagelse":
        assert effects["effect_pp"].notna().all() and "Sådan skal tallene læses" in html
        assert "ikke bevis for" in html and "Hvad viser tallene?" in html
        balance = pd.read_csv(tables / "business_programs__balance.csv")
        assert list(balance.columns) == ["programme", "covariate", "smd_before", "smd_after", "imbalanced"]
        assert set(balance["programme"]) == set(spells.COMPANY_PROGRAMMES)
        weights = pd.read_csv(tables / "business_programs__weights.csv")
        assert list(weights["programme"]) == [spells.REFERENCE_PROGRAMME, *spells.COMPANY_PROGRAMMES]
        assert "Ligner de vægtede grupper hinanden?" in html and "Effektivt antal forløb" in html
    else:  # about 30 spells: too few to estimate, said in Danish
        assert effects["effect_pp"].isna().all() and "for få afsluttede forløb i Læsø" in html
        assert "&lt;5" in html  # suppressed cells are marked


@pytest.mark.slow
def test_notebook_without_spells_for_the_municipality(demo_data, tmp_path, monkeypatch):
    """A jobcentre whose extract has no spells for it: the report says so, the rest runs."""
    root = tmp_path / "data"
    shutil.copytree(demo_data / "processed", root / "processed")
    local = root / "processed" / "demo" / "local" / "spells.parquet"
    frame = pd.read_parquet(local)
    frame[frame["kommunekode"] != "265"].to_parquet(local, index=False)  # no spells for Roskilde
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(root))
    tables, html = _run(tmp_path, "roskilde", municipality="Roskilde", source="demo")
    assert "ingen afsluttede forløb for Roskilde" in html
    assert not (tables / "business_programs__adjusted_effects.csv").exists()
    assert (tables / "business_programs__employment_after.csv").is_file()
    _no_english_numbers(html)


# --------------------------------------------------------------------------- publishing a key table


def test_publish_checks_for_identifiers_before_writing(tmp_path):
    """The notebook's former helper: a key table is written only when it holds no row-level data."""
    from analysis.core.errors import InputError
    from analysis.present.tables import TableSpec

    spec = TableSpec(columns_da={"programme": "Tilbudstype"}, notebook="business_programs", name="example",
                     headings_da={"programme": "Tilbudstype", "person_id": "Person", "spells": "Forløb"})
    ok = pd.DataFrame({"programme": ["Løntilskud"], "spells": [40]})
    pg.publish(ok, spec, tmp_path)
    written = tmp_path / "tables" / "business_programs__example.csv"
    assert written.read_text(encoding="utf-8").splitlines() == ["programme,spells", "Løntilskud,40"]
    written.unlink()
    with pytest.raises(InputError, match="example.*person_id"):
        pg.publish(ok.assign(person_id=["p1"]), spec, tmp_path)
    extract = pd.DataFrame({"spell_id": ["s-17"], "person_id": ["p-9"]})
    with pytest.raises(InputError, match="ids from the extract"):
        pg.table(ok.assign(programme=["p-9"]), spec, tmp_path, extract=extract)
    assert not written.exists()
