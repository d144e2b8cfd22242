"""Reading a Jobindsats v3 table description (``GET /v3/table/{id}?format=json``).

The description is the service's own word on how a table can be queried; the fetch reads it
instead of assuming. Its exact shape is only partly documented (DATA-SOURCES.md: dimensions ->
hierarchies -> levels -> values with ``value_id`` and ``value_name``), so it is read tolerantly:

- **Period types.** Anything under a key that mentions ``period``: a type is named by a
  ``period_type``/``type`` key, by a key that maps to a list of codes (``{"M": [...]}``) or by a
  plain list under a ``..._types`` key; the period codes listed under a type tell which kind
  of period (:mod:`analysis.reference.periods`) it holds, a key such as ``latest`` its latest period.
  A type listed without codes gets its kind from its name when the name is unambiguous
  (``M``, ``Måned``, ``Q``, ``Kvartal``, ``QMAT``, ...), otherwise its kind is unknown and
  is learnt from the first data answer.
- **Area hierarchies.** The hierarchies of the area dimension (``_omrade``, or any dimension
  whose hierarchies have known geography ids or municipality values), each classified into
  the roles the reports need -- municipalities, the country, the RAR areas (2015-2024) and the
  regional councils (from 2025) -- by its values (looked up in :mod:`analysis.reference.geography`), by
  its id (``_nykom``, ``_hele_landet``, ``_rar``, ``_region``) and by its label.
- **Other dimensions.** The hierarchy id of every dimension the registry
  (:mod:`analysis.reference.tables`) lists for the table, matched by label.

Nothing here makes a request; :mod:`analysis.sources.jobindsats.api` decides what to ask with it.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from analysis.core.errors import AnalysisError
from analysis.reference import geography, tables
from analysis.reference.geography import normalise_label
from analysis.reference.periods import parse_period, sort_codes

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- roles of area hierarchies

MUNICIPALITIES = "municipalities"
COUNTRY = "country"
RAR = "rar"  # the 8 regional labour-market councils, 2015-2024
REGION = "region"  # the 5 regional councils that follow the regions, from 2025
ROLES = (MUNICIPALITIES, COUNTRY, RAR, REGION)
ROLE_NAMES = {
    MUNICIPALITIES: "municipalities",
    COUNTRY: "country",
    RAR: "RAR (before 2025)",
    REGION: "regional councils (from 2025)",
}

#: Hierarchy ids seen in public v3 clients and in DATA-SOURCES.md, by role. ``_reko`` is
#: deliberately absent: what it holds is not documented, so it is classified by its label and values.
KNOWN_AREA_IDS = {
    "_nykom": MUNICIPALITIES,
    "_kom": MUNICIPALITIES,
    "_kommune": MUNICIPALITIES,
    "_kommuner": MUNICIPALITIES,
    "_hele_landet": COUNTRY,
    "_helelandet": COUNTRY,
    "_land": COUNTRY,
    "_rar": RAR,
    "_region": REGION,
    "_regioner": REGION,
}

_AREA_DIMENSION_LABELS = {normalise_label(x) for x in ("_omrade", "_område", "_omraade", "_geo", *tables.AREA_LABELS)}


def _label_roles(label: str) -> list[str]:
    """Roles a hierarchy label suggests (normalised: case and spaces folded)."""
    text = normalise_label(label)
    raw = str(label).casefold()
    roles = []
    if re.search(r"kommun|jobcent", text):
        roles.append(MUNICIPALITIES)
    if re.search(r"helelandet|landsplan|^landet?$|^danmark$", text):
        roles.append(COUNTRY)
    councils = re.search(r"arbejdsmarkedsråd|arbejdsmarkedsraad", text) or re.search(r"(^|[^a-zæøå])rar([^a-zæøå]|$)", raw)
    new_era = re.search(r"2025|frem|nye?($|[^a-zæøå])", raw)
    if councils and not new_era:
        roles.append(RAR)
    elif (councils and new_era) or re.search(r"region", text):
        roles.append(REGION)
    return roles


# --------------------------------------------------------------------------- what the description holds


@dataclass
class PeriodType:
    """One period type the description lists: its name as the service spells it."""

    name: str
    kind: str | None = None  # M / Q / QMAT (analysis.reference.periods), None when not known
    codes: list[str] = field(default_factory=list)  # canonical codes listed under it
    latest: str | None = None
    value_ids: dict[str, str] = field(default_factory=dict)  # canonical code -> the service's spelling
    kind_from: str = ""  # "codes" or "name"


@dataclass
class Hierarchy:
    id: str
    label: str = ""
    dimension: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)  # (value_id, value_name)
    roles: list[str] = field(default_factory=list)
    matched_by: str = ""  # "values", "id" or "label"

    def value_id(self, name: str) -> str | None:
        """The value id of an area name (e.g. a municipality) in this hierarchy, if listed."""
        wanted = geography.find_area(name)
        for value_id, value_name in self.values:
            if normalise_label(value_name) == normalise_label(name):
                return value_id
            if wanted is not None and geography.find_area(value_name) == wanted:
                return value_id
        return None

    def describe(self) -> str:
        return f"{self.id} ({self.label})" if self.label and self.label != self.id else self.id


@dataclass
class TableInfo:
    """What we understood of a table description (everything optional)."""

    readable: bool = False
    title: str | None = None
    period_types: list[PeriodType] = field(default_factory=list)
    untyped_codes: list[str] = field(default_factory=list)  # period codes listed without a type
    untyped_latest: str | None = None
    area_hierarchies: list[Hierarchy] = field(default_factory=list)
    dimension_hierarchies: dict[str, str] = field(default_factory=dict)  # registry dimension key -> hierarchy id
    dimension_labels: list[str] = field(default_factory=list)  # every dimension the description lists (id or name)

    def codes_of_kind(self, kind: str) -> list[str]:
        """Every listed period code of one kind (typed or not)."""
        found = {c for t in self.period_types for c in t.codes if parse_period(c).kind == kind}
        found |= {c for c in self.untyped_codes if parse_period(c).kind == kind}
        return sort_codes(found) if found else []

    def latest_of_kind(self, kind: str) -> str | None:
        candidates = [c for c in self.codes_of_kind(kind)]
        candidates += [t.latest for t in self.period_types if t.latest and parse_period(t.latest).kind == kind]
        if self.untyped_latest and parse_period(self.untyped_latest).kind == kind:
            candidates.append(self.untyped_latest)
        return sort_codes(candidates)[-1] if candidates else None

    @property
    def periods(self) -> list[str] | None:
        """All listed codes (any kind), or None when the description lists none."""
        found = {c for t in self.period_types for c in t.codes} | set(self.untyped_codes)
        return sort_codes(found) if found else None

    def hierarchy_for(self, role: str) -> Hierarchy | None:
        """The area hierarchy chosen for a role: evidence from values beats id beats label; then listed order."""
        rank = {"values": 0, "id": 1, "label": 2}
        found = [h for h in self.area_hierarchies if role in h.roles]
        if not found:
            return None
        return sorted(found, key=lambda h: rank.get(h.matched_by, 3))[0]


# --------------------------------------------------------------------------- parsing

_TYPE_KEYS = ("period_type", "period_type_id", "periodtype", "periodtype_id", "period_type_name", "type", "type_id", "type_name")
_LATEST_WORDS = ("latest", "last", "newest", "seneste", "nyeste", "senest")
_GENERIC_KEYS = {
    "values", "value", "periods", "period", "periode", "perioder", "items", "data", "latest", "first", "last",
    "name", "id", "label", "text", "from", "to", "start", "end", "type", "types", "list", "codes", "levels",
}
_TYPE_NAME = re.compile(r"^[A-Za-zÆØÅæøå]{1,10}$")
_NAME_KINDS = {
    **{normalise_label(x): "M" for x in ("M", "Md", "Mdr", "Måned", "Maaned", "Måneder", "Month", "Monthly")},
    **{normalise_label(x): "Q" for x in ("Q", "K", "Kvt", "Kvartal", "Kvartaler", "Quarter", "Quarterly")},
    **{normalise_label(x): "QMAT" for x in ("QMAT", "Rullende år", "Rullende aar", "Løbende år", "MAT")},
}


def parse_description(body: bytes, spec: tables.TableSpec) -> TableInfo:
    """Read a v3 table description tolerantly; an unknown shape gives an (unreadable) empty TableInfo."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        log.warning("%s: the table description is not JSON; falling back to the fixed guesses", spec.id)
        return TableInfo()
    info = TableInfo(readable=True)
    if isinstance(data, dict):
        for key in ("table_name", "title", "name", "text", "label"):
            if isinstance(data.get(key), str) and data[key].strip():
                info.title = data[key].strip()
                break
    types: dict[str, PeriodType] = {}
    untyped: set[str] = set()

    def period_type(name: str) -> PeriodType:
        name = str(name).strip()
        if name not in types:
            types[name] = PeriodType(name)
        return types[name]

    def add_code(text: str, current: PeriodType | None, key: str) -> bool:
        try:
            p = parse_period(text)
        except AnalysisError:
            return False
        is_latest = any(w in key.casefold() for w in _LATEST_WORDS)
        if current is None:
            if is_latest:
                info.untyped_latest = p.code
            else:
                untyped.add(p.code)
        else:
            if is_latest:
                current.latest = p.code
            else:
                if p.code not in current.codes:
                    current.codes.append(p.code)
                current.value_ids.setdefault(p.code, str(text).strip())
        return True

    def walk(node, in_period: bool, current: PeriodType | None, key: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("hierarchies"), list) and not in_period:
                if _is_period_dimension(node):
                    # Periods modelled as a dimension: each hierarchy is a period type.
                    for h in node["hierarchies"]:
                        hid = _strings(h, ("hierarchy_id", "id")) if isinstance(h, dict) else []
                        if hid:
                            walk(h, True, period_type(hid[0]), "")
                    return
                _read_dimension(node, spec, info)
                return
            if in_period:
                for tk in _TYPE_KEYS:
                    value = node.get(tk)
                    if isinstance(value, str) and value.strip() and not _is_code(value):
                        current = period_type(value)
                        break
            for k, value in node.items():
                k_text = str(k)
                if in_period and _looks_like_type_key(k_text, value):
                    walk(value, True, period_type(k_text), k_text)
                    continue
                if in_period and k_text in _TYPE_KEYS and isinstance(value, str):
                    continue
                walk(value, in_period or "period" in k_text.casefold(), current, k_text)
        elif isinstance(node, list):
            for value in node:
                if in_period and isinstance(value, str) and "type" in key.casefold() and not _is_code(value):
                    if _TYPE_NAME.match(value.strip()):
                        period_type(value)
                    continue
                walk(value, in_period, current, key)
        elif in_period and isinstance(node, str):
            if not add_code(node, current, key) and "type" in key.casefold() and _TYPE_NAME.match(node.strip()):
                period_type(node)

    walk(data, False, None, "")
    for t in types.values():
        kinds = Counter(parse_period(c).kind for c in t.codes)
        if t.latest:
            kinds[parse_period(t.latest).kind] += 1
        if kinds:
            t.kind, t.kind_from = kinds.most_common(1)[0][0], "codes"
        elif normalise_label(t.name) in _NAME_KINDS:
            t.kind, t.kind_from = _NAME_KINDS[normalise_label(t.name)], "name"
        t.codes = sort_codes(t.codes) if t.codes else []
    info.period_types = list(types.values())
    info.untyped_codes = sort_codes(untyped) if untyped else []
    return info


def _is_period_dimension(node: dict) -> bool:
    labels = _strings(node, ("dimension_id", "id", "dimension_name", "name", "label"))
    return any(re.search(r"period|^_?tid$", x.casefold()) for x in labels)


def _is_code(text: str) -> bool:
    try:
        parse_period(text)
    except AnalysisError:
        return False
    return True


def _looks_like_type_key(key: str, value) -> bool:
    """``{"M": [...codes...]}``: a short alphabetic key (not a generic word) over codes."""
    if key.casefold() in _GENERIC_KEYS or not _TYPE_NAME.match(key):
        return False
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
        return any(_is_code(tok) for tok in re.findall(r"[0-9]{4}[A-Za-z]{1,4}[0-9]{1,2}", text))
    return isinstance(value, str) and _is_code(value)


def _strings(node, keys: tuple[str, ...]) -> list[str]:
    return [str(node.get(k)).strip() for k in keys if isinstance(node.get(k), (str, int)) and str(node.get(k)).strip()]


def _values(node) -> list[tuple[str, str]]:
    """Every (value_id, value_name) under a hierarchy, at any level."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def walk(n) -> None:
        if isinstance(n, dict):
            vid = n.get("value_id")
            if vid is None and ("value_name" in n or "value_label" in n):
                vid = n.get("id")
            if isinstance(vid, (str, int)) and str(vid) not in seen:
                name = n.get("value_name") or n.get("value_label") or n.get("name") or n.get("label") or vid
                seen.add(str(vid))
                out.append((str(vid), str(name).strip()))
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node.get("levels", node.get("values", [])))
    return out


def _read_dimension(node: dict, spec: tables.TableSpec, info: TableInfo) -> None:
    ids = _strings(node, ("dimension_id", "id"))
    names = _strings(node, ("dimension_name", "name", "label", "dimension_label", "text"))
    info.dimension_labels.extend(names or ids)
    hierarchies = []
    for h in node["hierarchies"]:
        if not isinstance(h, dict):
            continue
        hid = _strings(h, ("hierarchy_id", "id"))
        if not hid:
            continue
        label = (_strings(h, ("hierarchy_name", "name", "label", "hierarchy_label", "text")) or [""])[0]
        hierarchies.append(Hierarchy(hid[0], label, (ids or names or [""])[0], _values(h)))
    if not hierarchies:
        return
    for h in hierarchies:
        _classify(h)
    # Labels alone never make a dimension an area dimension ("Oprindelsesregion" is not a region).
    is_area = any(normalise_label(x) in _AREA_DIMENSION_LABELS for x in ids + names) or any(h.roles for h in hierarchies)
    if is_area:
        for h in hierarchies:
            if not h.roles:
                _classify_by_label(h)
        info.area_hierarchies.extend(hierarchies)
        return
    for label in names + ids + [h.label for h in hierarchies]:
        dim = spec.match_dimension(label) if label else None
        if dim is not None and dim.key not in info.dimension_hierarchies:
            info.dimension_hierarchies[dim.key] = hierarchies[0].id
            return


def _classify(h: Hierarchy) -> None:
    """Give a hierarchy its roles by the areas it lists, else by its id."""
    levels = Counter()
    councils = set()  # values named like a labour-market council ("RAR Sjælland"), known or not
    for _, name in h.values:
        area = geography.find_area(name)
        if area is not None:
            levels[area.level] += 1
        if re.match(r"(?i)rar\s", name.strip()):
            councils.add(normalise_label(name))
    if levels:
        roles = []
        if levels["kommune"] >= 2:
            roles.append(MUNICIPALITIES)
        if levels["rar"]:
            # The councils that follow the five regions from 2025 may keep the RAR prefix
            # ("RAR Sjælland" covers Region Sjælland's 17 municipalities): five councils, a
            # council geography does not know, or a label saying so mark the new ones.
            known = {normalise_label(n) for n in geography.RAR_AREAS}
            new = len(councils) == 5 or bool(councils - known) or REGION in _label_roles(h.label)
            roles.append(REGION if new else RAR)
        if levels["region"] and REGION not in roles:
            roles.append(REGION)
        if levels["land"]:
            roles.append(COUNTRY)
        if roles:
            h.roles, h.matched_by = roles, "values"
            return
    role = KNOWN_AREA_IDS.get(h.id.casefold())
    if role:
        h.roles, h.matched_by = [role], "id"


def _classify_by_label(h: Hierarchy) -> None:
    """Roles of a hierarchy of the area dimension that neither its values nor its id gave."""
    roles = _label_roles(h.label)
    if roles:
        h.roles, h.matched_by = roles, "label"
