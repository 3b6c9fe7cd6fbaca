"""The composition root of the views service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the views service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 跨部门视图与驾驶舱",
        description=(
            "Cross-department read models, the year-to-date report and the leadership dashboard."
        ),
        migrations_dir=MIGRATIONS,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The views service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
