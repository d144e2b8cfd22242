"""Compose the status-note draft from the four analyses (see the package docstring)."""

from __future__ import annotations

from pathlib import Path

from analysis.analyses import benchmark, business_programs, key_figures, trends
from analysis.analyses.benchmark import rates
from analysis.core.errors import AnalysisError
from analysis.data import load
from analysis.present import report, word
from analysis.reference import geography, periods

TITLE_DA = "Status på strateginotat for beskæftigelsesområdet"
BASE_PERIOD = "2021M01"  # the base month of the strategy note (as the trends report's default)
HEADINGS_DA = {
    "intro": "Indledning",
    "benchmark": "Beskæftigelsesministeriets benchmark",
    "groups": "Målgrupperne",
    "business": "Virksomhedsrettet indsats",
    "key_figures": "Løbende opfølgning: nøgletal og mål",
    "conclusion": "Konklusion",
}
INTRO_DA = ("Indledning: skriv her om strateginotatets fokus og de prioriterede målgrupper. Tallene og "
            "sætningerne nedenfor er lavet af rapporterne og kan redigeres.")
CONCLUSION_DA = "Konklusion: skriv her en kort konklusion til udvalget."
DRAFT_DA = "Udkast lavet af analysis note til analytikerens redigering."
MISSING_DA = "Afsnittet »{heading}« kunne ikke laves ud fra data: {reason}"


def file_name(period: str) -> str:
    """``statusnotat_<period>.docx``."""
    return f"statusnotat_{period}.docx"


def _source_line(publisher: str = "Jobindsats") -> str:
    return f"Kilde: {publisher}"


def _benchmark(doc, name: str, period: str, area: str, source: str) -> None:
    y30 = benchmark.wide(load.load_table("Y30R21", source))
    rate_table = rates.load_rates("", {})
    setup = benchmark.check(y30, name, period, "", rate_table)
    last, first = setup.period, setup.first_period
    word.heading(doc, HEADINGS_DA["benchmark"], 2)
    word.paragraphs(doc, benchmark.leadership_sentences(y30, name, last, first, rate_table, comparison_area=area))
    history = benchmark.rank_history(y30, name, setup.periods)
    others = benchmark.comparison_ranks(y30, geography.members(area), setup.periods)
    word.figure(doc, benchmark.figure_rank_history(history, others, name, area, source),
                _source_line("Jobindsats, Beskæftigelsesministeriets benchmark (Y30R21)"))
    word.table(doc, history, benchmark.rank_history_spec(name, setup.periods))


def _target_groups(doc, name: str, period: str, area: str, source: str) -> None:
    analysis = trends.analyse(name, area, period, BASE_PERIOD, source, "", exclude_municipality=True)
    word.heading(doc, HEADINGS_DA["groups"], 1)
    word.paragraphs(doc, analysis.notes)
    for group in analysis.groups:
        sentences = trends.change_sentences(analysis.changes, analysis.municipality, analysis.comparison_area, [group])
        if sentences:
            word.heading(doc, group.name_da, 2)
            word.paragraphs(doc, sentences)
    word.figure(doc, trends.figure_index(analysis, source), _source_line())
    word.table(doc, analysis.changes, trends.changes_spec(analysis))


def _business(doc, name: str, period: str, area: str, source: str) -> None:
    setup = business_programs.setup(name, period, area, source)
    vol = business_programs.volume(setup, source)
    vol_summary = business_programs.volume_summary(vol, setup)
    split = business_programs.sector_split(setup, source)
    after = business_programs.employment_after(setup, source)
    compare = business_programs.compare_with_country(after, setup)
    hours_summary = business_programs.paid_hours_summary(business_programs.paid_hours(setup, source), setup)
    place_table = business_programs.placement_table(business_programs.placement(setup, source), setup)
    word.heading(doc, HEADINGS_DA["business"], 1)
    word.paragraphs(doc, setup.warnings)
    word.paragraphs(doc, business_programs.leadership_sentences(setup, vol_summary, split, compare, place_table,
                                                                hours_summary))
    word.figure(doc, business_programs.figure_volume(vol, setup, source), _source_line())
    word.table(doc, vol_summary, business_programs.volume_spec(setup, vol_summary))


def _key_figures(doc, name: str, period: str, area: str, source: str) -> None:
    quarter = key_figures.quarter_setup(name, period, area, source)
    data = key_figures.load_figures(quarter, source)
    values, history = key_figures.quarter_values(data)
    dash = key_figures.compare_with_targets(data, values, history, "")
    word.heading(doc, HEADINGS_DA["key_figures"], 1)
    word.paragraphs(doc, dash.notes)
    word.table(doc, dash.table, key_figures.table_spec(dash))
    if dash.table["target_assumed"].any():
        word.paragraphs(doc, [key_figures.ASSUMED_TARGETS_NOTE_DA])
    word.paragraphs(doc, key_figures.summary_sentences(dash))
    word.figure(doc, key_figures.figure_history(dash, source), _source_line("Jobindsats og jobcentrets egne tal"))


def _section(doc, key: str, make, name: str, period: str, area: str, source: str) -> None:
    """One section; when the data cannot make it (e.g. a real extract with only the benchmark table),
    what it had written is taken out again and a placeholder under its heading says why."""
    def blocks():  # the body's paragraphs and tables (python-docx adds them before the closing page settings)
        return [e for e in doc.element.body if not e.tag.endswith("}sectPr")]

    before = len(blocks())
    try:
        make(doc, name, period, area, source)
    except AnalysisError as exc:
        import matplotlib.pyplot as plt

        plt.close("all")
        for element in blocks()[before:]:
            doc.element.body.remove(element)
        word.heading(doc, HEADINGS_DA[key], 2 if key == "benchmark" else 1)
        word.placeholder(doc, MISSING_DA.format(heading=HEADINGS_DA[key], reason=exc))


def compose(municipality: str, period: str, source: str, comparison_area: str = ""):
    """The draft as a python-docx Document for ``municipality`` (name or code) and ``period`` (resolved
    code, e.g. ``2024Q2``) on ``source`` ("demo" or "real")."""
    source = load.resolve_source(source)
    name = geography.municipality(municipality).name
    area = geography.comparison_area(name, comparison_area or None)
    label = periods.parse_period(period).label_da
    demo_text = "" if source == "real" else f"{report.DEMO_TEXT} \u2013 tallene er opdigtede og må ikke bruges til beslutninger"
    doc = word.new_document(TITLE_DA, f"{name}, {label}", demo_text=demo_text)
    word.placeholder(doc, DRAFT_DA)
    word.heading(doc, HEADINGS_DA["intro"], 1)
    word.placeholder(doc, INTRO_DA)
    for key, section in (("benchmark", _benchmark), ("groups", _target_groups), ("business", _business),
                         ("key_figures", _key_figures)):
        _section(doc, key, section, name, period, area, source)
    word.heading(doc, HEADINGS_DA["conclusion"], 1)
    word.placeholder(doc, CONCLUSION_DA)
    return doc


def write(folder: str | Path, municipality: str, period: str, source: str, comparison_area: str = "") -> Path:
    """Write ``<folder>/statusnotat_<period>.docx`` (all at once) and return its path."""
    doc = compose(municipality, period, source, comparison_area)
    return word.save(doc, Path(folder) / file_name(period))
