"""Writing files and folders so that a reader never sees half of them, and so that a write
that fails (a full disk, no permission) says which file it was."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriteError(OSError):
    """A file could not be written; the message names it."""


WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)
"""The errors of a write that fails for the disk or the permissions, not for the writer."""


@contextmanager
def writing(path: Path, *, only: frozenset[int] | None = None) -> Iterator[None]:
    """Name ``path`` in the error when writing it in this block fails: an ``OSError`` from
    the writer (which often names no file, as pyarrow's and ``file.write``'s do) becomes a
    ``WriteError`` saying what could not be written and why. With ``only``, just the
    errors of those numbers (for a block that does more than write, see ``WRITE_ERRORS``).

    >>> with writing(Path("report.csv")):
    ...     raise OSError(28, "No space left on device")
    Traceback (most recent call last):
    ...
    bibanalyse.files.WriteError: cannot write report.csv: No space left on device
    """
    try:
        yield
    except WriteError:
        raise
    except OSError as error:
        if only is not None and error.errno not in only:
            raise
        reason = error.strerror or str(error) or type(error).__name__
        failure = WriteError(f"cannot write {path}: {reason}")
        failure.errno = error.errno
        raise failure from error


def publish_folder(staging: Path, target: Path) -> None:
    """Swap a complete ``staging`` folder in for ``target`` (which may not exist yet).

    Both renames are atomic; between them ``target`` is briefly absent, never half-made.
    """
    retired = target.with_name(f".{target.name}.retired-{os.getpid()}")
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def recover_publish(target: Path) -> None:
    """Undo a ``publish_folder`` cut short between its renames (a process killed there):
    the published set it moved aside goes back to ``target`` when ``target`` is missing;
    what other such publishes moved aside is removed.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / ".2025-H2.retired-4711").mkdir()
    >>> recover_publish(folder / "2025-H2")
    >>> sorted(path.name for path in folder.iterdir())
    ['2025-H2']
    """
    retired = sorted(
        target.parent.glob(f".{target.name}.retired-*"), key=lambda path: path.stat().st_mtime
    )
    if retired and not target.exists():
        os.rename(retired.pop(), target)
    for leftover in retired:
        shutil.rmtree(leftover, ignore_errors=True)


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder; a failure
    names ``path`` and leaves it as it was."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            os.fchmod(descriptor, 0o666 & ~_umask())  # as open() would, not mkstemp's 0600
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
