"""Run one service in-process with its own schema and topic prefix, and look at what it did."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from fastapi import FastAPI

from shared.clock import Clock
from shared.db import create_pool
from shared.events.envelope import CloudEvent
from shared.events.topics import all_topics
from shared.kafka import encode_headers
from shared.service import ServiceDefinition, create_app
from shared.settings import ServiceSettings

DEFAULT_TOKENS: dict[str, str] = {
    role: f"tok-{role}"
    for role in (
        "inspector",
        "inspector_2",
        "safety_lead",
        "main_leader",
        "institution_staff",
        "auditor",
        "admin",
        "caseworker",
        "volunteer_coordinator",
        "finance_officer",
        "approver",
        "approver_2",
        "approver_3",
        "finance_bureau",
        "notify_operator",
        "views_reader",
    )
}


@dataclass
class Harness:
    """A running service and the means to look at its database and topics."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: ServiceSettings
    pool: asyncpg.Pool
    bootstrap: str
    tokens: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TOKENS))
    _producer: AIOKafkaProducer | None = field(default=None, repr=False)

    @property
    def prefix(self) -> str:
        """The topic prefix of this run."""
        return self.settings.kafka_topic_prefix

    @property
    def schema(self) -> str:
        """The service's schema in this run."""
        return self.settings.schema_name

    def auth(self, role: str) -> dict[str, str]:
        """Headers carrying the bearer token of a role key (e.g. ``approver_2``)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    async def drained(self, timeout: float = 30.0) -> None:
        """Wait until the relay has published every committed outbox row."""
        await wait_until(
            lambda: self._count("SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL"),
            timeout=timeout,
        )

    async def _count(self, sql: str) -> bool:
        return bool(await self.pool.fetchval(sql))

    async def end_offsets(self, topics: Sequence[str]) -> dict[str, int]:
        """The sum of partition end offsets of each (unprefixed) topic."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap)
        await consumer.start()
        try:
            result: dict[str, int] = {}
            for topic in topics:
                name = self.prefix + topic
                parts = consumer.partitions_for_topic(name) or set()
                if not parts:
                    await consumer._client.force_metadata_update()
                    parts = consumer.partitions_for_topic(name) or set()
                tps = [TopicPartition(name, p) for p in parts]
                ends = await consumer.end_offsets(tps) if tps else {}
                result[topic] = sum(ends.values())
            return result
        finally:
            await consumer.stop()

    async def events(
        self, topic: str, *, subject: str | None = None, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Every CloudEvent on an (unprefixed) topic so far, optionally of one subject."""
        await self.drained()
        consumer = AIOKafkaConsumer(
            self.prefix + topic,
            bootstrap_servers=self.bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: list[dict[str, Any]] = []
        try:
            parts = consumer.assignment() or {
                TopicPartition(self.prefix + topic, p)
                for p in consumer.partitions_for_topic(self.prefix + topic) or ()
            }
            ends = await consumer.end_offsets(list(parts)) if parts else {}
            async with asyncio.timeout(timeout):
                while any([await _behind(consumer, tp, end) for tp, end in ends.items()]):
                    batch = await consumer.getmany(timeout_ms=200)
                    for records in batch.values():
                        found.extend(json.loads(r.value or b"null") for r in records)
        finally:
            await consumer.stop()
        if subject is not None:
            found = [e for e in found if e.get("subject") == subject]
        return found

    async def publish(self, envelope: CloudEvent, *, topic: str) -> None:
        """Put an event on an (unprefixed) topic, as its producing service's relay would."""
        if self._producer is None:
            self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap)
            await self._producer.start()
        await self._producer.send_and_wait(
            self.prefix + topic,
            value=envelope.to_json(),
            key=envelope.subject.encode(),
            headers=encode_headers(
                {
                    "content-type": "application/cloudevents+json",
                    "ce_type": envelope.type,
                    "ce_id": envelope.id,
                }
            ),
        )

    async def close(self) -> None:
        """Stop the producer :meth:`publish` made, if any."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None


async def _behind(consumer: AIOKafkaConsumer, tp: TopicPartition, end: int) -> bool:
    if end == 0:
        return False
    return bool(await consumer.position(tp) < end)


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], *, timeout: float = 30.0, every: float = 0.1
) -> None:
    """Poll an async predicate until it holds, or raise TimeoutError."""
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(every)


async def provision(bootstrap: str, prefix: str, partitions: int = 2) -> list[str]:
    """Create every platform topic under a prefix (existing ones are left alone)."""
    names = [prefix + spec.name for spec in all_topics()]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for name in names:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(name, num_partitions=partitions, replication_factor=1)]
                )
    finally:
        await admin.close()
    return names


async def unprovision(bootstrap: str, names: Sequence[str]) -> None:
    """Delete a run's topics: one broker serves a whole test session."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        with contextlib.suppress(Exception):
            await admin.delete_topics(list(names))
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def start_service(
    definition: Callable[[ServiceSettings], ServiceDefinition],
    settings_cls: type[ServiceSettings],
    *,
    pg_admin_dsn: str,
    kafka_bootstrap: str,
    clock: Clock | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """A running service with a fresh schema and topic prefix; stopped afterwards."""
    name = settings_cls.model_fields["service_name"].default
    run = uuid.uuid4().hex[:8]
    values: dict[str, Any] = {
        "database_url": pg_admin_dsn,
        "db_schema": f"{name}_{run}",
        "kafka_bootstrap_servers": kafka_bootstrap,
        "kafka_topic_prefix": f"t{run}.",
        "kafka_consumer_group": f"{name}-{run}",
        "auth_tokens_json": json.dumps(DEFAULT_TOKENS),
        "demo_mode": True,
        "relay_poll_interval_s": 0.2,
        "consumer_backoff_base_s": 0.05,
        "consumer_backoff_max_s": 0.5,
        "log_level": "WARNING",
    }
    values.update(overrides)
    settings = settings_cls(**values)
    topics = await provision(kafka_bootstrap, settings.kafka_topic_prefix)
    app = create_app(definition(settings), settings, clock=clock)
    try:
        async with _running(app, settings, pg_admin_dsn, kafka_bootstrap) as harness:
            yield harness
    finally:
        await unprovision(kafka_bootstrap, topics)


async def _until_ready(client: httpx.AsyncClient, timeout: float = 30.0) -> None:
    """Wait until ``/ready`` is 200: Kafka clients start after the lifespan returns.

    A service that never gets ready (a test of an outage, say) is handed over all the same.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while (await client.get("/ready")).status_code != 200:
                await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def _running(
    app: FastAPI, settings: ServiceSettings, pg_admin_dsn: str, kafka_bootstrap: str
) -> AsyncIterator[Harness]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        pool = await create_pool(pg_admin_dsn, schema=settings.schema_name, max_size=4)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
                await _until_ready(client)
                harness = Harness(app, client, settings, pool, kafka_bootstrap)
                try:
                    yield harness
                finally:
                    await harness.close()
        finally:
            await pool.close()
