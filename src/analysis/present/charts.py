"""The house style for report figures: matplotlib with Danish number formats.

Use it like this in a notebook::

    from analysis.present import charts
    fig, ax = charts.new_figure(title="Fuldtidspersoner på offentlig forsørgelse")
    ax.plot(x, y, color=charts.color_for(area, municipality, comparison))
    charts.number_axis(ax, "y")                  # 17.200 on the y axis
    charts.finish(fig, source=source)            # "Kilde: Jobindsats" + demo watermark unless source is "real"

Conventions:

- colours are fixed by role: the municipality is :data:`MUNICIPALITY_COLOR` (dark blue),
  the comparison area :data:`COMPARISON_COLOR` (orange), Hele landet :data:`COUNTRY_COLOR`
  (grey); other areas get muted colours from :data:`OTHER_COLORS`. :func:`area_palette`
  gives a ``{area: colour}`` mapping usable as a seaborn ``palette``;
- axes show Danish numbers (thousands dot, decimal comma) via :func:`number_axis`,
  :func:`percent_axis`, :func:`pp_axis`, and Danish dates via :func:`date_axis`;
- every figure gets a source line bottom-left (:func:`add_source`) and, with demo data,
  a watermark "Demodata – syntetiske tal" (:func:`demo_watermark`); :func:`finish` does both;
- figures are PNG at :data:`DPI` dots per inch (embedded in the HTML report), laid out with
  matplotlib's constrained layout, which :func:`finish` runs once and then fixes, so the
  figure is drawn only once when it is shown or saved (make ``finish`` the last call on a
  figure); outside a Jupyter kernel the non-interactive Agg backend is used.

Imports stay light: only matplotlib. Seaborn is *not* imported here (it pulls in scipy and
adds about 1.5 s to every notebook); import it in a notebook only where a seaborn plot is
really needed — :func:`apply_style` sets the same look for seaborn plots.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from functools import lru_cache

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from analysis.core import paths
from analysis.present import formats as fmt
from analysis.present import palette

__all__ = [
    "DPI",
    "FIGSIZE",
    "MUNICIPALITY_COLOR",
    "COMPARISON_COLOR",
    "COUNTRY_COLOR",
    "OTHER_COLORS",
    "DEMO_TEXT",
    "apply_style",
    "new_figure",
    "area_palette",
    "color_for",
    "number_axis",
    "percent_axis",
    "pp_axis",
    "date_axis",
    "add_source",
    "demo_watermark",
    "finish",
    "fix_layout",
]

DPI = 110
FIGSIZE = (8.0, 4.5)

# Colours by role, from the house palette (analysis.present.palette: every colour is defined there).
MUNICIPALITY_COLOR = palette.MUNICIPALITY  # dark blue
COMPARISON_COLOR = palette.COMPARISON  # orange
COUNTRY_COLOR = palette.COUNTRY  # grey
HIGHLIGHT_COLOR = palette.HIGHLIGHT  # red, for a single highlighted bar or point
OTHER_COLORS = palette.OTHERS
TEXT_COLOR = palette.FIGURE_TEXT
SOURCE_COLOR = palette.SOURCE_TEXT
DEMO_TEXT = "Demodata \u2013 syntetiske tal"
SUBTITLE_OFFSET_PT = 21  # from the top of the figure to the subtitle: below the 13 pt title line
PNG_COMPRESS_LEVEL = 3  # zlib level of inline PNGs: files as small as at the default 6, encoded in half the time

_STYLE = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": palette.AXES_EDGE,
    "axes.labelcolor": TEXT_COLOR,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.titley": 1.0,  # titles just above the axes; no top ticks to avoid, so no per-draw search for a free spot
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(
        color=[MUNICIPALITY_COLOR, COMPARISON_COLOR, COUNTRY_COLOR, *OTHER_COLORS]
    ),
    "grid.color": palette.GRID,
    "grid.linewidth": 0.8,
    "xtick.color": TEXT_COLOR,
    "ytick.color": TEXT_COLOR,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.0,
    "font.size": 10,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "sans-serif"],
    "axes.unicode_minus": False,  # "-" like the Danish number formats in tables
    "figure.constrained_layout.use": True,
}


def apply_style() -> None:
    """Set the house style in matplotlib's rcParams (also affects seaborn plots) and the inline PNG format."""
    matplotlib.rcParams.update(_STYLE)
    shell = None
    if "IPython" in sys.modules:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:  # only inside a running shell (never create one: kernels are forked from a preloaded process)
        _inline_png(shell)


def _inline_png(shell) -> None:
    """Inline figures as PNG without a second "tight bbox" drawing pass.

    Figures use constrained layout, which already fits titles, labels, legends and the source
    line inside the figure, so the inline backend's default ``bbox_inches="tight"`` would only
    draw every figure twice (about 20 % of a report's figure time).
    """
    try:
        from IPython.core.pylabtools import select_figure_formats
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # pragma: no cover - both ship with ipykernel
        return
    config = InlineBackend.instance(parent=shell)  # the instance the inline backend reads when it activates
    png = {"bbox_inches": None, "pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}
    config.figure_formats = {"png"}
    config.print_figure_kwargs = png
    select_figure_formats(shell, {"png"}, **png)


def _no_redraw_after_cells() -> None:
    """Stop pyplot from drawing every figure once more after each cell in a kernel.

    In an IPython kernel pyplot registers a ``post_execute`` hook that redraws all stale
    figures; with the inline backend the figure is then drawn again for the PNG, so every
    figure was drawn three times (about a third of a report's figure time). The inline
    backend's own hook still shows and closes the figures. The hook is registered when the
    first figure is made, hence this runs after ``plt.subplots``.
    """
    hook = getattr(plt, "_draw_all_if_interactive", None)
    if hook is None or "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        try:
            shell.events.unregister("post_execute", hook)
        except ValueError:  # not registered (already removed, or not interactive)
            pass


apply_style()


def new_figure(
    title: str | None = None,
    *,
    nrows: int = 1,
    ncols: int = 1,
    figsize: tuple[float, float] | None = None,
    subtitle: str | None = None,
    **subplot_kw,
):
    """A new figure in the house style: returns ``(fig, ax)`` (or ``(fig, axes)`` for several panels).

    ``title`` goes top-left on the figure (bold), ``subtitle`` below it in grey.
    """
    apply_style()
    if figsize is None:
        figsize = (FIGSIZE[0], FIGSIZE[1] * (1 if nrows == 1 else 0.75 * nrows))
    fig, ax = plt.subplots(nrows=nrows, ncols=ncols, figsize=figsize, **subplot_kw)
    _no_redraw_after_cells()
    if title:
        text = title if not subtitle else f"{title}\n"
        fig.suptitle(text, x=0.01, ha="left", fontsize=13, fontweight="bold", color=TEXT_COLOR)
        if subtitle:  # on the title's second (empty) line, a fixed distance from the top whatever the figure's height
            from matplotlib.transforms import ScaledTranslation

            below_title = ScaledTranslation(0, -SUBTITLE_OFFSET_PT / 72, fig.dpi_scale_trans)
            fig.text(0.01, 1.0, subtitle, ha="left", va="top", fontsize=10, color=SOURCE_COLOR,
                     transform=fig.transFigure + below_title)
    return fig, ax


def area_palette(municipality: str, comparison_area: str | None = None, others: Iterable[str] = ()) -> dict[str, str]:
    """``{area: colour}``: the municipality blue, the comparison area orange, Hele landet grey, others muted."""
    palette = {municipality: MUNICIPALITY_COLOR}
    if comparison_area:
        palette[comparison_area] = COMPARISON_COLOR
    palette.setdefault("Hele landet", COUNTRY_COLOR)
    i = 0
    for name in others:
        if name not in palette:
            palette[name] = OTHER_COLORS[i % len(OTHER_COLORS)]
            i += 1
    return palette


def color_for(area: str, municipality: str, comparison_area: str | None = None) -> str:
    """The colour of one area by its role (municipality, comparison area, Hele landet, other)."""
    if area == municipality:
        return MUNICIPALITY_COLOR
    if comparison_area and area == comparison_area:
        return COMPARISON_COLOR
    if area == "Hele landet":
        return COUNTRY_COLOR
    return OTHER_COLORS[sum(map(ord, str(area))) % len(OTHER_COLORS)]


def _axes(ax, which: str):
    if which not in ("x", "y", "both"):
        raise ValueError(f"which must be 'x', 'y' or 'both', not {which!r}")
    return [getattr(ax, f"{w}axis") for w in (("x", "y") if which == "both" else (which,))]


def number_axis(ax, which: str = "y", decimals: int = 0) -> None:
    """Danish numbers on an axis: 17.200, 1.234,5."""
    for axis in _axes(ax, which):
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, decimals)))
        if decimals == 0:
            axis.set_major_locator(MaxNLocator(nbins="auto", integer=True))


def percent_axis(ax, which: str = "y", decimals: int = 0) -> None:
    """Percentages (values already in percent units) on an axis: "54 %"."""
    for axis in _axes(ax, which):
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.percent(v, decimals)))


def pp_axis(ax, which: str = "y", decimals: int = 1) -> None:
    """Signed percentage points on an axis: "+0,5", "-1,0" (the axis label should say pct.-point)."""
    for axis in _axes(ax, which):
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.signed(v, decimals)))


_MONTHS_SHORT = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def date_axis(ax, style: str = "quarter", which: str = "x", max_ticks: int = 8) -> None:
    """Danish dates on a time axis: style ``quarter`` ("1. kvt." over "2024"), ``month`` ("jan." over "2024") or ``year``.

    Call it after plotting: ticks are placed on quarter/month/year starts within the current
    limits, thinned to at most ``max_ticks`` so labels never overlap.
    """
    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib.ticker import FixedLocator

    if style not in ("quarter", "month", "year"):
        raise ValueError(f"unknown date style {style!r}; expected quarter, month or year")

    def label(v, _pos):
        return _date_label(style, float(v))

    for axis in _axes(ax, which):
        lo, hi = sorted(axis.get_view_interval())
        start = pd.Timestamp(mdates.num2date(lo)).tz_localize(None)
        stop = pd.Timestamp(mdates.num2date(hi)).tz_localize(None)
        freq = {"quarter": "QS", "month": "MS", "year": "YS"}[style]
        ticks = pd.date_range(start.normalize(), stop, freq=freq)
        ticks = _thin(ticks, style, max_ticks)
        axis.set_major_locator(FixedLocator(mdates.date2num(ticks.to_pydatetime())))
        axis.set_major_formatter(FuncFormatter(label))


@lru_cache(maxsize=4096)
def _date_label(style: str, v: float) -> str:
    import matplotlib.dates as mdates

    d = mdates.num2date(v)
    if style == "year":
        return str(d.year)
    if style == "month":
        return f"{_MONTHS_SHORT[d.month - 1]}\n{d.year}"
    return f"{(d.month - 1) // 3 + 1}. kvt.\n{d.year}"


def _thin(ticks, style: str, max_ticks: int):
    """At most max_ticks ticks, on round calendar positions (quarters: 1st quarters; months: every 2/3/6/12)."""
    if len(ticks) <= max_ticks:
        return ticks
    periods_per_year = {"quarter": 4, "month": 12}.get(style)
    if periods_per_year:
        for every in (2, 3, 6, 12) if style == "month" else (2, 4):
            kept = ticks[[((t.month - 1) // (12 // periods_per_year)) % every == 0 for t in ticks]]
            if len(kept) <= max_ticks:
                return kept
        ticks = kept
    step = -(-len(ticks) // max_ticks)
    return ticks[::step]


def add_source(fig, text: str = "Kilde: Jobindsats") -> None:
    """A source line under the figure, bottom-left, small and grey ("Kilde: ..." is added if missing)."""
    if text and not text.lower().startswith("kilde"):
        text = f"Kilde: {text}"
    fig.supxlabel(text, x=0.01, ha="left", fontsize=8, color=SOURCE_COLOR)


def demo_watermark(fig, text: str = DEMO_TEXT) -> None:
    """A large, light diagonal watermark across the figure, for figures made from demo data."""
    fig.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        rotation=20,
        fontsize=30,
        fontweight="bold",
        color=palette.WATERMARK,
        alpha=0.18,
        zorder=1000,
        gid="demo-watermark",
    )


STATBANK_SOURCE_LINE = "Danmarks Statistik (AUK01)"


def finish(fig, *, source: str, data_source: str | None = None) -> None:
    """Add the source line and, unless ``source`` is real data, the demo watermark; then lay the
    figure out (:func:`fix_layout`). Make it the last call on a figure.

    ``source`` is the resolved data source, "demo", "real" or "dst" (the notebook resolves its parameter
    with :func:`analysis.data.load.resolve_source`; anything else is marked as demo, to be safe);
    ``data_source`` the publisher named in the source line (default: Jobindsats, or Danmarks Statistik
    (AUK01) when ``source`` is "dst").
    """
    if data_source is None:
        data_source = STATBANK_SOURCE_LINE if source == paths.STATBANK else "Jobindsats"
    add_source(fig, data_source)
    if source not in paths.REAL_DATA:
        demo_watermark(fig)
    fix_layout(fig)


def fix_layout(fig) -> None:
    """Run the figure's layout engine (constrained layout) once now and keep the result.

    While a figure has a layout engine, matplotlib draws it twice for every PNG: once without
    rendering, only to run the layout, and once for real. With the layout fixed it is drawn
    once, to the same pixels (about a third of a report's figure time). Artists added
    afterwards are drawn where they are put but not laid out.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return
    engine.execute(fig)
    # set_layout_engine(None) would pick the engine from rcParams again (the house style asks for
    # constrained layout); with that switched off it really removes the engine.
    with matplotlib.rc_context({"figure.constrained_layout.use": False, "figure.autolayout": False}):
        fig.set_layout_engine(None)
