"""The composition root of the views service: settings → the pieces every entry point uses.

The import contract puts ``bootstrap`` below ``entrypoints``, so the HTTP routers and consumers
are handed in by ``views.entrypoints.service``, which is what ``__main__`` and tests start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import APIRouter

from shared.consumer import Handler
from shared.service import BackgroundTask, ServiceDefinition
from shared.settings import ServiceSettings
from views.adapters.live import LiveTarget
from views.adapters.status import Monitor

MIGRATIONS = Path(__file__).parent / "migrations"


def live_target(settings: ServiceSettings) -> LiveTarget:
    """Where the live consumer writes: the service schema, its group name, the topic prefix."""
    return LiveTarget(
        main_schema=settings.schema_name,
        consumer=settings.consumer_group,
        topic_prefix=settings.kafka_topic_prefix,
    )


def monitor(settings: ServiceSettings) -> Monitor:
    """The status monitor: checkpoints, end offsets, lag and the projection gauges."""
    return Monitor(
        main_schema=settings.schema_name,
        bootstrap=settings.kafka_bootstrap_servers,
        topic_prefix=settings.kafka_topic_prefix,
        group=settings.consumer_group,
        security=settings.kafka_security,
    )


def definition(
    settings: ServiceSettings,
    *,
    routers: Sequence[APIRouter] = (),
    handlers: Mapping[str, Handler] | None = None,
    background: Sequence[BackgroundTask] = (),
) -> ServiceDefinition:
    """What the views service is made of."""
    return ServiceDefinition(
        name=settings.service_name,
        title="益阳市民政局 跨部门视图与驾驶舱",
        description=(
            "Cross-department read models, the year-to-date report and the leadership dashboard."
        ),
        migrations_dir=MIGRATIONS,
        handlers=dict(handlers or {}),
        routers=list(routers),
        background=list(background),
    )
