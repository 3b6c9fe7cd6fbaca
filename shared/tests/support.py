"""Helpers for the shared library's tests: topics, consuming, events, schemas."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared import migrations
from shared.db import init_connection
from shared.events import CloudEvent, envelope_for
from shared.events.inspection import CampaignLaunched

T0 = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def campaign(i: int = 0, *, campaign_id: uuid.UUID | None = None) -> CampaignLaunched:
    """A valid, PII-free contract instance."""
    return CampaignLaunched(
        campaign_id=campaign_id or uuid.uuid4(),
        code=f"ZX-2024-{i:04d}",
        name="消防安全专项整治",
        kind="FIRE_HAZARD_REMOVAL",
        start_on=date(2024, 3, 1),
        lead_unit="市民政局",
    )


def envelope(event: CampaignLaunched, version: int = 1) -> CloudEvent:
    """The envelope the inspection service would write."""
    return envelope_for(event, source="inspection", version=version, time=T0)


async def create_topics(bootstrap: str, names: Sequence[str], partitions: int = 3) -> None:
    """Create topics (already existing ones are fine)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for name in names:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(name=name, num_partitions=partitions, replication_factor=1)]
                )
    finally:
        await admin.close()


async def consume(bootstrap: str, topic: str, *, count: int, timeout: float = 60.0) -> list[Any]:
    """Read ``count`` records from the beginning of a topic (fewer if the timeout passes)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[Any] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for recs in batch.values():
                    records.extend(recs)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return records


async def migrated_schema(admin_dsn: str, schema: str) -> None:
    """Apply the platform migrations (outbox, inbox, idempotency keys) to a schema."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await migrations.migrate(conn, schema, migrations.platform_migrations())
    finally:
        await conn.close()


async def pool_for(admin_dsn: str, schema: str) -> asyncpg.Pool:
    """A pool bound to a schema."""
    pool: asyncpg.Pool = await asyncpg.create_pool(
        admin_dsn,
        min_size=1,
        max_size=20,
        init=init_connection,
        server_settings={"search_path": schema},
    )
    return pool


def prefix() -> str:
    """A unique topic prefix: each test gets its own topics."""
    return f"t{uuid.uuid4().hex[:10]}."
