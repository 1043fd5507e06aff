"""What a phone downloads: the page, its stylesheet, its script and the results arrive gzipped
when the browser asks (Chromium always does), so a slow connection carries a fraction."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Response

from tests.browser.conftest import Site, open_visit

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
async def test_the_page_its_assets_and_results_arrive_compressed(
    browser: Browser, app_site: Site, javascript: bool
) -> None:
    visit = await open_visit(browser, viewport=PHONE, java_script_enabled=javascript)
    responses: list[Response] = []
    visit.page.on("response", lambda response: responses.append(response))
    await visit.page.goto(f"{app_site.origin}/?near=19103&kind=meeting")
    await visit.page.wait_for_load_state("networkidle")
    encodings: dict[str, str | None] = {}
    for response in responses:
        path = response.url.removeprefix(app_site.origin).split("?")[0]
        kind = (
            "page"
            if path == "/"
            else "css"
            if path.endswith(".css")
            else "js"
            if path.endswith(".js")
            else None
        )
        if kind is not None:
            encodings[kind] = (await response.all_headers()).get("content-encoding")
    expected = {"page", "css", "js"} if javascript else {"page", "css"}
    assert expected <= set(encodings), encodings
    for kind in expected:
        assert encodings[kind] == "gzip", (kind, encodings)
    await visit.context.close()
