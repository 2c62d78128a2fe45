"""The HTML fragments a report is made of, rendered from the Jinja templates in
``bibanalyse/templates/fragments/``.

A :class:`Fragment` is what a notebook cell displays: HTML, with the report's title in its
display metadata where it heads a report (nbconvert's export takes the page title from it).
Templates escape every value (autoescape); only HTML made here (staff Markdown through
:func:`bibanalyse.report.render_markdown`) is passed as :class:`markupsafe.Markup`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import jinja2

from bibanalyse import formatting as fmt

TEMPLATES = "templates/fragments"
COMBINED = "gebundeld"
"""The variant of a fragment for the combined report (its links point inside the document)."""


@dataclass(frozen=True)
class Fragment:
    """Rendered HTML and its display metadata; shown as HTML in a notebook.

    ``variants`` holds the same fragment rendered for another export, by name (the combined
    report's links point inside the document; see ``bibanalyse.export``).
    """

    html: str
    title: str | None = None
    variants: dict[str, str] = field(default_factory=dict)

    def _repr_mimebundle_(self, include=None, exclude=None):
        metadata = {}
        if self.title:
            metadata["title"] = self.title
        if self.variants:
            metadata["bibanalyse"] = {"variants": dict(self.variants)}
        return {"text/html": self.html}, metadata

    def __str__(self) -> str:
        return self.html


def render(template: str, **context) -> str:
    """The template ``<template>.html.j2`` rendered with ``context``."""
    return _environment().get_template(f"{template}.html.j2").render(**context).strip()


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bibanalyse", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    environment.filters["dutch_date"] = fmt.date
    environment.globals["zip"] = zip
    return environment
