"""The batch runner (`analysis run`): end to end on a tiny processed dataset, failures, parameters, HTML.

The end-to-end runs execute the fixture notebooks in tests/notebooks/ (ok_report displays a
figure, a table and saves a key table; fails raises in its fourth cell) through the real
command line in a subprocess, against a tiny fake processed dataset (tests/fake_processed.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.core import paths
from analysis.run import cli, execute, export, plan, preload
from tests.fake_processed import write_fake_processed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "notebooks"
PERIOD = "2024Q2"  # the fake data runs to 2024M06


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory) -> Path:
    return write_fake_processed(tmp_path_factory.mktemp("fake-data"))


def _env(data_root: Path) -> dict:
    env = dict(os.environ)
    env["ANALYSIS_DATA_DIR"] = str(data_root)
    env.pop("ANALYSIS_OUTPUT_DIR", None)
    return env


def _run(args: list[str], data_root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis.run.cli", "run", "--notebooks-dir", str(FIXTURES), *args],
        env=_env(data_root),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )


@pytest.fixture(scope="module")
def first_run(fake_root, tmp_path_factory):
    """Both fixture notebooks for two municipalities, with the analyst variant; an older period exists."""
    out = tmp_path_factory.mktemp("outputs")
    (out / "2023Q4").mkdir()
    (out / "2023Q4" / "keep.txt").write_text("an earlier period", encoding="utf-8")
    proc = _run(["--municipality", "Slagelse,265", "--jobs", "2", "--with-code", "--out", str(out)], fake_root)
    return proc, out / PERIOD


# ----------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_layout(first_run):
    proc, period_dir = first_run
    assert proc.returncode == 1, proc.stderr  # the failing fixture makes the run fail
    for folder in ("330-Slagelse", "265-Roskilde"):
        d = period_dir / folder
        for name in ("ok_report.html", "ok_report.analyst.html", "ok_report.ipynb", "ok_report.xlsx",
                     "tables/ok_report__latest.csv", "tables/ok_report__latest.json", "fails.html", "fails.ipynb",
                     "fails.analyst.html"):
            assert (d / name).is_file(), f"{folder}/{name} missing"
    assert (period_dir / "index.html").is_file() and (period_dir / "run.json").is_file()
    leftovers = [p.name for p in period_dir.parent.iterdir() if p.name.startswith((".staging", ".old"))]
    assert leftovers == []
    assert (period_dir.parent / "2023Q4" / "keep.txt").read_text(encoding="utf-8") == "an earlier period"


@pytest.mark.slow
def test_leadership_html_is_clean_and_self_contained(first_run):
    _, period_dir = first_run
    page = (period_dir / "330-Slagelse" / "ok_report.html").read_text(encoding="utf-8")
    assert not re.search(r"(In|Out)(\s|&nbsp;|\xa0)?\[", page), "no prompts"
    visible = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    assert "Traceback" not in visible and "Error" not in visible
    assert "a warning leadership must not see" not in page and "stderr noise" not in page
    assert "import warnings" not in page  # no code
    assert "Demodata – syntetiske tal" in page
    assert re.search(r'<img alt="Figur"[^>]* src="data:image/png;base64,', page)
    assert not re.search(r"<script[^>]+src=", page), "no external scripts"
    assert not re.search(r"<link[^>]+href=[\"']https?:", page), "no external stylesheets"
    assert "Testrapport" in page and "Slagelse" in page and "2. kvt. 2024" in page
    assert "<title>Testrapport – Slagelse – 2. kvt. 2024</title>" in page
    assert 'class="analysis-toc"' in page  # three ## headings -> a table of contents
    assert "17.200" in page or re.search(r"\d\.\d{3}", page)  # Danish thousands separator in the table
    assert '<html lang="da">' in page


@pytest.mark.slow
def test_analyst_html_has_code(first_run):
    _, period_dir = first_run
    page = (period_dir / "330-Slagelse" / "ok_report.analyst.html").read_text(encoding="utf-8")
    assert "load_table" in page and re.search(r"In(\s|&nbsp;|\xa0)\[1\]", page)


@pytest.mark.slow
def test_failure_is_isolated_and_reported(first_run):
    proc, period_dir = first_run
    summary = proc.stderr
    assert "2 report(s) failed" in summary
    assert "330-Slagelse/fails: cell 4 (In [4]): ValueError: bevidst fejl i testnotebook" in summary
    assert "265-Roskilde/fails: cell 4" in summary
    analyst = (period_dir / "330-Slagelse" / "fails.analyst.html").read_text(encoding="utf-8")
    assert "Rapporten kunne ikke laves" in analyst
    assert "bevidst fejl i testnotebook" in analyst and "Traceback" in analyst  # --with-code: for the analyst
    assert "src/analysis/present" in analyst and "show_table" in analyst
    ok = (period_dir / "265-Roskilde" / "ok_report.html").read_text(encoding="utf-8")
    assert "Roskilde" in ok and "Rapporten kunne ikke laves" not in ok


@pytest.mark.slow
def test_failed_leadership_page_names_the_section_and_shows_no_code(first_run):
    """The leadership page of a failed report: the banner, the section that could not be made and
    what the analyst should do; no code, traceback, error text or server paths (issue 14, point 13)."""
    _, period_dir = first_run
    page = (period_dir / "330-Slagelse" / "fails.html").read_text(encoding="utf-8")
    assert not re.search(r"Traceback|/src/analysis|\.py\b", page)  # nowhere in the file, not even in the stylesheet
    visible = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    assert "Rapporten kunne ikke laves færdig" in visible
    assert "Afsnittet »Beregning af nøgletal« kunne ikke laves" in visible
    assert "Til analytikeren" in visible and "analysis run --notebooks fails --municipality 330" in visible
    assert "Fejlrapport" in visible and "Demodata – syntetiske tal" in visible  # what was made before the failure
    for leak in ("Traceback", "ValueError", "bevidst fejl", "/src/analysis", ".py\"", ".py,", "show_table", "refuse(",
                 "import pandas", "never reached", str(ROOT)):
        assert leak not in visible, leak
    assert not re.search(r"\.py\b", visible)
    assert not re.search(r"(In|Out)(\s|&nbsp;|\xa0)?\[", visible)


@pytest.mark.slow
def test_index_lists_every_report_with_run_facts(first_run):
    _, period_dir = first_run
    index = (period_dir / "index.html").read_text(encoding="utf-8")
    for link in ("330-Slagelse/ok_report.html", "330-Slagelse/fails.html", "265-Roskilde/ok_report.html",
                 "265-Roskilde/ok_report.xlsx", "265-Roskilde/tables/ok_report__latest.csv",
                 "330-Slagelse/ok_report.analyst.html"):
        assert f'href="{link}"' in index, link
    assert index.count("Fejlet") >= 2 and "OK" in index
    assert "bevidst fejl i testnotebook" in index
    assert "Demodata" in index and "2. kvt. 2024" in index
    assert execute.git_commit() in index
    assert "Varighed" in index and "Y01A02: 2024M06" in index
    record = json.loads((period_dir / "run.json").read_text(encoding="utf-8"))
    assert record["period"] == PERIOD and record["source"] == "demo"
    assert {(r["folder"], r["notebook"], r["status"]) for r in record["reports"]} == {
        ("330-Slagelse", "ok_report", "ok"), ("330-Slagelse", "fails", "failed"),
        ("265-Roskilde", "ok_report", "ok"), ("265-Roskilde", "fails", "failed"),
    }


@pytest.mark.slow
def test_tables_csv_and_excel(first_run):
    _, period_dir = first_run
    csv = (period_dir / "330-Slagelse" / "tables" / "ok_report__latest.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[0] == "area,persons,share_pct"
    assert re.search(r"^Slagelse,\d+\.0,\d+\.\d+$", csv, re.M)
    import openpyxl

    wb = openpyxl.load_workbook(period_dir / "330-Slagelse" / "ok_report.xlsx")
    assert wb.sheetnames == ["Seneste tal"]
    header = [c.value for c in wb["Seneste tal"][1]]
    assert header == ["Område", "Personer", "Andel (pct.)"]
    assert isinstance(wb["Seneste tal"]["B2"].value, (int, float))


@pytest.mark.slow
def test_executed_notebook_points_at_final_folder(first_run):
    _, period_dir = first_run
    nb = nbformat.read(period_dir / "330-Slagelse" / "ok_report.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])][0]
    assert str(period_dir / "330-Slagelse") in injected.source
    assert ".staging" not in injected.source
    assert 'municipality = "Slagelse"' in injected.source and f'period = "{PERIOD}"' in injected.source


@pytest.mark.slow
def test_rerun_replaces_only_what_it_remakes(first_run, fake_root, tmp_path):
    """A second run of one notebook for one municipality keeps the other reports of the period."""
    import shutil

    _, period_dir = first_run
    out = tmp_path / "out"
    shutil.copytree(period_dir.parent, out)
    before = (out / PERIOD / "265-Roskilde" / "ok_report.html").stat().st_mtime_ns
    proc = _run(["--notebooks", "ok_report", "--out", str(out), "--quiet"], fake_root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""  # --quiet: nothing on success
    assert (out / PERIOD / "265-Roskilde" / "ok_report.html").stat().st_mtime_ns == before
    assert (out / PERIOD / "330-Slagelse" / "fails.html").is_file()  # carried over
    index = (out / PERIOD / "index.html").read_text(encoding="utf-8")
    assert "fra en tidligere kørsel" in index and 'href="265-Roskilde/ok_report.html"' in index
    record = json.loads((out / PERIOD / "run.json").read_text(encoding="utf-8"))
    assert len(record["reports"]) == 4
    assert (out / "2023Q4" / "keep.txt").is_file()


@pytest.mark.slow
def test_plain_kernels_and_progress_lines(fake_root, tmp_path):
    """--no-fork uses ordinary kernels; without a terminal, progress is plain lines."""
    proc = _run(["--notebooks", "ok_report", "--no-fork", "--out", str(tmp_path), "--period", "2024M03"], fake_root)
    assert proc.returncode == 0, proc.stderr
    assert "[1/1] 330-Slagelse/ok_report: ok" in proc.stderr
    assert "1 of 1 reports ok" in proc.stderr
    assert (tmp_path / "2024M03" / "330-Slagelse" / "ok_report.html").is_file()


@pytest.mark.slow
def test_plain_papermill_command_line(fake_root, tmp_path):
    """The fixture runs with the plain papermill CLI and only a municipality (defaults for the rest)."""
    papermill = Path(sys.executable).with_name("papermill")
    if not papermill.exists():
        pytest.skip("papermill command line not installed beside this python")
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [str(papermill), str(FIXTURES / "ok_report.ipynb"), str(out), "-p", "municipality", "Roskilde", "--no-progress-bar"],
        env=_env(fake_root), capture_output=True, text=True, timeout=180, cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    assert "Unable to parse" not in proc.stderr
    assert not (tmp_path / "tables").exists()  # output_dir "" writes nothing


# ----------------------------------------------------------------------------- parameter errors


class _NoKernelZygote:
    """Stands in for the kernel zygote (which the runner starts while it checks the parameters):
    fails if a kernel is asked for; records that it was closed."""

    made: list = []

    def __init__(self, *a, **k):
        self.closed = False
        _NoKernelZygote.made.append(self)

    def spawn(self, *a, **k):
        raise AssertionError("a kernel was started")

    warm = spawn

    def close(self):
        self.closed = True


@pytest.fixture
def no_kernels(monkeypatch, fake_root, tmp_path):
    """Point at the fake data and fail loudly if anything tries to start a kernel."""
    from analysis.run import kernels

    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fake_root))
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "outputs"))

    def boom(*a, **k):
        raise AssertionError("a kernel was started")

    _NoKernelZygote.made.clear()
    monkeypatch.setattr(kernels, "Zygote", _NoKernelZygote)
    monkeypatch.setattr(kernels, "kernel_manager_class", boom)
    yield tmp_path / "outputs"
    assert all(z.closed for z in _NoKernelZygote.made), "the zygote was left running"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--municipality", "Slagelsee"], "unknown municipality 'Slagelsee'; did you mean 'Slagelse'"),
        (["--municipality", "RAR Sjælland"], "is a rar, expected a kommune"),
        (["--period", "2031Q1"], "period 2031Q1 is outside the demo data"),
        (["--period", "2019Q4"], "period 2019Q4 is outside the demo data"),
        (["--period", "nonsense"], "is not a known period code"),
        (["--notebooks", "ok_report,nope"], "unknown notebook 'nope'; the notebooks are: fails, ok_report"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--all-municipalities", "--municipality", "Slagelse"], "not both"),
        (["--comparison-area", "RAR Hovedstaden"], "does not contain Slagelse"),
        (["--source", "real"], "no processed real data"),
        (["--municipality", ""], "--municipality '' names nothing"),
        (["--municipality", ",,,"], "--municipality ',,,' names nothing"),
        (["--notebooks", " , "], "--notebooks ' , ' names nothing"),
        (["--municipality", "x" * 100_000], "unknown municipality 'xxxxx"),
        (["--period", "7" * 100_000], "(100,000 characters) is not a known period code"),
        (["--notebooks", "n" * 100_000], "(100,000 characters); the notebooks are"),
        (["--comparison-area", "c" * 100_000], "(100,000 characters)"),
    ],
)
def test_bad_parameters_fail_before_any_kernel(no_kernels, capsys, args, message):
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert message in err
    assert len(err) < 400, "a message quotes at most about 80 characters of a value"
    assert not no_kernels.exists() or not any(no_kernels.iterdir())


def test_long_values_in_option_errors_are_cut(no_kernels, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--notebooks-dir", str(FIXTURES), "--source", "s" * 100_000])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "(100,000 characters)" in err and len(err) < 1000


def test_no_notebooks(no_kernels, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["run", "--notebooks-dir", str(empty)]) == 2
    assert "no notebooks in" in capsys.readouterr().err


def test_default_period_is_latest_complete_quarter(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(write_fake_processed(tmp_path / "a", last="2024M05")))
    assert plan.resolve_period("", "demo") == "2024Q1"
    assert plan.resolve_period("2023K3", "demo") == "2023Q3"  # Danish K accepted, canonical code
    assert plan.resolve_period("2024M05", "demo") == "2024M05"


# ----------------------------------------------------------------------------- staging and swap


def test_crash_leaves_previous_period_untouched(no_kernels, monkeypatch, capsys):
    from analysis.run import kernels

    out = no_kernels
    (out / PERIOD / "330-Slagelse").mkdir(parents=True)
    (out / PERIOD / "330-Slagelse" / "ok_report.html").write_text("old report", encoding="utf-8")
    (out / PERIOD / "index.html").write_text("old index", encoding="utf-8")
    monkeypatch.setattr(kernels, "Zygote", lambda **k: None)
    monkeypatch.setattr(kernels, "kernel_manager_class", lambda *a, **k: type("KM", (), {"live_kernels": {}}))

    def crash(*a, **k):
        raise RuntimeError("simulated crash in the middle of a run")

    monkeypatch.setattr(execute, "_execute_one", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        cli.main(["run", "--notebooks-dir", str(FIXTURES), "--notebooks", "ok_report"])
    assert (out / PERIOD / "330-Slagelse" / "ok_report.html").read_text(encoding="utf-8") == "old report"
    assert (out / PERIOD / "index.html").read_text(encoding="utf-8") == "old index"
    assert [p.name for p in out.iterdir() if p.name.startswith(".staging")] == []


def test_concurrent_run_of_same_period_is_refused(no_kernels):
    import fcntl

    from analysis.core.errors import ParameterError

    no_kernels.mkdir(parents=True, exist_ok=True)
    with open(no_kernels / f".{PERIOD}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ParameterError, match="another `analysis run`"):
            with execute._period_lock(no_kernels, PERIOD):
                pass


# ----------------------------------------------------------------------------- HTML pieces


def _nb_with_outputs():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
        nbformat.v4.new_output("stream", name="stdout", text="/x.py:3: FutureWarning: old\nhello\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f>]"}, execution_count=1),
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=["Traceback..."]),
    ]
    quiet = nbformat.v4.new_code_cell("y")
    quiet.outputs = [nbformat.v4.new_output("stream", name="stderr", text="only noise\n")]
    params = nbformat.v4.new_code_cell("municipality = 'x'", metadata={"tags": ["parameters"]})
    nb.cells = [params, code, quiet, nbformat.v4.new_markdown_cell("## A")]
    return nb


def _leadership(nb):
    nb, _ = export.LeadershipFilter().preprocess(nb, {})
    return nb


def test_leadership_filter():
    nb = _leadership(_nb_with_outputs())
    assert [c.cell_type for c in nb.cells] == ["code", "markdown"]  # parameters and noise-only cells gone
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1 and outputs[0].text == "hello\n"


def test_export_html_leadership_has_no_code_or_noise():
    page = export.export_html(_nb_with_outputs(), variant="leadership", title="T")
    assert "hello" in page and "careful" not in page and "FutureWarning" not in page
    assert "Traceback" not in page and "Line2D" not in page and not re.search(r"In(\s|&nbsp;|\xa0)\[", page)
    assert "<title>T</title>" in page
    body = page[page.index("<body"):]
    assert "municipality" not in body and "jp-InputArea-editor" not in body  # no code, no input cells
    analyst = export.export_html(_nb_with_outputs(), variant="analyst", title="T")
    body = analyst[analyst.index("<body"):]
    assert "municipality" in body and "jp-InputArea-editor" in body and "careful" in body


def _display(html: str, **analysis):
    meta = {"analysis": analysis} if analysis else {}
    return nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "-"}, metadata=meta)


def _report_nb(*headings: str):
    """A header output, then per heading a markdown cell and a code cell that displays a paragraph."""
    from analysis.present import report

    nb = nbformat.v4.new_notebook()
    header = nbformat.v4.new_code_cell("report.header(...)")
    header.outputs = [_display(report.header_html("Rapport", "Slagelse", "2024Q2", "demo"), role="header", title="Rapport")]
    nb.cells = [nbformat.v4.new_code_cell("municipality = 'x'", metadata={"tags": ["parameters"]}), header]
    for i, heading in enumerate(headings):
        nb.cells.append(nbformat.v4.new_markdown_cell(heading))
        code = nbformat.v4.new_code_cell(f"show({i})")
        code.outputs = [_display(f"<p>indhold {i}</p>")]
        nb.cells.append(code)
    return nb


def _toc(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav[^>]*class="analysis-toc".*?</nav>', page, re.S)
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', nav.group(0)) if nav else []


def test_toc_from_the_notebooks_headings_in_order_with_existing_anchors():
    nb = _report_nb("## 1. Placering over tid", "Tekst\n\n## 2. Hvad flyttede **placeringen**?\n\n### Under", "```\n## kode\n```",
                    "## Løn & ledighed", "# Om tallene\n\n## Kilder")
    page = export.export_html(nb, variant="leadership", title="T")
    toc = _toc(page)
    assert [text for _, text in toc] == ["1. Placering over tid", "2. Hvad flyttede placeringen?", "Løn &amp; ledighed", "Kilder"]
    for anchor, _ in toc:  # every entry points at a heading of the page
        assert f'id="{anchor}"' in page, anchor
    assert page.index("analysis-header") < page.index('class="analysis-toc"') < page.index("indhold 0")
    analyst = export.export_html(nb, variant="analyst", title="T")
    assert _toc(analyst) == toc


def test_toc_only_for_longer_reports():
    assert _toc(export.export_html(_report_nb("## A", "## B"), variant="leadership", title="T")) == []
    assert len(_toc(export.export_html(_report_nb("## A", "## B", "## C"), variant="leadership", title="T"))) == 3


def test_markdown_headings_skip_code_fences():
    source = "# Titel\n\n```python\n## ikke en overskrift\n```\n\n## Rigtig ##\n#ikke\n"
    assert export.markdown_headings(source) == [(1, "Titel"), (2, "Rigtig")]


def _failed_nb():
    nb = _report_nb("## Placering", "## Økonomisk potentiale", "## Om tallene")
    failing = nb.cells[5]  # the code cell under "Økonomisk potentiale"
    failing.source = "potential(rates_file='/srv/data/rates.yaml')"
    failing.outputs = [nbformat.v4.new_output(
        "error", ename="ValueError", evalue="no rate for 2031",
        traceback=["Traceback (most recent call last):", '  File "/srv/project/src/analysis/analyses/benchmark/rates.py", line 9',
                   "ValueError: no rate for 2031"])]
    for later in nb.cells[6:]:
        if later.cell_type == "code":
            later.outputs = []
    return nb


def _failed_result() -> "execute.Result":
    from analysis.run.results import Result

    return Result(notebook="benchmark_ranking", municipality="Slagelse", code="330", folder="330-Slagelse",
                  status="failed", seconds=1.0, cell=6, execution_count=4, error="ValueError: no rate for 2031")


def test_failed_report_leadership_page_has_banner_and_section_but_no_code_or_paths():
    page = export.export_html(_failed_nb(), variant="leadership", title="T", result=_failed_result())
    visible = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    assert "Rapporten kunne ikke laves færdig" in visible
    assert "Afsnittet »Økonomisk potentiale« kunne ikke laves" in visible
    assert "analysis run --notebooks benchmark_ranking --municipality 330" in visible
    assert "indhold 0" in visible  # the section made before the failure is shown
    assert "Om tallene" not in visible  # nothing from the failing cell on
    for leak in ("Traceback", "ValueError", "no rate", "/srv/", "rates.py", "rates_file", "src/analysis"):
        assert leak not in visible, leak
    assert visible.index("analysis-failed") < visible.index("analysis-header")
    assert 'class="analysis-toc"' not in visible


def test_failed_report_analyst_page_has_error_code_and_traceback():
    page = export.export_html(_failed_nb(), variant="analyst", title="T", result=_failed_result())
    assert "Rapporten kunne ikke laves" in page and "ValueError: no rate for 2031" in page
    assert "Traceback" in page and "/srv/project/src/analysis/analyses/benchmark/rates.py" in page
    assert "rates_file" in page and "Om tallene" in page
    assert "afsnittet »Økonomisk potentiale«" in page


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    a = export._sheet_name("Placering: over tid / år [alle]", used)
    b = export._sheet_name("Placering: over tid / år [alle]", used)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(a + b)


@pytest.mark.slow
def test_falls_back_to_plain_kernels_when_forking_fails(fake_root, tmp_path, monkeypatch, capsys):
    """If a forked kernel cannot start, the notebook is retried with an ordinary kernel."""
    from analysis.run import kernels

    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fake_root))

    def broken_spawn(self, argv, *, env, cwd, log=None):
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        return proc.pid  # a kernel that is already gone

    monkeypatch.setattr(kernels.Zygote, "spawn", broken_spawn)
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--notebooks", "ok_report", "--out", str(tmp_path), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / PERIOD / "330-Slagelse" / "ok_report.html").is_file()


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_stale_staging_is_cleaned_and_a_half_swapped_period_restored(tmp_path):
    # Behaviour changed (issue 14, point 1): only folders the runner marked as its own, of a run that is gone.
    from analysis.core import atomic

    dead = {"pid": _dead_pid(), "process_started": 1.0}
    stale = tmp_path / f"{execute.STAGING_PREFIX}2024Q2-abc"
    stale.mkdir()
    atomic.write_marker(stale, execute.RUN_MADE_BY, **dead)
    half = tmp_path / f"{execute.OLD_PREFIX}2024Q1-123"
    half.mkdir()
    (half / "index.html").write_text("previous", encoding="utf-8")
    atomic.write_marker(half, execute.RUN_MADE_BY, restore_to="2024Q1", **dead)
    (tmp_path / "2023Q4").mkdir()
    replaced = tmp_path / f"{execute.OLD_PREFIX}2023Q4-456"  # its successor arrived: removed
    replaced.mkdir()
    atomic.write_marker(replaced, execute.RUN_MADE_BY, restore_to="2023Q4", **dead)
    running = tmp_path / f"{execute.STAGING_PREFIX}2024Q3-def"  # another period's run, still going: kept
    running.mkdir()
    atomic.write_marker(running, execute.RUN_MADE_BY, **execute._this_process())
    execute._clean_stale_staging(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "2023Q4", "2024Q1"]
    assert (tmp_path / "2024Q1" / "index.html").read_text(encoding="utf-8") == "previous"


def _tree(root: Path) -> dict[str, bytes | None]:
    return {p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(root.rglob("*"))}


def _reports_without_kernels(monkeypatch):
    """Make `analysis run` write a stand-in report per notebook instead of running kernels."""
    from analysis.run import kernels

    monkeypatch.setattr(kernels, "Zygote", lambda **k: None)
    monkeypatch.setattr(kernels, "kernel_manager_class", lambda *a, **k: type("KM", (), {"live_kernels": {}}))

    def one(plan, name, area, staging, final, kmc, run_started, slot=None):
        (staging / area.slug).mkdir(parents=True, exist_ok=True)
        (staging / area.slug / f"{name}.html").write_text("report", encoding="utf-8")
        return execute.Result(notebook=name, municipality=area.name, code=area.code, folder=area.slug, status="ok",
                              seconds=0.1, run_started=run_started, files={"html": f"{area.slug}/{name}.html"})

    monkeypatch.setattr(execute, "_execute_one", one)
    monkeypatch.setattr(execute, "_export_one", lambda plan, made, final: made)  # `one` made the report already


def test_out_keeps_every_entry_the_runner_did_not_make(no_kernels, monkeypatch, capsys):
    """Look-alikes of the runner's staging and old folders (made by a user, an older runner or another program) stay
    byte-identical; before, `.old-thesis-123` became `thesis` and every `.staging-*`/`.old-*` was deleted."""
    from analysis.core import atomic

    out = no_kernels
    user = {
        ".old-thesis-123/chapter1.md": "my thesis",
        ".old-2024Q2-1/index.html": "an old runner's folder or a user's",
        ".old-2023Q4-99/keep.txt": "x",
        ".staging-draft/notes.txt": "draft",
        f".staging-{PERIOD}-20240101000000-p999999999/a.txt": "a",
        f"{execute.STAGING_PREFIX}{PERIOD}-mine/b.txt": "no marker: not the runner's",
        f"{execute.OLD_PREFIX}{PERIOD}-7/c.txt": "another program's marker",
        ".old-notes-1": "a file",
        f".{PERIOD}.lock": "a user's own file of that name",
    }
    for rel, text in user.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    atomic.write_marker(out / f"{execute.OLD_PREFIX}{PERIOD}-7", "some other program", restore_to="c")
    before = _tree(out)
    _reports_without_kernels(monkeypatch)
    for _ in range(2):  # the second run replaces the period folder the first made
        assert cli.main(["run", "--notebooks-dir", str(FIXTURES), "--notebooks", "ok_report", "--quiet"]) == 0
    after = _tree(out)
    assert {k: v for k, v in after.items() if not k.startswith(PERIOD)} == before
    assert (out / PERIOD / "330-Slagelse" / "ok_report.html").read_text(encoding="utf-8") == "report"


def test_out_under_a_file_or_in_proc_is_one_line(no_kernels, capsys, tmp_path):
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    places = [a_file / "reports", a_file]
    if Path("/proc/self").is_dir():  # Linux
        places.append(Path("/proc/analysis-reports"))
    for place in places:
        code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--out", str(place)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.count("\n") == 1 and err.startswith("error: --out "), err
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_read_only_out_is_one_line(no_kernels, capsys, monkeypatch, tmp_path):
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)  # what a read-only folder answers (also to root)
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--out", str(tmp_path / "ro")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot write reports there (Permission denied)" in err, err


def test_period_lock_in_a_folder_that_cannot_be_written_is_a_parameter_error(tmp_path, monkeypatch):
    from analysis.core import atomic
    from analysis.core.errors import ParameterError

    @contextlib.contextmanager
    def refuse(path):
        raise PermissionError(13, "Permission denied")
        yield

    monkeypatch.setattr(atomic, "exclusive_lock", refuse)
    with pytest.raises(ParameterError, match="cannot write reports there"):
        with execute._period_lock(tmp_path, PERIOD):
            pass


def test_notebook_imports_follow_analysis_modules(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nfrom analysis.present import report\n\ndef f():\n    import seaborn as sns\n%matplotlib inline")]
    nb.cells.append(nbformat.v4.new_code_cell("from analysis.data.load import load_table\nimport statsmodels.api as sm"))
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    found = preload.notebook_imports([path])
    assert "analysis.present.report" in found and "analysis.data.load" in found and "statsmodels.api" in found
    assert "analysis.present.formats" in found  # imported by analysis.present.report itself
    assert "os" not in found and "pandas" not in found


def test_imports_by_notebook_counts_function_imports_only_of_modules_the_notebook_uses():
    """What a kernel is warmed with: the key figures use trends' computations but not its figures, so they are not
    warmed with seaborn and statsmodels (1.5 s of imports they never make); the others get what they import."""
    found = preload.imports_by_notebook(sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")))
    assert set(found) == {"benchmark_ranking", "business_programs", "quarterly_key_figures", "target_group_trends"}
    heavy = {name: {m.split(".")[0] for m in modules if not m.startswith("analysis")} for name, modules in found.items()}
    assert "seaborn" in heavy["benchmark_ranking"] and "statsmodels" not in heavy["benchmark_ranking"]
    assert {"seaborn", "statsmodels", "scipy"} <= heavy["business_programs"]
    assert "statsmodels.tsa.seasonal" in found["target_group_trends"] and "seaborn" in heavy["target_group_trends"]
    assert not heavy["quarterly_key_figures"] & {"seaborn", "statsmodels", "scipy"}
    assert "analysis.analyses.trends.compute" in found["quarterly_key_figures"]  # a module-level import, followed
    for modules in found.values():
        assert {"analysis.data.load", "analysis.present.report", "analysis.present.charts"} <= set(modules)


def test_imports_by_notebook_follows_package_and_function_imports(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from analysis.analyses import trends\n%matplotlib inline\n"
                                          "def f():\n    import yaml")]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    found = preload.imports_by_notebook([path])["x"]
    assert "analysis.analyses.trends.compute" in found  # imported by the package's __init__
    assert "statsmodels.tsa.seasonal" in found  # inside a function of a module the notebook uses by name
    assert "yaml" in found  # inside a function of the notebook itself
    assert "analysis.analyses.benchmark" not in found


def test_export_adds_a_title_block_when_the_notebook_has_none():
    from analysis.present import report

    header = report.header_html("Rapport", "Slagelse", "2024Q2", "demo")
    page = export.export_html(_nb_with_outputs(), variant="leadership", title="T", header=header)
    assert "Demodata – syntetiske tal" in page and "2. kvt. 2024" in page
    assert page.index("analysis-header") < page.index("hello")


# ----------------------------------------------------------------------------- the real notebooks


PROJECT_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.skipif(not PROJECT_NOTEBOOKS, reason="no notebooks in notebooks/ yet")
@pytest.mark.parametrize("fork", [True, False], ids=["default", "no-fork"])
def test_project_notebooks_on_demo_data(demo_data_root, tmp_path, fork):
    """Every notebook in notebooks/ makes a clean leadership report on the demo data, with forked kernels (Linux's
    default) and with ordinary ones (ANALYSIS_NO_FORK=1: what Windows and macOS get)."""
    from analysis.run import kernels

    env = _env(demo_data_root)
    env.pop(kernels.NO_FORK_ENV, None)
    if not fork:
        env[kernels.NO_FORK_ENV] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.run.cli", "run", "--municipality", "Roskilde", "--out", str(tmp_path), "--source", "demo"],
        env=env, capture_output=True, text=True, timeout=600, cwd=str(ROOT),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = json.loads(next(tmp_path.glob("*/run.json")).read_text(encoding="utf-8"))
    assert record["run"]["forked_kernels"] is (fork and kernels.platform_can_fork())
    (period_dir,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    index = (period_dir / "index.html").read_text(encoding="utf-8")
    for path in PROJECT_NOTEBOOKS:
        page = (period_dir / "265-Roskilde" / f"{path.stem}.html").read_text(encoding="utf-8")
        visible = re.sub(r"<style.*?</style>", "", page, flags=re.S)
        assert "Demodata – syntetiske tal" in page, path.stem
        assert "Traceback" not in visible and "Warning:" not in visible, path.stem
        assert not re.search(r"(In|Out)(\s|&nbsp;|\xa0)?\[\d*\]", page), path.stem
        assert not re.search(r"<script[^>]+src=", page), path.stem
        assert "Roskilde" in page
        assert f'href="265-Roskilde/{path.stem}.html"' in index
        tables = list((period_dir / "265-Roskilde" / "tables").glob(f"{path.stem}__*.csv"))
        if tables:
            assert (period_dir / "265-Roskilde" / f"{path.stem}.xlsx").is_file()
    # Issue 12: every published interval contains its estimate (the check lives in tests/test_published_intervals.py).
    from tests.test_published_intervals import check_published_intervals

    check_published_intervals(sorted((period_dir / "265-Roskilde" / "tables").glob("*.csv")))


@pytest.mark.slow
@pytest.mark.skipif(not PROJECT_NOTEBOOKS, reason="no notebooks in notebooks/ yet")
def test_project_notebooks_in_one_kept_kernel_give_the_same_reports(demo_data_root, tmp_path):
    """Without fork, one job runs every report notebook in one kernel, reset between notebooks
    (analysis.run.kernel_state); the reports are those of a new kernel per notebook (forked on Linux,
    --fresh-kernels elsewhere): the same pages (figures included), tables, and cell outputs with their
    execution counts and warnings."""
    from analysis.run import kernels

    def run(out: Path, *extra: str, fork: bool) -> Path:
        env = _env(demo_data_root)
        env.pop(kernels.NO_FORK_ENV, None)
        if not fork:
            env[kernels.NO_FORK_ENV] = "1"
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.run.cli", "run", "--municipality", "Roskilde", "--out", str(out),
             "--source", "demo", *extra], env=env, capture_output=True, text=True, timeout=600, cwd=str(ROOT))
        assert proc.returncode == 0, proc.stderr[-3000:]
        (period_dir,) = [p for p in out.iterdir() if not p.name.startswith(".")]
        return period_dir / "265-Roskilde"

    fork = kernels.platform_can_fork()
    new = run(tmp_path / "new", *(() if fork else ("--fresh-kernels",)), fork=fork)
    kept = run(tmp_path / "kept", "--jobs", "1", fork=False)
    how = {folder: [r["kernel"] for r in json.loads((folder.parent / "run.json").read_text(encoding="utf-8"))["reports"]]
           for folder in (new, kept)}
    assert how[new] == ["forked" if fork else "new"] * len(PROJECT_NOTEBOOKS)
    assert sorted(how[kept]) == ["new"] + ["reused"] * (len(PROJECT_NOTEBOOKS) - 1), how[kept]

    def page(path: Path) -> str:  # the footer says when the page was made
        return re.sub(r"Lavet [^·<]*·", "Lavet ·", path.read_text(encoding="utf-8"))

    def cells(path: Path) -> list:
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]

    for path in PROJECT_NOTEBOOKS:
        name = path.stem
        assert page(kept / f"{name}.html") == page(new / f"{name}.html"), name
        kept_cells = json.dumps(cells(kept / f"{name}.ipynb")).replace(str(tmp_path / "kept"), "OUT")
        new_cells = json.dumps(cells(new / f"{name}.ipynb")).replace(str(tmp_path / "new"), "OUT")
        assert re.sub(r"ipykernel_\d+", "", kept_cells) == re.sub(r"ipykernel_\d+", "", new_cells), name
    tables = sorted(p.name for p in (new / "tables").iterdir())
    assert tables and tables == sorted(p.name for p in (kept / "tables").iterdir())
    for table in tables:
        assert (kept / "tables" / table).read_bytes() == (new / "tables" / table).read_bytes(), table


# ----------------------------------------------------------------------------- kernel connection files


def test_runner_kernels_name_their_connection_files_as_its_own(tmp_path, monkeypatch):
    from jupyter_client.manager import AsyncKernelManager

    monkeypatch.setattr(execute, "_kernel_runtime_dir", lambda: tmp_path)
    km = execute._own_connection_files(AsyncKernelManager)()
    km.write_connection_file()
    written = Path(km.connection_file)
    assert written.parent == tmp_path and written.is_file()
    assert execute._KERNEL_FILE.match(written.name), written.name
    assert execute._clean_kernel_files() == [] and written.is_file()  # this run is alive: its files stay
    km.cleanup_connection_file()


def test_stale_kernel_connection_files_of_gone_runs_are_removed_and_nothing_else(tmp_path, monkeypatch):
    """What a run killed with kill -9 (or a double Ctrl-C) leaves is removed by the next run; files of another
    Jupyter, of a live run, or anything else in the temporary folder are never touched."""
    monkeypatch.setattr(execute, "_kernel_runtime_dir", lambda: tmp_path)
    me = execute._this_process()
    prefix = execute.KERNEL_FILE_PREFIX
    gone = tmp_path / f"{prefix}{_dead_pid()}-1000-abc123.json"
    gone_log = tmp_path / f"{prefix}{_dead_pid()}-1000-abc124.log"  # the kernels' log of a run without the zygote
    reused = tmp_path / f"{prefix}{me['pid']}-1000-def456.json"  # this pid, but another process's start: reused pid
    live = tmp_path / f"{prefix}{me['pid']}-{int(me['process_started'] * 1000)}-0a1b2c.json"
    live_log = live.with_suffix(".log")
    others = [tmp_path / "kernel-0b7e3a4c-1234.json", tmp_path / "tmpab12cd.json", tmp_path / f"{prefix}notes.json",
              tmp_path / f"{prefix}{_dead_pid()}-1000-abc125.txt"]
    for path in (gone, gone_log, reused, live, live_log, *others):
        path.write_text("{}", encoding="utf-8")
    assert sorted(execute._clean_kernel_files()) == sorted([gone.name, gone_log.name, reused.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live, live_log, *others))


# ----------------------------------------------------------------------------- the data each report needs


def test_the_reports_tables_are_listed_in_one_place_and_agree_with_the_analyses():
    from analysis.analyses import key_figures, trends
    from analysis.core import paths

    assert set(plan.NOTEBOOK_DATA) == set(plan.list_notebooks(paths.NOTEBOOKS_DIR))
    assert set(plan.NOTEBOOK_DATA["target_group_trends"].any_of) == {g.table for g in trends.TARGET_GROUPS}
    assert set(plan.NOTEBOOK_DATA["quarterly_key_figures"].any_of) == {f.table for f in key_figures.FIGURES if f.table}
    source = (ROOT / "src" / "analysis" / "analyses" / "business_programs" / "compute.py").read_text(encoding="utf-8")
    for table in plan.NOTEBOOK_DATA["business_programs"].all_of:  # each is looked up by setup()'s period_until
        assert f'period_until("{table}", period, source)' in source


def test_only_the_benchmark_table_makes_only_the_benchmark_possible():
    missing = {name: plan.missing_tables(name, ["Y30R21"]) for name in plan.NOTEBOOK_DATA}
    assert missing["benchmark_ranking"] == []
    assert missing["business_programs"] == ["PTVC01", "Y14D03", "JOBORDRER"]
    assert missing["target_group_trends"] and missing["quarterly_key_figures"]
    assert plan.missing_tables("target_group_trends", ["Y30R21", "Y07A02"]) == []  # one target group is enough
    en, da = plan.how_to_get(["PTVC01", "JOBORDRER"], "real")
    assert "`analysis fetch --tables PTVC01`" in en and "ptvc01.csv" in en and "data/raw/jobindsats/jobordrer.csv" in en
    assert "hent den med `analysis fetch --tables PTVC01`" in da


@pytest.fixture
def real_fake_root(tmp_path, monkeypatch):
    root = write_fake_processed(tmp_path / "data", source="real")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(root))
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "outputs"))
    return tmp_path / "outputs"


def test_a_report_whose_tables_are_missing_is_not_possible_not_failed(real_fake_root, monkeypatch, capsys):
    monkeypatch.setattr(plan, "NOTEBOOK_DATA", {"ok_report": plan.DataNeeds(all_of=("Y01A02",)),
                                                "fails": plan.DataNeeds(all_of=("Y30R21", "JOBORDRER"))})
    _reports_without_kernels(monkeypatch)
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--quiet"])
    err = capsys.readouterr().err
    assert code == execute.EXIT_NOT_POSSIBLE == 3, err
    assert "1 report(s) not possible with these data:" in err and "failed" not in err
    assert "330-Slagelse/fails: not possible with the real data: tables Y30R21, JOBORDRER are missing;" in err
    assert "`analysis fetch --tables Y30R21`" in err and "data/raw/jobindsats/jobordrer.csv" in err
    record = json.loads((real_fake_root / PERIOD / "run.json").read_text(encoding="utf-8"))
    status = {r["notebook"]: (r["status"], r["missing_tables"]) for r in record["reports"]}
    assert status == {"ok_report": ("ok", []), "fails": ("not_possible", ["Y30R21", "JOBORDRER"])}
    index = (real_fake_root / PERIOD / "index.html").read_text(encoding="utf-8")
    assert "Ikke mulig med disse data" in index and "Tabellerne Y30R21, JOBORDRER mangler" in index
    assert "1 af 2 rapporter fra denne kørsel blev lavet uden fejl. 1 var ikke mulige med disse data." in index


def test_exit_status_tells_failed_from_not_possible(tmp_path):
    from analysis.reference import geography

    area = geography.municipality("Slagelse")
    p = plan.Plan(areas=[area], period=PERIOD, period_label="", source="real", notebooks={}, notebooks_dir=tmp_path,
                  out=tmp_path, jobs=1, comparison_area="", with_code=False, quiet=True, timeout=1, fork=False)

    def result(status):
        return execute.Result(notebook=status, municipality=area.name, code=area.code, folder=area.slug, status=status,
                              seconds=0)

    assert execute._summarise(p, [result("ok")], tmp_path, 1) == 0
    assert execute._summarise(p, [result("ok"), result("not_possible")], tmp_path, 1) == 3
    assert execute._summarise(p, [result("failed"), result("not_possible")], tmp_path, 1) == 1


def test_a_period_some_needed_table_does_not_reach_is_refused_before_any_kernel(no_kernels, monkeypatch, capsys):
    from analysis.reference import periods

    months = periods.month_range("2022M01", "2024M06")
    quarters = ["2023QMAT01", "2023QMAT02", "2023QMAT03", "2023QMAT04", "2024QMAT01", "2024QMAT02"]
    monkeypatch.setattr(plan, "_table_periods", lambda source: {"Y01A02": months, "Y30R21": quarters})
    monkeypatch.setattr(plan, "NOTEBOOK_DATA", {"ok_report": plan.DataNeeds(all_of=("Y30R21",)),
                                                "fails": plan.DataNeeds(any_of=("Y01A02", "Y30R21"))})
    code = cli.main(["run", "--notebooks-dir", str(FIXTURES), "--period", "2022Q4"])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == "error: the demo data cannot make every report chosen for period 2022Q4:"
    assert lines[1] == ("  ok_report: table Y30R21 has no period ending on or before 2022-12-31 (2022Q4); "
                        "its data run from 2023QMAT01 (ending 2023-03-31) to 2024QMAT02")
    assert len(lines) == 3 and "--period" in lines[2]  # 'fails' has Y01A02 for 2022Q4
    assert not no_kernels.exists() or not any(no_kernels.iterdir())
    fails = {"fails": FIXTURES / "fails.ipynb"}
    assert plan.period_problems(fails, "2022Q4", plan._table_periods("demo")) == []
    assert len(plan.period_problems(fails, "2021Q4", plan._table_periods("demo"))) == 2  # neither reaches back


def test_the_trends_report_needs_a_period_after_its_base_month():
    from analysis.core import paths
    from analysis.reference import periods

    months = {t: periods.month_range("2019M01", "2024M12") for t in ("Y01A02", "Y07A02")}
    trends = {"target_group_trends": paths.NOTEBOOKS_DIR / "target_group_trends.ipynb"}
    base = plan.parameter_default(trends["target_group_trends"], "base_period")
    assert base == "2021M01"
    assert plan.period_problems(trends, "2024Q2", months) == []
    assert plan.period_problems(trends, "2019Q1", months) == [
        "target_group_trends: period 2019Q1 is not after its base period 2021M01 (the notebook's parameter "
        "base_period); choose a period after 2021M01"]
    late = {"Y01A02": periods.month_range("2022M01", "2024M12")}
    assert plan.period_problems(trends, "2024Q2", late) == [
        "target_group_trends: table Y01A02 starts at 2022M01, after the base period 2021M01 (the notebook's parameter "
        "base_period)"]
