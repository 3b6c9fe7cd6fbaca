"""The outbox relay: one leader per service publishes committed outbox rows to Kafka, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared import db
from shared.events.envelope import CONTENT_TYPE
from shared.kafka import encode_headers, make_producer
from shared.kafka_security import KafkaSecurity
from shared.metrics import Metrics
from shared.outbox import notify_channel

log = logging.getLogger(__name__)

# The stored context is W3C trace context: its propagator alone is cheaper than the global one.
_W3C = TraceContextTextMapPropagator()
tracer = trace.get_tracer("shared.relay")
# The producer's own default: records keep the partition a plain send() would have chosen.
_DEFAULT_PARTITIONER = DefaultPartitioner()

# payload::text is the JSON as the service wrote it (a json column): no decode and re-encode.
_CONTENT_TYPE_BYTES = CONTENT_TYPE.encode()
_CLAIM = """
SELECT seq, event_id::text AS event_id, topic, key, event_type, payload::text AS value,
       headers->>'traceparent' AS traceparent, headers->>'tracestate' AS tracestate
FROM outbox WHERE published_at IS NULL AND seq <> ALL($2::bigint[]) ORDER BY seq LIMIT $1
"""
# Acknowledged rows are deleted, not kept marked: Kafka holds the event from then on, and an
# UPDATE of published_at cost PostgreSQL a new row version and index entries per event (about
# half of the database's work per event in bench/relay.py).
_MARK = "DELETE FROM outbox WHERE seq = ANY($1::bigint[])"
_FAILED = """
UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])
"""
BACKLOG_EVERY_S = 1.0  # how often the backlog gauges are refreshed at most
_BACKLOG = """
SELECT count(*) AS n, extract(epoch FROM clock_timestamp() - min(created_at)) AS age
FROM outbox WHERE published_at IS NULL
"""


class RecordBatch(Protocol):
    """A batch of records for one partition (aiokafka's BatchBuilder)."""

    def append(self, *, timestamp: Any, key: Any, value: Any, headers: Any = ...) -> Any: ...

    def close(self) -> None: ...


class Producer(Protocol):
    """A Kafka producer that sends one record at a time (aiokafka's AIOKafkaProducer)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(
        self,
        topic: Any,
        value: Any = None,
        key: Any = None,
        partition: Any = None,
        timestamp_ms: Any = None,
        headers: Any = None,
    ) -> Any: ...


class BatchProducer(Protocol):
    """What the relay needs of a Kafka producer (aiokafka's AIOKafkaProducer has it)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def partitions_for(self, topic: str) -> Any: ...

    def create_batch(self) -> RecordBatch: ...

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Any: ...


@dataclass(frozen=True)
class RelayConfig:
    """Where the relay reads and publishes, and how eagerly."""

    dsn: str
    schema: str
    bootstrap: str
    batch_size: int = 500
    poll_interval_s: float = 1.0
    standby_interval_s: float = 2.0
    topic_prefix: str = ""
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    # A producer span per record, when spans are exported. Otherwise the record carries the
    # trace context stored with its row, so consumers still continue the command's trace, and
    # the relay saves the span's cost (a third of its time per record).
    spans: bool = True


class Relay:
    """Publishes outbox rows while holding the schema's relay advisory lock.

    Rows are selected by ``published_at IS NULL`` in ``seq`` order, never by a "seq greater than
    the last one seen" cursor: a transaction that took a lower seq but committed later is still
    found. A batch is deleted only after every record is acknowledged; a failed batch is sent
    again whole (consumers deduplicate by event id).
    """

    def __init__(
        self,
        config: RelayConfig,
        *,
        metrics: Metrics | None = None,
        producer_factory: Callable[[], BatchProducer] | None = None,
    ) -> None:
        self.config = config
        self.metrics = metrics
        self._backlog_seen_at = -BACKLOG_EVERY_S
        self._producer_factory: Callable[[], BatchProducer] = producer_factory or (
            lambda: make_producer(
                config.bootstrap, client_id=f"{config.schema}-relay", security=config.security
            )
        )
        self._wake = asyncio.Event()
        self.is_leader = False
        self.published = 0

    @property
    def lock_key(self) -> str:
        """The advisory-lock key: one relay leader per schema."""
        return f"relay:{self.config.schema}"

    async def run(self) -> None:
        """Lead when possible, stand by otherwise, and recover from any outage; until cancelled."""
        failures = 0
        while True:
            try:
                led = await self._attempt_leadership()
                failures = 0
                if not led:
                    await asyncio.sleep(self.config.standby_interval_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning(
                    "relay interrupted; retrying",
                    extra={"schema": self.config.schema, "error": repr(exc), "retry_in_s": delay},
                )
                await asyncio.sleep(delay)
            finally:
                self.is_leader = False
                if self.metrics:
                    self.metrics.relay_leader.labels(self.config.schema).set(0)

    async def _attempt_leadership(self) -> bool:
        conn = await db.connect(self.config.dsn, schema=self.config.schema)
        try:
            got = await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", self.lock_key)
            if not got:
                return False
            await self._lead(conn)
            return True
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(conn.close(timeout=2))

    async def _lead(self, conn: asyncpg.Connection) -> None:
        self.is_leader = True
        if self.metrics:
            self.metrics.relay_leader.labels(self.config.schema).set(1)
        log.info("relay leads", extra={"schema": self.config.schema})
        await conn.add_listener(notify_channel(self.config.schema), self._on_notify)
        producer = self._producer_factory()
        await producer.start()
        marker_conn = await db.connect(self.config.dsn, schema=self.config.schema)
        marker = _Marker(marker_conn, self)
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(marker.run())
                tasks.create_task(self._loop(conn, producer, marker))
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(producer.stop())
            with contextlib.suppress(Exception):
                await asyncio.shield(marker_conn.close(timeout=2))

    async def _loop(
        self, conn: asyncpg.Connection, producer: BatchProducer, marker: _Marker
    ) -> None:
        while True:
            self._wake.clear()
            await self._drain(conn, producer, marker)
            await self._observe_backlog(conn)
            # NOTIFY wakes us at once; the timeout is the fallback when a notification is lost.
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event is set, and the relay would then never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.poll_interval_s):
                    await self._wake.wait()
            if conn.is_closed():
                raise ConnectionError("relay lost its leadership connection")

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _drain(
        self, conn: asyncpg.Connection, producer: BatchProducer, marker: _Marker
    ) -> None:
        """Publish until no committed row is left, one unacknowledged batch at a time.

        Every claim starts from the lowest committed row, skipping only the rows already sent
        and not yet deleted: a row that committed late with a lower seq is picked up by the next
        claim, before any later event of its aggregate (which could only commit after it). The
        next batch is read while the current one is being acknowledged, and sent only once it
        is; the marker deletes acknowledged batches in order, on its own connection, while this
        loop goes on sending.
        """
        rows = await self._claim(conn, marker)
        while rows or marker.pending:
            if not rows:
                await marker.wait_progress()
                # The last claim saw every row committed before it; a row committed since has
                # rung the doorbell (NOTIFY on commit). No ring, nothing new: no query.
                if self._wake.is_set():
                    self._wake.clear()
                    rows = await self._claim(conn, marker)
                continue
            seqs = [r["seq"] for r in rows]
            acks = await self._send(producer, rows)
            marker.pending.append(seqs)
            rows = await self._claim(conn, marker)
            # One batch unacknowledged at a time: if it fails, nothing after it was sent, so the
            # retry cannot land behind a later event of the same aggregate (more in flight
            # reordered events under broker errors in CI).
            try:
                await acks
            except Exception as exc:
                await conn.execute(_FAILED, seqs, repr(exc)[:500])
                raise
            marker.mark(seqs)

    async def _claim(self, conn: asyncpg.Connection, marker: _Marker) -> list[asyncpg.Record]:
        return await conn.fetch(_CLAIM, self.config.batch_size, marker.sent)

    async def _send(
        self, producer: BatchProducer, rows: list[asyncpg.Record]
    ) -> asyncio.Future[Any]:
        """Send a batch of rows as one record batch per partition; the future of all their acks.

        Record batches, not a send per record: a record then costs an append, not a future and a
        partitioner call of its own (most of the relay's time). Records of one partition keep
        the rows' order, so an aggregate's events stay in order.
        """
        by_partition: dict[tuple[str, int], list[RecordBatch]] = {}
        spans: list[Span] = []
        partition_of = _Partitioner(producer)
        for row in rows:
            topic = self.config.topic_prefix + row["topic"]
            key = row["key"].encode()
            headers = self._headers(row, spans)
            batches = by_partition.setdefault((topic, await partition_of(topic, key)), [])
            _append(producer, batches, key, row["value"].encode(), headers)
        futures = []
        for (topic, partition), batches in by_partition.items():
            for batch in batches:
                # Complete: a closed batch goes out at once instead of lingering for more.
                batch.close()
                futures.append(await producer.send_batch(batch, topic, partition=partition))
        acks = asyncio.gather(*futures)
        if log.isEnabledFor(logging.DEBUG):
            # Types and counts only: payloads may not be logged (DECISIONS §9).
            log.debug(
                "relay sent a batch",
                extra={
                    "schema": self.config.schema,
                    "records": len(rows),
                    "event_types": sorted({row["event_type"] for row in rows}),
                },
            )
        for span in spans:
            # The span lasts until Kafka acknowledges the record (or refuses it).
            acks.add_done_callback(lambda done, span=span: _end_span(span, done))  # type: ignore[misc]
        return acks

    def _headers(self, row: asyncpg.Record, spans: list[Span]) -> list[tuple[str, bytes]]:
        """The record's headers, under a producer span of its own when spans are exported."""
        headers = [
            ("content-type", _CONTENT_TYPE_BYTES),
            ("ce_type", row["event_type"].encode()),
            ("ce_id", row["event_id"].encode()),
        ]
        if self.config.spans:
            stored = {
                "traceparent": row["traceparent"] or "",
                "tracestate": row["tracestate"] or "",
            }
            # A span that is never made current: cheaper than start_as_current_span here.
            span = tracer.start_span(
                f"{row['topic']} publish",
                context=_W3C.extract(stored) if row["traceparent"] else None,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": row["topic"],
                    "messaging.message.id": row["event_id"],
                    "cloudevents.event_type": row["event_type"],
                },
            )
            spans.append(span)
            carrier: dict[str, str] = {}
            _W3C.inject(carrier, context=trace.set_span_in_context(span))
            headers.extend(encode_headers(carrier))
        elif row["traceparent"]:
            headers.append(("traceparent", row["traceparent"].encode()))
            if row["tracestate"]:
                headers.append(("tracestate", row["tracestate"].encode()))
        return headers

    async def _observe_backlog(self, conn: asyncpg.Connection) -> None:
        # At most once a second: under a stream of commands the relay wakes hundreds of times
        # a second, and a gauge scraped every few seconds needs no query per wake.
        now = time.monotonic()
        if not self.metrics or now - self._backlog_seen_at < BACKLOG_EVERY_S:
            return
        self._backlog_seen_at = now
        row = await conn.fetchrow(_BACKLOG)
        schema = self.config.schema
        self.metrics.outbox_backlog.labels(schema).set(row["n"] if row else 0)
        age = float(row["age"]) if row and row["age"] is not None else 0.0
        self.metrics.outbox_oldest_age.labels(schema).set(age)


def _append(
    producer: BatchProducer, batches: list[RecordBatch], key: bytes, value: bytes, headers: Any
) -> None:
    """Append a record to the partition's last batch, or to a new one when that is full."""
    if batches and batches[-1].append(timestamp=None, key=key, value=value, headers=headers):
        return
    batches.append(producer.create_batch())
    # An empty batch takes any record; one too large for the broker fails at its acknowledgement.
    batches[-1].append(timestamp=None, key=key, value=value, headers=headers)


class _Partitioner:
    """The partition of a key, as the producer's default partitioner picks it (Java's murmur2).

    Keys repeat within a batch (an aggregate's events), so each is hashed once per batch.
    """

    def __init__(self, producer: BatchProducer) -> None:
        self._producer = producer
        self._partitions: dict[str, list[int]] = {}
        self._chosen: dict[tuple[str, bytes], int] = {}

    async def __call__(self, topic: str, key: bytes) -> int:
        chosen = self._chosen.get((topic, key))
        if chosen is None:
            partitions = self._partitions.get(topic)
            if partitions is None:
                partitions = sorted(await self._producer.partitions_for(topic))
                self._partitions[topic] = partitions
            chosen = _DEFAULT_PARTITIONER(key, partitions, partitions)
            self._chosen[(topic, key)] = chosen
        return chosen


def _end_span(span: Span, done: asyncio.Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        span.set_status(Status(StatusCode.ERROR, type(done.exception()).__name__))
    span.end()


class _Marker:
    """Deletes acknowledged batches from the outbox, in send order, on a connection of its own."""

    def __init__(self, conn: asyncpg.Connection, relay: Relay) -> None:
        self.conn = conn
        self.relay = relay
        # Batches sent and not yet marked, oldest first; the drain loop appends as it sends.
        self.pending: deque[list[int]] = deque()
        self._queue: asyncio.Queue[list[int]] = asyncio.Queue()
        self._progress = asyncio.Event()

    @property
    def sent(self) -> list[int]:
        """The seqs sent and not yet deleted, which the next claim skips."""
        return [seq for seqs in self.pending for seq in seqs]

    def mark(self, seqs: list[int]) -> None:
        """Hand over an acknowledged batch, to be marked published."""
        self._queue.put_nowait(seqs)

    async def wait_progress(self) -> None:
        """Wait until another batch is marked (or a second passes)."""
        self._progress.clear()
        if self.pending:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._progress.wait()

    async def run(self) -> None:
        """Mark batches in the order they were acknowledged."""
        while True:
            seqs = await self._queue.get()
            await self.conn.execute(_MARK, seqs)
            self.pending.popleft()
            self.relay.published += len(seqs)
            if self.relay.metrics:
                self.relay.metrics.relay_published.labels(self.relay.config.schema).inc(len(seqs))
            self._progress.set()
