"""Browser tests: Playwright drives Debian's Chromium against the live site.

Every page visit ends with an axe accessibility check.
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


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
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


def check_accessibility(page) -> None:
    """Run axe on the current page; fail on any serious or critical violation."""
    # Evaluated through the DevTools protocol, which the page's content security policy
    # (rightly) does not allow a script tag to do.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("(source) => { (0, eval)(source); }", _axe_source())
    # NHS.UK's enhanced file upload hides the input behind a "Choose file" button, which axe's
    # experimental label-content-name-mismatch rule misreads; every other rule still runs there.
    result = page.evaluate(
        """async () => {
          const rules = document.querySelector('.nhsuk-file-upload')
            ? {'label-content-name-mismatch': {enabled: false}} : {};
          return await axe.run(document, {resultTypes: ['violations'], rules});
        }"""
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"Accessibility violations on {page.url}:\n" + "\n".join(bad)
