"""The PostgreSQL unit of work: aggregates, lookups and the outbox on one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from inspection.adapters.lookups import PgCadence, PgLookups
from inspection.adapters.tables import PgTable
from inspection.domain.activities import Drill, SafetyMeeting, SafetyTalk
from inspection.domain.campaigns import Campaign
from inspection.domain.fieldwork import Problem, Survey
from inspection.domain.hazards import Hazard
from inspection.domain.inspections import Inspection
from inspection.domain.leaders import Leader
from inspection.domain.notices import WorkNotice
from inspection.service_layer.ports import Cadence, Context, Lookups, Repository
from shared import outbox
from shared.db import Conn
from shared.events import envelope_for
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from shared.http.idempotency import Answer

SOURCE = "inspection"


class PostgresUnitOfWork:
    """Everything one command touches, on one connection inside one transaction."""

    def __init__(self, conn: Conn, ctx: Context, *, correlation_id: str | None = None) -> None:
        self.conn = conn
        self.ctx = ctx
        self.correlation_id = correlation_id
        self.campaigns: Repository[Campaign] = PgTable(conn, "campaigns", Campaign)
        self.leaders: Repository[Leader] = PgTable(conn, "leaders", Leader)
        self.inspections: Repository[Inspection] = PgTable(conn, "inspections", Inspection)
        self.hazards: Repository[Hazard] = PgTable(conn, "hazards", Hazard)
        self.drills: Repository[Drill] = PgTable(conn, "drills", Drill)
        self.talks: Repository[SafetyTalk] = PgTable(conn, "safety_talks", SafetyTalk)
        self.notices: Repository[WorkNotice] = PgTable(conn, "work_notices", WorkNotice)
        self.meetings: Repository[SafetyMeeting] = PgTable(conn, "safety_meetings", SafetyMeeting)
        self.surveys: Repository[Survey] = PgTable(conn, "surveys", Survey)
        self.problems: Repository[Problem] = PgTable(conn, "problems", Problem)
        self.lookups: Lookups = PgLookups(conn)
        self.cadence: Cadence = PgCadence(conn)
        self.pending: list[CloudEvent] = []
        # The HTTP command's Idempotency-Key answer, stored with the outbox rows.
        self.answer: Answer | None = None

    def publish(self, event: IntegrationEvent, *, version: int) -> None:
        """Queue an event; it reaches the outbox when the unit of work completes."""
        self.pending.append(
            envelope_for(
                event,
                source=SOURCE,
                version=version,
                time=self.ctx.now,
                actor=str(self.ctx.actor) if self.ctx.actor else None,
                correlation_id=self.correlation_id,
            )
        )

    async def flush(self, *, schema: str) -> None:
        """Write the queued events (and the command's answer) to the outbox, in this transaction."""
        await outbox.add(self.conn, self.pending, schema=schema, answer=self.answer)
        self.pending = []
        self.answer = None


@contextlib.asynccontextmanager
async def unit_of_work(
    pool: asyncpg.Pool, ctx: Context, *, schema: str, correlation_id: str | None = None
) -> AsyncIterator[PostgresUnitOfWork]:
    """A transaction: commits state and outbox rows together, or neither on an error."""
    async with pool.acquire() as conn, conn.transaction():
        uow = PostgresUnitOfWork(conn, ctx, correlation_id=correlation_id)
        yield uow
        await uow.flush(schema=schema)
