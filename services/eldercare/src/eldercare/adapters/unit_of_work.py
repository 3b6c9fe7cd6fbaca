"""The PostgreSQL unit of work: one transaction for the aggregates, the vault and the outbox."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, cast

import asyncpg

from eldercare.adapters import repositories as tables
from eldercare.adapters.crypto import KeyRing
from eldercare.adapters.repositories import PgLookups
from eldercare.adapters.vault import PgVault
from eldercare.domain.elders import Elder
from eldercare.domain.home_modifications import HomeModification
from eldercare.domain.institutions import Institution
from eldercare.domain.meals import Meal, MealPoint
from eldercare.domain.volunteers import Branch, Corps, Volunteer, VolunteerService
from eldercare.domain.wristbands import MissingCase, Wristband
from eldercare.service_layer.ports import Actor, Lookups, Repository, Rules, Vault
from shared import outbox
from shared.events import CloudEvent, IntegrationEvent, envelope_for
from shared.http import idempotency


class PgUnitOfWork:
    """Repositories and the vault on one connection inside one transaction."""

    def __init__(  # noqa: PLR0913 - the composition root hands every collaborator in by name
        self,
        conn: asyncpg.Connection,
        *,
        keyring: KeyRing | None,
        rules: Rules,
        now: datetime,
        actor: Actor,
        schema: str,
        correlation_id: str | None = None,
    ) -> None:
        self.conn = conn
        self.now = now
        self.actor = actor
        self.rules = rules
        self._schema = schema
        self._correlation_id = correlation_id
        self._pending: list[CloudEvent] = []
        self._answer: idempotency.Answer | None = None
        self.institutions: Repository[Institution] = tables.INSTITUTIONS.bind(conn)
        self.elders: Repository[Elder] = tables.ELDERS.bind(conn)
        self.home_modifications: Repository[HomeModification] = tables.HOME_MODIFICATIONS.bind(conn)
        self.meal_points: Repository[MealPoint] = tables.MEAL_POINTS.bind(conn)
        self.meals: Repository[Meal] = tables.MEALS.bind(conn)
        self.wristbands: Repository[Wristband] = tables.WRISTBANDS.bind(conn)
        self.missing_cases: Repository[MissingCase] = tables.MISSING_CASES.bind(conn)
        self.corps: Repository[Corps] = tables.CORPS.bind(conn)
        self.branches: Repository[Branch] = tables.BRANCHES.bind(conn)
        self.volunteers: Repository[Volunteer] = tables.VOLUNTEERS.bind(conn)
        self.volunteer_services: Repository[VolunteerService] = tables.VOLUNTEER_SERVICES.bind(conn)
        self.lookups: Lookups = PgLookups(conn)
        self.vault: Vault = PgVault(conn, keyring, actor=actor, now=now)

    def publish(
        self, event: IntegrationEvent, *, version: int, caused_by: str | None = None
    ) -> str:
        """Queue an event (it enters the outbox when the unit of work commits); its id."""
        envelope = envelope_for(
            event,
            source="eldercare",
            version=version,
            time=self.now,
            actor=str(self.actor.person_id),
            correlation_id=self._correlation_id,
            causation_id=caused_by,
        )
        self._pending.append(envelope)
        return envelope.id

    @property
    def published(self) -> list[CloudEvent]:
        """The events queued so far (for responses and tests)."""
        return list(self._pending)

    async def replay(self, *, scope: str, key: str, fingerprint: str) -> Any:
        """The stored response of an earlier request with this Idempotency-Key, or None.

        No lock on the key: a concurrent request that takes it first makes this transaction
        fail when it stores its answer, and the entrypoint then answers with the winner's.
        """
        return await idempotency.replay(
            self.conn, scope=scope, key=key, body_fingerprint=fingerprint, lock=False
        )

    def remember(
        self, *, scope: str, key: str, fingerprint: str, status_code: int, body: Any
    ) -> None:
        """Keep this response for replays: stored with the outbox rows, in the same statement."""
        self._answer = idempotency.Answer(scope, key, fingerprint, status_code, body)

    async def flush(self) -> None:
        """Write the queued events and the answer to the outbox (still inside the transaction)."""
        await outbox.add(self.conn, self._pending, schema=self._schema, answer=self._answer)
        self._pending.clear()
        self._answer = None


@contextlib.asynccontextmanager
async def unit_of_work(  # noqa: PLR0913 - keyword-only wiring
    pool: asyncpg.Pool,
    *,
    keyring: KeyRing | None,
    rules: Rules,
    now: datetime,
    actor: Actor,
    schema: str,
    correlation_id: str | None = None,
) -> AsyncIterator[PgUnitOfWork]:
    """Open a transaction; on a clean exit, flush the events and commit, else roll back."""
    async with pool.acquire() as conn, conn.transaction():
        uow = PgUnitOfWork(
            # A pooled connection proxies every Connection method the adapters use.
            cast(asyncpg.Connection, conn),
            keyring=keyring,
            rules=rules,
            now=now,
            actor=actor,
            schema=schema,
            correlation_id=correlation_id,
        )
        yield uow
        await uow.flush()
