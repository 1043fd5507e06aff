"""`GET /v1/vocabularies`: every controlled vocabulary with English and Spanish labels."""

from __future__ import annotations

from litestar import get

from service.contract.vocabulary import ALL_VOCABULARIES, Term


@get(
    "/v1/vocabularies",
    summary="Controlled vocabularies",
    tags=["vocabularies"],
    sync_to_thread=False,
)
def list_vocabularies() -> dict[str, list[Term]]:
    """Every vocabulary keyed by name: its codes with their English and Spanish labels."""
    return {vocab.name: list(vocab.terms) for vocab in ALL_VOCABULARIES}
