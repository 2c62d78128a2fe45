"""The published reports as a reader sees them: every report of a demo run opened from disk
(``file://``, as an e-mail attachment would be) in headless Chromium with the network blocked.

Each report must load without a failed request, without a console error and with every
figure decoded; it must not scroll sideways on a phone. A screenshot of each report, on a
desktop and on a phone, is kept in ``test-artifacts/screenshots/`` for a human to look at.

Chromium is driven over the Chrome DevTools Protocol on a pipe (``--remote-debugging-pipe``):
no driver, no port and no Python dependency. Without Chromium the module is skipped, except
under CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bibanalyse.agreements import agreement_for
from bibanalyse.periods import Period
from bibanalyse.runner import run_period

pytestmark = pytest.mark.slow

PERIOD = Period.parse("2025-H2")
MUNICIPALITY = "Heemstede"
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
MAX_SCREENSHOT_HEIGHT = 12000  # CSS pixels; a longer page is cut off in the screenshot
CALL_TIMEOUT = 30.0  # seconds for one DevTools call or page load
SCHEMES = ("file", "data")  # all a report may load: itself and its embedded figures

REPORTS = ["00_overzicht"] + [a.slug for a in agreement_for(MUNICIPALITY, PERIOD).ambitions]


# --- Chromium over the DevTools protocol ---------------------------------------------------


class DevToolsError(RuntimeError):
    pass


class Chromium:
    """A headless Chromium with its DevTools protocol on a pipe (fd 3 in, fd 4 out)."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The browser expects the pipe on fds 3 and 4: hand over copies numbered 10 and up
        # (never 3 or 4 themselves), which a small launcher moves into place before exec.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-dev-shm-usage",
            "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            # the network is closed: no name resolves and every connection goes to a closed port
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
            "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _EXEC_ON_FDS_3_AND_4, str(child_in), str(child_out)]
            + [executable, *flags],
            pass_fds=(child_in, child_out),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.version = self.call("Browser.getVersion")["product"]

    # protocol

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + CALL_TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str, after: int) -> dict:
        """The first event ``method`` of ``session`` from ``events[after]`` on."""
        deadline = time.monotonic() + CALL_TIMEOUT
        seen = after
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            reply = self._receive(deadline)
            if "method" in reply:
                self.events.append(reply)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise DevToolsError(f"Chromium exited (code {self.process.poll()})")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        with contextlib.suppress(OSError, DevToolsError, TimeoutError):
            self.call("Browser.close")  # the browser may close the pipe before it answers
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=10)
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        self._log.close()


class Page:
    """One tab, with every request, failure and console message it produced."""

    def __init__(self, browser: Chromium, viewport: dict) -> None:
        self.browser = browser
        self.target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call(
            "Target.attachToTarget", {"targetId": self.target, "flatten": True}
        )["sessionId"]
        self.first_event = len(browser.events)
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", viewport)
        if viewport["mobile"]:
            self.call("Emulation.setTouchEmulationEnabled", {"enabled": True})

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def open(self, url: str) -> None:
        start = len(self.browser.events)
        navigation = self.call("Page.navigate", {"url": url})
        if "errorText" in navigation:
            raise AssertionError(f"{url} did not open: {navigation['errorText']}")
        self.browser.wait_for("Page.loadEventFired", self.session, after=start)
        # every image decoded (or failed) and the fonts ready before anything is measured
        self.evaluate(
            "Promise.all([document.fonts.ready,"
            " ...Array.from(document.images, i => i.decode().catch(() => null))]).then(() => 1)"
        )

    def evaluate(self, expression: str):
        reply = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise DevToolsError(f"{expression[:60]}…: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def events(self, *methods: str) -> list[dict]:
        return [
            event
            for event in self.browser.events[self.first_event :]
            if event.get("sessionId") == self.session and event["method"] in methods
        ]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def failures(self) -> list[str]:
        urls = {
            e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in self.events("Network.requestWillBeSent")
        }
        failed = [
            f"{_short(urls.get(p['requestId'], '?'))}: {p.get('errorText')}"
            f" {p.get('blockedReason') or ''}".rstrip()
            for p in (e["params"] for e in self.events("Network.loadingFailed"))
        ]
        failed += [
            f"{_short(p['response']['url'])}: HTTP {p['response']['status']}"
            for p in (e["params"] for e in self.events("Network.responseReceived"))
            if p["response"].get("status", 0) >= 400
        ]
        return failed

    def console_errors(self) -> list[str]:
        errors = [
            f"console.{p['type']}: "
            + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            for p in (e["params"] for e in self.events("Runtime.consoleAPICalled"))
            if p["type"] in ("error", "assert")
        ]
        errors += [
            f"exception: {p['exceptionDetails'].get('text')} "
            f"{p['exceptionDetails'].get('exception', {}).get('description', '')}"
            for p in (e["params"] for e in self.events("Runtime.exceptionThrown"))
        ]
        errors += [
            f"{p['entry']['source']}: {p['entry']['text']} {p['entry'].get('url', '')}"
            for p in (e["params"] for e in self.events("Log.entryAdded"))
            if p["entry"]["level"] == "error"
        ]
        return errors

    def screenshot(self, path: Path) -> None:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {
            "x": 0,
            "y": 0,
            "width": size["width"],
            "height": min(size["height"], MAX_SCREENSHOT_HEIGHT),
            "scale": 1,
        }
        shot = self.call(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


_EXEC_ON_FDS_3_AND_4 = """
import os, sys
child_in, child_out = int(sys.argv[1]), int(sys.argv[2])
os.dup2(child_in, 3)
os.dup2(child_out, 4)
os.close(child_in)
os.close(child_out)
os.execv(sys.argv[3], sys.argv[3:])
"""


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


# --- fixtures ------------------------------------------------------------------------------


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium_executable() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if found := shutil.which(candidate):
            return found
    reason = "Chromium is not installed (apt-get install chromium); the browser tests need it"
    if _under_ci():
        pytest.fail(f"{reason}; under CI it must be there", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(chromium_executable, tmp_path_factory):
    folder = tmp_path_factory.mktemp("chromium")
    log = folder / "chromium.log"
    try:
        chromium = Chromium(chromium_executable, folder / "profile", log)
    except (OSError, DevToolsError, TimeoutError) as error:
        pytest.fail(f"Chromium did not start: {error}\n{log.read_text(errors='replace')[-3000:]}")
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def published(chromium_executable, request, tmp_path_factory) -> Path:
    """The demo run of 2025-H2, published into a reports folder of its own."""
    demo_data = request.getfixturevalue("demo_data")  # only once Chromium is known to be there
    settings = demo_data.with_reports_dir(tmp_path_factory.mktemp("reports"))
    notebooks = ROOT / "notebooks"
    return run_period(settings, PERIOD, MUNICIPALITY, notebooks_dir=notebooks)


@pytest.fixture
def page(browser):
    pages = []

    def open_page(viewport: dict) -> Page:
        pages.append(Page(browser, viewport))
        return pages[-1]

    yield open_page
    for opened in pages:
        opened.close()


# --- tests ---------------------------------------------------------------------------------


def test_the_demo_run_publishes_the_expected_reports(published):
    assert sorted(path.stem for path in published.glob("*.html")) == sorted(REPORTS)


def _check_loaded_offline(page: Page, url: str) -> None:
    requests = page.requests()
    assert url in requests, f"the page's own request was not recorded: {requests}"
    foreign = [_short(u) for u in requests if urllib.parse.urlsplit(u).scheme not in SCHEMES]
    assert not foreign, f"requests beyond the file itself: {foreign}"
    assert not page.failures(), f"failed requests: {page.failures()}"
    assert not page.console_errors(), f"console errors: {page.console_errors()}"
    images = page.evaluate(
        "Array.from(document.images, i => ({alt: i.alt, src: i.src.slice(0, 40),"
        " complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))"
    )
    broken = [i for i in images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]
    assert not broken, f"figures that did not load: {broken}"
    # no table needs sideways scrolling inside its box: every column is in view
    scrolling = page.evaluate(
        "Array.from(document.querySelectorAll('.html-uitvoer, table'))"
        ".filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"
    )
    assert not scrolling, f"boxes that scroll sideways: {scrolling}"


@pytest.mark.parametrize("name", REPORTS)
def test_report_opens_offline_with_every_figure_and_no_error(name, published, page):
    path = published / f"{name}.html"
    url = path.as_uri()
    tab = page(DESKTOP)
    tab.open(url)
    tab.screenshot(SCREENSHOTS / f"{name}.png")  # kept also when a check below fails
    _check_loaded_offline(tab, url)

    title = tab.evaluate("document.title")
    assert MUNICIPALITY in title and PERIOD.dutch_label in title, title
    if name != "00_overzicht":
        assert tab.evaluate("document.images.length") >= 2, "an ambition report has figures"
    # every link a reader can click leads to a published report and an anchor in it
    for link in tab.evaluate("Array.from(document.links, a => a.href)"):
        parts = urllib.parse.urlsplit(link)
        if parts.scheme != "file":
            assert parts.scheme in ("mailto",), f"link leaves the reports: {link}"
            continue
        target = Path(urllib.request.url2pathname(parts.path))
        assert target.is_file(), f"{name}: broken link {link}"
        if parts.fragment:
            text = target.read_text(encoding="utf-8")
            anchor = parts.fragment
            assert f'id="{anchor}"' in text or f"id='{anchor}'" in text, f"{name}: {link}"


@pytest.mark.parametrize("name", REPORTS)
def test_report_fits_a_phone_without_sideways_scrolling(name, published, page):
    path = published / f"{name}.html"
    url = path.as_uri()
    tab = page(PHONE)
    tab.open(url)
    tab.screenshot(SCREENSHOTS / f"{name}_telefoon.png")  # kept also when a check below fails
    _check_loaded_offline(tab, url)

    widths = tab.evaluate(
        "({inner: window.innerWidth, scroll: document.scrollingElement.scrollWidth})"
    )
    # A page wider than the phone either scrolls sideways or, on a phone, makes the browser
    # zoom out (the layout viewport grows beyond the device width): both are failures.
    fits = widths["inner"] == PHONE["width"] and widths["scroll"] <= widths["inner"] + 1
    too_wide = [] if fits else tab.evaluate(f"({_TOO_WIDE})({PHONE['width'] + 1})")
    assert fits, f"{name} is wider than a {PHONE['width']} px phone {widths}: {too_wide}"


# The outermost elements sticking out to the right of ``limit``, outside any element that
# scrolls (or clips) by itself.
_TOO_WIDE = """
limit => {
  const found = [];
  const scrolls = el =>
    ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right <= limit) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up) || up.getBoundingClientRect().right > limit) { inside = true; break; }
    }
    if (!inside) found.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
      + ' right=' + Math.round(el.getBoundingClientRect().right));
  }
  return found.slice(0, 10);
}
"""
