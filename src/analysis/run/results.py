"""What a run reads from an executed notebook: the first failed cell and its error, the report's title
(from the title block :func:`analysis.present.report.header` displayed), and the :class:`Result` of
one report that the index and ``run.json`` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------- results

NOT_POSSIBLE = "not_possible"


@dataclass
class Result:
    notebook: str
    municipality: str
    code: str
    folder: str  # relative to the period folder
    status: str  # "ok" | "failed" | "not_possible" (its tables are not in the data: not run, see NOT_POSSIBLE)
    seconds: float
    title: str = ""
    cell: int | None = None
    execution_count: int | None = None
    error: str = ""
    files: dict = field(default_factory=dict)  # kind -> path relative to the period folder
    run_started: str = ""
    missing_tables: list[str] = field(default_factory=list)  # not_possible: the tables the data lacks
    note_da: str = ""  # what the index says about the report's status, in Danish (not_possible: what is missing)
    kernel: str = ""  # the kernel it ran in: "forked" (Linux), "new", or "reused" (the previous notebook's, reset)

    @property
    def key(self) -> tuple[str, str]:
        return (self.folder, self.notebook)

    def summary_line(self) -> str:
        if self.status == NOT_POSSIBLE:
            return f"{self.folder}/{self.notebook}: {self.error}"
        where = f"cell {self.cell}" if self.cell else "before the first cell"
        if self.execution_count:
            where += f" (In [{self.execution_count}])"
        return f"{self.folder}/{self.notebook}: {where}: {self.error or 'failed'}"


def not_possible(notebook: str, area, missing: list[str], source: str, run_started: str, title: str = "") -> Result:
    """The result of a report that cannot be made from the data (``missing`` tables), with how to get them."""
    from analysis.run.plan import how_to_get, needs_of

    en, da = how_to_get(missing, source)
    tables = ", ".join(missing)
    plural = len(missing) > 1
    needs = needs_of(notebook, source)
    either = plural and not set(missing) & set(needs.all_of)  # only the any_of tables: one of them would do
    return Result(
        notebook=notebook, municipality=area.name, code=area.code, folder=area.slug, status=NOT_POSSIBLE,
        seconds=0.0, title=title or notebook.replace("_", " ").capitalize(), run_started=run_started,
        error=f"not possible with the {source} data: table{'s' if plural else ''} {tables} "
              f"{'are' if plural else 'is'} missing{' (any one of them would do)' if either else ''}; {en}",
        missing_tables=list(missing),
        note_da=f"{'Tabellerne' if plural else 'Tabellen'} {tables} mangler"
                f"{' (én af dem er nok)' if either else ''}; {da}.",
    )


# ----------------------------------------------------------------------------- notebook inspection


def find_failure(nb) -> tuple[int | None, int | None, str] | None:
    """(cell number, execution count, the error's last line) of the first failed cell, or None.

    The cell number counts the notebook's own cells from 1 (Papermill's injected-parameters and
    error-marker cells are not counted).
    """
    number = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or cell.get("id") == "papermill-error-cell" or (
            cell.cell_type == "markdown" and "papermill-error-cell-tag" in tags
        ):
            continue
        number += 1
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ").strip()
                return number, cell.get("execution_count"), one_line(line)
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm.get("exception"):
            return number, cell.get("execution_count"), "the cell did not finish (kernel died or timed out)"
    return None


def last_sent_cell(nb, sent: list[str]) -> tuple[int | None, int | None]:
    """(cell number, execution count) of the cell of notebook ``nb`` whose code was the last of ``sent`` to its
    kernel (numbered as :func:`find_failure` does): where a kernel that died was working. Papermill's injected
    parameters, sent after the ``parameters`` cell, are not a cell of ``nb`` and are skipped."""
    found: tuple[int | None, int | None] = (None, None)
    at = 0
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue  # never sent (nbclient skips them)
        while at < len(sent) and sent[at] != cell.source:
            at += 1
        if at == len(sent):
            break
        at += 1
        found = (number, at)
    return found


def kernel_death(exit_code: int) -> str:
    """What a report says about a kernel that ended by itself with ``exit_code`` (negative: killed by a signal)."""
    if exit_code < 0:
        number = -exit_code
        if number == 9:  # SIGKILL: in a batch almost always the out-of-memory killer
            return "kernen døde (signal 9, formentlig hukommelse)"
        return f"kernen døde (signal {number})"
    return f"kernen døde (afslutningskode {exit_code})"


def one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_meta(nb) -> dict:
    """The metadata of the report.header() output, if the notebook displayed one."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = output.get("metadata", {}).get("analysis")
            if isinstance(meta, dict) and meta.get("role") == "header":
                return meta
    return {}


def notebook_title(nb, fallback: str) -> str:
    meta = header_meta(nb)
    if meta.get("title"):
        return str(meta["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback.replace("_", " ").capitalize()
