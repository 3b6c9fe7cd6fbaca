"""The wiring of the charity service: what it is, publishes and migrates.

The entrypoints compose the full service definition from this and their routers and consumers
(``charity.entrypoints.app``): the layers contract lets entrypoints depend on bootstrap, not the
other way round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import APIRouter

from shared.consumer import Handler
from shared.events import charity as charity_events
from shared.service import ServiceDefinition
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "益阳市民政局 慈善与福彩公益金服务"
DESCRIPTION = (
    "Funds and their double-entry ledger, donations, projects, beneficiaries with a personal-data "
    "vault, staged four-eyes allocations, disbursements, reconciliation and child-care sessions."
)


def definition(
    settings: ServiceSettings,
    *,
    routers: Sequence[APIRouter] = (),
    handlers: Mapping[str, Handler] | None = None,
) -> ServiceDefinition:
    """The charity service made of the given routers and event handlers."""
    return ServiceDefinition(
        name=settings.service_name,
        title=TITLE,
        description=DESCRIPTION,
        migrations_dir=MIGRATIONS,
        publishes=charity_events.EVENTS,
        handlers=dict(handlers or {}),
        routers=list(routers),
        # Only transaction-scoped locks on pooled connections: no session reset on release.
        pool_session_reset=False,
    )
