"""The period's report as one PDF document, for the council and the municipality's archive.

``rapportage_<Gemeente>_<periode>.pdf`` is made by the run from the executed notebooks
themselves, like the combined HTML report (``export.combined_notebook``): the same cells, so an
analyst's change to a goal's cell shows here too. Only the title, the table of contents and
the notes on method come from the report model (:func:`front_matter`). The notebooks are
rendered with the PDF's own template (``templates/bibanalyse_pdf``, which extends the reports'
template and takes each figure as SVG) and typeset by WeasyPrint: A4, the overview on page 1,
a footer with "pagina N van M" on every page but the first, the contents with page numbers,
bookmarks for every ambition and goal, tagged as PDF/UA-1 with its title and language, fonts
embedded. Why WeasyPrint and not Chromium: ``docs/pdf.md``.

WeasyPrint is an optional part of an installation: it needs Debian's Pango. Without it
:func:`engine_missing` says what is missing and how to install it, and the run publishes
the HTML reports without a PDF.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from bibanalyse import __version__, suppression, verdicts
from bibanalyse import formatting as fmt
from bibanalyse.export import (
    PRINT_TEMPLATE_NAME,
    check_self_contained,
    combined_notebook,
    render_html,
)
from bibanalyse.files import write_atomically
from bibanalyse.wording import ESTIMATE_NOTE, VERDICT_MARKS, VERDICTS

__all__ = [
    "ENGINE",
    "INSTALL_HINT",
    "MAX_PDF_BYTES",
    "PDF_VARIANT",
    "Made",
    "document_html",
    "engine_missing",
    "engine_version",
    "front_matter",
    "write_pdf",
]

ENGINE = "WeasyPrint"
INSTALL_HINT = (
    "install it with `pip install weasyprint` (in the project's environment: "
    "`pip install -e .`) and Debian's Pango and fonts: "
    "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core`"
)
PDF_VARIANT = "pdf/ua-1"  # tagged, with title, language and an outline: PDF/UA
MAX_PDF_BYTES = 5_000_000  # like an HTML report: what an e-mail attachment may cost
NOTES_TARGET = "methode"
CONTENTS_OVERVIEW = "Overzicht"
CONTENTS_NOTES = "Toelichting op de methode"


@dataclass(frozen=True)
class Made:
    """A PDF written: where, and its number of pages."""

    path: Path
    pages: int


@functools.cache
def engine_missing() -> str | None:
    """Why no PDF can be made here, with how to install what is missing; None when it can.

    WeasyPrint raises OSError on import where Pango is missing, ImportError where the package
    itself is."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return f"{ENGINE} is not installed; {INSTALL_HINT}"
    except OSError as error:
        return f"{ENGINE} cannot load Pango ({error}); {INSTALL_HINT}"
    return None


def engine_version() -> str:
    import weasyprint

    return f"{ENGINE} {weasyprint.__version__}"


def front_matter(report) -> dict:
    """What the PDF's template needs from the report model (a :class:`report.Report`): the
    title block, the contents (every ambition and its goals, with the id each has in the
    document), the footer's text and the facts of the notes on method."""
    from bibanalyse.report import first_sentence, goal_anchor
    from bibanalyse.runner import OVERVIEW

    period, agreement = report.period, report.agreement
    footer = f"Prestatieafspraken {report.municipality} · {period.dutch_label}"
    contents = [{"target": OVERVIEW, "text": CONTENTS_OVERVIEW, "goals": []}]
    for ambition in agreement.ambitions:
        goals = [
            {"target": goal_anchor(goal), "text": f"{goal.id} {first_sentence(goal.text)}"}
            for goal in ambition.goals
        ]
        text = f"Ambitie {ambition.number}: {ambition.short_name}"
        contents.append({"target": ambition.slug, "text": text, "goals": goals})
    contents.append({"target": NOTES_TARGET, "text": CONTENTS_NOTES, "goals": []})
    return {
        "organisation": "Bibliotheek Zuid-Kennemerland",
        "title": f"Prestatieafspraken {report.municipality}",
        "subtitle": f"Rapportage over het {period.dutch_label}",
        "footer_css": css_string(footer),
        "contents": contents,
        "notes_target": NOTES_TARGET,
        "notes_title": CONTENTS_NOTES,
        "period": f"het {period.dutch_label}",
        "first_day": fmt.date(period.first_day),
        "last_day": fmt.date(period.last_day),
        "previous": period.previous().dutch_label,
        "year_earlier": period.year_earlier().dutch_label,
        "rise_margin": fmt.percentage(verdicts.RISE_MARGIN),
        "stable_margin": fmt.percentage(verdicts.STABLE_MARGIN),
        "swing_minimum": str(verdicts.USUAL_SWING_MINIMUM),
        "verdicts": [(kind, VERDICT_MARKS[kind], label) for kind, label in VERDICTS.items()],
        "estimate_note": ESTIMATE_NOTE,
        "threshold": str(suppression.DEFAULT_THRESHOLD),
        "source": (
            f"{agreement.title} ({agreement.source}). Gemaakt op "
            f"{fmt.date(dt.date.today())} met bibanalyse {__version__}."
        ),
    }


def document_html(
    parts: Sequence[tuple[str, nbformat.NotebookNode]], front: dict, *, title: str
) -> str:
    """The PDF's HTML: the executed notebooks ``parts`` (name, notebook; the overview first)
    as in the combined report, rendered with the PDF's template around ``front``
    (:func:`front_matter`)."""
    notebook = combined_notebook(parts)
    return render_html(
        notebook, title=title, template=PRINT_TEMPLATE_NAME, resources={"document": front}
    )


def write_pdf(html: str, out: Path) -> Made:
    """Typeset ``html`` (:func:`document_html`) as a PDF/UA-1 document to ``out``, written
    atomically. Nothing is fetched: like a report, ``html`` must pass
    ``export.check_self_contained`` (every figure a ``data:`` URI). Raises RuntimeError when
    the engine is missing, ValueError when ``html`` is not self-contained or the PDF is
    larger than MAX_PDF_BYTES."""
    if reason := engine_missing():
        raise RuntimeError(reason)
    if problems := check_self_contained(html, max_bytes=None):
        raise ValueError(f"{Path(out).name}: the document is not self-contained: {problems}")
    from weasyprint import HTML

    document = HTML(string=html).render()
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    if len(data) > MAX_PDF_BYTES:
        raise ValueError(
            f"{Path(out).name}: {len(data):,} bytes, more than the {MAX_PDF_BYTES:,} allowed"
        )
    write_atomically(Path(out), data)
    return Made(Path(out), len(document.pages))


def css_string(text: str) -> str:
    """``text`` for inside a double-quoted CSS string in a ``<style>`` element: quotes,
    backslashes, ``<`` and control characters as CSS escapes.

    >>> print(css_string('Zuid "K" </style>'))
    Zuid \\22 K\\22  \\3c /style>
    """
    escaped = []
    for char in text:
        if char in '"\\<' or ord(char) < 0x20:
            escaped.append(f"\\{ord(char):x} ")
        else:
            escaped.append(char)
    return "".join(escaped)
