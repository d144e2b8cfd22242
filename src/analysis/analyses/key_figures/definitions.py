"""The committee's quarterly key figures: what each is and where it comes from (:data:`FIGURES`).

- helårspersoner on kontanthjælp, aktivitetsparate (Y36A02, full-time persons), and of those
  on the benefit for over two years (durations "2-3 år" + "Over 3 år");
- aktivitetsparate with ordinary paid hours (OTIJ01: persons, and the share of the group);
- the shares of the population 16-66 on A-dagpenge (Y01A02) and on sygedagpenge (Y07A02);
- the share of sygedagpenge recipients in partial sick-leave return (delvis raskmelding,
  Y07A02: persons in delvis raskmelding / persons on sygedagpenge);
- partnership agreements and adult apprenticeships from the jobcentre's own file
  (:mod:`analysis.sources.local.local_key_figures`).

On Statistics Denmark's StatBank (``--source dst``) none of these is in the source (AUK01 has neither
the population shares, the visitation categories, ordinary hours nor partial sick-leave); the report
then shows :data:`STATBANK_FIGURES`, the full-time recipients of the target groups AUK01 covers
(``config/statbank_groups.yaml``), and lists the committee's figures as "ikke i denne kilde".
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.analyses import trends
from analysis.sources.local import local_key_figures


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label_da: str
    unit: str  # "helårspersoner" | "personer" | "pct" | "antal"
    better: str  # "lower" | "higher"
    kind: str = "jobindsats"  # | "local"
    table: str | None = None
    measure: str | None = None  # the measure (numerator of a ratio)
    dims: tuple[tuple[str, str], ...] = ()
    sum_over: tuple[str, tuple[str, ...]] | None = None  # (dimension, values) summed
    denominator: str | None = None  # a ratio figure: measure / denominator * 100
    weight: str | None = None  # count behind a published percentage (for summed areas)
    compare: bool = False  # show the comparison area (shares compare areas of different size)
    match_target_group: str | None = None  # OTIJ01: the target_group containing this text
    description_da: str = ""
    decimals: int = 0  # shown decimals (population shares are small: two decimals)
    standalone_da: str = ""  # the label where it stands alone (notes, figure titles), if not label_da
    annual: str = "mean"  # a year's figure from its quarters: "mean" (levels, shares) or "sum" (counts in the quarter)

    @property
    def title_da(self) -> str:
        return self.standalone_da or self.label_da


_AKT = (("category", "Aktivitetsparat"),)
FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure(
        "kh_aktivitetsparate_helaarspersoner", "Helårspersoner på kontanthjælp (aktivitetsparate)", "helårspersoner",
        "lower", table="Y36A02", measure="fulltime_persons", dims=_AKT + (("duration", "Varighed i alt"),),
        description_da="Gennemsnit af kvartalets tre måneders fuldtidspersoner.",
    ),
    KeyFigure(
        "kh_aktivitetsparate_over_2_aar", "heraf på kontanthjælp i over to år", "helårspersoner", "lower",
        table="Y36A02", measure="fulltime_persons", dims=_AKT, sum_over=("duration", trends.OVER_2_YEARS),
        description_da="Varighed 2-3 år og over 3 år.",
        standalone_da="Aktivitetsparate på kontanthjælp i over to år (helårspersoner)",
    ),
    KeyFigure(
        "aktivitetsparate_med_loentimer", "Aktivitetsparate med ordinære løntimer", "personer", "higher",
        table="OTIJ01", measure="persons_with_hours", match_target_group="aktivitetsparat",
        description_da="Personer med ordinære løntimer, gennemsnit pr. måned.",
    ),
    KeyFigure(
        "aktivitetsparate_andel_loentimer", "Andel aktivitetsparate med ordinære løntimer", "pct", "higher",
        table="OTIJ01", measure="share_with_hours_pct", weight="persons_with_hours", match_target_group="aktivitetsparat",
        compare=True, decimals=1,
    ),
    KeyFigure(
        "andel_a_dagpenge", "Andel af 16-66-årige på a-dagpenge", "pct", "lower", table="Y01A02",
        measure="pct_population", weight="fulltime_persons", compare=True, decimals=2, description_da="Fuldtidspersoner.",
    ),
    KeyFigure(
        "andel_sygedagpenge", "Andel af 16-66-årige på sygedagpenge", "pct", "lower", table="Y07A02",
        measure="pct_population", weight="fulltime_persons", compare=True, decimals=2, description_da="Fuldtidspersoner.",
    ),
    KeyFigure(
        "andel_delvis_raskmelding", "Andel sygedagpengemodtagere i delvis raskmelding", "pct", "higher",
        table="Y07A02", measure="partial_return_persons", denominator="persons", compare=True, decimals=1,
    ),
    KeyFigure("partnerskabsaftaler", local_key_figures.LABELS_DA["partnerskabsaftaler"], "antal", "higher", kind="local"),
    KeyFigure(
        "personer_via_partnerskabsaftaler", local_key_figures.LABELS_DA["personer_via_partnerskabsaftaler"], "personer",
        "higher", kind="local", annual="sum",
    ),
    KeyFigure("voksenlaerlinge", local_key_figures.LABELS_DA["voksenlaerlinge"], "personer", "higher", kind="local",
              annual="sum"),
)

#: The key figures on StatBank's AUK01 (``kind="statbank"``): full-time recipients in the quarter of a group of
#: config/statbank_groups.yaml (``dims``: the group's key), already quarterly, for the municipality only.
STATBANK_FIGURES: tuple[KeyFigure, ...] = tuple(
    KeyFigure(f"dst_{group}", label, "helårspersoner", "lower", kind="statbank", table="AUK01",
              measure="fulltime_persons", dims=(("statbank_group", group),),
              description_da="Fuldtidsmodtagere i kvartalet (Danmarks Statistik, AUK01).")
    for group, label in (
        ("a_dagpenge", "Fuldtidsmodtagere af a-dagpenge (forsikrede ledige)"),
        ("sygedagpenge", "Fuldtidsmodtagere af sygedagpenge"),
        ("kontanthjaelp", "Nettoledige kontanthjælpsmodtagere (fuldtidsmodtagere)"),
        ("offentligt_forsoergede", "Offentligt forsørgede i alt uden SU (fuldtidsmodtagere)"),
    )
)
FIGURE_KEYS = {f.key: f for f in (*FIGURES, *STATBANK_FIGURES)}
