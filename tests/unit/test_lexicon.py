"""The lexicon: every vocabulary code has English and Spanish phrases; folding and stems."""

from __future__ import annotations

import pytest

from service.contract.documents import FILTER_FIELDS
from service.search.wording import (
    LEXICON_PATH,
    _Entry,
    fold,
    label_entries,
    lexicon,
    stem,
    words,
)


def test_every_code_has_english_and_spanish_phrases() -> None:
    lex = lexicon()
    missing = []
    for field in FILTER_FIELDS:
        for code in field.vocabulary.ordered_codes():
            key = f"{field.param}:{code}"
            if key in lex.exempt:
                continue
            phrases = lex.by_code.get(key, {})
            if not phrases.get("en") or not phrases.get("es"):
                missing.append(key)
    assert missing == []


def test_exemptions_name_real_codes() -> None:
    codes = {f"{f.param}:{c}" for f in FILTER_FIELDS for c in f.vocabulary.codes}
    assert set(lexicon().exempt) <= codes


def test_loaded_once() -> None:
    assert lexicon() is lexicon()
    assert lexicon.cache_info().currsize == 1


def test_header_says_who_wrote_it_and_the_licence() -> None:
    head = LEXICON_PATH.read_text(encoding="utf-8")[:400]
    assert "Written by the Pathways project" in head
    assert "MIT" in head


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dónde", "donde"),
        ("I'm", "im"),
        ("can\u2019t", "cant"),
        ("A.A.", "aa"),
        ("7 p.m.", "7 pm"),
        ("ALCOHÓLICOS ANÓNIMOS", "alcoholicos anonimos"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_words_split_on_punctuation_and_keep_clock_times() -> None:
    assert words("Al-Anon, at 7:30pm; near 19103!") == [
        "al",
        "anon",
        "at",
        "7:30pm",
        "near",
        "19103",
    ]


@pytest.mark.parametrize(
    "group",
    [
        ("drink", "drinks", "drinking", "drank"),
        ("dormir", "duermo", "durmiendo"),
        ("use", "using", "uses", "usando", "usar", "usa"),
        ("shelter", "shelters"),
        ("meeting", "meetings"),
        ("droga", "drogas"),
        ("albergue", "albergues"),
        ("stop", "stopping"),
        ("kick", "kicked"),
    ],
)
def test_forms_meet_at_one_stem(group: tuple[str, ...]) -> None:
    forms = lexicon().forms
    assert len({stem(word, forms) for word in group}) == 1


def test_housing_is_not_a_house() -> None:
    forms = lexicon().forms
    assert stem("housing", forms) != stem("house", forms)


def test_a_code_without_phrases_is_read_by_its_labels() -> None:
    explicit = [_Entry(codes=["language:es"], strength="filter", en=["in spanish"], es=[])]
    made = {tuple(e.codes): (e.en, e.es) for e in label_entries(explicit)}
    assert made[("language:es",)] == ([], ["Español"])
    assert made[("kind:housing",)] == (["Housing and shelter"], ["Vivienda y albergue"])
