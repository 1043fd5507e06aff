"""Service configuration: one frozen Settings, read from the environment in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import msgspec

from service.values import whole_number

DEFAULT_INDEX: Final = "resources"
PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A configuration value is missing or malformed."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the API needs to run; `create_app` takes one of these."""

    meili_url: str
    # Every replica's URL when there are several (PATHWAYS_MEILI_URLS), else empty: then
    # `meili_url` is the only one. Use `replica_urls`; service/search/replicas.py.
    meili_urls: tuple[str, ...] = ()
    # The key the API searches with: a search-only key, never the master key (docs/security.md).
    meili_api_key: str
    index_name: str = DEFAULT_INDEX
    search_timeout_s: float = 2.0
    # The same for the bulk answers (the Meeting Guide feed, the CSV export), which page
    # through thousands of documents; service/search/deadline.py.
    export_timeout_s: float = 10.0
    default_radius_km: float = 25.0
    max_radius_km: float = 250.0
    max_per_page: int = 50
    log_level: str = "INFO"
    # Embed partners (see config/partners.toml); None: no partner can embed the search.
    partners_file: Path | None = None
    # A listing last updated or verified at its source longer ago is flagged `stale`.
    stale_after_days: float = 365.0
    # Requests a minute from one client address, per process (0: no limit); see rate_limit.py.
    client_rate_limit_per_min: int = 300
    # Bearer token of the /admin/ endpoints; None: they do not exist.
    admin_token: str | None = None
    # Search results kept until the index changes (0: none kept); see result_cache.py.
    result_cache_entries: int = 512
    # Reports and corrections (service/store/): the database URL, None: reports are off;
    # the longest wait for it before a 503; reports one client may send an hour.
    database_url: str | None = None
    database_timeout_s: float = 2.0
    reports_per_hour: int = 10

    @property
    def replica_urls(self) -> tuple[str, ...]:
        """Every Meilisearch server holding the index (the same key opens each)."""
        return self.meili_urls or (self.meili_url,)


# `from_env` falls back to Settings' own field defaults, so each is written once, in the class.
DEFAULTS: Final = Settings(meili_url="", meili_api_key="")


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

    PATHWAYS_MEILI_URL names the Meilisearch server (PATHWAYS_MEILI_URLS several replicas,
    comma-separated); the API's key is the search-only key of PATHWAYS_MEILI_SEARCH_KEY or
    of the file PATHWAYS_MEILI_SEARCH_KEY_FILE. Without either, `meili_api_key` is empty and
    `create_app_from_env` derives a search key from PATHWAYS_MEILI_KEY (see
    `meili_admin_key`), which Settings never holds.
    """
    env = os.environ if env is None else env
    urls = meili_urls(env)
    if not urls:
        raise SettingsError(
            "PATHWAYS_MEILI_URL is not set: run `make run` (which starts a local Meilisearch) "
            "or point it at a server, e.g. http://127.0.0.1:7700"
        )
    return Settings(
        meili_url=urls[0],
        meili_urls=urls if len(urls) > 1 else (),
        meili_api_key=_search_key(env),
        index_name=env.get("PATHWAYS_INDEX", "").strip() or DEFAULTS.index_name,
        search_timeout_s=_float(env, "PATHWAYS_SEARCH_TIMEOUT_S", DEFAULTS.search_timeout_s),
        export_timeout_s=_float(env, "PATHWAYS_EXPORT_TIMEOUT_S", DEFAULTS.export_timeout_s),
        default_radius_km=_float(env, "PATHWAYS_DEFAULT_RADIUS_KM", DEFAULTS.default_radius_km),
        max_radius_km=_float(env, "PATHWAYS_MAX_RADIUS_KM", DEFAULTS.max_radius_km),
        log_level=env.get("PATHWAYS_LOG_LEVEL", "").strip().upper() or DEFAULTS.log_level,
        partners_file=_partners_file(env),
        stale_after_days=_float(env, "PATHWAYS_STALE_AFTER_DAYS", DEFAULTS.stale_after_days),
        client_rate_limit_per_min=_count(
            env, "PATHWAYS_RATE_LIMIT_PER_MIN", DEFAULTS.client_rate_limit_per_min
        ),
        admin_token=_admin_token(env),
        result_cache_entries=_count(
            env, "PATHWAYS_RESULT_CACHE_ENTRIES", DEFAULTS.result_cache_entries
        ),
        database_url=env.get("PATHWAYS_DATABASE_URL", "").strip() or None,
        database_timeout_s=_float(env, "PATHWAYS_DATABASE_TIMEOUT_S", DEFAULTS.database_timeout_s),
        reports_per_hour=_count(env, "PATHWAYS_REPORTS_PER_HOUR", DEFAULTS.reports_per_hour),
    )


def meili_urls(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The Meilisearch replicas: PATHWAYS_MEILI_URLS (comma-separated), else PATHWAYS_MEILI_URL."""
    env = os.environ if env is None else env
    raw = env.get("PATHWAYS_MEILI_URLS", "").strip() or env.get("PATHWAYS_MEILI_URL", "").strip()
    urls = tuple(dict.fromkeys(u.strip().rstrip("/") for u in raw.split(",") if u.strip()))
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise SettingsError(
                f"PATHWAYS_MEILI_URLS: {url!r} is not an http:// or https:// URL "
                "(comma-separated, e.g. http://meili-a:7700,http://meili-b:7700)"
            )
    return urls


def replica_label(url: str) -> str:
    """A replica's URL without credentials or path, for logs and /healthz."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port}" if parts.port else f"{parts.scheme}://{host}"


def meili_admin_key(env: Mapping[str, str] | None = None) -> str:
    """PATHWAYS_MEILI_KEY: the master (or an admin) key, used only to derive the search key."""
    env = os.environ if env is None else env
    return env.get("PATHWAYS_MEILI_KEY", "").strip()


def _search_key(env: Mapping[str, str]) -> str:
    key = env.get("PATHWAYS_MEILI_SEARCH_KEY", "").strip()
    path = env.get("PATHWAYS_MEILI_SEARCH_KEY_FILE", "").strip()
    if key or not path:
        return key
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(f"PATHWAYS_MEILI_SEARCH_KEY_FILE: cannot read {path}: {exc}") from exc


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    count = whole_number(raw)
    if count is None:
        raise SettingsError(f"{name} must be a whole number (0 to turn it off), got {raw!r}")
    return count


MIN_ADMIN_TOKEN_CHARS: Final = 32


def _admin_token(env: Mapping[str, str]) -> str | None:
    token = env.get("PATHWAYS_ADMIN_TOKEN", "").strip()
    if not token:
        return None
    if len(token) < MIN_ADMIN_TOKEN_CHARS:
        raise SettingsError(
            f"PATHWAYS_ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_CHARS} characters "
            "(e.g. `openssl rand -base64 33`)"
        )
    return token


def _partners_file(env: Mapping[str, str]) -> Path | None:
    raw = env.get("PATHWAYS_PARTNERS_FILE", "").strip()
    if raw:
        return Path(raw)
    default = PROJECT_ROOT / "config" / "partners.toml"
    return default if default.is_file() else None
