"""Words as the understanding step compares them: folding, stems, and the lexicon (pure).

The normalizer, applied alike to the lexicon's phrases and to what people type:
- fold: case, accents ("dónde" = "donde"), apostrophes ("I'm" = "im", "can't" = "cant"),
  dots ("A.A." = "aa", "p.m." = "pm"); any other punctuation separates words;
- stem: irregular forms first ([forms] in the lexicon: "drank" -> "drink", "duermo" ->
  "dormir"; a form written "=word" is final, so "housing" stays apart from "house"), then
  one or two common English or Spanish endings are cut ("-ing", "-ed", "-s", "-es", "-ies",
  "-ando", "-iendo", "-ar", "-er", "-ir", a final "-e"), keeping at least two letters and
  undoubling a final consonant, so "drinking", "drinks" and "drink" meet, as do "dormir" and
  "duermo", "usando" and "using". Stems only ever meet other stems, so a stem need not be a
  word;
- typos: a word of six letters or more that the lexicon does not know, one letter away from
  one it does (missing, extra, wrong or swapped), is read as that word ("shleter").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Final, Literal

import msgspec

from service.contract.documents import FILTER_FIELDS

LEXICON_PATH: Final = Path(__file__).resolve().parent / "lexicon.toml"
Strength = Literal["filter", "boost"]
_DROPPED: Final = str.maketrans({"'": None, "\u2019": None, "`": None, ".": None})
_WORD_RE: Final = re.compile(r"\d{1,2}:\d{2}(?:am|pm)?|[a-z0-9]+")
_ENDINGS: Final = ("iendo", "ando", "ies", "ing", "es", "ed", "er", "ar", "ir", "s", "e")
_MIN_STEM: Final = 2
# Shorter words are too often another real word one letter away ("saber" / "sober").
MIN_TYPO_LETTERS: Final = 6
# "stopping" -> "stop", but "falls" -> "fall" and "kisses" -> "kiss".
_KEEP_DOUBLE: Final = frozenset("aeiouylsz")
_CODES: Final = {f.param: f.vocabulary.codes for f in FILTER_FIELDS}


class Sense(msgspec.Struct, frozen=True, kw_only=True):
    """What a lexicon phrase reads as: one code of one search parameter, and how surely."""

    param: str
    code: str
    strength: Strength
    context: bool = False


class _Entry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    codes: list[str]
    strength: Strength
    en: list[str]
    es: list[str]
    context: bool = False


class _Words(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    en: list[str]
    es: list[str]


class _StopWords(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    en: str
    es: str


class _File(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    exempt: dict[str, str]
    forms: dict[str, str]
    stop: _StopWords
    crisis: _Words
    entry: list[_Entry]


class Lexicon(msgspec.Struct, frozen=True, kw_only=True):
    """The lexicon, ready to match: stemmed phrases -> senses, stop words, crisis phrases."""

    phrases: dict[tuple[str, ...], tuple[Sense, ...]]
    forms: dict[str, str]
    longest: int
    stop_words: frozenset[str]
    crisis: frozenset[tuple[str, ...]]
    crisis_longest: int
    crisis_words: frozenset[str]
    # Crisis words of five letters or more and each of them with one letter left out, so
    # one typo (a letter missing, extra, wrong or swapped) still finds the word.
    crisis_typos: dict[str, str]
    # Every word of the lexicon's phrases: a word the lexicon knows is never a typo.
    known_words: frozenset[str]
    # The same for the lexicon's words of six letters or more, read as phrases' words.
    typos: dict[str, str]
    first_words: frozenset[str]
    # Per "param:code", the raw phrases by language, for coverage tests and index keywords.
    by_code: dict[str, dict[str, tuple[str, ...]]]
    exempt: dict[str, str]


def fold(text: str) -> str:
    """Lower case without accents, apostrophes or dots (see the module docstring)."""
    folded = text.casefold().translate(_DROPPED)
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded


def words(text: str) -> list[str]:
    """The folded words of a text ("7:30pm" stays one word)."""
    return _WORD_RE.findall(fold(text))


def stem(word: str, forms: dict[str, str]) -> str:
    """The stem the lexicon and the query share for a folded word."""
    word = forms.get(word, word)
    if word.startswith("="):
        return word[1:]
    for _ in range(2):
        cut = _cut(word)
        if cut == word:
            break
        word = cut
    return word


def _cut(word: str) -> str:
    if word.isdigit():
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            if ending == "s" and word[-2] in "su":
                continue  # "class", "bus", "virus" keep their s
            base = word[: -len(ending)]
            if ending == "ies":
                base += "y"
            elif len(base) > _MIN_STEM and base[-1] == base[-2] and base[-1] not in _KEEP_DOUBLE:
                base = base[:-1]
            return base
    return word


@cache
def lexicon() -> Lexicon:
    """The lexicon, read and checked once per process."""
    raw = msgspec.convert(tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8")), _File)
    raw = msgspec.structs.replace(raw, entry=[*raw.entry, *label_entries(raw.entry)])
    forms = {fold(k): fold(v) for k, v in raw.forms.items()}
    phrases: dict[tuple[str, ...], list[Sense]] = {}
    by_code: dict[str, dict[str, list[str]]] = {}
    vocabulary_words: set[str] = set()
    for entry in raw.entry:
        senses = [_sense(code, entry) for code in entry.codes]
        for language, texts in (("en", entry.en), ("es", entry.es)):
            for text in texts:
                folded = words(text)
                vocabulary_words.update(folded)
                key = tuple(stem(w, forms) for w in folded)
                known = phrases.setdefault(key, [])
                known.extend(s for s in senses if s not in known)
                for code in entry.codes:
                    by_code.setdefault(code, {}).setdefault(language, []).append(text)
    crisis = frozenset(tuple(words(p)) for p in raw.crisis.en + raw.crisis.es)
    crisis_words = frozenset(w for p in crisis for w in p if len(w) >= 5)
    return Lexicon(
        phrases={key: tuple(senses) for key, senses in phrases.items()},
        forms=forms,
        longest=max(len(key) for key in phrases),
        stop_words=frozenset(fold(w) for w in (raw.stop.en + " " + raw.stop.es).split()),
        crisis=crisis,
        crisis_longest=max(len(p) for p in crisis),
        crisis_words=crisis_words,
        crisis_typos=_typos(crisis_words),
        known_words=frozenset(vocabulary_words),
        typos=_typos(frozenset(w for w in vocabulary_words if len(w) >= MIN_TYPO_LETTERS)),
        first_words=frozenset(key[0] for key in phrases),
        by_code={c: {lang: tuple(t) for lang, t in v.items()} for c, v in by_code.items()},
        exempt=raw.exempt,
    )


def label_entries(entries: Sequence[_Entry]) -> list[_Entry]:
    """A code's own labels as its phrases, in each language the lexicon gives it none.

    A label ("Spanish", "Español") is the plainest way to ask for a code, so a code added to a
    vocabulary is understood from the day it exists; the lexicon adds the words people use.
    """
    covered = {(code, lang) for e in entries for code in e.codes for lang in ("en", "es")
               if (e.en if lang == "en" else e.es)}  # fmt: skip
    made: list[_Entry] = []
    for field in FILTER_FIELDS:
        for term in field.vocabulary.terms:
            key = f"{field.param}:{term.code}"
            en = [term.en] if (key, "en") not in covered else []
            es = [term.es] if (key, "es") not in covered else []
            if en or es:
                made.append(_Entry(codes=[key], strength="filter", en=en, es=es))
    return made


def phrase_at(found: Sequence[str], start: int, lex: Lexicon) -> bool:
    """Whether a lexicon phrase starts here ("in person", "en español" are no places)."""
    stems = [stem(w, lex.forms) for w in found[start : start + lex.longest]]
    return any(tuple(stems[:size]) in lex.phrases for size in range(1, len(stems) + 1))


def _typos(correct: frozenset[str]) -> dict[str, str]:
    typos: dict[str, str] = {}
    for word in sorted(correct):
        for position in range(len(word)):
            typos.setdefault(word[:position] + word[position + 1 :], word)
    typos.update((word, word) for word in correct)
    return typos


def corrected(word: str, typos: dict[str, str], known: frozenset[str]) -> str:
    """The known word a word is one typo away from (missing, extra, wrong or swapped letter)."""
    if word in known:
        return word
    if word in typos:
        return typos[word]
    for position in range(len(word)):
        variant = word[:position] + word[position + 1 :]
        if variant in typos:
            return typos[variant]
    return word


def _sense(code: str, entry: _Entry) -> Sense:
    param, _, value = code.partition(":")
    if value not in _CODES.get(param, ()):
        raise ValueError(f"lexicon: {code!r} is not a code of a search parameter's vocabulary")
    return Sense(param=param, code=value, strength=entry.strength, context=entry.context)
