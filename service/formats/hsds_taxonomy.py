"""Pathways' vocabularies as HSDS taxonomy terms, and the deterministic HSDS ids.

HSDS ids are UUIDs. Ours are not, so every HSDS id is a UUID 5 in one fixed namespace:
a service's id is `uuid5(HSDS_NAMESPACE, <Pathways id>)`, and the objects nested in it
are named from that id (`<id>#location`, `<id>#phone:1`...). The same record always gets
the same ids, across re-indexing and across servers. A vocabulary value is the taxonomy
term `uuid5(HSDS_NAMESPACE, "taxonomy_term:<param>:<code>")`, with the code
`<param>:<code>` (`language:es`), so `taxonomy_term_id` filters map onto our filters.
"""

from __future__ import annotations

import uuid
from typing import Final

import msgspec

from service.contract.documents import FILTER_FIELDS, IndexDocument
from service.formats.hsds_models import Attribute, TaxonomyTerm

# Fixed forever: changing it would change every id clients have stored.
HSDS_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://pathways.invalid/hsds")


def hsds_id(key: str) -> str:
    """The UUID 5 of a key in the Pathways HSDS namespace."""
    return str(uuid.uuid5(HSDS_NAMESPACE, key))


class TermRef(msgspec.Struct, frozen=True, kw_only=True):
    """Which filter parameter and vocabulary code a taxonomy term stands for."""

    param: str
    code: str
    term: TaxonomyTerm


def _terms() -> dict[str, TermRef]:
    terms: dict[str, TermRef] = {}
    for field in FILTER_FIELDS:
        for term in field.vocabulary.terms:
            term_id = hsds_id(f"taxonomy_term:{field.param}:{term.code}")
            terms[term_id] = TermRef(
                param=field.param,
                code=term.code,
                term=TaxonomyTerm(
                    id=term_id,
                    code=f"{field.param}:{term.code}",
                    name=term.en,
                    description=f"{term.en} (es: {term.es})",
                    taxonomy=f"Pathways {field.vocabulary.name}",
                    language="en",
                ),
            )
    return terms


TERMS_BY_ID: Final[dict[str, TermRef]] = _terms()
_ID_BY_PARAM_CODE: Final[dict[tuple[str, str], str]] = {
    (ref.param, ref.code): term_id for term_id, ref in TERMS_BY_ID.items()
}


def attributes(doc: IndexDocument, service_id: str) -> list[Attribute]:
    """One attribute per vocabulary value of the document, linking it to its term."""
    found: list[Attribute] = []
    for field in FILTER_FIELDS:
        values = getattr(doc, field.attribute)
        codes = (values,) if isinstance(values, str) else values
        for code in codes:
            term_id = _ID_BY_PARAM_CODE.get((field.param, code))
            if term_id is None:
                continue
            term = TERMS_BY_ID[term_id].term
            found.append(
                Attribute(
                    id=hsds_id(f"{doc.id}#attribute:{field.param}:{code}"),
                    link_id=service_id,
                    link_entity="service",
                    taxonomy_term_id=term_id,
                    taxonomy_term=term,
                    label=term.name,
                )
            )
    return found
