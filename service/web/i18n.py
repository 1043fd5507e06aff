"""Interface strings in English and Spanish (strings/*.json), and choosing between them.

Vocabulary labels (kinds, languages, needs...) come from service/contract/vocabulary.py; these files
hold only the words of the interface itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal

Lang = Literal["en", "es"]
LANGS: Final[tuple[Lang, ...]] = ("en", "es")
DEFAULT_LANG: Final[Lang] = "en"

STRINGS_DIR: Final = Path(__file__).resolve().parent / "strings"


def load_strings(folder: Path) -> Mapping[Lang, Mapping[str, str]]:
    """`folder`/en.json and es.json: one file per language, with the same keys."""
    loaded = {}
    for lang in LANGS:
        raw = json.loads((folder / f"{lang}.json").read_text(encoding="utf-8"))
        loaded[lang] = {str(k): str(v) for k, v in raw.items()}
    return loaded


# strings/en.json and strings/es.json, so a translator edits text without touching code.
STRINGS: Final[Mapping[Lang, Mapping[str, str]]] = load_strings(STRINGS_DIR)


def text(lang: Lang, key: str, **values: object) -> str:
    """The interface string `key` in `lang`, with `{placeholders}` filled in."""
    template = STRINGS[lang][key]
    return template.format(**values) if values else template


def choose_lang(explicit: str | None, accept_language: str | None) -> Lang:
    """`explicit` (?lang=) if it is one we speak, else the best match in Accept-Language."""
    if explicit in LANGS:
        return explicit
    best: tuple[float, int, Lang] | None = None
    for position, item in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        quality = _quality(params)
        # Higher q first; on a tie, the earlier entry wins.
        candidate = (quality, -position, primary)
        if quality > 0 and (best is None or candidate > best):
            best = candidate
    return best[2] if best else DEFAULT_LANG


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0
