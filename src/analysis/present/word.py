"""Word documents (.docx, python-docx) in the house style: the building blocks of an editable draft.

A draft is for the analyst to edit in Word, so everything is plain Word: headings in Word's built-in
heading styles (the navigation pane and a table of contents work), sentences as ordinary paragraphs,
tables as real Word tables whose cells hold the same Danish text as the HTML table
(:func:`analysis.present.report.table_cells` with the table's :class:`~analysis.present.tables.TableSpec`),
figures as PNG pictures with a "Kilde: ..." line under each. Colours come from
:mod:`analysis.present.palette`. Nothing here knows an analysis or reads data.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from analysis.present import palette, report
from analysis.present.tables import TableSpec

PAGE_WIDTH_CM = 16.0  # A4 less 2.5 cm margins
FIGURE_DPI = 200
TABLE_STYLE = "Table Grid"
FIGURE_CAPTION_STYLE = "Caption"


def new_document(title: str, subtitle: str = "", *, demo_text: str = ""):
    """An A4 document with the title (Word's Title style), a subtitle and, for demo data, the demo
    label as the first lines."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    document.core_properties.title = title
    document.core_properties.language = "da-DK"
    if demo_text:
        demo_label(document, demo_text)
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle, style="Subtitle")
    return document


def _rgb(colour: str):
    from docx.shared import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def demo_label(document, text: str) -> None:
    """The demo label: a bold red paragraph (also in the page header, so it is on every page)."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.color.rgb = _rgb(palette.CSS["alert"])
    header = document.sections[0].header.paragraphs[0]
    header_run = header.add_run(text)
    header_run.bold = True
    header_run.font.color.rgb = _rgb(palette.CSS["alert"])


def heading(document, text: str, level: int = 1) -> None:
    """A heading in Word's built-in style ``Heading <level>``."""
    document.add_heading(text, level=level)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def paragraphs(document, texts, *, style: str | None = None) -> None:
    """One paragraph per text (None and empty texts are left out); ``**bold**`` as the report's
    sentences mark it (:func:`analysis.present.report.sentences`) becomes a bold run."""
    for text in texts:
        if not text:
            continue
        paragraph = document.add_paragraph(style=style)
        for i, part in enumerate(_BOLD.split(str(text))):
            if part:
                paragraph.add_run(part).bold = bool(i % 2) or None


def placeholder(document, text: str) -> None:
    """A paragraph for the analyst to replace: italic, in brackets."""
    run = document.add_paragraph().add_run(f"[{text}]")
    run.italic = True


def table(document, frame, spec: TableSpec) -> None:
    """The table as its ``spec`` shows it on screen: the caption above (bold), the Danish headings in a
    heading row repeated on each page, the cells' Danish text, numbers right-aligned, marked rows bold."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shown = spec.shown(frame)
    columns, rows = report.table_cells(shown, columns_da=spec.columns_da or None, formats=spec.formats,
                                       highlight=spec.highlight)
    if spec.caption:
        caption = document.add_paragraph(style=FIGURE_CAPTION_STYLE)
        caption.add_run(spec.caption).bold = True
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = TABLE_STYLE
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT

    def fill(cell, text, right, bold):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(str(text))
        run.bold = bold
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    head = grid.rows[0]
    for cell, (text, right) in zip(head.cells, columns, strict=True):
        fill(cell, text, right, True)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)  # noqa: SLF001 - python-docx has no API for a repeated heading row
    for cells, marked in rows:
        row = grid.add_row()
        for cell, (text, right) in zip(row.cells, cells, strict=True):
            fill(cell, text, right, marked)
    document.add_paragraph()


def figure(document, fig, source_line: str, *, width_cm: float = PAGE_WIDTH_CM) -> None:
    """A matplotlib figure as a PNG picture across the text width, with ``source_line`` ("Kilde: ...")
    under it; the figure is closed."""
    import matplotlib.pyplot as plt
    from docx.shared import Cm

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI)
    plt.close(fig)
    buffer.seek(0)
    document.add_picture(buffer, width=Cm(width_cm))
    document.add_paragraph(source_line, style=FIGURE_CAPTION_STYLE)


def save(document, path: str | Path) -> Path:
    """Write the document to a temporary file beside ``path`` and move it into place (never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=path.stem + ".", suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        document.save(partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path
