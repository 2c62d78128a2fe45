"""Mailing a period's published reports: completeness checks, the message, the .eml file, and
sending to a real SMTP server on loopback (aiosmtpd); all on the output of a real run."""

from __future__ import annotations

import base64
import email
import json
import logging
import os
import re
import shutil
import smtplib
import socket
from dataclasses import replace
from email import policy
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bibanalyse import formatting as fmt
from bibanalyse.agreements import agreement_for
from bibanalyse.config import SMTP_PASSWORD_ENV, Settings, SmtpSettings
from bibanalyse.mail import (
    MAX_MESSAGE_BYTES,
    IncompleteRunError,
    MailError,
    build_message,
    message_size,
    published_run,
    send_message,
    size_warning,
    verdict_lines,
    write_eml,
)
from bibanalyse.periods import Period

PERIOD = "2025-H2"
MUNICIPALITY = "Heemstede"
COMBINED = "rapportage_Heemstede_2025-H2.html"
PDF = "rapportage_Heemstede_2025-H2.pdf"
SENDER = "rapportage@bibliotheekzk.nl"
RECIPIENT = "beleid@heemstede.nl"
PASSWORD = "Geheim-wachtwoord-7x!"
# aiosmtpd warns about AUTH without TLS: the tests' server listens on loopback only
PLAIN_AUTH_ON_LOOPBACK = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
pytestmark = pytest.mark.slow  # on the output of a real run


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def run_folder(settings: Settings, published) -> Path:
    """A copy of a real run's published folder (Heemstede 2025-H2) in this test's project."""
    _, folder = published
    copy = settings.reports_dir / MUNICIPALITY / PERIOD
    shutil.copytree(folder, copy)
    return copy


def _indicator(folder: Path, key: str) -> pd.Series:
    table = pd.read_csv(folder / "indicatoren.csv", dtype={"afspraak": str})
    return table[table["indicator"] == key].iloc[0]


def _make_failed(folder: Path, *, after_published: bool) -> Path:
    failed = folder.with_name(folder.name + ".failed")
    failed.mkdir()
    (failed / "1_leesplezier.ipynb").write_text("{}", encoding="utf-8")
    published = (folder / "manifest.json").stat().st_mtime
    moment = published + 60 if after_published else published - 3600
    for path in (failed / "1_leesplezier.ipynb", failed):
        os.utime(path, (moment, moment))
    return failed


@pytest.fixture
def smtp_server():
    """An SMTP server on loopback collecting what it receives; no TLS, no AUTH."""
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def smtp_server_with_auth():
    """An SMTP server on loopback that requires a login (over plain text: loopback only)."""
    handler = _Collector()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
        logins.append((mechanism, auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd replies 535 itself

    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, handler, logins
    controller.stop()


class _Collector:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _smtp_settings(settings: Settings, port: int, **options) -> Settings:
    smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=False, user="", sender=SENDER)
    return replace(settings, smtp=replace(smtp, **options))


def _attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()
    }


# -- the published run -----------------------------------------------------------------------


def test_published_run_lists_the_overview_then_every_ambition(run_folder):
    run = published_run(run_folder)
    agreement = agreement_for(MUNICIPALITY, Period.parse(PERIOD))

    assert [path.name for path in run.reports] == ["00_overzicht.html"] + [
        f"{ambition.slug}.html" for ambition in agreement.ambitions
    ]
    assert (run.municipality, run.period.label) == ("Heemstede", "2025-H2")
    assert run.indicators == run_folder / "indicatoren.csv"
    assert run.combined == run_folder / COMBINED


def test_refuses_a_period_without_a_folder(settings):
    with pytest.raises(IncompleteRunError, match="no published reports for 2025-H2"):
        build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])


def test_refuses_a_period_whose_only_run_failed(settings):
    folder = settings.reports_dir / MUNICIPALITY / PERIOD
    (folder.parent / f"{PERIOD}.failed").mkdir(parents=True)

    with pytest.raises(IncompleteRunError, match="the last run of 2025-H2 failed"):
        build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])


def test_refuses_a_period_whose_last_run_failed_after_publishing(run_folder):
    failed = _make_failed(run_folder, after_published=True)

    with pytest.raises(IncompleteRunError, match="the last run of 2025-H2 failed") as raised:
        published_run(run_folder)
    assert failed.name in str(raised.value)


def test_accepts_a_failed_folder_older_than_the_published_reports(run_folder):
    _make_failed(run_folder, after_published=False)

    assert published_run(run_folder).folder == run_folder


def test_refuses_a_folder_missing_an_ambition_report(run_folder):
    (run_folder / "3_ontmoeting.html").unlink()

    with pytest.raises(IncompleteRunError, match=r"incomplete: 3_ontmoeting\.html missing"):
        published_run(run_folder)


def test_refuses_an_empty_report(run_folder):
    (run_folder / "00_overzicht.html").write_bytes(b"")

    with pytest.raises(IncompleteRunError, match=r"00_overzicht\.html missing or empty"):
        published_run(run_folder)


def test_refuses_a_folder_without_indicator_table(run_folder):
    (run_folder / "indicatoren.csv").unlink()

    with pytest.raises(IncompleteRunError, match=r"indicatoren\.csv missing"):
        published_run(run_folder)


def test_refuses_a_folder_without_manifest(run_folder):
    (run_folder / "manifest.json").unlink()

    with pytest.raises(IncompleteRunError, match=r"manifest\.json is missing"):
        published_run(run_folder)


def test_refuses_an_unreadable_manifest(run_folder):
    (run_folder / "manifest.json").write_text('{"parameters": ', encoding="utf-8")

    with pytest.raises(IncompleteRunError, match=r"manifest\.json: unreadable"):
        published_run(run_folder)


def test_refuses_a_report_the_manifest_names_but_the_folder_lacks(run_folder):
    path = run_folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["notebooks"].append({"report": "6_extra", "path": "notebooks/ambitie.ipynb"})
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(IncompleteRunError, match=r"6_extra\.html missing"):
        published_run(run_folder)


def test_refuses_a_manifest_of_another_period(run_folder):
    path = run_folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["parameters"]["period"] = "2025-H1"
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(IncompleteRunError, match="describes Heemstede 2025-H1"):
        published_run(run_folder)


@pytest.mark.parametrize("name", [COMBINED, "oordelen.csv"])
def test_refuses_a_folder_without_what_the_run_writes_for_the_mail(run_folder, name):
    (run_folder / name).unlink()

    with pytest.raises(IncompleteRunError, match=rf"{re.escape(name)} missing"):
        published_run(run_folder)


# -- the message -----------------------------------------------------------------------------


def test_message_headers(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT, "wethouder@heemstede.nl"])

    assert message["Subject"] == "Prestatieafspraken Heemstede: rapportage tweede halfjaar 2025"
    assert message["From"] == SENDER
    assert message["To"] == "beleid@heemstede.nl, wethouder@heemstede.nl"
    assert message["Date"] and message["Message-ID"].endswith("@bibliotheekzk.nl>")


def _without_pdf(folder: Path) -> None:
    """The folder as a run without the PDF's engine publishes it."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["pdf"] = {"path": None, "reason": "WeasyPrint is not installed"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / PDF).unlink(missing_ok=True)


def test_message_attachments_are_the_files_themselves_the_pdf_first(settings, run_folder):
    if not (run_folder / PDF).is_file():
        pytest.skip("this run made no PDF: its engine is missing here")
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])
    attached = _attachments(message)
    names = [path.name for path in published_run(run_folder).reports]

    assert list(attached) == [PDF, *names, COMBINED, "indicatoren.csv"]
    for name in [PDF, *names, COMBINED, "indicatoren.csv"]:
        assert attached[name] == (run_folder / name).read_bytes(), name
    kinds = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert kinds["1_leesplezier.html"] == "text/html" and kinds["indicatoren.csv"] == "text/csv"
    assert kinds[PDF] == "application/pdf"
    text = message.get_body(("plain",)).get_content()
    listed = text.split("Bijlagen:\n", 1)[1].splitlines()
    assert listed[0].startswith(f"- {PDF}: de hele rapportage als pdf-document")


def test_without_a_pdf_the_message_attaches_what_there_is(settings, run_folder):
    _without_pdf(run_folder)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])
    names = [path.name for path in published_run(run_folder).reports]

    assert list(_attachments(message)) == [*names, COMBINED, "indicatoren.csv"]
    assert ".pdf" not in message.get_body(("plain",)).get_content()


def test_refuses_a_folder_without_the_pdf_its_manifest_names(run_folder):
    manifest = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["pdf"] = {"path": PDF, "bytes": 1, "sha256": "0" * 64}
    (run_folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (run_folder / PDF).unlink(missing_ok=True)

    with pytest.raises(IncompleteRunError, match=rf"{re.escape(PDF)} missing"):
        published_run(run_folder)


def test_message_is_seven_bit_with_base64_attachments(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message.as_bytes().isascii()
    assert {part["Content-Transfer-Encoding"] for part in message.iter_attachments()} == {"base64"}


def test_message_text_is_dutch_with_headline_figures(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])
    text = message.get_body(("plain",)).get_content()

    assert text.startswith("Goedendag,")
    assert "over het tweede halfjaar 2025 (1 juli 2025 tot en met 31 december 2025)" in text
    assert "Kerncijfers, vergeleken met het tweede halfjaar 2024:" in text
    loans = _indicator(run_folder, "uitleningen")
    change = (loans["waarde"] - loans["vorig_jaar"]) / loans["vorig_jaar"] * 100
    expected = f"- Uitleningen: {fmt.number(loans['waarde'])} ({'+' if change > 0 else '−'}"
    assert expected + f"{fmt.number(abs(change), 1)}%)" in text
    members = _indicator(run_folder, "leden_eind")
    assert f"- Leden op 31 december 2025: {fmt.number(members['waarde'])} (" in text
    assert "- Jeugdleden op 31 december 2025: " in text
    visits = _indicator(run_folder, "bezoekers_geschat")
    low, high = round(visits["ondergrens"], -2), round(visits["bovengrens"], -2)
    assert (
        f"- Bezoeken (geschat): ca. {fmt.number(round(visits['waarde'], -2))} "
        f"(95%-betrouwbaarheidsinterval {fmt.interval(low, high)}); een jaar eerder ca. "
    ) in text
    assert text.count("Bezoeken") == 1  # in the table under three goals, shown once
    assert "- Actieve leners: " in text
    assert f"- {COMBINED}: alle rapporten hierboven in één bestand" in text
    assert "- 1_leesplezier.html: ambitie 1, Leesplezier" in text
    assert text.rstrip().endswith("Bibliotheek Zuid-Kennemerland")


def test_message_counts_the_verdicts_the_run_wrote(settings, run_folder):
    verdicts = pd.read_csv(run_folder / "oordelen.csv", dtype={"afspraak": str})
    text = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT]).get_body(("plain",))

    assert verdict_lines(verdicts["oordeel"].tolist()) in text.get_content()
    assert "Oordeel over de 14 doelen (zie het overzicht):" in text.get_content()


def test_verdicts_are_counted_in_a_fixed_order_and_unknown_ones_refused():
    assert verdict_lines(["aandacht", "op_koers", "aandacht"]) == (
        "Oordeel over de 3 doelen (zie het overzicht):\n- Op koers: 1\n- Aandachtspunt: 2"
    )
    assert verdict_lines(["inspanning"]).startswith("Oordeel over het doel")
    with pytest.raises(ValueError, match="unknown verdict"):
        verdict_lines(["prima"])


def test_refuses_a_verdict_table_with_an_unknown_verdict(settings, run_folder):
    path = run_folder / "oordelen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("op_koers", "prima"), "utf-8")

    with pytest.raises(IncompleteRunError, match=r"oordelen\.csv: unknown verdict"):
        build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])


def test_message_refuses_a_bad_address(settings, run_folder):
    with pytest.raises(ValueError, match="not an e-mail address: 'beleid'"):
        build_message(settings, PERIOD, MUNICIPALITY, ["beleid"])
    with pytest.raises(ValueError, match="no recipients"):
        build_message(settings, PERIOD, MUNICIPALITY, [])


def test_small_message_has_no_size_warning(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message_size(message) < MAX_MESSAGE_BYTES
    assert size_warning(message) is None


def test_size_warning_for_a_message_over_ten_megabytes(settings, run_folder):
    # an 8 MB report, base64 in the message: over 10 MB
    report = run_folder / "1_leesplezier.html"
    report.write_bytes(report.read_bytes() + b"<!-- " + b"x" * 8_000_000 + b" -->")

    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message_size(message) > MAX_MESSAGE_BYTES
    assert re.match(r"the message is 1[0-9]\.[0-9] MB, more than the 10 MB", size_warning(message))


def test_eml_written_parses_back(settings, run_folder, tmp_path):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    path = write_eml(message, tmp_path / "uit" / "rapportage.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)

    assert parsed["Subject"] == message["Subject"]
    assert _attachments(parsed) == _attachments(message)
    assert "- Uitleningen: " in parsed.get_body(("plain",)).get_content()
    assert [p.name for p in path.parent.iterdir()] == ["rapportage.eml"]  # no temporary left


# -- sending ---------------------------------------------------------------------------------


def test_sent_message_arrives_whole(settings, run_folder, smtp_server):
    controller, handler = smtp_server
    settings = _smtp_settings(settings, controller.port)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    send_message(message, settings)

    [envelope] = handler.envelopes
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == [RECIPIENT]
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    attached = _attachments(received)
    for path in published_run(run_folder).reports:
        assert attached[path.name] == path.read_bytes(), path.name
    assert attached["indicatoren.csv"] == (run_folder / "indicatoren.csv").read_bytes()
    text = received.get_body(("plain",)).get_content()
    assert "tweede halfjaar 2025" in text and "- Uitleningen: " in text


@PLAIN_AUTH_ON_LOOPBACK
def test_send_logs_in_with_the_password_from_the_environment_and_never_shows_it(
    settings, run_folder, smtp_server_with_auth, monkeypatch, caplog, capsys
):
    controller, handler, logins = smtp_server_with_auth
    settings = _smtp_settings(settings, controller.port, user="rapportage")
    monkeypatch.setenv(SMTP_PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(smtplib.SMTP, "debuglevel", 0)
    caplog.set_level(logging.DEBUG)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    send_message(message, settings)

    assert [(user, ok) for _, user, ok in logins] == [("rapportage", True)]
    assert len(handler.envelopes) == 1
    _assert_never_shown([PASSWORD], caplog, capsys)


@PLAIN_AUTH_ON_LOOPBACK
def test_send_with_a_wrong_password_fails_without_showing_it(
    settings, run_folder, smtp_server_with_auth, monkeypatch, caplog, capsys
):
    controller, handler, _ = smtp_server_with_auth
    settings = _smtp_settings(settings, controller.port, user="rapportage")
    wrong = "verkeerd-" + PASSWORD
    monkeypatch.setenv(SMTP_PASSWORD_ENV, wrong)
    caplog.set_level(logging.DEBUG)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    with pytest.raises(MailError, match=rf"127\.0\.0\.1:{controller.port} refused the login") as e:
        send_message(message, settings)

    assert handler.envelopes == []
    assert PASSWORD not in str(e.value)
    _assert_never_shown([wrong, PASSWORD], caplog, capsys)


def _assert_never_shown(secrets: list[str], caplog, capsys) -> None:
    """No secret in the captured logs (any logger, DEBUG) or output, plain or as the
    base64 credentials of AUTH PLAIN."""
    captured = capsys.readouterr()
    shown = caplog.text + captured.out + captured.err
    assert caplog.records  # logging was captured at all
    for secret in secrets:
        assert secret not in shown
        for user in ("", "rapportage"):
            credentials = base64.b64encode(f"\0{user}\0{secret}".encode()).decode()
            assert credentials not in shown


def test_send_without_password_in_the_environment_names_the_variable(
    settings, run_folder, monkeypatch
):
    monkeypatch.delenv(SMTP_PASSWORD_ENV, raising=False)
    settings = _smtp_settings(settings, _free_port(), user="rapportage")
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    with pytest.raises(MailError, match=SMTP_PASSWORD_ENV):
        send_message(message, settings)


def test_send_refuses_a_password_without_tls_to_another_host(settings, run_folder, monkeypatch):
    monkeypatch.setenv(SMTP_PASSWORD_ENV, PASSWORD)
    settings = _smtp_settings(settings, 25, user="rapportage")
    settings = replace(settings, smtp=replace(settings.smtp, host="smtp.example.nl"))
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    with pytest.raises(MailError, match=r"smtp\.example\.nl:25 would travel unencrypted"):
        send_message(message, settings)


def test_send_to_a_closed_port_names_host_and_port(settings, run_folder):
    port = _free_port()  # nothing listens there
    settings = _smtp_settings(settings, port)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    with pytest.raises(MailError, match=rf"cannot connect to the mail server 127\.0\.0\.1:{port}"):
        send_message(message, settings)


def test_send_with_starttls_to_a_server_without_it_fails_clearly(settings, run_folder, smtp_server):
    controller, handler = smtp_server
    settings = _smtp_settings(settings, controller.port, starttls=True)
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    with pytest.raises(MailError, match=rf"127\.0\.0\.1:{controller.port}: STARTTLS failed"):
        send_message(message, settings)
    assert handler.envelopes == []


def test_cli_writes_an_eml_of_a_published_period(run_folder, tmp_path, capsys):
    from bibanalyse.cli import main

    out = tmp_path / "rapportage.eml"
    code = main(["mail", "--period", PERIOD, "--to", "cultuur@heemstede.nl", "--eml", str(out)])
    assert code == 0
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert message["To"] == "cultuur@heemstede.nl"
    assert "00_overzicht.html" in _attachments(message)


def test_cli_refuses_a_period_that_was_not_published(settings, tmp_path, capsys):
    from bibanalyse.cli import main

    code = main(["mail", "--period", "2019-H1", "--to", "a@b.nl", "--eml", str(tmp_path / "x")])
    assert code == 2
    assert "no published reports for 2019-H1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
