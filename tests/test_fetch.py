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

from analysis import build, cli, fetch, fetch_dst, fetch_jobindsats, http_client, paths, readers, readers_dst, tables
from analysis.errors import AnalysisError, InputError
from tests.fake_servers import REJECTED, FakeServer

TOKEN = "tok-3f9c2b7e-SECRET-a81d"
FAST = http_client.RetryPolicy(
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
    monkeypatch.setattr(fetch, "ENV_FILE", tmp_path / "no-such.env")
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
    return json.loads(fetch.manifest_path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- small pure functions


def test_build_data_url_is_the_documented_v3_shape():
    url = fetch_jobindsats.build_data_url(
        "https://api.jobindsats.dk/v3/", "Y25I09", "M", ["2023M01", "2023M02"], {"_nykom": "*", "_ygrp": "*"}
    )
    assert url == (
        "https://api.jobindsats.dk/v3/data/y25i09?mgroup.*=*&period.M=2023M01,2023M02"
        "&hierarchy._nykom=*&hierarchy._ygrp=*&format=json"
    )
    assert fetch_jobindsats.period_parameter("QMAT", ["2022qmat4"]) == ("period.QMAT", "2022QMAT04")
    assert fetch_jobindsats.build_metadata_url("http://x/v3", "PTV_A02") == "http://x/v3/table/ptv_a02?format=json"


def test_calendar_periods_and_periods_to_fetch():
    today = date(2019, 8, 15)
    assert fetch.calendar_periods("M", "2019M05", today) == ["2019M05", "2019M06", "2019M07", "2019M08"]
    assert fetch.calendar_periods("QMAT", "2019M01", today, (2, 4)) == ["2019QMAT02"]
    assert fetch.calendar_periods("Q", "2019M04", today) == ["2019Q2", "2019Q3"]
    assert fetch.calendar_periods("M", "2020M01", today) == []
    cands = ["2019M01", "2019M02", "2019M03", "2019M04", "2019M05"]
    assert fetch.periods_to_fetch(cands, set(), full=False) == cands
    assert fetch.periods_to_fetch(cands, {"2019M02", "2019M03"}, full=False) == ["2019M01", "2019M04", "2019M05"]
    assert fetch.periods_to_fetch(cands, {"2019M01", "2019M03"}, full=False) == ["2019M04", "2019M05"]  # no gap filling
    assert fetch.periods_to_fetch(cands, {"2019M02"}, full=True) == cands


def test_settings_come_from_the_environment_or_a_git_ignored_env_file(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text('# comment\nexport JOBINDSATS_API_TOKEN="from-file-123"\nOTHER=1\n', encoding="utf-8")
    monkeypatch.setattr(fetch, "ENV_FILE", env)
    assert fetch.read_setting("JOBINDSATS_API_TOKEN") == "from-file-123"
    monkeypatch.setenv("JOBINDSATS_API_TOKEN", "from-env-456")
    assert fetch.read_setting("JOBINDSATS_API_TOKEN") == "from-env-456"
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
    frame = readers.read_raw_file(data, data_root=paths.data_dir())
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
    saved_on = fetch.latest_fetched_at(paths.raw_jobindsats_dir()).date().isoformat()
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
    session = http_client.make_session(FAST)
    with pytest.raises(http_client.NetworkError, match="after 3 retries"):
        http_client.fetch(session, "GET", f"http://127.0.0.1:{_closed_port()}/x", policy=FAST)
    retry = http_client.make_retry(FAST)
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
    assert variables["OMRÅDE"] == ["000", "330", "265"]  # country and municipalities, no region or landsdel
    assert variables["KØN"] == ["TOT"] and variables["YDELSESTYPE"] == ["*"]
    server.state.dst_quarters.append("2019Q4")
    assert run("--source", "dst") == 0
    assert json.loads(server.state.of_kind("dst-data")[-1].body)["variables"][-1]["values"] == ["2019K4"]
    assert "AUK01__2019Q4-2019Q4.csv" in raw_files(paths.raw_dst_dir())
    frame = build.read_all("real")["AUK01"]
    assert set(frame["period"]) == {"2019Q1", "2019Q2", "2019Q3", "2019Q4"}
    assert frame.loc[(frame["area"] == "Roskilde") & (frame["benefit_type"] == "Kontanthjælp"), "value"].isna().all()


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
        "Hele landet;Sygedagpenge;Køn i alt;Alder i alt;2024K4;61234\n"
        "0;Kontanthjælp;Køn i alt;Alder i alt;2024K4;100,5\n"
        "330 Slagelse;Sygedagpenge;Køn i alt;Alder i alt;2024K3;1234,5\n"
        "Landsdel Vestsjælland;Sygedagpenge;Køn i alt;Alder i alt;2024K4;9\n"
        "Slagelse;Kontanthjælp;Køn i alt;Alder i alt;2024K4;..\n",
    )
    frame = readers_dst.read_dst_file(path, data_root)
    from analysis import model

    assert list(frame.columns) == model.columns_for(tables.spec("AUK01"))
    assert len(frame) == 4
    row = frame[(frame["area"] == "Slagelse") & (frame["period"] == "2024Q3")].iloc[0]
    assert row["area_code"] == "330" and row["value"] == 1234.5 and row["source_row"] == 4
    assert row["measure"] == "fulltime_persons" and row["unit"] == "fuldtidspersoner"
    assert row["source_file"] == "raw/dst/AUK01__2024Q3-2024Q4.csv"
    assert frame.loc[frame["area"] == "Hele landet", "area_code"].unique().tolist() == ["000"]
    assert frame.loc[(frame["area"] == "Slagelse") & (frame["benefit_type"] == "Kontanthjælp"), "value"].isna().all()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Slagelse;Sygedagpenge;Køn i alt;Alder i alt;2024K4;mange", r"(row|line) 3: 'INDHOLD' is 'mange', expected a number"),
        ("Atlantis;Sygedagpenge;Køn i alt;Alder i alt;2024K4;12", r"(row|line) 3.*unknown area 'Atlantis'"),
        ("Slagelse;Sygedagpenge;Køn i alt;Alder i alt;2024M04;12", r"(row|line) 3.*M period.*Q periods"),
        ("Slagelse;Sygedagpenge;Køn i alt;2024K4;12", r"line 3: 5 fields, expected 6"),
    ],
)
def test_read_dst_file_names_the_file_and_row_of_a_bad_value(data_root, line, expected):
    path = _write(
        data_root / "raw" / "dst" / "AUK01__2024Q4-2024Q4.csv",
        "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD\nHele landet;Sygedagpenge;Køn i alt;Alder i alt;2024K4;1\n" + line + "\n",
    )
    with pytest.raises(InputError, match=r"raw/dst/AUK01__2024Q4-2024Q4\.csv " + expected):
        readers_dst.read_dst_file(path, data_root)


def test_errors_are_analysis_errors():
    for cls in (
        fetch.MissingKeyError,
        fetch.RejectedKeyError,
        fetch.UnknownTableError,
        fetch.NoNetworkError,
        fetch.ApiError,
        http_client.NetworkError,
        http_client.BodyError,
    ):
        assert issubclass(cls, AnalysisError)
    assert fetch_dst.dst_quarter("2024Q4") == "2024K4"


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
    assert fetch_jobindsats.area_hierarchies(["_nykom", "_rar", "_hele_landet"]) == ["_nykom"]
    monkeypatch.setenv("JOBINDSATS_AREA_HIERARCHIES", "_nykom, _rar")
    assert fetch_jobindsats.area_hierarchies(["_nykom", "_rar"]) == ["_nykom", "_rar"]
    assert fetch_jobindsats.area_hierarchies(None) == ["_nykom", "_rar"]
