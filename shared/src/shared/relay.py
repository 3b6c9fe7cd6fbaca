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

# Batches sent but not yet acknowledged. One: if a batch fails, nothing after it was sent, so
# the retry cannot land behind a later event of the same aggregate (more in flight reordered
# events under broker errors in CI).
MAX_INFLIGHT_BATCHES = 1
# The stored context is W3C trace context: its propagator alone is cheaper than the global one.
_W3C = TraceContextTextMapPropagator()
tracer = trace.get_tracer("shared.relay")

# payload::text lets PostgreSQL render the JSON: no decode and re-encode in Python.
_CONTENT_TYPE_BYTES = CONTENT_TYPE.encode()
_CLAIM = """
SELECT seq, event_id::text AS event_id, topic, key, event_type, payload::text AS value,
       headers->>'traceparent' AS traceparent, headers->>'tracestate' AS tracestate
FROM outbox WHERE published_at IS NULL AND seq > $2 ORDER BY seq LIMIT $1
"""
_MARK = "UPDATE outbox SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])"
_FAILED = """
UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])
"""
_BACKLOG = """
SELECT count(*) AS n, extract(epoch FROM clock_timestamp() - min(created_at)) AS age
FROM outbox WHERE published_at IS NULL
"""
_CLEANUP = """
DELETE FROM outbox WHERE seq IN (
    SELECT seq FROM outbox
    WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - make_interval(secs => $1)
    LIMIT 5000)
"""


class Producer(Protocol):
    """What the relay needs of a Kafka producer (aiokafka's AIOKafkaProducer has it)."""

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


@dataclass(frozen=True)
class RelayConfig:
    """Where the relay reads and publishes, and how eagerly."""

    dsn: str
    schema: str
    bootstrap: str
    batch_size: int = 500
    poll_interval_s: float = 1.0
    retention_s: float = 3600.0
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
    found. A batch is marked published only after every send is acknowledged; a failed batch is
    sent again whole (consumers deduplicate by event id).
    """

    def __init__(
        self,
        config: RelayConfig,
        *,
        metrics: Metrics | None = None,
        producer_factory: Callable[[], Producer] | None = None,
    ) -> None:
        self.config = config
        self.metrics = metrics
        self._producer_factory: Callable[[], Producer] = producer_factory or (
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

    async def _loop(self, conn: asyncpg.Connection, producer: Producer, marker: _Marker) -> None:
        last_cleanup = 0.0
        while True:
            self._wake.clear()
            await self._drain(conn, producer, marker)
            if time.monotonic() - last_cleanup > 60:
                await conn.execute(_CLEANUP, self.config.retention_s)
                last_cleanup = time.monotonic()
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

    async def _drain(self, conn: asyncpg.Connection, producer: Producer, marker: _Marker) -> None:
        """Publish until no committed row is left, one unacknowledged batch at a time.

        While batches are unmarked the next claim starts after the newest seq sent; once all are
        marked the claim starts from the beginning again, so a row that committed late with a
        lower seq is picked up then. The marker marks batches in the order they were sent, on
        its own connection, while this loop goes on sending.
        """
        while True:
            rows = await conn.fetch(_CLAIM, self.config.batch_size, marker.after)
            if rows:
                futures = [await self._send(producer, row) for row in rows]
                marker.add([r["seq"] for r in rows], asyncio.gather(*futures))
            if not rows and not marker.pending:
                return
            if not rows or len(marker.pending) >= MAX_INFLIGHT_BATCHES:
                await marker.wait_progress()

    async def _send(self, producer: Producer, row: asyncpg.Record) -> Any:
        if not self.config.spans:
            return await self._send_plain(producer, row)
        stored = {"traceparent": row["traceparent"] or "", "tracestate": row["tracestate"] or ""}
        # A span that is never made current: cheaper than start_as_current_span on this hot path.
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
        headers = {
            "content-type": CONTENT_TYPE,
            "ce_type": row["event_type"],
            "ce_id": row["event_id"],
        }
        _W3C.inject(headers, context=trace.set_span_in_context(span))
        try:
            acked = await producer.send(
                self.config.topic_prefix + row["topic"],
                value=row["value"].encode(),
                key=row["key"].encode(),
                headers=encode_headers(headers),
            )
        except BaseException:
            span.end()
            raise
        # The span lasts until Kafka acknowledges the record (or refuses it).
        acked.add_done_callback(lambda done: _end_span(span, done))
        return acked

    async def _send_plain(self, producer: Producer, row: asyncpg.Record) -> Any:
        headers = [
            ("content-type", _CONTENT_TYPE_BYTES),
            ("ce_type", row["event_type"].encode()),
            ("ce_id", row["event_id"].encode()),
        ]
        if row["traceparent"]:
            headers.append(("traceparent", row["traceparent"].encode()))
            if row["tracestate"]:
                headers.append(("tracestate", row["tracestate"].encode()))
        return await producer.send(
            self.config.topic_prefix + row["topic"],
            value=row["value"].encode(),
            key=row["key"].encode(),
            headers=headers,
        )

    async def _observe_backlog(self, conn: asyncpg.Connection) -> None:
        if not self.metrics:
            return
        row = await conn.fetchrow(_BACKLOG)
        schema = self.config.schema
        self.metrics.outbox_backlog.labels(schema).set(row["n"] if row else 0)
        age = float(row["age"]) if row and row["age"] is not None else 0.0
        self.metrics.outbox_oldest_age.labels(schema).set(age)


def _end_span(span: Span, done: asyncio.Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        span.set_status(Status(StatusCode.ERROR, type(done.exception()).__name__))
    span.end()


class _Marker:
    """Marks acknowledged batches published, in send order, on a connection of its own."""

    def __init__(self, conn: asyncpg.Connection, relay: Relay) -> None:
        self.conn = conn
        self.relay = relay
        self.pending: deque[list[int]] = deque()
        self._queue: asyncio.Queue[tuple[list[int], asyncio.Future[Any]]] = asyncio.Queue()
        self._progress = asyncio.Event()

    @property
    def after(self) -> int:
        """The newest seq sent but not yet marked (0 when all are marked)."""
        return self.pending[-1][-1] if self.pending else 0

    def add(self, seqs: list[int], acks: asyncio.Future[Any]) -> None:
        """Hand over a sent batch; it is marked once every record is acknowledged."""
        self.pending.append(seqs)
        self._queue.put_nowait((seqs, acks))

    async def wait_progress(self) -> None:
        """Wait until another batch is marked (or a second passes)."""
        self._progress.clear()
        if self.pending:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._progress.wait()

    async def run(self) -> None:
        """Mark batches as their acknowledgements arrive; a failed batch ends the leadership."""
        while True:
            seqs, acks = await self._queue.get()
            try:
                await acks
            except Exception as exc:
                await self.conn.execute(_FAILED, seqs, repr(exc)[:500])
                raise
            await self.conn.execute(_MARK, seqs)
            self.pending.popleft()
            self.relay.published += len(seqs)
            if self.relay.metrics:
                self.relay.metrics.relay_published.labels(self.relay.config.schema).inc(len(seqs))
            self._progress.set()
