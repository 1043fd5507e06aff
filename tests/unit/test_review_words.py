"""The review pages' words: the same keys in English and Spanish, and every key the
templates ask for exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from service.review.pages import STRINGS
from service.store.records import ReportStatus
from service.web.i18n import LANGS

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "review" / "templates"


def test_both_languages_have_the_same_keys() -> None:
    assert set(STRINGS["en"]) == set(STRINGS["es"])


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_key_a_template_uses_is_there(template: str) -> None:
    used = set(re.findall(r"""\bt\(["']([a-z_]+)["']""", (TEMPLATES / template).read_text()))
    assert used, template
    # `t("status_" ~ report.status)`: a key per report status.
    used = {k for k in used if not k.endswith("_")}
    if "status_" in (TEMPLATES / template).read_text():
        used |= {f"status_{s}" for s in get_args(ReportStatus)}
    for lang in LANGS:
        assert used - set(STRINGS[lang]) == set(), (template, lang)


def test_the_spanish_is_not_the_english() -> None:
    same = {k for k in STRINGS["en"] if STRINGS["en"][k] == STRINGS["es"][k]}
    assert same == set()
