"""Partner organisations that embed Pathways search: their config file, origins and presets.

A partner is declared in a TOML file (config/partners.toml by default, or the file named by
PATHWAYS_PARTNERS_FILE through Settings). Its preset filters are ANDed with whatever the
visitor picks, so a partner's widget can be narrowed by the visitor but never widened.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

import msgspec
from msgspec import Meta

from service.places.geocoder import PlaceSyntaxError, parse_place
from service.search.query import validate_codes
from service.search.request import filter_params

logger = logging.getLogger("pathways.partners")

PARTNER_KEY_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,63}$"
FILTER_PARAMS: Final[tuple[str, ...]] = filter_params()


class PartnerConfigError(ValueError):
    """The partners file is missing, malformed, or declares something invalid."""


class PartnerPresets(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Filters every search through this partner carries; visitors can only narrow them."""

    # Filter parameter -> codes. The file writes them flat beside `near` (`kind = [...]`).
    filters: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    near: str | None = None
    radius_km: Annotated[float, Meta(gt=0, le=250)] | None = None

    def codes(self, param: str) -> tuple[str, ...]:
        """The preset codes of one filter parameter (empty: no preset)."""
        return self.filters.get(param, ())


class Partner(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One partner: who they are, where their pages live, and what they preset."""

    key: Annotated[str, Meta(pattern=PARTNER_KEY_PATTERN)]
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    origins: tuple[str, ...]
    presets: PartnerPresets = PartnerPresets()
    # Requests per minute from this partner's visitors, counted per process.
    rate_limit_per_min: Annotated[int, Meta(ge=1, le=100_000)] = 120
    per_page: Annotated[int, Meta(ge=1, le=50)] = 10
    example: bool = False
    notes: str | None = None


class PartnersFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The whole partners file: a list of `[[partner]]` tables."""

    partner: tuple[Partner, ...] = ()


class PartnerRegistry:
    """Partners by key; empty when no file is configured."""

    def __init__(self, partners: Sequence[Partner] = ()) -> None:
        self._by_key: dict[str, Partner] = {p.key: p for p in partners}

    def get(self, key: str | None) -> Partner | None:
        """The partner with this key, or None."""
        return self._by_key.get(key or "")

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def keys(self) -> list[str]:
        """Every partner key, sorted."""
        return sorted(self._by_key)


def normalize_origin(origin: str) -> str:
    """`scheme://host[:port]` in lower case, without a default port; raises ValueError."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{origin!r} is not an http(s) origin")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{origin!r} must be an origin only (scheme://host[:port])")
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin_allowed(partner: Partner, origin: str | None) -> bool:
    """Whether a browser request from `origin` may use this partner's key."""
    if not origin or origin == "null":
        return False
    try:
        return normalize_origin(origin) in partner.origins
    except ValueError:
        return False


def _checked(partner: Partner) -> Partner:
    try:
        origins = tuple(dict.fromkeys(normalize_origin(o) for o in partner.origins))
    except ValueError as exc:
        raise PartnerConfigError(f"partner {partner.key!r}: {exc}") from exc
    if not origins:
        raise PartnerConfigError(f"partner {partner.key!r}: list at least one allowed origin")
    presets = partner.presets
    try:
        codes = {p: c for p in FILTER_PARAMS if (c := validate_codes(p, presets.codes(p)))}
        if presets.near is not None:
            parse_place(presets.near)
    except (ValueError, PlaceSyntaxError) as exc:
        raise PartnerConfigError(f"partner {partner.key!r}: presets: {exc}") from exc
    if presets.radius_km is not None and presets.near is None:
        raise PartnerConfigError(f"partner {partner.key!r}: presets.radius_km needs presets.near")
    return msgspec.structs.replace(
        partner, origins=origins, presets=msgspec.structs.replace(presets, filters=codes)
    )


def _nested_filters(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """The file's flat preset keys that are filter parameters, gathered under `filters`."""
    partners = raw.get("partner")
    if not isinstance(partners, list):
        return raw
    nested = []
    for partner in partners:
        presets = partner.get("presets") if isinstance(partner, dict) else None
        if isinstance(presets, dict):
            if "filters" in presets:
                raise PartnerConfigError(f"{source}: presets: write filters flat (kind = [...])")
            filters = {k: v for k, v in presets.items() if k in FILTER_PARAMS}
            rest = {k: v for k, v in presets.items() if k not in FILTER_PARAMS}
            partner = {**partner, "presets": {**rest, "filters": filters}}
        nested.append(partner)
    return {**raw, "partner": nested}


def parse_partners(text: str, *, source: str = "partners file") -> PartnerRegistry:
    """Parse and check a partners TOML document."""
    try:
        raw = tomllib.loads(text)
        parsed = msgspec.convert(_nested_filters(raw, source), PartnersFile)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise PartnerConfigError(f"{source}: {exc}") from exc
    partners = [_checked(p) for p in parsed.partner]
    keys = [p.key for p in partners]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise PartnerConfigError(f"{source}: partner keys must be unique: {', '.join(repeated)}")
    return PartnerRegistry(partners)


def load_partners(path: Path | None) -> PartnerRegistry:
    """The partners in `path`; an empty registry when `path` is None."""
    if path is None:
        return PartnerRegistry()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PartnerConfigError(f"{path}: cannot read the partners file: {exc}") from exc
    registry = parse_partners(text, source=str(path))
    logger.info("Loaded %d embed partner(s) from %s", len(registry), path)
    return registry


class NarrowedFilters(msgspec.Struct, frozen=True, kw_only=True):
    """Presets ANDed with a visitor's filters; `impossible` when no value can match both."""

    filters: dict[str, list[str]]
    impossible: bool = False


def narrow_filters(
    presets: PartnerPresets, requested: Mapping[str, Sequence[str]]
) -> NarrowedFilters:
    """Intersect each preset with the visitor's values (OR-sets ANDed = their intersection).

    The visitor's values must already be validated codes.
    """
    filters: dict[str, list[str]] = {}
    impossible = False
    for param in FILTER_PARAMS:
        preset = presets.codes(param)
        asked = [v for v in requested.get(param, ()) if v]
        if preset and asked:
            kept = [v for v in asked if v in preset]
            impossible = impossible or not kept
            filters[param] = kept
        elif preset or asked:
            filters[param] = list(preset or asked)
    return NarrowedFilters(filters=filters, impossible=impossible)


def narrow_radius_km(presets: PartnerPresets, requested_km: float | None) -> float | None:
    """The visitor's radius, never wider than the partner's."""
    if presets.radius_km is None:
        return requested_km
    if requested_km is None:
        return presets.radius_km
    return min(requested_km, presets.radius_km)
