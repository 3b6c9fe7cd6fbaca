"""The write side of the transactional outbox: call it inside the state change's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg
from opentelemetry import propagate

from shared.db import Conn
from shared.events.envelope import CloudEvent
from shared.events.pii import assert_no_pii, looks_personal
from shared.events.registry import REGISTRY
from shared.http import idempotency
from shared.http.idempotency import Answer

# Documents arrive as JSON text (serialised once, by pydantic) and become jsonb in PostgreSQL;
# text parameters also keep this independent of the connection's json codecs. The NOTIFY that
# wakes the relay (delivered on commit) rides in the same statement: one round trip, not two.
_WRITTEN = """
written AS (
    INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
    SELECT id, topic, key, type, doc::json, $6::text::jsonb
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS t(id, topic, key, type, doc)
    RETURNING 1
)"""
_INSERT = f"WITH {_WRITTEN}\nSELECT pg_notify($7, '')"
# The same with the command's Idempotency-Key answer: the last write of an HTTP command is one
# statement (the key's primary key still refuses a concurrent request that took it first).
_INSERT_ANSWERED = f"""WITH {_WRITTEN}, answered AS (
    INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
    VALUES ($8, $9, $10, $11, $12::text::jsonb)
    RETURNING 1
)
SELECT pg_notify($7, '')"""  # noqa: S608 - constant SQL, no input in it


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes a schema's relay."""
    return f"outbox_{schema}"


def trace_headers() -> dict[str, str]:
    """The current W3C trace context, stored with each row so the relay publishes under it."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in ("traceparent", "tracestate")}


async def add(
    conn: Conn, envelopes: Sequence[CloudEvent], *, schema: str, answer: Answer | None = None
) -> None:
    """Append events to the outbox in the caller's transaction, and wake the relay on commit.

    With ``answer``, the command's Idempotency-Key answer is stored by the same statement.

    Raises:
        RuntimeError: when called outside a transaction (the event would not be atomic).
        PersonalDataError: when a string value looks like an ID-card or mobile number.
        KeyError: for an event type that no contract registers.
    """
    if not envelopes:
        if answer is not None:
            await idempotency.store(conn, answer)
        return
    if not conn.is_in_transaction():
        raise RuntimeError("outbox.add must run inside the state change's transaction")
    topics: list[str] = []
    for envelope in envelopes:
        contract = REGISTRY.contract(envelope.type)
        if contract is None:
            raise KeyError(f"no contract registers event type {envelope.type}")
        topics.append(contract.TOPIC)
    documents = [e.model_dump_json(exclude_none=True) for e in envelopes]
    # A quick screen of each document; only a hit pays for the precise check of the events. Per
    # document, not the batch joined: a digit run inside some UUID would make every batch hit.
    if any(looks_personal(d) for d in documents):
        for envelope in envelopes:
            assert_no_pii(envelope.data, where=envelope.type)
    arguments = (
        [e.id for e in envelopes],
        topics,
        [e.subject for e in envelopes],
        [e.type for e in envelopes],
        documents,
        json.dumps(trace_headers()),
        notify_channel(schema),
    )
    if answer is None:
        await conn.execute(_INSERT, *arguments)
    else:
        await conn.execute(_INSERT_ANSWERED, *arguments, *answer.row())


async def outbox_pending(pool: asyncpg.Pool, schema: str) -> int:
    """Outbox rows committed but not yet published (``GET /_admin/pipeline``)."""
    sql = f'SELECT count(*) FROM "{schema}".outbox WHERE published_at IS NULL'  # noqa: S608 - schema from settings
    return int(await pool.fetchval(sql))
