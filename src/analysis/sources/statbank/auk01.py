"""What StatBank table AUK01 publishes: its variables' value codes and their texts in Danish and English.

AUK01 ("Offentligt forsørgede (fuldtidsmodtagere) efter område, ydelsestype, køn, alder og tid";
English "Persons receiving public benefits by region, type of benefits, sex, age and time") is
served with Danish texts (``lang=da``) or English texts (``lang=en``), or with codes
(``valuePresentation=Code``) or both (``CodeAndValue``: ``SY Sygedagpenge mv.``). The column
headers are the variable ids in either language (``OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD``);
quarters are ``2024K4`` in Danish and ``2024Q4`` in English.

:func:`canonical` turns a cell of any of these forms into one label: the Danish text below, so
a file saved in either language reads to the same tidy rows. A value that is not listed here is
kept as written (StatBank may add a benefit type) and the build says so.

``confirmed`` says whether the code and the text were checked against what StatBank serves
(a public copy of the table's metadata listing codes and Danish texts, and a public file saved
with ``lang=en``); the rest follow StatBank's naming and must be checked against
``/tableinfo`` for AUK01 when the table is first fetched (``analysis fetch --source dst`` saves
the answer's codes in the request it records).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.reference.geography import normalise_label

TABLE = "AUK01"


@dataclass(frozen=True)
class Value:
    code: str
    da: str  # the label the tidy rows carry
    en: str
    confirmed: bool  # code and Danish text checked; English text checked only where en_confirmed
    en_confirmed: bool = False


#: YDELSESTYPE: the totals and the benefit types the analyses use (AUK01 lists about 40).
BENEFIT_TYPES = (
    Value("TOT", "I alt", "Total", True),
    Value("TOTUSU", "I alt uden SU-modtagere", "Total excl. recipients of SU", True),
    Value("SU", "SU-modtagere", "Recipients of SU", True),
    Value("TOTLE", "Nettoledige i alt", "Net unemployed, total", True),
    Value("DP", "Nettoledige dagpengemodtagere", "Net unemployed recipients of unemployment benefits", True),
    Value("KT", "Nettoledige kontanthjælpsmodtagere", "Net unemployed recipients of social assistance", False, True),
    Value("AKDP", "Aktiverede dagpengemodtagere", "Activated recipients of unemployment benefits", False),
    Value("SY", "Sygedagpenge mv.", "Sickness benefits etc.", True),
    Value("LY", "Ledighedsydelse", "Unemployment allowance (flexi-job)", True),
    Value("RES", "Ressourceforløb", "Resource programme", True),
    Value("JA", "Jobafklaringsforløb", "Job clarification programme", True),
)

#: KØN: StatBank's Danish text of the total is "I alt"; the tidy model calls it "Køn i alt".
SEX = (
    Value("TOT", "Køn i alt", "Total", True, True),
    Value("M", "Mænd", "Men", True),
    Value("K", "Kvinder", "Women", True),
)

#: ALDER: the total and the age bands.
AGE = (
    Value("TOT", "Alder i alt", "Age, total", True, True),
    *(Value(band, f"{band} år", f"{band} years", True) for band in ("16-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59")),
    Value("6099", "60 år og derover", "60 years and over", True),
)

#: Area texts of the English StatBank that the model knows by another name.
AREA_ALIASES = {"All Denmark": "Hele landet", "Copenhagen": "København"}

_VARIABLES = {"benefit_type": BENEFIT_TYPES, "sex": SEX, "age": AGE}
# Danish texts StatBank uses that differ from the label kept (the totals of sex).
_EXTRA_DA = {"sex": {"I alt": "Køn i alt"}}


def _index(values: tuple[Value, ...], extra: dict[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for v in values:
        for form in (v.code, v.da, v.en, f"{v.code} {v.da}", f"{v.code} {v.en}"):
            index.setdefault(normalise_label(form), v.da)
    for text, label in extra.items():
        for v in values:
            if v.da == label:
                index[normalise_label(text)] = index[normalise_label(f"{v.code} {text}")] = label
    return index


_INDEX = {key: _index(values, _EXTRA_DA.get(key, {})) for key, values in _VARIABLES.items()}


def canonical(variable: str, text: str) -> str | None:
    """The label of a cell of a dimension (``benefit_type``, ``sex``, ``age``), or None when unknown."""
    return _INDEX[variable].get(normalise_label(text))


def benefit_type(code: str) -> Value:
    """The benefit type with this code (``KeyError`` when not listed)."""
    for v in BENEFIT_TYPES:
        if v.code == code:
            return v
    raise KeyError(f"AUK01 has no benefit type {code!r} listed in analysis.sources.statbank.auk01")


def unconfirmed() -> list[Value]:
    """The values whose code or Danish text is not checked against StatBank."""
    return [v for values in _VARIABLES.values() for v in values if not v.confirmed]
