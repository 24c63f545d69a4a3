"""Browser tests: Playwright drives Debian's Chromium against the live site.

Every test runs at two window widths (1024 and 1440 px); a test marked ``public`` (a journey
a member of the public takes) also runs at a phone's 390 px. Every page visit ends with an axe
accessibility check that fails on any finding. Tests reach sections through the header the way
a user does at that width (``open_section``), never by what happens to fit on one screen.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the live server's database
# calls happen in its own thread, and the fixtures' here are not async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: apt-get install chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


DESKTOP_WIDTHS = (1024, 1440)
PHONE_WIDTH = 390


def pytest_generate_tests(metafunc):
    """Run every browser test at each desktop width, and public journeys on a phone too."""
    if "page" not in metafunc.fixturenames:
        return
    widths = list(DESKTOP_WIDTHS)
    if metafunc.definition.get_closest_marker("public"):
        widths.append(PHONE_WIDTH)
    metafunc.parametrize("viewport_width", widths, ids=[f"{w}px" for w in widths])


@pytest.fixture
def page(browser, live_server, viewport_width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": viewport_width, "height": 900}
    )
    # Fonts come from the NHS's own server in production; there is no network here.
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _axe_source() -> str:
    return AXE.read_text()


# Resolves once the header has been started by the page's scripts (NHS.UK marks it
# ``data-nhsuk-header-init``; before that, on a phone, its links run off the blue bar) and its
# navigation has then looked the same for three animation frames. A click that loads a new
# page returns before the page's scripts have run, so the wait for the mark matters.
SETTLED = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const header = () => document.querySelector('[data-module="nhsuk-header"]');
  for (let i = 0; i < 600 && header() && !header().hasAttribute('data-nhsuk-header-init'); i++) {
    await frame();
  }
  const nav = () => (document.querySelector('.nhsuk-header__navigation') || {}).outerHTML;
  let last = nav(), same = 0;
  for (let i = 0; i < 120 && same < 3; i++) {
    await frame();
    const now = nav();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}"""


def open_section(page, name: str) -> None:
    """Follow a header navigation link as a user at this width would.

    The NHS.UK header moves the links that do not fit (which depends on the window and the
    machine's fonts) into its "More" menu; open the menu first when the link is in there.
    """
    page.wait_for_selector("header[data-nhsuk-header-init]", state="attached")
    nav = page.locator(".nhsuk-header__navigation")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        toggle = nav.locator(".nhsuk-header__menu-toggle")
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
    with page.expect_navigation():
        link.click()


# How far the page itself scrolls sideways, and every table that is wider than the region it
# sits in while that region cannot scroll (a table that would push the page wider).
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  unscrolled: [...document.querySelectorAll('table')]
    .filter((t) => {
      const region = t.closest('.fp-table-scroll');
      return !region || getComputedStyle(region).overflowX !== 'auto';
    })
    .map((t) => t.id || t.caption?.textContent),
})"""


def assert_no_sideways_scroll(page) -> None:
    """The page does not scroll sideways, and every table sits in a region that scrolls."""
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= 0, f"the page scrolls {found['page']} px sideways"
    assert found["unscrolled"] == [], f"tables outside a scroll region: {found['unscrolled']}"


def check_accessibility(page) -> None:
    """Run axe on the current page; fail on any finding at all."""
    # Evaluated through the DevTools protocol, which the page's content security policy
    # (rightly) does not allow a script tag to do.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("(source) => { (0, eval)(source); }", _axe_source())
    # The NHS.UK header re-lays out its navigation on the animation frame after any resize
    # (moving links into or out of "More"); let it settle so axe judges the page a user sees.
    page.wait_for_load_state("load")
    page.evaluate(SETTLED)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not bad, f"Accessibility violations on {page.url}:\n" + "\n".join(bad)
