"""Settings' defaults are written once: the README and docker-compose.yml only repeat them."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
import yaml

from service.settings import DEFAULTS, PROJECT_ROOT, from_env

URL = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700"}
# A row of the README's configuration table: variables, then their defaults, in backticks.
_ROW_RE = re.compile(r"^\| (`PATHWAYS_[^|]+) \| ([^|]+) \|", re.MULTILINE)
_CODE_RE = re.compile(r"`([^`]+)`")
# Read by from_env; the others (host, port, binary, state dir, geocoder) belong to the
# launcher or the indexer.
SETTINGS_VARIABLES = {
    "PATHWAYS_INDEX",
    "PATHWAYS_SEARCH_TIMEOUT_S",
    "PATHWAYS_EXPORT_TIMEOUT_S",
    "PATHWAYS_DEFAULT_RADIUS_KM",
    "PATHWAYS_MAX_RADIUS_KM",
    "PATHWAYS_LOG_LEVEL",
    "PATHWAYS_STALE_AFTER_DAYS",
    "PATHWAYS_RATE_LIMIT_PER_MIN",
    "PATHWAYS_RESULT_CACHE_ENTRIES",
}


def documented_defaults() -> dict[str, str]:
    """The README's default of each configuration variable that has a single value."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    defaults: dict[str, str] = {}
    for names, values in _ROW_RE.findall(text):
        variables, shown = _CODE_RE.findall(names), _CODE_RE.findall(values)
        if len(variables) == len(shown):
            defaults.update(zip(variables, shown, strict=True))
    return defaults


def test_from_env_falls_back_to_the_settings_defaults() -> None:
    # The partners file alone is looked for on disk (config/partners.toml) when not named.
    found = msgspec.structs.replace(from_env(URL), partners_file=None)
    assert found == msgspec.structs.replace(DEFAULTS, meili_url=URL["PATHWAYS_MEILI_URL"])


@pytest.mark.parametrize("variable", sorted(SETTINGS_VARIABLES))
def test_the_readme_shows_the_defaults(variable: str) -> None:
    documented = documented_defaults()
    assert variable in documented
    assert from_env({**URL, variable: documented[variable]}) == from_env(URL)


def test_docker_compose_repeats_no_default() -> None:
    compose = yaml.safe_load(Path(PROJECT_ROOT / "docker-compose.yml").read_text("utf-8"))
    api = compose["services"]["api"]
    for name, value in api["environment"].items():
        if name in SETTINGS_VARIABLES:
            assert value in ("", f"${{{name}:-}}"), name
