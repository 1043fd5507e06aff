"""Re-make docs/screenshots/*.png from a running Pathways (phone and desktop widths).

    make run                                   # in one terminal: http://127.0.0.1:8000
    .venv/bin/python -m tests.browser.screenshots [--base-url http://127.0.0.1:8000]

The widget shot needs the example partner `demo` (config/partners.toml), whose pages live on
http://127.0.0.1:8001: this script serves a small partner page there while it runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from playwright.async_api import Page, ViewportSize, async_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serve_pages

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
SEARCH = "/?near=19103&kind=meeting&language=es"
DEMO_PORT = 8001


def demo_partner_page(base_url: str) -> str:
    """An invented partner page (the example partner of config/partners.toml)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example Recovery '
        "Community Center</title><style>body{font-family:Georgia,serif;max-width:46rem;"
        "margin:2rem auto;padding:0 1rem;color:#222;background:#fbf8f1}</style></head><body>"
        "<h1>Example Recovery Community Center</h1><p>Meetings, treatment and support near "
        "Philadelphia, from Pathways:</p>"
        f'<script src="{base_url}/embed/v1/widget.js" data-partner="demo" '
        'data-accent="#6b2c91"></script></body></html>'
    )


async def shoot(page: Page, url: str, name: str, *, scroll_to: str | None = None) -> None:
    """Open `url`, optionally scroll an element to the top, and save a viewport PNG."""
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    if scroll_to:
        await page.locator(scroll_to).first.evaluate("el => el.scrollIntoView()")
    await page.screenshot(path=OUT / name)
    sys.stdout.write(f"wrote {OUT / name}\n")


async def main_async(base_url: str) -> None:
    """Every screenshot of the README."""
    OUT.mkdir(parents=True, exist_ok=True)
    partner = serve_pages(DEMO_PORT, {"/": demo_partner_page(base_url)})
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            phone = await browser.new_page(viewport=PHONE, device_scale_factor=2)
            await shoot(phone, base_url + "/", "phone-start.png")
            # Results come first on a phone: no scrolling to reach them.
            await shoot(phone, base_url + SEARCH, "phone-results.png")
            await shoot(phone, base_url + SEARCH + "&lang=es", "phone-results-es.png")
            first = await phone.locator(".card-title a").first.get_attribute("href")
            await shoot(phone, base_url + str(first), "phone-listing.png")
            await shoot(phone, base_url + str(first) + "?lang=es", "phone-listing-es.png")
            await shoot(phone, base_url + "/shortlists", "phone-error.png")
            desktop = await browser.new_page(viewport=DESKTOP)
            await shoot(desktop, base_url + SEARCH, "desktop-results.png")
            ids = await desktop.locator("input.pick-box").evaluate_all(
                "boxes => boxes.slice(0, 3).map(b => b.value)"
            )
            await shoot(
                desktop, f"{base_url}/shortlist?ids={','.join(ids)}", "desktop-shortlist.png"
            )
            await shoot(desktop, partner.origin + "/", "desktop-widget.png")
            await browser.close()
    finally:
        partner.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.base_url.rstrip("/")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
