"""The period run: execute the report notebooks with papermill and publish them as HTML.

For each period the notebooks (the overview and one per ambition of the agreement in force)
run in parallel, each in the project's own kernel with explicit parameters, working folder
and cell time-out, and are exported in-process to self-contained HTML. Everything is built
in a staging folder beside the published one and swapped in only when complete: a failed
run publishes nothing of its period and keeps the executed notebooks in
``<periode>.failed/`` for inspection.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from bibanalyse import __version__
from bibanalyse.agreements import agreement_for
from bibanalyse.config import Settings
from bibanalyse.files import publish_folder
from bibanalyse.indicators import write_indicator_table
from bibanalyse.locks import exclusive
from bibanalyse.logs import log_stream, progress
from bibanalyse.periods import Period
from bibanalyse.store import require_data

KERNEL_NAME = "bibanalyse"
OVERVIEW = "00_overzicht"
INDICATOR_FILE = "indicatoren.csv"
MANIFEST_FILE = "manifest.json"
FAILED_SUFFIX = ".failed"

log = logging.getLogger(__name__)


class NotebookFailed(RuntimeError):
    """A report notebook raised: exit code 1."""

    def __init__(self, notebook: str, detail: str, kept: Path) -> None:
        super().__init__(f"notebook {notebook} failed: {detail}; executed notebook kept in {kept}")
        self.notebook = notebook
        self.kept = kept


@dataclass(frozen=True)
class NotebookRun:
    name: str
    seconds: float
    warnings: tuple[str, ...]


def period_folder(settings: Settings, municipality: str, period: Period) -> Path:
    return settings.reports_dir / municipality / period.label


def report_notebooks(notebooks_dir: Path, municipality: str, period: Period) -> list[Path]:
    """The overview and the ambition notebooks of the agreement in force for the period."""
    agreement = agreement_for(municipality, period)
    names = [OVERVIEW] + [ambition.slug for ambition in agreement.ambitions]
    paths = [notebooks_dir / f"{name}.ipynb" for name in names]
    if missing := [path.name for path in paths if not path.is_file()]:
        raise FileNotFoundError(f"{notebooks_dir}: report notebooks missing: {', '.join(missing)}")
    return paths


def run_period(
    settings: Settings,
    period: Period,
    municipality: str,
    *,
    notebooks_dir: Path,
    workers: int | None = None,
) -> Path:
    """Run and publish one period's reports; returns the published folder.

    Holds the period's lock meanwhile: a second run of the same period waits for it at
    most ``settings.lock_timeout`` seconds, then raises ``BusyError``.
    """
    notebooks = report_notebooks(notebooks_dir, municipality, period)
    require_data(settings.processed_dir, period, municipality)
    parameters = {
        "period": period.label,
        "municipality": municipality,
        "data_dir": str(settings.data_dir),
    }
    for notebook in notebooks:
        check_parameters(notebook, parameters)
    ensure_kernel()
    target = period_folder(settings, municipality, period)
    lock = target.with_name(f".{target.name}.lock")
    with exclusive(lock, timeout=settings.lock_timeout, what=f"a run of {municipality} {period}"):
        _build_and_publish(settings, period, municipality, notebooks, parameters, workers)
    return target


def _build_and_publish(settings, period, municipality, notebooks, parameters, workers) -> None:
    started = time.time()
    target = period_folder(settings, municipality, period)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log.info("run of %s %s: %d notebooks", municipality, period, len(notebooks))
    try:
        runs = _execute_all(notebooks, staging, parameters, settings, workers)
        write_indicator_table(settings, period, municipality, staging / INDICATOR_FILE)
        _write_manifest(staging, settings, notebooks, parameters, runs, started)
    except NotebookFailed:
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_folder(staging, target)
    shutil.rmtree(target.with_name(target.name + FAILED_SUFFIX), ignore_errors=True)
    log.info("published %s in %.1f s", target, time.time() - started)


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
        failed = staging.with_name(staging.name.split(".staging")[0][1:] + FAILED_SUFFIX)
        shutil.rmtree(failed, ignore_errors=True)
        os.rename(staging, failed)
        first = failures[0]
        if isinstance(first, _CellError):
            raise NotebookFailed(first.notebook, first.detail, failed / first.notebook) from first
        raise first
    return [future.result() for future in futures]


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


def _execute_one(notebook: Path, staging: Path, parameters, settings) -> NotebookRun:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from bibanalyse.export import export_html

    started = time.perf_counter()
    executed = staging / notebook.name
    progress(f"  {notebook.stem}: started")
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(notebook.parent),
            execution_timeout=settings.cell_timeout,
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except PapermillExecutionError as error:
        detail = f"cell {error.cell_index} (execution count {error.exec_count}): {error.ename}: "
        log.error("%s failed: %s%s", notebook.name, detail, error.evalue)
        raise _CellError(notebook.name, detail + str(error.evalue)) from error
    node = nbformat.read(executed, as_version=4)
    export_html(node, staging / f"{notebook.stem}.html")
    seconds = time.perf_counter() - started
    progress(f"  {notebook.stem}: done in {seconds:.1f} s")
    return NotebookRun(notebook.stem, seconds, _warnings(node))


def _warnings(node: nbformat.NotebookNode) -> tuple[str, ...]:
    """The text a notebook wrote to stderr (warnings), for the manifest."""
    return tuple(
        output.get("text", "").strip()
        for cell in node.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    )


def _write_manifest(staging, settings, notebooks, parameters, runs, started) -> None:
    inputs = sorted(path for path in settings.processed_dir.rglob("*") if path.is_file())
    manifest = {
        "bibanalyse": __version__,
        "python": platform.python_version(),
        "parameters": parameters,
        "started": _iso(started),
        "finished": _iso(time.time()),
        "seconds": round(time.time() - started, 2),
        "inputs": [_file_entry(path, settings.data_dir) for path in inputs],
        "notebooks": [
            {**_file_entry(path, path.parent.parent), "seconds": round(run.seconds, 2)}
            for path, run in zip(notebooks, runs, strict=True)
        ],
        "warnings": [f"{run.name}: {text}" for run in runs for text in run.warnings],
    }
    (staging / MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _file_entry(path: Path, relative_to: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return {
        "path": path.relative_to(relative_to).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(timestamp))
