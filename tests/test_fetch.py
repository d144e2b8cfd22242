"""`analysis fetch` against a local fake of the Jobindsats v3 and StatBank APIs (127.0.0.1 only).

No test sleeps more than a few tenths of a second: the retry policy is tiny here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import time
from datetime import date
from pathlib import Path

import pytest

from analysis.core import paths
from analysis.core.errors import AnalysisError, InputError
from analysis.data import build
from analysis.reference import regional, tables
from analysis.run import cli
from analysis.sources import fetch, fetching, http
from analysis.sources.jobindsats import api as jobindsats_api
from analysis.sources.jobindsats import description as jobindsats_description
from analysis.sources.jobindsats import reader
from analysis.sources.jobindsats import v3 as jobindsats_v3
from analysis.sources.statbank import api as statbank_api
from analysis.sources.statbank import reader as statbank_reader
from tests.fake_servers import REJECTED, FakeHierarchy, FakeServer

TOKEN = "tok-3f9c2b7e-SECRET-a81d"
FAST = http.RetryPolicy(
    total=3, backoff_factor=0.001, backoff_max=0.01, retry_after_max=0.05, connect_timeout=1.0, read_timeout=0.4, body_retries=2
)
MONTHS_2019H1 = ["2019M01", "2019M02", "2019M03", "2019M04", "2019M05", "2019M06"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def isolated(data_root, tmp_path, monkeypatch):
    """No real key, no real .env, no way out: URLs point at a closed local port unless a test sets them."""
    for name in ("JOBINDSATS_API_TOKEN", "JOBINDSATS_AREA_HIERARCHIES"):
        monkeypatch.delenv(name, raising=False)
    dead = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("JOBINDSATS_API_URL", dead + "/v3")
    monkeypatch.setenv("DST_API_URL", dead + "/v1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(fetching, "ENV_FILE", tmp_path / "no-such.env")
    monkeypatch.setattr(fetch, "DEFAULT_POLICY", FAST)
    return data_root


@pytest.fixture
def server(monkeypatch):
    srv = FakeServer(TOKEN)
    srv.state.published = {"Y25I09": list(MONTHS_2019H1), "Y30R21": ["2019QMAT02", "2019QMAT04"], "Y01A02": list(MONTHS_2019H1)}
    srv.state.dst_quarters = ["2019Q1", "2019Q2", "2019Q3"]
    monkeypatch.setenv("JOBINDSATS_API_URL", srv.url + "/v3")
    monkeypatch.setenv("DST_API_URL", srv.url + "/v1")
    monkeypatch.setenv("JOBINDSATS_API_TOKEN", TOKEN)
    yield srv
    srv.stop()


def run(*args: str) -> int:
    return cli.main(["fetch", "--quiet", *args])


def raw_files(directory: Path | None = None) -> dict[str, Path]:
    directory = directory or paths.raw_jobindsats_dir()
    return {p.name: p for p in sorted(directory.glob("*"))} if directory.is_dir() else {}


def manifest_of(path: Path) -> dict:
    return json.loads(fetching.manifest_path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- small pure functions


def test_build_data_url_is_the_documented_v3_shape():
    url = jobindsats_v3.build_data_url(
        "https://api.jobindsats.dk/v3/", "Y25I09", "M", ["2023M01", "2023M02"], {"_nykom": "*", "_ygrp": "*"}
    )
    assert url == (
        "https://api.jobindsats.dk/v3/data/y25i09?mgroup.*=*&period.M=2023M01,2023M02"
        "&hierarchy._nykom=*&hierarchy._ygrp=*&format=json"
    )
    assert jobindsats_v3.period_parameter("QMAT", ["2022qmat4"]) == ("period.QMAT", "2022QMAT04")
    assert jobindsats_v3.build_metadata_url("http://x/v3", "PTV_A02") == "http://x/v3/table/ptv_a02?format=json"


def test_calendar_periods_and_periods_to_fetch():
    today = date(2019, 8, 15)
    assert fetching.calendar_periods("M", "2019M05", today) == ["2019M05", "2019M06", "2019M07", "2019M08"]
    assert fetching.calendar_periods("QMAT", "2019M01", today, (2, 4)) == ["2019QMAT02"]
    assert fetching.calendar_periods("Q", "2019M04", today) == ["2019Q2", "2019Q3"]
    assert fetching.calendar_periods("M", "2020M01", today) == []
    cands = ["2019M01", "2019M02", "2019M03", "2019M04", "2019M05"]
    assert fetching.periods_to_fetch(cands, set(), full=False) == cands
    assert fetching.periods_to_fetch(cands, {"2019M02", "2019M03"}, full=False) == ["2019M01", "2019M04", "2019M05"]
    assert fetching.periods_to_fetch(cands, {"2019M01", "2019M03"}, full=False) == ["2019M04", "2019M05"]  # no gap filling
    assert fetching.periods_to_fetch(cands, {"2019M02"}, full=True) == cands


def test_settings_come_from_the_environment_or_a_git_ignored_env_file(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text('# comment\nexport JOBINDSATS_API_TOKEN="from-file-123"\nOTHER=1\n', encoding="utf-8")
    monkeypatch.setattr(fetching, "ENV_FILE", env)
    assert fetching.read_setting("JOBINDSATS_API_TOKEN") == "from-file-123"
    monkeypatch.setenv("JOBINDSATS_API_TOKEN", "from-env-456")
    assert fetching.read_setting("JOBINDSATS_API_TOKEN") == "from-env-456"
    gitignore = (paths.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in gitignore


def test_unknown_tables_are_refused_before_any_request(server, capsys):
    assert run("--tables", "Y25I09,NOPE") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown table 'NOPE'" in err and "Y30R21" in err
    assert run("--tables", "AUK01") == 2
    assert "--source dst" in capsys.readouterr().err
    assert server.state.requests == []


# --------------------------------------------------------------------------- Jobindsats: full and incremental


def test_full_fetch_saves_verbatim_bodies_with_manifests(server, capsys):
    assert cli.main(["fetch", "--tables", "Y25I09,Y30R21,JOBORDRER"]) == 0
    out = capsys.readouterr().out
    files = raw_files()
    data = files["Y25I09__2019M01-2019M06.json"]
    assert set(files) == {
        "Y25I09__2019M01-2019M06.json",
        "Y25I09__2019M01-2019M06.json.manifest.json",
        "Y30R21__2019QMAT02-2019QMAT04.json",
        "Y30R21__2019QMAT02-2019QMAT04.json.manifest.json",
    }
    body = data.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and body in server.state.bodies  # verbatim, BOM and all
    m = manifest_of(data)
    assert m["table"] == "Y25I09" and m["file"] == data.name
    assert m["sha256"] == hashlib.sha256(body).hexdigest()
    assert m["periods"] == MONTHS_2019H1 and m["rows"] == 6 * 4
    assert m["query"].startswith(server.url + "/v3/data/y25i09?") and "hierarchy._nykom=*" in m["query"]
    assert m["fetched_at"].endswith("+00:00")
    # the benchmark's dimension is expanded with the hierarchy id the table description gave
    y30 = next(r for r in server.state.of_kind("data") if r.path.endswith("y30r21"))
    assert y30.query["hierarchy._h_benefit_group"] == "*" and y30.query["period.QMAT"] == "2019QMAT02,2019QMAT04"
    # the summary: tables, new periods, rows, time; JobAG skipped with a note
    assert "2 fetched (8 new period(s), 32 rows)" in out and "skipped JOBORDRER" in out and " s: " in out
    # the foundation's readers and the build take the files as they are (manifests are skipped)
    frame = reader.read_raw_file(data, data_root=paths.data_dir())
    assert set(frame["area"]) == {"Hele landet", "Slagelse", "Roskilde", "RAR Sjælland"}
    assert set(build.read_all("real")) == {"Y25I09", "Y30R21"}


def test_incremental_fetch_asks_only_for_new_periods(server, capsys):
    assert run("--tables", "Y25I09") == 0
    server.state.published["Y25I09"] += ["2019M07", "2019M08"]
    assert run("--tables", "Y25I09") == 0
    asked = [r.query["period.M"] for r in server.state.of_kind("data")]
    assert asked == [",".join(MONTHS_2019H1), "2019M07,2019M08"]
    files = raw_files()
    new = files["Y25I09__2019M07-2019M08.json"]
    assert "Y25I09__2019M01-2019M06.json" in files
    assert manifest_of(new)["periods"] == ["2019M07", "2019M08"] and "note" not in manifest_of(new)
    # up to date: no data request at all
    n = len(server.state.of_kind("data"))
    assert run("--tables", "Y25I09") == 0
    assert len(server.state.of_kind("data")) == n
    assert "1 up to date" in capsys.readouterr().out
    # files never overlap, so the build accepts them together
    frame = build.read_all("real")["Y25I09"]
    assert sorted(frame["period"].unique()) == MONTHS_2019H1 + ["2019M07", "2019M08"]


def test_since_and_full(server):
    assert run("--tables", "Y25I09", "--since", "2019M04") == 0
    assert server.state.of_kind("data")[-1].query["period.M"] == "2019M04,2019M05,2019M06"
    # an earlier --since fetches the older periods only, into their own file
    assert run("--tables", "Y25I09", "--since", "2019M02") == 0
    assert server.state.of_kind("data")[-1].query["period.M"] == "2019M02,2019M03"
    assert set(raw_files()) >= {"Y25I09__2019M04-2019M06.json", "Y25I09__2019M02-2019M03.json"}
    # --full fetches everything and only then removes the older files
    assert run("--tables", "Y25I09", "--full") == 0
    assert server.state.of_kind("data")[-1].query["period.M"] == ",".join(MONTHS_2019H1)
    assert set(raw_files()) == {"Y25I09__2019M01-2019M06.json", "Y25I09__2019M01-2019M06.json.manifest.json"}


def test_a_failed_full_fetch_leaves_the_old_files(server, capsys):
    assert run("--tables", "Y25I09", "--since", "2019M03") == 0
    before = {n: p.read_bytes() for n, p in raw_files().items()}
    server.state.always["data"] = ("status", 503)
    assert run("--tables", "Y25I09", "--full") == 2
    assert {n: p.read_bytes() for n, p in raw_files().items()} == before


def test_rows_of_saved_periods_are_dropped_if_the_api_ignores_the_period_list(server):
    assert run("--tables", "Y25I09") == 0
    server.state.published["Y25I09"].append("2019M07")
    server.state.ignore_period_filter = True
    assert run("--tables", "Y25I09") == 0
    new = raw_files()["Y25I09__2019M07-2019M07.json"]
    m = manifest_of(new)
    assert m["periods"] == ["2019M07"] and m["rows"] == 4 and "not the verbatim response" in m["note"]
    assert m["sha256"] == hashlib.sha256(new.read_bytes()).hexdigest()
    assert set(build.read_all("real")) == {"Y25I09"}  # no duplicate keys across files


# --------------------------------------------------------------------------- faults


def test_429_then_success(server):
    server.state.script["data"] = [("status", 429, {"Retry-After": "0"}), ("status", 429, {"Retry-After": "3600"})]
    started = time.monotonic()
    assert run("--tables", "Y25I09") == 0
    assert time.monotonic() - started < 3  # Retry-After honoured but capped by the policy
    assert len(server.state.of_kind("data")) == 3
    assert "Y25I09__2019M01-2019M06.json" in raw_files()


def test_500_until_retries_run_out(server, capsys):
    assert run("--tables", "Y01A02") == 0
    server.state.published["Y25I09"] = list(MONTHS_2019H1)
    server.state.always["data"] = ("status", 500)
    assert run("--tables", "Y25I09,Y01A02") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "HTTP 500" in err and "Y25I09" in err and "try again later" in err
    assert len([r for r in server.state.of_kind("data") if r.path.endswith("y25i09")]) == FAST.total + 1
    assert not any(n.startswith("Y25I09") for n in raw_files())
    assert not any(n.startswith(".") for n in raw_files())  # no temporary files left


def test_a_truncated_body_is_fetched_again_and_never_saved(server):
    server.state.script["data"] = [("truncate",), ("badjson",)]
    assert run("--tables", "Y25I09") == 0
    assert len(server.state.of_kind("data")) == 3
    body = raw_files()["Y25I09__2019M01-2019M06.json"].read_bytes()
    assert json.loads(body.decode("utf-8-sig"))["rows"]  # the complete one


def test_a_body_that_stays_truncated_fails_and_leaves_saved_data(server, capsys):
    assert run("--tables", "Y25I09", "--since", "2019M05") == 0
    before = {n: p.read_bytes() for n, p in raw_files().items()}
    server.state.always["data"] = ("truncate",)
    assert run("--tables", "Y25I09", "--since", "2019M01") == 2
    assert "cut off" in capsys.readouterr().err
    assert {n: p.read_bytes() for n, p in raw_files().items()} == before
    assert len(server.state.of_kind("data")) == 1 + FAST.body_retries + 1


def test_a_timeout_is_retried(server):
    server.state.script["data"] = [("sleep", 0.8)]
    assert run("--tables", "Y25I09") == 0
    assert len(server.state.of_kind("data")) == 2


def test_rejected_key(server, capsys):
    server.state.token = "another-key"
    assert run("--tables", "Y25I09,Y01A02") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and REJECTED in err and "JOBINDSATS_API_TOKEN" in err
    assert len(server.state.requests) == 1  # stops at the first answer
    # the v2 style: status 200 with the message as the body
    server.state.token = TOKEN
    server.state.always["table"] = ("status", 200, {}, REJECTED)
    assert run("--tables", "Y25I09") == 2
    assert REJECTED in capsys.readouterr().err
    assert raw_files() == {}


def test_missing_key(server, capsys, monkeypatch):
    monkeypatch.delenv("JOBINDSATS_API_TOKEN")
    assert run() == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "error: JOBINDSATS_API_TOKEN is not set: request a key from STAR (jobindsats@star.dk) and put it in the "
        "environment or in .env at the project root (never on the command line)"
    )
    assert server.state.requests == []


def test_a_table_the_api_does_not_know(server, capsys):
    del server.state.published["Y01A02"]
    assert run("--tables", "Y25I09,Y01A02") == 2
    err = capsys.readouterr().err
    assert "does not know table Y01A02" in err and "HTTP 404" in err
    assert "Y25I09__2019M01-2019M06.json" in raw_files()  # the other table was still fetched


def test_no_network_names_the_date_of_the_saved_data(server, capsys, monkeypatch):
    assert run("--tables", "Y25I09") == 0
    monkeypatch.setenv("JOBINDSATS_API_URL", f"http://127.0.0.1:{_closed_port()}/v3")
    started = time.monotonic()
    assert run("--tables", "Y25I09") == 2
    assert time.monotonic() - started < 3
    err = capsys.readouterr().err.strip()
    saved_on = fetching.latest_fetched_at(paths.raw_jobindsats_dir()).date().isoformat()
    assert err.count("\n") == 0 and err.startswith("error: no network")
    assert f"the reports will use the data saved on {saved_on}" in err


def test_no_network_and_nothing_saved(capsys, monkeypatch):
    monkeypatch.setenv("JOBINDSATS_API_TOKEN", TOKEN)
    assert run("--tables", "Y25I09") == 2
    assert "no data has been fetched before" in capsys.readouterr().err


def test_the_token_appears_in_no_file_and_no_log_line(server, capsys, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    assert cli.main(["fetch", "--tables", "Y25I09,Y30R21"]) == 0
    server.state.published["Y25I09"].append("2019M07")
    # an API that echoes the key in an error body: the message shown must not repeat it
    server.state.always["data"] = ("status", 400, {}, f"bad request for key {TOKEN}")
    assert cli.main(["fetch", "--tables", "Y25I09"]) == 2
    server.state.always.pop("data")
    server.state.token = "rotated"
    assert cli.main(["fetch", "--tables", "Y25I09"]) == 2
    captured = capsys.readouterr()
    assert "HTTP 400" in captured.err and "***" in captured.err
    for text in (captured.out, captured.err, caplog.text):
        assert TOKEN not in text
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".manifest.json") for p in written)
    for p in written:
        assert TOKEN.encode() not in p.read_bytes(), p
    # it did travel, in the header only
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in server.state.requests[:2])
    assert all(TOKEN not in r.path and TOKEN not in json.dumps(r.query) for r in server.state.requests)


def test_progress_lines_when_not_quiet(server, capsys):
    assert cli.main(["fetch", "--tables", "Y25I09"]) == 0
    out = capsys.readouterr().out
    assert "Y25I09: 6 period(s) 2019M01-2019M06 (6 new), 24 rows -> data/raw/jobindsats/Y25I09__2019M01-2019M06.json" in out
    assert "Jobindsats API v3: 1 table(s)" in out


def test_http_client_retries_connection_errors_a_bounded_number_of_times():
    session = http.make_session(FAST)
    with pytest.raises(http.NetworkError, match="after 3 retries"):
        http.fetch(session, "GET", f"http://127.0.0.1:{_closed_port()}/x", policy=FAST)
    retry = http.make_retry(FAST)
    assert retry.status_forcelist == (429, 500, 502, 503, 504) and retry.respect_retry_after_header
    assert retry.total == 3 and "POST" in retry.allowed_methods


# --------------------------------------------------------------------------- Statistics Denmark


def test_dst_full_and_incremental_fetch(server, capsys):
    assert run("--source", "dst") == 0
    files = raw_files(paths.raw_dst_dir())
    first = files["AUK01__2019Q1-2019Q3.csv"]
    assert first.read_bytes() in server.state.bodies
    m = manifest_of(first)
    assert m["table"] == "AUK01" and m["periods"] == ["2019Q1", "2019Q2", "2019Q3"] and m["rows"] == 3 * 3 * 2
    assert m["query"]["url"] == server.url + "/v1/data" and m["query"]["body"]["format"] == "CSV"
    request = json.loads(server.state.of_kind("dst-data")[0].body)
    variables = {v["code"]: v["values"] for v in request["variables"]}
    assert request["lang"] == "da" and variables["Tid"] == ["2019K1", "2019K2", "2019K3"]
    assert variables["OMRÅDE"] == ["0", "330", "265"]  # country and municipalities, no region, landsdel or Uoplyst
    assert variables["KØN"] == ["TOT"] and variables["YDELSESTYPE"] == ["*"]
    server.state.dst_quarters.append("2019Q4")
    assert run("--source", "dst") == 0
    assert json.loads(server.state.of_kind("dst-data")[-1].body)["variables"][-1]["values"] == ["2019K4"]
    assert "AUK01__2019Q4-2019Q4.csv" in raw_files(paths.raw_dst_dir())
    frame = build.read_all("real")["AUK01"]
    assert set(frame["period"]) == {"2019Q1", "2019Q2", "2019Q3", "2019Q4"}
    assert frame.loc[(frame["area"] == "Roskilde") & (frame["benefit_type"] == "Nettoledige kontanthjælpsmodtagere"), "value"].isna().all()


def test_dst_refused_request_names_statbanks_message(server, capsys):
    server.state.script["dst-data"] = [("status", 400, {}, json.dumps({"errorTypeCode": "VALUE-NOT-FOUND", "message": "Værdien findes ikke"}))]
    assert run("--source", "dst") == 2
    assert "StatBank refused the data request for AUK01 (HTTP 400: Værdien findes ikke)" in capsys.readouterr().err
    assert not raw_files(paths.raw_dst_dir())


def test_dst_needs_no_key_and_refuses_unknown_tables(server, capsys, monkeypatch):
    monkeypatch.delenv("JOBINDSATS_API_TOKEN")
    assert run("--source", "dst", "--tables", "AUK01") == 0
    assert run("--source", "dst", "--tables", "Y25I09") == 2
    assert "fetch it with `analysis fetch`" in capsys.readouterr().err
    assert run("--source", "dst", "--tables", "FOLK1A") == 2
    assert "unknown Statistics Denmark table 'FOLK1A'" in capsys.readouterr().err


def test_dst_server_errors_are_retried(server):
    server.state.script["dst-data"] = [("status", 502), ("status", 503)]
    assert run("--source", "dst") == 0
    assert len(server.state.of_kind("dst-data")) == 3


# --------------------------------------------------------------------------- the StatBank reader


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    return path


def test_read_dst_file_into_the_tidy_model(data_root):
    path = _write(
        data_root / "raw" / "dst" / "AUK01__2024Q3-2024Q4.csv",
        "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\n"
        "Hele landet;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K4;61234\n"
        "0;Nettoledige kontanthjælpsmodtagere;Køn i alt;Alder i alt;2024K4;100,5\n"
        "330 Slagelse;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K3;1234,5\n"
        "Landsdel Vestsjælland;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K4;9\n"
        "Slagelse;Nettoledige kontanthjælpsmodtagere;Køn i alt;Alder i alt;2024K4;..\n",
    )
    frame = statbank_reader.read_dst_file(path, data_root)
    from analysis.reference import model

    assert list(frame.columns) == model.columns_for(tables.spec("AUK01"))
    assert len(frame) == 4
    row = frame[(frame["area"] == "Slagelse") & (frame["period"] == "2024Q3")].iloc[0]
    assert row["area_code"] == "330" and row["value"] == 1234.5 and row["source_row"] == 4
    assert row["measure"] == "fulltime_persons" and row["unit"] == "fuldtidspersoner"
    assert row["source_file"] == "raw/dst/AUK01__2024Q3-2024Q4.csv"
    assert frame.loc[frame["area"] == "Hele landet", "area_code"].unique().tolist() == ["000"]
    assert frame.loc[(frame["area"] == "Slagelse") & (frame["benefit_type"] == "Nettoledige kontanthjælpsmodtagere"), "value"].isna().all()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Slagelse;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K4;mange", r"(row|line) 3: 'INDHOLD' is 'mange', expected a number"),
        ("Atlantis;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K4;12", r"(row|line) 3.*unknown area 'Atlantis'"),
        ("Slagelse;Sygedagpenge mv.;Køn i alt;Alder i alt;2024M04;12", r"(row|line) 3.*M period.*Q periods"),
        ("Slagelse;Sygedagpenge mv.;Køn i alt;2024K4;12", r"line 3: 5 fields, expected 6"),
    ],
)
def test_read_dst_file_names_the_file_and_row_of_a_bad_value(data_root, line, expected):
    path = _write(
        data_root / "raw" / "dst" / "AUK01__2024Q4-2024Q4.csv",
        "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\nHele landet;Sygedagpenge mv.;Køn i alt;Alder i alt;2024K4;1\n" + line + "\n",
    )
    with pytest.raises(InputError, match=r"raw/dst/AUK01__2024Q4-2024Q4\.csv " + expected):
        statbank_reader.read_dst_file(path, data_root)


def test_errors_are_analysis_errors():
    for cls in (
        fetching.MissingKeyError,
        fetching.RejectedKeyError,
        fetching.UnknownTableError,
        fetching.NoNetworkError,
        fetching.ApiError,
        http.NetworkError,
        http.BodyError,
    ):
        assert issubclass(cls, AnalysisError)
    assert statbank_api.dst_quarter("2024Q4") == "2024K4"


class _Terminal:
    """A stand-in for a terminal: collects what tqdm draws."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_a_progress_bar_per_table_on_a_terminal(server):
    term, lines = _Terminal(), []
    summary = fetch.fetch_source(
        tables=["Y25I09", "Y30R21"], progress_stream=term, out=lines.append, policy=FAST, today=date(2019, 12, 31)
    )
    assert "Y25I09" in term.text and "Y30R21" in term.text and "B" in term.text
    assert [r.status for r in summary.results] == ["fetched", "fetched"]
    assert lines[-1].startswith("Jobindsats API v3: 2 table(s)")
    quiet_term = _Terminal()
    fetch.fetch_source(tables=["Y25I09"], quiet=True, progress_stream=quiet_term, out=lines.append, policy=FAST)
    assert quiet_term.text == ""


def test_without_periods_in_the_table_description_calendar_periods_are_asked(server):
    server.state.always["table"] = ("status", 200, {}, '{"table_id": "y25i09"}')
    lines: list[str] = []
    fetch.fetch_source(tables=["Y25I09"], since="2019M03", today=date(2019, 8, 10), out=lines.append, policy=FAST)
    assert server.state.of_kind("data")[-1].query["period.M"] == "2019M03,2019M04,2019M05,2019M06,2019M07,2019M08"
    assert manifest_of(raw_files()["Y25I09__2019M03-2019M06.json"])["periods"] == ["2019M03", "2019M04", "2019M05", "2019M06"]


def test_area_hierarchies_can_be_configured(monkeypatch):
    assert jobindsats_api.area_hierarchies(["_nykom", "_rar", "_hele_landet"]) == ["_nykom"]
    monkeypatch.setenv("JOBINDSATS_AREA_HIERARCHIES", "_nykom, _rar")
    assert jobindsats_api.area_hierarchies(["_nykom", "_rar"]) == ["_nykom", "_rar"]
    assert jobindsats_api.area_hierarchies(None) == ["_nykom", "_rar"]


# --------------------------------------------------------------------------- a service that disagrees with today's guesses


SJ_RAR = ("RAR Sjælland",)
SJ_REGION = ("Region Sjælland",)


def data_requests(server, table: str = "y25i09"):
    return [r for r in server.state.of_kind("data") if r.path.endswith(table)]


def period_param(request) -> tuple[str, str]:
    return next((k, v) for k, v in request.query.items() if k.startswith("period."))


def test_another_period_type_name_is_taken_from_the_description_and_recorded(server):
    server.state.period_type_names = {"M": "Maaned"}
    assert run("--tables", "Y25I09") == 0
    asked = [period_param(r) for r in data_requests(server)]
    assert asked == [("period.Maaned", ",".join(MONTHS_2019H1))]  # read, not guessed: one request
    m = manifest_of(raw_files()["Y25I09__2019M01-2019M06.json"])
    assert m["period_type"] == "Maaned" and m["period_selection"] == "list"
    # the next incremental fetch asks that way at once
    server.state.published["Y25I09"].append("2019M07")
    assert run("--tables", "Y25I09") == 0
    assert period_param(data_requests(server)[-1]) == ("period.Maaned", "2019M07")
    assert len(data_requests(server)) == 2


def test_without_period_types_in_the_description_types_are_tried_in_a_fixed_order_and_the_one_that_worked_is_reused(server):
    server.state.describe_periods = "none"
    server.state.period_type_names = {"QMAT": "Y"}  # the service calls the benchmark's rolling years "Y"
    lines: list[str] = []
    fetch.fetch_source(tables=["Y30R21"], today=date(2019, 12, 31), out=lines.append, policy=FAST)
    asked = [period_param(r) for r in data_requests(server, "y30r21")]
    # M and Q cannot hold rolling years and are not asked; QMAT and A are refused (list, then latest:N)
    assert [k for k, _ in asked] == ["period.QMAT", "period.QMAT", "period.A", "period.A", "period.Y"]
    assert asked[1][1] == "latest:3" and asked[-1][1] == "2019QMAT02,2019QMAT04"
    m = manifest_of(raw_files()["Y30R21__2019QMAT02-2019QMAT04.json"])
    assert m["period_type"] == "Y" and m["periods"] == ["2019QMAT02", "2019QMAT04"]
    server.state.published["Y30R21"].append("2020QMAT02")
    n = len(server.state.of_kind("data"))
    fetch.fetch_source(tables=["Y30R21"], today=date(2020, 9, 30), out=lines.append, policy=FAST)
    assert [period_param(r) for r in server.state.of_kind("data")[n:]] == [("period.Y", "2020QMAT02")]
    assert set(build.read_all("real")["Y30R21"]["period"]) == {"2019QMAT02", "2019QMAT04", "2020QMAT02"}


def test_the_fixed_order_of_period_types():
    empty = jobindsats_description.TableInfo(readable=True)
    names = lambda table: [n for n, _, _ in jobindsats_api.period_type_options(tables.spec(table), empty)]  # noqa: E731
    assert names("Y25I09") == ["M", "A", "Y"]
    assert names("Y30R21") == ["QMAT", "A", "Y"]
    assert names("JOBORDRER") == ["Q", "A", "Y"]


@pytest.mark.parametrize("status", [400, 422])
def test_a_refused_period_list_falls_back_to_latest_n_and_keeps_only_the_wanted_periods(server, status):
    server.state.refuse_period_lists = status
    assert run("--tables", "Y25I09", "--since", "2019M03") == 0
    asked = [period_param(r)[1] for r in data_requests(server)]
    assert asked == ["2019M03,2019M04,2019M05,2019M06", "latest:4"]
    first = raw_files()["Y25I09__2019M03-2019M06.json"]
    m = manifest_of(first)
    assert m["period_selection"] == "latest" and "note" not in m and first.read_bytes() in server.state.bodies
    # older periods: latest:N reaches back to them; only the wanted ones are kept, and the recorded way is used at once
    assert run("--tables", "Y25I09", "--since", "2019M01") == 0
    assert [period_param(r)[1] for r in data_requests(server)][2:] == ["latest:6"]
    older = raw_files()["Y25I09__2019M01-2019M02.json"]
    m = manifest_of(older)
    assert m["periods"] == ["2019M01", "2019M02"] and m["rows"] == 2 * 4
    assert "not the verbatim response" in m["note"] and "latest:6" in m["note"]
    assert m["sha256"] == hashlib.sha256(older.read_bytes()).hexdigest()
    assert sorted(build.read_all("real")["Y25I09"]["period"].unique()) == MONTHS_2019H1


def test_only_n_periods_available_is_followed(server):
    server.state.describe_periods = "latest"  # the description names the latest period only
    server.state.refuse_period_lists = 422
    server.state.max_latest = 6
    assert run("--tables", "Y25I09", "--since", "2018M01") == 0
    asked = [period_param(r)[1] for r in data_requests(server)]
    assert asked[0].startswith("2018M01,2018M02,") and asked[1:] == ["latest:18", "latest:6"]
    assert manifest_of(raw_files()["Y25I09__2019M01-2019M06.json"])["periods"] == MONTHS_2019H1


def _disagreeing_areas(described: bool = False) -> list[FakeHierarchy]:
    return [
        FakeHierarchy("_hele_landet", "Hele landet", ("Hele landet",), described),
        FakeHierarchy("_reko", "Kommuner", ("Slagelse", "Roskilde"), described),
        FakeHierarchy("_rar8", "Regionale arbejdsmarkedsråd", SJ_RAR, described, era="rar"),
        FakeHierarchy("_regraad", "Regionale råd fra 2025", SJ_REGION, described, era="region"),
    ]


def test_other_hierarchy_ids_are_chosen_by_label_and_the_regional_level_follows_the_2025_change(server):
    server.state.area_hierarchies = _disagreeing_areas(described=False)
    server.state.published["Y25I09"] = ["2024M11", "2024M12", "2025M01", "2025M02"]
    assert run("--tables", "Y25I09", "--since", "2024M01") == 0
    request = data_requests(server)[-1]
    assert {k: v for k, v in request.query.items() if k.startswith("hierarchy.")} == {
        "hierarchy._reko": "*", "hierarchy._hele_landet": "*", "hierarchy._rar8": "*", "hierarchy._regraad": "*",
    }
    m = manifest_of(raw_files()["Y25I09__2024M11-2025M02.json"])
    assert m["area_hierarchies"] == {"municipalities": "_reko", "country": "_hele_landet", "rar": "_rar8", "region": "_regraad"}
    assert m["regional_level"] == {
        "rar": {"hierarchy": "_rar8", "periods": ["2024M11", "2024M12"]},
        "region": {"hierarchy": "_regraad", "periods": ["2025M01", "2025M02"]},
    }
    frame = build.read_all("real")["Y25I09"]
    regional_rows = frame[frame["area_level"].isin(["rar", "region"])]
    assert set(zip(regional_rows["period"], regional_rows["area"])) == {
        ("2024M11", "RAR Sjælland"), ("2024M12", "RAR Sjælland"), ("2025M01", "Region Sjælland"), ("2025M02", "Region Sjælland"),
    }
    # what the reports read back and say
    levels = regional.recorded_levels("Y25I09")
    assert levels == {"2024M11": "rar", "2024M12": "rar", "2025M01": "region", "2025M02": "region"}
    assert regional.levels_in_frame(frame) == levels == regional.levels("Y25I09", frame)
    assert [a for a, _ in regional.areas_by_period("Slagelse", levels, levels)] == ["RAR Sjælland", "Region Sjælland"]
    note = regional.comparison_note_da("Slagelse", sorted(levels), levels)
    assert "RAR Sjælland (til og med dec. 2024)" in note and "Region Sjælland (fra jan. 2025)" in note
    assert "samme 17 kommuner" in note


def test_a_period_before_2025_asks_only_the_rar_hierarchy(server):
    server.state.area_hierarchies = _disagreeing_areas(described=True)
    assert run("--tables", "Y25I09") == 0
    hierarchies = {k for k in data_requests(server)[-1].query if k.startswith("hierarchy.")}
    assert hierarchies == {"hierarchy._reko", "hierarchy._hele_landet", "hierarchy._rar8"}


def test_hierarchies_the_service_refuses_together_fall_back_to_the_municipalities_alone(server):
    server.state.area_hierarchies = _disagreeing_areas(described=True)
    server.state.refuse_combined_areas = True
    assert run("--tables", "Y25I09") == 0
    asked = [sorted(k for k in r.query if k.startswith("hierarchy.")) for r in data_requests(server)]
    assert asked[-1] == ["hierarchy._reko"] and len(asked) == 3  # all (list), all (latest:6), municipalities alone
    m = manifest_of(raw_files()["Y25I09__2019M01-2019M06.json"])
    assert m["area_hierarchies"] == {"municipalities": "_reko"} and m["period_selection"] == "list"
    server.state.published["Y25I09"].append("2019M07")
    assert run("--tables", "Y25I09") == 0
    assert len(data_requests(server)) == 4  # the recorded way first


def test_a_measure_label_renamed_by_whitespace_is_matched(server, capsys):
    server.state.measure_labels = {"persons": "Antal langtidsledige ", "pct_population": "Langtidsledige i pct. af befolkningen16-66 år"}
    assert run("--tables", "Y25I09") == 0
    frame = build.read_all("real")["Y25I09"]
    assert set(frame["measure"]) == {"persons", "pct_labour_force", "pct_population"}
    capsys.readouterr()
    assert run("--check", "--tables", "Y25I09") == 0
    out = capsys.readouterr().out
    assert "Y25I09    adapted" in out and "persons=ok" in out and "spacing" in out


def test_a_measure_renamed_by_a_word_fails_with_the_check_table_and_saves_nothing(server, capsys):
    assert run("--tables", "Y01A02") == 0
    before = {n: p.read_bytes() for n, p in raw_files().items()}
    server.state.measure_labels = {"persons": "Antal langtidsledige personer"}
    assert run("--tables", "Y25I09,Y01A02") == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and "Traceback" not in captured.err
    assert "Y25I09" in err and "See the table above" in err
    assert "Y25I09    NOT USABLE" in captured.out and "persons=NOT MATCHED" in captured.out
    assert "'Antal langtidsledige personer'" in captured.out
    assert "-> change: the Y25I09 entry in src/analysis/reference/tables.py" in captured.out
    assert not any(n.startswith("Y25I09") for n in raw_files())
    assert {n: p.read_bytes() for n, p in raw_files().items() if n.startswith("Y01A02")} == before
    assert not any(n.startswith(".") for n in raw_files())


def test_a_description_without_period_types_and_an_unknown_type_name_fails_with_the_check_table(server, capsys, monkeypatch):
    server.state.describe_periods = "none"
    server.state.period_type_names = {"M": "Mnd"}
    assert run("--tables", "Y25I09") == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.count("\n") == 1
    assert "accepted no query for M periods" in captured.err
    assert "NOT USABLE" in captured.out and "JOBINDSATS_PERIOD_TYPES" in captured.out
    assert "Periodetypen 'M' findes ikke" in captured.out  # the service's own word
    assert raw_files() == {}
    # the setting the table names makes it work
    monkeypatch.setenv("JOBINDSATS_PERIOD_TYPES", "Mnd")
    assert run("--tables", "Y25I09", "--since", "2019M01") == 0
    assert manifest_of(raw_files()["Y25I09__2019M01-2019M06.json"])["period_type"] == "Mnd"


def test_a_description_listing_only_other_period_kinds_says_so(server, capsys):
    body = json.dumps({"table_id": "y25i09", "periods": [{"period_type": "Q", "values": ["2019Q1", "2019Q2"]}]})
    server.state.always["table"] = ("status", 200, {}, body)
    assert run("--tables", "Y25I09") == 2
    out = capsys.readouterr().out
    assert "lists period types Q (Q), none with M periods" in out and data_requests(server) == []


# --------------------------------------------------------------------------- analysis fetch --check


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def test_check_prints_one_row_per_table_and_writes_nothing(server, capsys, data_root):
    server.state.published.update({s.id: list(MONTHS_2019H1) for s in jobindsats_api.fetchable_specs() if s.period_kinds == ("M",)})
    server.state.published["Y14D03"] = ["2019QMAT01", "2019QMAT02"]
    assert cli.main(["fetch", "--check"]) == 0
    out = capsys.readouterr().out
    assert not (data_root / "raw").exists()
    for s in jobindsats_api.fetchable_specs():
        line = next(line for line in out.splitlines() if line.startswith(f"{s.id:<9} "))
        assert line.startswith(f"{s.id:<9} ok ") and s.title in line and "latest: " in line
        assert "municipalities=_nykom" in line
        for m in s.measures:
            assert f"{m.key}=ok" in line
        for d in s.dimensions:
            assert f"{d.key}=ok" in line
    assert "JOBORDRER skipped" in out
    # per table: its description and one data call for the latest period only
    assert len(server.state.of_kind("table")) == len(jobindsats_api.fetchable_specs())
    assert period_param(data_requests(server)[0]) == ("period.M", "2019M06")
    assert period_param(data_requests(server, "y30r21")[0]) == ("period.QMAT", "2019QMAT04")
    assert TOKEN not in out


def test_check_asks_for_one_municipality_when_the_description_lists_it(server, capsys, data_root):
    server.state.area_hierarchies = _disagreeing_areas(described=True)
    assert run("--check", "--tables", "Y25I09") == 0
    request = data_requests(server)[-1]
    assert request.query["hierarchy._reko"] == "/_reko/0/"  # Slagelse's value id
    assert period_param(request) == ("period.M", "2019M06")
    out = capsys.readouterr().out
    assert "Y25I09    adapted" in out and "_reko" in out and "instead of today's guess '_nykom'" in out
    assert _tree(data_root) == {}


def test_check_adapts_to_a_disagreeing_service_and_says_how(server, capsys):
    server.state.period_type_names = {"M": "Maaned"}
    server.state.refuse_period_lists = 422
    assert run("--check", "--tables", "Y25I09,Y30R21") == 0
    out = capsys.readouterr().out
    y25 = out[out.index("Y25I09    "):]
    assert y25.startswith("Y25I09    adapted") and "period type 'Maaned' (listed) instead of today's guess 'M'" in y25
    assert "explicit period lists refused: asked latest:1" in y25
    assert "Y30R21    adapted" in out


def test_check_names_what_to_change_and_exits_non_zero(server, capsys, data_root):
    server.state.measure_labels = {"persons": "Antal langtidsledige personer"}
    del server.state.published["Y01A02"]
    assert run("--check", "--tables", "Y25I09,Y01A02,Y30R21") == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and "Traceback" not in captured.err
    assert err.startswith("error: 2 of 3 table(s) cannot be fetched")
    assert "Y25I09: the measures of its entry in src/analysis/reference/tables.py" in err and "Y01A02: its id in src/analysis/reference/tables.py" in err
    out = captured.out
    assert "Y25I09    NOT USABLE" in out and "persons=NOT MATCHED" in out and "Y30R21    ok" in out
    assert "Y01A02    NOT USABLE" in out and "HTTP 404" in out
    assert _tree(data_root) == {}


def test_check_reports_a_failing_service_as_an_error_to_retry(server, capsys):
    server.state.always["data"] = ("status", 503)
    assert run("--check", "--tables", "Y25I09") == 2
    captured = capsys.readouterr()
    assert "Y25I09    ERROR" in captured.out and "try again later" in captured.out
    assert "Y25I09: try again later" in captured.err


def test_check_goes_on_after_a_table_whose_data_call_fails(server, capsys):
    server.state.script["data"] = [("status", 404, {}, "Ukendt tabel")]
    assert run("--check", "--tables", "Y25I09,Y30R21") == 2
    out = capsys.readouterr().out
    assert "Y25I09    NOT USABLE" in out and "HTTP 404" in out and "Y30R21    ok" in out


def test_check_with_an_unreadable_description_finds_the_latest_period_in_the_data(server, capsys):
    server.state.always["table"] = ("status", 200, {}, "<html>vedligeholdelse</html>")
    assert run("--check", "--tables", "Y25I09") == 0
    out = capsys.readouterr().out
    assert "Y25I09    adapted" in out and "latest: 2019M06 (from the data)" in out and "could not be read" in out
    assert period_param(data_requests(server)[-1]) == ("period.M", "latest:1")


def test_check_without_a_key_gives_the_fetch_message(server, capsys, monkeypatch, data_root):
    monkeypatch.delenv("JOBINDSATS_API_TOKEN")
    assert run("--check") == 2
    assert capsys.readouterr().err.strip() == "error: " + jobindsats_api.MISSING_KEY
    assert server.state.requests == [] and _tree(data_root) == {}


def test_check_with_a_rejected_key(server, capsys):
    server.state.token = "another"
    assert run("--check") == 2
    err = capsys.readouterr().err
    assert REJECTED in err and err.count("\n") == 1


# --------------------------------------------------------------------------- the description, read tolerantly


def _info(doc, table="Y25I09"):
    return jobindsats_description.parse_description(json.dumps(doc, ensure_ascii=False).encode("utf-8"), tables.spec(table))


def test_period_types_in_several_shapes():
    info = _info({"periods": {"Maaned": ["2024M01", "2024M02"], "Kvt": ["2024Q1"]}})
    assert [(t.name, t.kind, t.codes) for t in info.period_types] == [("Maaned", "M", ["2024M01", "2024M02"]), ("Kvt", "Q", ["2024Q1"])]
    info = _info({"period_types": ["M", "Aar"], "latest_period": "2025M09"})
    assert [(t.name, t.kind) for t in info.period_types] == [("M", "M"), ("Aar", None)]
    assert info.latest_of_kind("M") == "2025M09"
    info = _info({"periods": [{"type": "Måned", "latest": "2025M08"}]})
    assert info.period_types[0].name == "Måned" and info.period_types[0].kind == "M" and info.latest_of_kind("M") == "2025M08"
    info = _info({"periods": [{"period_type": "R4K", "values": [{"value_id": "2022QMAT04", "value_name": "2022 4. kvt. (år)"}]}]}, "Y30R21")
    assert info.period_types[0].kind == "QMAT" and info.period_types[0].kind_from == "codes"
    doc = {"dimensions": [{"dimension_id": "_periode", "dimension_name": "Periode", "hierarchies": [
        {"hierarchy_id": "Mnd", "levels": [{"values": [{"value_id": "2025M08", "value_name": "august 2025"}, {"value_id": "2025M09", "value_name": "september 2025"}]}]}]}]}
    info = _info(doc)
    assert [(t.name, t.kind, t.codes) for t in info.period_types] == [("Mnd", "M", ["2025M08", "2025M09"])] and not info.area_hierarchies
    assert [n for n, _, _ in jobindsats_api.period_type_options(tables.spec("Y25I09"), info)] == ["Mnd", "M"]
    assert not _info({"table_id": "y25i09"}).period_types and not jobindsats_description.parse_description(b"<html>", tables.spec("Y25I09")).readable


def test_area_hierarchies_are_classified_by_values_id_and_label():
    kom = [{"value_id": f"/{i}/", "value_name": n} for i, n in enumerate(["Hele landet", "Slagelse", "Roskilde"])]
    new_councils = [{"value_id": f"/r{i}/", "value_name": n} for i, n in enumerate(["RAR Hovedstaden", "RAR Sjælland", "RAR Syddanmark", "RAR Midtjylland", "RAR Nordjylland"])]
    doc = {
        "dimensions": [
            {
                "dimension_id": "_geo",
                "dimension_name": "Geografi",
                "hierarchies": [
                    {"hierarchy_id": "_reko", "hierarchy_name": "Område", "levels": [{"values": kom}]},
                    {"hierarchy_id": "_x1", "hierarchy_name": "RAR", "levels": [{"values": new_councils}]},
                    {"hierarchy_id": "_rar", "hierarchy_name": "RAR-områder"},
                    {"hierarchy_id": "_x2", "hierarchy_name": "Regioner"},
                ],
            },
            {"dimension_id": "_herkomst", "dimension_name": "Herkomst", "hierarchies": [{"hierarchy_id": "_oprreg", "hierarchy_name": "Oprindelsesregion"}]},
        ]
    }
    info = _info(doc)
    roles = {h.id: (h.roles, h.matched_by) for h in info.area_hierarchies}
    assert roles["_reko"] == (["municipalities", "country"], "values")
    assert roles["_x1"] == (["region"], "values")  # five councils, RAR-named: the ones from 2025
    assert roles["_rar"] == (["rar"], "id") and roles["_x2"] == (["region"], "label")
    assert "_oprreg" not in roles  # "Oprindelsesregion" is not an area
    assert info.hierarchy_for("municipalities").value_id("Slagelse") == "/1/"
    assert info.hierarchy_for("region").id == "_x1"


# --------------------------------------------------------------------------- the regional level before and after 2025


def test_rar_sjaelland_and_region_sjaelland_are_the_same_17_municipalities():
    from analysis.reference import geography

    assert set(geography.members("RAR Sjælland")) == set(geography.members("Region Sjælland"))
    assert len(geography.members("Region Sjælland")) == 17
    assert regional.same_municipalities("Slagelse") and not regional.same_municipalities("Bornholm")


def test_the_comparison_area_of_a_period():
    assert regional.level_for_period("2024M12") == "rar" and regional.level_for_period("2025M01") == "region"
    assert regional.level_for_period("2024QMAT04") == "rar" and regional.level_for_period("2025QMAT02") == "region"
    assert regional.comparison_area("Slagelse", "2024M12") == "RAR Sjælland"
    assert regional.comparison_area("Slagelse", "2025M01") == "Region Sjælland"
    assert regional.comparison_area("Bornholm", "2024Q4") == "RAR Bornholm"
    assert regional.comparison_area("Bornholm", "2025Q1") == "Region Hovedstaden"
    assert regional.comparison_area("Slagelse", "2025M01", level="rar") == "RAR Sjælland"  # as recorded by the fetch
    note = regional.comparison_note_da("Bornholm", ["2024M12", "2025M01"])
    assert "RAR Bornholm (til og med dec. 2024) og Region Hovedstaden (fra jan. 2025)" in note
    assert "RAR Bornholm: 1 kommune og Region Hovedstaden: 29 kommuner" in note and "ikke sammenlignes direkte" in note
    assert regional.comparison_note_da("Slagelse", []) is None
    assert regional.comparison_note_da("Slagelse", ["2023M01", "2024M12"]).startswith("Regionalt niveau: RAR Sjælland (")


# --------------------------------------------------------------------------- settings files and secure transport (issue 14)


def test_an_env_file_saved_in_windows_1252_is_read(tmp_path, monkeypatch, server, capsys):
    monkeypatch.delenv("JOBINDSATS_API_TOKEN")
    env = tmp_path / ".env"
    env.write_bytes(f"# Nøgle fra STAR – gemt i Notesblok (æøå, €)\r\nJOBINDSATS_API_TOKEN={TOKEN}\r\n".encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        env.read_bytes().decode("utf-8")
    monkeypatch.setattr(fetching, "ENV_FILE", env)
    assert fetching.read_setting("JOBINDSATS_API_TOKEN") == TOKEN
    assert run("--tables", "Y25I09") == 0
    assert "Traceback" not in capsys.readouterr().err
    env.write_bytes(f"JOBINDSATS_API_TOKEN=\u00a0{TOKEN}\u00a0\r\n# æøå\r\n".encode("utf-16"))  # Notepad's "Unicode"
    assert fetching.read_setting("JOBINDSATS_API_TOKEN") == TOKEN


def test_a_token_with_letters_outside_ascii_is_one_clear_line(server, capsys, monkeypatch):
    monkeypatch.setenv("JOBINDSATS_API_TOKEN", "nøgle-123")
    assert run("--tables", "Y25I09") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "outside plain ASCII" in err and server.state.requests == []


@pytest.mark.parametrize("args", [(), ("--check",)])
def test_the_key_is_never_sent_over_plain_http(server, capsys, monkeypatch, args):
    monkeypatch.setenv("JOBINDSATS_API_URL", "http://user:pw@api.jobindsats.example/v3")
    assert run(*args, "--tables", "Y25I09") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "JOBINDSATS_API_URL" in err and "https://" in err and "unencrypted" in err
    assert "pw" not in err and TOKEN not in err and "no network" not in err


def test_https_and_loopback_urls_are_allowed():
    for url in ("https://api.jobindsats.dk/v3", "http://127.0.0.1:8080/v3", "http://localhost/v3", "http://[::1]:9/v3", "http://127.0.0.2/v3"):
        http.require_secure_url(url, "X")
        assert http.is_loopback(url) or url.startswith("https")
    for url in ("http://10.0.0.1/v3", "http://api.jobindsats.dk/v3", "http://localhost.example.org/v3", "ftp://127.0.0.1/"):
        with pytest.raises(AnalysisError, match="X is "):
            http.require_secure_url(url, "X")


def test_statistics_denmark_needs_no_key_and_may_use_plain_http(server, monkeypatch):
    monkeypatch.delenv("JOBINDSATS_API_TOKEN")
    assert server.url.startswith("http://127.0.0.1")
    assert run("--source", "dst") == 0


def test_the_regional_level_a_table_holds_wins_over_the_date_rule():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "period": ["2024M12", "2024M12", "2025M01", "2025M01", "2025M02", "2025M02", "2025M02"],
            "area_level": ["kommune", "rar", "kommune", "rar", "rar", "region", "land"],
        }
    )
    held = regional.levels_in_frame(frame)
    assert held == {"2024M12": "rar", "2025M01": "rar", "2025M02": "region"}  # both levels: the era decides
    note = regional.comparison_note_da("Slagelse", ["2024M12", "2025M01", "2025M02"], held)
    assert "RAR Sjælland (til og med jan. 2025) og Region Sjælland (fra feb. 2025)" in note
    assert regional.levels("Y25I09", frame, source="demo") == held


def test_the_http_client_sends_an_authorization_header_only_over_https_or_loopback():
    session = http.make_session(FAST, headers={"Authorization": "Bearer secret-value"})
    with pytest.raises(AnalysisError, match="Authorization header would travel unencrypted"):
        http.fetch(session, "GET", "http://api.example.invalid/v3/table/x", policy=FAST)
    with pytest.raises(http.NetworkError):  # allowed, and nothing listens there
        http.fetch(session, "GET", f"http://127.0.0.1:{_closed_port()}/x", policy=FAST)


def test_check_is_for_the_jobindsats_api(server, capsys):
    assert run("--check", "--source", "dst") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--check is for the Jobindsats API" in err and server.state.requests == []
