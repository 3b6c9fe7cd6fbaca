"""The composition root of the inspection service: the only place that wires things."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from inspection.config import Settings
from inspection.domain.policy import Policy
from inspection.service_layer.ports import Context
from shared.clock import Clock
from shared.events import inspection as contracts
from shared.http.auth import Principal
from shared.service import Runtime, ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"
# The entrypoints are imported by name: the layer contract puts them above this module,
# yet the ServiceDefinition must list their routers, consumers and background tasks.
ENTRYPOINTS = "inspection.entrypoints.wiring"


def settings_of(settings: ServiceSettings) -> Settings:
    """The service's own settings (defaults when given the platform's base settings)."""
    if isinstance(settings, Settings):
        return settings
    return Settings.model_validate(settings.model_dump())


def policy(settings: ServiceSettings) -> Policy:
    """The rule parameters from the settings."""
    s = settings_of(settings)
    return Policy(
        general_window_days=s.hazard_general_window_days,
        major_window_days=s.hazard_major_window_days,
        reminder_days=s.hazard_reminder_days,
        escalation_days=s.hazard_escalation_days,
        report_grace=timedelta(hours=s.hazard_report_grace_hours),
    )


def context(runtime: Runtime, who: Principal | None) -> Context:
    """The context of one command: the service clock's now, the caller, the policy."""
    return Context(
        now=runtime.clock.now(),
        actor=who.person_id if who else None,
        role=who.role if who else None,
        policy=policy(runtime.settings),
    )


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the inspection service is made of."""
    wiring = importlib.import_module(ENTRYPOINTS)
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 安全检查与隐患整改服务",
        description=(
            "Safety campaigns, leaders' inspection cadence, inspections, hazards "
            "and their rectification, drills, talks, work notices, surveys and "
            "citizens' problems."
        ),
        migrations_dir=MIGRATIONS,
        publishes=contracts.EVENTS,
        handlers=wiring.HANDLERS,
        routers=wiring.ROUTERS,
        background=wiring.background(settings_of(settings)),
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The inspection service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
