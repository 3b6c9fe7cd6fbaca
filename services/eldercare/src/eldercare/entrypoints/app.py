"""The composition of the eldercare service: wiring + routers + events → the service's app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from eldercare.bootstrap import Wiring, wire
from eldercare.entrypoints.http import (
    admin,
    elders,
    home_modifications,
    institutions,
    meals,
    volunteers,
    wristbands,
)
from shared.clock import Clock
from shared.events import eldercare as contracts
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent.parent / "migrations"


@dataclass(frozen=True)
class EldercareDefinition(ServiceDefinition):
    """The service definition, carrying the wiring its routes use."""

    wiring: Wiring | None = field(default=None, kw_only=True)


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the eldercare service is made of."""
    return EldercareDefinition(
        name=settings.service_name,
        title="益阳市民政局 智慧养老服务 (eldercare)",
        description=(
            "机构、老人档案（个人信息保险库）、居家适老化改造、助餐点与助餐、黄手环与走失、"
            "银龄行动志愿服务总队。Institutions, elders (with a personal-data vault), home "
            "age-friendly modifications, meal points and meals, yellow wristbands and "
            "missing-person cases, the 银龄行动 volunteer corps."
        ),
        migrations_dir=MIGRATIONS,
        publishes=contracts.EVENTS,
        routers=[
            institutions.router,
            elders.router,
            home_modifications.router,
            meals.router,
            wristbands.router,
            volunteers.router,
            admin.router,
        ],
        wiring=wire(settings),
        # Only transaction-scoped locks on pooled connections: no session reset on release.
        pool_session_reset=False,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The eldercare service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
