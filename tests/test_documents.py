"""Documents for the committee (issue 18): the PDF route (``analysis run --pdf``)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.run import pdf

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- finding a browser


def test_find_browser_honours_the_setting(monkeypatch, tmp_path):
    program = tmp_path / "my-chrome"
    program.write_text("", encoding="utf-8")
    monkeypatch.setenv(pdf.BROWSER_ENV, str(program))
    assert pdf.find_browser() == program
    monkeypatch.setenv(pdf.BROWSER_ENV, str(tmp_path / "not-there"))
    assert pdf.find_browser() is None  # a wrong setting is not silently replaced by another browser


def test_find_browser_looks_in_the_windows_install_folders(monkeypatch, tmp_path):
    monkeypatch.delenv(pdf.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    assert pdf.find_browser() is None or pdf.find_browser().is_relative_to("/Applications")
    edge = tmp_path / "x86" / "Microsoft" / "Edge" / "Application" / "msedge.exe"
    edge.parent.mkdir(parents=True)
    edge.write_text("", encoding="utf-8")
    monkeypatch.setenv("PROGRAMFILES(X86)", str(tmp_path / "x86"))
    found = pdf.find_browser()
    assert found == edge or found.is_relative_to("/Applications")


# ----------------------------------------------------------------------------- the runner without a browser


@pytest.mark.slow
def test_run_with_pdf_but_no_browser_writes_the_html_and_says_how(tmp_path, monkeypatch):
    from tests.fake_processed import write_fake_processed
    from tests.test_runner import _env

    data = write_fake_processed(tmp_path / "data")
    env = _env(data)
    env[pdf.BROWSER_ENV] = str(tmp_path / "no-browser-here")
    proc = subprocess.run(
        [sys.executable, "-m", "analysis.run.cli", "run", "--notebooks-dir", str(ROOT / "tests" / "notebooks"),
         "--notebooks", "ok_report", "--pdf", "--out", str(tmp_path / "out")],
        env=env, capture_output=True, text=True, timeout=300, cwd=str(ROOT),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (folder,) = (tmp_path / "out").glob("*/330-Slagelse")
    assert (folder / "ok_report.html").is_file() and not list(folder.glob("*.pdf"))
    lines = [line for line in proc.stderr.splitlines() if line.startswith("PDF:")]
    assert lines == [pdf.HOW_TO_ENABLE]
    assert "Install" in lines[0] and pdf.BROWSER_ENV in lines[0] and "--pdf" in lines[0]


# ----------------------------------------------------------------------------- Slagelse on demo data, end to end


@pytest.fixture(scope="module")
def demo_documents(demo_data_root, tmp_path_factory):
    """``analysis run --pdf`` (when a browser is here) for Slagelse on the demo data."""
    from tests.test_runner import _env

    out = tmp_path_factory.mktemp("documents")
    browser = pdf.find_browser()
    run = [sys.executable, "-m", "analysis.run.cli", "run", "--municipality", "Slagelse", "--source", "demo",
           "--notebooks", "benchmark_ranking,quarterly_key_figures", "--out", str(out)] + (["--pdf"] if browser else [])
    for command in (run,):
        proc = subprocess.run(command, env=_env(demo_data_root), capture_output=True, text=True, timeout=900,
                              cwd=str(ROOT))
        assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = out.glob("*/330-Slagelse")
    return folder, browser


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"{tool} (poppler-utils) is not installed, so the PDF cannot be read back")
    return found


@pytest.mark.slow
def test_pdf_of_a_real_report_is_a4_several_pages_and_searchable(demo_documents):
    folder, browser = demo_documents
    if browser is None:
        pytest.skip(f"no Chromium, Google Chrome or Microsoft Edge on this machine (or set {pdf.BROWSER_ENV})")
    info = subprocess.run([_poppler("pdfinfo"), str(folder / "benchmark_ranking.pdf")], capture_output=True,
                          text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 portrait
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 1
    text = subprocess.run([_poppler("pdftotext"), str(folder / "benchmark_ranking.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Beskæftigelsesministeriets benchmark af jobcentrene" in flat
    assert re.search(r"I perioden har Slagelse (forbedret|forværret) sig \d+ pladser på Beskæftigelsesministeriets "
                     r"benchmark af jobcentrene", flat)
    assert "Side 1 af" in flat and "DEMODATA – SYNTETISKE TAL" in flat  # footer and the demo label in the margins
    assert "import " not in flat and "report.table(" not in flat  # no code
    assert (folder / "quarterly_key_figures.pdf").stat().st_size > 10_000
    index = (folder.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="330-Slagelse/benchmark_ranking.pdf">PDF</a>' in index
