"""Charts draw under a content security policy without 'unsafe-eval': Vega evaluates its
expressions with the interpreter bundled in vega-embed (``ast: true`` in core/init.js), never
with ``new Function``. Every kind of chart on the demo is drawn in Chromium, and the browser
reports no policy violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 11, 30)
WATCH = """() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation',
    (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


def chart_pages() -> list[str]:
    from footprint.demand.models import Run
    from footprint.engagement.models import Consultation
    from footprint.partnership.models import Neighbourhood
    from footprint.plans.models import Goal

    run = Run.objects.filter(status=Run.Status.SUCCEEDED).order_by("-pk").first()
    assert run is not None
    reported = next(c for c in Consultation.objects.all() if c.report_published_at)
    return [
        "/finance/",  # the public waterfall
        reverse("engagement:consultation_report", args=[reported.slug]),  # the opinion map
        reverse("partnership:workspace"),  # totals
        reverse("partnership:neighbourhood", args=[Neighbourhood.objects.first().slug]),
        reverse("plans:goal", args=[Goal.objects.first().pk]),  # statistical process control
        reverse("finance:index"),  # the system waterfall
        reverse("demand:run", args=[run.pk]),  # the fan chart and the activity waterfall
        reverse("workforce:index"),  # the staff trend
    ]


def test_every_kind_of_chart_draws_without_unsafe_eval(browser, live_server):
    from footprint.demo import generator

    generator.build(TODAY)  # (the tests' fast password hasher: conftest.py)
    pages = chart_pages()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(f"({WATCH})()")
    page.goto("/login/")
    page.get_by_label("Username").fill("pmo")
    page.get_by_label("Password").fill(generator.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/workspace/")
    drawn: dict[str, int] = {}
    try:
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            policy = response.headers["content-security-policy"]
            assert "unsafe-eval" not in policy and "script-src 'self'" in policy
            charts = page.locator("[data-chart]")
            assert charts.count() > 0, f"no chart on {path}"
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-chart]')]"
                ".every((el) => el.dataset.chartReady === 'true')",
                timeout=20_000,
            )
            assert page.locator("[data-chart] svg").count() == charts.count(), path
            assert page.evaluate("() => window.__cspViolations") == [], path
            drawn[path] = charts.count()
    finally:
        context.close()
    assert not errors, errors
    assert not [m for m in console if "Content Security Policy" in m or "eval" in m], console
    assert sum(drawn.values()) >= len(pages)
