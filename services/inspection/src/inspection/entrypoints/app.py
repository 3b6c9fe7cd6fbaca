"""The composition of the inspection service: wiring + routers + consumers + sweeper → the app.

The layers contract lets entrypoints depend on ``bootstrap`` (the wiring), not the other way
round, so the service definition is assembled here; ``__main__`` and the tests start it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from inspection.bootstrap import settings_of
from inspection.config import Settings
from inspection.entrypoints.consumers import HANDLERS
from inspection.entrypoints.http.routes import (
    activities,
    admin,
    campaigns,
    fieldwork,
    hazards,
    inspections,
    leaders,
    notices,
)
from inspection.entrypoints.scheduler import daily_sweeper
from shared.clock import Clock
from shared.events import inspection as contracts
from shared.service import Runtime, ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent.parent / "migrations"
ROUTERS = [
    campaigns.router,
    leaders.router,
    inspections.router,
    hazards.router,
    activities.router,
    notices.router,
    fieldwork.router,
    admin.router,
]


def background(settings: Settings) -> list[Callable[[Runtime], Coroutine[Any, Any, None]]]:
    """The daily sweeper, unless disabled (tests drive sweeps through the admin route)."""
    return [daily_sweeper(settings)] if settings.sweeper_enabled else []


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the inspection service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 安全检查与隐患整改服务",
        description=(
            "专项行动、安全生产工作领导小组与领导带班检查、安全检查、隐患排查整改（五定）、"
            "应急演练、安全宣讲、安全生产专题会议、工作提示、调研与群众身边实际问题。"
            "Safety campaigns, leaders' inspection cadence, inspections, hazards and their "
            "rectification, drills, talks, meetings, work notices, surveys and citizens' problems."
        ),
        migrations_dir=MIGRATIONS,
        publishes=contracts.EVENTS,
        handlers=HANDLERS,
        routers=ROUTERS,
        background=background(settings_of(settings)),
        # Only transaction-scoped locks on pooled connections: no session reset on release.
        pool_session_reset=False,
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The inspection service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
