"""Consumers of eldercare's elders and institutions: the local replicas, and automatic stops.

Each handler runs inside the consumer runner's transaction, together with the inbox claim, so a
redelivered event is applied once; the handlers are also idempotent by themselves (a status only
moves forward by aggregate version, a beneficiary is deactivated once). Their instant is the
consumed event's time, so a replay produces the same facts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from charity.adapters.unit_of_work import PostgresUnitOfWork
from charity.domain.replicas import ElderStatus
from charity.service_layer import beneficiaries as uses
from shared.consumer import Handler
from shared.events import eldercare as elder_events
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from shared.settings import ServiceSettings

Apply = Callable[[PostgresUnitOfWork, Any, int], Awaitable[object]]


def _handler(schema: str, apply: Apply) -> Handler:
    async def handle(conn: Any, event: IntegrationEvent, envelope: CloudEvent) -> None:
        """Apply one eldercare event and write what it causes to the outbox, atomically."""
        uow = PostgresUnitOfWork(
            conn,
            now=envelope.time,
            schema=schema,
            cipher=None,
            correlation_id=envelope.correlationid,
            causation_id=envelope.id,
        )
        await apply(uow, event, envelope.aggregateversion)
        await uow.flush()

    return handle


async def on_elder_registered(
    uow: PostgresUnitOfWork, event: elder_events.ElderRegistered, version: int
) -> None:
    """An elder exists: remember its county and age band (no personal data)."""
    await uses.elder_registered(
        uow, event.elder_id, county_code=event.county_code, age_band=event.age_band, version=version
    )


async def on_elder_deceased(
    uow: PostgresUnitOfWork, event: elder_events.ElderDeceased, version: int
) -> None:
    """An elder died: their benefits stop (BeneficiaryDeactivated, once)."""
    await uses.elder_left(
        uow, event.elder_id, status=ElderStatus.DECEASED, on=event.died_on, version=version
    )


async def on_elder_moved_out(
    uow: PostgresUnitOfWork, event: elder_events.ElderMovedOut, version: int
) -> None:
    """An elder moved out of the city's care: their benefits stop too."""
    await uses.elder_left(
        uow, event.elder_id, status=ElderStatus.MOVED_OUT, on=event.moved_out_on, version=version
    )


async def on_institution_registered(
    uow: PostgresUnitOfWork, event: elder_events.InstitutionRegistered, version: int
) -> None:
    """An institution exists."""
    await uses.institution_registered(
        uow,
        event.institution_id,
        kind=event.kind,
        county_code=event.county_code,
        status=event.status,
        version=version,
    )


async def on_institution_status_changed(
    uow: PostgresUnitOfWork, event: elder_events.InstitutionStatusChanged, version: int
) -> None:
    """An institution was suspended, reactivated or closed."""
    await uses.institution_status(uow, event.institution_id, status=event.status, version=version)


def handlers(settings: ServiceSettings) -> dict[str, Handler]:
    """The event types charity consumes, by type."""
    schema = settings.schema_name
    return {
        elder_events.ElderRegistered.TYPE: _handler(schema, on_elder_registered),
        elder_events.ElderDeceased.TYPE: _handler(schema, on_elder_deceased),
        elder_events.ElderMovedOut.TYPE: _handler(schema, on_elder_moved_out),
        elder_events.InstitutionRegistered.TYPE: _handler(schema, on_institution_registered),
        elder_events.InstitutionStatusChanged.TYPE: _handler(schema, on_institution_status_changed),
    }
