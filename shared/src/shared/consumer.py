"""Idempotent consumers on faststream: inbox claim with the effect, bounded retries, DLQ."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
from aiokafka import ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from shared import db
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent, EnvelopeError, decode
from shared.events.registry import REGISTRY, Registry
from shared.events.topics import dlq_topic
from shared.kafka import decode_headers, encode_headers
from shared.metrics import Metrics
from shared.offsets import OffsetCommitter
from shared.relay import Producer

log = logging.getLogger(__name__)
tracer = trace.get_tracer("shared.consumer")

Handler = Callable[[Any, IntegrationEvent, CloudEvent], Awaitable[None]]
Outcome = Literal["applied", "duplicate", "skipped", "dead_lettered"]

_CLAIM = """
INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
"""
# The record whose handler is running: handlers that keep their own position read it here.
_RECORD: ContextVar[ConsumerRecord[Any, Any] | None] = ContextVar("consumed_record", default=None)
# Set by the parser when a header was not UTF-8: the message is dead-lettered with that reason.
_BAD_HEADERS = "x-undecodable-headers"


def current_position() -> tuple[str, int, int] | None:
    """The topic (as named on the cluster), partition and offset of the record being handled."""
    record = _RECORD.get()
    return None if record is None else (record.topic, record.partition, record.offset)


class PermanentError(Exception):
    """A handler failure that no retry can fix: dead-letter at once."""


@dataclass(frozen=True)
class ConsumerConfig:
    """A consumer's name (= group id), topics, and retry policy."""

    name: str
    topics: Sequence[str]
    max_attempts: int = 5
    backoff_base_s: float = 0.2
    backoff_max_s: float = 5.0
    topic_prefix: str = ""

    @property
    def dlq(self) -> str:
        """The consumer's dead-letter topic."""
        return self.topic_prefix + dlq_topic(self.name)

    @property
    def kafka_topics(self) -> list[str]:
        """The topics as named on the cluster."""
        return [self.topic_prefix + t for t in self.topics]

    def backoff(self, attempt: int) -> float:
        """Exponential backoff before attempt ``attempt + 1``, capped."""
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1)))


class ConsumerRunner:
    """Applies each event once: the inbox row and the effect commit together, then the offset.

    Offsets of processed records are committed in the background (``shared.offsets``): when
    the stream pauses, and at least every half second under a steady one.
    """

    def __init__(  # noqa: PLR0913 - the runner's collaborators, all keyword-only
        self,
        config: ConsumerConfig,
        *,
        pool: Callable[[], asyncpg.Pool],
        handlers: Mapping[str, Handler],
        dlq_producer: Callable[[], Producer],
        metrics: Metrics | None = None,
        registry: Registry = REGISTRY,
        after_effect: Callable[[ConsumerRecord[Any, Any]], Awaitable[None]] | None = None,
    ) -> None:
        self.config = config
        self._pool = pool
        self.handlers = dict(handlers)
        self._dlq_producer = dlq_producer
        self.metrics = metrics
        self.registry = registry
        # Test seam: runs after the effect committed and before the offset is committed.
        self._after_effect = after_effect
        self.offsets = OffsetCommitter()

    def subscribe(self, broker: KafkaBroker) -> None:
        """Register the subscriber: its group commits only after :meth:`process` returns."""
        subscriber = broker.subscriber(
            *self.config.kafka_topics,
            group_id=self.config.name,
            # Offsets are committed by the runner's OffsetCommitter, never one request a record.
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            parser=_tolerant_parser,
            decoder=_raw_body,
            title=f"{self.config.name} consumer",
            description=f"Applies events idempotently; failures go to {self.config.dlq}.",
        )

        @subscriber
        async def consume(message: KafkaMessage) -> None:
            """Hand the raw Kafka record to the runner; its offset is committed once done."""
            record: ConsumerRecord[Any, Any] = message.raw_message  # type: ignore[assignment]
            try:
                await self.process(record)
            except BaseException:
                # Not done: rewind the partition to this record (as NACK_ON_ERROR would).
                with contextlib.suppress(Exception):
                    await message.nack()
                raise
            self.offsets.processed(message.consumer, record.topic, record.partition, record.offset)
            self._observe_lag(message.consumer, record)

    async def close(self) -> None:
        """Commit the offsets of the records processed so far (before the broker stops)."""
        await self.offsets.close()

    async def process(self, record: ConsumerRecord[Any, Any]) -> Outcome:
        """Decode, apply once, retry, or dead-letter one record; returns what happened."""
        headers = decode_headers(record.headers)
        parent = propagate.extract(headers)
        with tracer.start_as_current_span(
            f"{record.topic} process",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.config.name,
                "messaging.kafka.offset": record.offset,
            },
        ):
            outcome = await self._process(record, headers)
        self._count(record.topic, outcome)
        return outcome

    async def _process(self, record: ConsumerRecord[Any, Any], headers: dict[str, str]) -> Outcome:
        if _BAD_HEADERS in headers:
            reason = f"headers not UTF-8: {headers[_BAD_HEADERS]}"
            return await self._dead_letter(record, EnvelopeError(reason), attempts=1)
        try:
            envelope = decode(record.value)
        except EnvelopeError as exc:
            return await self._dead_letter(record, exc, attempts=1)
        handler = self.handlers.get(envelope.type)
        if handler is None:
            log.debug("event type not handled", extra={"event_type": envelope.type})
            return "skipped"
        try:
            event = self.registry.parse(envelope)
        except EnvelopeError as exc:
            return await self._dead_letter(record, exc, attempts=1)
        if event is None:
            return "skipped"
        return await self._apply_with_retries(record, envelope, event, handler)

    async def _apply_with_retries(
        self,
        record: ConsumerRecord[Any, Any],
        envelope: CloudEvent,
        event: IntegrationEvent,
        handler: Handler,
    ) -> Outcome:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._apply(record, envelope, event, handler)
            except asyncio.CancelledError:
                raise
            except PermanentError as exc:
                return await self._dead_letter(record, exc, attempts=attempt)
            except Exception as exc:
                if db.is_unavailable(exc):
                    # The database being down is no fault of the message: wait, never dead-letter.
                    log.warning("database unavailable; will retry", extra={"error": repr(exc)})
                    await asyncio.sleep(self.config.backoff_max_s)
                    attempt -= 1
                    continue
                if attempt >= self.config.max_attempts:
                    return await self._dead_letter(record, exc, attempts=attempt)
                if self.metrics:
                    self.metrics.consumer_retries.labels(self.config.name, record.topic).inc()
                await asyncio.sleep(self.config.backoff(attempt))

    async def _apply(
        self,
        record: ConsumerRecord[Any, Any],
        envelope: CloudEvent,
        event: IntegrationEvent,
        handler: Handler,
    ) -> Outcome:
        async with self._pool().acquire() as conn, conn.transaction():
            claimed = await conn.fetchval(
                _CLAIM,
                self.config.name,
                envelope.id,
                envelope.type,
                record.topic,
                record.partition,
                record.offset,
            )
            if not claimed:
                return "duplicate"
            running = _RECORD.set(record)
            try:
                await handler(conn, event, envelope)
            finally:
                _RECORD.reset(running)
        if self._after_effect is not None:
            await self._after_effect(record)
        return "applied"

    async def _dead_letter(
        self, record: ConsumerRecord[Any, Any], exc: BaseException, *, attempts: int
    ) -> Outcome:
        reason = str(exc)[:2000]
        headers = {k: v for k, v in decode_headers(record.headers).items() if k != _BAD_HEADERS}
        headers.update(
            {
                "dlq-consumer": self.config.name,
                "dlq-error-class": type(exc).__name__,
                "dlq-error": reason,
                "dlq-attempts": str(attempts),
                "dlq-original-topic": record.topic,
                "dlq-original-partition": str(record.partition),
                "dlq-original-offset": str(record.offset),
            }
        )
        producer = self._dlq_producer()
        future = await producer.send(
            self.config.dlq,
            value=record.value if record.value is not None else b"",
            key=record.key if isinstance(record.key, bytes) else b"",
            headers=encode_headers(headers),
        )
        await future
        log.warning(
            "message dead-lettered",
            extra={
                "consumer": self.config.name,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "error_class": type(exc).__name__,
                "attempts": attempts,
            },
        )
        if self.metrics:
            self.metrics.consumer_dlq.labels(self.config.name, record.topic).inc()
        return "dead_lettered"

    def _count(self, topic: str, outcome: Outcome) -> None:
        if self.metrics:
            self.metrics.consumed.labels(self.config.name, topic, outcome).inc()

    def _observe_lag(self, consumer: object, record: ConsumerRecord[Any, Any]) -> None:
        highwater = getattr(consumer, "highwater", None)
        if self.metrics is None or highwater is None:
            return
        end = highwater(TopicPartition(record.topic, record.partition))
        if end is not None:
            lag = max(0, end - record.offset - 1)
            self.metrics.consumer_lag.labels(
                self.config.name, record.topic, str(record.partition)
            ).set(lag)


async def _tolerant_parser(
    record: ConsumerRecord[Any, Any], original: Callable[[Any], Awaitable[Any]]
) -> Any:
    """Faststream's parser decodes headers strictly; repair them and flag the message instead."""
    bad = []
    clean: list[tuple[str, bytes]] = []
    for key, value in record.headers or ():
        try:
            value.decode("utf-8")
            clean.append((key, value))
        except UnicodeDecodeError:
            bad.append(key)
            clean.append((key, value.decode("utf-8", "replace").encode()))
    if bad:
        clean.append((_BAD_HEADERS, ",".join(bad).encode("utf-8", "replace")))
        record = dataclasses.replace(record, headers=tuple(clean))
    return await original(record)


async def _raw_body(message: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """Leave the body as bytes: the runner decodes it and dead-letters what does not parse."""
    return message.body
