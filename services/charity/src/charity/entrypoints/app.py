"""The composed charity service: bootstrap's definition plus the HTTP routers and consumers."""

from __future__ import annotations

from fastapi import FastAPI

from charity import bootstrap
from charity.entrypoints import consumers
from charity.entrypoints.http.routes import (
    allocations,
    beneficiaries,
    childcare,
    disbursements,
    funds,
    reconciliations,
)
from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

ROUTERS = (
    funds.router,
    beneficiaries.router,
    allocations.router,
    disbursements.router,
    reconciliations.router,
    childcare.router,
)


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the running charity service is made of."""
    return bootstrap.definition(settings, routers=ROUTERS, handlers=consumers.handlers(settings))


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The charity service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
