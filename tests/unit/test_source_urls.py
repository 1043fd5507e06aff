"""Sources given by URL: fetched with a timeout and a size limit, read like files.

The HTTP layer is replaced by httpx.MockTransport where its failures are the subject, and a
real loopback server serves real sample files where a whole source is loaded. No test goes
to the network.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import msgspec
import pytest

from indexer.fetch import fetch_url, read_file
from indexer.load import LOADERS
from indexer.records import SourceConfig, SourceLoadError
from indexer.sources.hsds import json_form as hsds
from tests.httpserve import serve_folder

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
TEST_DATA = ROOT / "tests" / "data"


def client(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def test_fetch_returns_the_body() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"[]"))
    assert fetch_url("https://feeds.example/meetings.json", client=client(transport)) == b"[]"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(404, content=b"no"), "the server answered HTTP 404"),
        (httpx.Response(503), "the server answered HTTP 503"),
        (
            httpx.Response(200, content=b"x" * 10, headers={"Content-Length": "10"}),
            "10 bytes is more than the 5 allowed",
        ),
        # No length announced: counted as it arrives.
        (httpx.Response(200, content=iter([b"abc", b"def"])), "more than the 5 bytes allowed"),
    ],
)
def test_fetch_refuses_errors_and_oversized_bodies(response: httpx.Response, message: str) -> None:
    transport = httpx.MockTransport(lambda request: response)
    with pytest.raises(SourceLoadError, match=message):
        fetch_url("https://feeds.example/x.json", client=client(transport), max_bytes=5)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (httpx.ConnectError("refused"), "cannot be fetched \\(ConnectError: refused\\)"),
        (httpx.ReadTimeout("slow"), "no answer within 30 s"),
    ],
)
def test_fetch_failures_are_source_load_errors(error: Exception, message: str) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(SourceLoadError, match=message):
        fetch_url("https://feeds.example/x.json", client=client(httpx.MockTransport(fail)))


def test_unreachable_url_fails_the_source() -> None:
    # Port 9 (discard) has no listener on loopback: refused at once.
    with pytest.raises(SourceLoadError, match="cannot be fetched"):
        fetch_url("http://127.0.0.1:9/feed.json")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"path": "a.json", "url": "https://feeds.example/a.json"},
            "exactly one of `path` and `url`",
        ),
        ({}, "exactly one of `path` and `url`"),
        ({"url": "ftp://feeds.example/a.json"}, "url must start with http:// or https://"),
    ],
)
def test_a_source_has_exactly_one_location(fields: dict[str, str], message: str) -> None:
    raw = {"id": "x", "name": "x", "format": "meeting_guide", "licence": "x", **fields}
    with pytest.raises(msgspec.ValidationError, match=message):
        msgspec.convert(raw, SourceConfig)


CASES = [
    ("meeting_guide", SEED / "meeting_guide", "atlanta.json", 6),
    ("bmlt", TEST_DATA / "bmlt", "meeting-search-42.867970-day3.json", 54),
    ("naws_csv", TEST_DATA / "bmlt", "naws-export-cape-cod-area.csv", 1),
    ("hsds_json", TEST_DATA / "hsds" / "examples", "service_full.json", 1),
    ("hsds_tabular", TEST_DATA / "hsds" / "csv", "datapackage.json", 1),
    ("dc_shelters", SEED / "housing", "dc_homeless_shelters.csv", 18),
]


@pytest.mark.parametrize(("fmt", "folder", "name", "count"), CASES)
def test_a_url_source_loads_like_the_same_file(
    fmt: str, folder: Path, name: str, count: int
) -> None:
    by_path = SourceConfig(
        id="t",
        name="t",
        format=fmt,
        path=name,
        timezone="America/New_York",
        licence="test",
    )
    from_file = LOADERS[by_path.format](by_path, folder)
    with serve_folder(folder) as base:
        by_url = msgspec.structs.replace(by_path, path=None, url=f"{base}/{name}")
        from_url = LOADERS[by_url.format](by_url, Path("/nonexistent"))
    assert len(from_url.documents) == count
    assert from_url.documents == from_file.documents


def test_hsds_pages_are_followed_to_the_last(tmp_path: Path) -> None:
    # The official example is page 1 of 10 with one service; pages 2 and 3 are invented
    # from it (page numbers and ids changed) to show the reader follows `?page=N`.
    page = json.loads((TEST_DATA / "hsds" / "examples" / "service_list.json").read_text())
    pages = {}
    for number in (1, 2, 3):
        service = {**page["contents"][0], "id": f"service-{number}"}
        last = number == 3
        pages[number] = {**page, "page_number": number, "last_page": last, "contents": [service]}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[int(request.url.params.get("page", "1"))])

    source = SourceConfig(
        id="h", name="h", format="hsds_json", url="https://hsds.example/services", licence="x"
    )
    got = list(hsds.responses(source, tmp_path, client=client(httpx.MockTransport(answer))))
    assert [(where, [s["id"] for s in items]) for where, items in got] == [
        ("https://hsds.example/services", ["service-1"]),
        ("https://hsds.example/services?page=2", ["service-2"]),
        ("https://hsds.example/services?page=3", ["service-3"]),
    ]


def test_a_fifo_is_refused_at_once_instead_of_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(SourceLoadError, match=r"feed\.json: not a regular file"):
        read_file(fifo)
    assert time.monotonic() - started < 1.0


def test_a_directory_is_not_a_source_file(tmp_path: Path) -> None:
    with pytest.raises(SourceLoadError, match="not a regular file"):
        read_file(tmp_path)


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(b"[]" * 1_000_000)
    assert read_file(path) == b"[]" * 1_000_000
