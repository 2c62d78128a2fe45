"""Writing files and folders so that a reader never sees half of them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def publish_folder(staging: Path, target: Path) -> None:
    """Swap a complete ``staging`` folder in for ``target`` (which may not exist yet).

    Both renames are atomic; between them ``target`` is briefly absent, never half-made.
    """
    retired = target.with_name(f".{target.name}.retired-{os.getpid()}")
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = data.encode("utf-8") if isinstance(data, str) else data
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
