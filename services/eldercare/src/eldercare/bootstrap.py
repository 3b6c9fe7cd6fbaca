"""The composition root of the eldercare service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the eldercare service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 智慧养老服务",
        description=(
            "Institutions, elders (with a personal-data vault), home age-friendly "
            "modifications, meal points, yellow wristbands and missing-person "
            "cases, the 银龄 volunteer corps."
        ),
        migrations_dir=MIGRATIONS,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The eldercare service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
