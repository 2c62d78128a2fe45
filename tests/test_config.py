"""Finding the project folder: named, or found upwards from the working folder."""

from __future__ import annotations

import pytest

from bibanalyse.config import ProjectNotFound, find_root, load_settings


@pytest.fixture(autouse=True)
def no_project_named(monkeypatch):
    for variable in ("BIBANALYSE_PROJECT", "BIBANALYSE_HOME"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "notebooks" / "deep").mkdir(parents=True)
    (root / "bibanalyse.toml").write_text('[report]\nmunicipality = "Bloemendaal"\n')
    return root


def test_the_project_is_found_upwards_from_a_folder_inside_it(project):
    assert find_root(project / "notebooks" / "deep") == project
    assert load_settings(project / "notebooks").municipality == "Bloemendaal"


def test_outside_a_project_the_error_says_how_to_name_one(tmp_path):
    with pytest.raises(ProjectNotFound) as raised:
        find_root(tmp_path, required=True)
    message = str(raised.value)
    assert message.startswith(f"no bibanalyse.toml found in {tmp_path} or any folder above it")
    assert "--project DIR" in message and "BIBANALYSE_PROJECT" in message


def test_outside_a_project_a_library_caller_gets_the_default_settings(tmp_path):
    # a notebook opened in a folder of its own, given its data folder
    settings = load_settings(tmp_path)
    assert settings.root == tmp_path and settings.municipality == "Heemstede"


@pytest.mark.parametrize("variable", ["BIBANALYSE_PROJECT", "BIBANALYSE_HOME"])
def test_the_environment_names_the_project(variable, project, tmp_path, monkeypatch):
    monkeypatch.setenv(variable, str(project))
    assert find_root(tmp_path, required=True) == project


def test_the_option_wins_over_the_environment_and_the_new_name_over_the_old(
    project, tmp_path, monkeypatch
):
    other = tmp_path / "other"
    other.mkdir()
    (other / "bibanalyse.toml").touch()
    monkeypatch.setenv("BIBANALYSE_HOME", str(other))
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(project))
    assert find_root(tmp_path) == project
    assert find_root(tmp_path, project=other) == other


@pytest.mark.parametrize(("name", "what"), [("missing", "no such folder"), ("empty", "in it")])
def test_a_named_folder_must_hold_the_settings_file(name, what, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(tmp_path / name))
    with pytest.raises(ProjectNotFound, match=f"from BIBANALYSE_PROJECT\\): .*{what}"):
        find_root(tmp_path)
