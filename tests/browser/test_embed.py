"""The partner widget and iframe, on partner pages served from other origins (other ports)."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import PARTNER_KEY, Site, open_visit

WIDGET = "div.pathways-widget"


async def computed(page: Page, selector: str, prop: str) -> str:
    """A computed style; Playwright's CSS selectors pierce the widget's open shadow root."""
    value: str = await page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop
    )
    return value


async def test_the_widget_works_on_an_allowed_origin_with_styles_isolated(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/widget.html")
    widget = page.locator(WIDGET)
    await expect(widget.get_by_role("heading", name="Find support")).to_be_visible()
    await expect(widget.locator(".pw-by")).to_have_text(
        "Search by Pathways for Test Recovery Center"
    )
    await expect(widget.get_by_role("link", name="Call 988")).to_be_visible()
    # The partner presets the place, so results show at once, nearest first, 5 a page.
    heading = widget.locator("#results-heading")
    await expect(heading).to_have_text(re.compile(r"^\d+ results near 19103"))
    await expect(widget.locator("article.card")).to_have_count(5)

    # The visitor narrows: Spanish-language peer support meetings.
    await widget.get_by_label("Type of help").select_option("meeting")
    await widget.get_by_label("Language").select_option("es")
    await widget.get_by_role("button", name="Search").click()
    await expect(heading).to_be_focused()
    cards = widget.locator("article.card")
    await expect(cards.first.locator(".kind")).to_have_text("Peer support meeting")
    for i in range(await cards.count()):
        await expect(cards.nth(i).locator("dt:has-text('Languages') + dd")).to_contain_text(
            "Spanish"
        )
    # Paging stays inside the widget.
    await widget.get_by_role("button", name="Next page").click()
    await expect(widget.locator(".page-of")).to_have_text(re.compile(r"^Page 2 of"))
    assert page.url == allowed.origin + "/widget.html"

    # Neither side's styles leak: the partner's h2 and .card rules stop at the shadow root,
    # and the widget's rules never reach the partner's own elements.
    assert await computed(page, f"{WIDGET} h2", "color") != "rgb(0, 128, 0)"
    assert await computed(page, f"{WIDGET} h2", "font-size") != "40px"
    assert await computed(page, f"{WIDGET} article.card", "border-top-style") == "solid"
    assert "Georgia" not in await computed(page, f"{WIDGET} .pw", "font-family")
    assert await computed(page, "#partner-card", "border-top-style") == "dashed"
    assert "Georgia" in await computed(page, "h1", "font-family")
    assert await page.evaluate("document.querySelectorAll('article.card').length") == 0

    # The plan opens on the Pathways site with the partner's presets.
    plan = widget.get_by_role("link", name="Make a support plan")
    assert await plan.get_attribute("href") == (
        f"{app_site.origin}/plan?lang=en&partner={PARTNER_KEY}"
    )
    assert await plan.get_attribute("target") == "_blank"

    # Only the partner's own host and the Pathways host were ever asked for anything.
    assert visit.hosts() == {allowed.host, app_site.host}
    await visit.context.close()


async def test_the_plan_opened_from_the_widget_keeps_the_partners_place(
    browser: Browser, app_site: Site
) -> None:
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(f"{app_site.origin}/plan?lang=en&partner={PARTNER_KEY}")
    await expect(page.locator("#plan-partner")).to_contain_text("Test Recovery Center")
    await expect(page.locator("#near")).to_have_value("19103")
    await page.get_by_label("Alcohol").check()
    await page.get_by_role("button", name="Make my plan").click()
    await expect(page.locator("#plan-title")).to_have_text("Your plan")
    await expect(page.locator("#plan-partner")).to_contain_text("Test Recovery Center")
    link = await page.locator("#plan-link").input_value()
    assert f"/plan?partner={PARTNER_KEY}#" in link
    await visit.context.close()


async def test_the_widget_options_language_preset_kind_accent_and_count(
    browser: Browser, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/widget-es.html")
    widget = page.locator(WIDGET)
    await expect(widget.get_by_role("heading", name="Encuentre apoyo")).to_be_visible()
    await expect(widget.locator("#results-heading")).to_have_text(re.compile(r"^\d+ resultados"))
    await expect(widget.locator("article.card")).to_have_count(3)
    kinds = await widget.locator("article.card .kind").all_inner_texts()
    assert set(kinds) == {"Reunión de apoyo mutuo"}
    # data-kind presets the kind, so the widget offers no kind control.
    await expect(widget.get_by_label("Tipo de ayuda")).to_have_count(0)
    assert await computed(page, f"{WIDGET} .pw-submit", "background-color") == "rgb(107, 44, 145)"
    await visit.context.close()


async def test_the_widget_is_refused_on_a_disallowed_origin(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    _, disallowed = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(disallowed.origin + "/widget.html")
    alert = page.locator(WIDGET).get_by_role("alert")
    await expect(alert).to_contain_text("This website is not allowed to show Pathways search.")
    await expect(alert).to_contain_text(f"Pages from {disallowed.origin} may not use")
    # The crisis lines still show, and no result was handed over.
    await expect(page.locator(WIDGET).get_by_role("link", name="Call 988")).to_be_visible()
    await expect(page.locator(WIDGET).locator("article.card")).to_have_count(0)
    await visit.context.close()


async def test_an_unknown_partner_key_is_refused_in_the_widget(
    browser: Browser, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    await visit.page.goto(allowed.origin + "/unknown.html")
    alert = visit.page.locator(WIDGET).get_by_role("alert")
    await expect(alert).to_contain_text("This website is not allowed to show Pathways search.")
    await expect(alert).to_contain_text("No partner has the key 'nope'")
    await visit.context.close()


async def test_the_api_answers_a_partner_browser_only_from_its_origins(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    fetch = """async (url) => {
        const r = await fetch(url);
        return [r.status, r.headers.get("content-type"), await r.json()];
    }"""
    url = f"{app_site.origin}/embed/v1/search?partner={PARTNER_KEY}&kind=meeting&language=es"
    results = []
    for site in partner_sites:
        visit = await open_visit(browser)
        await visit.page.goto(site.origin + "/widget.html")
        results.append(await visit.page.evaluate(fetch, url))
        await visit.context.close()
    (ok_status, ok_type, ok_body), (no_status, no_type, no_body) = results
    assert (ok_status, ok_type) == (200, "application/json")
    assert ok_body["total"] > 0
    assert ok_body["origin"]["near"] == "19103"  # the partner's preset place, not widened
    assert {h["kind"] for h in ok_body["hits"]} == {"meeting"}
    assert (no_status, no_type) == (403, "application/problem+json")
    assert no_body["type"].endswith("/partner-not-allowed")
    assert "hits" not in no_body


async def test_the_iframe_on_an_allowed_origin_and_refused_elsewhere(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    allowed, disallowed = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/frame.html")
    frame = page.frame_locator("iframe")
    await expect(frame.locator("#results-heading")).to_have_text(
        re.compile(r"^\d+ results near 19103")
    )
    await expect(frame.get_by_role("link", name="Call 988")).to_be_visible()
    # A narrow frame folds its form once results show: "change" unfolds it.
    await frame.locator(".search-summary").click()
    await frame.locator("summary", has_text="Filters").click()
    await frame.locator("summary", has_text="Language").click()
    await frame.get_by_label("Spanish", exact=True).check()
    await frame.get_by_role("button", name="Search").first.click()
    await expect(frame.locator(".chip").first).to_have_text(re.compile("Language: Spanish"))
    for language in await frame.locator("dt:has-text('Languages') + dd").all_inner_texts():
        assert "Spanish" in language
    plan = frame.get_by_role("link", name="Make a support plan")
    assert await plan.get_attribute("href") == (
        f"{app_site.origin}/plan?lang=en&partner={PARTNER_KEY}"
    )
    assert await plan.get_attribute("target") == "_blank"
    await visit.context.close()

    visit = await open_visit(browser)
    page = visit.page
    async with page.expect_response(re.compile(r"/embed/v1/frame")) as info:
        await page.goto(disallowed.origin + "/frame.html")
    response = await info.value
    assert "frame-ancestors " + allowed.origin in response.headers["content-security-policy"]
    # Chromium refuses to show the page inside a frame on an origin it does not name.
    child = page.frames[1]
    await expect(page.locator("iframe")).to_be_visible()
    assert await child.locator("#results-heading").count() == 0
    await visit.context.close()


async def test_embed_headers_cors_csp_and_cross_origin_assets(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    allowed, disallowed = partner_sites
    visit = await open_visit(browser)
    request = visit.page.request
    app = app_site.origin
    search = f"{app}/embed/v1/search?partner={PARTNER_KEY}&language=es"

    ok = await request.get(search, headers={"Origin": allowed.origin})
    assert ok.status == 200
    assert ok.headers["access-control-allow-origin"] == allowed.origin
    assert "Origin" in ok.headers["vary"]

    refused = await request.get(search, headers={"Origin": disallowed.origin})
    assert refused.status == 403
    # Echoed only so the widget can read the refusal; the body carries no results.
    assert refused.headers["access-control-allow-origin"] == disallowed.origin
    assert refused.headers["content-type"] == "application/problem+json"

    unknown = await request.get(f"{app}/embed/v1/config?partner=nope")
    assert unknown.status == 403
    assert (await unknown.json())["detail"].startswith("No partner has the key 'nope'")

    widget = await request.get(f"{app}/embed/v1/widget.js")
    assert widget.headers["content-type"].startswith("text/javascript")
    assert widget.headers["cross-origin-resource-policy"] == "cross-origin"

    frame = await request.get(f"{app}/embed/v1/frame?partner={PARTNER_KEY}")
    assert frame.headers["content-security-policy"].endswith(f"frame-ancestors {allowed.origin}")
    gone = await request.get(f"{app}/embed/v1/frame?partner=nope")
    assert gone.status == 403
    assert "not set up to show Pathways search" in await gone.text()
    await visit.context.close()


async def test_a_widget_script_in_head_renders_into_the_body_against_hostile_css(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser, viewport={"width": 390, "height": 844})
    page = visit.page
    await page.goto(allowed.origin + "/head.html")
    widget = page.locator(WIDGET)
    # Rendered into <body> once the DOM was ready, and actually visible (not a 0 x 0 box).
    assert await page.evaluate("document.querySelector('body > div.pathways-widget') !== null")
    await expect(widget.locator("article.card").first).to_be_visible()
    box = await widget.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 300
    # The section is named, by its heading.
    await expect(page.get_by_role("region", name="Find support")).to_be_visible()
    # None of the partner's rules reach in: not `*` (even !important), not `div`, not the
    # inherited font, letter-spacing or text-transform of <body>.
    assert await computed(page, f"{WIDGET} .card-title", "letter-spacing") == "normal"
    assert "Papyrus" not in await computed(page, f"{WIDGET} .card-title", "font-family")
    assert await computed(page, f"{WIDGET} .card-title", "text-transform") == "none"
    assert await computed(page, f"{WIDGET} .pw", "font-style") == "normal"
    assert await computed(page, WIDGET, "border-top-width") == "0px"
    assert await computed(page, f"{WIDGET} .pw", "border-top-color") != "rgb(255, 0, 0)"
    assert await computed(page, f"{WIDGET} .pw", "display") == "block"
    # ... while the partner's own page keeps them.
    assert await computed(page, "h1", "letter-spacing") == "3px"
    assert visit.hosts() == {allowed.host, app_site.host}
    await visit.context.close()


async def test_a_widget_script_in_head_finds_its_target_once_the_dom_is_ready(
    browser: Browser, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/head-target.html")
    await expect(page.locator(f"#find-help > {WIDGET} article.card").first).to_be_visible()
    await visit.context.close()


async def test_each_widget_card_links_to_its_report_form_on_our_host(
    browser: Browser, app_site: Site, partner_sites: tuple[Site, Site]
) -> None:
    allowed, _ = partner_sites
    visit = await open_visit(browser)
    page = visit.page
    await page.goto(allowed.origin + "/widget.html")
    widget = page.locator(WIDGET)
    cards = widget.locator("article.card")
    await expect(cards).to_have_count(5)
    for i in range(5):
        card = cards.nth(i)
        resource_id = (await card.get_attribute("aria-labelledby") or "")[len("r-") :]
        link = card.get_by_role("link", name=re.compile("^Report a problem"))
        # Absolute: the widget lives on the partner's page, the form on ours, in a new tab.
        assert await link.get_attribute("href") == f"{app_site.origin}/r/{resource_id}/report"
        assert await link.get_attribute("target") == "_blank"
        assert "noopener" in (await link.get_attribute("rel") or "")
    async with visit.context.expect_page() as opened:
        await cards.first.get_by_role("link", name=re.compile("^Report a problem")).click()
    form = await opened.value
    await expect(form.get_by_role("heading", name="Report a problem")).to_be_visible()
    assert form.url.startswith(app_site.origin + "/r/")
    await visit.context.close()
