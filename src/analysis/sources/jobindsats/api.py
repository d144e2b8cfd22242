"""Fetching from the Jobindsats API v3 (used by :mod:`analysis.sources.fetch`).

Every request carries ``Authorization: Bearer <JOBINDSATS_API_TOKEN>``, and only over HTTPS
(plain ``http://`` only to a loopback test server: :func:`analysis.sources.http.require_secure_url`).

Per table:

1. ``GET {base}/table/{id}?format=json``: the table description (404 -> unknown table). It is
   read by :mod:`analysis.sources.jobindsats.description` for the period types and periods it lists,
   the area hierarchies and the hierarchies of the registry's dimensions. If its shape is not
   understood, the fetch falls back to the fixed guesses below and lets the data answers decide.
2. ``GET {base}/data/{id}?mgroup.*=*&period.<type>=<selection>&hierarchy.<h>=*...&format=json``:
   every measure group, the wanted periods, the chosen area hierarchies and every value of the
   dimensions the registry (:mod:`analysis.reference.tables`) lists. The answer,
   ``{"columns": [...], "rows": [[...], ...]}`` (with a UTF-8 byte-order mark), is saved verbatim
   when it holds exactly the wanted periods.

What is documented and what is discovered (DATA-SOURCES.md): ``period.M=latest:14``,
``hierarchy._nykom=/`` (total) and ``=*`` (all) and ``mgroup.*=*`` are documented. Everything
else is discovered per table and recorded in the manifest of the saved file, so the next
fetch asks the right way at once:

- **Period type** (``period_type``). Tried in this order until the service accepts one -- that
  is, answers 2xx with rows of the table's period kind: the type recorded by the last fetch;
  the types in ``JOBINDSATS_PERIOD_TYPES`` (e.g. ``M,Q,QMAT``); the types the description lists
  for the table's kind, then those it lists whose kind is unknown, then the usual name of the
  kind (``M``, ``Q``, ``QMAT``); and, when the description names no type of a known kind, the
  fixed order :data:`FALLBACK_PERIOD_TYPES` (``M``, ``Q``, ``QMAT``, then the yearly ``A`` and
  ``Y``), leaving out the names that plainly hold another kind than the table's (a monthly type
  can never answer with the benchmark's rolling years).
- **Period selection** (``period_selection``). An explicit list of the wanted codes
  (``period.M=2024M07,2024M08``, written the way the description spells them). Refused with
  400/422, the fetch asks for a relative selection, ``latest:N`` with N covering the oldest
  wanted period up to the latest published one, and keeps only the wanted periods (the
  manifest's ``note`` then says the file is not the verbatim answer). An answer "only N
  periods are available" is followed once with that N.
- **Areas** (``area_hierarchies``). The hierarchies for the municipalities, the country and the
  regional level -- the RAR areas for periods before 2025, the regional councils for periods
  from 2025 -- chosen from those the description lists, by their values, id and label
  (:mod:`analysis.sources.jobindsats.description`); ``_nykom`` when it lists none. Should the service
  refuse them together, the municipalities' hierarchy alone is asked. ``JOBINDSATS_AREA_HIERARCHIES``
  (e.g. ``_nykom,_rar``) overrides the choice.
- **Regional level per period** (``regional_level``): which periods' rows hold RAR areas and
  which the regional councils, for the reports (:mod:`analysis.reference.regional`).

An answer is checked before it is saved: every registry measure and dimension must be in it
and no column the build would refuse (:func:`analysis.sources.jobindsats.check.match_labels`), and every area
must be known to :mod:`analysis.reference.geography`. A table that fails this, or that the service will not
answer in any of the ways above, is not saved; it fails with the row ``analysis fetch --check``
prints for it, naming what to change.

Modules: :mod:`analysis.sources.jobindsats.v3` (URLs and answers), :mod:`analysis.sources.jobindsats.description`
(reading a description), :mod:`analysis.sources.jobindsats.check` (labels against the registry, the rows),
:mod:`analysis.reference.regional` (the regional level before and after 2025).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core import paths
from analysis.core.errors import InputError
from analysis.reference import geography, regional, tables
from analysis.reference.geography import normalise_label
from analysis.reference.periods import parse_period, shift, sort_codes
from analysis.sources.fetching import (
    ApiError,
    Context,
    Download,
    MissingKeyError,
    RejectedKeyError,
    UnknownTableError,
)
from analysis.sources.fetching import base_url as _base_url
from analysis.sources.fetching import calendar_periods, periods_to_fetch, read_manifests, read_setting
from analysis.sources.http import BodyError, Fetched, RetryPolicy, fetch, make_session, require_secure_url
from analysis.sources.jobindsats import check
from analysis.sources.jobindsats.description import (
    COUNTRY,
    MUNICIPALITIES,
    RAR,
    REGION,
    ROLE_NAMES,
    Hierarchy,
    TableInfo,
    parse_description,
)
from analysis.sources.jobindsats.v3 import (
    REJECTED_KEY,
    REJECTED_KEY_TEXT,
    TOKEN_ENV,
    V3_PERIOD_TYPES,
    V3Body,
    build_data_url,
    build_metadata_url,
    parse_v3,
)

log = logging.getLogger(__name__)

SOURCE_LABEL = "Jobindsats API v3"
SUFFIX = ".json"
SOURCE = "Jobindsats"  # TableSpec.source of the tables fetched here
URL_ENV = "JOBINDSATS_API_URL"
AREAS_ENV = "JOBINDSATS_AREA_HIERARCHIES"
PERIOD_TYPES_ENV = "JOBINDSATS_PERIOD_TYPES"
DEFAULT_BASE_URL = "https://api.jobindsats.dk/v3"
DEFAULT_AREA_HIERARCHIES = ("_nykom",)  # all municipalities and the country total

#: Tried in this order when the description names no period type of a known kind.
FALLBACK_PERIOD_TYPES = ("M", "Q", "QMAT", "A", "Y")
#: What a fallback name plainly holds (the yearly names are left to the answer).
_FALLBACK_KINDS = {"M": "M", "Q": "Q", "QMAT": "QMAT"}
#: Statuses that mean "the service will not answer this query" (as opposed to a fault).
REFUSED = (400, 422)
#: Tables published only for some quarters (the benchmark: rolling years ending in Q2 and Q4).
PUBLISHED_QUARTERS = {"Y30R21": (2, 4)}
#: How far back ``--check`` looks when the description names no latest period.
CHECK_LOOKBACK = {"M": 12, "Q": 4, "QMAT": 4}

MISSING_KEY = (
    f"{TOKEN_ENV} is not set: request a key from STAR (jobindsats@star.dk) and put it in the environment "
    "or in .env at the project root (never on the command line)"
)


class ServiceUnavailable(ApiError):
    """The service kept failing (HTTP 429 or 5xx after every retry): nothing to change, try later."""


class TableNotUsable(ApiError):
    """The service will not give this table the way the registry and the settings describe it.

    ``row`` is the ``--check`` row that says why and what to change.
    """

    def __init__(self, message: str, row: check.CheckRow) -> None:
        super().__init__(message)
        self.row = row


# --------------------------------------------------------------------------- the source interface used by analysis.sources.fetch


def directory() -> Path:
    return paths.raw_jobindsats_dir()


def base_url() -> str:
    """The API's base URL; HTTPS unless it is a loopback test server (the key travels with every request)."""
    url = _base_url(URL_ENV, DEFAULT_BASE_URL)
    require_secure_url(url, URL_ENV, what="the API key")
    return url


def fetchable_specs() -> list[tables.TableSpec]:
    return [s for s in tables.SPECS if s.source == SOURCE]


def select_tables(requested: list[str] | None) -> tuple[list[tables.TableSpec], list[tuple[str, str]]]:
    """The specs to fetch and the (table, reason) pairs skipped; raises UnknownTableError before any request."""
    not_here = [s for s in tables.SPECS if s.source != SOURCE and s.source != "Danmarks Statistik"]
    if requested is None:
        return fetchable_specs(), [(s.id, _skip_reason(s)) for s in not_here]
    chosen: list[tables.TableSpec] = []
    skipped: list[tuple[str, str]] = []
    unknown: list[str] = []
    for name in requested:
        try:
            spec = tables.spec(name)
        except InputError:
            unknown.append(name)
            continue
        if spec.source == SOURCE:
            if spec not in chosen:
                chosen.append(spec)
        elif spec.source == "Danmarks Statistik":
            raise UnknownTableError(f"{spec.id} comes from Statistics Denmark: fetch it with `analysis fetch --source dst`")
        elif spec.id not in [t for t, _ in skipped]:
            skipped.append((spec.id, _skip_reason(spec)))
    if unknown:
        known = ", ".join(s.id for s in fetchable_specs())
        raise UnknownTableError(
            f"unknown table{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}: "
            f"--tables takes ids separated by commas, from: {known}"
        )
    return chosen, skipped


def _skip_reason(spec: tables.TableSpec) -> str:
    return (
        f"not on the Jobindsats API (source: {spec.source}): save its CSV export in "
        f"data/raw/jobindsats/ by hand"
    )


def read_token() -> str:
    token = read_setting(TOKEN_ENV)
    if not token:
        raise MissingKeyError(MISSING_KEY)
    if any(ch.isspace() or ord(ch) < 32 for ch in token):
        raise MissingKeyError(f"{TOKEN_ENV} contains spaces or line breaks: copy the key again into the environment or .env")
    if not token.isascii() or not token.isprintable():
        raise MissingKeyError(
            f"{TOKEN_ENV} contains letters outside plain ASCII (e.g. æ, ø, å or typographic quotes): "
            "copy the key again into the environment or .env"
        )
    return token


def open_session(policy: RetryPolicy):
    token = read_token()
    session = make_session(policy, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    return session, (token,)


def fetch_table(
    ctx: Context,
    spec: tables.TableSpec,
    *,
    saved: set[str],
    since: str,
    full: bool,
    progress: Callable[[int, int | None], None] | None = None,
) -> Download | None:
    """Fetch the wanted periods of one table; None when there is nothing new to ask for.

    Raises :class:`TableNotUsable` (with its ``--check`` row) when the service will not answer
    the way the registry and the settings describe the table; nothing is saved then.
    """
    kind = spec.period_kinds[0]
    info = describe(ctx, spec)
    recorded = recorded_choices(spec)
    since_start = parse_period(since).start
    listed = info.codes_of_kind(kind)
    latest = info.latest_of_kind(kind)
    if listed:
        candidates = [p for p in listed if parse_period(p).end >= since_start]
    else:
        until = parse_period(latest).end.date() if latest else ctx.today
        candidates = calendar_periods(kind, since, until, PUBLISHED_QUARTERS.get(spec.id))
    wanted = periods_to_fetch(candidates, saved, full=full)
    if not wanted:
        return None
    areas = choose_areas(info, wanted)
    answer = ask(ctx, spec, info, wanted, latest, areas, recorded, progress=progress)
    body = answer.body
    if not body.rows:
        return Download(body=answer.fetched.body, query=answer.url, periods=[], rows=0)
    labels = check.match_labels(spec, body.labels, body.rows, strict=False)
    row = answer.row(spec, info, latest)
    row.labels = labels
    row.label_problems()
    _area_problems(row, body, areas)
    if row.problems:
        raise TableNotUsable("; ".join(row.problems), row)

    payload, notes = answer.fetched.body, []
    drop = set(body.periods) - set(wanted)
    if drop:
        payload, kept = body.without_periods(drop)
        if answer.selection == "latest":
            why = f"explicit period lists were refused, so the API was asked for period.{answer.period_type}={answer.relative}"
        else:
            why = "the API did not keep to the period list"
        notes.append(
            f"{why}; {len(body.rows) - kept} row(s) of {len(drop)} period(s) not asked for "
            f"({', '.join(sort_codes(drop)) if len(drop) <= 6 else _span(drop)}) were dropped, "
            "so this file is not the verbatim response"
        )
        body = parse_v3(payload, spec)
    duplicates = body.duplicate_rows()
    if duplicates:
        payload, _ = body.without_duplicates()
        notes.append(
            f"{duplicates} row(s) that the area hierarchies returned twice, identical in every cell, were dropped, "
            "so this file is not the verbatim response"
        )
        body = parse_v3(payload, spec)
    extra = {
        "period_type": answer.period_type,
        "period_selection": answer.selection,
        "area_hierarchies": answer.area_roles(),
        regional.MANIFEST_KEY: regional_levels(body, answer.area_roles()),
    }
    return Download(
        body=payload,
        query=answer.url,
        periods=body.periods,
        rows=len(body.rows),
        note=" ".join(notes) or None,
        extra=extra,
    )


def validate_file(path: Path, spec: tables.TableSpec) -> tuple[list[str], int]:
    """Check a saved body (JSON parses, has columns and rows of the right length, periods parse)."""
    body = parse_v3(path.read_bytes(), spec)
    return body.periods, len(body.rows)


# --------------------------------------------------------------------------- analysis fetch --check


def check_table(ctx: Context, spec: tables.TableSpec, municipality: str = geography.DEFAULT_MUNICIPALITY) -> check.CheckRow:
    """The ``--check`` row of one table: its description and one small data call (latest period, one municipality).

    Writes nothing. Raises only what ends every check (a rejected key, no network).
    """
    row = check.CheckRow(spec.id, spec.title, spec=spec)
    kind = spec.period_kinds[0]
    try:
        info = describe(ctx, spec)
    except UnknownTableError as exc:
        row.problems.append(ctx.redact(str(exc)))
        row.change(
            f"the id (or aliases) of {spec.id} in {check.TABLES_FILE}: look the table up on jobindsats.dk",
            f"its id in {check.TABLES_FILE}",
        )
        return row
    except (ApiError, BodyError) as exc:
        row.problems.append(ctx.redact(str(exc)))
        row.temporary = isinstance(exc, (ServiceUnavailable, BodyError))
        return row
    latest = info.latest_of_kind(kind)
    if latest:
        wanted = [latest]
    else:
        months = CHECK_LOOKBACK.get(kind, 4) * (1 if kind == "M" else 3)
        since = shift(f"{ctx.today.year}M{ctx.today.month:02d}", 1 - months)
        wanted = calendar_periods(kind, since, ctx.today, PUBLISHED_QUARTERS.get(spec.id))
    areas = choose_areas(info, wanted, municipality=municipality)
    try:
        answer = ask(ctx, spec, info, wanted, latest, areas, recorded_choices(spec))
    except TableNotUsable as exc:
        return exc.row
    except (ApiError, BodyError, UnknownTableError) as exc:
        row.problems.append(ctx.redact(str(exc)))
        row.temporary = isinstance(exc, (ServiceUnavailable, BodyError))
        if not row.temporary:
            row.change(
                f"the {spec.id} entry in {check.TABLES_FILE} or the settings, after the service's message",
                f"its entry in {check.TABLES_FILE} (see the message)",
            )
        return row
    row = answer.row(spec, info, latest)
    if info.title and normalise_label(info.title) != normalise_label(spec.title):
        row.title = f"{spec.title} (live: {info.title})"
    body = answer.body
    if not body.rows and not latest:
        # Nothing in the calendar periods guessed without a latest period: ask for the latest one.
        again = _try(
            ctx, spec, kind, answer.period_type, kind, answer.period_origin, "latest", wanted[-1:], None, {},
            hierarchy_selection(spec, info, answer.area_selection), areas, answer.area_selection, [], None,
        )
        if again is not None:
            body = again.body
    if not body.rows:
        row.problems.append(f"the service answered with no rows for {_span(wanted)}")
        row.change(
            f"check on jobindsats.dk that {spec.id} is still published, and its id in {check.TABLES_FILE}",
            f"its id in {check.TABLES_FILE}",
        )
        return row
    if not latest:
        row.latest = f"{body.periods[-1]} (from the data)"
    row.labels = check.match_labels(spec, body.labels, body.rows, strict=True)
    row.label_problems()
    _area_problems(row, body, areas)
    return row


# --------------------------------------------------------------------------- the description


def describe(ctx: Context, spec: tables.TableSpec) -> TableInfo:
    meta = _get(ctx, build_metadata_url(ctx.base_url, spec.id), spec, what="table description")
    return parse_description(meta.body, spec)


def recorded_choices(spec: tables.TableSpec) -> dict:
    """What the last fetch of this table recorded in its manifest (period type, selection, areas)."""
    for manifest in reversed(read_manifests(directory(), spec.id)):
        if manifest.get("period_type"):
            return {
                "period_type": str(manifest["period_type"]),
                "period_selection": str(manifest.get("period_selection") or "list"),
                "area_hierarchies": manifest.get("area_hierarchies") or {},
            }
    return {}


def period_type_options(spec: tables.TableSpec, info: TableInfo, recorded: Mapping | None = None) -> list[tuple[str, str | None, str]]:
    """``[(type name, its kind or None, where it comes from), ...]`` in the order they are tried."""
    kind = spec.period_kinds[0]
    options: list[tuple[str, str | None, str]] = []
    if recorded and recorded.get("period_type"):
        options.append((recorded["period_type"], kind, "recorded by the last fetch"))
    configured = read_setting(PERIOD_TYPES_ENV)
    for name in [t.strip() for t in configured.split(",") if t.strip()] if configured else []:
        options.append((name, None, PERIOD_TYPES_ENV))
    listed_known = [t for t in info.period_types if t.kind is not None]
    options += [(t.name, t.kind, "listed") for t in info.period_types if t.kind == kind]
    options += [(t.name, None, "listed") for t in info.period_types if t.kind is None]
    if not listed_known:
        options += [(n, _FALLBACK_KINDS.get(n), "tried") for n in FALLBACK_PERIOD_TYPES if _FALLBACK_KINDS.get(n, kind) == kind]
    elif any(t.kind == kind for t in listed_known) and kind in V3_PERIOD_TYPES:
        options.append((V3_PERIOD_TYPES[kind], kind, "tried"))  # the usual name, should the listed one be refused
    seen: set[str] = set()
    out = []
    for name, k, origin in options:
        if name not in seen:
            seen.add(name)
            out.append((name, k, origin))
    return out


def choose_areas(info: TableInfo, wanted: list[str], municipality: str | None = None) -> "AreaChoice":
    """The area hierarchies to ask for these periods, by role.

    ``municipality`` restricts the municipalities' hierarchy to that one municipality (``--check``).
    """
    configured = read_setting(AREAS_ENV)
    choice = AreaChoice()
    listed_ids = [h.id for h in info.area_hierarchies]
    if configured:
        choice.configured = area_hierarchies(listed_ids)
        for h in info.area_hierarchies:
            if h.id in choice.configured:
                for role in h.roles:
                    choice.roles.setdefault(role, h)
    else:
        for role in (MUNICIPALITIES, COUNTRY, RAR, REGION):
            h = info.hierarchy_for(role)
            if h is not None:
                choice.roles[role] = h
        if MUNICIPALITIES not in choice.roles:
            # None listed (or none recognised): today's default, which the answer will prove or not.
            choice.roles[MUNICIPALITIES] = Hierarchy(DEFAULT_AREA_HIERARCHIES[0], matched_by="default")
        eras = {regional.level_for_period(c) for c in wanted}
        starts_before = any(parse_period(c).start < regional.CHANGE for c in wanted)
        need_rar = starts_before or RAR in eras
        need_region = REGION in eras
        # Where one regional level is missing, the other stands in; the rows tell which it holds.
        if not need_rar and REGION not in choice.roles:
            need_rar = True
        if not need_region and RAR not in choice.roles:
            need_region = True
        choice.skipped = [r for r, need in ((RAR, need_rar), (REGION, need_region)) if not need and r in choice.roles]
        for role in choice.skipped:
            del choice.roles[role]
    choice.listed = info.area_hierarchies
    if municipality and MUNICIPALITIES in choice.roles:
        choice.municipality_value = choice.roles[MUNICIPALITIES].value_id(municipality)
    return choice


@dataclass
class AreaChoice:
    roles: dict[str, Hierarchy] = field(default_factory=dict)
    configured: list[str] = field(default_factory=list)  # JOBINDSATS_AREA_HIERARCHIES, when set
    listed: list[Hierarchy] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # regional roles not needed for these periods
    municipality_value: str | None = None  # --check: one municipality's value id

    def selections(self) -> list[dict[str, str]]:
        """The area parts of the query to try: all chosen hierarchies, then the municipalities' alone."""
        if self.configured:
            return [{h: "*" for h in self.configured}]
        full: dict[str, str] = {}
        for role, h in self.roles.items():
            value = self.municipality_value if role == MUNICIPALITIES and self.municipality_value else "*"
            full.setdefault(h.id, value)
        muni = self.roles[MUNICIPALITIES]
        only = {muni.id: full[muni.id]}
        return [full] if only == full else [full, only]

    def describe(self) -> str:
        if self.configured:
            return f"{', '.join(self.configured)} (from {AREAS_ENV})"
        parts = []
        for role, h in self.roles.items():
            how = {"values": "by values", "id": "by id", "label": f"by label {h.label!r}", "default": "default"}.get(h.matched_by, "")
            parts.append(f"{ROLE_NAMES[role]}={h.id}" + (f" ({how})" if how and h.matched_by != "id" else ""))
        return ", ".join(parts) or "-"


def hierarchy_selection(spec: tables.TableSpec, info: TableInfo, areas: Mapping[str, str]) -> dict[str, str]:
    """The area part of a query (``{hierarchy id: selection}``) and every registry dimension, all values."""
    selection = dict(areas)
    for dim in spec.dimensions:
        hierarchy = info.dimension_hierarchies.get(dim.key)
        if hierarchy and hierarchy not in selection:
            selection[hierarchy] = "*"
    return selection


def area_hierarchies(listed: list[str] | None = None) -> list[str]:
    """Area hierarchies from JOBINDSATS_AREA_HIERARCHIES or the default, kept to those the table
    description lists when it lists any (the override; without it :func:`choose_areas` decides)."""
    configured = read_setting(AREAS_ENV)
    wanted = [h.strip() for h in configured.split(",") if h.strip()] if configured else list(DEFAULT_AREA_HIERARCHIES)
    if listed:
        present = [h for h in wanted if h in listed]
        if present:
            return present
    return wanted


# --------------------------------------------------------------------------- asking until the service accepts


@dataclass
class Attempt:
    period_type: str
    selection: str  # "list" or "latest:N"
    outcome: str


@dataclass
class Answer:
    fetched: Fetched
    body: "V3Body"
    url: str
    period_type: str
    period_origin: str
    selection: str  # "list" or "latest"
    relative: str | None
    areas: AreaChoice
    area_selection: dict[str, str]
    attempts: list[Attempt]

    def area_roles(self) -> dict[str, str]:
        """Role -> hierarchy id of what was actually asked."""
        asked = set(self.area_selection)
        return {role: h.id for role, h in self.areas.roles.items() if h.id in asked}

    def row(self, spec: tables.TableSpec, info: TableInfo, latest: str | None) -> check.CheckRow:
        row = check.CheckRow(spec.id, spec.title, spec=spec)
        kind = spec.period_kinds[0]
        listed = ", ".join(f"{t.name}{f' ({t.kind})' if t.kind else ''}" for t in info.period_types) or "none listed"
        how = "explicit list" if self.selection == "list" else f"relative {self.relative}"
        row.period_types = f"{listed}; used period.{self.period_type} ({how})"
        row.latest = latest or "-"
        row.areas = self.areas.describe()
        guess = V3_PERIOD_TYPES.get(kind)
        refused = [a for a in self.attempts if a.outcome != "accepted" and a.period_type != self.period_type]
        if not info.readable:
            row.notes.append("the table description could not be read (not JSON); the data answer decided instead")
        if self.period_type != guess:
            row.notes.append(
                f"period type {self.period_type!r} ({self.period_origin}) instead of today's guess {guess!r}"
                + (f"; tried before: {_attempts_text(refused)}" if refused else "")
            )
        if self.selection == "latest":
            row.notes.append(f"explicit period lists refused: asked {self.relative} and kept only the wanted periods")
        muni = self.areas.roles.get(MUNICIPALITIES)
        if muni is not None and muni.id != DEFAULT_AREA_HIERARCHIES[0] and not self.areas.configured:
            row.notes.append(f"municipalities from hierarchy {muni.describe()} instead of today's guess {DEFAULT_AREA_HIERARCHIES[0]!r}")
        dropped = [h for h in self.areas.roles.values() if h.id not in self.area_selection]
        if dropped:
            row.notes.append(
                f"the service refused the area hierarchies together; only {', '.join(self.area_selection)} was asked "
                f"(not {', '.join(h.id for h in dropped)})"
            )
        return row


def ask(
    ctx: Context,
    spec: tables.TableSpec,
    info: TableInfo,
    wanted: list[str],
    latest: str | None,
    areas: AreaChoice,
    recorded: Mapping | None,
    *,
    progress: Callable[[int, int | None], None] | None = None,
) -> Answer:
    """Ask for the wanted periods until the service accepts a period type and a selection.

    Accepted: a 2xx answer whose rows hold periods of the table's kind (or no rows, for a type
    whose kind is known). Refused (400/422): the next selection, then the next type. Any other
    error status raises as usual. Nothing accepted: :class:`TableNotUsable`.
    """
    kind = spec.period_kinds[0]
    recorded = recorded or {}
    options = period_type_options(spec, info, recorded)
    by_name = {t.name: t for t in info.period_types}
    area_options = areas.selections()
    rec_areas = set((recorded.get("area_hierarchies") or {}).values())
    if len(area_options) > 1 and rec_areas and rec_areas == set(area_options[1]):
        area_options.reverse()  # the last fetch needed the municipalities' hierarchy alone
    modes = ["latest", "list"] if recorded.get("period_selection") == "latest" else ["list", "latest"]
    attempts: list[Attempt] = []
    empty: Answer | None = None
    # All period types with every chosen area hierarchy first; the municipalities' hierarchy
    # alone only if none is accepted (a refusal does not say which part of the query it is about).
    for area_sel in area_options:
        selection = hierarchy_selection(spec, info, area_sel)
        for name, type_kind, origin in options:
            value_ids = by_name[name].value_ids if name in by_name else {}
            for mode in modes:
                outcome = _try(ctx, spec, kind, name, type_kind, origin, mode, wanted, latest, value_ids, selection, areas, area_sel, attempts, progress)
                if isinstance(outcome, Answer):
                    if outcome.body.rows or type_kind == kind:
                        return outcome
                    empty = empty or outcome
                if attempts and attempts[-1].outcome.startswith("answered"):
                    break  # the type answers, with another kind or nothing: another selection will not help
    if empty is not None:
        return empty
    raise _not_accepted(ctx, spec, info, areas, attempts)


def _try(
    ctx: Context,
    spec: tables.TableSpec,
    kind: str,
    name: str,
    type_kind: str | None,
    origin: str,
    mode: str,
    wanted: list[str],
    latest: str | None,
    value_ids: Mapping[str, str],
    selection: dict[str, str],
    areas: AreaChoice,
    area_sel: dict[str, str],
    attempts: list[Attempt],
    progress: Callable[[int, int | None], None] | None,
) -> Answer | None:
    """One period type, one area selection, one period selection (and a smaller N if the service says so)."""
    n = relative_count(kind, wanted, latest)
    while True:
        period_sel = [value_ids.get(c, c) for c in wanted] if mode == "list" else f"latest:{n}"
        label = "list" if mode == "list" else f"latest:{n}"
        url = build_data_url(ctx.base_url, spec.id, name, period_sel, selection, as_listed=True)
        log.debug("asking %s: %s", spec.id, url)
        fetched = fetch(
            ctx.session, "GET", url, policy=ctx.policy, progress=progress,
            validate=lambda f: parse_v3(f.body, spec, _check_key=True, check_kinds=False),
        )
        if fetched.status in REFUSED:
            text = ctx.redact(" ".join(fetched.text(2000).split()))
            if REJECTED_KEY_TEXT.casefold().rstrip(".") in text.casefold():
                raise RejectedKeyError(REJECTED_KEY)
            attempts.append(Attempt(name, label, f"HTTP {fetched.status}: {text[:160]}"))
            fewer = available_from_message(text, n) if mode == "latest" else None
            if fewer:
                n = fewer
                continue
            return None
        _raise_for_status(ctx, fetched, spec, "data")
        try:
            body = parse_v3(fetched.body, spec, check_kinds=False)
        except ApiError as exc:
            attempts.append(Attempt(name, label, ctx.redact(str(exc))))
            return None
        if body.kinds and body.kinds != {kind}:
            attempts.append(Attempt(name, label, f"answered {'/'.join(sorted(body.kinds))} periods, not {kind}"))
            return None
        answer = Answer(
            fetched, body, url, name, origin, mode, None if mode == "list" else label, areas, dict(area_sel), attempts
        )
        if not body.rows and type_kind != kind:
            attempts.append(Attempt(name, label, "answered no rows"))
        else:
            attempts.append(Attempt(name, label, "accepted"))
        return answer


def _not_accepted(ctx: Context, spec: tables.TableSpec, info: TableInfo, areas: AreaChoice, attempts: list[Attempt]) -> TableNotUsable:
    kind = spec.period_kinds[0]
    row = check.CheckRow(spec.id, spec.title, spec=spec)
    row.period_types = ", ".join(f"{t.name}{f' ({t.kind})' if t.kind else ''}" for t in info.period_types) or "none listed"
    row.areas = areas.describe()
    listed_other = [t for t in info.period_types if t.kind is not None and t.kind != kind]
    if not attempts and listed_other:
        problem = (
            f"the description lists period types {', '.join(f'{t.name} ({t.kind})' for t in listed_other)}, "
            f"none with {kind} periods, which the registry says {spec.id} has"
        )
        row.change(
            f"the period kinds of {spec.id} in {check.TABLES_FILE}, if the table really changed",
            f"its period kinds in {check.TABLES_FILE}",
        )
    else:
        problem = f"the service accepted no query for {kind} periods; tried: {_attempts_text(attempts)}"
        listed = ", ".join(h.describe() for h in areas.listed) or "none listed"
        row.change(
            f"{PERIOD_TYPES_ENV} to the period type jobindsats.dk uses for {spec.id} (the service's messages above may name it)",
            f"{PERIOD_TYPES_ENV} (or {AREAS_ENV})",
        )
        row.change(
            f"{AREAS_ENV} to the municipalities' hierarchy, if the messages point at the areas (listed: {listed})", AREAS_ENV
        )
    row.problems.append(problem)
    return TableNotUsable(problem, row)


def _attempts_text(attempts: list[Attempt], limit: int = 6) -> str:
    shown = [f"period.{a.period_type}={a.selection} -> {a.outcome}" for a in attempts[:limit]]
    more = len(attempts) - limit
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def relative_count(kind: str, wanted: list[str], latest: str | None) -> int:
    """N for ``latest:N`` that reaches back to the oldest wanted period from the latest published one."""
    codes = sort_codes(list(wanted) + ([latest] if latest else []))
    first, last = parse_period(codes[0]).end, parse_period(codes[-1]).end
    months = (last.year - first.year) * 12 + last.month - first.month
    return max(1, months + 1 if kind == "M" else months // 3 + 1)


_AVAILABLE = (
    re.compile(r"(?i)\b(?:only|kun|højst|hoejst|max(?:imum)?|up to)\D{0,30}?(\d{1,4})\b"),
    re.compile(r"(?i)\b(\d{1,4})\s+(?:periods?|perioder|periode)\b"),
)


def available_from_message(text: str, asked: int) -> int | None:
    """The N in an answer like "only 14 periods are available", when smaller than what was asked."""
    for pattern in _AVAILABLE:
        found = [int(m) for m in pattern.findall(text)]
        found = [n for n in found if 0 < n < asked]
        if found:
            return max(found)
    return None


def _area_problems(row: check.CheckRow, body: "V3Body", areas: AreaChoice) -> None:
    """Areas the build would refuse, or an answer without any municipality."""
    index = body.area_index()
    if index is None or not body.rows:
        return
    names = {str(r[index]) for r in body.rows}
    unknown = check.unknown_areas(names)
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        row.problems.append(f"area(s) analysis.reference.geography does not know, which the build would refuse: {shown}")
        row.change(
            f"the area names in src/analysis/reference/geography.py (or leave that hierarchy out with {AREAS_ENV}; "
            f"asked: {', '.join(areas.selections()[0])})",
            f"the area names in src/analysis/reference/geography.py (or {AREAS_ENV})",
        )
    levels = {a.level for a in (geography.find_area(n) for n in names) if a is not None}
    if "kommune" not in levels:
        listed = ", ".join(h.describe() for h in areas.listed) or "none listed"
        row.problems.append("the answer holds no municipality")
        row.change(f"{AREAS_ENV} to the municipalities' hierarchy (listed: {listed})", AREAS_ENV)


def regional_levels(body: "V3Body", roles: Mapping[str, str]) -> dict:
    """``{"rar": {"hierarchy": id, "periods": [...]}, "region": {...}}``: which periods' rows hold a regional level.

    A period's level is that of its era (:func:`analysis.reference.regional.level_for_period`) when its
    rows hold regional areas (RAR areas or regions by :mod:`analysis.reference.geography`); periods
    without regional rows are listed under ``"none"``.
    """
    index = body.area_index()
    with_regional: set[str] = set()
    if index is not None:
        for row in body.rows:
            area = geography.find_area(str(row[index]))
            if area is not None and area.level in ("rar", "region"):
                with_regional.add(parse_period(str(row[body.period_index])).code)
    out: dict = {}
    for level in regional.LEVELS:
        codes = [c for c in body.periods if c in with_regional and regional.level_for_period(c) == level]
        if codes:
            hierarchy = roles.get(level) or roles.get(regional.RAR if level == regional.REGION else regional.REGION)
            out[level] = {**({"hierarchy": hierarchy} if hierarchy else {}), "periods": codes}
    none = [c for c in body.periods if c not in with_regional]
    if none:
        out["none"] = {"periods": none}
    return out


def _span(codes) -> str:
    codes = sort_codes(codes)
    return codes[0] if len(codes) == 1 else f"{codes[0]}-{codes[-1]}"


# --------------------------------------------------------------------------- requests


def _get(
    ctx: Context,
    url: str,
    spec: tables.TableSpec,
    *,
    what: str,
    progress: Callable[[int, int | None], None] | None = None,
    validate: Callable[[Fetched], object] | None = None,
) -> Fetched:
    fetched = fetch(ctx.session, "GET", url, policy=ctx.policy, validate=validate, progress=progress)
    _raise_for_status(ctx, fetched, spec, what)
    return fetched


def _raise_for_status(ctx: Context, fetched: Fetched, spec: tables.TableSpec, what: str) -> None:
    status = fetched.status
    text = fetched.text(2000)
    if status in (401, 403) or REJECTED_KEY_TEXT.casefold().rstrip(".") in text.casefold():
        raise RejectedKeyError(REJECTED_KEY)
    if 200 <= status < 300:
        return
    retries = ctx.policy.total
    if status == 404:
        raise UnknownTableError(
            f"the Jobindsats API does not know table {spec.id} (HTTP 404 for its {what}): "
            "check the id on jobindsats.dk and in analysis.reference.tables"
        )
    if status == 429:
        raise ServiceUnavailable(f"the Jobindsats API is still limiting requests (HTTP 429) after {retries} retries: wait and fetch again")
    if status >= 500:
        raise ServiceUnavailable(f"the Jobindsats API answered HTTP {status} for the {what} of {spec.id} after {retries} retries: try again later")
    excerpt = ctx.redact(" ".join(text.split()))[:200]
    raise ApiError(
        f"the Jobindsats API refused the {what} request for {spec.id} (HTTP {status}: {excerpt}); "
        "the query is built by analysis.sources.jobindsats.api.build_data_url"
    )
