"""environment.yml lists the same dependencies as pyproject.toml, with the same bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _requirement(text: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", text.strip())
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        _requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )
    wanted["python"] = project["requires-python"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge"]
    conda = dict(_requirement(d) for d in environment["dependencies"] if isinstance(d, str))
    conda.pop("pip")
    assert conda == wanted
    pip_entries = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert pip_entries == [["-e ."]]
