"""The answer a form post gets: a short page in the visitor's language (escaped, no script)."""

from __future__ import annotations

from html import escape
from typing import Final

WORDS: Final = {
    "en": (
        "Thank you",
        "Thank you. A steward will check this listing. Reports are read by people, "
        "usually within a few days.",
        "Back to the listing",
    ),
    "es": (
        "Gracias",
        "Gracias. Una persona voluntaria revisará este recurso, normalmente en pocos días.",
        "Volver al recurso",
    ),
}


def thanks_page(*, lang: str, back_url: str) -> str:
    """The thank-you page after a report."""
    title, body, back = WORDS.get(lang, WORDS["en"])
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="stylesheet" href="/static/pathways.css"></head>'
        f'<body><main class="wrap"><h1>{title}</h1><p role="status">{body}</p>'
        f'<p><a href="{escape(back_url)}">{back}</a></p></main></body></html>'
    )
