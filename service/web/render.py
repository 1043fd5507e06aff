"""The Jinja2 environment of the pages: autoescaped, strict about undefined names."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Final

import jinja2

from service.web.i18n import Lang, text

WEB_DIR: Final = Path(__file__).resolve().parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
STATIC_DIR: Final = WEB_DIR / "static"

ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    # Everything a feed or a visitor wrote is escaped; `|safe` appears only on our own markup.
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, *, lang: Lang, **context: Any) -> str:
    """Render a template with `t(key, **values)` bound to the visitor's language."""
    return ENVIRONMENT.get_template(template).render(t=partial(text, lang), lang=lang, **context)
