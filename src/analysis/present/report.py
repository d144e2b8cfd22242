"""What a report notebook shows its readers: title block, Danish tables, notes, key tables on disk.

Every function here renders HTML through ``IPython.display`` (so a cell that only calls
them shows no code in the leadership report, where inputs are hidden) and also works
outside Jupyter (``display`` falls back to printing plain text).

- :func:`header` — the title block: title, municipality, period (Danish label), data source
  and data vintage, and a prominent banner "Demodata – syntetiske tal" for demo data.
- :func:`show_table` — a data frame as a Danish-formatted HTML table (no index, Danish headings).
- :func:`save_table` — writes a key table for machine reading and for the per-notebook Excel workbook.
- :func:`table` — both in one call, from the table's :class:`~analysis.present.tables.TableSpec`.
- :func:`note`, :func:`warning_box`, :func:`sentences` — Danish messages to readers.

Key tables on disk (:func:`save_table`): ``<output_dir>/tables/<notebook>__<name>.csv``

- columns keep the frame's snake_case names (stable: downstream users rely on them);
- UTF-8 (no BOM), ``,`` as separator, ``.`` as decimal point, no thousands separator,
  dates as ``YYYY-MM-DD``, missing values as empty fields; no index column;
- beside it ``<notebook>__<name>.json`` (the sidecar) documents the table: its Danish title
  and, per column, the Danish heading and dtype. The runner builds one Excel workbook per
  notebook (``<notebook>.xlsx``, one sheet per table, Danish headings) from these files.

Nothing is written when ``output_dir`` is ``""`` (interactive use in JupyterLab).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.core import paths
from analysis.present import formats as fmt
from analysis.present import styles
from analysis.present.tables import TableSpec

__all__ = [
    "DEMO_TEXT",
    "SOURCE_LABELS",
    "header",
    "header_html",
    "show_table",
    "table_html",
    "save_table",
    "table",
    "export_table",
    "note",
    "paragraphs",
    "warning_box",
    "sentences",
    "headlines",
    "inline_markup",
    "headlines_path",
    "HEADLINES_ANCHOR",
    "table_path",
]

DEMO_TEXT = "Demodata \u2013 syntetiske tal"
SOURCE_LABELS = {"demo": "Demodata (syntetiske tal)", "real": "Jobindsats og Danmarks Statistik (rigtige data)",
                 "dst": "Danmarks Statistik, Statistikbanken (rigtige data, uden Jobindsats)"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
BLOCK_TEMPLATES = ("blocks/header.html.j2", "blocks/table.html.j2", "blocks/message.html.j2", "blocks/sentences.html.j2")
styles.compile_templates(*BLOCK_TEMPLATES)  # once per process; the kernel zygote's kernels get them compiled

def _display_html(markup: str, text: str, metadata: dict | None = None) -> None:
    """Show HTML in Jupyter (with a plain-text fallback); print the text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    bundle = {"text/html": markup, "text/plain": text}
    display(bundle, raw=True, metadata=metadata or {})


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _inline(text: str) -> str:
    """Escape text, then allow **bold** (the only markup accepted in messages); the templates take it as it is."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _esc(text))


def inline_markup(text: str) -> str:
    """A message or sentence as HTML the way the report blocks show it: escaped, ``**bold**`` as bold."""
    return _inline(text)


# --------------------------------------------------------------------------- header


def _resolve(municipality: str, period: str) -> tuple[str, str]:
    """Canonical municipality name and Danish period label."""
    try:
        from analysis.reference.geography import find_area

        found = find_area(municipality)
        name = found.name if found is not None else str(municipality)
    except Exception:  # noqa: BLE001 - a header must never fail a report
        name = str(municipality)
    label = fmt.period_label(period) if period else "seneste periode i data"
    return name, label


def _vintage_text(vintage: dict | None) -> str:
    if not vintage:
        return ""
    built = vintage.get("built_at")
    if not built:
        return ""
    try:
        return "data opdateret " + fmt.date_da(built, style="datetime")
    except (TypeError, ValueError):
        return f"data opdateret {built}"


def header_html(
    title: str,
    municipality: str,
    period: str,
    source: str,
    *,
    vintage: dict | None = None,
    subtitle: str | None = None,
    comparison_area: str | None = None,
) -> str:
    """The HTML of :func:`header` (for tests and for custom layouts)."""
    return _header(title, municipality, period, source, vintage=vintage, subtitle=subtitle,
                   comparison_area=comparison_area)[0]


def _header(title, municipality, period, source, *, vintage=None, subtitle=None, comparison_area=None):
    name, label = _resolve(municipality, period)
    demo = source not in paths.REAL_DATA
    facts = [("Kommune", name), ("Periode", label)]
    if comparison_area:
        facts.append(("Sammenlignet med", comparison_area))
    source_text = SOURCE_LABELS.get(source, source or "ukendt")
    vt = _vintage_text(vintage)
    facts.append(("Datakilde", source_text + (f", {vt}" if vt else "")))
    markup = styles.render(
        "blocks/header.html.j2",
        title=title,
        subtitle=subtitle,
        facts=facts,
        demo_text=f"{DEMO_TEXT} \u2013 tallene er opdigtede og må ikke bruges til beslutninger" if demo else "",
    )
    return markup, name, label, source


def header(
    title: str,
    municipality: str,
    period: str,
    source: str,
    *,
    vintage: dict | None = None,
    subtitle: str | None = None,
    comparison_area: str | None = None,
) -> None:
    """Display the report's title block (call it once, in the first cell after the parameters).

    ``municipality`` may be a name or a kommunekode; ``period`` a period code ("" = latest);
    ``source`` the resolved data source, "demo" or "real" (:func:`analysis.data.load.resolve_source`;
    anything but "real" gets the demo banner); ``vintage`` what :func:`analysis.data.load.vintage`
    says about that data (its build time is shown). This module reads no data itself.
    The runner reads the title from this output's metadata for the HTML page title and the index.
    """
    markup, name, label, resolved = _header(
        title, municipality, period, source, vintage=vintage, subtitle=subtitle, comparison_area=comparison_area
    )
    text = f"{title}\n{name}, {label}" + (f"\n{DEMO_TEXT}" if resolved not in paths.REAL_DATA else "")
    meta = {"analysis": {"role": "header", "title": title, "municipality": name, "period": period,
                         "period_label": label, "source": resolved}}
    _display_html(markup, text, meta)


# --------------------------------------------------------------------------- tables


def _is_numeric(series) -> bool:
    from pandas.api.types import is_numeric_dtype

    return is_numeric_dtype(series.dtype) and series.dtype != bool


def _prepare(df, columns_da, formats):
    """(columns_da, frame of display strings, {column: right-aligned?})."""
    columns_da = dict(columns_da or {c: str(c) for c in df.columns})
    missing = [c for c in columns_da if c not in df.columns]
    if missing:
        raise KeyError(f"show_table: no column(s) {missing}; the frame has {list(df.columns)}")
    formats = dict(formats or {})
    data = df[list(columns_da)]
    shown = fmt.format_frame(data, {c: f for c, f in formats.items() if c in columns_da})
    right = {c: (c in formats) or _is_numeric(data[c]) for c in columns_da}
    # Numbers without an explicit format get a Danish default so a table never shows "1234.5".
    for c in columns_da:
        if c not in formats and _is_numeric(data[c]):
            values = data[c].dropna().astype(float)
            decimals = 0 if values.apply(float.is_integer).all() else 1
            shown[c] = [fmt.number(v, decimals) for v in data[c].tolist()]
    return columns_da, shown, right


def table_html(
    df,
    *,
    columns_da: Mapping[str, str] | None = None,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    caption: str | None = None,
    highlight: Callable[[Any], bool] | None = None,
) -> str:
    """The HTML of :func:`show_table`."""
    columns, rows = table_cells(df, columns_da=columns_da, formats=formats, highlight=highlight)
    return styles.render("blocks/table.html.j2", columns=columns, rows=rows, caption=caption)


def table_cells(df, *, columns_da=None, formats=None, highlight=None):
    """The cells of a shown table, as every output format draws them (HTML here, Word in
    :mod:`analysis.present.word`): ``([(heading, right-aligned?)], [([(text, right?)], marked?)])``,
    numbers in Danish format and a missing value as "–"."""
    columns_da, shown, right = _prepare(df, columns_da, formats)
    raw_rows = list(df.itertuples(index=False)) if highlight else [None] * len(shown)
    rows = [
        ([(fmt.MISSING if fmt.is_missing(v) else v, right[c]) for c, v in zip(columns_da, values, strict=True)],
         bool(highlight and highlight(raw)))
        for values, raw in zip(shown.itertuples(index=False, name=None), raw_rows, strict=True)
    ]
    return [(heading, right[c]) for c, heading in columns_da.items()], rows


def show_table(
    df,
    *,
    columns_da: Mapping[str, str] | None = None,
    formats: Mapping[str, Callable[[Any], str]] | None = None,
    caption: str | None = None,
    highlight: Callable[[Any], bool] | None = None,
) -> None:
    """Display a frame as a Danish HTML table: no index, Danish headings, Danish numbers.

    ``columns_da`` maps column -> Danish heading and selects the columns shown, in that
    order (default: every column under its own name). ``formats`` maps column -> a
    formatter from :mod:`analysis.present.formats` (e.g. ``{"share": fmt.percent}``); numeric
    columns without one get :func:`analysis.present.formats.number`. Missing values show as "–".
    ``highlight(row) -> bool`` marks rows (e.g. the municipality's own row).
    """
    markup = table_html(df, columns_da=columns_da, formats=formats, caption=caption, highlight=highlight)
    names, shown, _ = _prepare(df, columns_da, formats)
    _display_html(markup, shown.rename(columns=names).to_string(index=False))


def table_path(output_dir: str | Path, notebook: str, name: str) -> Path:
    """``<output_dir>/tables/<notebook>__<name>.csv``."""
    return Path(output_dir) / "tables" / f"{notebook}__{name}.csv"


def save_table(
    df,
    notebook: str,
    name: str,
    output_dir: str | Path,
    *,
    headings_da: Mapping[str, str],
    title_da: str | None = None,
) -> Path | None:
    """Write a key table to ``<output_dir>/tables/<notebook>__<name>.csv`` plus its JSON sidecar.

    ``notebook`` and ``name`` and every column must be snake_case; ``headings_da`` must give a
    Danish heading for every column (used as the Excel headings). ``title_da`` is the sheet's
    title (default: ``name``). Returns the CSV path, or None when ``output_dir`` is ``""``.
    Raises ValueError for a name or column that is not snake_case or a column without heading.
    """
    for what, value in (("notebook", notebook), ("table name", name)):
        if not SNAKE_CASE.match(str(value)):
            raise ValueError(f"save_table: {what} {value!r} is not snake_case (e.g. 'benchmark_ranking')")
    bad = [c for c in df.columns if not SNAKE_CASE.match(str(c))]
    if bad:
        raise ValueError(f"save_table {notebook}__{name}: column(s) {bad} are not snake_case")
    no_heading = [c for c in df.columns if c not in headings_da]
    if no_heading:
        raise ValueError(f"save_table {notebook}__{name}: no Danish heading for column(s) {no_heading}")
    if output_dir is None or str(output_dir) == "":
        return None
    path = table_path(output_dir, notebook, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = df.reset_index(drop=True)
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8", sep=",", decimal=".", date_format="%Y-%m-%d", lineterminator="\n")
    tmp.replace(path)
    sidecar = {
        "notebook": notebook,
        "table": name,
        "title_da": title_da or name,
        "csv": path.name,
        "format": "UTF-8, comma-separated, '.' decimal point, ISO dates, empty = missing",
        "rows": int(len(frame)),
        "columns": [
            {"name": str(c), "heading_da": str(headings_da[c]), "dtype": str(frame[c].dtype)} for c in frame.columns
        ],
    }
    path.with_suffix(".json").write_text(json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def table(frame, spec: TableSpec, output_dir: str | Path = "", *, export=None) -> None:
    """Show a table as its ``spec`` says (:func:`show_table`) and, for a key table, save it (:func:`save_table`).

    ``frame`` is the table's data: the spec's ``prepare`` makes the frame shown, its ``to_csv`` the frame
    written. ``export`` is other data to write instead (e.g. every period when the table shows the
    latest); every column written needs a heading in the spec. Nothing is written without
    ``output_dir`` (interactive use) or when the spec names no key table. Returns None, so a cell
    that ends with it shows no value.
    """
    shown = spec.shown(frame)
    show_table(shown, columns_da=spec.columns_da, formats=spec.formats, caption=spec.caption, highlight=spec.highlight)
    if spec.saved:
        export_table(frame if export is None else export, spec, output_dir)


def export_table(frame, spec: TableSpec, output_dir: str | Path = "") -> None:
    """Save a key table without showing it (:func:`save_table` with the spec's name, headings and title)."""
    if not spec.saved:
        raise ValueError(f"export_table: the table {spec.caption!r} has no notebook and name to save it under")
    written = spec.written(frame)
    save_table(written, spec.notebook, spec.name, output_dir,
               headings_da=spec.export_headings(written.columns), title_da=spec.title_da)


# --------------------------------------------------------------------------- messages


def note(text: str) -> None:
    """A short Danish note to readers (e.g. how to read a figure). ``**bold**`` is allowed."""
    _display_html(styles.render("blocks/message.html.j2", kind="note", text=_inline(text)), text)


def paragraphs(texts: Iterable[str]) -> None:
    """Running Danish text, one paragraph per item (as a markdown cell shows it; ``**bold**`` is allowed).

    For text that depends on the data (e.g. on the source), which a markdown cell cannot say."""
    kept = [t for t in texts if t and str(t).strip()]
    _display_html("\n".join(f"<p>{_inline(t)}</p>" for t in kept), "\n\n".join(kept))


def warning_box(text: str) -> None:
    """A visible Danish warning to readers (e.g. "Der mangler data for ..."). ``**bold**`` is allowed."""
    _display_html(styles.render("blocks/message.html.j2", kind="warning", text=_inline(text)), f"Bemærk: {text}")


def sentences(items: Iterable[str | None], *, title: str | None = None, anchor: str = "") -> None:
    """Key sentences as a bullet list (empty or None items are skipped); an optional heading above.

    ``anchor``: an ``id`` for the block, so another page can link to it."""
    kept = [s for s in items if s and str(s).strip()]
    if not kept:
        return
    text = ((title + "\n") if title else "") + "\n".join(f"- {s}" for s in kept)
    markup = styles.render("blocks/sentences.html.j2", title=title, items=[_inline(s) for s in kept], anchor=anchor)
    _display_html(markup, text)


HEADLINES_ANCHOR = "hovedpointer"
"""The ``id`` of a report's headline sentences (:func:`headlines`): the front page links to ``<report>.html#hovedpointer``."""
HEADLINES_TABLE = "headlines"
HEADLINES_HEADINGS_DA = {"order": "Nr.", "sentence": "Hovedpointe"}


def headlines_path(output_dir: str | Path, notebook: str) -> Path:
    """``<output_dir>/tables/<notebook>__headlines.csv``: a report's headline sentences as written."""
    return table_path(output_dir, notebook, HEADLINES_TABLE)


def headlines(items: Iterable[str | None], notebook: str, output_dir: str | Path = "", *,
              title: str = "Hovedpointer") -> None:
    """A report's headline sentences: shown as :func:`sentences` (with the anchor
    :data:`HEADLINES_ANCHOR`) and saved as the key table ``<notebook>__headlines.csv`` (columns
    ``order``, ``sentence``; ``**bold**`` kept), which the municipality's front page shows as they are."""
    import pandas as pd

    kept = [str(s) for s in items if s and str(s).strip()]
    sentences(kept, title=title, anchor=HEADLINES_ANCHOR)
    frame = pd.DataFrame({"order": range(1, len(kept) + 1), "sentence": kept})
    save_table(frame, notebook, HEADLINES_TABLE, output_dir, headings_da=HEADLINES_HEADINGS_DA, title_da=title)
