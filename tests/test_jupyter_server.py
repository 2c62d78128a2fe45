"""The notebooks in a real JupyterLab server, as ``make lab`` starts it.

The test starts ``jupyter lab --notebook-dir=<copy of notebooks> --no-browser`` (the command
of ``make lab``, on a free local port with a random token), then talks to it the way the
JupyterLab front end does: the REST API for the contents, and a kernel started by the server
that executes the overview notebook cell by cell, with the parameters set the way papermill
sets them (an assignment cell after the ``parameters`` cell). The outputs must hold the
overview of every goal and no error. Every wait is bounded; the kernel and the server are shut
down afterwards, also when the test fails. The kernel is reached through the library
``jupyter_kernel_client``, a client of Jupyter Server's kernels API (REST and the kernel's
channels, with the server's token).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from jupyter_kernel_client import JupyterKernelClient

from bibanalyse.agreements import agreement_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
KERNEL_NAME = "bibanalyse"
PERIOD = "2025-H2"
TITLE = "Overzicht | Heemstede | tweede halfjaar 2025"  # the display metadata of the overview
OVERALL_TIMEOUT = 120.0  # seconds for the whole test, server start included
START_TIMEOUT = 60.0  # seconds for the server to answer
CELL_TIMEOUT = 60.0  # seconds for one cell
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self, at_most: float | None = None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the Jupyter test ran out of time")
        return left if at_most is None else min(left, at_most)


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    token: str
    log: Path
    deadline: Deadline

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 20):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        # straight to 127.0.0.1: no proxy from the environment
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=self.deadline.left(timeout)) as response:
            text = response.read().decode("utf-8")
            kind = response.headers.get("Content-Type", "")
            return json.loads(text) if text and "json" in kind else text

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _jupyter() -> list[str]:
    """``jupyter`` of this environment, as ``make lab`` runs ``$(BIN)/jupyter``."""
    script = Path(sys.executable).with_name("jupyter")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "jupyter"]


def _clean_environment(tmp: Path) -> dict:
    """This environment without bibanalyse settings, with Jupyter's own folders in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIBANALYSE_")}
    for name, folder in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }.items():
        env[name] = str(tmp / folder)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """``jupyter lab`` on a copy of the notebooks; shut down afterwards, whatever happened."""
    for name in ("no_proxy", "NO_PROXY"):  # the kernel client straight to 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1")
    deadline = Deadline(OVERALL_TIMEOUT)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns(".*"))
    token = secrets.token_hex(24)
    port = _free_port()
    log = tmp_path / "jupyter.log"
    command = [
        *_jupyter(),
        "lab",
        f"--notebook-dir={notebooks}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",  # free a moment ago; taken meanwhile: the server retries
        f"--IdentityProvider.token={token}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:  # a CI container runs as root, which Jupyter refuses by default
        command.append("--allow-root")
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=_clean_environment(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the server and its kernels in a group of their own
        )
    server = Server(process, "", token, log, deadline)
    try:
        _wait_until_up(server, tmp_path / "runtime")
        yield server
    finally:
        _shut_down(server)


def _wait_until_up(server: Server, runtime: Path) -> None:
    """Wait for the server's runtime file (its real address) and for /api/status to answer."""
    start = Deadline(START_TIMEOUT)
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"jupyter lab exited ({server.process.returncode}):\n{server.log_tail()}")
        if not server.url:
            for info in runtime.glob("jpserver-*.json"):
                with contextlib.suppress(ValueError, OSError):
                    server.url = f"http://127.0.0.1:{json.loads(info.read_text())['port']}"
        if server.url:
            try:
                server.request("GET", "/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
        try:
            start.left()
            server.deadline.left()
        except TimeoutError:
            pytest.fail(f"jupyter lab did not answer in {START_TIMEOUT} s:\n{server.log_tail()}")
        time.sleep(0.2)


def _shut_down(server: Server) -> None:
    """The server (and so its kernels) shut down through the API; SIGTERM, then SIGKILL, if
    that fails."""
    process = server.process
    if process.poll() is None:
        stopping = False
        if server.url:
            server.deadline = Deadline(15)
            with contextlib.suppress(urllib.error.URLError, OSError, TimeoutError):
                server.request("POST", "/api/shutdown", timeout=5)
                stopping = True
        if not stopping:
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    # whatever is left of the group started for this test (a kernel that hung): killed by id
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=10)


def _failure(number: int, reply: dict, errors: list[dict]) -> str:
    """A failed cell's status and tracebacks, without terminal colours."""
    lines = [f"cell {number}: {reply['status']}"]
    for error in errors:
        lines += [f"{error['ename']}: {error['evalue']}", *error["traceback"]]
    return _ANSI.sub("", "\n".join(lines))


# --- the test -----------------------------------------------------------------------------


def test_jupyter_lab_serves_the_notebooks_with_the_project_kernel(lab):
    page = lab.request("GET", "/lab")
    assert "JupyterLab" in page
    specs = lab.request("GET", "/api/kernelspecs")["kernelspecs"]
    assert KERNEL_NAME in specs, f"kernel {KERNEL_NAME} is not installed: {sorted(specs)}"
    listing = lab.request("GET", "/api/contents")
    names = {item["name"] for item in listing["content"]}
    assert {path.name for path in (ROOT / "notebooks").glob("*.ipynb")} <= names
    for name in sorted(n for n in names if n.endswith(".ipynb")):
        model = lab.request("GET", f"/api/contents/{name}")
        assert model["content"]["metadata"]["kernelspec"]["name"] == KERNEL_NAME, name


def test_the_overview_notebook_runs_in_jupyter_with_its_parameters_set(lab, demo_data):
    model = lab.request("GET", "/api/contents/00_overzicht.ipynb")
    assert model["type"] == "notebook"
    cells = [cell for cell in model["content"]["cells"] if cell["cell_type"] == "code"]
    sources = ["".join(cell["source"]) for cell in cells]  # the API gives text or lines
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell["metadata"].get("tags", [])]
    assert len(tagged) == 1
    injected = f"period = {PERIOD!r}\ndata_dir = {str(demo_data.data_dir)!r}\n"
    sources.insert(tagged[0] + 1, injected)  # where papermill puts its injected cell

    kernel = JupyterKernelClient(server_url=lab.url, token=lab.token)
    try:
        kernel.start(name=KERNEL_NAME, timeout=lab.deadline.left(20))
        assert lab.request("GET", f"/api/kernels/{kernel.id}")["name"] == KERNEL_NAME
        outputs = []
        for number, source in enumerate(sources):
            try:
                reply = kernel.execute(source, timeout=lab.deadline.left(CELL_TIMEOUT))
            except TimeoutError:
                pytest.fail(f"cell {number} did not finish in time:\n{source}")
            errors = [o for o in reply["outputs"] if o["output_type"] == "error"]
            assert reply["status"] == "ok" and not errors, _failure(number, reply, errors)
            outputs += reply["outputs"]
    finally:
        kernel.stop(timeout=10)

    shown = ("display_data", "execute_result")  # displayed, or a cell's value
    html = [o for o in outputs if o["output_type"] in shown and "text/html" in o["data"]]
    assert html, f"no HTML output: {[o['output_type'] for o in outputs]}"
    titled = [o for o in html if "title" in o["metadata"]]
    assert [o["metadata"]["title"] for o in titled] == [TITLE]
    assert "Overzicht tweede halfjaar 2025" in titled[0]["data"]["text/html"]
    goals = [goal.id for goal in agreement_for("Heemstede", PERIOD).goals]
    assert goals
    tables = [
        o["data"]["text/html"] for o in html if '<table class="overzicht' in o["data"]["text/html"]
    ]
    assert len(tables) == 1
    missing = [goal for goal in goals if f">{goal}</a>" not in tables[0]]
    assert not missing, f"goals missing from the overview: {missing}"
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Traceback" not in stderr, stderr
