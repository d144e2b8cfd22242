"""The Jobindsats API v3 on the wire: the URLs we ask and the answers we accept.

Used by :mod:`analysis.sources.jobindsats.api` (which decides what to ask). Documented (DATA-SOURCES.md):
``{base}/table/{id}?format=json``, ``{base}/data/{id}?mgroup.*=*&period.M=latest:14&hierarchy._nykom=/&format=json``
and the answer ``{"columns": [...], "rows": [[...], ...]}`` with a UTF-8 byte-order mark. Nothing
here sends a request or knows the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from analysis.core.errors import AnalysisError
from analysis.reference import tables
from analysis.reference.geography import normalise_label
from analysis.reference.periods import parse_period, sort_codes
from analysis.sources.fetching import ApiError, RejectedKeyError
from analysis.sources.http import BodyError

TOKEN_ENV = "JOBINDSATS_API_TOKEN"
REJECTED_KEY_TEXT = "Forkert nøgle eller nøglen er udløbet."
REJECTED_KEY = (
    f'the Jobindsats API rejected the key ("{REJECTED_KEY_TEXT}"): check {TOKEN_ENV} in the environment or .env, '
    "or request a new key from STAR (jobindsats@star.dk)"
)
#: Today's best reading of the v3 guide: the period type per kind of analysis.reference.periods.
V3_PERIOD_TYPES = {"M": "M", "Q": "Q", "QMAT": "QMAT"}


# --------------------------------------------------------------------------- URLs


def build_metadata_url(base: str, table_id: str) -> str:
    return f"{base.rstrip('/')}/table/{api_table_id(table_id)}?format=json"


def api_table_id(table_id: str) -> str:
    """The id as the v3 paths write it: lower case (ids are case-insensitive)."""
    return table_id.strip().lower()


def period_parameter(period_type: str, selection: list[str] | str, *, as_listed: bool = False) -> tuple[str, str]:
    """The v3 period selection: ``("period.M", "2024M07,2024M08")`` or ``("period.M", "latest:14")``.

    ``period_type`` is a kind of :mod:`analysis.reference.periods` (mapped by :data:`V3_PERIOD_TYPES`) or a
    type name as the table description spells it. Codes are written canonically, or exactly as
    given with ``as_listed`` (the spelling the description uses).
    """
    name = V3_PERIOD_TYPES.get(period_type, period_type)
    if not name:
        raise ValueError("period_parameter needs a period type")
    if isinstance(selection, str):
        if not re.fullmatch(r"latest:\d+", selection):
            raise ValueError(f"relative period selection {selection!r}; expected latest:N")
        return f"period.{name}", selection
    if not selection:
        raise ValueError("period_parameter needs at least one period")
    return f"period.{name}", ",".join(str(c).strip() if as_listed else parse_period(c).code for c in selection)


def build_data_url(
    base: str,
    table_id: str,
    period_type: str,
    selection: list[str] | str,
    hierarchies: Mapping[str, str],
    *,
    as_listed: bool = False,
) -> str:
    """``{base}/data/{id}?mgroup.*=*&period.<type>=<selection>&hierarchy.<h>=<sel>...&format=json``.

    Never contains the key (it travels in the Authorization header only).
    """
    params = [("mgroup.*", "*"), period_parameter(period_type, selection, as_listed=as_listed)]
    params += [(f"hierarchy.{h}", sel) for h, sel in hierarchies.items()]
    params.append(("format", "json"))
    return f"{base.rstrip('/')}/data/{api_table_id(table_id)}?" + urlencode(params, safe="*/:,._")


# --------------------------------------------------------------------------- responses


_PERIOD_COLUMNS = {normalise_label(x) for x in (*tables.PERIOD_LABELS, "Periode", "Period")}
_AREA_COLUMNS = {normalise_label(x) for x in tables.AREA_LABELS}


@dataclass
class V3Body:
    data: dict
    labels: list[str]
    rows: list[list]
    period_index: int | None
    periods: list[str]  # sorted distinct canonical codes
    kinds: set[str] = field(default_factory=set)

    def area_index(self) -> int | None:
        for i, label in enumerate(self.labels):
            if normalise_label(label) in _AREA_COLUMNS:
                return i
        return None

    def _serialise(self, rows: list[list]) -> bytes:
        data = dict(self.data)
        data["rows"] = rows
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def without_periods(self, drop: set[str]) -> tuple[bytes, int]:
        """The body re-serialised without the rows of these periods, and how many rows remain."""
        kept = [r for r in self.rows if parse_period(str(r[self.period_index])).code not in drop]
        return self._serialise(kept), len(kept)

    def duplicate_rows(self) -> int:
        seen: set[str] = set()
        count = 0
        for r in self.rows:
            key = json.dumps(r, ensure_ascii=False)
            count += key in seen
            seen.add(key)
        return count

    def without_duplicates(self) -> tuple[bytes, int]:
        seen: set[str] = set()
        kept = []
        for r in self.rows:
            key = json.dumps(r, ensure_ascii=False)
            if key not in seen:
                seen.add(key)
                kept.append(r)
        return self._serialise(kept), len(kept)


def _label(column) -> str:
    if isinstance(column, dict):
        for key in ("label", "name", "column_name", "text", "id"):
            if column.get(key):
                return str(column[key])
        return ""
    return str(column)


def parse_v3(body: bytes, spec: tables.TableSpec, *, _check_key: bool = False, check_kinds: bool = True) -> V3Body:
    """Parse and check a v3 data body. Truncation-like faults raise BodyError (worth retrying);
    a well-formed body of an unexpected shape raises ApiError, as do periods of another kind
    than the table's unless ``check_kinds`` is false."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"{spec.id}: the response is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if _check_key and REJECTED_KEY_TEXT.casefold().rstrip(".") in text[:500].casefold():
        raise RejectedKeyError(REJECTED_KEY)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BodyError(f"{spec.id}: the response is incomplete or not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list) or not isinstance(data.get("rows"), list):
        raise ApiError(f"{spec.id}: the response is not a v3 table (expected {{\"columns\": [...], \"rows\": [...]}})")
    labels = [_label(c) for c in data["columns"]]
    rows = data["rows"]
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != len(labels):
            size = len(row) if isinstance(row, list) else type(row).__name__
            raise BodyError(f"{spec.id}: row {number} of the response has {size} cells, expected {len(labels)}")
    period_index = _period_column(labels, rows)
    if rows and period_index is None:
        raise ApiError(f"{spec.id}: the response has no period column (columns: {', '.join(labels)})")
    codes: set[str] = set()
    kinds: set[str] = set()
    if rows:
        for number, row in enumerate(rows, 1):
            try:
                p = parse_period(str(row[period_index]))
            except AnalysisError:
                raise ApiError(
                    f"{spec.id}: row {number} of the response has period {row[period_index]!r}; "
                    "expected a code like 2023M01, 2023Q1 or 2022QMAT04"
                ) from None
            if check_kinds and p.kind not in spec.period_kinds:
                raise ApiError(f"{spec.id}: the response has {p.kind} period {p.code}; expected {'/'.join(spec.period_kinds)}")
            codes.add(p.code)
            kinds.add(p.kind)
    return V3Body(data, labels, rows, period_index, sort_codes(codes), kinds)


def _period_column(labels: list[str], rows: list[list]) -> int | None:
    for i, label in enumerate(labels):
        if normalise_label(label) in _PERIOD_COLUMNS:
            return i
    if not rows:
        return None
    for i in range(len(labels)):
        try:
            for row in rows[:50]:
                parse_period(str(row[i]))
        except AnalysisError:
            continue
        return i
    return None
