"""The composition root of the notify service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the notify service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 通知服务",
        description=(
            "Turns domain events into notifications (SMS, e-mail, chat robots) with "
            "delivery tracking and escalation."
        ),
        migrations_dir=MIGRATIONS,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The notify service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
