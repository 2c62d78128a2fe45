"""A log file per command run, and progress that shows on a terminal only.

Under cron or a systemd timer nothing is printed but errors; what happened is in
``logs/<time>-<command>.log`` (the settings' logs folder). On a terminal, long work shows a
tqdm progress bar (:func:`steps`) and lines of progress (:func:`progress`) on stderr.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from bibanalyse.config import Settings

LOGGER = "bibanalyse"


def start_log(settings: Settings, command: str) -> Path:
    """Send the package's log records of this command to a new file; returns its path."""
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = settings.logs_dir / f"{stamp}-{command}-{os.getpid()}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return path


def stop_log(path: Path) -> None:
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            logger.removeHandler(handler)
            handler.close()


def log_stream():
    """A stream into the current log file, for a child process's stderr (DEVNULL when no
    log file is open)."""
    for handler in logging.getLogger(LOGGER).handlers:
        if isinstance(handler, logging.FileHandler):
            return handler.stream
    return subprocess.DEVNULL


def on_terminal() -> bool:
    return sys.stderr.isatty()


def progress(text: str) -> None:
    """Log ``text``, and show it on the terminal when there is one (above a progress bar)."""
    logging.getLogger(LOGGER).info(text)
    if on_terminal():
        tqdm.write(text, file=sys.stderr)


Step = Callable[[str, int, int], None]  # (name, number, of): step ``number`` starts

_BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]"


@contextmanager
def steps(description: str) -> Iterator[Step]:
    """A progress bar over numbered steps, on the terminal only; every step is logged.

    Yields ``step(name, number, total)``, to be called as step ``number`` of ``total``
    starts; the bar (tqdm) shows the steps done, the time left and the name of the step
    under way, and is full when the work inside the ``with`` ends without an error.
    """
    log = logging.getLogger(LOGGER)
    bars: list[tqdm] = []  # made at the first step, once the number of steps is known

    def step(name: str, number: int, total: int) -> None:
        log.info("[%d/%d] %s", number, total, name)
        if not bars:
            bars.append(
                tqdm(
                    total=total,
                    desc=description,
                    postfix=name,
                    bar_format=_BAR_FORMAT,
                    file=sys.stderr,
                    disable=not on_terminal(),
                )
            )
        bars[0].set_postfix_str(name, refresh=False)
        bars[0].update(number - 1 - bars[0].n)

    try:
        yield step
        for bar in bars:
            bar.update(bar.total - bar.n)
    finally:
        for bar in bars:
            bar.close()
