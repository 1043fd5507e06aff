"""Time words in a query -> the schedule parameters of a search (pure).

What the words mean, resolved against `at` in the person's zone (`tz`, else `at`'s offset):
- "now", "right now", "ahora": a meeting starting within the hour (`starts_within_min=59`)
  when the ask is for meetings (or for nothing in particular), else `open_now`: someone who
  wants a meeting now has no use for one half over, someone who wants a service wants it open.
- "today", "hoy": today's weekday (`day`), from the current minute on.
- "tomorrow", "mañana": tomorrow's weekday; weekday names ("monday", "los domingos",
  "weekend", "fin de semana"): those days.
- parts of the day, venue-local: morning 06:00-12:00, afternoon 12:00-17:00, evening and night
  17:00-24:00 ("tonight", "this evening", "esta noche" also mean today). Without a day word a
  part of the day applies to every day ("evening meetings").
- clock times: "after 6" -> from 18:00, "before 9am" -> until 09:00, "at 7pm", "7pm",
  "a las 7" -> starting 19:00 to 20:00. An hour from 1 to 11 without am/pm is read as pm,
  unless a morning word is in the query: recovery meetings cluster in the evening. A clock
  time with no day word means the next such time: today, or tomorrow once today's is past
  ("AA at 7" at 21:00), as a person asking "after 6" means this evening, not every evening.
- A window on today starts no earlier than the current minute, so "tonight" at 21:10 means
  21:10-24:00; when the window is already over ("this morning" at 14:00), the whole window is
  kept, as the person may be planning ahead.
`day`, `time_from` and `time_to` are venue-local in the index, so "tonight" is the person's
weekday with the evening window applied in each venue's own zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from service.contract.documents import WEEKDAYS, Weekday

MINUTES_PER_DAY: Final = 1440
# "Now" is a start before the hour is out: `starts_within_min` counts whole minutes
# inclusively, so 59 keeps a meeting an hour away ("in an hour") out of "right now".
SOON_MIN: Final = 59
_MORNING: Final = (360, 720)
_AFTERNOON: Final = (720, 1020)
_EVENING: Final = (1020, 1440)
_TODAY, _TOMORROW = "today", "tomorrow"
_EN_DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ES_DAYS: Final = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_ES_LABELS: Final = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


class _Piece(msgspec.Struct, frozen=True, kw_only=True):
    """What one time phrase sets; the pieces of a query are combined."""

    en: str
    es: str
    now: bool = False
    relative: str | None = None  # "today" or "tomorrow"
    days: tuple[Weekday, ...] = ()
    window: tuple[int, int] | None = None


def _phrases() -> dict[tuple[str, ...], _Piece]:
    now = _Piece(en="now", es="ahora", now=True)
    table: dict[tuple[str, ...], _Piece] = {
        tuple(text.split()): now
        for text in (
            "now",
            "right now",
            "asap",
            "open now",
            "ahora",
            "ahora mismo",
            "abierto ahora",
        )
    }
    for text in ("today", "hoy"):
        table[(text,)] = _Piece(en="today", es="hoy", relative=_TODAY)
    for text in ("tomorrow", "tmrw", "manana"):
        table[(text,)] = _Piece(en="tomorrow", es="mañana", relative=_TOMORROW)
    weekend = _Piece(en="at the weekend", es="el fin de semana", days=("sat", "sun"))
    table[("weekend",)] = table[("fin", "de", "semana")] = weekend
    for window, (en, es), (today_en, today_es), today, every in _WINDOWS:
        for text in every:
            table[tuple(text.split())] = _Piece(en=en, es=es, window=window)
        for text in today:
            table[tuple(text.split())] = _Piece(
                en=today_en, es=today_es, relative=_TODAY, window=window
            )
    for index, (day_en, day_es) in enumerate(zip(_EN_DAYS, _ES_DAYS, strict=True)):
        piece = _Piece(en=day_en.title(), es=_ES_LABELS[index], days=(WEEKDAYS[index],))
        for form in (day_en, day_en + "s", day_es, day_es + "s"):
            table[(form,)] = piece
    return table


# (window, labels for any day, labels for today, words for today, words for any day)
_WINDOWS: Final = (
    (
        _MORNING,
        ("in the morning", "por la mañana"),
        ("this morning", "esta mañana"),
        ("this morning", "esta manana"),
        ("morning", "mornings", "por la manana", "en la manana", "de manana"),
    ),
    (
        _AFTERNOON,
        ("in the afternoon", "por la tarde"),
        ("this afternoon", "esta tarde"),
        ("this afternoon", "esta tarde"),
        ("afternoon", "afternoons", "por la tarde", "en la tarde"),
    ),
    (
        _EVENING,
        ("in the evening", "por la noche"),
        ("tonight", "esta noche"),
        ("tonight", "tonite", "this evening", "esta noche"),
        ("evening", "evenings", "night", "nights", "por la noche", "en la noche", "de noche"),
    ),
)
_PHRASES: Final = _phrases()
_LONGEST: Final = max(len(p) for p in _PHRASES)
_CLOCK_RE: Final = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)?$")
_AFTER: Final = {("after",), ("from",), ("despues", "de", "las"), ("desde", "las")}
_BEFORE: Final = {("before",), ("until",), ("antes", "de", "las"), ("hasta", "las")}
_AT: Final = {("at",), ("a", "las"), ("around",)}
# "a las 8 de la noche": Spanish says am or pm with the part of the day.
_SPANISH_MERIDIEM: Final[dict[tuple[str, ...], str]] = {
    ("de", "la", "manana"): "am",
    ("de", "la", "tarde"): "pm",
    ("de", "la", "noche"): "pm",
}
_OPEN: Final = frozenset({"open", "opened", "abierto", "abierta", "abiertos", "abiertas"})


class TimeAsk(msgspec.Struct, frozen=True, kw_only=True):
    """A time read from the query, as the schedule parameters of a search."""

    phrase: str
    en: str
    es: str
    open_now: bool = False
    starts_within_min: int | None = None
    days: tuple[Weekday, ...] = ()
    time_from: str | None = None
    time_to: str | None = None
    # Whether it asks what is on from now on (now, today, tonight, "at 7" today), which a
    # time-ordered answer serves best; a weekday or tomorrow is planning ahead.
    soon: bool = False

    def params(self) -> dict[str, str | list[str]]:
        """The values as the search's time parameters take them (validate_time_params)."""
        values: dict[str, str | list[str]] = {}
        if self.open_now:
            values["open_now"] = "true"
        if self.starts_within_min is not None:
            values["starts_within_min"] = str(self.starts_within_min)
        if self.days:
            values["day"] = list(self.days)
        if self.time_from is not None:
            values["time_from"] = self.time_from
        if self.time_to is not None:
            values["time_to"] = self.time_to
        return values


class _Clock(msgspec.Struct, frozen=True, kw_only=True):
    side: str  # "after", "before" or "at"
    hour: int
    minute: int
    meridiem: str | None


def read_time(
    words: Sequence[str], taken: list[bool], *, at: datetime, tz: str | None, meetings: bool
) -> TimeAsk | None:
    """The time the free words ask for, marking the words it used in `taken`."""
    pieces: list[_Piece] = []
    clocks: list[_Clock] = []
    used: list[int] = []
    index = 0
    while index < len(words):
        size = 0
        if not taken[index]:
            size, piece, clock = _match(words, taken, index)
            if piece is not None:
                pieces.append(piece)
            if clock is not None:
                clocks.append(clock)
        if size and index > 0 and _open_before(words, taken, index - 1, used):
            used.append(index - 1)
        used.extend(range(index, index + size))
        index += max(size, 1)
    if not used:
        return None
    for position in used:
        taken[position] = True
    phrase = " ".join(words[position] for position in used)
    return _resolve(pieces, clocks, phrase, at=at, tz=tz, meetings=meetings)


def _open_before(words: Sequence[str], taken: list[bool], index: int, used: list[int]) -> bool:
    """Whether the word before a time phrase is "open" ("open tonight", "abierto hoy")."""
    return words[index] in _OPEN and not taken[index] and index not in used


def _match(
    words: Sequence[str], taken: list[bool], start: int
) -> tuple[int, _Piece | None, _Clock | None]:
    for size in range(min(_LONGEST, len(words) - start), 0, -1):
        span = range(start, start + size)
        if any(taken[i] for i in span):
            continue
        piece = _PHRASES.get(tuple(words[i] for i in span))
        if piece is not None:
            return size, piece, None
    for sides, side in ((_AFTER, "after"), (_BEFORE, "before"), (_AT, "at")):
        for prefix in sides:
            end = start + len(prefix)
            if tuple(words[start:end]) == prefix and end < len(words) and not taken[end]:
                read = _clock(words, end, side, bare=False)
                if read is not None:
                    return read[0] + len(prefix), None, read[1]
    read = _clock(words, start, "at", bare=True)
    return (read[0], None, read[1]) if read is not None else (0, None, None)


def _clock(words: Sequence[str], start: int, side: str, *, bare: bool) -> tuple[int, _Clock] | None:
    match = _CLOCK_RE.match(words[start])
    if match is None:
        return None
    hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
    size = 1
    if meridiem is None and start + 1 < len(words) and words[start + 1] in ("am", "pm"):
        meridiem, size = words[start + 1], 2
    elif meridiem is None and (said := _SPANISH_MERIDIEM.get(tuple(words[start + 1 : start + 4]))):
        meridiem, size = said, 4
    if bare and meridiem is None and match[2] is None:
        return None  # a lone number is a count, a step or a ZIP, not a time
    if hour > 23 or minute > 59 or (meridiem is not None and not 1 <= hour <= 12):
        return None
    return size, _Clock(side=side, hour=hour, minute=minute, meridiem=meridiem)


def _minutes(clock: _Clock, *, morning: bool) -> int:
    hour = clock.hour % 12 if clock.meridiem is not None else clock.hour
    if clock.meridiem == "pm" or (clock.meridiem is None and 1 <= hour <= 11 and not morning):
        hour += 12
    return hour * 60 + clock.minute


def _resolve(
    pieces: list[_Piece],
    clocks: list[_Clock],
    phrase: str,
    *,
    at: datetime,
    tz: str | None,
    meetings: bool,
) -> TimeAsk:
    en = " ".join(dict.fromkeys(p.en for p in pieces))
    es = " ".join(dict.fromkeys(p.es for p in pieces))
    if any(p.now for p in pieces):
        if meetings:
            return TimeAsk(
                phrase=phrase,
                en="starting soon",
                es="que empiezan pronto",
                starts_within_min=SOON_MIN,
                soon=True,
            )
        return TimeAsk(phrase=phrase, en="open now", es="abierto ahora", open_now=True, soon=True)
    local = at.astimezone(ZoneInfo(tz)) if tz else at
    now_min = local.hour * 60 + local.minute
    days = {d for p in pieces for d in p.days}
    relative = next((p.relative for p in reversed(pieces) if p.relative), None)
    low, high = 0, MINUTES_PER_DAY
    for window in (p.window for p in pieces if p.window is not None):
        if max(low, window[0]) < min(high, window[1]):
            low, high = max(low, window[0]), min(high, window[1])
        else:
            low, high = window
    morning = high <= _MORNING[1]
    for clock in clocks:
        minute = _minutes(clock, morning=morning)
        en, es = _clock_labels(en, es, clock.side, minute)
        if clock.side == "after":
            low = max(low, minute)
        elif clock.side == "before":
            high = min(high, minute)
        else:
            low, high = minute, min(minute + 60, MINUTES_PER_DAY)
    if relative is None and not days and clocks:
        relative = _TOMORROW if high <= now_min else _TODAY
    if relative is not None:
        shift = 1 if relative == _TOMORROW else 0
        days.add(WEEKDAYS[(local + timedelta(days=shift)).weekday()])
    if relative == _TODAY and low <= now_min < high:
        low = now_min
    return TimeAsk(
        phrase=phrase,
        en=en.strip(),
        es=es.strip(),
        days=tuple(d for d in WEEKDAYS if d in days),
        time_from=_hhmm(low) if low > 0 else None,
        time_to=_hhmm(high) if high < MINUTES_PER_DAY and high > low else None,
        soon=relative == _TODAY,
    )


def _clock_labels(en: str, es: str, side: str, minute: int) -> tuple[str, str]:
    shown = _hhmm(minute)
    words_en = {"after": "after", "before": "before", "at": "at"}[side]
    words_es = {"after": "después de las", "before": "antes de las", "at": "a las"}[side]
    return f"{en} {words_en} {shown}", f"{es} {words_es} {shown}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
