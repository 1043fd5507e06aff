"""Report -> steward -> index: corrections survive re-imports; a source that changes a
corrected field gets the correction flagged; the review pages are for stewards only and show
what reporters wrote as inert text.

The data is the real Atlanta Meeting Guide sample of seed_data (6 meetings) and the
helplines; the reports, their text and the steward are invented for the tests.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import TestClient

from indexer.__main__ import main as indexer_main
from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.store.engine import migrate, sync_engine
from service.store.stewards import add_steward
from service.store.tables import audit, corrections, reports
from tests.integration.conftest import settings_for
from tests.integration.test_indexer import ATLANTA, HELPLINES, SEED
from tests.problem import assert_problem

# "Early Sunday Morning", Sundays 09:00-10:00 in the feed.
MEETING: Final = "atlanta-aa-early-sunday-morning"
SCRIPT: Final = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass
class World:
    """An index built from a copy of the sources, a database, the app and a steward."""

    folder: Path
    index: str
    database_url: str
    client: TestClient[Litestar]
    token: str
    meili: ManagedMeilisearch

    def run(self, command: str, *extra: str) -> tuple[int, str]:
        out = io.StringIO()
        code = indexer_main(
            [command, "--sources", str(self.folder / "sources.toml"), "--index", self.index,
             "--meili-url", self.meili.url, f"--meili-key={self.meili.master_key}",
             f"--database-url={self.database_url}", "--no-progress", *extra],
            out=out,
        )  # fmt: skip
        return code, out.getvalue()

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def csrf(self) -> str:
        page = self.client.get("/review", headers=self.auth)
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert found, page.text
        return found.group(1)

    def report(self, problem: str = "wrong_time", details: str = "It is at 19:30 now") -> str:
        response = self.client.post(
            f"/v1/resources/{MEETING}/reports", json={"problem": problem, "details": details}
        )
        assert response.status_code == 202, response.text
        engine = sync_engine(self.database_url)
        try:
            with engine.connect() as connection:
                query = sa.select(reports.c.id).order_by(reports.c.created_at.desc()).limit(1)
                return str(connection.execute(query).scalar_one())
        finally:
            engine.dispose()

    def accept(self, report_id: str, form: dict[str, str]) -> None:
        response = self.client.post(
            f"/review/reports/{report_id}/accept",
            data={**form, "csrf": self.csrf()},
            headers=self.auth,
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def listing(self) -> dict[str, Any]:
        response = self.client.get(f"/v1/resources/{MEETING}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def rows(self, table: sa.Table) -> list[dict[str, Any]]:
        engine = sync_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [dict(r._mapping) for r in connection.execute(sa.select(table))]
        finally:
            engine.dispose()

    def edit_feed(self, start: str, end: str) -> None:
        path = self.folder / "atlanta.json"
        feed = json.loads(path.read_text(encoding="utf-8"))
        for meeting in feed:
            if meeting["slug"] == "early-sunday-morning":
                meeting["time"], meeting["end_time"] = start, end
        path.write_text(json.dumps(feed), encoding="utf-8")


@pytest.fixture
def world(
    meili_server: ManagedMeilisearch, gazetteer: Gazetteer, tmp_path: Path
) -> Iterator[World]:
    for name in ("meeting_guide/atlanta.json", "pathways/helplines.json"):
        shutil.copy(SEED / name, tmp_path / Path(name).name)
    (tmp_path / "sources.toml").write_text(ATLANTA + HELPLINES, encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'pathways.sqlite3'}"
    engine = sync_engine(database_url)
    migrate(engine)
    token = add_steward(engine, "Dana", "Atlanta Central Office", now=datetime.now(UTC))
    engine.dispose()
    index = f"corr_{uuid.uuid4().hex[:8]}"
    settings = settings_for(meili_server, index, database_url=database_url)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        made = World(tmp_path, index, database_url, client, token, meili_server)
        code, output = made.run("index")
        assert code == 0, output
        yield made
    httpx.delete(
        f"{meili_server.url}/indexes/{index}",
        headers={"Authorization": f"Bearer {meili_server.master_key}"},
        timeout=10,
    )


def test_an_accepted_correction_survives_reindexing_the_unchanged_source(world: World) -> None:
    assert world.listing()["schedule"]["slots"] == [
        {"day": "sun", "start": "09:00", "end": "10:00"}
    ]
    report_id = world.report()
    world.accept(report_id, {"field": "schedule", "value": "sun 19:30-20:30"})
    # Nothing changes in the index until the indexer runs; a sync of another source applies it.
    assert world.listing()["schedule"]["slots"][0]["start"] == "09:00"
    code, output = world.run("sync", "--source", "pathways-helplines")
    assert code == 0, output
    assert world.listing()["schedule"]["slots"][0]["start"] == "19:30"
    code, output = world.run("index")
    assert code == 0, output
    assert "stewards' corrections: 1 applied to 1 listings" in output
    listing = world.listing()
    assert listing["schedule"]["slots"] == [{"day": "sun", "start": "19:30", "end": "20:30"}]
    assert listing["schedule"]["timezone"] == "America/New_York"
    assert listing["corrected_at"].endswith("Z")
    # A time search sees the corrected time, not the feed's.
    found = world.client.get(
        "/v1/search",
        params={"day": "sun", "time_from": "19:00", "time_to": "20:00", "per_page": 50},
    ).json()
    assert MEETING in [h["id"] for h in found["hits"]]
    # Again, and with sync: the unchanged source keeps the correction, and nothing is flagged.
    assert world.run("index")[0] == 0
    code, output = world.run("sync")
    assert code == 0, output
    assert "0 documents changed" in output
    assert world.listing()["schedule"]["slots"][0]["start"] == "19:30"
    [correction] = world.rows(corrections)
    assert (correction["active"], correction["flag"]) == (True, None)
    assert correction["source_value"] == [{"day": "sun", "start": "09:00", "end": "10:00"}]


def test_a_source_that_changes_a_corrected_field_flags_the_correction(world: World) -> None:
    world.accept(world.report(), {"field": "schedule", "value": "sun 19:30-20:30"})
    assert world.run("sync")[0] == 0
    world.edit_feed("10:00", "11:00")
    code, output = world.run("sync")
    assert code == 0, output
    assert "1 newly flagged" in output
    [correction] = world.rows(corrections)
    assert correction["flag"] == "source_disagrees"
    assert correction["flagged_value"] == [{"day": "sun", "start": "10:00", "end": "11:00"}]
    # Flagged, not silently lost: the correction still applies until a steward decides.
    assert world.listing()["schedule"]["slots"][0]["start"] == "19:30"
    page = world.client.get("/review", headers=world.auth).text
    assert "the source now says" in page
    # The source catches up with the correction: flagged again, as caught up.
    world.edit_feed("19:30", "20:30")
    assert world.run("index")[0] == 0
    [correction] = world.rows(corrections)
    assert correction["flag"] == "source_caught_up"
    # The steward drops the correction: the source's value is published from the next run.
    settle = world.client.post(
        f"/review/corrections/{correction['id']}/settle",
        data={"keep": "no", "csrf": world.csrf()},
        headers=world.auth,
        follow_redirects=False,
    )
    assert settle.status_code == 303
    assert world.run("sync")[0] == 0
    assert world.listing()["schedule"]["slots"][0]["start"] == "19:30"
    assert [r["action"] for r in world.rows(audit)] == ["accept", "drop_correction"]


def test_closed_and_temporarily_closed(world: World) -> None:
    world.accept(
        world.report("closed", "Locked"), {"field": "status", "value": "temporarily_closed"}
    )
    assert world.run("sync")[0] == 0
    assert world.listing()["status"] == "temporarily_closed"
    world.accept(world.report("closed", "Gone"), {"field": "status", "value": "closed"})
    code, output = world.run("sync")
    assert code == 0, output
    assert_problem(world.client.get(f"/v1/resources/{MEETING}"), 404)
    assert world.run("index")[0] == 0
    assert_problem(world.client.get(f"/v1/resources/{MEETING}"), 404)


def test_phone_link_address_and_notes_corrections(world: World) -> None:
    world.accept(world.report(), {"field": "phone", "value": "404-555-0100"})
    world.accept(world.report(), {"field": "website", "value": "https://example.org/early"})
    world.accept(world.report(), {"field": "notes", "value": "Side door, second floor."})
    world.accept(world.report("moved"), {
        "field": "address", "address_street": "100 Peachtree St NW", "address_city": "Atlanta",
        "address_state": "GA", "address_postal_code": "30303",
    })  # fmt: skip
    assert world.run("index")[0] == 0
    listing = world.listing()
    assert listing["contact"]["phone"] == "404-555-0100"
    assert listing["contact"]["website"] == "https://example.org/early"
    assert listing["description"] == "Side door, second floor."
    assert listing["address"]["formatted"] == "100 Peachtree St NW, Atlanta, GA, 30303"
    # Placed again, offline, at the ZIP's centre.
    assert listing["address"]["approximate"] is True
    assert abs(listing["_geo"]["lat"] - 33.75) < 0.05
    # The Meeting Guide feed's `updated` is the correction's time, later than the feed's own.
    feed = world.client.get("/v1/feeds/meeting-guide.json").json()
    [entry] = [m for m in feed if m["slug"] == MEETING]
    corrected = listing["corrected_at"].replace("T", " ").removesuffix("Z")
    assert entry["updated"] == corrected
    assert entry["updated"] > "2024-03-08 01:55:57"


def test_verified_listings_say_so_and_hsds_carries_the_date(world: World) -> None:
    response = world.client.post(
        f"/review/listings/{MEETING}/verify",
        data={"checked_on": "2026-11-30", "csrf": world.csrf()},
        headers=world.auth,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert world.run("sync")[0] == 0
    assert world.listing()["checked"] == {"on": "2026-11-30", "by": "Atlanta Central Office"}
    service = world.client.get(f"/hsds/services/{MEETING}").json()
    assert service["assured_date"] == "2026-11-30"
    [entry] = world.rows(audit)
    assert (entry["steward"], entry["action"], entry["after"]) == (
        "Dana", "verify", {"checked_on": "2026-11-30", "organisation": "Atlanta Central Office"},
    )  # fmt: skip


def test_script_in_a_report_is_inert_on_the_review_pages(world: World) -> None:
    report_id = world.report("other", SCRIPT)
    for path in ("/review", f"/review/reports/{report_id}"):
        page = world.client.get(path, headers=world.auth)
        assert page.status_code == 200
        assert "<script" not in page.text
        assert "onerror=alert" not in page.text.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_review_needs_a_steward_and_their_form_token(world: World) -> None:
    report_id = world.report()
    assert (
        world.client.get("/review", follow_redirects=False).headers["location"] == "/review/login"
    )
    wrong = {"Authorization": "Bearer not-a-steward-token"}
    assert world.client.get("/review", headers=wrong, follow_redirects=False).status_code == 303
    url = f"/review/reports/{report_id}/reject"
    assert_problem(world.client.post(url, data={"reason": "no"}), 401)
    assert_problem(
        world.client.post(url, data={"reason": "no", "csrf": "0" * 32}, headers=world.auth), 403
    )
    cross = {**world.auth, "sec-fetch-site": "cross-site"}
    assert_problem(
        world.client.post(url, data={"reason": "no", "csrf": world.csrf()}, headers=cross), 403
    )
    assert [r["status"] for r in world.rows(reports)] == ["open"]
    # Signing in keeps the token in a strict, HttpOnly cookie for /review only.
    login = world.client.post("/review/login", data={"token": world.token}, follow_redirects=False)
    assert login.status_code == 303
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Path=/review" in cookie
    done = world.client.post(url, data={"reason": "The feed is right.", "csrf": world.csrf()},
                             follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    [row] = world.rows(reports)
    assert (row["status"], row["resolved_by"], row["resolution"]) == (
        "rejected",
        "Dana",
        "The feed is right.",
    )


def test_the_report_form_page_posts_and_shows_the_listing_state(world: World) -> None:
    page = world.client.get(f"/r/{MEETING}/report?lang=es")
    assert page.status_code == 200
    assert "Informar de un problema" in page.text
    assert 'name="homepage"' in page.text
    assert "Se informó de un problema" not in page.text
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    sent = world.client.post(
        f"/v1/resources/{MEETING}/reports",
        data={"problem": "moved", "details": "", "contact": "", "homepage": "",
              "form_token": token.group(1), "lang": "es"},
        headers={"sec-fetch-site": "same-origin"},
    )  # fmt: skip
    assert sent.status_code == 202, sent.text
    [row] = world.rows(reports)
    assert (row["problem"], row["details"], row["contact"]) == ("moved", None, None)
    again = world.client.get(f"/r/{MEETING}/report").text
    assert "A problem was reported and is being checked." in again
    world.client.post(
        f"/review/listings/{MEETING}/verify",
        data={"checked_on": "2026-11-30", "csrf": world.csrf()},
        headers=world.auth,
    )
    assert world.run("sync")[0] == 0
    assert (
        "Checked by Atlanta Central Office on 2026-11-30."
        in world.client.get(f"/r/{MEETING}/report").text
    )
    assert_problem(world.client.get("/r/no-such-listing/report"), 404)
    # Every card on the search page links to its listing's form.
    results = world.client.get("/", params={"q": "Early Sunday Morning"}).text
    assert f'href="/r/{MEETING}/report"' in results
