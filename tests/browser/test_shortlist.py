"""Outreach tools in Chromium: pick results, share the link, print one page, paste as text."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import Site, open_visit

SEARCH = "/?near=19103&kind=meeting&language=es"
# Enough listings for two pages and for ten ticks.
WIDE = "/?near=19103&kind=meeting"


async def test_pick_results_into_a_shortlist_link_print_and_text(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    cards = page.locator("article.card")
    picked = [await cards.nth(i).locator(".card-title").inner_text() for i in (0, 2, 5)]
    times = [
        await cards.nth(i).locator("dt:has-text('When') + dd li").first.inner_text()
        for i in (0, 2, 5)
    ]
    for i in (0, 2, 5):
        await cards.nth(i).get_by_label(re.compile("^Add to shortlist")).check()
    bar = page.locator("#shortlist-link")
    await expect(bar).to_have_text("View shortlist (3)")
    # The shortlist survives a new search: it lives in this browser, not on the server.
    await page.goto(app_site.origin + "/?near=20001&kind=housing")
    await expect(bar).to_have_text("View shortlist (3)")
    await bar.click()
    # The link holds the listings' 7-character short codes, run together.
    await expect(page).to_have_url(re.compile(r"/s/[0-9a-z]{21}$"))
    codes = urlsplit(page.url).path.removeprefix("/s/")
    await expect(page.locator("h1")).to_contain_text("Shortlist (3 resources)")
    assert await page.locator("article.card .card-title").all_inner_texts() == picked

    text = await page.get_by_label("Text to paste into a message").input_value()
    assert text.startswith("Pathways: Shortlist\n\n1. " + picked[0])
    assert "988" in text
    assert "1-800-662-4357" in text
    assert await page.get_by_label("Link to this shortlist").input_value() == (
        f"{app_site.origin}/s/{codes}"
    )
    plain = await page.request.get(f"{app_site.origin}/shortlist.txt?s={codes}")
    assert plain.status == 200
    assert plain.headers["content-type"].startswith("text/plain")
    assert await plain.text() == text

    await visit.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.get_by_role("button", name="Copy text").click()
    await expect(page.locator("#copy-status")).to_have_text("Copied")
    assert await page.evaluate("navigator.clipboard.readText()") == text

    # Print: one page for a handful of resources, without the screen-only tools.
    await page.emulate_media(media="print")
    await expect(page.get_by_label("Text to paste into a message")).to_be_hidden()
    await expect(page.locator(".site-header")).to_be_hidden()
    await expect(page.get_by_role("link", name="Call 988")).to_be_visible()
    pdf = await page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    await page.emulate_media(media="screen")

    # Remove one: the link and the browser's list both lose it.
    await page.get_by_role(
        "link", name=re.compile(rf"^Remove\W+{re.escape(picked[1])}, {re.escape(times[1])}$")
    ).click()
    await expect(page.locator("h1")).to_contain_text("(2 resources)")
    await page.goto(app_site.origin + SEARCH)
    await expect(page.locator("#shortlist-link")).to_have_text("View shortlist (2)")
    assert visit.hosts() == {app_site.host}
    await visit.context.close()


async def test_a_shortlist_without_javascript(browser: Browser, app_site: Site) -> None:
    visit = await open_visit(browser, java_script_enabled=False)
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    cards = page.locator("article.card")
    for i in (1, 3):
        await cards.nth(i).get_by_label(re.compile("^Add to shortlist")).check()
    await page.get_by_role("button", name="Make a shortlist of the ticked results").click()
    await expect(page).to_have_url(re.compile(r"/shortlist\?.*s=[0-9a-z]{7}"))
    await expect(page.locator("article.card")).to_have_count(2)
    await expect(page.locator("#print-hint")).to_be_visible()
    await expect(page.get_by_role("button", name="Print")).to_be_hidden()
    await visit.context.close()


async def test_a_shared_link_with_gone_or_bad_ids(browser: Browser, app_site: Site) -> None:
    visit = await open_visit(browser, locale="es-US")
    page = visit.page
    await page.goto(app_site.origin + "/shortlist?ids=pathways-helplines-988-lifeline,gone-id,<x>")
    await expect(page.locator("article.card")).to_have_count(1)
    await expect(page.locator(".notice")).to_have_text(
        "2 recursos del enlace ya no están disponibles."
    )
    await page.goto(app_site.origin + "/shortlist")
    await expect(page.locator(".notice")).to_contain_text("Su lista está vacía")
    await visit.context.close()


async def test_a_tick_is_confirmed_and_the_shortlist_button_floats_on_a_phone(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, viewport={"width": 390, "height": 844})
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    await page.locator("article.card").nth(1).get_by_label(re.compile("^Add to shortlist")).check()
    await expect(page.locator("#live-status")).to_have_text("Added to the shortlist (1 in all).")
    # The button with the count is on screen wherever the visitor is in the results.
    button = page.locator("#shortlist-link")
    await expect(button).to_have_text("View shortlist (1)")
    for y in (0, 1500):
        await page.evaluate(f"window.scrollTo(0, {y})")
        box = await button.bounding_box()
        assert box is not None
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= 844, box
    await button.click()
    sms = page.get_by_role("link", name="Send by text message")
    await expect(sms).to_have_attribute("href", re.compile(r"^sms:\?&body=.+%2Fs%2F[0-9a-z]{7}$"))
    await visit.context.close()


@pytest.mark.parametrize("sheet", ["Letter", "A4"])
async def test_six_listings_print_on_one_sheet(
    browser: Browser, app_site: Site, sheet: str
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    codes = await page.locator("input.pick-box").evaluate_all(
        "boxes => boxes.slice(0, 6).map(b => b.value)"
    )
    assert len(codes) == 6
    await page.goto(app_site.origin + "/s/" + "".join(codes))
    await expect(page.locator("article.card")).to_have_count(6)
    pdf = await page.pdf(format=sheet)
    # Each page of a Chromium PDF is one `/Type /Page` object (the tree is `/Type /Pages`).
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    await visit.context.close()


async def test_ticks_are_kept_in_the_url_without_javascript(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser, java_script_enabled=False)
    page = visit.page
    await page.goto(app_site.origin + WIDE)
    bar = page.locator("#shortlist-link")
    await expect(bar).to_be_hidden()
    cards = page.locator("article.card")
    first_page = [await cards.nth(i).locator(".card-title").inner_text() for i in (0, 4)]
    for i in (0, 4):
        await cards.nth(i).get_by_label(re.compile("^Add to shortlist")).check()
    await page.get_by_role("button", name="Keep my ticks").click()
    # The same search, the ticks in the URL as short codes, and the button with the count.
    await expect(page).to_have_url(re.compile(r"/\?.*s=[0-9a-z]{7}&s=[0-9a-z]{7}$"))
    await expect(bar).to_have_text("View shortlist (2)")
    await expect(cards.nth(0).get_by_label(re.compile("^Add to shortlist"))).to_be_checked()
    await expect(cards.nth(4).get_by_label(re.compile("^Add to shortlist"))).to_be_checked()
    # The next page keeps them; a tick there joins them.
    await page.get_by_role("link", name="Next page").click()
    await expect(page.locator(".page-of")).to_have_text(re.compile(r"^Page 2 of"))
    await expect(bar).to_have_text("View shortlist (2)")
    later = await cards.nth(1).locator(".card-title").inner_text()
    await cards.nth(1).get_by_label(re.compile("^Add to shortlist")).check()
    await page.get_by_role("button", name="Keep my ticks").click()
    await expect(bar).to_have_text("View shortlist (3)")
    await expect(page.locator(".page-of")).to_have_text(re.compile(r"^Page 2 of"))
    # Unticking one and keeping drops it; the others stay.
    await cards.nth(1).get_by_label(re.compile("^Add to shortlist")).uncheck()
    await page.get_by_role("button", name="Keep my ticks").click()
    await expect(bar).to_have_text("View shortlist (2)")
    await cards.nth(1).get_by_label(re.compile("^Add to shortlist")).check()
    await page.get_by_role("button", name="Keep my ticks").click()
    await bar.click()
    await expect(page).to_have_url(re.compile(r"/s/[0-9a-z]{21}$"))
    titles = await page.locator("article.card .card-title").all_inner_texts()
    assert titles == [*first_page, later]
    await visit.context.close()


async def test_a_link_for_ten_listings_is_under_120_characters(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + WIDE)
    boxes = page.locator("input.pick-box")
    await expect(boxes).to_have_count(10)
    for i in range(10):
        await boxes.nth(i).check()
    await expect(page.locator("#shortlist-link")).to_have_text("View shortlist (10)")
    await page.locator("#shortlist-link").click()
    await expect(page.locator("article.card")).to_have_count(10)
    link = await page.get_by_label("Link to this shortlist").input_value()
    path = urlsplit(link).path
    assert len(path) == len("/s/") + 70
    assert len(link) < 120, link
    # On a public host too: "https://pathways.example.org" leaves 19 characters to spare.
    assert len("https://pathways.example.org" + path) < 120
    sms = await page.get_by_role("link", name="Send by text message").get_attribute("href")
    assert sms is not None
    assert sms.endswith(quote(link, safe=""))
    await visit.context.close()


async def test_a_short_link_with_gone_or_bad_codes(browser: Browser, app_site: Site) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    code = await page.locator("input.pick-box").first.get_attribute("value")
    assert code is not None
    # Invented codes no listing of the seed data has; "<x>" is not a code at all.
    await page.goto(f"{app_site.origin}/s/{code}zzzzzzzyyyyyyy")
    await expect(page.locator("article.card")).to_have_count(1)
    await expect(page.locator(".notice")).to_have_text(
        "2 listings from the link are no longer available."
    )
    await page.goto(f"{app_site.origin}/s/%3Cx%3E")
    await expect(page.locator(".notice").first).to_contain_text("Your shortlist is empty")
    await visit.context.close()
