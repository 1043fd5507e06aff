"""Operator endpoints: only with PATHWAYS_ADMIN_TOKEN set, and only with that exact token."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.api import admin
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import SettingsError, from_env
from tests.integration.conftest import IndexedSeed, settings_for
from tests.problem import assert_problem

# Invented for the test (random-looking, 43 characters as `openssl rand -base64 32` gives).
TOKEN = "q3Jv8c2Yw9mB1tXk4LzN7pR0sHdE6fUaGiOyWnVb5Mc"
PARTNER = """
[[partner]]
key = "{key}"
name = "Admin test partner"
origins = ["https://partner.example"]
"""
RELOAD = "/admin/reload-partners"


@pytest.fixture
def partners_file(tmp_path: Path) -> Path:
    path = tmp_path / "partners.toml"
    path.write_text(PARTNER.format(key="first"), encoding="utf-8")
    return path


@pytest.fixture
def admin_client(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    partners_file: Path,
) -> Iterator[TestClient[Litestar]]:
    settings = settings_for(
        meili_server, seed_index.name, admin_token=TOKEN, partners_file=partners_file
    )
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        yield client


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Authorization: Bearer"),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, "not valid"),
        ({"Authorization": f"Bearer {TOKEN}x"}, "not valid"),
        ({"Authorization": f"Basic {TOKEN}"}, "not valid"),
        ({"Authorization": "Bearer "}, "not valid"),
        ({"Authorization": f"Bearer {TOKEN.lower()}"}, "not valid"),
        ({"X-Admin-Token": TOKEN}, "Authorization: Bearer"),
    ],
)
def test_a_missing_or_wrong_token_is_refused(
    admin_client: TestClient[Litestar], partners_file: Path, headers: dict[str, str], detail: str
) -> None:
    partners_file.write_text(PARTNER.format(key="second"), encoding="utf-8")
    response = admin_client.post(RELOAD, headers=headers)
    body = assert_problem(response, 401)
    assert detail in body["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN not in response.text
    # Nothing changed: the partner loaded at start is still the one in use.
    assert admin_client.app.state.partners.keys == ["first"]


def test_the_right_token_reloads_the_partners(
    admin_client: TestClient[Litestar], partners_file: Path
) -> None:
    assert admin_client.get("/embed/v1/config?partner=second").status_code == 403
    partners_file.write_text(PARTNER.format(key="second"), encoding="utf-8")
    response = admin_client.post(RELOAD, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.json() == {"partners": 1, "keys": ["second"]}
    assert admin_client.get("/embed/v1/config?partner=second").status_code == 200
    assert admin_client.get("/embed/v1/config?partner=first").status_code == 403


def test_an_invalid_partners_file_changes_nothing(
    admin_client: TestClient[Litestar], partners_file: Path
) -> None:
    partners_file.write_text('[[partner]]\nkey = "Not A Valid Key"\n', encoding="utf-8")
    response = admin_client.post(RELOAD, headers={"authorization": f"bearer {TOKEN}"})
    body = assert_problem(response, 422)
    assert "unchanged" in body["detail"]
    assert admin_client.app.state.partners.keys == ["first"]


def test_other_methods_are_not_allowed(admin_client: TestClient[Litestar]) -> None:
    response = admin_client.get(RELOAD, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_problem(response, 405)


def test_without_a_token_the_admin_endpoints_do_not_exist(client: TestClient[Litestar]) -> None:
    assert_problem(client.post(RELOAD, headers={"Authorization": f"Bearer {TOKEN}"}), 404)
    assert "/admin/" not in client.get("/schema/openapi.json").text


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert admin.token_matches(f"Bearer {TOKEN}", TOKEN)
    assert not admin.token_matches("Bearer nope", TOKEN)
    assert calls == [(TOKEN.encode(), TOKEN.encode()), (b"nope", TOKEN.encode())]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        (f"BEARER   {TOKEN}  ", True),
        (f"Token {TOKEN}", False),
        (TOKEN, False),
        ("Bearer \udcff", False),
    ],
)
def test_token_matches(header: str | None, expected: bool) -> None:
    assert admin.token_matches(header, TOKEN) is expected


def test_a_short_admin_token_is_a_configuration_error() -> None:
    env = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700"}
    assert from_env(env).admin_token is None
    assert from_env({**env, "PATHWAYS_ADMIN_TOKEN": TOKEN}).admin_token == TOKEN
    with pytest.raises(SettingsError, match="at least 32"):
        from_env({**env, "PATHWAYS_ADMIN_TOKEN": "short"})
