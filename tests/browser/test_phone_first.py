"""On a phone (390 x 844) results come first: the first result's name and action on the first
screen after a search (JavaScript on, off, and from a link), the form folded into one line,
filters folded, and a slim crisis line that stays at the top of every page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import Site, open_visit

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The slim line: one row in English, two at most in Spanish (it adds "para español, marque 2").
MAX_CRISIS_PX = {"en": 48, "es": 80}


async def first_result_on_first_screen(page: Page) -> None:
    """The first card's name and first action end within the viewport, unscrolled."""
    assert await page.evaluate("window.scrollY") < 900
    card = page.locator("article.card").first
    await expect(card).to_be_visible()
    height = PHONE["height"] + await page.evaluate("window.scrollY")
    for part in (card.locator(".card-title"), card.locator(".actions .button").first):
        box = await part.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= height, f"below the fold: {box}"


async def crisis_line_stays(page: Page, lang: str) -> None:
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bar = page.locator("aside.crisis")
    box = await bar.bounding_box()
    assert box is not None
    assert box["y"] == pytest.approx(0, abs=1), "the crisis line scrolled away"
    assert box["height"] <= MAX_CRISIS_PX[lang]
    for name in ("^(Call|Llamar al) 988$", "Text 988|Enviar texto al 988", "1-800-662-4357"):
        await expect(bar.get_by_role("link", name=re.compile(name))).to_be_visible()


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
async def test_a_search_shows_results_first_on_a_phone(
    browser: Browser, app_site: Site, javascript: bool
) -> None:
    visit = await open_visit(browser, viewport=PHONE, java_script_enabled=javascript)
    page = visit.page
    await page.goto(app_site.origin + "/")
    # Before a search the filters are folded: the place, the words and Search fit.
    await expect(page.locator("#filters")).not_to_have_attribute("open", "")
    await expect(page.locator("summary", has_text="Type of help")).to_be_hidden()
    search = page.get_by_role("button", name="Search").first
    box = await search.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"]
    await page.get_by_label("ZIP code or city").fill("20001")
    await page.get_by_label("What are you looking for? (optional)").fill("shelter")
    await search.click()
    await expect(page.locator("#results-heading")).to_have_text(re.compile(r"results? near"))
    summary = page.locator(".search-summary")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text("near 20001 · change")
    await expect(page.get_by_label("ZIP code or city")).to_be_hidden()
    await first_result_on_first_screen(page)
    # "change" unfolds the form as it was left.
    await summary.click()
    await expect(page.get_by_label("ZIP code or city")).to_have_value("20001")
    await crisis_line_stays(page, "en")
    await visit.context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_results_link_opens_on_its_results(
    browser: Browser, app_site: Site, lang: str
) -> None:
    visit = await open_visit(browser, viewport=PHONE, locale="es-MX" if lang == "es" else "en-US")
    page = visit.page
    await page.goto(app_site.origin + "/?near=19103&kind=meeting&language=es")
    await expect(page.locator(".search-summary")).to_contain_text(
        "cerca de 19103 · 1 filtro · cambiar"
        if lang == "es"
        else "Peer support meeting near 19103 · 1 filter · change"
    )
    await first_result_on_first_screen(page)
    await crisis_line_stays(page, lang)
    await visit.context.close()


async def test_wide_screens_keep_the_form_beside_the_results(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport=DESKTOP)
    page = visit.page
    await page.goto(app_site.origin + "/?near=19103&kind=meeting")
    await expect(page.get_by_label("ZIP code or city")).to_be_visible()
    await expect(page.locator("#filters")).to_have_attribute("open", "")
    await crisis_line_stays(page, "en")
    await visit.context.close()


async def test_a_located_search_reads_near_you_and_one_distance_wording(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport=PHONE)
    page = visit.page
    await page.goto(app_site.origin + "/?near=39.95,-75.16&kind=meeting")
    await expect(page.locator("#results-heading")).to_contain_text("near you, within 15.5 mi")
    await expect(page.locator(".search-summary")).to_contain_text("near you")
    await page.locator(".search-summary").click()
    await expect(page.locator("#radius_km option:checked")).to_have_text("15.5 mi (25 km)")
    await visit.context.close()


@pytest.mark.parametrize(
    ("javascript", "lang"), [(False, "en"), (True, "es")], ids=["js-off-en", "js-on-es"]
)
async def test_a_time_ask_lists_happening_now_then_soonest(
    browser: Browser, app_site: Site, javascript: bool, lang: str
) -> None:
    visit = await open_visit(
        browser,
        viewport=PHONE,
        java_script_enabled=javascript,
        locale="es-MX" if lang == "es" else "en-US",
    )
    page = visit.page
    # Wednesday 18:45 in Philadelphia, starting within 12 hours: this evening and tomorrow
    # morning, in the order they happen.
    at = "2026-12-02T18:45:00-05:00".replace("+", "%2B")
    await page.goto(f"{app_site.origin}/?near=19103&kind=meeting&starts_within_min=720&at={at}")
    await expect(page.locator(".order-of")).to_have_text(
        "Primero lo que ocurre ahora, luego lo que empieza antes"
        if lang == "es"
        else "Happening now first, then starting soonest"
    )
    await expect(page.locator("#f-starts_within_min option:checked")).to_have_text(
        "12 horas" if lang == "es" else "12 hours"
    )
    nexts = await page.locator("article.card .next-time").all_inner_texts()
    assert len(nexts) == 10
    # Today's (Wednesday) first: nothing from a later day before an earlier one.
    days = ["mié" if lang == "es" else "Wed", "jue" if lang == "es" else "Thu"]
    order = [next(i for i, d in enumerate(days) if d in text) for text in nexts]
    assert order == sorted(order)
    assert order[0] == 0
    await first_result_on_first_screen(page)
    await visit.context.close()
