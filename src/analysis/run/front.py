"""The front pages of a run: one per municipality (``<code>-<name>/index.html``) and the national
overview table of the period (``tables/front_page__overview.csv`` and ``front_page.xlsx``).

They are made after the reports, from the key tables the reports wrote
(:mod:`analysis.analyses.front_page`): a few CSV reads and one template per municipality, no analysis
runs twice. A front page whose computation fails still gets a page with the note what is missing;
it never fails the batch.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from analysis.analyses import front_page
from analysis.run.export import write_workbook
from analysis.run.results import one_line

FRONT_PAGE = "index.html"


def write_front_page(folder: Path, area, *, period_label: str, source: str, footer: str = "") -> dict:
    """Compute, save and render one municipality's front page in its report folder; returns its record
    (``html``, ``status`` ok/failed, ``missing``: the Danish notes, ``error``)."""
    slug = folder.name
    entry: dict = {"folder": slug, "municipality": area.name, "code": area.code, "html": f"{slug}/{FRONT_PAGE}"}
    try:
        page = front_page.front_page(folder, area.name, area.code)
        entry["status"], entry["error"] = "ok", ""
    except Exception as exc:  # noqa: BLE001 - the page says what is missing; the batch goes on
        inputs = front_page.FrontPageInputs(missing=["forsidens tal, som ikke kunne beregnes ud fra rapporternes tabeller"])
        page = front_page.FrontPage(area.name, int(area.code), inputs, None, None, None,
                                    front_page.since_last_quarter(None, None), None, None,
                                    front_page.overview_row(area.code, area.name, inputs, None, None))
        entry["status"], entry["error"] = "failed", one_line(f"{type(exc).__name__}: {exc}")
    for stale in (folder / "tables").glob(f"{front_page.NOTEBOOK}__*"):
        stale.unlink()
    tables = front_page.save_tables(page, folder)
    workbook = write_workbook(folder, front_page.NOTEBOOK)
    reports = {nb: f"{nb}.html" for nb in front_page.REPORTS if (folder / f"{nb}.html").is_file()}
    html = front_page.render_page(page, period_label=period_label, source=source, reports=reports, tables=tables,
                                  footer=footer, workbook=workbook.name if workbook else "")
    (folder / FRONT_PAGE).write_text(html, encoding="utf-8")
    entry["missing"] = list(page.inputs.missing)
    entry["overview"] = page.overview
    return entry


def write_front_pages(plan, staging: Path, footer: str = "", made: dict[str, dict] | None = None) -> list[dict]:
    """The front page of every municipality of the plan (see :func:`write_area_front_page`), in the plan's
    order; ``made``: the entries of pages already written during the batch, by folder."""
    made = made or {}
    return [made.get(area.slug) or write_area_front_page(plan, staging, area, footer)
            for area in plan.areas if (staging / area.slug).is_dir()]


def write_area_front_page(plan, staging: Path, area, footer: str = "") -> dict:
    """One municipality's front page (:func:`write_front_page`); one that cannot be written at all is recorded as
    failed (with the error), and the batch goes on."""
    try:
        return write_front_page(staging / area.slug, area, period_label=plan.period_label, source=plan.source,
                                footer=footer)
    except Exception as exc:  # noqa: BLE001 - a front page never fails the batch
        return {"folder": area.slug, "municipality": area.name, "code": area.code, "html": "",
                "status": "failed", "error": one_line(f"{type(exc).__name__}: {exc}"), "missing": []}


def overview(period_folder: Path, made: list[dict] | None = None) -> pd.DataFrame:
    """The national overview, by code: the rows of the front pages just ``made`` (the entries of
    :func:`write_front_pages`) and, for municipality folders carried over from an earlier run of the
    period, their ``front_page__overview.csv`` row."""
    rows = [pd.DataFrame([{**e["overview"], "folder": e["folder"]}]) for e in made or [] if e.get("overview")]
    done = {e["folder"] for e in made or [] if e.get("overview")}
    for path in sorted(period_folder.glob(f"*/tables/{front_page.NOTEBOOK}__overview.csv")):
        if path.parent.parent.name in done:
            continue
        with contextlib.suppress(ValueError, OSError, pd.errors.ParserError):
            frame = pd.read_csv(path, dtype={"benchmark_period": str, "base_period": str}, encoding="utf-8")
            rows.append(frame.assign(folder=path.parent.parent.name))
    columns = [*front_page.overview_columns(), "folder"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.concat(rows, ignore_index=True).reindex(columns=columns)
    return table.sort_values("code").reset_index(drop=True)


def write_overview(period_folder: Path, made: list[dict] | None = None) -> pd.DataFrame:
    """Write the overview (:func:`overview`) as ``<period>/tables/front_page__overview.csv`` and
    ``front_page.xlsx``; returns it."""
    from analysis.present import report

    table = overview(period_folder, made)
    if len(table):
        report.export_table(table, front_page.overview_spec(), period_folder)
        write_workbook(period_folder, front_page.NOTEBOOK)
    return table
