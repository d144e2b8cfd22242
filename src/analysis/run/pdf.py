"""PDF copies of the reports for the committee's agenda (``analysis run --pdf``), made from the same HTML.

The route is a locally installed Chromium-family browser (Chromium, Google Chrome or Microsoft Edge)
in headless mode, which prints the page with the stylesheet's print rules (A4, page breaks, the title
and page numbers in the footer, the demo label on every page). Text stays text and the figures are the
page's own PNGs, embedded as they are. Why a browser and not an HTML-to-PDF library: every analyst's
machine already has Edge or Chrome, the PDF is exactly what the analyst sees when printing the page,
and the libraries that need no browser either lack modern CSS (paged tables, margin boxes) or need
native libraries that are hard to install on Windows.

The browser is found by :func:`find_browser`: ``ANALYSIS_BROWSER`` (a path) if set, then the names on
PATH, then the usual install folders on Windows and macOS. Nothing here runs unless ``--pdf`` is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSER_ENV = "ANALYSIS_BROWSER"
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge",
              "microsoft-edge")
TIMEOUT_SECONDS = 120
HOW_TO_ENABLE = (
    "PDF: no Chromium, Google Chrome or Microsoft Edge was found, so no PDF was made (the HTML reports are "
    f"written). Install one of them, or set {BROWSER_ENV} to the browser's program file, and run again with --pdf."
)


def _install_paths() -> list[Path]:
    """Where Chrome, Edge and Chromium are usually installed on Windows and macOS."""
    paths: list[Path] = []
    for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        root = os.environ.get(var)
        if root:
            paths += [Path(root) / "Google" / "Chrome" / "Application" / "chrome.exe",
                      Path(root) / "Microsoft" / "Edge" / "Application" / "msedge.exe",
                      Path(root) / "Chromium" / "Application" / "chrome.exe"]
    for app in ("Google Chrome", "Microsoft Edge", "Chromium"):
        paths += [Path("/Applications") / f"{app}.app" / "Contents" / "MacOS" / app,
                  Path.home() / "Applications" / f"{app}.app" / "Contents" / "MacOS" / app]
    return paths


def find_browser() -> Path | None:
    """The browser that prints the PDFs, or None when there is none on this machine."""
    configured = os.environ.get(BROWSER_ENV, "").strip()
    if configured:
        path = Path(configured)
        return path if path.is_file() else (Path(found) if (found := shutil.which(configured)) else None)
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((p for p in _install_paths() if p.is_file()), None)


def _running_as_root() -> bool:
    geteuid = getattr(os, "geteuid", None)  # POSIX only; Chromium refuses its sandbox as root (Linux servers)
    return bool(geteuid and geteuid() == 0)


def html_to_pdf(html: Path, pdf: Path, browser: Path) -> Path:
    """Print ``html`` to ``pdf`` with the headless ``browser`` (A4 and margins from the page's ``@page``
    rules, no browser header or footer: the page's own margin boxes hold title and page numbers).

    Written to a temporary file first and moved into place, so a failed print leaves no half PDF.
    Raises RuntimeError with the browser's last line when no PDF came out.
    """
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="analysis-pdf-") as tmp:
        partial = Path(tmp) / "report.pdf"
        command = [
            str(browser), "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--mute-audio", f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer", "--generate-pdf-document-outline", f"--print-to-pdf={partial}",
        ]
        if _running_as_root():
            command.append("--no-sandbox")
        command.append(html.resolve().as_uri())
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              stdin=subprocess.DEVNULL, check=False)
        if not partial.is_file() or partial.stat().st_size == 0:
            lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
            raise RuntimeError(f"{browser.name} made no PDF of {html.name}" + (f": {lines[-1]}" if lines else ""))
        shutil.move(str(partial), pdf)
    return pdf


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.run.pdf page.html [out.pdf]``: one page by hand (e.g. the index page)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print("usage: python -m analysis.run.pdf PAGE.html [OUT.pdf]", file=sys.stderr)
        return 2
    browser = find_browser()
    if browser is None:
        print(HOW_TO_ENABLE, file=sys.stderr)
        return 1
    html = Path(argv[0])
    print(html_to_pdf(html, Path(argv[1]) if len(argv) > 1 else html.with_suffix(".pdf"), browser))
    return 0


if __name__ == "__main__":
    sys.exit(main())
