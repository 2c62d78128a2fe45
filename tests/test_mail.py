"""Mailing a period's published reports: completeness checks, the combined report, the
message, the .eml file, and sending to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import base64
import email
import json
import logging
import os
import re
import smtplib
import socket
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bibanalyse.agreements import agreement_for
from bibanalyse.config import SMTP_PASSWORD_ENV, Settings, SmtpSettings
from bibanalyse.export import MAX_HTML_BYTES, check_self_contained
from bibanalyse.mail import (
    MAX_MESSAGE_BYTES,
    IncompleteRunError,
    MailError,
    build_message,
    combined_html,
    message_size,
    published_run,
    send_message,
    size_warning,
    write_eml,
)
from bibanalyse.periods import Period

PERIOD = "2026-H1"
MUNICIPALITY = "Heemstede"
SENDER = "rapportage@bibliotheekzk.nl"
RECIPIENT = "beleid@heemstede.nl"
PASSWORD = "Geheim-wachtwoord-7x!"
# aiosmtpd warns about AUTH without TLS: the tests' server listens on loopback only
PLAIN_AUTH_ON_LOOPBACK = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

PAGE = (
    "<!DOCTYPE html>\n"
    '<html lang="nl">\n<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n'
    "<style>\nbody {{ font-family: sans-serif; }}\n</style>\n</head>\n"
    '<body>\n<main class="rapport">\n{content}\n</main>\n</body>\n</html>\n'
)
PIXEL = "data:image/png;base64,iVBORw0KGgo="
INDICATORS = (
    "periode,afspraak,indicator,waarde,vorige_periode,vorig_jaar,ondergrens,bovengrens,"
    "eenheid,verandering\n"
    "2026-H1,1.1,jeugdleden_eind,4093,4074,4073,,,leden,20\n"
    "2026-H1,3.1,bezoekers_geschat,79749.2,80480.7,74743.4,66433.9,93064.5,bezoeken,\n"
    "2026-H1,4.1,uitleningen,55777,56281,54168,,,aantal,\n"
    "2026-H1,4.1,leden_eind,7073,7072,7066,,,leden,3\n"
    "2026-H1,5.1,bezoekers_geschat,79749.2,80480.7,74743.4,66433.9,93064.5,bezoeken,\n"
)


# -- fixtures --------------------------------------------------------------------------------


def write_run(reports_dir: Path, *, padding: int = 0) -> Path:
    """A published run of Heemstede 2026-H1 with tiny reports: the overview links to every
    ambition and goal, each ambition report has its goals' anchors, a link to its first
    goal, a link back to the overview and an id (``toelichting``) that every report uses.
    ``padding`` adds that many bytes of image to the first ambition report."""
    period = Period.parse(PERIOD)
    agreement = agreement_for(MUNICIPALITY, period)
    folder = reports_dir / MUNICIPALITY / PERIOD
    folder.mkdir(parents=True)
    rows = []
    for ambition in agreement.ambitions:
        rows.append(f'<tr><th><a href="{ambition.slug}.html">Ambitie {ambition.number}</a></th>')
        rows += [
            f'<tr><td><a href="{ambition.slug}.html#{_anchor(goal.id)}">{goal.id}</a></td>'
            f'<td class="oordeel op_koers">✔ Op koers</td></tr>'
            for goal in ambition.goals
        ]
    overview = f"<h1>Overzicht eerste halfjaar 2026</h1><table>{''.join(rows)}</table>"
    (folder / "00_overzicht.html").write_text(
        PAGE.format(title="Overzicht", content=overview), encoding="utf-8"
    )
    for index, ambition in enumerate(agreement.ambitions):
        goals = "".join(
            f'<section class="doel"><h2 id="{_anchor(goal.id)}">{goal.id} één doel</h2>'
            f'<figure><img alt="figuur" src="{PIXEL}"/></figure></section>'
            for goal in ambition.goals
        )
        if index == 0 and padding:
            goals += f'<figure><img alt="groot" src="{PIXEL}{"A" * padding}"/></figure>'

        content = (
            f"<h1>Ambitie {ambition.number}: {ambition.short_name}</h1>"
            f'<p><a href="#{_anchor(ambition.goals[0].id)}">eerste doel</a> · '
            f'<a href="00_overzicht.html">overzicht</a> · <a href="#toelichting">uitleg</a></p>'
            f'{goals}<aside id="toelichting"><p>Toelichting – ambitie {ambition.number}</p></aside>'
        )
        (folder / f"{ambition.slug}.html").write_text(
            PAGE.format(title=ambition.short_name, content=content), encoding="utf-8"
        )
    (folder / "indicatoren.csv").write_text(INDICATORS, encoding="utf-8")
    names = ["00_overzicht"] + [ambition.slug for ambition in agreement.ambitions]
    manifest = {
        "bibanalyse": "0.1.0",
        "parameters": {"period": PERIOD, "municipality": MUNICIPALITY, "data_dir": "data"},
        "notebooks": [
            {"path": f"notebooks/{name}.ipynb", "bytes": 1, "sha256": "0" * 64, "seconds": 1.0}
            for name in names
        ],
        "warnings": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _anchor(goal_id: str) -> str:
    return "doel-" + goal_id.replace(".", "-")


def _goal_ids() -> list[str]:
    agreement = agreement_for(MUNICIPALITY, Period.parse(PERIOD))
    return [goal.id for ambition in agreement.ambitions for goal in ambition.goals]


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
def run_folder(settings: Settings) -> Path:
    return write_run(settings.reports_dir)


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
    assert (run.municipality, run.period.label) == ("Heemstede", "2026-H1")
    assert run.indicators == run_folder / "indicatoren.csv"


def test_refuses_a_period_without_a_folder(settings):
    with pytest.raises(IncompleteRunError, match="no published reports for 2026-H1"):
        build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])


def test_refuses_a_period_whose_only_run_failed(settings):
    folder = settings.reports_dir / MUNICIPALITY / PERIOD
    (folder.parent / f"{PERIOD}.failed").mkdir(parents=True)

    with pytest.raises(IncompleteRunError, match="the last run of 2026-H1 failed"):
        build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])


def test_refuses_a_period_whose_last_run_failed_after_publishing(run_folder):
    failed = _make_failed(run_folder, after_published=True)

    with pytest.raises(IncompleteRunError, match="the last run of 2026-H1 failed") as raised:
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
    manifest["notebooks"].append({"path": "notebooks/6_extra.ipynb"})
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(IncompleteRunError, match=r"6_extra\.html missing"):
        published_run(run_folder)


def test_refuses_a_manifest_of_another_period(run_folder):
    path = run_folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["parameters"]["period"] = "2025-H2"
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(IncompleteRunError, match="describes Heemstede 2025-H2"):
        published_run(run_folder)


# -- the combined report ---------------------------------------------------------------------


def test_combined_report_is_self_contained(run_folder):
    combined = combined_html(run_folder)

    assert check_self_contained(combined) == []


def test_combined_report_has_one_head_and_a_section_per_report(run_folder):
    combined = combined_html(run_folder)
    agreement = agreement_for(MUNICIPALITY, Period.parse(PERIOD))

    assert combined.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert combined.count("<head>") == 1 and combined.count("<body>") == 1
    assert combined.count("<main") == 1  # the reports' own <main> became <div>
    assert "<title>Prestatieafspraken Heemstede – eerste halfjaar 2026</title>" in combined
    assert combined.count("<title>") == 1
    sections = re.findall(r'<section id="([^"]+)" class="rapportdeel">', combined)
    assert sections == ["00_overzicht"] + [ambition.slug for ambition in agreement.ambitions]
    assert "break-before: page" in combined


def test_combined_report_has_every_goal_anchor_once(run_folder):
    combined = combined_html(run_folder)

    for goal_id in _goal_ids():
        assert combined.count(f'id="{_anchor(goal_id)}"') == 1, goal_id


def test_combined_report_links_inside_the_document(run_folder):
    combined = combined_html(run_folder)
    links = re.findall(r'href="([^"]*)"', combined)

    assert not [link for link in links if ".html" in link]
    assert "#doel-1-1" in links and "#doel-5-3" in links
    assert "#1_leesplezier" in links and "#00_overzicht" in links
    assert all(link.startswith("#") for link in links)
    targets = set(re.findall(r'id="([^"]*)"', combined))
    assert {link[1:] for link in links} <= targets  # every link has its target


def test_combined_report_renames_an_id_that_an_earlier_report_uses(run_folder):
    combined = combined_html(run_folder)
    second = combined.split('<section id="2_basisvaardigheden"')[1].split("</section>\n<section")[0]

    assert combined.count('id="toelichting"') == 1  # the first ambition's
    assert 'id="2_basisvaardigheden-toelichting"' in second
    assert 'href="#2_basisvaardigheden-toelichting"' in second
    assert 'href="#toelichting"' not in second


def test_combined_report_may_exceed_the_single_report_limit(settings):
    folder = write_run(settings.reports_dir, padding=MAX_HTML_BYTES)

    combined = combined_html(folder)

    assert len(combined.encode("utf-8")) > MAX_HTML_BYTES
    assert any("more than" in problem for problem in check_self_contained(combined))


def test_combined_report_refuses_a_script(run_folder):
    path = run_folder / "2_basisvaardigheden.html"
    path.write_text(
        path.read_text(encoding="utf-8").replace("</main>", "<script>alert(1)</script></main>"),
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match="not be self-contained: <script> element"):
        combined_html(run_folder)


@pytest.mark.slow
def test_combined_report_of_a_real_run(demo_data, tmp_path):
    from bibanalyse.runner import run_period

    period = Period.parse("2025-H2")
    settings = demo_data.with_reports_dir(tmp_path / "reports")
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    folder = run_period(settings, period, MUNICIPALITY, notebooks_dir=notebooks)

    assert published_run(folder).reports  # complete, as mail requires
    combined = combined_html(folder)

    assert check_self_contained(combined) == []
    agreement = agreement_for(MUNICIPALITY, period)
    for goal in (goal for ambition in agreement.ambitions for goal in ambition.goals):
        assert combined.count(f'id="{_anchor(goal.id)}"') == 1, goal.id
    assert not re.findall(r'href="[^"#]*\.html', combined)


# -- the message -----------------------------------------------------------------------------


def test_message_headers(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT, "wethouder@heemstede.nl"])

    assert message["Subject"] == "Prestatieafspraken Heemstede: rapportage eerste halfjaar 2026"
    assert message["From"] == SENDER
    assert message["To"] == "beleid@heemstede.nl, wethouder@heemstede.nl"
    assert message["Date"] and message["Message-ID"].endswith("@bibliotheekzk.nl>")


def test_message_attachments_are_the_files_themselves(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])
    attached = _attachments(message)
    names = [path.name for path in published_run(run_folder).reports]

    assert list(attached) == [*names, "rapportage_Heemstede_2026-H1.html", "indicatoren.csv"]
    for name in [*names, "indicatoren.csv"]:
        assert attached[name] == (run_folder / name).read_bytes(), name
    assert attached["rapportage_Heemstede_2026-H1.html"] == combined_html(run_folder).encode()
    kinds = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert kinds["1_leesplezier.html"] == "text/html" and kinds["indicatoren.csv"] == "text/csv"


def test_message_is_seven_bit_with_base64_attachments(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message.as_bytes().isascii()
    assert {part["Content-Transfer-Encoding"] for part in message.iter_attachments()} == {"base64"}


def test_message_text_is_dutch_with_headline_figures(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])
    text = message.get_body(("plain",)).get_content()

    assert text.startswith("Goedendag,")
    assert "over het eerste halfjaar 2026 (1 januari 2026 tot en met 30 juni 2026)" in text
    assert "Kerncijfers, vergeleken met het eerste halfjaar 2025:" in text
    # (55777 - 54168) / 54168 = 2.97%; (7073 - 7066) / 7066 = 0.10%; 20 / 4073 = 0.49%
    assert "- Uitleningen: 55.777 (+3,0%)" in text
    assert "- Leden op 30 juni 2026: 7.073 (+0,1%)" in text
    assert "- Jeugdleden op 30 juni 2026: 4.093 (+0,5%)" in text
    assert (
        "- Bezoeken (geschat): ca. 79.700 (95%-betrouwbaarheidsinterval 66.400 – 93.100); "
        "een jaar eerder ca. 74.700"
    ) in text
    assert text.count("Bezoeken") == 1  # in the table under three goals, shown once
    assert "Actieve leners" not in text  # not in this table
    assert "Oordeel over de 14 doelen (zie het overzicht):\n- Op koers: 14" in text
    assert "- rapportage_Heemstede_2026-H1.html: alle rapporten hierboven in één bestand" in text
    assert "- 1_leesplezier.html: ambitie 1, Leesplezier" in text
    assert text.rstrip().endswith("Bibliotheek Zuid-Kennemerland")


def test_message_refuses_a_bad_address(settings, run_folder):
    with pytest.raises(ValueError, match="not an e-mail address: 'beleid'"):
        build_message(settings, PERIOD, MUNICIPALITY, ["beleid"])
    with pytest.raises(ValueError, match="no recipients"):
        build_message(settings, PERIOD, MUNICIPALITY, [])


def test_small_message_has_no_size_warning(settings, run_folder):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message_size(message) < MAX_MESSAGE_BYTES
    assert size_warning(message) is None


def test_size_warning_for_a_message_over_ten_megabytes(settings):
    # a 6 MB report, attached itself and within the combined report, base64: over 10 MB
    write_run(settings.reports_dir, padding=6_000_000)

    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    assert message_size(message) > MAX_MESSAGE_BYTES
    assert re.match(r"the message is 1[0-9]\.[0-9] MB, more than the 10 MB", size_warning(message))


def test_eml_written_parses_back(settings, run_folder, tmp_path):
    message = build_message(settings, PERIOD, MUNICIPALITY, [RECIPIENT])

    path = write_eml(message, tmp_path / "uit" / "rapportage.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)

    assert parsed["Subject"] == message["Subject"]
    assert _attachments(parsed) == _attachments(message)
    assert "Uitleningen: 55.777" in parsed.get_body(("plain",)).get_content()
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
    assert "eerste halfjaar 2026" in text and "Uitleningen: 55.777 (+3,0%)" in text


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
