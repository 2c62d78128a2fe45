"""The ``bibanalyse`` command.

Every command works on a project folder, the one holding ``bibanalyse.toml``: ``--project
DIR``, else ``BIBANALYSE_PROJECT``, else the nearest such folder up from the working
directory (see :func:`bibanalyse.config.find_root`).

Exit codes: 0 done; 1 a report notebook failed; 2 bad input or usage (no project, an
unreadable export, a missing key, an unknown period or municipality).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from bibanalyse import __version__
from bibanalyse.config import KEY_ENV, PROJECT_ENV, SETTINGS_FILE, Settings, load_settings
from bibanalyse.logs import on_terminal, progress, start_log, steps, stop_log

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
LOGGED_COMMANDS = frozenset({"ingest", "run", "mail"})


class UsageError(Exception):
    """Bad input or usage: exit code 2 with the message."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(project=args.project, required=True)
    except ValueError as error:  # no project, or a settings file that is not TOML
        print(f"bibanalyse {args.name}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = settings.with_data_dir(getattr(args, "data_dir", None))
    log_file = start_log(settings, args.name) if args.name in LOGGED_COMMANDS else None
    try:
        return args.command(args, settings) or EXIT_OK
    except (UsageError, ValueError, RuntimeError, OSError) as error:
        logging.getLogger("bibanalyse").error("%s", error)
        print(f"bibanalyse {args.name}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if log_file:
            stop_log(log_file)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bibanalyse",
        description="Analyses of the prestatieafspraken of Bibliotheek Zuid-Kennemerland.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    demo = _command(commands, "demo", run_demo, "write synthetic raw exports for every source")
    _data_dir_option(demo)
    demo.add_argument(
        "--seed", type=int, default=2024, metavar="N", help="random seed (default 2024)"
    )
    demo.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last day covered (default: end of the latest half year ended)",
    )

    ingest = _command(commands, "ingest", run_ingest, "clean the raw exports into processed data")
    _data_dir_option(ingest)

    indicators = _command(
        commands,
        "indicators",
        run_indicators,
        "write the indicator table of one or more periods as CSV",
    )
    indicators.add_argument(
        "--period",
        nargs="+",
        action="extend",
        required=True,
        metavar="P",
        help="one or more periods, 2025-H1, 2025-H2 or 2025, or a range such as "
        "2024-H1..2025-H2; all in one table, the data read once",
    )
    _municipality_option(indicators)
    _data_dir_option(indicators)
    indicators.add_argument(
        "--out", type=Path, metavar="FILE", help="CSV file to write (default: standard output)"
    )

    run = _command(
        commands,
        "run",
        run_reports,
        "run and publish the reports of one or more periods",
        "Each period is built in reports/<Gemeente>/.<periode>.staging-<pid>/ and published "
        "as reports/<Gemeente>/<periode>/ when complete; a staging folder that a killed run "
        "left is removed by the next run. A run reads one snapshot of the processed data, "
        "the one current when it starts, and names it.",
    )
    run.add_argument(
        "--period",
        nargs="+",
        action="extend",
        metavar="P",
        help="one or more periods, 2025-H1, 2025-H2 or 2025, or a range such as "
        "2024-H1..2025-H2 or 2023..2025 (default: the latest half year that has ended)",
    )
    _municipality_option(run)
    _data_dir_option(run)
    _reports_dir_option(run)

    mail = _command(commands, "mail", run_mail, "mail a period's published reports")
    mail.add_argument(
        "--period",
        metavar="P",
        help="2025-H1, 2025-H2 or 2025 (default: the latest half year that has ended)",
    )
    _municipality_option(mail)
    _reports_dir_option(mail)
    mail.add_argument(
        "--to", action="append", required=True, metavar="ADDR", help="recipient; repeat for more"
    )
    way = mail.add_mutually_exclusive_group(required=True)
    way.add_argument("--eml", type=Path, metavar="FILE", help="write the message to FILE")
    way.add_argument("--send", action="store_true", help="send it over SMTP (settings)")

    _command(commands, "init-key", run_init_key, "create a local pseudonymisation key file")
    return parser


def _command(
    commands, name: str, function, help_text: str, epilog: str | None = None
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text, description=help_text, epilog=epilog)
    command.set_defaults(command=function, name=name)
    command.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help=f"the project folder, holding {SETTINGS_FILE} (default: ${PROJECT_ENV}, else "
        f"the nearest folder up from here that holds {SETTINGS_FILE})",
    )
    return command


def _municipality_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--municipality", metavar="M", help="municipality (default from settings: Heemstede)"
    )


def _data_dir_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="data folder with raw/ and processed/ (default from settings)",
    )


def _reports_dir_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--reports-dir", type=Path, metavar="DIR", help="reports folder (default from settings)"
    )


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.demo import generate_demo
    from bibanalyse.periods import latest_ended

    until = args.until or latest_ended(dt.date.today()).last_day
    counts = generate_demo(settings.raw_dir, until=until, seed=args.seed)
    print(f"Demo exports up to {until:%d-%m-%Y} written to {settings.raw_dir}")
    for source, rows in counts.items():
        print(f"  {source:<20} {rows:>10,} rows")
    return EXIT_OK


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.ingest import ingest
    from bibanalyse.reading import UnreadableFileError

    try:
        with steps("ingest") as step:
            reports = ingest(settings, progress=step)
    except UnreadableFileError as error:
        raise UsageError(str(error)) from error
    for line in _ingest_report_lines(reports):
        logging.getLogger("bibanalyse").info(line)
        if on_terminal():
            print(line)
    totals = _ingest_totals(reports)
    print(
        f"Processed data written to {settings.processed_dir}: {totals[0]:,} rows read, "
        f"{totals[1]:,} kept, {totals[2]:,} rejected, {totals[3]:,} duplicates"
    )
    return EXIT_OK


def run_indicators(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.indicators.table import indicator_csv, indicator_table, write_indicator_table
    from bibanalyse.periods import parse_periods
    from bibanalyse.snapshots import pinned

    periods = parse_periods(args.period)
    with pinned(settings.data_dir) as data_dir:  # one snapshot of the processed data
        settings = settings.with_data_dir(data_dir)
        if args.out is None:
            sys.stdout.write(indicator_csv(indicator_table(settings, periods, args.municipality)))
            return EXIT_OK
        table = write_indicator_table(settings, periods, args.municipality, args.out)
    named = ", ".join(str(period) for period in periods)
    print(f"{len(table)} indicator rows for {named} written to {args.out}")
    return EXIT_OK


def run_reports(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.document import engine_missing
    from bibanalyse.periods import latest_ended, parse_periods
    from bibanalyse.runner import OVERVIEW, NotebookFailed, read_snapshot, run_period
    from bibanalyse.snapshots import pinned, remove_unpinned_when_idle

    settings = settings.with_reports_dir(args.reports_dir)
    periods = parse_periods(args.period or []) or [latest_ended(dt.date.today())]
    municipality = args.municipality or settings.municipality
    if reason := engine_missing():  # said once, however many periods
        print(f"bibanalyse run: warning: no PDF will be made: {reason}", file=sys.stderr)
    with pinned(settings.data_dir) as data_dir:  # every period from one snapshot
        reading = settings.with_data_dir(data_dir)
        for period in periods:
            progress(f"Running the reports of {municipality} {period}")
            try:
                folder = run_period(
                    reading, period, municipality, notebooks_dir=settings.notebooks_dir
                )
            except NotebookFailed as error:
                logging.getLogger("bibanalyse").error("%s: %s", period, error)
                print(f"bibanalyse run: {period}: {error}", file=sys.stderr)
                return EXIT_FAILED
            snapshot = read_snapshot(folder)
            read = f" from snapshot {snapshot} of the processed data" if snapshot else ""
            print(f"Reports of {period} published in {folder}{read}")
            print(f"Overview: {folder / (OVERVIEW + '.html')}")
    remove_unpinned_when_idle(settings.data_dir)
    return EXIT_OK


def run_mail(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.mail import build_message, send_message, size_warning, write_eml
    from bibanalyse.periods import Period, latest_ended

    settings = settings.with_reports_dir(args.reports_dir)
    period = Period.parse(args.period) if args.period else latest_ended(dt.date.today())
    municipality = args.municipality or settings.municipality
    message = build_message(settings, period, municipality, args.to)
    if warning := size_warning(message):
        logging.getLogger("bibanalyse").warning("%s", warning)
        print(f"bibanalyse mail: warning: {warning}", file=sys.stderr)
    if args.eml:
        write_eml(message, args.eml)
        print(f"Message with the reports of {period} written to {args.eml}")
    else:
        send_message(message, settings)
        print(f"Reports of {period} sent to {', '.join(args.to)}")
    return EXIT_OK


def run_init_key(args: argparse.Namespace, settings: Settings) -> int:
    from bibanalyse.privacy import create_key_file

    if os.environ.get(KEY_ENV):
        print(f"{KEY_ENV} is set; no key file needed")
    elif create_key_file(settings.key_file):
        print(
            f"Created a local pseudonymisation key in {settings.key_file} (ignored by git). "
            f"Set {KEY_ENV} to use the organisation's own key instead."
        )
    else:
        print(f"Using the local key file {settings.key_file}")
    return EXIT_OK


def _ingest_report_lines(reports) -> list[str]:
    lines = [f"{'source':<20} {'file':<48} {'read':>10} {'kept':>10} {'rejected':>9} {'dupl.':>9}"]
    for report in reports:
        lines.append(
            f"{report.source:<20} {report.file[-48:]:<48} {report.rows_read:>10,} "
            f"{report.kept:>10,} {report.rejected:>9,} {report.duplicates:>9,}"
        )
    totals = _ingest_totals(reports)
    lines.append(f"{'total':<69} {totals[0]:>10,} {totals[1]:>10,} {totals[2]:>9,} {totals[3]:>9,}")
    return lines


def _ingest_totals(reports) -> list[int]:
    fields = ("rows_read", "kept", "rejected", "duplicates")
    return [sum(getattr(report, field) for report in reports) for field in fields]


if __name__ == "__main__":
    sys.exit(main())
