"""The period's ``index.html``: every report of the period with its files and status, the run's
parameters, the data and its vintage, the program version and the duration (Danish, self-contained).
"""

from __future__ import annotations

import html
from pathlib import Path


def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def render_index(record: dict) -> str:
    """The period's index.html (Danish, self-contained)."""
    from analysis.present import formats as fmt

    run = record["run"]
    demo = record.get("source") == "demo"
    vintage = record.get("vintage") or {}
    reports = record.get("reports", [])
    current = [r for r in reports if r.get("run_started") == run["started"]]
    failed = [r for r in current if r.get("status") == "failed"]
    impossible = [r for r in current if r.get("status") == "not_possible"]  # the data lack their tables: r["note_da"] says which
    by_area: dict[str, list[dict]] = {}
    for r in reports:
        by_area.setdefault(r["folder"], []).append(r)

    def area_key(folder: str):
        code = folder.split("-", 1)[0]
        return (0, int(code)) if code.isdigit() else (1, folder)

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
    status_line = (
        f"{len(current) - len(failed) - len(impossible)} af {len(current)} rapporter fra denne kørsel blev lavet uden fejl."
        + (f" {len(impossible)} var ikke mulige med disse data." if impossible else "")
        if current
        else "Ingen rapporter i denne kørsel."
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="da"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Rapporter – {_esc(record['period_label'])}</title>",
        "<style>",
        "body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1b1b1b;margin:0;}",
        "main{max-width:64rem;margin:0 auto;padding:1.5rem;} h1{margin:0.3rem 0;} h2{margin-top:2rem;border-bottom:1px solid #e0e0e0;}",
        ".demo{background:#c0392b;color:#fff;font-weight:700;padding:0.6rem 1rem;border-radius:4px;font-size:1.1rem;}",
        "table{border-collapse:collapse;} td,th{padding:0.25rem 0.8rem 0.25rem 0;text-align:left;vertical-align:top;border-bottom:1px solid #eee;}",
        "th{color:#555;font-weight:600;} .ok{color:#1e7b34;font-weight:600;} .failed{color:#c0392b;font-weight:700;}",
        ".err{font-family:Menlo,Consolas,monospace;font-size:0.85rem;color:#7b241c;} .old{color:#777;font-size:0.85rem;}",
        "a{color:#1f4e79;} .summary{font-size:1.05rem;margin:0.8rem 0;} .summary.bad{color:#c0392b;font-weight:600;}",
        "</style></head><body><main>",
    ]
    if demo:
        out.append('<div class="demo" role="note">Demodata – syntetiske tal. Rapporterne må ikke bruges til beslutninger.</div>')
    out.append(f"<h1>Rapporter for {_esc(record['period_label'])}</h1>")
    out.append(f'<p class="summary{" bad" if failed else ""}">{_esc(status_line)}</p>')
    if failed:
        out.append("<ul>")
        for r in failed:
            out.append(
                f'<li class="failed"><a href="{_esc(r["files"].get("html", ""))}">{_esc(r["municipality"])} – {_esc(r["title"] or r["notebook"])}</a>'
                f' <span class="err">celle {_esc(r.get("cell") or "–")}: {_esc(r.get("error", ""))}</span></li>'
            )
        out.append("</ul>")
    if impossible:
        out.append("<ul>")
        for r in impossible:
            out.append(f'<li>{_esc(r["municipality"])} – {_esc(r["title"] or r["notebook"])}: ikke mulig med disse data. '
                       f'<span class="err">{_esc(r.get("note_da", ""))}</span></li>')
        out.append("</ul>")
    out.append("<h2>Kørslen</h2><table>")
    for k, v in facts:
        out.append(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>")
    out.append("</table>")
    out.append("<h2>Rapporter</h2>")
    out.append("<table><thead><tr><th>Kommune</th><th>Rapport</th><th>Status</th><th>Filer</th><th>Tid</th></tr></thead><tbody>")
    for folder in sorted(by_area, key=area_key):
        for r in by_area[folder]:
            files = r.get("files", {})
            links = [f'<a href="{_esc(files["html"])}">HTML</a>'] if files.get("html") else []
            if files.get("analyst_html"):
                links.append(f'<a href="{_esc(files["analyst_html"])}">med kode</a>')
            if files.get("xlsx"):
                links.append(f'<a href="{_esc(files["xlsx"])}">Excel</a>')
            if files.get("ipynb"):
                links.append(f'<a href="{_esc(files["ipynb"])}">notebook</a>')
            for t in files.get("tables", []):
                links.append(f'<a href="{_esc(t)}">{_esc(Path(t).stem.split("__", 1)[-1])}.csv</a>')
            if r.get("status") == "ok":
                status = '<span class="ok">OK</span>'
            elif r.get("status") == "not_possible":
                status = f'<span class="failed">Ikke mulig med disse data</span><br><span class="err">{_esc(r.get("note_da", ""))}</span>'
            else:
                status = (
                    f'<span class="failed">Fejlet</span><br><span class="err">celle {_esc(r.get("cell") or "–")}: '
                    f'{_esc(r.get("error", ""))}</span>'
                )
            old = "" if r.get("run_started") == run["started"] else (
                f'<br><span class="old">fra en tidligere kørsel {_esc(fmt.date_da(r["run_started"], style="datetime"))}</span>'
                if r.get("run_started") else '<br><span class="old">fra en tidligere kørsel</span>'
            )
            title = f'<a href="{_esc(files.get("html", ""))}">{_esc(r.get("title") or r["notebook"])}</a>'
            if not files.get("html"):  # a report that was not possible has no page
                title = _esc(r.get("title") or r["notebook"])
            out.append(
                f"<tr><td>{_esc(r['municipality'])}</td><td>{title}{old}</td><td>{status}</td>"
                f"<td>{' · '.join(links)}</td><td style=\"white-space:nowrap\">{_esc(fmt.number(r.get('seconds'), 1))} s</td></tr>"
            )
    out.append("</tbody></table>")
    out.append('<p class="old">Lavet af <code>analysis run</code>. CSV-filerne er UTF-8, kommasepareret, punktum som decimaltegn; '
               "kolonnenavne og danske overskrifter står i JSON-filen ved siden af hver CSV-fil.</p>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
