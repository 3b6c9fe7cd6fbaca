"""The composition root of the charity service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.clock import Clock
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the charity service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 慈善与福彩公益金服务",
        description=(
            "Funds, donations, projects, beneficiaries, staged allocations, "
            "disbursements, reconciliation and child-care sessions."
        ),
        migrations_dir=MIGRATIONS,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The charity service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
