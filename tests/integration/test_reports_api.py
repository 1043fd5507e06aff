"""`POST /v1/resources/{id}/reports`: JSON and form posts, bad input, abuse, a database down."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.reporting.guards import FormTokens
from service.store.engine import sync_engine
from service.store.tables import reports
from tests.integration.conftest import IndexedSeed, settings_for
from tests.postgres_server import ManagedPostgres
from tests.problem import assert_problem

# Invented: text no log line may ever hold.
SECRET_TEXT: Final = "zebrafinch-closed-4417"
SECRET_CONTACT: Final = "reporter-5521@example.org"


def report_url(resource_id: str) -> str:
    return f"/v1/resources/{resource_id}/reports"


def stored_reports(url: str) -> list[dict[str, Any]]:
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(sa.select(reports))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def listing_id(client: TestClient[Litestar]) -> str:
    hits = client.get("/v1/search", params={"kind": "meeting", "near": "19103"}).json()["hits"]
    return str(hits[0]["id"])


def reports_app(
    meili: ManagedMeilisearch, seed: IndexedSeed, gazetteer: Gazetteer, url: str, **more: Any
) -> Litestar:
    settings = settings_for(meili, seed.name, database_url=url, database_timeout_s=1.0, **more)
    return create_app(settings, gazetteer=gazetteer)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reports.sqlite3'}"


@pytest.fixture
def api(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer, sqlite_url: str
) -> Iterator[TestClient[Litestar]]:
    with TestClient(reports_app(meili_server, seed_index, gazetteer, sqlite_url)) as test_client:
        yield test_client


def test_a_json_report_is_stored_and_answered_202(
    api: TestClient[Litestar], listing_id: str, sqlite_url: str
) -> None:
    body = {"problem": "wrong_time", "details": " Now 19:30. ", "contact": SECRET_CONTACT}
    response = api.post(report_url(listing_id), json=body)
    assert response.status_code == 202, response.text
    assert response.json() == {"status": "received", "resource_id": listing_id}
    [row] = stored_reports(sqlite_url)
    assert (row["resource_id"], row["problem"], row["details"]) == (
        listing_id,
        "wrong_time",
        "Now 19:30.",
    )
    assert (row["status"], row["contact"], row["area"]) == ("open", SECRET_CONTACT, "PA")


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"problem": "haunted"}, "problem"),
        ({}, "problem"),
        ({"problem": "other", "details": "x" * 501}, "details"),
        ({"problem": "other", "details": 5}, "details"),
        ({"problem": "other", "contact": "c" * 201}, "contact"),
        ({"problem": "other", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    api: TestClient[Litestar], listing_id: str, body: dict[str, Any], parameter: str
) -> None:
    assert_problem(api.post(report_url(listing_id), json=body), 400, parameter=parameter)


def test_the_allowed_problems_are_listed(api: TestClient[Litestar], listing_id: str) -> None:
    problem = assert_problem(api.post(report_url(listing_id), json={"problem": "x"}), 400)
    assert problem["allowed"] == [
        "closed", "moved", "wrong_time", "wrong_contact", "not_as_described", "other",
    ]  # fmt: skip


def test_a_body_that_is_not_json_or_a_form(api: TestClient[Litestar], listing_id: str) -> None:
    url = report_url(listing_id)
    assert_problem(
        api.post(url, content=b"{", headers={"content-type": "application/json"}),
        400,
        parameter="body",
    )
    assert_problem(
        api.post(url, content=b"[1]", headers={"content-type": "application/json"}),
        400,
        parameter="body",
    )
    assert_problem(api.post(url, content=b"closed", headers={"content-type": "text/plain"}), 415)


@pytest.mark.parametrize("resource_id", ["no-such-listing-anywhere", "bad%20id%3C"])
def test_an_unknown_listing_is_404(api: TestClient[Litestar], resource_id: str) -> None:
    assert_problem(api.post(report_url(resource_id), json={"problem": "closed"}), 404)


def test_a_form_post_needs_a_token_from_our_page(
    api: TestClient[Litestar], listing_id: str, sqlite_url: str
) -> None:
    url = report_url(listing_id)
    form = {"problem": "closed", "details": "Locked"}
    assert_problem(api.post(url, data=form), 403, parameter="form_token")
    tokens: FormTokens = api.app.state.form_tokens
    other = tokens.issue("some-other-listing")
    assert_problem(api.post(url, data={**form, "form_token": other}), 403, parameter="form_token")
    good = {**form, "form_token": tokens.issue(listing_id), "lang": "es"}
    cross = api.post(url, data=good, headers={"sec-fetch-site": "cross-site"})
    assert_problem(cross, 403, parameter="form_token")
    assert stored_reports(sqlite_url) == []
    sent = api.post(url, data=good, headers={"sec-fetch-site": "same-origin"})
    assert sent.status_code == 202
    assert sent.headers["content-type"].startswith("text/html")
    assert "Gracias" in sent.text
    assert f'href="/r/{listing_id}"' in sent.text
    assert len(stored_reports(sqlite_url)) == 1


def test_a_filled_honeypot_is_answered_alike_and_not_stored(
    api: TestClient[Litestar], listing_id: str, sqlite_url: str
) -> None:
    tokens: FormTokens = api.app.state.form_tokens
    form = {
        "problem": "other",
        "homepage": "http://spam.example",
        "form_token": tokens.issue(listing_id),
    }
    assert api.post(report_url(listing_id), data=form).status_code == 202
    assert stored_reports(sqlite_url) == []


def test_one_client_sending_1000_reports_is_cut_off(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    sqlite_url: str,
    listing_id: str,
) -> None:
    app = reports_app(meili_server, seed_index, gazetteer, sqlite_url, reports_per_hour=10)
    statuses: dict[int, int] = {}
    with TestClient(app) as test_client:
        for _ in range(1000):
            response = test_client.post(report_url(listing_id), json={"problem": "closed"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        last = test_client.post(report_url(listing_id), json={"problem": "closed"})
    assert statuses == {202: 10, 429: 990}
    body = assert_problem(last, 429)
    assert "10 reports an hour" in body["detail"]
    assert 0 < int(last.headers["retry-after"]) <= 3600
    assert len(stored_reports(sqlite_url)) == 10


def test_nothing_a_reporter_wrote_is_logged(
    api: TestClient[Litestar], listing_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        api.post(report_url(listing_id), json={"problem": "other", "details": SECRET_TEXT,
                                               "contact": SECRET_CONTACT})  # fmt: skip
        api.post(report_url(listing_id), json={"problem": SECRET_TEXT})
        api.post(report_url(listing_id), json={"problem": "x", SECRET_CONTACT: 1})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_TEXT not in logged
    assert SECRET_CONTACT not in logged
    assert "testclient" not in logged


def test_without_a_database_reports_answer_503_and_search_works(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer, listing_id: str
) -> None:
    settings = settings_for(meili_server, seed_index.name)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as test_client:
        assert_problem(test_client.post(report_url(listing_id), json={"problem": "closed"}), 503)
        assert test_client.get("/v1/search", params={"q": "meeting"}).status_code == 200


def test_a_database_down_is_503_within_the_timeout_and_recovers(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer, listing_id: str
) -> None:
    try:
        own = ManagedPostgres()
        own.init()
        own.start()
    except Exception as exc:
        pytest.skip(f"PostgreSQL cannot run here: {exc}")
    try:
        url = own.new_database()
        with TestClient(reports_app(meili_server, seed_index, gazetteer, url)) as test_client:

            def post() -> Any:
                return test_client.post(report_url(listing_id), json={"problem": "moved"})

            assert post().status_code == 202
            own.kill()
            started = time.monotonic()
            down = post()
            took_s = time.monotonic() - started
            body = assert_problem(down, 503)
            assert body["type"].endswith("/storage-unavailable")
            assert down.headers["retry-after"]
            assert took_s < 1.0 + 1.5
            # Search does not need the database.
            assert test_client.get("/v1/search", params={"q": "meeting"}).status_code == 200
            own.start()
            assert post().status_code == 202
            # A frozen server (it accepts, then never answers) is cut off by the timeout too.
            own.freeze()
            try:
                started = time.monotonic()
                assert_problem(post(), 503)
                assert time.monotonic() - started < 1.0 + 1.5
            finally:
                own.thaw()
            assert post().status_code == 202
        assert len(stored_reports(url)) == 3
    finally:
        own.stop()
        own.remove()
