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

# Each guard once: a version claim and a checkpoint only ever move forward. The statements
# below put them after their INSERT (one row, a row per unnest, or both in one statement).
_VERSION_INTO = "INSERT INTO p_versions AS p (aggregate, aggregate_id, version)"
_NEWER_VERSION = """ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = EXCLUDED.version
WHERE p.version < EXCLUDED.version"""
_CHECKPOINT_INTO = "INSERT INTO p_checkpoints AS p (topic, kafka_partition, kafka_offset)"
_LATER_OFFSET = """ON CONFLICT (topic, kafka_partition)
DO UPDATE SET kafka_offset = EXCLUDED.kafka_offset, updated_at = now()
WHERE p.kafka_offset < EXCLUDED.kafka_offset"""

_CLAIM_VERSION = f"""{_VERSION_INTO} VALUES ($1, $2, $3)
{_NEWER_VERSION}
RETURNING 1"""
_CHECKPOINT = f"""{_CHECKPOINT_INTO} VALUES ($1, $2, $3)
{_LATER_OFFSET}"""
# The version claim and the checkpoint of one event in one round trip: the checkpoint advances
# whether or not the event is new.
_CLAIM_VERSION_AT = f"""WITH checkpoint AS (
{_CHECKPOINT_INTO} VALUES ($4, $5, $6)
{_LATER_OFFSET}
)
{_CLAIM_VERSION}"""
# Many rows at once (each row once: a statement may not touch a row twice).
_CHECKPOINTS = f"""{_CHECKPOINT_INTO}
SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])
{_LATER_OFFSET}"""  # noqa: S608 - constant SQL, no input in it
SET_VERSIONS = f"""{_VERSION_INTO}
SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
{_NEWER_VERSION}"""  # noqa: S608 - constant SQL, no input in it


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


async def claim_version_at(
    conn: Any, envelope: CloudEvent, topic: str, partition: int, offset: int
) -> bool:
    """The event's version claim (as :func:`apply_event` makes it) and checkpoint: one statement."""
    claimed = await conn.fetchval(
        _CLAIM_VERSION_AT,
        envelope.aggregatetype,
        envelope.subject,
        envelope.aggregateversion,
        topic,
        partition,
        offset,
    )
    return bool(claimed)


async def record_positions(conn: Any, positions: dict[tuple[str, int], int]) -> None:
    """Remember the highest offset consumed on each (topic, partition): one statement."""
    if positions:
        keys = list(positions)
        await conn.execute(
            _CHECKPOINTS, [k[0] for k in keys], [k[1] for k in keys], list(positions.values())
        )
