"""Small rules for values people type: yes/no flags, and how a bad value is echoed back."""

from __future__ import annotations

from typing import Final

from service.errors import BadParameterError

TRUE_WORDS: Final = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS: Final = frozenset({"false", "0", "no", "off"})
FLAG_FORM: Final = ("true", "false")
# Enough of a bad value for a person to recognise it, never a whole pasted paragraph.
MAX_SHOWN_CHARS: Final = 40


def cut(raw: str) -> str:
    """`raw` cut to 40 characters, with an ellipsis when something was left off."""
    return raw if len(raw) <= MAX_SHOWN_CHARS else raw[:MAX_SHOWN_CHARS] + "…"


def shown(raw: str) -> str:
    """`raw` quoted for an error message, cut to 40 characters."""
    return repr(cut(raw))


def whole_number(text: str) -> int | None:
    """`text` as a whole number when it is ASCII digits only, else None.

    `str.isdigit` also accepts superscripts and other scripts' digits, some of which `int`
    refuses ("²") and some it reads ("١٢"): a parameter is read one way, as written in ASCII.
    """
    return int(text) if text.isascii() and text.isdigit() else None


def is_true(raw: str | None) -> bool:
    """Whether a flag's text says yes; anything else, including absence, is no."""
    return raw is not None and raw.strip().lower() in TRUE_WORDS


def parse_flag(param: str, raw: str | None) -> bool:
    """A boolean parameter; absent or empty is false, a word outside both sets a 400."""
    if raw is None or not raw.strip():
        return False
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise BadParameterError(
        param, f"{param}={shown(raw)} is not allowed: use true or false", allowed=FLAG_FORM
    )
