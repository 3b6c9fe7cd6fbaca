"""Raw Kafka access for hostile records: bytes and headers exactly as given, and DLQ reads."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


@dataclass(frozen=True)
class Record:
    """One record as read back: where it sits, its value and its raw headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]

    def header(self, name: str) -> str:
        """A header's value as text (the DLQ's own headers are UTF-8)."""
        return self.headers[name].decode()


async def create_topic(bootstrap: str, name: str, partitions: int = 1) -> None:
    """Create a topic unless it exists."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
    finally:
        await admin.close()


class RawProducer:
    """Sends values and headers untouched (no serialisation, no validation)."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")

    async def __aenter__(self) -> RawProducer:
        await self._producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._producer.stop()

    async def send(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> tuple[int, int]:
        """Send one record; returns its (partition, offset)."""
        meta = await self._producer.send_and_wait(
            topic, value=value, key=key, headers=list(headers)
        )
        return meta.partition, meta.offset


async def read_all(bootstrap: str, topic: str, *, timeout: float = 30) -> list[Record]:
    """Every record of ``topic`` up to its end offsets now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        # Room for the oversized records the tests dead-letter.
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    found: list[Record] = []
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert partitions, f"no topic {topic}"
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        async with asyncio.timeout(timeout):
            while any([await consumer.position(tp) < end for tp, end in ends.items()]):
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    found.extend(
                        Record(r.topic, r.partition, r.offset, r.key, r.value, dict(r.headers))
                        for r in records
                    )
    finally:
        await consumer.stop()
    return found
