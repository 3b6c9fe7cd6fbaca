"""How far behind consumers are, from Kafka itself: partitions, end and committed offsets.

``GET /_admin/pipeline`` (shared.service) reports it with the unpublished outbox rows; the demo
loader waits on it between simulated days. The consumer commits only after an effect is
durable, so committed offsets against end offsets is exact. Kafka clients only: no database.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka_security import KafkaSecurity


@dataclass
class PipelineProbe:
    """Kafka clients made on first use (they need a running loop), closed with the service."""

    bootstrap: str
    client_id: str
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    _admin: Any = None
    _reader: Any = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _clients(self) -> tuple[Any, Any]:
        async with self._lock:
            if self._admin is None:
                admin = AIOKafkaAdminClient(
                    bootstrap_servers=self.bootstrap,
                    client_id=f"{self.client_id}-probe",
                    **self.security.client_options(),
                )
                await admin.start()  # type: ignore[no-untyped-call]
                self._admin = admin
            if self._reader is None:
                reader = AIOKafkaConsumer(  # type: ignore[no-untyped-call]
                    bootstrap_servers=self.bootstrap,
                    group_id=None,
                    enable_auto_commit=False,
                    client_id=f"{self.client_id}-probe",
                    **self.security.client_options(),
                )
                await reader.start()  # type: ignore[no-untyped-call]
                self._reader = reader
        return self._admin, self._reader

    async def partitions(self, topics: list[str]) -> list[TopicPartition]:
        """Every partition of the named topics (a topic not created yet has none)."""
        admin, _ = await self._clients()
        described = await admin.describe_topics(sorted(topics))
        return [
            TopicPartition(t["topic"], p["partition"])
            for t in described
            if not t["error_code"]
            for p in t["partitions"]
        ]

    async def end_offsets(self, topics: list[str]) -> dict[str, int]:
        """The end offset of every partition, keyed ``topic:partition``."""
        _, reader = await self._clients()
        tps = await self.partitions(topics)
        ends = await reader.end_offsets(tps) if tps else {}
        return {f"{tp.topic}:{tp.partition}": int(ends[tp]) for tp in tps}

    async def lag(self, group: str, topics: list[str]) -> dict[str, int]:
        """Records not yet consumed by ``group``, per topic (summed over partitions)."""
        admin, reader = await self._clients()
        tps = await self.partitions(topics)
        if not tps:
            return {}
        ends = await reader.end_offsets(tps)
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
        out: dict[str, int] = {}
        for tp in tps:
            meta = committed.get(tp)
            done = meta.offset if meta is not None and meta.offset >= 0 else 0
            out[tp.topic] = out.get(tp.topic, 0) + max(0, ends[tp] - done)
        return out

    async def close(self) -> None:
        """Stop the clients."""
        for client in (self._admin, self._reader):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.close() if client is self._admin else await client.stop()
        self._admin = self._reader = None
