"""A text in both of the plan's languages."""

from __future__ import annotations

from typing import Literal

import msgspec

Lang = Literal["en", "es"]


class Words(msgspec.Struct, frozen=True, kw_only=True):
    """One text in English and Spanish."""

    en: str
    es: str

    def get(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.en if lang == "en" else self.es
