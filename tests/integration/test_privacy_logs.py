"""Privacy: at the default log level, no log line holds what someone searched, where, or from where.

A series of searches with distinctive text, places, coordinates and client addresses goes
through every way in (API, CSV, feed, HSDS, pages, embed) and every way out (answers, 400,
422, 429, a Meilisearch that refuses our filter, a Meilisearch that is down). All of the
process's log records at INFO, everything written to its stdout and stderr, the output of a
real uvicorn server, and the Meilisearch log are then searched for each of them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch, free_port
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import Settings
from tests.integration.conftest import IndexedSeed, run_indexer, settings_for
from tests.integration.served import api_env, served_api
from tests.integration.test_indexer import ATLANTA, HELPLINES, SEED, make_sources

# Distinctive values, invented so that any trace of them in a log is unmistakable.
QUERY: Final = "zebrafinch sobriety 4417"
CITY: Final = "Chattanooga, TN"
ZIP: Final = "37402"
POINT: Final = "35.0456,-85.3097"
UNKNOWN_PLACE: Final = "Zyzzyva Springs, TN"
BAD_CODE: Final = "quokka-language"
CLIENT_IP: Final = "203.0.113.77"
LOOPBACK_CLIENT: Final = "127.77.7.7"
PARTNER: Final = "privacy-partner"
SECRETS: Final = (
    "zebrafinch",
    "sobriety 4417",
    "Chattanooga",
    ZIP,
    "35.045",
    "-85.309",
    "Zyzzyva",
    "quokka",
    CLIENT_IP,
    LOOPBACK_CLIENT,
    # Any filter or sort that reached a log would name these.
    "geo_cells",
    "geo_key",
    "_geoRadius",
    "_geoPoint",
)


def searches() -> list[str]:
    """Requests that carry the distinctive values, through every public entry point."""
    q = QUERY.replace(" ", "+")
    places = (CITY.replace(" ", "+"), ZIP, POINT)
    urls = [f"/v1/search?q={q}"]
    for near in places:
        urls += [
            f"/v1/search?q={q}&near={near}&radius_km=40&kind=meeting",
            f"/v1/search?near={near}&sort=distance&open_now=true",
            f"/v1/search.csv?q={q}&near={near}",
            f"/v1/feeds/meeting-guide.json?near={near}&radius_km=10",
            f"/hsds/services?search={q}&near={near}",
            f"/?q={q}&near={near}",
            f"/partials/results?q={q}&near={near}",
            f"/embed/v1/search?partner={PARTNER}&q={q}&near={near}",
            f"/embed/v1/results?partner={PARTNER}&q={q}&near={near}",
        ]
    urls += [
        f"/v1/search?near={UNKNOWN_PLACE.replace(' ', '+')}",
        f"/?near={UNKNOWN_PLACE.replace(' ', '+')}",
        f"/v1/search?language={BAD_CODE}&q={q}",
        f"/v1/search?q={q}&tz=Chattanooga/TN",
        f"/shortlist?ids={BAD_CODE}",
    ]
    return urls


def assert_no_secrets(text: str, where: str) -> None:
    """None of the distinctive values appears in `text`."""
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} appears in {where}"


@pytest.fixture(scope="module")
def partners_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("privacy") / "partners.toml"
    path.write_text(
        f'[[partner]]\nkey = "{PARTNER}"\nname = "Privacy test"\n'
        'origins = ["https://partner.example"]\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def stale_index(meili_server: ManagedMeilisearch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An index whose settings predate the service's filters, so Meilisearch refuses them."""
    name = f"stale_{uuid.uuid4().hex[:8]}"
    directory = tmp_path_factory.mktemp("stale")
    sources = make_sources(
        directory,
        (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
        (ATLANTA, SEED / "meeting_guide" / "atlanta.json", "atlanta.json"),
    )
    assert run_indexer(meili_server, name, sources)[0] == 0
    headers = {"Authorization": f"Bearer {meili_server.master_key}"}
    with httpx.Client(base_url=meili_server.url, headers=headers, timeout=30) as admin:
        task = admin.patch(
            f"/indexes/{name}/settings", json={"filterableAttributes": ["kind", "status"]}
        ).json()["taskUid"]
        while admin.get(f"/tasks/{task}").json()["status"] not in ("succeeded", "failed"):
            pass
    return name


class Captured(logging.Handler):
    """Every record that reaches the root logger, formatted with its arguments."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.name} {record.getMessage()}")
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))

    @property
    def text(self) -> str:
        """All lines so far."""
        return "\n".join(self.lines)


@contextmanager
def app_client(
    settings: Settings, gazetteer: Gazetteer, handler: Captured
) -> Iterator[TestClient[Litestar]]:
    """The app on these settings, its log records (from INFO up) going to `handler` too."""
    app = create_app(settings, gazetteer=gazetteer)
    # Litestar configures the root logger when it starts: attach once it has.
    with TestClient(app) as client:
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            yield client
        finally:
            root.removeHandler(handler)


def run_all(client: TestClient[Litestar], **headers: str) -> list[int]:
    """Every search, with these headers; the statuses."""
    return [client.get(url, headers=headers).status_code for url in searches()]


def test_no_search_reaches_the_logs_in_process(
    capfd: pytest.CaptureFixture[str],
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    stale_index: str,
    gazetteer: Gazetteer,
    partners_file: Path,
) -> None:
    captured = Captured()
    xff = {"X-Forwarded-For": CLIENT_IP, "X-Real-IP": CLIENT_IP}
    healthy = settings_for(
        meili_server, seed_index.name, partners_file=partners_file, client_rate_limit_per_min=60
    )
    with app_client(healthy, gazetteer, captured) as client:
        statuses = run_all(client, **xff) + run_all(client, **xff)
        # The limit counts in fixed minutes: passes that straddle a minute's end may stay
        # under it, but four passes put more than 60 requests in one minute.
        for _ in range(2):
            if 429 not in statuses:
                statuses += run_all(client, **xff)
    # The searches ran (200), were refused (400, 422) and, at last, were rate limited (429).
    assert {200, 400, 422, 429} <= set(statuses)
    stale = settings_for(meili_server, stale_index, partners_file=partners_file)
    with app_client(stale, gazetteer, captured) as client:
        assert 500 in run_all(client, **xff)
    down = settings_for(meili_server, seed_index.name, meili_url=f"http://127.0.0.1:{free_port()}")
    with app_client(down, gazetteer, captured) as client:
        assert 503 in run_all(client, **xff)
    # The refusals and the outage were logged, so the check looks at real lines.
    assert logging.getLogger("pathways").getEffectiveLevel() == logging.INFO
    assert "Meilisearch refused a request" in captured.text
    assert "Meilisearch unavailable" in captured.text
    assert_no_secrets(captured.text, "the log records at INFO")
    out, err = capfd.readouterr()
    assert_no_secrets(out + err, "stdout and stderr")


def test_no_search_reaches_a_real_servers_output(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    partners_file: Path,
    tmp_path: Path,
) -> None:
    env = api_env(
        meili_server,
        seed_index.name,
        PATHWAYS_PARTNERS_FILE=str(partners_file),
        # Trust X-Forwarded-For from anyone, so the client address the app sees is CLIENT_IP.
        FORWARDED_ALLOW_IPS="*",
        PATHWAYS_RATE_LIMIT_PER_MIN="40",
    )
    transport = httpx.HTTPTransport(local_address=LOOPBACK_CLIENT)
    with (
        served_api(env, log_path=tmp_path / "api.log") as api,
        httpx.Client(base_url=api.url, transport=transport, timeout=30) as client,
    ):
        statuses = [
            client.get(url, headers={"X-Forwarded-For": CLIENT_IP}).status_code
            for url in searches() * 2
        ]
        plain = [client.get(url).status_code for url in searches()[:5]]
    assert {200, 400, 422, 429} <= set(statuses + plain)
    output = api.log_text()
    assert "Uvicorn running" in output
    assert_no_secrets(output, "the uvicorn server's output")
    assert_no_secrets(
        meili_server.log_path.read_text(encoding="utf-8", errors="replace"), "Meilisearch's log"
    )
