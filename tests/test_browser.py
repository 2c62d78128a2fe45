"""The published reports as a reader sees them: every report of a demo run opened from disk
(``file://``, as an e-mail attachment would be) in headless Chromium with the network blocked.

Each report must load without a failed request, without a console error and with every
figure decoded; it must not scroll sideways on a phone. A screenshot of each report, on a
desktop and on a phone, is kept in ``test-artifacts/screenshots/`` for a human to look at.

Playwright drives Debian's Chromium (``executable_path``; no browser of Playwright's own is
downloaded). Without Chromium the module is skipped, except under CI (``CI`` set), where a
missing browser is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, sync_playwright

from bibanalyse.agreements import agreement_for
from bibanalyse.periods import Period
from bibanalyse.runner import run_period

pytestmark = pytest.mark.slow

PERIOD = Period.parse("2025-H2")
MUNICIPALITY = "Heemstede"
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
MAX_SCREENSHOT_HEIGHT = 12000  # CSS pixels; a longer page is cut off in the screenshot
TIMEOUT_MS = 30_000  # for one page load or call
SCHEMES = ("file", "data")  # all a report may load: itself and its embedded figures
CHROMIUM_FLAGS = [
    # what this closed network needs: no calls home, no component or field-trial updates
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--force-color-profile=srgb",
    # no name resolves and every connection goes to a closed port: a report that reaches
    # out fails its request instead of hanging
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--proxy-server=127.0.0.1:9",
]

REPORTS = ["00_overzicht"] + [a.slug for a in agreement_for(MUNICIPALITY, PERIOD).ambitions]
REPORTS.append("rapportage_Heemstede_2025-H2")  # every report in one document, checked alike


@dataclass
class Visit:
    """One report opened in a tab, with what the tab requested and complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def listen(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._answered)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"exception: {error}"))

    def _failed(self, request: Request) -> None:
        self.failures.append(f"{_short(request.url)}: {request.failure}")

    def _answered(self, response: Response) -> None:
        if response.status >= 400:
            self.failures.append(f"{_short(response.url)}: HTTP {response.status}")

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium's own log entries (a blocked load, a CSP violation) arrive here too
        if message.type in ("error", "assert"):
            self.console_errors.append(f"console.{message.type}: {message.text}")

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        # every image decoded (or failed) and the fonts ready before anything is measured
        self.page.evaluate(
            "Promise.all([document.fonts.ready,"
            " ...Array.from(document.images, i => i.decode().catch(() => null))])"
        )

    def screenshot(self, path: Path) -> None:
        width, height = self.page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SCREENSHOT_HEIGHT)}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path, full_page=True, clip=clip)


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
def browser(chromium_executable):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS
        )
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
def visit(browser):
    """Opens a new tab of a given device (``DESKTOP``, ``PHONE``) that records its traffic."""
    contexts = []

    def open_tab(device: dict) -> Visit:
        context = browser.new_context(**device)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = Visit(context.new_page())
        tab.listen()
        return tab

    yield open_tab
    for context in contexts:
        context.close()


# --- tests ---------------------------------------------------------------------------------


def test_the_demo_run_publishes_the_expected_reports(published):
    assert sorted(path.stem for path in published.glob("*.html")) == sorted(REPORTS)


def _check_loaded_offline(tab: Visit, url: str) -> None:
    assert url in tab.requests, f"the page's own request was not recorded: {tab.requests}"
    foreign = [_short(u) for u in tab.requests if urllib.parse.urlsplit(u).scheme not in SCHEMES]
    assert not foreign, f"requests beyond the file itself: {foreign}"
    assert not tab.failures, f"failed requests: {tab.failures}"
    assert not tab.console_errors, f"console errors: {tab.console_errors}"
    images = tab.page.evaluate(
        "Array.from(document.images, i => ({alt: i.alt, src: i.src.slice(0, 40),"
        " complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))"
    )
    broken = [i for i in images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]
    assert not broken, f"figures that did not load: {broken}"
    # no table needs sideways scrolling inside its box: every column is in view
    scrolling = tab.page.evaluate(
        "Array.from(document.querySelectorAll('.html-uitvoer, table'))"
        ".filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"
    )
    assert not scrolling, f"boxes that scroll sideways: {scrolling}"


@pytest.mark.parametrize("name", REPORTS)
def test_report_opens_offline_with_every_figure_and_no_error(name, published, visit):
    url = (published / f"{name}.html").as_uri()
    tab = visit(DESKTOP)
    tab.open(url)
    tab.screenshot(SCREENSHOTS / f"{name}.png")  # kept also when a check below fails
    _check_loaded_offline(tab, url)

    title = tab.page.title()
    assert MUNICIPALITY in title and PERIOD.dutch_label in title, title
    if name != "00_overzicht":
        assert tab.page.evaluate("document.images.length") >= 2, "an ambition report has figures"
    # every link a reader can click leads to a published report and an anchor in it
    for link in tab.page.evaluate("Array.from(document.links, a => a.href)"):
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


@pytest.mark.parametrize("name", [*REPORTS, "combined"])
def test_report_has_no_violation_of_the_wcag_rules_axe_checks(name, published, visit):
    """axe-core (bundled by axe-playwright-python, injected from the package: the page
    still loads nothing from elsewhere) finds no violation of WCAG 2.1 A and AA."""
    page = name if name != "combined" else next(published.glob("rapportage_*.html")).stem
    tab = visit(DESKTOP)
    tab.open((published / f"{page}.html").as_uri())
    results = _wcag_check(tab)
    assert results.violations_count == 0, results.generate_report()


def test_the_wcag_check_finds_a_figure_without_text_and_a_page_without_language(tmp_path, visit):
    page = tmp_path / "zonder-tekst.html"
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    page.write_text(f"<!doctype html><title>x</title><img src='{pixel}'>", encoding="utf-8")
    tab = visit(DESKTOP)
    tab.open(page.as_uri())
    found = {violation["id"] for violation in _wcag_check(tab).response["violations"]}
    assert {"image-alt", "html-has-lang"} <= found


def _wcag_check(tab: Visit):
    """axe-core's WCAG 2.1 A and AA rules on the open page."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    return Axe().run(tab.page, options={"runOnly": {"type": "tag", "values": tags}})


@pytest.mark.parametrize("name", REPORTS)
def test_report_fits_a_phone_without_sideways_scrolling(name, published, visit):
    url = (published / f"{name}.html").as_uri()
    tab = visit(PHONE)
    tab.open(url)
    tab.screenshot(SCREENSHOTS / f"{name}_telefoon.png")  # kept also when a check below fails
    _check_loaded_offline(tab, url)

    widths = tab.page.evaluate(
        "({inner: window.innerWidth, scroll: document.scrollingElement.scrollWidth})"
    )
    # A page wider than the phone either scrolls sideways or, on a phone, makes the browser
    # zoom out (the layout viewport grows beyond the device width): both are failures.
    phone_width = PHONE["viewport"]["width"]
    fits = widths["inner"] == phone_width and widths["scroll"] <= widths["inner"] + 1
    too_wide = [] if fits else tab.page.evaluate(_TOO_WIDE, phone_width + 1)
    assert fits, f"{name} is wider than a {phone_width} px phone {widths}: {too_wide}"


@pytest.mark.parametrize("name", REPORTS)
def test_printing_a_report_puts_its_summary_or_first_goal_on_page_one(name, published, visit):
    """What a reader gets from the browser's Print to A4 (the shared print stylesheet): no
    page with only a title, the overview's whole table on page 1 under its title."""
    tab = visit(DESKTOP)
    tab.open((published / f"{name}.html").as_uri())
    printed = pypdf.PdfReader(io.BytesIO(tab.page.pdf(format="A4", prefer_css_page_size=True)))
    first = " ".join(printed.pages[0].extract_text().split())

    agreement = agreement_for(MUNICIPALITY, PERIOD)
    if name == "00_overzicht" or name.startswith("rapportage_"):
        goals = [goal.id for ambition in agreement.ambitions for goal in ambition.goals]
        assert "Doel Kerncijfer Deze periode Verandering Verloop Oordeel" in first
    else:
        ambition = next(a for a in agreement.ambitions if a.slug == name)
        goals = [ambition.goals[0].id]
        assert "Indicator Deze periode Vorige periode Jaar eerder" in first
    for goal in goals:
        assert f"{goal} " in first, f"{name}: goal {goal} is not on page 1: {first[:300]}"


def test_a_request_to_another_host_and_a_console_error_are_caught(tmp_path, visit):
    """The checks themselves: a page that reaches out and logs an error fails them."""
    page = tmp_path / "naar-buiten.html"
    page.write_text(
        "<!doctype html><title>x</title><img src='https://example.org/logo.png' alt='logo'>"
        "<script>console.error('kapot')</script>",
        encoding="utf-8",
    )
    tab = visit(DESKTOP)
    tab.open(page.as_uri())
    assert "https://example.org/logo.png" in tab.requests
    assert any("example.org" in failure for failure in tab.failures), tab.failures
    assert "console.error: kapot" in tab.console_errors
    with pytest.raises(AssertionError, match="requests beyond the file itself"):
        _check_loaded_offline(tab, page.as_uri())


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
