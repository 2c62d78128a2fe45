"""Snapshots of the processed data: each ingest writes a complete new one beside the current
one and switches to it at once; a run pins the one it starts on and reads only that.

Under the data folder::

    processed -> snapshots/<id>/processed   the current snapshot: a relative symbolic link,
                                            so data/processed/<table>.parquet reads as ever
    snapshots/<id>/processed/               a snapshot: the tables, rejected/ and
                                            ingest_report.csv of one ingest; never changed
    snapshots/<id>/.pin                     held shared (flock) by each run reading it
    snapshots/.building-<random>/           what an ingest is building, until complete

The switch is one ``rename`` of a new link over the old one (atomic on POSIX): a reader that
opens ``data/processed/...`` finds the old snapshot or the new one, never half of one. A
run resolves the link once, pins the snapshot (a shared lock on its ``.pin``) and hands the
snapshot's folder to everything it starts (``data_dir`` of the notebooks), so every table it
reads is of that one ingest, however many ingests switch meanwhile. A snapshot that is not
current is removed once no run pins it (an exclusive, non-blocking lock on its ``.pin``), by
the ingest that replaces it or by the last run that read it; removal holds the ingest's lock,
so it never races an ingest's switch. See ``docs/snapshots.md`` for why this design.

Needs POSIX (symbolic links, ``flock``): Linux and macOS.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

SNAPSHOTS = "snapshots"
PROCESSED = "processed"
PIN = ".pin"
INGEST_LOCK = ".ingest.lock"
BUILDING_PREFIX = ".building-"
REMOVING_PREFIX = ".removing-"
LINK_PREFIX = ".processed-link-"
_PIN_ATTEMPTS = 100

log = logging.getLogger(__name__)


def snapshot_id(snapshot: Path) -> str:
    """The name of a snapshot, such as ``20261203T071858Z-3f9a2c``: when it was made (UTC)."""
    return Path(snapshot).name


def current(data_dir: Path) -> Path | None:
    """The current snapshot's folder (holding ``processed/``), or None when
    ``data_dir/processed`` is no link to a snapshot (not ingested yet, or by a version before
    snapshots, or made by hand)."""
    link = Path(data_dir) / PROCESSED
    if not link.is_symlink():
        return None
    target = (link.parent / os.readlink(link)).resolve()
    snapshot = target.parent
    if target.name != PROCESSED or snapshot.parent != (Path(data_dir) / SNAPSHOTS).resolve():
        return None
    return snapshot


def start_building(data_dir: Path) -> Path:
    """A new, empty snapshot folder for an ingest to build (``processed/`` in it); what
    ingests that were killed left half built is removed first. Call with the ingest's lock
    held: then no other snapshot is being built."""
    folder = Path(data_dir) / SNAPSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(f"{BUILDING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    building = folder / f"{BUILDING_PREFIX}{secrets.token_hex(4)}"
    (building / PROCESSED).mkdir(parents=True)
    return building


def complete(building: Path) -> Path:
    """The snapshot ``building`` as built: named by the time (UTC) and made pinnable."""
    (building / PIN).touch()
    name = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(3)}"
    snapshot = building.with_name(name)
    os.rename(building, snapshot)
    return snapshot


def switch_to(data_dir: Path, snapshot: Path) -> None:
    """Make ``snapshot`` the current one: a new link renamed over ``data_dir/processed`` in
    one step. A ``processed/`` folder of a version before snapshots is moved aside first
    (then, once, ``processed`` is briefly absent) and removed."""
    data_dir = Path(data_dir)
    link = data_dir / PROCESSED
    temporary = data_dir / f"{LINK_PREFIX}{secrets.token_hex(4)}"
    os.symlink(os.path.relpath(snapshot / PROCESSED, data_dir), temporary)
    retired = None
    try:
        if link.is_dir() and not link.is_symlink():
            retired = data_dir / f".{PROCESSED}.retired-{os.getpid()}"
            os.rename(link, retired)
        os.replace(temporary, link)
    finally:
        temporary.unlink(missing_ok=True)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
    log.info("processed data: snapshot %s is current", snapshot_id(snapshot))


def remove_switch_leftovers(data_dir: Path) -> None:
    """Remove what a ``switch_to`` killed midway left in ``data_dir``: its new link, not yet
    renamed, and a processed folder of a version before snapshots, moved aside. Call with
    the ingest's lock held."""
    for link in Path(data_dir).glob(f"{LINK_PREFIX}*"):
        link.unlink(missing_ok=True)
    for retired in Path(data_dir).glob(f".{PROCESSED}.retired-*"):
        shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def pinned(data_dir: Path) -> Iterator[Path]:
    """The data folder to read for the block: the current snapshot's folder (it holds
    ``processed/``), pinned so that no ingest removes it meanwhile; a snapshot's folder
    given as ``data_dir`` is pinned as it is; ``data_dir`` itself (unpinned) when its
    ``processed/`` is no snapshot (see ``current``)."""
    held = _pin(Path(data_dir))
    if held is None:
        yield Path(data_dir)
        return
    snapshot, descriptor = held
    try:
        yield snapshot
    finally:
        os.close(descriptor)  # releases the pin


def is_snapshot(folder: Path) -> bool:
    """Whether ``folder`` is a complete snapshot (``data/snapshots/<id>``), as ``pinned``
    yields it: a command that pinned one hands it on as its data folder."""
    folder = Path(folder)
    return folder.parent.name == SNAPSHOTS and (folder / PIN).is_file()


def _pin(data_dir: Path) -> tuple[Path, int] | None:
    """The current snapshot and an open descriptor of its ``.pin``, locked shared (or
    ``data_dir`` itself, pinned again, when it is a snapshot). A snapshot may be replaced
    and removed between finding and locking it: then the next."""
    if is_snapshot(data_dir):
        descriptor = os.open(data_dir / PIN, os.O_RDONLY)
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # the caller's pin keeps it: no wait
        return data_dir, descriptor
    for _ in range(_PIN_ATTEMPTS):
        snapshot = current(data_dir)
        if snapshot is None:
            return None
        try:
            descriptor = os.open(snapshot / PIN, os.O_RDONLY)
        except FileNotFoundError:
            continue  # removed meanwhile: the link names a newer one
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only while one is being removed
        if _same_file(descriptor, snapshot / PIN):
            return snapshot, descriptor
        os.close(descriptor)  # removed between open and lock
    raise RuntimeError(f"{data_dir}: could not pin a snapshot of the processed data")


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        found = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (found.st_dev, found.st_ino)


def remove_unpinned(data_dir: Path) -> list[str]:
    """Remove every snapshot that is not current and that no run pins, and what a killed
    ingest or removal left; returns the names removed. Call with the ingest's lock held (see
    ``remove_unpinned_when_idle``)."""
    folder = Path(data_dir) / SNAPSHOTS
    if not folder.is_dir():
        return []
    for leftover in folder.glob(f"{REMOVING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    keep = current(data_dir)
    stale = [
        path
        for path in sorted(folder.iterdir())
        if path.is_dir() and not path.name.startswith(".") and path != keep
    ]
    removed = [path.name for path in stale if _remove_if_unpinned(path)]
    if removed:
        log.info("processed data: snapshots removed, no run reading them: %s", ", ".join(removed))
    return removed


def remove_unpinned_when_idle(data_dir: Path) -> list[str]:
    """``remove_unpinned`` unless an ingest holds its lock (it removes them itself when it
    has switched); for a run that has stopped reading its snapshot."""
    lock = FileLock(Path(data_dir) / INGEST_LOCK)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return []
    try:
        return remove_unpinned(data_dir)
    finally:
        lock.release()


def _remove_if_unpinned(snapshot: Path) -> bool:
    """Remove ``snapshot`` unless a run pins it: moved aside under its pin's exclusive
    lock (so that no run pins it from then on), then removed."""
    try:
        descriptor = os.open(snapshot / PIN, os.O_RDONLY)
    except FileNotFoundError:
        descriptor = None  # no pin: never completed, so never current or read
    try:
        if descriptor is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a run reads it
        aside = snapshot.with_name(f"{REMOVING_PREFIX}{snapshot.name}")
        os.rename(snapshot, aside)
    finally:
        if descriptor is not None:
            os.close(descriptor)
    shutil.rmtree(aside, ignore_errors=True)
    return True
