"""The wiring of the inspection service: settings → rule policy and command context.

The entrypoints compose the service definition from this wiring and their routers, consumers
and sweeper (``inspection.entrypoints.app``); the layers contract lets entrypoints depend on
bootstrap, not the other way round.
"""

from __future__ import annotations

from datetime import timedelta

from inspection.config import Settings
from inspection.domain.policy import Policy
from inspection.service_layer.ports import Context
from shared.http.auth import Principal
from shared.service import Runtime
from shared.settings import ServiceSettings


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
