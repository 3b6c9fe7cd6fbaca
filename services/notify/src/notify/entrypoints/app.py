"""The composed notify service: routers, consumers and workers on top of the bootstrap wiring."""

from __future__ import annotations

from fastapi import FastAPI

from notify.adapters.pending import pending_sends
from notify.bootstrap import components, service_definition
from notify.entrypoints.consumers import Consumers
from notify.entrypoints.http.notifications import (
    admin_router,
    notifications_router,
    receipts_router,
)
from notify.entrypoints.http.routes import Parts, contacts_router, templates_router
from notify.entrypoints.workers import Workers
from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the notify service is made of."""
    c = components(settings)
    config = c.settings
    workers = Workers(
        bound=c.bound,
        store=c.store,
        dispatcher=c.dispatcher,
        escalator=c.escalator,
        metrics=c.metrics,
        doorbell=c.doorbell,
        listen=c.listen,
        stuck_after_s=config.stuck_after_s,
        retention_days=config.retention_days,
        dispatch_interval_s=config.dispatch_interval_s,
        sweep_interval_s=config.sweep_interval_s,
        enabled=config.workers_enabled,
        escalation_enabled=config.escalation_enabled,
    )
    consumers = Consumers(
        store=c.store,
        escalator=c.escalator,
        policy=c.policy,
        clock=c.bound.clock,
        duty_officer=config.eldercare_duty_officer,
        charity_officer=config.charity_officer,
    )
    parts = Parts(store=c.store, contacts=c.contacts, escalator=c.escalator, policy=c.policy)
    return service_definition(
        config,
        routers=[
            contacts_router(parts),
            notifications_router(parts),
            receipts_router(parts),
            templates_router(parts),
            admin_router(workers.sweeps, demo_mode=config.demo_mode),
        ],
        handlers=consumers.handlers(),
        background=[workers.run],
        pending=pending_sends,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The notify service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
