"""The house style for figures (analysis.present.charts)."""

import matplotlib

from analysis.present import charts


def test_backend_is_non_interactive_outside_jupyter():
    assert matplotlib.get_backend().lower() in ("agg", "module://matplotlib_inline.backend_inline")


def test_danish_axis_formats():
    fig, ax = charts.new_figure("Titel")
    ax.plot([0, 1], [1000, 20000])
    charts.number_axis(ax)
    fmt_y = ax.yaxis.get_major_formatter()
    assert fmt_y(17200, 0) == "17.200"
    charts.percent_axis(ax, decimals=1)
    assert ax.yaxis.get_major_formatter()(54.6, 0) == "54,6 %"
    charts.pp_axis(ax)
    assert ax.yaxis.get_major_formatter()(-0.3, 0) == "-0,3"
    matplotlib.pyplot.close(fig)


def test_date_axis_danish_labels():
    import matplotlib.dates as mdates
    import pandas as pd

    fig, ax = charts.new_figure()
    ax.plot(pd.to_datetime(["2024-01-01", "2024-06-30"]), [1, 2])
    charts.date_axis(ax, "quarter")
    assert ax.xaxis.get_major_formatter()(mdates.date2num(pd.Timestamp("2024-05-15")), 0) == "2. kvt.\n2024"
    charts.date_axis(ax, "month")
    assert ax.xaxis.get_major_formatter()(mdates.date2num(pd.Timestamp("2024-05-15")), 0) == "maj\n2024"
    matplotlib.pyplot.close(fig)


def test_date_axis_thins_ticks():
    import pandas as pd

    fig, ax = charts.new_figure()
    ax.plot(pd.date_range("2019-01-01", "2024-12-31", freq="QS"), range(24))
    charts.date_axis(ax, "quarter")
    ticks = ax.xaxis.get_major_locator()()
    assert 2 <= len(ticks) <= 8
    labels = {ax.xaxis.get_major_formatter()(t, 0).split("\n")[0] for t in ticks}
    assert labels == {"1. kvt."}
    matplotlib.pyplot.close(fig)


def test_source_line_and_watermark():
    fig, ax = charts.new_figure()
    charts.finish(fig, source="demo")
    texts = [t.get_text() for t in fig.texts]
    assert charts.DEMO_TEXT in texts
    assert fig._supxlabel.get_text() == "Kilde: Jobindsats"
    matplotlib.pyplot.close(fig)
    fig, ax = charts.new_figure()
    charts.finish(fig, source="real", data_source="Danmarks Statistik")
    assert charts.DEMO_TEXT not in [t.get_text() for t in fig.texts]
    assert fig._supxlabel.get_text() == "Kilde: Danmarks Statistik"
    matplotlib.pyplot.close(fig)


def test_colours_by_role():
    pal = charts.area_palette("Slagelse", "RAR Sjælland", others=["Roskilde"])
    assert pal["Slagelse"] == charts.MUNICIPALITY_COLOR
    assert pal["RAR Sjælland"] == charts.COMPARISON_COLOR
    assert pal["Hele landet"] == charts.COUNTRY_COLOR
    assert pal["Roskilde"] in charts.OTHER_COLORS
    assert charts.color_for("Slagelse", "Slagelse") == charts.MUNICIPALITY_COLOR
    assert charts.color_for("Køge", "Slagelse") == charts.color_for("Køge", "Slagelse")


def test_figure_saves_png(tmp_path):
    fig, ax = charts.new_figure("Titel", subtitle="Undertitel")
    ax.bar(["a", "b"], [1, 2])
    charts.finish(fig, source="demo")
    fig.savefig(tmp_path / "x.png")
    assert (tmp_path / "x.png").read_bytes()[:4] == b"\x89PNG"
    matplotlib.pyplot.close(fig)


def _small_multiples(fix: bool):
    import numpy as np

    fig, axes = charts.new_figure("Titel", nrows=2, ncols=2, subtitle="Undertitel")
    for i, ax in enumerate(axes.flat):
        ax.plot(np.arange(12), np.arange(12) * (i + 1) * 1500, label="Slagelse")
        ax.set_title(f"Panel {i + 1}")
        ax.set_ylabel("Personer")
        charts.number_axis(ax)
        ax.legend()
    if fix:
        charts.finish(fig, source="demo")
    else:  # the same figure, laid out by matplotlib while it is saved
        charts.add_source(fig)
        charts.demo_watermark(fig)
    return fig


def test_finish_fixes_the_layout_to_the_same_pixels():
    import io

    fixed, live = _small_multiples(True), _small_multiples(False)
    assert fixed.get_layout_engine() is None  # so saving draws the figure once
    assert live.get_layout_engine() is not None
    pngs = []
    for fig in (fixed, live):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        pngs.append(buf.getvalue())
        matplotlib.pyplot.close(fig)
    assert pngs[0] == pngs[1]
    # the layout moved the panels away from matplotlib's default subplot positions
    assert fixed.axes[0].get_position().x0 != matplotlib.rcParams["figure.subplot.left"]


def test_fix_layout_leaves_figures_without_an_engine_alone():
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    plain = matplotlib.figure.Figure(layout="none")
    ax = plain.add_subplot()
    before = ax.get_position().bounds
    charts.fix_layout(plain)
    assert plain.get_layout_engine() is None and ax.get_position().bounds == before
    switched_off = matplotlib.figure.Figure(layout="constrained")
    switched_off.add_subplot()
    switched_off.set_layout_engine("none")  # matplotlib keeps a placeholder engine
    charts.fix_layout(switched_off)
    assert isinstance(switched_off.get_layout_engine(), PlaceHolderLayoutEngine)
    assert matplotlib.rcParams["figure.constrained_layout.use"]  # the house style is unchanged
