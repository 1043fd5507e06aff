"""Fellowship-aware type codes and the Al-Anon Massachusetts feed's quirks, on its real records."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import SourcesFile
from indexer.sources.meeting_guide import feed as meeting_guide
from indexer.sources.meeting_guide.fellowships import FELLOWSHIP_CODES, FELLOWSHIPS
from indexer.sources.meeting_guide.place import read_conference
from indexer.sources.meeting_guide.types import lookup, map_types
from service.contract.vocabulary import ACCESSIBILITY, COMMUNITIES, LANGUAGES, NEEDS
from tests.sources import local_path

SEED = Path(__file__).resolve().parents[2] / "seed_data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
}
AL_ANON = SOURCES["al-anon-ma"]
ABSENT = "<absent>"


def record(source_id: str, slug: str) -> dict[str, Any]:
    records = json.loads((SEED / local_path(SOURCES[source_id])).read_text(encoding="utf-8"))
    found: dict[str, Any] = next(r for r in records if str(r["slug"]) == slug)
    return found


def built(source_id: str, slug: str) -> dict[str, Any]:
    doc = meeting_guide.to_document(record(source_id, slug), SOURCES[source_id])
    result: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(doc))
    return result


def pick(doc: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: doc.get(key, ABSENT) for key in expected}


@pytest.mark.parametrize(
    ("code", "fellowship", "name"),
    [
        ("POA", "AA", "Proof of Attendance"),
        ("POA", "Al-Anon", "Parents of Alcoholics"),
        ("Y", "AA", "Young People"),
        ("Y", "Al-Anon", "Alateen"),
        ("AC", "Al-Anon", "Adult Child Focus"),
        ("O", "Al-Anon", "Open"),  # same meaning, the spec's name
        ("BEG", "NA", "Beginner/Newcomer"),
        ("JFT", "NA", "Just For Today Study"),
        ("WR", "EDA", "Writing"),
    ],
)
def test_codes_are_read_with_the_fellowships_own_list(
    code: str, fellowship: str, name: str
) -> None:
    entry = lookup(code, FELLOWSHIP_CODES.get(fellowship, {}))
    assert entry is not None
    assert entry.name == name


def test_ac_is_unknown_to_aa_but_known_to_al_anon() -> None:
    assert lookup("AC") is None
    assert map_types(["AC"], FELLOWSHIP_CODES["Al-Anon"]).unknown == ()


def test_fellowship_values_are_in_the_vocabularies() -> None:
    vocabularies = {
        "languages": LANGUAGES.codes,
        "communities": COMMUNITIES.codes,
        "accessibility": ACCESSIBILITY.codes,
        "needs": NEEDS.codes,
        "format": frozenset(),
        "signal": frozenset(),
    }
    bad = {
        (fellowship, code): entry.values
        for fellowship, codes in FELLOWSHIP_CODES.items()
        for code, entry in codes.items()
        if not set(entry.values) <= vocabularies[entry.field]
    }
    assert bad == {}
    assert all(set(needs) <= NEEDS.codes for needs, _ in FELLOWSHIPS.values())


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        pytest.param(
            "30813985-hope-a-day-at-a-time-alateen",
            {
                "needs": ["family_friends", "peer_support"],
                "organization": "Al-Anon Family Groups",
                "communities": ["young_people"],
                "tags": ["Closed", "Alateen"],
                "attendance": ["in_person"],
            },
            id="alateen",
        ),
        pytest.param(
            "25037-par-ents-afg",
            {
                "communities": ["parents"],
                "tags": ["Open", "Parents of Alcoholics", "Cuttyhunk"],
                # Placeholder link and dial-in (meeting ID 1234567890) are dropped; the
                # feed still says the meeting is online.
                "attendance": ["online"],
                "service_area": {
                    "states": ["MA"],
                    "locality": {
                        "city": "Gosnold",
                        "state": "MA",
                        "postal_code": "02713",
                        "formatted": "Gosnold, MA 02713",
                        "approximate": True,
                    },
                },
            },
            id="parents-of-alcoholics-placeholder-link",
        ),
        pytest.param(
            "30793560-keep-it-simple-afg-formerly-medford",
            {
                # "Virginia Beach, VA 23454" is a placeholder: the group is in Massachusetts.
                "service_area": {"states": ["MA"]},
                "attendance": ["online", "phone"],
            },
            id="placeholder-address-elsewhere",
        ),
        pytest.param(
            "37796-adult-children-of-alcoholics-afg",
            {
                # TC, ONL and a dial-in with no link: by phone only, venue closed, still active.
                "attendance": ["phone"],
                "status": "active",
                "tags": ["Open", "Adult Child Focus", "Location Temporarily Closed", "Winchester"],
            },
            id="phone-only-venue-closed",
        ),
        pytest.param(
            "good-morning-sunshine-online-afg-formerly-longmeadow",
            {"attendance": ["online"]},  # `+11` is no dial-in
            id="junk-dial-in",
        ),
    ],
)
def test_al_anon_records(slug: str, expected: dict[str, Any]) -> None:
    doc = built("al-anon-ma", slug)
    assert pick(doc, expected) == expected
    link = doc["contact"].get("meeting_url", "") + doc["contact"].get("meeting_phone", "")
    assert "1234567890" not in link
    assert doc["contact"].get("meeting_phone") != "+11"


def test_the_al_anon_feed_loads_with_a_warning_per_dropped_conference_field() -> None:
    loaded = meeting_guide.load(AL_ANON, SEED)
    assert (len(loaded.documents), len(loaded.rejections)) == (360, 0)
    assert loaded.unknown_codes == {}
    reasons = [w.reason for w in loaded.warnings]
    assert sum("'+11' is not a phone number" in r for r in reasons) == 3
    assert sum("placeholder meeting ID" in r for r in reasons) == 6
    assert all(doc.needs[:1] == ("family_friends",) for doc in loaded.documents)
    # `author` is a site user name: never indexed anywhere in the document.
    authors = {r["author"] for r in json.loads((SEED / local_path(AL_ANON)).read_text())}
    encoded = msgspec.json.encode(loaded.documents).decode()
    assert not [a for a in authors if f'"{a}"' in encoded]


@pytest.mark.parametrize(
    ("fields", "url", "phone", "warned"),
    [
        ({"conference_phone": "+11"}, None, None, 1),
        ({"conference_phone": "+16468769923"}, None, "646-876-9923", 0),
        ({"conference_url": "https://zoom.us/j/1234567890"}, None, None, 1),
        (
            {"conference_url": "https://zoom.us/j/82872615053"},
            "https://zoom.us/j/82872615053",
            None,
            0,
        ),
        ({"conference_phone": "+19292056099,,1234567890#,,,,,##"}, None, None, 1),
    ],
)
def test_conference_fields_that_cannot_work_are_dropped(
    fields: dict[str, str], url: str | None, phone: str | None, warned: int
) -> None:
    conference = read_conference(fields)
    assert (conference.url, conference.phone, len(conference.warnings)) == (url, phone, warned)


def test_sussex_feed_loads_whole() -> None:
    loaded = meeting_guide.load(SOURCES["sussex-aa"], SEED)
    assert (len(loaded.documents), len(loaded.rejections)) == (123, 0)
    online = [d for d in loaded.documents if d.address is None]
    assert online
    assert all(d.service_area is not None and d.service_area.states == ("DE",) for d in online)


def test_an_online_meeting_of_an_unknown_country_keeps_no_town() -> None:
    # EDA's "Tbilisi, Georgia": no country the parser knows, no zone; not Georgia, USA.
    doc = built("eda", "eda-new-beginning-georgian-2")
    assert doc.get("service_area", ABSENT) == ABSENT
