"""A real Meeting Guide client, TSML UI's released app, lists our feed's meetings.

TSML UI (code4recovery/tsml-ui, MIT) is the meeting finder that intergroup sites embed; it
drops any meeting it cannot place ("no address information") or whose link it does not
know. The app is vendored in tests/data/tsml_ui/ and served from a page on another origin,
as a site embedding our feed would; every request outside that page and our app is refused
(TSML UI asks a tile server for its map).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import msgspec
import pytest
from playwright.async_api import Browser, Page, Route, expect

from service.contract.documents import TimeSlot
from service.formats.meeting_guide import slug_for
from service.settings import PROJECT_ROOT
from tests.browser.conftest import Site, open_visit

TSML_UI = PROJECT_ROOT / "tests" / "data" / "tsml_ui" / "app.js"
# Real aasepia meetings of the browser index (document ids), one of each attendance, and
# what TSML UI calls it.
MEETINGS = {
    "in person": (
        "aasepia-meeting-9-n-5-points-rd-west-chester-pa-19380-usa-0-070000",
        "In-person",
    ),
    "online": ("aasepia-shoulder-shoulder-group-Sun12am", "Online"),
    "phone only": ("aasepia-key-willingness-sunday", "Online"),
    "hybrid": ("aasepia-mtg-14-e-mill-rd-flourtown-pa-19031-usa-4-070000", "In-person"),
}


def embedding_page(feed_url: str) -> str:
    """The page an intergroup site would write, as TSML UI's README says."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Meetings</title>'
        f'</head><body><div id="tsml-ui" data-src="{feed_url}" '
        'data-timezone="America/New_York"></div><script src="/app.js"></script></body></html>'
    )


@pytest.fixture(scope="module")
def intergroup_site(app_site: Site) -> Iterator[Site]:
    """The embedding site on its own loopback port (Chromium lets only a loopback page
    fetch from a loopback origin): the page, and TSML UI's app at /app.js."""
    files = {
        "/meetings.html": (
            embedding_page(f"{app_site.origin}/v1/feeds/meeting-guide.json").encode(),
            "text/html; charset=utf-8",
        ),
        "/app.js": (TSML_UI.read_bytes(), "text/javascript; charset=utf-8"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, content_type = files.get(self.path.split("?")[0], (b"not found", "text/plain"))
            self.send_response(200 if self.path.split("?")[0] in files else 404)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield Site(f"http://127.0.0.1:{httpd.server_address[1]}", None)
    finally:
        httpd.shutdown()
        httpd.server_close()


async def tsml_page(browser: Browser, app_site: Site, site: Site) -> tuple[Page, list[str]]:
    """A page of the embedding site, with every refused request recorded."""
    visit = await open_visit(browser)
    refused: list[str] = []

    async def handle(route: Route) -> None:
        url = route.request.url
        if url.startswith((site.origin, app_site.origin)):
            await route.continue_()
        else:
            refused.append(url)
            await route.abort()

    await visit.context.route("**/*", handle)
    return visit.page, refused


@pytest.mark.parametrize("attendance", sorted(MEETINGS))
async def test_tsml_ui_shows_each_kind_of_meeting_of_our_feed(
    browser: Browser, app_site: Site, intergroup_site: Site, attendance: str
) -> None:
    doc_id, label = MEETINGS[attendance]
    # The document may hold the meeting's other weekly times too: its first time's entry.
    async with httpx.AsyncClient(follow_redirects=True) as http:
        doc = (await http.get(f"{app_site.origin}/v1/resources/{doc_id}")).json()
    slots = [msgspec.convert(s, TimeSlot) for s in doc["schedule"]["slots"]]
    slug = slug_for(doc["id"], slots[0] if slots else None, several=len(slots) > 1)
    page, refused = await tsml_page(browser, app_site, intergroup_site)
    await page.goto(f"{intergroup_site.origin}/meetings.html#/{slug}")
    # The meeting's own page: TSML UI found it in the feed and kept it.
    await expect(page.locator("#tsml-title")).to_be_visible(timeout=30_000)
    await expect(page.locator("#tsml-ui")).to_contain_text(label)
    if attendance == "online":
        await expect(page.get_by_role("link", name=re.compile("Zoom"))).to_be_visible()
    assert all(not url.startswith(app_site.origin) for url in refused)


async def test_tsml_ui_lists_online_meetings_of_our_feed(
    browser: Browser, app_site: Site, intergroup_site: Site
) -> None:
    page, _ = await tsml_page(browser, app_site, intergroup_site)
    await page.goto(f"{intergroup_site.origin}/meetings.html#/?type=online&search=Shoulder")
    rows = page.locator("#tsml-ui table tbody tr")
    await expect(rows.first).to_be_visible(timeout=30_000)
    await expect(page.locator("#tsml-ui")).to_contain_text("Shoulder to Shoulder Group")
