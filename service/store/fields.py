"""Correctable fields of a listing: read one, parse a steward's value, apply it (pure).

A value is plain JSON (strings, lists, objects) so the database stores it on either engine
and the indexer compares the source's value with the one remembered at acceptance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from service.contract.documents import WEEKDAYS, Address, IndexDocument, Schedule, TimeSlot
from service.store.records import CorrectionField

STATUSES: Final = ("active", "temporarily_closed", "closed")
MAX_NOTES_CHARS: Final = 1000
MAX_URL_CHARS: Final = 500
_TIME: Final = r"(?:[01]\d|2[0-3]):[0-5]\d|24:00"
_SLOT: Final = re.compile(
    rf"^(?P<day>[a-z]{{3}})\s+(?P<start>{_TIME})(?:\s*-\s*(?P<end>{_TIME}))?$"
)
_PHONE: Final = re.compile(r"^\+?[0-9(][0-9 ().\-]{5,28}[0-9](?:\s*(?:x|ext\.?)\s*\d{1,6})?$")
_URL: Final = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_STATE: Final = re.compile(r"^[A-Z]{2}$")
_ZIP: Final = re.compile(r"^\d{5}(?:-\d{4})?$")
ADDRESS_PARTS: Final = ("street", "city", "state", "postal_code")


class CorrectionValueError(ValueError):
    """A steward's value for a field is not valid; the message says what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def read_field(doc: IndexDocument, field: CorrectionField) -> Any:
    """The field's value in a document, as JSON (None when the document has none)."""
    if field == "status":
        return doc.status
    if field == "schedule":
        slots = doc.schedule.slots if doc.schedule else ()
        return [msgspec.to_builtins(slot) for slot in slots]
    if field == "address":
        if doc.address is None:
            return None
        return {part: getattr(doc.address, part) for part in ADDRESS_PARTS}
    if field == "notes":
        return doc.description
    return getattr(doc.contact, field)


def apply_field(doc: IndexDocument, field: CorrectionField, value: Any) -> IndexDocument | None:
    """The document with the corrected value; None when the correction closes it for good."""
    replace = msgspec.structs.replace
    if field == "status":
        return None if value == "closed" else replace(doc, status=value)
    if field == "schedule":
        slots = tuple(msgspec.convert(value, tuple[TimeSlot, ...]))
        schedule = doc.schedule or Schedule()
        return replace(doc, schedule=replace(schedule, slots=slots, by_appointment=False))
    if field == "address":
        if value is None:
            return replace(doc, address=None, geo=None)
        parts: dict[str, str | None] = {p: value.get(p) or None for p in ADDRESS_PARTS}
        line = ", ".join(p for p in parts.values() if p)
        address = Address(
            street=parts["street"],
            city=parts["city"],
            state=parts["state"],
            postal_code=parts["postal_code"],
            formatted=line or None,
        )
        # The indexer places the new address again (gazetteer or geocoder).
        return replace(doc, address=address, geo=None)
    if field == "notes":
        return replace(doc, description=value)
    return replace(doc, contact=replace(doc.contact, **{field: value}))


def parse_schedule(text: str) -> list[dict[str, str]]:
    """`mon 19:00-20:00, wed 18:30` -> slots; days are mon...sun, times HH:MM (24 h)."""
    slots: list[dict[str, str]] = []
    for piece in re.split(r"[,;\n]+", text.strip().lower()):
        piece = piece.strip()
        if not piece:
            continue
        match = _SLOT.match(piece)
        if match is None or match["day"] not in WEEKDAYS:
            raise CorrectionValueError(
                "schedule",
                f"{piece[:40]!r} is not a weekly time: write `mon 19:00-20:00, wed 18:30` "
                f"(days {', '.join(WEEKDAYS)}; 24-hour times)",
            )
        slot = {"day": match["day"], "start": match["start"]}
        if match["end"]:
            slot["end"] = match["end"]
        slots.append(slot)
    if not slots:
        raise CorrectionValueError("schedule", "give at least one weekly time")
    return slots


def schedule_text(value: Any) -> str:
    """Slots as a steward types them (the inverse of parse_schedule)."""
    if not value:
        return ""
    return ", ".join(
        f"{s['day']} {s['start']}" + (f"-{s['end']}" if s.get("end") else "") for s in value
    )


def parse_value(field: CorrectionField, form: Mapping[str, str]) -> Any:
    """A steward's form input for the field, checked and as JSON; or CorrectionValueError."""
    raw = (form.get("value") or "").strip()
    if field == "status":
        if raw not in STATUSES:
            raise CorrectionValueError("status", f"one of {', '.join(STATUSES)}")
        return raw
    if field == "schedule":
        return parse_schedule(raw)
    if field == "phone":
        if not _PHONE.match(raw):
            raise CorrectionValueError("phone", "a phone number such as 215-555-0100")
        return raw
    if field in ("website", "meeting_url"):
        if len(raw) > MAX_URL_CHARS or not _URL.match(raw):
            raise CorrectionValueError(field, "an http:// or https:// link")
        return raw
    if field == "notes":
        if not raw or len(raw) > MAX_NOTES_CHARS:
            raise CorrectionValueError("notes", f"1 to {MAX_NOTES_CHARS} characters")
        return raw
    return _parse_address(form)


def _parse_address(form: Mapping[str, str]) -> dict[str, str | None]:
    parts = {p: (form.get(f"address_{p}") or "").strip() or None for p in ADDRESS_PARTS}
    if not parts["street"] or not parts["city"]:
        raise CorrectionValueError("address", "a street and a city are required")
    state = (parts["state"] or "").upper()
    if not _STATE.match(state):
        raise CorrectionValueError("address", "the state is two letters, such as PA")
    parts["state"] = state
    if parts["postal_code"] and not _ZIP.match(parts["postal_code"]):
        raise CorrectionValueError("address", "the ZIP code is 5 digits (or ZIP+4)")
    return parts
