"""environment.yml lists the same dependencies as pyproject.toml, with the same bounds; every
package the code imports is declared there, and the installed ones meet its lower bounds."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
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
    [pip] = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert pip[-1] == "-e ."  # the project itself, after what conda-forge does not have
    from_pip = dict(_requirement(entry) for entry in pip[:-1])
    assert not set(from_pip) & set(conda), "a package from conda-forge and pip both"
    assert conda | from_pip == wanted


def _declared() -> tuple[dict[str, str], dict[str, str]]:
    """The runtime and development requirements of pyproject.toml, by normalised name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = dict(_requirement(r) for r in project["dependencies"])
    return runtime, dict(_requirement(r) for r in project["optional-dependencies"]["dev"])


def _imported_distributions(folder: Path) -> set[str]:
    """The distributions (normalised names) whose modules the Python files under ``folder``
    import, standard library, the project itself and the folder's own scripts (a benchmark
    importing ``bench``) left out."""
    modules = set()
    scripts = {path.stem for path in folder.glob("*.py")}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"__future__", "bibanalyse", "tests"} | scripts
    owners = importlib.metadata.packages_distributions()
    return {owners[module][0].lower().replace("_", "-") for module in modules}


def test_every_package_the_code_imports_is_declared():
    runtime, development = _declared()
    assert _imported_distributions(ROOT / "bibanalyse") - set(runtime) == set()
    tested = _imported_distributions(ROOT / "tests") | _imported_distributions(ROOT / "benchmarks")
    assert tested - set(runtime) - set(development) == set()


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_installed_packages_meet_the_declared_lower_bounds():
    runtime, development = _declared()
    for name, bound in {**runtime, **development}.items():
        assert bound.startswith(">="), f"{name}: give a lower bound (>=), got {bound!r}"
        installed = importlib.metadata.version(name)
        assert _version(installed) >= _version(bound[2:]), f"{name} {installed} {bound}"
