"""A local stand-in for the Jobindsats API v3 and the StatBank API, for the fetch tests.

One ``http.server`` in a thread on 127.0.0.1 (ephemeral port) answers

- ``GET /v3/table/<id>?format=json``: a v3 table description with the published periods;
- ``GET /v3/data/<id>?...&period.<T>=<codes>&...``: ``{"columns", "rows"}`` with a UTF-8 BOM,
  only the requested periods that are published (or all of them when ``ignore_period_filter``);
  ``period.<T>=latest:N`` gives the N latest;
- ``POST /v1/tableinfo`` and ``POST /v1/data``: StatBank's table description and CSV.

Faults are scripted per request kind (``"data"``, ``"table"``, ``"dst-data"``, ...): each request
takes the next action from ``server.script[kind]`` (or ``server.always[kind]`` for every request):
``("status", code, headers, body)``, ``("truncate",)`` (promise more bytes than sent, then
close), ``("badjson",)`` (a complete but cut JSON document), ``("sleep", seconds)`` (then answer
normally). Every request is recorded in ``server.requests``. Nothing here talks to anything
but the test process.

By default the fake agrees with today's guesses (period types ``M``/``Q``/``QMAT``, explicit
period lists, ``_nykom``). A :class:`FakeState` can make it disagree, as the live service may:

- ``period_type_names``: the type name the service uses per kind (``{"M": "Maaned"}``); any
  other ``period.<T>`` is refused with 422;
- ``describe_periods``: ``"all"`` (codes per type), ``"latest"`` (only each type's latest
  period), ``"none"`` (no period types at all);
- ``refuse_period_lists``: a status (400, 422) for every explicit period list;
  ``max_latest``: ``latest:N`` above it is refused with "Der er kun N perioder tilgængelige";
- ``area_hierarchies``: the area dimension's hierarchies (:class:`FakeHierarchy`: id, label,
  the areas it returns, whether the description lists them, the era it has rows for); a
  hierarchy id the description does not list is refused with 400, and with
  ``refuse_combined_areas`` so are two area hierarchies in one query;
- ``measure_labels``: live labels per registry measure key (renamed measures).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from analysis.reference import periods, tables

REJECTED = "Forkert nøgle eller nøglen er udløbet."
AREAS = ("Hele landet", "Slagelse", "Roskilde", "RAR Sjælland")
CHANGE_2025 = periods.parse_period("2025M01").start


@dataclass
class FakeHierarchy:
    """One hierarchy of the fake's area dimension."""

    id: str
    label: str
    areas: tuple[str, ...]  # the area names its rows carry
    described: bool = True  # the description lists its values
    era: str | None = None  # "rar": rows only for periods before 2025; "region": from 2025

    def value_id(self, name: str) -> str:
        return f"/{self.id}/{self.areas.index(name)}/"

    def description(self) -> dict:
        h: dict = {"hierarchy_id": self.id, "hierarchy_name": self.label}
        if self.described:
            h["levels"] = [{"level_id": "1", "values": [{"value_id": self.value_id(a), "value_name": a} for a in self.areas]}]
        return h

    def rows_for(self, code: str, selection: str) -> list[str]:
        end = periods.parse_period(code).end
        if self.era == "rar" and end >= CHANGE_2025 or self.era == "region" and end < CHANGE_2025:
            return []
        if selection == "*":
            return list(self.areas)
        return [a for a in self.areas if self.value_id(a) == selection]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    kind: str


@dataclass
class FakeState:
    token: str
    published: dict[str, list[str]] = field(default_factory=dict)  # table id (upper) -> period codes
    dst_quarters: list[str] = field(default_factory=list)  # e.g. ["2024Q1", ...]
    script: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    always: dict[str, tuple] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    ignore_period_filter: bool = False
    period_type_names: dict[str, str] = field(default_factory=dict)  # kind -> the name the service uses
    describe_periods: str = "all"  # "all", "latest" or "none"
    refuse_period_lists: int | None = None  # status for explicit period lists (400 or 422)
    max_latest: int | None = None
    area_hierarchies: list[FakeHierarchy] | None = None  # None: the default description, AREAS in every answer
    refuse_combined_areas: bool = False
    measure_labels: dict[str, str] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)  # data bodies served, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of_kind(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if r.kind == kind]


def v3_body(spec: tables.TableSpec, codes: list[str], areas_for=None, measure_labels=None) -> bytes:
    measure_labels = measure_labels or {}
    columns = ["Område", "Periode", *[d.label for d in spec.dimensions], *[measure_labels.get(m.key, m.label) for m in spec.measures]]
    rows = []
    for code in codes:
        for i, area in enumerate(areas_for(code) if areas_for else AREAS):
            dims = [d.total or "I alt" for d in spec.dimensions]
            values = [f"{(i + 1) * 10 + j},{len(code) % 10}" for j, _ in enumerate(spec.measures)]
            rows.append([area, code, *dims, *values])
    return "\ufeff".encode() + json.dumps({"columns": columns, "rows": rows}, ensure_ascii=False).encode("utf-8")


MUNICIPALITY_CODES = (("330", "Slagelse"), ("265", "Roskilde"))


# AUK01 as StatBank describes it (codes, Danish and English texts: analysis.sources.statbank.auk01),
# cut down to a few values of each variable.
DST_AREAS = (("0", "Hele landet", "All Denmark"), ("085", "Region Sjælland", "Region Sjælland"),
             ("04", "Landsdel Vest- og Sydsjælland", "Province Vest- og Sydsjælland"),
             ("330", "Slagelse", "Slagelse"), ("265", "Roskilde", "Roskilde"), ("997", "Uoplyst", "Unknown"))
DST_TYPES = (("SY", "Sygedagpenge mv.", "Sickness benefits etc."),
             ("KT", "Nettoledige kontanthjælpsmodtagere", "Net unemployed recipients of social assistance"))
DST_SEX = (("TOT", "I alt", "Total"), ("M", "Mænd", "Men"))
DST_AGE = (("TOT", "Alder i alt", "Age, total"), ("16-24", "16-24 år", "16-24 years"))


def _dst_text(value: tuple, lang: str) -> str:
    return value[2] if lang == "en" else value[1]


def dst_tableinfo(quarters: list[str], lang: str = "da") -> bytes:
    def values(options):
        return [{"id": v[0], "text": _dst_text(v, lang)} for v in options]

    info = {
        "id": "AUK01",
        "text": "Persons receiving public benefits" if lang == "en" else "Fuldtidsmodtagere af offentlige forsørgelsesydelser",
        "variables": [
            {"id": "OMRÅDE", "text": "region" if lang == "en" else "område", "values": values(DST_AREAS)},
            {"id": "YDELSESTYPE", "text": "type of benefits" if lang == "en" else "ydelsestype", "values": values(DST_TYPES)},
            {"id": "KØN", "text": "sex" if lang == "en" else "køn", "values": values(DST_SEX)},
            {"id": "ALDER", "text": "age" if lang == "en" else "alder", "values": values(DST_AGE)},
            {"id": "Tid", "text": "time" if lang == "en" else "tid", "time": True,
             "values": [{"id": q.replace("Q", "K"), "text": q if lang == "en" else q.replace("Q", "K")} for q in quarters]},
        ],
    }
    return json.dumps(info, ensure_ascii=False).encode("utf-8")


def dst_csv(request: dict) -> bytes:
    """The CSV StatBank answers: texts in the request's language, or codes (``valuePresentation``)."""
    lang, presentation = request.get("lang", "da"), request.get("valuePresentation", "Value")
    variables = {v["code"]: v["values"] for v in request["variables"]}

    def shown(value: tuple) -> str:
        if presentation == "Code":
            return value[0]
        text = _dst_text(value, lang)
        return f"{value[0]} {text}" if presentation == "CodeAndValue" else text

    def chosen(name: str, options: tuple) -> list[tuple]:
        wanted = variables[name]
        return list(options) if wanted == ["*"] else [v for v in options if v[0] in wanted]

    lines = ["OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD"]
    sex, age = chosen("KØN", DST_SEX)[0], chosen("ALDER", DST_AGE)[0]
    for tid in variables["Tid"]:
        time = tid.replace("K", "Q") if lang == "en" else tid
        for area in chosen("OMRÅDE", DST_AREAS):
            for t in chosen("YDELSESTYPE", DST_TYPES):
                value = ".." if area[0] == "265" and t[0] == "KT" else f"{len(area[1]) * 10},5"
                lines.append(f"{shown(area)};{shown(t)};{shown(sex)};{shown(age)};{time};{value}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: a cut body really ends the stream
    state: FakeState  # set on the subclass by start()

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        kind = _kind(path)
        st = self.state
        with st.lock:
            st.requests.append(Recorded(method, path, query, dict(self.headers.items()), body, kind))
            action = st.script[kind].pop(0) if st.script.get(kind) else st.always.get(kind)
        if action and action[0] == "sleep":
            time.sleep(action[1])
            action = None
        if action and action[0] == "status":
            _, code, headers, text = (*action, {}, "")[:4]
            return self._send(code, (text or f"error {code}").encode("utf-8"), headers=headers)
        if path.startswith("/v3/"):
            if self.headers.get("Authorization") != f"Bearer {st.token}":
                return self._send(401, REJECTED.encode("utf-8"), content_type="text/plain; charset=utf-8")
            payload, status = self._v3(path, query)
        elif path.startswith("/v1/"):
            payload, status = self._dst(path, body)
        else:
            payload, status = b"not found", 404
        if action and action[0] == "truncate":
            return self._send(status, payload, cut=len(payload) // 2)
        if action and action[0] == "badjson":
            payload = payload[: len(payload) // 2]
        if kind in ("data", "dst-data") and status == 200:
            with st.lock:
                st.bodies.append(payload)
        ctype = "text/csv; charset=utf-8" if kind == "dst-data" else "application/json; charset=utf-8"
        self._send(status, payload, content_type=ctype)

    def _v3(self, path: str, query: dict) -> tuple[bytes, int]:
        st = self.state
        _, _, what, table_id = path.split("/", 3)
        try:
            spec = tables.spec(table_id)
        except Exception:
            return json.dumps({"message": f"Unknown table {table_id}"}).encode(), 404
        published = st.published.get(spec.id)
        if published is None:
            return json.dumps({"message": f"Unknown table {table_id}"}).encode(), 404
        names = {st.period_type_names.get(k, k): k for k in spec.period_kinds}
        if what == "table":
            meta = {"table_id": table_id, "table_name": spec.title}
            if st.describe_periods != "none":
                meta["periods"] = []
                for name, kind in names.items():
                    codes = [c for c in published if periods.parse_period(c).kind == kind]
                    entry: dict = {"period_type": name}
                    if st.describe_periods == "all":
                        entry["values"] = [{"value_id": c, "value_name": c} for c in codes]
                    elif codes:
                        entry["latest_period"] = codes[-1]
                    meta["periods"].append(entry)
            if st.area_hierarchies is None:
                area_dimension = {"dimension_id": "_omrade", "dimension_name": "Område", "hierarchies": [{"hierarchy_id": "_nykom"}, {"hierarchy_id": "_hele_landet"}]}
            else:
                area_dimension = {"dimension_id": "_omrade", "dimension_name": "Område", "hierarchies": [h.description() for h in st.area_hierarchies]}
            meta["dimensions"] = [
                area_dimension,
                *[
                    {"dimension_id": f"_d{i}", "dimension_name": d.label, "hierarchies": [{"hierarchy_id": f"_h_{d.key}"}]}
                    for i, d in enumerate(spec.dimensions)
                ],
            ]
            return "\ufeff".encode() + json.dumps(meta, ensure_ascii=False).encode("utf-8"), 200
        if what == "data":
            selected = [(k[len("period."):], v) for k, v in query.items() if k.startswith("period.")]
            if not selected:
                return _message("Der mangler en periode"), 400
            ptype, selection = selected[0]
            if ptype not in names:
                return _message(f"Periodetypen '{ptype}' findes ikke for tabel {table_id}"), 422
            kind = names[ptype]
            available = [c for c in published if periods.parse_period(c).kind == kind]
            if selection.startswith("latest:"):
                n = int(selection.split(":", 1)[1])
                if st.max_latest is not None and n > st.max_latest:
                    return _message(f"Der er kun {st.max_latest} perioder tilgængelige"), 400
                codes = available[-n:]
            elif st.refuse_period_lists:
                return _message("Ugyldig periodeangivelse"), st.refuse_period_lists
            else:
                asked = set(selection.split(","))
                codes = list(available) if st.ignore_period_filter else [c for c in available if c in asked]
            areas_for = None
            if st.area_hierarchies is not None:
                hierarchies = {k[len("hierarchy."):]: v for k, v in query.items() if k.startswith("hierarchy.")}
                by_id = {h.id: h for h in st.area_hierarchies}
                known = set(by_id) | {f"_h_{d.key}" for d in spec.dimensions}
                unknown = [h for h in hierarchies if h not in known]
                if unknown:
                    return _message(f"Hierarkiet '{unknown[0]}' findes ikke i tabel {table_id}"), 400
                asked_areas = [(by_id[h], sel) for h, sel in hierarchies.items() if h in by_id]
                if st.refuse_combined_areas and len(asked_areas) > 1:
                    return _message("Der kan kun vælges ét hierarki pr. dimension"), 400

                def areas_for(code, asked_areas=asked_areas):
                    return [a for h, sel in asked_areas for a in h.rows_for(code, sel)]

            return v3_body(spec, codes, areas_for, st.measure_labels), 200
        return b"{}", 404

    def _dst(self, path: str, body: bytes) -> tuple[bytes, int]:
        request = json.loads(body.decode("utf-8"))
        if request.get("table", "").upper() != "AUK01":
            return json.dumps({"errorTypeCode": "TABLE-NOT-FOUND", "message": "Tabellen blev ikke fundet"}).encode(), 400
        if path == "/v1/tableinfo":
            return dst_tableinfo(self.state.dst_quarters, request.get("lang", "da")), 200
        if path == "/v1/data":
            known = {q.replace("Q", "K") for q in self.state.dst_quarters}
            tids = {v["code"]: v["values"] for v in request["variables"]}["Tid"]
            if any(t not in known for t in tids):
                return json.dumps({"errorTypeCode": "VALUE-NOT-FOUND", "message": "Værdien findes ikke"}).encode(), 400
            return dst_csv(request), 200
        return b"{}", 404

    def _send(self, status: int, payload: bytes, *, content_type: str = "application/json", headers=None, cut=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(payload if cut is None else payload[:cut])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if cut is not None:
            self.close_connection = True


def _message(text: str) -> bytes:
    return json.dumps({"message": text}, ensure_ascii=False).encode("utf-8")


def _kind(path: str) -> str:
    if path.startswith("/v3/table/"):
        return "table"
    if path.startswith("/v3/data/"):
        return "data"
    if path == "/v1/tableinfo":
        return "dst-info"
    if path == "/v1/data":
        return "dst-data"
    return "other"


class FakeServer:
    """Start with ``FakeServer(token)``; ``.url`` is ``http://127.0.0.1:<port>``; ``.stop()`` ends it."""

    def __init__(self, token: str) -> None:
        self.state = FakeState(token=token)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
