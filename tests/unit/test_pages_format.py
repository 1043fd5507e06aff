"""Language choice and the formatting of distances, times, dates, phones and directions."""

from __future__ import annotations

from typing import Any

import pytest

from service.web.formatting import (
    compact_slots,
    directions_url,
    format_clock,
    format_date,
    format_distance,
    format_occurrence,
    format_radius,
    format_slots,
    phone_link,
    place_text,
    radius_text,
    timezone_label,
)
from service.web.i18n import STRINGS, Lang, choose_lang


@pytest.mark.parametrize(
    ("explicit", "accept", "expected"),
    [
        (None, None, "en"),
        (None, "es-US,es;q=0.9,en;q=0.8", "es"),
        (None, "en-US,en;q=0.9,es;q=0.8", "en"),
        (None, "fr-FR,fr;q=0.9,es;q=0.5", "es"),
        (None, "en;q=0.4,es;q=0.6", "es"),
        (None, "es;q=0", "en"),
        (None, "de,fr", "en"),
        (None, "es;q=abc", "en"),
        ("es", "en-US", "es"),
        ("en", "es-MX", "en"),
        ("xx", "es-MX", "es"),
    ],
)
def test_the_language_comes_from_lang_then_accept_language(
    explicit: str | None, accept: str | None, expected: str
) -> None:
    assert choose_lang(explicit, accept) == expected


def test_both_languages_have_every_string() -> None:
    assert set(STRINGS["en"]) == set(STRINGS["es"])


@pytest.mark.parametrize(
    ("distance_km", "lang", "expected"),
    [
        (3.44, "en", "2.1 mi (3.4 km) away"),
        (3.44, "es", "a 2,1 millas (3,4 km)"),
        (0.0, "en", "0 mi (0 km) away"),
        (16.0934, "en", "10 mi (16.1 km) away"),
    ],
)
def test_distances_read_in_miles_and_km(distance_km: float, lang: Lang, expected: str) -> None:
    assert format_distance(distance_km, lang) == expected


@pytest.mark.parametrize(
    ("hhmm", "lang", "expected"),
    [
        ("00:00", "en", "12:00 AM"),
        ("12:00", "en", "12:00 PM"),
        ("19:30", "en", "7:30 PM"),
        ("24:00", "en", "12:00 AM"),
        ("19:30", "es", "19:30"),
        ("07:05", "es", "7:05"),
    ],
)
def test_clock_times(hhmm: str, lang: Lang, expected: str) -> None:
    assert format_clock(hhmm, lang) == expected


# Slots as the seed data holds them (Meeting Guide meetings, a 24/7 national helpline);
# the weekday-hours case is invented to cover grouping.
ALWAYS = [
    {"day": d, "start": "00:00", "end": "24:00"}
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
]


@pytest.mark.parametrize(
    ("slots", "lang", "expected"),
    [
        ([{"day": "sun", "start": "10:00", "end": "11:00"}], "en", ["Sunday 10:00 AM–11:00 AM"]),  # noqa: RUF001
        ([{"day": "sun", "start": "10:00", "end": "11:00"}], "es", ["domingo 10:00–11:00"]),  # noqa: RUF001
        ([{"day": "wed", "start": "07:00"}], "en", ["Wednesday 7:00 AM"]),
        (ALWAYS, "en", ["Open 24 hours, 7 days a week"]),
        (ALWAYS, "es", ["Abierto las 24 horas, los 7 días de la semana"]),
        (
            [
                {"day": d, "start": "09:00", "end": "17:00"}
                for d in ("mon", "tue", "wed", "thu", "fri")
            ]
            + [{"day": "sat", "start": "10:00", "end": "14:00"}],
            "en",
            ["Mon–Fri 9:00 AM–5:00 PM", "Saturday 10:00 AM–2:00 PM"],  # noqa: RUF001
        ),
        (
            [{"day": "tue", "start": "18:00"}, {"day": "thu", "start": "18:00"}],
            "en",
            ["Tue, Thu 6:00 PM"],
        ),
        (
            [
                {"day": d, "start": f"{h:02d}:00"}
                for d, h in (
                    ("mon", 7),
                    ("tue", 8),
                    ("wed", 9),
                    ("thu", 10),
                    ("fri", 11),
                    ("sat", 12),
                )
            ],
            "en",
            ["Monday 7:00 AM", "Tuesday 8:00 AM", "Wednesday 9:00 AM", "and 3 more times"],
        ),
        ([{"day": "someday", "start": "10:00"}], "en", []),
    ],
)
def test_weekly_times_are_grouped(
    slots: list[dict[str, Any]], lang: Lang, expected: list[str]
) -> None:
    assert format_slots(slots, lang) == expected


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The seed's Wyndmoor 12 Noon (every day) and Nuevo Camino (Mon, Wed, Thu, Sat 19:00 and
# Sun 10:00), consolidated into one meeting each (indexer/consolidate.py); the others invented.
NOON_DAILY = [{"day": d, "start": "12:00"} for d in DAYS]
NUEVO_CAMINO = [
    *({"day": d, "start": "19:00"} for d in ("mon", "wed", "thu", "sat")),
    {"day": "sun", "start": "10:00"},
]


@pytest.mark.parametrize(
    ("slots", "lang", "expected"),
    [
        (NOON_DAILY, "en", ["Every day 12:00 PM"]),
        (NOON_DAILY, "es", ["Todos los días 12:00"]),
        ([{"day": "sun", "start": "10:00", "end": "11:00"}], "en", ["Sunday 10:00 AM–11:00 AM"]),  # noqa: RUF001
        (
            [{"day": "mon", "start": "19:00"}, {"day": "wed", "start": "19:00"}],
            "en",
            ["Mon, Wed 7:00 PM"],
        ),
        (
            [{"day": "mon", "start": "19:00"}, {"day": "wed", "start": "19:00"}],
            "es",
            ["lun, mié 19:00"],
        ),
        (
            [{"day": "sat", "start": "10:00"}, {"day": "mon", "start": "19:00"}],
            "en",
            ["Mon 7:00 PM \u00b7 Sat 10:00 AM"],
        ),
        (NUEVO_CAMINO, "en", ["Mon, Wed, Thu, Sat 7:00 PM \u00b7 Sun 10:00 AM"]),
        (NUEVO_CAMINO, "es", ["lun, mié, jue, sáb 19:00 \u00b7 dom 10:00"]),
        (
            [{"day": d, "start": f"{h:02d}:00"} for d, h in zip(DAYS, range(7, 14), strict=True)],
            "en",
            ["Mon 7:00 AM \u00b7 Tue 8:00 AM \u00b7 and 5 more times"],
        ),
        (ALWAYS, "en", ["Open 24 hours, 7 days a week"]),
        ([], "en", []),
    ],
)
def test_cards_show_a_meetings_times_on_one_line(
    slots: list[dict[str, Any]], lang: Lang, expected: list[str]
) -> None:
    assert compact_slots(slots, lang) == expected


def test_every_day_is_said_so_in_the_full_schedule() -> None:
    assert format_slots(NOON_DAILY, "en") == ["Every day 12:00 PM"]


@pytest.mark.parametrize(
    ("zone", "lang", "expected"),
    [
        ("America/New_York", "en", "Eastern time"),
        ("America/Los_Angeles", "es", "hora del Pacífico"),
        ("Europe/London", "en", "London"),
        ("America/Argentina/Buenos_Aires", "en", "Buenos Aires"),
        (None, "en", None),
    ],
)
def test_time_zone_labels(zone: str | None, lang: Lang, expected: str | None) -> None:
    assert timezone_label(zone, lang) == expected


@pytest.mark.parametrize(
    ("iso", "lang", "expected"),
    [
        ("2020-12-31T23:23:57", "en", "Dec 31, 2020"),
        ("2020-12-31T23:23:57", "es", "31 dic 2020"),
        ("2025-08-27", "en", "Aug 27, 2025"),
        ("yesterday", "en", None),
        ("2025-13-01", "en", None),
        (None, "en", None),
    ],
)
def test_last_updated_dates(iso: str | None, lang: Lang, expected: str | None) -> None:
    assert format_date(iso, lang) == expected


@pytest.mark.parametrize(
    ("iso", "lang", "expected"),
    [
        ("2026-11-29T10:00:00-05:00", "en", "Sun, Nov 29, 10:00 AM"),
        ("2026-11-29T10:00:00-05:00", "es", "dom 29 nov, 10:00"),
        ("2026-11-23T19:30:00-08:00", "en", "Mon, Nov 23, 7:30 PM"),
        ("soon", "en", None),
        (None, "en", None),
    ],
)
def test_next_occurrences(iso: str | None, lang: Lang, expected: str | None) -> None:
    assert format_occurrence(iso, lang) == expected


@pytest.mark.parametrize(
    ("raw", "meeting", "display", "href", "then"),
    [
        ("215-386-3838", False, "215-386-3838", "tel:2153863838", None),
        ("215-320-6187 x3211", False, "215-320-6187", "tel:2153206187,3211", "3211"),
        ("800-662-4357", False, "800-662-4357", "tel:8006624357", None),
        ("988", False, "988", "tel:988", None),
        (
            "+16699009128,,627126222#",
            True,
            "+1 669-900-9128",
            "tel:+16699009128,627126222%23",
            "627126222#",
        ),
        (
            "+13017158592,,503536771#",
            True,
            "+1 301-715-8592",
            "tel:+13017158592,503536771%23",
            "503536771#",
        ),
    ],
)
def test_phone_numbers_become_tap_to_call_links(
    raw: str, meeting: bool, display: str, href: str, then: str | None
) -> None:
    phone = phone_link(raw, meeting=meeting)
    assert phone is not None
    assert (phone.display, phone.href, phone.then_dial) == (display, href, then)


@pytest.mark.parametrize("raw", [None, "", "   ", "call us", ",,123"])
def test_no_phone_link_without_a_number(raw: str | None) -> None:
    assert phone_link(raw) is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            {
                "street": "1924 S 7th St",
                "city": "Philadelphia",
                "state": "PA",
                "postal_code": "19148",
                "formatted": "1924 S 7th St, Philadelphia, PA 19148, USA",
            },
            "https://www.google.com/maps/dir/?api=1&destination="
            "1924%20S%207th%20St%2C%20Philadelphia%2C%20PA%2019148%2C%20USA",
        ),
        (
            {"street": "120 S 30th St", "city": "Philadelphia", "state": "PA"},
            "https://www.google.com/maps/dir/?api=1&destination=120%20S%2030th%20St%2C%20Philadelphia%2C%20PA",
        ),
        # Known only to the city: a directions link would send people to the wrong place.
        (
            {
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94103",
                "formatted": "San Francisco, CA 94103",
            },
            None,
        ),
        ({"street": "1 Main St", "city": "Springfield", "approximate": True}, None),
        (None, None),
    ],
)
def test_directions_only_for_street_addresses(
    address: dict[str, Any] | None, expected: str | None
) -> None:
    assert directions_url(address) == expected


@pytest.mark.parametrize(
    ("near", "lang", "expected"),
    [
        ("19103", "en", "near 19103"),
        ("Philadelphia, PA", "es", "cerca de Philadelphia, PA"),
        ("39.95,-75.16", "en", "near you"),
        ("-33.9, 151.2", "es", "cerca de usted"),
    ],
)
def test_a_position_reads_as_the_visitors_own(near: str, lang: Lang, expected: str) -> None:
    assert place_text(near, lang) == expected


@pytest.mark.parametrize(
    ("radius_km", "lang", "expected"),
    [
        (25, "en", "15.5 mi (25 km)"),
        (10, "es", "6,2 millas (10 km)"),
        (250, "en", "155.3 mi (250 km)"),
    ],
)
def test_one_distance_wording_for_the_select_and_the_heading(
    radius_km: float, lang: Lang, expected: str
) -> None:
    assert radius_text(radius_km, lang) == expected
    assert format_radius(radius_km, lang).endswith(expected)
