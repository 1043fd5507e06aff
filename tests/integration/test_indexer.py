"""The indexer end to end: reports bad input, never half-publishes, and is repeatable."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import uuid
from pathlib import Path

import httpx
import msgspec

from indexer.__main__ import main as indexer_main
from meili_local.server import ManagedMeilisearch
from service.settings import PROJECT_ROOT
from tests.integration.conftest import IndexedSeed, run_indexer

SEED = PROJECT_ROOT / "seed_data"
TEST_DATA = PROJECT_ROOT / "tests" / "data"

HELPLINES = """
[[source]]
id = "pathways-helplines"
name = "Pathways: national helplines"
format = "pathways"
path = "helplines.json"
licence = "CC0 1.0"
"""

ATLANTA = """
[[source]]
id = "atlanta-aa"
name = "Atlanta Central Office (AA)"
format = "meeting_guide"
path = "atlanta.json"
kind = "meeting"
timezone = "America/New_York"
fellowship = "AA"
licence = "test copy"
"""


def make_sources(tmp_path: Path, *entries: tuple[str, Path, str]) -> Path:
    """A sources file in tmp_path with the given (toml, data file, copied name) entries."""
    for _toml, data_file, name in entries:
        shutil.copy(data_file, tmp_path / name)
    path = tmp_path / "sources.toml"
    path.write_text("".join(toml for toml, _f, _n in entries), encoding="utf-8")
    return path


def index_snapshot(server: ManagedMeilisearch, index: str) -> tuple[int, str]:
    """(document count, sha256 of every document sorted by id) of a live index."""
    headers = {"Authorization": f"Bearer {server.master_key}"}
    response = httpx.post(
        f"{server.url}/indexes/{index}/documents/fetch",
        json={"limit": 100000},
        headers=headers,
        timeout=30,
    )
    response.raise_for_status()
    docs = sorted(response.json()["results"], key=lambda d: d["id"])
    digest = hashlib.sha256(msgspec.json.encode(docs, order="sorted")).hexdigest()
    return len(docs), digest


def test_seed_data_is_indexed_with_a_summary(seed_index: IndexedSeed) -> None:
    assert seed_index.exit_code in (0, 1), seed_index.output
    assert "published" in seed_index.output
    for source in ("aasepia", "samhsa-su", "samhsa-otp", "dc-shelters", "pathways-helplines"):
        assert source in seed_index.output
    assert "by kind:" in seed_index.output


def test_rerunning_gives_the_same_index(meili_server: ManagedMeilisearch, tmp_path: Path) -> None:
    sources = make_sources(
        tmp_path,
        (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
        (ATLANTA, SEED / "meeting_guide" / "atlanta.json", "atlanta.json"),
    )
    index = f"t_{uuid.uuid4().hex[:8]}"
    assert run_indexer(meili_server, index, sources)[0] == 0
    first = index_snapshot(meili_server, index)
    assert run_indexer(meili_server, index, sources)[0] == 0
    assert index_snapshot(meili_server, index) == first
    assert first[0] == 6 + len(
        msgspec.json.decode((SEED / "pathways" / "helplines.json").read_bytes())
    )


def test_unreadable_source_publishes_nothing(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    good = make_sources(
        tmp_path, (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json")
    )
    index = f"t_{uuid.uuid4().hex[:8]}"
    assert run_indexer(meili_server, index, good)[0] == 0
    before = index_snapshot(meili_server, index)

    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    broken = make_sources(
        broken_dir,
        (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
        (ATLANTA, TEST_DATA / "meeting_guide" / "invalid.json", "atlanta.json"),
    )
    code, output = run_indexer(meili_server, index, broken)
    assert code == 1
    assert "atlanta.json" in output
    assert "nothing published" in output
    assert index_snapshot(meili_server, index) == before


def test_bad_records_are_reported_and_the_rest_published(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = make_sources(
        tmp_path, (ATLANTA, TEST_DATA / "meeting_guide" / "broken.json", "atlanta.json")
    )
    index = f"t_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(meili_server, index, sources)
    assert code == 0
    rejected = [line for line in output.splitlines() if line.startswith("rejected atlanta.json[")]
    assert rejected, output
    assert all(": " in line for line in rejected)
    count, _digest = index_snapshot(meili_server, index)
    assert count > 0
    assert f"published {count} documents" in output


def test_meilisearch_unreachable_is_exit_2(tmp_path: Path) -> None:
    sources = make_sources(
        tmp_path, (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json")
    )
    out = io.StringIO()
    # Port 9 (discard) has no listener on loopback: the connection is refused at once.
    args = [
        "index",
        "--sources",
        str(sources),
        "--meili-url",
        "http://127.0.0.1:9",
        "--no-progress",
    ]
    assert indexer_main(args, out=out) == 2
    assert "cannot be reached" in out.getvalue()
    assert "unchanged" in out.getvalue()


# A contact word, then a first name and a last initial: how feeds name the member to ask.
MEMBER_CONTACT = re.compile(
    r"\b(contact|call|email|text|ask for)\s+[A-Z][a-z]+\s+[A-Z]\b\.?", re.IGNORECASE
)
MEMBER_TEXT_FIELDS = ("description", "notes", "meeting_notes")


def text_fields(value: object, name: str = "") -> list[tuple[str, str]]:
    """Every (field name, text) of a stored document, nested ones included."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in text_fields(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in text_fields(v, name)]
    return [(name, value)] if isinstance(value, str) else []


def test_no_member_is_named_in_any_meetings_text(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed
) -> None:
    response = httpx.post(
        f"{meili_server.url}/indexes/{seed_index.name}/documents/fetch",
        json={"limit": 100000, "filter": "kind = meeting"},
        headers={"Authorization": f"Bearer {meili_server.master_key}"},
        timeout=60,
    )
    response.raise_for_status()
    named = [
        text
        for doc in response.json()["results"]
        for field, text in text_fields(doc)
        if field in MEMBER_TEXT_FIELDS and MEMBER_CONTACT.search(text.replace("[name removed]", ""))
    ]
    assert named == []
