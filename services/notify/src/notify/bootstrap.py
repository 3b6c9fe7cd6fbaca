"""The wiring of the notify service: settings → policy, adapters and the service definition.

The entrypoints compose the full definition from these parts and their routers, consumers and
workers (``notify.entrypoints.app``): the layers contract lets entrypoints depend on bootstrap,
not the other way round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from fastapi import APIRouter

from notify.adapters.channels import build_adapters
from notify.adapters.contacts import Contacts
from notify.adapters.delivery import Dispatcher
from notify.adapters.doorbell import Doorbell, dispatch_channel
from notify.adapters.escalation import Escalator
from notify.adapters.metrics import NotifyMetrics
from notify.adapters.notifications import Store
from notify.adapters.vault import Vault
from notify.config import Settings
from notify.domain.model import Priority
from notify.domain.policy import QuietHours
from notify.service_layer.creating import Policy
from shared import db
from shared.clock import Clock
from shared.consumer import Handler
from shared.events import notify as notify_events
from shared.service import BackgroundTask, PendingWork, ServiceDefinition
from shared.settings import ServiceSettings

if TYPE_CHECKING:
    from shared.service import Runtime

MIGRATIONS = Path(__file__).parent / "migrations"
TITLE = "益阳市民政局 通知服务"
DESCRIPTION = (
    "Turns domain events into notifications (SMS, e-mail, chat robots) with delivery tracking, "
    "acknowledgement and escalation."
)


@dataclass
class Bound:
    """The running service's runtime, known once the background task starts."""

    runtime: Runtime | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def pool(self) -> asyncpg.Pool:
        """The runtime's pool."""
        if self.runtime is None:
            raise RuntimeError("notify is not running yet")
        return self.runtime.pool

    def clock(self) -> Clock:
        """The runtime's clock."""
        if self.runtime is None:
            raise RuntimeError("notify is not running yet")
        return self.runtime.clock


def settings_of(settings: ServiceSettings) -> Settings:
    """Notify's own settings (a plain ServiceSettings is completed with notify's defaults)."""
    return settings if isinstance(settings, Settings) else Settings(**settings.model_dump())


def policy_of(settings: Settings) -> Policy:
    """The delivery policy the settings describe."""
    deferred = frozenset(
        Priority(p.strip()) for p in settings.quiet_deferred_priorities.split(",") if p.strip()
    )
    return Policy(
        quiet=QuietHours(settings.quiet_hours_start, settings.quiet_hours_end, deferred),
        deadline_min={str(p): settings.deadline_minutes(str(p)) for p in Priority},
        ack_sla_min={str(p): settings.ack_sla_minutes(str(p)) for p in Priority},
        backoff_s=tuple(settings.backoff_schedule),
        sms_sign=settings.sms_sign,
        sms_max_segments=settings.sms_max_segments,
        daily_cap=settings.daily_cap,
        rate_per_min={c: settings.rate_per_min(c) for c in ("email", "sms", "robot")},
    )


@dataclass(frozen=True)
class Components:
    """The adapters and policy one notify process runs with."""

    settings: Settings
    bound: Bound
    policy: Policy
    metrics: NotifyMetrics
    store: Store
    contacts: Contacts
    escalator: Escalator
    dispatcher: Dispatcher
    doorbell: Doorbell
    # Opens the connection the doorbell LISTENs on (called by the workers once they run).
    listen: Callable[[], Awaitable[asyncpg.Connection]]


def components(settings: ServiceSettings) -> Components:
    """Build the adapters from the settings (nothing connects yet)."""
    config = settings_of(settings)
    bound = Bound()
    policy = policy_of(config)
    metrics = NotifyMetrics()
    doorbell = Doorbell(dispatch_channel(config.schema_name))
    store = Store(schema=config.schema_name, metrics=metrics, doorbell=doorbell)
    vault_key = config.vault_key.get_secret_value() if config.vault_key else None
    contacts = Contacts(Vault.from_setting(vault_key))
    dispatcher = Dispatcher(
        pool=bound.pool,
        store=store,
        contacts=contacts,
        adapters=build_adapters(config),
        policy=policy,
        batch=config.dispatch_batch,
    )
    return Components(
        settings=config,
        bound=bound,
        policy=policy,
        metrics=metrics,
        store=store,
        contacts=contacts,
        escalator=Escalator(pool=bound.pool, store=store, policy=policy),
        dispatcher=dispatcher,
        doorbell=doorbell,
        listen=lambda: db.connect(
            config.database_url.get_secret_value(), schema=config.schema_name
        ),
    )


def service_definition(
    settings: ServiceSettings,
    *,
    routers: Sequence[APIRouter],
    handlers: Mapping[str, Handler],
    background: Sequence[BackgroundTask],
    pending: PendingWork | None = None,
) -> ServiceDefinition:
    """The notify service made of the given routers, event handlers and background tasks."""
    return ServiceDefinition(
        name=settings.service_name,
        title=TITLE,
        description=DESCRIPTION,
        migrations_dir=MIGRATIONS,
        publishes=list(notify_events.EVENTS),
        handlers=dict(handlers),
        routers=list(routers),
        background=list(background),
        pending=pending,
    )
