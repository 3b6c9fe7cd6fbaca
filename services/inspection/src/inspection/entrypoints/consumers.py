"""Consumers of other services' events: the site replica from eldercare.institutions."""

from __future__ import annotations

from typing import Any

from inspection.adapters import sites
from shared.consumer import Handler
from shared.events.base import IntegrationEvent
from shared.events.eldercare import InstitutionRegistered, InstitutionStatusChanged
from shared.events.envelope import CloudEvent


async def on_institution_registered(conn: Any, event: IntegrationEvent, env: CloudEvent) -> None:
    """A registered institution becomes a known site."""
    assert isinstance(event, InstitutionRegistered)  # noqa: S101 - registered by type below
    await sites.site_registered(
        conn,
        site_id=event.institution_id,
        kind=event.kind,
        status=event.status,
        county_code=event.county_code,
        version=env.aggregateversion,
        at=env.time,
    )


async def on_institution_status_changed(
    conn: Any, event: IntegrationEvent, env: CloudEvent
) -> None:
    """A suspended or closed institution stops taking inspections, drills and hazards."""
    assert isinstance(event, InstitutionStatusChanged)  # noqa: S101 - registered by type below
    await sites.site_status_changed(
        conn,
        site_id=event.institution_id,
        status=event.status,
        version=env.aggregateversion,
        at=env.time,
    )


HANDLERS: dict[str, Handler] = {
    InstitutionRegistered.TYPE: on_institution_registered,
    InstitutionStatusChanged.TYPE: on_institution_status_changed,
}
