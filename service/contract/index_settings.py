"""The typed shape of the Meilisearch index settings Pathways sets (its value: documents.py).

Field names are ours in snake_case and Meilisearch's in camelCase on the wire (`rename`), and
unknown fields are refused, so a misspelt setting fails here instead of being left unset.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

RankingRule = Literal["words", "typo", "proximity", "attribute", "sort", "exactness"]
# ISO 639-3, as Meilisearch names the languages it tokenizes by their own rules.
Locale = Literal["eng", "spa"]


class SettingsPart(
    msgspec.Struct, frozen=True, kw_only=True, rename="camel", forbid_unknown_fields=True
):
    """Base of the settings' parts: camelCase on the wire, our own data, so strict."""


class MinWordSizeForTypos(SettingsPart, frozen=True, kw_only=True):
    """The shortest words that may carry one or two typos."""

    one_typo: Annotated[int, Meta(ge=0)]
    two_typos: Annotated[int, Meta(ge=0)]


class TypoTolerance(SettingsPart, frozen=True, kw_only=True):
    """Which typos a query may make and still match."""

    enabled: bool
    min_word_size_for_typos: MinWordSizeForTypos
    disable_on_numbers: bool


class Faceting(SettingsPart, frozen=True, kw_only=True):
    """How many values a facet distribution lists."""

    max_values_per_facet: Annotated[int, Meta(ge=1)]


class Pagination(SettingsPart, frozen=True, kw_only=True):
    """How far a search can page."""

    max_total_hits: Annotated[int, Meta(ge=1)]


class LocalizedAttributes(SettingsPart, frozen=True, kw_only=True):
    """The languages of the attributes whose names match the patterns."""

    attribute_patterns: tuple[str, ...]
    locales: tuple[Locale, ...]


class IndexSettings(SettingsPart, frozen=True, kw_only=True):
    """The settings of the Pathways index, as sent to Meilisearch's settings endpoint."""

    searchable_attributes: tuple[str, ...]
    filterable_attributes: tuple[str, ...]
    sortable_attributes: tuple[str, ...]
    ranking_rules: tuple[RankingRule, ...]
    synonyms: dict[str, list[str]]
    stop_words: tuple[str, ...]
    # None: Meilisearch detects each text's language by itself.
    localized_attributes: tuple[LocalizedAttributes, ...] | None
    typo_tolerance: TypoTolerance
    faceting: Faceting
    pagination: Pagination

    def to_meili(self) -> dict[str, Any]:
        """The settings as the JSON object Meilisearch's settings endpoint takes."""
        # Through JSON, so tuples come back as the lists a JSON body holds.
        body: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(self))
        return body
