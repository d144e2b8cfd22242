"""The one stylesheet, the single palette and the Jinja2 templates of the HTML (analysis.present.styles)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.present import charts, palette, report, styles
from analysis.run import index

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|\brgba?\(")


def test_no_colour_literal_outside_the_palette():
    offenders = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".py", ".css", ".j2", ".html") or path == SRC / "present" / "palette.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if COLOUR_LITERAL.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == [], "colours belong in analysis/present/palette.py:\n" + "\n".join(offenders)


def test_the_colour_test_finds_literals():
    assert COLOUR_LITERAL.search('color="#c0392b"') and COLOUR_LITERAL.search("fill: #fff;")
    assert COLOUR_LITERAL.search("background: rgba(255,255,255,0.1)")
    assert not COLOUR_LITERAL.search('href="#Om-tallene"') and not COLOUR_LITERAL.search("# a comment")


def test_every_custom_property_of_the_stylesheet_is_defined():
    css = styles.stylesheet()
    defined = set(re.findall(r"--([\w-]+)\s*:", css))
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    assert used and used <= defined, used - defined
    assert {f"c-{name}" for name in palette.CSS} <= defined
    assert palette.css_variables().startswith(":root {") and f"--c-accent: {palette.BLUE};" in css


def test_figures_and_pages_share_the_palette():
    assert charts.MUNICIPALITY_COLOR == palette.MUNICIPALITY == palette.CSS["accent"]
    assert charts.HIGHLIGHT_COLOR == palette.CSS["alert"]
    assert charts._STYLE["axes.prop_cycle"].by_key()["color"][:3] == [palette.MUNICIPALITY, palette.COMPARISON, palette.COUNTRY]


def test_inline_resolves_the_stylesheets_rules():
    banner = styles.inline("analysis-demo-banner")
    assert f"background:{palette.RED}" in banner and "var(" not in banner
    assert styles.inline("analysis-note").startswith("font-family:-apple-system")
    with pytest.raises(KeyError, match="no rule .analysis-nope"):
        styles.inline("analysis-nope")


def test_blocks_come_from_the_templates_with_classes_and_inline_styles():
    markup = report.header_html("Benchmark", "330", "2024Q1", "demo")
    assert 'class="analysis-demo-banner"' in markup and palette.RED in markup and "var(" not in markup
    df = pd.DataFrame({"area": ["Slagelse", "<Køge>"], "persons": [17200, 3]})
    table = report.table_html(df, columns_da={"area": "Område", "persons": "Personer"}, caption="Tabel & tal",
                              highlight=lambda row: row.area == "Slagelse")
    assert "&lt;Køge&gt;" in table and "Tabel &amp; tal" in table  # escaped by the template
    assert table.count('class="analysis-highlight"') == 1 and palette.CSS["highlight-bg"] in table
    # numbers stay on one line; text may wrap, so a wide table fits the page instead of scrolling sideways
    assert re.search(r'<td class="analysis-cell analysis-right" style="[^"]*text-align:right;white-space:nowrap;">17\.200</td>',
                     table)
    (text_cell,) = re.findall(r'<td class="analysis-cell analysis-left" style="([^"]*)">&lt;Køge&gt;</td>', table)
    assert "nowrap" not in text_cell
    assert re.search(r'<th class="analysis-cell analysis-heading analysis-left"[^>]*>Område</th>', table)


def _record(**report_overrides) -> dict:
    started = "2024-07-01T08:00:00+00:00"
    reports = [
        {"folder": "330-Slagelse", "notebook": "benchmark_ranking", "municipality": "Slagelse", "title": "Benchmark",
         "status": "ok", "seconds": 12.34, "run_started": started,
         "files": {"html": "330-Slagelse/benchmark_ranking.html", "xlsx": "330-Slagelse/benchmark_ranking.xlsx",
                   "tables": ["330-Slagelse/tables/benchmark_ranking__ranking.csv"]}},
        {"folder": "330-Slagelse", "notebook": "trends", "municipality": "Slagelse", "title": "Udvikling <grupper>",
         "status": "failed", "seconds": 3.0, "run_started": started, "cell": 7, "error": "ValueError: x < y",
         "files": {"html": "330-Slagelse/trends.html"}},
        {"folder": "265-Roskilde", "notebook": "trends", "municipality": "Roskilde", "title": "Udvikling",
         "status": "ok", "seconds": 2.0, "run_started": "2024-06-01T08:00:00+00:00",
         "files": {"html": "265-Roskilde/trends.html"}},
    ]
    for r in reports:
        r.update(report_overrides.get(r["notebook"] + "@" + r["folder"], {}))
    return {
        "period": "2024Q2", "period_label": "2. kvt. 2024", "source": "demo",
        "vintage": {"built_at": "2024-06-30T10:00:00", "latest_period": {"Y01A02": "2024M06"}},
        "run": {"started": started, "duration_seconds": 15.5, "municipalities": ["Slagelse"], "notebooks": ["trends"],
                "comparison_area": "", "jobs": 2, "git_commit": "abc1234", "command": "analysis run"},
        "reports": reports,
    }


def test_index_page_from_its_template():
    page = index.render_index(_record())
    assert page.startswith("<!DOCTYPE html>") and '<html lang="da">' in page
    assert "<title>Rapporter – 2. kvt. 2024</title>" in page and 'class="demo"' in page
    assert f"--c-accent: {palette.BLUE};" in page and ".analysis-index .ok" in page  # the one stylesheet, embedded
    assert "1 af 2 rapporter fra denne kørsel blev lavet uden fejl." in page
    assert '<span class="failed">Fejlet</span><br><span class="err">celle 7: ValueError: x &lt; y</span>' in page
    assert "Udvikling &lt;grupper&gt;" in page and "<grupper>" not in page
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    assert ("330-Slagelse/benchmark_ranking.xlsx", "Excel") in links and ("330-Slagelse/tables/benchmark_ranking__ranking.csv", "ranking.csv") in links
    assert page.index("Roskilde") < page.index("benchmark_ranking.html")  # areas by kommunekode
    assert "fra en tidligere kørsel 1. juni 2024" in page
    assert "12,3 s" in page and "abc1234" in page and "Y01A02: 2024M06" in page
    assert "{{" not in page and "{%" not in page


def test_index_shows_any_status_with_its_danish_label(monkeypatch):
    monkeypatch.setitem(index.STATUSES, "not_possible", ("Ikke muligt med disse data", "failed"))
    page = index.render_index(_record(**{"trends@330-Slagelse": {"status": "not_possible"}}))
    assert '<span class="failed">Ikke muligt med disse data</span>' in page
    assert index.status_label("surprising") == ("surprising", "failed")


# --------------------------------------------------------------------------- print (issue 18.1)


def test_print_rules_a4_page_breaks_and_repeated_headings():
    css = styles.stylesheet()
    assert re.search(r"@page\s*\{\s*size:\s*A4;", css)
    (block,) = re.findall(r"@media print \{(.*?)\n\}", css, flags=re.S)
    assert re.search(r"\.jp-Notebook h2 \{ break-before: page;", block)
    assert re.search(r"thead \{ display: table-header-group; \}", block)
    assert re.search(r"nav\.analysis-toc, a\.anchor-link, button, input, select[^{]*\{ display: none; \}", block)
    avoid = re.search(r"([^{}]*)\{ break-inside: avoid; \}", block).group(1)
    for selector in (".jp-RenderedImage", ".analysis-table", "tr", ".analysis-note"):
        assert selector in avoid.replace(",", " ").split(), selector
    # on paper wide tables wrap their cells, but a number never breaks from its sign or unit ("16,5 %")
    assert re.search(r"\.analysis-cell \{[^}]*white-space: normal !important;", block)
    assert re.search(r"td\.analysis-cell\.analysis-right \{ white-space: nowrap !important; \}", block)
    assert block.index("td.analysis-cell.analysis-right {") > block.index(".analysis-cell {")  # data cells only: headings wrap
    # the print rules are not inlined into the blocks' style attributes
    assert "break-inside" not in styles.inline("analysis-table")


def test_page_rules_put_title_page_numbers_and_demo_label_in_the_margins():
    rules = styles.page_rules('Benchmark – Slagelse "2024" </style>', report.DEMO_TEXT)
    assert rules.startswith("@page {") and "@bottom-right" in rules and 'counter(page) " af " counter(pages)' in rules
    assert "@top-center" in rules and "DEMODATA – SYNTETISKE TAL" in rules
    assert "</style>" not in rules and '"2024"' not in rules and "\\22 2024\\22 " in rules  # quotes and < escaped
    assert "@top-center" not in styles.page_rules("Benchmark")


def test_report_and_index_pages_carry_their_page_rules():
    import nbformat

    from analysis.run.export import export_html

    header = report.header_html("Benchmark", "330", "2024Q1", "demo")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Afsnit")])
    page = export_html(nb, variant="leadership", title="Benchmark – Slagelse", header=header)
    assert "@bottom-left { content: \"Benchmark – Slagelse\"" in page and "@top-center" in page
    real = export_html(nb, variant="leadership", title="Benchmark – Slagelse",
                       header=report.header_html("Benchmark", "330", "2024Q1", "real"))
    assert "@bottom-left" in real and "@top-center" not in real


def test_report_export_highlights_code_and_prefers_the_richest_output():
    """The exporter renders pages with the filters nbconvert's HTMLExporter registers (it skips only that
    exporter's re-parse of the finished page): Python highlighted in the analyst page, the PNG of a
    figure shown with its alt text and not its text fallback, and in the leadership page no code."""
    import nbformat

    from analysis.run.export import export_html

    code = nbformat.v4.new_code_cell("import math\nfigure = math.pi")
    code.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480>"}, metadata={"alt": "Ledige i alt"})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Afsnit"), code])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    analyst = export_html(nb, variant="analyst", title="T")
    assert '<span class="kn">import</span>' in analyst
    leadership = export_html(nb, variant="leadership", title="T")
    for page in (analyst, leadership):
        assert '<img alt="Ledige i alt" src="data:image/png;base64,iVBORw0KGgo="' in page
        assert "&lt;Figure size" not in page
    assert "import math" not in leadership


def test_headings_do_not_swallow_the_rest_of_the_page():
    """Each heading's anchor link is closed: a self-closed "<a ... />" is an open link in HTML, and with the
    anchors hidden by the stylesheet everything after the first heading would be invisible."""
    import nbformat

    from analysis.run.export import export_html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Første afsnit\n\nTekst."),
                                         nbformat.v4.new_markdown_cell("## Andet afsnit")])
    for variant in ("leadership", "analyst"):
        page = export_html(nb, variant=variant, title="T")
        assert not re.search(r"<a\b[^>]*/>", page)
        assert page.count('class="anchor-link"') == 2
        assert len(re.findall(r'<a class="anchor-link"[^>]*>[^<]*</a>', page)) == 2
