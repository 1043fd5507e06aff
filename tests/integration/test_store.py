"""The store on both engines: SQLite (the embedded default) and a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa

from service.errors import StorageUnavailableError
from service.store.engine import engine_name, migrate, sync_engine
from service.store.overrides import FlagUpdate, load_overrides, record_flags
from service.store.records import NewReport, Steward
from service.store.repository import ReportNotOpenError, Store
from service.store.stewards import add_steward, revoke_steward
from service.store.tables import audit, corrections, reports
from tests.postgres_server import ManagedPostgres, PostgresUnavailableError

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
DANA = Steward(name="Dana", organisation="SEPIA Intergroup")
# Invented for the tests: a listing id of the seed's form, and what a visitor might write.
RESOURCE = "aasepia-shoulder-shoulder-group-sun12am"


def new_report(**changes: Any) -> NewReport:
    values: dict[str, Any] = {
        "resource_id": RESOURCE,
        "source": "aasepia",
        "area": "PA",
        "problem": "wrong_time",
        "details": "It meets at 19:30 now.",
        "contact": "reporter@example.org",
    }
    values.update(changes)
    return NewReport(**values)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    made = Store(database_url, timeout_s=5.0)
    try:
        yield made
    finally:
        await made.aclose()


def test_migrations_run_twice_and_make_every_table(database_url: str) -> None:
    engine = sync_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)
        names = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"reports", "corrections", "verifications", "stewards", "audit"} <= names
    assert "alembic_version" in names
    assert engine_name(database_url) in ("sqlite", "postgresql")


async def test_accept_stores_the_correction_resolves_the_report_and_audits(store: Store) -> None:
    report = await store.add_report(new_report(), now=NOW)
    assert (await store.open_reports(source="aasepia", area="PA"))[0].id == report.id
    assert await store.has_open_report(RESOURCE)
    slots = [{"day": "sun", "start": "19:30"}]
    correction = await store.accept(
        report.id, steward=DANA, field="schedule", value=slots,
        source_value=[{"day": "sun", "start": "00:00"}], now=NOW,
    )  # fmt: skip
    assert correction.resource_id == RESOURCE
    resolved = await store.report(report.id)
    assert resolved is not None
    assert (resolved.status, resolved.resolved_by, resolved.contact) == ("accepted", "Dana", None)
    assert resolved.resolved_at == NOW
    assert not await store.has_open_report(RESOURCE)
    [entry] = await store.audit_for(RESOURCE)
    assert (entry.steward, entry.action, entry.report_id, entry.at) == (
        "Dana",
        "accept",
        report.id,
        NOW,
    )
    assert entry.before == {"field": "schedule", "value": [{"day": "sun", "start": "00:00"}]}
    assert entry.after == {"field": "schedule", "value": slots}
    with pytest.raises(ReportNotOpenError):
        await store.reject(report.id, steward=DANA, reason="twice", now=NOW)


async def test_reject_keeps_the_reason_and_deletes_the_contact(store: Store) -> None:
    report = await store.add_report(new_report(), now=NOW)
    await store.reject(report.id, steward=DANA, reason="The feed is right.", now=NOW)
    resolved = await store.report(report.id)
    assert resolved is not None
    assert (resolved.status, resolved.resolution, resolved.contact) == (
        "rejected", "The feed is right.", None,
    )  # fmt: skip
    [entry] = await store.audit_for(RESOURCE)
    assert entry.after == {"status": "rejected", "reason": "The feed is right."}


async def test_a_second_correction_of_a_field_replaces_the_first(store: Store) -> None:
    first = await store.add_report(new_report(), now=NOW)
    second = await store.add_report(new_report(), now=NOW)
    await store.accept(first.id, steward=DANA, field="phone", value="215-555-0100",
                       source_value=None, now=NOW)  # fmt: skip
    await store.accept(second.id, steward=DANA, field="phone", value="215-555-0199",
                       source_value=None, now=NOW + timedelta(minutes=1))  # fmt: skip
    active = await store.corrections_for(RESOURCE)
    assert [(c.field, c.value) for c in active] == [("phone", "215-555-0199")]
    entries = await store.audit_for(RESOURCE)
    assert entries[0].before == {"field": "phone", "value": "215-555-0100"}


async def test_verifications_the_latest_wins(store: Store) -> None:
    await store.verify(RESOURCE, steward=DANA, checked_on=date(2026, 11, 2), now=NOW)
    await store.verify(RESOURCE, steward=DANA, checked_on=date(2026, 12, 1), now=NOW)
    latest = await store.latest_verification(RESOURCE)
    assert latest is not None
    assert (latest.checked_on, latest.organisation) == (date(2026, 12, 1), "SEPIA Intergroup")
    entries = await store.audit_for(RESOURCE)
    assert entries[0].before == {"checked_on": "2026-11-02", "organisation": "SEPIA Intergroup"}


async def test_the_indexer_reads_overrides_and_flags_changes(
    store: Store, database_url: str
) -> None:
    report = await store.add_report(new_report(), now=NOW)
    made = await store.accept(report.id, steward=DANA, field="phone", value="215-555-0100",
                              source_value="215-555-0000", now=NOW)  # fmt: skip
    await store.verify(RESOURCE, steward=DANA, checked_on=date(2026, 12, 1), now=NOW)
    engine = sync_engine(database_url)
    try:
        found = load_overrides(engine)
        assert [c.value for c in found.corrections[RESOURCE]] == ["215-555-0100"]
        assert found.verifications[RESOURCE].checked_on == date(2026, 12, 1)
        update = FlagUpdate(
            correction_id=made.id, flag="source_disagrees", source_value="215-555-0111"
        )
        assert record_flags(engine, [update], now=NOW) == 1
    finally:
        engine.dispose()
    [flagged] = await store.flagged_corrections()
    assert (flagged.flag, flagged.flagged_value) == ("source_disagrees", "215-555-0111")
    await store.settle_flag(made.id, steward=DANA, keep=True, now=NOW)
    [kept] = await store.corrections_for(RESOURCE)
    assert (kept.flag, kept.source_value, kept.value) == (None, "215-555-0111", "215-555-0100")
    assert await store.flagged_corrections() == []
    assert (await store.audit_for(RESOURCE))[0].action == "keep_correction"


async def test_steward_tokens_are_stored_hashed_and_can_be_revoked(
    store: Store, database_url: str
) -> None:
    await store.ping()
    engine = sync_engine(database_url)
    try:
        token = add_steward(engine, "Dana", "SEPIA Intergroup", now=NOW)
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT token_hash FROM stewards")).scalar_one()
        assert token not in stored
        assert len(stored) == 64
        assert await store.steward_for_token(token) == DANA
        assert await store.steward_for_token(token[:-1]) is None
        assert await store.steward_for_token("") is None
        assert revoke_steward(engine, "Dana", now=NOW)
        assert await store.steward_for_token(token) is None
    finally:
        engine.dispose()


async def _script(store: Store) -> list[Any]:
    """The same steps on any engine; what each answered, made comparable."""
    answers: list[Any] = []
    a = await store.add_report(
        new_report(problem="closed", details="Gone since May. <b>x</b>"), now=NOW
    )
    b = await store.add_report(new_report(area=None, source="bmlt"), now=NOW + timedelta(seconds=1))
    answers.append(sorted((await store.open_report_counts()).items(), key=str))
    await store.accept(a.id, steward=DANA, field="status", value="closed",
                       source_value="active", now=NOW)  # fmt: skip
    await store.reject(b.id, steward=DANA, reason="ok", now=NOW)
    answers.append(sorted((await store.open_report_counts()).items(), key=str))
    answers.append([msgspec.to_builtins(c) for c in await store.corrections_for(RESOURCE)])
    for found in (await store.report(a.id), await store.report(b.id)):
        assert found is not None
        answers.append(msgspec.to_builtins(msgspec.structs.replace(found, id="-")))
    async with store.connection() as connection:
        answers.append(
            (await connection.execute(sa.select(sa.func.count()).select_from(audit))).scalar()
        )
        answers.append((await connection.execute(sa.select(reports.c.details))).scalars().all())
    return [msgspec.json.decode(msgspec.json.encode(x)) for x in answers]


async def test_postgresql_and_sqlite_give_the_same_answers(
    tmp_path: Any, postgres_server: Any
) -> None:
    results = []
    for url in (f"sqlite:///{tmp_path / 'same.sqlite3'}", postgres_server.new_database()):
        store = Store(url, timeout_s=5.0)
        try:
            results.append(await _script(store))
        finally:
            await store.aclose()
    sqlite_answers, postgres_answers = results
    for answers in results:
        for item in answers[2]:
            item["id"] = item["report_id"] = "-"
    assert sqlite_answers == postgres_answers
    assert sqlite_answers[0] == [[["aasepia", "PA"], 1], [["bmlt", None], 1]]


async def test_killing_postgresql_mid_write_loses_no_accepted_correction() -> None:
    """Accept corrections while the server is SIGKILLed; every accept that answered is there
    after a restart, whole: the correction, its resolved report and its audit entry."""
    try:
        server = ManagedPostgres()
        server.init()
        server.start()
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL cannot run here: {exc}")
    try:
        url = server.new_database()
        store = Store(url, timeout_s=2.0)
        report_ids = [(await store.add_report(new_report(), now=NOW)).id for _ in range(300)]
        acknowledged: list[str] = []
        failed = 0
        killer = threading.Timer(0.5, server.kill)
        killer.start()
        for number, report_id in enumerate(report_ids):
            try:
                phone = f"215-555-{number:04d}"
                await store.accept(
                    report_id, steward=DANA, field="phone", value=phone, source_value=None, now=NOW
                )
            except StorageUnavailableError:
                failed += 1
                if failed > 3:
                    break
            else:
                acknowledged.append(report_id)
        killer.join()
        await store.aclose()
        assert acknowledged, "the server was killed before any accept"
        assert failed, "every accept finished before the kill: nothing was tested"
        server.start()
        store = Store(url, timeout_s=5.0)
        try:
            async with store.connection() as connection:
                rows = (await connection.execute(sa.select(reports.c.id, reports.c.status))).all()
                audited = set(
                    (await connection.execute(sa.select(audit.c.report_id))).scalars().all()
                )
                corrected = set(
                    (await connection.execute(sa.select(corrections.c.report_id))).scalars().all()
                )
        finally:
            await store.aclose()
        accepted = {r.id for r in rows if r.status == "accepted"}
        assert set(acknowledged) <= accepted
        # No half-written decision: each accepted report has its correction and its audit entry.
        assert accepted == corrected == audited
        assert len(accepted) - len(acknowledged) <= 1
    finally:
        server.stop()
        server.remove()
