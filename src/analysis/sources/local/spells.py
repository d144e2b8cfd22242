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


def _lines(numbers, total: int | None = None) -> str:
    """``line 3`` / ``lines 3, 7, 9 and 12 more``: the first line numbers of a problem (``total``: how many in all)."""
    numbers = [int(n) for n in numbers]
    total = len(numbers) if total is None else total
    shown = ", ".join(str(n) for n in numbers[:MAX_ROWS_NAMED])
    more = f" and {total - MAX_ROWS_NAMED} more" if total > MAX_ROWS_NAMED else ""
    return f"line{'s' if total > 1 else ''} {shown}{more}"


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


# --------------------------------------------------------------------------- reading in bounded memory

BATCH_ROWS = 200_000  # rows parsed and checked at a time: the memory a file of any size needs is bounded by this


class _Problems:
    """The problems found, batch by batch: per problem its first line numbers and how many lines in all,
    in the order of the checks (so a message does not depend on how the file was cut into batches)."""

    def __init__(self) -> None:
        self.found: dict[tuple, list] = {}  # order -> [text, first line numbers, count]

    def add(self, order: tuple, text: str, rows) -> None:
        rows = np.asarray(rows)
        if not len(rows):
            return
        entry = self.found.setdefault(order, [text, [], 0])
        if len(entry[1]) < MAX_ROWS_NAMED:
            entry[1].extend(int(r) for r in rows[: MAX_ROWS_NAMED - len(entry[1])])
        entry[2] += len(rows)

    def lines(self) -> list[str]:
        return [f"{_lines(first, count)}: {text}" for _, (text, first, count) in sorted(self.found.items())]


class _SpellFile:
    """The content lines of the extract, read line by line and handed out in batches of parsed rows.

    The same lines as :func:`analysis.sources.local.csv_text.read_csv_text` keeps (no blank, ``#`` comment or
    separator-only lines; the separator is the one the header uses most), but never the whole text in
    memory: the file is scanned in blocks for its encoding first (:func:`analysis.sources.textfile.inspect`).
    """

    def __init__(self, path: Path, where: str):
        from analysis.sources import textfile

        self.path, self.where = path, where
        self.expected = ",".join(COLUMNS)
        info = textfile.inspect(path, where, f"a CSV file with the header {self.expected}")
        textfile.warn_if_cut_short(info, where, fetched=False)
        textfile.note_encoding(where, info.encoding)
        self.windows_1252 = info.encoding == textfile.WINDOWS_1252
        self.encoding = "utf-8-sig" if info.encoding == textfile.UTF8 else textfile.WINDOWS_1252
        self.header_line = 0
        self.header = ""
        self.sep = ","
        self.comments: list[tuple[int, str]] = []  # complete once every batch was read

    def batches(self, rows: int | None = None):
        """Yield DataFrames of about ``rows`` rows (default :data:`BATCH_ROWS`; every cell str) with ``source_row``."""
        rows = rows or BATCH_ROWS
        with open(self.path, encoding=self.encoding, newline=None) as f:
            number = 0
            while not self.header_line:
                line = f.readline()
                if not line:
                    raise InputError(f"{self.where}: the file is empty; expected a header line {self.expected}")
                number += 1
                if self._keep(number, line.rstrip("\n")):
                    self.header_line, self.header = number, line.rstrip("\n")
                    semicolons, commas = self.header.count(";"), self.header.count(",")
                    self.sep = "," if semicolons == commas else (";" if semicolons > commas else ",")
            # A line that may not be a data row starts with white space, the separator or a quote (or is empty).
            odd_start = re.compile(r'\n[\s"' + re.escape(self.sep) + "]")
            pieces: list[tuple[int, int, str]] = []  # (first line number, number of lines, text): consecutive data lines
            count, open_quote, first = 0, False, True
            while True:
                block = f.read(rows * 64)
                if not block:
                    break
                if not block.endswith("\n"):
                    block += f.readline()  # whole lines only
                text = block[:-1] if block.endswith("\n") else block
                n_lines = text.count("\n") + 1
                if "#" in text or odd_start.search(text) or not text[:1].strip() or text[0] in (self.sep, '"'):
                    for number_in, line in enumerate(text.split("\n"), number + 1):  # the slow path, line by line
                        if self._keep(number_in, line) and line.replace(self.sep, "").replace('"', "").strip():
                            pieces.append((number_in, 1, line))
                else:  # every line of the block is a data line
                    pieces.append((number + 1, n_lines, text))
                number += n_lines
                open_quote ^= bool(text.count('"') % 2)  # inside a quoted field that spans lines: not cut there
                count = sum(n for _, n, _ in pieces)
                if count >= rows and not open_quote:
                    yield self._parse(pieces, first)
                    pieces, first = [], False
        if pieces or first:
            yield self._parse(pieces, first)

    def _keep(self, number: int, line: str) -> bool:
        """False for a blank line and a ``#`` comment line (kept in :attr:`comments`)."""
        if not line.strip():
            return False
        if line.lstrip().startswith("#"):
            self.comments.append((number, line.strip()))
            return False
        return True

    def _parse(self, pieces: list[tuple[int, int, str]], first: bool) -> pd.DataFrame:
        from analysis.sources import textfile

        body = "\n".join([self.header, *(text for _, _, text in pieces)])
        if self.windows_1252:
            textfile.check_mojibake([body], self.where)
        try:
            frame = pd.read_csv(io.StringIO(body), sep=self.sep, dtype=str, na_filter=False,
                                quoting=csv.QUOTE_MINIMAL)  # every cell str; a missing one ""
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(f"{self.where}: cannot be read as a {self.sep!r}-separated file: {str(exc).splitlines()[0]}") from None
        del body
        rows = np.concatenate([np.arange(start, start + n, dtype="int64") for start, n, _ in pieces]) if pieces \
            else np.zeros(0, dtype="int64")
        if len(rows) != len(frame):  # a quoted field spanning lines: fall back to data-row numbers
            start = self.header_line + 1 if first else pieces[0][0]
            rows = np.arange(start, start + len(frame), dtype="int64")
        frame["source_row"] = rows
        return frame


CPR_MIN_DIGITS = 10  # a CPR number has ten digits; a value with fewer cannot hold one


def _distinct(values: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a column of text; the identifier columns (nearly every value distinct) as they are."""
    if _norm(column) in IDENTIFIER_COLUMNS:
        return np.arange(len(values)), values.to_numpy(dtype=object)
    return pd.factorize(values)


def _cpr_rows(codes: np.ndarray, uniques: np.ndarray) -> np.ndarray:
    """Which cells look like a CPR number (:func:`analysis.sources.local.cpr.cpr_like`), checked once per distinct
    value and only for values with at least ten digits (counted with numpy: most ids and dates have fewer)."""
    hit = np.zeros(len(uniques), dtype=bool)
    if len(uniques):
        lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
        short = lengths <= 64  # the digits of short values are counted at once; long ones go to the pattern
        candidates = ~short
        if short.any():
            text = np.asarray(uniques[short], dtype="U64" if lengths[short].max() > 32 else "U32")
            chars = text.view(np.uint32).reshape(len(text), -1)
            digits = ((chars >= ord("0")) & (chars <= ord("9"))).sum(axis=1)
            candidates[np.flatnonzero(short)] = digits >= CPR_MIN_DIGITS
        if candidates.any():
            hit[candidates] = cpr_like(pd.Series(uniques[candidates], dtype=object)).to_numpy()
    return hit[codes]


def _check_batch(raw: pd.DataFrame, rename: dict[str, str], problems: _Problems,
                 distinct_raw: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Check one batch of rows (every check that needs only the row itself) and return it typed: text columns
    stripped (and mapped to the canonical values), dates datetime64, whole numbers int64. Each column is
    checked and converted once per distinct value, which makes the many repeated values cheap."""
    frame = raw.rename(columns=rename)
    rows = frame["source_row"].to_numpy()
    out: dict[str, object] = {}
    empty: dict[str, np.ndarray] = {}
    distinct: dict[str, tuple[np.ndarray, pd.Series]] = {}
    by_name = {rename[c]: d for c, d in distinct_raw.items() if c in rename}
    for i, column in enumerate(COLUMNS):
        codes, uniques = by_name[column]
        stripped = pd.Series([u.strip() for u in uniques], dtype=object)
        distinct[column] = (codes, stripped)
        empty[column] = stripped.eq("").to_numpy()[codes]
        problems.add((2, i), f"column {column!r} is empty", rows[empty[column]])
        out[column] = stripped.to_numpy()[codes]

    def domain(order: tuple, column: str, allowed: tuple[str, ...]) -> None:
        codes, stripped = distinct[column]
        lookup = {_norm(a): a for a in allowed}
        mapped = stripped.map({v: lookup.get(_norm(v)) for v in stripped})
        bad = (mapped.isna() & stripped.ne("")).to_numpy()[codes]
        problems.add(order, f"column {column!r} has a value that is not one of: {', '.join(allowed)}", rows[bad])
        out[column] = mapped.fillna(stripped).to_numpy()[codes]

    domain((3, 0), "programme", PROGRAMMES)
    domain((3, 1), "target_group", TARGET_GROUPS)
    domain((3, 2), "education", EDUCATIONS)
    domain((3, 3), "sex", SEXES)

    codes, stripped = distinct["kommunekode"]
    found = _municipality_codes(stripped)
    problems.add((4,), "column 'kommunekode' is not a known kommunekode or municipality name",
                 rows[(found.isna() & stripped.ne("")).to_numpy()[codes]])
    out["kommunekode"] = found.fillna(stripped).to_numpy()[codes]

    dates = {}
    for k, column in enumerate(("start_date", "end_date")):
        codes, stripped = distinct[column]
        parsed = _parse_dates(stripped)
        dates[column] = parsed.to_numpy()[codes]
        problems.add((5, k), f"column {column!r} is not a date (expected YYYY-MM-DD)",
                     rows[(parsed.isna() & stripped.ne("")).to_numpy()[codes]])
    problems.add((5, 2), "end_date is before start_date", rows[dates["end_date"] < dates["start_date"]])
    out.update(dates)

    checks = (("age", AGE_RANGE, f"column 'age' is not a whole number from {AGE_RANGE[0]} to {AGE_RANGE[1]}"),
              ("prior_benefit_weeks", WEEKS_RANGE,
               f"column 'prior_benefit_weeks' is not a whole number from {WEEKS_RANGE[0]} to {WEEKS_RANGE[1]}"),
              ("employed_6m", (0, 1), "column 'employed_6m' is not 0 or 1"))
    for k, (column, (low, high), what) in enumerate(checks):
        codes, stripped = distinct[column]
        number = _integers(stripped)
        good = (number.between(low, high) if column != "employed_6m" else number.isin([0, 1])).to_numpy()
        problems.add((6, k), what, rows[~good[codes] & ~empty[column]])
        out[column] = number.where(good, 0).astype("int64").to_numpy()[codes]
    if EXTRACT_DATE in frame.columns:
        out[EXTRACT_DATE] = frame[EXTRACT_DATE].to_numpy(dtype=object)
    out["source_row"] = rows
    return out


def _duplicated(*columns: np.ndarray) -> np.ndarray:
    """``duplicated(keep=False)`` of the rows of equally long columns (text, numbers or dates), exactly, but fast:
    rows are first compared by a 64-bit hash of their values, and only rows whose hashes repeat are compared by
    value (NaT equals NaT, as in pandas)."""
    n = len(columns[0])
    key = np.zeros(n, dtype=np.uint64)
    for column in columns:
        if column.dtype == object:
            hashed = np.fromiter(map(hash, column), dtype=np.int64, count=n).view(np.uint64)
        else:
            hashed = column.view(np.int64).view(np.uint64)
        key = key * np.uint64(1_000_003) ^ hashed  # wraps around on overflow, as intended
    candidates = np.flatnonzero(pd.Series(key).duplicated(keep=False).to_numpy())
    found = np.zeros(n, dtype=bool)
    if len(candidates):
        exact = pd.DataFrame({i: c[candidates] for i, c in enumerate(columns)}).duplicated(keep=False).to_numpy()
        found[candidates[exact]] = True
    return found


def read_local(path: Path | str, data_root: Path | str | None = None) -> pd.DataFrame:
    """Read and validate ``forloeb.csv``; one InputError names the file, every problem and its lines.

    The file is read in batches of :data:`BATCH_ROWS` rows, so an extract of any size is checked in bounded memory.
    """
    path = Path(path)
    where = _display_path(path, Path(data_root) if data_root else None)
    source = _SpellFile(path, where)
    problems = _Problems()
    parts: list[dict[str, np.ndarray]] = []
    header_problems: list[str] | None = None
    known = {_norm(c): c for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
    rename: dict[str, str] = {}
    for raw in source.batches():
        if header_problems is None:
            # Columns: match headings ignoring case and spaces; no unknown and no missing ones.
            headings = {c: _norm(c) for c in raw.columns if c != "source_row"}
            unknown = [c for c, n in headings.items() if n not in known]
            present = {known[n] for n in headings.values() if n in known}
            missing = [c for c in COLUMNS if c not in present]
            header_problems = []
            if missing:
                header_problems.append(f"line {source.header_line}: missing column{'s' if len(missing) > 1 else ''} "
                                       f"{', '.join(missing)}")
            if unknown:
                header_problems.append(f"line {source.header_line}: unknown column{'s' if len(unknown) > 1 else ''} "
                                       f"{', '.join(repr(c) for c in unknown)} (extra columns are not allowed; they may "
                                       "carry personal data)")
            rename = {c: known[n] for c, n in headings.items() if n in known}
        # CPR-like values anywhere (checked before anything else is said about the rows; values never repeated).
        distinct = {c: _distinct(raw[c], c) for c in raw.columns if c != "source_row"}
        for i, (column, (codes, uniques)) in enumerate(distinct.items()):
            name = known.get(_norm(column), column)
            problems.add((1, i), f"column {name!r} holds CPR-like values (DDMMYY-XXXX); the extract must use "
                                 "pseudonymous ids and publishing is refused",
                         raw["source_row"].to_numpy()[_cpr_rows(codes, uniques)])
        if not header_problems:
            parts.append(_check_batch(raw, rename, problems, distinct))
        del raw, distinct
    if header_problems:
        raise InputError(f"{where}: " + "; ".join(header_problems + problems.lines())
                         + f". Expected the columns {','.join(COLUMNS)}")
    columns = {c: np.concatenate([p[c] for p in parts]) if len(parts) > 1 else parts[0][c] for c in parts[0]}
    del parts
    rows = columns["source_row"]
    dup_id = _duplicated(columns["spell_id"]) & (columns["spell_id"] != "")
    problems.add((7, 0), "duplicate spell_id (each spell must appear once)", rows[dup_id])
    same = _duplicated(*(columns[c] for c in ("person_id", "programme", "start_date", "end_date"))) & ~dup_id
    problems.add((7, 1), "duplicate spells: the same person_id, programme, start_date and end_date",
                 rows[same & (columns["person_id"] != "")])
    found = problems.lines()
    dated = pd.DataFrame({c: columns[c] for c in (EXTRACT_DATE, "source_row") if c in columns})
    extracted = _extract_date(dated, tuple(source.comments), source.header_line, found)
    if extracted is not None:
        late = columns["end_date"] > np.datetime64(extracted)
        if late.any():
            found.append(f"{_lines(rows[late][:MAX_ROWS_NAMED], int(late.sum()))}: end_date is after the extract date "
                         f"{extracted:%Y-%m-%d} (the extract holds completed spells only)")
    if found:
        raise InputError(f"{where}: {len(found)} problem{'s' if len(found) > 1 else ''} in the spell extract: "
                         + "; ".join(found) + f" (line {source.header_line} is the header; see "
                         "analysis.sources.local.spells for the format)")
    typed = {c: columns.pop(c) for c in COLUMNS}
    for column in ("start_date", "end_date"):
        typed[column] = typed[column].astype("datetime64[ns]", copy=False)
    typed[EXTRACT_DATE] = np.full(len(rows), np.datetime64(extracted, "ns"))
    typed["source_row"] = rows
    return pd.DataFrame(typed)


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


def identifier_values(spells: pd.DataFrame) -> pd.Index:
    """Every spell_id and person_id of an extract as text (for :func:`check_publishable`).

    An Index, so that its hash table is built once per extract and each check only looks up
    the few distinct values of the table being published.
    """
    cached = _ID_CACHE.get(id(spells))
    if cached is not None and cached[0]() is spells and cached[1] == len(spells):
        return cached[2]
    columns = [spells[c].astype(str) for c in IDENTIFIER_COLUMNS if c in spells.columns]
    values = pd.Index(pd.concat(columns, ignore_index=True).unique() if columns else [], dtype=object)
    if len(_ID_CACHE) >= 4:  # a few extracts at a time (the whole extract and one municipality's part)
        _ID_CACHE.clear()
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
    ids = identifier_values(spells) if spells is not None else pd.Index([], dtype=object)
    for values in texts:
        if values.str.contains(CPR_PATTERN, na=False).any():
            raise InputError(f"refusing to publish {what}: it holds CPR-like values")
        if len(ids) and (ids.get_indexer(pd.Index(values.unique(), dtype=object)) >= 0).any():
            raise InputError(f"refusing to publish {what}: it holds person or spell ids from the extract")
    return frame
