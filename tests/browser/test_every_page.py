"""Every page a user can reach by following links: it opens, and axe finds nothing on it.

A crawl from the landing page, as the programme office (who sees the most) and as the public,
following every link on the site once per path. A link that answers with an error is a broken
promise to the user, so it fails the test as surely as an accessibility finding does.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages of ours: downloads, the admin, the API and its docs (Django Ninja's Swagger UI),
# personal message links, and logging out.
SKIP_PREFIXES = ("/admin/", "/api/", "/m/", "/logout/", "/static/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".json", ".parquet")
MAX_PAGES = 120


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
    )


def crawl(page, start: str) -> list[str]:
    """Visit every same-site page reachable from ``start``; return the paths visited."""
    origin = urlparse(page.url)
    queue: deque[str] = deque([start])
    seen_paths: set[str] = set()
    visited: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        path = urlparse(url).path
        if path in seen_paths:
            continue
        seen_paths.add(path)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response.status}"
        page.wait_for_load_state("networkidle")
        check_accessibility(page)
        visited.append(path)
        for href in _links(page):
            target = urlparse(urljoin(page.url, urldefrag(href).url))
            if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
                continue
            if target.path.startswith(SKIP_PREFIXES):
                continue
            if target.path.endswith(SKIP_SUFFIXES) or target.path in seen_paths:
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return visited


def test_every_page_the_programme_office_can_reach(
    page, cast, plan, forums, icb, finance_team, workforce_user
):
    log_in(page, "pmo")
    visited = crawl(page, "/workspace/")
    # The crawl really went everywhere: each section and something inside it.
    for path in ("/workspace/numbers/", "/workspace/plan/", "/workspace/finance/"):
        assert path in visited
    assert len(visited) > 30


@pytest.mark.public
def test_every_page_the_public_can_reach(page, footprint, plan, forums):
    page.goto("/")
    visited = crawl(page, "/")
    for path in ("/our-plan/", "/decisions/", "/finance/", "/consultations/"):
        assert path in visited
