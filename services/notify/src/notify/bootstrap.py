"""The composition root of the notify service: the only place that wires things."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from notify.adapters.channels import build_adapters
from notify.adapters.contacts import Contacts
from notify.adapters.delivery import Dispatcher
from notify.adapters.escalation import Escalator
from notify.adapters.metrics import NotifyMetrics
from notify.adapters.notifications import Store
from notify.adapters.vault import Vault
from notify.config import Settings
from notify.domain.model import Priority
from notify.domain.policy import QuietHours
from notify.entrypoints.consumers import Consumers
from notify.entrypoints.http.notifications import (
    admin_router,
    notifications_router,
    receipts_router,
)
from notify.entrypoints.http.routes import Parts, contacts_router, templates_router
from notify.entrypoints.workers import Bound, Workers
from notify.service_layer.creating import Policy
from shared.clock import Clock
from shared.events import notify as notify_events
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


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


def definition(settings: ServiceSettings) -> ServiceDefinition:
    """What the notify service is made of."""
    config = settings if isinstance(settings, Settings) else Settings(**settings.model_dump())
    bound = Bound()
    policy = policy_of(config)
    metrics = NotifyMetrics()
    store = Store(schema=config.schema_name, metrics=metrics)
    vault_key = config.vault_key.get_secret_value() if config.vault_key else None
    contacts = Contacts(Vault.from_setting(vault_key))
    escalator = Escalator(pool=bound.pool, store=store, policy=policy)
    dispatcher = Dispatcher(
        pool=bound.pool,
        store=store,
        contacts=contacts,
        adapters=build_adapters(config),
        policy=policy,
        batch=config.dispatch_batch,
    )
    workers = Workers(
        bound=bound,
        store=store,
        dispatcher=dispatcher,
        escalator=escalator,
        metrics=metrics,
        stuck_after_s=config.stuck_after_s,
        retention_days=config.retention_days,
        dispatch_interval_s=config.dispatch_interval_s,
        sweep_interval_s=config.sweep_interval_s,
        enabled=config.workers_enabled,
    )
    consumers = Consumers(
        store=store,
        escalator=escalator,
        policy=policy,
        clock=bound.clock,
        duty_officer=config.eldercare_duty_officer,
        charity_officer=config.charity_officer,
    )
    parts = Parts(store=store, contacts=contacts, escalator=escalator, policy=policy)
    return ServiceDefinition(
        name=config.service_name,
        title="益阳市民政局 通知服务",
        description=(
            "Turns domain events into notifications (SMS, e-mail, chat robots) with "
            "delivery tracking, acknowledgement and escalation."
        ),
        migrations_dir=MIGRATIONS,
        publishes=list(notify_events.EVENTS),
        handlers=consumers.handlers(),
        routers=[
            contacts_router(parts),
            notifications_router(parts),
            receipts_router(parts),
            templates_router(parts),
            admin_router(workers.sweeps, demo_mode=config.demo_mode),
        ],
        background=[workers.run],
    )


def app(settings: ServiceSettings, *, clock: Clock | None = None) -> FastAPI:
    """The notify service's ASGI app."""
    return create_app(definition(settings), settings, clock=clock)
