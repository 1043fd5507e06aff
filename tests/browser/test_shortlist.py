"""Outreach tools in Chromium: pick results, share the link, print one page, paste as text."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import Site, open_visit

SEARCH = "/?near=19103&kind=meeting&language=es"


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
    await expect(page).to_have_url(re.compile(r"/shortlist\?ids="))
    ids = parse_qs(urlsplit(page.url).query)["ids"][0].split(",")
    assert len(ids) == 3
    await expect(page.locator("h1")).to_contain_text("Shortlist (3 resources)")
    assert await page.locator("article.card .card-title").all_inner_texts() == picked

    text = await page.get_by_label("Text to paste into a message").input_value()
    assert text.startswith("Pathways: Shortlist\n\n1. " + picked[0])
    assert "988" in text
    assert "1-800-662-4357" in text
    assert (await page.get_by_label("Link to this shortlist").input_value()).endswith(
        "/shortlist?ids=" + ",".join(ids)
    )
    plain = await page.request.get(f"{app_site.origin}/shortlist.txt?ids={','.join(ids)}")
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
    await expect(page).to_have_url(re.compile(r"/shortlist\?ids="))
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
    await expect(sms).to_have_attribute("href", re.compile(r"^sms:\?&body=.+%2Fshortlist%3Fids%3D"))
    await visit.context.close()


@pytest.mark.parametrize("sheet", ["Letter", "A4"])
async def test_six_listings_print_on_one_sheet(
    browser: Browser, app_site: Site, sheet: str
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(app_site.origin + SEARCH)
    ids = await page.locator("input.pick-box").evaluate_all(
        "boxes => boxes.slice(0, 6).map(b => b.value)"
    )
    assert len(ids) == 6
    await page.goto(app_site.origin + "/shortlist?ids=" + ",".join(ids))
    pdf = await page.pdf(format=sheet)
    # Each page of a Chromium PDF is one `/Type /Page` object (the tree is `/Type /Pages`).
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    await visit.context.close()
