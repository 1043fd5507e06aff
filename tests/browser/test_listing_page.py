"""A listing's own page and the error pages in Chromium: phone and desktop, JS on and off,
English and Spanish, accessible, and loading nothing from another host."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import Site, axe_violations, open_visit

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize(
    ("viewport", "javascript", "lang"),
    [(PHONE, False, "en"), (PHONE, True, "es"), (DESKTOP, True, "en")],
    ids=["phone-js-off-en", "phone-js-on-es", "desktop-js-on-en"],
)
async def test_a_card_opens_its_listing_page(
    browser: Browser, app_site: Site, viewport: dict[str, int], javascript: bool, lang: str
) -> None:
    visit = await open_visit(
        browser,
        viewport=viewport,
        java_script_enabled=javascript,
        locale="es-MX" if lang == "es" else "en-US",
        timezone_id="America/Chicago",
    )
    page = visit.page
    await page.goto(app_site.origin + "/?near=19103&kind=meeting&language=es")
    await page.locator("article.card .card-title a", has_text="Nuevo Camino").first.click()
    await expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+"))
    await expect(page.locator("h1")).to_have_text("Nuevo Camino")
    es = lang == "es"
    await expect(
        page.get_by_role("link", name="Agregar al calendario" if es else "Add to calendar")
    ).to_have_attribute("href", re.compile(r"^/v1/resources/.+\.ics$"))
    await expect(
        page.get_by_role("link", name="Abrir en mi app de mapas" if es else "Open in my maps app")
    ).to_have_attribute("href", re.compile(r"^geo:"))
    await expect(
        page.get_by_role(
            "link", name="Enviar por mensaje de texto" if es else "Send by text message"
        )
    ).to_have_attribute("href", re.compile(r"^sms:\?&body="))
    await expect(page.locator(".sources")).to_contain_text(
        "Publicado por" if es else "Listed by Southeastern PA Intergroup (AA), updated"
    )
    # The group's weekly times are on its one page (indexer/consolidate.py).
    await expect(page.locator("main")).to_contain_text(
        "lun, mié, jue, sáb" if es else "Mon, Wed, Thu, Sat"
    )
    viewer = page.locator(".viewer-time")
    copy = page.get_by_role("button", name="Copiar enlace" if es else "Copy link")
    if javascript:
        # The next time in the visitor's own zone (Chicago here), besides the venue's.
        await expect(viewer).to_contain_text("Su hora" if es else "Your time")
        await expect(copy).to_be_visible()
    else:
        await expect(viewer).to_be_hidden()
        await expect(copy).to_be_hidden()
    await expect(page.get_by_role("link", name=re.compile("988")).first).to_be_visible()
    scroll_width = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"]
    if javascript:
        assert await axe_violations(page) == []
    assert visit.hosts() == {app_site.host}
    await visit.context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_mistyped_address_is_a_friendly_page(
    browser: Browser, app_site: Site, lang: str
) -> None:
    visit = await open_visit(browser, viewport=PHONE, locale="es-MX" if lang == "es" else "en-US")
    page = visit.page
    response = await page.goto(app_site.origin + "/shortlists")
    assert response is not None
    assert response.status == 404
    await expect(page.locator("h1")).to_have_text(
        "No encontramos esa página" if lang == "es" else "We couldn't find that page"
    )
    await expect(page.locator("aside.crisis").get_by_role("link").first).to_be_visible()
    await page.get_by_role(
        "link", name="Ir a la página de búsqueda" if lang == "es" else "Go to the search page"
    ).click()
    await expect(
        page.get_by_role("button", name="Buscar" if lang == "es" else "Search").first
    ).to_be_visible()
    assert await axe_violations(page) == []
    await visit.context.close()
