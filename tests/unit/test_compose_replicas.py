"""docker-compose.yml's `replicas` profile: two Meilisearch replicas, two API processes, nginx.

Docker cannot run here, so the file is checked as Compose reads it (YAML, merge keys and all):
official images, one master key for both replicas and only the indexer given it, both APIs
on both replicas with the server limits the launcher uses, and nginx the only address whose
X-Forwarded-For is trusted, replacing the header rather than passing a client's on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import yaml

from service.http.limits import server_cli_flags
from service.settings import PROJECT_ROOT, meili_urls

COMPOSE: Final = PROJECT_ROOT / "docker-compose.yml"
REPLICAS: Final = ("meili-a", "meili-b")
APIS: Final = ("api-1", "api-2")


def services() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    return loaded


def in_profile() -> set[str]:
    return {name for name, s in services().items() if "replicas" in s.get("profiles", [])}


def test_the_profile_has_two_replicas_two_apis_and_a_proxy() -> None:
    assert in_profile() == {*REPLICAS, *APIS, "indexer-replicas", "proxy"}
    found = services()
    for name in REPLICAS:
        assert found[name]["image"] == found["meilisearch"]["image"]
        assert found[name]["environment"] == found["meilisearch"]["environment"]
    # Each replica its own data.
    assert len({found[name]["volumes"][0] for name in REPLICAS}) == 2
    assert re.fullmatch(r"nginx:[0-9.]+-alpine", found["proxy"]["image"])


def test_indexer_and_apis_name_both_replicas_and_only_the_indexer_has_the_master_key() -> None:
    found = services()
    expected = tuple(f"http://{name}:7700" for name in REPLICAS)
    for name in ("indexer-replicas", *APIS):
        environment = found[name]["environment"]
        assert meili_urls(environment) == expected, name
    assert "PATHWAYS_MEILI_KEY" in found["indexer-replicas"]["environment"]
    for name in APIS:
        assert "MEILI_MASTER_KEY" not in str(found[name]), name
        assert found[name]["volumes"] == ["api_keys_replicas:/app/.state/keys:ro"]


def test_apis_trust_forwarded_for_from_the_proxy_alone() -> None:
    found = services()
    proxy_ip = found["proxy"]["networks"]["replicas"]["ipv4_address"]
    for name in APIS:
        flags = [
            f for f in found[name]["command"] if "=" in f or f.startswith(("--no-", "--proxy"))
        ]
        behind = [f for f in server_cli_flags() if f != "--no-proxy-headers"]
        assert flags[: len(behind)] == behind, name
        assert flags[len(behind) :] == ["--proxy-headers", f"--forwarded-allow-ips={proxy_ip}"]


def test_the_proxy_config_balances_both_apis_and_replaces_forwarded_for() -> None:
    mount = services()["proxy"]["volumes"][0]
    config = (PROJECT_ROOT / Path(mount.split(":")[0])).read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*server (\S+):8000", config, flags=re.MULTILINE)
    assert upstreams == list(APIS)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config
    assert "$proxy_add_x_forwarded_for" not in config
    assert "access_log off;" in config
