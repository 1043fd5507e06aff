"""The search page in Chromium: with JavaScript off and on, filters, paging, Spanish, errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import Site, open_visit

PHONE = {"width": 375, "height": 800}


async def unfold(page: Page, summary: str) -> None:
    """Open a <details> by its summary, as a person would, unless it is open already."""
    details = page.locator("details", has=page.locator("summary", has_text=summary)).last
    if await details.get_attribute("open") is None:
        await details.locator("summary", has_text=summary).first.click()


async def find_spanish_meetings(page: Page) -> None:
    """What a person does: type a ZIP, tick 'Peer support meeting' and 'Spanish', search."""
    await page.get_by_label("ZIP code or city").fill("19103")
    await unfold(page, "Filters")
    await unfold(page, "Type of help")
    await page.get_by_label("Peer support meeting").check()
    await unfold(page, "Language")
    await page.get_by_label("Spanish", exact=True).check()
    await page.get_by_role("button", name="Search").first.click()


async def assert_spanish_meetings_listed(page: Page) -> None:
    heading = page.locator("#results-heading")
    await expect(heading).to_have_text(re.compile(r"^\d+ results near 19103"))
    cards = page.locator("article.card")
    # One card per meeting (indexer/consolidate.py): fewer than a page of Spanish meetings.
    total = int((await heading.inner_text()).split()[0])
    assert await cards.count() == min(10, total) >= 5
    for i in range(await cards.count()):
        card = cards.nth(i)
        await expect(card.locator(".kind")).to_have_text("Peer support meeting")
        await expect(card.locator("dt:has-text('Languages') + dd")).to_contain_text("Spanish")
        await expect(card.locator(".distance")).to_have_text(re.compile(r"mi \([\d.]+ km\) away"))
    first = cards.first
    await expect(first.locator("dt:has-text('When') + dd")).to_contain_text("Eastern time")
    directions = first.get_by_role("link", name=re.compile("^Directions"))
    assert (await directions.get_attribute("href") or "").startswith("https://www.google.com/maps/")
    await expect(first.locator(".updated")).to_contain_text("Last updated")


async def assert_fits(page: Page, width: int) -> None:
    scroll_width = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page scrolls sideways: {scroll_width} > {width}"


async def test_spanish_meetings_near_a_zip_on_a_phone_without_javascript(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport=PHONE, java_script_enabled=False)
    page = visit.page
    await page.goto(app_site.origin + "/")
    await find_spanish_meetings(page)
    await page.wait_for_url(re.compile(r"near=19103"))
    query = parse_qs(urlsplit(page.url).query)
    assert (query["near"], query["kind"], query["language"]) == (["19103"], ["meeting"], ["es"])
    await assert_spanish_meetings_listed(page)
    await assert_fits(page, PHONE["width"])
    # JavaScript-only controls stay hidden rather than broken.
    await expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    # The result URL is the search: opening it again shows the same results.
    again = await open_visit(browser, viewport=PHONE, java_script_enabled=False)
    await again.page.goto(page.url)
    await assert_spanish_meetings_listed(again.page)
    assert visit.hosts() == {app_site.host}
    await visit.context.close()
    await again.context.close()


async def test_spanish_meetings_near_a_zip_on_a_phone_with_javascript(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport=PHONE)
    page = visit.page
    await page.goto(app_site.origin + "/")
    await page.evaluate("window.__notReloaded = true")
    await find_spanish_meetings(page)
    await assert_spanish_meetings_listed(page)
    assert await page.evaluate("window.__notReloaded === true"), "the page reloaded"
    # The address bar holds the shareable search; focus went to the results heading; the
    # live region announced the count.
    query = parse_qs(urlsplit(page.url).query)
    assert (query["near"], query["kind"], query["language"]) == (["19103"], ["meeting"], ["es"])
    await expect(page.locator("#results-heading")).to_be_focused()
    await expect(page.locator("#live-status")).to_have_text(re.compile(r"^\d+ results near 19103"))
    await assert_fits(page, PHONE["width"])
    assert any("/partials/results?" in u for u in visit.requests)
    assert visit.hosts() == {app_site.host}
    await visit.context.close()


async def test_filters_apply_as_they_change_and_are_removable(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + "/?near=19103&kind=meeting")
    total_before = await page.locator("#results-heading").inner_text()
    await unfold(page, "Language")
    spanish = page.get_by_label("Spanish", exact=True)
    await spanish.check()
    await expect(page.locator("#results-heading")).not_to_have_text(total_before)
    await expect(spanish).to_be_focused()  # a filter change never moves focus
    await expect(page).to_have_url(re.compile(r"language=es"))
    chip = page.get_by_role("link", name="Remove filter: Language: Spanish")
    await expect(chip).to_be_visible()
    await chip.click()
    await expect(page.locator("#results-heading")).to_have_text(total_before)
    await expect(page).not_to_have_url(re.compile(r"language=es"))
    await expect(spanish).not_to_be_checked()
    await expect(page.locator("#results-heading")).to_be_focused()
    # Back restores the filtered search.
    await page.go_back()
    await expect(page).to_have_url(re.compile(r"language=es"))
    await expect(spanish).to_be_checked()
    await visit.context.close()


async def test_paging_with_and_without_javascript(browser: Browser, app_site: Site) -> None:
    for javascript in (True, False):
        visit = await open_visit(browser, java_script_enabled=javascript)
        page = visit.page
        await page.goto(app_site.origin + "/?near=19103&kind=meeting")
        first_names = await page.locator(".card-title").all_inner_texts()
        await (
            page.get_by_role("navigation", name="Pages of results")
            .get_by_role("link", name="Next page")
            .click()
        )
        await expect(page.locator(".page-of")).to_have_text(re.compile(r"^Page 2 of \d+$"))
        await expect(page).to_have_url(re.compile(r"page=2"))
        second_names = await page.locator(".card-title").all_inner_texts()
        assert len(second_names) == 10
        assert await page.locator("ol.cards").get_attribute("start") == "11"
        assert first_names != second_names
        await page.get_by_role("link", name="Previous page").click()
        await expect(page.locator(".page-of")).to_have_text(re.compile(r"^Page 1 of \d+$"))
        await visit.context.close()


async def test_the_interface_follows_the_browser_language_and_can_switch(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, locale="es-MX")
    page = visit.page
    # Every meeting, not only Spanish ones: more than a page, so there is a next one.
    await page.goto(app_site.origin + "/?near=19103&kind=meeting")
    assert await page.get_attribute("html", "lang") == "es"
    await expect(page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ resultados"))
    await expect(page.get_by_label("Código postal o ciudad")).to_have_value("19103")
    await expect(page.locator(".crisis")).to_contain_text("para español, marque 2")
    await expect(page.locator("article.card .kind").first).to_have_text("Reunión de apoyo mutuo")
    # Switch to English: the choice is kept in the links and the form.
    await page.get_by_role("link", name="English").click()
    assert await page.get_attribute("html", "lang") == "en"
    await expect(page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ results"))
    await page.get_by_role("link", name="Next page").click()
    await expect(page).to_have_url(re.compile(r"lang=en"))
    assert await page.get_attribute("html", "lang") == "en"
    await visit.context.close()


async def test_errors_are_plain_and_keep_the_crisis_lines(browser: Browser, app_site: Site) -> None:
    for javascript in (False, True):
        visit = await open_visit(browser, java_script_enabled=javascript)
        page = visit.page
        await page.goto(app_site.origin + "/")
        await page.get_by_label("ZIP code or city").fill("Atlantis, ZZ")
        await page.get_by_role("button", name="Search").first.click()
        heading = page.locator("#results-heading")
        await expect(heading).to_have_text("We couldn't find that place")
        await expect(page.locator(".notice-error")).to_contain_text("like 19103")
        await expect(page.get_by_role("link", name="Call 988")).to_be_visible()
        await expect(page.get_by_role("link", name="Call 1-800-662-4357")).to_be_visible()
        if javascript:
            await expect(heading).to_be_focused()
        await visit.context.close()
    visit = await open_visit(browser)
    response = await visit.page.goto(app_site.origin + "/?near=19103&kind=spaceship")
    assert response is not None
    assert response.status == 400
    await expect(visit.page.locator("#results-heading")).to_have_text(
        "Something in this search isn't right"
    )
    await visit.context.close()


async def test_use_my_location_sends_a_rounded_position(browser: Browser, app_site: Site) -> None:
    visit = await open_visit(
        browser,
        geolocation={"latitude": 39.952335, "longitude": -75.163789},
        permissions=["geolocation"],
    )
    page = visit.page
    await page.goto(app_site.origin + "/")
    await page.get_by_role("button", name="Use my location").click()
    await expect(page.get_by_label("ZIP code or city")).to_have_value("39.95,-75.16")
    # A position reads as the visitor's own, not as coordinates.
    await expect(page.locator("#results-heading")).to_have_text(re.compile(r"near you, within"))
    sent = [u for u in visit.requests if "near=" in u]
    assert sent
    assert all("39.952335" not in u and "75.163789" not in u for u in sent)
    await visit.context.close()


async def test_narrow_screen_and_zoom_without_sideways_scrolling(
    browser: Browser, app_site: Site
) -> None:
    # 320 px is the WCAG reflow width; 640 px is a 1280 px window at 200% zoom.
    for width in (320, 640):
        visit = await open_visit(browser, viewport={"width": width, "height": 700})
        await visit.page.goto(app_site.origin + "/?near=19103&kind=meeting&language=es")
        await assert_fits(visit.page, width)
        await visit.context.close()


async def test_pages_say_no_third_party_in_their_csp(browser: Browser, app_site: Site) -> None:
    visit = await open_visit(browser)
    response = await visit.page.goto(app_site.origin + "/?near=19103")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    # The page would refuse a script from anywhere else, even if one were injected.
    violations = await visit.page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (e) => resolve(e.blockedURI));
            const s = document.createElement("script");
            s.src = "https://cdn.example.org/x.js";
            document.body.appendChild(s);
        })"""
    )
    assert violations == "https://cdn.example.org/x.js"
    await visit.context.close()


async def test_schedule_filters_day_open_now_and_starting_soon(
    browser: Browser, app_site: Site
) -> None:
    # A person picks a day in the form; the results all meet that day.
    visit = await open_visit(browser, timezone_id="America/Chicago")
    page = visit.page
    await page.goto(app_site.origin + "/?near=19103&kind=meeting&language=es")
    await unfold(page, "Filters")
    await unfold(page, "When")
    await page.get_by_label("Day", exact=True).select_option("sun")
    await expect(page).to_have_url(re.compile(r"day=sun"))
    await expect(page.get_by_role("link", name="Remove filter: Sunday")).to_be_visible()
    whens = await page.locator("article.card dt:has-text('When') + dd").all_inner_texts()
    assert whens
    # A meeting meets on Sunday among its other times: "Sunday 10:00 AM", "Mon, Wed 7:00 PM ·
    # Sun 10:00 AM", a range ending on Sunday or "Every day 12:00 PM".
    assert all("Sun" in w or "Every day" in w for w in whens)
    # With JavaScript the next time is also given in the visitor's own zone (Chicago here).
    assert all("(your time)" in w for w in whens)
    await visit.context.close()

    # `at` pins "now" (Sunday 10:30 in Philadelphia): open now, then starting within an hour.
    sunday_1030 = "at=2026-11-29T10:30:00-05:00"
    visit = await open_visit(browser, java_script_enabled=False)
    page = visit.page
    await page.goto(f"{app_site.origin}/?near=19103&kind=meeting&open_now=true&{sunday_1030}")
    await expect(page.locator("#f-open_now")).to_be_checked()  # in the folded filters
    open_now = await page.locator(".card-title").all_inner_texts()
    assert "Nuevo Camino" in open_now
    await page.goto(
        f"{app_site.origin}/?near=19103&kind=meeting&starts_within_min=60"
        "&at=2026-11-29T09:30:00-05:00"
    )
    await expect(page.locator("#f-starts_within_min")).to_have_value("60")
    soon = page.locator("article.card", has_text="Nuevo Camino").first
    await expect(soon.locator(".next-time")).to_have_text("Next: Sun, Nov 29, 10:00 AM")
    await visit.context.close()
