"""The API's access to the store: async, each call bounded by the timeout.

Every call either completes within `timeout_s` or raises StorageUnavailableError (503), and
a steward's decision is one transaction: the correction, the report's new state and the audit
entry are all written or none is. The tables are migrated on first use, so a database that
was down at start-up is picked up by itself once it answers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from service.errors import StorageUnavailableError
from service.store.engine import async_engine, migrate, sync_engine, unavailable_as_ours
from service.store.records import (
    Action,
    AuditEntry,
    Correction,
    CorrectionField,
    NewReport,
    Report,
    Steward,
    Verification,
)
from service.store.tables import audit, corrections, reports, stewards, verifications
from service.store.tokens import MAX_TOKEN_CHARS, token_hash

T = TypeVar("T")
logger = logging.getLogger("pathways.store")


class ReportNotOpenError(LookupError):
    """The report does not exist or was already resolved."""


class Store:
    """Reports, corrections, verifications and stewards, through one async engine."""

    def __init__(self, url: str, *, timeout_s: float) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._engine = async_engine(url, timeout_s=timeout_s)
        self._migrated = False
        self._migrating = asyncio.Lock()

    async def start(self) -> None:
        """Migrate now if the database answers; otherwise on first use (no error at start-up)."""
        try:
            async with asyncio.timeout(self.timeout_s * 2):
                await self._migrate()
        except (StorageUnavailableError, TimeoutError):
            logger.warning(
                "the reports database is not answering; reports answer 503 until it does"
            )

    async def aclose(self) -> None:
        """Close the pool."""
        await self._engine.dispose()

    async def _migrate(self) -> None:
        if self._migrated:
            return
        async with self._migrating:
            if self._migrated:
                return
            engine = sync_engine(self.url, timeout_s=self.timeout_s)
            try:
                with unavailable_as_ours():
                    await asyncio.to_thread(migrate, engine)
            finally:
                engine.dispose()
            self._migrated = True

    async def _transaction(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        await self._migrate()
        with unavailable_as_ours():
            async with self._engine.begin() as connection:
                return await work(connection)

    async def _run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """One transaction, answered within the timeout; failures to reach the database are ours.

        The work runs in a task of its own: a driver cancelled while its server is frozen
        waits for the server to acknowledge, so the wait is cut here and the task finishes
        its clean-up in the background.
        """
        task = asyncio.ensure_future(self._transaction(work))
        done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        if not done:
            task.cancel()
            task.add_done_callback(_forget)
            raise StorageUnavailableError(
                f"The database did not answer within {self.timeout_s:g} s."
            )
        return task.result()

    async def ping(self) -> None:
        """Raise StorageUnavailableError unless the database answers."""

        async def work(connection: AsyncConnection) -> None:
            await connection.execute(sa.text("SELECT 1"))

        await self._run(work)

    # Reports -----------------------------------------------------------------------------

    async def add_report(self, new: NewReport, *, now: datetime) -> Report:
        """Store a visitor's report, open."""
        report = Report(
            id=uuid.uuid4().hex,
            **msgspec.structs.asdict(new),
            status="open",
            created_at=now,
        )

        async def work(connection: AsyncConnection) -> None:
            await connection.execute(reports.insert().values(msgspec.structs.asdict(report)))

        await self._run(work)
        return report

    async def report(self, report_id: str) -> Report | None:
        """One report by id."""

        async def work(connection: AsyncConnection) -> Report | None:
            row = (
                await connection.execute(reports.select().where(reports.c.id == report_id))
            ).first()
            return _struct(Report, row) if row else None

        return await self._run(work)

    async def open_reports(
        self, *, source: str | None = None, area: str | None = None, limit: int = 200
    ) -> list[Report]:
        """Open reports, oldest first, of one source and area when given."""
        query = reports.select().where(reports.c.status == "open")
        if source:
            query = query.where(reports.c.source == source)
        if area:
            query = query.where(reports.c.area == area)
        query = query.order_by(reports.c.source, reports.c.area, reports.c.created_at).limit(limit)

        async def work(connection: AsyncConnection) -> list[Report]:
            return [_struct(Report, row) for row in await connection.execute(query)]

        return await self._run(work)

    async def open_report_counts(self) -> dict[tuple[str, str | None], int]:
        """Open reports per (source, area)."""
        query = (
            sa.select(reports.c.source, reports.c.area, sa.func.count())
            .where(reports.c.status == "open")
            .group_by(reports.c.source, reports.c.area)
        )

        async def work(connection: AsyncConnection) -> dict[tuple[str, str | None], int]:
            return {(r[0], r[1]): int(r[2]) for r in await connection.execute(query)}

        return await self._run(work)

    async def has_open_report(self, resource_id: str) -> bool:
        """Whether a report about this listing waits for a steward."""
        query = (
            sa.select(reports.c.id)
            .where(reports.c.resource_id == resource_id, reports.c.status == "open")
            .limit(1)
        )

        async def work(connection: AsyncConnection) -> bool:
            return (await connection.execute(query)).first() is not None

        return await self._run(work)

    async def listing_marks(
        self, resource_ids: Collection[str]
    ) -> tuple[set[str], dict[str, Verification]]:
        """Of these listings: those with an open report, and each one's latest check (one query)."""
        ids = sorted(set(resource_ids))
        if not ids:
            return set(), {}
        # One round trip for a whole page of cards: open reports and checks in one UNION.
        query = sa.union_all(
            sa.select(
                reports.c.resource_id,
                sa.literal("report").label("mark"),
                sa.null().cast(sa.String(100)).label("steward"),
                sa.null().cast(sa.String(200)).label("organisation"),
                sa.null().cast(sa.Date).label("checked_on"),
            ).where(reports.c.resource_id.in_(ids), reports.c.status == "open"),
            sa.select(
                verifications.c.resource_id,
                sa.literal("check").label("mark"),
                verifications.c.steward,
                verifications.c.organisation,
                verifications.c.checked_on,
            ).where(verifications.c.resource_id.in_(ids)),
        )

        async def work(connection: AsyncConnection) -> tuple[set[str], dict[str, Verification]]:
            reported: set[str] = set()
            checked: dict[str, Verification] = {}
            for row in await connection.execute(query):
                if row.mark == "report":
                    reported.add(row.resource_id)
                    continue
                found = Verification(
                    resource_id=row.resource_id,
                    steward=row.steward,
                    organisation=row.organisation,
                    checked_on=row.checked_on,
                )
                before = checked.get(row.resource_id)
                if before is None or found.checked_on > before.checked_on:
                    checked[row.resource_id] = found
            return reported, checked

        return await self._run(work)

    # Steward decisions (one transaction each) -------------------------------------------

    async def accept(
        self,
        report_id: str,
        *,
        steward: Steward,
        field: CorrectionField,
        value: Any,
        source_value: Any,
        now: datetime,
    ) -> Correction:
        """Accept a report with a field correction; the reporter's contact is deleted."""
        correction = Correction(
            id=uuid.uuid4().hex,
            resource_id="",
            field=field,
            value=value,
            source_value=source_value,
            report_id=report_id,
            steward=steward.name,
            created_at=now,
        )

        async def work(connection: AsyncConnection) -> Correction:
            report = await _open_report(connection, report_id)
            made = msgspec.structs.replace(correction, resource_id=report.resource_id)
            previous = await _active_correction(connection, report.resource_id, field)
            if previous is not None:
                await connection.execute(
                    corrections.update().where(corrections.c.id == previous.id).values(active=False)
                )
            await connection.execute(corrections.insert().values(msgspec.structs.asdict(made)))
            await _resolve(connection, report_id, "accepted", steward.name, None, now)
            before = previous.value if previous is not None else source_value
            await _audit(connection, now, steward, "accept", report.resource_id, report_id,
                         before={"field": field, "value": before},
                         after={"field": field, "value": value})  # fmt: skip
            return made

        return await self._run(work)

    async def reject(self, report_id: str, *, steward: Steward, reason: str, now: datetime) -> None:
        """Reject a report with a reason; the reporter's contact is deleted."""

        async def work(connection: AsyncConnection) -> None:
            report = await _open_report(connection, report_id)
            await _resolve(connection, report_id, "rejected", steward.name, reason, now)
            await _audit(connection, now, steward, "reject", report.resource_id, report_id,
                         before={"status": "open"},
                         after={"status": "rejected", "reason": reason})  # fmt: skip

        await self._run(work)

    async def verify(
        self, resource_id: str, *, steward: Steward, checked_on: date, now: datetime
    ) -> Verification:
        """Record that a steward checked the listing on a day."""
        made = Verification(
            resource_id=resource_id,
            steward=steward.name,
            organisation=steward.organisation,
            checked_on=checked_on,
        )

        async def work(connection: AsyncConnection) -> Verification:
            before = await _latest_verification(connection, resource_id)
            values = {**msgspec.structs.asdict(made), "created_at": now}
            await connection.execute(verifications.insert().values(values))
            await _audit(connection, now, steward, "verify", resource_id, None,
                         before=_verification_json(before),
                         after=_verification_json(made))  # fmt: skip
            return made

        return await self._run(work)

    async def settle_flag(
        self, correction_id: str, *, steward: Steward, keep: bool, now: datetime
    ) -> None:
        """A steward's answer to a flagged correction: keep it over the source, or drop it."""

        async def work(connection: AsyncConnection) -> None:
            row = (
                await connection.execute(
                    corrections.select().where(corrections.c.id == correction_id)
                )
            ).first()
            if row is None or not row.active or row.flag is None:
                raise ReportNotOpenError(correction_id)
            found = _struct(Correction, row)
            values: dict[str, Any] = {"flag": None, "flagged_value": None, "flagged_at": None}
            if keep:
                # The source's new value becomes the one the next change is measured from.
                values["source_value"] = found.flagged_value
            else:
                values["active"] = False
            await connection.execute(
                corrections.update().where(corrections.c.id == correction_id).values(values)
            )
            action: Action = "keep_correction" if keep else "drop_correction"
            await _audit(connection, now, steward, action, found.resource_id, found.report_id,
                         before={"field": found.field, "value": found.value,
                                 "source_value": found.flagged_value, "flag": found.flag},
                         after={"field": found.field,
                                "value": found.value if keep else found.flagged_value})  # fmt: skip

        await self._run(work)

    # Reading for the review pages -----------------------------------------------------

    async def corrections_for(self, resource_id: str) -> list[Correction]:
        """The listing's active corrections."""
        query = corrections.select().where(
            corrections.c.resource_id == resource_id, corrections.c.active.is_(True)
        )

        async def work(connection: AsyncConnection) -> list[Correction]:
            return [_struct(Correction, r) for r in await connection.execute(query)]

        return await self._run(work)

    async def flagged_corrections(self, *, limit: int = 200) -> list[Correction]:
        """Active corrections whose source has since changed the field."""
        query = (
            corrections.select()
            .where(corrections.c.active.is_(True), corrections.c.flag.is_not(None))
            .order_by(corrections.c.flagged_at)
            .limit(limit)
        )

        async def work(connection: AsyncConnection) -> list[Correction]:
            return [_struct(Correction, r) for r in await connection.execute(query)]

        return await self._run(work)

    async def latest_verification(self, resource_id: str) -> Verification | None:
        """The listing's most recent check."""

        async def work(connection: AsyncConnection) -> Verification | None:
            return await _latest_verification(connection, resource_id)

        return await self._run(work)

    async def audit_for(self, resource_id: str, *, limit: int = 50) -> list[AuditEntry]:
        """The steward actions on a listing, newest first."""
        query = (
            audit.select()
            .where(audit.c.resource_id == resource_id)
            .order_by(audit.c.id.desc())
            .limit(limit)
        )

        async def work(connection: AsyncConnection) -> list[AuditEntry]:
            return [_struct(AuditEntry, r) for r in await connection.execute(query)]

        return await self._run(work)

    async def steward_for_token(self, token: str) -> Steward | None:
        """The steward whose token this is (not revoked), or None."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        query = stewards.select().where(
            stewards.c.token_hash == token_hash(token), stewards.c.revoked_at.is_(None)
        )

        async def work(connection: AsyncConnection) -> Steward | None:
            row = (await connection.execute(query)).first()
            return Steward(name=row.name, organisation=row.organisation) if row else None

        return await self._run(work)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A raw transaction, for tests that look beneath the API."""
        await self._migrate()
        async with self._engine.begin() as connection:
            yield connection


def _forget(task: asyncio.Future[Any]) -> None:
    # A cut-off transaction's outcome: retrieved so asyncio does not report it, never shown.
    if not task.cancelled():
        task.exception()


def _struct(kind: type[T], row: sa.Row[Any, Any, Any, Any]) -> T:
    return msgspec.convert(_plain(row), kind)


async def _open_report(connection: AsyncConnection, report_id: str) -> Report:
    row = (
        await connection.execute(
            reports.select().where(reports.c.id == report_id).with_for_update()
        )
    ).first()
    if row is None or row.status != "open":
        raise ReportNotOpenError(report_id)
    return _struct(Report, row)


async def _active_correction(
    connection: AsyncConnection, resource_id: str, field: str
) -> Correction | None:
    row = (
        await connection.execute(
            corrections.select().where(
                corrections.c.resource_id == resource_id,
                corrections.c.field == field,
                corrections.c.active.is_(True),
            )
        )
    ).first()
    return _struct(Correction, row) if row else None


async def _resolve(
    connection: AsyncConnection,
    report_id: str,
    status: str,
    steward: str,
    reason: str | None,
    now: datetime,
) -> None:
    await connection.execute(
        reports.update()
        .where(reports.c.id == report_id)
        .values(
            status=status, resolved_at=now, resolved_by=steward, resolution=reason, contact=None
        )
    )


async def _latest_verification(
    connection: AsyncConnection, resource_id: str
) -> Verification | None:
    row = (
        await connection.execute(
            sa.select(
                verifications.c.resource_id,
                verifications.c.steward,
                verifications.c.organisation,
                verifications.c.checked_on,
            )
            .where(verifications.c.resource_id == resource_id)
            .order_by(verifications.c.checked_on.desc(), verifications.c.id.desc())
            .limit(1)
        )
    ).first()
    return _struct(Verification, row) if row else None


def _verification_json(found: Verification | None) -> dict[str, str] | None:
    if found is None:
        return None
    return {"checked_on": found.checked_on.isoformat(), "organisation": found.organisation}


async def _audit(
    connection: AsyncConnection,
    now: datetime,
    steward: Steward,
    action: Action,
    resource_id: str | None,
    report_id: str | None,
    *,
    before: Any,
    after: Any,
) -> None:
    entry = AuditEntry(
        at=now,
        steward=steward.name,
        action=action,
        resource_id=resource_id,
        report_id=report_id,
        before=before,
        after=after,
    )
    await connection.execute(audit.insert().values(msgspec.structs.asdict(entry)))


def _plain(row: sa.Row[Any, Any, Any, Any]) -> dict[str, Any]:
    # Column names come back as str subclasses (quoted_name), which msgspec will not take.
    return {str(key): value for key, value in row._mapping.items()}
