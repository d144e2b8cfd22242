"""The jobcentre's own extract of completed programme spells (``forloeb.csv``) and its privacy rules.

Jobindsats publishes employment after company-based programmes only as shares per area. To
adjust for who the participants are, the jobcentre extracts its own completed spells from
its case system, one row per spell, pseudonymised. The file lives in
``data/raw/local/forloeb.csv`` (the demo version in ``data/raw/demo/local/`` is written by
``analysis demo``). ``analysis build`` validates it with :func:`read_local` and stores it as
the local input ``spells``; the notebook ``business_programs`` reads it with
``load.local_input("spells", source)`` and filters it to its own kommunekode.

File format
-----------
UTF-8 (a byte-order mark from Excel is fine), one header line, separated by ``,`` or ``;``
(whichever the header uses). Lines starting with ``#`` are comments; one of them says when the
extract was taken (see *Extract date* below). Headings are matched ignoring case and
surrounding spaces. Extra columns are not allowed (they could carry personal data nobody asked
for)::

    # extract_date: 2025-01-31
    spell_id,person_id,kommunekode,programme,target_group,start_date,end_date,age,sex,education,prior_benefit_weeks,employed_6m
    F0000001,P8e9b65cd,330,Privat virksomhedspraktik,A-dagpenge,2023-01-09,2023-02-17,45,K,Videregående,13,1

========================  ==============================================================================
column                    meaning
========================  ==============================================================================
``spell_id``              the spell's own id, unique in the file (any text; never a CPR number)
``person_id``             a **pseudonymous** person id (e.g. ``P`` + hex digits), the same for all spells of
                          one person; used only to count distinct persons. Never a CPR number.
``kommunekode``           the municipality responsible for the spell: kommunekode (``330``) or name
``programme``             ``Privat virksomhedspraktik``, ``Offentlig virksomhedspraktik``, ``Privat løntilskud``,
                          ``Offentlig løntilskud``, or ``Vejledning og opkvalificering`` (the non-company
                          reference group the effects are measured against)
``target_group``          ``A-dagpenge``, ``Kontanthjælp, aktivitetsparat``, ``Kontanthjælp, jobparat``,
                          ``Sygedagpenge``, ``Ressourceforløb``
``start_date``            first day of the spell, ``YYYY-MM-DD`` (``DD-MM-YYYY`` and ``DD.MM.YYYY`` also read)
``end_date``              last day of the spell, on or after ``start_date`` (completed spells only)
``age``                   age in whole years at the start, 15-70
``sex``                   ``K`` (kvinde) or ``M`` (mand)
``education``             highest completed education: ``Grundskole``, ``Gymnasial``, ``Erhvervsfaglig``,
                          ``Videregående``
``prior_benefit_weeks``   weeks on public benefits in the 52 weeks before the start, 0-52
``employed_6m``           1 if employed (ordinary paid work, no benefit) six months after ``end_date``, else 0
                          (a case system writes 0 also when the six months have not passed yet; see below)
``extract_date``          *optional*: the extract date (below), the same on every row
========================  ==============================================================================

Extract date
------------
A spell that ended less than six months before the extract was taken has no six-month outcome
yet: the case system records "not employed" (0) for it, which is not an outcome but a date that
has not come. The extract must therefore say when it was taken, in one of two ways:

- a comment line anywhere in the file (usually the first), ``# extract_date: YYYY-MM-DD`` (also
  ``# udtræksdato: YYYY-MM-DD``; ``=`` instead of ``:`` and day-first dates are read too), which
  is what a script exporting from the case system writes first; or
- a column ``extract_date`` with the same date on every row (easy to add in Excel).

If both are given they must agree. The date is the day the data were taken out of the case
system, not the period a report covers. :func:`read_local` refuses a file without one (one
message saying how to add it), a date that does not read, one after today, and spells that end
after it. :func:`outcome_observed` is True for a spell whose ``end_date`` plus
:data:`OUTCOME_MONTHS` months is on or before the extract date; the analyses use only those
(:func:`split_by_outcome`) and say how many were left out.

Validation
----------
:func:`read_local` collects every problem and raises one :class:`~analysis.core.errors.InputError`
naming the file, each problem and the first few line numbers where it occurs (line 1 is the
header): missing or unknown columns, empty required cells, values outside the lists above,
impossible dates (unreadable, or ``end_date`` before ``start_date``), duplicate ``spell_id``
or the same person with the same programme and dates twice, and **CPR-like values**
(``DDMMYY-XXXX``, ``DDMMYYXXXX``, ``DD.MM.YY-XXXX``, ``DDMMYY XXXX``, ``DDMMYY/XXXX``, with or
without the century; :mod:`analysis.sources.local.cpr`) in any column. The message never repeats an
identifier value, so it can be pasted into a ticket.

Processed form (what :func:`read_local` returns): the twelve columns above, typed
(``start_date``/``end_date`` datetime64, ``age``/``prior_benefit_weeks``/``employed_6m`` int64,
the rest str; ``kommunekode`` is the canonical three-digit code), plus ``extract_date``
(datetime64, the same on every row, from the comment line or the column) and ``source_row``
(the line number in the file).

Privacy
-------
``spell_id`` and ``person_id`` (:data:`IDENTIFIER_COLUMNS`) are row-level identifiers. They
stay inside the notebook: :func:`drop_identifiers` removes them, and
:func:`check_publishable` refuses any frame that still has them (or any other row-level
column such as dates of birth, or CPR-like values) before a table is shown or saved.
"""

from __future__ import annotations

import csv
import io
import re
import weakref
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError
from analysis.reference import geography
from analysis.sources.local.cpr import CPR_PATTERN, cpr_like
from analysis.sources.local.csv_text import read_csv_text

FILENAME = "forloeb.csv"
NAME = "spells"

REFERENCE_PROGRAMME = "Vejledning og opkvalificering"
COMPANY_PROGRAMMES = (
    "Privat virksomhedspraktik",
    "Offentlig virksomhedspraktik",
    "Privat løntilskud",
    "Offentlig løntilskud",
)
PROGRAMMES = (*COMPANY_PROGRAMMES, REFERENCE_PROGRAMME)
TARGET_GROUPS = (
    "A-dagpenge",
    "Kontanthjælp, aktivitetsparat",
    "Kontanthjælp, jobparat",
    "Sygedagpenge",
    "Ressourceforløb",
)
EDUCATIONS = ("Grundskole", "Gymnasial", "Erhvervsfaglig", "Videregående")
SEXES = ("K", "M")

COLUMNS = (
    "spell_id",
    "person_id",
    "kommunekode",
    "programme",
    "target_group",
    "start_date",
    "end_date",
    "age",
    "sex",
    "education",
    "prior_benefit_weeks",
    "employed_6m",
)
EXTRACT_DATE = "extract_date"  # optional column; or the comment line "# extract_date: YYYY-MM-DD"
OPTIONAL_COLUMNS = (EXTRACT_DATE,)
OUTCOME_MONTHS = 6  # employed_6m is known once this many months have passed after end_date
# "# extract_date: 2025-01-31", "# Udtræksdato = 31-01-2025"
EXTRACT_DATE_LINE = re.compile(r"^#\s*(?:extract[_ ]date|udtræksdato|udtraeksdato)\s*[:=]\s*(?P<date>\S*)\s*$",
                               re.IGNORECASE)
IDENTIFIER_COLUMNS = ("spell_id", "person_id")
# Columns that describe one spell or one person; never in a published table.
ROW_LEVEL_COLUMNS = (*IDENTIFIER_COLUMNS, "start_date", "end_date", "source_row", "cpr", "cpr_nr", "cprnr", "navn", "name")
ADD_EXTRACT_DATE = ("add the day the extract was taken from the case system as a first line "
                    "'# extract_date: YYYY-MM-DD' (or a column extract_date with that date on every row); "
                    "spells that ended less than six months before it have no six-month outcome yet")

AGE_RANGE = (15, 70)
WEEKS_RANGE = (0, 52)
MAX_ROWS_NAMED = 5  # line numbers named per problem


LABELS_DA = {
    "spell_id": "Forløbs-id",
    "person_id": "Person-id (pseudonym)",
    "kommunekode": "Kommunekode",
    "programme": "Tilbudstype",
    "target_group": "Målgruppe",
    "start_date": "Startdato",
    "end_date": "Slutdato",
    "age": "Alder",
    "sex": "Køn",
    "education": "Uddannelse",
    "prior_benefit_weeks": "Uger på offentlig forsørgelse året før",
    "employed_6m": "I beskæftigelse 6 måneder efter",
    "extract_date": "Udtræksdato",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().casefold()


def _display_path(path: Path, data_root: Path | None) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(data_root).resolve())) if data_root else str(path)
    except ValueError:
        return str(path)


def _lines(numbers) -> str:
    numbers = [int(n) for n in numbers]
    shown = ", ".join(str(n) for n in numbers[:MAX_ROWS_NAMED])
    more = f" and {len(numbers) - MAX_ROWS_NAMED} more" if len(numbers) > MAX_ROWS_NAMED else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates first, then Danish day-first forms; NaT where neither reads."""
    text = values.str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    for form in ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        missing = iso.isna() & text.ne("")
        if not missing.any():
            break
        iso = iso.fillna(pd.to_datetime(text.where(missing), format=form, errors="coerce"))
    return iso.astype("datetime64[ns]")


def _integers(values: pd.Series) -> pd.Series:
    """Whole numbers (``"45"``, ``"45.0"``); NaN where not a whole number."""
    num = pd.to_numeric(values.str.strip().str.replace(",", ".", regex=False), errors="coerce")
    return num.where(np.isfinite(num) & (num == np.round(num)))


def _municipality_codes(values: pd.Series) -> pd.Series:
    """Canonical kommunekode for each distinct value (code, zero-padded code or name); None where unknown."""
    mapping = {}
    for value in values.unique():
        v = str(value).strip()
        found = geography.find_area(v.lstrip("0") or v)
        mapping[value] = found.code if found is not None and found.level == "kommune" else None
    return values.map(mapping)


def _read_text(path: Path, where: str) -> tuple[pd.DataFrame, int, tuple[tuple[int, str], ...]]:
    """All cells as str, with the file line number of each row; returns (frame, header line, comment lines)."""
    text = read_csv_text(path, where, ",".join(COLUMNS))
    header_line, sep, content = text.header_line, text.sep, text.lines
    body = "\n".join(line for _, line in content)
    try:
        frame = pd.read_csv(io.StringIO(body), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{where}: cannot be read as a {sep!r}-separated file: {str(exc).splitlines()[0]}") from None
    frame = frame.fillna("")
    rows = [i for i, _ in content[1:]]
    if len(rows) != len(frame):  # a quoted field spanning lines: fall back to data-row numbers + header
        rows = list(range(header_line + 1, header_line + 1 + len(frame)))
    frame["source_row"] = rows
    return frame, header_line, text.comments


def read_local(path: Path | str, data_root: Path | str | None = None) -> pd.DataFrame:
    """Read and validate ``forloeb.csv``; one InputError names the file, every problem and its lines."""
    path = Path(path)
    where = _display_path(path, Path(data_root) if data_root else None)
    raw, header_line, comments = _read_text(path, where)

    # Columns: match headings ignoring case and spaces; no unknown and no missing ones.
    headings = {c: _norm(c) for c in raw.columns if c != "source_row"}
    known = {_norm(c): c for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
    unknown = [c for c, n in headings.items() if n not in known]
    present = {known[n] for n in headings.values() if n in known}
    missing = [c for c in COLUMNS if c not in present]
    problems = []
    if missing:
        problems.append(f"line {header_line}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        problems.append(f"line {header_line}: unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(repr(c) for c in unknown)} (extra columns are not allowed; they may carry personal data)")
    # CPR-like values anywhere (checked before anything else is said about the rows; values never repeated).
    for column in [c for c in raw.columns if c != "source_row"]:
        hit = cpr_like(raw[column])
        if hit.any():
            name = known.get(_norm(column), column)
            problems.append(f"{_lines(raw.loc[hit, 'source_row'])}: column {name!r} holds CPR-like values "
                            "(DDMMYY-XXXX); the extract must use pseudonymous ids and publishing is refused")
    if missing or unknown:
        raise InputError(f"{where}: " + "; ".join(problems) + f". Expected the columns {','.join(COLUMNS)}")
    frame = raw.rename(columns={c: known[n] for c, n in headings.items()})
    has_date_column = EXTRACT_DATE in frame.columns
    frame = frame[[*COLUMNS, *([EXTRACT_DATE] if has_date_column else []), "source_row"]].copy()
    for column in COLUMNS:
        frame[column] = frame[column].str.strip()

    def check(mask: pd.Series, what: str) -> None:
        if mask.any():
            problems.append(f"{_lines(frame.loc[mask, 'source_row'])}: {what}")

    empty = frame[list(COLUMNS)].eq("")
    for column in COLUMNS:
        check(empty[column], f"column {column!r} is empty")

    def domain(column: str, allowed: tuple[str, ...]) -> None:
        lookup = {_norm(a): a for a in allowed}
        mapped = frame[column].map({v: lookup.get(_norm(v)) for v in frame[column].unique()})
        check(mapped.isna() & ~empty[column], f"column {column!r} has a value that is not one of: {', '.join(allowed)}")
        frame[column] = mapped.fillna(frame[column])

    domain("programme", PROGRAMMES)
    domain("target_group", TARGET_GROUPS)
    domain("education", EDUCATIONS)
    domain("sex", SEXES)

    codes = _municipality_codes(frame["kommunekode"])
    check(codes.isna() & ~empty["kommunekode"], "column 'kommunekode' is not a known kommunekode or municipality name")
    frame["kommunekode"] = codes.fillna(frame["kommunekode"])

    start, end = _parse_dates(frame["start_date"]), _parse_dates(frame["end_date"])
    check(start.isna() & ~empty["start_date"], "column 'start_date' is not a date (expected YYYY-MM-DD)")
    check(end.isna() & ~empty["end_date"], "column 'end_date' is not a date (expected YYYY-MM-DD)")
    check(end < start, "end_date is before start_date")

    age, weeks, employed = (_integers(frame[c]) for c in ("age", "prior_benefit_weeks", "employed_6m"))
    check(~age.between(*AGE_RANGE) & ~empty["age"], f"column 'age' is not a whole number from {AGE_RANGE[0]} to {AGE_RANGE[1]}")
    check(~weeks.between(*WEEKS_RANGE) & ~empty["prior_benefit_weeks"],
          f"column 'prior_benefit_weeks' is not a whole number from {WEEKS_RANGE[0]} to {WEEKS_RANGE[1]}")
    check(~employed.isin([0, 1]) & ~empty["employed_6m"], "column 'employed_6m' is not 0 or 1")

    dup_id = frame["spell_id"].duplicated(keep=False) & ~empty["spell_id"]
    check(dup_id, "duplicate spell_id (each spell must appear once)")
    same = frame.assign(_s=start, _e=end).duplicated(["person_id", "programme", "_s", "_e"], keep=False) & ~dup_id
    check(same & ~empty["person_id"], "duplicate spells: the same person_id, programme, start_date and end_date")

    extracted = _extract_date(frame, comments, header_line, problems)
    if extracted is not None:
        check(end > extracted, f"end_date is after the extract date {extracted:%Y-%m-%d} "
                               "(the extract holds completed spells only)")

    if problems:
        raise InputError(f"{where}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the spell extract: "
                         + "; ".join(problems) + f" (line {header_line} is the header; see analysis.sources.local.spells for the format)")

    frame["start_date"], frame["end_date"] = start, end
    frame["age"] = age.astype("int64")
    frame["prior_benefit_weeks"] = weeks.astype("int64")
    frame["employed_6m"] = employed.astype("int64")
    frame[EXTRACT_DATE] = pd.Series(extracted, index=frame.index).astype("datetime64[ns]")
    frame["source_row"] = frame["source_row"].astype("int64")
    return frame[[*COLUMNS, EXTRACT_DATE, "source_row"]].reset_index(drop=True)


def _extract_date(frame: pd.DataFrame, comments, header_line: int, problems: list[str]) -> pd.Timestamp | None:
    """The extract date from the comment line and/or the column; appends to ``problems`` and returns None when
    it cannot be determined."""
    found: list[tuple[str, pd.Timestamp]] = []  # (where it was read, date)
    for line_no, text in comments:
        match = EXTRACT_DATE_LINE.match(text)
        if match is None:
            continue
        value = _parse_dates(pd.Series([match["date"]]))[0]
        if pd.isna(value):
            problems.append(f"line {line_no}: the extract date {match['date']!r} is not a date (expected YYYY-MM-DD)")
            return None
        found.append((f"line {line_no}", value))
    if EXTRACT_DATE in frame.columns:
        text = frame[EXTRACT_DATE].str.strip()
        values = _parse_dates(text)
        bad = values.isna()
        if bad.any():
            problems.append(f"{_lines(frame.loc[bad, 'source_row'])}: column {EXTRACT_DATE!r} is empty or not a date "
                            "(expected YYYY-MM-DD, the same on every row)")
            return None
        first = values.iloc[0]
        differs = values != first
        if differs.any():
            problems.append(f"{_lines(frame.loc[differs, 'source_row'])}: column {EXTRACT_DATE!r} differs from line "
                            f"{frame['source_row'].iloc[0]} ({first:%Y-%m-%d}); an extract has one extract date")
            return None
        found.append((f"column {EXTRACT_DATE!r}", first))
    if not found:
        problems.append(f"line {header_line}: no extract date; {ADD_EXTRACT_DATE}")
        return None
    dates = {d for _, d in found}
    if len(dates) > 1:
        problems.append("the extract date is given more than once with different dates ("
                        + ", ".join(f"{where}: {d:%Y-%m-%d}" for where, d in found) + ")")
        return None
    date = found[0][1]
    if date > pd.Timestamp.today().normalize():
        problems.append(f"{found[0][0]}: the extract date {date:%Y-%m-%d} is in the future")
        return None
    return date


def extract_date(spells: pd.DataFrame) -> pd.Timestamp:
    """The extract date of a processed extract (see *Extract date* in the module docstring).

    Raises InputError when the frame has no single extract date (an extract built before the
    date was required: add the date to forloeb.csv and run ``analysis build`` again).
    """
    if EXTRACT_DATE not in spells.columns:
        raise InputError(f"the spell extract has no extract date; {ADD_EXTRACT_DATE}; then run `analysis build`")
    dates = pd.to_datetime(spells[EXTRACT_DATE]).dropna().unique()
    if len(dates) != 1:
        if len(dates) == 0 and len(spells) == 0:
            raise InputError("the spell extract is empty, so it has no extract date")
        raise InputError(f"the spell extract has {len(dates)} extract dates; expected one ({ADD_EXTRACT_DATE})")
    return pd.Timestamp(dates[0])


def outcome_observed(spells: pd.DataFrame, months: int = OUTCOME_MONTHS) -> pd.Series:
    """True for spells whose six-month outcome could be seen by the extract date: ``end_date`` + ``months``
    months on or before :func:`extract_date`."""
    if spells.empty:
        return pd.Series(False, index=spells.index)
    ends = pd.to_datetime(spells["end_date"])
    return (ends + pd.DateOffset(months=months)) <= extract_date(spells)


def last_observable_end(extract: pd.Timestamp, months: int = OUTCOME_MONTHS) -> pd.Timestamp:
    """The latest ``end_date`` whose outcome can be seen by ``extract`` (2025-01-31 -> 2024-07-31; 2024-09-30 ->
    2024-03-31, as 31 March + 6 months is 30 September)."""
    day = pd.Timestamp(extract) - pd.DateOffset(months=months)
    while day + pd.Timedelta(days=1) + pd.DateOffset(months=months) <= pd.Timestamp(extract):
        day += pd.Timedelta(days=1)
    return day


def split_by_outcome(spells: pd.DataFrame, months: int = OUTCOME_MONTHS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spells with an observable outcome, spells that ended too recently to have one) — see :func:`outcome_observed`."""
    seen = outcome_observed(spells, months)
    return spells.loc[seen].reset_index(drop=True), spells.loc[~seen].reset_index(drop=True)


def for_municipality(spells: pd.DataFrame, municipality: str, until=None) -> pd.DataFrame:
    """The spells of one municipality (name or kommunekode), optionally only those ended on or before ``until``
    (a date); empty when it has none."""
    code = geography.municipality(municipality).code
    part = spells.loc[spells["kommunekode"].astype(str) == code]
    if until is not None:
        ends = part["end_date"]
        if not pd.api.types.is_datetime64_any_dtype(ends):
            ends = pd.to_datetime(ends)
        part = part.loc[ends <= pd.Timestamp(until)]
    return part.reset_index(drop=True)


def drop_identifiers(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy without the row-level identifier columns (spell_id, person_id)."""
    return frame.drop(columns=[c for c in IDENTIFIER_COLUMNS if c in frame.columns])


def identifier_values(spells: pd.DataFrame) -> frozenset[str]:
    """Every spell_id and person_id of an extract (for :func:`check_publishable`; compute it once)."""
    cached = _ID_CACHE.get(id(spells))
    if cached is not None and cached[0]() is spells and cached[1] == len(spells):
        return cached[2]
    values = frozenset(str(v) for c in IDENTIFIER_COLUMNS if c in spells.columns for v in spells[c].unique())
    _ID_CACHE.clear()  # one extract at a time
    _ID_CACHE[id(spells)] = (weakref.ref(spells), len(spells), values)
    return values


_ID_CACHE: dict = {}


def check_publishable(frame: pd.DataFrame, what: str = "table", *, spells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return ``frame`` unchanged when it is safe to show or save; raise InputError when it is not.

    Refused: identifier or other row-level columns (:data:`ROW_LEVEL_COLUMNS`), CPR-like values
    in any text cell or the index, and, when the extract ``spells`` is given, any cell equal to
    one of its ``spell_id`` or ``person_id`` values. Only aggregates leave the notebook.
    """
    names = {_norm(x) for x in ROW_LEVEL_COLUMNS}
    bad = [str(c) for c in frame.columns if _norm(c) in names]
    if bad:
        raise InputError(f"refusing to publish {what}: it has row-level column(s) {', '.join(bad)}; "
                         "publish aggregates only (analysis.sources.local.spells.drop_identifiers)")
    texts = [frame[c].astype(str) for c in frame.columns
             if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    texts.append(pd.Series(frame.index.astype(str)))
    ids = identifier_values(spells) if spells is not None else frozenset()
    for values in texts:
        if values.str.contains(CPR_PATTERN, na=False).any():
            raise InputError(f"refusing to publish {what}: it holds CPR-like values")
        if ids and any(v in ids for v in values.unique()):
            raise InputError(f"refusing to publish {what}: it holds person or spell ids from the extract")
    return frame
