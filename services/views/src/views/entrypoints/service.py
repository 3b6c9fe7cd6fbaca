"""The views service as it runs: definition (routers, consumers, tasks) and the ASGI app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings
from views import bootstrap
from views.entrypoints import consumers
from views.entrypoints.http import dashboard, ops, reports, views


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """The service definition with its routers, live consumers and background tasks."""
    monitor = bootstrap.monitor(settings)
    return bootstrap.definition(
        settings,
        routers=[
            dashboard.router,
            reports.router,
            views.router,
            ops.router(monitor, ops.Rebuilds()),
        ],
        handlers=consumers.handlers(bootstrap.live_target(settings)),
        background=[ops.monitor_task(monitor)],
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The views service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
