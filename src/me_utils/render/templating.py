"""The Jinja2 templates of the HTML built outside nbconvert: the reports index, the
illustrative-data banner and the provenance footer (``templates/html/``, shipped as package
data; the report page itself is nbconvert's ``templates/me_report``).

Autoescape is on for every template: a value passed in (a unit name, an error message, a
parameter) is escaped wherever it lands; only a value wrapped in :class:`markupsafe.Markup`
(an HTML fragment rendered by another template, a stylesheet of ours) goes in as is.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

#: Folder of the templates and stylesheets of this module.
HTML_TEMPLATES = Path(__file__).resolve().parent / "templates" / "html"


@functools.cache
def environment() -> jinja2.Environment:
    """One Jinja2 environment per process (loading it parses nothing; templates are compiled
    on first use and cached by Jinja). Block tags on a line of their own leave no blank line
    (``trim_blocks``, ``lstrip_blocks``); an undefined name is an error, not an empty string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HTML_TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **context) -> str:
    """Render the template ``name`` of ``templates/html/`` with ``context``; returns the HTML text."""
    return environment().get_template(name).render(**context)


def stylesheet(name: str) -> Markup:
    """The CSS file ``name`` of ``templates/html/``, marked safe to inline in a ``<style>``."""
    return Markup((HTML_TEMPLATES / name).read_text(encoding="utf-8"))
