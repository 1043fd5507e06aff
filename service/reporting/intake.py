"""A visitor's report as sent (JSON or form fields), checked field by field (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import msgspec

from service.errors import BadParameterError
from service.store.records import MAX_CONTACT_CHARS, MAX_DETAILS_CHARS, PROBLEMS, Problem

# A field people never see: a form that fills it was filled by a program.
HONEYPOT_FIELD: Final = "homepage"
CSRF_FIELD: Final = "form_token"
FIELDS: Final = ("problem", "details", "contact", HONEYPOT_FIELD, CSRF_FIELD, "lang")


class ReportInput(msgspec.Struct, frozen=True, kw_only=True):
    """What a visitor reported, checked."""

    problem: Problem
    details: str | None = None
    contact: str | None = None
    honeypot_filled: bool = False


def _text(values: Mapping[str, Any], name: str, max_chars: int) -> str | None:
    raw = values.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise BadParameterError(name, f"{name} must be text")
    text = " ".join(raw.split()) if name == "contact" else raw.strip()
    if len(text) > max_chars:
        raise BadParameterError(
            name, f"{name} may be at most {max_chars} characters, got {len(text)}"
        )
    return text or None


def read_report(values: Mapping[str, Any]) -> ReportInput:
    """The report in these fields; BadParameterError names the first field that is wrong."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        name = unknown[0][:40]
        raise BadParameterError(name, f"{name} is not a field of a report", allowed=FIELDS[:3])
    problem = values.get("problem")
    if problem not in PROBLEMS:
        raise BadParameterError(
            "problem", f"problem must be one of {', '.join(PROBLEMS)}", allowed=PROBLEMS
        )
    honeypot = values.get(HONEYPOT_FIELD)
    return ReportInput(
        problem=problem,
        details=_text(values, "details", MAX_DETAILS_CHARS),
        contact=_text(values, "contact", MAX_CONTACT_CHARS),
        honeypot_filled=isinstance(honeypot, str) and honeypot.strip() != "",
    )
