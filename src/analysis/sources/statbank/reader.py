"""Reader for Statistics Denmark StatBank CSV files (``data/raw/dst/AUK01__2019Q1-2024Q4.csv``).

The format is what ``analysis fetch --source dst`` saves (and what statbank.dk's own CSV
download gives with Danish texts): ``;``-separated, a header of variable names
(``OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD``), decimal comma, ``..`` for a suppressed value,
quarters written ``2024K4``, UTF-8 with or without a byte-order mark.

- The table comes from the manifest beside the file (``<file>.manifest.json``) or from the
  name (``AUK01__...csv``, ``auk01.csv``).
- Areas are resolved with :func:`analysis.reference.geography.find_area`: municipality names or codes,
  ``Hele landet`` (code ``0``/``000``), regions; ``330 Slagelse`` (code and text) works too.
  StatBank's ``Landsdel ...``/``Province ...`` areas, Christiansø and ``Uoplyst`` (code 997) have no
  place in the model: their rows are left out, and the build summary says which and how many.
- Both label languages (``lang=da|en``) and value codes read to the same rows: ``All Denmark`` is
  ``Hele landet``, quarters ``2024Q4`` are ``2024K4``, and the values of the table's variables
  (``Sygedagpenge mv.``, ``Sickness benefits etc.``, ``SY``, ``SY Sygedagpenge mv.``; ``I alt``/``Total``
  for sex) become the Danish labels of :mod:`analysis.sources.statbank.auk01`. A value not listed
  there is kept as written, with a warning in the build summary.
- English headers (``AREA``, ``TIME``, ``type of benefits``) are accepted.
- The rest (dimension values, numbers, periods, validation) is :func:`analysis.sources.tidy.tidy`,
  so a bad value raises :class:`~analysis.core.errors.InputError` naming the file, the line and what
  was expected, exactly as for Jobindsats files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError
from analysis.reference import geography, tables
from analysis.reference.geography import normalise_label
from analysis.sources import textfile, tidy
from analysis.sources.statbank import auk01

AREA_HEADERS = {normalise_label(x) for x in ("OMRÅDE", "Område", "Omraade", "AREA", "Region", "Kommune")}
TIME_HEADERS = {normalise_label(x) for x in ("TID", "TIME", "Kvartal", "Quarter")}
VALUE_HEADERS = {normalise_label(x) for x in ("INDHOLD", "CONTENT", "Value", "Værdi")}
#: StatBank areas outside the model (NUTS-3 "landsdele", Christiansø, unknown municipality): rows for them are skipped.
#: As codes: 411 Christiansø, 997 Uoplyst, two digits a landsdel (municipalities have three, the country "0").
OUTSIDE_MODEL = re.compile(
    r"^(\d+\s+)?(landsdel\b|province\b|christiansø|christiansoe|uoplyst|unknown)|^(997|411|\d{2})(\s|$)", re.IGNORECASE
)
_REGION_CODE = re.compile(r"^08[1-5]$")
_CODE_AND_TEXT = re.compile(r"^(\d{1,4})\s+(\S.*)$")


def read_dst_file(path: Path, data_root: Path, *, compact: bool = False) -> pd.DataFrame:
    """Read one StatBank CSV into the tidy model (columns :func:`analysis.reference.model.columns_for`);
    ``compact``: text columns as categories (see :func:`analysis.sources.tidy.tidy`)."""
    path = Path(path)
    shown = _shown_name(path, data_root)
    spec = tables.spec(table_id_of(path), file=shown)
    if spec.source != "Danmarks Statistik":
        raise InputError(f"{shown}: {spec.id} is not a Statistics Denmark table; put Jobindsats files in data/raw/jobindsats/")
    text, info = textfile.read_text(path, shown, "a ';'-separated CSV file from StatBank")
    textfile.warn_if_cut_short(info, shown, fetched=textfile.has_fetch_manifest(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if not header or len(header) < 3:
        raise InputError(f"{shown}: no ';'-separated header; expected e.g. OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD")
    header = [h.strip() for h in header]
    renamed = _canonical_header(header, shown, spec)
    width = len(header)
    area_at = renamed.index("Område")
    value_maps = _value_columns(renamed, spec)
    rows, numbers = [], []
    skipped: dict[str, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(f"{shown} line {line_no}: {len(row)} fields, expected {width} as in the header (a truncated file?)")
        area_text = row[area_at].strip()
        if OUTSIDE_MODEL.match(area_text):
            skipped[area_text] = skipped.get(area_text, 0) + 1
            continue
        row = list(row)
        row[area_at] = _area_label(area_text)
        rows.append(row)
        numbers.append(line_no)
    if not rows:
        raise InputError(f"{shown}: no data rows for municipalities or the whole country after the header")
    if skipped:
        textfile.note(_skipped_note(shown, skipped))
    wide = pd.DataFrame(rows, columns=renamed, dtype=object)
    for column, variable in value_maps.items():
        wide[column] = _canonical_values(wide[column], variable, shown)
    return tidy.tidy(wide, np.asarray(numbers, dtype="int64"), spec, shown, compact=compact)


def _canonical_header(header: list[str], shown: str, spec: tables.TableSpec) -> list[str]:
    """Rename the area, time and value columns to labels the table registry knows."""
    out, seen = [], set()
    for h in header:
        norm = normalise_label(h)
        if norm in AREA_HEADERS:
            new = "Område"
        elif norm in TIME_HEADERS:
            new = "Tid"
        elif norm in VALUE_HEADERS and spec.match_measure(h) is None:
            new = spec.measures[0].label
        else:
            new = h
        if new in seen:
            raise InputError(f"{shown}: two columns are {new!r} (header: {';'.join(header)})")
        seen.add(new)
        out.append(new)
    for needed, what in (("Område", "an area column (OMRÅDE)"), ("Tid", "a time column (TID)")):
        if needed not in out:
            raise InputError(f"{shown}: no {what}; expected a header like OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD")
    if spec.measures[0].label not in out and not any(spec.match_measure(h) for h in out):
        raise InputError(f"{shown}: no value column (INDHOLD); expected a header like OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD")
    return out


def _value_columns(header: list[str], spec: tables.TableSpec) -> dict[str, str]:
    """Columns whose values :mod:`~analysis.sources.statbank.auk01` lists: column -> variable key."""
    if spec.id != auk01.TABLE:
        return {}
    out = {}
    for h in header:
        dim = spec.match_dimension(h)
        if dim is not None:
            out[h] = dim.key
    return out


def _canonical_values(column: pd.Series, variable: str, shown: str) -> pd.Series:
    """The Danish label of every value (code, Danish or English text); an unknown value is kept, with a warning."""
    texts = column.astype(str).str.strip()
    labels = {}
    for text in texts.unique():
        label = auk01.canonical(variable, text)
        if label is None:
            textfile.warn(f"{shown}: {variable} {text!r} is not a value of AUK01 listed in analysis.sources.statbank.auk01; kept as written")
            label = text
        labels[text] = label
    return texts.map(labels)


def _skipped_note(shown: str, skipped: dict[str, int]) -> str:
    names = sorted(skipped)
    listed = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{shown}: skipped {sum(skipped.values())} rows of {len(names)} areas outside the model ({listed})"


def _area_label(text: str) -> str:
    """``330 Slagelse`` -> ``Slagelse`` when only the code-and-text form is known; ``All Denmark`` ->
    ``Hele landet``; else unchanged."""
    text = auk01.AREA_ALIASES.get(text, text)
    if geography.find_area(text) is not None:
        return text
    if _REGION_CODE.match(text):  # StatBank's region codes 081-085 are 1081-1085 in the model
        return "1" + text
    match = _CODE_AND_TEXT.match(text)
    if match:
        for candidate in (auk01.AREA_ALIASES.get(match.group(2), match.group(2)), match.group(1)):
            if geography.find_area(candidate) is not None:
                return candidate
    return text


def table_id_of(path: Path) -> str:
    """The table of a StatBank file: from its fetch manifest, else from its name (``AUK01__...csv``)."""
    manifest = path.with_name(path.name + ".manifest.json")
    if manifest.is_file():
        try:
            return str(json.loads(manifest.read_text(encoding="utf-8"))["table"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    stem = path.name.split(".", 1)[0]
    return re.split(r"__|[_\-\s]", stem, maxsplit=1)[0]


def _shown_name(path: Path, data_root: Path | None) -> str:
    if data_root is not None:
        try:
            return path.resolve().relative_to(Path(data_root).resolve()).as_posix()
        except ValueError:
            pass
    return path.name
