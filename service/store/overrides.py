"""What the indexer reads from the store (active corrections, latest checks) and writes back
(flags on corrections whose source has changed the field). Sync, on the indexer's engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.store.engine import migrate, unavailable_as_ours
from service.store.records import Correction, Flag, Verification
from service.store.tables import corrections, verifications


class Overrides(msgspec.Struct, frozen=True, kw_only=True):
    """The stewards' word on listings: corrections by resource id, latest check by id."""

    corrections: Mapping[str, tuple[Correction, ...]] = {}
    verifications: Mapping[str, Verification] = {}

    def __bool__(self) -> bool:
        return bool(self.corrections or self.verifications)


class FlagUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A correction whose source now says something else: flag it for a steward."""

    correction_id: str
    flag: Flag
    source_value: Any


def load_overrides(engine: Engine) -> Overrides:
    """Every active correction and each listing's latest verification (migrating first)."""
    with unavailable_as_ours():
        migrate(engine)
        with engine.connect() as connection:
            found: dict[str, list[Correction]] = {}
            query = (
                corrections.select()
                .where(corrections.c.active.is_(True))
                .order_by(corrections.c.created_at)
            )
            for row in connection.execute(query):
                correction = msgspec.convert(_plain(row), Correction)
                found.setdefault(correction.resource_id, []).append(correction)
            latest: dict[str, Verification] = {}
            checks = sa.select(
                verifications.c.resource_id,
                verifications.c.steward,
                verifications.c.organisation,
                verifications.c.checked_on,
            ).order_by(verifications.c.checked_on, verifications.c.id)
            for row in connection.execute(checks):
                check = msgspec.convert(_plain(row), Verification)
                latest[check.resource_id] = check
    return Overrides(corrections={k: tuple(v) for k, v in found.items()}, verifications=latest)


def record_flags(engine: Engine, updates: Iterable[FlagUpdate], *, now: datetime) -> int:
    """Flag the corrections (one transaction); returns how many changed."""
    changed = 0
    with unavailable_as_ours(), engine.begin() as connection:
        for update in updates:
            result = connection.execute(
                corrections.update()
                .where(corrections.c.id == update.correction_id, corrections.c.active.is_(True))
                .values(flag=update.flag, flagged_value=update.source_value, flagged_at=now)
            )
            changed += result.rowcount
    return changed


def _plain(row: sa.Row[Any, Any, Any, Any]) -> dict[str, Any]:
    # Column names come back as str subclasses (quoted_name), which msgspec will not take.
    return {str(key): value for key, value in row._mapping.items()}
