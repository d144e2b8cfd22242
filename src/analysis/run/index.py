"""The period's ``index.html``: every report of the period with its files and status, the run's
parameters, the data and its vintage, the program version and the duration (Danish, self-contained).

The page is the template ``pages/index.html.j2`` of :mod:`analysis.present.styles` with the one
stylesheet; this module only prepares what it shows. A report's status is shown with the Danish
label and style of :data:`STATUSES` and its Danish detail (:func:`status_detail`).
"""

from __future__ import annotations

from pathlib import Path

STATUSES: dict[str, tuple[str, str]] = {
    "ok": ("OK", "ok"),
    "failed": ("Fejlet", "failed"),
    "not_possible": ("Ikke mulig med disse data", "failed"),  # its tables are not in the data: not run
}
"""status -> (Danish label, CSS class of the stylesheet); an unknown status shows as itself, styled as failed."""


def status_label(status: str) -> tuple[str, str]:
    """(Danish label, CSS class) of a report status."""
    return STATUSES.get(status, (status, "failed"))


def status_detail(report: dict) -> str:
    """The Danish line under a report's status (empty for a report that is OK)."""
    if report.get("status") == "ok":
        return ""
    if report.get("status") == "not_possible":
        return report.get("note_da", "")  # which tables are missing and how to get them
    return f"celle {report.get('cell') or '–'}: {report.get('error', '')}"


def _links(files: dict) -> list[tuple[str, str]]:
    links = [("HTML", files["html"])] if files.get("html") else []
    for key, label in (("analyst_html", "med kode"), ("pdf", "PDF"), ("xlsx", "Excel"), ("ipynb", "notebook")):
        if files.get(key):
            links.append((label, files[key]))
    links += [(f"{Path(t).stem.split('__', 1)[-1]}.csv", t) for t in files.get("tables", [])]
    return links


def _signed_places(places) -> str:
    from analysis.present import formats as fmt

    if fmt.is_missing(places):
        return fmt.MISSING
    return f"{'▲' if places > 0 else '▼' if places < 0 else '●'} {fmt.signed(places)}"


def _pct(value) -> str:
    from analysis.present import formats as fmt

    if fmt.is_missing(value):
        return fmt.MISSING
    return f"{'▲' if value > 0 else '▼' if value < 0 else '●'} {fmt.signed(value, 1, suffix='%')}"


def overview_rows(overview) -> tuple[list[str], list[dict], list[tuple[str, list[str]]]]:
    """The national overview for the index page: (column headings, rows, filter groups).

    Each row has ``cells`` (lines of text, sort value, css class) after the municipality, the front page's
    ``href``, and ``rar``/``region`` for the area filter; filter groups are
    [("RAR-områder", names), ("Regioner", names)].
    """
    from analysis.analyses.trends.compute import GROUPS
    from analysis.present import formats as fmt
    from analysis.reference import geography

    munis = geography.municipalities().set_index("code")
    groups = [g for g in GROUPS if f"{g}_change_base_pct" in overview and overview[f"{g}_change_base_pct"].notna().any()]
    from analysis.analyses.front_page.display import SHORT_NAMES_DA

    headings = ["Placering", "Ændring", *[SHORT_NAMES_DA.get(g, GROUPS[g].name_da) for g in groups], "Nøgletal: mål nået"]
    rows = []
    for r in overview.itertuples(index=False):
        code = str(int(r.code))
        rar = str(munis["rar"].get(code, "")) if code in munis.index else ""
        region = str(munis["region"].get(code, "")) if code in munis.index else ""

        def num(value):
            return "" if fmt.is_missing(value) else f"{float(value):.4f}"

        cells = [([fmt.integer(r.rank_total)], num(r.rank_total), "num"),
                 ([_signed_places(r.rank_places_gained)], num(r.rank_places_gained), "num")]
        for g in groups:
            base, year = getattr(r, f"{g}_change_base_pct"), getattr(r, f"{g}_change_year_pct")
            cells.append(([_pct(base), _pct(year)], num(base), "num"))
        judged = r.key_figures_judged
        met = "" if fmt.is_missing(judged) else "ingen mål" if judged == 0 else \
            f"✔ {fmt.integer(r.key_figures_met)} af {fmt.integer(judged)}"
        cells.append(([met or fmt.MISSING], num(r.key_figures_met), "num"))
        rows.append({"municipality": r.municipality, "href": f"{r.folder}/index.html", "rar": rar, "region": region,
                     "cells": cells})
    filters = [("RAR-områder", sorted({r["rar"] for r in rows if r["rar"]})),
               ("Regioner", sorted({r["region"] for r in rows if r["region"]}))]
    return headings, rows, filters


def render_index(record: dict, overview=None) -> str:
    """The period's index.html (Danish, self-contained): the municipalities first (one: a link to its
    front page; several: the national overview ``overview`` of :func:`analysis.run.front.overview`),
    then every report with its files and status, then the run's facts."""
    from analysis.present import formats as fmt
    from analysis.present import styles

    run = record["run"]
    demo = record.get("source") == "demo"
    vintage = record.get("vintage") or {}
    reports = record.get("reports", [])
    current = [r for r in reports if r.get("run_started") == run["started"]]
    problems = [r for r in current if r.get("status") != "ok"]
    by_area: dict[str, list[dict]] = {}
    for r in reports:
        by_area.setdefault(r["folder"], []).append(r)

    def area_key(folder: str):
        code = folder.split("-", 1)[0]
        return (0, int(code)) if code.isdigit() else (1, folder)

    def row(r: dict) -> dict:
        label, css = status_label(r.get("status", ""))
        files = r.get("files", {})
        earlier = None
        if r.get("run_started") != run["started"]:
            earlier = fmt.date_da(r["run_started"], style="datetime") if r.get("run_started") else ""
        return {
            "municipality": r["municipality"], "title": r.get("title") or r["notebook"], "html": files.get("html", ""),
            "status_label": label, "status_class": css, "detail": status_detail(r), "links": _links(files),
            "earlier": earlier, "seconds": fmt.number(r.get("seconds"), 1),
        }

    source_label = "Demodata (syntetiske tal)" if demo else "Jobindsats og Danmarks Statistik"
    built = vintage.get("built_at")
    latest = vintage.get("latest_period") or {}
    facts = [
        ("Periode", f"{record['period_label']} ({record['period']})"),
        ("Datakilde", vintage.get("label") or source_label),
        ("Data bygget", fmt.date_da(built, style="datetime") if built else "–"),
        ("Seneste periode pr. tabel", ", ".join(f"{t}: {p}" for t, p in sorted(latest.items())) or "–"),
        ("Kørt", fmt.date_da(run["started"], style="datetime")),
        ("Varighed", f"{fmt.number(run['duration_seconds'], 1)} sek."),
        ("Kommuner", ", ".join(run["municipalities"]) if len(run["municipalities"]) <= 10 else f"{len(run['municipalities'])} kommuner"),
        ("Analyser", ", ".join(run["notebooks"])),
        ("Sammenligningsområde", run["comparison_area"] or "kommunens RAR-område"),
        ("Parallelle kerner", str(run["jobs"])),
        ("Programversion (git)", run["git_commit"]),
        ("Kommando", run["command"]),
    ]
    impossible = sum(r.get("status") == "not_possible" for r in current)
    status_line = (
        f"{len(current) - len(problems)} af {len(current)} rapporter fra denne kørsel blev lavet uden fejl."
        + (f" {impossible} var ikke mulige med disse data." if impossible else "")
        if current
        else "Ingen rapporter i denne kørsel."
    )
    fronts = {entry["folder"]: entry for entry in record.get("front_pages", [])}
    ov_headings, ov_rows, ov_filters = ([], [], [])
    if overview is not None and len(overview) > 1:
        ov_headings, ov_rows, ov_filters = overview_rows(overview)
    front_links = [(r["municipality"], r["href"]) for r in ov_rows] if ov_rows else [
        (fronts[f]["municipality"], fronts[f]["html"]) for f in sorted(fronts, key=area_key) if fronts[f]["html"]]
    return styles.render(
        "pages/index.html.j2",
        demo=demo,
        front_links=front_links,
        overview_headings=ov_headings,
        overview_rows=ov_rows,
        overview_filters=ov_filters,
        period_label=record["period_label"],
        status_line=status_line,
        problems=[row(r) for r in problems],
        facts=facts,
        rows=[row(r) for folder in sorted(by_area, key=area_key) for r in by_area[folder]],
    )
