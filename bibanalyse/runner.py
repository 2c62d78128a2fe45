"""The period run: execute the report notebooks with papermill and publish them as HTML.

For each period the overview notebook and the ambition notebook, once per ambition of the
agreement in force (its goal cells repeated for every goal of that ambition, see
:func:`ambition_notebook`), run in parallel, each in the project's own kernel with explicit
parameters, working folder and cell time-out, and are exported in-process to self-contained
HTML. The run then writes what the mail needs: the combined report of all of them
(``rapportage_<Gemeente>_<periode>.html``), the same as one PDF document for print
(``rapportage_<Gemeente>_<periode>.pdf``, :mod:`bibanalyse.document`; where its engine is
missing the run goes on without it and the manifest says why), ``indicatoren.csv``,
``oordelen.csv`` (the verdict on every goal) and ``manifest.json``. Everything is built in a
staging folder beside the published one (``reports/<Gemeente>/.<periode>.staging-<pid>/``)
and swapped in only when complete: a failed run publishes nothing of its period and keeps the
executed notebooks in ``<periode>.failed/`` for inspection; the staging folders of runs that
were killed are removed by the next run.

A run reads one snapshot of the processed data (``bibanalyse.snapshots``): it pins the
current one as it starts and passes that snapshot's folder to every notebook and to the
tables it writes itself, so an ingest that switches meanwhile changes nothing of what it
reads. ``manifest.json`` names the snapshot and the checksum of each of its files.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from bibanalyse import __version__, snapshots
from bibanalyse.agreements import agreement_for
from bibanalyse.config import Settings
from bibanalyse.files import (
    WRITE_ERRORS,
    WriteError,
    publish_folder,
    recover_publish,
    write_atomically,
    writing,
)
from bibanalyse.locks import BusyError, exclusive
from bibanalyse.logs import log_stream, progress
from bibanalyse.periods import Period
from bibanalyse.store import require_data

KERNEL_NAME = "bibanalyse"
OVERVIEW = "00_overzicht"
AMBITION_NOTEBOOK = "ambitie"
GOAL_TAG = "doel"
INDICATOR_FILE = "indicatoren.csv"
VERDICT_FILE = "oordelen.csv"
MANIFEST_FILE = "manifest.json"
FAILED_SUFFIX = ".failed"
STAGING_INFIX = ".staging-"  # reports/<Gemeente>/.<periode>.staging-<pid>/ while a run builds

log = logging.getLogger(__name__)


class NotebookFailed(RuntimeError):
    """A report notebook raised: exit code 1."""

    def __init__(self, notebook: str, detail: str, kept: Path) -> None:
        super().__init__(f"notebook {notebook} failed: {detail}; executed notebook kept in {kept}")
        self.notebook = notebook
        self.kept = kept


@dataclass(frozen=True)
class ReportNotebook:
    """One report of a period: the notebook it is run from, the parameters of its own
    beside the period's, and its goals (an ambition's report repeats its goal cells)."""

    name: str
    source: Path
    parameters: dict = field(default_factory=dict)
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotebookRun:
    report: ReportNotebook
    executed: nbformat.NotebookNode
    seconds: float
    warnings: tuple[str, ...]


def period_folder(settings: Settings, municipality: str, period: Period) -> Path:
    return settings.reports_dir / municipality / period.label


def combined_name(municipality: str, period: Period, suffix: str = ".html") -> str:
    """The file name of the combined report, or with ``suffix=".pdf"`` of the PDF.

    >>> combined_name("Heemstede", Period.parse("2025-H2"))
    'rapportage_Heemstede_2025-H2.html'
    >>> combined_name("Heemstede", Period.parse("2025-H2"), ".pdf")
    'rapportage_Heemstede_2025-H2.pdf'
    """
    name = re.sub(r"[^\w-]+", "_", municipality).strip("_")
    return f"rapportage_{name}_{period.label}{suffix}"


def report_notebooks(
    notebooks_dir: Path, municipality: str, period: Period
) -> list[ReportNotebook]:
    """The overview, and the ambition notebook once for every ambition of the agreement in
    force for the period (``1_leesplezier``, ...)."""
    sources = [notebooks_dir / f"{name}.ipynb" for name in (OVERVIEW, AMBITION_NOTEBOOK)]
    if missing := [path.name for path in sources if not path.is_file()]:
        raise FileNotFoundError(f"{notebooks_dir}: report notebooks missing: {', '.join(missing)}")
    overview, ambition = sources
    return [ReportNotebook(OVERVIEW, overview)] + [
        ReportNotebook(
            part.slug,
            ambition,
            {"ambition": part.number},
            tuple(goal.id for goal in part.goals),
        )
        for part in agreement_for(municipality, period).ambitions
    ]


def with_goal_cells(
    notebook: nbformat.NotebookNode, goals: tuple[str, ...]
) -> nbformat.NotebookNode:
    """``notebook`` with its goal cells (one run of cells tagged ``doel``, written for one
    goal) repeated for every goal in ``goals``, each copy's first line naming its goal:
    ``goal = report.goal("1.2")``. Without goals, the notebook as it is; the notebook given
    is never changed."""
    node = copy.deepcopy(notebook)
    if not goals:
        return node
    tagged = [i for i, cell in enumerate(node.cells) if GOAL_TAG in cell.metadata.get("tags", [])]
    if not tagged or tagged != list(range(tagged[0], tagged[-1] + 1)):
        raise ValueError(f"the ambition notebook needs one run of cells tagged {GOAL_TAG!r}")
    group = node.cells[tagged[0] : tagged[-1] + 1]
    if not _GOAL_LINE.match(group[0].source):
        raise ValueError(f"the first cell tagged {GOAL_TAG!r} must begin with 'goal = ...'")
    copies = []
    for goal_id in goals:
        cells = copy.deepcopy(group)
        cells[0].source = _GOAL_LINE.sub(f'goal = report.goal("{goal_id}")', group[0].source, 1)
        for number, cell in enumerate(cells):
            cell.id = f"doel-{goal_id.replace('.', '-')}-{number}"
        copies += cells
    node.cells[tagged[0] : tagged[-1] + 1] = copies
    return node


_GOAL_LINE = re.compile(r"^goal = [^\n]*")


def run_period(
    settings: Settings,
    period: Period,
    municipality: str,
    *,
    notebooks_dir: Path,
    workers: int | None = None,
    on_pinned: Callable[[Path], None] | None = None,
) -> Path:
    """Run and publish one period's reports; returns the published folder.

    Holds the period's lock meanwhile: a second run of the same period waits for it at
    most ``settings.lock_timeout`` seconds, then raises ``BusyError``. Reads the snapshot
    of the processed data that is current when it has the lock, pinned until it is done;
    ``on_pinned`` is called with that snapshot's folder before anything is read (a test
    switches an ingest over there).
    """
    notebooks = report_notebooks(notebooks_dir, municipality, period)
    ensure_kernel()
    target = period_folder(settings, municipality, period)
    lock = target.with_name(f".{target.name}.lock")
    with (
        exclusive(lock, timeout=settings.lock_timeout, what=f"a run of {municipality} {period}"),
        snapshots.pinned(settings.data_dir) as data_dir,
    ):
        (on_pinned or (lambda _: None))(data_dir)
        pinned = settings.with_data_dir(data_dir)
        _say_which_snapshot(data_dir)
        require_data(pinned.processed_dir, period, municipality)
        parameters = {
            "period": period.label,
            "municipality": municipality,
            "data_dir": str(pinned.data_dir),
        }
        for notebook in notebooks:
            check_parameters(notebook.source, parameters | notebook.parameters)
        _build_and_publish(pinned, period, municipality, notebooks, parameters, workers)
    snapshots.remove_unpinned_when_idle(settings.data_dir)
    return target


def read_snapshot(folder: Path) -> str | None:
    """The snapshot of the processed data a published run read (from its manifest); None
    for a run of processed data that was no snapshot, or a folder without a manifest."""
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("snapshot")


def _say_which_snapshot(pinned: Path) -> None:
    if not snapshots.is_snapshot(pinned):
        log.warning("%s is no snapshot: the run reads it as it is", pinned / "processed")
        return
    progress(f"  processed data: snapshot {snapshots.snapshot_id(pinned)}")
    log.info("reading processed data of snapshot %s", snapshots.snapshot_id(pinned))


def remove_stale_staging(reports_dir: Path) -> list[Path]:
    """Remove the staging folders that runs left when they were killed, in every
    municipality's folder under ``reports_dir``; returns them. A staging folder belongs to
    a run of its period, which holds the period's lock while it lives: a folder whose lock
    is free is a dead run's (and one whose lock is held, a live run's: it is kept)."""
    removed = []
    for staging in sorted(Path(reports_dir).glob(f"*/.*{STAGING_INFIX}*")):
        label = staging.name[1:].split(STAGING_INFIX)[0]
        lock = staging.with_name(f".{label}.lock")
        try:
            with exclusive(lock, timeout=0, what=f"a run of {label}"):
                shutil.rmtree(staging, ignore_errors=True)
        except BusyError:
            continue  # a live run's
        removed.append(staging)
        log.info("removed %s, left by a run that was killed", staging)
    return removed


def _build_and_publish(settings, period, municipality, notebooks, parameters, workers) -> None:
    started = time.time()
    target = period_folder(settings, municipality, period)
    staging = target.with_name(f".{target.name}{STAGING_INFIX}{os.getpid()}")
    # what runs of this period left when killed (this run holds the period's lock): the
    # published set moved aside by a publish cut short goes back, staging folders go
    recover_publish(target)
    for leftover in target.parent.glob(f".{target.name}{STAGING_INFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    remove_stale_staging(settings.reports_dir)  # of the other periods
    with writing(staging):
        staging.mkdir(parents=True)
    log.info("run of %s %s: %d notebooks", municipality, period, len(notebooks))
    try:
        # the tables need no notebook: they are made meanwhile, in this process
        with ThreadPoolExecutor(max_workers=1) as side:
            tables = side.submit(_write_tables, staging, settings, period, municipality)
            runs = _execute_all(notebooks, staging, parameters, settings, workers)
        report = tables.result()
        _write_combined(staging, municipality, period, runs)
        document = _write_document(staging, report, runs)
        _write_manifest(staging, settings, parameters, runs, started, document)
    except _NotebooksFailed as failure:
        _keep_failed(staging, failure.first)
    except WriteError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise WriteError(f"{error}; {target} stays as it was") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_folder(staging, target)
    shutil.rmtree(target.with_name(target.name + FAILED_SUFFIX), ignore_errors=True)
    log.info("published %s in %.1f s", target, time.time() - started)


def document_title(municipality: str, period: Period) -> str:
    """The title of the combined report and of the PDF.

    >>> document_title("Heemstede", Period.parse("2025-H2"))
    'Prestatieafspraken Heemstede – tweede halfjaar 2025'
    """
    return f"Prestatieafspraken {municipality} \u2013 {period.dutch_label}"


def _write_combined(staging: Path, municipality: str, period: Period, runs) -> None:
    """Every report of the period in one document, as published (overview first)."""
    from bibanalyse.export import export_combined

    parts = [(run.report.name, run.executed) for run in runs]
    out = staging / combined_name(municipality, period)
    export_combined(parts, out, title=document_title(municipality, period))


def _write_tables(staging: Path, settings: Settings, period: Period, municipality: str):
    """``indicatoren.csv`` and ``oordelen.csv``, from one reading of the processed data;
    returns that report model, whose title, contents and notes the PDF takes."""
    from bibanalyse.indicators.table import indicator_csv
    from bibanalyse.report import Report

    report = Report.for_settings(settings, period, municipality)
    write_atomically(staging / INDICATOR_FILE, indicator_csv(report.indicators))
    write_atomically(staging / VERDICT_FILE, indicator_csv(report.verdicts()))
    return report


def _write_document(staging: Path, report, runs) -> dict:
    """The PDF of the executed notebooks, as published (overview first), and its entry in
    the manifest; where the engine is missing, an entry that says so and why."""
    from bibanalyse import document

    if reason := document.engine_missing():
        log.warning("no PDF made: %s", reason)
        return {"path": None, "reason": reason}
    started = time.perf_counter()
    municipality, period = report.municipality, report.period
    parts = [(run.report.name, run.executed) for run in runs]
    title = document_title(municipality, period)
    html = document.document_html(parts, document.front_matter(report), title=title)
    made = document.write_pdf(html, staging / combined_name(municipality, period, ".pdf"))
    seconds = time.perf_counter() - started
    progress(f"  {made.path.name}: {made.pages} pages in {seconds:.1f} s")
    return {
        **_file_entry(made.path, staging),
        "pages": made.pages,
        "engine": document.engine_version(),
        "seconds": round(seconds, 2),
    }


def check_parameters(notebook: Path, parameters: dict) -> None:
    """An unknown parameter name is an error, not papermill's warning."""
    import papermill

    known = papermill.inspect_notebook(str(notebook))
    if unknown := sorted(set(parameters) - set(known)):
        raise ValueError(
            f"{notebook.name}: unknown parameter {', '.join(unknown)}; "
            f"the notebook takes {', '.join(known) or 'none'}"
        )


def ensure_kernel() -> None:
    """Install the project's kernel into this environment when it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME in KernelSpecManager().find_kernel_specs():
        return
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name="bibanalyse", prefix=sys.prefix)


def _execute_all(notebooks, staging, parameters, settings, workers) -> list[NotebookRun]:
    workers = workers or min(len(notebooks), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(_execute_one, notebook, staging, parameters, settings)
            for notebook in notebooks
        ]
        errors = [future.exception() for future in futures]
    if failures := [error for error in errors if error is not None]:
        raise _NotebooksFailed(failures[0])
    return [future.result() for future in futures]


class _NotebooksFailed(Exception):
    def __init__(self, first: BaseException) -> None:
        super().__init__(str(first))
        self.first = first


def _keep_failed(staging: Path, first: BaseException) -> None:
    """Keep the executed notebooks of a failed run in ``<periode>.failed/`` and raise."""
    failed = staging.with_name(staging.name.split(".staging")[0][1:] + FAILED_SUFFIX)
    shutil.rmtree(failed, ignore_errors=True)
    os.rename(staging, failed)
    if isinstance(first, _CellError):
        raise NotebookFailed(first.notebook, first.detail, failed / first.notebook) from first
    if isinstance(first, WriteError):
        published = failed.with_name(failed.name.removesuffix(FAILED_SUFFIX))
        raise WriteError(
            f"{first}; {published} stays as it was (what was made is kept in {failed})"
        ) from first
    raise first


class _CellError(Exception):
    def __init__(self, notebook: str, detail: str) -> None:
        super().__init__(detail)
        self.notebook, self.detail = notebook, detail


def _kernel_manager_class():
    from jupyter_client import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        """A kernel whose own log lines (start-up, an interrupt at shutdown) go to the run's
        log file rather than the terminal or cron's mail, and whose messages are encrypted
        (CurveZMQ) where the kernel supports it."""

        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.transport_encryption = "auto"

        # ``start_kernel`` itself: jupyter_client binds it to its own ``_async_start_kernel``,
        # so overriding that one changes nothing. Restarts reuse these arguments.
        async def start_kernel(self, **kw) -> None:
            kw.setdefault("stderr", log_stream())
            await super().start_kernel(**kw)

    return QuietKernelManager


def _execute_one(notebook: ReportNotebook, staging: Path, parameters, settings) -> NotebookRun:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from bibanalyse.export import export_html

    started = time.perf_counter()
    executed = staging / f"{notebook.name}.ipynb"
    source = with_goal_cells(nbformat.read(notebook.source, as_version=4), notebook.goals)
    progress(f"  {notebook.name}: started")
    try:
        with writing(executed, only=WRITE_ERRORS):  # papermill writes it as cells run
            node = papermill.execute_notebook(
                source,
                str(executed),
                parameters=parameters | notebook.parameters,
                kernel_name=KERNEL_NAME,
                cwd=str(notebook.source.parent),
                execution_timeout=settings.cell_timeout,
                progress_bar=False,
                log_output=False,
                kernel_manager_class=_kernel_manager_class(),
            )
    except PapermillExecutionError as error:
        detail = f"cell {error.cell_index} (execution count {error.exec_count}): {error.ename}: "
        log.error("%s failed: %s%s", executed.name, detail, error.evalue)
        raise _CellError(executed.name, detail + str(error.evalue)) from error
    html = staging / f"{notebook.name}.html"
    with writing(html, only=WRITE_ERRORS):
        export_html(node, html)
    seconds = time.perf_counter() - started
    progress(f"  {notebook.name}: done in {seconds:.1f} s")
    return NotebookRun(notebook, node, seconds, _warnings(node))


def _warnings(node: nbformat.NotebookNode) -> tuple[str, ...]:
    """The text a notebook wrote to stderr (warnings), for the manifest."""
    return tuple(
        output.get("text", "").strip()
        for cell in node.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )


def _write_manifest(staging, settings, parameters, runs, started, document: dict) -> None:
    """What the run read (the snapshot and each of its files, with sha256), with what and
    how it went; ``settings`` are the run's, its data folder the snapshot pinned."""
    inputs = sorted(path for path in settings.processed_dir.rglob("*") if path.is_file())
    in_snapshot = snapshots.is_snapshot(settings.data_dir)
    snapshot = snapshots.snapshot_id(settings.data_dir) if in_snapshot else None
    manifest = {
        "bibanalyse": __version__,
        "python": platform.python_version(),
        "parameters": parameters,
        "snapshot": snapshot,
        "started": _iso(started),
        "finished": _iso(time.time()),
        "seconds": round(time.time() - started, 2),
        "inputs": [_file_entry(path, settings.data_dir) for path in inputs],
        "notebooks": [_notebook_entry(run) for run in runs],
        "pdf": document,
        "warnings": [f"{run.report.name}: {text}" for run in runs for text in run.warnings],
    }
    write_atomically(
        staging / MANIFEST_FILE, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    )


def _notebook_entry(run: NotebookRun) -> dict:
    """The report a notebook made, the notebook it ran and with what."""
    source = run.report.source
    return {
        "report": run.report.name,
        **_file_entry(source, source.parent.parent),
        "parameters": run.report.parameters,
        "seconds": round(run.seconds, 2),
    }


def _file_entry(path: Path, relative_to: Path) -> dict:
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256")
    return {
        "path": path.relative_to(relative_to).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(timestamp))
