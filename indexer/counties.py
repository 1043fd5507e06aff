"""US counties as places: "Marin County, CA" -> a point, offline.

The points are the mean of each county's ZIP points (service/data/gazetteer/us_counties.tsv,
made by tools/build_gazetteer.py), so they are approximate: good enough to put a record
that names only its county on the map, and always marked approximate.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Final, Self

from service.places.gazetteer import DATA_DIR, Place, normalize_name

COUNTIES_PATH: Final = DATA_DIR / "us_counties.tsv"
# "Marin County, CA", "St. Tammany Parish, Louisiana 70433", "Juneau City and Borough, AK, USA".
_COUNTY_QUERY: Final = re.compile(
    r"(?:^|,)\s*(?P<name>[^,]*?\b(?:County|Parish|Borough|Census Area|Municipality|Municipio))"
    r"\s*,\s*(?P<state>[A-Za-z .]+?)(?:\s+\d{5}(?:-\d{4})?)?\s*(?:,\s*(?:USA?|United States))?\s*$",
    re.IGNORECASE,
)


class CountyIndex:
    """County points by (folded name, USPS state code)."""

    def __init__(
        self, points: dict[tuple[str, str], tuple[str, float, float]], states: dict[str, str]
    ) -> None:
        self._points = points
        self._states = states

    @classmethod
    def load(cls, path: Path = COUNTIES_PATH) -> Self:
        """Read the shipped county file, and the state names ("Marin County, California")."""
        named: dict[str, dict[str, object]] = json.loads(
            (DATA_DIR / "us_states.json").read_text(encoding="utf-8")
        )
        states = {normalize_name(str(info["name"])): code for code, info in named.items()}
        states.update({code.casefold(): code for code in named})
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle, delimiter="\t")
            return cls(
                {
                    (normalize_name(r["name"]), r["state"]): (
                        f"{r['name']}, {r['state']}",
                        float(r["lat"]),
                        float(r["lng"]),
                    )
                    for r in rows
                },
                states,
            )

    def lookup(self, name: str, state: str) -> Place | None:
        """The point of a county ("Marin County") in a state (USPS code); None if unknown."""
        found = self._points.get((normalize_name(name), state.upper()))
        if found is None:
            return None
        label, lat, lng = found
        return Place(
            label=label, lat=lat, lng=lng, state=state.upper(), timezone=None, precision="city"
        )

    def resolve(self, text: str) -> Place | None:
        """A county named at the end of a text ("..., Marin County, CA 94901"), or None."""
        match = _COUNTY_QUERY.search(text)
        if match is None:
            return None
        state = self._states.get(normalize_name(match["state"]))
        return self.lookup(match["name"], state) if state else None
