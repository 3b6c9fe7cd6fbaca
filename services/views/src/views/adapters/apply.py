"""Apply one event to a table set: the per-aggregate version claim, then the event's writer.

The claim is the guard of DOMAIN §3.3 for the whole aggregate: ``p_versions`` keeps the highest
``aggregateversion`` applied per aggregate, and an event is applied only if it is newer
(``… WHERE version < $aggregateversion``). Redelivered and replayed events are therefore no-ops,
even those that delete rows (an erased elder is not resurrected by a redelivered registration).
Events of different aggregates commute: no writer reads another aggregate's rows.
"""

from __future__ import annotations

from typing import Any

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters import (
    writers_care,
    writers_charity,
    writers_eldercare,
    writers_hazards,
    writers_inspection,
    writers_notify,
)
from views.adapters.writing import Writer

WRITERS: dict[str, Writer] = {}
for _module in (
    writers_inspection,
    writers_hazards,
    writers_eldercare,
    writers_care,
    writers_charity,
    writers_notify,
):
    WRITERS.update(_module.W.by_type)

_CLAIM_VERSION = """
INSERT INTO p_versions AS p (aggregate, aggregate_id, version) VALUES ($1, $2, $3)
ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
RETURNING 1
"""

_CHECKPOINT = """
INSERT INTO p_checkpoints AS p (topic, kafka_partition, kafka_offset) VALUES ($1, $2, $3)
ON CONFLICT (topic, kafka_partition) DO UPDATE SET kafka_offset = EXCLUDED.kafka_offset,
    updated_at = now()
WHERE p.kafka_offset < EXCLUDED.kafka_offset
"""


async def apply_event(conn: Any, event: IntegrationEvent, envelope: CloudEvent) -> bool:
    """Apply ``event`` to the table set on the search path; False if stale, duplicate or unknown."""
    writer = WRITERS.get(envelope.type)
    if writer is None:
        return False
    claimed = await conn.fetchval(
        _CLAIM_VERSION, envelope.aggregatetype, envelope.subject, envelope.aggregateversion
    )
    if not claimed:
        return False
    await writer(conn, event, envelope)
    return True


async def record_position(conn: Any, topic: str, partition: int, offset: int) -> None:
    """Remember the highest offset consumed on a partition (the set's checkpoint)."""
    await conn.execute(_CHECKPOINT, topic, partition, offset)


# _CHECKPOINT for many partitions at once (each once: a statement may not touch a row twice).
_CHECKPOINTS = """
INSERT INTO p_checkpoints AS p (topic, kafka_partition, kafka_offset)
SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
ON CONFLICT (topic, kafka_partition) DO UPDATE SET kafka_offset = EXCLUDED.kafka_offset,
    updated_at = now()
WHERE p.kafka_offset < EXCLUDED.kafka_offset
"""


async def record_positions(conn: Any, positions: dict[tuple[str, int], int]) -> None:
    """Remember the highest offset consumed on each (topic, partition): one statement."""
    if positions:
        keys = list(positions)
        await conn.execute(
            _CHECKPOINTS, [k[0] for k in keys], [k[1] for k in keys], list(positions.values())
        )
