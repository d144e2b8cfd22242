import pandas as pd
import pytest

from analysis.core.errors import ParameterError
from analysis.reference import geography
from tests.conftest import REFERENCE_MUNICIPALITIES


def test_98_municipalities_8_rar_5_regions_and_the_country():
    areas = geography.areas()
    assert (areas["level"] == "kommune").sum() == 98
    assert (areas["level"] == "rar").sum() == 8
    assert (areas["level"] == "region").sum() == 5
    assert areas.loc[areas["level"] == "land", "name"].tolist() == ["Hele landet"]
    assert areas["code"].is_unique and areas["name"].is_unique


def test_matches_the_checked_reference_list():
    if not REFERENCE_MUNICIPALITIES.is_file():
        pytest.skip(f"reference list not present at {REFERENCE_MUNICIPALITIES}")
    ref = pd.read_csv(REFERENCE_MUNICIPALITIES, dtype=str)
    ours = geography.municipalities()
    merged = ref.merge(ours, left_on="kommunekode", right_on="code", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["kommune"] == merged["name"]).all()
    assert (merged["rar_2015_2024"] == merged["rar"]).all()
    assert (merged["region_x"] == merged["region_y"]).all()


@pytest.mark.parametrize("text", ["Slagelse", "slagelse", "  SLAGELSE ", "330", "Slagelse Kommune", "Jobcenter Slagelse"])
def test_lookup_by_name_or_code_ignores_case_and_whitespace(text):
    assert geography.municipality(text).code == "330"


def test_rar_sjaelland_has_the_17_documented_members():
    documented = {"Greve", "Køge", "Roskilde", "Solrød", "Odsherred", "Holbæk", "Faxe", "Kalundborg", "Ringsted",
                  "Slagelse", "Stevns", "Sorø", "Lejre", "Lolland", "Næstved", "Guldborgsund", "Vordingborg"}
    assert set(geography.members("RAR Sjælland")) == documented
    assert set(geography.members("Region Sjælland")) == documented
    assert geography.rar_of("Slagelse") == "RAR Sjælland"
    assert len(geography.members("Hele landet")) == 98


def test_unknown_name_suggests_closest():
    with pytest.raises(ParameterError, match=r"unknown municipality 'Slagelsee'.*did you mean 'Slagelse'"):
        geography.municipality("Slagelsee")


def test_a_rar_area_is_not_a_municipality():
    with pytest.raises(ParameterError, match="is a rar"):
        geography.municipality("RAR Sjælland")


def test_comparison_area_defaults_to_rar_and_must_contain_the_municipality():
    assert geography.comparison_area("Slagelse") == "RAR Sjælland"
    assert geography.comparison_area("Slagelse", "hele landet") == "Hele landet"
    with pytest.raises(ParameterError, match="does not contain Slagelse"):
        geography.comparison_area("Slagelse", "RAR Fyn")


def test_members_and_parents_agree_with_the_reference_table():
    """The cached lookups give what the table says, for every area; a caller may change its list freely."""
    kom = geography.municipalities()
    for rar, part in kom.groupby("rar"):
        members = geography.members(rar)
        assert len(members) == len(part) and set(members) == set(part["name"])
    for row in kom.itertuples():
        assert geography.rar_of(row.name) == row.rar and geography.region_of(row.code) == row.region
        assert geography.members(row.name) == [row.name]
    mine = geography.members("Region Sjælland")
    mine.append("x")
    assert "x" not in geography.members("Region Sjælland")
