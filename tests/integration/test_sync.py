"""`pathways-indexer sync` against the real Meilisearch: exactly the edited records change."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from indexer.__main__ import main as indexer_main
from meili_local.server import ManagedMeilisearch
from service.settings import PROJECT_ROOT
from tests.integration.conftest import run_indexer

SEED = PROJECT_ROOT / "seed_data"

FEED = """
[[source]]
id = "benlomond"
name = "Ben Lomond Fellowship (AA)"
format = "meeting_guide"
{where}
kind = "meeting"
timezone = "America/Los_Angeles"
fellowship = "AA"
licence = "test copy"
"""
OTHERS = """
[[source]]
id = "na"
name = "NA Finger Lakes (BMLT)"
format = "bmlt"
path = "na.json"
timezone = "America/New_York"
fellowship = "NA"
licence = "test copy"

[[source]]
id = "pathways-helplines"
name = "Pathways: national helplines"
format = "pathways"
path = "helplines.json"
licence = "CC0 1.0"
"""
TREATMENT = """
[[source]]
id = "samhsa-su"
name = "SAMHSA substance use (subset)"
format = "samhsa_su"
path = "su.csv"
licence = "public domain"

[[source]]
id = "samhsa-mh"
name = "SAMHSA mental health (subset)"
format = "samhsa_mh"
path = "mh.csv"
licence = "public domain"
"""


def meetings_folder(tmp_path: Path, *, where: str = 'path = "benlomond.json"') -> Path:
    """Copies of two real feeds and the helplines, and a sources file naming them."""
    shutil.copy(SEED / "meeting_guide" / "benlomond.json", tmp_path / "benlomond.json")
    shutil.copy(SEED / "bmlt" / "na-finger-lakes-ny.json", tmp_path / "na.json")
    shutil.copy(SEED / "pathways" / "helplines.json", tmp_path / "helplines.json")
    (tmp_path / "sources.toml").write_text(FEED.format(where=where) + OTHERS, encoding="utf-8")
    return tmp_path / "sources.toml"


def sync(server: ManagedMeilisearch, index: str, sources: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    args = ["sync", "--sources", str(sources), "--index", index, "--meili-url", server.url]
    args += [f"--meili-key={server.master_key}", "--no-progress", *extra]
    return indexer_main(args, out=out), out.getvalue()


def documents(server: ManagedMeilisearch, index: str) -> dict[str, dict[str, Any]]:
    """Every stored document of an index, by id."""
    response = httpx.post(
        f"{server.url}/indexes/{index}/documents/fetch",
        json={"limit": 100000},
        headers={"Authorization": f"Bearer {server.master_key}"},
        timeout=30,
    )
    response.raise_for_status()
    return {d["id"]: d for d in response.json()["results"]}


def built_index(server: ManagedMeilisearch, sources: Path) -> str:
    index = f"sync_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(server, index, sources)
    assert code == 0, output
    return index


def edit_feed(path: Path) -> tuple[str, str, str]:
    """Change one meeting, delete one and add one; returns their slugs."""
    records = json.loads(path.read_text(encoding="utf-8"))
    changed, deleted = records[0]["slug"], records[1]["slug"]
    records[0]["name"] = "Daily Reflections (new name)"
    # The added meeting is invented from a real one: another slug, name and day.
    added = {**records[2], "slug": "new-evening-meeting", "name": "New Evening Meeting", "day": 3}
    del records[1]
    records.append(added)
    path.write_text(json.dumps(records), encoding="utf-8")
    return changed, deleted, added["slug"]


def test_a_sync_after_an_index_changes_nothing(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    code, output = sync(meili_server, index, sources)
    assert code == 0, output
    assert "0 documents changed" in output
    assert "left alone" not in output
    assert documents(meili_server, index) == before


def test_sync_changes_exactly_the_edited_added_and_removed_records(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    changed, deleted, added = edit_feed(tmp_path / "benlomond.json")

    code, output = sync(meili_server, index, sources)
    assert code == 0, output
    assert [line.split() for line in output.splitlines() if line.startswith("benlomond ")] == [
        ["benlomond", "1", "1", "1", "0"]
    ]
    after = documents(meili_server, index)
    assert after.keys() - before.keys() == {f"benlomond-{added}"}
    assert before.keys() - after.keys() == {f"benlomond-{deleted}"}
    differing = {i for i in before.keys() & after.keys() if before[i] != after[i]}
    assert differing == {f"benlomond-{changed}"}
    assert after[f"benlomond-{changed}"]["name"] == "Daily Reflections (new name)"
    # The other sources' documents are byte for byte what they were.
    for doc_id, doc in before.items():
        if not doc_id.startswith("benlomond-"):
            assert after[doc_id] == doc

    code, output = sync(meili_server, index, sources)
    assert (code, "0 documents changed" in output) == (0, True)


def test_a_source_that_cannot_be_read_changes_nothing(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    shutil.copy(
        PROJECT_ROOT / "tests" / "data" / "meeting_guide" / "invalid.json",
        tmp_path / "benlomond.json",
    )
    code, output = sync(meili_server, index, sources)
    assert code == 1
    assert "benlomond" in output
    assert "FAILED, unchanged in the index" in output
    assert documents(meili_server, index) == before


def test_an_unreachable_url_changes_nothing(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    # Port 9 (discard) has no listener on loopback.
    unreachable = meetings_folder(tmp_path, where='url = "http://127.0.0.1:9/benlomond.json"')
    code, output = sync(meili_server, index, unreachable, "--source", "benlomond")
    assert code == 1
    assert "cannot be fetched" in output
    assert documents(meili_server, index) == before


@pytest.mark.parametrize("kept", [0, 3])
def test_a_feed_that_lost_most_of_its_records_is_refused_unless_allowed(
    meili_server: ManagedMeilisearch, tmp_path: Path, kept: int
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    feed = tmp_path / "benlomond.json"
    # Valid JSON, as a publisher's failed export job leaves it: `[]`, or its first rows.
    feed.write_text(json.dumps(json.loads(feed.read_text(encoding="utf-8"))[:kept]))
    code, output = sync(meili_server, index, sources)
    assert code == 1, output
    assert "benlomond" in output
    assert "FAILED, unchanged in the index" in output
    assert "--allow-shrink" in output
    assert documents(meili_server, index) == before

    code, output = sync(meili_server, index, sources, "--allow-shrink")
    assert code == 0, output
    meetings = [
        d
        for d in documents(meili_server, index).values()
        if d["provenance"]["source"] == "benlomond"
    ]
    assert len(meetings) == kept


def test_a_source_file_that_never_ends_fails_instead_of_hanging(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    feed = tmp_path / "benlomond.json"
    feed.unlink()
    os.mkfifo(feed)
    started = time.monotonic()
    code, output = sync(meili_server, index, sources)
    assert time.monotonic() - started < 30
    assert code == 1, output
    assert "not a regular file" in output
    assert documents(meili_server, index) == before


def test_sync_of_one_source_leaves_the_others_as_they_are(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    sources = meetings_folder(tmp_path)
    index = built_index(meili_server, sources)
    before = documents(meili_server, index)
    edit_feed(tmp_path / "benlomond.json")  # edited, but not the source being synced
    code, output = sync(meili_server, index, sources, "--source", "na")
    assert code == 0, output
    assert "0 documents changed" in output
    assert "benlomond" not in output.split("source")[-1].splitlines()[1]
    assert documents(meili_server, index) == before


def subset(source: Path, target: Path, names: set[str]) -> None:
    """A copy of a real SAMHSA list keeping its header and the rows of these facilities."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    # A facility name is the first cell (SU list) or the second, quoted (MH list).
    cells = {f"{n}," for n in names} | {f'"{n}",' for n in names}
    kept = [
        line
        for line in lines[1:]
        if any(line.startswith(cell) or f",{cell}" in line for cell in cells)
    ]
    target.write_text(lines[0] + "".join(kept), encoding="utf-8")


def test_merged_listings_follow_their_sources(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    names = {"Mayhill Hospital", "Highland Ridge Hospital"}
    subset(SEED / "samhsa" / "substance_use_treatment_facilities.csv", tmp_path / "su.csv", names)
    subset(SEED / "samhsa" / "mental_health_treatment_facilities.csv", tmp_path / "mh.csv", names)
    sources = tmp_path / "sources.toml"
    sources.write_text(TREATMENT, encoding="utf-8")
    index = f"sync_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(meili_server, index, sources)
    assert code == 0, output
    assert "merged duplicates: 4 records of 2 resources" in output
    before = documents(meili_server, index)
    assert len(before) == 2
    assert all([p["source"] for p in d["also_from"]] == ["samhsa-su"] for d in before.values())

    # Mayhill Hospital leaves the substance use list: its listing is the MH record alone.
    subset(
        SEED / "samhsa" / "substance_use_treatment_facilities.csv",
        tmp_path / "su.csv",
        {"Highland Ridge Hospital"},
    )
    code, output = sync(meili_server, index, sources, "--source", "samhsa-su")
    assert code == 0, output
    after = documents(meili_server, index)
    assert after.keys() == before.keys()
    mayhill = next(d for d in after.values() if d["name"] == "Mayhill Hospital")
    assert ("also_from" not in mayhill, mayhill["needs"]) == (True, ["mental_health"])
    highland = next(i for i, d in before.items() if d["name"] == "Highland Ridge Hospital")
    assert after[highland] == before[highland]


def test_a_sync_of_one_source_right_after_an_index_finds_no_other_difference(
    meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    # nwta writes coordinates with 17 significant digits, which Meilisearch reads back one
    # unit in the last place off; aasfmarin is mostly online meetings without coordinates.
    for name in ("nwta.json", "aasfmarin.json"):
        shutil.copy(SEED / "meeting_guide" / name, tmp_path / name)
    extra = "".join(
        FEED.replace('"benlomond"', f'"{stem}"', 1).format(where=f'path = "{stem}.json"')
        for stem in ("nwta", "aasfmarin")
    )
    sources = meetings_folder(tmp_path)
    sources.write_text(sources.read_text(encoding="utf-8") + extra, encoding="utf-8")
    index = built_index(meili_server, sources)
    code, output = sync(meili_server, index, sources, "--source", "benlomond")
    assert code == 0, output
    assert "0 documents changed" in output
    assert "left alone" not in output
