"""A small index of real seed files and the invented edge cases of tests/data/schedules/.

Test modules build their own copy (a uuid-named index) with `build_edge_index`.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from meili_local.server import ManagedMeilisearch
from service.settings import PROJECT_ROOT
from tests.integration.conftest import run_indexer

EDGE_DATA = PROJECT_ROOT / "tests" / "data" / "schedules"
SEED = PROJECT_ROOT / "seed_data"

SOURCES = """
[[source]]
id = "edge"
name = "Invented schedule edge cases"
format = "meeting_guide"
path = "edge_meetings.json"
kind = "meeting"
online_timezone = "America/Chicago"
fellowship = "AA"
licence = "invented test data"

[[source]]
id = "edge-remote"
name = "Invented remote services"
format = "pathways"
path = "edge_remote.json"
licence = "invented test data"

[[source]]
id = "pathways-helplines"
name = "Pathways: national helplines"
format = "pathways"
path = "helplines.json"
licence = "CC0 1.0"

[[source]]
id = "atlanta-aa"
name = "Atlanta Central Office (AA)"
format = "meeting_guide"
path = "atlanta.json"
kind = "meeting"
timezone = "America/New_York"
fellowship = "AA"
licence = "copy of the seed feed"
"""


def build_edge_index(server: ManagedMeilisearch, folder: Path) -> str:
    """Index the edge sources into a new uuid-named index; returns its name."""
    for source in (EDGE_DATA / "edge_meetings.json", EDGE_DATA / "edge_remote.json"):
        shutil.copy(source, folder / source.name)
    shutil.copy(SEED / "pathways" / "helplines.json", folder / "helplines.json")
    shutil.copy(SEED / "meeting_guide" / "atlanta.json", folder / "atlanta.json")
    (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
    name = f"edges_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(server, name, folder / "sources.toml")
    assert code == 0, output
    assert "time zones: 1 from coordinates, 1 from the source's online zone" in output
    return name
