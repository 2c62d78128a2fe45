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

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

SETTINGS_FILE = "bibanalyse.toml"
PROJECT_ENV = "BIBANALYSE_PROJECT"
PROJECT_ENV_ALIAS = "BIBANALYSE_HOME"  # its older name, still honoured
KEY_ENV = "BIBANALYSE_KEY"
SMTP_PASSWORD_ENV = "BIBANALYSE_SMTP_PASSWORD"
DEFAULT_MUNICIPALITY = "Heemstede"
DEFAULT_CLASS_SIZE = 23


class ProjectNotFound(ValueError):
    """No project folder could be found or the one named is not a project."""


def _frozen(per_row: dict[str, dict[str, int]]) -> Mapping[str, Mapping[str, int]]:
    return MappingProxyType({name: MappingProxyType(dict(c)) for name, c in per_row.items()})


PER_ROW_BOUNDS = _frozen(
    {
        "activiteiten": {"aantal_deelnemers": 5_000, "aantal_klassen": 50},
        "bezoekerstellingen": {
            "bezoekers": 2_000,
            "bezette_werkplekken": 500,
            "beschikbare_werkplekken": 500,
        },
        "communicatie": {"bereik": 10_000_000},
        "digitaal": {"gebruik": 1_000_000},
        "bevolking": {"aantal": 10_000_000},
    }
)
"""The largest plausible count in one row, per source and column (the data contract's
defaults); ``[bounds]`` in ``bibanalyse.toml`` overrides them."""
EARLIEST_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Bounds:
    """Plausible values: a row outside them is rejected with the bound it breaks.

    ``per_row``: per source and column, the largest count one row may hold; ``earliest_date``:
    no event date before it (nor after the day of the ingest). See ``docs/plausibility.md``.
    """

    per_row: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: PER_ROW_BOUNDS)
    earliest_date: dt.date = EARLIEST_DATE


@dataclass(frozen=True)
class FileLimits:
    """What a raw file may hold before it is read (see ``docs/plausibility.md``).

    ``field_bytes``: the longest field; a row with a longer one is rejected, without it.
    ``workbook_part_bytes``: the largest declared unpacked size of a part of an ``.xlsx``
    (a full sheet of 1,048,576 rows of the widest export is about 0.6 GB);
    ``workbook_ratio``: the largest ratio of a part's unpacked to its packed size, as
    Apache POI's 1:100. A workbook past either is refused before anything is unpacked.
    """

    field_bytes: int = 64 * 1024
    workbook_part_bytes: int = 2 * 1024**3
    workbook_ratio: int = 100


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
    bounds: Bounds = field(default_factory=Bounds)
    file_limits: FileLimits = field(default_factory=FileLimits)

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
        bounds=_bounds(values.get("bounds", {}), root / SETTINGS_FILE),
        file_limits=_file_limits(values.get("limits", {}), root / SETTINGS_FILE),
    )


def _bounds(values: dict, path: Path) -> Bounds:
    """The bounds of ``[bounds]``: the defaults, with those named there instead."""
    from bibanalyse.sources import SOURCES

    values = dict(values)
    earliest = values.pop("earliest_date", EARLIEST_DATE)
    if not isinstance(earliest, dt.date) or isinstance(earliest, dt.datetime):
        raise ValueError(f"{path}: bounds.earliest_date must be a date such as 2000-01-01")
    per_row = {source: dict(columns) for source, columns in PER_ROW_BOUNDS.items()}
    for source, columns in values.items():
        if source not in SOURCES or not isinstance(columns, dict):
            raise ValueError(
                f"{path}: [bounds] has no {source!r}: it takes earliest_date and counts "
                f"per source, such as activiteiten.aantal_deelnemers = 5000"
            )
        counts = {c.name for c in SOURCES[source].columns if c.kind in ("count", "number")}
        for column, bound in columns.items():
            key = f"bounds.{source}.{column}"
            if column not in counts:
                raise ValueError(
                    f"{path}: {key}: {source} has no count column {column!r}; "
                    f"its counts are {', '.join(sorted(counts))}"
                )
            per_row.setdefault(source, {})[column] = _positive(bound, key, path)
    return Bounds(_frozen(per_row), earliest)


def _file_limits(values: dict, path: Path) -> FileLimits:
    known = FileLimits()
    if unknown := sorted(set(values) - set(vars(known))):
        raise ValueError(
            f"{path}: [limits] has no {', '.join(unknown)}; it takes {', '.join(vars(known))}"
        )
    return FileLimits(
        **{name: _positive(value, f"limits.{name}", path) for name, value in values.items()}
    )


def _positive(value: object, key: str, path: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{path}: {key} must be a whole number above 0, got {value!r}")
    return value


def _read_settings_file(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not a valid settings file: {error}") from error
