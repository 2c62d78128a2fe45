"""Settings and paths: the one place where the project's locations and options are decided.

Settings come from ``bibanalyse.toml`` in the project folder, then from environment
variables, which win. The project folder is the one named (``--project DIR`` on the command
line, else the environment variable ``BIBANALYSE_PROJECT`` or its older name
``BIBANALYSE_HOME``), else the nearest folder up from the working directory that holds
``bibanalyse.toml``, as git finds its repository. Secrets (the pseudonymisation key, the SMTP
password) come only from the environment or from a git-ignored key file, never from the
settings file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

SETTINGS_FILE = "bibanalyse.toml"
PROJECT_ENV = "BIBANALYSE_PROJECT"
PROJECT_ENV_ALIAS = "BIBANALYSE_HOME"  # its older name, still honoured
KEY_ENV = "BIBANALYSE_KEY"
SMTP_PASSWORD_ENV = "BIBANALYSE_SMTP_PASSWORD"
DEFAULT_MUNICIPALITY = "Heemstede"
DEFAULT_CLASS_SIZE = 23


class ProjectNotFound(ValueError):
    """No project folder could be found or the one named is not a project."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    starttls: bool = True
    user: str = ""
    sender: str = "rapportage@bibliotheekzk.nl"


@dataclass(frozen=True)
class Settings:
    """Where things are and how figures are computed; see ``load_settings``."""

    root: Path
    data_dir: Path
    reports_dir: Path
    key_file: Path
    logs_dir: Path
    municipality: str = DEFAULT_MUNICIPALITY
    class_size: int = DEFAULT_CLASS_SIZE
    cell_timeout: int = 600
    lock_timeout: int = 900
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    def with_data_dir(self, data_dir: Path | str | None) -> Settings:
        """These settings with another data folder (None or empty keeps the current one)."""
        if not data_dir:
            return self
        return replace(self, data_dir=Path(data_dir).resolve())

    def with_reports_dir(self, reports_dir: Path | str | None) -> Settings:
        """These settings with another reports folder (None or empty keeps the current one)."""
        if not reports_dir:
            return self
        return replace(self, reports_dir=Path(reports_dir).resolve())


def find_root(
    start: Path | None = None, *, project: Path | str | None = None, required: bool = False
) -> Path:
    """The project folder: ``project`` if given, else the folder named by
    ``BIBANALYSE_PROJECT`` (or ``BIBANALYSE_HOME``), else the nearest folder up from ``start``
    (default: the working directory) holding ``bibanalyse.toml``.

    A named folder must hold ``bibanalyse.toml``. Where none is named or found, ``required``
    makes that an error (the command line); otherwise ``start`` itself is the project, with
    the default settings (a notebook opened outside a project, given its data folder).
    """
    named, source = project, "--project"
    if not named:
        for variable in (PROJECT_ENV, PROJECT_ENV_ALIAS):
            if named := os.environ.get(variable):
                source = variable
                break
    if named:
        folder = Path(named).expanduser().resolve()
        if not (folder / SETTINGS_FILE).is_file():
            what = "no such folder" if not folder.is_dir() else f"no {SETTINGS_FILE} in it"
            raise ProjectNotFound(f"project folder {folder} (from {source}): {what}")
        return folder
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    if required:
        raise ProjectNotFound(
            f"no {SETTINGS_FILE} found in {start} or any folder above it; name the project "
            f"folder with --project DIR or the environment variable {PROJECT_ENV}"
        )
    return start


def load_settings(
    start: Path | None = None, *, project: Path | str | None = None, required: bool = False
) -> Settings:
    """Settings from the project's ``bibanalyse.toml`` and the environment; the project is
    found as :func:`find_root` says."""
    root = find_root(start, project=project, required=required)
    values = _read_settings_file(root / SETTINGS_FILE)
    paths = values.get("paths", {})
    data_dir = os.environ.get("BIBANALYSE_DATA_DIR") or paths.get("data_dir", "data")
    reports_dir = os.environ.get("BIBANALYSE_REPORTS_DIR") or paths.get("reports_dir", "reports")
    key_file = os.environ.get("BIBANALYSE_KEY_FILE") or paths.get("key_file", ".bibanalyse.key")
    logs_dir = os.environ.get("BIBANALYSE_LOGS_DIR") or paths.get("logs_dir", "logs")
    report = values.get("report", {})
    run = values.get("run", {})
    return Settings(
        root=root,
        data_dir=(root / data_dir).resolve(),
        reports_dir=(root / reports_dir).resolve(),
        key_file=(root / key_file).resolve(),
        logs_dir=(root / logs_dir).resolve(),
        municipality=report.get("municipality", DEFAULT_MUNICIPALITY),
        class_size=int(report.get("class_size", DEFAULT_CLASS_SIZE)),
        cell_timeout=int(run.get("cell_timeout", 600)),
        lock_timeout=int(run.get("lock_timeout", 900)),
        smtp=SmtpSettings(**values.get("smtp", {})),
    )


def _read_settings_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not a valid settings file: {error}") from error
