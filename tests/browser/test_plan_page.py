"""The /plan flow in Chromium: phone and desktop, JavaScript on and off, English and Spanish,
and no serious accessibility violation (axe-core) on the form or the plan."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, Request, expect

from tests.browser.conftest import Site, Visit, axe_violations, open_visit

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCRIPT = re.compile(r"/static/plan\.js$")


async def _visit(browser: Browser, *, viewport: dict[str, int], javascript: bool) -> Visit:
    visit = await open_visit(browser, viewport=viewport)
    if not javascript:
        # axe needs script, so only the page's own scripts are refused: the page as sent.
        await visit.page.route(SCRIPT, lambda route: route.abort())
        await visit.page.route(re.compile(r"/static/pathways\.js$"), lambda route: route.abort())
    return visit


def _posted(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.method == "POST" and r.url.split("?")[0].endswith("/plan")]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_without_javascript_one_form_posts_the_answers(
    browser: Browser, app_site: Site, viewport: dict[str, int]
) -> None:
    visit = await _visit(browser, viewport=viewport, javascript=False)
    page = visit.page
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r))
    await page.goto(app_site.origin + "/plan")
    # Every question is on the one page.
    await expect(page.locator("fieldset.question")).to_have_count(12)
    await page.get_by_label("Alcohol").check()
    await page.get_by_label("Evenings").check()
    await page.get_by_label("Where? (ZIP code or city)").fill("19103")
    await page.get_by_role("button", name="Make my plan").click()
    await expect(page.locator("#plan-title")).to_have_text("Your plan")
    await expect(page.locator("#title-talk_now")).to_have_text("Someone to talk to now")
    await expect(page.locator("#section-peer .plan-pick").first).to_be_visible()
    # The answers travelled in the body, never in a URL.
    assert page.url == app_site.origin + "/plan"
    assert _posted(sent)
    assert all("alcohol" not in r.url and "19103" not in r.url for r in sent)
    # The link to share is there without JavaScript, saying what it reveals and what it needs.
    await page.locator(".plan-share summary").click()
    link = await page.locator("#plan-link").input_value()
    assert link.startswith(app_site.origin + "/plan#")
    assert "concern=alcohol" in link.split("#", 1)[1]
    await expect(page.locator(".plan-share details")).to_contain_text("Anyone who sees the link")
    await expect(page.locator(".plan-share details")).to_contain_text("JavaScript")
    assert await axe_violations(page) == []
    await visit.context.close()


async def _step_through(page: Page, *, skip: str, next_: str) -> None:
    """Answer 'Alcohol' and the place, skip everything else, one screen at a time."""
    questions = page.locator("fieldset.question")
    total = await questions.count()
    for index in range(total):
        visible = page.locator("fieldset.question:visible")
        await expect(visible).to_have_count(1)
        legend = await visible.locator("legend").inner_text()
        if index == 1:
            await visible.locator("input[value=alcohol]").check()
            await page.get_by_role("button", name=next_).click()
        elif index == total - 1:
            await visible.locator("input[name=near]").fill("19103")
        else:
            await page.get_by_role("button", name=skip).click()
        assert legend


@pytest.mark.parametrize(
    ("lang", "skip", "next_", "submit", "talk"),
    [
        ("en", "Skip", "Next", "Make my plan", "Someone to talk to now"),
        ("es", "Omitir", "Siguiente", "Crear mi plan", "Alguien con quien hablar ahora"),
    ],
)
async def test_phone_with_javascript_one_question_per_screen(
    browser: Browser, app_site: Site, lang: str, skip: str, next_: str, submit: str, talk: str
) -> None:
    visit = await _visit(browser, viewport=PHONE, javascript=True)
    page = visit.page
    await page.goto(f"{app_site.origin}/plan?lang={lang}")
    await expect(page.locator(".plan-step-status")).to_have_text(re.compile("1"))
    assert await axe_violations(page) == []
    await _step_through(page, skip=skip, next_=next_)
    await page.get_by_role("button", name=submit).click()
    await expect(page.locator("#title-talk_now")).to_have_text(talk)
    await expect(page.locator("#section-peer .plan-pick").first).to_be_visible()
    assert await axe_violations(page) == []
    await visit.context.close()


async def test_a_shared_link_reopens_the_plan_from_its_fragment(
    browser: Browser, app_site: Site
) -> None:
    visit = await _visit(browser, viewport=DESKTOP, javascript=True)
    page = visit.page
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r))
    await page.goto(app_site.origin + "/plan?lang=es#concern=alcohol&language=es&near=19103")
    await expect(page.locator("#plan-title")).to_have_text("Su plan")
    await expect(page.get_by_label("Alcohol")).to_be_checked()
    link = await page.locator("#plan-link").input_value()
    assert "/plan#" in link
    assert "concern=alcohol" in link.split("#", 1)[1]
    # The fragment never reached the server: the answers were posted.
    assert all("alcohol" not in r.url.split("#")[0] for r in sent)
    assert _posted(sent)
    await expect(page.locator("#plan-print")).to_be_visible()
    # Printed, the picks stay and the buttons go.
    await page.emulate_media(media="print")
    await expect(page.locator("#section-peer .plan-pick").first).to_be_visible()
    await expect(page.locator("#plan-print")).to_be_hidden()
    await page.emulate_media(media="screen")
    # The calendar link names listings, never an answer; the text message holds the plan.
    calendar = await page.locator("#plan-calendar").get_attribute("href")
    assert calendar is not None
    assert calendar.startswith("/plan.ics?ids=")
    assert "alcohol" not in calendar
    assert "19103" not in calendar
    ics = await page.request.get(app_site.origin + calendar)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in await ics.text()
    sms = await page.locator("#plan-sms").get_attribute("href")
    assert sms is not None
    assert sms.startswith("sms:?&body=Mi%20plan%20de%20apoyo")
    assert await axe_violations(page) == []
    await visit.context.close()


@pytest.mark.parametrize("javascript", [True, False])
async def test_a_bad_answer_is_named_on_the_page(
    browser: Browser, app_site: Site, javascript: bool
) -> None:
    visit = await _visit(browser, viewport=DESKTOP, javascript=javascript)
    page = visit.page
    response = await page.goto(app_site.origin + "/plan?time=noon")
    assert response is not None
    assert response.status == 400
    await expect(page.locator("#plan-error")).to_contain_text("time")
    assert await axe_violations(page) == []
    await visit.context.close()
