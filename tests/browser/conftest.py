"""Browser fixtures: the real app on a real port, partner sites on other ports, and Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by `make test` when missing), driven by
Playwright's async API inside async tests, so the run shares pytest-asyncio's event loop
with the rest of the suite (pytest-playwright's sync fixtures would clash with it).
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, Request, async_playwright

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT, Settings
from tests.integration.conftest import run_indexer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = PROJECT_ROOT / "tests" / "data" / "axe" / "axe.min.js"
# Real seed sources enough for the page's stories: Philadelphia's AA meetings (Spanish ones
# among them), national helplines and DC shelters. Indexing all of seed_data takes far longer.
BROWSER_SOURCES = ("aasepia", "pathways-helplines", "dc-shelters")
PARTNER_KEY = "test-partner"


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def subset_sources(directory: Path, ids: tuple[str, ...]) -> Path:
    """A copy of seed_data/sources.toml with only `ids`, its paths pointing into seed_data."""
    text = (PROJECT_ROOT / "seed_data" / "sources.toml").read_text(encoding="utf-8")
    _head, *blocks = text.split("[[source]]")
    kept = [b for b in blocks if any(f'id = "{i}"\n' in b for i in ids)]
    assert len(kept) == len(ids), f"seed_data/sources.toml lacks one of {ids}"
    seed = (PROJECT_ROOT / "seed_data").as_posix()
    kept = [b.replace('path = "', f'path = "{seed}/') for b in kept]
    path = directory / "sources.toml"
    path.write_text("".join("[[source]]" + b for b in kept), encoding="utf-8")
    return path


class Site:
    """A server on a loopback port: its origin, and how to stop it."""

    def __init__(self, origin: str, stop: Any) -> None:
        self.origin = origin
        self.stop = stop

    @property
    def host(self) -> str:
        """host:port."""
        return urlsplit(self.origin).netloc


@pytest.fixture(scope="session")
def browser_index(
    meili_server: ManagedMeilisearch, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A uuid-named index of the browser sources, built by the real indexer."""
    name = f"browser_{uuid.uuid4().hex[:8]}"
    sources = subset_sources(tmp_path_factory.mktemp("sources"), BROWSER_SOURCES)
    code, output = run_indexer(meili_server, name, sources)
    assert code == 0, output
    return name


@pytest.fixture(scope="session")
def partner_ports() -> tuple[int, int]:
    """(allowed, disallowed) ports for the partner sites, chosen before the app starts."""
    return free_port(), free_port()


def partners_toml(allowed_origin: str) -> str:
    """The test partner: its site's origin, and a preset place (a local partner)."""
    return (
        "[[partner]]\n"
        f'key = "{PARTNER_KEY}"\n'
        'name = "Test Recovery Center"\n'
        f'origins = ["{allowed_origin}"]\n'
        "per_page = 5\n"
        "rate_limit_per_min = 10000\n"
        "[partner.presets]\n"
        'near = "19103"\n'
        "radius_km = 25\n"
    )


@pytest.fixture(scope="session")
def app_site(
    meili_server: ManagedMeilisearch,
    browser_index: str,
    partner_ports: tuple[int, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    """The real app, served by uvicorn on a free port in a thread."""
    partners = tmp_path_factory.mktemp("partners") / "partners.toml"
    partners.write_text(partners_toml(f"http://127.0.0.1:{partner_ports[0]}"), encoding="utf-8")
    settings = Settings(
        meili_url=meili_server.url,
        meili_api_key=meili_server.master_key,
        index_name=browser_index,
        partners_file=partners,
        # Every page of the run comes from one address: no per-client rate limit.
        client_rate_limit_per_min=0,
    )
    app = create_app(settings, gazetteer=Gazetteer.load())
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="pathways-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start for the browser tests", pytrace=False)
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", None)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Rules partners' sites really carry (resets, themes), at their most intrusive.
HOSTILE_CSS = (
    "*{letter-spacing:3px!important;font-family:Papyrus,fantasy!important;line-height:3}"
    "div{border:7px solid rgb(255,0,0)!important;padding:20px}section{display:none}"
    "body{font:italic 24px Georgia,serif;color:rgb(200,0,0);text-transform:uppercase}"
)


def partner_pages(app: str) -> dict[str, str]:
    """The partner's pages: the widget (English, Spanish with options), a bad key, an iframe."""
    style = (
        "<style>body{font-family:Georgia,serif;color:#7a0000;background:#fffbe6}"
        "h2{color:rgb(0,128,0);font-size:40px}.card{border:5px dashed red}"
        ".button{background:yellow}</style>"
    )

    def page(body: str, lang: str = "en") -> str:
        return (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>Partner page</title>{style}</head><body><main>"
            f'<h1>Test Recovery Center</h1>{body}<p class="card" id="partner-card">Our own '
            "content.</p></main></body></html>"
        )

    widget = f'<script src="{app}/embed/v1/widget.js" data-partner="{PARTNER_KEY}"'
    return {
        "/widget.html": page(f"{widget}></script>"),
        "/widget-es.html": page(
            f'{widget} data-lang="es" data-kind="meeting" data-accent="#6b2c91" '
            'data-per-page="3"></script>',
            lang="es",
        ),
        "/unknown.html": page(
            f'<script src="{app}/embed/v1/widget.js" data-partner="nope"></script>'
        ),
        # The README's shortest example: the script in <head>, before any <body> exists,
        # on a page whose styles are hostile to anything embedded in it.
        "/head.html": (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>'
            f"{widget}></script><style>{HOSTILE_CSS}</style></head><body><h1>Partner</h1>"
            "</body></html>"
        ),
        "/head-target.html": (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>'
            f'{widget} data-target="find-help"></script></head><body><h1>Partner</h1>'
            '<div id="find-help"></div><p id="after">Partner footer</p></body></html>'
        ),
        "/frame.html": page(
            f'<iframe title="Find support" src="{app}/embed/v1/frame?partner={PARTNER_KEY}" '
            'width="400" height="700"></iframe>'
        ),
    }


def serve_pages(port: int, pages: Mapping[str, str]) -> Site:
    """A tiny static site on `port` serving `pages` (path -> HTML)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def stop() -> None:
        httpd.shutdown()
        httpd.server_close()

    return Site(f"http://127.0.0.1:{port}", stop)


@pytest.fixture(scope="session")
def partner_sites(app_site: Site, partner_ports: tuple[int, int]) -> Iterator[tuple[Site, Site]]:
    """(allowed, disallowed): the same partner pages on two origins."""
    pages = partner_pages(app_site.origin)
    allowed, disallowed = (serve_pages(p, pages) for p in partner_ports)
    try:
        yield allowed, disallowed
    finally:
        allowed.stop()
        disallowed.stop()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium binary; the run fails with how to get it when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium).",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    """Debian's Chromium, headless; Playwright gives every launch a new empty profile dir."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()


class Visit:
    """A page in a fresh browser context, and every URL it requested."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.context = context
        self.page = page
        self.requests: list[str] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.requests.append(request.url)

    def hosts(self) -> set[str]:
        """host:port of every request (data: and about: URLs have none)."""
        return {
            urlsplit(u).netloc for u in self.requests if urlsplit(u).scheme in {"http", "https"}
        }


async def open_visit(browser: Browser, **options: Any) -> Visit:
    """A new context (no cookies, no storage) and page with the given options."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "en-US")
    context = await browser.new_context(**options)
    page = await context.new_page()
    return Visit(context, page)


async def axe_violations(page: Page, *, include: str | None = None) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.x A/AA violations found by axe-core (served locally)."""
    await page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = await page.evaluate(
        """async (include) => {
            const context = include ? { include: [include] } : document;
            return await axe.run(context, { runOnly: { type: "tag", values:
                ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
        }""",
        include,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
