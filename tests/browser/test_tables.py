"""Tables on a phone: a wide table scrolls inside its own region, and its caption wraps inside
that region and stays in view while the table scrolls (issue 15's walk found captions cut off
at 390 px). Every table is drawn by core/tables.jinja, so one page stands for them all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_WIDTH, check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each table's caption and scroll region, as boxes in the window.
BOXES = """() => [...document.querySelectorAll('.fp-table-scroll')].map((region) => {
    const c = region.querySelector('caption').getBoundingClientRect();
    const r = region.getBoundingClientRect();
    return {table: region.querySelector('table').id, name: region.getAttribute('aria-label'),
            caption: [c.left, c.right], region: [r.left, r.right],
            scrolls: region.scrollWidth > region.clientWidth};
})"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 800}
    )
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    yield context.new_page()
    context.close()


def test_a_long_caption_wraps_inside_its_scroll_region_on_a_phone(phone, cast):
    log_in(phone, "viewer")
    phone.goto("/workspace/people/roles/")
    table = phone.locator("#roles-table")
    expect(table.locator("caption")).to_have_text("What each role may do, by part of Footprint")
    region = phone.get_by_role("region", name="What each role may do, by part of Footprint")
    expect(region).to_be_visible()
    check_accessibility(phone)

    def inside(box: dict[str, object]) -> bool:
        (c_left, c_right), (r_left, r_right) = box["caption"], box["region"]  # type: ignore[misc]
        return r_left - 1 <= c_left and c_right <= r_right + 1

    boxes = [b for b in phone.evaluate(BOXES) if b["table"] == "roles-table"]
    assert boxes and all(inside(b) for b in boxes), boxes
    # Scrolled to its far end, the table has moved but its caption has not left the region.
    region.evaluate("(r) => { r.scrollLeft = r.scrollWidth; }")
    boxes = [b for b in phone.evaluate(BOXES) if b["table"] == "roles-table"]
    assert all(inside(b) for b in boxes), boxes
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
