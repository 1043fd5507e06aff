"""axe-core (vendored in tests/data/axe, served by no one else) on the page and the widget.

No serious or critical WCAG 2.x A/AA violation is allowed, in English and Spanish, with and
without JavaScript, on results, errors, the shortlist, the widget and the iframe page.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import PARTNER_KEY, Site, axe_violations, open_visit

PAGES = [
    ("/", True),
    ("/?near=19103&kind=meeting&language=es", True),
    ("/?near=19103&kind=meeting&language=es", False),
    ("/?near=19103&kind=meeting&lang=es", True),
    ("/?near=Atlantis,+ZZ", True),
    ("/?near=20001&kind=housing&page=2&per_page=5", True),
    (
        "/shortlist?ids=pathways-helplines-988-lifeline,pathways-helplines-samhsa-national-helpline",
        True,
    ),
    ("/shortlist", False),
    (f"/embed/v1/frame?partner={PARTNER_KEY}", True),
    ("/embed/v1/frame?partner=nope", True),
]


@pytest.mark.parametrize(("path", "javascript"), PAGES)
async def test_pages_have_no_serious_violations(
    browser: Browser, app_site: Site, path: str, javascript: bool
) -> None:
    visit = await open_visit(browser)
    if not javascript:
        # axe itself needs script, so the page's own script is refused instead: what is
        # scanned is the page as the server sent it.
        await visit.page.route(re.compile(r"/static/pathways\.js$"), lambda route: route.abort())
    await visit.page.goto(app_site.origin + path)
    assert await axe_violations(visit.page) == []
    await visit.context.close()


async def test_phone_width_page_after_a_search_has_no_serious_violations(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport={"width": 375, "height": 800})
    page = visit.page
    await page.goto(app_site.origin + "/")
    await page.get_by_label("ZIP code or city").fill("19103")
    await page.get_by_role("button", name="Search").first.click()
    await expect(page.locator("#results-heading")).to_have_text(re.compile("results"))
    assert await axe_violations(page) == []
    await visit.context.close()


@pytest.mark.parametrize("path", ["/widget.html", "/widget-es.html", "/unknown.html"])
async def test_the_widget_has_no_serious_violations(
    browser: Browser, partner_sites: tuple[Site, Site], path: str
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + path)
    widget = page.locator("div.pathways-widget")
    await expect(widget.locator(".pw-results, .pw-error").first).to_be_visible()
    if path != "/unknown.html":
        await expect(widget.locator("#results-heading")).to_be_visible()
    assert await axe_violations(page, include="div.pathways-widget") == []
    await visit.context.close()


async def test_the_scan_sees_inside_the_widgets_shadow_root(
    browser: Browser, partner_sites: tuple[Site, Site]
) -> None:
    # Guards the scans above: a field without a label, put inside the shadow root on purpose,
    # must be reported, or a clean result would prove nothing.
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/widget.html")
    await expect(page.locator("div.pathways-widget #results-heading")).to_be_visible()
    await page.evaluate(
        """() => document.querySelector("div.pathways-widget").shadowRoot
            .querySelector(".pw").appendChild(document.createElement("input"))"""
    )
    found = await axe_violations(page, include="div.pathways-widget")
    assert [v["id"] for v in found] == ["label"]
    await visit.context.close()
