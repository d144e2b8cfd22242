"""Documents for the committee (issue 18): the PDF route (``analysis run --pdf``) and the status-note draft
(``analysis note``), on the demo data and on the real benchmark extract."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.run import pdf
from tests.conftest import REAL_Y30R21

ROOT = Path(__file__).resolve().parents[1]
NOTE_HEADINGS = ["Indledning", "Beskæftigelsesministeriets benchmark", "Målgrupperne", "Virksomhedsrettet indsats",
                 "Løbende opfølgning: nøgletal og mål", "Konklusion"]


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
    """``analysis run --pdf`` (when a browser is here) and ``analysis note`` for Slagelse on the demo data."""
    from tests.test_runner import _env

    out = tmp_path_factory.mktemp("documents")
    browser = pdf.find_browser()
    run = [sys.executable, "-m", "analysis.run.cli", "run", "--municipality", "Slagelse", "--source", "demo",
           "--notebooks", "benchmark_ranking,quarterly_key_figures", "--out", str(out)] + (["--pdf"] if browser else [])
    note = [sys.executable, "-m", "analysis.run.cli", "note", "--municipality", "Slagelse", "--source", "demo",
            "--out", str(out)]
    for command in (run, note):
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


def _docx_table(document, first_heading: str) -> pd.DataFrame:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0][0] == first_heading:
            return pd.DataFrame(rows[1:], columns=rows[0])
    raise AssertionError(f"no table starting with {first_heading!r}")


def _danish_number(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".").replace("%", "").strip())


@pytest.mark.slow
def test_status_note_draft_has_the_structure_the_tables_and_the_demo_label(demo_documents):
    import docx

    folder, _ = demo_documents
    path = folder / f"statusnotat_{folder.parent.name}.docx"
    document = docx.Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text.startswith("Demodata – syntetiske tal")  # first thing on the first page
    assert "Demodata" in document.sections[0].header.paragraphs[0].text  # and on every page
    headings = [(p.style.name, p.text) for p in paragraphs if p.style.name.startswith("Heading")]
    assert [text for _, text in headings if text in NOTE_HEADINGS] == NOTE_HEADINGS
    assert ("Heading 1", "Indledning") in headings and ("Heading 2", "Beskæftigelsesministeriets benchmark") in headings
    assert ("Heading 2", "Sygedagpengemodtagere") in headings  # a heading per target group, as in the status report
    texts = [p.text for p in paragraphs]
    assert any(t.startswith("I perioden har Slagelse") for t in texts)
    assert any(t.startswith("Siden januar 2021 er antallet af sygedagpengemodtagere i Slagelse") for t in texts)
    assert texts[-1].startswith("[Konklusion")
    assert not any("**" in t for t in texts)
    assert len(document.inline_shapes) == 4 and sum(t.startswith("Kilde: ") for t in texts) == 4

    tables = folder / "tables"
    # The rank table holds the report's ranks (benchmark_ranking__rank_history.csv), in the same order.
    ranks = _docx_table(document, "Periode")
    history = pd.read_csv(tables / "benchmark_ranking__rank_history.csv")
    total = history[history["benefit_group"] == "Ydelsesgrupper i alt"]
    assert [int(v) for v in ranks["Placering, I alt"]] == total["rank"].astype(int).tolist()
    # The key figures table holds the key figures' CSV values, in Danish format.
    shown = _docx_table(document, "Nøgletal").set_index("Nøgletal")
    key = pd.read_csv(tables / "quarterly_key_figures__key_figures.csv")
    quarter = shown.columns[0]
    assert re.fullmatch(r"\d\. kvt\. \d{4}", quarter)
    checked = 0
    for row in key.itertuples():
        cell = shown.loc[row.label_da.strip(), quarter] if row.label_da.strip() in shown.index else None
        if cell is None or cell == "–":
            continue
        decimals = len(cell.split(",")[1].rstrip(" %")) if "," in cell else 0
        assert _danish_number(cell) == pytest.approx(round(row.value, decimals)), row.label_da
        checked += 1
    assert checked >= 8
    # Word's own table: a heading row repeated on every page.
    assert document.tables[0].rows[0]._tr.trPr.xpath("./w:tblHeader")


# ----------------------------------------------------------------------------- the real benchmark extract


def test_status_note_on_the_real_benchmark_extract_states_the_published_ranks(real_y30r21, data_root, tmp_path):
    import docx

    from analysis.analyses import status_note
    from analysis.data import build

    raw = data_root / "raw" / "jobindsats"
    raw.mkdir(parents=True)
    shutil.copyfile(REAL_Y30R21, raw / "y30r21.csv")
    build.build("real")
    path = status_note.write(tmp_path, "Slagelse", "2021QMAT04", "real")
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert not any("Demodata" in t for t in paragraphs)
    start = paragraphs.index("Beskæftigelsesministeriets benchmark")
    end = paragraphs.index("Målgrupperne")
    benchmark_section = " ".join(paragraphs[start:end])
    # The published ranks (Jobindsats Y30R21): Slagelse 83 in the year to Q2 2020, 64 in 2021; sickness benefit 3.
    assert "fra plads nr. 83 i året til og med 2. kvt. 2020 til plads nr. 64 ved den seneste måling (2021)" in benchmark_section
    assert "plads nr. 3" in benchmark_section and "forbedret sig 19 pladser" in benchmark_section
    ranks = _docx_table(document, "Periode")
    assert [int(v) for v in ranks["Placering, I alt"]] == [83, 80, 76, 64]
    # Sections the extract cannot make say so under their heading, for the analyst.
    assert any(t.startswith("[Afsnittet »Målgrupperne« kunne ikke laves") for t in paragraphs)
    assert paragraphs[-1].startswith("[Konklusion")


# ----------------------------------------------------------------------------- Word blocks (present.word)


def test_word_table_uses_the_specs_headings_formats_and_marks():
    import docx

    from analysis.present import formats as fmt
    from analysis.present import word
    from analysis.present.tables import TableSpec

    spec = TableSpec(columns_da={"area": "Område", "share": "Andel", "persons": "Personer"},
                     formats={"share": fmt.percent, "persons": fmt.integer}, caption="Andel pr. område",
                     highlight=lambda row: row.area == "Slagelse")
    frame = pd.DataFrame({"area": ["Slagelse", "Sorø"], "share": [54.6, None], "persons": [17200, 3100]})
    document = word.new_document("Titel", demo_text="Demodata")
    word.paragraphs(document, ["Det er **54,6 %** i alt.", None, ""])
    word.table(document, frame, spec)
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Område", "Andel", "Personer"]
    assert [c.text for c in table.rows[1].cells] == ["Slagelse", fmt.percent(54.6), "17.200"]
    assert table.rows[2].cells[1].text == "–"  # missing stays missing
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold and not table.rows[2].cells[0].paragraphs[0].runs[0].bold
    (sentence,) = [p for p in document.paragraphs if p.text.startswith("Det er")]
    assert [(r.text, bool(r.bold)) for r in sentence.runs] == [("Det er ", False), ("54,6 %", True), (" i alt.", False)]
    assert document.paragraphs[0].text == "Demodata" and document.paragraphs[1].style.name == "Title"
