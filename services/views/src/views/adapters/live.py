"""The live path: apply an event handed over by the platform's ConsumerRunner.

The runner has already claimed ``(consumer, event_id)`` in ``inbox`` in this transaction; the
inbox row also tells the Kafka position, which becomes the active set's checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.consumer import current_position
from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters.apply import WRITERS, apply_event, claim_version_at, record_position
from views.adapters.sets import ensure_active, quoted, switch_lock
from views.domain.projections import BY_TOPIC

_POSITION = """
SELECT topic, kafka_partition, kafka_offset FROM inbox WHERE consumer = $1 AND event_id = $2
"""
# After the switch lock: the active set, and the search path onto it for the rest of the
# transaction, in one round trip (a new statement, so it sees a switch that committed while
# this transaction waited for the lock).
_ENTER = """
SELECT schema_name,
       set_config('search_path', quote_ident(schema_name) || ', ' || quote_ident($2), true)
FROM projection_sets WHERE projection = $1 AND state = 'ACTIVE'
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
    """Apply one consumed event to its projection's active set and advance the checkpoint.

    The search path stays on the active set until the transaction ends: the consumer runner
    commits right after this handler.
    """
    projection = BY_TOPIC.get(event.TOPIC)
    if projection is None:
        return False
    # Shared: many live writers at once; a switch to a rebuilt set waits for them (exclusive).
    await conn.execute(
        "SELECT pg_advisory_xact_lock_shared(hashtext($1))",
        switch_lock(target.main_schema, projection),
    )
    if await conn.fetchval(_ENTER, projection.name, target.main_schema) is None:
        schema = await ensure_active(conn, target.main_schema, projection)
        await conn.execute(
            f"SET LOCAL search_path TO {quoted(schema)}, {quoted(target.main_schema)}"
        )
    position = await _position(conn, envelope, target)
    writer = WRITERS.get(envelope.type)
    if position is None or writer is None:
        applied = await apply_event(conn, event, envelope)
        if position is not None:
            await record_position(conn, *position)
        return applied
    claimed = await claim_version_at(conn, envelope, *position)
    if claimed:
        await writer(conn, event, envelope)
    return claimed


async def _position(
    conn: Any, envelope: CloudEvent, target: LiveTarget
) -> tuple[str, int, int] | None:
    """Where the event was read: from the consumer runner, else from its inbox row."""
    found = current_position()
    if found is None:
        row = await conn.fetchrow(_POSITION, target.consumer, envelope.id)
        if row is None:
            return None
        found = (row["topic"], row["kafka_partition"], row["kafka_offset"])
    topic, partition, offset = found
    return target.unprefixed(topic), partition, offset
