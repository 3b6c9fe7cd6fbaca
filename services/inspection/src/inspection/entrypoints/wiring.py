"""Everything the composition root registers: routers, consumers, background tasks."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter

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
from shared.service import Runtime

ROUTERS: list[APIRouter] = [
    campaigns.router,
    leaders.router,
    inspections.router,
    hazards.router,
    activities.router,
    notices.router,
    fieldwork.router,
    admin.router,
]

__all__ = ["HANDLERS", "ROUTERS", "background"]


def background(settings: Settings) -> list[Callable[[Runtime], Coroutine[Any, Any, None]]]:
    """The daily sweeper, unless disabled (tests drive sweeps through the admin route)."""
    return [daily_sweeper(settings)] if settings.sweeper_enabled else []
