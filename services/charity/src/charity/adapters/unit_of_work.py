"""The unit of work: one connection, one transaction, repositories on it, events to the outbox."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import cast

import asyncpg

from charity.adapters.allocations import (
    PostgresAllocations,
    PostgresDisbursements,
    PostgresReconciliations,
)
from charity.adapters.beneficiaries import PostgresBeneficiaries, PostgresReplicas
from charity.adapters.childcare import PostgresSessions
from charity.adapters.funds import PostgresDonations, PostgresFunds, PostgresProjects
from charity.adapters.ledger import PostgresLedger
from charity.adapters.vault import Cipher, PostgresVault
from shared import outbox
from shared.events import envelope_for
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from shared.http.idempotency import Answer

SOURCE = "charity"


class PostgresUnitOfWork:
    """Everything a use case touches, on the caller's connection inside its transaction.

    Events are buffered by :meth:`emit` and written to the outbox by :meth:`flush`, in the same
    transaction as the state change they announce.
    """

    def __init__(  # noqa: PLR0913 - the transaction's context, keyword-only
        self,
        conn: asyncpg.Connection,
        *,
        now: datetime,
        schema: str,
        cipher: Cipher | None,
        next_year_use: bool = False,
        actor: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> None:
        self.conn = conn
        self._now = now
        self._schema = schema
        self._actor = actor
        self._correlation_id = correlation_id
        self._causation_id = causation_id
        self._next_year_use = next_year_use
        self._pending: list[CloudEvent] = []
        self.funds = PostgresFunds(conn)
        self.projects = PostgresProjects(conn)
        self.donations = PostgresDonations(conn)
        self.beneficiaries = PostgresBeneficiaries(conn)
        self.replicas = PostgresReplicas(conn)
        self.allocations = PostgresAllocations(conn)
        self.disbursements = PostgresDisbursements(conn)
        self.reconciliations = PostgresReconciliations(conn)
        self.sessions = PostgresSessions(conn)
        self.ledger = PostgresLedger(conn)
        self.vault = PostgresVault(conn, cipher)

    @property
    def now(self) -> datetime:
        """The instant of this command (from the service's clock, or the consumed event)."""
        return self._now

    @property
    def next_year_use(self) -> bool:
        """Whether the lottery rule 当年筹集、次年使用 is on."""
        return self._next_year_use

    def emit(self, event: IntegrationEvent, *, version: int) -> None:
        """Buffer an event, stamped with the aggregate version it brings about."""
        self._pending.append(
            envelope_for(
                event,
                source=SOURCE,
                version=version,
                time=self._now,
                actor=self._actor,
                correlation_id=self._correlation_id,
                causation_id=self._causation_id,
            )
        )

    @property
    def pending(self) -> list[CloudEvent]:
        """Events not yet written to the outbox."""
        return list(self._pending)

    async def flush(self, *, answer: Answer | None = None) -> None:
        """Write the buffered events (and a command's answer) to the outbox, in the transaction."""
        await outbox.add(self.conn, self._pending, schema=self._schema, answer=answer)
        self._pending.clear()


@contextlib.asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it proxies."""
    async with pool.acquire() as proxy:
        yield cast("asyncpg.Connection", proxy)
