"""The stylesheet and the Jinja2 templates of the HTML the reports and the index page are made of.

- :func:`stylesheet` — the one stylesheet (``templates/analysis.css``) with the house colours of
  :mod:`analysis.present.palette` as CSS custom properties in front; every HTML page embeds it
  (pages are self-contained: they open offline, e.g. from an e-mail attachment).
- :func:`inline` — the declarations of one single-class rule of that stylesheet, with the custom
  properties resolved, for a ``style`` attribute: report blocks are shown in JupyterLab too,
  which does not load the stylesheet.
- :func:`page_rules` — the ``@page`` rules of one page (its title and the page numbers in the footer,
  the demo label in the header of every printed page), put after the stylesheet;
- :func:`render` — a template from ``templates/`` (autoescaped) with :func:`inline` as ``style``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.present import TEMPLATE_DIR, palette

STYLESHEET = TEMPLATE_DIR / "analysis.css"

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_VAR = re.compile(r"var\(--([\w-]+)\)")
_SINGLE_CLASS = re.compile(r"^\.([\w-]+)$")


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The page stylesheet: ``:root`` with the palette's ``--c-*`` properties, then ``analysis.css``
    without its comments (they are for the developer, not for every page)."""
    css = _COMMENT.sub("", STYLESHEET.read_text(encoding="utf-8")).strip()
    return palette.css_variables() + "\n" + re.sub(r"\n\s*\n+", "\n", css)


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, str], dict[str, str]]:
    """({custom property: value}, {single class: declarations}) of the stylesheet (``@media`` blocks left out)."""
    text = stylesheet()
    text = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", text)
    variables: dict[str, str] = {}
    classes: dict[str, str] = {}
    for selectors, body in _RULE.findall(text):
        declarations = " ".join(body.split())
        for selector in (s.strip() for s in selectors.split(",")):
            if selector == ":root":
                for name, value in re.findall(r"--([\w-]+)\s*:\s*([^;]+);", declarations):
                    variables[name] = value.strip()
            elif m := _SINGLE_CLASS.match(selector):
                classes[m.group(1)] = (classes.get(m.group(1), "") + " " + declarations).strip()
    return variables, classes


@lru_cache(maxsize=256)
def inline(*classes: str) -> str:
    """The declarations of ``.class`` rules of the stylesheet, variables resolved (for ``style="..."``).

    Raises KeyError for a class the stylesheet has no single-class rule for.
    """
    variables, rules = _rules()
    missing = [c for c in classes if c not in rules]
    if missing:
        raise KeyError(f"no rule .{missing[0]} in {STYLESHEET.name}")
    text = "".join(rules[c].replace("; ", ";") for c in classes)
    for _ in range(3):  # variables may name variables
        text = _VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), text)
    return text.replace(": ", ":")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that is safe inside an HTML ``<style>`` element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;–-()/'" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


_MARGIN_FONT = 'font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif;'  # margin boxes do not inherit the page's


def page_rules(title: str, demo_text: str = "") -> str:
    """The ``@page`` margin boxes of one printed page: ``title`` bottom left, "Side n af m" bottom right
    and, for demo data, ``demo_text`` at the top of every page (browsers without margin boxes leave
    them out and print their own header and footer)."""
    boxes = [
        f"@bottom-left {{ content: {css_string(title)}; {_MARGIN_FONT} font-size: 8pt; }}",
        f'@bottom-right {{ content: "Side " counter(page) " af " counter(pages); {_MARGIN_FONT} font-size: 8pt; }}',
    ]
    if demo_text:
        boxes.append(f"@top-center {{ content: {css_string(demo_text.upper())}; {_MARGIN_FONT} font-size: 9pt; "
                     "font-weight: 700; }")
    return "@page { " + " ".join(boxes) + " }"


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of ``templates/`` (HTML autoescaped)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates are package files: no stat() per render
    )
    env.globals["style"] = inline
    env.globals["stylesheet"] = stylesheet
    env.globals["page_rules"] = page_rules
    return env


def render(name: str, **context) -> str:
    """Render the template ``templates/<name>`` with ``context``."""
    return environment().get_template(name).render(**context)


def compile_templates(*names: str) -> None:
    """Load and compile templates now (a module that renders them calls this when it is imported, so
    the kernel zygote, which imports it, hands every forked kernel the compiled templates)."""
    for name in names:
        environment().get_template(name)
