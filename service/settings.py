"""Service configuration: one frozen Settings, read from the environment in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import msgspec

DEFAULT_INDEX: Final = "resources"
PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the API needs to run; `create_app` takes one of these."""

    meili_url: str
    meili_api_key: str
    index_name: str = DEFAULT_INDEX
    search_timeout_s: float = 2.0
    default_radius_km: float = 25.0
    max_radius_km: float = 250.0
    max_per_page: int = 50
    log_level: str = "INFO"
    # Embed partners (see config/partners.toml); None: no partner can embed the search.
    partners_file: Path | None = None
    # A listing last updated or verified at its source longer ago is flagged `stale`.
    stale_after_days: float = 365.0


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from PATHWAYS_* environment variables.

    PATHWAYS_MEILI_URL and PATHWAYS_MEILI_KEY name the Meilisearch server; the launcher
    sets them for the managed local server it starts.
    """
    env = os.environ if env is None else env
    url = env.get("PATHWAYS_MEILI_URL", "").strip()
    if not url:
        raise SettingsError(
            "PATHWAYS_MEILI_URL is not set: run `make run` (which starts a local Meilisearch) "
            "or point it at a server, e.g. http://127.0.0.1:7700"
        )
    return Settings(
        meili_url=url.rstrip("/"),
        meili_api_key=env.get("PATHWAYS_MEILI_KEY", ""),
        index_name=env.get("PATHWAYS_INDEX", DEFAULT_INDEX) or DEFAULT_INDEX,
        search_timeout_s=_float(env, "PATHWAYS_SEARCH_TIMEOUT_S", 2.0),
        default_radius_km=_float(env, "PATHWAYS_DEFAULT_RADIUS_KM", 25.0),
        max_radius_km=_float(env, "PATHWAYS_MAX_RADIUS_KM", 250.0),
        log_level=env.get("PATHWAYS_LOG_LEVEL", "INFO").upper(),
        partners_file=_partners_file(env),
        stale_after_days=_float(env, "PATHWAYS_STALE_AFTER_DAYS", 365.0),
    )


def _partners_file(env: Mapping[str, str]) -> Path | None:
    raw = env.get("PATHWAYS_PARTNERS_FILE", "").strip()
    if raw:
        return Path(raw)
    default = PROJECT_ROOT / "config" / "partners.toml"
    return default if default.is_file() else None
