"""The words of every error page, in both languages, with the crisis lines (pure rendering)."""

from __future__ import annotations

import html

import pytest

from service.web.error_pages import page_key
from service.web.i18n import LANGS, Lang, text
from service.web.render import render


@pytest.mark.parametrize(
    ("status", "key"),
    [
        (400, "400"),
        (404, "404"),
        (405, "400"),
        (413, "400"),
        (422, "422"),
        (429, "429"),
        (500, "500"),
        (502, "500"),
        (503, "503"),
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_every_error_status_has_a_page_in_each_language(status: int, key: str, lang: Lang) -> None:
    assert page_key(status) == key
    for template in ("error.html", "_error_fragment.html"):
        page = html.unescape(
            render(
                template,
                lang=lang,
                status=status,
                key=key,
                home_url="/",
                switch_url="/?lang=es",
            )
        )
        assert text(lang, f"errpage_{key}_title") in page
        assert text(lang, f"errpage_{key}_text") in page
    full = render("error.html", lang=lang, status=status, key=key, home_url="/", switch_url="/")
    assert f'<html lang="{lang}">' in full
    assert 'href="tel:988"' in full
    assert 'href="sms:988"' in full
    assert 'href="tel:+18006624357"' in full
