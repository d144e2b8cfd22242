"""The house colours, defined once: every colour of the reports, the index page and the figures.

The stylesheet (``templates/analysis.css``) reads them as CSS custom properties ``--c-<name>``
(:func:`css_variables`, e.g. ``var(--c-accent)``); the figure style (:mod:`analysis.present.charts`)
and the analyses' figures use the constants below. No other file of the package holds a colour
literal (``tests/test_styles.py`` checks it): to change a colour, change it here.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------- base colours

BLUE = "#1f4e79"  # the municipality, links, table rules
ORANGE = "#e07b39"  # the comparison area
RED = "#c0392b"  # the demo banner and watermark, failures, "worse than expected"
GREEN = "#1e7b34"  # "OK" on the index page
DARK_GREEN = "#2e7d32"  # "better than expected" in figures
BROWN = "#a04000"  # annotations in figures
PURPLE = "#6a51a3"  # a fourth benefit group in figures
DARK_RED = "#7b241c"  # error text on the index page
AMBER = "#d68910"  # warnings
WHITE = "#ffffff"

GREY_10 = "#111111"  # headings
GREY_11 = "#1b1b1b"  # body text
GREY_20 = "#333333"  # text in figures
GREY_27 = "#444444"  # subtitles
GREY_33 = "#555555"  # labels, zero lines
GREY_37 = "#5f5f5f"  # footers
GREY_43 = "#6e6e6e"  # source lines, figure subtitles
GREY_47 = "#777777"  # notes in figures, earlier runs on the index page
GREY_55 = "#8c8c8c"  # Hele landet
GREY_60 = "#999999"  # prompts, reference lines
GREY_69 = "#b0b0b0"  # the other municipalities' lines
GREY_73 = "#bbbbbb"  # axes
GREY_79 = "#c9c9c9"  # bars of other municipalities
GREY_81 = "#cfcfcf"  # bars of other municipalities (potential)
GREY_88 = "#e0e0e0"  # rules
GREY_90 = "#e5e5e5"  # grid lines
GREY_93 = "#eeeeee"  # light rules
GREY_98 = "#fafafa"  # the table of contents

MUTED = ("#9ecae1", "#a1d99b", "#fdd0a2", "#bcbddc", "#c7e9c0", "#d9d9d9", "#fcbba1", "#c6dbef")

# ----------------------------------------------------------------------------- roles in figures

MUNICIPALITY = BLUE
COMPARISON = ORANGE
COUNTRY = GREY_55
HIGHLIGHT = RED
OTHERS = MUTED
LIGHT_BLUE = MUTED[0]  # a second, lighter series beside the municipality's
BETTER = DARK_GREEN
WORSE = RED
FIGURE_TEXT = GREY_20
SOURCE_TEXT = GREY_43
NOTE_TEXT = GREY_47
AXES_EDGE = GREY_73
GRID = GREY_90
ZERO_LINE = GREY_33
REFERENCE_LINE = GREY_60
OTHER_LINES = GREY_69
TOTAL = GREY_20
START_BAR = GREY_47
OTHER_BARS = GREY_79
OTHER_BARS_LIGHT = GREY_81
ANNOTATION = BROWN
FOURTH_SERIES = PURPLE
WATERMARK = RED

# ----------------------------------------------------------------------------- roles in pages (CSS)

CSS = {
    "text": GREY_11,
    "heading": GREY_10,
    "subtitle": GREY_27,
    "label": GREY_33,
    "muted": GREY_37,
    "dim": GREY_47,
    "prompt": GREY_60,
    "line": GREY_88,
    "line-light": GREY_93,
    "background": WHITE,
    "on-alert": WHITE,
    "on-alert-code": "rgba(255, 255, 255, 0.15)",  # code on the failure banner
    "accent": BLUE,
    "alert": RED,
    "ok": GREEN,
    "error-text": DARK_RED,
    "warning": AMBER,
    "warning-bg": "#fdf2e0",
    "error-bg": "#fdecea",
    "note-bg": "#eef3f8",
    "highlight-bg": "#fff4d6",
    "code-bg": "#f6f8fa",
    "code-border": "#e4e7eb",
    "toc-bg": GREY_98,
    "ansi-yellow": "#9a6700",
    "ansi-cyan": "#0b7285",
    "ansi-magenta": "#8e44ad",
    # the front page and the overview (issue 17)
    "good": GREEN,
    "bad": RED,
    "comparison-line": GREY_69,
    "reference": GREY_88,
    "tile-bg": GREY_98,
}


def css_variables() -> str:
    """``:root { --c-text: #1b1b1b; ... }``: the page colours as CSS custom properties."""
    body = " ".join(f"--c-{name}: {value};" for name, value in CSS.items())
    return f":root {{ {body} }}"
