"""Mail a period's published reports: one message with every report attached, for the
municipality.

The message holds a short Dutch text with the verdicts (from ``oordelen.csv``) and the
headline figures of the period (from ``indicatoren.csv``) and, as attachments, the PDF of the
whole report (first, where the run made one), the overview and the ambition reports, the
combined report of all of them for readers who want a single file, and ``indicatoren.csv``:
each exactly as the run published it (the same bytes). It is
written to an ``.eml`` file for the analyst to open in a mail program, or sent over SMTP.
Everything it attaches or reads was written by ``bibanalyse run``; nothing is rendered or
parsed here.

Only a complete published run is mailed: a period whose last run failed, or whose folder
lacks a report, its combined report, its tables or its manifest, raises
:class:`IncompleteRunError`.

The SMTP password comes only from the environment variable ``BIBANALYSE_SMTP_PASSWORD``; it
is never logged, printed or written, and it is sent only over STARTTLS (or to a server on
this machine).
"""

from __future__ import annotations

import csv
import ipaddress
import json
import logging
import math
import os
import smtplib
import ssl
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path

from bibanalyse import formatting as fmt
from bibanalyse import suppression
from bibanalyse.agreements import agreement_for
from bibanalyse.config import SMTP_PASSWORD_ENV, Settings
from bibanalyse.files import write_atomically
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import ESTIMATE, Indicator
from bibanalyse.periods import Period
from bibanalyse.runner import (
    FAILED_SUFFIX,
    INDICATOR_FILE,
    MANIFEST_FILE,
    OVERVIEW,
    VERDICT_FILE,
    combined_name,
    period_folder,
)
from bibanalyse.wording import VERDICTS

__all__ = [
    "MAX_MESSAGE_BYTES",
    "IncompleteRunError",
    "MailError",
    "PublishedRun",
    "build_message",
    "message_size",
    "message_text",
    "published_run",
    "send_message",
    "verdict_lines",
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
VERDICT_COLUMNS = frozenset({"periode", "afspraak", "oordeel"})


class IncompleteRunError(ValueError):
    """The period's reports are not (completely) published: nothing to mail."""


class MailError(RuntimeError):
    """The mail server could not be reached, refused the login or refused the message."""


@dataclass(frozen=True)
class PublishedRun:
    """A complete published run: the reports in reading order (overview first), the
    combined report, the indicator and verdict tables, the manifest's warnings, and the
    PDF (None where the run made none: its engine was missing)."""

    folder: Path
    municipality: str
    period: Period
    reports: tuple[Path, ...]
    combined: Path
    indicators: Path
    verdicts: Path
    warnings: tuple[str, ...] = ()
    document: Path | None = None


# -- the published run -----------------------------------------------------------------------


def published_run(folder: Path) -> PublishedRun:
    """The complete published run in ``folder`` (``reports/<Gemeente>/<periode>``).

    Raises IncompleteRunError when the folder does not exist, when the last run of the
    period failed (a ``<periode>.failed`` folder newer than the published one, or without
    one), when ``manifest.json`` is missing or unreadable, or when the overview, an
    ambition report of the agreement, a report the manifest names, the combined report, the
    PDF the manifest names, ``indicatoren.csv`` or ``oordelen.csv`` is missing or empty.
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
    run = PublishedRun(
        folder=folder,
        municipality=municipality,
        period=period,
        reports=tuple(folder / f"{name}.html" for name in names),
        combined=folder / combined_name(municipality, period),
        indicators=folder / INDICATOR_FILE,
        verdicts=folder / VERDICT_FILE,
        warnings=tuple(str(warning) for warning in manifest.get("warnings") or []),
        document=_manifest_document(manifest, folder),
    )
    files = (*run.reports, run.combined, run.indicators, run.verdicts)
    files += (run.document,) if run.document else ()
    if missing := [path.name for path in files if not _non_empty(path)]:
        raise IncompleteRunError(
            f"{folder} is incomplete: {', '.join(missing)} missing or empty; run {label} again"
        )
    return run


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
        isinstance(entry, dict) and isinstance(entry.get("report"), str) for entry in notebooks
    ):
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: unreadable: no list of reports")
    return [entry["report"] for entry in notebooks]


def _manifest_document(manifest: dict, folder: Path) -> Path | None:
    """The PDF the manifest names; None where the run made none (or predates the PDF)."""
    entry = manifest.get("pdf")
    if entry is None or (isinstance(entry, dict) and entry.get("path") is None):
        return None
    if not isinstance(entry, dict) or not isinstance(entry["path"], str):
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: unreadable: pdf is not a file")
    path = folder / entry["path"]
    if path.parent != folder:
        raise IncompleteRunError(f"{folder / MANIFEST_FILE}: the pdf is outside {folder}")
    return path


def _non_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


# -- the message -----------------------------------------------------------------------------


def build_message(
    settings: Settings,
    period: Period | str,
    municipality: str,
    recipients: Sequence[str],
) -> EmailMessage:
    """The message with the period's published reports for ``recipients``.

    From is ``settings.smtp.sender``; the text is Dutch, with the verdicts of
    ``oordelen.csv`` and the headline figures of ``indicatoren.csv``; the attachments are
    the PDF (where the run made one), the overview, the ambition reports, the combined
    report and ``indicatoren.csv``, each the published file's own bytes. Raises
    IncompleteRunError when the period's run is not completely published, and ValueError
    for an address that is not one.
    """
    period = period if isinstance(period, Period) else Period.parse(period)
    if not isinstance(municipality, str) or not municipality.strip():
        raise ValueError(f"municipality must be a name, got {municipality!r}")
    recipients = _addresses(recipients)
    sender = settings.smtp.sender
    if not _is_address(sender):
        raise ValueError(f"the sender in the settings (smtp.sender) is not an address: {sender!r}")
    run = published_run(period_folder(settings, municipality, period))

    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = (
        f"Prestatieafspraken {run.municipality}: rapportage {run.period.dutch_label}"
    )
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    message["Content-Language"] = "nl"
    body = message_text(run, _indicator_rows(run), _verdict_kinds(run))
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    if run.document:
        message.add_attachment(
            run.document.read_bytes(),
            maintype="application",
            subtype="pdf",
            filename=run.document.name,
        )
    for path in (*run.reports, run.combined):
        _attach(message, path.read_bytes(), "html", path.name)
    _attach(message, run.indicators.read_bytes(), "csv", run.indicators.name)
    return message


def message_text(run: PublishedRun, rows: list[dict], verdicts: Sequence[str] = ()) -> str:
    """The Dutch text of the message: the period, the ``verdicts`` (their kinds, one per
    goal) counted, the headline figures of ``rows`` (``indicatoren.csv``) compared with a
    year earlier, and the attachments. Paragraphs are single lines: mail programs wrap them
    to the reader's screen."""
    period = run.period
    paragraphs = [
        "Goedendag,",
        f"Bijgaand vindt u de rapportage over de prestatieafspraken tussen de gemeente "
        f"{run.municipality} en {SIGNATURE} over het {period.dutch_label} "
        f"({fmt.date(period.first_day)} tot en met {fmt.date(period.last_day)}).",
    ]
    if verdicts:
        paragraphs.append(verdict_lines(verdicts))
    if figures := _headline_lines(rows, period):
        earlier = period.year_earlier().dutch_label
        paragraphs.append(f"Kerncijfers, vergeleken met het {earlier}:\n" + "\n".join(figures))
    attachments = []
    if run.document:
        attachments.append(
            f"{run.document.name}: de hele rapportage als pdf-document, om te archiveren of "
            "af te drukken"
        )
    attachments += [f"{path.name}: {_describe(path.stem, run)}" for path in run.reports]
    attachments.append(f"{run.combined.name}: alle rapporten hierboven in één bestand")
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


def verdict_lines(kinds: Sequence[str]) -> str:
    """The verdicts on the goals (their kinds), counted.

    >>> print(verdict_lines(["op_koers", "gelijk", "op_koers"]))
    Oordeel over de 3 doelen (zie het overzicht):
    - Op koers: 2
    - Gelijk gebleven: 1
    """
    counts = Counter(kinds)
    if unknown := sorted(set(counts) - set(VERDICTS)):
        raise ValueError(f"unknown verdict(s) {unknown}; known are {sorted(VERDICTS)}")
    goals = "het doel" if len(kinds) == 1 else f"de {len(kinds)} doelen"
    lines = [f"- {VERDICTS[kind]}: {counts[kind]}" for kind in VERDICTS if counts[kind]]
    return f"Oordeel over {goals} (zie het overzicht):\n" + "\n".join(lines)


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
    numeric = ("waarde", "vorige_periode", "vorig_jaar", "ondergrens", "bovengrens")
    rows = _read_csv(run.indicators, INDICATOR_COLUMNS, run.period)
    for row in rows:
        for key in numeric:
            row[key] = _float(row[key], run.indicators)
    return rows


def _verdict_kinds(run: PublishedRun) -> list[str]:
    """The verdict on every goal of the run's period, from ``oordelen.csv``."""
    rows = _read_csv(run.verdicts, VERDICT_COLUMNS, run.period)
    kinds = [row["oordeel"] for row in rows]
    if unknown := sorted(set(kinds) - set(VERDICTS)):
        raise IncompleteRunError(f"{run.verdicts}: unknown verdict(s) {unknown}")
    return kinds


def _read_csv(path: Path, columns: frozenset[str], period: Period) -> list[dict]:
    """The rows of a table the run wrote, for ``period``."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            if missing := columns - set(reader.fieldnames or ()):
                raise IncompleteRunError(f"{path}: columns missing: {', '.join(sorted(missing))}")
            return [row for row in reader if row["periode"] == period.label]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise IncompleteRunError(f"{path}: unreadable: {error}") from error


def _float(text: str | None, path: Path) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError as error:
        raise IncompleteRunError(f"{path}: not a number: {text!r}") from error


def _headline_lines(rows: list[dict], period: Period) -> list[str]:
    """The period's headline figures (the indicators marked ``summary``), each once."""
    first = {}
    for row in rows:
        first.setdefault(row["indicator"], row)
    lines = []
    for indicator in REGISTRY.values():
        row = first.get(indicator.key)
        if indicator.summary and row is not None and row["waarde"] is not None:
            lines.append(f"- {_headline_label(indicator, period)}: {_headline(indicator, row)}")
    return lines


def _headline(indicator: Indicator, row: dict) -> str:
    value, earlier = row["waarde"], row["vorig_jaar"]
    text = indicator.shown(value)
    if indicator.kind == ESTIMATE:
        if interval := indicator.shown_interval(_nan(row["ondergrens"]), _nan(row["bovengrens"])):
            text += f" (95%-betrouwbaarheidsinterval {interval})"
        if earlier is not None:
            text += f"; een jaar eerder {indicator.shown(earlier)}"
    elif earlier is not None and not (indicator.personal and suppression.is_small(earlier)):
        text += f" ({fmt.change(value, earlier)})"
    return text


def _headline_label(indicator: Indicator, period: Period) -> str:
    """``Leden op 30 juni 2026`` for a count at the end, else the indicator's label.

    >>> _headline_label(REGISTRY["leden_eind"], Period(2026, 1))
    'Leden op 30 juni 2026'
    """
    if indicator.begin is not None:
        return f"{indicator.noun} op {fmt.date(period.last_day)}"
    return indicator.label


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


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
