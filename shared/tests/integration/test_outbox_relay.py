"""The outbox and the relay against the real PostgreSQL and Kafka."""

import asyncio
import contextlib
import dataclasses
import json
import uuid

import pytest
from opentelemetry import trace

from shared import outbox
from shared.events.pii import PersonalDataError
from shared.kafka import make_producer
from shared.relay import Relay
from tests.support import campaign, consume, envelope

tracer = trace.get_tracer("tests")


async def wait_for(predicate, timeout=30.0):
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.1)


async def test_committed_event_arrives_with_key_and_cloudevents_fields(
    pool, schema, topics, kafka_bootstrap, running_relay
):
    event = campaign(1)
    env = envelope(event)
    with tracer.start_as_current_span("command") as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [env], schema=schema)

    [record] = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=1)
    assert record.key == str(event.campaign_id).encode()
    value = json.loads(record.value)
    assert value["specversion"] == "1.0"
    assert value["id"] == env.id
    assert value["type"] == "inspection.campaign.launched.v1"
    assert value["source"] == "/inspection"
    assert value["subject"] == str(event.campaign_id)
    assert value["aggregatetype"] == "campaign"
    assert value["aggregateversion"] == 1
    assert value["data"]["code"] == "ZX-2024-0001"
    headers = dict(record.headers)
    assert headers["content-type"] == b"application/cloudevents+json"
    assert headers["ce_type"] == b"inspection.campaign.launched.v1"
    assert headers["ce_id"] == env.id.encode()
    # The relay publishes under the trace of the command that wrote the row.
    assert headers["traceparent"].decode().split("-")[1] == trace_id
    await wait_for(
        lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL")
    )


async def test_without_spans_the_record_carries_the_commands_own_trace_context(
    pool, schema, topics, kafka_bootstrap, relay_config
):
    relay = Relay(dataclasses.replace(relay_config, spans=False))
    task = asyncio.create_task(relay.run())
    try:
        env = envelope(campaign(2))
        with tracer.start_as_current_span("command") as span:
            context = span.get_span_context()
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, [env], schema=schema)
        [record] = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=1)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    headers = dict(record.headers)
    assert headers["ce_id"] == env.id.encode()
    assert headers["content-type"] == b"application/cloudevents+json"
    # No relay span: the consumer's parent is the command's span itself, in the same trace.
    _, trace_id, parent_id, _ = headers["traceparent"].decode().split("-")
    assert (trace_id, parent_id) == (
        format(context.trace_id, "032x"),
        format(context.span_id, "016x"),
    )


async def test_rolled_back_transaction_publishes_nothing(
    pool, schema, topics, kafka_bootstrap, running_relay
):
    with contextlib.suppress(RuntimeError):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [envelope(campaign(2))], schema=schema)
            raise RuntimeError("the command failed after writing its event")
    committed = campaign(3)
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [envelope(committed)], schema=schema)

    records = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=2, timeout=8)
    assert [r.key for r in records] == [str(committed.campaign_id).encode()]


async def test_outside_a_transaction_is_refused(pool, schema):
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError, match="inside"):
            await outbox.add(conn, [envelope(campaign(4))], schema=schema)
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_personal_data_in_an_event_is_refused_and_nothing_is_written(pool, schema):
    leaky = campaign(5).model_copy(update={"lead_unit": "联系人 13812345678"})
    async with pool.acquire() as conn:
        with pytest.raises(PersonalDataError) as caught:
            async with conn.transaction():
                await outbox.add(conn, [envelope(leaky)], schema=schema)
    assert "13812345678" not in str(caught.value)
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_events_of_one_aggregate_arrive_in_order(
    pool, schema, topics, kafka_bootstrap, running_relay
):
    ids = [uuid.uuid4() for _ in range(4)]

    async def writer(aggregate_id):
        for version in range(1, 31):
            async with pool.acquire() as conn, conn.transaction():
                # The aggregate row lock is what orders one aggregate's events in the outbox.
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(aggregate_id))
                event = campaign(version, campaign_id=aggregate_id)
                await outbox.add(conn, [envelope(event, version)], schema=schema)

    await asyncio.gather(*(writer(i) for i in ids))
    records = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=120)
    assert len(records) == 120
    by_key: dict[bytes, list[int]] = {}
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_key.setdefault(r.key, []).append(json.loads(r.value)["aggregateversion"])
    assert by_key == {str(i).encode(): list(range(1, 31)) for i in ids}


async def test_a_row_committed_late_with_a_lower_seq_is_still_published(
    pool, schema, topics, kafka_bootstrap, running_relay
):
    early, late = campaign(6), campaign(7)
    slow = await pool.acquire()
    tx = slow.transaction()
    await tx.start()
    await outbox.add(slow, [envelope(early)], schema=schema)  # takes the lower seq, not committed
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [envelope(late)], schema=schema)
    first = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=1)
    assert [r.key for r in first] == [str(late.campaign_id).encode()]
    await tx.commit()
    await pool.release(slow)

    records = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=2)
    assert {r.key for r in records} == {
        str(early.campaign_id).encode(),
        str(late.campaign_id).encode(),
    }


async def test_only_one_relay_leads_and_another_takes_over(relay_config, pool, schema):
    first, second = Relay(relay_config), Relay(relay_config)
    t1 = asyncio.create_task(first.run())
    await wait_for(lambda: _true(first.is_leader))
    t2 = asyncio.create_task(second.run())
    await asyncio.sleep(1.5)
    assert first.is_leader
    assert not second.is_leader
    t1.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await t1
    await wait_for(lambda: _true(second.is_leader))
    t2.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await t2


async def _true(value):
    return bool(value)


async def test_each_record_is_on_the_partition_a_plain_send_picks_and_its_row_is_deleted(
    pool, schema, topics, kafka_bootstrap, running_relay
):
    events = [campaign(1, campaign_id=uuid.uuid4()) for _ in range(40)]
    async with pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [envelope(e) for e in events], schema=schema)

    records = await consume(kafka_bootstrap, topics + "inspection.campaigns", count=40)
    assert len(records) == 40
    # The relay builds record batches itself; a key must land where a plain send() puts it,
    # or an aggregate's events would split across partitions when the relay changes.
    # Probed on another topic with as many partitions, so the relay's topic holds only its own.
    probe = make_producer(kafka_bootstrap, client_id="partition-probe")
    await probe.start()
    try:
        assert await probe.partitions_for(topics + "tests.dlq") == await probe.partitions_for(
            topics + "inspection.campaigns"
        )
        for record in records:
            sent = await (await probe.send(topics + "tests.dlq", value=b"probe", key=record.key))
            assert record.partition == sent.partition
    finally:
        await probe.stop()
    assert len({r.partition for r in records}) > 1
    await wait_for(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox"))


async def test_a_commit_wakes_an_idle_relay_at_once(
    pool, schema, topics, kafka_bootstrap, relay_config
):
    # A minute between polls: only the NOTIFY sent with the outbox rows can wake it in time.
    relay = Relay(dataclasses.replace(relay_config, poll_interval_s=60.0))
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(30):
            while not relay.is_leader:
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        async with pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [envelope(campaign(3))], schema=schema)
        records = await consume(
            kafka_bootstrap, topics + "inspection.campaigns", count=1, timeout=15
        )
        assert len(records) == 1
        await wait_for(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox"), timeout=15)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
