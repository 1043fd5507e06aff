"""The link a steward forwards a report with: to the source's own feedback page or address,
pre-filled where the link can carry text; nothing is sent by Pathways (pure)."""

from __future__ import annotations

import msgspec

from service.contract.documents import IndexDocument
from service.store.records import Report

PROBLEM_WORDS = {
    "closed": "it has closed",
    "moved": "it has moved",
    "wrong_time": "the time is wrong",
    "wrong_contact": "the phone number or link is wrong",
    "not_as_described": "it is not as described",
    "other": "something is wrong",
}


class Forward(msgspec.Struct, frozen=True, kw_only=True):
    """Where to send the source's owner, and the message to paste or that the link carries."""

    url: str
    label: str
    message: str


def forward_message(doc: IndexDocument, report: Report) -> str:
    """A note to the listing's publisher, without anything about the reporter."""
    lines = [
        f"Hello, a visitor of Pathways reported that {PROBLEM_WORDS[report.problem]} "
        f'for "{doc.name}" ({doc.provenance.source_record_id}).',
    ]
    if report.details:
        lines.append(f"They wrote: {report.details}")
    lines.append("Could you check your listing? Thank you.")
    return "\n".join(lines)


def forward_link(doc: IndexDocument, report: Report) -> Forward | None:
    """The feed's feedback page, else the record's page at its source, else None.

    Meeting Guide `feedback_emails` are not carried: feeds use them as private addresses
    behind a form, and the index republishes nothing personal.
    """
    message = forward_message(doc, report)
    provenance = doc.provenance
    for url, label in (
        (provenance.feedback_url, f"{provenance.source_name}'s feedback page"),
        (provenance.source_url, f"the listing on {provenance.source_name}'s site"),
    ):
        if url and url.startswith(("https://", "http://")):
            return Forward(url=url, label=label, message=message)
    return None
