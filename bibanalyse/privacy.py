"""Personal data stops here: member numbers become keyed pseudonyms, birth dates birth
years, postcodes their four digits. The key is a secret from the environment
(``BIBANALYSE_KEY``) or a git-ignored key file, never from the repository."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from bibanalyse.config import KEY_ENV, Settings

PSEUDONYM_LENGTH = 16  # hex digits: 64 bits, no collision in any library's membership


class MissingKeyError(RuntimeError):
    """No pseudonymisation key is set."""


def load_key(settings: Settings) -> bytes:
    """The pseudonymisation key: ``BIBANALYSE_KEY``, else the settings' key file."""
    if key := os.environ.get(KEY_ENV, "").strip():
        return key.encode("utf-8")
    if settings.key_file.is_file():
        key = settings.key_file.read_text(encoding="utf-8").strip()
        if key:
            return key.encode("utf-8")
    raise MissingKeyError(
        f"no pseudonymisation key: set the environment variable {KEY_ENV}, "
        f"or create a local key file with `bibanalyse init-key` (it writes {settings.key_file})"
    )


def create_key_file(path: Path) -> bool:
    """Write a new random key to ``path`` (readable by its owner only) unless one exists;
    True when a key was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secrets.token_hex(32) + "\n")
    return True


def pseudonymise(numbers: pd.Series, key: bytes) -> pd.Series:
    """Keyed pseudonyms (HMAC-SHA256) for member numbers, computed once per distinct number.

    >>> pseudonymise(pd.Series(["0012", "0012", None], dtype="str"), b"k").tolist()[:2]
    ['18188168f0120e86', '18188168f0120e86']
    """
    codes, distinct = pd.factorize(numbers)
    digests = np.array([_digest(key, number) for number in distinct] + [None], dtype=object)
    return pd.Series(digests[codes], index=numbers.index, dtype="str")


def _digest(key: bytes, number: str) -> str:
    return hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]
