"""A log file per command run, and progress that shows on a terminal only.

Under cron or a systemd timer nothing is printed but errors; what happened is in
``logs/<time>-<command>.log`` (the settings' logs folder).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

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


def progress(text: str, *, final: bool = True) -> None:
    """Log ``text``, and show it on the terminal when there is one."""
    logging.getLogger(LOGGER).info(text)
    if on_terminal():
        print(
            text if final else f"\r{text:<60}",
            end="\n" if final else "",
            file=sys.stderr,
            flush=True,
        )
