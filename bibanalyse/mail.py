"""Mail a period's published reports: one message with every report attached, for the
municipality.

The message holds a short Dutch text with the headline figures of the period (from
``indicatoren.csv``) and, as attachments, the overview and the ambition reports exactly as
published (the same bytes), one combined HTML document of all of them for readers who want
a single file, and ``indicatoren.csv``. It is written to an ``.eml`` file for the analyst to
open in a mail program, or sent over SMTP.

Only a complete published run is mailed: a period whose last run failed, or whose folder
lacks a report, its indicator table or its manifest, raises :class:`IncompleteRunError`.

The SMTP password comes only from the environment variable ``BIBANALYSE_SMTP_PASSWORD``; it
is never logged, printed or written, and it is sent only over STARTTLS (or to a server on
this machine).
"""

from __future__ import annotations

import csv
import html
import ipaddress
import json
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from html.parser import HTMLParser
from pathlib import Path

from bibanalyse import formatting as fmt
from bibanalyse.agreements import agreement_for
from bibanalyse.config import SMTP_PASSWORD_ENV, Settings
from bibanalyse.export import MAX_HTML_BYTES, check_self_contained
from bibanalyse.files import write_atomically
from bibanalyse.periods import Period
from bibanalyse.runner import (
    FAILED_SUFFIX,
    INDICATOR_FILE,
    MANIFEST_FILE,
    OVERVIEW,
    period_folder,
)
from bibanalyse.wording import INDICATOR_LABELS, VERDICTS

__all__ = [
    "MAX_MESSAGE_BYTES",
    "IncompleteRunError",
    "MailError",
    "PublishedRun",
    "build_message",
    "combined_html",
    "combined_name",
    "message_size",
    "message_text",
    "published_run",
    "send_message",
    "size_warning",
    "write_eml",
]

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 10_000_000  # 10 MB on the wire: what many mail servers still accept
SMTP_TIMEOUT = 60  # seconds
SIGNATURE = "Bibliotheek Zuid-Kennemerland"
INDICATOR_COLUMNS = frozenset(
    {"periode", "afspraak", "indicator", "waarde", "vorige_periode", "vorig_jaar"}
    | {"ondergrens", "bovengrens", "eenheid", "verandering"}
)
# Headline figures of the message: municipality-wide totals, each in the table once.
HEADLINE_INDICATORS = (
    "uitleningen",
    "actieve_leners",
    "leden_eind",
    "jeugdleden_eind",
    "bezoekers_geschat",
)
_SMALL_COUNT = 10  # jeugdleden are people counted by age: 1-9 reads "<10", as in the reports
_PERSONAL_COUNTS = frozenset({"jeugdleden_begin", "jeugdleden_eind"})


class IncompleteRunError(ValueError):
    """The period's reports are not (completely) published: nothing to mail."""


class MailError(RuntimeError):
    """The mail server could not be reached, refused the login or refused the message."""


@dataclass(frozen=True)
class PublishedRun:
    """A complete published run: the reports in reading order (overview first), the
    indicator table and the manifest's warnings."""

    folder: Path
    municipality: str
    period: Period
    reports: tuple[Path, ...]
    indicators: Path
    warnings: tuple[str, ...] = ()


# -- the published run -----------------------------------------------------------------------


def published_run(folder: Path) -> PublishedRun:
    """The complete published run in ``folder`` (``reports/<Gemeente>/<periode>``).

    Raises IncompleteRunError when the folder does not exist, when the last run of the
    period failed (a ``<periode>.failed`` folder newer than the published one, or without
    one), when ``manifest.json`` is missing or unreadable, or when the overview, an
    ambition report of the agreement, a report the manifest names or ``indicatoren.csv``
    is missing or empty.
    """
    folder = Path(folder)
    failed = folder.with_name(folder.name + FAILED_SUFFIX)
    label = folder.name
    if not folder.is_dir():
        if failed.is_dir():
            raise IncompleteRunError(
                f"the last run of {label} failed and published nothing: its notebooks are in "
                f"{failed}; fix the run and run {label} again"
            )
        raise IncompleteRunError(
            f"{folder}: no published reports for {label}; run `bibanalyse run --period "
            f"{label}` first"
        )
    if failed.is_dir() and _last_change(failed) >= _last_change(folder / MANIFEST_FILE, folder):
        raise IncompleteRunError(
            f"the last run of {label} failed: {failed} is newer than the published reports "
            f"in {folder}; run {label} again, or remove {failed.name} to mail the earlier "
            "reports"
        )
    manifest = _read_manifest(folder)
    parameters = manifest.get("parameters")
    if not isinstance(parameters, dict) or not all(
        isinstance(parameters.get(key), str) for key in ("period", "municipality")
    ):
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: no period and municipality")
    try:
        period = Period.parse(parameters["period"])
    except ValueError as error:
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: {error}") from error
    municipality = parameters["municipality"]
    if period.label != label or municipality.casefold() != folder.parent.name.casefold():
        raise IncompleteRunError(
            f"{folder / MANIFEST_FILE} describes {municipality} {period.label}, not the "
            f"folder it is in ({folder.parent.name}/{label})"
        )
    agreement = agreement_for(municipality, period)
    names = [OVERVIEW] + [ambition.slug for ambition in agreement.ambitions]
    names += [name for name in _manifest_reports(manifest, folder) if name not in names]
    reports = tuple(folder / f"{name}.html" for name in names)
    missing = [path.name for path in (*reports, folder / INDICATOR_FILE) if not _non_empty(path)]
    if missing:
        raise IncompleteRunError(
            f"{folder} is incomplete: {', '.join(missing)} missing or empty; run {label} again"
        )
    warnings = manifest.get("warnings") or []
    return PublishedRun(
        folder=folder,
        municipality=municipality,
        period=period,
        reports=reports,
        indicators=folder / INDICATOR_FILE,
        warnings=tuple(str(warning) for warning in warnings),
    )


def combined_name(run: PublishedRun) -> str:
    """The file name of the combined report: ``rapportage_<Gemeente>_<periode>.html``."""
    municipality = re.sub(r"[^\w-]+", "_", run.municipality).strip("_")
    return f"rapportage_{municipality}_{run.period.label}.html"


def _last_change(*paths: Path) -> float:
    """The latest modification time of the first existing path and what it holds directly."""
    for path in paths:
        if path.exists():
            times = [path.stat().st_mtime]
            if path.is_dir():
                times += [child.stat().st_mtime for child in path.iterdir()]
            return max(times)
    return 0.0


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise IncompleteRunError(f"{folder} is incomplete: {MANIFEST_FILE} is missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IncompleteRunError(f"{path}: unreadable: {error}") from error
    if not isinstance(manifest, dict):
        raise IncompleteRunError(f"{path}: unreadable: not a JSON object")
    return manifest


def _manifest_reports(manifest: dict, folder: Path) -> list[str]:
    """The reports the manifest names: one HTML per notebook run."""
    notebooks = manifest.get("notebooks")
    if not isinstance(notebooks, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("path"), str) for entry in notebooks
    ):
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: unreadable: no list of notebooks")
    return [Path(entry["path"]).stem for entry in notebooks]


def _non_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


# -- the combined report ---------------------------------------------------------------------

_EXTRA_STYLE = """
<style>
/* bibanalyse mail: every report of the period in one file, each in its own section */
section.rapportdeel + section.rapportdeel {
  margin-top: 3rem; padding-top: 1.5rem; border-top: 4px solid #d4d4d4;
}
p.terug { margin-top: 2rem; font-size: .95rem; }
@media print {
  section.rapportdeel + section.rapportdeel {
    break-before: page; page-break-before: always; margin-top: 0; padding-top: 0; border-top: 0;
  }
  p.terug { display: none; }
}
</style>
"""
_LINKING = ("href", "xlink:href")
_ID_REFERENCES = (
    "for",
    "headers",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
)
_REPORT_LINK = re.compile(r"(?:\./)?(?P<name>[^/?#]+)\.html(?:#(?P<fragment>.*))?", re.DOTALL)
_SIZE_PROBLEM = re.compile(r"[0-9,]+ bytes, more than the [0-9,]+ allowed")


def combined_html(folder: Path) -> str:
    """The period's reports in ``folder`` as one self-contained HTML document.

    The overview comes first, then each ambition report, each in a ``<section>`` whose id is
    the report's name (``1_leesplezier``), starting on a new page when printed. Links
    between the reports point inside the document: ``1_leesplezier.html#doel-1-1`` becomes
    ``#doel-1-1`` and ``1_leesplezier.html`` becomes ``#1_leesplezier``; an id used by an
    earlier report is renamed ``<report>-<id>`` along with the links to it. The document
    has the ``<head>`` (and stylesheet) of the overview with its own title.

    Raises IncompleteRunError as :func:`published_run` does, and ValueError when the result
    is not self-contained (``check_self_contained``; its size limit is for single reports
    and does not apply here).
    """
    run = published_run(folder)
    texts = {path.stem: _decode(path, path.read_bytes()) for path in run.reports}
    return _combine(run, texts)


def _combine(run: PublishedRun, texts: dict[str, str]) -> str:
    documents = {name: _Document(name, text) for name, text in texts.items()}
    renamed = _rename_ids(documents)
    first = next(iter(documents.values()))
    title = f"Prestatieafspraken {run.municipality} \u2013 {run.period.dutch_label}"
    head = first.head_with_title(f"<title>{html.escape(title)}</title>") + _EXTRA_STYLE
    sections = []
    for name, document in documents.items():
        back = (
            ""
            if document is first
            else f'<p class="terug"><a href="#{first.name}">Terug naar het overzicht</a></p>\n'
        )
        sections.append(
            f'<section id="{html.escape(name)}" class="rapportdeel">\n'
            f"{document.rewritten_body(renamed)}\n{back}</section>\n"
        )
    combined = (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>'
        f'{head}</head>\n<body>\n<main class="gebundeld">\n{"".join(sections)}'
        "</main>\n</body>\n</html>\n"
    )
    problems = check_self_contained(combined)
    if len(combined.encode("utf-8")) > MAX_HTML_BYTES:
        problems = [problem for problem in problems if not _SIZE_PROBLEM.fullmatch(problem)]
    if problems:
        raise ValueError(
            f"{combined_name(run)} would not be self-contained: " + "; ".join(problems)
        )
    return combined


def _rename_ids(documents: dict[str, _Document]) -> dict[str, dict[str, str]]:
    """Per report, its ids that an earlier report (or a section) already uses, renamed."""
    used = set(documents)
    renamed: dict[str, dict[str, str]] = {}
    for name, document in documents.items():
        own = set(document.ids)
        renamed[name] = {}
        for identifier in dict.fromkeys(document.ids):
            if identifier in used:
                new, number = f"{name}-{identifier}", 1
                while new in used or new in own:
                    number += 1
                    new = f"{name}-{identifier}-{number}"
                renamed[name][identifier] = new
                identifier = new
            used.add(identifier)
    return renamed


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text: {error}") from error


@dataclass
class _Tag:
    start: int
    end: int
    name: str
    attrs: list[tuple[str, str | None]]
    closed: bool  # written <tag/>


class _Document(HTMLParser):
    """One report's parts, as offsets into its text: the head, its title, the body, and
    the tags in the body (for rewriting), so that everything else is kept as written."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.text = text
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.head: tuple[int, int] | None = None
        self.title: tuple[int, int] | None = None
        self.body: tuple[int, int] | None = None
        self.tags: list[_Tag] = []
        self.main_ends: list[tuple[int, int]] = []
        self.ids: list[str] = []
        self._head_start = self._title_start = self._body_start = None
        self.feed(text)
        self.close()
        if self.head is None or self.body is None:
            raise ValueError(f"{name}.html: not a report: no <head> and <body>")

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs, *, closed: bool) -> None:
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if tag == "head" and self._head_start is None:
            self._head_start = end
        elif tag == "title" and self._title_start is None and self._body_start is None:
            self._title_start = start
        elif tag == "body" and self._body_start is None:
            self._body_start = end
        elif self._body_start is not None and self.body is None:
            self.tags.append(_Tag(start, end, tag, list(attrs), closed))
            self.ids += [value for key, value in attrs if key == "id" and value]

    def handle_endtag(self, tag) -> None:
        start = self._offset()
        end = self.text.find(">", start) + 1 or len(self.text)
        if tag == "head" and self._head_start is not None and self.head is None:
            self.head = (self._head_start, start)
        elif tag == "title" and self._title_start is not None and self.title is None:
            self.title = (self._title_start, end)
        elif tag == "body" and self._body_start is not None and self.body is None:
            self.body = (self._body_start, start)
        elif tag == "main" and self._body_start is not None and self.body is None:
            self.main_ends.append((start, end))

    def head_with_title(self, title: str) -> str:
        """The head's content with ``title`` (a ``<title>`` element) for its own."""
        start, end = self.head
        if self.title is None or not start <= self.title[0] < end:
            return f"\n{title}" + self.text[start:end]
        return self.text[start : self.title[0]] + title + self.text[self.title[1] : end]

    def rewritten_body(self, renamed: dict[str, dict[str, str]]) -> str:
        """The body's content with links between reports pointing inside the combined
        document, renamed ids, and its ``<main>`` a ``<div>`` (one main per document)."""
        start, end = self.body
        edits = [(a, b, "</div>") for a, b in self.main_ends]
        for tag in self.tags:
            attrs = [(key, self._rewrite(key, value, renamed)) for key, value in tag.attrs]
            if tag.name == "main" or attrs != tag.attrs:
                edits.append((tag.start, tag.end, _start_tag(tag, attrs)))
        pieces, position = [], start
        for edit_start, edit_end, replacement in sorted(edits):
            pieces += [self.text[position:edit_start], replacement]
            position = edit_end
        pieces.append(self.text[position:end])
        return "".join(pieces).strip("\n")

    def _rewrite(self, key: str, value: str | None, renamed) -> str | None:
        if value is None:
            return None
        own = renamed[self.name]
        if key == "id":
            return own.get(value, value)
        if key in _ID_REFERENCES:
            return " ".join(own.get(part, part) for part in value.split())
        if key not in _LINKING:
            return value
        if value.startswith("#"):
            return "#" + own.get(value[1:], value[1:]) if len(value) > 1 else value
        link = _REPORT_LINK.fullmatch(value.strip())
        if link is None or link["name"] not in renamed:
            return value
        if not link["fragment"]:
            return "#" + link["name"]
        return "#" + renamed[link["name"]].get(link["fragment"], link["fragment"])


def _start_tag(tag: _Tag, attrs: list[tuple[str, str | None]]) -> str:
    name = "div" if tag.name == "main" else tag.name
    parts = [name] + [
        key if value is None else f'{key}="{html.escape(value, quote=True)}"'
        for key, value in attrs
    ]
    return "<" + " ".join(parts) + ("/>" if tag.closed else ">")


# -- the message -----------------------------------------------------------------------------


def build_message(
    settings: Settings,
    period: Period | str,
    municipality: str,
    recipients: Sequence[str],
) -> EmailMessage:
    """The message with the period's published reports for ``recipients``.

    From is ``settings.smtp.sender``; the text is Dutch, with the headline figures of
    ``indicatoren.csv``; the attachments are the overview and the ambition reports (the
    files' own bytes), the combined report (:func:`combined_html`) and ``indicatoren.csv``.
    Raises IncompleteRunError when the period's run is not completely published, and
    ValueError for an address that is not one.
    """
    period = period if isinstance(period, Period) else Period.parse(period)
    if not isinstance(municipality, str) or not municipality.strip():
        raise ValueError(f"municipality must be a name, got {municipality!r}")
    recipients = _addresses(recipients)
    sender = settings.smtp.sender
    if not _is_address(sender):
        raise ValueError(f"the sender in the settings (smtp.sender) is not an address: {sender!r}")
    run = published_run(period_folder(settings, municipality, period))
    files = {path: path.read_bytes() for path in (*run.reports, run.indicators)}
    texts = {path.stem: _decode(path, files[path]) for path in run.reports}
    combined = _combine(run, texts)

    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = (
        f"Prestatieafspraken {run.municipality}: rapportage {run.period.dutch_label}"
    )
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    message["Content-Language"] = "nl"
    body = message_text(run, _indicator_rows(run), texts[OVERVIEW])
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    for path in run.reports:
        _attach(message, files[path], "html", path.name)
    _attach(message, combined.encode("utf-8"), "html", combined_name(run))
    _attach(message, files[run.indicators], "csv", run.indicators.name)
    return message


def message_text(run: PublishedRun, rows: list[dict], overview: str = "") -> str:
    """The Dutch text of the message: the period, the verdicts counted in the overview
    (``overview``, its HTML), the headline figures of ``rows`` (``indicatoren.csv``)
    compared with a year earlier, and the attachments. Paragraphs are single lines: mail
    programs wrap them to the reader's screen."""
    period = run.period
    paragraphs = [
        "Goedendag,",
        f"Bijgaand vindt u de rapportage over de prestatieafspraken tussen de gemeente "
        f"{run.municipality} en {SIGNATURE} over het {period.dutch_label} "
        f"({fmt.date(period.first_day)} tot en met {fmt.date(period.last_day)}).",
    ]
    if verdicts := _verdict_lines(overview):
        paragraphs.append(verdicts)
    if figures := _headline_lines(rows, period):
        earlier = period.year_earlier().dutch_label
        paragraphs.append(f"Kerncijfers, vergeleken met het {earlier}:\n" + "\n".join(figures))
    attachments = [f"{path.name}: {_describe(path.stem, run)}" for path in run.reports]
    attachments.append(f"{combined_name(run)}: alle rapporten hierboven in één bestand")
    attachments.append(
        f"{run.indicators.name}: alle cijfers als tabel, voor wie er zelf mee wil rekenen"
    )
    paragraphs.append("Bijlagen:\n" + "\n".join(f"- {line}" for line in attachments))
    paragraphs.append(
        "De rapporten openen in elke webbrowser, ook zonder internetverbinding. Begin bij het "
        "overzicht: elk doel daarin leidt naar de uitwerking in het rapport van de ambitie."
    )
    paragraphs.append(f"Met vriendelijke groet,\n\n{SIGNATURE}")
    return "\n\n".join(paragraphs) + "\n"


def message_size(message: EmailMessage) -> int:
    """The size of ``message`` in bytes as sent (CRLF line ends, attachments base64)."""
    return len(message.as_bytes(policy=policy.SMTP))


def size_warning(message: EmailMessage) -> str | None:
    """A warning when ``message`` is larger than MAX_MESSAGE_BYTES, else None."""
    size = message_size(message)
    if size <= MAX_MESSAGE_BYTES:
        return None
    return (
        f"the message is {size / 1e6:.1f} MB, more than the {MAX_MESSAGE_BYTES / 1e6:.0f} MB "
        "many mail servers accept: it may be refused or never arrive; consider sharing the "
        "reports another way"
    )


def write_eml(message: EmailMessage, path: Path) -> Path:
    """Write ``message`` to ``path`` (an ``.eml`` file a mail program opens), atomically."""
    return write_atomically(Path(path), message.as_bytes(policy=policy.SMTP))


def _attach(message: EmailMessage, data: bytes, subtype: str, filename: str) -> None:
    message.add_attachment(
        data,
        maintype="text",
        subtype=subtype,
        filename=filename,
        cte="base64",
        params={"charset": "utf-8"},
    )


def _indicator_rows(run: PublishedRun) -> list[dict]:
    """The rows of ``indicatoren.csv`` for the run's period, numbers as floats or None."""
    path = run.indicators
    try:
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            if missing := INDICATOR_COLUMNS - set(reader.fieldnames or ()):
                raise IncompleteRunError(f"{path}: columns missing: {', '.join(sorted(missing))}")
            rows = [row for row in reader if row["periode"] == run.period.label]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise IncompleteRunError(f"{path}: unreadable: {error}") from error
    numeric = ("waarde", "vorige_periode", "vorig_jaar", "ondergrens", "bovengrens")
    for row in rows:
        for key in numeric:
            row[key] = _float(row[key], path)
    return rows


def _float(text: str | None, path: Path) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError as error:
        raise IncompleteRunError(f"{path}: not a number: {text!r}") from error


def _headline_lines(rows: list[dict], period: Period) -> list[str]:
    first = {}
    for row in rows:
        first.setdefault(row["indicator"], row)
    lines = []
    for key in HEADLINE_INDICATORS:
        if (row := first.get(key)) is None or row["waarde"] is None:
            continue
        value, earlier = row["waarde"], row["vorig_jaar"]
        if key == "bezoekers_geschat":
            text = f"ca. {fmt.number(round(value, -2))}"
            if row["ondergrens"] is not None and row["bovengrens"] is not None:
                low, high = round(row["ondergrens"], -2), round(row["bovengrens"], -2)
                text += f" (95%-betrouwbaarheidsinterval {fmt.interval(low, high)})"
            if earlier is not None:
                text += f"; een jaar eerder ca. {fmt.number(round(earlier, -2))}"
        else:
            text = _count(key, value)
            if earlier is not None and not (key in _PERSONAL_COUNTS and earlier < _SMALL_COUNT):
                text += f" ({fmt.change(value, earlier)})"
        lines.append(f"- {_headline_label(key, period)}: {text}")
    return lines


def _headline_label(key: str, period: Period) -> str:
    """``Leden op 30 juni 2026`` for a count at the end, else the indicator's label.

    >>> _headline_label("leden_eind", Period(2026, 1)), _headline_label("uitleningen", None)
    ('Leden op 30 juni 2026', 'Uitleningen')
    """
    if key.endswith("_eind"):
        what = INDICATOR_LABELS[key.removesuffix("_eind") + "_begin"].split(" aan het ")[0]
        return f"{what} op {fmt.date(period.last_day)}"
    return INDICATOR_LABELS.get(key, key)


def _count(key: str, value: float) -> str:
    if key in _PERSONAL_COUNTS and 0 < value < _SMALL_COUNT:
        return f"<{_SMALL_COUNT}"
    return fmt.number(value)


_VERDICT_CELL = re.compile(r"""<td\b[^>]*\bclass=["']?oordeel (?P<kind>[a-z_]+)""")


def _verdict_lines(overview: str) -> str | None:
    """The verdicts in the overview's table, counted; None when it has none.

    >>> print(_verdict_lines('<td class="oordeel op_koers">.</td><td class="oordeel gelijk">'))
    Oordeel over de 2 doelen (zie het overzicht):
    - Op koers: 1
    - Gelijk gebleven: 1
    >>> _verdict_lines("<p>no table</p>") is None
    True
    """
    kinds = [match["kind"] for match in _VERDICT_CELL.finditer(overview)]
    counts = {kind: kinds.count(kind) for kind in VERDICTS if kind in kinds}
    if not counts or sum(counts.values()) != len(kinds):
        return None
    goals = "het doel" if len(kinds) == 1 else f"de {len(kinds)} doelen"
    lines = [f"- {VERDICTS[kind]}: {count}" for kind, count in counts.items()]
    return f"Oordeel over {goals} (zie het overzicht):\n" + "\n".join(lines)


def _describe(name: str, run: PublishedRun) -> str:
    if name == OVERVIEW:
        return "overzicht van alle doelen met hun kerncijfer en oordeel"
    for ambition in agreement_for(run.municipality, run.period).ambitions:
        if ambition.slug == name:
            return f"ambitie {ambition.number}, {ambition.short_name}"
    return "rapport"


def _addresses(recipients: Iterable[str]) -> list[str]:
    if isinstance(recipients, str):
        recipients = [recipients]
    addresses = list(recipients or [])
    if not addresses:
        raise ValueError("no recipients: give at least one address")
    for address in addresses:
        if not _is_address(address):
            raise ValueError(f"not an e-mail address: {address!r}")
    return addresses


def _is_address(text: object) -> bool:
    """``name@domain`` or ``Name <name@domain>``, on one line.

    >>> _is_address("Gemeente <info@heemstede.nl>"), _is_address("info"), _is_address("a@b\\nc")
    (True, False, False)
    """
    if not isinstance(text, str) or any(ord(char) < 32 for char in text):
        return False
    local, _, domain = parseaddr(text)[1].rpartition("@")
    return bool(local) and "." in domain and " " not in domain


# -- sending ---------------------------------------------------------------------------------


def send_message(
    message: EmailMessage, settings: Settings, *, ssl_context: ssl.SSLContext | None = None
) -> None:
    """Send ``message`` through the SMTP server of ``settings.smtp``.

    With ``starttls`` (the default) the connection is encrypted first, with
    ``ssl_context`` or else ``ssl.create_default_context()``. With a ``user`` the server is
    logged in to with the password from the environment variable BIBANALYSE_SMTP_PASSWORD,
    never from anywhere else; the password is sent only after STARTTLS or to a server on
    this machine. Raises MailError when the server cannot be reached, the login fails or a
    recipient is refused, and when the password is missing.
    """
    smtp = settings.smtp
    where = f"{smtp.host}:{smtp.port}"
    password = None
    if smtp.user:
        password = os.environ.get(SMTP_PASSWORD_ENV)
        if not password:
            raise MailError(
                f"the settings log in to {where} as {smtp.user!r}, but {SMTP_PASSWORD_ENV} "
                "is not set: put the password in that environment variable"
            )
        if not smtp.starttls and not _is_loopback(smtp.host):
            raise MailError(
                f"smtp.starttls is off: the password for {where} would travel unencrypted; "
                "turn starttls on"
            )
    log.info("sending %r to %d recipient(s) via %s", message["Subject"], _count_to(message), where)
    try:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
    except OSError as error:
        raise MailError(f"cannot connect to the mail server {where}: {error}") from error
    try:
        server.set_debuglevel(0)
        if smtp.starttls:
            try:
                server.starttls(context=ssl_context or ssl.create_default_context())
            except (smtplib.SMTPException, OSError) as error:
                raise MailError(f"{where}: STARTTLS failed: {error}") from error
        if smtp.user:
            try:
                server.login(smtp.user, password)
            except smtplib.SMTPException as error:
                raise MailError(f"{where} refused the login as {smtp.user!r}: {error}") from error
        try:
            refused = server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(
                f"{where} refused every recipient: {_refusals(error.recipients)}"
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"{where} did not accept the message: {error}") from error
        if refused:
            raise MailError(
                f"{where} accepted the message, but not for {_refusals(refused)}; the other "
                "recipients will receive it"
            )
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    log.info("sent via %s", where)


def _refusals(refused: dict) -> str:
    """``{address: (code, reply)}`` as text: ``a@b.nl (550 no such user)``."""
    parts = []
    for address, (code, reply) in refused.items():
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        parts.append(f"{address} ({code} {text})")
    return ", ".join(parts)


def _count_to(message: EmailMessage) -> int:
    return len(getaddresses([str(value) for value in message.get_all("To", [])]))


def _is_loopback(host: str) -> bool:
    """
    >>> _is_loopback("127.0.0.1"), _is_loopback("localhost"), _is_loopback("smtp.example.nl")
    (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
