"""The live path: apply an event handed over by the platform's ConsumerRunner.

The runner has already claimed ``(consumer, event_id)`` in ``inbox`` in this transaction; the
inbox row also tells the Kafka position, which becomes the active set's checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters.apply import apply_event, record_position
from views.adapters.sets import ensure_active, quoted, switch_lock
from views.domain.projections import BY_TOPIC

_POSITION = """
SELECT topic, kafka_partition, kafka_offset FROM inbox WHERE consumer = $1 AND event_id = $2
"""


@dataclass(frozen=True)
class LiveTarget:
    """Where live events go: the service schema, its consumer name and the topic prefix."""

    main_schema: str
    consumer: str
    topic_prefix: str = ""

    def unprefixed(self, topic: str) -> str:
        """A Kafka topic name without this deployment's prefix."""
        if self.topic_prefix and topic.startswith(self.topic_prefix):
            return topic[len(self.topic_prefix) :]
        return topic


async def apply_live(
    conn: Any, event: IntegrationEvent, envelope: CloudEvent, *, target: LiveTarget
) -> bool:
    """Apply one consumed event to its projection's active set and advance the checkpoint."""
    projection = BY_TOPIC.get(event.TOPIC)
    if projection is None:
        return False
    # Shared: many live writers at once; a switch to a rebuilt set waits for them (exclusive).
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared(hashtext($1))",
        switch_lock(target.main_schema, projection),
    )
    schema = await ensure_active(conn, target.main_schema, projection)
    position = await conn.fetchrow(_POSITION, target.consumer, envelope.id)
    await conn.execute(f"SET LOCAL search_path TO {quoted(schema)}, {quoted(target.main_schema)}")
    applied = await apply_event(conn, event, envelope)
    if position is not None:
        await record_position(
            conn,
            target.unprefixed(position["topic"]),
            position["kafka_partition"],
            position["kafka_offset"],
        )
    # SET LOCAL ends with the transaction anyway; restore it for anything after us in it.
    await conn.execute(f"SET LOCAL search_path TO {quoted(target.main_schema)}")
    return applied
