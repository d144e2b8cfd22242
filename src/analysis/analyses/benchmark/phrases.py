"""The benchmark's Danish vocabulary: how a period, a number of places or persons, an area reads in a sentence.

Small pure functions shared by the parameter check (:mod:`~analysis.analyses.benchmark.compute`), the
report tables (:mod:`~analysis.analyses.benchmark.display`), the sentences and the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.present import formats as fmt
from analysis.reference import geography
from analysis.reference import periods as periodsmod


def year_text(year) -> str:
    """A year for tables, without a thousands separator ("2023"); missing is "–"."""
    return fmt.MISSING if fmt.is_missing(year) else str(int(float(year)))


# --------------------------------------------------------------------------- Danish text


def period_phrase(code: str) -> str:
    """How a benchmark period reads in a sentence: "2021" (a calendar year) or "året til og med 2. kvt. 2021"."""
    p = periodsmod.parse_period(code)
    if p.kind == "QMAT" and p.end.month == 12:
        return str(p.end.year)
    if p.kind == "QMAT":
        return f"året til og med {(p.end.month - 1) // 3 + 1}. kvt. {p.end.year}"
    return p.label_da


def period_tick(code: str) -> str:
    """A short axis label: "2021" for a calendar year, "2. kvt. 2021" (year to) otherwise."""
    p = periodsmod.parse_period(code)
    if p.kind == "QMAT" and p.end.month == 12:
        return str(p.end.year)
    if p.kind == "QMAT":
        return f"{(p.end.month - 1) // 3 + 1}. kvt.\n{p.end.year}"
    return p.label_da


def join_da(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def persons_text(x: float) -> str:
    """Full-time persons for prose: whole tens from 10 up ("ca." is added by the caller)."""
    x = abs(float(x))
    return fmt.number(round(x / 10.0) * 10 if x >= 10 else round(x))


def in_area(area: str) -> str:
    """ "i RAR Sjælland", but "i landet" for Hele landet."""
    return "i landet" if area == geography.COUNTRY else f"i {area}"


def full_stop(text: str) -> str:
    """End a sentence with exactly one full stop (texts may end in an abbreviation like "mv." or "kr.")."""
    text = text.strip()
    return text if text.endswith(".") else text + "."


def level_phrase(diff: float) -> str:
    """ "60 over det forventede niveau" / "150 under ..." / "på det forventede niveau"."""
    if diff == 0:
        return "på det forventede niveau"
    return f"{fmt.number(abs(diff))} {'under' if diff < 0 else 'over'} det forventede niveau"


def places_phrase(n: int) -> str:
    return f"{n} plads" if abs(n) == 1 else f"{n} pladser"


def place_count_phrase(x: float) -> str:
    """A number of places for prose, unsigned: "1 plads", "6 pladser", "12,5 pladser" (Shapley halves)."""
    x = abs(float(x))
    text = fmt.number(x, 0 if float(x).is_integer() else 1)
    return f"{text} plads" if x == 1 else f"{text} pladser"


def places_text(x: float) -> str:
    """A signed number of places for tables: "+25", "-6", "+4,5" (Shapley halves), "0"; missing is "–"."""
    if fmt.is_missing(x):
        return fmt.MISSING
    return fmt.signed(x, 0 if float(x).is_integer() else 1)


def moved_phrase(x: float, up: str = "op", down: str = "ned") -> str:
    return f"{place_count_phrase(x)} {up if x > 0 else down}"
