"""The composition root of the inspection service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the inspection service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 安全检查与隐患整改服务",
        description=(
            "Safety campaigns, leaders' inspection cadence, inspections, hazards "
            "and their rectification, drills, talks, work notices, surveys and "
            "citizens' problems."
        ),
        migrations_dir=MIGRATIONS,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The inspection service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
