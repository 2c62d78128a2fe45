"""Locks, so that two scheduled or hand-started runs never write the same thing at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class BusyError(RuntimeError):
    """Another process held the lock for longer than we were willing to wait."""


@contextmanager
def exclusive(path: Path, *, timeout: float, what: str) -> Iterator[None]:
    """Hold the lock file ``path`` for the block, waiting at most ``timeout`` seconds for
    another holder; then raise ``BusyError`` naming ``what`` is busy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(timeout=timeout)
    except Timeout as error:
        raise BusyError(
            f"{what} is already in progress (lock {path}); gave up after waiting {timeout:g} s"
        ) from error
    try:
        yield
    finally:
        lock.release()
